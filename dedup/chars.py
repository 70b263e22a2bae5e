"""Code-point properties of raw (unfolded) text, one bit each, for the passes that read how
paragraphs start and end (:mod:`dedup.forms`, :mod:`dedup.templates`) over a whole batch in
numpy instead of one regex call per paragraph.

The table is derived once per process from the ``regex`` module's own classes (the same
ones a pattern would use), so a bit holds exactly where the class in :data:`PROPS` matches.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import NamedTuple

import numpy as np
import regex

from .tokens import codepoints

__all__ = ["LETTER", "LOWER", "OPEN_END", "SPACE", "LEADING", "CLOSE", "TERMINAL", "WORD", "PROPS", "char_props",
           "BatchChars", "batch_chars"]

LETTER, LOWER, OPEN_END, SPACE, LEADING, CLOSE, TERMINAL, WORD = (1 << i for i in range(8))

#: Each bit and the ``regex`` class (set members) it stands for.
PROPS = (
    (LETTER, r"\p{L}"),  # a letter
    (LOWER, r"\p{Ll}"),  # a lowercase letter
    (OPEN_END, r"\p{L}\p{N},;"),  # a character a sentence cut off mid-way ends with
    (SPACE, r"\s"),
    (LEADING, r"\p{P}\p{Z}\s"),  # punctuation, separators, spaces: skipped before a first letter
    (CLOSE, r"\p{Pe}\p{Pf}\p{Po}"),  # closing punctuation, which may follow a sentence's end
    (TERMINAL, r"\p{Sentence_Terminal}"),
    (WORD, r"\w"),
)


@cache
def char_props() -> np.ndarray:
    """``uint8`` bits (:data:`PROPS`) of every code point; surrogates have none."""
    every = "".join((np.arange(0xD800, dtype="<u4").tobytes().decode("utf-32-le"),
                     np.arange(0xE000, 0x110000, dtype="<u4").tobytes().decode("utf-32-le")))
    table = np.zeros(0x110000, dtype=np.uint8)
    for bit, members in PROPS:
        kept = regex.sub(rf"[^{members}]+", "", every)
        table[codepoints(kept)] |= np.uint8(bit)
    table.setflags(write=False)
    return table


class BatchChars(NamedTuple):
    """The texts of a batch joined, the :func:`char_props` bits of its characters, and the
    paragraphs' spans as positions in it."""

    text: str
    bits: np.ndarray
    starts: np.ndarray
    ends: np.ndarray


def batch_chars(texts: Sequence[str], starts: np.ndarray, ends: np.ndarray, doc_offsets: np.ndarray) -> BatchChars:
    """The :class:`BatchChars` of the paragraphs ``texts[d][starts[i]:ends[i]]`` of a batch
    (paragraphs ``doc_offsets[d]:doc_offsets[d + 1]`` belong to text ``d``)."""
    base = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum(np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)), out=base[1:])
    shift = np.repeat(base[:-1], np.diff(doc_offsets))
    joined = "".join(texts)
    return BatchChars(joined, char_props()[codepoints(joined)], np.asarray(starts, dtype=np.int64) + shift,
                      np.asarray(ends, dtype=np.int64) + shift)
