"""End-to-end within-document collapse throughput: the evaluation documents
(within.jsonl + corpus.jsonl, or synthetic ones) repeated to at least --mb MB,
collapsed in batches by 1 and by 2 processes; MB/s, documents/s, peak RSS.

    python benchmarks/bench_throughput.py               # >= 100 MB
    python benchmarks/bench_throughput.py --quick
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

from _common import ROOT, SHARED, machine, provenance, save, update_docs

CHILD = r"""
import json, resource, sys, time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
sys.path.insert(0, ROOT); sys.path.insert(0, ROOT + "/benchmarks")
from _common import collapse_batch_chars as work

def batches(docs, mb, size=400):
    total, batch = 0, []
    while total < mb * 1e6:
        for d in docs:
            batch.append(d)
            total += len(d.encode("utf-8"))
            if len(batch) == size:
                yield batch
                batch = []
            if total >= mb * 1e6:
                break
    if batch:
        yield batch

if __name__ == "__main__":
    mb, procs = float(sys.argv[1]), int(sys.argv[2])
    if SHARED_OK:
        docs = [json.loads(l)["text"] for name in ("within.jsonl", "corpus.jsonl")
                for l in open(SHARED + "/eval/" + name, encoding="utf-8")]
    else:
        from _common import synthetic_docs
        docs = [d["text"] for d in synthetic_docs(50000)]
    work(docs[:10])
    n_docs = n_bytes = out = 0
    if procs == 1:
        t = time.perf_counter()
        for b in batches(docs, mb):
            out += work(b); n_docs += len(b); n_bytes += sum(len(x.encode("utf-8")) for x in b)
    else:
        with ProcessPoolExecutor(procs, mp_context=get_context("spawn")) as pool:
            list(pool.map(work, [docs[:10]] * procs))  # workers started and warm before the clock
            t = time.perf_counter()
            for b, o in zip(batches(docs, mb), pool.map(work, batches(docs, mb))):
                out += o; n_docs += len(b); n_bytes += sum(len(x.encode("utf-8")) for x in b)
    dt = time.perf_counter() - t
    rss = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    print(json.dumps({"processes": procs, "mb": n_bytes / 1e6, "docs": n_docs, "seconds": dt, "mb_per_s": n_bytes / 1e6 / dt,
                      "docs_per_s": n_docs / dt, "peak_rss_mb": rss / 1024, "out_chars": out}))
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mb", type=float, default=100.0)
    ap.add_argument("--processes", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--no-docs", action="store_true")
    a = ap.parse_args()
    if a.quick:
        a.mb, a.no_docs = 2.0, True
    shared_ok = (SHARED / "eval" / "within.jsonl").exists()
    runs = []
    for p in a.processes:
        code = f"ROOT = {str(ROOT)!r}; SHARED = {str(SHARED)!r}; SHARED_OK = {shared_ok}\n" + CHILD
        proc = subprocess.run([sys.executable, "-c", code, str(a.mb), str(p)], capture_output=True, text=True, cwd=ROOT)
        if proc.returncode:
            raise SystemExit(proc.stderr)
        r = json.loads(proc.stdout.strip().splitlines()[-1])
        print(r, flush=True)
        runs.append(r)
    m = machine()
    save("throughput_quick" if a.quick else "throughput", {"runs": runs, "machine": m})
    if a.no_docs:
        return
    rows = "\n".join(
        f"| {r['processes']} | {r['mb']:.0f} | {r['docs']:,} | {r['seconds']:.1f} | {r['mb_per_s']:.2f} | {r['docs_per_s']:.0f} | {r['peak_rss_mb']:.0f} |"
        for r in runs
    )
    speedup = runs[0]["seconds"] / runs[-1]["seconds"] if len(runs) > 1 else 1.0
    update_docs(
        "throughput",
        f"""## Within-document collapse throughput

The evaluation documents ({'`within.jsonl` + `corpus.jsonl`' if shared_ok else 'synthetic'}) repeated to ≥ {a.mb:.0f} MB, collapsed in
batches of 400 through the same kernel as `dedup.collapse`; one process, or a pool of worker
processes (spawn, started and warmed before the clock). Peak RSS is the larger of the parent and its workers.

| processes | MB | documents | seconds | MB/s | documents/s | peak RSS MB |
|---|---|---|---|---|---|---|
{rows}

{len(runs)} processes vs 1: {speedup:.2f}× as fast.

{provenance(m)}
""",
    )


if __name__ == "__main__":
    main()
