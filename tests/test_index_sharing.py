"""One index, several processes: readers alongside one writer, each from a consistent
snapshot; nothing a reader does changes what the writer stores; a second writer waits
or is refused with a clear error. Real processes, synchronised at batch boundaries by
pipes (no sleeps, no timing)."""

from __future__ import annotations

import multiprocessing as mp

import pytest

import dedup
from dedup.index import IndexMismatchError

from .test_corpus import synthetic_corpus

B = 8  # documents per batch


def _docs():
    docs, _ = synthetic_corpus(30)
    return docs


def _writer(path, docs, conn, lock_timeout=0.0):
    """Adds ``docs`` in batches of B; at each batch boundary (every batch before it
    committed) tells the parent how many are stored and waits for its go."""

    def gen():
        for i, d in enumerate(docs):
            if i and i % B == 0:
                conn.send(("batch", i))
                conn.recv()
            yield d

    try:
        with dedup.Corpus(index=path, batch_size=B, lock_timeout=lock_timeout) as c:
            conn.send(("opened", c.n_docs))
            c.add(gen())
            conn.send(("done", [r.to_json() for r in c.results()]))
    except Exception as e:  # (sent to the parent, which asserts on it)
        conn.send(("error", f"{type(e).__name__}: {e}"))


def _reader(path, conn):
    try:
        with dedup.Corpus(index=path) as c:
            n = c.n_docs
            s = c.summary()  # (computes, and once stored, the cluster state)
            res = [r.to_json() for r in c.results()]
            conn.send((n, s.documents, res))
    except Exception as e:
        conn.send(("error", f"{type(e).__name__}: {e}"))


def _second_writer(path, docs, lock_timeout, conn):
    try:
        with dedup.Corpus(index=path, lock_timeout=lock_timeout) as c:
            conn.send(("opened", c.n_docs))
            c.add(docs)
            conn.send(("done", c.n_docs))
    except Exception as e:
        conn.send(("error", f"{type(e).__name__}: {e}"))


def _start(target, *args):
    ctx = mp.get_context("spawn")
    mine, theirs = ctx.Pipe()
    p = ctx.Process(target=target, args=(*args, theirs))
    p.start()
    return p, mine


def test_a_reader_opened_between_two_adds_changes_nothing_the_writer_stores(tmp_path):
    """The case of issue 16: the reader's summary used to store its stale cluster state,
    and the writer then returned 400 of 842 documents."""
    docs = _docs()
    every = [r.to_json() for r in dedup.dedupe(docs)]
    half = len(docs) // 2
    path = tmp_path / "idx.sqlite"
    w = dedup.Corpus(index=path)
    w.add(docs[:half])
    r = dedup.Corpus(index=path)
    w.add(docs[half:])
    assert r.summary().documents == half  # the reader's snapshot
    assert [x.to_json() for x in w.results()] == every
    r.close()
    w.close()
    with dedup.Corpus(index=path) as c:
        assert [x.to_json() for x in c.results()] == every


def test_readers_in_other_processes_see_whole_batches_and_leave_the_writer_be(tmp_path):
    docs = _docs()
    path = tmp_path / "idx.sqlite"
    w, wc = _start(_writer, path, docs)
    assert wc.recv() == ("opened", 0)
    seen = []
    while True:
        msg = wc.recv()
        if msg[0] != "batch":
            break
        k = msg[1]
        r, rc = _start(_reader, path)  # opens while the writer is mid-add: nodes stored, not linked
        n, summarized, res = rc.recv()
        r.join()
        assert (n, summarized) == (k, k)
        assert res == [x.to_json() for x in dedup.dedupe(docs[:k])]  # a consistent snapshot of k documents
        seen.append(k)
        wc.send("go")
    assert msg[0] == "done", msg
    w.join()
    assert w.exitcode == 0
    assert seen == list(range(B, len(docs), B))
    every = [x.to_json() for x in dedup.dedupe(docs)]
    assert msg[1] == every
    with dedup.Corpus(index=path) as c:
        assert [x.to_json() for x in c.results()] == every


def test_a_second_writer_is_refused_or_waits_then_reads_the_index_again(tmp_path):
    docs = _docs()
    extra = [(f"x{i}", text) for i, (_, text) in enumerate(docs[:10])]
    path = tmp_path / "idx.sqlite"
    w, wc = _start(_writer, path, docs)
    assert wc.recv()[0] == "opened"
    assert wc.recv() == ("batch", B)
    # refused at once, and after a wait of 0.2 s, while the first one writes
    for timeout, said in ((0.0, "being written by another process"), (0.2, "still after 0.2 s")):
        s, sc = _start(_second_writer, path, extra, timeout)
        assert sc.recv() == ("opened", B)
        kind, err = sc.recv()
        s.join()
        assert kind == "error" and "IndexMismatchError" in err and said in err and "wait for it to finish" in err, err
    # one that waits long enough goes on once the first has closed, from the index as it is then
    s, sc = _start(_second_writer, path, extra, 600.0)
    assert sc.recv() == ("opened", B)  # its view: one batch
    while True:
        wc.send("go")
        msg = wc.recv()
        if msg[0] != "batch":
            break
    assert msg[0] == "done"
    w.join()
    assert sc.recv() == ("done", len(docs) + len(extra))
    s.join()
    with dedup.Corpus(index=path) as c:
        assert [x.to_json() for x in c.results()] == [x.to_json() for x in dedup.dedupe(docs + extra)]


def test_two_writers_in_one_process(tmp_path):
    path = tmp_path / "idx.sqlite"
    with dedup.Corpus(index=path) as a, dedup.Corpus(index=path) as b:
        a.add([("a", "one")])
        with pytest.raises(IndexMismatchError, match=r"being written by another process \(pid \d+\)"):
            b.add([("b", "two")])
        assert [r.id for r in b.results()] == []  # b reads its snapshot
    with dedup.Corpus(index=path) as c:
        c.add([("b", "two")])
        assert [r.id for r in c.results()] == ["a", "b"]


def test_a_second_command_line_writer_gets_a_clear_error_not_a_traceback(tmp_path, capsys):
    import json

    from dedup.cli import main

    src, out, idx = tmp_path / "in.jsonl", tmp_path / "o.jsonl", tmp_path / "idx.sqlite"
    src.write_text("".join(json.dumps({"id": d, "text": t}) + "\n" for d, t in _docs()[:20]))
    with dedup.Corpus(index=idx) as w:
        w.add([("w", "a document the first writer holds")])
        assert main(["corpus", str(src), "-o", str(out), "--index", str(idx), "-q"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"dedup: error: index {idx} is being written by another process (pid ") and "Traceback" not in err
    assert not out.exists()
    assert main(["corpus", str(src), "-o", str(out), "--index", str(idx), "-q"]) == 0  # once it has closed
    assert len(out.read_text().splitlines()) == 20


def _batches(path) -> int:
    """The batches committed to the index at ``path`` (a read-only connection; 0 before it exists)."""
    import sqlite3

    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return con.execute("SELECT COUNT(*) FROM batches").fetchone()[0]
        finally:
            con.close()
    except sqlite3.Error:
        return 0


def test_two_command_line_writers_in_real_processes(tmp_path):
    """Two `dedup corpus --index` processes on one index: the first, fed through a pipe,
    is held mid-add (batches committed, more input to come); the second exits 1 with a
    clear error naming the first's pid, writes nothing, and the first then finishes."""
    import json
    import subprocess
    import sys
    import time

    lines = [json.dumps({"id": d, "text": t}) + "\n" for d, t in _docs()[:20]]
    src, idx = tmp_path / "in.jsonl", tmp_path / "idx.sqlite"
    src.write_text("".join(lines))

    def cmd(inp, out):
        return [sys.executable, "-m", "dedup", "corpus", str(inp), "-o", str(tmp_path / out), "--index", str(idx),
                "--batch-size", "4", "-q"]

    first = subprocess.Popen(cmd("-", "o1.jsonl"), stdin=subprocess.PIPE, stderr=subprocess.PIPE)
    first.stdin.write("".join(lines[:10]).encode())
    first.stdin.flush()
    deadline = time.monotonic() + 120
    while _batches(idx) < 1 and first.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)  # (until it has committed a batch: it holds the lock, and waits for its input)
    assert first.poll() is None and _batches(idx) >= 1
    second = subprocess.run(cmd(src, "o2.jsonl"), capture_output=True, text=True, timeout=120)
    assert second.returncode == 1, second.stderr
    assert second.stderr.startswith(f"dedup: error: index {idx} is being written by another process (pid {first.pid})")
    assert "Traceback" not in second.stderr and not (tmp_path / "o2.jsonl").exists()
    _, err = first.communicate("".join(lines[10:]).encode(), timeout=120)
    assert first.returncode == 0, err.decode()
    assert subprocess.run(cmd(src, "o2.jsonl"), capture_output=True, timeout=120).returncode == 0  # once it is done
    one = (tmp_path / "o1.jsonl").read_bytes()
    assert one == (tmp_path / "o2.jsonl").read_bytes() and len(one.splitlines()) == 20
