"""The Spark driver's stage wiring: :func:`dedupe`, the corpus pipeline on DataFrames (the
plan is in :mod:`dedup.spark`), from the checked input to the result's DataFrames."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .config import Config, resolve
from .spark_clusters import doc_clusters, with_boilerplate
from .spark_input import checked_source, numbered_documents
from .spark_result import SparkResult, result_frames
from .spark_session import require_spark
from .spark_stages import components, verify, window_pairs

if TYPE_CHECKING:  # pragma: no cover
    from pyspark.sql import DataFrame

__all__ = ["dedupe"]


def dedupe(
    df: DataFrame,
    config: Config | None = None,
    *,
    id_col: str = "id",
    text_col: str = "text",
    order_col: str | None = None,
) -> SparkResult:
    """Collapse every document of ``df`` and cluster paragraphs and documents.

    The corpus order (which paragraph is "earliest") is ``order_col`` when given
    (unique values: ties would be broken arbitrarily), otherwise the DataFrame's
    own order (partition by partition). ``id_col`` may
    be a string or integer column and must be unique; ``text_col`` a string column.
    The result equals :func:`dedup.dedupe` over the same documents in that order.
    """
    require_spark()
    cfg = resolve(config)
    src = checked_source(df, id_col, text_col, order_col)
    docs, n_documents = numbered_documents(src, cfg)
    nodes, paras = _nodes(docs)
    p = _paragraph_clusters(paras, nodes, cfg)
    p, dc = _document_clusters(p, nodes, docs, cfg)
    p = _with_similarity(p, nodes)
    return SparkResult(*result_frames(p, docs, dc), cfg, n_documents)


def _nodes(docs: DataFrame) -> tuple[DataFrame, DataFrame]:
    """``nodes`` (``f1, f2, node, shingles, keys``): one row per distinct set, combined
    map-side (a footer's million copies ship once per partition), named by its first
    paragraph; and the paragraph rows with their node, without sets."""
    from pyspark.sql import functions as F

    exploded = docs.select("doc", "gp0", "id", F.posexplode("paras").alias("index", "p")).select(
        "doc", "id", "index", (F.col("gp0") + F.col("index")).alias("gpos"), "p.*"
    )
    nodes = (
        exploded.groupBy("f1", "f2")
        .agg(F.min("gpos").alias("node"), F.first("shingles").alias("shingles"), F.first("keys").alias("keys"))
        .persist()
    )
    paras = (
        exploded.drop("shingles", "keys")
        .join(nodes.select("f1", "f2", "node"), ["f1", "f2"])
        .drop("f1", "f2")
        .persist()
    )
    return nodes, paras


def _paragraph_clusters(paras: DataFrame, nodes: DataFrame, cfg: Config) -> DataFrame:
    """The paragraph rows with their component (``comp``), its first paragraph
    (``cluster``), ``cluster_size`` and ``doc_frequency``."""
    from pyspark.sql import functions as F

    edges = verify(window_pairs(nodes, "node", cfg.bucket_window), nodes, "node", cfg.threshold)
    comp = components(edges)
    p = paras.join(comp.withColumnRenamed("label", "comp"), "node", "left").withColumn(
        "comp", F.coalesce("comp", "node")
    )
    per_comp = p.groupBy("comp").agg(
        F.min("gpos").alias("cluster"), F.count("*").alias("cluster_size"),
        F.countDistinct("doc").alias("doc_frequency"),
    )
    return p.join(per_comp, "comp").persist()


def _document_clusters(p: DataFrame, nodes: DataFrame, docs: DataFrame, cfg: Config) -> tuple[DataFrame, DataFrame]:
    """Stories (documents clustered by all their kept paragraphs), boilerplate counted over
    them, then the documents clustered again without the boilerplate if there is any:
    ``p`` with the boilerplate columns, and rows ``doc, id, dcluster, cluster_size, cluster``."""
    from pyspark.sql import functions as F

    story = doc_clusters(p, nodes, docs, cfg, None).withColumnRenamed("dcluster", "story").persist()
    p = with_boilerplate(p, story, docs, cfg).persist()
    if p.where("boilerplate").limit(1).count():
        dc = doc_clusters(p, nodes, docs, cfg, "boilerplate")
    else:
        dc = story.withColumnRenamed("story", "dcluster")
    dc = docs.select("doc", "id").join(dc, "doc")
    dsize = dc.groupBy("dcluster").agg(F.count("*").alias("cluster_size"))
    rep_id = dc.select(F.col("doc").alias("dcluster"), F.col("id").alias("cluster"))
    return p, dc.join(dsize, "dcluster").join(rep_id, "dcluster").persist()


def _with_similarity(p: DataFrame, nodes: DataFrame) -> DataFrame:
    """``p`` with its cluster's first paragraph (``first_doc, first_start, first_end``) and
    the ``similarity`` to it."""
    from pyspark.sql import functions as F

    first = p.select(
        F.col("gpos").alias("cluster"), F.col("node").alias("cnode"), F.col("id").alias("first_doc"),
        F.col("start").alias("first_start"), F.col("end").alias("first_end"),
    )
    p = p.join(first, "cluster").persist()
    pairs = p.where(F.col("node") != F.col("cnode")).select(F.col("node").alias("a"), F.col("cnode").alias("b")).distinct()
    sims = verify(pairs, nodes, "node", -1.0).select(F.col("a").alias("node"), F.col("b").alias("cnode"), "sim")
    return p.join(sims, ["node", "cnode"], "left").withColumn("similarity", F.coalesce("sim", F.lit(1.0)))
