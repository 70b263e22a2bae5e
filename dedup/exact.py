"""Exact comparisons of shingle sets (sorted unique CSR rows), no sketch involved:
intersection sizes and Jaccard of given pairs, and fingerprints that put equal
sets in one duplicate class.
"""

from __future__ import annotations

import numpy as np

from .arrays import chunk_bounds, ranges
from .mix import fmix64
from .shingle import ShingleSets

__all__ = ["intersection_sizes", "jaccard_pairs", "set_fingerprints", "duplicate_classes"]

_U = np.uint64
#: Set elements gathered per chunk when intersecting pairs.
PAIR_CHUNK = 1 << 22


def intersection_sizes(sets: ShingleSets, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """``|row left[i] & row right[i]|`` of a CSR, for all pairs at once (``int64``).

    Examples:
        >>> from dedup.shingle import ShingleSets
        >>> s = ShingleSets(np.array([1, 2, 3, 2, 3, 4], np.uint32), np.array([0, 3, 6, 6]), np.zeros(3, np.int64))
        >>> intersection_sizes(s, np.array([0, 0, 2]), np.array([1, 0, 2])).tolist()
        [2, 3, 0]
    """
    left = np.asarray(left, dtype=np.int64)
    right = np.asarray(right, dtype=np.int64)
    sizes = sets.sizes
    la, lb = sizes[left], sizes[right]
    out = np.zeros(len(left), dtype=np.int64)
    for i0, i1 in chunk_bounds(la + lb, PAIR_CHUNK):
        a, b = left[i0:i1], right[i0:i1]
        na, nb = la[i0:i1], lb[i0:i1]
        pid = np.arange(i1 - i0, dtype=_U) << _U(32)
        ka = np.repeat(pid, na) | sets.values[ranges(sets.offsets[a], na)]
        kb = np.repeat(pid, nb) | sets.values[ranges(sets.offsets[b], nb)]
        # ka and kb are each sorted (pair ids ascending, rows sorted): a stable sort
        # (timsort) finds the two runs and merges them in linear time
        keys = np.sort(np.concatenate((ka, kb)), kind="stable")
        dup = keys[1:][keys[1:] == keys[:-1]]
        out[i0:i1] = np.bincount((dup >> _U(32)).astype(np.int64), minlength=i1 - i0)
    return out


def jaccard_pairs(sets: ShingleSets, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Exact Jaccard similarity of rows ``left[i]`` and ``right[i]`` of a CSR, for
    all pairs at once (0.0 when both rows are empty).

    Examples:
        >>> from dedup.shingle import ShingleSets
        >>> s = ShingleSets(np.array([1, 2, 3, 2, 3, 4], np.uint32), np.array([0, 3, 6, 6]), np.zeros(3, np.int64))
        >>> jaccard_pairs(s, np.array([0, 0, 2]), np.array([1, 0, 2])).tolist()
        [0.5, 1.0, 0.0]
    """
    left = np.asarray(left, dtype=np.int64)
    right = np.asarray(right, dtype=np.int64)
    sizes = sets.sizes
    inter = intersection_sizes(sets, left, right)
    union = sizes[left] + sizes[right] - inter
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(union > 0, inter / np.maximum(union, 1), 0.0)


def set_fingerprints(sets: ShingleSets) -> np.ndarray:
    """``(n, 2)`` ``uint64``: two independent 64-bit fingerprints of each row's set
    (order-free sums of mixed elements; the set's size is mixed into the second).
    Two different sets get the same pair with probability about 2**-128.

    Examples:
        >>> from dedup.shingle import shingle_sets
        >>> fp = set_fingerprints(shingle_sets(["a b c d", "A, b c  d!", "a b c"]))
        >>> bool((fp[0] == fp[1]).all()), bool((fp[0] == fp[2]).any())
        (True, False)
    """
    n = len(sets)
    sizes = sets.sizes
    out = np.zeros((n, 2), dtype=_U)
    ne = np.flatnonzero(sizes > 0)
    if len(ne):
        v = sets.values.astype(_U)
        starts = sets.offsets[ne]
        out[ne, 0] = np.add.reduceat(fmix64(v ^ _U(0x8EBC6AF09C88C6E3)), starts)
        out[ne, 1] = np.add.reduceat(fmix64(v ^ _U(0x589965CC75374CC3)), starts)
    out[:, 1] ^= fmix64(sizes.astype(_U) + _U(0x9E3779B97F4A7C15))
    return out


def duplicate_classes(sets: ShingleSets) -> tuple[np.ndarray, np.ndarray]:
    """Group rows with identical sets: ``(class_of_row, representative_row)``.

    Classes are numbered in order of first occurrence and represented by their
    first row. Identity is decided by :func:`set_fingerprints` (a false merge
    needs a 128-bit collision).

    Examples:
        >>> from dedup.shingle import shingle_sets
        >>> cls, rep = duplicate_classes(shingle_sets(["a b c", "x", "A, b c!", ""]))
        >>> cls.tolist(), rep.tolist()
        ([0, 1, 0, 2], [0, 1, 3])
    """
    n = len(sets)
    fp = set_fingerprints(sets)
    f1, f2 = fp[:, 0], fp[:, 1]
    order = np.lexsort((f2, f1))
    new = np.ones(n, dtype=bool)
    if n > 1:
        new[1:] = (f1[order][1:] != f1[order][:-1]) | (f2[order][1:] != f2[order][:-1])
    group = np.cumsum(new) - 1
    first = order[new]  # lexsort is stable: the first of a group is its smallest row
    # renumber classes by first occurrence
    rank = np.empty(len(first), dtype=np.int64)
    rank[np.argsort(first, kind="stable")] = np.arange(len(first))
    cls = np.empty(n, dtype=np.int64)
    cls[order] = rank[group]
    return cls, np.sort(first)
