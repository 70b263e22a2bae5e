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
