"""Which documents of an :meth:`~dedup.corpus.Corpus.add` call are new, which ones the
index holds already (the same id and text) and which ids are refused or skipped as duplicates."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..index import Store
from ..results import Fields
from ..sources import FieldSpool

__all__ = ["InputIds"]


class InputIds:
    """The ids of one :meth:`~dedup.corpus.Corpus.add` call's input, checked against the
    index ``store``; the fields of its documents go to ``fields``; ``dedupe``: skip a
    document whose id was seen before instead of raising."""

    def __init__(self, store: Store, fields: FieldSpool, dedupe: bool):
        self.store, self.fields, self.dedupe = store, fields, dedupe
        self.skipped = 0  # documents skipped (``dedupe``), over all calls
        self.begin(0)

    def begin(self, n_docs: int) -> None:
        """A new call: documents from number ``n_docs`` on are its new ones."""
        self.runs: list[list[int]] = []  # the documents of the call's input, as runs [first, last)
        self.call_first = n_docs
        self.matched: dict[str, int] = {}  # ids of stored documents this call's input holds again -> position
        self.new_read = 0  # new documents read by this call

    @property
    def docs(self) -> np.ndarray:
        """The document numbers of the call's input, in input order."""
        if not self.runs:
            return np.zeros(0, dtype=np.int64)
        return np.concatenate([np.arange(a, b, dtype=np.int64) for a, b in self.runs])

    def mark(self, first: int, count: int = 1) -> None:
        """Documents ``first .. first + count - 1`` are next in the input."""
        if self.runs and self.runs[-1][1] == first:
            self.runs[-1][1] += count
        else:
            self.runs.append([first, first + count])

    def check(
        self, batch: list[tuple[str, str]], first_pos: int, inflight: dict[str, int], fields: Sequence[Fields] = ()
    ) -> list[tuple[str, str]]:
        """The batch's new documents: ids seen before in this call (``inflight`` holds the
        positions of ids read but not stored yet) or stored with another text are dropped
        (``dedupe_ids``) or refused; a document whose id and text the index holds from
        before this call is the same document (not added again: its number goes to
        :attr:`input_docs`). ``fields`` (those of the batch's documents) are kept by the
        number of the document each one is: a new one's, or the stored one it is again
        (its result carries the fields of this input's record)."""

        def refuse(did: str, where: str) -> ValueError:
            return ValueError(
                f"duplicate document id {did!r} {where}; make ids unique or pass dedupe_ids=True "
                f"(--dedupe-ids) to keep the first"
            )

        matched = self.matched
        ask = [did for did, _ in batch if did not in inflight and did not in matched]
        stored = self.store.existing_ids(ask) if ask else {}
        before = [n for n in stored.values() if n < self.call_first]
        texts = self.store.texts(before) if before else {}
        out = []
        for k, (did, text) in enumerate(batch):
            pos = first_pos + k
            seen = inflight.get(did, matched.get(did))
            n = stored.get(did)
            if seen is not None:
                why = f"at positions {seen} and {pos}"
            elif n is None:  # new
                inflight[did] = pos
                out.append((did, text))
                self.mark(self.call_first + self.new_read)
                if fields:
                    self.fields.put(self.call_first + self.new_read, fields[k])
                self.new_read += 1
                continue
            elif n >= self.call_first:  # added by this call
                why = f"at position {pos}: the index already holds it (document {n})"
            elif texts[n] == text:  # the same document (say, the run before this one was killed)
                matched[did] = pos
                self.mark(n)
                if fields:
                    self.fields.put(n, fields[k])
                continue
            else:
                why = f"at position {pos}: the index already holds it (document {n}) with another text"
            if not self.dedupe:
                raise refuse(did, why)
            self.skipped += 1
        return out
