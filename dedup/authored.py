"""Repetition the author meant: a lone copy that stays because of where it stands.

A lone copy (a removed run of one paragraph) stays when

- it and its witness are both items of a list whose lines share a template: each
  has a neighbouring line, not a copy of it, that ends the same way and differs in
  a slot (a litany, "Glory be to God as many as ..." line after line, one of them
  said twice), or
- it is part of a sentence that goes on: it ends with a sentence terminator, the
  next line starts with a lower-case letter, and its witness is not the line right
  before it (a formula quoted again in the middle of a sentence that continues
  below it).

Neighbours are the nearest non-blank paragraphs the collapse keeps, so collapsing
the collapse sees the same ones.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from collections import Counter
from collections.abc import Callable

import numpy as np
import regex

from .policy import COPY, Decision
from .text import TOKEN_RE, fold

__all__ = ["template_siblings", "goes_on", "keep_meant"]

_ENDS_SENTENCE_RE = regex.compile(r"[.!?…][\"'”’»)\]]*\s*$")
_STARTS_LOWER_RE = regex.compile(r"\s*\p{Ll}")
#: Rounds at most of keeping lone copies (a kept one can be another's neighbour).
_MAX_ROUNDS = 4


def template_siblings(a: str, b: str) -> bool:
    """Whether lines ``a`` and ``b`` share a template: a common end (and maybe a
    common start) of at least half the longer one's tokens, around a slot where
    each has tokens of its own. A line and its truncated or extended copy are not
    siblings (one of them has no slot).

    Examples:
        >>> template_siblings("Glory be to God as many as the stars", "Praise be to God as many as the stars")
        True
        >>> template_siblings("Glory be to God as many as the stars", "Glory be to God as many as the stars in the sky")
        False
        >>> template_siblings("The ferry leaves at dawn", "A storm closed the harbour")
        False
    """
    x, y = TOKEN_RE.findall(fold(a)), TOKEN_RE.findall(fold(b))
    n = min(len(x), len(y))
    p = 0
    while p < n and x[p] == y[p]:
        p += 1
    s = 0
    while s < n - p and x[-1 - s] == y[-1 - s]:
        s += 1
    return s >= 1 and len(x) > p + s and len(y) > p + s and 2 * (p + s) >= max(len(x), len(y))


def goes_on(line: str, next_line: str) -> bool:
    """Whether ``line`` ends a sentence that ``next_line`` carries on (it starts
    with a lower-case letter): the line is part of running text.

    Examples:
        >>> goes_on("Say: God is enough for us.", "seventy times, and you are safe.")
        True
        >>> goes_on("A headline without a full stop", "by A. Writer, 2 May")
        False
    """
    return bool(_ENDS_SENTENCE_RE.search(line)) and bool(_STARTS_LOWER_RE.match(next_line))


def keep_meant(dec: Decision, text: str, starts: np.ndarray, ends: np.ndarray, tokens: np.ndarray,
               is_copy: Callable[[int, int], bool]) -> Decision:
    """``dec`` without the lone copies the author meant (see the module).
    ``is_copy(i, j)`` says whether paragraphs ``i`` and ``j`` are copies of each other."""
    size = Counter(dec.block)
    lone = [k for k, (b, kind) in enumerate(zip(dec.block, dec.kind)) if kind == COPY and size[b] == 1]
    if not lone:
        return dec
    sl, el = starts.tolist(), ends.tolist()
    keep = tokens > 0
    keep[dec.removed] = False
    kept = np.flatnonzero(keep).tolist()  # the kept paragraphs, ascending (a lone copy that stays joins them)

    def line(i: int) -> str:
        return text[sl[i] : el[i]]

    def near(i: int, step: int, skip: int) -> int:  # the nearest kept paragraph before or after i, not skip
        if step > 0:
            at = bisect_right(kept, i)
            at += at < len(kept) and kept[at] == skip
            return kept[at] if at < len(kept) else -1
        at = bisect_left(kept, i) - 1
        at -= at >= 0 and kept[at] == skip
        return kept[at] if at >= 0 else -1

    def in_list(i: int, other: int) -> bool:
        return any(j >= 0 and not is_copy(i, j) and template_siblings(line(i), line(j))
                   for j in (near(i, -1, other), near(i, 1, other)))

    stay: set[int] = set()
    for _ in range(_MAX_ROUNDS):
        more = False
        for k in lone:
            i, w = dec.removed[k], dec.witness[k]
            if k in stay:
                continue
            nxt = near(i, 1, -1)
            quoted = nxt >= 0 and near(i, -1, -1) != w and goes_on(line(i), line(nxt))
            if quoted or (in_list(i, w) and in_list(w, i)):
                stay.add(k)
                insort(kept, i)
                more = True
        if not more:
            break
    if not stay:
        return dec
    left = [k for k in range(len(dec.removed)) if k not in stay]
    return Decision(*([col[k] for k in left] for col in (dec.removed, dec.witness, dec.similarity, dec.block,
                                                         dec.kind)))
