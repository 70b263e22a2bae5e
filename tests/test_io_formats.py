"""Formats, streams and training-data outputs of `dedup corpus`, and the table inputs of the library.

The command line runs in a subprocess wherever an exit code or a pipe matters; inputs are a few
documents, so every test is quick.
"""

from __future__ import annotations

import bz2
import gzip
import json
import lzma
import os
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import pytest

import dedup
from dedup.results import Fields

FOOT = "COPYRIGHT © Gazette Media Group, all rights reserved 2024"


def story(i: int) -> str:
    lede = f"Story {i}: " + " ".join(f"word{i}x{j}" for j in range(12))
    body = " ".join(f"w{i}b{j}" for j in range(20))
    return f"{lede}\n{body}\n{FOOT}\n{body}\n"


def records(n: int = 4) -> list[dict]:
    """``n`` stories (each with its body twice and the shared footer), the last a copy of the first."""
    out = [{"id": i, "text": story(i), "url": f"https://x.test/{i}", "meta": {"k": i}} for i in range(n - 1)]
    out.append({"id": n - 1, "text": story(0).replace("Story 0", "Story 0 (updated)"), "url": "https://x.test/c",
                "meta": {"k": -1}})
    return out


def jsonl_bytes(recs) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in recs).encode()


def run(*args, **kw) -> subprocess.CompletedProcess:
    kw.setdefault("capture_output", True)
    kw.setdefault("timeout", 120)  # (a guard against a hang, not a timed test)
    return subprocess.run([sys.executable, "-m", "dedup", *map(str, args)], **kw)


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


COMPRESS = {".gz": lambda b: gzip.compress(b, mtime=0), ".bz2": bz2.compress, ".xz": lzma.compress}
OPEN = {".gz": gzip.decompress, ".bz2": bz2.decompress, ".xz": lzma.decompress}


@pytest.mark.parametrize("suffix", [".gz", ".bz2", ".xz", ".zst"])
def test_compressed_jsonl_in_and_out(tmp_path, suffix):
    if suffix == ".zst":
        zstd = pytest.importorskip("zstandard", reason="zstandard not installed (extra [zstd])")
        COMPRESS[suffix] = lambda b: zstd.ZstdCompressor().compress(b)
        OPEN[suffix] = lambda b: zstd.ZstdDecompressor().stream_reader(b).read()
    src, plain = tmp_path / f"in.jsonl{suffix}", tmp_path / "in.jsonl"
    src.write_bytes(COMPRESS[suffix](jsonl_bytes(records())))
    plain.write_bytes(jsonl_bytes(records()))
    out = tmp_path / f"out.jsonl{suffix}"
    assert run("corpus", src, "-o", out, "-q").returncode == 0
    assert run("corpus", plain, "-o", tmp_path / "plain.jsonl", "-q").returncode == 0
    assert OPEN[suffix](out.read_bytes()) == (tmp_path / "plain.jsonl").read_bytes()  # the same records, compressed
    first = out.read_bytes()
    assert run("corpus", src, "-o", out, "-q").returncode == 0
    assert out.read_bytes() == first  # deterministic (no time stamp in the header)
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_truncated_gzip_is_a_data_error_naming_the_file(tmp_path):
    src, out = tmp_path / "in.jsonl.gz", tmp_path / "out.jsonl"
    src.write_bytes(gzip.compress(jsonl_bytes(records() * 1), mtime=0)[:200])
    p = run("corpus", src, "-o", out, "-q")
    err = p.stderr.decode()
    assert p.returncode == 1 and f"{src}: the gzip data is damaged or truncated" in err and "gzip -t" in err
    assert sorted(x.name for x in tmp_path.iterdir()) == ["in.jsonl.gz"]


def test_gzip_bytes_under_a_plain_name_are_decompressed(tmp_path):
    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    src.write_bytes(gzip.compress(jsonl_bytes(records()), mtime=0))
    assert run("corpus", src, "-o", out, "-q").returncode == 0
    assert [r["id"] for r in read_jsonl(out)] == [0, 1, 2, 3]


def test_standard_input_to_standard_output(tmp_path):
    data = gzip.compress(jsonl_bytes(records()), mtime=0)  # zcat-less: the magic bytes say gzip
    p = run("corpus", "-", "-o", "-", "--report", tmp_path / "r.json", "-q", input=data)
    assert p.returncode == 0, p.stderr
    recs = [json.loads(line) for line in p.stdout.decode().splitlines()]
    assert [r["id"] for r in recs] == [0, 1, 2, 3] and all(r["text"].count(FOOT) == 1 for r in recs)
    assert read_jsonl(tmp_path / "r.json")[0]["summary"]["documents"] == 4  # (JSON Lines: the summary first)


def test_dev_stdin_from_a_real_pipe(tmp_path):
    src, out = tmp_path / "in.jsonl.gz", tmp_path / "y.jsonl"
    src.write_bytes(gzip.compress(jsonl_bytes(records()), mtime=0))
    cat = subprocess.Popen([sys.executable, "-c", "import gzip,sys; sys.stdout.buffer.write(gzip.open(sys.argv[1]).read())",
                            str(src)], stdout=subprocess.PIPE)
    p = run("corpus", "/dev/stdin", "-o", out, "-q", stdin=cat.stdout)
    cat.stdout.close()
    assert cat.wait() == 0 and p.returncode == 0, p.stderr
    assert out.is_file() and [r["url"] for r in read_jsonl(out)][:1] == ["https://x.test/0"]  # a file, all records


def test_fifo_named_jsonl_is_read_once(tmp_path):
    fifo, out = tmp_path / "feed.jsonl", tmp_path / "out.parquet"
    pytest.importorskip("pyarrow", reason="pyarrow not installed (extra [parquet])")
    try:
        os.mkfifo(fifo)
    except (OSError, AttributeError) as e:
        pytest.skip(f"no FIFOs here: {e}")
    opened = []

    def feed():
        with open(fifo, "wb") as f:  # blocks until the reader opens it; a second open would hang the test
            opened.append(1)
            f.write(jsonl_bytes(records()))

    t = threading.Thread(target=feed, daemon=True)
    t.start()
    p = run("corpus", fifo, "-o", out, "-q")
    t.join(5)
    assert p.returncode == 0, p.stderr
    import pyarrow.parquet as pq

    assert [r["id"] for r in pq.read_table(out).to_pylist()] == [0, 1, 2, 3] and opened == [1]


def test_unknown_input_suffix_is_a_usage_error(tmp_path):
    src = tmp_path / "in.csv"
    src.write_bytes(jsonl_bytes(records()))
    p = run("corpus", src, "-o", tmp_path / "out.jsonl")
    err = p.stderr.decode()
    assert p.returncode == 2 and f"{src}: cannot tell the format" in err and "--format" in err and "usage:" in err
    assert not (tmp_path / "out.jsonl").exists()
    assert run("corpus", src, "--format", "jsonl", "-o", tmp_path / "out.jsonl", "-q").returncode == 0
    assert len(read_jsonl(tmp_path / "out.jsonl")) == 4


@pytest.mark.parametrize("args, match", [
    (["-o", "{d}/out.csv"], "cannot tell the output format from the name (.csv)"),
    (["-o", "{d}/out.jsonl", "--output-format", "parquet"], "names a jsonl file but --output-format is parquet"),
    (["-o", "{d}/out.parquet.gz"], "only JSONL is written compressed"),
    (["-o", "{d}/out.txt.gz"], "cannot tell the output format"),
])
def test_output_names_that_disagree_are_refused(tmp_path, args, match):
    src = tmp_path / "in.jsonl"
    src.write_bytes(jsonl_bytes(records()))
    p = run("corpus", src, *[a.format(d=tmp_path) for a in args])
    assert p.returncode == 2 and match in p.stderr.decode(), p.stderr
    assert sorted(x.name for x in tmp_path.iterdir()) == ["in.jsonl"]


def test_output_format_for_a_name_that_says_nothing(tmp_path):
    src, out = tmp_path / "in.jsonl", tmp_path / "out.data"
    src.write_bytes(jsonl_bytes(records()))
    assert run("corpus", src, "-o", out, "--output-format", "jsonl", "-q").returncode == 0
    assert len(read_jsonl(out)) == 4


def test_jsonl_and_parquet_convert_both_ways(tmp_path):
    pytest.importorskip("pyarrow", reason="pyarrow not installed (extra [parquet])")
    import pyarrow.parquet as pq

    src = tmp_path / "in.jsonl"
    src.write_bytes(jsonl_bytes(records()))
    assert run("corpus", src, "-o", tmp_path / "a.parquet", "-q").returncode == 0
    assert (tmp_path / "a.parquet").read_bytes()[:4] == b"PAR1"
    rows = pq.read_table(tmp_path / "a.parquet").to_pylist()
    assert [r["url"] for r in rows] == [r["url"] for r in records()] and rows[1]["meta"] == {"k": 1}
    assert run("corpus", tmp_path / "a.parquet", "-o", tmp_path / "b.jsonl", "-q").returncode == 0
    back = read_jsonl(tmp_path / "b.jsonl")
    assert (tmp_path / "b.jsonl").read_bytes()[:1] == b"{"  # JSONL under a .jsonl name, never Parquet bytes
    assert back == read_jsonl_direct(src, tmp_path)


def read_jsonl_direct(src: Path, tmp_path: Path) -> list[dict]:
    assert run("corpus", src, "-o", tmp_path / "direct.jsonl", "-q").returncode == 0
    return read_jsonl(tmp_path / "direct.jsonl")


def test_records_keep_their_fields_order_and_types(tmp_path):
    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    src.write_text('{"url": "u", "text": "Ya.", "id": 7, "n": null}\n{"text": "Tidak."}\n', encoding="utf-8")
    assert run("corpus", src, "-o", out, "-q").returncode == 0
    assert out.read_text(encoding="utf-8") == '{"url": "u", "text": "Ya.", "id": 7, "n": null}\n{"text": "Tidak."}\n'


def test_encoding_of_txt_inputs(tmp_path):
    d = tmp_path / "docs"
    d.mkdir()
    (d / "a.txt").write_bytes(story(1).replace("Story", "Café").encode("latin-1", "replace"))
    p = run("corpus", d, "-o", tmp_path / "out", "-q")
    assert p.returncode == 1 and "not valid utf-8" in p.stderr.decode()
    assert run("corpus", d, "-o", tmp_path / "out", "-q", "--encoding", "latin-1").returncode == 0
    assert (tmp_path / "out" / "a.txt").read_bytes().decode("latin-1").startswith("Café 1:")
    assert run("corpus", d, "-o", tmp_path / "t.jsonl", "-q", "--encoding", "latin-1").returncode == 0
    assert read_jsonl(tmp_path / "t.jsonl")[0]["id"] == "a.txt"  # .txt files into JSONL


def dup_corpus() -> list[dict]:
    """Three stories sharing a footer (boilerplate at 3 stories), the third published twice."""
    ledes = ["The council met on Monday to vote on the new budget for the schools of the town.",
             "A storm hit the coast and thousands of homes lost their power for the whole night.",
             "The home team won the final after a late goal in extra time, their first cup in years."]
    foot = "Copyright 2024 The Daily Example, all rights reserved, do not copy this article."
    recs = [{"id": f"s{i}", "text": f"{t}\r\n{foot}\r\n", "u": i} for i, t in enumerate(ledes)]
    recs.append({"id": "s2-copy", "text": f"{ledes[2]} Updated.\r\n{foot}\r\n", "u": 9})
    return recs


def test_drop_duplicates_and_strip_boilerplate(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_bytes(jsonl_bytes(dup_corpus()))
    p = run("corpus", src, "-o", tmp_path / "all.jsonl")
    assert p.returncode == 0 and len(read_jsonl(tmp_path / "all.jsonl")) == 4  # the default: every document
    assert "wrote 4 of 4 documents" in p.stderr.decode()
    p = run("corpus", src, "-o", tmp_path / "one.jsonl", "--drop-duplicates")
    got = read_jsonl(tmp_path / "one.jsonl")
    assert [r["id"] for r in got] == ["s0", "s1", "s2"] and got[2]["u"] == 2
    err = p.stderr.decode().splitlines()[-1]
    n = len(dup_corpus()[3]["text"])
    assert err.startswith("dedup: wrote 3 of 4 documents") and f"--drop-duplicates dropped 1 documents ({n} characters)" in err
    p = run("corpus", src, "-o", tmp_path / "clean.jsonl", "--drop-duplicates", "--strip-boilerplate", "--boilerplate-min", 3,
            "--report", tmp_path / "clean.report.jsonl")
    got = read_jsonl(tmp_path / "clean.jsonl")
    assert [r["text"] for r in got] == [r["text"].split("\r\n")[0] + "\r\n" for r in dup_corpus()[:3]]
    foot = len(dup_corpus()[0]["text"].split("\r\n")[1]) + 2
    assert f"--strip-boilerplate cut 3 paragraphs ({3 * foot} characters)" in p.stderr.decode()
    rep = read_jsonl(tmp_path / "clean.report.jsonl")
    assert [r["record"] for r in rep] == ["summary"] + ["document"] * 4  # the report covers every document


def test_help_says_what_each_mode_writes():
    out = run("corpus", "--help").stdout.decode()
    assert "--drop-duplicates" in out and "every document, each collapsed" in " ".join(out.split())
    assert "--strip-boilerplate" in out and "--format" in out and "--output-format" in out


# -- the library ---------------------------------------------------------------


def test_library_representative_and_text_without_boilerplate():
    rs = list(dedup.dedupe(dup_corpus(), dedup.Config(boilerplate_min=3)))
    assert [r.is_representative for r in rs] == [True, True, True, False] and rs[3].cluster == "s2"
    assert [r.without_boilerplate() for r in rs[:3]] == [d["text"].split("\r\n")[0] + "\r\n" for d in dup_corpus()[:3]]
    assert rs[0].fields == {"id": "s0", "u": 0} and rs[0].fields.with_text("text", "T") == {"id": "s0", "text": "T", "u": 0}
    with pytest.raises(ValueError, match="mode"):
        rs[0].without_boilerplate("lines")
    plain = next(iter(dedup.dedupe(["just one text"])))
    assert plain.fields == {} and plain.without_boilerplate() == "just one text"


def test_fields_are_carried_across_batches_and_workers():
    docs = [{"id": f"d{i}", "text": story(i), "url": f"u{i}"} for i in range(9)]
    docs.insert(4, {"id": "d1", "text": "a later copy of an id", "url": "skipped"})
    for kw in ({"batch_size": 2}, {"batch_size": 2, "n_jobs": 2}):
        rs = list(dedup.dedupe(docs, dedupe_ids=True, **kw))
        assert [r.fields["url"] for r in rs] == [f"u{i}" for i in range(9)]


def test_fields_after_a_failed_add_follow_the_stored_documents():
    with dedup.Corpus(batch_size=2) as c:
        with pytest.raises(TypeError):
            c.add([{"id": "a", "text": "x", "f": 1}, {"id": "b", "text": "y", "f": 2}, {"id": "c", "text": "z", "f": 3},
                   {"id": "d", "text": 5, "f": 4}])
        c.add([{"id": "e", "text": "w", "f": 5}])
        assert [(r.id, r.fields["f"]) for r in c.results()] == [("a", 1), ("b", 2), ("e", 5)]


def test_pandas_dataframe():
    pd = pytest.importorskip("pandas", reason="pandas not installed")
    df = pd.DataFrame(dup_corpus())
    rs = list(dedup.dedupe(df))
    assert [r.id for r in rs] == ["s0", "s1", "s2", "s2-copy"] and rs[1].fields["u"] == 1
    with pytest.raises(ValueError, match="no 'body' column"):
        dedup.dedupe(df, text_field="body")
    with dedup.Corpus() as c:
        assert c.add(df) == 4


def test_pyarrow_table():
    pa = pytest.importorskip("pyarrow", reason="pyarrow not installed")
    t = pa.Table.from_pylist(dup_corpus())
    assert [r.id for r in dedup.dedupe(t)] == ["s0", "s1", "s2", "s2-copy"]
    assert [r.id for r in dedup.dedupe(t.to_batches()[0])] == ["s0", "s1", "s2", "s2-copy"]


def test_datasets_dataset():
    datasets = pytest.importorskip("datasets", reason="datasets (Hugging Face) not installed")
    ds = datasets.Dataset.from_list(dup_corpus())
    rs = list(dedup.dedupe(ds))
    assert [r.id for r in rs] == ["s0", "s1", "s2", "s2-copy"] and rs[0].fields["u"] == 0


def test_a_datasets_like_object_is_read_by_rows_without_the_library():
    """What dedup relies on in a datasets.Dataset (its module, column_names, features, rows as dicts)."""
    cls = type("Dataset", (), {"__module__": "datasets.arrow_dataset", "column_names": ["id", "text"],
                                "features": {}, "__iter__": lambda self: iter(dup_corpus())})
    assert [r.id for r in dedup.dedupe(cls())] == ["s0", "s1", "s2", "s2-copy"]


def test_other_tables_and_single_documents_raise_type_error_naming_the_type():
    cls = type("Frame", (), {"__module__": "otherlib.frame", "columns": ["id", "text"],
                             "__iter__": lambda self: iter(["id", "text"])})
    with pytest.raises(TypeError, match=r"otherlib\.frame\.Frame.*column names"):
        dedup.dedupe(cls())
    with pytest.raises(TypeError, match="got a dict"):
        dedup.dedupe({"id": "a", "text": "x"})
    with pytest.raises(TypeError, match="int"):
        dedup.dedupe(5)
    with pytest.raises(TypeError, match="add"):
        dedup.Corpus().add("text")


def test_table_libraries_are_imported_only_when_given():
    code = ("import sys, dedup; list(dedup.dedupe([{'id': 'a', 'text': 'x'}])); "
            "print(sorted(m for m in ('pandas', 'pyarrow', 'datasets', 'polars') if m in sys.modules))")
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=120)
    assert p.returncode == 0 and p.stdout.decode().strip() == "[]", p.stderr


def test_fields_pickle_and_compare():
    import pickle

    f = Fields({"id": 1, "u": [1]}, text_at=1)
    g = pickle.loads(pickle.dumps(f))
    assert g == f and g.text_at == 1 and hash(g) == hash(f) and f != {"id": 1}


def test_fields_reach_the_output_with_an_engine_that_does_not_carry_them(tmp_path, monkeypatch):
    """--engine spark gives the documents as (id, text): the command line keeps their other fields
    itself. A stand-in engine (a local Corpus whose results have no fields, as Spark's) keeps this quick."""
    pytest.importorskip("pyspark", reason="pyspark is not installed: pip install '.[spark]'")
    import dataclasses

    import dedup.spark
    from dedup.cli import main

    class NoFields(dedup.Corpus):
        def __init__(self, config, n_jobs=1, dedupe_ids=False):
            super().__init__(config, n_jobs=n_jobs, dedupe_ids=dedupe_ids)

        def results(self, *, start=0):
            for r in super().results(start=start):
                assert not r.fields  # (given as (id, text))
                yield dataclasses.replace(r, fields=Fields())

    src = tmp_path / "in.jsonl"
    src.write_bytes(jsonl_bytes(dup_corpus()))
    assert main(["corpus", str(src), "-o", str(tmp_path / "local.jsonl"), "-q", "--drop-duplicates"]) == 0
    monkeypatch.setattr(dedup.spark, "SparkCorpus", NoFields)
    assert main(["corpus", str(src), "-o", str(tmp_path / "spark.jsonl"), "-q", "--drop-duplicates",
                 "--engine", "spark"]) == 0
    assert (tmp_path / "spark.jsonl").read_bytes() == (tmp_path / "local.jsonl").read_bytes()
    assert [r["u"] for r in read_jsonl(tmp_path / "spark.jsonl")] == [0, 1, 2]


def test_repr_of_a_typical_result_is_short():
    r = next(iter(dedup.dedupe([{"id": "https://x.test/" + "a" * 80, "text": story(1) * 50, "url": "u", "meta": {}}])))
    assert len(repr(r)) < 300 and "chars" in repr(r) and story(1)[:20] not in repr(r)


# -- re-runs over an index keep the fields ----------------------------------------


def url_records(n: int = 12) -> list[dict]:
    """``n`` stories with a ``url`` (and an integer id) between their fields; the last two copies of earlier ones."""
    out = [{"id": i, "url": f"https://x.test/{i}", "text": story(i), "n": i * 7} for i in range(n - 2)]
    out += [{"id": n - 2, "url": "https://x.test/copy-a", "text": story(1) + "An update.\n", "n": -1},
            {"id": n - 1, "url": "https://x.test/copy-b", "text": story(3), "n": -2}]
    return out


def test_a_re_run_over_an_index_writes_the_same_bytes_with_the_fields(tmp_path):
    """The documents a re-run finds in the index are written again with their record's fields
    (taken as the input is read, not from the run that stored them)."""
    recs = url_records()
    src = tmp_path / "in.jsonl"
    src.write_bytes(jsonl_bytes(recs))
    out, idx = tmp_path / "o.jsonl", tmp_path / "index"
    cmd = ["corpus", src, "-o", out, "--index", idx, "--batch-size", "4", "--overwrite",
           "--report", tmp_path / "o.jsonl.report.json"]
    p = run(*cmd)
    assert p.returncode == 0, p.stderr.decode()
    first = out.read_bytes(), (tmp_path / "o.jsonl.report.json").read_bytes()
    got = read_jsonl(out)
    assert [r["url"] for r in got] == [r["url"] for r in recs] and [r["n"] for r in got] == [r["n"] for r in recs]
    assert [list(r) for r in got] == [["id", "url", "text", "n"]] * len(recs)  # (in their order)
    p = run(*cmd)  # the same command: every document is in the index already
    assert p.returncode == 0 and f"{len(recs)} already in the index" in p.stderr.decode()
    assert (out.read_bytes(), (tmp_path / "o.jsonl.report.json").read_bytes()) == first
    # a run that failed after storing some batches, re-run after the fix: the same bytes as the first
    bad = tmp_path / "bad"
    bad.mkdir()
    lines = src.read_text().splitlines(keepends=True)
    (bad / "in.jsonl").write_text("".join(lines[:8]) + "{not json\n" + "".join(lines[8:]))
    cmd2 = ["corpus", bad / "in.jsonl", "-o", bad / "o.jsonl", "--index", bad / "index", "--batch-size", "4",
            "--report", tmp_path / "o.jsonl.report.json", "--overwrite"]
    assert run(*cmd2).returncode == 1
    with dedup.Corpus(index=bad / "index") as c:
        assert 0 < c.n_docs < len(recs)
    (bad / "in.jsonl").write_bytes(src.read_bytes())
    p = run(*cmd2)
    assert p.returncode == 0, p.stderr.decode()
    assert (bad / "o.jsonl").read_bytes() == first[0]
    assert (tmp_path / "o.jsonl.report.json").read_bytes() == first[1]


def test_a_re_run_in_other_formats_keeps_the_fields(tmp_path):
    recs = url_records()
    src = tmp_path / "in.jsonl"
    src.write_bytes(jsonl_bytes(recs))
    for name, extra in (("o.jsonl.gz", []), ("one.jsonl", ["--drop-duplicates", "--strip-boilerplate"])):
        cmd = ["corpus", src, "-o", tmp_path / name, "--index", tmp_path / f"{name}.index", "--batch-size", "3",
               "--overwrite", "-q", *extra]
        assert run(*cmd).returncode == 0
        before = (tmp_path / name).read_bytes()
        assert run(*cmd).returncode == 0
        assert (tmp_path / name).read_bytes() == before
        text = gzip.decompress(before) if name.endswith(".gz") else before
        urls = [json.loads(line)["url"] for line in text.decode().splitlines()]
        want = [r["url"] for r in recs]
        assert urls == (want[:-2] if extra else want)  # (--drop-duplicates: the two copies go)


def test_documents_the_index_holds_carry_the_fields_of_this_input():
    recs = url_records()
    every = [(r.id, dict(r.fields)) for r in dedup.dedupe(recs, batch_size=4)]
    assert every[0] == ("0", {"id": 0, "url": "https://x.test/0", "n": 0})
    with tempfile.TemporaryDirectory() as d:
        with dedup.Corpus(index=Path(d) / "i", batch_size=4) as c:
            c.add(recs[:6])
        with dedup.Corpus(index=Path(d) / "i", batch_size=4) as c:  # another object: its spool starts empty
            assert c.add(recs) == len(recs) - 6
            assert [(r.id, dict(r.fields)) for r in c.results(docs=c.input_docs)] == every
            assert c.add([{**recs[2], "url": "https://x.test/moved"}]) == 0  # the same id and text: fields of now
            assert [dict(r.fields)["url"] for r in c.results(docs=c.input_docs)] == ["https://x.test/moved"]
