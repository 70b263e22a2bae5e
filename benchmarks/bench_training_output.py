"""What the training-data modes of `dedup corpus` remove from the shared corpora, and the
report's size against the input's: each mode run through the command line, its output read back.

    python benchmarks/bench_training_output.py
    python benchmarks/bench_training_output.py --no-crawl   # only eval/corpus.jsonl
    python benchmarks/bench_training_output.py --quick      # 200 documents of corpus.jsonl, no docs update
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

MODES = {"default": [], "--drop-duplicates": ["--drop-duplicates"],
         "--drop-duplicates --strip-boilerplate": ["--drop-duplicates", "--strip-boilerplate"]}


def count(path: Path) -> tuple[int, int]:
    """(documents, characters of text) of a JSONL file (gzip by its suffix)."""
    opener = gzip.open if path.suffix == ".gz" else open
    docs = chars = 0
    with opener(path, "rt", encoding="utf-8") as f:
        for line in f:
            if line.strip():
                docs += 1
                chars += len(json.loads(line)["text"])
    return docs, chars


def run(src: Path, out: Path, flags: list[str]) -> dict:
    p = subprocess.run([sys.executable, "-m", "dedup", "corpus", str(src), "-o", str(out), *flags,
                        "--report", f"{out}.report.jsonl"],
                       capture_output=True, text=True)
    if p.returncode:
        raise SystemExit(p.stderr)
    docs, chars = count(out)
    return {"documents": docs, "characters": chars, "last_line": p.stderr.strip().splitlines()[-1],
            "report_bytes": Path(f"{out}.report.jsonl").stat().st_size}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--no-crawl", action="store_true", help="skip eval/crawl.jsonl.gz (the larger one)")
    ap.add_argument("--no-docs", action="store_true")
    ap.add_argument("--quick", action="store_true", help="200 documents of corpus.jsonl; results to *_quick.json")
    a = ap.parse_args()
    inputs = [SHARED / "eval" / "corpus.jsonl"] + ([] if a.no_crawl or a.quick else [SHARED / "eval" / "crawl.jsonl.gz"])
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for src in inputs:
            if not src.exists():
                raise SystemExit(f"{src} not found: this benchmark needs ../shared/eval")
            if a.quick:
                head = Path(tmp) / "corpus_head.jsonl"
                with open(src, encoding="utf-8") as f:
                    head.write_text("".join(line for _, line in zip(range(200), f)), encoding="utf-8")
                src = head
            docs, chars = count(src)
            plain = Path(tmp) / "input.jsonl"  # the input's uncompressed size, for the report ratio
            with (gzip.open if src.suffix == ".gz" else open)(src, "rb") as f:
                plain.write_bytes(f.read())
            for mode, flags in MODES.items():
                r = run(src, Path(tmp) / "out.jsonl", flags)
                rows.append({"input": src.name, "input_documents": docs, "input_characters": chars,
                             "input_bytes": plain.stat().st_size, "mode": mode, **r})
                print(json.dumps(rows[-1]))
    m = machine()
    save("training_output_quick" if a.quick else "training_output", {"rows": rows, "machine": m})
    if a.no_docs or a.quick:
        return
    lines = ["| input | mode | documents written | documents removed | characters written | characters removed | report / input |",
             "|---|---|---|---|---|---|---|"]
    for r in rows:
        dd, dc = r["input_documents"] - r["documents"], r["input_characters"] - r["characters"]
        lines.append(
            f"| `{r['input']}` ({r['input_documents']} docs) | {r['mode']} | {r['documents']} | {dd} "
            f"({dd / r['input_documents']:.1%}) | {r['characters']:,} | {dc:,} ({dc / r['input_characters']:.1%}) "
            f"| {r['report_bytes'] / r['input_bytes']:.2f}x |"
        )
    update_docs("training_output", f"""## Training-data outputs

`dedup corpus IN -o OUT.jsonl` at the default config in each mode: by default every document is
written, collapsed (later copies of repeated blocks cut); `--drop-duplicates` writes one document per
document cluster (its representative, collapsed); `--strip-boilerplate` also cuts boilerplate
paragraphs. "Removed" counts against the input; "report / input" is the size of the JSON Lines
report (`--report PATH`) over the uncompressed input.

{chr(10).join(lines)}

{provenance(m)}
""")


if __name__ == "__main__":
    main()
