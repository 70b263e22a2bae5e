"""Graph stages of the Spark driver (:mod:`dedup.spark`) on DataFrames: candidate pairs from
band keys, their exact verification, and connected components, each the same computation as
the single-machine driver's (:mod:`dedup.corpus`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from .spark_batches import jaccard_batches

if TYPE_CHECKING:  # pragma: no cover
    from pyspark.sql import DataFrame

__all__ = ["window_pairs", "verify", "components", "LOCAL_EDGES"]


def window_pairs(items: DataFrame, item: str, window: int, heads: bool = False) -> DataFrame:
    """Candidate pairs ``(a, b)``, ``a < b``: rows ``(item, keys)``; in each bucket
    (a key), every item with the ``window`` items before it (``heads``: and with the
    bucket's first, as :func:`dedup.lsh.head_pairs`)."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    w = Window.partitionBy("key").orderBy("b")
    exploded = items.select(F.col(item).alias("b"), F.explode("keys").alias("key"))
    lags = F.array(*[F.lag("b", k).over(w) for k in range(1, window + 1)], *([F.first("b").over(w)] if heads else []))
    pairs = exploded.select("b", lags.alias("before")).select("b", F.explode("before").alias("a"))
    return pairs.where(F.col("a").isNotNull() & (F.col("a") != F.col("b"))).select("a", "b").distinct()


def verify(pairs: DataFrame, sets: DataFrame, key: str, threshold: float) -> DataFrame:
    """Verified pairs ``(a, b, sim)`` with exact Jaccard >= ``threshold`` (1e-12 tolerance)."""
    from pyspark.sql import functions as F

    s = sets.select(F.col(key).alias("k"), "shingles")
    joined = (
        pairs.join(s.withColumnRenamed("k", "a").withColumnRenamed("shingles", "sa"), "a")
        .join(s.withColumnRenamed("k", "b").withColumnRenamed("shingles", "sb"), "b")
        .select("a", "b", "sa", "sb")
    )
    sims = joined.mapInArrow(jaccard_batches, "a long, b long, sim double")
    return sims.where(F.col("sim") >= threshold - 1e-12)


#: Graphs of at most this many edges get their components in the driver.
LOCAL_EDGES = 1 << 18


def _local_components(edges: DataFrame, rows: list[Any]) -> DataFrame:
    """Rows ``(node, label)`` of the components of the few edges ``rows`` of ``edges``."""
    from .cluster import components as label_components

    spark = edges.sparkSession
    if not rows:
        return spark.createDataFrame([], "node long, label long")
    a = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
    b = np.fromiter((r[1] for r in rows), dtype=np.int64, count=len(rows))
    nodes, inv = np.unique(np.concatenate((a, b)), return_inverse=True)
    inv = inv.ravel()
    label = nodes[label_components(len(nodes), inv[: len(a)], inv[len(a) :])]
    return spark.createDataFrame(list(zip(nodes.tolist(), label.tolist())), "node long, label long")


def components(edges: DataFrame, *, checkpoint: bool = True) -> DataFrame:
    """Connected components of the graph of ``edges`` (columns ``a, b``) as rows
    ``(node, label)``: every node that has an edge, labelled with the smallest node
    of its component.

    Rounds of min-label propagation (each node takes the smallest label among
    itself and its neighbours) followed by pointer jumping (a node takes its
    label's label), until no label changes; each round is a few joins on the
    executors, and the number of rounds grows with the logarithm of the
    component diameter in practice. A graph of at most :data:`LOCAL_EDGES` edges is
    labelled in the driver instead (:func:`dedup.cluster.components`, the same labels),
    which spares the rounds' jobs.
    """
    from pyspark.sql import functions as F

    small = edges.select("a", "b").where(F.col("a") != F.col("b")).limit(LOCAL_EDGES + 1).collect()
    if len(small) <= LOCAL_EDGES:
        return _local_components(edges, small)
    sym = edges.select("a", "b").union(edges.select(F.col("b").alias("a"), F.col("a").alias("b")))
    sym = sym.where(F.col("a") != F.col("b")).distinct().persist()
    labels = sym.groupBy(F.col("a").alias("node")).agg(F.least(F.min("b"), F.col("a")).alias("label"))
    labels = labels.localCheckpoint() if checkpoint else labels.persist()
    while True:
        nbr = (
            sym.join(labels.withColumnRenamed("node", "a"), "a")
            .groupBy(F.col("b").alias("node"))
            .agg(F.min("label").alias("nbr"))
        )
        step = labels.join(nbr, "node").select("node", F.col("label").alias("old"), F.least("label", "nbr").alias("hop"))
        jumped = (
            step.alias("x")
            .join(step.select(F.col("node").alias("hop"), F.col("hop").alias("label")), "hop")
            .select("node", "label", (F.col("label") != F.col("old")).alias("changed"))
        )
        jumped = jumped.localCheckpoint() if checkpoint else jumped.persist()
        labels.unpersist()
        labels = jumped.select("node", "label")
        if jumped.where("changed").limit(1).count() == 0:
            sym.unpersist()
            return labels
