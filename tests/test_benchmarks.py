"""Every benchmark script runs in --quick mode and writes its result file (no timing asserted)."""

from __future__ import annotations

import importlib.util
import subprocess
import sys

import pytest

from .conftest import ROOT, SHARED

BENCH = ROOT / "benchmarks"
RESULTS = BENCH / "results"

SCRIPTS = [
    # (script, result file, needs ../shared)
    ("bench_signatures.py", "signatures_quick.json", False),
    ("bench_lsh_recall.py", "lsh_recall_quick.json", False),
    ("bench_collapse_scale.py", "collapse_scale_quick.json", False),
    ("bench_throughput.py", "throughput_quick.json", False),
    ("bench_corpus_scale.py", "corpus_scale_quick.json", False),
    ("bench_within_quality.py", "within_quality_quick.json", True),
    ("bench_corpus_quality.py", "corpus_quality_quick.json", True),
    ("bench_sweep.py", "sweep_quick.json", True),
    ("bench_baselines.py", "baselines_quick.json", True),
    ("bench_training_output.py", "training_output_quick.json", True),
    ("bench_reports.py", "reports_quick.json", True),
    ("bench_report_html.py", "report_html_quick.json", True),
    ("bench_incremental.py", "incremental_quick.json", True),
    ("bench_real_million.py", "real_million_quick.json", True),
]


@pytest.mark.parametrize("script, result, needs_shared", SCRIPTS, ids=[s[0] for s in SCRIPTS])
def test_benchmark_quick_mode(script, result, needs_shared):
    if needs_shared and not (SHARED / "eval" / "score.py").exists():
        pytest.skip(f"{script} needs ../shared/eval, absent in this checkout")
    out = RESULTS / result
    before = out.stat().st_mtime if out.exists() else None
    p = subprocess.run([sys.executable, str(BENCH / script), "--quick"], capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert p.returncode == 0, p.stderr[-2000:]
    assert out.exists() and out.stat().st_mtime != before


def test_plots_quick():
    if importlib.util.find_spec("matplotlib") is None:
        pytest.skip("matplotlib is not installed (the [bench] extra)")
    for script in ("bench_sweep.py", "bench_lsh_recall.py"):
        if script == "bench_sweep.py" and not (SHARED / "eval").exists():
            continue
        subprocess.run([sys.executable, str(BENCH / script), "--quick"], check=True, capture_output=True, cwd=ROOT)
    p = subprocess.run([sys.executable, str(BENCH / "plot.py"), "--quick"], capture_output=True, text=True, cwd=ROOT)
    assert p.returncode == 0, p.stderr
    assert (RESULTS / "lsh_scurve_quick.png").exists()
