"""A corpus's view of its index (:class:`IndexView`): the node index, links and paragraph
columns read from the store (:func:`read_view`), grown batch by batch, the verified links of
the nodes added since (:func:`link_new`) and the cluster state made from them."""

from __future__ import annotations

import numpy as np

from ..config import Config
from ..index import Store, stored_text
from ..lsh import set_fingerprints
from ..shingle import ShingleSets
from . import settings
from .batches import BatchAnalysis
from .clusters import cluster_state, state_misfit
from .jaccard import jaccard_pieces
from .memo import read_memos, stored_memos
from .nodes import Nodes
from .runner import Runner
from .settings import P_COLUMNS, P_DOC

__all__ = ["IndexView", "read_view", "link_new"]


def read_view(store: Store, config: Config) -> tuple[Nodes, list[np.ndarray], list[np.ndarray], tuple[int, int, int]]:
    """The nodes, the stored links (per pass), the paragraph columns (per batch) and
    ``(documents, batches, linked nodes)`` of one checked snapshot of ``store`` (see
    :meth:`Store.check`); the nodes past the linked ones are pending."""
    nodes = Nodes(config.bucket_window)
    edges: list[np.ndarray] = []
    paras: list[np.ndarray] = []
    bands = config.lsh[0]
    with store.snapshot():
        n_docs, n_batches = store.check()
        for b in store.batches(bands):
            sets = ShingleSets(b["shingles"], b["offsets"], np.zeros(len(b["offsets"]) - 1, dtype=np.int64))
            nodes.add(sets, set_fingerprints(sets), b["keys"].reshape(len(sets), bands))
            paras.append(b["paragraphs"])
        linked = 0
        for _, last, e in store.links(nodes.n):
            edges.append(e)
            linked = last
    if linked:  # the linked nodes' candidates are stored: only the later ones are pending
        keys = np.concatenate(nodes.pending)
        nodes.unindexed, nodes.linked = [keys[:linked]], linked
        nodes.pending = [keys[linked:]] if linked < nodes.n else []
    return nodes, edges, paras, (n_docs, n_batches, linked)


def link_new(nodes: Nodes, config: Config, runner: Runner) -> tuple[int, int, np.ndarray, np.ndarray] | None:
    """``(first, last, edges, similarities)``: the LSH candidates of nodes ``first .. last - 1``
    (those added since the last call) verified with the exact Jaccard; ``None``: no new node."""
    if nodes.linked == nodes.n:
        nodes.pending = []
    if not nodes.pending:
        return None
    first, last = nodes.linked, nodes.n
    pieces = runner.pieces((last - first) * config.lsh[0], settings.RANGE_PIECES)
    left, right = nodes.candidates(runner.share, pieces)
    got = []
    for a, b, sim in jaccard_pieces(nodes.sets, left, right, runner, settings.LINK_VERIFY):  # (the edges kept)
        ok = np.flatnonzero(sim >= config.threshold - 1e-12)
        got.append((left[a:b][ok], right[a:b][ok], sim[ok]))
    e = np.zeros(0, dtype=np.int64)
    edges = np.stack((np.concatenate([e, *(g[0] for g in got)]), np.concatenate([e, *(g[1] for g in got)])), axis=1)
    return first, last, edges, np.concatenate([np.zeros(0), *(g[2] for g in got)])


class IndexView:
    """What a :class:`~dedup.corpus.Corpus` knows of its index ``store``: ``nodes``, ``edges``
    (the verified links, per pass), the paragraph columns and the cluster state, read from
    one checked snapshot (:meth:`load`), grown by :meth:`ingest` and :meth:`link`. Only the
    ``writer`` stores what it makes; a reader keeps its links until :meth:`writable`."""

    def __init__(self, store: Store, config: Config, runner: Runner, writer: bool):
        self.store, self.config, self.runner, self.writer = store, config, runner, writer
        self.load()

    def load(self) -> None:
        """Read the index; the nodes a writer added but had not linked yet (it was
        interrupted, or is still adding) are linked here, and stored only by the writer."""
        self.nodes, self.edges, self._paras, self.read = read_view(self.store, self.config)
        self.n_docs, self.n_batches = self.read[:2]
        self._unstored: list[tuple[int, int, np.ndarray, np.ndarray]] = []  # links a reader made
        self._state: dict[str, np.ndarray] | None = None  # the clusters, until the next change
        self.link()

    def writable(self, timeout: float) -> None:
        """Become the index's one writer (see :meth:`Store.lock`) before the first write;
        if another writer changed the index since this view read it, read it again
        (nothing is ever written from a stale view)."""
        if self.writer:
            return
        self.store.lock(timeout)
        self.writer = True
        if self.store.view() != self.read:
            self.load()
        for link in self._unstored:  # the links this view made as a reader: stored now
            self.store.write_links(*link)
        self._unstored = []

    @property
    def paragraphs(self) -> np.ndarray:
        """int64 ``[paragraphs, P_COLUMNS]`` of every stored paragraph, in corpus order."""
        if len(self._paras) != 1:
            self._paras = [np.concatenate(self._paras) if self._paras else np.zeros((0, P_COLUMNS), dtype=np.int64)]
        return self._paras[0]

    def ingest(self, batch: list[tuple[str, str]], ch: BatchAnalysis) -> None:
        """Store ``batch`` (its kernel's result ``ch``): its sets not seen before become new
        nodes (linked to the others by :meth:`link`), its paragraphs and documents are added."""
        first = self.nodes.n
        node_of = self.nodes.lookup(ch.fp)
        new = np.flatnonzero(node_of < 0)
        node_of[new] = np.arange(first, first + len(new), dtype=np.int64)
        new_sets, new_keys = ch.sets.take(new), ch.keys[new]
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

    def link(self) -> None:
        """Link the nodes added since the last call (see :func:`link_new`); the writer stores
        the links in one transaction, a reader keeps them (the writer may be adding these very nodes)."""
        link = link_new(self.nodes, self.config, self.runner)
        if link is None:
            return
        if self.writer:
            self.store.write_links(*link)
        else:
            self._unstored.append(link)
        self.edges.append(link[2])
        self._state = None

    def doc_text(self, doc: int) -> str:
        """The stored text of document ``doc``."""
        return self.store.docs(doc, doc + 1)[0][2]

    def state(self) -> dict[str, np.ndarray]:
        """The cluster state over everything in the view: kept, read from the store (checked)
        or made (and stored by the writer, whose view is the index's)."""
        self.link()  # (after an add that raised)
        par = self.paragraphs
        stamp = np.array([self.n_docs, self.n_batches, self.nodes.n, self.nodes.linked, len(par)], dtype=np.int64)
        if self._state is None and (stored := self.store.read_state(stamp)) is not None:
            bad = state_misfit(stored, len(par), self.n_docs)
            if bad is not None:
                raise self.store.damaged(f"its cluster state {bad!r} does not fit its {len(par)} paragraphs")
            self._state = stored
        if self._state is None:
            edges = np.concatenate(self.edges) if self.edges else np.zeros((0, 2), dtype=np.int64)
            memos, bad = read_memos(self.store.read_memos(), 2, par[:, P_DOC], self.n_docs, self.config.doc_lsh[0])
            if bad is not None:
                raise self.store.damaged(f"its {bad} does not fit its {len(par)} paragraphs")
            record = self.writer and self.store.durable
            self._state, made = cluster_state(self.config, self.nodes.sets, edges, par, self.n_docs, self.runner,
                                              self.doc_text, (memos[0], memos[1]), record)
            del memos  # (the old ones: gone before the new ones are written)
            if self.writer:
                self.store.write_state(self._state, stamp, stored_memos(made))
        return self._state
