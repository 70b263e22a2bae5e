"""The corpus pipeline at 10^6 paragraphs, this tree against another checkout (``--before``):
the same child as bench_corpus_scale.py, run alternately (before, after, before, ...) on one
input file, so a slow spell of the VM hits both; ratios of medians and the per-round range.

    git worktree add /tmp/before <commit>
    python benchmarks/bench_corpus_vs.py --before /tmp/before --label "issue 20"
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import tempfile

from _common import ROOT, child_json, machine, provenance, save, synthetic_docs, update_docs
from bench_corpus_scale import CHILD


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--before", required=True, help="a checkout of the commit to compare with")
    ap.add_argument("--label", default="before/after", help="what changed (the docs section's title)")
    ap.add_argument("--section", default="corpus_vs", help="the docs/benchmarks.md section (and results file) to write")
    ap.add_argument("--size", type=int, default=1_000_000)
    ap.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--no-docs", action="store_true")
    a = ap.parse_args()
    before = os.path.abspath(a.before)
    commit = subprocess.run(["git", "-C", before, "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    shm = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None
    runs: dict[tuple[str, int], list[dict]] = {}
    with tempfile.TemporaryDirectory(prefix="dedup-bench-", dir=shm) as tmp:
        path = os.path.join(tmp, "docs.jsonl")
        with open(path, "w", encoding="utf-8") as f:
            f.writelines(json.dumps(d) + "\n" for d in synthetic_docs(a.size))
        for _ in range(a.repeat):
            for j in a.jobs:
                for name, root in (("before", before), ("after", str(ROOT))):
                    r = child_json(f"ROOT = {root!r}\n" + CHILD, [path, str(j), "0"], f"{root} jobs={j}")
                    print(name, r, flush=True)
                    runs.setdefault((name, j), []).append(r)
    m = machine()
    rows = []
    for j in a.jobs:
        b, n = runs[("before", j)], runs[("after", j)]
        ratios = sorted(y["seconds"] / x["seconds"] for x, y in zip(b, n))
        # this process's CPU time: all of the work at 1 job (the workers' is not in it at 2)
        cpu = sorted(y["cpu_seconds"] / x["cpu_seconds"] for x, y in zip(b, n)) if j == 1 else []
        rows.append({
            "n_jobs": j, "paragraphs": n[0]["paragraphs"],
            "before_s": statistics.median(r["seconds"] for r in b), "after_s": statistics.median(r["seconds"] for r in n),
            "ratio": statistics.median(ratios), "ratio_range": [ratios[0], ratios[-1]],
            "cpu_ratio": statistics.median(cpu) if cpu else None,
            "before_rss_mb": max(r["peak_rss_mb"] for r in b), "after_rss_mb": max(r["peak_rss_mb"] for r in n),
        })
    save(a.section, {"before": commit, "label": a.label, "rows": rows, "runs": {f"{k[0]}-{k[1]}": v for k, v in runs.items()},
                       "machine": m})
    print(json.dumps(rows, indent=1))
    if a.no_docs:
        return
    table = "\n".join(
        f"| {r['n_jobs']} | {r['paragraphs']:,} | {r['before_s']:.2f} | {r['after_s']:.2f} | {r['ratio']:.3f} "
        f"({r['ratio_range'][0]:.3f}-{r['ratio_range'][1]:.3f}) | {_cpu(r)} | {r['before_rss_mb']:.0f} | {r['after_rss_mb']:.0f} |"
        for r in rows
    )
    update_docs(
        a.section,
        f"""## Corpus scale before and after: {a.label}

The bench_corpus_scale.py child over one synthetic file of {a.size:,} paragraphs, run alternately with
the checkout at `{commit}` (before) and this tree (after), {a.repeat} rounds; medians, the ratio
after/before per round (median and range), at 1 job also of the CPU time (less moved by other
load on the machine than wall time), peak RSS (largest round).

| n_jobs | paragraphs | before s | after s | after/before | CPU after/before | before RSS MB | after RSS MB |
|---|---|---|---|---|---|---|---|
{table}

{provenance(m)}
""",
    )


def _cpu(row: dict) -> str:
    return f"{row['cpu_ratio']:.3f}" if row.get("cpu_ratio") else "-"


if __name__ == "__main__":
    main()
