"""Generic numpy helpers on integer arrays: ranges, distinct values, runs, chunks, shared keys.

They know nothing of paragraphs or shingles; every other module of ``dedup`` may use them
(this one imports only numpy).
"""

from __future__ import annotations

import sys
from collections.abc import Iterable

import numpy as np

__all__ = ["ranges", "distinct", "distinct_runs", "distinct_inverse", "distinct_count", "run_ranks", "chunk_bounds", "shared_keys", "top_bytes", "group_offsets"]

_U = np.uint64


def ranges(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Concatenation of ``arange(s, s + l)`` for each pair, vectorized.

    Examples:
        >>> ranges(np.array([5, 0]), np.array([2, 3])).tolist()
        [5, 6, 0, 1, 2]
    """
    lengths = np.asarray(lengths, dtype=np.int64)
    total = int(lengths.sum())
    excl = np.cumsum(lengths) - lengths
    return np.repeat(np.asarray(starts, dtype=np.int64) - excl, lengths) + np.arange(total, dtype=np.int64)


def distinct(values: np.ndarray, *, runs: bool = False) -> np.ndarray:
    """The sorted distinct values: ``np.unique(values)`` by a sort and a compare
    (numpy 2.3+ answers a bare ``np.unique`` of integers through a hash table that
    is up to 10x slower than this on millions of values). ``runs``: the values are
    a few sorted runs one after the other, which a stable sort (timsort) merges in
    linear time instead of sorting from scratch.

    Examples:
        >>> distinct(np.array([5, 1, 5, 3, 1])).tolist()
        [1, 3, 5]
        >>> distinct(np.array([1, 4, 9, 2, 4]), runs=True).tolist()
        [1, 2, 4, 9]
    """
    out = np.sort(np.asarray(values), kind="stable" if runs else "quicksort")
    if len(out) > 1:
        out = out[np.concatenate(([True], out[1:] != out[:-1]))]
    return out


def distinct_runs(runs: Iterable[np.ndarray], hold: int = 1 << 20) -> np.ndarray:
    """The sorted distinct values of ``runs`` (each sorted and distinct), merged as they come:
    whenever the runs held outgrow both ``hold`` values and the distinct values merged so far,
    they are merged into those. However often each value recurs across the runs (a pair of
    near copies comes from every band they share), memory stays a few times the distinct values.

    Examples:
        >>> distinct_runs([np.array([1, 5]), np.array([2, 5]), np.array([1, 9])], hold=1).tolist()
        [1, 2, 5, 9]
    """
    done: np.ndarray | None = None
    held: list[np.ndarray] = []
    size = 0
    for r in runs:
        held.append(r)
        size += len(r)
        if size > max(hold, 0 if done is None else len(done)):
            done = distinct(np.concatenate(held if done is None else [done, *held]), runs=True)
            held, size = [], 0
    if held or done is None:
        parts = held if done is None else [done, *held]
        done = distinct(np.concatenate(parts), runs=True) if parts else np.zeros(0, dtype=np.int64)
    return done


def distinct_inverse(ids: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(ids, return_inverse=True)`` for ids in ``0..n-1``, by a mask of
    ``n`` flags instead of a sort: linear in ``len(ids) + n``.

    Examples:
        >>> [a.tolist() for a in distinct_inverse(np.array([7, 2, 7, 4]), 8)]
        [[2, 4, 7], [2, 0, 2, 1]]
    """
    ids = np.asarray(ids, dtype=np.int64)
    seen = np.zeros(n, dtype=bool)
    seen[ids] = True
    rank = np.cumsum(seen, dtype=np.int64) - 1
    return np.flatnonzero(seen), rank[ids]


def distinct_count(group: np.ndarray, member: np.ndarray, n: int) -> np.ndarray:
    """For each of the ``n`` elements, the number of distinct ``member`` values in its
    ``group`` (both arrays of ``n`` ids at or above 0, small enough that
    ``max(group) * (max(member) + 1)`` fits ``int64``).

    Examples:
        >>> distinct_count(np.array([0, 0, 1, 0]), np.array([5, 5, 2, 7]), 4).tolist()
        [2, 2, 1, 2]
    """
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    width = int(member.max()) + 1  # both are ids below the number of paragraphs: the key fits int64
    first = distinct(group * width + member)  # one per (group, member)
    per_group = np.bincount(first // width, minlength=int(group.max()) + 1)
    return per_group[group]


def run_ranks(values: np.ndarray) -> np.ndarray:
    """For a sorted array, each element's position within its run of equal values.

    Examples:
        >>> run_ranks(np.array([3, 3, 5, 7, 7, 7])).tolist()
        [0, 1, 0, 0, 1, 2]
    """
    n = len(values)
    pos = np.arange(n, dtype=np.int64)
    new = np.ones(n, dtype=bool)
    new[1:] = values[1:] != values[:-1]
    return pos - np.maximum.accumulate(np.where(new, pos, 0))


def chunk_bounds(sizes: np.ndarray, budget: int) -> list[tuple[int, int]]:
    """Split items of these sizes into consecutive ``(i0, i1)`` groups of about
    ``budget`` total size (an item larger than ``budget`` gets a group of its own).

    Examples:
        >>> chunk_bounds(np.array([3, 3, 3, 10, 1]), 6)
        [(0, 2), (2, 3), (3, 4), (4, 5)]
    """
    n = len(sizes)
    out: list[tuple[int, int]] = []
    cum = np.cumsum(sizes, dtype=np.int64)
    i0 = 0
    base = 0
    while i0 < n:
        i1 = int(np.searchsorted(cum, base + budget, side="right"))
        i1 = max(i1, i0 + 1)
        out.append((i0, i1))
        base = int(cum[i1 - 1])
        i0 = i1
    return out


def shared_keys(keys: np.ndarray) -> np.ndarray:
    """Positions of the ``keys`` that occur more than once, ordered by key and, within
    a key, ascending: the members of every bucket of two or more, bucket by bucket.

    Most keys are unique, so the keys are first sorted as one ``uint64`` each that
    packs the key's high bits above the position (a plain sort, several times faster
    than an argsort); positions whose high bits recur are then kept, and the rare runs
    of one prefix that hold different keys are ordered by their full keys.

    Examples:
        >>> shared_keys(np.array([9, 4, 9, 7, 4, 9], dtype=np.uint64)).tolist()
        [1, 4, 0, 2, 5]
        >>> shared_keys(np.array([3, 1, 2], dtype=np.uint64)).tolist()
        []
    """
    keys = np.asarray(keys, dtype=_U)
    n = len(keys)
    if n < 2:
        return np.zeros(0, dtype=np.int64)
    # (correct for any n: a shorter prefix only lets more unequal keys into the exact step)
    low = _U((1 << max((n - 1).bit_length(), 1)) - 1)
    packed = keys & ~low  # positions or-ed in by blocks: no second array of n words at once
    for i in range(0, n, 1 << 20):
        packed[i : i + (1 << 20)] |= np.arange(i, min(i + (1 << 20), n), dtype=_U)
    packed.sort()
    same = np.empty(n - 1, dtype=bool)
    for i in range(0, n - 1, 1 << 20):  # equal high bits, by blocks (no temporary of n words)
        j = min(i + (1 << 20), n - 1)
        same[i:j] = (packed[i + 1 : j + 1] ^ packed[i:j]) <= low
    mem = packed[_run_members(same, n)]  # ordered by prefix, then position
    pos = (mem & low).astype(np.int64)
    sk = keys[pos]
    # a run of one prefix holds one key, except by a rare prefix collision (a few in
    # millions of keys): only those runs are ordered by their full keys, then positions
    mixed = ((mem[1:] ^ mem[:-1]) <= low) & (sk[1:] != sk[:-1])
    if mixed.any():
        pre = distinct(mem[:-1][mixed] & ~low)
        lo, hi = np.searchsorted(mem, pre, "left"), np.searchsorted(mem, pre | low, "right")
        at = ranges(lo, hi - lo)
        o = np.lexsort((pos[at], sk[at]))  # (keys order as their prefixes do: the runs keep their places)
        pos[at], sk[at] = pos[at][o], sk[at][o]
    return pos[_run_members(sk[1:] == sk[:-1], len(sk))]


def _run_members(same: np.ndarray, n: int) -> np.ndarray:
    """Which of the ``n`` elements of a sorted array belong to a run of two or more,
    given ``same[i]``: element ``i + 1`` equals element ``i``."""
    member = np.zeros(n, dtype=bool)
    member[1:] |= same
    member[:-1] |= same
    return member


def top_bytes(flat: np.ndarray) -> np.ndarray:
    """The top byte of each ``uint64`` of the contiguous ``flat``, as a strided view (no copy).

    Examples:
        >>> top_bytes(np.array([1 << 56, 7, 255 << 56], dtype=np.uint64)).tolist()
        [1, 0, 255]
    """
    return flat.view(np.uint8)[7::8] if sys.byteorder == "little" else flat.view(np.uint8)[0::8]


def group_offsets(groups: np.ndarray | None, n: int) -> np.ndarray:
    """``groups`` checked as offsets of runs of ``n`` rows (``0 = g[0] <= g[1] <= ... = n``),
    as ``int64``; ``None`` is one run of all rows. Anything else raises ``ValueError``.

    Examples:
        >>> group_offsets(None, 3).tolist(), group_offsets([0, 2, 3], 3).tolist()
        ([0, 3], [0, 2, 3])
    """
    bounds = np.array([0, n], dtype=np.int64) if groups is None else np.asarray(groups, dtype=np.int64).reshape(-1)
    if len(bounds) < 2 or bounds[0] != 0 or bounds[-1] != n or (np.diff(bounds) < 0).any():
        raise ValueError(f"groups must be non-decreasing offsets from 0 to len(sets) = {n}, got {bounds[:8].tolist()}"
                         f"{'...' if len(bounds) > 8 else ''}")
    return bounds
