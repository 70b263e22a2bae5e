"""The Spark engine of ``dedup corpus``: a local session, with Spark's Java logging
silenced on ``-q`` (errors only)."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from importlib import resources
from typing import Any

from .config import Config

__all__ = ["QUIET_LOG4J", "quiet_jvm", "spark_corpus"]

#: The log4j2 configuration a quiet run starts the JVM with (in dedup/data).
QUIET_LOG4J = "data/log4j2-quiet.properties"


@contextlib.contextmanager
def quiet_jvm(quiet: bool) -> Iterator[None]:
    """While a JVM is started inside: with ``quiet``, Spark's log4j configured to errors
    only (no start-up notices), through ``PYSPARK_SUBMIT_ARGS`` unless it is set already
    (then it is the user's to say); the environment is restored after."""
    if not quiet or "PYSPARK_SUBMIT_ARGS" in os.environ:
        yield
        return
    with resources.as_file(resources.files("dedup").joinpath(QUIET_LOG4J)) as conf:
        opt = f"-Dlog4j2.configurationFile={conf.as_uri()}"
        os.environ["PYSPARK_SUBMIT_ARGS"] = f'--driver-java-options "{opt}" pyspark-shell'
        try:
            yield
        finally:
            os.environ.pop("PYSPARK_SUBMIT_ARGS", None)


def spark_corpus(cfg: Config, n_jobs: int, dedupe_ids: bool, quiet: bool) -> Any:
    """A :class:`~dedup.spark.SparkCorpus` on a local session of ``n_jobs`` cores; with
    ``quiet``, the session logs errors only (the JVM started quiet when this starts it,
    and ``SparkContext.setLogLevel("ERROR")``)."""
    from . import spark as engine

    with quiet_jvm(quiet):
        corpus = engine.SparkCorpus(cfg, n_jobs=n_jobs, dedupe_ids=dedupe_ids)
    session = getattr(corpus, "spark", None)
    if quiet and session is not None:
        session.sparkContext.setLogLevel("ERROR")
    return corpus
