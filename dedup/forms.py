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
import regex

__all__ = ["CONTINUES", "LETTERLESS", "paragraph_forms", "exempt"]

#: The paragraph continues the sentence of the paragraph before it.
CONTINUES = 1
#: The paragraph has no letter.
LETTERLESS = 2

_OPEN_END = regex.compile(r"[\p{L}\p{N},;]\s*$")
_LOWER_START = regex.compile(r"[\p{P}\p{Z}\s]*\p{Ll}")
_LETTER = regex.compile(r"\p{L}")
_TAIL = 16  # characters read at a paragraph's end (or start) to tell how it ends (or starts)
_SENTENCE_END = regex.compile(r"\p{Sentence_Terminal}[\p{Pe}\p{Pf}\p{Po}]*\s*$")


def paragraph_forms(texts: Sequence[str], starts: np.ndarray, ends: np.ndarray, doc_offsets: np.ndarray) -> np.ndarray:
    """The form bits of the paragraphs ``texts[d][starts[i]:ends[i]]`` of a batch
    (paragraphs ``doc_offsets[d]:doc_offsets[d + 1]`` belong to text ``d``).

    >>> t = "The team met\\nTimnas Indonesia\\nin the final.\\n3\\n"
    >>> paragraph_forms([t], np.array([0, 13, 30, 44]), np.array([12, 29, 43, 45]), np.array([0, 4])).tolist()
    [0, 1, 1, 2]
    """
    out = np.zeros(len(starts), dtype=np.int64)
    offs, s0, e0 = doc_offsets.tolist(), starts.tolist(), ends.tolist()
    letter, end, open_end, lower = _LETTER.search, _SENTENCE_END.search, _OPEN_END.search, _LOWER_START.match
    for d, text in enumerate(texts):
        p0, p1 = offs[d], offs[d + 1]
        spans = list(zip(s0[p0:p1], e0[p0:p1]))
        marks_ends = any(end(text, max(s, e - _TAIL), e) for s, e in spans)
        heads = [lower(text, s, min(e, s + _TAIL)) is not None for s, e in spans] + [False]
        for i, (s, e) in enumerate(spans):
            if letter(text, s, e) is None:
                out[p0 + i] = LETTERLESS
            elif marks_ends and i and (heads[i] or heads[i + 1]):
                ps, pe = spans[i - 1]
                if open_end(text, max(ps, pe - _TAIL), pe):
                    out[p0 + i] = CONTINUES
    return out


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
