"""Results streaming: one :class:`~dedup.DocResult` per document, made a chunk of
documents at a time from the stored texts and the cluster state."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

import numpy as np

from ..arrays import distinct
from ..index import Store
from ..results import CorpusSummary, DocResult, ResultColumns, make_doc_result, paragraphs_view
from ..sources import FieldSpool
from . import settings
from .batches import doc_texts
from .settings import P_DOC, P_END, P_REMOVED, P_START, P_TOKENS

__all__ = ["doc_results", "corpus_summary", "doc_runs"]


def doc_runs(n_docs: int, start: int = 0, docs: Iterable[int] | None = None) -> list[tuple[int, int]]:
    """The documents from ``start`` on, or those of ``docs`` (document numbers, in their
    order), as runs ``[first, last)`` of consecutive ones."""
    if docs is None:
        return [(start, n_docs)]
    d = np.asarray(docs if isinstance(docs, np.ndarray) else list(docs), dtype=np.int64).reshape(-1)
    if not len(d):
        return []
    if int(d.min()) < 0 or int(d.max()) >= n_docs:
        raise ValueError(f"docs must be document numbers 0 .. {n_docs - 1}, got {int(d.min())} .. {int(d.max())}")
    cut = np.flatnonzero(np.diff(d) != 1) + 1
    return list(zip(d[np.r_[0, cut]].tolist(), (d[np.r_[cut - 1, len(d) - 1]] + 1).tolist()))


def doc_results(store: Store, paragraphs: np.ndarray, st: dict[str, np.ndarray], fields: FieldSpool, n_docs: int,
                runs: Sequence[tuple[int, int]]) -> Iterator[DocResult]:
    """The results of the documents of ``runs`` (ranges ``[first, last)``), in order, from
    the paragraph columns (the ``P_*`` columns) and cluster state ``st``."""
    par = paragraphs
    cluster, doc_cluster, p_doc = st["cluster"], st["doc_cluster"], par[:, P_DOC]
    doc_size = np.bincount(doc_cluster, minlength=n_docs).tolist()
    p_first = np.searchsorted(p_doc, np.arange(n_docs + 1))
    first_doc = p_doc[cluster]  # each paragraph's cluster begins in this document
    # the ids these name: documents at or before the one that names them (the earliest
    # copy, the earliest of a cluster), so those of a run are taken as they are read
    named = np.zeros(n_docs, dtype=bool)
    named[first_doc] = named[doc_cluster] = True
    id_of: dict[int, str] = {}
    bounds = p_first.tolist()
    known = 0  # the ids named before here are in id_of
    for r0, r1 in runs:
        if r0 > known:
            id_of.update(store.doc_ids((np.flatnonzero(named[known:r0]) + known).tolist()))
        known = max(known, r1)
        for d0 in range(r0, r1, settings.RESULT_CHUNK):  # the columns of a chunk of documents at once
            d1 = min(d0 + settings.RESULT_CHUNK, r1)
            texts = doc_texts(store, d0, d1)
            id_of.update((d, x[0]) for d, x, keep in zip(range(d0, d1), texts, named[d0:d1].tolist()) if keep)
            g0, g1 = bounds[d0], bounds[d1]
            c = cluster[g0:g1]
            boiler = st["boilerplate"][g0:g1].astype(bool)
            chunk = ResultColumns(tuple(tuple(col) for col in (  # tuples: a document's columns are slices of these
                par[g0:g1, P_START].tolist(),
                par[g0:g1, P_END].tolist(),
                par[g0:g1, P_TOKENS].tolist(),
                c.tolist(),
                st["size"][g0:g1].tolist(),
                st["doc_freq"][g0:g1].tolist(),
                st["story_freq"][g0:g1].tolist(),
                boiler.tolist(),
                [id_of[x] for x in first_doc[g0:g1].tolist()],
                par[c, P_START].tolist(),
                par[c, P_END].tolist(),
                st["sim"][g0:g1].tolist(),
                par[g0:g1, P_REMOVED].astype(bool).tolist(),
            )), (rows := np.flatnonzero(boiler)).tolist())
            row = (p_first[d0 : d1 + 1] - g0).tolist()  # each document's rows in the chunk
            brow = np.searchsorted(rows, p_first[d0 : d1 + 1] - g0).tolist()  # and its boilerplate rows
            dcs = doc_cluster[d0:d1].tolist()
            extra = fields.get(d0, d1)
            for k, ((did, text, collapsed, reps), dc) in enumerate(zip(texts, dcs)):
                evidence = paragraphs_view(chunk, row[k], row[k + 1], brow[k], brow[k + 1])
                yield make_doc_result(did, text, collapsed, reps, evidence, id_of[dc], doc_size[dc], extra[k])


def corpus_summary(store: Store, paragraphs: np.ndarray, st: dict[str, np.ndarray], n_docs: int, top: int
                   ) -> CorpusSummary:
    """Corpus-wide figures from the paragraph columns and cluster state ``st``."""
    cluster, boiler = st["cluster"], st["boilerplate"].astype(bool)
    doc_cluster = st["doc_cluster"]
    bc = distinct(cluster[boiler])
    ranked = sorted(bc.tolist(), key=lambda c: (-int(st["story_freq"][c]), -int(st["doc_freq"][c]), c))[:top]
    par = paragraphs
    texts: dict[int, str] = {}
    for c in ranked:
        texts[c] = store.text(int(par[c, P_DOC]))[int(par[c, P_START]) : int(par[c, P_END])]
    sizes = np.bincount(doc_cluster, minlength=n_docs)
    big = [c for c in np.argsort(-sizes, kind="stable")[:top].tolist() if sizes[c] > 1]
    ids = store.doc_ids(big)
    return CorpusSummary(
        documents=n_docs,
        paragraphs=len(cluster),
        paragraph_clusters=len(distinct(cluster)),
        document_clusters=len(distinct(doc_cluster)),
        boilerplate_paragraphs=int(boiler.sum()),
        top_boilerplate=tuple((texts[c], int(st["doc_freq"][c]), int(st["story_freq"][c])) for c in ranked),
        largest_document_clusters=tuple((ids[c], int(sizes[c])) for c in big),
    )
