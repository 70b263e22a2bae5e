"""Threshold and shingle-size sweep: within-document precision/recall over threshold
0.30-0.95 and shingle sizes 1-5 (score.py's definitions), and corpus scores over the
document threshold. The default config is read off these curves (plot: plot.py).

    python benchmarks/bench_sweep.py
    python benchmarks/bench_sweep.py --quick
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from _common import SHARED, machine, provenance, save, scorer, update_docs

import dedup
from dedup.collapse import analyze, cut_repeats


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--thresholds", type=float, nargs="+", default=[round(x, 2) for x in np.arange(0.30, 0.951, 0.05)])
    ap.add_argument("--shingles", type=int, nargs="+", default=[1, 2, 3, 4, 5])
    ap.add_argument("--doc-thresholds", type=float, nargs="+", default=[0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--no-docs", action="store_true")
    a = ap.parse_args()
    if not (SHARED / "eval" / "score.py").exists():
        raise SystemExit("this sweep needs ../shared/eval (score.py, within.jsonl, corpus.jsonl)")
    score = scorer()
    cases = score.read_jsonl(str(SHARED / "eval" / "within.jsonl"))
    if a.quick:
        cases, a.thresholds, a.shingles, a.doc_thresholds, a.no_docs = cases[:100], [0.5, 0.75], [3], [0.4], True
    texts = [c["text"] for c in cases]
    within = []
    t0 = time.perf_counter()
    for k in a.shingles:
        for t in a.thresholds:
            cfg = dedup.Config(threshold=t, shingle_size=k)
            an = analyze(texts, cfg)
            out = {c["id"]: cut_repeats(x, r) for c, x, r in zip(cases, texts, an.repeats)}
            res = score.score_within(cases, out, None)
            within.append({"shingle_size": k, "threshold": t, **res})
            print(k, t, res["removal_precision"], res["removal_recall"], res["doc_exact_match"], flush=True)
    docs = score.read_jsonl(str(SHARED / "eval" / "corpus.jsonl"))
    truth = score.read_jsonl(str(SHARED / "eval" / "corpus_truth.jsonl"))
    if a.quick:
        keep = {d["id"] for d in docs[:150]}
        docs, truth = [d for d in docs if d["id"] in keep], [t for t in truth if t["id"] in keep]
    corpus = []
    for dt in a.doc_thresholds:
        pred = {
            r.id: {"id": r.id, "doc_cluster": r.cluster, "paragraph_clusters": [p.cluster for p in r.paragraphs],
                   "boilerplate": [p.boilerplate for p in r.paragraphs], "collapsed": r.collapsed}
            for r in dedup.dedupe(docs, dedup.Config(doc_threshold=dt))
        }
        res = score.score_corpus(truth, pred, None)
        corpus.append({"doc_threshold": dt, **res})
        print("doc", dt, res["doc_cluster_ari"], res["doc_pairs"], flush=True)
    m = machine()
    save("sweep_quick" if a.quick else "sweep", {"within": within, "corpus": corpus, "seconds": time.perf_counter() - t0, "machine": m})
    if a.no_docs:
        return
    d = dedup.Config()
    grid = {(r["shingle_size"], r["threshold"]): r for r in within}
    head = "| threshold | " + " | ".join(f"k={k} P / R / exact" for k in a.shingles) + " |"
    rows = "\n".join(
        f"| {t:.2f} | " + " | ".join(
            f"{grid[k, t]['removal_precision']:.4f} / {grid[k, t]['removal_recall']:.4f} / {grid[k, t]['doc_exact_match']:.3f}"
            for k in a.shingles) + " |"
        for t in a.thresholds
    )
    crow = "\n".join(
        f"| {r['doc_threshold']:.1f} | {r['doc_cluster_ari']} | {r['doc_pairs']['precision']} | {r['doc_pairs']['recall']} | "
        f"{r['boilerplate']['f1']} |" for r in corpus
    )
    perfect = [r["threshold"] for r in within if r["shingle_size"] == d.shingle_size
               and r["removal_precision"] == 1.0 and r["removal_recall"] == 1.0]
    update_docs(
        "sweep",
        f"""## Threshold and shingle sweep (dev set)

Within-document removal precision / recall / document exact match on `within.jsonl` for each
Jaccard threshold and shingle size `k` (words per shingle); scored with `score.py`'s definitions.
Plot: `docs/img/sweep.png` (made by `python benchmarks/plot.py`).

![sweep](img/sweep.png)

{head}
|---|{"---|" * len(a.shingles)}
{rows}

With `k={d.shingle_size}`, precision and recall are both 1.0 for thresholds {min(perfect) if perfect else '-'}–{max(perfect) if perfect else '-'}
on this set. The default `threshold={d.threshold}` sits at the top of that plateau: it is the
labeling rule's own boundary (a lightly edited copy keeps Jaccard ≥ 0.75 of word 3-grams), so a
lower threshold buys no recall here and only risks merging distinct paragraphs (the `near_miss`
cases sit below 0.55), while a higher one starts to miss edited copies.

Document clusters on `corpus.jsonl` by `doc_threshold` (Jaccard of the documents' shingles after
collapse, without boilerplate):

| doc_threshold | doc-cluster ARI | pair precision | pair recall | boilerplate F1 |
|---|---|---|---|---|
{crow}

The default `doc_threshold={d.doc_threshold}` keeps precision at 1.0 with recall near 1; lower
values merge nothing more here but make LSH candidates (and the risk of merging distinct stories on
one topic) grow fast, higher ones split re-published copies that dropped or edited paragraphs.

{provenance(m)}
""",
    )


if __name__ == "__main__":
    main()
