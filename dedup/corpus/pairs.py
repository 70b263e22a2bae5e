"""LSH candidate pairs from band keys: the nodes within a window of each other in a
bucket, found by ranges of key values (each range a part a process can take)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..arrays import chunk_bounds, distinct, distinct_runs, run_ranks, shared_keys, top_bytes
from ..lsh import head_pairs, window_pairs
from . import settings
from .joined import Joined
from .settings import Share

__all__ = ["range_pairs", "bucket_pairs", "appended_pairs"]

_U = np.uint64


def range_pairs(share: Share, pieces: int, keys: Joined, window: int, first: int, sorted_out: bool,
                heads: bool = False) -> list[Any]:
    """:func:`bucket_pairs` over the band ``keys`` (``[row, band]``, row ``i`` being
    node ``first + i``) cut into ``pieces`` ranges of key values (whole buckets in each),
    in order; each process picks its range out of the keys itself (keys are hash
    values: spread evenly)."""
    bands = keys.parts[0].shape[1]
    return share(bucket_pairs, lambda lo, hi: (keys, lo, hi, bands, window, first, sorted_out, heads),
                 sorted({round(256 * i / pieces) for i in range(pieces + 1)}))


def bucket_pairs(
    flat: np.ndarray, lo: int, hi: int, bands: int, window: int, first: int, sorted_out: bool, heads: bool = False
) -> tuple[np.ndarray, np.ndarray, tuple[np.ndarray, np.ndarray, np.ndarray] | tuple[()]]:
    """For the band keys ``flat`` (``[node - first, band]``, or that raveled) whose top byte is
    in ``[lo, hi)``: the pairs ``(earlier, later)`` of nodes within ``window`` of each
    other in a bucket (``heads``: and of each node with its bucket's first, see
    :func:`~dedup.lsh.head_pairs`; not with ``sorted_out``), and (``sorted_out``) those keys sorted, their nodes, and how
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
    bytes_ = [lo + a for a, _ in chunk_bounds(counts[lo:hi], settings.RANGE_PIECE)] + [hi]
    pieces = list(zip(bytes_, bytes_[1:]))

    def piece(b0: int, b1: int) -> np.ndarray:
        return np.flatnonzero((top >= b0) & (top < b1)) if (b0, b1) != (0, 256) else np.arange(len(flat), dtype=np.int64)

    if not sorted_out:  # only the buckets of two or more nodes matter; pairs merged as the pieces come
        def codes(p: np.ndarray) -> np.ndarray:
            keys = flat[p]
            order = shared_keys(keys)
            a, b = (head_pairs if heads else window_pairs)(p[order] // bands + first, run_ranks(keys[order]), window)
            return distinct(a[a != b] * n + b[a != b])

        code = distinct_runs(codes(piece(b0, b1)) for b0, b1 in pieces)
        return code // n, code % n, ()
    left, right, out = [], [], []
    for b0, b1 in pieces:
        p = piece(b0, b1)
        keys = flat[p]
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
    if not out:
        return lcat, rcat, (np.zeros(0, dtype=_U), e.copy(), e.copy())
    sk, nodes, need = (np.concatenate([o[i] for o in out]) for i in range(3))
    return lcat, rcat, (sk, nodes, need)



def appended_pairs(old: np.ndarray, new: np.ndarray, window: int, heads: bool) -> np.ndarray:
    """The pairs :func:`bucket_pairs` finds over all rows that it does not find over the rows of
    ``old`` alone, as codes ``earlier * n + later`` (``n``: all rows), for the band keys ``new``
    (``[row - len(old), band]``: rows appended after those of ``old``). Appended rows come last in
    every bucket they join, so the pairs of the old rows stay as they were and the new pairs are
    each appended row's: with the ``window`` rows before it in its bucket and (``heads``) its first.

    Examples:
        >>> old = np.array([[5, 7], [5, 8]], dtype=np.uint64)
        >>> appended_pairs(old, np.array([[5, 9], [4, 8]], dtype=np.uint64), 1, True).tolist()
        [2, 6, 7]
    """
    bands = old.shape[1] if old.ndim == 2 else new.shape[1]
    n = len(old) + len(new)
    flat_old, flat_new = old.reshape(-1).astype(_U, copy=False), new.reshape(-1).astype(_U, copy=False)
    sorted_new = np.sort(flat_new)
    at = np.minimum(np.searchsorted(sorted_new, flat_old), max(len(sorted_new) - 1, 0))
    hit = np.flatnonzero(sorted_new[at] == flat_old) if len(sorted_new) else np.zeros(0, dtype=np.int64)
    pos = np.concatenate((hit, np.arange(len(flat_new), dtype=np.int64) + len(flat_old)))  # ascending
    keys = np.concatenate((flat_old[hit], flat_new))
    order = np.argsort(keys, kind="stable")  # stable: rows ascending within a bucket
    # only the pairs whose later row is new: the others are the old rows' own
    a, b = (head_pairs if heads else window_pairs)(pos[order] // bands, run_ranks(keys[order]), window,
                                                   later=order >= len(hit))
    return distinct(a[a != b] * n + b[a != b])
