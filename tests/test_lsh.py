import itertools
import random

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

import dedup
from dedup.lsh import band_keys, candidate_pairs, duplicate_classes, jaccard_pairs, similar_pairs
from dedup.shingle import shingle_sets


def py_jaccard(a, b):
    a, b = set(a), set(b)
    return len(a & b) / len(a | b) if a | b else 0.0


@given(st.lists(st.lists(st.integers(0, 30), max_size=12), min_size=1, max_size=10))
def test_jaccard_pairs_equals_python_sets(rows):
    from dedup.shingle import ShingleSets

    rows = [sorted(set(r)) for r in rows]
    offsets = np.zeros(len(rows) + 1, dtype=np.int64)
    np.cumsum([len(r) for r in rows], out=offsets[1:])
    values = np.array([v for r in rows for v in r], dtype=np.uint32)
    sets = ShingleSets(values, offsets, np.zeros(len(rows), np.int64))
    pairs = list(itertools.product(range(len(rows)), repeat=2))
    left = np.array([p[0] for p in pairs])
    right = np.array([p[1] for p in pairs])
    got = jaccard_pairs(sets, left, right)
    for (i, j), g in zip(pairs, got):
        assert g == py_jaccard(rows[i], rows[j])


def test_candidate_pairs_equals_brute_force_for_small_buckets():
    r = np.random.default_rng(3)
    keys = r.integers(0, 6, size=(40, 5)).astype(np.uint64)
    left, right = candidate_pairs(keys + np.arange(5, dtype=np.uint64) * 100, window=100)
    want = {(i, j) for i in range(40) for j in range(i + 1, 40) if (keys[i] == keys[j]).any()}
    assert set(zip(left.tolist(), right.tolist())) == want
    assert (left < right).all()


def test_candidate_pairs_window_keeps_huge_buckets_linear():
    keys = np.zeros((10_000, 2), dtype=np.uint64)
    keys[:, 1] = 1
    left, right = candidate_pairs(keys, window=4)
    # each member meets the 4 before it and the bucket's first 4
    assert len(left) <= 10_000 * 4 * 2
    assert (((right - left) <= 4) | (left < 4)).all()


def test_duplicate_classes():
    texts = ["a b c d", "x y", "A, b; C d!", "", "x  Y", "", "q"]
    cls, rep = duplicate_classes(shingle_sets(texts))
    assert cls.tolist() == [0, 1, 0, 2, 1, 2, 3]
    assert rep.tolist() == [0, 1, 3, 6]


def test_lsh_recall_on_planted_near_duplicates():
    """Seeded: 300 pairs planted at Jaccard >= 0.75; with the default bands the miss
    probability per pair is <= 1e-4, so missing even one (p < 0.03) fails the test."""
    rnd = random.Random(11)
    vocab = [f"w{i}" for i in range(5000)]
    texts = []
    for _ in range(300):
        words = [rnd.choice(vocab) for _ in range(rnd.randint(30, 60))]
        other = list(words)
        other[-1] = "changed"  # one word at the end: 1 of ~n-2 shingles differs
        texts += [" ".join(words), " ".join(other)]
    cfg = dedup.Config()
    sets = shingle_sets(texts, cfg)
    sig = dedup.signatures(texts, cfg)
    left, right, sim = similar_pairs(sets, band_keys(sig, *cfg.lsh), cfg.threshold, cfg.bucket_window)
    found = set(zip(left.tolist(), right.tolist()))
    planted = {(2 * i, 2 * i + 1) for i in range(300)}
    assert all(jaccard_pairs(sets, np.array([a]), np.array([b]))[0] >= 0.75 for a, b in planted)
    assert planted <= found
    assert (sim >= cfg.threshold).all()


@given(st.lists(st.sampled_from(["a b c d e", "a b c d f", "b c d e f", "x y z", "x y", "q", "a b c"]), max_size=12),
       st.sampled_from([0.3, 0.5, 0.75, 0.9]))
def test_exact_pairs_equals_all_pairs(texts, t):
    from dedup.lsh import exact_pairs

    sets = shingle_sets(texts)
    left, right, sim = exact_pairs(sets, t)
    got = set(zip(left.tolist(), right.tolist()))
    want = set()
    for i in range(len(texts)):
        for j in range(i + 1, len(texts)):
            if jaccard_pairs(sets, np.array([i]), np.array([j]))[0] >= t:
                want.add((i, j))
    assert got == want


@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 5)), max_size=60))
def test_shared_keys_equals_definition(parts):
    """Keys built from a few high parts and low parts, so that many share their
    high bits (the packed prefix) without being equal: the prefilter must drop them."""
    from dedup.arrays import shared_keys

    keys = np.array([(h << 58) | lo for h, lo in parts], dtype=np.uint64)
    count: dict[int, int] = {}
    for k in keys.tolist():
        count[k] = count.get(k, 0) + 1
    want = sorted((k, i) for i, k in enumerate(keys.tolist()) if count[k] > 1)
    assert shared_keys(keys).tolist() == [i for _, i in want]


@given(st.lists(st.lists(st.integers(-3, 40), max_size=30), max_size=12), st.integers(1, 20))
def test_distinct_runs_equals_the_distinct_values_of_all(runs, hold):
    """Runs merged as they come, however small the share held before a merge."""
    from dedup.arrays import distinct_runs

    arrays = [np.unique(np.array(r, dtype=np.int64)) for r in runs]
    want = sorted({v for r in runs for v in r})
    assert distinct_runs(iter(arrays), hold=hold).tolist() == want


def test_union_and_jaccard_merge_paths_match_plain_sort(monkeypatch):
    """jaccard_pairs and union_rows rely on a stable sort merging sorted runs; the
    answers equal Python sets on rows of many sizes (large enough to be chunked)."""
    from dedup.shingle import ShingleSets, union_rows

    rng = np.random.default_rng(7)
    rows = [np.unique(rng.integers(0, 500, rng.integers(0, 80))) for _ in range(300)]
    offsets = np.zeros(len(rows) + 1, dtype=np.int64)
    np.cumsum([len(r) for r in rows], out=offsets[1:])
    sets = ShingleSets(np.concatenate(rows).astype(np.uint32), offsets, np.zeros(len(rows), np.int64))
    left, right = rng.integers(0, 300, 2000), rng.integers(0, 300, 2000)
    got = jaccard_pairs(sets, left, right)
    assert got.tolist() == [py_jaccard(rows[a].tolist(), rows[b].tolist()) for a, b in zip(left, right)]
    groups = np.sort(rng.integers(0, 40, 300))
    shuffled = rng.permutation(300)
    for chunk, order in ((1 << 21, np.arange(300)), (50, np.arange(300)), (50, shuffled), (1, shuffled)):
        monkeypatch.setattr(dedup.shingle, "UNION_CHUNK", chunk)  # one block, or blocks of a few groups
        u = union_rows(sets, order, groups[order], 40)
        for g in range(40):
            want = sorted(set().union(*(rows[i].tolist() for i in np.flatnonzero(groups == g))))
            assert u.row(g).tolist() == want
    assert union_rows(sets, np.zeros(0, np.int64), np.zeros(0, np.int64), 3).offsets.tolist() == [0, 0, 0, 0]
    assert len(union_rows(sets, np.zeros(0, np.int64), np.zeros(0, np.int64), 0)) == 0
