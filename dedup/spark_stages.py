"""DataFrame stages of the Spark driver (:mod:`dedup.spark`): sets between Arrow columns and
CSR form, candidate pairs from band keys, exact verification, connected components, and the
document-level clusters (stories, boilerplate, template families, star clusters), each as the
same computation as the single-machine driver's (:mod:`dedup.corpus.clusters`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

import numpy as np

from .config import Config
from .lsh import band_keys_of_sets, jaccard_pairs
from .shingle import ShingleSets, union_rows

if TYPE_CHECKING:  # pragma: no cover
    import pyarrow as pa
    from pyspark.sql import DataFrame

__all__ = ["csr", "binary_column", "long_lists", "jaccard_batches", "doc_set_batches", "window_pairs", "verify",
           "components", "LOCAL_EDGES", "star", "doc_clusters", "with_boilerplate"]


def csr(arr: pa.Array) -> ShingleSets:
    """The sets stored as little-endian ``uint32`` bytes in a binary column, as a CSR."""
    import pyarrow as pa

    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    n = len(arr)
    large = pa.types.is_large_binary(arr.type)
    bufs = arr.buffers()
    offsets = np.frombuffer(bufs[1], dtype=np.int64 if large else np.int32)[arr.offset : arr.offset + n + 1]
    offsets = offsets.astype(np.int64)
    data = np.frombuffer(bufs[2], dtype=np.uint8) if bufs[2] is not None and offsets[-1] > offsets[0] else None
    values = (
        data[offsets[0] : offsets[-1]].view("<u4").astype(np.uint32)
        if data is not None
        else np.zeros(0, dtype=np.uint32)
    )
    return ShingleSets(values, (offsets - offsets[0]) // 4, np.zeros(n, dtype=np.int64))


def binary_column(sets: ShingleSets) -> pa.Array:
    import pyarrow as pa

    off = (sets.offsets * 4).astype(np.int64)
    data = pa.py_buffer(np.ascontiguousarray(sets.values.astype("<u4")).tobytes())
    return pa.LargeBinaryArray.from_buffers(pa.large_binary(), len(sets), [None, pa.py_buffer(off.tobytes()), data]).cast(
        pa.binary()
    )


def long_lists(keys: np.ndarray) -> pa.Array:
    import pyarrow as pa

    n, width = keys.shape
    off = pa.array(np.arange(n + 1, dtype=np.int32) * width)
    return pa.ListArray.from_arrays(off, pa.array(keys.reshape(-1).view(np.int64)))


def jaccard_batches(batches: Iterable[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """Columns ``a, b, sa, sb`` -> ``a, b, sim`` (exact Jaccard of the two sets)."""
    import pyarrow as pa

    for b in batches:
        n = b.num_rows
        sa, sb = csr(b.column(2)), csr(b.column(3))
        joint = ShingleSets(
            np.concatenate((sa.values, sb.values)),
            np.concatenate((sa.offsets, sb.offsets[1:] + sa.offsets[-1])),
            np.zeros(2 * n, dtype=np.int64),
        )
        idx = np.arange(n, dtype=np.int64)
        sim = jaccard_pairs(joint, idx, idx + n)
        yield pa.RecordBatch.from_arrays([b.column(0), b.column(1), pa.array(sim)], names=["a", "b", "sim"])


def doc_set_batches(batches: Iterable[pa.RecordBatch], cfg: Config) -> Iterator[pa.RecordBatch]:
    """Columns ``doc, sets`` (a list of paragraph sets) -> ``doc, shingles, keys``:
    each document's union set and its band keys for document LSH."""
    import pyarrow as pa

    for b in batches:
        lists = b.column(1)
        n = b.num_rows
        counts = np.diff(lists.offsets.to_numpy(zero_copy_only=False).astype(np.int64))
        sets = csr(lists.flatten())
        dsets = union_rows(sets, np.arange(len(sets), dtype=np.int64), np.repeat(np.arange(n, dtype=np.int64), counts), n)
        keys = band_keys_of_sets(dsets, cfg.num_perm, cfg.seed, *cfg.doc_lsh)
        yield pa.RecordBatch.from_arrays([b.column(0), binary_column(dsets), long_lists(keys)], names=["doc", "shingles", "keys"])


def window_pairs(items: DataFrame, item: str, window: int) -> DataFrame:
    """Candidate pairs ``(a, b)``, ``a < b``: rows ``(item, keys)``; in each bucket
    (a key), every item with the ``window`` items before it."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    w = Window.partitionBy("key").orderBy("b")
    exploded = items.select(F.col(item).alias("b"), F.explode("keys").alias("key"))
    lags = F.array(*[F.lag("b", k).over(w) for k in range(1, window + 1)])
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


def star(edges: DataFrame, dsets: DataFrame, threshold: float) -> DataFrame:
    """:func:`dedup.corpus.clusters.star_clusters` on DataFrames: rows ``(node, label)`` of
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

    from .corpus.clusters import REPRESENTATIVE_SHARE

    kept = p.where(~F.col("removed") & (~F.col(exclude) if exclude else F.lit(True)))
    kept_sets = kept.select("doc", "node").join(nodes.select("node", "shingles"), "node")
    dsets = kept_sets.groupBy("doc").agg(F.collect_list("shingles").alias("sets")).mapInArrow(
        lambda it: doc_set_batches(it, cfg), "doc long, shingles binary, keys array<long>"
    ).persist()
    dedges = verify(window_pairs(dsets, "doc", cfg.bucket_window), dsets, "doc", cfg.doc_threshold)
    dcomp = star(dedges, dsets, cfg.doc_threshold * REPRESENTATIVE_SHARE)
    return docs.select("doc").join(dcomp.withColumnRenamed("node", "doc"), "doc", "left").select(
        "doc", F.coalesce("label", "doc").alias("dcluster")
    )


def with_boilerplate(p: DataFrame, story: DataFrame, cfg: Config) -> DataFrame:
    """``p`` with ``story_frequency`` (distinct stories of the paragraph's cluster) and
    ``boilerplate`` (in ``boilerplate_min`` stories, or a template family's member, see
    :mod:`dedup.templates`, unless its form exempts it, see :mod:`dedup.forms`); ``story``
    gives each document's story as ``(doc, story)``."""
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
    ).withColumn("by_count", (F.col("story_frequency") >= cfg.boilerplate_min) & ~F.col("exempt"))
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
