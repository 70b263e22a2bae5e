"""Within-document quality on the shared sets, scored by the reference scorer
(../shared/eval/score.py) at the default config: the synthetic set (within.jsonl)
with both scorers (`within`: lines; `spans`: words) and the real scraped documents
(real_within.jsonl, `spans`), per source too. The scorer's errors files are
written to benchmarks/results/ (within_errors.jsonl, within_spans_errors.jsonl,
real_within_errors.jsonl): read them.

    python benchmarks/bench_within_quality.py
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

from _common import RESULTS, ROOT, SHARED, machine, provenance, save, update_docs


def _score(mode: str, cases: str, errors: str) -> dict:
    score = SHARED / "eval" / "score.py"
    p = subprocess.run(
        [sys.executable, str(score), mode, str(SHARED / "eval" / cases), "--call", "dedup:collapse",
         "--errors", str(RESULTS / errors)],
        capture_output=True, text=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    if p.returncode:
        raise SystemExit(p.stderr)
    return json.loads(p.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="score only; do not update the docs")
    ap.add_argument("--no-docs", action="store_true")
    a = ap.parse_args()
    if not (SHARED / "eval" / "score.py").exists():
        raise SystemExit(f"{SHARED / 'eval' / 'score.py'} not found: this benchmark needs ../shared/eval")
    RESULTS.mkdir(parents=True, exist_ok=True)
    t = time.perf_counter()
    res = _score("within", "within.jsonl", "within_errors.jsonl")
    spans = _score("spans", "within.jsonl", "within_spans_errors.jsonl")
    real = _score("spans", "real_within.jsonl", "real_within_errors.jsonl")
    seconds = time.perf_counter() - t
    m = machine()
    save("within_quality_quick" if a.quick else "within_quality",
         {"score": res, "spans": spans, "real": real, "seconds": seconds, "machine": m})
    print(json.dumps({"within": res, "spans": {k: v for k, v in spans.items() if k != "by_source"},
                      "real": {k: v for k, v in real.items() if k != "by_source"}}))
    if not (a.quick or a.no_docs):
        def row(name: str, r: dict) -> str:
            return (f"| {name} | {r['cases']} | {r['word_precision']} | {r['word_recall']} | {r['doc_exact_match']} | "
                    f"{r['clean_docs_changed']} of {r['clean_docs']} | {r['altered_docs']} |")

        by_source = "\n".join(
            f"| {src} | {v['docs']} | {v['precision']} | {v['recall']} |" for src, v in sorted(real["by_source"].items())
        )
        update_docs(
            "within_quality",
            f"""## Within-document quality (dev sets)

Synthetic set, lines (`score.py within ../shared/eval/within.jsonl --call dedup:collapse`; targets:
precision ≥ 0.999, recall ≥ 0.99, no clean document changed, no line altered):

| cases | removal precision | removal recall | false removals | missed removals | altered lines | doc exact match | clean docs changed |
|---|---|---|---|---|---|---|---|
| {res['cases']} | {res['removal_precision']} | {res['removal_recall']} | {res['false_removals']} | {res['missed_removals']} | {res['altered_lines']} | {res['doc_exact_match']} | {res['clean_docs_changed']} of {res['clean_docs']} |

Words removed (`score.py spans ...`; real-document targets: precision ≥ 0.99, recall ≥ 0.95, doc exact
match ≥ 0.9, no clean document changed):

| set | documents | word precision | word recall | doc exact match | clean docs changed | altered docs |
|---|---|---|---|---|---|---|
{row("synthetic (within.jsonl)", spans)}
{row("real scraped (real_within.jsonl)", real)}

Real documents by source (word precision and recall of removals):

| source | documents | precision | recall |
|---|---|---|---|
{by_source}

The scorer's errors files are in `benchmarks/results/` (`within_errors.jsonl`,
`within_spans_errors.jsonl`, `real_within_errors.jsonl`). Held-out sets built and labeled the same
way are scored separately; the method is not fitted to these documents.

{provenance(m)}
""",
        )


if __name__ == "__main__":
    main()
