"""The HTML report (`--report-html`): its size and the time to write it, on the shared eval
corpus and on a 10^4-document corpus made from it (each document copied with a few words
changed, so that most fall into near-duplicate clusters); with chromium, also the time the
page takes to open and to answer a search.

    python benchmarks/bench_report_html.py
    python benchmarks/bench_report_html.py --quick   # 100 and 500 documents, no browser, no docs update
"""

from __future__ import annotations

import argparse
import io
import json
import random
import re
import tempfile
import time
from pathlib import Path

from _common import ROOT, SHARED, machine, median, provenance, save, update_docs

import dedup
from dedup.report import write_html

WORD = re.compile(r"\w+")


def read_docs(path: Path, limit: int | None = None) -> list[tuple[str, str]]:
    docs = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                rec = json.loads(line)
                docs.append((str(rec["id"]), rec["text"]))
                if limit is not None and len(docs) >= limit:
                    break
    return docs


def grown(docs: list[tuple[str, str]], n: int, seed: int = 0) -> list[tuple[str, str]]:
    """``n`` documents: ``docs``, then copies of them with about one word in 25 replaced."""
    rnd, out, k = random.Random(seed), list(docs), 0
    while len(out) < n:
        k += 1
        for did, text in docs:
            if len(out) >= n:
                break
            changed = WORD.sub(lambda m, k=k: f"x{k}{m.group()}" if rnd.random() < 0.04 else m.group(), text)
            out.append((f"{did}-copy{k}", changed))
    return out


def measure(name: str, docs: list[tuple[str, str]], repeat: int) -> tuple[dict, str]:
    with dedup.Corpus() as c:
        c.add(docs)
        summary, results = c.summary(), list(c.results())
    times, page = [], ""
    for _ in range(repeat):
        f = io.StringIO()
        t = time.perf_counter()
        embedded = write_html(f, results, summary, title=f"dedup report: {name}")
        times.append(time.perf_counter() - t)
        page = f.getvalue()
    size = len(page.encode("utf-8"))
    text = sum(len(t.encode("utf-8")) for _, t in docs)
    return {"input": name, "documents": len(docs), "embedded": embedded, "input_text_bytes": text,
            "report_bytes": size, "write_seconds": median(times)}, page


def open_times(page: str, tmp: Path, name: str) -> dict:
    """Milliseconds to open the page (script done) and to show a search's results in chromium."""
    import sys

    sys.path.insert(0, str(ROOT))
    from tests.cdp import Browser, find_browser

    exe = find_browser()
    if exe is None:
        return {}
    path = tmp / f"{name}.html"
    path.write_text(page, encoding="utf-8")
    with Browser(exe, tmp / f"profile-{name}") as b:
        opens = []
        for k in range(3):  # (a query string makes each a fresh load)
            t = time.perf_counter()
            b.open(f"{path.as_uri()}?{k}")
            b.wait("!!document.querySelector('.cards')")
            opens.append(time.perf_counter() - t)
        opened = median(opens)
        b.eval("location.hash = 'docs'")
        b.wait("!!document.getElementById('search')")
        t = time.perf_counter()
        b.eval("{ const q = document.getElementById('search'); q.value = 'zzqq'; q.dispatchEvent(new Event('input')) }")
        b.wait("document.getElementById('results').innerText.includes('No document matches')")
        searched = time.perf_counter() - t
        heap = b.eval("performance.memory ? performance.memory.usedJSHeapSize : null")
    return {"open_ms": round(1000 * opened), "search_ms": round(1000 * searched), "js_heap_mb": heap and round(heap / 2**20)}


def ratios(rows: list[dict]) -> str:
    """The range of the report / input ratios, in words."""
    lo, hi = (f"{f(r['report_bytes'] / r['input_text_bytes'] for r in rows):.2f}" for f in (min, max))
    return f"{lo}×" if lo == hi else f"{lo}–{hi}×"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="100 and 500 documents; results to *_quick.json")
    ap.add_argument("--no-docs", action="store_true")
    a = ap.parse_args()
    src = SHARED / "eval" / "corpus.jsonl"
    if not src.exists():
        raise SystemExit(f"{src} not found: this benchmark needs ../shared/eval")
    base, n = read_docs(src, 100 if a.quick else None), 500 if a.quick else 10_000
    sets = [(src.name, base), (f"{src.name} grown to {n:,}", grown(base, n))]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for k, (name, docs) in enumerate(sets):
            row, page = measure(name, docs, 1 if a.quick else 3)
            if not a.quick:
                row.update(open_times(page, Path(tmp), f"set{k}"))
            rows.append(row)
            print(json.dumps(row))
    m = machine()
    save("report_html_quick" if a.quick else "report_html", {"rows": rows, "machine": m})
    if a.quick or a.no_docs:
        return
    lines = ["| input | documents | embedded | input text | report | report / input | write | open in chromium | search |",
             "|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(
            f"| `{r['input']}` | {r['documents']:,} | {r['embedded']:,} | {r['input_text_bytes'] / 1e6:.2f} MB "
            f"| {r['report_bytes'] / 1e6:.2f} MB | {r['report_bytes'] / r['input_text_bytes']:.2f} "
            f"| {r['write_seconds']:.2f} s | {r.get('open_ms', '–')} ms | {r.get('search_ms', '–')} ms |"
        )
    update_docs("report_html", f"""## HTML report: size and speed

`write_html` (what `dedup corpus ... --report-html PATH` runs) on the shared eval corpus and on
10^4 documents made from it (each document copied with one word in 25 changed: most documents
fall into near-duplicate clusters; copies far apart in the file gain little from gzip). "Embedded": documents with a finding, whose text the page
holds (the others are counted, and searchable by id). "Write": the median of three runs, the
corpus already clustered. "Open": chromium (headless, this machine) from navigation until the
overview is drawn, the median of three loads; "search": from a search being typed until its (empty) result list is drawn,
over every embedded text (150 ms of it is the pause the page waits for typing to stop). The
2-core machine was shared with other jobs while measured: the times vary up to 2× between runs.

{chr(10).join(lines)}

**Size bound**: the page is 26 kB (style and script), the figures, clusters and boilerplate lines
as JSON, and the embedded documents' records (text, id, removals and boilerplate lines as offsets,
each document once) as gzip (level 1) in base64: {ratios(rows)} the input's text here. It grows linearly with the corpus, and at worst (text gzip cannot shrink) base64 makes it
about 1.4× the input's text. Whatever the size, documents are drawn 50 at a time; a page of a few
10^4 documents (tens of MB) opens in seconds. For larger corpora read the JSON Lines report
(`--report`: offsets, no text) or make the page from a sample.

{provenance(m)}
""")


if __name__ == "__main__":
    main()
