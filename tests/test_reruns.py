"""A failed run can be re-run: the same command on the same input writes the same output,
byte for byte, as an uninterrupted run; kill -9 at any moment leaves no partial output and
the next run removes what the killed one left; SIGTERM and SIGHUP clean up as Ctrl-C does;
a damaged or edited index is refused (benchmarks/bench_reliability.py, real processes)."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import sys

import pytest

import dedup
from dedup.cli import main
from dedup.index import IndexMismatchError, decode_text, stored_text
from dedup.runs import OwnedDir, clean_stale

from .conftest import ROOT
from .test_corpus import synthetic_corpus


def test_documents_the_index_holds_are_the_same_documents():
    docs, _ = synthetic_corpus(12)
    every = [r.to_json() for r in dedup.dedupe(docs)]
    with dedup.Corpus(batch_size=4) as c:
        assert c.add(docs[:10]) == 10
        assert c.add(docs) == len(docs) - 10  # (a re-run after the first 10 were stored)
        assert c.input_docs.tolist() == list(range(len(docs))) and c.skipped_ids == 0
        assert [r.to_json() for r in c.results(docs=c.input_docs)] == every
        assert c.add(docs[3:5] + [("new", "a new text")]) == 1
        assert c.input_docs.tolist() == [3, 4, len(docs)]
        assert [r.id for r in c.results(docs=c.input_docs)] == [docs[3][0], docs[4][0], "new"]
        with pytest.raises(ValueError, match=r"'new' at position 0: the index already holds it .* with another text"):
            c.add([("new", "another text")])
        with pytest.raises(ValueError, match=r"duplicate document id '.*' at positions 0 and 1"):
            c.add([docs[0], docs[0]])  # the same document twice in one input is still a duplicate
        with pytest.raises(ValueError, match="document numbers 0"):
            list(c.results(docs=[len(docs) + 5]))
    with dedup.Corpus(dedupe_ids=True) as c:
        c.add([("a", "one"), ("b", "two")])
        assert c.add([("a", "one"), ("a", "one"), ("b", "other"), ("c", "three")]) == 1
        assert c.skipped_ids == 2 and c.input_docs.tolist() == [0, 2]


def _write(path, docs):
    path.write_text("".join(json.dumps({"id": d, "text": t}) + "\n" for d, t in docs), encoding="utf-8")


def test_a_run_failed_on_a_bad_record_is_re_run_to_the_same_bytes(tmp_path, capsys):
    docs, _ = synthetic_corpus(12)
    src = tmp_path / "in.jsonl"
    _write(src, docs)
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    assert main(["corpus", str(src), "-o", str(tmp_path / "a" / "o.jsonl"), "--index", str(tmp_path / "a" / "i"),
                 "--batch-size", "4", "-q", "--report", str(tmp_path / "a" / "o.jsonl.report.json")]) == 0
    good = src.read_text()
    lines = good.splitlines(keepends=True)
    src.write_text("".join(lines[:20]) + "{not json\n" + "".join(lines[20:]))  # a bad record after 5 batches
    cmd = ["corpus", str(src), "-o", str(tmp_path / "b" / "o.jsonl"), "--index", str(tmp_path / "b" / "i"),
           "--batch-size", "4", "-q", "--report", str(tmp_path / "b" / "o.jsonl.report.json")]
    assert main(cmd) == 1 and "malformed" in capsys.readouterr().err
    assert not (tmp_path / "b" / "o.jsonl").exists()
    with dedup.Corpus(index=tmp_path / "b" / "i") as c:
        assert c.n_docs == 20  # what the failed run stored
    src.write_text(good)  # fixed, then the same command
    assert main(cmd) == 0
    for name in ("o.jsonl", "o.jsonl.report.json"):
        assert (tmp_path / "b" / name).read_bytes() == (tmp_path / "a" / name).read_bytes()
    assert main(cmd) == 0  # and again, on the finished index: the same output
    assert (tmp_path / "b" / "o.jsonl").read_bytes() == (tmp_path / "a" / "o.jsonl").read_bytes()


def test_bounded_decompression():
    import zlib

    blob, size = stored_text("abc" * 1000)
    assert decode_text(blob, True, size) == "abc" * 1000
    bomb = zlib.compress(b"\0" * (256 << 20), 9)  # 256 MB from 250 kB
    for n in (0, 10, size):
        with pytest.raises(IndexMismatchError, match="damaged"):
            decode_text(bomb, True, n)
    with pytest.raises(IndexMismatchError, match="damaged"):
        decode_text(blob + b"junk", True, size)
    with pytest.raises(IndexMismatchError, match="damaged"):
        decode_text(blob[:-2], True, size)


def test_sqlite_errors_name_the_index_and_the_fix_and_a_disk_full_run_is_re_run(tmp_path):
    docs, _ = synthetic_corpus(12)
    every = [r.to_json() for r in dedup.dedupe(docs)]
    path = tmp_path / "idx.sqlite"
    with dedup.Corpus(index=path, batch_size=4) as c:
        c.store.db.execute("PRAGMA max_page_count = 12")  # (the disk fills up after a few batches)
        with pytest.raises(IndexMismatchError, match=f"index {path}: SQLite error: database or disk is full; free disk space"):
            c.add(docs)
    with dedup.Corpus(index=path, batch_size=4) as c:
        assert 0 < c.n_docs < len(docs)
        c.add(docs)  # the same input again, with room
        assert [r.to_json() for r in c.results(docs=c.input_docs)] == every
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(path.read_bytes()[:8192])  # a file cut short
    with pytest.raises(IndexMismatchError, match=f"{junk}.*(malformed|damaged).*rebuild"):
        with dedup.Corpus(index=junk) as c:
            list(c.results())


def test_a_run_failed_on_a_read_only_index_is_re_run_to_the_same_results(tmp_path):
    """The index's disk turns read-only mid-add (SQLite's query_only: the same
    SQLITE_READONLY a read-only file or filesystem gives): a clear error naming the
    index and the fix; the index keeps its whole batches, and the same input again
    (the disk writable) gives an uninterrupted run's results."""
    docs, _ = synthetic_corpus(12)
    every = [r.to_json() for r in dedup.dedupe(docs)]
    path = tmp_path / "idx.sqlite"
    with dedup.Corpus(index=path, batch_size=4) as c:
        def turning_read_only():
            for i, d in enumerate(docs):
                if i == 9:
                    c.store.db.execute("PRAGMA query_only = 1")
                yield d

        with pytest.raises(IndexMismatchError, match=f"index {path}: SQLite error: attempt to write a readonly "
                                                     "database; make the file and its directory writable"):
            c.add(turning_read_only())
    with dedup.Corpus(index=path, batch_size=4) as c:
        assert 0 < c.n_docs < len(docs) and c.n_docs % 4 == 0  # (whole batches)
        c.add(docs)
        assert [r.to_json() for r in c.results(docs=c.input_docs)] == every


def test_a_killed_run_s_directories_are_removed_by_the_next_run_only(tmp_path):
    code = ("import os, dedup.runs as r; d = r.OwnedDir('share', {0!r}); open(os.path.join(d.name, 'x'), 'w');"
            "print(d.name, flush=True); os._exit(0)")  # (dies without cleaning up)
    p = subprocess.run([sys.executable, "-c", code.format(str(tmp_path))], capture_output=True, text=True, check=True)
    dead = p.stdout.strip()
    live = OwnedDir("share", str(tmp_path))
    other = tmp_path / "dedup-share-1-notours"  # (a live process's name, pid 1: never removed)
    other.mkdir()
    (tmp_path / "dedup-share-x").mkdir()  # (not a name of ours)
    assert os.path.isdir(dead)
    assert clean_stale(str(tmp_path)) == [dead]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["dedup-share-1-notours", "dedup-share-x", os.path.basename(live.name)])
    live.cleanup()
    assert not os.path.exists(live.name)


@pytest.fixture(scope="module")
def reliability(tmp_path_factory):
    """benchmarks/bench_reliability.py --quick: kills, signals and tampering, real processes.
    Run once per session: xdist workers share its result through their common temporary
    directory, under a lock (else each worker running one of these tests runs it again)."""
    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent  # (this session's, common to its workers)
    done = shared / "reliability_quick.json"
    with open(shared / "reliability_quick.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            p = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bench_reliability.py"), "--quick"],
                               capture_output=True, text=True, cwd=ROOT, timeout=900)
            assert p.returncode == 0, p.stderr[-3000:]
            shutil.copyfile(ROOT / "benchmarks" / "results" / "reliability_quick.json", done)
    return json.loads(done.read_text())


def test_kill_9_at_any_point_then_the_same_command_writes_the_same_bytes(reliability):
    cases = reliability["kills"]["cases"]
    assert {c["point"] for c in cases} >= {"batches:1", "all-batches", "output"} and {1, 2} <= {c["n_jobs"] for c in cases}
    for c in cases:
        assert c["killed"], c  # (killed before it finished)
        assert not c["partial_output_after_kill"], c
        assert c["rerun_exit"] == 0 and c["same_bytes"], c
        assert c["left_after_rerun"] == 0, c  # the temporary index and shared-memory files of the killed run: gone
        assert c["workers_left"] == 0, c  # its worker processes end by themselves
        assert c["tmp_files_after_rerun"] == [], c  # its output's temporary file: removed by the re-run
    assert any(c["left_by_kill"] for c in cases) and any(c["workers_at_kill"] for c in cases)  # (something to end)


def test_sigterm_and_sighup_clean_up_as_ctrl_c_does(reliability):
    assert [s["signal"] for s in reliability["signals"]] == ["SIGTERM", "SIGHUP"]
    for s in reliability["signals"]:
        assert s["sent"] and s["exit"] == 130 and s["said"].endswith("dedup: interrupted"), s
        assert "Traceback" not in s["said"] and "Warning" not in s["said"], s  # one line of ours, no noise
        assert s["files"] == [] and s["left"] == 0, s  # no output, no temporary file or directory


def test_every_tampering_edit_is_refused_or_harmless(reliability):
    t = reliability["tampering"]
    assert t["accepted"] == 0, [c for c in t["cases"] if c["outcome"] == "accepted"]
    assert t["edits"] >= 60 and t["refused"] >= 60
    for c in t["cases"]:
        if c["outcome"] == "refused":
            assert "INDEX" in c["why"] and ("rebuild" in c["why"] or "new path" in c["why"]
                                            or "new index path" in c["why"]), c


def test_ids_and_texts_with_lone_surrogates_are_stored_and_found_again(tmp_path):
    path = tmp_path / "idx.sqlite"
    docs = [("a\ud800", "text \udfff here"), ("b", "plain")]
    with dedup.Corpus(index=path) as c:
        c.add(docs)
    with dedup.Corpus(index=path) as c:
        assert c.add(docs + [("c\udc80", "more")]) == 1  # the first two: the same documents
        assert [(r.id, r.text) for r in c.results(docs=c.input_docs)] == [*docs, ("c\udc80", "more")]
        with pytest.raises(ValueError, match="already holds it"):
            c.add([("a\ud800", "another text")])


def test_a_run_failed_on_a_missing_output_directory_is_re_run_to_the_same_bytes(tmp_path, capsys):
    docs, _ = synthetic_corpus(8)
    src = tmp_path / "in.jsonl"
    _write(src, docs)
    (tmp_path / "a").mkdir()
    assert main(["corpus", str(src), "-o", str(tmp_path / "a" / "o.jsonl"), "-q",
                 "--report", str(tmp_path / "a" / "o.jsonl.report.json")]) == 0
    cmd = ["corpus", str(src), "-o", str(tmp_path / "b" / "o.jsonl"), "--index", str(tmp_path / "i"), "-q",
           "--report", str(tmp_path / "b" / "o.jsonl.report.json")]
    assert main(cmd) != 0  # (no directory b: the output cannot be written)
    capsys.readouterr()
    (tmp_path / "b").mkdir()
    assert main(cmd) == 0  # every document is in the index already: all written again
    for name in ("o.jsonl", "o.jsonl.report.json"):
        assert (tmp_path / "b" / name).read_bytes() == (tmp_path / "a" / name).read_bytes()
