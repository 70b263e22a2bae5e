"""The Spark driver gives the single-machine answer (local[2]; skipped with a reason without Java)."""

from __future__ import annotations

import json
import os
import random
import shutil

import pytest

import dedup

from .conftest import TEST_JVM, TEST_SPARK_CONF, shared_file
from .test_corpus import line_variants, synthetic_corpus


@pytest.fixture(scope="module")
def spark():
    pytest.importorskip("pyspark", reason="pyspark is not installed: pip install '.[spark]'")
    if shutil.which("java") is None:
        pytest.skip("no Java runtime on PATH: Spark tests need one (apt install default-jre-headless)")
    from dedup.spark import local_session

    with pytest.MonkeyPatch.context() as mp:  # (only while the JVM starts; a user's own setting wins)
        if "PYSPARK_SUBMIT_ARGS" not in os.environ:
            mp.setenv("PYSPARK_SUBMIT_ARGS", f'--driver-java-options "{TEST_JVM}" pyspark-shell')
        s = local_session(2, memory="2g")
    s.sparkContext.setLogLevel("ERROR")
    key, value = TEST_SPARK_CONF.split()
    s.conf.set(key, value)
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
    for d, text in enumerate(line_variants(rnd, 30)):
        docs.insert(rnd.randrange(len(docs) + 1), (f"v{d}", text))
    return docs


def test_random_corpus_equals_single_machine_whatever_the_partitions(spark):
    docs = windowed_corpus() + [("e1", ""), ("e2", "  \n\n"), ("e3", "Ya.")]
    docs = [(i, t) for i, (_, t) in enumerate(docs)]  # integer ids
    cfg = dedup.Config(bucket_window=2, threshold=0.6, boilerplate_min=3)
    want = list(dedup.dedupe(docs, cfg, batch_size=7))
    # shuffled over three partitions, put back in order by an explicit column
    rows = list(docs)
    random.Random(1).shuffle(rows)
    df = spark.createDataFrame(rows, "id long, text string").repartition(3)
    got = spark_results(spark, None, cfg, df=df, order_col="id")
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
    from dedup.spark import SparkCorpus

    with SparkCorpus(spark=spark) as c:  # an empty corpus: nothing to run
        assert c.add([]) == 0 and list(c.results()) == [] and c.summary().documents == 0
    with pytest.raises(ValueError, match="duplicate document id 'a'"):
        dedupe(spark.createDataFrame([("a", "x"), ("a", "y")], "id string, text string"))


def test_cli_engine_spark_writes_what_the_local_engine_writes(spark, tmp_path):
    from dedup.cli import main

    src = tmp_path / "in.jsonl"
    docs, _ = synthetic_corpus(8, seed=2)
    src.write_text("".join(json.dumps({"id": d, "text": t}) + "\n" for d, t in docs), encoding="utf-8")
    outs = {}
    for engine in ("local", "spark"):
        out = tmp_path / f"{engine}.jsonl"
        html = tmp_path / f"{engine}.html"
        rep = tmp_path / f"{engine}.report.jsonl"
        assert main(["corpus", str(src), "-o", str(out), "--engine", engine, "--report-html", str(html),
                     "--report", str(rep), "-q"]) == 0
        outs[engine] = (out.read_bytes(), rep.read_bytes(), html.read_bytes())
    assert outs["spark"] == outs["local"]
    with pytest.raises(SystemExit) as e:  # a usage error: Spark keeps no index
        main(["corpus", str(src), "-o", str(tmp_path / "x.jsonl"), "--engine", "spark", "--index", "i.db"])
    assert e.value.code == 2


@pytest.mark.parametrize("local_edges", [None, 0])
def test_crawl_like_corpus_equals_single_machine(spark, monkeypatch, local_edges):
    """Stories copied many times, template lines, a split link anchor and a quote re-used by
    follow-ups on one event: the two-pass stories, template families, forms and topics give the local answer (the star clusters' cuts are
    in the eval corpus test), with components in the driver (small graphs) or in rounds of
    joins (``LOCAL_EDGES = 0``)."""
    from dedup import spark_stages

    from .test_crawl_clusters import FOOTER, stories

    if local_edges is not None:
        monkeypatch.setattr(spark_stages, "LOCAL_EDGES", local_edges)

    rnd = random.Random(2)
    docs = [(f"{s}#{j}", "\n".join([p + "." for p in a[:3]] + ["It was played against", "Timnas Indonesia",
                                    "on the day.", f"Watch also: {' '.join(rnd.sample(a[0].split(), 5))}", FOOTER]))
            for j in range(3) for s, a in enumerate(stories(n=6))]
    quote = "The court sentenced the former official to sixteen years in prison for the bribes he took"
    docs += [(f"f{j}", "\n".join(a[:3] + [quote] + a[3:])) for j, a in enumerate(stories(n=1, seed=9 + j)[0]
                                                                              for j in range(3))]
    cfg = dedup.Config(boilerplate_min=3)
    got = spark_results(spark, docs, cfg)
    want = list(dedup.dedupe(docs, cfg))
    assert_same(got, want)
    flags = {r.text.splitlines()[i]: p.boilerplate for r in want for i, p in enumerate(r.paragraphs)}
    assert flags[FOOTER] and not flags["Timnas Indonesia"] and not flags[quote]
    assert all(f for line, f in flags.items() if line.startswith("Watch also"))
