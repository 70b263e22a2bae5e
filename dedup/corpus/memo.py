"""What a document-clustering pass made, kept for the next pass over a grown index
(:class:`PassMemo`); document sets made when first needed (:class:`LazyDocSets`); and the
Jaccard of document pairs, looked up where known or computed (:class:`PairSims`).

A document's set in a pass is the union of the node sets of the paragraphs the pass does not
exclude. Nodes never change and documents are only appended, so a document whose paragraphs
are excluded as they were has the set, the band keys and the pair similarities it had: they
are read from the memo, not made again, and the clusters are those of a pass from scratch.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..arrays import distinct_inverse, ranges
from ..index import MEMO
from ..shingle import ShingleSets, union_rows
from . import settings
from .jaccard import Rows, jaccard_pieces, pair_jaccard
from .nodes import NodeStore
from .runner import Runner

__all__ = ["MEMO_FIELDS", "PassMemo", "LazyDocSets", "KnownPairs", "PairSims", "stored_memos", "read_memos"]

#: The arrays of a :class:`PassMemo`, as stored.
MEMO_FIELDS = ("excluded", "keys", "sizes", "cand_left", "cand_right", "left", "right", "sim")


@dataclass(frozen=True)
class PassMemo:
    """One pass over the first ``len(sizes)`` documents: which of their paragraphs it left out
    (``excluded``, int8 per paragraph), each document's band keys (uint64 ``[docs, bands]``)
    and set size, its candidate pairs (``cand_left < cand_right``, sorted) and the document
    pairs whose Jaccard it computed (``left``, ``right``, ``sim``)."""

    excluded: np.ndarray
    keys: np.ndarray
    sizes: np.ndarray
    cand_left: np.ndarray
    cand_right: np.ndarray
    left: np.ndarray
    right: np.ndarray
    sim: np.ndarray

    @property
    def n_docs(self) -> int:
        return len(self.sizes)

    def misfit(self, doc: np.ndarray, n_docs: int, bands: int) -> str | None:
        """What does not fit paragraphs of documents ``doc`` (ascending) among ``n_docs``
        (no fewer than the memo's) and ``bands`` band keys, or ``None``."""
        n, p = self.n_docs, len(self.excluded)
        if p > len(doc) or self.keys.shape != (n, bands):
            return "its shape"
        if p != int(np.searchsorted(doc, n)):
            return "its paragraphs"
        pairs = (self.left, self.right, self.cand_left, self.cand_right)
        if not len(self.left) == len(self.right) == len(self.sim) or len(self.cand_left) != len(self.cand_right):
            return "its pairs"
        if any(len(a) and (int(a.min()) < 0 or int(a.max()) >= n) for a in pairs):
            return "its pairs"
        return None

    def same(self, doc: np.ndarray, excluded: np.ndarray, n_docs: int) -> np.ndarray:
        """Per document ``0..n_docs-1``: whether the memo holds it with its paragraphs
        (``doc``: each paragraph's document) excluded as ``excluded`` says."""
        out = np.zeros(n_docs, dtype=bool)
        out[: self.n_docs] = True
        p = len(self.excluded)
        out[doc[:p][excluded[:p] != self.excluded.astype(bool)]] = False
        return out

    def known(self, same: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The memo's pairs of two documents that are ``same`` (see :meth:`same`)."""
        ok = same[self.left] & same[self.right]
        return self.left[ok], self.right[ok], self.sim[ok]

    def arrays(self) -> dict[str, np.ndarray]:
        return {k: getattr(self, k) for k in MEMO_FIELDS}


def stored_memos(memos: tuple[PassMemo | None, ...]) -> dict[str, np.ndarray]:
    """The arrays of the passes' ``memos`` under the names they are stored by (``memo1.keys``, ...)."""
    return {f"{MEMO}{i}.{k}": v for i, m in enumerate(memos, 1) if m is not None for k, v in m.arrays().items()}


def read_memos(arrays: dict[str, np.ndarray], passes: int, doc: np.ndarray, n_docs: int, bands: int
               ) -> tuple[tuple[PassMemo | None, ...], str | None]:
    """The memos of ``passes`` passes in stored ``arrays`` (see :func:`stored_memos`; a pass
    without one: ``None``) over paragraphs of documents ``doc`` (ascending) among ``n_docs``
    with ``bands`` band keys; and what does not fit them (a damaged index), or ``None``."""
    out: list[PassMemo | None] = []
    for i in range(1, passes + 1):
        got = {k: arrays.get(f"{MEMO}{i}.{k}") for k in MEMO_FIELDS}
        if all(v is None for v in got.values()):
            out.append(None)
            continue
        if any(v is None for v in got.values()) or len(got["keys"]) % max(bands, 1):
            return (), f"memo {i}"
        got["keys"] = got["keys"].reshape(-1, bands)
        m = PassMemo(**got)
        if m.n_docs > n_docs:  # (made by a writer after this view read the index)
            out.append(None)
            continue
        bad = m.misfit(doc, n_docs, bands)
        if bad is not None:
            return (), f"memo {i}: {bad}"
        out.append(m)
    return tuple(out), None


class LazyDocSets:
    """The document sets of ``n_docs`` documents, each the union of the node sets (rows of
    ``nodes``) of its paragraphs ``node`` (``doc``: their documents, ascending), made on the
    first :meth:`take` that names it and kept (``keep``), or made for each :meth:`take` (memory
    bounded by what one take asks for). ``sizes``: each set's size (filled by the caller for
    the documents it has not taken)."""

    def __init__(self, nodes: NodeStore, doc: np.ndarray, node: np.ndarray, n_docs: int, keep: bool = True):
        self.nodes, self.node, self.keep = nodes, node, keep
        self.bounds = np.searchsorted(doc, np.arange(n_docs + 1, dtype=np.int64))
        self.sizes = np.zeros(n_docs, dtype=np.int64)
        self.at = np.full(n_docs, -1, dtype=np.int64)  # row in ``made`` of each document made
        self.made = NodeStore()

    def take(self, docs: np.ndarray) -> ShingleSets:
        """The sets of ``docs``, in that order."""
        docs = np.asarray(docs, dtype=np.int64)
        if not self.keep:
            if len(docs) < 2 or (docs[1:] > docs[:-1]).all():  # (as pair_jaccard asks: no copy)
                return self.union(docs)
            new, inv = np.unique(docs, return_inverse=True)
            return self.union(new).take(inv.reshape(-1))
        new = np.unique(docs[self.at[docs] < 0])
        if len(new):
            sets = self.union(new)
            self.at[new] = self.made.append(sets) + np.arange(len(new))
            self.sizes[new] = np.diff(sets.offsets)
        return self.made.take(self.at[docs])

    def union(self, docs: np.ndarray) -> ShingleSets:
        """The sets of the distinct ascending ``docs``, made now."""
        counts = self.bounds[docs + 1] - self.bounds[docs]
        uniq, inv = distinct_inverse(self.node[ranges(self.bounds[docs], counts)], self.nodes.n)
        return union_rows(self.nodes.take(uniq), inv, np.repeat(np.arange(len(docs)), counts), len(docs))


class KnownPairs:
    """Values of pairs of rows ``0..n-1``, either way round, looked up.

    Examples:
        >>> k = KnownPairs(np.array([0, 2]), np.array([1, 1]), np.array([0.5, 0.25]), 3)
        >>> [a.tolist() for a in k.find(np.array([1, 0]), np.array([2, 2]))]
        [[True, False], [0.25]]
    """

    def __init__(self, left: np.ndarray, right: np.ndarray, values: np.ndarray, n: int):
        code = np.minimum(left, right) * n + np.maximum(left, right)
        order = np.argsort(code, kind="stable")
        self.code, self.values, self.n = code[order], values[order], n

    def find(self, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Which pairs ``a``-``b`` are known, and the values of those."""
        if not len(self.code) or not len(a):
            return np.zeros(len(a), dtype=bool), self.values[:0]
        code = np.minimum(a, b) * self.n + np.maximum(a, b)
        pos = np.minimum(np.searchsorted(self.code, code), len(self.code) - 1)
        hit = self.code[pos] == code
        return hit, self.values[pos[hit]]


class PairSims:
    """The Jaccard of pairs of rows ``0..n-1`` of ``sets``: looked up among the ``known``
    pairs ``(left, right, sim)``, or computed (:func:`~dedup.corpus.jaccard.pair_jaccard`,
    shared with ``workers``); the computed ones are kept (for :meth:`pairs`) when ``record``.

    Examples:
        >>> s = ShingleSets(np.array([1, 2, 2, 3], np.uint32), np.array([0, 2, 4]), np.zeros(2, np.int64))
        >>> jac = PairSims(s, Runner(1), 2, record=True)
        >>> jac(np.array([0]), np.array([1])).tolist(), [a.tolist() for a in jac.pairs()]
        ([0.3333333333333333], [[0], [1], [0.3333333333333333]])
    """

    def __init__(self, sets: Rows, workers: Runner, n: int,
                 known: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None, record: bool = False):
        self.sets, self.workers, self.n, self.record = sets, workers, n, record
        e = np.zeros(0, dtype=np.int64)
        self.known = KnownPairs(*(known if known is not None else (e, e, np.zeros(0, dtype=np.float64))), n)
        self.got: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []

    def __call__(self, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        out = np.empty(len(left), dtype=np.float64)
        hit, values = self.known.find(left, right)
        out[hit] = values
        miss = ~hit
        if miss.any():
            a, b = left[miss], right[miss]
            out[miss] = s = self.compute(a, b)
            if self.record:
                self.got.append((a, b, s))
        return out

    def compute(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """The Jaccard of the pairs ``a``-``b``, in pieces of :data:`~settings.JACCARD_PIECE`
        shingles where the sets are made for each piece."""
        if not isinstance(self.sets, LazyDocSets) or self.sets.keep:
            return pair_jaccard(self.sets, a, b, self.workers)
        e = np.zeros(0, dtype=np.float64)
        return np.concatenate([e, *(s for _, _, s in jaccard_pieces(self.sets, a, b, self.workers,
                                                                     settings.JACCARD_PIECE))])

    def pairs(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(left, right, sim)`` of every pair known or computed, each once (``left < right``)."""
        n = self.n
        codes = [self.known.code] + [np.minimum(a, b) * n + np.maximum(a, b) for a, b, _ in self.got]
        sims = [self.known.values] + [s for _, _, s in self.got]
        code, first = np.unique(np.concatenate(codes), return_index=True)
        return code // n, code % n, np.concatenate(sims)[first]
