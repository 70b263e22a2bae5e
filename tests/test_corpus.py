"""The corpus driver: same kernel as collapse, clusters, boilerplate, index, bad input."""

from __future__ import annotations

import json
import random
import sqlite3

import numpy as np
import pytest

import dedup
from dedup.index import IndexMismatchError

from .conftest import scorer, shared_file

FOOTERS = [f"COPYRIGHT © Outlet {i} Media Group, all rights reserved 2024" for i in range(3)]
AD = "ADVERTISEMENT"


def story(k: int, rnd: random.Random) -> list[str]:
    vocab = [f"w{k}_{i}" for i in range(400)]
    return [" ".join(rnd.choice(vocab) for _ in range(rnd.randint(12, 30))) for _ in range(rnd.randint(6, 10))]


def synthetic_corpus(n_stories: int = 30, seed: int = 5) -> tuple[list[tuple[str, str]], dict[str, int]]:
    """Stories re-published by up to four outlets (a dateline on the lede, one paragraph dropped,
    tags appended), a shared ad line and outlet footers; some copies carry the body twice.
    Returns documents and each one's story."""
    rnd = random.Random(seed)
    docs, truth = [], {}
    for k in range(n_stories):
        paras = story(k, rnd)
        for c in range(rnd.randint(1, 4)):
            drop = rnd.randrange(1, len(paras)) if rnd.random() < 0.5 else -1  # at most one, never the lede
            body = [p for i, p in enumerate(paras) if i != drop]
            body = [p + " (ant)" if rnd.random() < 0.2 else p for p in body]
            lines = [f"CITY {c} - " + body[0], *body[1:3], AD, *body[3:], FOOTERS[c % 3]]
            if rnd.random() < 0.3:
                lines = lines + lines[1:]
            did = f"s{k}c{c}"
            docs.append((did, "\n".join(lines)))
            truth[did] = k
    rnd.shuffle(docs)
    return docs, truth


def test_results_match_collapse_and_cluster_stories():
    docs, truth = synthetic_corpus()
    res = list(dedup.dedupe(docs))
    assert [r.id for r in res] == [d for d, _ in docs]
    for (_, text), r in zip(docs, res):
        assert r.collapsed == dedup.collapse(text)  # one kernel for every driver
        assert r.repeats == tuple(dedup.find_repeats(text))
    by_cluster: dict[str, set[int]] = {}
    for r in res:
        by_cluster.setdefault(r.cluster, set()).add(truth[r.id])
    assert all(len(s) == 1 for s in by_cluster.values())  # no two stories merged
    assert len(by_cluster) == len(set(truth.values()))  # every story one cluster


def test_boilerplate_is_counted_in_stories_not_documents():
    docs, _ = synthetic_corpus()
    res = list(dedup.dedupe(docs))
    flagged = {r.text[p.start : p.end] for r in res for p in r.paragraphs if p.boilerplate}
    assert AD in flagged and set(FOOTERS) <= flagged
    # story paragraphs repeated by up to 4 outlets (and twice inside some copies) are not boilerplate
    assert all(t == AD or t in FOOTERS for t in flagged)
    p = next(p for r in res for p in r.paragraphs if r.text[p.start : p.end] == AD)
    assert p.story_frequency == 30 and p.doc_frequency > 30


def test_paragraph_evidence_points_at_the_earliest_copy():
    docs, _ = synthetic_corpus()
    res = list(dedup.dedupe(docs))
    texts = dict(docs)
    for r in res:
        for p in r.paragraphs:
            first = texts[p.first_doc][p.first_start : p.first_end]
            a, b = (set(dedup.shingles(x)) for x in (first, r.text[p.start : p.end]))
            assert p.similarity == pytest.approx(len(a & b) / len(a | b) if a | b else 1.0)


@pytest.fixture
def workers_at_once(monkeypatch):
    """Batches go to the workers of n_jobs > 1 even on these small inputs (which would
    otherwise end before a worker has started)."""
    import dedup.corpus

    monkeypatch.setattr(dedup.corpus.settings, "WORKERS_AFTER", 0)


# map_min: every array goes to the workers as a mapped file (0) or pickled (2^40), or
# (None) there is no shared-memory directory: everything by pipe, through temporary files;
# piece: band keys sorted by one top-byte value at a time (1), or all at once
@pytest.mark.parametrize("kw, map_min, piece", [({"n_jobs": 2}, 0, 1 << 21), ({"n_jobs": 2}, 1 << 40, 1),
                                                ({"n_jobs": 2, "batch_size": 5}, 0, 1), ({"n_jobs": 3}, 0, 1),
                                                ({"n_jobs": 2}, None, 1), ({"batch_size": 7}, 0, 1 << 21),
                                                ({"batch_size": 1000}, 0, 1)])
def test_same_output_for_any_n_jobs_and_batch_size(kw, map_min, piece, monkeypatch, workers_at_once):
    import dedup.corpus

    monkeypatch.setattr(dedup.corpus.settings, "PARALLEL_MIN_ITEMS", 0)  # corpus-wide steps in the workers too
    monkeypatch.setattr(dedup.corpus.settings, "SPAWN_MIN_ITEMS", 0)
    if map_min is None:
        monkeypatch.setattr(dedup.corpus.settings, "SHARE_DIR", None)
    monkeypatch.setattr(dedup.corpus.settings, "MAP_MIN_BYTES", map_min or 0)
    monkeypatch.setattr(dedup.corpus.settings, "RANGE_PIECE", piece)
    docs, _ = synthetic_corpus(12)
    base = [r.to_json() for r in dedup.dedupe(docs, batch_size=16)]
    assert [r.to_json() for r in dedup.dedupe(docs, **kw)] == base


def test_incremental_index_equals_one_pass(tmp_path):
    docs, _ = synthetic_corpus(20)
    one = [r.to_json() for r in dedup.dedupe(docs)]
    path = tmp_path / "idx.sqlite"
    with dedup.Corpus(index=path) as c:
        assert c.add(docs[:25]) == 25
    with dedup.Corpus(index=path) as c:  # tomorrow's crawl, matched against everything before
        assert c.add(docs[25:]) == len(docs) - 25
        assert [r.to_json() for r in c.results()] == one
        s = c.summary()
    assert s.documents == len(docs) and s.top_boilerplate[0][2] == 20


def test_an_add_interrupted_before_linking_is_linked_later(tmp_path, monkeypatch):
    docs, _ = synthetic_corpus(20)
    one = [r.to_json() for r in dedup.dedupe(docs)]
    path = tmp_path / "idx.sqlite"
    with dedup.Corpus(index=path, batch_size=8) as c:
        c.add(docs[:25])

    def crash(*args):
        raise RuntimeError("power cut")

    with dedup.Corpus(index=path, batch_size=8) as c:
        monkeypatch.setattr(c.nodes, "candidates", crash)  # the linking pass fails
        with pytest.raises(RuntimeError, match="power cut"):
            c.add(docs[25:])  # every batch stored, the pass that links them not
    with dedup.Corpus(index=path) as c:  # linked on opening
        assert c.nodes.linked == c.nodes.n
        assert [r.to_json() for r in c.results()] == one
    with dedup.Corpus(index=path) as c:
        assert [r.to_json() for r in c.results()] == one


def _sql(path, statement):
    db = sqlite3.connect(path)
    db.execute(statement)
    db.commit()
    db.close()


def test_index_made_with_another_config_is_refused(tmp_path):
    path = tmp_path / "idx.sqlite"
    with dedup.Corpus(index=path) as c:
        c.add(["Some text here.\nMore text."])
    with pytest.raises(IndexMismatchError, match="different Config"):
        dedup.Corpus(dedup.Config(threshold=0.8), index=path)
    _sql(path, "UPDATE meta SET value='{\"unicode\": \"9.0.0\"}' WHERE key='text_model'")
    with pytest.raises(IndexMismatchError, match="other Unicode tables"):
        dedup.Corpus(index=path)
    _sql(path, "UPDATE meta SET value='999' WHERE key='schema_version'")
    with pytest.raises(IndexMismatchError, match="schema version 999"):
        dedup.Corpus(index=path)
    other = tmp_path / "other.sqlite"
    _sql(other, "CREATE TABLE t (x)")
    with pytest.raises(IndexMismatchError, match="not a dedup index"):
        dedup.Corpus(index=other)
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"not a database at all" * 100)
    with pytest.raises(IndexMismatchError, match="not a dedup index"):
        dedup.Corpus(index=junk)


def test_damaged_stored_repeats_are_an_error_not_wrong_spans(tmp_path):
    path = tmp_path / "idx.sqlite"
    long = "A line of well over eight words, said twice here."
    with dedup.Corpus(index=path) as c:
        c.add([f"{long}\n{long}"])
        assert len(next(c.results()).repeats) == 1
    _sql(path, "UPDATE docs SET repeats = substr(repeats, 1, 20)")
    with dedup.Corpus(index=path) as c, pytest.raises(IndexMismatchError, match="damaged.*document 0 .*checksum"):
        next(c.results())


def test_document_forms():
    res = list(dedup.dedupe(["plain text", ("b", "pair text"), {"id": 7, "text": "dict text"}, {"body": "x", "text": "y"}]))
    assert [r.id for r in res] == ["0", "b", "7", "3"]
    res = list(dedup.dedupe([{"doc": "a", "body": "hello"}], text_field="body", id_field="doc"))
    assert res[0].id == "a"


def test_empty_corpus_and_empty_documents():
    assert list(dedup.dedupe([])) == []
    res = list(dedup.dedupe(["", "   \n\n", "text"]))
    assert [r.collapsed for r in res] == ["", "   \n\n", "text"]
    assert res[0].paragraphs == ()


def test_duplicate_ids():
    docs = [("a", "one"), ("b", "two"), ("a", "three")]
    with pytest.raises(ValueError, match=r"'a' at positions 0 and 2.*dedupe_ids"):
        list(dedup.dedupe(docs))
    with dedup.Corpus(dedupe_ids=True) as c:
        assert c.add(docs) == 2 and c.skipped_ids == 1
        assert [r.text for r in c.results()] == ["one", "two"]


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_duplicate_id_across_batches_and_sessions(tmp_path, n_jobs, workers_at_once):
    with pytest.raises(ValueError, match=r"'a' at position(s 0 and)? 2"):
        list(dedup.dedupe([("a", "one"), ("b", "x"), ("a", "two")], batch_size=1, n_jobs=n_jobs))
    path = tmp_path / "idx.sqlite"
    with dedup.Corpus(index=path) as c:
        c.add([("a", "one")])
    with dedup.Corpus(index=path) as c, pytest.raises(ValueError, match="already holds it"):
        c.add([("b", "two"), ("a", "again")])


@pytest.mark.parametrize(
    "doc, err, match",
    [
        ({"id": "x"}, ValueError, "no 'text' field"),
        ({"id": 1.5, "text": "t"}, TypeError, "id of type float"),
        (("x", b"bytes"), TypeError, "decode"),
        (("x", None), TypeError, "NoneType"),
        (3, TypeError, "must be a str, an \\(id, text\\) pair"),
    ],
)
def test_bad_documents_name_the_position(doc, err, match):
    with pytest.raises(err, match=match):
        list(dedup.dedupe(["fine", doc]))


def test_bad_arguments():
    with pytest.raises(ValueError, match="n_jobs"):
        dedup.Corpus(n_jobs=0)
    with pytest.raises(TypeError, match="iterable of documents"):
        with dedup.Corpus() as c:
            c.add("one document")


def test_failed_batch_leaves_the_index_as_it_was(tmp_path):
    path = tmp_path / "idx.sqlite"
    with dedup.Corpus(index=path, batch_size=2) as c:
        with pytest.raises(TypeError):
            c.add([("a", "one"), ("b", "two"), ("c", None)])
    with dedup.Corpus(index=path) as c:
        assert [r.id for r in c.results()] == ["a", "b"]


def test_corpus_quality_bar():
    score = scorer()
    docs = score.read_jsonl(str(shared_file("eval/corpus.jsonl")))
    truth = score.read_jsonl(str(shared_file("eval/corpus_truth.jsonl")))
    pred = {
        r.id: {
            "id": r.id,
            "doc_cluster": r.cluster,
            "paragraph_clusters": [p.cluster for p in r.paragraphs],
            "boilerplate": [p.boilerplate for p in r.paragraphs],
            "collapsed": r.collapsed,
        }
        for r in dedup.dedupe(docs)
    }
    res = score.score_corpus(truth, pred, None)
    print(json.dumps(res))
    assert res["doc_cluster_ari"] >= 0.95
    assert res["paragraph_pairs"]["f1"] >= 0.97
    assert res["boilerplate"]["f1"] >= 0.95
    assert res["collapse_exact_match"] >= 0.99


def test_ten_megabyte_document():
    rnd = random.Random(3)
    words = [f"w{i}" for i in range(3000)]
    big = " ".join(rnd.choice(words) for _ in range(10**7 // 6))
    body = "\n".join(" ".join(rnd.choice(words) for _ in range(20)) for _ in range(5))
    res = list(dedup.dedupe([("big", f"{big}\n{body}\n{big}"), ("small", body)]))
    assert res[0].collapsed == f"{big}\n{body}\n"  # the second copy of the 10 MB paragraph goes
    assert [p.cluster for p in res[1].paragraphs] == [p.cluster for p in res[0].paragraphs[1:6]]


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_LINES = [
    "The council voted on Tuesday to open a weekly night market along the river quay.",
    "Stalls will open at six in the evening every Friday, with lighting paid by a grant.",
    "Local fishermen said they would sell the morning catch at reduced prices after dark.",
    FOOTERS[0],
    AD,
    "***",
    "Ya.",
]


@settings(max_examples=40)
@given(
    st.lists(st.lists(st.sampled_from(_LINES), max_size=8), max_size=6),
    st.integers(1, 4),
    st.sampled_from(["\n", "\r\n", "\u2028", "\n \n"]),
)
def test_corpus_properties(doc_lines, batch_size, sep):
    docs = [(f"d{i}", sep.join(lines)) for i, lines in enumerate(doc_lines)]
    res = list(dedup.dedupe(docs, batch_size=batch_size))
    assert [r.id for r in res] == [d for d, _ in docs]
    for (_, text), r in zip(docs, res):
        assert r.collapsed == dedup.collapse(text)
        assert len(r.paragraphs) == len(dedup.split_paragraphs(text))
    # identical paragraphs share a cluster; a cluster is named by its first occurrence
    first: dict[str, int] = {}
    for r in res:
        for p in r.paragraphs:
            t = r.text[p.start : p.end]
            first.setdefault(t, p.cluster)
            assert p.cluster == first[t]
            assert p.boilerplate == (p.story_frequency >= dedup.Config().boilerplate_min)
            assert 1 <= p.story_frequency <= p.doc_frequency <= p.cluster_size


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_a_batch_of_skipped_duplicates_does_not_end_the_input(n_jobs, workers_at_once):
    docs = [("a", "one"), ("a", "again"), ("b", "two"), ("c", "three")]
    with dedup.Corpus(dedupe_ids=True, batch_size=1, n_jobs=n_jobs) as c:
        assert c.add(docs) == 3 and c.skipped_ids == 1
        assert [r.id for r in c.results()] == ["a", "b", "c"]


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_documents_without_ids_are_numbered_by_corpus_position(tmp_path, n_jobs, workers_at_once):
    path = tmp_path / "idx.sqlite"
    with dedup.Corpus(index=path, batch_size=7, n_jobs=n_jobs) as c:
        c.add([f"doc number {i}" for i in range(30)])
    with dedup.Corpus(index=path, batch_size=7) as c:
        c.add([f"doc number {i}" for i in range(30, 45)])
        assert [r.id for r in c.results()] == [str(i) for i in range(45)]
        assert all(r.text == f"doc number {r.id}" for r in c.results())


def test_distinct_count_equals_sets():
    import numpy as np

    from dedup.arrays import distinct_count

    r = np.random.default_rng(0)
    g, m = r.integers(0, 50, 1000), r.integers(0, 30, 1000)
    assert distinct_count(g, m, 1000).tolist() == [len(set(m[g == x].tolist())) for x in g.tolist()]


def reference_clusters(docs: list[str], cfg: dedup.Config) -> list[int]:
    """The paragraph clusters by a literal reading of their definition: a node is a
    distinct shingle set, numbered by first occurrence; in each LSH bucket each node
    is a candidate with the ``bucket_window`` nodes before it; candidates with exact
    Jaccard >= threshold are joined; a cluster is named by its earliest paragraph."""
    from dedup.lsh import band_keys_of_sets
    from dedup.shingle import shingle_sets

    paras = [p.text for d in docs for p in dedup.split_paragraphs(d, cfg)]
    sets = shingle_sets(paras, cfg)
    rows = [frozenset(sets.row(i).tolist()) for i in range(len(paras))]
    node_of: dict[frozenset[int], int] = {}
    for r in rows:
        node_of.setdefault(r, len(node_of))
    nodes = list(node_of)
    first_row = {node_of[r]: i for i, r in reversed(list(enumerate(rows)))}
    keys = band_keys_of_sets(sets.take(np.array([first_row[n] for n in range(len(nodes))], dtype=np.int64)),
                             cfg.num_perm, cfg.seed, *cfg.lsh)
    buckets: dict[int, list[int]] = {}
    for n in range(len(nodes)):
        for k in keys[n].tolist():
            buckets.setdefault(k, []).append(n)
    parent = list(range(len(nodes)))

    def find(x: int) -> int:
        while parent[x] != x:
            x = parent[x]
        return x

    for members in buckets.values():
        for j, b in enumerate(members):
            for a in members[max(0, j - cfg.bucket_window) : j]:
                u = nodes[a] | nodes[b]
                if u and len(nodes[a] & nodes[b]) / len(u) >= cfg.threshold - 1e-12:
                    parent[max(find(a), find(b))] = min(find(a), find(b))
    first_para: dict[int, int] = {}
    out = []
    for i, r in enumerate(rows):
        first_para.setdefault(find(node_of[r]), i)
        out.append(first_para[find(node_of[r])])
    return out


def line_variants(rnd: random.Random, n_docs: int) -> list[str]:
    """Documents of 1-4 variants of one 14-word line (up to 3 words replaced): LSH
    buckets far larger than a small window, chains of near misses."""
    base = [f"w{i}" for i in range(14)]
    docs = []
    for _ in range(n_docs):
        lines = []
        for _ in range(rnd.randint(1, 4)):
            words = list(base)
            for _ in range(rnd.randint(0, 3)):
                words[rnd.randrange(len(words))] = f"x{rnd.randrange(6)}"
            lines.append(" ".join(words))
        docs.append("\n".join(lines))
    return docs


@pytest.mark.parametrize("piece", [1, 1 << 21])  # band keys sorted one top-byte value at a time, or at once
@pytest.mark.parametrize(("batch_size", "calls"), [(1, 1), (4, 1), (100, 1), (4, 3), (3, 7)])
def test_clusters_follow_their_definition_whatever_the_batches(batch_size, calls, piece, monkeypatch):
    """Batches, and add() calls (each a linking pass against the nodes of the
    earlier ones, whose buckets overflow the window), change nothing."""
    import dedup.corpus

    monkeypatch.setattr(dedup.corpus.settings, "RANGE_PIECE", piece)
    docs = line_variants(random.Random(3), 40)
    cfg = dedup.Config(bucket_window=2, threshold=0.6)
    with dedup.Corpus(cfg, batch_size=batch_size) as c:
        for i in range(calls):
            c.add([(str(k), docs[k]) for k in range(len(docs) * i // calls, len(docs) * (i + 1) // calls)])
        got = [p.cluster for r in c.results() for p in r.paragraphs]
    assert got == reference_clusters(docs, cfg)
    assert len(set(got)) > 1  # (the case is not trivial)


def test_paragraph_evidence_is_a_lazy_immutable_sequence(monkeypatch):
    import pickle
    from dataclasses import asdict

    from dedup import Paragraphs

    docs, _ = synthetic_corpus(6)
    res = list(dedup.dedupe(docs))
    r = next(r for r in res if r.boilerplate)
    ps = r.paragraphs
    built = tuple(ps)  # made on first access, then kept
    assert all(isinstance(p, dedup.ParagraphInfo) for p in built) and [p.index for p in built] == list(range(len(ps)))
    assert ps == built and ps == list(built) and hash(ps) == hash(built)
    assert ps[-1] == built[-1] and ps[1:3] == built[1:3]
    assert r.boilerplate == tuple(p for p in built if p.boilerplate)
    assert Paragraphs.of(built) == ps and pickle.loads(pickle.dumps(r)) == r
    assert r.to_json()["paragraphs"] == [asdict(p) for p in built]
    fresh = next(x for x in dedup.dedupe(docs) if x.id == r.id)  # index access without building the others
    assert fresh.paragraphs[len(ps) - 1] == built[-1]
    with pytest.raises(IndexError, match="out of range"):
        fresh.paragraphs[len(ps)]
    with pytest.raises(ValueError, match="Paragraphs.of"):
        Paragraphs([(1, 2)])
    with pytest.raises(ValueError, match="index"):
        Paragraphs.of(built[1:])
    # a result's paragraphs are a view of its chunk's columns until read: every way in agrees
    for x, y, z in zip(dedup.dedupe(docs), dedup.dedupe(docs), dedup.dedupe(docs)):
        assert pickle.loads(pickle.dumps(x)) == x  # before anything was read
        assert len(y.paragraphs) == len(y.paragraphs.columns[0])
        assert y.boilerplate == tuple(p for p in y.paragraphs if p.boilerplate) == z.boilerplate
        assert z.paragraphs == Paragraphs(z.paragraphs.columns) == tuple(z.paragraphs)
    monkeypatch.setattr(dedup.corpus.settings, "RESULT_CHUNK", 3)  # documents cut into many chunks: the same results
    assert [(x, x.boilerplate) for x in dedup.dedupe(docs)] == [(x, x.boilerplate) for x in res]


def test_temporary_corpus_recomputes_clusters_after_more_documents():
    """A temporary index keeps its cluster state in memory only; adding documents after
    reading results must give the clusters of everything, as one pass does."""
    docs, _ = synthetic_corpus(20)
    one = [r.to_json() for r in dedup.dedupe(docs)]
    with dedup.Corpus() as c:
        c.add(docs[:25])
        early = [r.to_json() for r in c.results()]
        assert early and c.summary().documents == 25
        c.add(docs[25:])
        assert [r.to_json() for r in c.results()] == one
        assert c.summary().documents == len(docs)


def test_a_joined_array_is_joined_once():
    from dedup.corpus import Joined

    rng = np.random.default_rng(0)
    parts = (rng.integers(0, 2**63, (5, 3), dtype=np.uint64), np.zeros((0, 3), dtype=np.uint64),
             rng.integers(0, 2**63, (7, 3), dtype=np.uint64)[::-1])  # (a view that is not contiguous)
    j = Joined(parts)
    want = np.concatenate(parts)
    assert j.array() is j.array() and j.array().dtype == want.dtype and np.array_equal(j.array(), want)
    assert j.size == want.size and j.nbytes == want.nbytes
    assert Joined((parts[0],)).array() is parts[0]  # one part: no copy


def test_a_shared_step_that_fails_leaves_the_workers_usable(workers_at_once):
    """An error in this process's part propagates; the workers' parts are cancelled or
    finished before their files go, and the next step runs as usual."""
    cuts = list(range(0, 1100, 100))
    with dedup.Corpus(n_jobs=2) as c:
        with pytest.raises(TypeError):
            c.workers.share(np.arange, lambda a, b: ("not a number",) if b == 1000 else (a, b), cuts)  # the last: here
        assert np.concatenate(c.workers.share(np.arange, lambda a, b: (a, b), cuts)).tolist() == list(range(1000))


def test_dedupe_lets_the_workers_go_before_the_results(monkeypatch, workers_at_once):
    import dedup.corpus

    monkeypatch.setattr(dedup.corpus.settings, "PARALLEL_MIN_ITEMS", 0)
    monkeypatch.setattr(dedup.corpus.settings, "SPAWN_MIN_ITEMS", 0)
    docs, _ = synthetic_corpus(4)
    c = dedup.Corpus(n_jobs=2, batch_size=8)
    results = dedup.corpus.stream(c, docs)
    first = next(results)
    assert not c.workers.running and c.workers.tasks == 0  # stopped once the clusters were made
    assert [first.to_json(), *(r.to_json() for r in results)] == [r.to_json() for r in dedup.dedupe(docs)]


@pytest.mark.parametrize("ranges", [2, 3, 16, 40])
def test_a_shared_step_covers_every_range_once_in_order(ranges, workers_at_once):
    """Whoever takes a range, the results come back in order, each range once, and
    without workers the step is one call over everything."""
    cuts = sorted({0, *range(0, 1000, 1000 // ranges), 1000})
    with dedup.Corpus(n_jobs=2) as c:
        assert c.workers.pieces(10, 8) == 1  # small: all here
        assert c.workers.pieces(1 << 20, 8) == 1  # no worker runs yet: not worth starting them
        assert c.workers.pieces(1 << 23, 8) == 16
        got = c.workers.share(np.arange, lambda a, b: (a, b), cuts)
    assert len(got) >= 2 and np.concatenate(got).tolist() == list(range(1000))
    with dedup.Corpus() as c:
        assert c.workers.pieces(1 << 30, 8) == 1
        assert [x.tolist() for x in c.workers.share(np.arange, lambda a, b: (a, b), cuts)] == [list(range(1000))]


def test_node_store_takes_rows_across_its_parts():
    from dedup.corpus import NodeStore
    from dedup.shingle import ShingleSets

    def sets(rows):
        off = np.cumsum([0, *map(len, rows)])
        return ShingleSets(np.array([v for r in rows for v in r], dtype=np.uint32), off, np.zeros(len(rows), dtype=np.int64))

    a, b = [[1, 2], [], [3]], [[4, 5, 6], [7]]
    store = NodeStore.of([sets(a), sets([]), sets(b)])
    assert store.n == 5 and store.sizes.tolist() == [2, 0, 1, 3, 1]
    got = store.take(np.array([4, 0, 3, 1, 0]))
    assert [got.row(i).tolist() for i in range(5)] == [[7], [1, 2], [4, 5, 6], [], [1, 2]]


def test_a_one_batch_input_starts_no_worker():
    docs, _ = synthetic_corpus(3)
    with dedup.Corpus(n_jobs=2, batch_size=1000) as c:
        c.add(docs)
        assert not c.workers.running and c.workers.tasks == 0
        got = [r.to_json() for r in c.results()]
    assert got == [r.to_json() for r in dedup.dedupe(docs)]


@pytest.mark.parametrize("chunk", [2, 512])
def test_results_from_a_start_are_the_tail_of_all_results(monkeypatch, chunk):
    """Ids named by evidence (the earliest copy, the cluster's first document) come from
    before ``start`` too."""
    monkeypatch.setattr(dedup.corpus.settings, "RESULT_CHUNK", chunk)
    docs, _ = synthetic_corpus(8)
    with dedup.Corpus() as c:
        c.add(docs)
        every = [r.to_json() for r in c.results()]
        for start in (0, 1, 5, len(docs) - 1, len(docs)):
            assert [r.to_json() for r in c.results(start=start)] == every[start:]


def test_objects_made_in_bulk_are_the_dataclasses_init_would_make():
    import copy
    import dataclasses
    import pickle

    from dedup.maker import maker
    from dedup.results import ParagraphInfo

    examples = [
        dedup.Repeat(0, 5, 10, 15, 0.5, 1, 3, 0),
        ParagraphInfo(2, 0, 9, 3, 4, 2, 2, 1, True, "d0", 0, 9, 1.0, False),
        next(iter(dedup.dedupe(["One line of text here, twice.\n" * 2]))),
    ]
    for obj in examples:
        cls = type(obj)
        values = [getattr(obj, f.name) for f in dataclasses.fields(cls)]
        made = maker(cls)(*values)
        assert type(made) is cls and made == obj and repr(made) == repr(obj)
        assert pickle.loads(pickle.dumps(made)) == obj and copy.deepcopy(made) == obj
        if cls.__hash__ is not None:
            assert hash(made) == hash(obj)
        with pytest.raises(dataclasses.FrozenInstanceError):
            made.__setattr__(dataclasses.fields(cls)[0].name, None)


_UNGUARDED = """
import dedup, dedup.corpus
dedup.corpus.settings.WORKERS_AFTER = 0
docs = [(str(i), f"Story {i} about the thing.\\nA shared footer line for every outlet here and there.\\n") for i in range(600)]
out = list(dedup.dedupe(docs, n_jobs=2, batch_size=64))
print("ok", len(out), out[1].paragraphs[1].cluster)
"""


@pytest.mark.parametrize("how", ["script", "stdin", "-c"])
def test_n_jobs_without_main_guard(tmp_path, how):
    """n_jobs > 1 from a script without ``if __name__ == "__main__":``, from ``python -`` and
    from ``python -c`` (as a notebook runs code): the workers never import the caller's main."""
    import subprocess
    import sys

    script = tmp_path / "unguarded.py"
    script.write_text(_UNGUARDED)
    args = {"script": [str(script)], "stdin": ["-"], "-c": ["-c", _UNGUARDED]}[how]
    run = subprocess.run([sys.executable, *args], input=_UNGUARDED if how == "stdin" else None, capture_output=True,
                         text=True, timeout=300, cwd=tmp_path)
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.split() == ["ok", "600", "1"]


def test_index_mismatch_error_is_public_and_says_the_fix(tmp_path):
    import dedup.index

    assert dedup.IndexMismatchError is IndexMismatchError and "IndexMismatchError" in dedup.__all__
    assert dedup.index.IndexError_ is IndexMismatchError  # (deprecated alias)
    path = tmp_path / "idx.sqlite"
    with dedup.Corpus(index=path) as c:
        c.add(["Some text here.\nMore text."])
    with pytest.raises(dedup.IndexMismatchError, match=f"{path}.*different Config") as e:
        dedup.Corpus(dedup.Config(threshold=0.8), index=path)
    assert isinstance(e.value, ValueError)


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_a_small_memory_budget_gives_the_same_results(monkeypatch, n_jobs):
    """Document sets over DOC_SETS_BYTES are made per piece of pairs and dropped, pairs are
    verified a few shingles at a time: the results do not change."""
    import dedup.corpus
    from dedup.corpus import linking

    docs, _ = synthetic_corpus(12)
    want = [r.to_json() for r in dedup.dedupe(docs)]
    made = []
    keys = linking.doc_keys
    monkeypatch.setattr(linking, "doc_keys", lambda *a: made.append(a[3]) or keys(*a))
    monkeypatch.setattr(dedup.corpus.settings, "DOC_SETS_BYTES", 256)
    monkeypatch.setattr(dedup.corpus.settings, "JACCARD_PIECE", 40)
    monkeypatch.setattr(dedup.corpus.settings, "LINK_VERIFY", 40)
    monkeypatch.setattr(dedup.corpus.settings, "PARALLEL_MIN_ITEMS", 0)
    monkeypatch.setattr(dedup.corpus.settings, "SPAWN_MIN_ITEMS", 0)
    assert [r.to_json() for r in dedup.dedupe(docs, n_jobs=n_jobs)] == want
    if n_jobs == 1:  # (the workers' calls are not seen here)
        assert len(made) > 4 and max(made) < len(docs) // 2  # pieces of documents
