"""The Spark driver: the corpus pipeline on DataFrames, with the same answer as :class:`~dedup.Corpus`.

Every stage calls the same vectorized functions as the single-machine driver,
per Arrow batch inside ``mapInArrow`` (never a Python UDF per row):

1. :func:`dedup.collapse.analyze` on each batch of documents: paragraphs,
   shingle sets, band keys, the within-document removals and collapsed text.
2. Documents and paragraphs are numbered in corpus order (partition by
   partition; only one count per partition reaches the driver).
3. A *node* is a distinct shingle set (grouped by its 128-bit fingerprint,
   combined map-side), named by its first paragraph; paragraph rows go on
   without their sets. Band keys are exploded; in each bucket every
   node is a candidate with the ``bucket_window`` nodes before it (a window
   function, so a bucket of a million footers costs a million rows, not 10^12
   pairs). Candidates are verified with the exact Jaccard of their sets.
4. Connected components by min-label propagation with pointer jumping, one
   join per round on the executors; a graph of at most
   :data:`dedup.spark_stages.LOCAL_EDGES` edges is labelled in the driver instead.
5. Stories: document sets (the union of each document's kept paragraphs), their
   LSH buckets, verification and star clusters; boilerplate counted over the
   stories and template families; then, if there is boilerplate, the document
   clusters again without it (:mod:`dedup.spark_stages`).

Because clusters are defined by the corpus order alone (see
:class:`dedup.corpus.nodes.Nodes`), the result equals :func:`dedup.dedupe` over the
same documents in the same order, whatever the partitioning.

Example (``local_session`` starts Spark on this machine)::

    from dedup.spark import local_session, dedupe
    spark = local_session(2)
    df = spark.createDataFrame([("a", "one"), ("b", "two")], "id string, text string")
    dedupe(df).documents.select("id", "collapsed", "cluster").show()
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from .collapse import Repeat, analyze, cut_repeats
from .config import Config, resolve
from .corpus import document
from .lsh import set_fingerprints
from .results import CorpusSummary, DocResult, ParagraphInfo, Paragraphs
from .spark_stages import binary_column, components, doc_clusters, long_lists, verify, window_pairs, with_boilerplate
from .forms import paragraph_forms
from .templates import paragraph_leads
from .text import check_text

if TYPE_CHECKING:  # pragma: no cover
    import pyarrow as pa
    from pyspark.sql import DataFrame, SparkSession

__all__ = ["SparkResult", "SparkCorpus", "dedupe", "iter_results", "summary", "local_session", "components"]

_REPEAT = (
    "struct<start:long,end:long,witness_start:long,witness_end:long,similarity:double,"
    "block:long,index:long,witness_index:long,kind:string>"
)
_PARA = "struct<start:long,end:long,tokens:long,removed:boolean,form:long,lead:array<long>,f1:long,f2:long,shingles:binary,keys:array<long>>"
_ANALYZED = (
    f"pid long, row long, par0 long, id string, text string, collapsed string, "
    f"repeats array<{_REPEAT}>, paras array<{_PARA}>"
)


def _require_spark() -> Any:
    try:
        import pyspark
    except ImportError:  # pragma: no cover - depends on the environment
        raise ImportError("dedup.spark needs pyspark: pip install pyspark (the [spark] extra: pip install '.[spark]' in dedup's checkout)") from None
    return pyspark


def local_session(n_jobs: int = 2, *, memory: str = "4g", app: str = "dedup") -> SparkSession:
    """A local ``SparkSession`` on ``n_jobs`` cores, set up for this package
    (workers run this Python; few shuffle partitions; no UI)."""
    _require_spark()
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


# -- stage functions run on the executors (module level: picklable) ---------------------
def _analyze_batches(batches: Iterable[pa.RecordBatch], cfg: Config) -> Iterator[pa.RecordBatch]:
    import pyarrow as pa
    from pyspark import TaskContext

    ctx = TaskContext.get()
    pid = ctx.partitionId() if ctx is not None else 0
    row = par = 0
    for b in batches:
        ids = b.column(0).to_pylist()
        texts = b.column(1).to_pylist()
        for i, (did, t) in enumerate(zip(ids, texts)):
            if did is None:
                raise ValueError(f"document {row + i} has a null id; give every document an id")
            if t is None:
                raise ValueError(f"document {did!r} has a null text; drop it or fill it with ''")
            check_text(t, what=f"text of document {did!r}")
        an = analyze(texts, cfg, cross=True)
        assert an.keys is not None
        n, n_par = len(texts), len(an.starts)
        fp = set_fingerprints(an.rep_sets).view(np.int64)
        removed = np.zeros(n_par, dtype=bool)
        for d, reps in enumerate(an.repeats):
            removed[[int(an.doc_offsets[d]) + r.index for r in reps if r.kind != "inside"]] = True
        paras = pa.StructArray.from_arrays(
            [
                pa.array(an.starts.astype(np.int64)),
                pa.array(an.ends.astype(np.int64)),
                pa.array(an.tokens.astype(np.int64)),
                pa.array(removed),
                pa.array(paragraph_forms(texts, an.starts, an.ends, an.doc_offsets)),
                long_lists(paragraph_leads(texts, an.starts, an.ends, an.doc_offsets, an.tokens)),
                pa.array(fp[an.cls, 0]),
                pa.array(fp[an.cls, 1]),
                binary_column(an.rep_sets.take(an.cls)),
                long_lists(an.keys[an.cls]),
            ],
            names=["start", "end", "tokens", "removed", "form", "lead", "f1", "f2", "shingles", "keys"],
        )
        reps_flat = [r for reps in an.repeats for r in reps]
        rep_off = np.zeros(n + 1, dtype=np.int32)
        np.cumsum([len(r) for r in an.repeats], out=rep_off[1:])
        fields = Repeat.__dataclass_fields__
        repeats = pa.StructArray.from_arrays(
            [pa.array([getattr(r, f) for r in reps_flat],
                      type=pa.float64() if f == "similarity" else pa.string() if f == "kind" else pa.int64())
             for f in fields],
            names=list(fields),
        )
        yield pa.RecordBatch.from_arrays(
            [
                pa.array(np.full(n, pid, dtype=np.int64)),
                pa.array(np.arange(row, row + n, dtype=np.int64)),
                pa.array(par + an.doc_offsets[:-1].astype(np.int64)),
                pa.array(ids, type=pa.string()),
                pa.array(texts, type=pa.string()),
                pa.array([cut_repeats(t, r) for t, r in zip(texts, an.repeats)], type=pa.string()),
                pa.ListArray.from_arrays(pa.array(rep_off), repeats),
                pa.ListArray.from_arrays(pa.array(an.doc_offsets.astype(np.int32)), paras),
            ],
            names=["pid", "row", "par0", "id", "text", "collapsed", "repeats", "paras"],
        )
        row += n
        par += n_par


@dataclass(frozen=True)
class SparkResult:
    """The DataFrames :func:`dedupe` returns.

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
    _require_spark()
    from pyspark.sql import functions as F
    from pyspark.sql import types as T

    cfg = resolve(config)
    fields = {f.name: f.dataType for f in df.schema.fields}
    for col, what in ((id_col, "id_col"), (text_col, "text_col")):
        if col not in fields:
            raise ValueError(f"{what}={col!r} is not a column of the DataFrame (columns: {sorted(fields)[:10]})")
    if not isinstance(fields[text_col], T.StringType):
        raise TypeError(
            f"text column {text_col!r} is {fields[text_col].simpleString()}, not string; "
            f"decode it first (e.g. F.decode(col, 'utf-8'))"
        )
    if not isinstance(fields[id_col], (T.StringType, T.IntegerType, T.LongType, T.ShortType)):
        raise TypeError(f"id column {id_col!r} is {fields[id_col].simpleString()}; ids must be strings or integers")
    if order_col is not None:
        if order_col not in fields:
            raise ValueError(f"order_col={order_col!r} is not a column of the DataFrame")
        df = df.orderBy(order_col)
    spark = df.sparkSession
    src = df.select(F.col(id_col).cast("string").alias("id"), F.col(text_col).alias("text"))
    dup = src.groupBy("id").count().where(F.col("count") > 1).limit(1).collect()
    if dup:
        raise ValueError(f"duplicate document id {dup[0]['id']!r} ({dup[0]['count']} documents); make ids unique")

    # 1-2. the kernel per Arrow batch; positions from one count per partition
    analyzed = src.mapInArrow(lambda it: _analyze_batches(it, cfg), _ANALYZED).persist()
    counts = analyzed.groupBy("pid").agg(F.count("*").alias("n"), F.sum(F.size("paras")).alias("p")).collect()
    offs, d0, p0 = [], 0, 0
    for r in sorted(counts, key=lambda r: r["pid"]):
        offs.append((r["pid"], d0, p0))
        d0, p0 = d0 + r["n"], p0 + int(r["p"])
    off_df = spark.createDataFrame(offs or [(0, 0, 0)], "pid long, doc_off long, par_off long")
    docs = (
        analyzed.join(F.broadcast(off_df), "pid")
        .select((F.col("doc_off") + F.col("row")).alias("doc"), (F.col("par_off") + F.col("par0")).alias("gp0"),
                "id", "text", "collapsed", "repeats", "paras")
        .persist()
    )
    exploded = docs.select("doc", "gp0", "id", F.posexplode("paras").alias("index", "p")).select(
        "doc", "id", "index", (F.col("gp0") + F.col("index")).alias("gpos"), "p.*"
    )
    # 3. nodes: one row per distinct set (combined map-side, so a footer's million copies ship
    # once per partition), named by its first paragraph; the paragraph rows go on without sets
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
    edges = verify(window_pairs(nodes, "node", cfg.bucket_window), nodes, "node", cfg.threshold)
    comp = components(edges)
    p = paras.join(comp.withColumnRenamed("label", "comp"), "node", "left").withColumn(
        "comp", F.coalesce("comp", "node")
    )
    per_comp = p.groupBy("comp").agg(
        F.min("gpos").alias("cluster"), F.count("*").alias("cluster_size"),
        F.countDistinct("doc").alias("doc_frequency"),
    )
    p = p.join(per_comp, "comp").persist()
    # 5. stories: documents clustered by all their kept paragraphs; boilerplate counted over
    # them; documents clustered again without the boilerplate if there is any
    story = doc_clusters(p, nodes, docs, cfg, None).withColumnRenamed("dcluster", "story").persist()
    p = with_boilerplate(p, story, cfg).persist()
    if p.where("boilerplate").limit(1).count():
        dc = doc_clusters(p, nodes, docs, cfg, "boilerplate")
    else:
        dc = story.withColumnRenamed("story", "dcluster")
    dc = docs.select("doc", "id").join(dc, "doc")
    dsize = dc.groupBy("dcluster").agg(F.count("*").alias("cluster_size"))
    rep_id = dc.select(F.col("doc").alias("dcluster"), F.col("id").alias("cluster"))
    dc = dc.join(dsize, "dcluster").join(rep_id, "dcluster").persist()
    # similarity to the cluster's first paragraph
    first = p.select(
        F.col("gpos").alias("cluster"), F.col("node").alias("cnode"), F.col("id").alias("first_doc"),
        F.col("start").alias("first_start"), F.col("end").alias("first_end"),
    )
    p = p.join(first, "cluster").persist()
    pairs = p.where(F.col("node") != F.col("cnode")).select(F.col("node").alias("a"), F.col("cnode").alias("b")).distinct()
    sims = verify(pairs, nodes, "node", -1.0).select(F.col("a").alias("node"), F.col("b").alias("cnode"), "sim")
    p = p.join(sims, ["node", "cnode"], "left").withColumn("similarity", F.coalesce("sim", F.lit(1.0)))
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
    return SparkResult(documents, paragraphs, paragraph_clusters, document_clusters, cfg, d0)


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
        _require_spark()
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
