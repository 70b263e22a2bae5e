"""Clusters from arrays: paragraph clusters, boilerplate and document clusters
(:func:`cluster_state`), computed from the verified node edges and the paragraph columns.

Each function reads arrays and returns new ones; the only thing it shares is the work,
through ``workers`` (:class:`~dedup.corpus.runner.Runner`: ``pieces`` and ``share``),
which changes where it runs, never the result.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..arrays import distinct_count, distinct_inverse
from ..cluster import components
from ..config import Config
from ..forms import exempt
from ..lsh import band_keys_of_sets, jaccard_pairs, unique_pairs
from ..shingle import ShingleSets, union_rows
from ..templates import template_paragraphs
from ..topics import topic_docs, topical_clusters, words_of
from . import settings
from .joined import Joined
from .nodes import NodeStore
from .pairs import range_pairs
from .runner import Runner
from .settings import P_DOC, P_END, P_FORM, P_LEAD, P_NODE, P_REMOVED, P_START, P_TOKENS

__all__ = [
    "STATE_FIELDS", "REPRESENTATIVE_SHARE", "DOC_WINDOW", "cluster_state", "state_misfit", "doc_clusters", "star_clusters",
    "pair_jaccard", "doc_sets", "linking_edges",
]

#: The arrays of a cluster state: per paragraph, then ``doc_cluster`` per document.
STATE_FIELDS = ("cluster", "size", "doc_freq", "story_freq", "boilerplate", "sim", "doc_cluster")

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


def cluster_state(
    cfg: Config, sets: NodeStore, edges: np.ndarray, paragraphs: np.ndarray, n_docs: int, workers: Runner,
    text: Callable[[int], str],
) -> dict[str, np.ndarray]:
    """The clusters of the paragraphs (int64 ``[n, P_COLUMNS]``, the ``P_*`` columns) of ``n_docs``
    documents, from the verified ``edges`` between the nodes of ``sets``: the arrays named
    by :data:`STATE_FIELDS`. ``text(d)``: the text of document ``d`` (read for a bounded number
    of documents, see :mod:`dedup.topics`)."""
    n_nodes = sets.n
    node_comp = components(n_nodes, edges[:, 0], edges[:, 1])
    par = paragraphs
    doc, node = par[:, P_DOC], par[:, P_NODE]
    e = np.zeros(0, dtype=np.int64)
    n_par = len(doc)
    comp = node_comp[node] if n_par else e
    # a cluster is named by its earliest paragraph
    first_of_comp = np.full(n_nodes, n_par, dtype=np.int64)
    np.minimum.at(first_of_comp, comp, np.arange(n_par, dtype=np.int64))
    cluster = first_of_comp[comp]
    size = np.bincount(cluster, minlength=n_par)[cluster] if n_par else e
    doc_freq = distinct_count(cluster, doc, n_par)
    doc_cluster, story_freq, boiler = stories(cfg, sets, par, cluster, n_docs, workers, text)
    # similarity of each paragraph to the earliest one of its cluster
    sim = np.ones(n_par, dtype=np.float64)
    diff = node != node[cluster] if n_par else np.zeros(0, dtype=bool)
    if diff.any():
        sim[diff] = pair_jaccard(sets, node[diff], node[cluster[diff]], workers)
    return {
        "cluster": cluster, "size": size, "doc_freq": doc_freq, "story_freq": story_freq,
        "boilerplate": boiler.astype(np.int8), "sim": sim, "doc_cluster": doc_cluster,
    }


def stories(cfg: Config, sets: NodeStore, par: np.ndarray, cluster: np.ndarray, n_docs: int,
            workers: Runner, text: Callable[[int], str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The document clusters; per paragraph, the number of distinct document clusters
    (stories) its paragraph cluster reaches; and which paragraphs are boilerplate.

    A paragraph is boilerplate when its cluster reaches ``boilerplate_min`` stories (so
    copies of one story count once) that are not about one topic (:mod:`dedup.topics`), or when it belongs to a template family
    (:mod:`dedup.templates`); never when its form exempts it (:mod:`dedup.forms`). Stories
    are first clustered over every kept paragraph; only if some paragraph is boilerplate
    are they clustered again without the boilerplate (so that shared chrome does not join
    different stories)."""
    doc, node, removed = par[:, P_DOC], par[:, P_NODE], par[:, P_REMOVED].astype(bool)
    story = doc_clusters(cfg, sets, doc, node, removed, n_docs, workers)
    story_freq = distinct_count(cluster, story[doc], len(doc))
    exempt_ = exempt(par[:, P_FORM], cluster)
    by_count = (story_freq >= cfg.boilerplate_min) & ~exempt_
    if by_count.any():
        by_count &= ~np.isin(cluster, sorted(topical(par, cluster, story, by_count, text)))
    boiler = by_count | (template_paragraphs(par[:, P_LEAD:], par[:, P_TOKENS], doc, story, cfg.boilerplate_min,
                                             by_count) & ~exempt_)
    if not boiler.any():
        return story, story_freq, boiler
    return doc_clusters(cfg, sets, doc, node, removed | boiler, n_docs, workers), story_freq, boiler


def topical(par: np.ndarray, cluster: np.ndarray, story: np.ndarray, candidate: np.ndarray,
            text: Callable[[int], str]) -> set[int]:
    """The ``candidate`` paragraphs' clusters whose stories are about one topic
    (:func:`~dedup.topics.topical_clusters`); a document's words are those of its kept
    paragraphs that are not candidates."""
    doc = par[:, P_DOC]
    per, base = topic_docs(candidate, cluster, story[doc], doc)
    counted = ~candidate & ~par[:, P_REMOVED].astype(bool)
    bounds = np.searchsorted(doc, np.arange(story.shape[0] + 1))
    seen: dict[int, frozenset[str]] = {}

    def words(d: int) -> frozenset[str]:
        if d not in seen:
            rows = np.arange(bounds[d], bounds[d + 1])[counted[bounds[d] : bounds[d + 1]]]
            seen[d] = words_of(text(d), list(zip(par[rows, P_START].tolist(), par[rows, P_END].tolist())))
        return seen[d]

    return topical_clusters(per, base, words)


def doc_clusters(cfg: Config, sets: NodeStore, doc: np.ndarray, node: np.ndarray, excluded: np.ndarray,
                 n_docs: int, workers: Runner) -> np.ndarray:
    """The document cluster of each of ``n_docs`` documents: documents whose sets (the union
    of their paragraphs' node sets, ``excluded`` paragraphs left out) have Jaccard at least
    ``cfg.doc_threshold``, linked; a cluster is named by its earliest document."""
    keep = ~excluded
    kd, kn = doc[keep], node[keep]
    if len(kd) == 0:
        return np.arange(n_docs, dtype=np.int64)
    # one CSR row per document (the union of its paragraphs' sets) and its band keys,
    # computed by ranges of documents with about equal numbers of paragraphs
    k = workers.pieces(len(kd) * 16, settings.PIECES)
    cuts = sorted({0, n_docs, *(int(kd[len(kd) * i // k]) for i in range(1, k))})

    def part(d0: int, d1: int) -> tuple[Any, ...]:
        p0, p1 = np.searchsorted(kd, [d0, d1]).tolist()
        uniq, inv = distinct_inverse(kn[p0:p1], sets.n)
        return sets.take(uniq), inv, kd[p0:p1] - d0, d1 - d0, cfg.num_perm, cfg.seed, cfg.doc_lsh

    done = workers.share(doc_sets, part, cuts)
    dsets = done[0][0] if len(done) == 1 else NodeStore.of(d for d, _ in done)  # (the parts, not joined)
    keys = Joined(tuple(k for _, k in done))
    pieces = workers.pieces(keys.size, settings.RANGE_PIECES)
    done = range_pairs(workers.share, pieces, keys, DOC_WINDOW, 0, False, heads=True)
    left, right = unique_pairs(np.concatenate([d[0] for d in done]), np.concatenate([d[1] for d in done]), n_docs,
                               runs=True)
    edges, sim, pending = linking_edges(dsets, left, right, n_docs, cfg.doc_threshold, workers)
    return star_clusters(dsets, edges[0], edges[1], n_docs, cfg.doc_threshold * REPRESENTATIVE_SHARE, workers,
                         sim, pending=pending, link=cfg.doc_threshold)


def linking_edges(sets: ShingleSets | NodeStore, left: np.ndarray, right: np.ndarray, n: int, threshold: float,
                  workers: Runner) -> tuple[tuple[np.ndarray, np.ndarray], np.ndarray, tuple[np.ndarray, np.ndarray]]:
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
        sim = pair_jaccard(sets, left[idx], right[idx], workers)
        ok = sim >= threshold - 1e-12
        a, b = left[idx[ok]], right[idx[ok]]
        got.append((a, b, sim[ok]))
        if len(a):
            label = components(n, label[a], label[b])[label]
    e = np.zeros(0, dtype=np.int64)
    cat = [np.concatenate([g[i] for g in got]) if got else e for i in range(3)]
    rest = np.concatenate(aside) if aside else e
    return (cat[0], cat[1]), cat[2].astype(np.float64), (left[rest], right[rest])


def star_clusters(sets: ShingleSets | NodeStore, left: np.ndarray, right: np.ndarray, n: int, threshold: float,
                  workers: Runner, sim: np.ndarray | None = None, *,
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
    known = _EdgeJaccard(left, right, sim, n) if sim is not None else None
    free = np.ones(n, dtype=bool)  # rows whose cluster is not settled
    while True:
        check = np.flatnonzero(free & (label != np.arange(n)))
        if len(check) == 0:
            return label
        sim = known.get(sets, check, label[check], workers) if known else pair_jaccard(sets, check, label[check], workers)
        out = np.zeros(n, dtype=bool)
        out[check[sim < threshold - 1e-12]] = True
        if not out.any():
            return label
        inner = out[left] & out[right]
        left, right = left[inner], right[inner]
        if pending is not None and len(pending[0]):
            pl, pr = pending
            now = out[pl] & out[pr]
            s = pair_jaccard(sets, pl[now], pr[now], workers)
            ok = s >= link - 1e-12
            left, right = np.r_[left, pl[now][ok]], np.r_[right, pr[now][ok]]
            pending = (pl[~now], pr[~now])
        sub = components(n, left, right)
        label[out] = sub[out]
        free = out


class _EdgeJaccard:
    """The Jaccard of the pairs of rows that are edges, looked up; of the others, computed."""

    def __init__(self, left: np.ndarray, right: np.ndarray, sim: np.ndarray, n: int) -> None:
        code = np.minimum(left, right) * n + np.maximum(left, right)
        order = np.argsort(code, kind="stable")
        self.code, self.sim, self.n = code[order], sim[order], n

    def get(self, sets: ShingleSets | NodeStore, a: np.ndarray, b: np.ndarray, workers: Runner) -> np.ndarray:
        code = np.minimum(a, b) * self.n + np.maximum(a, b)
        pos = np.minimum(np.searchsorted(self.code, code), max(len(self.code) - 1, 0))
        hit = self.code[pos] == code if len(self.code) else np.zeros(len(a), dtype=bool)
        out = np.empty(len(a), dtype=np.float64)
        out[hit] = self.sim[pos[hit]]
        miss = ~hit
        if miss.any():
            out[miss] = pair_jaccard(sets, a[miss], b[miss], workers)
        return out


def pair_jaccard(sets: ShingleSets | NodeStore, left: np.ndarray, right: np.ndarray, workers: Runner) -> np.ndarray:
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


def doc_sets(
    sets: ShingleSets, rows: np.ndarray, docs: np.ndarray, n_docs: int, num_perm: int, seed: int, lsh: tuple[int, int]
) -> tuple[ShingleSets, np.ndarray]:
    """Documents' sets (the union of their paragraphs' ``sets[rows]``) and band keys
    (the work of one process in :func:`doc_clusters`)."""
    dsets = union_rows(sets, rows, docs, n_docs)
    return dsets, band_keys_of_sets(dsets, num_perm, seed, *lsh)


def state_misfit(st: dict[str, np.ndarray], n_par: int, n_docs: int) -> str | None:
    """The first array of a (stored) cluster state ``st`` of the wrong shape or out of range
    for ``n_par`` paragraphs and ``n_docs`` documents (a missing or unknown one too); ``None``
    if it fits."""
    want = {k: n_par for k in STATE_FIELDS[:-1]} | {"doc_cluster": n_docs}
    bad = sorted(set(want) ^ set(st)) or [k for k, n in want.items() if st[k].shape != (n,)]
    if not bad:
        for k, hi in (("cluster", n_par), ("doc_cluster", n_docs)):
            if len(st[k]) and (int(st[k].min()) < 0 or int(st[k].max()) >= hi):
                bad.append(k)
    return bad[0] if bad else None
