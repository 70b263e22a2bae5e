"""Document-level near-duplicate detection on real news text at scale, side by side (issue 22).

The corpus is ``../shared/eval/corpus.jsonl`` (842 real documents, each labeled with its story
in ``corpus_truth.jsonl``) replicated to ``--docs`` documents: copy ``j`` of a document gets a new
id and a light edit (one word of one paragraph replaced, chosen by a seeded RNG), so every copy
stays in its document's story. The file is written once (untimed) to /dev/shm where there is one.

Each tool runs in a fresh process (wall time and the peak RSS of that process and its children)
over the same JSON Lines file, rounds alternating between the tools:

- ``dedup``: :func:`dedup.dedupe` at the default config (collapse, paragraph clusters,
  boilerplate and document clusters), ``--jobs`` processes;
- ``datasketch``: a ``MinHashLSH`` loop over word 3-gram MinHashes (128 permutations,
  threshold 0.5): query, then insert; clusters by union-find of the hits;
- ``rensa``: the same loop with rensa's ``RMinHash``/``RMinHashLSH`` (32 bands of 4), if rensa is installed in
  the benchmark's environment (``pip install rensa``; not a dependency of dedup).

Quality: pairwise F1 of the document clusters against the stories (counted from the
contingency table, no pair enumerated).

    python benchmarks/bench_real_scale.py --docs 65000 --repeat 3
    python benchmarks/bench_real_scale.py --docs 5000 --repeat 1 --no-docs
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import tempfile

from _common import ROOT, SHARED, child_json, machine, provenance, save, update_docs

EVAL = SHARED / "eval"

PREAMBLE = r"""
import json, resource, sys, time
sys.path.insert(0, ROOT)
path, jobs = sys.argv[1], int(sys.argv[2])
def finish(ids, labels, t):
    dt = time.perf_counter() - t
    rss = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    out = "/dev/shm/dedup-bench-labels.json" if len(sys.argv) < 4 else sys.argv[3]
    with open(out, "w") as f:
        json.dump(dict(zip(ids, labels)), f)
    print(json.dumps({"seconds": dt, "peak_rss_mb": rss / 1024, "docs": len(ids), "labels": out}))
def docs():
    with open(path, encoding="utf-8") as f:
        for line in f:
            yield json.loads(line)
def shingles(text):
    w = text.lower().split()
    return {" ".join(w[i:i + 3]) for i in range(max(1, len(w) - 2))}
class UF:
    def __init__(self): self.p = {}
    def find(self, x):
        p = self.p
        while p.setdefault(x, x) != x:
            p[x] = p[p[x]]; x = p[x]
        return x
    def union(self, a, b):
        a, b = self.find(a), self.find(b)
        if a != b: self.p[max(a, b)] = min(a, b)
"""

TOOLS = {
    "dedup": r"""
import dedup
t = time.perf_counter()
ids, labels = [], []
for r in dedup.dedupe(docs(), n_jobs=jobs):
    ids.append(r.id); labels.append(r.cluster)
finish(ids, labels, t)
""",
    "datasketch": r"""
from datasketch import MinHash, MinHashLSH
t = time.perf_counter()
lsh, uf, ids = MinHashLSH(threshold=0.5, num_perm=128), UF(), []
for k, d in enumerate(docs()):
    m = MinHash(num_perm=128)
    m.update_batch([s.encode("utf-8") for s in shingles(d["text"])])
    for h in lsh.query(m):
        uf.union(k, h)
    lsh.insert(k, m)
    ids.append(d["id"])
finish(ids, [uf.find(k) for k in range(len(ids))], t)
""",
    "rensa": r"""
from rensa import RMinHash, RMinHashLSH
t = time.perf_counter()
lsh, uf, ids = RMinHashLSH(threshold=0.5, num_perm=128, num_bands=32), UF(), []
for k, d in enumerate(docs()):
    m = RMinHash(num_perm=128, seed=1)
    m.update(list(shingles(d["text"])))
    for h in lsh.query(m):
        uf.union(k, h)
    lsh.insert(k, m)
    ids.append(d["id"])
finish(ids, [uf.find(k) for k in range(len(ids))], t)
""",
}


def build(path: str, n_docs: int, seed: int = 0) -> dict[str, int]:
    """Write the replicated corpus to ``path``; the story of each new id."""
    src = [json.loads(line) for line in open(EVAL / "corpus.jsonl", encoding="utf-8")]
    story = {json.loads(line)["id"]: json.loads(line)["story"] for line in open(EVAL / "corpus_truth.jsonl", encoding="utf-8")}
    rnd = random.Random(seed)
    out: dict[str, int] = {}
    with open(path, "w", encoding="utf-8") as f:
        for k in range(n_docs):
            d = src[k % len(src)]
            j = k // len(src)
            text = d["text"]
            if j:  # a light edit: one word of one paragraph
                lines = text.split("\n")
                li = rnd.randrange(len(lines))
                words = lines[li].split(" ")
                words[rnd.randrange(len(words))] = f"edit{j}"
                lines[li] = " ".join(words)
                text = "\n".join(lines)
            did = d["id"] if not j else f"{d['id']}~{j}"
            out[did] = story[d["id"]]
            f.write(json.dumps({"id": did, "text": text}, ensure_ascii=False) + "\n")
    return out


def pair_f1(pred: dict[str, object], truth: dict[str, int]) -> float:
    """Pairwise F1 of the clusters ``pred`` against ``truth`` (from the contingency counts)."""
    from collections import Counter

    def pairs(c: Counter) -> int:
        return sum(n * (n - 1) // 2 for n in c.values())

    both = pairs(Counter((str(pred[i]), truth[i]) for i in truth))
    p, t = pairs(Counter(str(pred[i]) for i in truth)), pairs(Counter(truth.values()))
    prec, rec = (both / p if p else 1.0), (both / t if t else 1.0)
    return 2 * prec * rec / (prec + rec) if prec + rec else 0.0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=65_000)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--tools", nargs="+", default=list(TOOLS))
    ap.add_argument("--no-docs", action="store_true")
    a = ap.parse_args()
    tools = [t for t in a.tools if t != "rensa" or _has("rensa")]
    shm = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None
    runs = []
    with tempfile.TemporaryDirectory(prefix="dedup-bench-", dir=shm) as tmp:
        path = os.path.join(tmp, "corpus.jsonl")
        truth = build(path, a.docs)
        for rnd in range(a.repeat):
            for tool in tools:
                labels = os.path.join(tmp, f"{tool}.json")
                res = child_json(f"ROOT = {str(ROOT)!r}\n" + PREAMBLE + TOOLS[tool], [path, str(a.jobs), labels], tool)
                with open(labels, encoding="utf-8") as f:
                    res["pair_f1"] = round(pair_f1(json.load(f), truth), 4)
                res.update(tool=tool, round=rnd, n_jobs=a.jobs if tool == "dedup" else 1)
                del res["labels"]
                print(res, flush=True)
                runs.append(res)
    m = machine()
    save(f"real_scale_{a.docs}", {"runs": runs, "machine": m})
    if not a.no_docs:
        write_docs(runs, a.docs, m)


def _has(mod: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(mod) is not None


def write_docs(runs: list[dict], n_docs: int, m: dict) -> None:
    rows = []
    for tool in dict.fromkeys(r["tool"] for r in runs):
        rs = [r for r in runs if r["tool"] == tool]
        secs = sorted(r["seconds"] for r in rs)
        rows.append(f"| {tool} | {rs[0]['n_jobs']} | {statistics.median(secs):.1f} | {' / '.join(f'{s:.1f}' for s in secs)} | "
                    f"{max(r['peak_rss_mb'] for r in rs):.0f} | {rs[0]['pair_f1']} |")
    md = f"""## Real text at scale, side by side (issue 22)

`../shared/eval/corpus.jsonl` replicated to {n_docs:,} documents (new ids, one word edited per copy),
one fresh process per tool and round, rounds alternating; median wall time, every round, the
largest peak RSS, and the pairwise F1 of the document clusters against the stories. dedup does
more (collapse, paragraph clusters, boilerplate) than the documents-only recipes.

| tool | n_jobs | wall s (median) | rounds | peak RSS MB | pair F1 vs stories |
|---|---|---|---|---|---|
{chr(10).join(rows)}

{provenance(m)}
"""
    update_docs(f"real_scale_{n_docs}", md)


if __name__ == "__main__":
    main()
