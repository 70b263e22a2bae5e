"""The bulk tokenizer: every token of folded text as a ``(start, length)`` span of its code
points, found by character class (:func:`~dedup.text.char_classes`) in numpy, exactly
where :data:`~dedup.text.TOKEN_RE` would match."""

from __future__ import annotations

import numpy as np

from .text import MARK, NOSPACE, SEP, WORD, char_classes

__all__ = ["codepoints", "token_spans", "word_weight"]


def codepoints(s: str) -> np.ndarray:
    """The code points of ``s`` as ``uint32`` (lone surrogates included), the input of
    :func:`token_spans`.

    Examples:
        >>> codepoints("a\u00e9").tolist()
        [97, 233]
    """
    return np.frombuffer(s.encode("utf-32-le", "surrogatepass"), dtype="<u4")


def token_spans(cp: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(start, length)`` of every :data:`~dedup.text.TOKEN_RE` match in a code-point
    array of folded text, by character class instead of a regex scan.

    A mark continues the token of the last non-mark before it: a no-space letter's
    token if that is one, else a word run (which it starts after a separator).
    """
    cls = char_classes()[cp]
    n = len(cls)
    if n == 0 or cls.max() <= WORD:  # no marks, no no-space letters: tokens are runs of WORD
        edges = np.diff(np.concatenate(([0], cls, [0])).astype(np.int8))
        starts = np.flatnonzero(edges == 1)
        return starts.astype(np.int64), (np.flatnonzero(edges == -1) - starts).astype(np.int64)
    eff = cls.copy()
    marks = np.flatnonzero(cls == MARK)
    if len(marks):
        base = np.flatnonzero(cls != MARK)
        # class of the last non-mark before each mark (SEP when there is none)
        ctx = np.concatenate(([SEP], cls[base]))[np.searchsorted(base, marks)]
        eff[marks] = np.where(ctx == NOSPACE, MARK, WORD)  # MARK now means "attached to a no-space letter"
    prev = np.empty(n, dtype=np.uint8)
    if n:
        prev[0] = SEP
        prev[1:] = eff[:-1]
    start = (eff == NOSPACE) | ((eff == WORD) & (prev != WORD))
    cont = ((eff == WORD) & (prev == WORD)) | (eff == MARK)
    starts = np.flatnonzero(start)
    breaks = np.flatnonzero(~cont)  # every position that does not continue a token
    nxt = np.searchsorted(breaks, starts, side="right")
    ends = np.where(nxt < len(breaks), breaks[np.minimum(nxt, len(breaks) - 1)], n)
    return starts.astype(np.int64), (ends - starts).astype(np.int64)


def word_weight(text: str, starts: np.ndarray, ends: np.ndarray, tokens: np.ndarray) -> np.ndarray:
    """Tokens counted as words: a letter of a script written without spaces (one
    token each) counts half, as words there are about two letters long, so that
    ``min_tokens`` asks for about as much text in Japanese as in Indonesian."""
    if text.isascii() or not len(starts):
        return tokens
    cp = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4")
    ns = np.zeros(len(cp) + 1, dtype=np.int64)
    np.cumsum(char_classes()[cp] == NOSPACE, out=ns[1:])
    return tokens - (ns[ends] - ns[starts]) // 2
