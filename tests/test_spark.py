"""The Spark driver gives the single-machine answer (local[2]; skipped with a reason without Java)."""

from __future__ import annotations

import json
import random
import shutil

import pytest

import dedup

from .conftest import shared_file
from .test_corpus import synthetic_corpus


@pytest.fixture(scope="module")
def spark():
    pytest.importorskip("pyspark", reason="pyspark is not installed: pip install '.[spark]'")
    if shutil.which("java") is None:
        pytest.skip("no Java runtime on PATH: Spark tests need one (apt install default-jre-headless)")
    from dedup.spark import local_session

    s = local_session(2, memory="2g")
    s.sparkContext.setLogLevel("ERROR")
    yield s


def spark_results(spark, docs, cfg=None, **kw):
    from dedup.spark import dedupe, iter_results

    df = kw.pop("df", None) or spark.createDataFrame(docs, "id string, text string")
    return list(iter_results(dedupe(df, cfg, **kw)))


def assert_same(got, want):
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert g == w, f"document {w.id!r} differs"


def test_eval_corpus_equals_single_machine(spark):
    from dedup.spark import dedupe, summary

    path = shared_file("eval/corpus.jsonl")
    recs = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    docs = [(str(r["id"]), r["text"]) for r in recs]
    want = list(dedup.dedupe(docs))
    res = dedupe(spark.createDataFrame(docs, "id string, text string"))
    from dedup.spark import iter_results

    assert_same(list(iter_results(res)), want)
    with dedup.Corpus() as c:
        c.add(docs)
        assert summary(res) == c.summary()


def windowed_corpus(seed: int = 3) -> list[tuple[str, str]]:
    """Stories re-published with edits, plus many variants of one line: buckets far
    larger than a small window, chains of near misses."""
    rnd = random.Random(seed)
    docs, _ = synthetic_corpus(12, seed=seed)
    base = [f"w{i}" for i in range(14)]
    for d in range(30):
        lines = []
        for _ in range(rnd.randint(1, 4)):
            words = list(base)
            for _ in range(rnd.randint(0, 3)):
                words[rnd.randrange(len(words))] = f"x{rnd.randrange(6)}"
            lines.append(" ".join(words))
        docs.insert(rnd.randrange(len(docs) + 1), (f"v{d}", "\n".join(lines)))
    return docs


def test_random_corpus_equals_single_machine_whatever_the_partitions(spark):
    docs = windowed_corpus()
    cfg = dedup.Config(bucket_window=2, threshold=0.6, boilerplate_min=3)
    want = list(dedup.dedupe(docs, cfg, batch_size=7))
    # shuffled into three partitions, ordered back by an explicit column
    rows = [(i, d, t) for i, (d, t) in enumerate(docs)]
    random.Random(1).shuffle(rows)
    df = spark.createDataFrame(rows, "pos long, id string, text string").repartition(3)
    got = spark_results(spark, None, cfg, df=df, order_col="pos")
    assert_same(got, want)
    assert len({r.cluster for r in got}) < len(got)  # (documents were clustered)
    assert any(p.boilerplate for r in got for p in r.paragraphs)


def test_bad_input_is_refused_before_any_job(spark):
    from dedup.spark import dedupe

    df = spark.createDataFrame([("a", "x")], "id string, body string")
    with pytest.raises(ValueError, match="text_col='text' is not a column"):
        dedupe(df)
    with pytest.raises(TypeError, match="decode it first"):
        dedupe(spark.createDataFrame([("a", bytearray(b"x"))], "id string, text binary"))
    with pytest.raises(TypeError, match="ids must be strings or integers"):
        dedupe(spark.createDataFrame([(1.5, "x")], "id double, text string"))
    with pytest.raises(ValueError, match="duplicate document id 'a'"):
        dedupe(spark.createDataFrame([("a", "x"), ("a", "y")], "id string, text string"))


def test_integer_ids_empty_texts_and_an_empty_corpus(spark):
    docs = [(1, ""), (2, "   \n\n"), (3, "One line said twice, with more than eight words in it.\n" * 2)]
    got = spark_results(spark, None, df=spark.createDataFrame(docs, "id long, text string"))
    assert_same(got, list(dedup.dedupe(docs)))
    assert spark_results(spark, [], df=spark.createDataFrame([], "id string, text string")) == []
