"""The within-document policy: verified matches -> runs of copies -> removals.

A paragraph is removed when an earlier *kept* paragraph has exact Jaccard
similarity >= ``threshold`` with it, and it is either long (``min_tokens`` word
tokens) or part of a run of such copies that mirrors an earlier run (each copy's
witness follows the previous copy's witness) and holds a long one. So a footer
or a "Read also" line inside a repeated body goes, and an isolated ``***`` or
``Ya.`` stays. A long paragraph that starts no run goes on its own when a kept
longer paragraph contains it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["Matches", "Decision", "decide", "COPY", "CONTAINED"]

_KEPT, _PENDING, _REMOVED = 0, 1, 2
#: Codes of :attr:`Decision.kind` (indices into :data:`dedup.repeats.REPEAT_KINDS`).
COPY, CONTAINED = 0, 1


class Matches:
    """Verified similar pairs between duplicate classes, as adjacency lists.

    Only classes that can match anything are stored: those with more than one
    member (a non-empty set matches itself) and those with a verified pair.
    ``contained`` holds ``(copy class, container class, containment)`` arrays.
    """

    def __init__(self, cls: np.ndarray, nonempty: np.ndarray, left: np.ndarray, right: np.ndarray, sim: np.ndarray,
                 contained: tuple[np.ndarray, np.ndarray, np.ndarray]):
        count = np.bincount(cls, minlength=len(nonempty))
        self.adj: dict[int, list[tuple[int, float]]] = {
            c: [(c, 1.0)] for c in np.flatnonzero((count > 1) & nonempty).tolist()
        }
        self.pair: dict[tuple[int, int], float] = {}
        for a, b, s in zip(left.tolist(), right.tolist(), sim.tolist()):
            self.adj.setdefault(a, []).append((b, s))
            self.adj.setdefault(b, []).append((a, s))
            self.pair[(a, b)] = s
        #: copy class -> [(container class, containment)]
        self.containers: dict[int, list[tuple[int, float]]] = {}
        for a, b, s in zip(*(x.tolist() for x in contained)):
            self.containers.setdefault(a, []).append((b, s))

    def relevant(self, cls: np.ndarray) -> np.ndarray:
        """Indices of the paragraphs whose class can match anything."""
        mask = np.zeros(int(cls.max()) + 1 if len(cls) else 0, dtype=bool)
        mask[list(self.adj)] = True
        mask[list(self.containers)] = True
        mask[[c for held in self.containers.values() for c, _ in held]] = True
        return np.flatnonzero(mask[cls])

    def sim(self, a: int, b: int) -> float:
        """The verified similarity of classes ``a`` and ``b`` (0.0 when unmatched)."""
        if a == b:
            return 1.0 if a in self.adj else 0.0
        return self.pair.get((a, b) if a < b else (b, a), 0.0)


@dataclass(frozen=True)
class Decision:
    """The removed paragraphs in order, each with its witness paragraph, the
    similarity, its block number and its kind code (:data:`COPY`, :data:`CONTAINED`)."""

    removed: list[int]
    witness: list[int]
    similarity: list[float]
    block: list[int]
    kind: list[int]


class _Walk:
    """The state of one left-to-right pass over a text's paragraphs."""

    def __init__(self, cls: np.ndarray, long_: list[bool], m: Matches, new_fact: Callable[[int, int], bool]):
        n = len(cls)
        self.cl: list[int] = cls.tolist()
        self.long_, self.m, self.new_fact = long_, m, new_fact
        self.status = [_KEPT] * n
        self.wit = [-1] * n
        self.sims = [0.0] * n
        self.first_kept: dict[int, int] = {}
        # (class of i, class of i + 1) -> first i with both kept: a witness whose
        # successor can witness our successor is found with one lookup.
        self.first_pair: dict[tuple[int, int], int] = {}
        self.removed: list[int] = []
        self.blocks: list[int] = []
        self.kinds: list[int] = []
        self.nblock = 0

    def keep(self, i: int) -> None:
        c = self.cl[i]
        self.first_kept.setdefault(c, i)
        if i and self.status[i - 1] == _KEPT:
            self.first_pair.setdefault((self.cl[i - 1], c), i - 1)

    def remove(self, run: Sequence[int], kind: int) -> None:
        for i in run:
            self.status[i] = _REMOVED
            self.removed.append(i)
            self.blocks.append(self.nblock)
            self.kinds.append(kind)
        self.nblock += 1

    def close(self, run: list[int]) -> None:
        """A run is a copy iff it holds a long paragraph that adds nothing to its witness."""
        if any(self.long_[i] and not self.new_fact(i, self.wit[i]) for i in run):
            self.remove(run, COPY)
        else:
            for i in run:
                self.status[i] = _KEPT
                self.keep(i)

    def continues(self, run: list[int], j: int) -> bool:
        """Whether ``j`` extends ``run`` (its witness follows the last witness)."""
        if not run or run[-1] != j - 1:
            return False
        w = self.wit[j - 1] + 1
        if self.status[w] != _KEPT:
            return False
        s = self.m.sim(self.cl[w], self.cl[j])
        if s <= 0.0:
            return False
        self.wit[j], self.sims[j], self.status[j] = w, s, _PENDING
        run.append(j)
        return True

    def witness(self, j: int) -> tuple[bool, float, int] | None:
        """The best kept witness of ``j`` as ``(run continues, similarity, -index)``:
        one whose successor matches our successor, then the most similar, then the earliest."""
        cl, m = self.cl, self.m
        best: tuple[bool, float, int] | None = None
        nxt_adj = m.adj.get(cl[j + 1], ()) if j + 1 < len(cl) else ()
        for c2, s in m.adj.get(cl[j], ()):
            i = self.first_kept.get(c2)
            if i is not None and (best is None or (False, s, -i) > best):
                best = (False, s, -i)
            for c3, _ in nxt_adj:
                i = self.first_pair.get((c2, c3))
                if i is not None and (best is None or (True, s, -i) > best):
                    best = (True, s, -i)
        return best

    def held(self, j: int) -> bool:
        """Remove ``j`` if a kept container holds it: a long line on its own, a
        short one right after a line that the same container holds."""
        prev = -1
        if j and self.status[j - 1] == _REMOVED and self.kinds and self.removed[-1] == j - 1 and self.kinds[-1]:
            prev = self.wit[j - 1]
        long_ = self.long_[j]
        if not (long_ or prev >= 0):
            return False
        held = [(s, -i) for c2, s in self.m.containers.get(self.cl[j], ())
                if (i := self.first_kept.get(c2)) is not None and (long_ or i == prev)]
        if not held or self.new_fact(j, -max(held)[1]):
            return False
        s, i = max(held)
        self.wit[j], self.sims[j] = -i, s
        self.remove((j,), CONTAINED)
        return True

    def decision(self) -> Decision:
        order = sorted(range(len(self.removed)), key=self.removed.__getitem__)
        rem = [self.removed[k] for k in order]
        return Decision(rem, [self.wit[i] for i in rem], [self.sims[i] for i in rem],
                        [self.blocks[k] for k in order], [self.kinds[k] for k in order])


def decide(cls: np.ndarray, tokens: np.ndarray, m: Matches, min_tokens: int,
           new_fact: Callable[[int, int], bool]) -> Decision:
    """Decide removals left to right.

    Paragraphs whose class matches nothing are kept without being visited; a
    run is a maximal sequence of consecutive copies whose witnesses are
    consecutive too, and it is removed iff it holds a long paragraph for which
    ``new_fact(copy, witness)`` does not hold (a copy that says something its
    witness does not, such as another number, does not make a run a copy; a run
    of such copies only is a list of items sharing a template). A long paragraph
    that starts no run is removed on its own when a kept container holds it.
    """
    walk = _Walk(cls, (tokens >= min_tokens).tolist(), m, new_fact)
    run: list[int] = []
    for j in m.relevant(cls).tolist():
        if walk.continues(run, j):
            continue
        if run:
            walk.close(run)
            run = []
        best = walk.witness(j)
        if best is None:
            if not walk.held(j):
                walk.keep(j)
            continue
        walk.wit[j], walk.sims[j], walk.status[j] = -best[2], best[1], _PENDING
        run = [j]
    if run:
        walk.close(run)
    return _keep_headings(walk.decision(), tokens, 2 * min_tokens)


def _keep_headings(dec: Decision, tokens: np.ndarray, short: int) -> Decision:
    """``dec`` without the copies of a table of contents: two or more lone copies
    of consecutive short lines (fewer than ``short`` tokens, blank lines between
    them aside) that reappear one by one, each above a kept paragraph of at least
    ``short // 2`` tokens, are the headings the table lists, and both stay."""
    size = Counter(dec.block)
    heads = [k for k, (w, b, kind) in enumerate(zip(dec.witness, dec.block, dec.kind))
             if kind == COPY and size[b] == 1 and tokens[w] < short]
    if len(heads) < 2:
        return dec
    filled = np.flatnonzero(tokens > 0)
    # the next non-blank paragraph after each head's witness
    after = np.searchsorted(filled, [dec.witness[k] for k in heads], side="right")
    nxt = dict(zip(heads, np.append(filled, -1)[after].tolist()))
    gone = np.zeros(len(tokens), dtype=bool)
    gone[dec.removed] = True
    kept_long = np.zeros(len(tokens) + 1, dtype=np.int64)  # prefix counts of kept long paragraphs
    np.cumsum((tokens >= short // 2) & ~gone, out=kept_long[1:])
    drop: set[int] = set()
    chain: list[int] = []
    for k in heads + [-1]:
        if chain and k >= 0:
            p = chain[-1]
            # the next witness line, and a section of kept text between the two headings
            a, b = dec.removed[p], dec.removed[k]
            if nxt[p] == dec.witness[k] and kept_long[b] > kept_long[a + 1]:
                chain.append(k)
                continue
        if len(chain) >= 2:
            drop.update(chain)
        chain = [k]
    if not drop:
        return dec
    keep = [k for k in range(len(dec.removed)) if k not in drop]
    return Decision(*([col[k] for k in keep] for col in (dec.removed, dec.witness, dec.similarity, dec.block,
                                                         dec.kind)))
