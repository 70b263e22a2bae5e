"""Plots from benchmarks/results/*.json into docs/img/ (a separate step: needs matplotlib,
the [bench] extra).

    python benchmarks/plot.py
"""

from __future__ import annotations

import argparse
import json

from _common import RESULTS, ROOT

import dedup
from dedup.config import candidate_probability


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="plot the *_quick.json results into benchmarks/results/")
    a = ap.parse_args()
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise SystemExit("plots need matplotlib: pip install '.[bench]'") from None
    suffix = "_quick" if a.quick else ""
    out = RESULTS if a.quick else ROOT / "docs" / "img"
    out.mkdir(parents=True, exist_ok=True)
    made = []

    sweep = RESULTS / f"sweep{suffix}.json"
    if sweep.exists():
        data = json.loads(sweep.read_text())["within"]
        fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4.2))
        for k in sorted({r["shingle_size"] for r in data}):
            rows = sorted((r for r in data if r["shingle_size"] == k), key=lambda r: r["threshold"])
            t = [r["threshold"] for r in rows]
            ax1.plot(t, [r["removal_precision"] for r in rows], marker="o", label=f"k={k}")
            ax2.plot(t, [r["removal_recall"] for r in rows], marker="o", label=f"k={k}")
        d = dedup.Config()
        for ax, name in ((ax1, "removal precision"), (ax2, "removal recall")):
            ax.axvline(d.threshold, color="grey", ls="--", lw=1)
            ax.set_xlabel("Jaccard threshold")
            ax.set_ylabel(name)
            ax.grid(alpha=0.3)
            ax.legend(title="words per shingle")
        fig.suptitle(f"within.jsonl: precision and recall by threshold (default t={d.threshold}, k={d.shingle_size})")
        fig.tight_layout()
        fig.savefig(out / f"sweep{suffix}.png", dpi=110)
        made.append(out / f"sweep{suffix}.png")

    lsh = RESULTS / f"lsh_recall{suffix}.json"
    if lsh.exists():
        data = json.loads(lsh.read_text())
        b, r = data["bands"], data["rows"]
        fig, ax = plt.subplots(figsize=(6.5, 4.2))
        xs = [i / 200 for i in range(201)]
        ax.plot(xs, [candidate_probability(x, b, r) for x in xs], label=f"S-curve, {b} bands x {r} rows")
        pts = [c for c in data["detection_curve"] if c["rate"] is not None]
        ax.plot([c["low"] + 0.025 for c in pts], [c["rate"] for c in pts], "o", label="measured candidate rate")
        ax.axvline(data["threshold"], color="grey", ls="--", lw=1, label=f"threshold {data['threshold']}")
        ax.set_xlabel("exact Jaccard of the pair")
        ax.set_ylabel("probability of becoming a candidate")
        ax.set_title(f"LSH detection on {data['paragraphs']:,} paragraphs")
        ax.grid(alpha=0.3)
        ax.legend()
        fig.tight_layout()
        fig.savefig(out / f"lsh_scurve{suffix}.png", dpi=110)
        made.append(out / f"lsh_scurve{suffix}.png")
    for p in made:
        print(f"wrote {p}")
    if not made:
        raise SystemExit(f"no results to plot in {RESULTS} (run the benchmarks first)")


if __name__ == "__main__":
    main()
