"""The corpus driver: a stream of documents in, per-document results out.

Documents are ingested in batches (:meth:`Corpus.add`): each batch goes
through the same kernel as :func:`dedup.collapse` (:func:`~dedup.corpus.batches.analyze_batch`)
and its distinct paragraph sets not seen before become *nodes* of a global
index (:class:`~dedup.corpus.nodes.Nodes`). At the end of the call, one linking pass finds
the LSH candidates of all new nodes (against each other and everything indexed before) and
verifies them with the exact Jaccard. Only the index (shingle sets, band keys, verified pairs)
stays in memory; texts go to the SQLite store. :meth:`Corpus.results` then
computes the clusters once over everything (:mod:`dedup.corpus.clusters`) and streams one
:class:`DocResult` per document.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

from ..config import Config, resolve
from ..index import Store
from ..results import CorpusSummary, DocResult
from ..runs import OwnedDir, clean_stale
from ..sources import FieldSpool, documents
from . import settings
from .batches import analyze_batch, read_batches
from .ids import InputIds
from .nodes import Nodes
from .runner import Runner
from .streaming import corpus_summary, doc_results, doc_runs
from .view import IndexView

__all__ = ["Corpus", "dedupe", "stream"]


class Corpus:
    """Near-duplicate paragraphs, boilerplate and near-duplicate documents across a corpus.

    Args:
        config: the :class:`~dedup.Config` (its corpus knobs: ``doc_threshold``,
            ``boilerplate_min``).
        index: path of a SQLite index to create or extend (incremental: documents
            added today are matched against everything stored before); ``None``
            keeps a temporary one that is deleted on :meth:`close`.
        text_field: key of the text in dict documents.
        id_field: key of the id in dict documents.
        n_jobs: worker processes that run the per-batch kernel and share the
            corpus-wide steps while this one reads and stores (``1``: everything
            here; ``2`` starts two workers, once the input has run past one
            batch); the output does not depend on it.
        batch_size: documents per batch (and per index transaction).
        dedupe_ids: skip a document whose id was seen before instead of raising
            (a document whose id and text the index holds already is not a duplicate:
            it is the same document, see :meth:`add`).
        lock_timeout: seconds :meth:`add` waits for another writer of ``index`` (in
            any process) to close it before it raises :class:`~dedup.index.IndexMismatchError`;
            readers never wait (see docs/reliability.md).

    Examples:
        >>> docs = [("a", "Lede one.\\nA shared footer line for every outlet here.\\n"),
        ...         ("b", "Lede two.\\nA shared footer line for every outlet here.\\n")]
        >>> with Corpus() as c:
        ...     _ = c.add(docs)
        ...     [(r.id, [p.cluster for p in r.paragraphs]) for r in c.results()]
        [('a', [0, 1]), ('b', [2, 1])]
    """

    def __init__(
        self,
        config: Config | None = None,
        *,
        index: str | os.PathLike[str] | None = None,
        text_field: str = "text",
        id_field: str = "id",
        n_jobs: int = 1,
        batch_size: int = 256,
        dedupe_ids: bool = False,
        lock_timeout: float = 0.0,
    ):
        self.config = resolve(config)
        _check_args(n_jobs, batch_size, text_field, id_field, lock_timeout)
        self.text_field, self.id_field = text_field, id_field
        self.n_jobs, self.batch_size, self.dedupe_ids = n_jobs, batch_size, dedupe_ids
        self.lock_timeout = float(lock_timeout)
        self.closed = False
        clean_stale(tempfile.gettempdir())  # what runs killed before they could clean up left
        clean_stale(settings.SHARE_DIR)
        self._tmp: OwnedDir | None = None
        if index is None:
            self._tmp = OwnedDir("index")
            index = Path(self._tmp.name) / "index.sqlite"
        try:
            self.store = Store(index, self.config, durable=self._tmp is None)
        except BaseException:
            if self._tmp is not None:
                self._tmp.cleanup()
            raise
        self.workers = Runner(n_jobs)
        self.fields = FieldSpool()  # the other fields of the documents of this object's add() calls, by position
        self.ids = InputIds(self.store, self.fields, dedupe_ids)
        try:  # (a durable index: a writer from the first write on, see IndexView.writable)
            self.view = IndexView(self.store, self.config, self.workers, writer=self._tmp is not None)
        except BaseException:
            self.close()
            raise

    # -- lifecycle ---------------------------------------------------------------
    def __enter__(self) -> Corpus:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop the workers, close the index (and delete it if it was temporary);
        reading results or adding documents after this raises ``ValueError``."""
        self.closed = True
        self.release_workers()
        self.store.close()
        self.fields.close()
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def _check_open(self, what: str) -> None:
        if self.closed:
            where = f"its index is {self.store.path}" if self.store.durable else "its temporary index is deleted"
            raise ValueError(f"{what} of a closed Corpus ({where}): use it inside `with Corpus(...) as c:` "
                             "(or before close()), or open the index again: Corpus(index=PATH)")

    @property
    def input_docs(self) -> np.ndarray:
        """The document numbers of the last :meth:`add`'s input, in input order: each
        document added, and each one the index held already with the same id and text
        (the same document: a re-run after a failure emits it again); ids skipped by
        ``dedupe_ids`` are not in it. ``results(docs=corpus.input_docs)`` are the results of
        that input."""
        return self.ids.docs

    @property
    def skipped_ids(self) -> int:
        """Documents skipped for an id seen before (``dedupe_ids``)."""
        return self.ids.skipped

    @property
    def paragraphs(self) -> np.ndarray:
        """int64 ``[paragraphs, P_COLUMNS]`` of every stored paragraph, in corpus order
        (columns ``P_DOC, P_START, P_END, P_CUT, P_TOKENS, P_NODE, P_REMOVED`` and the lead keys from ``P_LEAD``)."""
        return self.view.paragraphs

    @property
    def n_docs(self) -> int:
        """Documents stored."""
        return self.view.n_docs

    @property
    def nodes(self) -> Nodes:
        """The node index (see :class:`~dedup.corpus.nodes.Nodes`)."""
        return self.view.nodes

    # -- ingestion ---------------------------------------------------------------
    def add(self, docs: Iterable[object]) -> int:
        """Ingest documents (``str``, ``(id, text)`` or dicts); returns how many were added.

        Holds one batch of texts at a time (up to ``8 * n_jobs`` with workers: see
        :meth:`Runner.map`). Documents without an id are numbered by their position in the
        corpus. Each batch is stored in one transaction, so an error leaves the index as
        it was after the previous batch; the candidates of the call's new
        paragraphs are found and stored at its end (an index reopened after an
        interruption finds them on opening).
        """
        self._check_open("add()")
        it = iter(documents(docs, text_field=self.text_field, id_field=self.id_field, what="add()"))
        self.view.writable(self.lock_timeout)
        self.ids.begin(self.n_docs)
        self.fields.drop_from(self.n_docs)  # (those of a batch read but never stored, before an error)
        inflight: dict[str, int] = {}  # ids of batches read but not stored yet -> position
        batches = read_batches(it, self.ids, inflight, size=self.batch_size, base=self.n_docs,
                               text_field=self.text_field, id_field=self.id_field)
        added = 0
        mapped = self.workers.map(analyze_batch, batches, self._kernel_args)
        try:
            for batch, analysis in mapped:
                self.view.ingest(batch, analysis)
                for did, _ in batch:
                    inflight.pop(did, None)
                added += len(batch)
            self.view.link()
        except BaseException:
            mapped.close()
            self.release_workers()
            raise
        return added

    def _kernel_args(self, batch: list[tuple[str, str]]) -> tuple[list[str], Config, bool]:
        """The arguments of :func:`analyze_batch` for ``batch``."""
        return [t for _, t in batch], self.config, self.store.compressed

    def release_workers(self, *, wait: bool = True) -> None:
        """Stop the worker processes (``n_jobs > 1``) now rather than at :meth:`close`; they
        start again if more work comes. ``wait=False`` lets them exit while this process
        goes on: for a caller with no task left for them, such as one that has read
        :meth:`summary` (the clusters are made) and only reads :meth:`results` now."""
        self.workers.release(wait=wait)

    def results(self, *, start: int = 0, docs: Iterable[int] | None = None) -> Iterator[DocResult]:
        """One :class:`DocResult` per stored document (from document ``start``), in
        order, with the final clusters over everything added so far; or, given ``docs``
        (document numbers, such as :attr:`input_docs`), one for each of those, in that order."""
        self._check_open("results()")
        st = self.view.state()
        runs = doc_runs(self.n_docs, start, docs)
        return self._while_open(doc_results(self.store, self.paragraphs, st, self.fields, self.n_docs, runs))

    def _while_open(self, results: Iterator[DocResult]) -> Iterator[DocResult]:
        while True:
            self._check_open("results")  # (before the next chunk is read from the index)
            try:
                r = next(results)
            except StopIteration:
                return
            yield r

    def summary(self, top: int = 20) -> CorpusSummary:
        """Corpus-wide figures over everything added so far."""
        self._check_open("summary()")
        return corpus_summary(self.store, self.paragraphs, self.view.state(), self.n_docs, top)


def _check_args(n_jobs: object, batch_size: object, text_field: object, id_field: object, lock_timeout: object) -> None:
    """Refuse :class:`Corpus` arguments of the wrong type or range."""
    if not isinstance(n_jobs, int) or isinstance(n_jobs, bool) or n_jobs < 1:
        raise ValueError(f"n_jobs must be an int >= 1, got {n_jobs!r}")
    if not isinstance(batch_size, int) or isinstance(batch_size, bool) or batch_size < 1:
        raise ValueError(f"batch_size must be an int >= 1, got {batch_size!r}")
    for name, v in (("text_field", text_field), ("id_field", id_field)):
        if not isinstance(v, str):
            raise TypeError(f"{name} must be a str, got {type(v).__name__}")
    if not isinstance(lock_timeout, (int, float)) or isinstance(lock_timeout, bool) or not lock_timeout >= 0:
        raise ValueError(f"lock_timeout must be a number of seconds >= 0, got {lock_timeout!r}")


def dedupe(docs: Iterable[object], config: Config | None = None, **kwargs: Any) -> Iterator[DocResult]:
    """Ingest ``docs`` into a temporary index and stream the final results
    (see :class:`Corpus` for the keyword arguments, which are checked at once).

    Examples:
        >>> [r.collapsed for r in dedupe(["Ya.", "A line of well over eight words, said twice.\\n" * 2])]
        ['Ya.', 'A line of well over eight words, said twice.\\n']
    """
    docs = documents(docs, text_field=str(kwargs.get("text_field", "text")), id_field=str(kwargs.get("id_field", "id")))
    corpus = Corpus(config, **kwargs)
    return stream(corpus, docs)


def stream(corpus: Corpus, docs: Iterable[object]) -> Iterator[DocResult]:
    try:
        corpus.add(docs)
        corpus.view.state()  # the last step the workers share: they exit while the results are made
        corpus.release_workers(wait=False)
        yield from corpus.results()
    finally:
        corpus.close()
