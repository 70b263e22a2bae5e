"""Adds over a stored index read the document-clustering passes' memos (dedup.corpus.memo):
the results are those of one pass from scratch, and only the documents that changed are
made again; a damaged memo is an error, a memo newer than a reader's view is ignored."""

from __future__ import annotations

import random
import sqlite3

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import dedup
from dedup.corpus import linking
from dedup.corpus.memo import LazyDocSets, PairSims
from dedup.corpus.nodes import NodeStore
from dedup.corpus.pairs import appended_pairs, bucket_pairs
from dedup.corpus.runner import Runner
from dedup.index import IndexMismatchError, row_crc
from dedup.lsh import jaccard_pairs
from dedup.shingle import ShingleSets, union_rows

from .test_corpus import synthetic_corpus
from .test_crawl_clusters import FOOTER, stories


def crawl(seed: int = 1) -> list[tuple[str, str]]:
    """Stories copied a few times, a footer shared by more and more of them (boilerplate
    only once enough stories carry it, so later adds change earlier documents' second pass)
    and a line two stories share."""
    rnd = random.Random(seed)
    arts = stories(n=9, seed=seed)
    docs = []
    for j in range(3):
        for s, a in enumerate(arts):
            body = [p for p in a if p != FOOTER]
            if s >= 2:  # the first two stories come without it
                body.append(FOOTER)
            if s in (4, 7):
                body.insert(2, "A line the two stories share, word for word, in their middles")
            words = body[1].split()
            words[rnd.randrange(len(words))] = f"edit{j}"
            body[1] = " ".join(words)
            docs.append((f"{s}#{j}", "\n".join(body)))
    rnd.shuffle(docs)
    return docs


def scratch(docs, cfg=None):
    return [r.to_json() for r in dedup.dedupe(docs, cfg)]


@pytest.mark.parametrize("cfg", [None, dedup.Config(boilerplate_min=3)])
def test_adds_over_stored_memos_give_the_results_of_one_pass(tmp_path, monkeypatch, cfg):
    docs = crawl()
    cuts = [0, 14, 15, 21, len(docs)]
    want = [scratch(docs[:b], cfg) for b in cuts[1:]]
    path = tmp_path / "idx.sqlite"
    made = {"memo": 0, "all": 0}
    for name in made:
        fn = getattr(linking, f"{name}_doc_sets")
        monkeypatch.setattr(linking, f"{name}_doc_sets",
                            lambda *a, _fn=fn, _name=name: made.__setitem__(_name, made[_name] + 1) or _fn(*a))
    for k, (a, b) in enumerate(zip(cuts, cuts[1:])):
        with dedup.Corpus(cfg, index=path) as c:
            c.add(docs[a:b])
            assert [r.to_json() for r in c.results()] == want[k], b
            assert {n.split(".")[0] for n in c.store.read_memos()} == {"memo1", "memo2"}
        assert made == {"memo": 2 * k, "all": 2}  # both passes read the memos of the add before
    with dedup.Corpus(cfg, index=path) as c:  # the state is stored: nothing is made again
        assert [r.to_json() for r in c.results()] == want[-1]
    assert made == {"memo": 6, "all": 2}


@settings(max_examples=12)
@given(seed=st.integers(0, 10**6), cuts=st.lists(st.integers(1, 40), min_size=1, max_size=3))
def test_any_split_into_adds_gives_one_pass(tmp_path_factory, seed, cuts):
    docs, _ = synthetic_corpus(12, seed=seed % 97)
    docs += crawl(seed)[: seed % 20]
    one = scratch(docs)
    path = tmp_path_factory.mktemp("memo") / "idx.sqlite"
    for a, b in zip([0, *sorted(set(cuts))], [*sorted(set(cuts)), len(docs)]):
        if a >= b:
            continue
        with dedup.Corpus(index=path) as c:
            c.add(docs[a:b])
            assert [r.to_json() for r in c.results()] == scratch(docs[:b])
    with dedup.Corpus(index=path) as c:
        assert [r.to_json() for r in c.results()] == one


def _sql(path, statement, *args):
    db = sqlite3.connect(path)
    db.execute(statement, args)
    db.commit()
    db.close()


def test_a_damaged_memo_is_an_error_not_other_clusters(tmp_path):
    docs = crawl()
    path = tmp_path / "idx.sqlite"
    with dedup.Corpus(index=path) as c:
        c.add(docs[:10])
        list(c.results())
    _sql(path, "UPDATE state SET data = substr(data, 1, 8) WHERE name = 'memo1.keys'")
    with dedup.Corpus(index=path) as c:
        c.add(docs[10:])
        with pytest.raises(IndexMismatchError, match="damaged.*memo1.keys.*checksum"):
            next(c.results())
    path = tmp_path / "idx2.sqlite"
    with dedup.Corpus(index=path) as c:
        c.add(docs[:10])
        list(c.results())
    data = np.arange(11, dtype=np.int64).tobytes()  # a memo of 11 documents' sizes, its checksum right
    _sql(path, "UPDATE state SET data = ?, crc = ? WHERE name = 'memo1.sizes'", data, row_crc("memo1.sizes", "i8", data))
    with dedup.Corpus(index=path) as c:
        c.add(docs[10:])
        with pytest.raises(IndexMismatchError, match="damaged.*memo 1: its shape"):
            next(c.results())


def test_a_reader_ignores_a_memo_a_writer_made_after_it_read_the_index(tmp_path):
    docs = crawl()
    path = tmp_path / "idx.sqlite"
    with dedup.Corpus(index=path) as c:
        c.add(docs[:12])
    reader = dedup.Corpus(index=path)  # reads 12 documents, no state stored yet
    with dedup.Corpus(index=path) as w:
        w.add(docs[12:])
        list(w.results())  # stores the state and memos of all documents
    with reader:
        assert [r.to_json() for r in reader.results()] == scratch(docs[:12])


def test_lazy_doc_sets_are_the_unions_made_at_once():
    rnd = random.Random(3)
    rows = [np.array(sorted(rnd.sample(range(60), rnd.randint(0, 12))), dtype=np.uint32) for _ in range(30)]
    offsets = np.concatenate([[0], np.cumsum([len(r) for r in rows])]).astype(np.int64)
    node_sets = ShingleSets(np.concatenate(rows), offsets, np.zeros(30, dtype=np.int64))
    nodes = NodeStore.of([node_sets])
    doc = np.sort(np.array([rnd.randrange(9) for _ in range(40)], dtype=np.int64))  # doc 8 may have none
    node = np.array([rnd.randrange(30) for _ in range(40)], dtype=np.int64)
    want = union_rows(node_sets, node, doc, 9)
    lazy = LazyDocSets(nodes, doc, node, 9)
    for ask in ([3, 1], [1, 8, 0], list(range(9))[::-1]):
        got = lazy.take(np.array(ask))
        assert [got.row(i).tolist() for i in range(len(ask))] == [want.row(d).tolist() for d in ask]
    assert lazy.sizes.tolist() == np.diff(want.offsets).tolist()
    left, right = np.array([0, 2, 5, 7]), np.array([1, 3, 6, 8])
    known = (left[:2], right[:2], np.array([0.25, 0.5]))
    jac = PairSims(lazy, Runner(1), 9, known, record=True)
    got = jac(left, right)
    assert got[:2].tolist() == [0.25, 0.5]  # looked up
    assert got[2:].tolist() == jaccard_pairs(want, left[2:], right[2:]).tolist()
    assert [a.tolist() for a in jac.pairs()[:2]] == [left.tolist(), right.tolist()]


@given(seed=st.integers(0, 10**6), n_old=st.integers(0, 30), n_new=st.integers(0, 12), heads=st.booleans())
def test_appended_rows_change_only_their_buckets_pairs(seed, n_old, n_new, heads):
    """The pairs of all rows' buckets are the old rows' pairs and those of the buckets the
    appended rows join (few key values, so buckets are large and shared)."""
    rng = np.random.default_rng(seed)
    keys = rng.integers(0, 6, size=(n_old + n_new, 3)).astype(np.uint64) + np.array([0, 10, 20], dtype=np.uint64)
    n = len(keys)

    def pairs(k):
        left, right, _ = bucket_pairs(k, 0, 256, 3, 1, 0, False, heads)
        return set((left * n + right).tolist())

    got = pairs(keys[:n_old]) | set(appended_pairs(keys[:n_old], keys[n_old:], 1, heads).tolist())
    assert got == pairs(keys)
