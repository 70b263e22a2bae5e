"""Incremental adds on real text (issue 22): ``--base`` documents built as bench_real_scale.py
builds them, indexed once; then, each in a fresh process and alternating: the ``--add`` documents
after them deduplicated alone (no index), and the same documents added to a copy of the base
index (open, add, results of the added documents). Median wall time, peak RSS (the process or
its largest worker), and whether the added documents' results equal those of one run over the
union from scratch (clusters named by document id, boilerplate flags, collapsed texts).

    python benchmarks/bench_incremental.py --base 65000 --add 1000
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import tempfile

from _common import ROOT, child_json, machine, provenance, save, update_docs
from bench_real_scale import build

CHILD = r"""
import hashlib, json, resource, sys, time
sys.path.insert(0, ROOT)
import dedup
from dedup.io import iter_jsonl
mode, path, index, jobs = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
docs = [d for _, d in iter_jsonl(path)]
skip = int(sys.argv[5]) if len(sys.argv) > 5 else 0
t = time.perf_counter()
with dedup.Corpus(index=None if index == "-" else index, n_jobs=jobs) as c:
    c.add(docs)
    h = hashlib.sha256()
    for r in c.results(docs=c.input_docs[skip:]):
        h.update(json.dumps([r.id, r.cluster, r.collapsed, [p.boilerplate for p in r.paragraphs]]).encode())
dt = time.perf_counter() - t
rss = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
print(json.dumps({"mode": mode, "docs": len(docs), "seconds": dt, "peak_rss_mb": rss / 1024, "digest": h.hexdigest()}))
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--base", type=int, default=65_000)
    ap.add_argument("--add", type=int, default=1_000)
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--no-docs", action="store_true")
    ap.add_argument("--quick", action="store_true", help="a small run, no docs (for the tests)")
    a = ap.parse_args()
    if a.quick:
        a.base, a.add, a.repeat, a.no_docs = 300, 30, 1, True
    shm = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None
    runs: dict[str, list[dict]] = {"alone": [], "incremental": []}
    with tempfile.TemporaryDirectory(prefix="dedup-bench-", dir=shm) as tmp:
        union, base, added = (os.path.join(tmp, f) for f in ("union.jsonl", "base.jsonl", "added.jsonl"))
        build(union, a.base + a.add)
        with open(union, encoding="utf-8") as f, open(base, "w", encoding="utf-8") as b, \
                open(added, "w", encoding="utf-8") as d:
            for k, line in enumerate(f):
                (b if k < a.base else d).write(line)
        index = os.path.join(tmp, "base.sqlite")
        made = child_json(f"ROOT = {str(ROOT)!r}\n" + CHILD, ["base", base, index, str(a.jobs)], "base index")
        print(made, flush=True)
        scratch = child_json(f"ROOT = {str(ROOT)!r}\n" + CHILD, ["scratch", union, "-", str(a.jobs), str(a.base)],
                             "union from scratch")
        print(scratch, flush=True)
        for _ in range(a.repeat):
            r = child_json(f"ROOT = {str(ROOT)!r}\n" + CHILD, ["alone", added, "-", str(a.jobs)], "alone")
            print(r, flush=True)
            runs["alone"].append(r)
            work = os.path.join(tmp, "work.sqlite")
            shutil.copyfile(index, work)
            r = child_json(f"ROOT = {str(ROOT)!r}\n" + CHILD, ["incremental", added, work, str(a.jobs)], "incremental")
            os.remove(work)
            print(r, flush=True)
            runs["incremental"].append(r)
    m = machine()
    alone = statistics.median(r["seconds"] for r in runs["alone"])
    inc = statistics.median(r["seconds"] for r in runs["incremental"])
    row = {
        "base": a.base, "add": a.add, "n_jobs": a.jobs, "base_seconds": made["seconds"],
        "base_rss_mb": made["peak_rss_mb"], "alone_s": alone, "incremental_s": inc, "ratio": inc / alone,
        "alone_rss_mb": max(r["peak_rss_mb"] for r in runs["alone"]),
        "incremental_rss_mb": max(r["peak_rss_mb"] for r in runs["incremental"]),
        "equal_to_scratch": all(r["digest"] == scratch["digest"] for r in runs["incremental"]),
    }
    save("incremental_quick" if a.quick else f"incremental_{a.base}", {"row": row, "runs": runs, "scratch": scratch, "machine": m})
    print(json.dumps(row, indent=1))
    if a.no_docs:
        return
    update_docs(
        f"incremental_{a.base}",
        f"""## Incremental adds on real text (issue 22)

{a.add:,} documents added to an index of {a.base:,} (both built as in the side-by-side real-text
benchmark: the shared corpus replicated with one word edited per copy), {a.jobs} job(s), {a.repeat}
alternating rounds, each a fresh process: the {a.add:,} deduplicated alone (a temporary index), and
added to a copy of the stored index (open it, add them, read their results). Peak RSS: the process
or its largest worker. "Equal": the added documents' results (cluster named by document id,
boilerplate flags, collapsed text) are those of one run over all {a.base + a.add:,} from scratch.
Building the base index took {made['seconds']:.1f} s ({made['peak_rss_mb']:.0f} MB, its input read into a list first).

| alone s | incremental s | incremental / alone | alone RSS MB | incremental RSS MB | equal to from scratch |
|---|---|---|---|---|---|
| {alone:.2f} | {inc:.2f} | {inc / alone:.1f} | {row['alone_rss_mb']:.0f} | {row['incremental_rss_mb']:.0f} | {'yes' if row['equal_to_scratch'] else 'NO'} |

{provenance(m)}""",
    )


if __name__ == "__main__":
    main()
