"""The size of `dedup corpus --report` (JSON Lines) against the input's, on the shared corpora:
each input run through the command line, its report's bytes and lines counted.

    python benchmarks/bench_reports.py
    python benchmarks/bench_reports.py --no-crawl   # only eval/corpus.jsonl
    python benchmarks/bench_reports.py --quick      # 200 documents of corpus.jsonl, no docs update
"""

from __future__ import annotations

import argparse
import gzip
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from _common import SHARED, machine, provenance, save, update_docs


def plain_copy(src: Path, dst: Path, limit: int | None) -> int:
    """Write ``src`` uncompressed (its first ``limit`` lines) to ``dst``; returns the documents."""
    opener = gzip.open if src.suffix == ".gz" else open
    n = 0
    with opener(src, "rt", encoding="utf-8") as f, open(dst, "w", encoding="utf-8") as out:
        for line in f:
            if limit is not None and n >= limit:
                break
            if line.strip():
                out.write(line)
                n += 1
    return n


def measure(src: Path, plain: Path, docs: int, tmp: Path) -> dict:
    report = tmp / "report.jsonl"
    p = subprocess.run([sys.executable, "-m", "dedup", "corpus", str(src), "-o", str(tmp / "out.jsonl"), "-q",
                        "--report", str(report)], capture_output=True, text=True)
    if p.returncode:
        raise SystemExit(p.stderr)
    lines = report.read_text(encoding="utf-8").splitlines()
    kinds = [json.loads(line)["record"] for line in lines]
    return {"input": src.name, "documents": docs, "input_bytes": plain.stat().st_size,
            "input_file_bytes": src.stat().st_size, "report_bytes": report.stat().st_size,
            "document_lines": kinds.count("document"), "summary_bytes": len(lines[0].encode("utf-8")) + 1}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--no-crawl", action="store_true", help="skip eval/crawl.jsonl.gz (the larger one)")
    ap.add_argument("--no-docs", action="store_true")
    ap.add_argument("--quick", action="store_true", help="200 documents of corpus.jsonl; results to *_quick.json")
    a = ap.parse_args()
    inputs = [SHARED / "eval" / "corpus.jsonl"] + ([] if a.no_crawl or a.quick else [SHARED / "eval" / "crawl.jsonl.gz"])
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        t = Path(tmp)
        for src in inputs:
            if not src.exists():
                raise SystemExit(f"{src} not found: this benchmark needs ../shared/eval")
            plain = t / "input.jsonl"  # the uncompressed input: what the ratio is taken against
            docs = plain_copy(src, plain, 200 if a.quick else None)
            rows.append(measure(plain if a.quick else src, plain, docs, t))
            rows[-1]["input"] = src.name
            print(json.dumps(rows[-1]))
    m = machine()
    save("reports_quick" if a.quick else "reports", {"rows": rows, "machine": m})
    if a.no_docs or a.quick:
        return
    lines = ["| input | documents | input (uncompressed) | report | report / input | document lines |",
             "|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(
            f"| `{r['input']}` | {r['documents']:,} | {r['input_bytes']:,} B | {r['report_bytes']:,} B "
            f"| {r['report_bytes'] / r['input_bytes']:.3f} | {r['document_lines']:,} |"
        )
    update_docs("reports", f"""## Report size

`dedup corpus IN -o OUT.jsonl --report REPORT.jsonl` at the default config: the JSON Lines report
(a summary line, then one line per document with removals, a near-duplicate cluster or boilerplate,
as offsets into the input: no copy of the text) against the uncompressed input. "Document lines"
counts the documents reported (those with nothing to report get no line). The JSON report this
replaced held each document's collapsed text and every paragraph's evidence: 2.2× the input.

{chr(10).join(lines)}

{provenance(m)}
""")


if __name__ == "__main__":
    main()
