"""Containment: a later paragraph whose shingles lie inside one earlier, longer row.

Jaccard misses a paragraph repeated inside a *container*: a line that glues the
whole article (or a section) together, followed by lines repeating its
paragraphs. Containment ``|A & B| / |A|`` of the short row ``A`` in the long row
``B`` finds them. Candidates come from *anchors*: the smallest shingle hashes of
``A`` (a uniform sample of its shingles, since the values are hashes), looked up
among the rows that hold them; every candidate is verified exactly.
"""

from __future__ import annotations

import numpy as np

from .arrays import chunk_bounds, distinct, distinct_inverse, group_offsets, ranges
from .exact import PAIR_CHUNK
from .shingle import ShingleSets

__all__ = ["contained_pairs", "held_sizes"]

_U = np.uint64


def contained_pairs(
    sets: ShingleSets,
    threshold: float,
    *,
    min_size: int = 1,
    anchors: int = 2,
    window: int = 16,
    groups: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pairs ``(copy, container, containment)`` of rows with
    ``|container| > |copy| >= min_size`` and exact containment of the copy's set in
    the container's ``>= threshold`` (with a 1e-12 tolerance), sorted; the
    container may come before or after the copy.

    A row whose containment in another is ``c`` holds a given anchor in it with
    probability ``c``; with two anchors a row at ``c >= 0.95`` (the default
    threshold) is missed with probability at most 0.0025. Each anchor pairs with
    the ``window`` first rows that hold it, so a shingle common to every row costs
    ``window`` checks, not its square.

    ``groups`` (offsets ``0 = g[0] <= g[1] <= ... = len(sets)``) splits the rows into
    runs that are searched apart, as if each were its own ``sets``: many texts'
    paragraphs at once, each text's pairs its own.

    Examples:
        >>> from dedup.shingle import shingle_sets
        >>> s = shingle_sets(["one two three four five six seven", "x y z", "three four five six"])
        >>> [a.tolist() for a in contained_pairs(s, 0.9)]
        [[2], [0], [1.0]]
        >>> [a.tolist() for a in contained_pairs(s, 0.9, groups=np.array([0, 2, 3]))]
        [[], [], []]
    """
    n = len(sets)
    bounds = group_offsets(groups, n)
    per = np.diff(bounds)
    if n < 2 or not len(sets.values) or per.max() < 2:
        e = np.zeros(0, dtype=np.int64)
        return e, e.copy(), np.zeros(0, dtype=np.float64)
    group = np.repeat(np.arange(len(per), dtype=np.int64), per)
    sizes = sets.sizes
    full = per > 0
    top = np.zeros(len(per), dtype=np.int64)
    top[full] = np.maximum.reduceat(sizes, bounds[:-1][full])  # each group's largest row
    copies = np.flatnonzero((sizes >= min_size) & (sizes < top[group]))
    rbits = int(per.max() - 1).bit_length()  # a row's place in its group, below its value
    step = 1 << (32 - rbits)  # groups whose (group, value, place) fit 64 bits
    ends = [(g0, min(g0 + step, len(per))) for g0 in range(0, len(per), step)]
    at = np.searchsorted(copies, bounds[[g0 for g0, _ in ends] + [len(per)]]).tolist()  # (copies ascend)
    parts = [_contained(sets, copies[at[k] : at[k + 1]], bounds, group, g0, g1, rbits, anchors, window)
             for k, (g0, g1) in enumerate(ends)]
    copy = np.concatenate([p[0] for p in parts])
    container = np.concatenate([p[1] for p in parts])
    inter = held_sizes(sets, copy, container)
    c = inter / np.maximum(sizes[copy], 1)
    ok = c >= threshold - 1e-12
    return copy[ok], container[ok], c[ok]


def _contained(sets: ShingleSets, copies: np.ndarray, bounds: np.ndarray, group: np.ndarray, g0: int, g1: int,
               rbits: int, anchors: int, window: int) -> tuple[np.ndarray, np.ndarray]:
    """The distinct candidate pairs ``(copy, container)`` of the ``copies`` in groups ``g0..g1-1``."""
    e = np.zeros(0, dtype=np.int64)
    if not len(copies):
        return e, e.copy()
    r0, r1 = int(bounds[g0]), int(bounds[g1])
    sizes = sets.sizes
    rows = np.repeat(np.arange(r0, r1, dtype=np.int64), sizes[r0:r1])
    vshift = _U(rbits)
    gshift = _U(32 + rbits)
    values = sets.values[sets.offsets[r0] : sets.offsets[r1]].astype(_U)
    post = np.sort(((group[rows] - g0).astype(_U) << gshift) | (values << vshift) | (rows - bounds[group[rows]]).astype(_U))
    k = np.minimum(sizes[copies], anchors)
    copy = np.repeat(copies, k)
    anchor = ((group[copy] - g0).astype(_U) << gshift) | (sets.values[ranges(sets.offsets[copies], k)].astype(_U) << vshift)
    lo = np.searchsorted(post, anchor)
    hi = np.minimum(np.searchsorted(post, anchor | _U((1 << rbits) - 1), side="right"), lo + window)
    cnt = hi - lo
    if not (cnt > 1).any():  # every anchor is held by its own row only
        return e, e.copy()
    copy = np.repeat(copy, cnt)
    container = bounds[group[copy]] + (post[ranges(lo, cnt)] & _U((1 << rbits) - 1)).astype(np.int64)
    keep = sizes[container] > sizes[copy]
    n = len(sets)
    code = distinct(copy[keep] * n + container[keep])
    return code // n, code % n


def held_sizes(sets: ShingleSets, copy: np.ndarray, container: np.ndarray) -> np.ndarray:
    """``|row copy[i] & row container[i]|`` for all pairs, by looking each copy's elements
    up in its container's (sorted) row: the work grows with the copies' sizes and with
    each distinct container's once, not with a container's size for every copy it holds
    (a glued article holding each of its thousand paragraphs is read once, not a thousand
    times). The same counts as :func:`~dedup.exact.intersection_sizes`.

    Examples:
        >>> from dedup.shingle import ShingleSets
        >>> s = ShingleSets(np.array([1, 2, 3, 4, 2, 4, 9], np.uint32), np.array([0, 4, 7]), np.zeros(2, np.int64))
        >>> held_sizes(s, np.array([1, 1]), np.array([0, 1])).tolist()
        [2, 3]
    """
    copy = np.asarray(copy, dtype=np.int64)
    container = np.asarray(container, dtype=np.int64)
    sizes = sets.sizes
    out = np.zeros(len(copy), dtype=np.int64)
    for i0, i1 in chunk_bounds(sizes[copy] + 1, PAIR_CHUNK):
        a, na = copy[i0:i1], sizes[copy[i0:i1]]
        rows, rank = distinct_inverse(container[i0:i1], len(sets))
        rs = sizes[rows]
        # each container's elements after its rank: one ascending array over all of them
        table = (np.repeat(np.arange(len(rows), dtype=_U), rs) << _U(32)) | sets.values[ranges(sets.offsets[rows], rs)]
        if not len(table):
            continue
        query = (np.repeat(rank.astype(_U), na) << _U(32)) | sets.values[ranges(sets.offsets[a], na)]
        hit = table[np.minimum(np.searchsorted(table, query), len(table) - 1)] == query
        out[i0:i1] = np.bincount(np.repeat(np.arange(i1 - i0, dtype=np.int64), na)[hit], minlength=i1 - i0)
    return out
