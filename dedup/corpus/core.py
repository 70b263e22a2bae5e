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
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import numpy as np

from ..config import Config, resolve
from ..index import Store, stored_text
from ..lsh import set_fingerprints
from ..results import CorpusSummary, DocResult
from ..runs import OwnedDir, clean_stale
from ..shingle import ShingleSets
from ..sources import FieldSpool, documents, fields_of
from . import settings
from .settings import P_COLUMNS
from .batches import BatchAnalysis, analyze_batch, document
from .clusters import cluster_state, pair_jaccard, state_misfit
from .ids import InputIds
from .streaming import corpus_summary, doc_results
from .nodes import Nodes
from .transport import Shipped, run_mapped
from .workers import Workers, steal

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
        n_jobs: processes sharing the per-batch kernel and the corpus-wide steps,
            this one included (so ``n_jobs=2`` starts one worker, once the input
            has run past one batch); the output does not depend on it.
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
        if not isinstance(n_jobs, int) or isinstance(n_jobs, bool) or n_jobs < 1:
            raise ValueError(f"n_jobs must be an int >= 1, got {n_jobs!r}")
        if not isinstance(batch_size, int) or isinstance(batch_size, bool) or batch_size < 1:
            raise ValueError(f"batch_size must be an int >= 1, got {batch_size!r}")
        for name, v in (("text_field", text_field), ("id_field", id_field)):
            if not isinstance(v, str):
                raise TypeError(f"{name} must be a str, got {type(v).__name__}")
        self.text_field, self.id_field = text_field, id_field
        self.n_jobs, self.batch_size, self.dedupe_ids = n_jobs, batch_size, dedupe_ids
        if not isinstance(lock_timeout, (int, float)) or isinstance(lock_timeout, bool) or not lock_timeout >= 0:
            raise ValueError(f"lock_timeout must be a number of seconds >= 0, got {lock_timeout!r}")
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
        self.workers = Workers(n_jobs)
        self._added = self._pos = self._base = 0
        self._exhausted = False
        self._inflight: dict[str, int] = {}
        self.fields = FieldSpool()  # the other fields of the documents of this object's add() calls, by position
        self.ids = InputIds(self.store, self.fields, dedupe_ids)
        self._writer = self._tmp is not None  # (a durable index: from the first write on, see _writable)
        try:
            self._load()
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

    def _load(self) -> None:
        """Read the index (one snapshot, checked: see :meth:`Store.check`) into this
        corpus's view; the nodes a writer added but had not linked yet (it was
        interrupted, or is still adding) are linked here, and stored only by the writer."""
        self.nodes = Nodes(self.config.bucket_window)
        self.edges: list[np.ndarray] = []
        self._paras: list[np.ndarray] = []  # per batch: int64 [n, P_COLUMNS] (the P_* columns)
        self._unstored: list[tuple[int, int, np.ndarray, np.ndarray]] = []  # links a reader made
        self._state: dict[str, np.ndarray] | None = None  # the clusters, until the next change
        bands = self.config.lsh[0]
        with self.store.snapshot():
            self.n_docs, self.n_batches = self.store.check()
            for b in self.store.batches(bands):
                sets = ShingleSets(b["shingles"], b["offsets"], np.zeros(len(b["offsets"]) - 1, dtype=np.int64))
                self.nodes.add(sets, set_fingerprints(sets), b["keys"].reshape(len(sets), bands))
                self._paras.append(b["paragraphs"])
            linked = 0
            for _, last, edges in self.store.links(self.nodes.n):
                self.edges.append(edges)
                linked = last
        self._view = (self.n_docs, self.n_batches, linked)
        if linked:  # the linked nodes' candidates are stored: only the later ones are pending
            keys = np.concatenate(self.nodes.pending)
            self.nodes.unindexed, self.nodes.linked = [keys[:linked]], linked
            self.nodes.pending = [keys[linked:]] if linked < self.nodes.n else []
        self._link()  # (after an interrupted add, or while a writer adds)

    def _writable(self) -> None:
        """Become the index's one writer (see :meth:`Store.lock`) before the first write;
        if another writer changed the index since this corpus read it, read it again
        (nothing is ever written from a stale view)."""
        if self._writer:
            return
        self.store.lock(self.lock_timeout)
        self._writer = True
        if self.store.view() != self._view:
            self._load()
        for link in self._unstored:  # the links this corpus made as a reader: stored now
            self.store.write_links(*link)
        self._unstored = []

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
        """int64 ``[paragraphs, 7]`` of every stored paragraph, in corpus order
        (columns ``P_DOC, P_START, P_END, P_CUT, P_TOKENS, P_NODE, P_REMOVED`` and the lead keys from ``P_LEAD``)."""
        if len(self._paras) != 1:
            self._paras = [np.concatenate(self._paras) if self._paras else np.zeros((0, P_COLUMNS), dtype=np.int64)]
        return self._paras[0]

    # -- ingestion ---------------------------------------------------------------
    def _doc(self, pos: int, doc: object) -> tuple[str, str]:
        return document(pos, doc, base=self._base, text_field=self.text_field, id_field=self.id_field)

    def add(self, docs: Iterable[object]) -> int:
        """Ingest documents (``str``, ``(id, text)`` or dicts); returns how many were added.

        Holds one batch of texts at a time (up to ``8 * n_jobs`` with workers).
        Documents without an id are numbered by their position in the corpus.
        Each batch is stored in one transaction, so an error leaves the index as
        it was after the previous batch; the candidates of the call's new
        paragraphs are found and stored at its end (an index reopened after an
        interruption finds them on opening).
        """
        self._check_open("add()")
        it = iter(documents(docs, text_field=self.text_field, id_field=self.id_field, what="add()"))
        self._writable()
        pool = self.workers.pool  # the workers start once the input has proved longer than one batch
        own = 0
        self.ids.begin(self.n_docs)
        self._base = self.n_docs  # documents without an id are numbered from here
        self.fields.drop_from(self.n_docs)  # (those of a batch read but never stored, before an error)
        self._added = 0
        self._pos = 0
        self._exhausted = False
        self._inflight = {}  # ids of batches read but not stored yet -> position
        # Batches are ingested in input order. The workers are kept fed with a few batches each;
        # this process ingests every batch that is ready and, rather than wait for one that is
        # not, reads the next batch and runs the kernel on it itself.
        feed, ahead = 4 * (self.n_jobs - 1), 8 * self.n_jobs
        # (batch, its analysis or the future of a worker's, what was shipped to the worker)
        pending: deque[tuple[list[tuple[str, str]], Any, Any]] = deque()
        try:
            while True:
                while pool is not None and self.workers.started() and len(pending) < ahead and sum(
                    isinstance(x, Future) and not x.done() for _, x, _ in pending
                ) < feed:
                    batch = self._read(it)
                    if not batch:
                        break
                    args = Shipped.put(self._kernel_args(batch), self.workers.ship_dir)
                    pending.append((batch, self.workers.submit(run_mapped, analyze_batch, args, self.workers.ship_dir), args))
                if pending and (not isinstance(pending[0][1], Future) or pending[0][1].done()):
                    self._ingest_next(pending)
                    continue
                if len(pending) < ahead:
                    batch = self._read(it)
                    if batch:
                        if pool is None and own >= settings.WORKERS_AFTER:  # (it starts up while this process works on)
                            pool = self.workers.start()
                        pending.append((batch, self._kernel(batch), None))
                        own += 1
                        continue
                if not pending:
                    if self._exhausted:
                        break
                    continue
                if self._exhausted and steal(pending, self._kernel):
                    continue
                self._ingest_next(pending)  # waits for the oldest batch
            self._link()
        except BaseException:
            self.release_workers()
            raise
        return self._added

    def _read(self, it: Iterator[object]) -> list[tuple[str, str]]:
        """The next batch of valid documents with new ids ([] at the end of the input)."""
        while not self._exhausted:
            batch: list[tuple[str, str]] = []
            extra = []
            for doc in it:
                batch.append(self._doc(self._pos, doc))
                extra.append(fields_of(doc, self.text_field))
                self._pos += 1
                if len(batch) >= self.batch_size:
                    break
            else:
                self._exhausted = True
            batch = self.ids.check(batch, self._pos - len(batch), self._inflight, extra) if batch else batch
            if batch:  # (a batch of skipped duplicate ids is empty: read on)
                return batch
        return []

    def _kernel_args(self, batch: list[tuple[str, str]]) -> tuple[list[str], Config, bool]:
        """The arguments of :func:`analyze_batch` for ``batch``."""
        return [t for _, t in batch], self.config, self.store.compressed

    def _kernel(self, batch: list[tuple[str, str]]) -> BatchAnalysis:
        """The kernel's result for ``batch``, computed in this process."""
        return analyze_batch(*self._kernel_args(batch))

    def _ingest_next(self, pending: deque[tuple[list[tuple[str, str]], Any, Any]]) -> None:
        b, res, _ = pending.popleft()
        self._ingest(b, Shipped.get(res.result()) if isinstance(res, Future) else res)
        for did, _ in b:
            self._inflight.pop(did, None)
        self._added += len(b)

    def release_workers(self, *, wait: bool = True) -> None:
        """Stop the worker processes (``n_jobs > 1``) now rather than at :meth:`close`; they
        start again if more work comes. ``wait=False`` lets them exit while this process
        goes on: for a caller with no task left for them, such as one that has read
        :meth:`summary` (the clusters are made) and only reads :meth:`results` now."""
        self.workers.release(wait=wait)

    def _ingest(self, batch: list[tuple[str, str]], ch: BatchAnalysis) -> None:
        first = self.nodes.n
        # the batch's sets not seen before become new nodes (linked to the others by _link)
        node_of = self.nodes.lookup(ch.fp)
        new = np.flatnonzero(node_of < 0)
        node_of[new] = np.arange(first, first + len(new), dtype=np.int64)
        new_sets, new_keys = ch.sets.take(new), ch.keys[new]
        # the batch's paragraphs (the P_* columns) and documents
        doc_col = np.repeat(np.arange(self.n_docs, self.n_docs + len(batch), dtype=np.int64), np.diff(ch.doc_offsets))
        c = ch.cols
        paras = np.column_stack((doc_col, c[:, :4], node_of[ch.cls], c[:, 4:]))
        texts = ch.texts if ch.texts is not None else [stored_text(t, False) for _, t in batch]
        docs = [(self.n_docs + d, did, *texts[d], ch.repeats[d]) for d, (did, _) in enumerate(batch)]
        self.store.write_batch(self.n_batches, docs, paras, first, new_sets, new_keys)
        self._paras.append(paras)
        self._state = None
        self.nodes.add(new_sets, ch.fp[new], new_keys)
        self.n_docs += len(batch)
        self.n_batches += 1

    def _link(self) -> None:
        """LSH candidates of the nodes added since the last call, verified with the
        exact Jaccard; the edges are stored in one transaction."""
        nodes = self.nodes
        if nodes.linked == nodes.n:  # (no new nodes: nothing to link, or store)
            nodes.pending = []
        if not nodes.pending:
            return
        first, last = nodes.linked, nodes.n
        pieces = self.workers.pieces((last - first) * self.config.lsh[0], settings.RANGE_PIECES)
        left, right = nodes.candidates(self.workers.share, pieces)
        sim = pair_jaccard(nodes.sets, left, right, self.workers)
        ok = sim >= self.config.threshold - 1e-12
        edges = np.stack((left[ok], right[ok]), axis=1) if ok.any() else np.zeros((0, 2), dtype=np.int64)
        if self._writer:
            self.store.write_links(first, last, edges, sim[ok])
        else:  # a reader stores nothing (the writer may be adding these very nodes)
            self._unstored.append((first, last, edges, sim[ok]))
        self.edges.append(edges)
        self._state = None

    # -- clustering ----------------------------------------------------------------
    def _cluster(self) -> dict[str, np.ndarray]:
        self._link()  # (after an add that raised)
        stamp = self._stamp()
        state = self._state if self._state is not None else self.store.read_state(stamp)
        if state is not None and self._state is None:
            self._check_state(state)
        if state is not None:
            self._state = state
            return state
        edges = np.concatenate(self.edges) if self.edges else np.zeros((0, 2), dtype=np.int64)
        state = cluster_state(self.config, self.nodes.sets, edges, self.paragraphs, self.n_docs, self.workers)
        if self._writer:  # (only the writer: its view is the index's)
            self.store.write_state(state, stamp)
        self._state = state
        return state

    def _stamp(self) -> np.ndarray:
        """What the cluster state is derived from (stored with it, see :meth:`Store.write_state`)."""
        return np.array([self.n_docs, self.n_batches, self.nodes.n, self.nodes.linked, len(self.paragraphs)],
                        dtype=np.int64)

    def _check_state(self, st: dict[str, np.ndarray]) -> None:
        """Refuse stored cluster state of the wrong shapes or out of range."""
        bad = state_misfit(st, len(self.paragraphs), self.n_docs)
        if bad is not None:
            raise self.store.damaged(f"its cluster state {bad!r} does not fit its {len(self.paragraphs)} paragraphs")

    def results(self, *, start: int = 0, docs: Iterable[int] | None = None) -> Iterator[DocResult]:
        """One :class:`DocResult` per stored document (from document ``start``), in
        order, with the final clusters over everything added so far; or, given ``docs``
        (document numbers, such as :attr:`input_docs`), one for each of those, in that order."""
        self._check_open("results()")
        st = self._cluster()
        if docs is None:
            runs = [(start, self.n_docs)]
        else:
            d = np.asarray(docs if isinstance(docs, np.ndarray) else list(docs), dtype=np.int64).reshape(-1)
            if len(d) and (int(d.min()) < 0 or int(d.max()) >= self.n_docs):
                raise ValueError(f"docs must be document numbers 0 .. {self.n_docs - 1}, got {int(d.min())} .. "
                                 f"{int(d.max())}")
            cut = np.flatnonzero(np.diff(d) != 1) + 1
            runs = list(zip(d[np.r_[0, cut]].tolist(), (d[np.r_[cut - 1, len(d) - 1]] + 1).tolist())) if len(d) else []
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
        return corpus_summary(self.store, self.paragraphs, self._cluster(), self.n_docs, top)


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
        corpus._cluster()  # the last step the workers share: they exit while the results are made
        corpus.release_workers(wait=False)
        yield from corpus.results()
    finally:
        corpus.close()
