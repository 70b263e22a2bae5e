"""Corpus pipeline scaling: 10^4, 10^5, 10^6 paragraphs, n_jobs 1 and 2; wall time and peak RSS.

Each run is a fresh process (peak RSS is its own, ru_maxrss of the process and its
children) that streams a JSONL file of synthetic news-like documents
(benchmarks/_common.synthetic_docs: re-published stories, footers, ad lines,
links, bodies scraped twice) through dedup.dedupe with a temporary index. The
file is written once per size before the runs (untimed): the timed loop reads
and parses it line by line (dedup.io.iter_jsonl), as a user's input would be,
instead of timing the generator's per-paragraph random draws.

Every size runs ``--repeat`` rounds, each round every n_jobs in turn (1, 2, 1, 2, ...),
so a slow spell of this shared VM hits both; the table gives the median of the rounds
and the ratio of medians, with the range of the per-round ratios.

    python benchmarks/bench_corpus_scale.py
    python benchmarks/bench_corpus_scale.py --sizes 10000 --jobs 1 --quick
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile

from _common import ROOT, child_json, machine, provenance, save, synthetic_docs, update_docs

CHILD = r"""
import json, resource, sys, time
sys.path.insert(0, ROOT)
import dedup
from dedup.io import iter_jsonl
path, jobs, evidence = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "1"
t, cpu = time.perf_counter(), time.process_time()
docs = paras = removed = boiler = 0
clusters = set()
for r in dedup.dedupe((doc for _, doc in iter_jsonl(path)), n_jobs=jobs):
    docs += 1
    paras += len(r.paragraphs)
    removed += len(r.repeats)
    clusters.add(r.cluster)
    if evidence:  # every paragraph's ParagraphInfo object made and read
        boiler += sum(p.boilerplate for p in r.paragraphs)
    else:
        boiler += len(r.boilerplate)
dt, cpu = time.perf_counter() - t, time.process_time() - cpu
rss = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
print(json.dumps({"paragraphs": paras, "docs": docs, "n_jobs": jobs, "evidence": evidence, "seconds": dt, "cpu_seconds": cpu, "us_per_paragraph": dt / paras * 1e6,
                  "peak_rss_mb": rss / 1024, "removed": removed, "boilerplate": boiler, "doc_clusters": len(clusters)}))
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    ap.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--evidence-sizes", type=int, nargs="*", default=[1_000_000],
                    help="sizes also run with a consumer that reads every paragraph's ParagraphInfo")
    ap.add_argument("--repeat", type=int, default=7, help="rounds per size (median reported)")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--no-docs", action="store_true")
    a = ap.parse_args()
    if a.quick:
        a.sizes, a.jobs, a.evidence_sizes, a.no_docs, a.repeat = [5_000], [1, 2], [5_000], True, 1
    runs = []
    # in memory where the system has it (/dev/shm): this VM drops files on disk from its page
    # cache within minutes, and the runs would time reading the disk
    shm = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None
    with tempfile.TemporaryDirectory(prefix="dedup-bench-", dir=shm) as tmp:
        for n, ev in [(n, False) for n in a.sizes] + [(n, True) for n in a.evidence_sizes]:
            path = os.path.join(tmp, f"{n}.jsonl")
            if not os.path.exists(path):  # the input, written once per size (untimed)
                with open(path, "w", encoding="utf-8") as f:
                    f.writelines(json.dumps(d) + "\n" for d in synthetic_docs(n))
            for rnd, j in ((rnd, j) for rnd in range(a.repeat) for j in a.jobs):
                res = child_json(f"ROOT = {str(ROOT)!r}\n" + CHILD, [path, str(j), str(int(ev))], f"n={n} jobs={j}")
                res["round"] = rnd
                print(res, flush=True)
                runs.append(res)
    m = machine()
    save("corpus_scale_quick" if a.quick else "corpus_scale", {"runs": runs, "machine": m})
    if not a.no_docs:
        write_docs(runs, m)


def _median_rows(runs: list[dict]) -> list[dict]:
    """One row per (size, evidence, n_jobs): the median round, with every round's seconds."""
    groups: dict[tuple, list[dict]] = {}
    for r in runs:
        groups.setdefault((r["evidence"], r["paragraphs"], r["n_jobs"]), []).append(r)
    rows = []
    for (_, _, _), rs in sorted(groups.items()):
        secs = sorted(r["seconds"] for r in rs)
        med = statistics.median(secs)
        row = dict(min(rs, key=lambda r: abs(r["seconds"] - med)))
        row.update(seconds=med, us_per_paragraph=med / row["paragraphs"] * 1e6, all_seconds=secs,
                   peak_rss_mb=max(r["peak_rss_mb"] for r in rs))
        rows.append(row)
    return rows


def write_docs(runs: list[dict], m: dict) -> None:
    med = _median_rows(runs)
    rows = "\n".join(
        f"| {r['paragraphs']:,} | {r['docs']:,} | {r['n_jobs']} | {'all' if r['evidence'] else 'boilerplate'} | "
        f"{r['seconds']:.1f} | {' / '.join(f'{x:.1f}' for x in r['all_seconds'])} | {r['us_per_paragraph']:.0f} | "
        f"{r['peak_rss_mb']:.0f} |" for r in med
    )
    lines = []
    for ev in (False, True):
        for j in (1, 2):
            s = [r for r in med if r["n_jobs"] == j and r["evidence"] == ev]
            if len(s) >= 2:
                lines.append(f"- n_jobs={j}: time per paragraph at {s[-1]['paragraphs']:,} is "
                             f"{s[-1]['us_per_paragraph'] / s[0]['us_per_paragraph']:.2f}× that at {s[0]['paragraphs']:,}")
        for r1 in (r for r in med if r["n_jobs"] == 1 and r["evidence"] == ev):
            for r2 in (r for r in med if r["n_jobs"] == 2 and r["evidence"] == ev and r["paragraphs"] == r1["paragraphs"]):
                paired = [a["seconds"] / b["seconds"] for a in runs for b in runs
                          if a["n_jobs"] == 1 and b["n_jobs"] == 2 and a["evidence"] == b["evidence"] == ev
                          and a["paragraphs"] == b["paragraphs"] == r1["paragraphs"] and a["round"] == b["round"]]
                lines.append(f"- {r1['paragraphs']:,} paragraphs, evidence read: {'all' if ev else 'boilerplate'}: "
                             f"2 jobs are {r1['seconds'] / r2['seconds']:.2f}× as fast as 1 (median of each; "
                             f"per round {min(paired):.2f}-{max(paired):.2f}×)")
    update_docs(
        "corpus_scale",
        f"""## Corpus pipeline scaling

`dedup.dedupe` end to end (ingest, index, verify, cluster, stream every result) over synthetic
news-like documents, read line by line from a JSONL file (`dedup.io.iter_jsonl`; the file is
written before the runs, so the timed loop parses the input instead of generating it); one fresh
process per run; peak RSS is the larger of the process and its worker processes. The loop reads each result's collapsed text,
cluster, repeats and boilerplate paragraphs ("evidence read: boilerplate"); a document's
`ParagraphInfo` objects are made when first read, and the "all" rows read every one of them.
A worker starts when the second batch (documents 257 on) is read and takes batches once it has
started, a few tenths of a second later; this process works on meanwhile.
Targets: 10^6 paragraphs in < 2 min on 2 cores, peak RSS < 2 GB, time per paragraph at 10^6 within
1.3× of 10^4, 2 jobs ≥ 1.7× faster than 1 (the "boilerplate" rows; the "all" row also makes a
million `ParagraphInfo` objects, about a second that only the calling process can spend). This shared VM's timings vary by about ±20% between runs
of the same code, so each size runs several alternating rounds (1 job, 2 jobs, 1 job, ...) and
the table gives the median (peak RSS: the largest of the rounds). The VM (Firecracker, with free
page reporting) hands memory that a process frees back to its host, so each large array made anew
costs host page faults: the worker processes keep their freed memory for reuse
(`dedup.corpus.keep_heap`), the calling process, whose allocator a library leaves alone, does not.

| paragraphs | documents | n_jobs | evidence read | seconds (median) | every round | µs / paragraph | peak RSS MB |
|---|---|---|---|---|---|---|---|
{rows}

{chr(10).join(lines)}

{provenance(m)}
""",
    )

if __name__ == "__main__":
    main()
