"""Within-document quality on ../shared/eval/within.jsonl, scored by the reference
scorer (../shared/eval/score.py), at the default config; every wrong line is
written to benchmarks/results/within_errors.jsonl.

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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="score only; do not update the docs")
    ap.add_argument("--no-docs", action="store_true")
    a = ap.parse_args()
    score = SHARED / "eval" / "score.py"
    cases = SHARED / "eval" / "within.jsonl"
    if not score.exists():
        raise SystemExit(f"{score} not found: this benchmark needs ../shared/eval")
    RESULTS.mkdir(parents=True, exist_ok=True)
    errors = RESULTS / "within_errors.jsonl"
    t = time.perf_counter()
    p = subprocess.run(
        [sys.executable, str(score), "within", str(cases), "--call", "dedup:collapse", "--errors", str(errors)],
        capture_output=True, text=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    if p.returncode:
        raise SystemExit(p.stderr)
    res = json.loads(p.stdout.strip().splitlines()[-1])
    res["seconds"] = time.perf_counter() - t
    m = machine()
    save("within_quality_quick" if a.quick else "within_quality", {"score": res, "machine": m})
    print(json.dumps(res))
    if not (a.quick or a.no_docs):
        update_docs(
            "within_quality",
            f"""## Within-document quality (dev set)

`score.py within ../shared/eval/within.jsonl --call dedup:collapse` at the default config
(targets: precision ≥ 0.999, recall ≥ 0.99, no clean document changed, no line altered):

| cases | removal precision | removal recall | false removals | missed removals | altered lines | doc exact match | clean docs changed |
|---|---|---|---|---|---|---|---|
| {res['cases']} | {res['removal_precision']} | {res['removal_recall']} | {res['false_removals']} | {res['missed_removals']} | {res['altered_lines']} | {res['doc_exact_match']} | {res['clean_docs_changed']} of {res['clean_docs']} |

Wrong lines, if any, are in `benchmarks/results/within_errors.jsonl`. A held-out set built the same
way is scored separately; the method is not fitted to these cases (see the note on the threshold in
the docs of `dedup.Config`).

{provenance(m)}
""",
        )


if __name__ == "__main__":
    main()
