"""The HTML report: one self-contained page from result objects (the JSON Lines
report is :mod:`dedup.report_json`).

The HTML page needs no network: styles are inline and there is no script. Per
document it shows the text with every removed span struck through and, beside
it, the kept witness it repeats with the similarity; boilerplate paragraphs are
marked; a summary lists the top boilerplate paragraphs and the largest
document clusters.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from dataclasses import asdict
from typing import IO

from .results import CorpusSummary, DocResult

__all__ = ["write_html"]

_CSS = """
body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:1200px;color:#222;padding:0 1em}
h1{font-size:1.5em} h2{font-size:1.15em;margin-top:2em;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:.5em 0} td,th{border:1px solid #ddd;padding:.25em .5em;text-align:left;vertical-align:top}
.doc{border:1px solid #ccc;border-radius:6px;margin:1em 0;padding:.5em 1em}
.doc h3{margin:.2em 0;font-size:1em}
.p{margin:.15em 0;white-space:pre-wrap;padding:.1em .3em;border-left:4px solid transparent}
.removed{background:#fde2e2;border-left-color:#d33;text-decoration:line-through;text-decoration-color:#d33}
.boiler{background:#fff4cc;border-left-color:#c90}
.why{font-size:.85em;color:#555;margin:0 0 .4em 1.5em;white-space:pre-wrap}
.why q{background:#e3f4e3;quotes:none;padding:0 .2em}
.meta{color:#666;font-size:.9em}
"""


def _esc(s: str) -> str:
    return html.escape(s, quote=True)


def _clip(s: str, n: int = 300) -> str:
    s = " ".join(s.split())
    return s if len(s) <= n else s[: n - 1] + "…"


def write_html(
    f: IO[str], results: Iterable[DocResult], summary: CorpusSummary, *, title: str = "dedup report", max_docs: int = 2000
) -> int:
    """Write the report to ``f``; documents with nothing removed and no
    boilerplate are counted but not shown. Returns the number of documents shown."""
    f.write(f"<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'><title>{_esc(title)}</title>")
    f.write(f"<style>{_CSS}</style></head><body>\n<h1>{_esc(title)}</h1>\n")
    s = asdict(summary)
    f.write("<table>")
    for k in ("documents", "paragraphs", "paragraph_clusters", "document_clusters", "boilerplate_paragraphs"):
        f.write(f"<tr><th>{_esc(k.replace('_', ' '))}</th><td>{s[k]:,}</td></tr>")
    f.write("</table>\n<h2>Top boilerplate</h2><table><tr><th>paragraph</th><th>documents</th><th>stories</th></tr>")
    for top in summary.top_boilerplate:
        f.write(f"<tr><td>{_esc(_clip(top.text))}</td><td>{top.doc_frequency}</td><td>{top.story_frequency}</td></tr>")
    f.write("</table>\n<h2>Largest document clusters</h2><table><tr><th>representative</th><th>documents</th></tr>")
    for c in summary.largest_document_clusters:
        f.write(f"<tr><td>{_esc(c.representative)}</td><td>{c.size}</td></tr>")
    if not summary.largest_document_clusters:
        f.write("<tr><td colspan='2'>no near-duplicate documents</td></tr>")
    f.write("</table>\n<h2>Documents</h2>\n")
    shown = 0
    for r in results:
        boiler = [p for p in r.paragraphs if p.boilerplate]
        if not r.repeats and not boiler:
            continue
        if shown >= max_docs:
            shown += 1
            continue
        shown += 1
        why = {rep.index: rep for rep in r.repeats}
        f.write(
            f"<div class='doc' id='doc-{shown}'><h3>{_esc(r.id)}</h3><div class='meta'>{len(r.repeats)} removed, "
            f"{len(boiler)} boilerplate; document cluster {_esc(r.cluster)} ({r.cluster_size} documents)</div>\n"
        )
        for p in r.paragraphs:
            text = r.text[p.start : p.end]
            cls = "p removed" if p.index in why else ("p boiler" if p.boilerplate else "p")
            f.write(f"<div class='{cls}'>{_esc(text)}</div>")
            if p.index in why:
                rep = why[p.index]
                f.write(
                    f"<div class='why'>repeats [{rep.witness_start}:{rep.witness_end}] "
                    f"<q>{_esc(_clip(r.text[rep.witness_start:rep.witness_end], 200))}</q> — {rep.measure} {rep.similarity:.3f}, "
                    f"block {rep.block}</div>"
                )
            elif p.boilerplate:
                f.write(
                    f"<div class='why'>boilerplate: in {p.doc_frequency} documents of {p.story_frequency} stories; "
                    f"first in {_esc(p.first_doc)} (Jaccard {p.similarity:.3f})</div>"
                )
        f.write("</div>\n")
    if shown > max_docs:
        f.write(f"<p class='meta'>{shown - max_docs} more documents with removals not shown.</p>")
    f.write("</body></html>\n")
    return min(shown, max_docs)
