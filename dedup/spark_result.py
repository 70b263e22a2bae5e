"""The Spark driver's output side: the four DataFrames of a result, and the result read back
in the driver as this package's objects (:class:`~dedup.DocResult`, :class:`~dedup.CorpusSummary`)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .collapse import Repeat
from .config import Config
from .results import CorpusSummary, DocResult, ParagraphInfo, Paragraphs

if TYPE_CHECKING:  # pragma: no cover
    from pyspark.sql import DataFrame

__all__ = ["SparkResult", "result_frames", "iter_results", "summary"]


@dataclass(frozen=True)
class SparkResult:
    """The DataFrames :func:`~dedup.spark.dedupe` returns.

    ``documents``: ``doc`` (corpus position), ``id``, ``text``, ``collapsed``,
    ``repeats`` (the removals, fields of :class:`~dedup.Repeat`), ``cluster`` (id of
    the document cluster's representative, its earliest document), ``cluster_size``.
    ``paragraphs``: ``doc``, ``id`` and the fields of :class:`~dedup.ParagraphInfo`.
    ``paragraph_clusters``: one row per cluster with its evidence and boilerplate flag.
    ``document_clusters``: ``cluster``, ``representative`` (position), ``size``.
    ``n_documents`` is counted while the documents are numbered.
    """

    documents: DataFrame
    paragraphs: DataFrame
    paragraph_clusters: DataFrame
    document_clusters: DataFrame
    config: Config
    n_documents: int


def result_frames(p: DataFrame, docs: DataFrame, dc: DataFrame) -> tuple[DataFrame, DataFrame, DataFrame, DataFrame]:
    """``documents, paragraphs, paragraph_clusters, document_clusters`` (see :class:`SparkResult`)
    from the paragraph rows ``p`` (every :class:`~dedup.ParagraphInfo` field and the cluster's first
    occurrence), the numbered documents ``docs`` and their clusters ``dc`` (``doc, id, dcluster,
    cluster_size, cluster``)."""
    from pyspark.sql import functions as F

    info = [f for f in ParagraphInfo.__dataclass_fields__]
    paragraphs = p.select("doc", "id", *info)
    per_doc = paragraphs.groupBy("doc").agg(
        F.sort_array(F.collect_list(F.struct(*info))).alias("paragraphs")  # sorted by index, the first field
    )
    documents = (
        docs.join(dc.select("doc", "cluster", "cluster_size"), "doc")
        .join(per_doc, "doc", "left")
        .select("doc", "id", "text", "collapsed", "repeats", "cluster", "cluster_size",
                F.coalesce("paragraphs", F.array().cast(per_doc.schema["paragraphs"].dataType)).alias("paragraphs"))
    )
    paragraph_clusters = (
        p.where(F.col("gpos") == F.col("cluster"))
        .join(docs.select("doc", "text"), "doc")
        .select(
            "cluster", "cluster_size", "doc_frequency", "story_frequency", "boilerplate", "first_doc",
            "first_start", "first_end",
            F.expr("substring(text, first_start + 1, first_end - first_start)").alias("text"),
        )
    )
    document_clusters = dc.groupBy("dcluster", "cluster").agg(F.count("*").alias("size")).select(
        F.col("cluster"), F.col("dcluster").alias("representative"), "size"
    )
    return documents, paragraphs, paragraph_clusters, document_clusters


def iter_results(res: SparkResult) -> Iterator[DocResult]:
    """The result as :class:`~dedup.DocResult` objects in corpus order (streamed to
    the driver one partition at a time), equal to what :func:`dedup.dedupe` yields."""
    if res.n_documents == 0:
        return
    for d in res.documents.orderBy("doc").toLocalIterator(prefetchPartitions=True):
        infos = Paragraphs.of(ParagraphInfo(**p.asDict()) for p in d["paragraphs"])
        reps = tuple(Repeat(**r.asDict()) for r in d["repeats"])
        yield DocResult(d["id"], d["text"], d["collapsed"], reps, infos, d["cluster"], d["cluster_size"])


def summary(res: SparkResult, top: int = 20) -> CorpusSummary:
    """Corpus-wide figures, as :meth:`dedup.Corpus.summary` gives them."""
    from pyspark.sql import functions as F

    if res.n_documents == 0:
        return CorpusSummary(0, 0, 0, 0, 0, (), ())
    pc = res.paragraph_clusters
    boiler = pc.where("boilerplate")
    ranked = boiler.orderBy(F.desc("story_frequency"), F.desc("doc_frequency"), "cluster").limit(top).collect()
    big = (
        res.document_clusters.where(F.col("size") > 1)
        .orderBy(F.desc("size"), "representative")
        .limit(top)
        .collect()
    )
    pcount = res.paragraphs.agg(
        F.count("*").alias("n"),
        F.sum(F.col("boilerplate").cast("long")).alias("b"),
        F.sum(((F.col("first_doc") == F.col("id")) & (F.col("first_start") == F.col("start"))).cast("long")).alias("c"),
    ).collect()[0]
    return CorpusSummary(
        documents=res.n_documents,
        paragraphs=int(pcount["n"]),
        paragraph_clusters=int(pcount["c"] or 0),
        document_clusters=res.document_clusters.count(),
        boilerplate_paragraphs=int(pcount["b"] or 0),
        top_boilerplate=tuple((r["text"], r["doc_frequency"], r["story_frequency"]) for r in ranked),
        largest_document_clusters=tuple((r["cluster"], r["size"]) for r in big),
    )
