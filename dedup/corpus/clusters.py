"""Clusters from arrays: paragraph clusters, boilerplate and document clusters
(:func:`cluster_state`), computed from the verified node edges and the paragraph columns.

Each function reads arrays and returns new ones; the only thing it shares is the work,
through ``workers`` (:class:`~dedup.corpus.runner.Runner`: ``pieces`` and ``share``),
which changes where it runs, never the result.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..arrays import distinct_count
from ..cluster import components
from ..config import Config
from ..forms import exempt
from ..templates import template_paragraphs
from ..topics import topic_docs, topical_clusters, words_of
from . import settings
from .jaccard import jaccard_pieces
from .linking import doc_clusters
from .memo import PassMemo
from .nodes import NodeStore
from .runner import Runner
from .settings import P_DOC, P_END, P_FORM, P_LEAD, P_NODE, P_REMOVED, P_START, P_TOKENS

__all__ = ["STATE_FIELDS", "Memos", "cluster_state", "state_misfit"]

#: The arrays of a cluster state: per paragraph, then ``doc_cluster`` per document.
STATE_FIELDS = ("cluster", "size", "doc_freq", "story_freq", "boilerplate", "sim", "doc_cluster")

#: The memos of the two document-clustering passes (see :func:`stories`), where there are.
Memos = tuple[PassMemo | None, PassMemo | None]

def cluster_state(
    cfg: Config, sets: NodeStore, edges: np.ndarray, paragraphs: np.ndarray, n_docs: int, workers: Runner,
    text: Callable[[int], str], memos: Memos = (None, None), record: bool = False,
) -> tuple[dict[str, np.ndarray], Memos]:
    """The clusters of the paragraphs (int64 ``[n, P_COLUMNS]``, the ``P_*`` columns) of ``n_docs``
    documents, from the verified ``edges`` between the nodes of ``sets``: the arrays named
    by :data:`STATE_FIELDS`, and (``record``) the memos of the document-clustering passes.
    ``text(d)``: the text of document ``d`` (read for a bounded number of documents, see
    :mod:`dedup.topics`); ``memos``: those of a state of fewer documents (the same result,
    made faster: see :mod:`dedup.corpus.memo`)."""
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
    del comp, first_of_comp  # (as large as the corpus: gone before the passes)
    doc_cluster, story_freq, boiler, memos = stories(cfg, sets, par, cluster, n_docs, workers, text, memos, record)
    size = np.bincount(cluster, minlength=n_par)[cluster] if n_par else e
    doc_freq = distinct_count(cluster, doc, n_par)
    # similarity of each paragraph to the earliest one of its cluster
    sim = np.ones(n_par, dtype=np.float64)
    diff = np.flatnonzero(node != node[cluster]) if n_par else e
    for a, b, s in jaccard_pieces(sets, node[diff], node[cluster[diff]], workers, settings.LINK_VERIFY):
        sim[diff[a:b]] = s
    return {
        "cluster": cluster, "size": size, "doc_freq": doc_freq, "story_freq": story_freq,
        "boilerplate": boiler.astype(np.int8), "sim": sim, "doc_cluster": doc_cluster,
    }, memos


def stories(cfg: Config, sets: NodeStore, par: np.ndarray, cluster: np.ndarray, n_docs: int,
            workers: Runner, text: Callable[[int], str], memos: Memos, record: bool
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray, Memos]:
    """The document clusters; per paragraph, the number of distinct document clusters
    (stories) its paragraph cluster reaches; which paragraphs are boilerplate; and the
    passes' memos (``record``, see :func:`~dedup.corpus.linking.doc_clusters`).

    A paragraph is boilerplate when its cluster reaches ``boilerplate_min`` stories (so
    copies of one story count once) that are not about one topic (:mod:`dedup.topics`), or when it belongs to a template family
    (:mod:`dedup.templates`); never when its form exempts it (:mod:`dedup.forms`). Stories
    are first clustered over every kept paragraph; only if some paragraph is boilerplate
    are they clustered again without the boilerplate (so that shared chrome does not join
    different stories)."""
    doc, node, removed = par[:, P_DOC], par[:, P_NODE], par[:, P_REMOVED].astype(bool)
    story, first = doc_clusters(cfg, sets, doc, node, removed, n_docs, workers, memos[0], record)
    story_freq = distinct_count(cluster, story[doc], len(doc))
    exempt_ = exempt(par[:, P_FORM], cluster)
    by_count = (story_freq >= cfg.boilerplate_min) & ~exempt_
    if by_count.any():
        by_count &= ~np.isin(cluster, sorted(topical(par, cluster, story, by_count, text)))
    boiler = by_count | (template_paragraphs(par[:, P_LEAD:], par[:, P_TOKENS], doc, story, cfg.boilerplate_min,
                                             by_count) & ~exempt_)
    if not boiler.any():
        return story, story_freq, boiler, (first, None)
    story, second = doc_clusters(cfg, sets, doc, node, removed | boiler, n_docs, workers, memos[1], record)
    return story, story_freq, boiler, (first, second)


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
