"""Unit tests of the node index: NodeStore, the band-key multimap KeyRuns, Nodes."""

from __future__ import annotations

import numpy as np
import pytest

from dedup.corpus.nodes import KeyRuns, Nodes, NodeStore
from dedup.lsh import set_fingerprints
from dedup.shingle import ShingleSets


def _sets(rows: list[list[int]]) -> ShingleSets:
    offsets = np.zeros(len(rows) + 1, dtype=np.int64)
    np.cumsum([len(r) for r in rows], out=offsets[1:])
    values = np.array([v for r in rows for v in r], dtype=np.uint32)
    return ShingleSets(values, offsets, np.zeros(len(rows), dtype=np.int64))


def test_node_store_takes_rows_across_parts():
    parts = [[[1, 2], [3]], [], [[4, 5, 6]], [[7], [8, 9]]]
    store = NodeStore.of(_sets(p) for p in parts)
    flat = [r for p in parts for r in p]
    assert store.n == len(flat)
    assert store.sizes.tolist() == [len(r) for r in flat]
    order = [4, 0, 2, 2, 3, 1]
    got = store.take(np.array(order))
    assert [got.values[got.offsets[i]:got.offsets[i + 1]].tolist() for i in range(len(order))] == [flat[i] for i in order]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_key_runs_last_is_the_latest_nodes_per_key(seed):
    rng = np.random.default_rng(seed)
    runs = KeyRuns()
    stored: dict[int, list[int]] = {}
    node = 0
    for _ in range(12):  # many adds: several runs, merged as they grow
        n = int(rng.integers(1, 400))
        keys = (rng.integers(0, 300, n).astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15))
        nodes = np.arange(node, node + n, dtype=np.int64)
        runs.add(keys, nodes)
        for k, v in zip(keys.tolist(), nodes.tolist()):
            stored.setdefault(k, []).append(v)
        node += n
    queries = np.concatenate((np.array(list(stored), dtype=np.uint64), np.array([1, 2, 3], dtype=np.uint64)))
    limit = rng.integers(0, 6, len(queries)).astype(np.int64)
    q, nd = runs.last(queries, limit)
    got: dict[int, list[int]] = {}
    for a, b in zip(q.tolist(), nd.tolist()):
        got.setdefault(a, []).append(b)
    want = {i: sorted(stored.get(k, []))[::-1][: limit[i]] for i, k in enumerate(queries.tolist())}
    assert {i: sorted(v, reverse=True) for i, v in got.items()} == {i: v for i, v in want.items() if v}
    assert runs.n == node


def test_key_runs_empty():
    q, nd = KeyRuns().last(np.array([5], dtype=np.uint64), np.array([3]))
    assert len(q) == len(nd) == 0


def test_nodes_lookup_finds_sets_seen_before():
    nodes = Nodes(window=4)
    first = _sets([[1, 2, 3], [4, 5]])
    keys = np.arange(4, dtype=np.uint64).reshape(2, 2)
    nodes.add(first, set_fingerprints(first), keys)
    later = _sets([[4, 5], [6], [1, 2, 3]])
    assert nodes.lookup(set_fingerprints(later)).tolist() == [1, -1, 0]
    assert nodes.n == 2 and len(nodes.pending) == 1


def _brute_pairs(keys: np.ndarray, first: int) -> set[tuple[int, int]]:
    """Pairs (earlier, new) of nodes sharing a band key, the new node at ``first`` or later."""
    out = set()
    for b in range(first, len(keys)):
        for a in range(b):
            if (keys[a] == keys[b]).any():
                out.add((a, b))
    return out


@pytest.mark.parametrize("seed", [0, 1])
def test_nodes_candidates_are_the_pairs_sharing_a_band_key_across_passes(seed):
    """Each linking pass gives every pair (earlier, new) of nodes that share a band key,
    once, whether the earlier node came in this pass or an earlier one."""
    from dedup.corpus.runner import Runner

    rng = np.random.default_rng(seed)
    bands, window = 3, 1000  # (buckets far smaller than the window: every pair is a candidate)
    nodes = Nodes(window=window)
    runner = Runner(1)
    all_keys = np.zeros((0, bands), dtype=np.uint64)
    for sizes in ([5, 7], [4], [6, 3, 2]):  # passes, each of several batches
        first = nodes.n
        for n in sizes:
            keys = rng.integers(0, 12, (n, bands)).astype(np.uint64) + np.arange(bands, dtype=np.uint64) * np.uint64(100)
            rows = [[int(v) for v in rng.choice(1000, 3, replace=False)] + [nodes.n + i + 10_000] for i in range(n)]
            sets = _sets([sorted(r) for r in rows])
            nodes.add(sets, set_fingerprints(sets), keys)
            all_keys = np.concatenate((all_keys, keys))
        left, right = nodes.candidates(runner.share, runner.pieces(10, 1))
        got = list(zip(left.tolist(), right.tolist()))
        assert len(got) == len(set(got)) and all(a < b for a, b in got)
        assert set(got) == _brute_pairs(all_keys, first)
        assert nodes.linked == nodes.n and not nodes.pending


def test_link_new_verifies_candidates_with_the_exact_jaccard():
    from dedup import Config
    from dedup.corpus.runner import Runner
    from dedup.corpus.view import link_new

    cfg = Config()
    bands = cfg.lsh[0]
    nodes = Nodes(window=cfg.bucket_window)
    rows = [list(range(0, 20)), list(range(1, 21)), list(range(100, 120)), list(range(0, 10)) + list(range(200, 210))]
    sets = _sets(rows)
    keys = np.full((4, bands), 7, dtype=np.uint64) + np.arange(bands, dtype=np.uint64)  # all in one bucket per band
    nodes.add(sets, set_fingerprints(sets), keys)
    first, last, edges, sim = link_new(nodes, cfg, Runner(1))
    assert (first, last) == (0, 4)
    want = [(a, b) for b in range(4) for a in range(b)
            if len(set(rows[a]) & set(rows[b])) / len(set(rows[a]) | set(rows[b])) >= cfg.threshold - 1e-12]
    assert [tuple(e) for e in edges.tolist()] == want == [(0, 1)]
    assert sim.tolist() == pytest.approx([19 / 21])
    assert link_new(nodes, cfg, Runner(1)) is None  # nothing new: nothing to link
