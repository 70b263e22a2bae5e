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
