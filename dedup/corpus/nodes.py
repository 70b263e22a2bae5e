"""The node index: every distinct paragraph set seen (:class:`Nodes`), their shingle sets
(:class:`NodeStore`) and the ``uint64 key -> node`` multimap of fingerprints and band keys
(:class:`KeyRuns`)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import numpy as np

from ..arrays import distinct_runs, ranges, run_ranks
from ..lsh import unique_pairs
from ..shingle import ShingleSets
from .joined import Joined
from .pairs import range_pairs
from .settings import Share

__all__ = ["NodeStore", "KeyRuns", "Nodes"]

_U = np.uint64


class NodeStore:
    """Shingle sets of all nodes (or other rows, such as the document sets of the parts of
    a shared step), kept as one CSR per batch or part (append is O(batch))."""

    @classmethod
    def of(cls, parts: Iterable[ShingleSets]) -> NodeStore:
        """The rows of ``parts``, one after the other (not copied)."""
        out = cls()
        for p in parts:
            out.append(p)
        return out

    def __init__(self) -> None:
        self.values: list[np.ndarray] = []
        self.offsets: list[np.ndarray] = []
        self.firsts: list[int] = []
        self.n = 0
        self._sizes: list[np.ndarray] = []  # per batch (joined on first use)

    def append(self, sets: ShingleSets) -> int:
        first = self.n
        if len(sets) == 0:  # (an empty part would shadow the next one in take)
            return first
        self.values.append(sets.values)
        self.offsets.append(sets.offsets)
        self.firsts.append(first)
        self._sizes.append(np.diff(sets.offsets))
        self.n += len(sets)
        return first

    @property
    def sizes(self) -> np.ndarray:
        """The number of shingles of every node."""
        if len(self._sizes) != 1:
            self._sizes = [np.concatenate(self._sizes) if self._sizes else np.zeros(0, dtype=np.int64)]
        return self._sizes[0]

    def take(self, nodes: np.ndarray) -> ShingleSets:
        """The sets of ``nodes`` (global ids), in that order."""
        nodes = np.asarray(nodes, dtype=np.int64)
        firsts = np.asarray(self.firsts, dtype=np.int64)
        which = np.searchsorted(firsts, nodes, side="right") - 1
        sizes = np.empty(len(nodes), dtype=np.int64)
        parts_idx: list[np.ndarray] = []
        parts_val: list[np.ndarray] = []
        for b in np.unique(which).tolist():
            sel = np.flatnonzero(which == b)
            local = nodes[sel] - self.firsts[b]
            off = self.offsets[b]
            sz = off[local + 1] - off[local]
            sizes[sel] = sz
            parts_idx.append(sel)
            parts_val.append(self.values[b][ranges(off[local], sz)])
        offsets = np.zeros(len(nodes) + 1, dtype=np.int64)
        np.cumsum(sizes, out=offsets[1:])
        values = np.empty(int(offsets[-1]), dtype=np.uint32)
        for sel, vals in zip(parts_idx, parts_val):
            values[ranges(offsets[sel], sizes[sel])] = vals
        return ShingleSets(values, offsets, np.zeros(len(nodes), dtype=np.int64))



class KeyRuns:
    """A multimap ``uint64 key -> node`` kept as a few sorted runs (a log-structured
    merge): adding is O(batch log batch) amortized, a query is a binary search per
    run. Nodes are added in ascending order, so they stay ascending under each key.

    A one-hash Bloom filter (8 to 16 bits per stored key, so under 12% false hits) lets
    a query skip the binary searches for keys never stored, which most are.
    """

    def __init__(self) -> None:
        self.runs: list[tuple[np.ndarray, np.ndarray]] = []  # (sorted keys, node of each key)
        self.n = 0
        self.bits = np.zeros(1 << 17, dtype=np.uint8)  # 2^20 bits; grows with the keys

    def _slots(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Byte and bit of each key in the filter: the key's top bits (keys are hash
        values), so sorted keys give sorted slots."""
        h = (keys >> _U(65 - len(self.bits).bit_length() - 3)).astype(np.int64)
        return h >> 3, (1 << (h & 7)).astype(np.uint8)

    def _mark(self, sorted_keys: np.ndarray) -> None:
        byte, bit = self._slots(sorted_keys)
        starts = np.flatnonzero(np.concatenate(([True], byte[1:] != byte[:-1])))
        self.bits[byte[starts]] |= np.bitwise_or.reduceat(bit, starts)

    def add(self, keys: np.ndarray, nodes: np.ndarray, *, presorted: bool = False) -> None:
        """Store ``keys[i] -> nodes[i]`` (``presorted``: keys ascending, nodes ascending per key)."""
        if len(keys) == 0:
            return
        if not presorted:
            order = np.argsort(keys, kind="stable")
            keys, nodes = keys[order], nodes[order]
        self.runs.append((keys, nodes))
        self.n += len(keys)
        if self.n * 8 > len(self.bits) * 8:  # keep 8-16 bits per key: rebuild it larger
            size = len(self.bits)
            while self.n > size:
                size *= 2
            self.bits = np.zeros(size, dtype=np.uint8)
            for k, _ in self.runs:
                self._mark(k)
        else:
            self._mark(keys)
        while len(self.runs) > 1 and len(self.runs[-2][0]) <= len(self.runs[-1][0]):
            (k1, n1), (k2, n2) = self.runs[-2], self.runs[-1]
            k, nd = np.concatenate((k1, k2)), np.concatenate((n1, n2))
            order = np.argsort(k, kind="stable")  # older run first: nodes stay ascending per key
            self.runs[-2:] = [(k[order], nd[order])]

    def last(self, keys: np.ndarray, limit: np.ndarray, *, presorted: bool = False) -> tuple[np.ndarray, np.ndarray]:
        """Pairs ``(query, node)``: for each ``keys[query]``, the ``limit[query]``
        latest (largest) nodes stored under it, or all of them if fewer
        (``presorted``: ``keys`` ascending, which saves a sort)."""
        e = np.zeros(0, dtype=np.int64)
        if not self.runs or len(keys) == 0:
            return e, e.copy()
        byte, bit = self._slots(keys)
        maybe = np.flatnonzero((self.bits[byte] & bit).astype(bool) & (limit > 0))
        if not presorted:  # sorted queries: the binary searches walk memory in order
            maybe = maybe[np.argsort(keys[maybe], kind="stable")]
        flat, lim = keys[maybe], limit[maybe]
        qs, nodes = [], []
        for rk, rn in self.runs:
            lo = np.searchsorted(rk, flat, side="left")
            hit = np.flatnonzero(rk[np.minimum(lo, len(rk) - 1)] == flat)
            if len(hit) == 0:
                continue
            hi = np.searchsorted(rk, flat[hit], side="right")
            cnt = np.minimum(hi - lo[hit], lim[hit])
            nodes.append(rn[ranges(hi - cnt, cnt)])
            qs.append(np.repeat(maybe[hit], cnt))
        if not qs:
            return e, e.copy()
        q, nd = np.concatenate(qs), np.concatenate(nodes)
        if len(qs) > 1:  # each run gave its latest: keep the latest over all runs
            o = np.lexsort((-nd, q))
            q, nd = q[o], nd[o]
            keep = run_ranks(q) < limit[q]
            q, nd = q[keep], nd[keep]
        return q, nd



class Nodes:
    """Every distinct paragraph set seen: its shingles, fingerprint and band keys.

    A node is a distinct set, numbered by first occurrence in the corpus; its LSH
    candidates are, in each of its buckets, the ``window`` nodes before it. Both
    are properties of the corpus order alone, so the clusters do not depend on
    how the corpus was cut into batches (or partitions, in :mod:`dedup.spark`).

    Nodes are added batch by batch (:meth:`add`: only the exact-duplicate lookup
    needs the index at once); their band keys wait in ``pending`` until
    :meth:`candidates` finds the LSH candidates of all of them in one pass.
    """

    def __init__(self, window: int):
        self.window = window
        self.sets = NodeStore()
        self.fps = KeyRuns()  # first fingerprint word -> node
        self.fp2: list[np.ndarray] = []  # second fingerprint word of each node, per batch
        self.bands = KeyRuns()  # band key -> node, for nodes 0 .. indexed-1
        self.indexed = self.linked = 0
        self.unindexed: list[np.ndarray] = []  # band keys of nodes indexed .. linked-1
        self.pending: list[np.ndarray] = []  # band keys of nodes linked .. n-1

    @property
    def n(self) -> int:
        return self.sets.n

    def lookup(self, fp: np.ndarray) -> np.ndarray:
        """The node of each fingerprint, -1 for a set not seen before."""
        out = np.full(len(fp), -1, dtype=np.int64)
        q, node = self.fps.last(fp[:, 0], np.full(len(fp), 4, dtype=np.int64))
        if len(q):
            if len(self.fp2) > 1:
                self.fp2 = [np.concatenate(self.fp2)]
            same = self.fp2[0][node] == fp[q, 1]
            out[q[same]] = node[same]
        return out

    def add(self, sets: ShingleSets, fp: np.ndarray, keys: np.ndarray) -> None:
        """Add new nodes ``n, n+1, ...``: sets not seen before, their fingerprints and band keys."""
        first = self.sets.append(sets)
        self.fps.add(fp[:, 0], np.arange(first, first + len(sets), dtype=np.int64))
        self.fp2.append(fp[:, 1])
        self.pending.append(keys)

    def candidates(self, share: Share, pieces: int) -> tuple[np.ndarray, np.ndarray]:
        """LSH candidates of the pending nodes, as distinct pairs ``(earlier, new)`` of node ids.

        The pending keys are cut into ``pieces`` ranges of key values, sorted and
        paired by ``share``; nodes of earlier passes are then queried for what each bucket
        still needs. Those are indexed only when a later pass needs them (a
        one-pass corpus never sorts them twice).
        """
        e = np.zeros(0, dtype=np.int64)
        if not self.pending:
            return e, e.copy()
        if self.unindexed:  # index the nodes of earlier passes
            old = np.concatenate(self.unindexed)
            flat = old.ravel()
            order = np.argsort(flat, kind="stable")
            self.bands.add(flat[order], order // old.shape[1] + self.indexed, presorted=True)
            self.indexed, self.unindexed = self.linked, []
        first = self.linked
        has_old = self.bands.n > 0
        done = range_pairs(share, pieces, Joined(tuple(self.pending)), self.window, first, has_old)
        left, right = [d[0] for d in done], [d[1] for d in done]
        if has_old:  # ranges in ascending order: the keys are sorted across them too
            sk, nodes, need = (np.concatenate([d[2][i] for d in done]) for i in range(3))
            q, old_nodes = self.bands.last(sk, need, presorted=True)
            left.append(old_nodes)
            right.append(nodes[q])
        self.unindexed += self.pending
        self.linked, self.pending = first + sum(len(k) for k in self.pending), []
        if has_old:
            return unique_pairs(np.concatenate(left), np.concatenate(right), self.linked)
        if len(left) == 1:  # one range: its pairs are distinct and sorted already
            return left[0], right[0]
        # each range's pairs are distinct and sorted already: merged range by range, each range's
        # arrays let go once merged (a pair recurs in the ranges of the bands it comes from)
        del done
        n = self.linked

        def codes() -> Iterator[np.ndarray]:
            while left:
                yield left.pop(0) * n + right.pop(0)

        code = distinct_runs(codes(), hold=0)
        return code // n, code % n
