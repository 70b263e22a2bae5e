"""What a near copy adds to the paragraph it copies: a number, a one-letter label, a
word that is not a typo of, glued to or part of one of the original's, or (in scripts
written without spaces) a run of two or more letters in place of the original's. A copy
that adds one carries another fact and is not a mere copy."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from functools import lru_cache

import numpy as np
import regex

from .text import NOSPACE, NOSPACE_SCRIPTS, TOKEN_RE, char_classes, fold

__all__ = ["numbers", "adds_numbers", "labels", "adds_label", "adds_words", "adds_letters", "adds_fact"]


#: Digit runs, and runs of letters that are numerals (三, 十, 億: Numeric_Type=Numeric).
_NUMBER_RE = regex.compile(r"\p{Nd}+|\p{Numeric_Type=Numeric}+")


#: Texts whose numbers, labels and words are kept, most recent first: a long paragraph that
#: many copies repeat (a glued article) is read once, not once per copy.
_CACHED_TEXTS = 8


@lru_cache(maxsize=_CACHED_TEXTS)
def numbers(text: str) -> frozenset[str]:
    """The digit runs and numeral-letter runs of ``fold(text)`` (NFKC maps full-width
    digits to ASCII): what :func:`adds_numbers` compares.

    Examples:
        >>> sorted(numbers("Pukul 15.30, Rp２０"))
        ['15', '20', '30']
        >>> sorted(numbers("第三回"))
        ['三']
    """
    return frozenset(_NUMBER_RE.findall(fold(text)))


def adds_numbers(copy: str, original: str) -> bool:
    """Whether ``copy`` holds a number that ``original`` does not: then it
    carries another fact (a time, a price, a score) and is not a mere copy.

    Examples:
        >>> adds_numbers("Score 2-1 at 19.30", "Score 2-1 at 15.30")
        True
        >>> adds_numbers("Score 2-1", "Score 2-1 at 15.30")
        False
    """
    return not numbers(copy) <= numbers(original)


#: A capital letter standing alone as a word: a label ("Plan B", "Type C"); letters of
#: scripts without spaces may touch it ("セットB").
_NEAR = rf"[[\p{{L}}\p{{N}}\p{{M}}]--[{NOSPACE_SCRIPTS}]]"
_LABEL_RE = regex.compile(rf"(?<!{_NEAR})\p{{Lu}}(?!{_NEAR})", flags=regex.V1)


@lru_cache(maxsize=_CACHED_TEXTS)
def labels(text: str) -> frozenset[str]:
    """The capital letters of ``text`` that stand alone as words (NFKC first).

    Examples:
        >>> sorted(labels("Paket B: menu A, kelas VIP"))
        ['A', 'B']
        >>> sorted(labels("ランチセットＢ"))
        ['B']
    """
    return frozenset(_LABEL_RE.findall(unicodedata.normalize("NFKC", text)))


def adds_label(copy: str, original: str) -> bool:
    """Whether ``copy`` has another one-letter label in place of one of ``original``'s:
    "Plan B" after "Plan A" is another item, as another number would be. A letter where
    the original has none is not a label but a word ("A storm ..." after "The storm ...",
    "Photo: A. Rahman").

    Examples:
        >>> adds_label("Plan B: rice, chicken and tea", "Plan A: rice, chicken and tea")
        True
        >>> adds_label("Rice, chicken and tea", "Plan A: rice, chicken and tea")
        False
        >>> adds_label("A storm closed the harbour", "The storm closed the harbour")
        False
    """
    mine, theirs = labels(copy), labels(original)
    return bool(mine - theirs) and bool(theirs - mine)


#: Words shorter than this that a copy adds are taken for noise (a tag, an entity name).
_MIN_NEW_WORD = 5
#: A bracketed aside in a copy is a tag ("(adv)", "[Read more]"), not a statement.
_BRACKETED_RE = regex.compile(r"\([^()]*\)|\[[^\[\]]*\]")


def adds_words(copy: str, original: str) -> bool:
    """Whether ``copy`` holds a word of at least five letters, outside brackets,
    that ``original`` neither holds nor explains: not a typo of one of its words
    (at most two edits), nor glued to one (starting or ending with one of three
    letters or more, or holding one of four or more), nor part of one. Such a word makes another statement ("Subhanallah" for
    "Alhamdulillah", "the regular rounds" for "the rounds"); a bracketed tag
    ("[Read more]") does not.

    Examples:
        >>> adds_words("the vote ends in the regular rounds", "the vote ends in the rounds")
        True
        >>> adds_words("PiacquadioThe vote ends in the rouunds", "KOMPAS - The vote ends in the rounds")
        False
    """
    have, long_have, ends = _vocabulary(original)
    for w in set(TOKEN_RE.findall(fold(_BRACKETED_RE.sub(" ", copy)))) - have:
        if len(w) < _MIN_NEW_WORD or w.isdigit() or w.startswith(ends) or w.endswith(ends):
            continue
        if any(h in w or w in h or _within_two_edits(w, h) for h in long_have):
            continue
        return True
    return False


@lru_cache(maxsize=_CACHED_TEXTS)
def _vocabulary(original: str) -> tuple[frozenset[str], tuple[str, ...], tuple[str, ...]]:
    """The words of ``original`` that :func:`adds_words` looks up: all, those of four
    letters or more, and those of three or more."""
    have = frozenset(TOKEN_RE.findall(fold(original)))
    return have, tuple(w for w in have if len(w) >= 4), tuple(w for w in have if len(w) >= 3)


def _within_two_edits(a: str, b: str) -> bool:
    """Levenshtein distance of ``a`` and ``b`` at most 2 (banded, early exit)."""
    if abs(len(a) - len(b)) > 2:
        return False
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
        if min(cur) > 2:
            return False
        prev = cur
    return prev[-1] <= 2


#: Two or more letters of a script without spaces that a copy has in place of (or
#: besides) the original's are a word (a name, a place); one letter alone is a typo.
_MIN_NEW_LETTERS = 2


def _codes(text: str) -> np.ndarray:
    """Code points of ``text`` between two sentinels (0), as ``int64``."""
    cp = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4").astype(np.int64)
    return np.concatenate([[0], cp, [0]])


def adds_letters(copy: str, original: str) -> bool:
    """Whether ``copy`` changes two or more letters in a row of a script written without
    spaces (Han, kana, Thai, ...) in ``original``: another name or word ("新宿店" for
    "渋谷店"), not a typo. Read on the folded texts, without aligning them (linear time):
    a change of ``n`` letters makes ``n + 1`` character pairs in a row that the original
    never has, so a run of three or more such pairs around two or more such letters is
    one. Two edits one letter apart read as one change of three letters.

    Examples:
        >>> adds_letters("新宿店：営業時間は十時から", "渋谷店：営業時間は十時から")
        True
        >>> adds_letters("渋谷店：営業時間は十時まら", "渋谷店：営業時間は十時から")
        False
    """
    mine = fold(copy)
    if mine.isascii():
        return False
    a, b = _codes(mine), _codes(fold(original))
    new = ~np.isin((a[:-1] << 21) | a[1:], (b[:-1] << 21) | b[1:])  # pair k is chars k, k + 1
    if new.sum() < _MIN_NEW_LETTERS + 1:
        return False
    edge = np.diff(np.concatenate([[0], new.view(np.int8), [0]]))
    s, e = np.flatnonzero(edge == 1), np.flatnonzero(edge == -1)  # runs of new pairs [s, e)
    keep = e - s >= _MIN_NEW_LETTERS + 1
    if not keep.any():
        return False
    letters = np.zeros(len(a) + 1, dtype=np.int64)
    np.cumsum(char_classes()[a] == NOSPACE, out=letters[1:])  # (the sentinels are separators)
    inner = letters[e[keep]] - letters[s[keep] + 1]  # the letters inside a run: chars s+1 .. e-1
    return bool((inner >= _MIN_NEW_LETTERS).any())


def adds_fact(copy: str, original: str, words: tuple[Sequence[str], Sequence[str]] | None = None) -> bool:
    """Whether ``copy`` carries a fact ``original`` lacks: a number, a one-letter label,
    a word, or letters of a script without spaces; ``words``, when given, are the word sequences to compare instead of the
    texts' own (a glued copy's bodies, see :mod:`dedup.glue`).

    Examples:
        >>> adds_fact("Photo/Jane DoeThe ferry runs", "SITE - The ferry runs", (["the", "ferry", "runs"],) * 2)
        False
    """
    if adds_numbers(copy, original) or adds_label(copy, original):
        return True
    if words is not None:
        copy, original = " ".join(words[0]), " ".join(words[1])
    return adds_words(copy, original) or adds_letters(copy, original)
