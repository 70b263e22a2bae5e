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
   clusters again without it (:mod:`dedup.spark_clusters`).

Because clusters are defined by the corpus order alone (see
:class:`dedup.corpus.nodes.Nodes`), the result equals :func:`dedup.dedupe` over the
same documents in the same order, whatever the partitioning.

The code: :mod:`dedup.spark_input` (checks, numbering), :mod:`dedup.spark_batches`
(what runs per Arrow batch), :mod:`dedup.spark_stages` (candidates, verification,
components), :mod:`dedup.spark_clusters` (stories, boilerplate, document clusters),
:mod:`dedup.spark_pipeline` (the wiring), :mod:`dedup.spark_result` (the output),
:mod:`dedup.spark_corpus` (the command line's engine), :mod:`dedup.spark_session`.

Example (``local_session`` starts Spark on this machine)::

    from dedup.spark import local_session, dedupe
    spark = local_session(2)
    df = spark.createDataFrame([("a", "one"), ("b", "two")], "id string, text string")
    dedupe(df).documents.select("id", "collapsed", "cluster").show()
"""

from __future__ import annotations

from .spark_corpus import SparkCorpus
from .spark_pipeline import dedupe
from .spark_result import SparkResult, iter_results, summary
from .spark_session import local_session
from .spark_stages import components

__all__ = ["SparkResult", "SparkCorpus", "dedupe", "iter_results", "summary", "local_session", "components"]
