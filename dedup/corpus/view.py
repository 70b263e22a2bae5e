"""A corpus's view of its index: the node index, links and paragraph columns read from the
store (:func:`read_view`), and the verified links of the nodes added since (:func:`link_new`)."""

from __future__ import annotations

import numpy as np

from ..config import Config
from ..index import Store
from ..lsh import set_fingerprints
from ..shingle import ShingleSets
from . import settings
from .clusters import pair_jaccard
from .nodes import Nodes
from .runner import Runner

__all__ = ["read_view", "link_new"]


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
    sim = pair_jaccard(nodes.sets, left, right, runner)
    ok = sim >= config.threshold - 1e-12
    edges = np.stack((left[ok], right[ok]), axis=1) if ok.any() else np.zeros((0, 2), dtype=np.int64)
    return first, last, edges, sim[ok]
