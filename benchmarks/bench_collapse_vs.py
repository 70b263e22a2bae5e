"""Within-document collapse time of this tree against a baseline revision, in
alternating runs (baseline, current, baseline, ...) so that a drift of the machine's
speed hits both alike; the ratio is taken round by round and its median reported.

Cases: the news documents of the shared sets (within.jsonl, real_within.jsonl and
corpus.jsonl texts, each collapsed on its own), and the large and pathological
inputs of bench_collapse_scale.py at --scale.

    python benchmarks/bench_collapse_vs.py --baseline 02e1cfb
    python benchmarks/bench_collapse_vs.py --baseline HEAD~1 --rounds 3 --scale 0.2 --no-docs
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile

from _common import ROOT, SHARED, machine, provenance, save, update_docs

CHILD = r"""
import json, sys, time
tree, shared, scale = sys.argv[1], sys.argv[2], float(sys.argv[3])
sys.path.insert(0, tree)
import dedup
docs = []
for name in ("within.jsonl", "real_within.jsonl", "corpus.jsonl"):
    try:
        with open(f"{shared}/eval/{name}", encoding="utf-8") as f:
            docs += [json.loads(line)["text"] for line in f if line.strip()]
    except FileNotFoundError:
        pass
words = [f"w{i}" for i in range(50)]
n = int(1_000_000 * scale)
para = " ".join(words[i % 50] + str(i) for i in range(int(1_500_000 * scale)))
body = "\n".join(" ".join(words[(i + j) % 50] + str(i) for j in range(12)) for i in range(int(100_000 * scale))) + "\n"
cases = {
    "news documents": docs,
    "one-word lines": ["\n".join(words[i % 7] for i in range(n))],
    "distinct lines": ["\n".join(f"line {i} " + " ".join(words[(i * 7 + j) % 50] for j in range(9)) for i in range(n // 2))],
    "paragraph twice": [para + "\n" + para],
    "body twice": [body + body],
}
dedup.collapse("warm up\nwarm up")
out = {}
for name, texts in cases.items():
    if not texts:
        continue
    t = time.perf_counter()
    for d in texts:
        dedup.collapse(d)
    out[name] = {"seconds": time.perf_counter() - t, "mb": sum(len(d.encode("utf-8", "surrogatepass")) for d in texts) / 1e6}
print(json.dumps(out))
"""


def run(tree: str, scale: float) -> dict:
    p = subprocess.run([sys.executable, "-c", CHILD, tree, str(SHARED), str(scale)], capture_output=True, text=True)
    if p.returncode:
        raise SystemExit(f"{tree} failed:\n{p.stderr}")
    return json.loads(p.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--baseline", required=True, help="a git revision of this repository")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--scale", type=float, default=1.0, help="size of the large cases (1.0: 10^6 lines, 10 MB)")
    ap.add_argument("--no-docs", action="store_true")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as base:
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", a.baseline, "dedup"], capture_output=True, check=True)
        subprocess.run(["tar", "-x", "-C", base], input=archive.stdout, check=True)
        rounds = []
        for r in range(a.rounds):
            old, new = run(base, a.scale), run(str(ROOT), a.scale)
            rounds.append((old, new))
            print(f"round {r + 1}:", {k: round(new[k]["seconds"] / old[k]["seconds"], 3) for k in new})
    rows = []
    for case in rounds[0][1]:
        ratios = [n[case]["seconds"] / o[case]["seconds"] for o, n in rounds]
        rows.append({
            "case": case,
            "mb": rounds[0][1][case]["mb"],
            "baseline_s": statistics.median(o[case]["seconds"] for o, _ in rounds),
            "current_s": statistics.median(n[case]["seconds"] for _, n in rounds),
            "ratio_median": statistics.median(ratios),
            "ratio_min": min(ratios),
            "ratio_max": max(ratios),
        })
    m = machine()
    path = save("collapse_vs", {"baseline": a.baseline, "rounds": a.rounds, "scale": a.scale, "cases": rows, "machine": m})
    print(f"wrote {path}")
    for row in rows:
        print(row)
    if not a.no_docs:
        table = "\n".join(
            f"| {r['case']} | {r['mb']:.1f} | {r['baseline_s']:.2f} | {r['current_s']:.2f} | "
            f"{r['ratio_median']:.2f} ({r['ratio_min']:.2f}-{r['ratio_max']:.2f}) |"
            for r in rows
        )
        update_docs(
            "collapse_vs",
            f"""## Within-document collapse against a baseline revision

This tree against `{a.baseline}`, {a.rounds} alternating rounds in fresh processes (times exclude
start-up); the ratio is current / baseline per round, median (min-max).

| case | MB | baseline s | current s | ratio |
|---|---|---|---|---|
{table}

{provenance(m)}
""",
        )


if __name__ == "__main__":
    main()
