"""Corpus quality on ../shared/eval/corpus.jsonl: runs the corpus pipeline, writes
the predictions file score.py reads, and scores it.

    python benchmarks/bench_corpus_quality.py
    python benchmarks/bench_corpus_quality.py --doc-threshold 0.5 --no-docs
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time

from _common import RESULTS, SHARED, machine, provenance, save, update_docs

import dedup
from dedup.io import write_atomic


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    d = dedup.Config()
    ap.add_argument("--threshold", type=float, default=d.threshold)
    ap.add_argument("--doc-threshold", type=float, default=d.doc_threshold)
    ap.add_argument("--boilerplate-min", type=int, default=d.boilerplate_min)
    ap.add_argument("--n-jobs", type=int, default=1)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--no-docs", action="store_true")
    a = ap.parse_args()
    corpus = SHARED / "eval" / "corpus.jsonl"
    if not corpus.exists():
        raise SystemExit(f"{corpus} not found: this benchmark needs ../shared/eval")
    cfg = dedup.Config(threshold=a.threshold, doc_threshold=a.doc_threshold, boilerplate_min=a.boilerplate_min)
    docs = [json.loads(line) for line in open(corpus, encoding="utf-8")]
    t = time.perf_counter()
    preds = []
    for r in dedup.dedupe(docs, cfg, n_jobs=a.n_jobs):
        preds.append(
            {
                "id": r.id,
                "doc_cluster": r.cluster,
                "paragraph_clusters": [p.cluster for p in r.paragraphs],
                "boilerplate": [p.boilerplate for p in r.paragraphs],
                "collapsed": r.collapsed,
            }
        )
    seconds = time.perf_counter() - t
    RESULTS.mkdir(parents=True, exist_ok=True)
    pred_path = RESULTS / ("corpus_predictions_quick.jsonl" if a.quick else "corpus_predictions.jsonl")
    write_atomic(pred_path, "".join(json.dumps(p, ensure_ascii=False) + "\n" for p in preds))
    p = subprocess.run(
        [sys.executable, str(SHARED / "eval" / "score.py"), "corpus", str(SHARED / "eval" / "corpus_truth.jsonl"),
         str(pred_path), "--errors", str(RESULTS / "corpus_errors.jsonl")],
        capture_output=True, text=True,
    )
    if p.returncode:
        raise SystemExit(p.stderr)
    score = json.loads(p.stdout.strip().splitlines()[-1])
    m = machine()
    save("corpus_quality_quick" if a.quick else "corpus_quality", {"score": score, "seconds": seconds, "config": vars(a), "machine": m})
    print(json.dumps(score))
    print(f"{len(docs)} documents in {seconds:.2f} s; predictions in {pred_path}")
    if not (a.quick or a.no_docs):
        update_docs(
            "corpus_quality",
            f"""## Corpus quality (dev set)

`dedup.dedupe` over `../shared/eval/corpus.jsonl` ({len(docs)} documents) at the default config
(`threshold={cfg.threshold}`, `doc_threshold={cfg.doc_threshold}`, `boilerplate_min={cfg.boilerplate_min}`),
predictions scored by `score.py corpus`. Targets: document-cluster ARI ≥ 0.95, paragraph-cluster
pairwise F1 ≥ 0.97, boilerplate F1 ≥ 0.95, collapse exact match ≥ 0.99.

| doc-cluster ARI | doc pairs F1 | paragraph-cluster ARI | paragraph pairs F1 | boilerplate P / R / F1 | collapse exact match | seconds |
|---|---|---|---|---|---|---|
| {score['doc_cluster_ari']} | {score['doc_pairs']['f1']} | {score['paragraph_cluster_ari']} | {score['paragraph_pairs']['f1']} | {score['boilerplate']['precision']} / {score['boilerplate']['recall']} / {score['boilerplate']['f1']} | {score['collapse_exact_match']} | {seconds:.2f} |

{provenance(m)}
""",
        )


if __name__ == "__main__":
    main()
