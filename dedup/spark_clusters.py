"""Document-level clusters of the Spark driver (:mod:`dedup.spark`) on DataFrames: star
clusters, stories and document clusters, boilerplate and template families, each the same
computation as the single-machine driver's (:mod:`dedup.corpus.clusters`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .config import Config
from .spark_batches import doc_set_batches
from .spark_stages import components, verify, window_pairs

if TYPE_CHECKING:  # pragma: no cover
    from pyspark.sql import DataFrame

__all__ = ["star", "doc_clusters", "with_boilerplate"]


def star(edges: DataFrame, dsets: DataFrame, threshold: float) -> DataFrame:
    """:func:`dedup.corpus.linking.star_clusters` on DataFrames: rows ``(node, label)`` of
    the documents that have an edge; members below ``threshold`` Jaccard with their
    representative leave and are clustered again among themselves, until all hold."""
    from pyspark.sql import functions as F

    settled: list[DataFrame] = []
    edges = edges.select("a", "b").persist()
    label = components(edges)
    while True:
        members = label.where(F.col("node") != F.col("label")).select(F.col("node").alias("a"), F.col("label").alias("b"))
        out = verify(members, dsets, "doc", -1.0).where(F.col("sim") < threshold - 1e-12).select(
            F.col("a").alias("node")).persist()
        if out.limit(1).count() == 0:
            out.unpersist()
            break
        settled.append(label.join(out, "node", "left_anti").localCheckpoint())
        edges = (edges.join(out.withColumnRenamed("node", "a"), "a", "left_semi")
                 .join(out.withColumnRenamed("node", "b"), "b", "left_semi").select("a", "b").localCheckpoint())
        out.unpersist()  # (what depends on it is checkpointed)
        label = components(edges)
    for part in settled:
        label = label.unionByName(part)
    return label


def doc_clusters(p: DataFrame, nodes: DataFrame, docs: DataFrame, cfg: Config, exclude: str | None) -> DataFrame:
    """Rows ``(doc, dcluster)`` for every document of ``docs``: documents whose sets (the
    union of their kept paragraphs' sets, without those where ``exclude`` holds) are at
    least ``doc_threshold`` alike, linked, as star clusters."""
    from pyspark.sql import functions as F

    from .corpus.linking import DOC_WINDOW, REPRESENTATIVE_SHARE

    kept = p.where(~F.col("removed") & (~F.col(exclude) if exclude else F.lit(True)))
    kept_sets = kept.select("doc", "node").join(nodes.select("node", "shingles"), "node")
    dsets = kept_sets.groupBy("doc").agg(F.collect_list("shingles").alias("sets")).mapInArrow(
        lambda it: doc_set_batches(it, cfg), "doc long, shingles binary, keys array<long>"
    ).persist()
    dedges = verify(window_pairs(dsets, "doc", DOC_WINDOW, heads=True), dsets, "doc", cfg.doc_threshold)
    dcomp = star(dedges, dsets, cfg.doc_threshold * REPRESENTATIVE_SHARE)
    return docs.select("doc").join(dcomp.withColumnRenamed("node", "doc"), "doc", "left").select(
        "doc", F.coalesce("label", "doc").alias("dcluster")
    )


def with_boilerplate(p: DataFrame, story: DataFrame, docs: DataFrame, cfg: Config) -> DataFrame:
    """``p`` with ``story_frequency`` (distinct stories of the paragraph's cluster) and
    ``boilerplate`` (in ``boilerplate_min`` stories not about one topic, see :mod:`dedup.topics`,
    or a template family's member, see :mod:`dedup.templates`, unless its form exempts it,
    see :mod:`dedup.forms`); ``story`` gives each document's story as ``(doc, story)``;
    ``docs`` the documents' texts."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    from .forms import CONTINUES, LETTERLESS
    from .templates import TEMPLATE_EDGE, TEMPLATE_TOKENS

    p = p.join(story, "doc")
    freq = p.groupBy("cluster").agg(
        F.countDistinct("story").alias("story_frequency"), F.count("*").alias("csize"),
        F.sum((F.col("form").bitwiseAND(CONTINUES) != 0).cast("long")).alias("cont"),
    )
    p = p.join(freq, "cluster").withColumn(
        "exempt", (2 * F.col("cont") >= F.col("csize")) | (F.col("form").bitwiseAND(LETTERLESS) != 0)
    ).withColumn("by_count", (F.col("story_frequency") >= cfg.boilerplate_min) & ~F.col("exempt")).persist()
    topical = _topical(p, docs)
    if topical:
        p = p.withColumn("by_count", F.col("by_count") & ~F.col("cluster").isin(topical))
    # a document's edge, not counting the paragraphs boilerplate by their count
    keep = (~F.col("by_count")).cast("long")
    rank = F.sum(keep).over(Window.partitionBy("doc").orderBy("index").rowsBetween(Window.unboundedPreceding, 0))
    n_keep = F.sum(keep).over(Window.partitionBy("doc"))
    edge = F.when(F.col("by_count"), F.lit(0)).otherwise(F.least(rank - 1, n_keep - rank))
    p = p.withColumn("edge", edge).persist()
    template = _template_column(p, cfg.boilerplate_min, TEMPLATE_TOKENS, TEMPLATE_EDGE)
    return (
        p.withColumn("boilerplate", F.col("by_count") | (template & ~F.col("exempt")))
        .drop("edge", "story", "csize", "cont", "exempt", "by_count")
    )


def _topical(p: DataFrame, docs: DataFrame) -> list[int]:
    """The clusters of the ``by_count`` paragraphs of ``p`` whose stories are about one topic
    (:func:`dedup.topics.topical_clusters` over the documents :func:`dedup.topics.topic_docs`
    picks: a bounded number, whose texts and counted spans come to the driver)."""
    import numpy as np
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    from .topics import BASE_STORIES, TOPIC_STORIES, topical_clusters, words_of

    firsts = p.where("by_count").groupBy("cluster", "story").agg(F.min("doc").alias("doc")).withColumn(
        "r", F.row_number().over(Window.partitionBy("cluster").orderBy("doc"))
    ).where(F.col("r") <= TOPIC_STORIES).select("cluster", "doc").collect()
    if not firsts:
        return []
    per: dict[int, list[int]] = {}
    for r in sorted(firsts, key=lambda r: (r["cluster"], r["doc"])):
        per.setdefault(int(r["cluster"]), []).append(int(r["doc"]))
    stories = p.select("story").distinct()
    n = stories.count()
    if n > BASE_STORIES:
        at = {int(i) + 1 for i in np.linspace(0, n - 1, BASE_STORIES).round()}
        stories = stories.withColumn("r", F.row_number().over(Window.orderBy("story"))).where(F.col("r").isin(sorted(at)))
    base = sorted(int(r["story"]) for r in stories.collect())
    want = sorted({*base, *(d for ds in per.values() for d in ds)})
    wanted = p.sparkSession.createDataFrame([(d,) for d in want], "doc long")
    texts = {int(r["doc"]): r["text"] for r in docs.join(F.broadcast(wanted), "doc").select("doc", "text").collect()}
    spans: dict[int, list[tuple[int, int]]] = {d: [] for d in want}
    counted = p.join(F.broadcast(wanted), "doc").where(~F.col("removed") & ~F.col("by_count"))
    for r in counted.select("doc", "start", "end").collect():
        spans[int(r["doc"])].append((int(r["start"]), int(r["end"])))
    words = {d: words_of(texts[d], spans[d]) for d in want}
    return sorted(topical_clusters({c: np.array(ds) for c, ds in per.items()}, np.array(base), words.__getitem__))


def _template_column(rows: DataFrame, boilerplate_min: int, max_tokens: int, max_edge: int) -> Any:
    """A boolean column: the paragraph is in a template family (the families of
    :func:`dedup.templates.template_paragraphs`), from ``rows`` of ``tokens, story, lead,
    edge``. The families' keys, few, come to the driver; no paragraph does."""
    from pyspark.sql import functions as F

    from .templates import FAMILIES

    member = F.lit(False)
    for j, (_, times) in enumerate(FAMILIES):
        keyed = rows.withColumn("key", F.col("lead")[j]).where(F.col("key") != 0)
        fam = keyed.groupBy("key").agg(
            F.count("*").alias("n"), F.sum((F.col("tokens") <= max_tokens).cast("long")).alias("short"),
            F.sum((F.col("edge") <= max_edge).cast("long")).alias("at_edge"),
            F.countDistinct("story").alias("stories"),
        ).where((F.col("stories") >= times * boilerplate_min) & (2 * F.col("short") >= F.col("n"))
                & (2 * F.col("at_edge") >= F.col("n")))
        if j:  # one continuation is most of the family
            top = keyed.groupBy("key", F.col("lead")[j - 1].alias("next")).count().groupBy("key").agg(
                F.max("count").alias("top"))
            fam = fam.join(top, "key").where(2 * F.col("top") >= F.col("n"))
        keys = sorted(r["key"] for r in fam.select("key").collect())
        if keys:
            member = member | F.col("lead")[j].isin(keys)
    return member
