"""Cuts made on a collapsed text, mapped back onto the text it came from.

A cut inside a paragraph can make the rest of the paragraph a copy of another
one; collapsing the collapsed text again would then cut more. To keep collapse
idempotent, the kernel collapses again until nothing changes and maps each later
cut back: a position of the collapsed text is a position of the original with the
earlier cuts skipped, and a later cut that encloses earlier ones replaces them.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import replace
from typing import Any, TypeVar

__all__ = ["merge_later_cuts"]

R = TypeVar("R")


def merge_later_cuts(earlier: Sequence[R], later: Sequence[R], para_starts: Sequence[int], block0: int) -> list[R]:
    """``earlier`` cuts of a text and the ``later`` cuts of its collapse (both
    sorted, disjoint; objects with ``start``, ``end``, ``witness_start``,
    ``witness_end``, ``index``, ``witness_index`` and ``block`` fields) as one
    sorted list of cuts of the text. ``para_starts`` are the text's paragraph
    starts (to renumber ``index``), ``block0`` the first block number free. A
    later cut starting where an earlier one ends starts after it (the earlier
    cut keeps its own evidence).

    Examples:
        >>> from dataclasses import dataclass
        >>> @dataclass(frozen=True)
        ... class Cut:
        ...     start: int; end: int; witness_start: int; witness_end: int; index: int; witness_index: int; block: int
        >>> # "aaXXbbYY" cut [2, 4) gives "aabbYY"; then "bbY" [2, 5) of that goes: [4, 7) of the text
        >>> [(c.start, c.end, c.block) for c in merge_later_cuts([Cut(2, 4, 0, 2, 0, 0, 0)], [Cut(2, 5, 0, 2, 0, 0, 0)], [0], 1)]
        [(2, 4, 0), (4, 7, 1)]
        >>> # a later cut enclosing an earlier one replaces it
        >>> [(c.start, c.end) for c in merge_later_cuts([Cut(3, 4, 0, 1, 0, 0, 0)], [Cut(1, 5, 0, 1, 0, 0, 0)], [0], 1)]
        [(1, 6)]
    """
    cuts: Any = earlier
    kept_orig, kept_coll = [], []  # starts of the kept segments, in the text and in its collapse
    pos = coll = 0
    for c in cuts:
        kept_orig.append(pos)
        kept_coll.append(coll)
        coll += c.start - pos
        pos = c.end
    kept_orig.append(pos)
    kept_coll.append(coll)

    def at(p: int, end: bool) -> int:
        k = bisect.bisect_left(kept_coll, p) - 1 if end else bisect.bisect_right(kept_coll, p) - 1
        k = max(k, 0)
        return kept_orig[k] + p - kept_coll[k]

    def para(p: int) -> int:
        return bisect.bisect_right(para_starts, p) - 1

    mapped: list[Any] = []
    for c in later:
        s, e = at(c.start, False), at(c.end, True)
        ws, we = at(c.witness_start, False), at(c.witness_end, True)
        mapped.append(replace(c, start=s, end=e, witness_start=ws, witness_end=we, index=para(s),
                              witness_index=para(ws), block=block0 + c.block))
    spans = [(m.start, m.end) for m in mapped]
    out = [c for c in cuts if not _inside(spans, c.start, c.end)] + mapped
    return sorted(out, key=lambda c: c.start)


def _inside(spans: list[tuple[int, int]], s: int, e: int) -> bool:
    k = bisect.bisect_right(spans, (s, float("inf"))) - 1
    return k >= 0 and spans[k][0] <= s and e <= spans[k][1]
