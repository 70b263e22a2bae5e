"""Document clusters and boilerplate on crawl-like corpora: stories copied many times,
chains of documents that share little, template lines, content re-used by a few stories."""

from __future__ import annotations

import random

import numpy as np
import pytest

import dedup
from dedup.corpus import settings
from dedup.corpus.linking import linking_edges, star_clusters
from dedup.corpus.memo import PairSims
from dedup.corpus.runner import Runner
from dedup.lsh import head_pairs, jaccard_pairs, unique_pairs
from dedup.shingle import ShingleSets

FOOTER = "Follow our channel for more stories like this one every single day"


def article(k: int, rnd: random.Random, n: int = 8) -> list[str]:
    vocab = [f"s{k}w{i}" for i in range(300)]
    return [" ".join(rnd.choice(vocab) for _ in range(rnd.randint(14, 28))) for _ in range(n)]


def stories(n: int = 12, seed: int = 3) -> list[list[str]]:
    rnd = random.Random(seed)
    return [article(k, rnd) + [FOOTER] for k in range(n)]


def clusters(results: list[dedup.DocResult]) -> dict[str, str]:
    return {r.id: r.cluster for r in results}


@pytest.mark.parametrize("k", [1, 2, 4, 5, 7, 10])
@pytest.mark.parametrize("edit", ["none", "dateline", "word"])
def test_a_story_copied_k_times_stays_one_cluster_and_not_boilerplate(k: int, edit: str) -> None:
    arts = stories()
    docs = []
    for j in range(k):
        for s, lines in enumerate(arts):
            body = list(lines)
            if edit == "dateline":
                body[0] = f"CITY {j}, day {j} - " + body[0]
            elif edit == "word":
                words = body[2].split()
                words[j % len(words)] = f"edit{j}"
                body[2] = " ".join(words)
            docs.append((f"{s}#{j}", "\n".join(body) + "\n"))
    res = list(dedup.dedupe(docs))
    got = clusters(res)
    for s in range(len(arts)):
        assert len({got[f"{s}#{j}"] for j in range(k)}) == 1
    assert len(set(got.values())) == len(arts)
    for r in res:  # only the footer, shared by every story, is boilerplate
        flags = [p.boilerplate for p in r.paragraphs]
        assert flags == [False] * (len(flags) - 1) + [True], r.id


def test_many_copies_are_candidates_of_their_earliest_copy_in_pairs_linear_in_the_copies() -> None:
    # 60 copies of one story, one word edited in each: every bucket pairs each copy with the
    # one before it and with the earliest copy, so at most 2 pairs per copy and band
    # (a window of 16 would pair most of the 1,770 two-copy pairs) and one cluster.
    body = stories(1)[0]
    docs = []
    for j in range(60):
        lines = list(body)
        words = lines[3].split()
        words[j % len(words)] = f"edit{j}"
        lines[3] = " ".join(words)
        docs.append((f"c{j}", "\n".join(lines) + "\n"))
    assert len(set(clusters(list(dedup.dedupe(docs))).values())) == 1
    ids = np.arange(60, dtype=np.int64)
    rank = np.arange(60, dtype=np.int64)  # one bucket holding every copy
    left, right = unique_pairs(*head_pairs(ids, rank, 1), 60)
    assert set(zip(left.tolist(), right.tolist())) == {(j - 1, j) for j in range(1, 60)} | {(0, j) for j in range(2, 60)}


def test_boilerplate_flags_do_not_depend_on_the_number_of_copies() -> None:
    arts = stories(n=4)  # the footer is in 4 stories: fewer than boilerplate_min (5)
    base = {r.id: [p.boilerplate for p in r.paragraphs]
            for r in dedup.dedupe([(f"{s}#0", "\n".join(a)) for s, a in enumerate(arts)])}
    assert not any(any(f) for f in base.values())
    for k in (3, 8):
        res = dedup.dedupe([(f"{s}#{j}", "\n".join(a)) for j in range(k) for s, a in enumerate(arts)])
        for r in res:
            assert [p.boilerplate for p in r.paragraphs] == base[r.id.split("#")[0] + "#0"]


def test_a_chain_of_documents_that_share_little_is_cut() -> None:
    """Documents 0..5, each sharing about half of its paragraphs with the next: every
    neighbour pair is near-duplicate, the ends of the chain are not."""
    rnd = random.Random(9)
    paras = article(0, rnd, n=24)
    docs = [(f"d{i}", "\n".join(paras[2 * i : 2 * i + 8])) for i in range(6)]
    res = list(dedup.dedupe(docs, dedup.Config(doc_threshold=0.3)))
    got = clusters(res)
    assert got["d1"] == "d0"  # neighbours stay together
    assert got["d5"] != "d0"  # the chain's far end does not join the start
    sets = {r.id: set(r.text.split()) for r in res}
    for r in res:  # every member is close enough to its cluster's representative
        rep = sets[r.cluster]
        assert len(rep & sets[r.id]) / len(rep | sets[r.id]) >= 0.2


def test_star_clusters_are_the_same_for_any_edge_order() -> None:
    rnd = random.Random(4)
    rows = [np.array(sorted(rnd.sample(range(80), 30)), dtype=np.uint32) for _ in range(12)]
    offsets = np.concatenate([[0], np.cumsum([len(r) for r in rows])]).astype(np.int64)
    sets = ShingleSets(np.concatenate(rows), offsets, np.full(12, 30, dtype=np.int64))
    left = np.array([*range(11), 0, 3], dtype=np.int64)
    right = np.array([*range(1, 12), 5, 9], dtype=np.int64)
    jac = PairSims(sets, Runner(1), 12)
    a = star_clusters(jac, left, right, 12, 0.3)
    for seed in range(3):
        order = np.random.default_rng(seed).permutation(len(left))
        assert star_clusters(jac, right[order], left[order], 12, 0.3).tolist() == a.tolist()
    rep_sim = jaccard_pairs(sets, np.arange(12), a)
    assert (rep_sim >= 0.3).all()


@pytest.mark.parametrize("seed", range(4))
def test_verifying_only_the_pairs_components_need_gives_the_stars_of_all_pairs(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Random sets (many near copies, and chains whose far members leave their star) and
    random candidate pairs: linking_edges in pieces of one pair (the most set aside) and
    star_clusters over its edges and pending pairs give the clusters of every pair verified."""
    rnd = random.Random(seed)
    base = [sorted(rnd.sample(range(400), 40)) for _ in range(5)]
    rows = []
    for _ in range(40):
        b = list(rnd.choice(base))
        for _ in range(rnd.randint(0, 30)):  # drift: near copies, and rows far from their base
            b[rnd.randrange(len(b))] = rnd.randrange(400, 800)
        rows.append(np.array(sorted(set(b)), dtype=np.uint32))
    offsets = np.concatenate([[0], np.cumsum([len(r) for r in rows])]).astype(np.int64)
    sets = ShingleSets(np.concatenate(rows), offsets, np.array([len(r) for r in rows], dtype=np.int64))
    pairs = sorted({tuple(sorted(rnd.sample(range(40), 2))) for _ in range(400)})
    left, right = (np.array(x, dtype=np.int64) for x in zip(*pairs))
    jac = PairSims(sets, Runner(1), 40)
    sim = jaccard_pairs(sets, left, right)
    ok = sim >= 0.4 - 1e-12
    want = star_clusters(jac, left[ok], right[ok], 40, 0.3, sim[ok])
    for piece in (1, 7, len(left)):
        monkeypatch.setattr(settings, "LINK_PIECE", piece)
        edges, s, pending = linking_edges(jac, left, right, 40, 0.4)
        got = star_clusters(jac, *edges, 40, 0.3, s, pending=pending, link=0.4)
        assert got.tolist() == want.tolist(), piece


def test_members_that_leave_a_star_are_joined_by_a_pair_set_aside(monkeypatch: pytest.MonkeyPatch) -> None:
    """A, X, B, C: X links A to B and C, which are too far from A and leave; B and C are near
    copies, their pair was set aside (X had linked them) and must still join them."""
    rows = [np.arange(a, a + 100, dtype=np.uint32) for a in (0, 30, 60, 61)]
    sets = ShingleSets(np.concatenate(rows), np.arange(0, 401, 100, dtype=np.int64), np.full(4, 100, dtype=np.int64))
    left, right = np.array([0, 0, 0, 1, 1, 2]), np.array([1, 2, 3, 2, 3, 3])
    jac = PairSims(sets, Runner(1), 4)
    monkeypatch.setattr(settings, "LINK_PIECE", 1)
    edges, sim, pending = linking_edges(jac, left, right, 4, 0.4)
    assert pending[0].tolist() == [2] and pending[1].tolist() == [3]
    assert star_clusters(jac, *edges, 4, 0.3, sim, pending=pending, link=0.4).tolist() == [0, 0, 2, 2]


def test_a_paragraph_reused_by_a_few_follow_ups_of_one_story_is_not_boilerplate() -> None:
    arts = stories(n=10)
    quote = "The court sentenced the former official to sixteen years in prison for the bribes"
    docs = [(f"{s}", "\n".join(a[:4] + ([quote] if s < 3 else []) + a[4:])) for s, a in enumerate(arts)]
    for r in dedup.dedupe(docs):
        for p, line in zip(r.paragraphs, r.text.splitlines()):
            assert p.boilerplate == (line == FOOTER), (r.id, line)


def test_template_lines_with_a_variable_slot_are_boilerplate() -> None:
    """A line that starts the same way in many stories, short and at the end of each
    document ("Watch also: <title>"), is boilerplate even when each member is unique."""
    arts = stories(n=10)
    rnd = random.Random(1)
    docs = []
    for s, a in enumerate(arts):
        title = " ".join(rnd.choice(["Storm", "Hits", "Coast", "Mayor", "Says", "New", "Bridge", "Opens"])
                         for _ in range(6))
        docs.append((f"{s}", "\n".join(a[:-1] + [f"Watch also: {title} {s}", a[-1]])))
    for r in dedup.dedupe(docs):
        lines = r.text.splitlines()
        flags = dict(zip(lines, (p.boilerplate for p in r.paragraphs)))
        assert flags[lines[-2]] and flags[FOOTER], r.id
        assert not any(flags[line] for line in lines[:-2])


def test_link_fragments_and_table_cells_are_not_boilerplate() -> None:
    """A link anchor split onto its own line inside a sentence, and table cells, recur in
    many stories yet are content."""
    arts = stories(n=10)
    docs = []
    for s, a in enumerate(arts):
        body = [p + "." for p in a[:-1]]
        lines = body[:3] + [f"In round {s} the home side played against", "Timnas Indonesia",
                            "and won the game in the last minute.", "Score", "0", "1", "2"] + body[3:] + [FOOTER + "."]
        docs.append((f"{s}", "\n".join(lines)))
    for r in dedup.dedupe(docs):
        flags = dict(zip(r.text.splitlines(), (p.boilerplate for p in r.paragraphs)))
        assert flags[FOOTER + "."], r.id
        assert not any(flags[x] for x in ("Timnas Indonesia", "0", "1", "2")), r.id


def test_a_one_word_family_needs_a_fixed_opening() -> None:
    """Lines that only share their first word ("Here are ...") at the end of many stories
    are not a template; "Watch also ..." lines are, and so is the odd "Watch more ..." line
    of that family."""
    arts = stories(n=12)
    rnd = random.Random(5)
    docs = []
    for s, a in enumerate(arts):
        title = " ".join(rnd.sample(a[0].split(), 6))
        lead = "Watch more about" if s % 6 == 0 else "Watch also"
        here = f"Here {'abcdefghijkl'[s]}{s} {title}:"  # a second word of its own
        docs.append((f"{s}", "\n".join(a[:-1] + [here, f"{lead}: {title}", a[-1]])))
    for r in dedup.dedupe(docs, dedup.Config(boilerplate_min=3)):
        lines = r.text.splitlines()
        flags = dict(zip(lines, (p.boilerplate for p in r.paragraphs)))
        assert flags[lines[-2]], (r.id, lines[-2])
        assert not flags[lines[-3]], (r.id, lines[-3])


def test_a_paragraph_reused_by_six_follow_ups_of_one_story_is_not_boilerplate() -> None:
    rnd = random.Random(5)
    follow_ups = [article(0, rnd) + [FOOTER] for _ in range(6)]  # one event: other sentences, the same words
    quote = "The court sentenced the former official to sixteen years in prison for the bribes he took"
    docs = [(f"f{s}", "\n".join(a[:4] + [quote] + a[4:])) for s, a in enumerate(follow_ups)]
    docs += [(f"o{s}", "\n".join(a)) for s, a in enumerate(stories(n=12, seed=7))]
    flagged = {r.text[p.start:p.end] for r in dedup.dedupe(docs) for p in r.paragraphs if p.boilerplate}
    assert flagged == {FOOTER}
