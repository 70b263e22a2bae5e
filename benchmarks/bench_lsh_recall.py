"""LSH recall against exact ground truth, on real news paragraphs.

1. Pairs: every unique non-blank line of ../shared/eval (within.jsonl + corpus.jsonl,
   or a synthetic set), plus edited variants of them (random word replacements at
   random rates, so pair similarities spread over the whole range) up to
   ``--paragraphs``; grouped into exact-duplicate classes. The pairs of distinct sets
   with exact Jaccard >= 0.3 are found by brute force (prefix-filtered all pairs,
   exact and complete) and compared with dedup's LSH candidates (band keys, before
   verification: the measured S-curve) and with its verified pairs >= threshold
   (recall; precision is 1.0 by construction, and checked).
2. Documents: dedup.collapse with LSH candidates vs with exact candidates on
   every case of within.jsonl; documents whose output differs are counted.

    python benchmarks/bench_lsh_recall.py
    python benchmarks/bench_lsh_recall.py --quick
"""

from __future__ import annotations

import argparse
import json
import time

from _common import SHARED, machine, news_paragraphs, provenance, save, update_docs

import dedup
from dedup.config import candidate_probability
from dedup.lsh import band_keys_of_sets, candidate_pairs, duplicate_classes, exact_pairs, similar_pairs
from dedup.shingle import shingle_sets

BUCKETS = [0.75, 0.8, 0.85, 0.9, 0.95, 1.0]
CURVE = [round(0.3 + 0.05 * i, 2) for i in range(14)]  # detection-rate buckets [0.30, 0.35) ... [0.95, 1.00)


def variants(paras: list[str], n: int, seed: int = 7) -> list[str]:
    """``paras`` plus edited copies up to ``n`` paragraphs: each copy replaces every word with
    probability f, f uniform in [0, 0.4] (pair similarities then cover 0.3-1.0)."""
    import random

    r = random.Random(seed)
    out = list(paras)
    while len(out) < n:
        src = r.choice(paras).split()
        if len(src) < 6:
            continue
        f = r.uniform(0.0, 0.4)
        out.append(" ".join(f"edit{r.randrange(10**6)}" if r.random() < f else w for w in src))
    return out[:n] if n >= len(paras) else out


def fmt(x: float | None) -> str:
    return "-" if x is None else f"{x:.4f}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--threshold", type=float, default=dedup.Config().threshold)
    ap.add_argument("--source", choices=["shared", "synthetic"], default="shared")
    ap.add_argument("--paragraphs", type=int, default=100_000, help="total paragraphs, real plus edited variants")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--no-docs", action="store_true")
    a = ap.parse_args()
    cfg = dedup.Config(threshold=a.threshold)
    bands, rows = cfg.lsh

    paras = news_paragraphs(None, a.source)
    if a.quick:
        paras, a.paragraphs, a.no_docs = paras[:2000], 3000, True
    paras = variants(paras, a.paragraphs)
    sets = shingle_sets(paras, cfg)
    cls, reps = duplicate_classes(sets)
    rs = sets.take(reps)

    t0 = time.perf_counter()
    el, er, es = exact_pairs(rs, CURVE[0])
    t1 = time.perf_counter()
    keys = band_keys_of_sets(rs, cfg.num_perm, cfg.seed, bands, rows)
    cl, cr = candidate_pairs(keys, cfg.bucket_window)
    ll, lr, lsim = similar_pairs(rs, keys, cfg.threshold, cfg.bucket_window)
    t2 = time.perf_counter()
    cand = set(zip(cl.tolist(), cr.tolist()))
    allpairs = dict(zip(zip(el.tolist(), er.tolist()), es.tolist()))
    truth = {k: v for k, v in allpairs.items() if v >= cfg.threshold - 1e-12}
    found = set(zip(ll.tolist(), lr.tolist()))
    assert found <= set(truth), "a reported pair is below the threshold (verification broken)"
    curve = []
    for lo in CURVE:
        ks = [k for k, v in allpairs.items() if lo - 1e-12 <= v < lo + 0.05 - 1e-12]
        hit = sum(k in cand for k in ks)
        curve.append({"low": lo, "pairs": len(ks), "candidates": hit, "rate": hit / len(ks) if ks else None,
                      "s_curve_mid": candidate_probability(lo + 0.025, bands, rows)})
    per_bucket = []
    for lo, hi in zip(BUCKETS, BUCKETS[1:] + [1.0000001]):
        ks = [k for k, v in truth.items() if lo - 1e-12 <= v < hi]
        hit = sum(k in found for k in ks)
        per_bucket.append(
            {
                "bucket": f"[{lo:.2f}, {min(hi, 1.0):.2f}{']' if hi > 1 else ')'}",
                "pairs": len(ks),
                "found": hit,
                "recall": hit / len(ks) if ks else None,
                "expected_recall_at_low_end": candidate_probability(lo, bands, rows),
            }
        )
    recall = len(found) / len(truth) if truth else 1.0

    # documents: LSH vs exact candidates through the whole collapse policy
    docs_diff, ndocs = 0, 0
    within = SHARED / "eval" / "within.jsonl"
    if within.exists():
        exact_cfg = dedup.Config(threshold=a.threshold, candidates="exact")
        with open(within, encoding="utf-8") as f:
            for i, line in enumerate(f):
                if a.quick and i >= 100:
                    break
                text = json.loads(line)["text"]
                ndocs += 1
                docs_diff += dedup.collapse(text, cfg) != dedup.collapse(text, exact_cfg)

    m = machine()
    res = {
        "threshold": cfg.threshold,
        "bands": bands,
        "rows": rows,
        "paragraphs": len(paras),
        "distinct_sets": len(reps),
        "true_pairs": len(truth),
        "lsh_pairs": len(found),
        "recall": recall,
        "precision": 1.0,
        "per_bucket": per_bucket,
        "detection_curve": curve,
        "exact_seconds": t1 - t0,
        "lsh_seconds": t2 - t1,
        "within_docs": ndocs,
        "within_docs_lsh_differs_from_exact": docs_diff,
        "machine": m,
    }
    path = save("lsh_recall_quick" if a.quick else "lsh_recall", res)
    print(json.dumps({k: v for k, v in res.items() if k not in ("machine", "per_bucket", "detection_curve")}))
    for c in curve:
        print(c)
    for b in per_bucket:
        print(b)
    print(f"wrote {path}")
    if not a.no_docs:
        table = "\n".join(
            f"| {b['bucket']} | {b['pairs']} | {b['found']} | "
            f"{fmt(b['recall'])} | "
            f"{b['expected_recall_at_low_end']:.6f} |"
            for b in per_bucket
        )
        update_docs(
            "lsh_recall",
            f"""## LSH recall against exact all pairs

{len(paras):,} paragraphs: the unique news lines of `../shared/eval` ({a.source}) plus edited variants
(words replaced at random rates), {len(reps):,} distinct shingle sets. Ground truth: every pair of
distinct sets with exact Jaccard ≥ 0.3 (prefix-filtered all pairs, complete).
LSH: `bands={bands}, rows={rows}` (derived from the threshold, miss probability ≤ {cfg.max_miss} at
the threshold), candidates verified exactly, so precision is 1.0 by construction (checked).

**Recall {recall:.4f}** ({len(found):,} of {len(truth):,} pairs); exact {t1 - t0:.2f} s, LSH {t2 - t1:.2f} s.

| similarity | true pairs | found by LSH | recall | S-curve at the bucket's low end |
|---|---|---|---|---|
{table}

Measured candidate rate before verification per similarity bucket, beside the S-curve
`1 - (1 - s^{rows})^{bands}` at the bucket's middle (plot: `docs/img/lsh_scurve.png`, made by
`python benchmarks/plot.py`):

![S-curve](img/lsh_scurve.png)

| similarity | pairs | LSH candidates | measured rate | S-curve |
|---|---|---|---|---|
{chr(10).join(f"| [{c['low']:.2f}, {c['low'] + 0.05:.2f}) | {c['pairs']} | {c['candidates']} | {fmt(c['rate'])} | {c['s_curve_mid']:.4f} |" for c in curve)}

Within documents: `dedup.collapse` with LSH candidates differs from the exact-candidate collapse on
**{docs_diff} of {ndocs}** cases of `within.jsonl`.

{provenance(m)}
""",
        )


if __name__ == "__main__":
    main()
