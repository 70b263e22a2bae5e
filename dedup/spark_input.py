"""The Spark driver's input side: the user's DataFrame checked (columns, types, unique ids),
each batch of documents through the kernel, and every document and paragraph numbered in
corpus order from one count per partition."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .config import Config
from .spark_batches import ANALYZED, analyze_batches

if TYPE_CHECKING:  # pragma: no cover
    from pyspark.sql import DataFrame

__all__ = ["checked_source", "numbered_documents"]


def checked_source(df: DataFrame, id_col: str, text_col: str, order_col: str | None) -> DataFrame:
    """Rows ``(id, text)`` of ``df`` in corpus order (``order_col`` when given), ids as
    strings; a missing column, a wrong type or a duplicate id raises, naming the fix."""
    from pyspark.sql import functions as F
    from pyspark.sql import types as T

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
    src = df.select(F.col(id_col).cast("string").alias("id"), F.col(text_col).alias("text"))
    dup = src.groupBy("id").count().where(F.col("count") > 1).limit(1).collect()
    if dup:
        raise ValueError(f"duplicate document id {dup[0]['id']!r} ({dup[0]['count']} documents); make ids unique")
    return src


def numbered_documents(src: DataFrame, cfg: Config) -> tuple[DataFrame, int]:
    """The documents of ``src`` through :func:`~dedup.spark_batches.analyze_batches`, as rows
    ``doc, gp0, id, text, collapsed, repeats, paras`` (``doc`` the corpus position, ``gp0``
    that of the first paragraph), persisted; and the number of documents."""
    from pyspark.sql import functions as F

    analyzed = src.mapInArrow(lambda it: analyze_batches(it, cfg), ANALYZED).persist()
    counts = analyzed.groupBy("pid").agg(F.count("*").alias("n"), F.sum(F.size("paras")).alias("p")).collect()
    offs, d0, p0 = [], 0, 0
    for r in sorted(counts, key=lambda r: r["pid"]):
        offs.append((r["pid"], d0, p0))
        d0, p0 = d0 + r["n"], p0 + int(r["p"])
    off_df = src.sparkSession.createDataFrame(offs or [(0, 0, 0)], "pid long, doc_off long, par_off long")
    docs = (
        analyzed.join(F.broadcast(off_df), "pid")
        .select((F.col("doc_off") + F.col("row")).alias("doc"), (F.col("par_off") + F.col("par0")).alias("gp0"),
                "id", "text", "collapsed", "repeats", "paras")
        .persist()
    )
    return docs, d0
