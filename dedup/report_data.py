"""The data the HTML report embeds (:mod:`dedup.report` writes it into the page).

One compact record per document with something to report, made as the results
stream by, and at the end the corpus figures, the document clusters and the
boilerplate lines. Offsets are in UTF-16 code units, as the page's script reads
strings; everything else the page computes itself (a cluster member's similarity
to its representative, the words that differ).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from typing import Any

from .repeats import Repeat
from .results import DocResult, ParagraphInfo

__all__ = ["ReportData", "utf16_offsets", "EXAMPLES"]

#: Example documents kept per boilerplate line.
EXAMPLES = 5
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_KINDS = {"copy": 0, "contained": 1, "inside": 2, "glued": 3}


def utf16_offsets(text: str, offsets: Iterable[int]) -> list[int]:
    """``offsets`` (code points into ``text``) as UTF-16 code units: each character
    outside the Basic Multilingual Plane before an offset counts twice.

    Examples:
        >>> utf16_offsets("a\\U0001F600b", [0, 1, 2, 3])
        [0, 1, 3, 4]
    """
    offs = list(offsets)
    if not _ASTRAL.search(text):
        return offs
    astral = [m.start() for m in _ASTRAL.finditer(text)]
    return [o + bisect.bisect_left(astral, o) for o in offs]


class ReportData:
    """Collects the report's records: :meth:`add` or :meth:`add_text` per document
    (each returns the record to embed, or ``None`` for a document with nothing to
    report: only its id is kept), then :meth:`meta` once."""

    def __init__(self) -> None:
        self.n_docs = self.chars = self.removed_chars = self.repeats = 0
        self.with_removals = self.with_boilerplate = self.duplicates = 0
        self.records = 0
        self.quiet: list[str] = []
        self.index: dict[str, int] = {}
        self.clusters: dict[str, dict[str, Any]] = {}
        self.lines: dict[int, dict[str, Any]] = {}

    def add(self, r: DocResult) -> dict[str, Any] | None:
        """The record of a corpus document (``None`` when nothing happened to it)."""
        boiler = r.boilerplate
        if not r.repeats and not boiler and r.cluster_size == 1:
            self.count(r.text, r.collapsed, 0)
            self.quiet.append(r.id)
            return None
        rec = self.add_text(r.id, r.text, r.repeats, r.collapsed)
        if r.cluster_size > 1:
            rec["cl"] = self.cluster_of(r, rec["i"])
        if boiler:
            ends = utf16_offsets(r.text, [x for p in boiler for x in (p.start, p.end)])
            rec["bp"] = [[ends[2 * k], ends[2 * k + 1], self.line_of(r, p, rec["i"])] for k, p in enumerate(boiler)]
            self.with_boilerplate += 1
        return rec

    def add_text(self, did: str, text: str, repeats: Iterable[Repeat], collapsed: str | None = None) -> dict[str, Any]:
        """The record of one text and its within-document removals."""
        reps = list(repeats)
        if collapsed is None:
            collapsed = text
            for x in reversed(reps):
                collapsed = collapsed[: x.start] + collapsed[x.end :]
        i = self.records
        self.records += 1
        self.index.setdefault(did, i)
        self.count(text, collapsed, len(reps))
        rec: dict[str, Any] = {"i": i, "id": did, "text": text}
        if reps:
            sizes: dict[int, int] = {}
            for x in reps:
                sizes[x.block] = sizes.get(x.block, 0) + 1
            offs = utf16_offsets(text, [v for x in reps for v in (x.start, x.end, x.witness_start, x.witness_end)])
            rec["rm"] = [
                [*offs[4 * k : 4 * k + 4], round(x.similarity, 3), _KINDS.get(x.kind, 0), sizes[x.block]]
                for k, x in enumerate(reps)
            ]
            rec["rc"] = len(text) - len(collapsed)
            self.with_removals += 1
        return rec

    def count(self, text: str, collapsed: str, repeats: int) -> None:
        """Count one document in the corpus figures."""
        self.n_docs += 1
        self.chars += len(text)
        self.removed_chars += len(text) - len(collapsed)
        self.repeats += repeats

    def cluster_of(self, r: DocResult, i: int) -> int:
        """The number of ``r``'s document cluster in the report (``r``, document ``i``, joins its members)."""
        c = self.clusters.get(r.cluster)
        if c is None:
            c = self.clusters[r.cluster] = {"n": len(self.clusters), "rep": r.cluster, "size": r.cluster_size, "m": []}
        c["m"].append(i)
        if not r.is_representative:
            self.duplicates += 1
        return int(c["n"])

    def line_of(self, r: DocResult, p: ParagraphInfo, i: int) -> int:
        """The number of paragraph ``p``'s boilerplate line (``r``, document ``i``, is one of its examples)."""
        line = self.lines.get(p.cluster)
        if line is None:
            text = " ".join(r.text[p.start : p.end].split())
            line = self.lines[p.cluster] = {
                "n": len(self.lines), "text": text if len(text) <= 300 else text[:299] + "…", "docs": p.doc_frequency, "stories": p.story_frequency,
                "first": p.first_doc, "ex": [], "seen": 0,
            }
        line["seen"] += 1
        if len(line["ex"]) < EXAMPLES and (not line["ex"] or line["ex"][-1] != i):
            line["ex"].append(i)
        return int(line["n"])

    def meta(self, title: str, shingle_size: int = 3, corpus_documents: int | None = None) -> dict[str, Any]:
        """The corpus figures, the clusters (in order of first appearance, each with its
        representative's record number or -1 when it is not in the report) and the
        boilerplate lines (in order of first appearance)."""
        clusters = [
            {"rep": c["rep"], "rd": self.index.get(c["rep"], -1), "size": c["size"], "m": c["m"]}
            for c in self.clusters.values()
        ]
        lines = [
            {"text": x["text"], "docs": x["docs"], "stories": x["stories"], "seen": x["seen"], "ex": x["ex"],
             "first": x["first"], "fd": self.index.get(x["first"], -1)}
            for x in self.lines.values()
        ]
        return {
            "title": title, "shingle": shingle_size, "documents": self.n_docs, "chars": self.chars,
            "removed_chars": self.removed_chars, "repeats": self.repeats, "with_removals": self.with_removals,
            "with_boilerplate": self.with_boilerplate, "duplicates": self.duplicates, "clusters": clusters,
            "lines": lines, "quiet": self.quiet, "corpus_documents": corpus_documents,
        }
