"""Document clusters (:func:`doc_clusters`): each document's set (the union of its kept
paragraphs' node sets), LSH candidates among them (:data:`DOC_WINDOW`), verified as far as
the components need (:func:`linking_edges`) and cut into star clusters around their
earliest documents (:func:`star_clusters`). Given the :class:`~dedup.corpus.memo.PassMemo`
of a pass over fewer documents, only what changed is made again."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..arrays import distinct, distinct_inverse
from ..cluster import components
from ..config import Config
from ..lsh import band_keys_of_sets, unique_pairs
from ..shingle import ShingleSets, union_rows
from . import settings
from .joined import Joined
from .memo import KnownPairs, LazyDocSets, PairSims, PassMemo
from .nodes import NodeStore
from .pairs import appended_pairs, range_pairs
from .runner import Runner

__all__ = ["REPRESENTATIVE_SHARE", "DOC_WINDOW", "Jaccard", "doc_clusters", "doc_candidates", "all_doc_sets", "memo_doc_sets",
           "doc_sets", "doc_keys", "linking_edges", "star_clusters"]

#: The Jaccard of pairs of rows ``(left, right)`` (such as a :class:`~dedup.corpus.memo.PairSims`).
Jaccard = Callable[[np.ndarray, np.ndarray], np.ndarray]

#: A document stays in its cluster only if its Jaccard with the cluster's representative
#: (earliest document) is at least this share of ``doc_threshold``: linked pairs are at
#: least ``doc_threshold`` alike, and a chain of them may drift no further than this from
#: where it started. 0.75 keeps every re-crawled or lightly edited copy (measured in
#: docs/benchmarks.md, corpus section) and stops chains of round-ups and shared site chrome.
REPRESENTATIVE_SHARE = 0.75

#: Document candidates: in each of its LSH buckets, a document is a candidate of the
#: :data:`DOC_WINDOW` documents before it and of the bucket's first (earliest) one. Copies of
#: one story share most buckets, so they meet their earliest copy (the cluster's
#: representative) many times over, and the pairs grow with the documents, not with the
#: square of the copies (a window of 16 over 53 bands paired almost every two of 77 copies).
DOC_WINDOW = 1


def doc_clusters(cfg: Config, sets: NodeStore, doc: np.ndarray, node: np.ndarray, excluded: np.ndarray,
                 n_docs: int, workers: Runner, memo: PassMemo | None = None, record: bool = False
                 ) -> tuple[np.ndarray, PassMemo | None]:
    """The document cluster of each of ``n_docs`` documents: documents whose sets (the union
    of their paragraphs' node sets, ``excluded`` paragraphs left out) have Jaccard at least
    ``cfg.doc_threshold``, linked; a cluster is named by its earliest document. ``memo``: a
    pass over the first documents, whose sets, keys and pair similarities are read from it
    for the documents excluded as there; ``record``: return this pass's memo too."""
    keep = ~excluded
    kd, kn = doc[keep], node[keep]
    if len(kd) == 0:
        return np.arange(n_docs, dtype=np.int64), None
    same = memo.same(doc, excluded, n_docs) if memo is not None else None
    if same is not None and same.any():
        dsets, keys, sizes = memo_doc_sets(cfg, sets, kd, kn, n_docs, memo, same)
        known = memo.known(same)
    else:
        dsets, keys = all_doc_sets(cfg, sets, kd, kn, n_docs, workers)
        sizes, known = dsets.sizes, None
    jaccard = PairSims(dsets, workers, n_docs, known, record)
    appended = memo is not None and same is not None and bool(same[: memo.n_docs].all())
    left, right = doc_candidates(keys, n_docs, workers, memo if appended else None)
    edges, sim, pending = linking_edges(jaccard, left, right, n_docs, cfg.doc_threshold)
    label = star_clusters(jaccard, edges[0], edges[1], n_docs, cfg.doc_threshold * REPRESENTATIVE_SHARE, sim,
                          pending=pending, link=cfg.doc_threshold)
    if not record:
        return label, None
    return label, PassMemo(excluded.astype(np.int8), keys.array(), sizes, left, right, *jaccard.pairs())


def doc_candidates(keys: Joined, n_docs: int, workers: Runner, memo: PassMemo | None = None
                   ) -> tuple[np.ndarray, np.ndarray]:
    """The candidate pairs ``(earlier, later)`` of documents with band ``keys`` (distinct, sorted):
    from all keys; or, given the ``memo`` of a pass over the first documents whose keys are
    those of ``keys``, its pairs and those of the buckets the later documents join."""
    if memo is not None:
        code = appended_pairs(memo.keys, keys.array()[memo.n_docs :], DOC_WINDOW, True)
        code = distinct(np.concatenate((memo.cand_left * n_docs + memo.cand_right, code)), runs=True)
        return code // n_docs, code % n_docs
    pieces = workers.pieces(keys.size, settings.RANGE_PIECES)
    done = range_pairs(workers.share, pieces, keys, DOC_WINDOW, 0, False, heads=True)
    return unique_pairs(np.concatenate([d[0] for d in done]), np.concatenate([d[1] for d in done]), n_docs,
                        runs=True)


def all_doc_sets(cfg: Config, sets: NodeStore, kd: np.ndarray, kn: np.ndarray, n_docs: int, workers: Runner
                 ) -> tuple[ShingleSets | NodeStore | LazyDocSets, Joined]:
    """The sets and band keys of all ``n_docs`` documents (paragraph nodes ``kn`` of the
    documents ``kd``), made by ranges of documents with about equal numbers of paragraphs; sets
    that could take more than :data:`~settings.DOC_SETS_BYTES` are not kept but made again
    where pairs compare them (:class:`~dedup.corpus.memo.LazyDocSets`)."""
    bound = int(sets.sizes[kn].sum()) * 4  # bytes the sets take at most
    k = workers.pieces(len(kd) * 16, settings.PIECES)
    if bound > settings.DOC_SETS_BYTES:  # pieces of at most a sixteenth of the budget each
        k = max(k, -(-bound * 16 // settings.DOC_SETS_BYTES))
    cuts = sorted({0, n_docs, *(int(kd[len(kd) * i // k]) for i in range(1, k))})

    def part(d0: int, d1: int) -> tuple[Any, ...]:
        p0, p1 = np.searchsorted(kd, [d0, d1]).tolist()
        uniq, inv = distinct_inverse(kn[p0:p1], sets.n)
        return sets.take(uniq), inv, kd[p0:p1] - d0, d1 - d0, cfg.num_perm, cfg.seed, cfg.doc_lsh

    if bound <= settings.DOC_SETS_BYTES:
        done = workers.share(doc_sets, part, cuts)
        dsets = done[0][0] if len(done) == 1 else NodeStore.of(d for d, _ in done)  # (the parts, not joined)
        return dsets, Joined(tuple(k for _, k in done))
    # bounded memory: each document's keys and set size made by pieces, the sets dropped
    lazy = LazyDocSets(sets, kd, kn, n_docs, keep=False)
    keys = np.empty((n_docs, cfg.doc_lsh[0]), dtype=np.uint64)  # (filled as the pieces come: no parts held)
    step = max(1, workers.n_jobs)  # (pieces at once: one per process)
    for g in range(0, len(cuts) - 1, step):
        for (sz, ks), d0, d1 in zip(workers.share(doc_keys, part, cuts[g : g + step + 1]), cuts[g:], cuts[g + 1 :]):
            lazy.sizes[d0:d1], keys[d0:d1] = sz, ks
    return lazy, Joined((keys,))


def memo_doc_sets(cfg: Config, sets: NodeStore, kd: np.ndarray, kn: np.ndarray, n_docs: int, memo: PassMemo,
                  same: np.ndarray) -> tuple[LazyDocSets, Joined, np.ndarray]:
    """:func:`all_doc_sets`, the documents ``same`` as in ``memo`` read from it: only the
    others' sets are made (the rest when a pair needs them)."""
    dsets = LazyDocSets(sets, kd, kn, n_docs)
    todo = np.flatnonzero(~same)
    keys = np.empty((n_docs, memo.keys.shape[1]), dtype=np.uint64)
    keys[: memo.n_docs] = memo.keys
    dsets.sizes[: memo.n_docs] = memo.sizes
    if len(todo):
        keys[todo] = band_keys_of_sets(dsets.take(todo), cfg.num_perm, cfg.seed, *cfg.doc_lsh)
    return dsets, Joined((keys,)), dsets.sizes


def linking_edges(jaccard: Jaccard, left: np.ndarray, right: np.ndarray, n: int, threshold: float,
                  ) -> tuple[tuple[np.ndarray, np.ndarray], np.ndarray, tuple[np.ndarray, np.ndarray]]:
    """The candidate pairs ``left``-``right`` of rows ``0..n-1`` verified (Jaccard at least
    ``threshold``) as far as the connected components need: in pieces of :data:`~settings.LINK_PIECE`, a pair
    whose rows the edges so far connect already is not compared but set aside. Returns the
    verified edges, their Jaccard and the pairs set aside (*pending*). The components of the
    edges are those of all pairs verified; :func:`star_clusters` verifies the pending pairs it
    needs (between members that leave), so that its result is that of all pairs verified.

    Many copies of one story make most candidate pairs redundant: all copies are linked after
    a few of their pairs."""
    label = np.arange(n, dtype=np.int64)
    got: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    aside: list[np.ndarray] = []
    at = 0
    while at < len(left):
        idx = np.arange(at, min(at + settings.LINK_PIECE, len(left)))
        at += len(idx)
        linked = label[left[idx]] == label[right[idx]]
        aside.append(idx[linked])
        idx = idx[~linked]
        sim = jaccard(left[idx], right[idx])
        ok = sim >= threshold - 1e-12
        a, b = left[idx[ok]], right[idx[ok]]
        got.append((a, b, sim[ok]))
        if len(a):
            label = components(n, label[a], label[b])[label]
    e = np.zeros(0, dtype=np.int64)
    cat = [np.concatenate([g[i] for g in got]) if got else e for i in range(3)]
    rest = np.concatenate(aside) if aside else e
    return (cat[0], cat[1]), cat[2].astype(np.float64), (left[rest], right[rest])


def star_clusters(jaccard: Jaccard, left: np.ndarray, right: np.ndarray, n: int, threshold: float,
                  sim: np.ndarray | None = None, *,
                  pending: tuple[np.ndarray, np.ndarray] | None = None, link: float = 0.0) -> np.ndarray:
    """Clusters of the rows ``0..n-1`` of ``sets`` linked by the edges ``left``-``right``, each
    named by its earliest row (its representative), in which every member has Jaccard at least
    ``threshold`` with the representative. ``sim``: the edges' Jaccard, where known (a member
    linked to its representative directly is not compared again). ``pending``: candidate pairs
    not verified yet (see :func:`linking_edges`), edges if their Jaccard is at least ``link``;
    those between members that leave are verified when they leave.

    Connected components first; members too far from their representative leave, and are
    clustered again among themselves (by the edges between them), until every member holds.
    The result depends on the edges as a set, not on their order."""
    label = components(n, left, right)
    known = _EdgeJaccard(jaccard, left, right, sim, n) if sim is not None else None
    free = np.ones(n, dtype=bool)  # rows whose cluster is not settled
    while True:
        check = np.flatnonzero(free & (label != np.arange(n)))
        if len(check) == 0:
            return label
        sim = known.get(check, label[check]) if known else jaccard(check, label[check])
        out = np.zeros(n, dtype=bool)
        out[check[sim < threshold - 1e-12]] = True
        if not out.any():
            return label
        inner = out[left] & out[right]
        left, right = left[inner], right[inner]
        if pending is not None and len(pending[0]):
            pl, pr = pending
            now = out[pl] & out[pr]
            s = jaccard(pl[now], pr[now])
            ok = s >= link - 1e-12
            left, right = np.r_[left, pl[now][ok]], np.r_[right, pr[now][ok]]
            pending = (pl[~now], pr[~now])
        sub = components(n, left, right)
        label[out] = sub[out]
        free = out


class _EdgeJaccard:
    """The Jaccard of the pairs of rows that are edges, looked up; of the others, computed."""

    def __init__(self, jaccard: Jaccard, left: np.ndarray, right: np.ndarray, sim: np.ndarray, n: int) -> None:
        self.jaccard, self.known = jaccard, KnownPairs(left, right, sim, n)

    def get(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        out = np.empty(len(a), dtype=np.float64)
        hit, values = self.known.find(a, b)
        out[hit] = values
        miss = ~hit
        if miss.any():
            out[miss] = self.jaccard(a[miss], b[miss])
        return out


def doc_keys(
    sets: ShingleSets, rows: np.ndarray, docs: np.ndarray, n_docs: int, num_perm: int, seed: int, lsh: tuple[int, int]
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`doc_sets`, the sets' sizes instead of the sets."""
    dsets, keys = doc_sets(sets, rows, docs, n_docs, num_perm, seed, lsh)
    return np.diff(dsets.offsets), keys


def doc_sets(
    sets: ShingleSets, rows: np.ndarray, docs: np.ndarray, n_docs: int, num_perm: int, seed: int, lsh: tuple[int, int]
) -> tuple[ShingleSets, np.ndarray]:
    """Documents' sets (the union of their paragraphs' ``sets[rows]``) and band keys
    (the work of one process in :func:`doc_clusters`)."""
    dsets = union_rows(sets, rows, docs, n_docs)
    return dsets, band_keys_of_sets(dsets, num_perm, seed, *lsh)
