"""Within-document collapse on large and pathological inputs: wall time and peak RSS.

Each case runs in a fresh process (so peak RSS is its own) and is checked for
the right answer, not only timed.

    python benchmarks/bench_collapse_scale.py
    python benchmarks/bench_collapse_scale.py --quick     # 1/20 of the sizes
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

from _common import ROOT, SHARED, machine, provenance, save, update_docs

CHILD = r"""
import json, random, resource, sys, time
sys.path.insert(0, ROOT)
import dedup
case, scale = sys.argv[1], float(sys.argv[2])
r = random.Random(0)
words = ["".join(r.choice("abcdefghij") for _ in range(5)) for _ in range(2000)]
def line(n):
    return " ".join(r.choice(words) for _ in range(n))
n = int(1_000_000 * scale)
if case == "news_within_jsonl":
    docs = [json.loads(l)["text"] for l in open(SHARED + "/eval/within.jsonl", encoding="utf-8")]
elif case == "one_word_lines":
    docs = ["\n".join(r.choice(words) for _ in range(n))]
elif case == "distinct_lines":
    docs = ["\n".join(f"w{i}" for i in range(n))]
elif case == "one_line_1m_times":
    docs = ["Baca juga: a link line that a scraper saved on every page\n" * n]
elif case == "glued_5k_sentences_then_lines":
    sentences = [line(12) + "." for _ in range(int(5000 * scale))]
    docs = [" ".join(sentences) + "\n" + "\n".join(sentences) + "\n"]
elif case == "near_copies_10k":
    docs = ["".join(f"Harga cabai rawit di pasar induk naik tajam kata{i} menurut para pedagang\n" for i in range(int(10000 * scale)))]
elif case == "paragraph_10mb_twice":
    p = line(int(10_000_000 * scale) // 6)
    docs = [p + "\n" + p]
elif case == "body_100k_lines_twice":
    body = "\n".join(line(30) for _ in range(int(5000 * scale * 20) or 50)) + "\n"
    docs = [body + body]
else:
    raise SystemExit("unknown case " + case)
size = sum(len(d.encode("utf-8")) for d in docs)
dedup.collapse("warm up\nwarm up")
t, c = time.perf_counter(), time.process_time()
outs = [dedup.collapse(d) for d in docs]
dt, cpu = time.perf_counter() - t, time.process_time() - c
check = {
    "one_word_lines": lambda: outs[0] == docs[0],
    "distinct_lines": lambda: outs[0] == docs[0],
    "glued_5k_sentences_then_lines": lambda: outs[0] == docs[0][: docs[0].index("\n") + 1],
    "near_copies_10k": lambda: outs[0] == docs[0],
    "one_line_1m_times": lambda: outs[0] == docs[0][: docs[0].index("\n") + 1],
    "paragraph_10mb_twice": lambda: outs[0] == docs[0][: len(docs[0]) // 2 + 1],
    "body_100k_lines_twice": lambda: outs[0] == docs[0][: len(docs[0]) // 2],
}.get(case, lambda: True)()
print(json.dumps({"case": case, "docs": len(docs), "mb": size / 1e6, "lines": sum(d.count("\n") + 1 for d in docs),
                  "seconds": dt, "cpu_seconds": cpu, "mb_per_s": size / 1e6 / dt, "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "correct": bool(check)}))
"""

CASES = ["news_within_jsonl", "one_word_lines", "distinct_lines", "one_line_1m_times", "glued_5k_sentences_then_lines", "near_copies_10k", "paragraph_10mb_twice", "body_100k_lines_twice"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--no-docs", action="store_true")
    a = ap.parse_args()
    scale = 0.05 if a.quick else 1.0
    results = []
    for case in CASES:
        if case == "news_within_jsonl" and not (SHARED / "eval" / "within.jsonl").exists():
            continue
        code = f"ROOT = {str(ROOT)!r}; SHARED = {str(SHARED)!r}\n" + CHILD
        p = subprocess.run([sys.executable, "-c", code, case, str(scale)], capture_output=True, text=True)
        if p.returncode:
            raise SystemExit(f"{case} failed:\n{p.stderr}")
        res = json.loads(p.stdout.strip().splitlines()[-1])
        print(res)
        results.append(res)
    m = machine()
    path = save("collapse_scale_quick" if a.quick else "collapse_scale", {"scale": scale, "cases": results, "machine": m})
    print(f"wrote {path}")
    if not (a.quick or a.no_docs):
        rows = "\n".join(
            f"| {r['case']} | {r['docs']} | {r['lines']:,} | {r['mb']:.1f} | {r['seconds']:.2f} | {r['mb_per_s']:.1f} | "
            f"{r['peak_rss_mb']:.0f} | {'yes' if r['correct'] else 'NO'} |"
            for r in results
        )
        update_docs(
            "collapse_scale",
            f"""## Within-document collapse: large and pathological inputs

One process per case (peak RSS is the whole process, Python and numpy included); each output is
checked against the known answer.

| case | documents | lines | MB | seconds | MB/s | peak RSS MB | correct |
|---|---|---|---|---|---|---|---|
{rows}

{provenance(m)}
""",
        )


if __name__ == "__main__":
    main()
