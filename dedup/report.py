"""The HTML report: one self-contained page (the JSON Lines report is :mod:`dedup.report_json`).

The page needs no network (its Content-Security-Policy forbids any): the style and
a small script are inline, and the findings are embedded as JSON (see
:mod:`dedup.report_data`; the documents' records gzipped, :class:`Packed`), which the
script renders a page at a time: an overview
with a chart, the documents (filtered by what happened to them, searched by id or
text), each document with its removals struck through beside the kept copy, the
near-duplicate document clusters with the words that differ highlighted, and the
boilerplate lines. Text and ids reach the page only as JSON and are shown as text.
"""

from __future__ import annotations

import base64
import html
import json
import os
import re
import zlib
from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from typing import IO, Any

from .config import Config, resolve
from .io import dumps_json
from .repeats import ExplainedText
from .report_data import ReportData
from .results import CorpusSummary, DocResult

__all__ = ["write_html", "write_text_html", "script_json", "html_written", "read_html_data", "Packed"]

_CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:"
_NAV = (("overview", "Overview"), ("docs", "Documents"), ("clusters", "Duplicate documents"),
        ("boilerplate", "Boilerplate lines"))
_LEGEND = (
    ("removed", "removed: repeats text kept earlier in the same document"),
    ("kept", "kept copy that a removed paragraph repeats"),
    ("boiler", "boilerplate: a line recurring under many different stories (kept unless --strip-boilerplate)"),
    ("ins", "words only in this near-duplicate"),
    ("del", "words only in the cluster's kept document"),
)


def _asset(name: str) -> str:
    return resources.files("dedup").joinpath(f"data/{name}").read_text(encoding="utf-8")


def script_json(obj: Any) -> str:
    """``obj`` as JSON that cannot end the ``<script>`` element holding it: ``<``, ``>``
    and ``&`` (found only inside strings) written as ``\\u`` escapes.

    Examples:
        >>> script_json({"t": "</script>&"})
        '{"t":"\\\\u003c/script\\\\u003e\\\\u0026"}'
    """
    s = dumps_json(obj, separators=(",", ":"))
    return s.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


class Packed:
    """A text stream gzipped and base64-encoded into ``f`` as it is written (the page's
    script unpacks it with the browser's ``DecompressionStream``): about half the JSON's
    size, and nothing in it can end the ``<script>`` element."""

    def __init__(self, f: IO[str]):
        self.f = f
        self.z = zlib.compressobj(1, zlib.DEFLATED, 31)  # (gzip, its time stamp 0: deterministic; level 1: fast)
        self.rest = b""

    def write(self, s: str) -> None:
        self.emit(self.z.compress(s.encode("utf-8")))

    def emit(self, b: bytes) -> None:
        b = self.rest + b
        n = len(b) // 3 * 3
        self.f.write(base64.b64encode(b[:n]).decode("ascii"))
        self.rest = b[n:]

    def close(self) -> None:
        self.emit(self.z.flush())
        self.f.write(base64.b64encode(self.rest).decode("ascii"))
        self.rest = b""


def read_html_data(page: str) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The records and the figures a report page embeds (``page`` is its HTML text):
    what its script draws, as Python objects."""
    docs = re.search(r"<script type='application/octet-stream' id='dedup-docs'>([^<]*)</script>", page)
    meta = re.search(r"<script type='application/json' id='dedup-meta'>([^<]*)</script>", page)
    if docs is None or meta is None:
        raise ValueError("not a dedup HTML report: it has no embedded findings (dedup-docs, dedup-meta)")
    text = zlib.decompress(base64.b64decode(docs.group(1)), 31).decode("utf-8")
    return json.loads(text), json.loads(meta.group(1))


def html_written(path: str) -> str:
    """The words telling where the HTML report went, with the address to open."""
    if path == "-" or not os.path.isfile(path):
        return f"wrote the HTML report to {path}"
    return f"wrote the HTML report to {path} (open {Path(path).resolve().as_uri()} in a browser)"


def _head(f: IO[str], title: str, single: bool = False) -> None:
    t = html.escape(title, quote=True)
    f.write(
        f"<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        f"<meta http-equiv='Content-Security-Policy' content=\"{_CSP}\">"
        f"<meta name='viewport' content='width=device-width,initial-scale=1'><title>{t}</title>"
        f"<style>{_asset('report.css')}</style></head><body>\n<header><h1>{t}</h1>"
    )
    if not single:
        f.write("<nav>" + "".join(f"<a href='#{k}' data-view='{k}'>{v}</a>" for k, v in _NAV) + "</nav>")
    f.write("<div class='legend'>")
    f.write("".join(f"<span><i class='sw {k}'></i>{html.escape(v)}</span>" for k, v in _LEGEND[: 2 if single else None]))
    f.write(
        "</div></header>\n<svg id='svg-ns' hidden></svg><main id='app'><noscript>This report needs JavaScript (it is inline: nothing is "
        "downloaded). The JSON Lines report (--report) holds the same findings.</noscript></main>\n"
        "<script type='application/octet-stream' id='dedup-docs'>"
    )


def _tail(f: IO[str], meta: dict[str, Any]) -> None:
    f.write("</script>\n<script type='application/json' id='dedup-meta'>")
    f.write(script_json(meta))
    f.write(f"</script>\n<script>{_asset('report.js')}</script>\n</body></html>\n")


def write_html(
    f: IO[str], results: Iterable[DocResult], summary: CorpusSummary | None = None, *, title: str = "dedup report",
    config: Config | None = None,
) -> int:
    """Write the corpus report to ``f``: every document is counted and searchable by id;
    those with a removal, a near-duplicate or boilerplate are embedded with their text.
    ``summary`` gives the number of documents in the whole corpus (an index may hold
    more than ``results``); ``config`` is the corpus's (the page names its shingle size
    and boilerplate threshold). Returns the number of documents embedded."""
    data = ReportData()
    _head(f, title)
    packed, sep = Packed(f), "["
    for r in results:
        rec = data.add(r)
        if rec is not None:
            packed.write(sep + dumps_json(rec, separators=(",", ":")))
            sep = ",\n"
    packed.write("[]" if sep == "[" else "]")
    packed.close()
    cfg = resolve(config)
    meta = data.meta(title, cfg.shingle_size, summary.documents if summary is not None else None)
    meta.update(boilerplate_min=cfg.boilerplate_min, doc_threshold=cfg.doc_threshold)
    _tail(f, meta)
    return data.records


def write_text_html(
    f: IO[str], ex: ExplainedText, *, name: str = "document", title: str = "dedup report", config: Config | None = None
) -> None:
    """Write the report of one collapsed text (``dedup collapse --report-html``) to ``f``:
    the text with every removed span struck through beside the kept copy it repeats;
    ``name`` is the document's name on the page."""
    data = ReportData()
    _head(f, title, single=True)
    packed = Packed(f)
    packed.write("[" + dumps_json(data.add_text(name, ex.text, ex.repeats, ex.collapsed), separators=(",", ":")) + "]")
    packed.close()
    meta = data.meta(title, resolve(config).shingle_size)
    meta["single"] = True
    _tail(f, meta)
