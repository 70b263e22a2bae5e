"""The corpus report as JSON Lines, small enough to keep beside the corpus.

The first line is the summary record; then one line per document that has
something to report (a removal, a near-duplicate document, a boilerplate
paragraph), in input order. Spans are offsets into the document's input text,
which the report does not copy: the input (or ``DocResult.to_dict()``) has it.

Examples:
    >>> import dedup, io, json
    >>> rs = list(dedup.dedupe(["A line of well over eight words, said twice.\\n" * 2, "Ya."]))
    >>> f = io.StringIO()
    >>> write_report(f, rs, dedup.CorpusSummary(2, 3, 2, 2, 0, (), ()))
    1
    >>> [json.loads(line)["record"] for line in f.getvalue().splitlines()]
    ['summary', 'document']
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import IO, Any

from .io import dumps_json
from .results import CorpusSummary, DocResult

__all__ = ["summary_record", "summary_line", "doc_record", "doc_line", "write_report"]

_COMPACT = (",", ":")  # (no spaces: a fifth of the report's size)


def summary_record(
    summary: CorpusSummary, skipped_lines: Iterable[str] = (), skipped_duplicate_ids: int = 0
) -> dict[str, Any]:
    """The report's first line: the corpus summary (its lists of objects with named
    fields), the malformed input lines skipped (``file:line``) and the ids skipped."""
    return {
        "record": "summary",
        "summary": summary.to_dict(),
        "skipped_lines": list(skipped_lines),
        "skipped_duplicate_ids": skipped_duplicate_ids,
    }


def summary_line(
    summary: CorpusSummary, skipped_lines: Iterable[str] = (), skipped_duplicate_ids: int = 0
) -> str:
    """:func:`summary_record` as a line of JSON."""
    return dumps_json(summary_record(summary, skipped_lines, skipped_duplicate_ids), separators=_COMPACT) + "\n"


def doc_record(r: DocResult) -> dict[str, Any] | None:
    """One document's line, or ``None`` when it has nothing to report. ``removed``:
    the spans collapse cut, each with the kept witness span it repeats;
    ``boilerplate``: the boilerplate paragraphs' spans with their document and story
    frequencies and the document their cluster first appeared in; ``cluster``: the
    representative of its near-duplicate document cluster (when that has more than one
    document)."""
    boiler = r.boilerplate
    if not r.repeats and not boiler and r.cluster_size == 1:
        return None
    rec: dict[str, Any] = {
        "record": "document",
        "id": r.id,
        "chars": len(r.text),
        "removed_chars": len(r.text) - len(r.collapsed),
        "cluster": r.cluster,
        "cluster_size": r.cluster_size,
    }
    if r.repeats:
        rec["removed"] = [
            {"start": x.start, "end": x.end, "witness_start": x.witness_start, "witness_end": x.witness_end,
             "similarity": round(x.similarity, 6), "kind": x.kind, "block": x.block}
            for x in r.repeats
        ]
    if boiler:
        rec["boilerplate"] = [
            {"start": p.start, "end": p.end, "doc_frequency": p.doc_frequency, "story_frequency": p.story_frequency,
             "first_doc": p.first_doc}
            for p in boiler
        ]
    return rec


def doc_line(r: DocResult) -> str:
    """:func:`doc_record` of ``r`` as a line of JSON, or ``""`` when it has nothing to report."""
    rec = doc_record(r)
    return "" if rec is None else dumps_json(rec, separators=_COMPACT) + "\n"


def write_report(
    f: IO[str], results: Iterable[DocResult], summary: CorpusSummary, skipped_lines: Iterable[str] = (),
    skipped_duplicate_ids: int = 0,
) -> int:
    """Write the report to ``f``: the summary line, then a line per document with
    something to report; returns the number of document lines."""
    f.write(summary_line(summary, skipped_lines, skipped_duplicate_ids))
    n = 0
    for r in results:
        line = doc_line(r)
        if line:
            f.write(line)
            n += 1
    return n
