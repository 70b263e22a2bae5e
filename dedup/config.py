"""The one immutable configuration object, and LSH parameters derived from it."""

from __future__ import annotations

import functools
from dataclasses import dataclass, fields
from typing import Literal

import numpy as np

__all__ = ["Config", "lsh_params", "candidate_probability"]

Mode = Literal["line", "blank"]
_MODES = ("line", "blank")


def candidate_probability(similarity: float, bands: int, rows: int) -> float:
    """Probability that MinHash LSH with ``bands`` x ``rows`` makes a pair of this
    Jaccard similarity a candidate: ``1 - (1 - s**rows) ** bands``.

    Examples:
        >>> round(candidate_probability(0.75, 32, 4), 6)
        0.999995
    """
    return 1.0 - (1.0 - float(similarity) ** rows) ** bands


@functools.lru_cache(maxsize=64)
def lsh_params(threshold: float, num_perm: int, max_miss: float = 1e-4) -> tuple[int, int]:
    """Choose ``(bands, rows)`` for a Jaccard ``threshold`` and ``num_perm``.

    datasketch's ``_optimal_param`` minimises ``w_fp * FP + w_fn * FN``, the two
    error probabilities integrated over [0, t] and [t, 1]. That weighting suits an
    index that returns candidates unverified. ``dedup`` verifies every candidate
    with the exact Jaccard, so a false positive costs one set intersection while a
    false negative is a repeat silently kept. We therefore turn the false-negative
    weight into a hard bound at the worst place, the threshold itself (the S-curve
    is increasing, so every pair above it is found at least as often): among the
    ``(b, r)`` with ``b * r <= num_perm`` whose miss probability at ``t`` is at most
    ``max_miss``, take the one with the least integrated false-positive probability
    over [0, t] (the verification work), ties to fewer bands. If none meets the
    bound, the one with the smallest miss probability.

    Examples:
        >>> lsh_params(0.75, 128)
        (25, 4)
    """
    s = np.linspace(0.0, threshold, 513)
    best: tuple[float, int, int] | None = None
    fallback: tuple[float, int, int] | None = None
    for b in range(1, num_perm + 1):
        for r in range(1, num_perm // b + 1):
            miss = 1.0 - candidate_probability(threshold, b, r)
            if fallback is None or miss < fallback[0]:
                fallback = (miss, b, r)
            if miss > max_miss:
                continue
            fp = float(np.trapezoid(1.0 - (1.0 - s**r) ** b, s))
            if best is None or fp < best[0] - 1e-15:
                best = (fp, b, r)
    chosen = best if best is not None else fallback
    if chosen is None:
        raise ValueError(f"lsh_params needs num_perm >= 1 (one band of one row at least), got num_perm={num_perm!r}; "
                         f"pass a positive number of permutations")
    return chosen[1], chosen[2]


def _is_int(v: object) -> bool:
    return isinstance(v, (int, np.integer)) and not isinstance(v, bool)


def _is_real(v: object) -> bool:
    return isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool)


@dataclass(frozen=True)
class Config:
    """Every knob of ``dedup``, validated on construction.

    Attributes:
        num_perm: MinHash permutations (signature length).
        seed: seed of the MinHash permutations, exactly as datasketch uses it.
        shingle_size: words per shingle; a paragraph with fewer words is one
            shingle of all its words.
        nospace_shingle_size: letters per shingle in a paragraph written mostly in a
            script without spaces (Han, kana, Thai, ...), where each letter is one
            token: about one word there, so a copy with a few letters edited keeps
            as many of its shingles as a copy with a word edited does elsewhere.
        threshold: two paragraphs match when the exact Jaccard similarity of
            their shingle sets is at least this.
        bands, rows: LSH banding; derived from ``threshold``, ``num_perm`` and
            ``max_miss`` by :func:`lsh_params` when both are ``None``.
        max_miss: bound on the probability that LSH misses a pair exactly at
            the threshold (used only when deriving bands and rows).
        mode: ``"line"`` (one non-blank line is one paragraph, as scrapers write
            news) or ``"blank"`` (paragraphs are separated by blank lines).
        min_tokens: a repeat standing alone is removed only if it has at least
            this many word tokens; shorter repeats go only inside a repeated run
            that holds a long one.
        containment: a later long paragraph whose shingles lie, to at least this
            share, inside one earlier kept longer paragraph (a container line
            holding the whole article) is removed as a repeat; ``1.0`` asks for
            every shingle.
        bucket_window: an LSH bucket of paragraphs larger than this pairs each
            member only with the ``bucket_window`` members before it (keeps
            pathological inputs linear; normal text never reaches it). Document
            buckets always pair a document with the one before it and with the
            bucket's first member, whatever this is.
        candidates: ``"lsh"`` (MinHash LSH banding, then exact verification) or
            ``"exact"`` (all pairs above the threshold by prefix filtering: no
            misses at all; the ground truth LSH is measured against).
        doc_threshold: two documents are near-duplicates (the same story
            re-published) when the exact Jaccard of their shingle sets, after
            within-document collapse and without boilerplate, is at least this.
        boilerplate_min: a paragraph is boilerplate when its cluster occurs in
            at least this many different document clusters (near-duplicate
            documents count once, so a re-published story is not boilerplate).

    Examples:
        >>> Config().lsh
        (25, 4)
        >>> Config(threshold=2)
        Traceback (most recent call last):
        ...
        ValueError: Config.threshold must be a number in (0, 1], got 2
    """

    num_perm: int = 128
    seed: int = 1
    shingle_size: int = 3
    nospace_shingle_size: int = 2
    threshold: float = 0.75
    bands: int | None = None
    rows: int | None = None
    max_miss: float = 1e-4
    mode: Mode = "line"
    min_tokens: int = 8
    containment: float = 0.95
    bucket_window: int = 16
    candidates: Literal["lsh", "exact"] = "lsh"
    doc_threshold: float = 0.4
    boilerplate_min: int = 5

    def __post_init__(self) -> None:
        def bad(name: str, what: str) -> ValueError:
            return ValueError(f"Config.{name} must be {what}, got {getattr(self, name)!r}")

        for name, lo, hi in (
            ("num_perm", 1, 1 << 16),
            ("seed", 0, (1 << 32) - 1),
            ("shingle_size", 1, 64),
            ("nospace_shingle_size", 1, 64),
            ("min_tokens", 1, 1 << 30),
            ("bucket_window", 1, 1 << 20),
            ("boilerplate_min", 2, 1 << 30),
        ):
            v = getattr(self, name)
            if not _is_int(v) or not lo <= v <= hi:
                raise bad(name, f"an int in [{lo}, {hi}]")
        if not _is_real(self.threshold) or not 0.0 < self.threshold <= 1.0:
            raise bad("threshold", "a number in (0, 1]")
        if not _is_real(self.containment) or not 0.0 < self.containment <= 1.0:
            raise bad("containment", "a number in (0, 1]")
        if not _is_real(self.doc_threshold) or not 0.0 < self.doc_threshold <= 1.0:
            raise bad("doc_threshold", "a number in (0, 1]")
        if not _is_real(self.max_miss) or not 0.0 < self.max_miss < 1.0:
            raise bad("max_miss", "a number in (0, 1)")
        if self.mode not in _MODES:
            raise bad("mode", "'line' or 'blank'")
        if self.candidates not in ("lsh", "exact"):
            raise bad("candidates", "'lsh' or 'exact'")
        if (self.bands is None) != (self.rows is None):
            raise ValueError(
                f"Config.bands and Config.rows must be given together or both left None "
                f"(derived from threshold), got bands={self.bands!r}, rows={self.rows!r}"
            )
        if self.bands is not None and self.rows is not None:
            for name in ("bands", "rows"):
                v = getattr(self, name)
                if not _is_int(v) or v < 1:
                    raise bad(name, "a positive int")
            if self.bands * self.rows > self.num_perm:
                raise ValueError(
                    f"Config.bands * Config.rows must be <= num_perm ({self.num_perm}), "
                    f"got {self.bands} * {self.rows} = {self.bands * self.rows}; "
                    f"raise num_perm or leave bands/rows None"
                )
        # Normalise numpy scalars to plain Python values so equality and repr are stable.
        for f in fields(self):
            v = getattr(self, f.name)
            if isinstance(v, np.integer):
                object.__setattr__(self, f.name, int(v))
            elif isinstance(v, np.floating):
                object.__setattr__(self, f.name, float(v))
        for name in ("threshold", "containment", "doc_threshold", "max_miss"):
            if isinstance(getattr(self, name), int):
                object.__setattr__(self, name, float(getattr(self, name)))

    @property
    def lsh(self) -> tuple[int, int]:
        """``(bands, rows)``: as given, or derived by :func:`lsh_params`."""
        if self.bands is not None and self.rows is not None:
            return self.bands, self.rows
        return lsh_params(float(self.threshold), self.num_perm, float(self.max_miss))

    @property
    def doc_lsh(self) -> tuple[int, int]:
        """``(bands, rows)`` for document signatures, derived from ``doc_threshold``."""
        return lsh_params(float(self.doc_threshold), self.num_perm, float(self.max_miss))

    def miss_probability(self, similarity: float | None = None) -> float:
        """Probability that LSH misses a pair of this similarity (default: the threshold)."""
        return 1.0 - candidate_probability(self.threshold if similarity is None else similarity, *self.lsh)


DEFAULT = Config()


def resolve(config: Config | None) -> Config:
    """``config`` or the default, with a clear error for anything else."""
    if config is None:
        return DEFAULT
    if not isinstance(config, Config):
        raise TypeError(f"config must be a dedup.Config or None, got {type(config).__name__}: {config!r:.80}")
    return config


