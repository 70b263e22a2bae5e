"""Glue: a credit or a site prefix glued to the first word of a repeated line.

Scrapers glue an image credit or a site's prefix onto a caption or a lead
("Pexels/Andrea PiacquadioApakah tidur ..." for "KOMPAS.com -Apakah tidur ..."):
the two lines differ only in a head of a few tokens, and the last token of one
head ends with the first word of the body both share. On a line of twenty words
that drops Jaccard below 0.75 though the line says nothing new. Two lines are
*glued copies* when such heads (at most :data:`MAX_HEAD` tokens each) aside, the
Jaccard of their bodies reaches the threshold. Lines that differ in a head
without glue (list items sharing a template: "Glory be ..." / "Praise be ...")
are not.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .text import TOKEN_RE, fold

__all__ = ["MAX_HEAD", "MIN_GLUED_WORD", "LOW", "Glued", "glued_copy", "glued_pairs", "bodies"]

#: Tokens a head holds at most.
MAX_HEAD = 3
#: Jaccard a pair needs to be checked for glue at all (candidates are verified down to it).
LOW = 0.5
#: Letters the shared first word needs (a shorter one ends too many words by chance).
MIN_GLUED_WORD = 3


@dataclass(frozen=True)
class Glued:
    """Two lines that are glued copies: their body tokens and the bodies' Jaccard."""

    body_a: tuple[str, ...]
    body_b: tuple[str, ...]
    similarity: float


def _grams(tokens: tuple[str, ...], k: int) -> set[tuple[str, ...]]:
    if len(tokens) <= k:
        return {tokens} if tokens else set()
    return {tokens[i : i + k] for i in range(len(tokens) - k + 1)}


def _best(x: tuple[str, ...], y: tuple[str, ...], k: int) -> tuple[float, int, int]:
    """The best ``(Jaccard, g, h)`` over ``x``'s glued token ``x[g - 1]`` ending with
    ``y[h]``, the bodies being ``(y[h],) + x[g:]`` and ``y[h:]``."""
    best = (0.0, 0, 0)
    for g in range(1, min(MAX_HEAD, len(x)) + 1):
        glued = x[g - 1]
        for h in range(min(MAX_HEAD + 1, len(y))):
            w = y[h]
            if len(w) >= MIN_GLUED_WORD and len(glued) > len(w) and glued.endswith(w):
                a, b = _grams((w,) + x[g:], k), _grams(y[h:], k)
                s = len(a & b) / len(a | b) if a | b else 0.0
                best = max(best, (s, g, h))
    return best


def glued_copy(a: str, b: str, threshold: float, k: int = 3) -> Glued | None:
    """Whether lines ``a`` and ``b`` are glued copies (see the module), compared on
    :func:`~dedup.text.tokenize` tokens in ``k``-grams; ``None`` when not.

    Examples:
        >>> g = glued_copy("GAZETTE - The ferry will run every hour from the old quay next spring",
        ...                "Photo/Jane DoeThe ferry will run every hour from the old quay next spring", 0.75)
        >>> g.similarity, g.body_a[:2], g.body_b[:2]
        (1.0, ('the', 'ferry'), ('the', 'ferry'))
        >>> glued_copy("Glory be to God as many as the stars", "Praise be to God as many as the stars", 0.75) is None
        True
    """
    return _glued(_tokens(a), _tokens(b), threshold, k)


def _tokens(line: str) -> tuple[str, ...]:
    return tuple(TOKEN_RE.findall(fold(line)))


def _glue_ends(x: tuple[str, ...]) -> tuple[frozenset[str], frozenset[str]]:
    """What :func:`_best` can pair in a line of tokens ``x``: the ends its head tokens can
    glue (each proper suffix of :data:`MIN_GLUED_WORD` letters or more of its first
    :data:`MAX_HEAD` tokens), and the first words a body can start with (its first
    ``MAX_HEAD + 1`` tokens of that length)."""
    glue = frozenset(t[i:] for t in x[:MAX_HEAD] for i in range(1, len(t) - MIN_GLUED_WORD + 1))
    return glue, frozenset(w for w in x[: MAX_HEAD + 1] if len(w) >= MIN_GLUED_WORD)


def _glued(x: tuple[str, ...], y: tuple[str, ...], threshold: float, k: int) -> Glued | None:
    s, g, h = _best(x, y, k)
    if s >= threshold - 1e-12:
        return Glued((y[h],) + x[g:], y[h:], s)
    s, g, h = _best(y, x, k)
    if s >= threshold - 1e-12:
        return Glued(x[h:], (x[h],) + y[g:], s)
    return None


def glued_pairs(
    left: np.ndarray, right: np.ndarray, sim: np.ndarray, sizes: np.ndarray, threshold: float,
    line: Callable[[int], str], k: int = 3,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict[tuple[int, int], Glued]]:
    """The pairs ``(left, right, sim)`` (rows of shingle sets of ``sizes``; ``line(r)``
    is row ``r``'s text) at ``threshold`` or above, and those below that are glued
    copies, with their bodies' Jaccard as ``sim``; the glued ones also as a dict
    ``(smaller row, larger row) -> Glued``. Only pairs that could be glued are tokenized: those
    sharing all but about ``2 * MAX_HEAD`` shingles of the larger set."""
    ok = sim >= threshold - 1e-12
    inter = sim * (sizes[left] + sizes[right]) / (1.0 + sim)
    maybe = np.flatnonzero(~ok & (inter >= threshold * np.maximum(sizes[left], sizes[right]) - 2 * MAX_HEAD))
    sims = sim.copy()
    found: dict[tuple[int, int], Glued] = {}
    toks: dict[int, tuple[str, ...]] = {}
    ends: dict[int, tuple[frozenset[str], frozenset[str]]] = {}
    for n in maybe.tolist():
        a, b = sorted((int(left[n]), int(right[n])))
        for r in (a, b):
            if r not in toks:
                toks[r] = _tokens(line(r))
                ends[r] = _glue_ends(toks[r])
        if ends[a][0].isdisjoint(ends[b][1]) and ends[b][0].isdisjoint(ends[a][1]):
            continue  # no head token of one ends with a first word of the other: no glue
        g = _glued(toks[a], toks[b], threshold, k)
        if g is not None:
            found[(a, b)] = g
            ok[n], sims[n] = True, g.similarity
    return left[ok], right[ok], sims[ok], found


def bodies(glued: dict[tuple[int, int], Glued], a: int, b: int) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """The bodies of rows ``a`` and ``b`` (in that order) when :func:`glued_pairs`
    found them glued copies, else ``None``."""
    g = glued.get((a, b) if a < b else (b, a))
    if g is None:
        return None
    return (g.body_a, g.body_b) if a < b else (g.body_b, g.body_a)
