"""A batch of texts searched at once finds what each text searched alone finds."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import dedup
from dedup.collapse import analyze
from dedup.contain import contained_pairs
from dedup.lsh import band_keys_of_sets, similar_pairs
from dedup.shingle import shingle_sets

WORDS = "satu dua tiga empat lima enam tujuh delapan sembilan sepuluh 2024 Rp5 juta".split()
line = st.lists(st.sampled_from(WORDS), min_size=1, max_size=14).map(" ".join)
# texts of a few lines drawn from a small pool, so that lines repeat within and across texts
texts = st.lists(st.lists(st.integers(0, 7), min_size=0, max_size=9), min_size=1, max_size=6)


def _rows(pool, picks):
    return ["\n".join(pool[i] for i in p) + "\n" for p in picks]


@given(st.lists(line, min_size=8, max_size=8), texts, st.sampled_from(["lsh", "exact"]))
def test_a_batch_finds_what_each_text_alone_finds(pool, picks, candidates):
    cfg = dedup.Config(candidates=candidates, min_tokens=2)
    batch = _rows(pool, picks)
    together = analyze(batch, cfg).repeats
    assert together == tuple(analyze([t], cfg).repeats[0] for t in batch)


@given(st.lists(line, min_size=8, max_size=8), texts)
def test_grouped_pairs_are_each_groups_own(pool, picks):
    cfg = dedup.Config()
    per_group = [[pool[i] for i in p] for p in picks]
    bounds = np.cumsum([0] + [len(p) for p in per_group])
    sets = shingle_sets([row for p in per_group for row in p], cfg)
    keys = band_keys_of_sets(sets, cfg.num_perm, cfg.seed, *cfg.lsh)
    grouped_sim = similar_pairs(sets, keys, 0.3, 2, groups=bounds)
    grouped_con = contained_pairs(sets, 0.9, window=2, groups=bounds)
    for g in range(len(per_group)):
        rows = np.arange(bounds[g], bounds[g + 1])
        alone = sets.take(rows)
        for got, want in ((grouped_sim, similar_pairs(alone, keys[rows], 0.3, 2)),
                          (grouped_con, contained_pairs(alone, 0.9, window=2))):
            mine = (got[0] >= bounds[g]) & (got[0] < bounds[g + 1])
            assert got[0][mine].tolist() == (want[0] + bounds[g]).tolist()
            assert got[1][mine].tolist() == (want[1] + bounds[g]).tolist()
            assert got[2][mine].tolist() == want[2].tolist()


@pytest.mark.parametrize("groups", [[1, 3], [0, 2, 1], [0, 4], []])
def test_groups_that_do_not_cover_the_rows_are_refused(groups):
    sets = shingle_sets(["a b c", "a b c d", "x y z"])
    with pytest.raises(ValueError, match="groups must be non-decreasing offsets"):
        contained_pairs(sets, 0.9, groups=np.array(groups))
    keys = band_keys_of_sets(sets, 128, 1, 16, 8)
    with pytest.raises(ValueError, match="groups must be non-decreasing offsets"):
        similar_pairs(sets, keys, 0.5, groups=np.array(groups))


@given(st.lists(st.lists(st.integers(0, 40), max_size=15), min_size=1, max_size=8), st.data())
def test_held_sizes_are_the_intersection_sizes(rows, data):
    from dedup.contain import held_sizes
    from dedup.exact import intersection_sizes
    from dedup.shingle import ShingleSets

    rows = [sorted(set(r)) for r in rows]
    offsets = np.cumsum([0] + [len(r) for r in rows])
    sets = ShingleSets(np.array([v for r in rows for v in r], dtype=np.uint32), offsets, np.zeros(len(rows), np.int64))
    pick = st.lists(st.tuples(st.integers(0, len(rows) - 1), st.integers(0, len(rows) - 1)), max_size=20)
    pairs = np.array(data.draw(pick), dtype=np.int64).reshape(-1, 2)
    got = held_sizes(sets, pairs[:, 0], pairs[:, 1])
    assert got.tolist() == intersection_sizes(sets, pairs[:, 0], pairs[:, 1]).tolist()
