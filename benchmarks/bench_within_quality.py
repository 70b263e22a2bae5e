"""Within-document quality on the shared sets, scored by the reference scorer
(../shared/eval/score.py) at the default config: the synthetic set (within.jsonl)
with both scorers (`within`: lines; `spans`: words) and the real scraped documents
(real_within.jsonl, `spans`), per source too; and a probe of scripts without
spaces: real lines of those scripts with scattered one-letter edits (found?) and
all distinct such lines in one text (any removed?). The scorer's errors files are
written to benchmarks/results/ (within_errors.jsonl, within_spans_errors.jsonl,
real_within_errors.jsonl): read them.

    python benchmarks/bench_within_quality.py
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time

import regex
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


_NOSPACE = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Thai}]")
_NUMERAL = regex.compile(r"\p{Numeric_Type=Numeric}")


def _nospace_probe(seed: int = 0) -> dict:
    """Edited copies of real lines of scripts without spaces: each line of 30 or more
    characters, most of them letters of such scripts, then an unrelated line, then the
    line with ``n`` letters replaced at positions at least three apart (closer edits
    read as one change of two or three letters, which stays by the information rule);
    replacements are letters of the same lines that are not numerals. Recall is the
    share of edited copies removed. Then all distinct lines in one text: removals
    there are between different lines (read them in the results file)."""
    import dedup

    lines: set[str] = set()
    with open(SHARED / "eval" / "real_within.jsonl", encoding="utf-8") as f:
        for rec in map(json.loads, f):
            for ln in (rec.get("text") or rec.get("input") or "").splitlines():
                ln = ln.strip()
                if len(ln) >= 30 and len(_NOSPACE.findall(ln)) > 0.6 * len(ln):
                    lines.add(ln)
    pool = sorted({c for ln in lines for c in ln if _NOSPACE.match(c) and not _NUMERAL.match(c)})
    ordered = sorted(lines)
    rng = random.Random(seed)
    found: dict[int, list[int]] = {}
    for n in (1, 2, 3):
        hits = 0
        for k, ln in enumerate(ordered):
            where = [i for i, c in enumerate(ln) if _NOSPACE.match(c)]
            picked: list[int] = []
            for i in rng.sample(where, len(where)):
                if all(abs(i - j) >= 3 for j in picked):
                    picked.append(i)
                if len(picked) == n:
                    break
            cs = list(ln)
            for i in picked:
                cs[i] = rng.choice([c for c in pool if c != cs[i]])
            copy, other = "".join(cs), ordered[(k + len(ordered) // 2) % len(ordered)]
            hits += copy not in dedup.collapse(f"{ln}\n{other}\n{copy}\n").splitlines()
        found[n] = [hits, len(ordered)]
    reps = dedup.find_repeats("\n".join(ordered) + "\n")
    return {"lines": len(ordered), "edited_found": found,
            "distinct_removed": [[ordered[r.witness_index], ordered[r.index]] for r in reps]}


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
    probe = _nospace_probe()
    seconds = time.perf_counter() - t
    m = machine()
    save("within_quality_quick" if a.quick else "within_quality",
         {"score": res, "spans": spans, "real": real, "nospace": probe, "seconds": seconds, "machine": m})
    print(json.dumps({"within": res, "spans": {k: v for k, v in spans.items() if k != "by_source"},
                      "real": {k: v for k, v in real.items() if k != "by_source"},
                      "nospace": {k: v for k, v in probe.items() if k != "distinct_removed"},
                      "nospace_distinct_removed": len(probe["distinct_removed"])}))
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

Scripts without spaces (real lines of Han, kana and Thai from real_within.jsonl, each followed by
another line and then a copy with scattered one-letter edits; see the script):

| letters edited | 1 | 2 | 3 | distinct lines removed |
|---|---|---|---|---|
| copies found, of {probe['lines']} | {' | '.join(f"{h} ({h / t:.1%})" for h, t in probe['edited_found'].values())} | {len(probe['distinct_removed'])} |

With letter trigrams for those scripts (main at 80bb2a8, this probe, same day): 135 (100.0%), 103
(76.3%), 81 (60.0%), 0.

The scorer's errors files are in `benchmarks/results/` (`within_errors.jsonl`,
`within_spans_errors.jsonl`, `real_within_errors.jsonl`). Held-out sets built and labeled the same
way are scored separately; the method is not fitted to these documents.

{provenance(m)}
""",
        )


if __name__ == "__main__":
    main()
