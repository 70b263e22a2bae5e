"""Corpus clusters and boilerplate on real crawls: the shared three-day news crawl scored by
``score.py crawl``, and ``corpus.jsonl`` with every document copied k times (new ids, with
and without a dateline per copy), scored by document-cluster ARI against the stories and by
whether the boilerplate flags stay those of k = 1.

    python benchmarks/bench_crawl.py
    python benchmarks/bench_crawl.py --ks 1,5 --no-docs
"""

from __future__ import annotations

import argparse
import gzip
import json
import subprocess
import sys
import time

from _common import RESULTS, SHARED, machine, provenance, save, scorer, update_docs

import dedup
from dedup.io import write_atomic

EVAL = SHARED / "eval"


def crawl_score(cfg: dedup.Config) -> tuple[dict, float]:
    """``score.py crawl`` of the shared crawl deduplicated at ``cfg``, and the seconds taken."""
    with gzip.open(EVAL / "crawl.jsonl.gz", "rt", encoding="utf-8") as f:
        docs = [json.loads(line) for line in f]
    t = time.perf_counter()
    preds = [
        {"id": r.id, "doc_cluster": r.cluster, "boilerplate": [p.boilerplate for p in r.paragraphs]}
        for r in dedup.dedupe(docs, cfg)
    ]
    seconds = time.perf_counter() - t
    RESULTS.mkdir(parents=True, exist_ok=True)
    pred_path = RESULTS / "crawl_predictions.jsonl"
    write_atomic(pred_path, "".join(json.dumps(p, ensure_ascii=False) + "\n" for p in preds))
    p = subprocess.run(
        [sys.executable, str(EVAL / "score.py"), "crawl", str(EVAL / "crawl_truth.jsonl"), str(EVAL / "crawl.jsonl.gz"),
         str(pred_path), "--errors", str(RESULTS / "crawl_errors.jsonl")],
        capture_output=True, text=True,
    )
    if p.returncode:
        raise SystemExit(p.stderr)
    return json.loads(p.stdout.strip().splitlines()[-1]), seconds


def copied(docs: list[dict], k: int, dateline: bool) -> list[dict]:
    """Every document of ``docs`` ``k`` times under new ids, each copy with its own dateline
    (``dateline``) before the first line."""
    out = []
    for j in range(k):
        for d in docs:
            text = f"Jakarta ({j + 1}/12) - {d['text']}" if dateline else d["text"]
            out.append({"id": f"{d['id']}#{j}", "text": text})
    return out


def copies_score(cfg: dedup.Config, ks: list[int], dateline: bool) -> list[dict]:
    """Per k: document-cluster ARI against the stories and the share of copies whose
    boilerplate flags differ from those of the document at k = 1."""
    truth = [json.loads(line) for line in open(EVAL / "corpus_truth.jsonl", encoding="utf-8")]
    docs = [json.loads(line) for line in open(EVAL / "corpus.jsonl", encoding="utf-8")]
    story = {t["id"]: t["story"] for t in truth}
    ari = scorer().ari
    base: dict[str, list[bool]] = {}
    rows = []
    for k in ks:
        t = time.perf_counter()
        res = list(dedup.dedupe(copied(docs, k, dateline), cfg))
        seconds = time.perf_counter() - t
        flags = {r.id: [p.boilerplate for p in r.paragraphs] for r in res}
        if not base:
            base = {i.rsplit("#", 1)[0]: f for i, f in flags.items() if i.endswith("#0")}
        differ = sum(f != base[i.rsplit("#", 1)[0]] for i, f in flags.items())
        a = ari([r.cluster for r in res], [(story[r.id.rsplit("#", 1)[0]]) for r in res])
        rows.append({"k": k, "dateline": dateline, "documents": len(res), "clusters": len({r.cluster for r in res}),
                     "ari": round(a, 5), "boilerplate_flags_differ": differ,
                     "boilerplate_paragraphs": sum(map(sum, flags.values())), "seconds": round(seconds, 2)})
        print(json.dumps(rows[-1]), flush=True)
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ks", default="1,2,3,4,5,6,7,8,9,10", help="copy counts (comma-separated; 1 first)")
    ap.add_argument("--no-copies", action="store_true", help="score the crawl only")
    ap.add_argument("--no-docs", action="store_true", help="do not update docs/benchmarks.md")
    a = ap.parse_args()
    if not (EVAL / "crawl.jsonl.gz").exists():
        raise SystemExit(f"{EVAL / 'crawl.jsonl.gz'} not found: this benchmark needs ../shared/eval")
    ks = sorted({1, *(int(k) for k in a.ks.split(","))})
    cfg = dedup.Config()
    crawl, seconds = crawl_score(cfg)
    print(json.dumps(crawl), flush=True)
    rows = [] if a.no_copies else copies_score(cfg, ks, False) + copies_score(cfg, ks, True)
    m = machine()
    save("crawl", {"crawl": crawl, "seconds": seconds, "copies": rows, "machine": m})
    if a.no_docs:
        return
    occ, lines = crawl["boilerplate_occurrences"], crawl["boilerplate_lines"]
    table = "\n".join(
        f"| {r['k']} | {'yes' if r['dateline'] else 'no'} | {r['documents']} | {r['clusters']} | {r['ari']} "
        f"| {r['boilerplate_flags_differ']} | {r['boilerplate_paragraphs']} | {r['seconds']} |"
        for r in rows
    )
    update_docs(
        "crawl",
        f"""## Real crawl: document clusters and boilerplate

`dedup.dedupe` at the default config over `../shared/eval/crawl.jsonl.gz` (a real three-day news
crawl, dev labels), scored by `score.py crawl`. Targets: occurrences P ≥ 0.97 and R ≥ 0.95, labeled
lines P ≥ 0.9 and R ≥ 0.8, same-URL pair recall ≥ 0.995, no member below 0.2 Jaccard with its
cluster's first document.

| occurrences P / R | lines P / R | same-URL pair recall | members below 0.2 | min member Jaccard | seconds |
|---|---|---|---|---|---|
| {occ['precision']} / {occ['recall']} | {lines['precision']} / {lines['recall']} | {crawl['same_url_pair_recall']} | {crawl['members_below_0.2_jaccard_to_first']} | {crawl['min_member_jaccard_to_first']} | {seconds:.2f} |

Every document of `../shared/eval/corpus.jsonl` copied k times under new ids (optionally with a
dateline per copy before its first line). Targets: ARI ≥ 0.99 against the stories for every k, and
no copy's boilerplate flags different from its document's at k = 1.

| k | dateline | documents | clusters | ARI | copies with other boilerplate flags | boilerplate paragraphs | seconds |
|---|---|---|---|---|---|---|---|
{table}

{provenance(m)}
""",
    )


if __name__ == "__main__":
    main()
