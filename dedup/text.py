"""Text for comparison: normalization, tokens, and paragraphs as spans.

Normalization and tokens only decide what is *compared*; the caller's text is
never rewritten. Paragraphs are ``(start, end)`` spans into the caller's text.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np
import regex

from .config import Config, resolve

__all__ = [
    "Paragraph",
    "split_paragraphs",
    "iter_paragraphs",
    "fold",
    "normalize",
    "tokenize",
    "check_text",
    "LINE_TERMINATORS",
    "TOKEN_RE",
    "char_classes",
    "SEP",
    "WORD",
    "NOSPACE",
    "MARK",
    "NOSPACE_SCRIPTS",
    "text_model",
]

#: Every line terminator ``str.splitlines`` knows: ``\r\n``, ``\n``, ``\r``, VT, FF,
#: FS/GS/RS (``\x1c``-``\x1e``), NEL (U+0085), LINE and PARAGRAPH SEPARATOR.
LINE_TERMINATORS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"

#: Scripts written without spaces between words (``regex`` property terms, to put in
#: a character class): each of their letters is a token, so shingles are character n-grams.
NOSPACE_SCRIPTS = r"\p{Han}\p{Hiragana}\p{Katakana}\p{Thai}\p{Lao}\p{Khmer}\p{Myanmar}\p{Tibetan}"
_S = rf"[[\p{{L}}\p{{N}}]&&[{NOSPACE_SCRIPTS}]]"  # a letter or number of a no-space script
_W = rf"[[\p{{L}}\p{{N}}]--[{NOSPACE_SCRIPTS}]]"  # any other letter or number
#: A token: one letter of a no-space script with the marks after it, or a run of
#: other letters, numbers and marks (``\p{M}`` keeps Indic words whole).
TOKEN_RE = regex.compile(rf"{_S}\p{{M}}*|[{_W}\p{{M}}]+", flags=regex.V1)

#: Character classes of :func:`char_classes`.
SEP, WORD, NOSPACE, MARK = 0, 1, 2, 3
_CLASSES: np.ndarray | None = None


def char_classes() -> np.ndarray:
    """``uint8`` class of every code point (``SEP``, ``WORD``, ``NOSPACE``, ``MARK``),
    derived once per process from the ``regex`` module's Unicode properties; the
    bulk tokenizer reads it so that it splits exactly as :data:`TOKEN_RE`.
    """
    global _CLASSES
    if _CLASSES is None:
        every = np.arange(0x110000, dtype="<u4").tobytes().decode("utf-32-le", "surrogatepass")
        table = np.zeros(0x110000, dtype=np.uint8)
        for cls, member in ((WORD, _W), (NOSPACE, _S), (MARK, r"\p{M}")):
            kept = regex.sub(rf"[^{member}]+", "", every, flags=regex.V1)
            table[np.frombuffer(kept.encode("utf-32-le", "surrogatepass"), dtype="<u4")] = cls
        table.setflags(write=False)
        _CLASSES = table
    return _CLASSES


_FORMAT_RE = regex.compile(r"\p{Cf}+")
_QUOTE_RE = regex.compile(r"[\p{Pi}\p{Pf}\"'`\u00b4\u2032\u2033]")
_DASH_RE = regex.compile(r"\p{Pd}")
_SPACE_RE = regex.compile(r"\s+")


def text_model() -> dict[str, str]:
    """What tokenization depends on beyond the config: the Unicode version of
    ``unicodedata`` (NFKC, casefold) and a digest of the character-class table
    derived from the ``regex`` module. Stored in indexes, so an index is not
    silently extended with differently tokenized text after an upgrade.

    Examples:
        >>> sorted(text_model())
        ['char_classes', 'unicode']
    """
    import hashlib

    return {
        "unicode": unicodedata.unidata_version,
        "char_classes": hashlib.sha256(char_classes().tobytes()).hexdigest()[:16],
    }


def check_text(text: object, encoding: str | None = None, *, what: str = "text") -> str:
    """Return ``text`` as ``str``, or raise an error that says how to fix it.

    ``bytes`` are decoded only when ``encoding`` is given (strictly: invalid
    input raises ``ValueError`` with the byte offset).

    Examples:
        >>> check_text(b"caf\\xc3\\xa9", encoding="utf-8")
        'café'
        >>> check_text(b"abc")
        Traceback (most recent call last):
        ...
        TypeError: text is bytes; decode it first (data.decode('utf-8')) or pass encoding='utf-8'
    """
    if isinstance(text, str):
        return text
    if isinstance(text, (bytes, bytearray, memoryview)):
        if encoding is None:
            raise TypeError(
                f"{what} is {type(text).__name__}; decode it first (data.decode('utf-8')) "
                f"or pass encoding='utf-8'"
            )
        try:
            return bytes(text).decode(encoding)
        except UnicodeDecodeError as e:
            raise ValueError(
                f"{what} is not valid {encoding}: byte {e.start} ({bytes(text)[e.start:e.start + 4]!r}) "
                f"{e.reason}; decode it yourself with errors='replace' to keep going"
            ) from None
        except LookupError:
            raise ValueError(f"unknown encoding {encoding!r}; pass a codec name such as 'utf-8'") from None
    raise TypeError(f"{what} must be str, got {type(text).__name__}: {text!r:.60}")


def fold(text: str) -> str:
    """NFKC, casefold, NFKC again, and format characters (``\\p{Cf}``) dropped:
    the part of :func:`normalize` that tokens see.

    Examples:
        >>> fold("Ｓtraße\u200b")
        'strasse'
    """
    if text.isascii():  # NFKC is the identity there, and there is no format character
        return text.lower()
    t = unicodedata.normalize("NFKC", text).casefold()
    if not unicodedata.is_normalized("NFKC", t):
        t = unicodedata.normalize("NFKC", t)
    return _FORMAT_RE.sub("", t)


def normalize(text: str) -> str:
    """The comparison form of a text: NFKC, casefolded, format characters
    (zero-width space, soft hyphen, BOM) dropped, quotes and dashes unified,
    whitespace collapsed.

    Examples:
        >>> normalize("  “Ｑuote”\\u00a0— SOFT\\u00adHYPHEN ")
        '"quote" - softhyphen'
    """
    t = _QUOTE_RE.sub('"', fold(text))
    t = _DASH_RE.sub("-", t)
    return _SPACE_RE.sub(" ", t).strip()


def tokenize(text: str) -> list[str]:
    """Word tokens of ``normalize(text)``: runs of letters, numbers and marks;
    in scripts without spaces (Han, kana, Thai, ...) one letter (with its marks) each.

    Examples:
        >>> tokenize("Baca juga: Pilkada 2024, ASN’s!")
        ['baca', 'juga', 'pilkada', '2024', 'asn', 's']
        >>> tokenize("東京タワー")
        ['東', '京', 'タ', 'ワ', 'ー']
    """
    return TOKEN_RE.findall(fold(text))


@dataclass(frozen=True)
class Paragraph:
    """A paragraph as a span of the caller's text.

    ``start``/``end`` delimit the paragraph itself (no line terminator);
    ``cut_end`` is where its removal would end: after its line terminator
    (line mode) or at the next paragraph (blank mode).
    """

    index: int
    start: int
    end: int
    cut_end: int
    source: str = field(repr=False, compare=False)

    @property
    def text(self) -> str:
        """The paragraph's text (sliced from the source on access)."""
        return self.source[self.start : self.end]


def paragraph_spans(text: str, mode: str = "line") -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(start, end, cut_end)`` int64 arrays of the paragraphs of ``text``.

    A line is blank when ``line.strip()`` is empty. In line mode every
    non-blank line is a paragraph; in blank mode a paragraph is a maximal run
    of non-blank lines.
    """
    lines = text.splitlines(keepends=True)
    n = len(lines)
    lens = np.fromiter(map(len, lines), dtype=np.int64, count=n)
    line_start = np.zeros(n, dtype=np.int64)
    np.cumsum(lens[:-1], out=line_start[1:])
    line_stop = line_start + lens
    term = lens - np.fromiter(map(len, text.splitlines()), dtype=np.int64, count=n)
    nonblank = np.fromiter(map(bool, map(str.strip, lines)), dtype=bool, count=n)
    if mode == "line":
        idx = np.flatnonzero(nonblank)
        return line_start[idx], line_stop[idx] - term[idx], line_stop[idx]
    # blank mode: runs of non-blank lines
    d = np.diff(np.concatenate(([0], nonblank.view(np.int8), [0])))
    first = np.flatnonzero(d == 1)
    last = np.flatnonzero(d == -1) - 1
    starts = line_start[first]
    ends = line_stop[last] - term[last]
    cut = np.empty_like(starts)
    cut[:-1] = starts[1:]
    if len(cut):
        cut[-1] = len(text)
    return starts, ends, cut


def iter_paragraphs(text: str, config: Config | None = None) -> Iterator[Paragraph]:
    """Paragraphs of ``text`` one at a time (see :func:`split_paragraphs`)."""
    cfg = resolve(config)
    text = check_text(text)
    starts, ends, cuts = paragraph_spans(text, cfg.mode)
    for i, (s, e, c) in enumerate(zip(starts.tolist(), ends.tolist(), cuts.tolist())):
        yield Paragraph(i, s, e, c, text)


def split_paragraphs(text: str, config: Config | None = None) -> list[Paragraph]:
    r"""Paragraphs of ``text`` with spans into it.

    Every line terminator counts (``\n``, ``\r\n``, ``\r``, VT, FF, U+0085,
    U+2028, U+2029 and the rest of ``str.splitlines``).

    Examples:
        >>> [(p.start, p.end, p.text) for p in split_paragraphs("a\r\n\nb\u2028c")]
        [(0, 1, 'a'), (4, 5, 'b'), (6, 7, 'c')]
        >>> [p.text for p in split_paragraphs("a\nb\n\nc", Config(mode="blank"))]
        ['a\nb', 'c']
    """
    return list(iter_paragraphs(text, config))
