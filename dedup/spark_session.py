"""The Spark session: pyspark required (with the fix named), and a local session set up
for this package."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from pyspark.sql import SparkSession

__all__ = ["require_spark", "local_session"]


def require_spark() -> Any:
    """The ``pyspark`` module, or an ``ImportError`` that says how to install it."""
    try:
        import pyspark
    except ImportError:  # pragma: no cover - depends on the environment
        raise ImportError("dedup.spark needs pyspark: pip install pyspark (the [spark] extra: pip install '.[spark]' in dedup's checkout)") from None
    return pyspark


def local_session(n_jobs: int = 2, *, memory: str = "4g", app: str = "dedup") -> SparkSession:
    """A local ``SparkSession`` on ``n_jobs`` cores, set up for this package
    (workers run this Python; few shuffle partitions; no UI)."""
    require_spark()
    from pyspark.sql import SparkSession

    if not isinstance(n_jobs, int) or isinstance(n_jobs, bool) or n_jobs < 1:
        raise ValueError(f"n_jobs must be an int >= 1, got {n_jobs!r}")
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    return (
        SparkSession.builder.master(f"local[{n_jobs}]")
        .appName(app)
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.memory", memory)
        .config("spark.sql.shuffle.partitions", str(n_jobs))
        .config("spark.sql.execution.arrow.maxRecordsPerBatch", "2048")
        .config("spark.sql.adaptive.enabled", "false")
        .getOrCreate()
    )
