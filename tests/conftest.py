from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
#: The JVM options of the tests' Spark sessions: short runs of many small jobs, so the client
#: compiler only (no C2 compiles competing for the two cores) and the serial collector.
TEST_JVM = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"
#: ... and no whole-stage code generation: the tests' jobs are many and tiny, so compiling each
#: stage's Java costs more than it saves (about 10% of the Spark tests' time).
TEST_SPARK_CONF = "spark.sql.codegen.wholeStage false"

# Deterministic property tests: the same examples in every run and on every machine.
settings.register_profile(
    "dedup", derandomize=True, deadline=None, max_examples=150, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("dedup")


def scorer():
    """The reference scorer ../shared/eval/score.py as a module (or skip, reason printed)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("dedup_eval_score", shared_file("eval/score.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def shared_file(rel: str) -> Path:
    """A file under ../shared, or skip the test with the reason printed (-rs)."""
    p = SHARED / rel
    if not p.exists():
        pytest.skip(f"{p} not found: ../shared (evaluation data) is absent in this checkout")
    return p
