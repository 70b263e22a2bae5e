"""Shingles: word k-grams of a paragraph, hashed to 32 bits, in bulk as CSR.

The hash of a shingle is defined by two pure functions, :func:`token_hash` and
:func:`shingle_hash`; the bulk path computes the same values with numpy, so a
user can hand ``shingle_hash`` to ``datasketch.MinHash(hashfunc=...)`` together
with :func:`shingles` and get the same signature bit for bit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .arrays import chunk_bounds, distinct, ranges
from .config import Config, resolve
from .mix import M32, M64, fmix64, fmix64_int
from .text import NOSPACE, char_classes, fold, normalize, tokenize
from .tokens import codepoints, token_spans

__all__ = ["union_rows", "ShingleSets", "shingles", "shingle_hash", "token_hash", "shingle_sets", "token_spans", "codepoints",
           "UNION_CHUNK", "shingle_width"]

_CHAR_KEY = 0x9E3779B97F4A7C15
_LEN_KEY = 0xD6E8FEB86659FD93
_SHINGLE_KEY = 0xA0761D6478BD642F
_U = np.uint64
#: Values merged at once by :func:`union_rows` (a setting: it changes no result).
UNION_CHUNK = 1 << 21
#: Code points per numpy chunk when hashing tokens (bounds temporary memory).
_CHAR_CHUNK = 1 << 20


def token_hash(token: str) -> int:
    """64-bit hash of one token: a sum of mixed ``(position, code point)`` keys,
    mixed once more with the length. Stable across processes and machines.

    Examples:
        >>> token_hash("berita")
        8962819243792916230
    """
    acc = 0
    for pos, ch in enumerate(token):
        acc = (acc + fmix64_int(((pos << 21) | ord(ch)) ^ _CHAR_KEY)) & M64
    return fmix64_int(acc ^ ((len(token) * _LEN_KEY) & M64))


def shingle_hash(shingle: Sequence[str]) -> int:
    """32-bit hash of a shingle (a tuple of tokens from :func:`shingles`).

    Pass it to datasketch as ``MinHash(hashfunc=dedup.shingle_hash,
    scheme="affine32")`` and feed that MinHash ``dedup.shingles(p)``.

    Examples:
        >>> shingle_hash(("baca", "juga", "pilkada"))
        3720830353
    """
    if isinstance(shingle, (str, bytes)):
        raise TypeError(
            f"shingle_hash takes a tuple of tokens as returned by dedup.shingles(), "
            f"got {type(shingle).__name__} {shingle!r:.40}; did you pass a paragraph instead of its shingles?"
        )
    acc = _SHINGLE_KEY ^ len(shingle)
    for tok in shingle:
        acc = fmix64_int(acc ^ token_hash(tok))
    return acc & M32


def shingles(paragraph: str, config: Config | None = None) -> list[tuple[str, ...]]:
    """The distinct shingles of a paragraph, in order of first occurrence.

    Token :func:`shingle_width`-grams of :func:`~dedup.text.tokenize`; a paragraph
    with fewer tokens is one shingle of all of them; one with no words at all
    (``***``) is one shingle of its normalized text; an empty one has none.

    Examples:
        >>> shingles("Ya, Pak. Ya!")
        [('ya', 'pak', 'ya')]
        >>> shingles("Ya.")
        [('ya',)]
        >>> shingles(" * * * ")
        [('* * *',)]
        >>> shingles("東京都")
        [('東', '京'), ('京', '都')]
    """
    cfg = resolve(config)
    if not isinstance(paragraph, str):
        paragraph = getattr(paragraph, "text", paragraph)
        if not isinstance(paragraph, str):
            raise TypeError(f"paragraph must be str or dedup.Paragraph, got {type(paragraph).__name__}")
    toks = tokenize(paragraph)
    if not toks:
        n = normalize(paragraph)
        return [(n,)] if n else []
    cls = char_classes()
    k = shingle_width(len(toks), sum(int(cls[ord(t[0])] == NOSPACE) for t in toks), cfg)
    if len(toks) < k:
        return [tuple(toks)]
    return list(dict.fromkeys(tuple(toks[i : i + k]) for i in range(len(toks) - k + 1)))


def shingle_width(tokens: int, nospace: int, config: Config | None = None) -> int:
    """Tokens per shingle of a paragraph of ``tokens`` tokens, ``nospace`` of them
    letters of a script written without spaces: ``nospace_shingle_size`` when those
    are more than half, else ``shingle_size``.

    Examples:
        >>> shingle_width(10, 3), shingle_width(10, 6)
        (3, 2)
    """
    cfg = resolve(config)
    return cfg.nospace_shingle_size if 2 * nospace > tokens else cfg.shingle_size


@dataclass(frozen=True)
class ShingleSets:
    """Shingle-hash sets of many paragraphs in CSR form.

    Row ``i`` is ``values[offsets[i]:offsets[i + 1]]``: sorted, unique ``uint32``.
    ``tokens[i]`` is the paragraph's number of word tokens, ``widths[i]`` the tokens
    per shingle it was cut into (``None`` where the rows are not paragraphs).
    """

    values: np.ndarray
    offsets: np.ndarray
    tokens: np.ndarray
    widths: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.offsets) - 1

    @property
    def sizes(self) -> np.ndarray:
        """Number of shingles in each row."""
        return np.diff(self.offsets)

    def row(self, i: int) -> np.ndarray:
        """Row ``i`` (a view)."""
        return self.values[self.offsets[i] : self.offsets[i + 1]]

    def take(self, rows: np.ndarray) -> ShingleSets:
        """A new CSR holding only ``rows`` (in that order)."""
        rows = np.asarray(rows, dtype=np.int64)
        sizes = self.sizes[rows]
        offsets = np.zeros(len(rows) + 1, dtype=np.int64)
        np.cumsum(sizes, out=offsets[1:])
        idx = ranges(self.offsets[rows], sizes)
        return ShingleSets(self.values[idx], offsets, self.tokens[rows],
                           None if self.widths is None else self.widths[rows])


def union_rows(sets: ShingleSets, rows: np.ndarray, groups: np.ndarray, n_groups: int) -> ShingleSets:
    """One CSR row per group ``0..n_groups-1``: the union of the rows ``rows[i]``
    with ``groups[i]`` equal to it (empty for a group with none).

    Groups are merged a block of whole groups at a time (about :data:`UNION_CHUNK`
    values each): sorts that fit in cache, and temporaries the allocator reuses.

    Examples:
        >>> s = ShingleSets(np.array([1, 2, 2, 3, 9], np.uint32), np.array([0, 2, 4, 5]), np.zeros(3, np.int64))
        >>> u = union_rows(s, np.array([2, 0, 1]), np.array([2, 0, 0]), 3)
        >>> [u.row(i).tolist() for i in range(3)]
        [[1, 2, 3], [], [9]]
    """
    rows = np.asarray(rows, dtype=np.int64)
    groups = np.asarray(groups, dtype=np.int64)
    if len(groups) > 1 and (groups[1:] < groups[:-1]).any():  # whole groups, one after the other
        order = np.argsort(groups, kind="stable")
        rows, groups = rows[order], groups[order]
    sizes = sets.sizes[rows]
    first = np.searchsorted(groups, np.arange(n_groups + 1, dtype=np.int64))  # each group's rows
    cum = np.zeros(len(rows) + 1, dtype=np.int64)
    np.cumsum(sizes, out=cum[1:])
    counts = np.zeros(n_groups, dtype=np.int64)
    values = []
    for g0, g1 in chunk_bounds(np.diff(cum[first]), UNION_CHUNK) if n_groups else []:
        r0, r1 = int(first[g0]), int(first[g1])
        vals = sets.values[ranges(sets.offsets[rows[r0:r1]], sizes[r0:r1])]
        owner = np.repeat((groups[r0:r1] - g0).astype(np.uint64), sizes[r0:r1])
        key = distinct((owner << np.uint64(32)) | vals.astype(np.uint64), runs=True)  # one sorted run per row
        counts[g0:g1] = np.bincount((key >> np.uint64(32)).astype(np.int64), minlength=g1 - g0)
        values.append((key & np.uint64(0xFFFFFFFF)).astype(np.uint32))
    offsets = np.zeros(n_groups + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    return ShingleSets(np.concatenate(values) if values else np.zeros(0, dtype=np.uint32), offsets,
                       np.zeros(n_groups, dtype=np.int64))


def _span_hashes(cp: np.ndarray, starts: np.ndarray, lens: np.ndarray) -> np.ndarray:
    """:func:`token_hash` of ``cp[s:s+l]`` for every span, vectorized and chunked."""
    out = np.empty(len(starts), dtype=_U)
    for i0, i1 in chunk_bounds(lens, _CHAR_CHUNK):
        st, ln = starts[i0:i1], lens[i0:i1]
        excl = np.cumsum(ln) - ln
        rel = np.arange(int(ln.sum()), dtype=np.int64) - np.repeat(excl, ln)
        keys = (rel.astype(_U) << _U(21)) | cp[np.repeat(st, ln) + rel].astype(_U)
        keys ^= _U(_CHAR_KEY)
        acc = np.add.reduceat(fmix64(keys), excl)
        out[i0:i1] = fmix64(acc ^ (ln.astype(_U) * _U(_LEN_KEY)))
    return out


def _token_stream(texts: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Token hashes and their row, in row order, plus word-token counts per row and
    how many of those are letters of a script without spaces.

    Rows without any word token but with visible text get one token: their
    normalized text (``tokens`` stays 0 for them).
    """
    n = len(texts)
    # fold per text: most news paragraphs are ASCII and take the fast path
    joined = "\x00".join(map(fold, texts))
    if joined.count("\x00") != n - 1:  # a text holds NUL itself: it is not a token char
        joined = "\x00".join(fold(t.replace("\x00", " ")) for t in texts)
    cp = codepoints(joined)
    starts, lens = token_spans(cp)
    hashes = _span_hashes(cp, starts, lens)
    nul = np.flatnonzero(cp == 0)
    rows = np.searchsorted(nul, starts).astype(np.int64)
    counts = np.bincount(rows, minlength=n).astype(np.int64)
    nospace = np.bincount(rows, weights=char_classes()[cp[starts]] == NOSPACE, minlength=n).astype(np.int64)
    empty = np.flatnonzero(counts == 0)
    if len(empty):
        fb = [normalize(texts[i]) for i in empty.tolist()]
        keep = np.fromiter((bool(f) for f in fb), dtype=bool, count=len(fb))
        if keep.any():
            fb = [f for f in fb if f]
            fl = np.fromiter(map(len, fb), dtype=np.int64, count=len(fb))
            fh = _span_hashes(codepoints("".join(fb)), np.cumsum(fl) - fl, fl)
            hashes = np.concatenate((hashes, fh))
            rows = np.concatenate((rows, empty[keep]))
            order = np.argsort(rows, kind="stable")
            hashes, rows = hashes[order], rows[order]
    return hashes, rows, counts, nospace


def shingle_sets(texts: Sequence[str], config: Config | None = None) -> ShingleSets:
    """Shingle-hash sets of many texts at once (the bulk form of :func:`shingles`
    mapped through :func:`shingle_hash`). Texts must be ``str``.

    Examples:
        >>> s = shingle_sets(["Ya.", "", "a b c d"])
        >>> s.sizes.tolist(), s.tokens.tolist()
        ([1, 0, 2], [1, 0, 4])
        >>> int(s.row(0)[0]) == shingle_hash(("ya",))
        True
    """
    cfg = resolve(config)
    texts = list(texts)
    n = len(texts)
    if n == 0:
        z = np.zeros(0, dtype=np.int64)
        return ShingleSets(np.zeros(0, dtype=np.uint32), np.zeros(1, dtype=np.int64), z, z)
    h, rows, counts, nospace = _token_stream(texts)
    m = np.bincount(rows, minlength=n).astype(np.int64)  # tokens incl. fallback
    tok_off = np.cumsum(m) - m
    kk = np.where(2 * nospace > counts, cfg.nospace_shingle_size, cfg.shingle_size).astype(np.int64)
    k = int(kk.max())
    nsh = np.where(m >= kk, m - kk + 1, np.minimum(m, 1))
    width = np.where(m >= kk, kk, m)
    total = int(nsh.sum())
    excl = np.cumsum(nsh) - nsh
    row_of = np.repeat(np.arange(n, dtype=np.int64), nsh)
    start = np.repeat(tok_off - excl, nsh) + np.arange(total, dtype=np.int64)
    w = np.repeat(width, nsh).astype(_U)
    acc = _U(_SHINGLE_KEY) ^ w
    last = max(len(h) - 1, 0)
    for j in range(k):
        active = w > _U(j)
        if not active.any():
            break
        hj = h[np.minimum(start + j, last)] if len(h) else np.zeros(total, dtype=_U)
        acc = np.where(active, fmix64(acc ^ hj), acc)
    keys = (row_of.astype(_U) << _U(32)) | (acc & _U(M32))
    keys.sort()  # sort + adjacent compare: several times faster than np.unique here
    if len(keys) > 1:
        keys = keys[np.concatenate(([True], keys[1:] != keys[:-1]))]
    values = (keys & _U(M32)).astype(np.uint32)
    sizes = np.bincount((keys >> _U(32)).astype(np.int64), minlength=n)
    offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(sizes, out=offsets[1:])
    return ShingleSets(values, offsets, counts, kk)
