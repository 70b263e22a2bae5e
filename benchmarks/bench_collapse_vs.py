"""Within-document collapse time of this tree against a baseline revision, in
alternating runs (baseline, current, baseline, ...) so that a drift of the machine's
speed hits both alike; the ratio is taken round by round and its median reported.

Cases: those of bench_collapse_scale.py (the within.jsonl documents, and large and
pathological inputs: 10^6 lines, a 10 MB paragraph twice, a 10^5-line body twice) at
--scale, each in a fresh process; peak RSS is each process's own.

    python benchmarks/bench_collapse_vs.py --baseline 02e1cfb
    python benchmarks/bench_collapse_vs.py --baseline HEAD~1 --rounds 3 --scale 0.2 --no-docs
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import tempfile

from _common import ROOT, SHARED, child_json, machine, provenance, save, update_docs
from bench_collapse_scale import CASES, CHILD


def run(tree: str, case: str, scale: float) -> dict:
    """One case of bench_collapse_scale.py in a fresh process, ``dedup`` imported from ``tree``."""
    return child_json(f"ROOT = {tree!r}; SHARED = {str(SHARED)!r}\n" + CHILD, [case, str(scale)], f"{case} on {tree}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--baseline", required=True, help="a git revision of this repository")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--scale", type=float, default=1.0, help="size of the large cases (1.0: 10^6 lines, 10 MB)")
    ap.add_argument("--no-docs", action="store_true")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as base:
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", a.baseline, "dedup"], capture_output=True, check=True)
        subprocess.run(["tar", "-x", "-C", base], input=archive.stdout, check=True)
        cases = [c for c in CASES if c != "news_within_jsonl" or (SHARED / "eval" / "within.jsonl").exists()]
        rounds = []
        for r in range(a.rounds):
            old = {c: run(base, c, a.scale) for c in cases}
            new = {c: run(str(ROOT), c, a.scale) for c in cases}
            if not all(x["correct"] for x in new.values()):
                raise SystemExit(f"a wrong answer: {new}")
            rounds.append((old, new))
            print(f"round {r + 1}:", {k: round(new[k]["seconds"] / old[k]["seconds"], 3) for k in new})
    rows = []
    for case in rounds[0][1]:
        ratios = [n[case]["seconds"] / o[case]["seconds"] for o, n in rounds]
        cpu = [n[case]["cpu_seconds"] / o[case]["cpu_seconds"] for o, n in rounds]
        rows.append({
            "case": case,
            "mb": rounds[0][1][case]["mb"],
            "baseline_s": statistics.median(o[case]["seconds"] for o, _ in rounds),
            "current_s": statistics.median(n[case]["seconds"] for _, n in rounds),
            "baseline_rss_mb": max(o[case]["peak_rss_mb"] for o, _ in rounds),
            "current_rss_mb": max(n[case]["peak_rss_mb"] for _, n in rounds),
            "ratio_median": statistics.median(ratios),
            "ratio_min": min(ratios),
            "ratio_max": max(ratios),
            "cpu_ratio_median": statistics.median(cpu),
            "cpu_ratio_min": min(cpu),
            "cpu_ratio_max": max(cpu),
        })
    m = machine()
    path = save("collapse_vs", {"baseline": a.baseline, "rounds": a.rounds, "scale": a.scale, "cases": rows, "machine": m})
    print(f"wrote {path}")
    for row in rows:
        print(row)
    if not a.no_docs:
        table = "\n".join(
            f"| {r['case']} | {r['mb']:.1f} | {r['baseline_s']:.2f} | {r['current_s']:.2f} | "
            f"{r['ratio_median']:.2f} ({r['ratio_min']:.2f}-{r['ratio_max']:.2f}) | "
            f"{r['cpu_ratio_median']:.2f} ({r['cpu_ratio_min']:.2f}-{r['cpu_ratio_max']:.2f}) | "
            f"{r['baseline_rss_mb']:.0f} / {r['current_rss_mb']:.0f} |"
            for r in rows
        )
        update_docs(
            "collapse_vs",
            f"""## Within-document collapse against a baseline revision

This tree against `{a.baseline}`, {a.rounds} alternating rounds in fresh processes (times exclude
start-up); the ratio is current / baseline per round, median (min-max), of wall time and of the
process's CPU time (steadier when other jobs share the machine); every answer checked.

| case | MB | baseline s | current s | ratio | CPU ratio | peak RSS MB (baseline / current) |
|---|---|---|---|---|---|---|
{table}

{provenance(m)}
""",
        )


if __name__ == "__main__":
    main()
