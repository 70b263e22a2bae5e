"""The exact Jaccard of many pairs of rows (:func:`pair_jaccard`), shared with the workers."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

import numpy as np

from ..arrays import chunk_bounds, distinct_inverse
from ..lsh import jaccard_pairs
from ..shingle import ShingleSets
from . import settings
from .runner import Runner

__all__ = ["Rows", "pair_jaccard", "jaccard_pieces"]


class Rows(Protocol):
    """Rows of shingle sets: each one's size, and the sets of some of them as a CSR."""

    @property
    def sizes(self) -> np.ndarray: ...

    def take(self, rows: np.ndarray) -> ShingleSets: ...


def pair_jaccard(sets: Rows, left: np.ndarray, right: np.ndarray, workers: Runner) -> np.ndarray:
    """:func:`~dedup.lsh.jaccard_pairs` of the rows ``left[i]``, ``right[i]`` of ``sets``, the
    pairs split between the processes; each part takes the rows its pairs name (the
    workers' first: this process takes its own while they work)."""
    sizes = sets.sizes
    work = np.cumsum(sizes[left] + sizes[right] + 1)  # values each pair sorts
    k = workers.pieces(int(work[-1]) // 4 if len(work) else 0, settings.PIECES)
    if k == 1 and isinstance(sets, ShingleSets):  # one part: all of the rows
        return jaccard_pairs(sets, left, right)
    cuts = sorted({0, len(left), *np.searchsorted(work, [int(work[-1]) * i // k for i in range(1, k)]).tolist()})

    def part(a: int, b: int) -> tuple[ShingleSets, np.ndarray, np.ndarray]:
        rows, inv = distinct_inverse(np.concatenate((left[a:b], right[a:b])), len(sizes))
        return sets.take(rows), inv[: b - a], inv[b - a :]

    return np.concatenate(workers.share(jaccard_pairs, part, cuts))


def jaccard_pieces(sets: Rows, left: np.ndarray, right: np.ndarray, workers: Runner, piece: int
                   ) -> Iterator[tuple[int, int, np.ndarray]]:
    """:func:`pair_jaccard` of the pairs by consecutive pieces of about ``piece`` shingles (of
    both sides): ``(start, end, similarities)`` of each, so that a caller holds one piece's
    work at a time (and may keep only what it needs of each)."""
    sizes = sets.sizes
    for a, b in chunk_bounds(sizes[left] + sizes[right], piece):
        yield a, b, pair_jaccard(sets, left[a:b], right[a:b], workers)
