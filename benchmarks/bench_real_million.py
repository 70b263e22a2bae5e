"""Real text at 10^6 documents on one machine (issue 22): does the full pipeline complete,
what is its peak RSS, and how does the time per document at the largest size compare with
that at the smallest, with 1 and 2 jobs.

The corpora are built as bench_real_scale.py builds them (``../shared/eval/corpus.jsonl``
replicated with new ids and one word edited per copy), each size once, written to /dev/shm
where there is one (untimed). Each run is a fresh process: :func:`dedup.dedupe` at the
default config over the JSON Lines file; wall time, peak RSS (the process or its largest
worker) and the pairwise F1 of the document clusters against the stories.

    python benchmarks/bench_real_million.py --sizes 10000 1000000 --jobs 1 2
    python benchmarks/bench_real_million.py --quick   # 500 and 2,000 documents, 1 job, no docs
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile

from _common import ROOT, child_json, machine, provenance, save, update_docs
from bench_real_scale import PREAMBLE, TOOLS, build, pair_f1


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 1_000_000])
    ap.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--budget-mb", type=float, default=4096, help="the peak RSS target")
    ap.add_argument("--no-docs", action="store_true")
    ap.add_argument("--quick", action="store_true", help="a small run, no docs (for the tests)")
    a = ap.parse_args()
    if a.quick:
        a.sizes, a.jobs, a.no_docs = [500, 2000], [1], True
    shm = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None
    runs = []
    code = f"ROOT = {str(ROOT)!r}\n" + PREAMBLE + TOOLS["dedup"]
    for n in sorted(a.sizes):
        with tempfile.TemporaryDirectory(prefix="dedup-bench-", dir=shm) as tmp:
            path = os.path.join(tmp, "corpus.jsonl")
            truth = build(path, n)
            for jobs in a.jobs:
                labels = os.path.join(tmp, "labels.json")
                r = child_json(code, [path, str(jobs), labels], f"dedup over {n} documents, {jobs} job(s)")
                with open(labels, encoding="utf-8") as f:
                    r["pair_f1"] = round(pair_f1(json.load(f), truth), 4)
                del r["labels"]
                r.update(n_jobs=jobs, ms_per_doc=1000 * r["seconds"] / n)
                print(r, flush=True)
                runs.append(r)
    m = machine()
    save("real_million_quick" if a.quick else "real_million", {"runs": runs, "machine": m, "budget_mb": a.budget_mb})
    if not a.no_docs:
        write_docs(runs, a.budget_mb, m)


def write_docs(runs: list[dict], budget: float, m: dict) -> None:
    small = {r["n_jobs"]: r for r in runs if r["docs"] == min(x["docs"] for x in runs)}
    rows = [f"| {r['docs']:,} | {r['n_jobs']} | {r['seconds']:.1f} | {r['ms_per_doc']:.3f} | "
            f"{r['ms_per_doc'] / small[r['n_jobs']]['ms_per_doc']:.2f} | {r['peak_rss_mb']:.0f} | "
            f"{'yes' if r['peak_rss_mb'] <= budget else 'no'} | {r['pair_f1']} |" for r in runs]
    md = f"""## Real text at 10^6 documents (issue 22)

`../shared/eval/corpus.jsonl` replicated (new ids, one word edited per copy), one fresh process
per run: the full pipeline (`dedup.dedupe`, default config). "Per doc / smallest": the time per
document against that of the smallest size with the same jobs; "within budget": peak RSS (the
process or its largest worker) at most {budget:.0f} MB.

| documents | n_jobs | wall s | ms per doc | per doc / smallest | peak RSS MB | within budget | pair F1 vs stories |
|---|---|---|---|---|---|---|---|
{chr(10).join(rows)}

{provenance(m)}
"""
    update_docs("real_million", md)


if __name__ == "__main__":
    main()
