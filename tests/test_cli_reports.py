"""What `dedup corpus` reports: the JSON Lines report (only with --report, offsets and no
text, small beside the input) and the progress bars (on a terminal only, not with -q)."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import re
import shutil
import struct
import subprocess
import sys
import termios

import pytest

from .conftest import ROOT, TEST_JVM, TEST_SPARK_CONF, shared_file
from .test_cli_corpus import BODY, FOOT, docs, read_report, write_jsonl

ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def run(*args, **kw):
    return subprocess.run([sys.executable, "-m", "dedup", *map(str, args)], capture_output=True, env=ENV, **kw)


def test_the_report_is_json_lines_of_offsets_only_for_documents_with_something(tmp_path):
    recs = docs(6) + [{"id": "plain", "source": "test", "text": "A story of its own with nothing repeated."}]
    src, out, rep = tmp_path / "in.jsonl", tmp_path / "out.jsonl", tmp_path / "r.jsonl"
    write_jsonl(src, recs)
    p = run("corpus", src, "-o", out, "--report", rep, "--boilerplate-min", 3)
    assert p.returncode == 0, p.stderr.decode()
    assert f"wrote {out} and {rep}" in p.stderr.decode()
    lines = read_report(rep)
    head, rows = lines[0], lines[1:]
    assert head["record"] == "summary" and head["summary"]["documents"] == 7
    assert head["summary"]["top_boilerplate"][0] == {"text": FOOT, "doc_frequency": 6, "story_frequency": 6}
    assert head["skipped_lines"] == [] and head["skipped_duplicate_ids"] == 0
    assert [r["record"] for r in rows] == ["document"] * 6 and [r["id"] for r in rows] == [f"d{i}" for i in range(6)]
    written = [json.loads(line)["text"] for line in out.read_text(encoding="utf-8").splitlines()]
    for r, rec, text in zip(rows, recs, written):
        given = rec["text"]
        assert r["chars"] == len(given) and r["removed_chars"] == len(given) - len(text)
        kept, pos = [], 0
        for x in r["removed"]:  # the offsets give the written text back from the input
            kept.append(given[pos : x["start"]])
            pos = x["end"]
            assert x["kind"] == "copy" and x["similarity"] == 1.0
            assert given[x["start"] : x["end"]].rstrip("\n") == given[x["witness_start"] : x["witness_end"]]
        assert "".join(kept) + given[pos:] == text
        spans = {given[b["start"] : b["end"]]: b for b in r["boilerplate"]}
        assert FOOT in spans and set(spans) <= set(given.split("\n"))  # whole paragraphs of the input
        assert spans[FOOT]["first_doc"] == "d0" and spans[FOOT]["story_frequency"] == 6
    raw = rep.read_text(encoding="utf-8")
    assert BODY[0][:20] not in raw and "A story of its own" not in raw  # no copy of any text
    assert raw.count(FOOT) == 1  # (the summary's top boilerplate only)


def test_no_report_unless_asked_and_the_report_may_go_with_standard_output(tmp_path):
    src = tmp_path / "in.jsonl"
    write_jsonl(src, docs(3))
    p = run("corpus", src, "-o", "-", "-q")
    assert p.returncode == 0 and len(p.stdout.decode().splitlines()) == 3
    assert sorted(x.name for x in tmp_path.iterdir()) == ["in.jsonl"]
    p = run("corpus", src, "-o", "-", "-q", "--report", tmp_path / "r.jsonl")
    assert p.returncode == 0 and [r["record"] for r in read_report(tmp_path / "r.jsonl")][0] == "summary"
    help_text = " ".join(run("corpus", "--help").stdout.decode().split())
    assert "none by default" in help_text and "JSON Lines" in help_text and "report.json" not in help_text


def test_the_report_on_the_shared_corpus_is_at_most_a_fifth_of_the_input(tmp_path):
    src = shared_file("eval/corpus.jsonl")
    p = run("corpus", src, "-o", tmp_path / "out.jsonl", "--report", tmp_path / "r.jsonl", "-q")
    assert p.returncode == 0, p.stderr.decode()
    assert (tmp_path / "r.jsonl").stat().st_size <= src.stat().st_size / 5
    lines = read_report(tmp_path / "r.jsonl")
    assert lines[0]["summary"]["documents"] == len(src.read_text(encoding="utf-8").splitlines())


def on_terminal(*args) -> tuple[int, str]:
    """Run the command line with standard error on a pseudo-terminal (100 columns) and the
    bars shown at once (``dedup.progress.DELAY = 0``); returns its exit code and what the
    terminal received."""
    code = "import sys, dedup.progress as p; p.DELAY = 0; from dedup.cli import main; sys.exit(main(sys.argv[1:]))"
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    p = subprocess.Popen([sys.executable, "-c", code, *map(str, args)], stdin=subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL, stderr=slave, env=ENV)
    os.close(slave)
    got = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # (EIO: the other end closed)
            break
        if not chunk:
            break
        got += chunk
    os.close(master)
    return p.wait(timeout=300), got.decode("utf-8", "replace")


BAR = r"{step}: +(\d+)%\|[^|]*\| *[\d.]+\w?/[\d.]+\w? \[\d\d:\d\d<\d\d:\d\d, +[\d.]+ ?\w*/s\]"


def test_progress_bars_on_a_terminal(tmp_path):
    src = tmp_path / "in.jsonl"
    write_jsonl(src, docs(40))
    rc, screen = on_terminal("corpus", src, "-o", tmp_path / "out.jsonl")
    assert rc == 0, screen
    reading = re.findall(BAR.format(step="reading") + "", screen)
    assert reading and reading[-1] == "100", screen  # bytes read of the file's size: total, %, rate, time left
    assert re.search(r"reading: +100%\|[^|]*\| *[\d.]+k/[\d.]+k \[[\d:<]+, +[\d.]+ ?[kM]?B/s\]", screen), screen
    assert re.search(r"clustering: (done|[|/\\-]) \[\d\d:\d\d\]", screen), screen  # a spinner with the time spent
    assert re.findall(BAR.format(step="writing"), screen)[-1] == "100" and "40/40" in screen
    assert "dedup: wrote 40 of 40 documents" in screen
    d = tmp_path / "docs"
    d.mkdir()
    for r in docs(5):
        (d / f"{r['id']}.txt").write_text(r["text"], encoding="utf-8")
    rc, screen = on_terminal("corpus", d, "-o", tmp_path / "clean")
    assert rc == 0 and re.search(r"reading: +100%\|[^|]*\| 5/5 \[[\d:<]+, +[\d.]+ docs/s\]", screen), screen
    rc, screen = on_terminal("corpus", src, "-o", tmp_path / "q.jsonl", "-q")
    assert rc == 0 and screen == ""  # -q: nothing at all


def test_no_progress_bars_when_standard_error_is_not_a_terminal(tmp_path):
    src = tmp_path / "in.jsonl"
    write_jsonl(src, docs(40))
    code = "import sys, dedup.progress as p; p.DELAY = 0; from dedup.cli import main; sys.exit(main(sys.argv[1:]))"
    p = subprocess.run([sys.executable, "-c", code, "corpus", str(src), "-o", str(tmp_path / "out.jsonl")],
                       capture_output=True, env=ENV)
    err = p.stderr.decode()
    assert p.returncode == 0 and "\r" not in err and "%|" not in err and "clustering" not in err
    assert len(err.splitlines()) == 2 and err.startswith("dedup: 40 documents")


def test_engine_spark_quiet_silences_java_logging(tmp_path):
    pytest.importorskip("pyspark", reason="pyspark is not installed: pip install '.[spark]'")
    if shutil.which("java") is None:
        pytest.skip("no Java runtime on PATH: Spark tests need one (apt install default-jre-headless)")
    src = tmp_path / "in.jsonl"
    write_jsonl(src, docs(4))
    env = {k: v for k, v in ENV.items() if k != "PYSPARK_SUBMIT_ARGS"}
    conf = tmp_path / "spark-conf"  # the test session's JVM options, apart from the ones -q gives
    conf.mkdir()
    (conf / "spark-defaults.conf").write_text(f"spark.driver.defaultJavaOptions {TEST_JVM}\n{TEST_SPARK_CONF}\n",
                                             encoding="utf-8")
    env["SPARK_CONF_DIR"] = str(conf)
    p = subprocess.run([sys.executable, "-m", "dedup", "corpus", str(src), "-o", str(tmp_path / "out.jsonl"),
                        "--engine", "spark", "-q"], capture_output=True, env=env, timeout=600)
    assert p.returncode == 0, p.stderr.decode()[-3000:]
    lines = [line for line in p.stderr.decode().splitlines() if line.strip()]
    # (the JVM itself, not a logger, warns of the incubator module Spark 4 loads: no option silences it)
    assert [line for line in lines if not line.startswith("WARNING: Using incubator modules")] == [], lines
    assert len((tmp_path / "out.jsonl").read_text().splitlines()) == 4
