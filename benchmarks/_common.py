"""Shared helpers for the benchmark scripts: machine description, data, result files."""

from __future__ import annotations

import datetime as _dt
import json
import os
import platform
import re
import shlex
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
RESULTS = ROOT / "benchmarks" / "results"
DOCS = ROOT / "docs" / "benchmarks.md"

sys.path.insert(0, str(ROOT))
from dedup.io import write_atomic  # noqa: E402


def scorer():
    """The reference scorer ../shared/eval/score.py, imported as a module."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("dedup_eval_score", SHARED / "eval" / "score.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def machine() -> dict:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import datasketch
    import numpy

    try:
        from importlib.metadata import version

        import rensa  # noqa: F401

        rensa_v = version("rensa")
    except Exception:
        rensa_v = None
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "numpy": numpy.__version__,
        "datasketch": datasketch.__version__ if hasattr(datasketch, "__version__") else "?",
        "rensa": rensa_v,
        "os": platform.platform(),
    }


def command() -> str:
    return "python " + " ".join(shlex.quote(a) for a in [os.path.relpath(sys.argv[0], ROOT), *sys.argv[1:]])


def today() -> str:
    return _dt.date.today().isoformat()


def news_paragraphs(n: int | None = None, source: str = "shared") -> list[str]:
    """Unique non-blank lines of the shared evaluation sets (real news), cycled to ``n``;
    or synthetic news-like paragraphs when ``source == "synthetic"`` or ../shared is absent."""
    paras: list[str] = []
    if source == "shared" and (SHARED / "eval").exists():
        seen = set()
        for name in ("within.jsonl", "corpus.jsonl"):
            with open(SHARED / "eval" / name, encoding="utf-8") as f:
                for line in f:
                    for p in json.loads(line)["text"].splitlines():
                        if p.strip() and p not in seen:
                            seen.add(p)
                            paras.append(p)
    else:
        import random

        r = random.Random(0)
        vocab = [f"{w}{i}" for i, w in enumerate(["kata", "word", "berita", "news", "kota"] * 4000)]
        weights = [1.0 / (i + 1) for i in range(len(vocab))]
        for _ in range(n or 20000):
            paras.append(" ".join(r.choices(vocab, weights, k=r.randint(12, 60))) + ".")
    if n is not None:
        paras = [paras[i % len(paras)] for i in range(n)]
    return paras


def timed(fn: Callable[[], object]) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def alternate(methods: dict[str, Callable[[], object]], repeat: int) -> dict[str, list[float]]:
    """Run every method once per round, ``repeat`` rounds, in turn (A/B/C, A/B/C, ...)."""
    times: dict[str, list[float]] = {k: [] for k in methods}
    for _ in range(repeat):
        for k, fn in methods.items():
            times[k].append(timed(fn))
    return times


def median(xs: list[float]) -> float:
    return statistics.median(xs)


def child_json(code: str, args: list[str], what: str) -> dict:
    """Run ``code`` in a fresh Python process with ``args`` and return the JSON object of
    its last output line; a failure stops the benchmark, naming ``what`` failed."""
    import subprocess

    p = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True)
    if p.returncode:
        raise SystemExit(f"{what} failed:\n{p.stderr}")
    return json.loads(p.stdout.strip().splitlines()[-1])


def save(name: str, data: dict) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    write_atomic(path, json.dumps(data, indent=1, ensure_ascii=False) + "\n")
    return path


def update_docs(section: str, markdown: str) -> None:
    """Replace the ``section`` block of docs/benchmarks.md (or append it)."""
    begin, end = f"<!-- BEGIN {section} -->", f"<!-- END {section} -->"
    block = f"{begin}\n{markdown.rstrip()}\n{end}"
    text = DOCS.read_text(encoding="utf-8") if DOCS.exists() else "# Benchmarks\n"
    if begin in text:
        text = re.sub(re.escape(begin) + r".*?" + re.escape(end), lambda _: block, text, flags=re.S)
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    write_atomic(DOCS, text)


def provenance(m: dict) -> str:
    return (
        f"Command: `{command()}`  \n"
        f"Machine: {m['cpu']}, {m['cores']} cores; Python {m['python']}, numpy {m['numpy']}, "
        f"datasketch {m['datasketch']}, rensa {m['rensa']}  \nDate: {today()}"
    )


def synthetic_docs(n_paragraphs: int, seed: int = 0):
    """News-like documents, generated lazily, about ``n_paragraphs`` paragraphs in all:
    stories of 6-14 paragraphs (Zipf vocabulary) re-published by 1-4 outlets with a
    dateline, a dropped paragraph and appended tags; outlet footers, an ad line and
    "Read also" links; a quarter of the copies carry their body twice.

    Words are drawn in bulk with numpy (a few hundred ns per paragraph), so that
    making the input costs little beside the pipeline being timed."""
    import random

    import numpy as np

    r = random.Random(seed)
    g = np.random.default_rng(seed)
    vocab = np.array([f"{a}{b}" for a in ("ka", "ri", "mo", "ta", "ne", "su", "lo", "pe") for b in range(4000)])
    cum = np.cumsum(1.0 / np.arange(1, len(vocab) + 1) ** 0.9)
    cum /= cum[-1]
    vocab_list = vocab.tolist()
    buf: list[str] = []
    pos = 0

    def words(k: int) -> str:
        nonlocal buf, pos
        if pos + k > len(buf):  # refill: 2^16 Zipf-distributed words drawn at once
            zi = np.minimum(np.searchsorted(cum, g.random(1 << 16)), len(vocab) - 1)
            buf, pos = buf[pos:] + vocab[zi].tolist(), 0
        pos += k
        return " ".join(buf[pos - k : pos])

    footers = [f"COPYRIGHT © Outlet {i} News Network {2020 + i % 5}. All rights reserved." for i in range(40)]
    made = k = 0
    while made < n_paragraphs:
        paras = [words(r.randint(12, 45)) for _ in range(r.randint(6, 14))]
        for c in range(r.randint(1, 4)):
            drop = r.randrange(1, len(paras)) if r.random() < 0.5 else -1
            body = [p + (" (ant)" if r.random() < 0.2 else "") for i, p in enumerate(paras) if i != drop]
            body.insert(r.randrange(1, len(body)), "Read also: " + " ".join(r.choices(vocab_list, k=6)))
            body.insert(r.randrange(1, len(body)), "ADVERTISEMENT")
            lines = [f"CITY {c} - {body[0]}", *body[1:], footers[(k + c) % len(footers)]]
            if r.random() < 0.25:
                lines += lines[1:]
            made += len(lines)
            yield {"id": f"s{k}c{c}", "text": "\n".join(lines)}
            if made >= n_paragraphs:
                return
        k += 1


def collapse_batch_chars(texts: list[str]) -> int:
    """Collapse a batch of texts through the kernel; return the output size (a worker
    function: module-level so spawned processes can import it)."""
    import dedup
    from dedup.collapse import analyze, cut_repeats

    an = analyze(texts, dedup.Config())
    return sum(len(cut_repeats(t, r)) for t, r in zip(texts, an.repeats))
