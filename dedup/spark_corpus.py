"""The :class:`~dedup.Corpus` interface the command line uses, on Spark (``dedup corpus
--engine spark``): documents spooled to Parquet, then :func:`~dedup.spark.dedupe` run on them once."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from .config import Config, resolve
from .corpus import document
from .results import CorpusSummary, DocResult
from .spark_pipeline import dedupe
from .spark_result import SparkResult, iter_results, summary
from .spark_session import local_session, require_spark

if TYPE_CHECKING:  # pragma: no cover
    from pyspark.sql import SparkSession

__all__ = ["SparkCorpus"]


class SparkCorpus:
    """The :class:`~dedup.Corpus` interface the command line uses, run on Spark
    (``dedup corpus --engine spark``): :meth:`add` spools the documents to a
    temporary Parquet file (id, text, position), :meth:`results` and
    :meth:`summary` run :func:`dedupe` on it once.
    """

    def __init__(
        self, config: Config | None = None, *, n_jobs: int = 2, dedupe_ids: bool = False,
        spark: SparkSession | None = None, chunk: int = 4096,
    ):
        require_spark()
        import tempfile

        self.config = resolve(config)
        self.spark = spark if spark is not None else local_session(n_jobs)
        self.dedupe_ids = dedupe_ids
        self.n_docs = 0
        self.skipped_ids = 0
        self._chunk = chunk
        self._tmp = tempfile.TemporaryDirectory(prefix="dedup-spark-")
        self._res: SparkResult | None = None

    def __enter__(self) -> SparkCorpus:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._tmp.cleanup()

    def add(self, docs: Iterable[object]) -> int:
        """Spool documents (as :meth:`dedup.Corpus.add` takes them; ids unique unless
        ``dedupe_ids``); can be called once."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        if self._res is not None or self.n_docs:
            raise RuntimeError("SparkCorpus.add() can be called once")
        path = os.path.join(self._tmp.name, "docs.parquet")
        schema = pa.schema([("pos", pa.int64()), ("id", pa.string()), ("text", pa.string())])
        seen: dict[str, int] = {}
        with pq.ParquetWriter(path, schema) as w:
            rows: list[tuple[int, str, str]] = []
            for k, doc in enumerate(docs):
                did, text = document(k, doc)
                if did in seen:
                    if not self.dedupe_ids:
                        raise ValueError(
                            f"duplicate document id {did!r} at positions {seen[did]} and {k}; make ids unique "
                            f"or pass --dedupe-ids to keep the first"
                        )
                    self.skipped_ids += 1
                    continue
                seen[did] = k
                rows.append((self.n_docs, did, text))
                self.n_docs += 1
                if len(rows) >= self._chunk:
                    w.write_batch(pa.record_batch(list(map(list, zip(*rows))), schema=schema))
                    rows = []
            if rows:
                w.write_batch(pa.record_batch(list(map(list, zip(*rows))), schema=schema))
        if self.n_docs == 0:
            e = self.spark.createDataFrame([], "doc long")
            self._res = SparkResult(e, e, e, e, self.config, 0)
        else:
            self._res = dedupe(self.spark.read.parquet(path), self.config, order_col="pos")
        return self.n_docs

    def _result(self) -> SparkResult:
        if self._res is None:
            raise RuntimeError("call add() first")
        return self._res

    def results(self, *, start: int = 0) -> Iterator[DocResult]:
        """One :class:`~dedup.DocResult` per document, in order."""
        if start:
            raise ValueError("SparkCorpus has no stored index: start must be 0")
        return iter_results(self._result())

    def summary(self, top: int = 20) -> CorpusSummary:
        """Corpus-wide figures (as :meth:`dedup.Corpus.summary`)."""
        return summary(self._result(), top)
