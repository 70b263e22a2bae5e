"""The corpus driver: a stream of documents in, per-document results out.

Documents are ingested in batches (:meth:`Corpus.add`): each batch goes
through the same kernel as :func:`dedup.collapse` (:func:`dedup.collapse.analyze`)
and its distinct paragraph sets not seen before become *nodes* of a global
index. At the end of the call, one linking pass finds the LSH candidates of all
new nodes (against each other and everything indexed before) and verifies them
with the exact Jaccard. Only the index (shingle sets, band keys, verified pairs)
stays in memory; texts go to the SQLite store. :meth:`Corpus.results` then
computes the clusters once over everything (paragraph clusters, document
clusters, boilerplate) and streams one :class:`DocResult` per document.

Settings: module-level values read where they are used (set them as
``dedup.corpus.NAME = value``); none changes a result, only where and in what pieces
the work runs. :data:`PARALLEL_MIN_ITEMS` and :data:`SPAWN_MIN_ITEMS`: how large a
corpus-wide step must be to be shared with the workers, or to start them for it;
:data:`AWAIT_WORKERS`: wait for a worker to start, so that even a short input reaches
the workers (for tests); :data:`SHARE_DIR` and :data:`MAP_MIN_BYTES`: where, and from
what size, arrays go to the workers as mapped files (``SHARE_DIR = None``: all by pipe);
:data:`RANGE_PIECE`: band keys sorted at once; :data:`RESULT_CHUNK`: documents per
chunk of :meth:`Corpus.results`.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import pickle
import sys
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, fields
from multiprocessing import get_context
from operator import attrgetter
from pathlib import Path
from typing import Any

import numpy as np

from .arrays import chunk_bounds, distinct, distinct_count, distinct_inverse, ranges, run_ranks, shared_keys, top_bytes
from .cluster import components
from .collapse import REPEAT_KINDS, Repeat, analyze, cut_repeats
from .config import Config, resolve
from .index import IndexError_, Store, stored_text
from .lsh import band_keys_of_sets, jaccard_pairs, set_fingerprints, unique_pairs, window_pairs
from .results import CorpusSummary, DocResult, Fields, ResultColumns, make_doc_result, make_repeat, paragraphs_view
from .runs import OwnedDir, clean_stale
from .shingle import ShingleSets, union_rows
from .sources import FieldSpool, documents, fields_of
from .text import check_text

__all__ = ["Corpus", "dedupe", "document", "stream", "keep_heap", "Workers", "Nodes", "NodeStore", "BatchAnalysis",
           "analyze_batch", "steal", "Joined", "Mapped", "Shipped", "PARALLEL_MIN_ITEMS", "SPAWN_MIN_ITEMS",
           "AWAIT_WORKERS", "RESULT_CHUNK", "RANGE_PIECE", "SHARE_DIR", "MAP_MIN_BYTES", "P_DOC", "P_START", "P_END",
           "P_CUT", "P_TOKENS", "P_NODE", "P_REMOVED"]

_U = np.uint64
#: Below this many items (keys, paragraphs, shingles), a corpus-wide step runs in this process
#: only; below the second figure, it does not start the workers for it (that costs about a second)
#: or wait for one still starting.
PARALLEL_MIN_ITEMS = 1 << 18
SPAWN_MIN_ITEMS = 1 << 23
#: Pieces per process of a shared corpus-wide step (see Workers.share): of the key-range
#: steps (each piece reads all keys: as many as processes) and of the others (made one by one).
_RANGE_PIECES, _PIECES = 1, 8
#: Batches this process runs before it starts the workers, which it does on reading the next
#: one. A worker takes a few tenths of a second to start: until one has, batches stay here.
_WORKERS_AFTER = 1
#: Wait for the workers to start before going on (tests set it, to send small inputs to them).
AWAIT_WORKERS = False
#: Documents per chunk of :meth:`Corpus.results`.
RESULT_CHUNK = 512
#: Band keys sorted at once by a key-range step (see _bucket_pairs).
RANGE_PIECE = 1 << 21
#: Workers.share: ``share(fn, make, cuts)``.
_Share = Callable[[Callable[..., Any], Callable[[int, int], tuple[Any, ...]], Sequence[int]], list[Any]]
#: Columns of the per-paragraph array kept for every stored paragraph.
P_DOC, P_START, P_END, P_CUT, P_TOKENS, P_NODE, P_REMOVED = range(7)


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


class _Runs:
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
        self.fps = _Runs()  # first fingerprint word -> node
        self.fp2: list[np.ndarray] = []  # second fingerprint word of each node, per batch
        self.bands = _Runs()  # band key -> node, for nodes 0 .. indexed-1
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

    def candidates(self, share: _Share, pieces: int) -> tuple[np.ndarray, np.ndarray]:
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
        done = _range_pairs(share, pieces, Joined(tuple(self.pending)), self.window, first, has_old)
        left, right = [d[0] for d in done], [d[1] for d in done]
        if has_old:  # ranges in ascending order: the keys are sorted across them too
            sk, nodes, need = (np.concatenate([d[2][i] for d in done]) for i in range(3))
            q, old_nodes = self.bands.last(sk, need, presorted=True)
            left.append(old_nodes)
            right.append(nodes[q])
        self.unindexed += self.pending
        self.linked, self.pending = first + sum(len(k) for k in self.pending), []
        # each range's pairs are distinct already when there are no old nodes: merged, not sorted
        return unique_pairs(np.concatenate(left), np.concatenate(right), self.linked, runs=not has_old)


def _range_pairs(share: _Share, pieces: int, keys: Joined, window: int, first: int, sorted_out: bool) -> list[Any]:
    """:func:`_bucket_pairs` over the band ``keys`` (``[row, band]``, row ``i`` being
    node ``first + i``) cut into ``pieces`` ranges of key values (whole buckets in each),
    in order; each process picks its range out of the keys itself (keys are hash
    values: spread evenly)."""
    bands = keys.parts[0].shape[1]
    return share(_bucket_pairs, lambda lo, hi: (keys, lo, hi, bands, window, first, sorted_out),
                 sorted({round(256 * i / pieces) for i in range(pieces + 1)}))


def _bucket_pairs(
    flat: np.ndarray, lo: int, hi: int, bands: int, window: int, first: int, sorted_out: bool
) -> tuple[np.ndarray, np.ndarray, tuple[np.ndarray, np.ndarray, np.ndarray] | tuple[()]]:
    """For the band keys ``flat`` (``[node - first, band]``, or that raveled) whose top byte is
    in ``[lo, hi)``: the pairs ``(earlier, later)`` of nodes within ``window`` of each
    other in a bucket, and (``sorted_out``) those keys sorted, their nodes, and how
    many nodes from before ``first`` each one's bucket still needs.

    The keys are sorted in pieces of whole top-byte values of about
    :data:`RANGE_PIECE` keys each (a bucket's keys share their top byte): a sort
    that fits in cache, and temporaries the allocator reuses from piece to piece
    instead of fresh pages the system must clear for every array the size of the range.
    """
    flat = np.ascontiguousarray(flat, dtype=_U).reshape(-1)
    n = first + len(flat) // bands
    top = top_bytes(flat)
    # pieces of whole byte values, sized from a sample (keys are hash values: spread evenly);
    # each piece's positions are picked out of all keys, so no array is as long as the range
    step = max(1, len(flat) // (1 << 16))
    counts = np.bincount(top[::step], minlength=256) * step
    bytes_ = [lo + a for a, _ in chunk_bounds(counts[lo:hi], RANGE_PIECE)] + [hi]
    left, right, out = [], [], []
    for b0, b1 in zip(bytes_, bytes_[1:]):
        p = np.flatnonzero((top >= b0) & (top < b1)) if (b0, b1) != (0, 256) else np.arange(len(flat), dtype=np.int64)
        keys = flat[p]
        if not sorted_out:  # only the buckets of two or more nodes matter (and the pairs are distinct)
            order = shared_keys(keys)
            pairs = unique_pairs(*window_pairs(p[order] // bands + first, run_ranks(keys[order]), window), n)
        else:
            order = np.argsort(keys, kind="stable")  # stable: nodes ascending within a bucket
            sk, nodes = keys[order], p[order] // bands + first
            rank = run_ranks(sk)
            pairs = window_pairs(nodes, rank, window)
            out.append((sk, nodes, np.maximum(window - rank, 0)))
        left.append(pairs[0])
        right.append(pairs[1])
    e = np.zeros(0, dtype=np.int64)
    lcat = np.concatenate(left) if left else e
    rcat = np.concatenate(right) if right else e.copy()
    if not sorted_out:  # distinct within each piece: merged, not sorted
        return (*unique_pairs(lcat, rcat, n, runs=True), ())
    if not out:
        return lcat, rcat, (np.zeros(0, dtype=_U), e.copy(), e.copy())
    sk, nodes, need = (np.concatenate([o[i] for o in out]) for i in range(3))
    return lcat, rcat, (sk, nodes, need)


@dataclass(frozen=True)
class BatchAnalysis:
    """What the per-batch kernel hands to the ingesting process: the paragraph
    columns, the batch's distinct sets with their fingerprints and band keys, and
    the documents' stored forms (repeats by :func:`_repeats_blob`; texts compressed by
    :func:`~dedup.index.stored_text`, with their sizes, or ``None`` when they are stored
    uncompressed: then the ingesting process encodes them, which costs less than shipping
    them back)."""

    cols: np.ndarray  # int64 [paragraphs, 5]: start, end, cut, tokens, removed
    cls: np.ndarray  # each paragraph's distinct set in the batch
    doc_offsets: np.ndarray
    sets: ShingleSets
    fp: np.ndarray
    keys: np.ndarray
    texts: list[tuple[bytes, int]] | None
    repeats: list[bytes]


def analyze_batch(texts: list[str], cfg: Config, compress: bool = True) -> BatchAnalysis:
    """The per-batch work, all of it independent of the index (so it runs in the
    workers): the kernel, fingerprints, and the documents' stored forms."""
    an = analyze(texts, cfg, cross=True)
    assert an.keys is not None  # (cross=True)
    removed = np.zeros(len(an.starts), dtype=np.int64)
    removed[[int(an.doc_offsets[d]) + r.index for d, reps in enumerate(an.repeats) for r in reps if r.kind != "inside"]] = 1
    return BatchAnalysis(
        cols=np.column_stack((an.starts, an.ends, an.cuts, an.tokens, removed)).astype(np.int64),
        cls=an.cls,
        doc_offsets=an.doc_offsets,
        sets=an.rep_sets,
        fp=set_fingerprints(an.rep_sets),
        keys=an.keys,
        texts=[stored_text(t, True) for t in texts] if compress else None,
        repeats=[_repeats_blob(reps) for reps in an.repeats],
    )


def _doc_texts(store: Store, d0: int, d1: int) -> list[tuple[str, str, str, tuple[Repeat, ...]]]:
    """``(id, text, collapsed text, repeats)`` of documents ``d0..d1-1``."""
    rows = store.docs(d0, d1)
    flat = b"".join(r for _, _, _, r in rows)
    if len(flat) % _REPEAT_BYTES:
        raise IndexError_(f"{store.path}: the stored repeats of documents {d0}..{d1 - 1} are damaged; rebuild the index")
    vals = np.frombuffer(flat, dtype=_REPEAT_DTYPE).reshape(-1, len(_REPEAT_FIELDS))
    # the chunk's repeats made at once: fields as Python ints (the similarity a float)
    made = list(map(make_repeat, *(_repeat_column(f, vals[:, i]) for i, f in enumerate(_REPEAT_FIELDS))))
    out: list[tuple[str, str, str, tuple[Repeat, ...]]] = []
    at = 0
    for _, did, text, blob in rows:
        if not blob:
            out.append((did, text, text, ()))
        else:
            reps = tuple(made[at : at + len(blob) // _REPEAT_BYTES])
            at += len(reps)
            out.append((did, text, cut_repeats(text, reps), reps))
    return out


#: How a document's repeats are stored: one row of little-endian float64 per repeat, the
#: fields of :class:`~dedup.Repeat` in order (offsets and indices below 2^53 are exact).
_REPEAT_FIELDS = tuple(f.name for f in fields(Repeat))
_REPEAT_DTYPE = np.dtype("<f8")
_REPEAT_BYTES = len(_REPEAT_FIELDS) * _REPEAT_DTYPE.itemsize
_repeat_values = attrgetter(*_REPEAT_FIELDS)
_KIND_CODE = {k: i for i, k in enumerate(REPEAT_KINDS)}


def _repeat_column(field: str, col: np.ndarray) -> list[Any]:
    """One stored column of repeats as the field's Python values (``kind`` by its code)."""
    if field == "similarity":
        return col.tolist()
    ints = col.astype(np.int64)
    if field == "kind":
        if len(ints) and not (0 <= int(ints.min()) and int(ints.max()) < len(REPEAT_KINDS)):
            raise ValueError(f"stored repeat kind codes outside 0..{len(REPEAT_KINDS) - 1}; rebuild the index")
        return [REPEAT_KINDS[k] for k in ints.tolist()]
    return ints.tolist()


def _repeats_blob(reps: Sequence[Repeat]) -> bytes:
    """A document's repeats as stored (see :data:`_REPEAT_FIELDS`, ``kind`` by its
    position in :data:`~dedup.collapse.REPEAT_KINDS`); ``b""`` for none."""
    if not reps:
        return b""
    rows = [(*_repeat_values(r)[:-1], _KIND_CODE[r.kind]) for r in reps]
    return np.array(rows, dtype=_REPEAT_DTYPE).tobytes()


#: Where arrays for the workers are written (memory-backed where the system has it; ``None``:
#: nowhere, everything goes by pipe).
SHARE_DIR = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None
#: Arrays at least this large go to the workers as mapped files, smaller ones pickled.
MAP_MIN_BYTES = 1 << 20


class Joined:
    """The concatenation of ``parts`` (arrays of one dtype, along their first axis),
    made where it is used: :meth:`Mapped.put` writes the parts straight into the file a
    worker maps, and this process maps that file too (one copy, where joining them
    first and then writing the result costs two); with no worker, or no room for the
    file, they are concatenated once. Compared (and hashed) by identity."""

    __slots__ = ("parts", "_array")

    def __init__(self, parts: tuple[np.ndarray, ...]):
        self.parts = parts
        self._array: np.ndarray | None = None

    @property
    def size(self) -> int:
        return sum(p.size for p in self.parts)

    @property
    def nbytes(self) -> int:
        return sum(p.nbytes for p in self.parts)

    def array(self) -> np.ndarray:
        """The concatenation (made on the first call, then kept)."""
        if self._array is None:
            self._array = self.parts[0] if len(self.parts) == 1 else np.concatenate(self.parts)
        return self._array

    def save(self, path: str) -> None:
        """Write the concatenation as a ``.npy`` file, part by part."""
        first = self.parts[0]
        head = np.lib.format.header_data_from_array_1_0(first)
        head["shape"] = (sum(len(p) for p in self.parts), *first.shape[1:])
        head["fortran_order"] = False
        with open(path, "wb") as f:
            np.lib.format.write_array_header_1_0(f, head)
            for p in self.parts:
                f.write(np.ascontiguousarray(p, dtype=first.dtype).data)


@dataclass(frozen=True)
class Mapped:
    """An array handed to a worker as a ``.npy`` file it maps read-only: writing it
    is one copy, where pickling through the executor's pipe costs four and holds
    this process's GIL in the feeder thread."""

    path: str

    def load(self) -> np.ndarray:
        """The array, mapped read-only."""
        return np.asarray(np.load(self.path, mmap_mode="r", allow_pickle=False))

    @staticmethod
    def put(args: tuple[Any, ...], prefix: Path, saved: dict[Joined, str] | None = None) -> tuple[Any, ...]:
        """``args`` with every large array (also inside a :class:`ShingleSets`) and every
        :class:`Joined` saved as a file; ``saved`` maps the joined ones already tried to
        their files (``""``: it could not be written), and gets those tried here. An array
        that cannot be written (a full, or small as in some containers, /dev/shm) stays
        in ``args``, to be pickled, and its partial file is removed."""
        n = 0
        saved = {} if saved is None else saved

        def write(save: Callable[[str], None]) -> str:
            nonlocal n
            n += 1
            path = f"{prefix}-{n}.npy"
            try:
                save(path)
            except OSError:
                with contextlib.suppress(OSError):
                    os.unlink(path)
                return ""
            return path

        def conv(a: Any) -> Any:
            if isinstance(a, ShingleSets):
                return ShingleSets(conv(a.values), conv(a.offsets), conv(a.tokens))
            if isinstance(a, Joined):
                if a not in saved and a.nbytes >= MAP_MIN_BYTES:
                    saved[a] = write(a.save)  # (tried once)
                return Mapped(saved[a]) if saved.get(a) else a.array()
            if isinstance(a, np.ndarray) and a.nbytes >= MAP_MIN_BYTES:
                path = write(lambda p: np.save(p, a, allow_pickle=False))
                return Mapped(path) if path else a
            return a

        return tuple(conv(a) for a in args)

    @staticmethod
    def local(args: tuple[Any, ...], saved: dict[Joined, str], cache: dict[Joined, Any] | None = None
              ) -> tuple[Any, ...]:
        """``args`` for this process: each :class:`Joined` mapped from the file
        :meth:`put` wrote for a worker (see ``saved``), or concatenated; once per
        ``cache``, which keeps them (clear it before the files go)."""
        cache = {} if cache is None else cache

        def conv(a: Any) -> Any:
            if not isinstance(a, Joined):
                return a
            if a not in cache:
                cache[a] = Mapped(saved[a]).load() if saved.get(a) else a.array()
            return cache[a]

        return tuple(conv(a) for a in args)

    @staticmethod
    def get(args: tuple[Any, ...]) -> tuple[Any, ...]:
        def conv(a: Any) -> Any:
            if isinstance(a, ShingleSets):
                return ShingleSets(conv(a.values), conv(a.offsets), conv(a.tokens))
            if isinstance(a, Mapped):
                return a.load()
            return a

        return tuple(conv(a) for a in args)


@dataclass(frozen=True)
class Shipped:
    """An object handed to or from a worker as a file: a protocol-5 pickle whose arrays
    follow it out of band, read back with one read and no copy of the arrays.

    Through the executor's pipe, a batch's result (a few MB) crosses in 64 KB writes
    that the worker blocks on until this process's reader thread, which needs the GIL
    this process's own work holds, takes each one: the worker spent about 10% of its
    time waiting to send. A file written at once avoids that. The file lives in a
    directory the caller removes; if it cannot be written, the object goes by pipe.
    """

    path: str

    @staticmethod
    def put(obj: Any, where: str | None) -> Any:
        """``obj`` as a file in directory ``where`` (``obj`` itself when ``where`` is None
        or the file cannot be written)."""
        if where is None:
            return obj
        bufs: list[pickle.PickleBuffer] = []
        data = pickle.dumps(obj, protocol=5, buffer_callback=bufs.append)
        raws = [b.raw() for b in bufs]
        head = np.array([len(raws), len(data), *(r.nbytes for r in raws)], dtype="<i8")
        path = None
        try:
            fd, path = tempfile.mkstemp(dir=where, suffix=".pkl")
            with os.fdopen(fd, "wb") as f:
                f.write(head.tobytes())
                f.write(data)
                for r in raws:
                    f.write(r)
        except OSError:  # a full (or small) /dev/shm, or the directory already removed
            if path is not None:
                with contextlib.suppress(OSError):
                    os.unlink(path)
            return obj
        return Shipped(path)

    @staticmethod
    def discard(x: Any) -> None:
        """Remove the file of an object :meth:`put` shipped that will not be read."""
        if isinstance(x, Shipped):
            with contextlib.suppress(OSError):
                os.unlink(x.path)

    @staticmethod
    def get(x: Any) -> Any:
        """The object :meth:`put` shipped (``x`` itself if it came by pipe); the file is removed."""
        if not isinstance(x, Shipped):
            return x
        with open(x.path, "rb") as f:
            buf = bytearray(os.fstat(f.fileno()).st_size)
            f.readinto(buf)
        os.unlink(x.path)
        mv = memoryview(buf)
        k = int(np.frombuffer(mv[:8], dtype="<i8")[0])
        sizes = np.frombuffer(mv[8 : 16 + 8 * k], dtype="<i8").tolist()
        ends = np.cumsum([16 + 8 * k, *sizes]).tolist()
        return pickle.loads(mv[ends[0] : ends[1]], buffers=[mv[a:b] for a, b in zip(ends[1:], ends[2:])])


def _run_mapped(fn: Callable[..., Any], args: Any, out: str | None = None) -> Any:
    """``fn(*args)`` in a worker: ``args`` unshipped and their mapped arrays loaded
    first, the result shipped back as a file in directory ``out`` (see :class:`Shipped`)."""
    return Shipped.put(fn(*Mapped.get(Shipped.get(args))), out)


def keep_heap() -> None:
    """Let this process's allocator (glibc) keep freed memory for reuse instead of
    returning it to the system after every batch: the kernel allocates and frees
    arrays of up to a few MB per batch, and mapping them afresh each time costs a
    page fault per 4 KB (about 40% of the system time of a corpus run). Called in the
    worker processes, which are ours, and by the command line; a library never
    changes the allocator of its caller's process. Does nothing elsewhere than on
    Linux with glibc.
    """
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(-3, 32 << 20)  # M_MMAP_THRESHOLD: blocks up to 32 MB from the heap (glibc's maximum)
        libc.mallopt(-1, 1 << 30)  # M_TRIM_THRESHOLD: keep up to 1 GB of freed heap
    except (OSError, AttributeError):  # not glibc (musl has no mallopt)
        pass


def _worker_start(parent: int) -> None:
    """A worker's start: :func:`keep_heap`, and a watch that ends the worker once
    process ``parent``, which started it, is gone (killed with ``kill -9``, it could not
    stop its workers, which would wait for tasks for ever)."""
    keep_heap()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.2)
        os._exit(1)

    threading.Thread(target=watch, name="dedup-parent-watch", daemon=True).start()


def steal(pending: deque[tuple[list[tuple[str, str]], Any, Any]],
          kernel: Callable[[list[tuple[str, str]]], BatchAnalysis]) -> bool:
    """At the end of the input, run here (``kernel``) the last batch of ``pending`` (batches,
    each with its :class:`BatchAnalysis` or the future of a worker's, and what was shipped to the
    worker) that no worker has started, rather than wait while the workers clear their
    queues (False: there is none). The workers take the oldest first: this process takes
    from the other end."""
    for i in range(len(pending) - 1, -1, -1):
        batch, x, shipped = pending[i]
        if isinstance(x, Future) and x.cancel():
            Shipped.discard(shipped)
            pending[i] = (batch, kernel(batch), None)
            return True
    return False


class Workers:
    """The ``n_jobs - 1`` worker processes a :class:`Corpus` shares its work with: started on
    first use (:meth:`start`), given the per-batch kernel by :meth:`Corpus.add` and the parts of
    a corpus-wide step by :meth:`share`, stopped by :meth:`release`. ``pool`` is the executor
    (``None`` while none runs), ``tasks`` the number of tasks given to it, ``ship_dir`` the
    directory batches and answers travel through as files (see :class:`Shipped`)."""

    def __init__(self, n_jobs: int):
        self.n_jobs = n_jobs
        self.pool: Executor | None = None
        self.ready: Future[Any] | None = None  # answered once a worker has started
        self.tasks = 0  # tasks given to the workers
        self.ship_dir: str | None = None
        self._ship_tmp: OwnedDir | None = None

    def start(self) -> Executor | None:
        """The ``n_jobs - 1`` worker processes that share the work with this one (started
        once, on first use; ``None`` with ``n_jobs=1``)."""
        if self.n_jobs > 1 and self.pool is None:
            self.pool = ProcessPoolExecutor(self.n_jobs - 1, mp_context=get_context("spawn"), initializer=_worker_start,
                                            initargs=(os.getpid(),))
            self.ready = self.pool.submit(int)
            # batches go to the workers and come back as files here (see Shipped); removed
            # by release, or when the corpus is collected without being closed
            if SHARE_DIR is not None:
                self._ship_tmp = OwnedDir("ship", SHARE_DIR)
                self.ship_dir = self._ship_tmp.name
        return self.pool

    def started(self) -> bool:
        """Whether a worker has started (and can take batches without a wait)."""
        if self.ready is None:
            return False
        if AWAIT_WORKERS:
            self.ready.result()
        return self.ready.done()

    def release(self, *, wait: bool = True) -> None:
        """Stop the workers; ``wait=False`` lets them exit while this process goes on:
        for callers with no task left for them (the drivers, once the clusters are made),
        since tasks not yet started are cancelled."""
        if self.pool is not None:
            # workers given no task have nothing to finish: no wait for one still starting
            self.pool.shutdown(wait=wait and self.tasks > 0, cancel_futures=True)
            self.pool, self.ready, self.tasks = None, None, 0
        if self._ship_tmp is not None:  # (with the files of batches cancelled or never read)
            self._ship_tmp.cleanup()
            self._ship_tmp = self.ship_dir = None

    def pieces(self, items: int, per_process: int) -> int:
        """Into how many pieces a corpus-wide step over about ``items`` items is cut for
        :meth:`share`: ``per_process`` for each process, or 1 (all here) for a small step."""
        if self.n_jobs == 1 or items < PARALLEL_MIN_ITEMS or (not self.started() and items < SPAWN_MIN_ITEMS):
            return 1
        return per_process * self.n_jobs

    def share(self, fn: Callable[..., Any], make: Callable[[int, int], tuple[Any, ...]], cuts: Sequence[int]
              ) -> list[Any]:
        """``fn(*make(a, b))`` for ranges ``[a, b)`` of consecutive ``cuts``, shared with
        the workers; the results in order (one per range a process took, so possibly
        fewer than the ranges). Without workers, one call over all of ``cuts``.

        The workers have two parts each in hand (running or queued), each a run of the
        first ranges left (an eighth of them, shared among the workers), made here and
        handed over with their large arrays as files mapped into memory (see
        :class:`Mapped`); between two checks, this process takes the last range left,
        and near the end it keeps the ranges left for itself. So the processes finish
        about together, whichever is faster, and the workers need not wait while this
        process makes their parts. ``cuts`` must ascend strictly; ``fn`` must not return
        views of its inputs (their files are removed when the step ends).
        """
        pool = self.start() if len(cuts) > 2 else None
        saved: dict[Joined, str] = {}
        local: dict[Joined, Any] = {}
        if pool is None:
            return [fn(*Mapped.local(make(cuts[0], cuts[-1]), saved, local))]
        out: dict[int, Any] = {}
        lo, hi = 0, len(cuts) - 1
        ahead = 2 * (self.n_jobs - 1)
        running: dict[int, Future[Any]] = {}
        owned = OwnedDir("share", SHARE_DIR)
        with contextlib.ExitStack() as stack:
            stack.callback(owned.cleanup)
            tmp = owned.name
            where = tmp if SHARE_DIR is not None else None
            try:
                while lo < hi:
                    # near the end, a worker gets another part only while more ranges are left
                    # than the workers have in hand: this process takes the last ones itself
                    while (busy := sum(not f.done() for f in running.values())) < ahead and hi - lo > busy:
                        m = max(1, (hi - lo) // (4 * ahead))
                        args = Mapped.put(make(cuts[lo], cuts[lo + m]), Path(tmp) / str(lo), saved)
                        running[lo] = pool.submit(_run_mapped, fn, args, where)
                        self.tasks += 1
                        lo += m
                    if lo < hi:
                        hi -= 1
                        out[hi] = fn(*Mapped.local(make(cuts[hi], cuts[hi + 1]), saved, local))
                out.update((i, Shipped.get(f.result())) for i, f in running.items())
            except BaseException:  # the parts not started are dropped, the others end before their files go
                for f in running.values():
                    f.cancel()
                wait(running.values())
                raise
            finally:
                local.clear()  # (this process's maps of the files)
        return [out[i] for i in sorted(out)]


class Corpus:
    """Near-duplicate paragraphs, boilerplate and near-duplicate documents across a corpus.

    Args:
        config: the :class:`~dedup.Config` (its corpus knobs: ``doc_threshold``,
            ``boilerplate_min``).
        index: path of a SQLite index to create or extend (incremental: documents
            added today are matched against everything stored before); ``None``
            keeps a temporary one that is deleted on :meth:`close`.
        text_field: key of the text in dict documents.
        id_field: key of the id in dict documents.
        n_jobs: processes sharing the per-batch kernel and the corpus-wide steps,
            this one included (so ``n_jobs=2`` starts one worker, once the input
            has run past one batch); the output does not depend on it.
        batch_size: documents per batch (and per index transaction).
        dedupe_ids: skip a document whose id was seen before instead of raising
            (a document whose id and text the index holds already is not a duplicate:
            it is the same document, see :meth:`add`).
        lock_timeout: seconds :meth:`add` waits for another writer of ``index`` (in
            any process) to close it before it raises :class:`~dedup.index.IndexError_`;
            readers never wait (see docs/reliability.md).

    Examples:
        >>> docs = [("a", "Lede one.\\nA shared footer line for every outlet here.\\n"),
        ...         ("b", "Lede two.\\nA shared footer line for every outlet here.\\n")]
        >>> with Corpus() as c:
        ...     _ = c.add(docs)
        ...     [(r.id, [p.cluster for p in r.paragraphs]) for r in c.results()]
        [('a', [0, 1]), ('b', [2, 1])]
    """

    def __init__(
        self,
        config: Config | None = None,
        *,
        index: str | os.PathLike[str] | None = None,
        text_field: str = "text",
        id_field: str = "id",
        n_jobs: int = 1,
        batch_size: int = 256,
        dedupe_ids: bool = False,
        lock_timeout: float = 0.0,
    ):
        self.config = resolve(config)
        if not isinstance(n_jobs, int) or isinstance(n_jobs, bool) or n_jobs < 1:
            raise ValueError(f"n_jobs must be an int >= 1, got {n_jobs!r}")
        if not isinstance(batch_size, int) or isinstance(batch_size, bool) or batch_size < 1:
            raise ValueError(f"batch_size must be an int >= 1, got {batch_size!r}")
        for name, v in (("text_field", text_field), ("id_field", id_field)):
            if not isinstance(v, str):
                raise TypeError(f"{name} must be a str, got {type(v).__name__}")
        self.text_field, self.id_field = text_field, id_field
        self.n_jobs, self.batch_size, self.dedupe_ids = n_jobs, batch_size, dedupe_ids
        if not isinstance(lock_timeout, (int, float)) or isinstance(lock_timeout, bool) or not lock_timeout >= 0:
            raise ValueError(f"lock_timeout must be a number of seconds >= 0, got {lock_timeout!r}")
        self.lock_timeout = float(lock_timeout)
        clean_stale(tempfile.gettempdir())  # what runs killed before they could clean up left
        clean_stale(SHARE_DIR)
        self._tmp: OwnedDir | None = None
        if index is None:
            self._tmp = OwnedDir("index")
            index = Path(self._tmp.name) / "index.sqlite"
        try:
            self.store = Store(index, self.config, durable=self._tmp is None)
        except BaseException:
            if self._tmp is not None:
                self._tmp.cleanup()
            raise
        self._input: list[list[int]] = []  # the documents of the last add(), as runs [first, last)
        self._call_first = self._new_read = 0  # (see add)
        self._matched: dict[str, int] = {}
        self.workers = Workers(n_jobs)
        self._added = self._pos = self._base = 0
        self._exhausted = False
        self._inflight: dict[str, int] = {}
        self.skipped_ids = 0
        self.fields = FieldSpool()  # the other fields of the documents of this object's add() calls, by position
        self._writer = self._tmp is not None  # (a durable index: from the first write on, see _writable)
        try:
            self._load()
        except BaseException:
            self.close()
            raise

    # -- lifecycle ---------------------------------------------------------------
    def __enter__(self) -> Corpus:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop the workers, close the index (and delete it if it was temporary)."""
        self.release_workers()
        self.store.close()
        self.fields.close()
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def _load(self) -> None:
        """Read the index (one snapshot, checked: see :meth:`Store.check`) into this
        corpus's view; the nodes a writer added but had not linked yet (it was
        interrupted, or is still adding) are linked here, and stored only by the writer."""
        self.nodes = Nodes(self.config.bucket_window)
        self.edges: list[np.ndarray] = []
        self._paras: list[np.ndarray] = []  # per batch: int64 [n, 7] (the P_* columns)
        self._unstored: list[tuple[int, int, np.ndarray, np.ndarray]] = []  # links a reader made
        self._state: dict[str, np.ndarray] | None = None  # the clusters, until the next change
        bands = self.config.lsh[0]
        with self.store.snapshot():
            self.n_docs, self.n_batches = self.store.check()
            for b in self.store.batches(bands):
                sets = ShingleSets(b["shingles"], b["offsets"], np.zeros(len(b["offsets"]) - 1, dtype=np.int64))
                self.nodes.add(sets, set_fingerprints(sets), b["keys"].reshape(len(sets), bands))
                self._paras.append(b["paragraphs"])
            linked = 0
            for _, last, edges in self.store.links(self.nodes.n):
                self.edges.append(edges)
                linked = last
        self._view = (self.n_docs, self.n_batches, linked)
        if linked:  # the linked nodes' candidates are stored: only the later ones are pending
            keys = np.concatenate(self.nodes.pending)
            self.nodes.unindexed, self.nodes.linked = [keys[:linked]], linked
            self.nodes.pending = [keys[linked:]] if linked < self.nodes.n else []
        self._link()  # (after an interrupted add, or while a writer adds)

    def _writable(self) -> None:
        """Become the index's one writer (see :meth:`Store.lock`) before the first write;
        if another writer changed the index since this corpus read it, read it again
        (nothing is ever written from a stale view)."""
        if self._writer:
            return
        self.store.lock(self.lock_timeout)
        self._writer = True
        if self.store.view() != self._view:
            self._load()
        for link in self._unstored:  # the links this corpus made as a reader: stored now
            self.store.write_links(*link)
        self._unstored = []

    @property
    def input_docs(self) -> np.ndarray:
        """The document numbers of the last :meth:`add`'s input, in input order: each
        document added, and each one the index held already with the same id and text
        (the same document: a re-run after a failure emits it again); ids skipped by
        ``dedupe_ids`` are not in it. ``results(docs=corpus.input_docs)`` are the results of
        that input."""
        if not self._input:
            return np.zeros(0, dtype=np.int64)
        return np.concatenate([np.arange(a, b, dtype=np.int64) for a, b in self._input])

    def _input_doc(self, first: int, count: int = 1) -> None:
        if self._input and self._input[-1][1] == first:
            self._input[-1][1] += count
        else:
            self._input.append([first, first + count])

    @property
    def paragraphs(self) -> np.ndarray:
        """int64 ``[paragraphs, 7]`` of every stored paragraph, in corpus order
        (columns ``P_DOC, P_START, P_END, P_CUT, P_TOKENS, P_NODE, P_REMOVED``)."""
        if len(self._paras) != 1:
            self._paras = [np.concatenate(self._paras) if self._paras else np.zeros((0, 7), dtype=np.int64)]
        return self._paras[0]

    # -- ingestion ---------------------------------------------------------------
    def _doc(self, pos: int, doc: object) -> tuple[str, str]:
        return document(pos, doc, base=self._base, text_field=self.text_field, id_field=self.id_field)

    def add(self, docs: Iterable[object]) -> int:
        """Ingest documents (``str``, ``(id, text)`` or dicts); returns how many were added.

        Holds one batch of texts at a time (up to ``8 * n_jobs`` with workers).
        Documents without an id are numbered by their position in the corpus.
        Each batch is stored in one transaction, so an error leaves the index as
        it was after the previous batch; the candidates of the call's new
        paragraphs are found and stored at its end (an index reopened after an
        interruption finds them on opening).
        """
        it = iter(documents(docs, text_field=self.text_field, id_field=self.id_field, what="add()"))
        self._writable()
        pool = self.workers.pool  # the workers start once the input has proved longer than one batch
        own = 0
        self._input = []
        self._call_first = self.n_docs  # documents from here on are this call's
        self._matched = {}  # ids of stored documents this call's input holds again -> position
        self._new_read = 0  # new documents read by this call
        self._base = self.n_docs  # documents without an id are numbered from here
        self.fields.drop_from(self.n_docs)  # (those of a batch read but never stored, before an error)
        self._added = 0
        self._pos = 0
        self._exhausted = False
        self._inflight = {}  # ids of batches read but not stored yet -> position
        # Batches are ingested in input order. The workers are kept fed with a few batches each;
        # this process ingests every batch that is ready and, rather than wait for one that is
        # not, reads the next batch and runs the kernel on it itself.
        feed, ahead = 4 * (self.n_jobs - 1), 8 * self.n_jobs
        # (batch, its analysis or the future of a worker's, what was shipped to the worker)
        pending: deque[tuple[list[tuple[str, str]], Any, Any]] = deque()
        try:
            while True:
                while pool is not None and self.workers.started() and len(pending) < ahead and sum(
                    isinstance(x, Future) and not x.done() for _, x, _ in pending
                ) < feed:
                    batch = self._read(it)
                    if not batch:
                        break
                    args = Shipped.put(self._kernel_args(batch), self.workers.ship_dir)
                    pending.append((batch, pool.submit(_run_mapped, analyze_batch, args, self.workers.ship_dir), args))
                    self.workers.tasks += 1
                if pending and (not isinstance(pending[0][1], Future) or pending[0][1].done()):
                    self._ingest_next(pending)
                    continue
                if len(pending) < ahead:
                    batch = self._read(it)
                    if batch:
                        if pool is None and own >= _WORKERS_AFTER:  # (it starts up while this process works on)
                            pool = self.workers.start()
                        pending.append((batch, self._kernel(batch), None))
                        own += 1
                        continue
                if not pending:
                    if self._exhausted:
                        break
                    continue
                if self._exhausted and steal(pending, self._kernel):
                    continue
                self._ingest_next(pending)  # waits for the oldest batch
            self._link()
        except BaseException:
            self.release_workers()
            raise
        return self._added

    def _read(self, it: Iterator[object]) -> list[tuple[str, str]]:
        """The next batch of valid documents with new ids ([] at the end of the input)."""
        while not self._exhausted:
            batch: list[tuple[str, str]] = []
            extra = []
            for doc in it:
                batch.append(self._doc(self._pos, doc))
                extra.append(fields_of(doc, self.text_field))
                self._pos += 1
                if len(batch) >= self.batch_size:
                    break
            else:
                self._exhausted = True
            batch = self._check_ids(batch, self._pos - len(batch), self._inflight, extra) if batch else batch
            if batch:  # (a batch of skipped duplicate ids is empty: read on)
                return batch
        return []

    def _kernel_args(self, batch: list[tuple[str, str]]) -> tuple[list[str], Config, bool]:
        """The arguments of :func:`analyze_batch` for ``batch``."""
        return [t for _, t in batch], self.config, self.store.compressed

    def _kernel(self, batch: list[tuple[str, str]]) -> BatchAnalysis:
        """The kernel's result for ``batch``, computed in this process."""
        return analyze_batch(*self._kernel_args(batch))

    def _ingest_next(self, pending: deque[tuple[list[tuple[str, str]], Any, Any]]) -> None:
        b, res, _ = pending.popleft()
        self._ingest(b, Shipped.get(res.result()) if isinstance(res, Future) else res)
        for did, _ in b:
            self._inflight.pop(did, None)
        self._added += len(b)

    def release_workers(self, *, wait: bool = True) -> None:
        """Stop the worker processes (``n_jobs > 1``) now rather than at :meth:`close`; they
        start again if more work comes. ``wait=False`` lets them exit while this process
        goes on: for a caller with no task left for them, such as one that has read
        :meth:`summary` (the clusters are made) and only reads :meth:`results` now."""
        self.workers.release(wait=wait)

    def _check_ids(
        self, batch: list[tuple[str, str]], first_pos: int, inflight: dict[str, int], fields: Sequence[Fields] = ()
    ) -> list[tuple[str, str]]:
        """The batch's new documents: ids seen before in this call (``inflight`` holds the
        positions of ids read but not stored yet) or stored with another text are dropped
        (``dedupe_ids``) or refused; a document whose id and text the index holds from
        before this call is the same document (not added again: its number goes to
        :attr:`input_docs`). ``fields`` (those of the batch's documents) are kept by the
        number of the document each one is: a new one's, or the stored one it is again
        (its result carries the fields of this input's record)."""

        def refuse(did: str, where: str) -> ValueError:
            return ValueError(
                f"duplicate document id {did!r} {where}; make ids unique or pass dedupe_ids=True "
                f"(--dedupe-ids) to keep the first"
            )

        matched = self._matched
        ask = [did for did, _ in batch if did not in inflight and did not in matched]
        stored = self.store.existing_ids(ask) if ask else {}
        before = [n for n in stored.values() if n < self._call_first]
        texts = self.store.texts(before) if before else {}
        out = []
        for k, (did, text) in enumerate(batch):
            pos = first_pos + k
            seen = inflight.get(did, matched.get(did))
            n = stored.get(did)
            if seen is not None:
                why = f"at positions {seen} and {pos}"
            elif n is None:  # new
                inflight[did] = pos
                out.append((did, text))
                self._input_doc(self._call_first + self._new_read)
                if fields:
                    self.fields.put(self._call_first + self._new_read, fields[k])
                self._new_read += 1
                continue
            elif n >= self._call_first:  # added by this call
                why = f"at position {pos}: the index already holds it (document {n})"
            elif texts[n] == text:  # the same document (say, the run before this one was killed)
                matched[did] = pos
                self._input_doc(n)
                if fields:
                    self.fields.put(n, fields[k])
                continue
            else:
                why = f"at position {pos}: the index already holds it (document {n}) with another text"
            if not self.dedupe_ids:
                raise refuse(did, why)
            self.skipped_ids += 1
        return out

    def _ingest(self, batch: list[tuple[str, str]], ch: BatchAnalysis) -> None:
        first = self.nodes.n
        # the batch's sets not seen before become new nodes (linked to the others by _link)
        node_of = self.nodes.lookup(ch.fp)
        new = np.flatnonzero(node_of < 0)
        node_of[new] = np.arange(first, first + len(new), dtype=np.int64)
        new_sets, new_keys = ch.sets.take(new), ch.keys[new]
        # the batch's paragraphs (the P_* columns) and documents
        doc_col = np.repeat(np.arange(self.n_docs, self.n_docs + len(batch), dtype=np.int64), np.diff(ch.doc_offsets))
        c = ch.cols
        paras = np.column_stack((doc_col, c[:, :4], node_of[ch.cls], c[:, 4]))
        texts = ch.texts if ch.texts is not None else [stored_text(t, False) for _, t in batch]
        docs = [(self.n_docs + d, did, *texts[d], ch.repeats[d]) for d, (did, _) in enumerate(batch)]
        self.store.write_batch(self.n_batches, docs, paras, first, new_sets, new_keys)
        self._paras.append(paras)
        self._state = None
        self.nodes.add(new_sets, ch.fp[new], new_keys)
        self.n_docs += len(batch)
        self.n_batches += 1

    def _link(self) -> None:
        """LSH candidates of the nodes added since the last call, verified with the
        exact Jaccard; the edges are stored in one transaction."""
        nodes = self.nodes
        if nodes.linked == nodes.n:  # (no new nodes: nothing to link, or store)
            nodes.pending = []
        if not nodes.pending:
            return
        first, last = nodes.linked, nodes.n
        pieces = self.workers.pieces((last - first) * self.config.lsh[0], _RANGE_PIECES)
        left, right = nodes.candidates(self.workers.share, pieces)
        sim = self._jaccard(nodes.sets, left, right)
        ok = sim >= self.config.threshold - 1e-12
        edges = np.stack((left[ok], right[ok]), axis=1) if ok.any() else np.zeros((0, 2), dtype=np.int64)
        if self._writer:
            self.store.write_links(first, last, edges, sim[ok])
        else:  # a reader stores nothing (the writer may be adding these very nodes)
            self._unstored.append((first, last, edges, sim[ok]))
        self.edges.append(edges)
        self._state = None

    # -- clustering ----------------------------------------------------------------
    def _cluster(self) -> dict[str, np.ndarray]:
        self._link()  # (after an add that raised)
        stamp = self._stamp()
        state = self._state if self._state is not None else self.store.read_state(stamp)
        if state is not None and self._state is None:
            self._check_state(state)
        if state is not None:
            self._state = state
            return state
        cfg = self.config
        edges = np.concatenate(self.edges) if self.edges else np.zeros((0, 2), dtype=np.int64)
        node_comp = components(self.nodes.n, edges[:, 0], edges[:, 1])
        par = self.paragraphs
        doc, node, removed = par[:, P_DOC], par[:, P_NODE], par[:, P_REMOVED].astype(bool)
        e = np.zeros(0, dtype=np.int64)
        n_par = len(doc)
        comp = node_comp[node] if n_par else e
        # a cluster is named by its earliest paragraph
        first_of_comp = np.full(self.nodes.n, n_par, dtype=np.int64)
        np.minimum.at(first_of_comp, comp, np.arange(n_par, dtype=np.int64))
        cluster = first_of_comp[comp]
        size = np.bincount(cluster, minlength=n_par)[cluster] if n_par else e
        doc_freq = distinct_count(cluster, doc, n_par)
        # documents: shingles of kept, non-boilerplate paragraphs (boilerplate by document count here)
        candidate_boiler = doc_freq >= cfg.boilerplate_min
        doc_cluster = self._doc_clusters(doc, node, removed | candidate_boiler)
        story_freq = distinct_count(cluster, doc_cluster[doc] if n_par else e, n_par)
        boiler = story_freq >= cfg.boilerplate_min
        # similarity of each paragraph to the earliest one of its cluster
        sim = np.ones(n_par, dtype=np.float64)
        diff = node != node[cluster] if n_par else np.zeros(0, dtype=bool)
        if diff.any():
            sim[diff] = self._jaccard(self.nodes.sets, node[diff], node[cluster[diff]])
        state = {
            "cluster": cluster, "size": size, "doc_freq": doc_freq, "story_freq": story_freq,
            "boilerplate": boiler.astype(np.int8), "sim": sim, "doc_cluster": doc_cluster,
        }
        if self._writer:  # (only the writer: its view is the index's)
            self.store.write_state(state, stamp)
        self._state = state
        return state

    def _stamp(self) -> np.ndarray:
        """What the cluster state is derived from (stored with it, see :meth:`Store.write_state`)."""
        return np.array([self.n_docs, self.n_batches, self.nodes.n, self.nodes.linked, len(self.paragraphs)],
                        dtype=np.int64)

    def _check_state(self, st: dict[str, np.ndarray]) -> None:
        """Refuse stored cluster state of the wrong shapes or out of range."""
        n_par = len(self.paragraphs)
        want = {"cluster": n_par, "size": n_par, "doc_freq": n_par, "story_freq": n_par, "boilerplate": n_par,
                "sim": n_par, "doc_cluster": self.n_docs}
        bad = sorted(set(want) ^ set(st)) or [k for k, n in want.items() if st[k].shape != (n,)]
        if not bad:
            for k, hi in (("cluster", n_par), ("doc_cluster", self.n_docs)):
                if len(st[k]) and (int(st[k].min()) < 0 or int(st[k].max()) >= hi):
                    bad.append(k)
        if bad:
            raise self.store.damaged(f"its cluster state {bad[0]!r} does not fit its {n_par} paragraphs")

    def _doc_clusters(self, doc: np.ndarray, node: np.ndarray, excluded: np.ndarray) -> np.ndarray:
        cfg = self.config
        n_docs = self.n_docs
        keep = ~excluded
        kd, kn = doc[keep], node[keep]
        if len(kd) == 0:
            return np.arange(n_docs, dtype=np.int64)
        # one CSR row per document (the union of its paragraphs' sets) and its band keys,
        # computed by ranges of documents with about equal numbers of paragraphs
        k = self.workers.pieces(len(kd) * 16, _PIECES)
        cuts = sorted({0, n_docs, *(int(kd[len(kd) * i // k]) for i in range(1, k))})

        def part(d0: int, d1: int) -> tuple[Any, ...]:
            p0, p1 = np.searchsorted(kd, [d0, d1]).tolist()
            uniq, inv = distinct_inverse(kn[p0:p1], self.nodes.n)
            return self.nodes.sets.take(uniq), inv, kd[p0:p1] - d0, d1 - d0, cfg.num_perm, cfg.seed, cfg.doc_lsh

        done = self.workers.share(_doc_sets, part, cuts)
        dsets = done[0][0] if len(done) == 1 else NodeStore.of(d for d, _ in done)  # (the parts, not joined)
        keys = Joined(tuple(k for _, k in done))
        done = _range_pairs(self.workers.share, self.workers.pieces(keys.size, _RANGE_PIECES), keys, cfg.bucket_window, 0, False)
        left, right = unique_pairs(np.concatenate([d[0] for d in done]), np.concatenate([d[1] for d in done]), n_docs,
                                   runs=True)
        sim = self._jaccard(dsets, left, right)
        ok = sim >= cfg.doc_threshold - 1e-12
        return components(n_docs, left[ok], right[ok])

    def _jaccard(self, sets: ShingleSets | NodeStore, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        """:func:`jaccard_pairs` of the rows ``left[i]``, ``right[i]`` of ``sets``, the pairs
        split between the processes; each part takes the rows its pairs name (the
        workers' first: this process takes its own while they work)."""
        sizes = sets.sizes
        work = np.cumsum(sizes[left] + sizes[right] + 1)  # values each pair sorts
        k = self.workers.pieces(int(work[-1]) // 4 if len(work) else 0, _PIECES)
        if k == 1 and isinstance(sets, ShingleSets):  # one part: all of the rows
            return jaccard_pairs(sets, left, right)
        cuts = sorted({0, len(left), *np.searchsorted(work, [int(work[-1]) * i // k for i in range(1, k)]).tolist()})

        def part(a: int, b: int) -> tuple[ShingleSets, np.ndarray, np.ndarray]:
            rows, inv = distinct_inverse(np.concatenate((left[a:b], right[a:b])), len(sizes))
            return sets.take(rows), inv[: b - a], inv[b - a :]

        return np.concatenate(self.workers.share(jaccard_pairs, part, cuts))

    def results(self, *, start: int = 0, docs: Iterable[int] | None = None) -> Iterator[DocResult]:
        """One :class:`DocResult` per stored document (from document ``start``), in
        order, with the final clusters over everything added so far; or, given ``docs``
        (document numbers, such as :attr:`input_docs`), one for each of those, in that order."""
        st = self._cluster()
        if docs is None:
            runs = [(start, self.n_docs)]
        else:
            d = np.asarray(docs if isinstance(docs, np.ndarray) else list(docs), dtype=np.int64).reshape(-1)
            if len(d) and (int(d.min()) < 0 or int(d.max()) >= self.n_docs):
                raise ValueError(f"docs must be document numbers 0 .. {self.n_docs - 1}, got {int(d.min())} .. "
                                 f"{int(d.max())}")
            cut = np.flatnonzero(np.diff(d) != 1) + 1
            runs = list(zip(d[np.r_[0, cut]].tolist(), (d[np.r_[cut - 1, len(d) - 1]] + 1).tolist())) if len(d) else []
        par = self.paragraphs
        cluster, doc_cluster, p_doc = st["cluster"], st["doc_cluster"], par[:, P_DOC]
        doc_size = np.bincount(doc_cluster, minlength=self.n_docs).tolist()
        p_first = np.searchsorted(p_doc, np.arange(self.n_docs + 1))
        first_doc = p_doc[cluster]  # each paragraph's cluster begins in this document
        # the ids these name: documents at or before the one that names them (the earliest
        # copy, the earliest of a cluster), so those of a run are taken as they are read
        named = np.zeros(self.n_docs, dtype=bool)
        named[first_doc] = named[doc_cluster] = True
        id_of: dict[int, str] = {}
        bounds = p_first.tolist()
        known = 0  # the ids named before here are in id_of
        for r0, r1 in runs:
            if r0 > known:
                id_of.update(self.store.doc_ids((np.flatnonzero(named[known:r0]) + known).tolist()))
            known = max(known, r1)
            for d0 in range(r0, r1, RESULT_CHUNK):  # the columns of a chunk of documents at once
                d1 = min(d0 + RESULT_CHUNK, r1)
                texts = _doc_texts(self.store, d0, d1)
                id_of.update((d, x[0]) for d, x, keep in zip(range(d0, d1), texts, named[d0:d1].tolist()) if keep)
                g0, g1 = bounds[d0], bounds[d1]
                c = cluster[g0:g1]
                boiler = st["boilerplate"][g0:g1].astype(bool)
                chunk = ResultColumns(tuple(tuple(col) for col in (  # tuples: a document's columns are slices of these
                    par[g0:g1, P_START].tolist(),
                    par[g0:g1, P_END].tolist(),
                    par[g0:g1, P_TOKENS].tolist(),
                    c.tolist(),
                    st["size"][g0:g1].tolist(),
                    st["doc_freq"][g0:g1].tolist(),
                    st["story_freq"][g0:g1].tolist(),
                    boiler.tolist(),
                    [id_of[x] for x in first_doc[g0:g1].tolist()],
                    par[c, P_START].tolist(),
                    par[c, P_END].tolist(),
                    st["sim"][g0:g1].tolist(),
                    par[g0:g1, P_REMOVED].astype(bool).tolist(),
                )), (rows := np.flatnonzero(boiler)).tolist())
                row = (p_first[d0 : d1 + 1] - g0).tolist()  # each document's rows in the chunk
                brow = np.searchsorted(rows, p_first[d0 : d1 + 1] - g0).tolist()  # and its boilerplate rows
                dcs = doc_cluster[d0:d1].tolist()
                extra = self.fields.get(d0, d1)
                for k, ((did, text, collapsed, reps), dc) in enumerate(zip(texts, dcs)):
                    evidence = paragraphs_view(chunk, row[k], row[k + 1], brow[k], brow[k + 1])
                    yield make_doc_result(did, text, collapsed, reps, evidence, id_of[dc], doc_size[dc], extra[k])

    def summary(self, top: int = 20) -> CorpusSummary:
        """Corpus-wide figures over everything added so far."""
        st = self._cluster()
        cluster, boiler = st["cluster"], st["boilerplate"].astype(bool)
        doc_cluster = st["doc_cluster"]
        bc = distinct(cluster[boiler])
        ranked = sorted(bc.tolist(), key=lambda c: (-int(st["story_freq"][c]), -int(st["doc_freq"][c]), c))[:top]
        par = self.paragraphs
        texts: dict[int, str] = {}
        for c in ranked:
            texts[c] = self.store.text(int(par[c, P_DOC]))[int(par[c, P_START]) : int(par[c, P_END])]
        sizes = np.bincount(doc_cluster, minlength=self.n_docs)
        big = [c for c in np.argsort(-sizes, kind="stable")[:top].tolist() if sizes[c] > 1]
        ids = self.store.doc_ids(big)
        return CorpusSummary(
            documents=self.n_docs,
            paragraphs=len(cluster),
            paragraph_clusters=len(distinct(cluster)),
            document_clusters=len(distinct(doc_cluster)),
            boilerplate_paragraphs=int(boiler.sum()),
            top_boilerplate=tuple((texts[c], int(st["doc_freq"][c]), int(st["story_freq"][c])) for c in ranked),
            largest_document_clusters=tuple((ids[c], int(sizes[c])) for c in big),
        )


def document(pos: int, doc: object, *, base: int = 0, text_field: str = "text", id_field: str = "id") -> tuple[str, str]:
    """``(id, text)`` of one input document (``str``, ``(id, text)`` or a dict), validated:
    ids are str or int (made str); a document without one is numbered ``base + pos``."""
    if isinstance(doc, str):
        return str(base + pos), doc
    if isinstance(doc, (bytes, bytearray)):
        check_text(doc, what=f"document {pos}")
    if isinstance(doc, Mapping):
        if text_field not in doc:
            raise ValueError(
                f"document {pos} has no {text_field!r} field (fields: {sorted(map(str, doc))[:10]}); "
                f"pass text_field= to name the text field"
            )
        text = doc[text_field]
        did = doc.get(id_field, base + pos)
    elif isinstance(doc, tuple) and len(doc) == 2:
        did, text = doc
    else:
        raise TypeError(
            f"document {pos} must be a str, an (id, text) pair or a dict with a {text_field!r} field, "
            f"got {type(doc).__name__}"
        )
    if isinstance(did, (int, np.integer)) and not isinstance(did, bool):
        did = str(did)
    if not isinstance(did, str):
        raise TypeError(f"document {pos} has an id of type {type(did).__name__} ({did!r:.40}); ids must be str or int")
    return did, check_text(text, what=f"text of document {pos} (id {did!r})")


def _doc_sets(
    sets: ShingleSets, rows: np.ndarray, docs: np.ndarray, n_docs: int, num_perm: int, seed: int, lsh: tuple[int, int]
) -> tuple[ShingleSets, np.ndarray]:
    """Documents' sets (the union of their paragraphs' ``sets[rows]``) and band keys
    (the work of one process in :meth:`Corpus._doc_clusters`)."""
    dsets = union_rows(sets, rows, docs, n_docs)
    return dsets, band_keys_of_sets(dsets, num_perm, seed, *lsh)


def dedupe(docs: Iterable[object], config: Config | None = None, **kwargs: Any) -> Iterator[DocResult]:
    """Ingest ``docs`` into a temporary index and stream the final results
    (see :class:`Corpus` for the keyword arguments, which are checked at once).

    Examples:
        >>> [r.collapsed for r in dedupe(["Ya.", "A line of well over eight words, said twice.\\n" * 2])]
        ['Ya.', 'A line of well over eight words, said twice.\\n']
    """
    docs = documents(docs, text_field=str(kwargs.get("text_field", "text")), id_field=str(kwargs.get("id_field", "id")))
    corpus = Corpus(config, **kwargs)
    return stream(corpus, docs)


def stream(corpus: Corpus, docs: Iterable[object]) -> Iterator[DocResult]:
    try:
        corpus.add(docs)
        corpus._cluster()  # the last step the workers share: they exit while the results are made
        corpus.release_workers(wait=False)
        yield from corpus.results()
    finally:
        corpus.close()
