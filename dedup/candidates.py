"""Each text's candidate matches, found for a batch of texts at once.

The within-document policy needs, for each text, its paragraphs' classes numbered
by first occurrence, the pairs of classes at Jaccard >= ``low`` and the containment
pairs. Found text by text they cost a dozen numpy calls per text; here each step
runs once for all texts of a batch, each text a group of rows searched apart
(:func:`~dedup.lsh.similar_pairs` and :func:`~dedup.contain.contained_pairs`
with ``groups``), and the results are handed out as slices: the same as one text
at a time.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .arrays import ranges
from .config import Config
from .contain import contained_pairs
from .lsh import exact_pairs, similar_pairs
from .shingle import ShingleSets

__all__ = ["MIN_RUN_TOKENS", "TextCandidates", "repeats_own", "text_candidates"]

#: Tokens a run of sentences needs to be cut inside a paragraph.
MIN_RUN_TOKENS = 12

_Pairs = tuple[np.ndarray, np.ndarray, np.ndarray]


@dataclass(frozen=True)
class TextCandidates:
    """One text's classes and candidate matches, classes numbered ``0..k-1`` by
    first occurrence in the text.

    ``cls``: each paragraph's class; ``heads``: each class's first paragraph;
    ``sizes``: its number of shingles; ``own``: whether it repeats enough of its own
    shingles to hold a run twice (:func:`repeats_own`); ``pairs``: ``(left, right,
    jaccard)`` of the classes verified at or above the low threshold; ``contained``:
    ``(copy, container, containment)`` (:func:`~dedup.contain.contained_pairs`).
    """

    cls: np.ndarray
    heads: np.ndarray
    sizes: np.ndarray
    own: np.ndarray
    pairs: _Pairs
    contained: _Pairs


def repeats_own(sets: ShingleSets, cfg: Config) -> np.ndarray:
    """Which rows repeat enough of their own shingles to hold a run of
    :data:`MIN_RUN_TOKENS` tokens twice."""
    k = cfg.shingle_size if sets.widths is None else sets.widths
    return np.maximum(sets.tokens - k + 1, 0) - sets.sizes >= MIN_RUN_TOKENS - k + 1


def text_candidates(docs: np.ndarray, doc_offsets: np.ndarray, cls: np.ndarray, rep_sets: ShingleSets,
                    keys: np.ndarray | None, cfg: Config, low: float) -> tuple[np.ndarray, list[TextCandidates]]:
    """The texts among ``docs`` (each with a paragraph) that can hold a repeat, and their
    :class:`TextCandidates`; their paragraphs ``doc_offsets[d]:doc_offsets[d + 1]`` have
    the batch classes ``cls`` with sets ``rep_sets`` and band ``keys`` (needed when
    ``cfg.candidates == "lsh"``).

    A text can hold a repeat when a class occurs twice in it, or two of its classes
    match (Jaccard at or above ``low``, or containment), or a class repeats its own
    shingles: with none of these the policy has nothing to cut."""
    docs = np.asarray(docs, dtype=np.int64)
    if not len(docs):
        return docs, []
    if cfg.candidates == "lsh" and keys is None:
        raise ValueError("candidates='lsh' needs the classes' band keys; pass the keys analyze() computes")
    local, heads, members, bounds = _local_classes(docs, doc_offsets, cls)
    sets = rep_sets.take(members)
    if cfg.candidates == "exact":
        pairs = [exact_pairs(sets.take(np.arange(bounds[g], bounds[g + 1])), low) for g in range(len(docs))]
    else:
        pairs = _split(similar_pairs(sets, keys[members], low, cfg.bucket_window, groups=bounds), bounds)
    contained = _split(contained_pairs(sets, cfg.containment, window=cfg.bucket_window, groups=bounds), bounds)
    sizes, own = sets.sizes, repeats_own(sets, cfg)
    counts = doc_offsets[docs + 1] - doc_offsets[docs]
    n_own = np.add.reduceat(own.astype(np.int64), bounds[:-1])  # (every text has a class)
    may = (counts > np.diff(bounds)) | (n_own > 0)
    may |= np.fromiter((len(p[0]) > 0 for p in pairs), dtype=bool, count=len(docs))
    may |= np.fromiter((len(p[0]) > 0 for p in contained), dtype=bool, count=len(docs))
    pstart = np.concatenate(([0], np.cumsum(counts))).tolist()
    c0, c1 = bounds[:-1].tolist(), bounds[1:].tolist()
    run = np.flatnonzero(may)
    return docs[run], [TextCandidates(local[pstart[g] : pstart[g + 1]], heads[c0[g] : c1[g]], sizes[c0[g] : c1[g]],
                                      own[c0[g] : c1[g]], pairs[g], contained[g])
                       for g in run.tolist()]


def _local_classes(docs: np.ndarray, doc_offsets: np.ndarray, cls: np.ndarray
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """For the paragraphs of ``docs`` one after the other: each one's class in its
    text, each text's classes' first paragraphs (in the text) and batch classes,
    and the offsets of each text's classes."""
    counts = doc_offsets[docs + 1] - doc_offsets[docs]
    para = ranges(doc_offsets[docs], counts)
    text = np.repeat(np.arange(len(docs), dtype=np.int64), counts)
    width = int(cls.max()) + 1
    uniq, first, inv = np.unique(text * width + cls[para], return_index=True, return_inverse=True)
    order = np.argsort(first, kind="stable")  # texts in turn, each one's classes by first occurrence
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order), dtype=np.int64)
    owner = uniq[order] // width
    bounds = np.searchsorted(owner, np.arange(len(docs) + 1, dtype=np.int64))
    local = rank[inv.reshape(-1)] - bounds[text]
    heads = para[first[order]] - doc_offsets[docs][owner]
    return local, heads, uniq[order] % width, bounds


def _split(pairs: _Pairs, bounds: np.ndarray) -> list[_Pairs]:
    """Pairs of rows sorted by their first row, as each group's pairs of its own rows."""
    a = pairs[0]
    cut = np.searchsorted(a, bounds).tolist()
    return [(a[cut[g] : cut[g + 1]] - bounds[g], pairs[1][cut[g] : cut[g + 1]] - bounds[g], pairs[2][cut[g] : cut[g + 1]])
            for g in range(len(bounds) - 1)]
