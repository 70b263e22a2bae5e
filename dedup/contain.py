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

from .arrays import distinct, ranges
from .lsh import intersection_sizes
from .shingle import ShingleSets

__all__ = ["contained_pairs"]

_U = np.uint64


def contained_pairs(
    sets: ShingleSets,
    threshold: float,
    *,
    min_size: int = 1,
    anchors: int = 2,
    window: int = 16,
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

    Examples:
        >>> from dedup.shingle import shingle_sets
        >>> s = shingle_sets(["one two three four five six seven", "x y z", "three four five six"])
        >>> [a.tolist() for a in contained_pairs(s, 0.9)]
        [[2], [0], [1.0]]
    """
    n = len(sets)
    e = np.zeros(0, dtype=np.int64)
    sizes = sets.sizes
    if n < 2 or not len(sets.values):
        return e, e.copy(), np.zeros(0, dtype=np.float64)
    rows = np.repeat(np.arange(n, dtype=np.int64), sizes)
    post = np.sort((sets.values.astype(_U) << _U(32)) | rows.astype(_U))
    copies = np.flatnonzero((sizes >= min_size) & (sizes < sizes.max()))
    k = np.minimum(sizes[copies], anchors)
    copy = np.repeat(copies, k)
    anchor = sets.values[ranges(sets.offsets[copies], k)].astype(_U)
    lo = np.searchsorted(post, anchor << _U(32))
    hi = np.minimum(np.searchsorted(post, (anchor << _U(32)) | _U(0xFFFFFFFF), side="right"), lo + window)
    cnt = hi - lo
    if not (cnt > 1).any():  # every anchor is held by its own row only
        return e, e.copy(), np.zeros(0, dtype=np.float64)
    container = (post[ranges(lo, cnt)] & _U(0xFFFFFFFF)).astype(np.int64)
    copy = np.repeat(copy, cnt)
    keep = sizes[container] > sizes[copy]
    code = distinct(copy[keep] * n + container[keep])
    copy, container = code // n, code % n
    inter = intersection_sizes(sets, copy, container)
    c = inter / np.maximum(sizes[copy], 1)
    ok = c >= threshold - 1e-12
    return copy[ok], container[ok], c[ok]
