"""Bad data and bad values get a clear error and the right exit code, never a
traceback (issue 16): lone surrogates, unknown encodings, SQLite and OS errors,
zero jobs or batch sizes, unknown options, byte order marks, upper-case .TXT files,
and every quick case of benchmarks/bad_inputs.py."""

from __future__ import annotations

import errno
import importlib.util
import json
import sqlite3
import subprocess
import sys

import pytest

import dedup.cli_corpus
from dedup.cli import main
from dedup.report import read_html_data

from .conftest import ROOT

LONG = "The city council voted on Tuesday to open a weekly night market along the river quay."
FOOT = "COPYRIGHT Gazette Media Group, all rights reserved 2024, every story and photo"


def run(*args, stdin=None):
    return subprocess.run([sys.executable, "-m", "dedup", *map(str, args)], input=stdin, capture_output=True, check=False)


def write_raw_jsonl(path, lines):
    path.write_text("".join(line + "\n" for line in lines), encoding="ascii")


def test_lone_surrogate_in_a_text_is_processed(tmp_path):
    """A lone surrogate is valid JSON: the record is collapsed like any other and
    written back as the same escape (the run used to fail after indexing everything)."""
    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    text = f"Lede \\ud800 here.\\n{LONG} \\udfff\\n{LONG} \\udfff\\n{FOOT}"
    write_raw_jsonl(src, [f'{{"id": "a", "text": "{text}", "note": "\\ud83d"}}', f'{{"id": "b", "text": "{FOOT}"}}'])
    p = run("corpus", src, "-o", out, "--report-html", tmp_path / "r.html", "--report", tmp_path / "r.jsonl", "-q")
    assert p.returncode == 0, p.stderr.decode()
    recs = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert recs[0]["text"] == f"Lede \ud800 here.\n{LONG} \udfff\n{FOOT}" and recs[0]["note"] == "\ud83d"
    rep = [json.loads(line) for line in (tmp_path / "r.jsonl").read_text(encoding="utf-8").splitlines()]
    given = f"Lede \ud800 here.\n{LONG} \udfff\n{LONG} \udfff\n{FOOT}"
    cut = [(x["start"], x["end"]) for x in rep[1]["removed"]]  # offsets into the input text (code points)
    assert rep[1]["id"] == "a" and "".join(given[a:b] for a, b in zip([0] + [e for _, e in cut], [s for s, _ in cut] + [len(given)])) == recs[0]["text"]
    embedded, _ = read_html_data((tmp_path / "r.html").read_text(encoding="utf-8"))
    assert embedded[0]["text"] == given  # (the page shows U+DFFF as U+FFFD)


def test_lone_surrogate_in_an_id_is_refused_with_its_line(tmp_path):
    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    write_raw_jsonl(src, ['{"id": "a", "text": "x"}', '{"id": "b\\ud800", "text": "y"}'])
    p = run("corpus", src, "-o", out, "-q")
    err = p.stderr.decode()
    assert p.returncode == 1 and f"{src}:2: the id" in err and "lone surrogate" in err and "Traceback" not in err
    assert "Parquet outputs cannot hold it (JSONL and the index could)" in err  # (dedup.Corpus stores such ids)
    assert not out.exists()


def test_unknown_encoding_is_a_usage_error():
    p = run("collapse", "--encoding", "nope", stdin=b"x")
    err = p.stderr.decode()
    assert p.returncode == 2 and "usage: dedup collapse" in err and "unknown encoding 'nope'" in err
    assert "Traceback" not in err


@pytest.mark.parametrize("args", [["--n-jobs", "0"], ["--batch-size", "0"], ["--n-jobs", "x"], ["--threshold", "3"], ["--bogus"]])
def test_bad_values_exit_2_with_the_subcommand_usage(tmp_path, args):
    src = tmp_path / "in.jsonl"
    src.write_text('{"id": "a", "text": "x"}\n')
    p = run("corpus", src, "-o", tmp_path / "out.jsonl", *args)
    err = p.stderr.decode()
    assert p.returncode == 2 and "usage: dedup corpus" in err and "dedup corpus: error:" in err, err
    assert not (tmp_path / "out.jsonl").exists()


@pytest.mark.parametrize(
    "exc, words",
    [
        (sqlite3.OperationalError("database or disk is full"), ["idx.sqlite: database or disk is full", "free space"]),
        (sqlite3.OperationalError("database is locked"), ["idx.sqlite: database is locked", "another process"]),
        (sqlite3.DatabaseError("database disk image is malformed"), ["idx.sqlite", "malformed", "rebuild"]),
        (OSError(errno.EROFS, "Read-only file system", "idx.sqlite"), ["idx.sqlite: Read-only file system", "write elsewhere"]),
    ],
)
def test_sqlite_and_os_errors_are_clear_errors(tmp_path, monkeypatch, capsys, exc, words):
    """What the index raises (a full disk, a lock, a damaged file) reaches the user as
    `dedup: error: <file>: <message>; <fix>` with exit 1, not a traceback."""
    src = tmp_path / "in.jsonl"
    src.write_text('{"id": "a", "text": "x"}\n')

    def failing(*a, **k):
        raise exc

    monkeypatch.setattr(dedup.cli_corpus, "Corpus", failing)
    assert main(["corpus", str(src), "-o", str(tmp_path / "out.jsonl"), "--index", str(tmp_path / "idx.sqlite"), "-q"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("dedup: error: ") and all(w in err for w in words), err


def test_utf8_bom_at_the_start_of_jsonl_is_accepted(tmp_path):
    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    src.write_bytes(b"\xef\xbb\xbf" + json.dumps({"id": "a", "text": LONG}).encode() + b"\n")
    p = run("corpus", src, "-o", out, "-q")
    assert p.returncode == 0, p.stderr
    assert json.loads(out.read_text()) == {"id": "a", "text": LONG}


def test_upper_case_txt_files_are_found_in_walks(tmp_path):
    src = tmp_path / "docs"
    src.mkdir()
    (src / "A.TXT").write_text(LONG)
    (src / "b.Txt").write_text(LONG + " Again.")
    (src / "c.md").write_text(LONG)
    out = tmp_path / "clean"
    assert main(["corpus", str(src), "-o", str(out), "-q"]) == 0
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == ["A.TXT", "b.Txt"]


def test_jsonl_errors_name_file_and_1_based_line(tmp_path, capsys):
    src = tmp_path / "in.jsonl"
    write_raw_jsonl(src, ['{"id": "a", "text": "x"}', "", '{"id": "b", "text": null}'])
    assert main(["corpus", str(src), "-o", str(tmp_path / "o.jsonl"), "-q"]) == 1
    assert f"{src}:3: the 'text' field must be str, got NoneType" in capsys.readouterr().err
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    write_raw_jsonl(a, ['{"id": "x", "text": "one"}'])
    write_raw_jsonl(b, ['{"id": "y", "text": "two"}', '{"id": "x", "text": "three"}'])
    assert main(["corpus", str(a), str(b), "-o", str(tmp_path / "o.jsonl"), "-q"]) == 1
    assert f"{b}:2: duplicate document id 'x' (first at {a}:1)" in capsys.readouterr().err


def load_bad_inputs():
    spec = importlib.util.spec_from_file_location("bad_inputs", ROOT / "benchmarks" / "bad_inputs.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_every_quick_bad_input_case_passes(tmp_path):
    """The cases counted in docs/reliability.md (but the few of some MB): each exits with its
    expected code, a checked result or an error naming the value or file, no traceback, the
    inputs unchanged, nothing left by an error."""
    cases = load_bad_inputs().run_cases(tmp_path, quick=True)
    assert len(cases) >= 25
    failed = [c for c in cases if not c["passed"]]
    assert not failed, failed
