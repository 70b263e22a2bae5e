"""Paragraph forms that are never boilerplate, however often they recur.

- A **fragment**: a piece of one sentence that a scraper split onto its own line, typically
  a link's anchor ("... the match against\\nTimnas Indonesia\\non Sunday ..."). It continues a
  sentence: the paragraph before it ends in a letter, digit or comma, and it or the next one
  starts with a lowercase letter; told only in a document that marks sentence ends (some
  paragraph of it ends with one), where a line without one is a cut.
- A **letterless** paragraph: numbers and signs only, such as table cells ("0" ... "5").

Each paragraph's form is a few bits (:func:`paragraph_forms`), computed with the rest of the
per-batch kernel; :func:`exempt` decides per paragraph cluster (by the majority of its
occurrences, so an ad line that once lands inside a sentence stays boilerplate).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .chars import CLOSE, LEADING, LETTER, LOWER, OPEN_END, SPACE, TERMINAL, BatchChars, batch_chars

__all__ = ["CONTINUES", "LETTERLESS", "paragraph_forms", "exempt"]

#: The paragraph continues the sentence of the paragraph before it.
CONTINUES = 1
#: The paragraph has no letter.
LETTERLESS = 2

_TAIL = 16  # characters read at a paragraph's end (or start) to tell how it ends (or starts)
_COLS = np.arange(_TAIL)


def paragraph_forms(texts: Sequence[str], starts: np.ndarray, ends: np.ndarray, doc_offsets: np.ndarray,
                    chars: BatchChars | None = None) -> np.ndarray:
    """The form bits of the paragraphs ``texts[d][starts[i]:ends[i]]`` of a batch
    (paragraphs ``doc_offsets[d]:doc_offsets[d + 1]`` belong to text ``d``; ``chars`` their
    :func:`~dedup.chars.batch_chars`, where already made).

    Read from the last (or first) :data:`_TAIL` characters of each paragraph: it *ends a
    sentence* when, before its trailing spaces, a sentence terminal is followed only by
    closing punctuation (``Pe``, ``Pf``, ``Po``); it *ends open* when its last character
    before trailing spaces is a letter, digit, comma or semicolon; it *starts lowercase*
    when its first character that is not punctuation, a separator or a space is a
    lowercase letter.

    >>> t = "The team met\\nTimnas Indonesia\\nin the final.\\n3\\n"
    >>> paragraph_forms([t], np.array([0, 13, 30, 44]), np.array([12, 29, 43, 45]), np.array([0, 4])).tolist()
    [0, 1, 1, 2]
    """
    n = len(starts)
    out = np.zeros(n, dtype=np.int64)
    if n == 0:
        return out
    _, bits, s, e = chars or batch_chars(texts, starts, ends, doc_offsets)
    open_end, sentence_end = _tails(bits, s, e)
    head, has_letter = _heads(bits, s, e)
    for i in np.flatnonzero(~has_letter & (e - s > _TAIL)).tolist():  # a long start without letters
        has_letter[i] = bool((bits[s[i] : e[i]] & LETTER).any())
    doc = np.repeat(np.arange(len(doc_offsets) - 1), np.diff(doc_offsets))
    idx = np.arange(n)
    first, last = idx == doc_offsets[doc], idx == doc_offsets[doc + 1] - 1
    marks = np.zeros(len(doc_offsets) - 1, dtype=bool)
    marks[doc[sentence_end]] = True
    head_next = np.r_[head[1:], False] & ~last
    open_prev = np.r_[False, open_end[:-1]]
    cont = marks[doc] & ~first & (head | head_next) & open_prev
    out[cont] = CONTINUES
    out[~has_letter] = LETTERLESS
    return out


def _window(bits: np.ndarray, pos: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """``bits`` at the positions ``pos`` (any shape), 0 where not ``valid``."""
    return np.where(valid, bits[np.clip(pos, 0, max(len(bits) - 1, 0))], 0) if len(bits) else np.zeros(pos.shape, np.uint8)


def _last(m: np.ndarray) -> np.ndarray:
    """Per row, the last column where ``m`` holds (-1 where none does)."""
    return np.where(m.any(axis=1), m.shape[1] - 1 - np.argmax(m[:, ::-1], axis=1), -1)


def _tails(bits: np.ndarray, s: np.ndarray, e: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per paragraph ``[s, e)``: whether it ends open, and whether it ends a sentence."""
    pos = e[:, None] - _TAIL + _COLS
    valid = pos >= s[:, None]
    w = _window(bits, pos, valid)
    q = _last(valid & ((w & SPACE) == 0))  # the last character before trailing spaces
    rows = np.arange(len(s))
    at_q = np.where(q >= 0, w[rows, q], 0)
    open_end = (q >= 0) & ((at_q & OPEN_END) != 0)
    # the run of closing punctuation that ends at q, and the character before it
    r = _last(~(valid & ((w & CLOSE) != 0)) & (_COLS <= q[:, None]))
    span = (_COLS >= np.maximum(r, 0)[:, None]) & (_COLS <= q[:, None])
    sentence_end = (q >= 0) & (valid & span & ((w & TERMINAL) != 0)).any(axis=1)
    return open_end, sentence_end


def _heads(bits: np.ndarray, s: np.ndarray, e: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per paragraph ``[s, e)``, from its first :data:`_TAIL` characters: whether its first
    character that is not punctuation, a separator or a space is a lowercase letter, and
    whether it has a letter there."""
    pos = s[:, None] + _COLS
    valid = pos < e[:, None]
    w = _window(bits, pos, valid)
    m = valid & ((w & LEADING) == 0)
    f = np.argmax(m, axis=1)
    return m.any(axis=1) & ((w[np.arange(len(s)), f] & LOWER) != 0), ((w & LETTER) != 0).any(axis=1)


def exempt(forms: np.ndarray, cluster: np.ndarray) -> np.ndarray:
    """Per paragraph: whether its form keeps it from being boilerplate. ``cluster`` names
    each paragraph's cluster (ids below ``len(forms)``): a cluster is a fragment when at
    least half of its paragraphs continue a sentence; a letterless paragraph is always exempt."""
    n = len(forms)
    if n == 0:
        return np.zeros(0, dtype=bool)
    cont = np.bincount(cluster, weights=(forms & CONTINUES) != 0, minlength=n)
    size = np.bincount(cluster, minlength=n)
    return (2 * cont[cluster] >= size[cluster]) | ((forms & LETTERLESS) != 0)
