"""Reliability of the index (docs/reliability.md): kills survived, signals, tampering refused.

1. Kills: ``dedup corpus`` on a synthetic JSONL input with ``--index`` (and once without),
   killed with SIGKILL at points of its run (after some batches are stored, with every
   batch stored, while the output is written), then the same command run again; its
   output and report are compared byte for byte with an uninterrupted run's, and the
   temporary directories the killed run left (``/tmp``, ``/dev/shm``: ``dedup-KIND-PID-*``,
   and the folders of arrays joblib shared with its workers) are counted after the
   re-run. Each kill point with 1 and 2 processes.
2. Signals: SIGTERM and SIGHUP in mid-run: exit code 130, no output, nothing left.
3. Tampering: edits of a finished index (each table and column: rows deleted or
   renumbered, blobs cut, extended or with a byte changed, checksums, meta and schema),
   each on a fresh copy; the index is then opened and read in full. An edit is
   *refused* (IndexMismatchError naming the file), *harmless* (the same results: a table the
   index does not read, cluster state removed and recomputed) or *accepted* (other
   results, or another exception): the goal is none accepted.
4. Bad inputs: the cases of ``bad_input_cases.py`` (wrong types, undecodable bytes, lone
   surrogates, separators, huge and malformed inputs, devices, FIFOs, symlinks and
   colliding paths as outputs, bad values, an index that is not SQLite), each run through
   ``dedup.cli.main`` in this process (see ``bad_inputs.py``); a case passes on the exit
   code expected of it with a correct result or an error naming the value or file, no
   traceback, the inputs unchanged and nothing left behind by an error.

    python benchmarks/bench_reliability.py
    python benchmarks/bench_reliability.py --quick
    python benchmarks/bench_reliability.py --docs   # docs/reliability.md's counts from results/reliability.json
    python benchmarks/bench_reliability.py --bad-inputs   # part 4 only, merged into results/reliability.json

The full run writes its counts into docs/reliability.md (between the markers
``<!-- BEGIN reliability-counts -->`` and ``<!-- END reliability-counts -->``).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import zlib
from collections.abc import Callable
from pathlib import Path

from _common import RESULTS, ROOT, machine, save, synthetic_docs, today
from _common import command as run_command
from bad_inputs import run_cases, summary

import dedup
from dedup.index import IndexMismatchError

SHM = "/dev/shm" if os.path.isdir("/dev/shm") else None


def make_input(path: Path, paragraphs: int) -> int:
    docs = list(synthetic_docs(paragraphs, seed=3))
    path.write_text("".join(json.dumps(d) + "\n" for d in docs), encoding="utf-8")
    return len(docs)


def command(src: Path, out: Path, index: Path | None, n_jobs: int, batch: int) -> list[str]:
    cmd = [sys.executable, "-m", "dedup", "corpus", str(src), "-o", str(out), "-q", "--n-jobs", str(n_jobs),
           "--batch-size", str(batch), "--report", f"{out}.report.json"]
    return cmd + (["--index", str(index)] if index is not None else [])


def run(cmd: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=600)


def leftovers(pid: int) -> list[str]:
    """The temporary directories of process ``pid``: its own (see dedup.runs.OwnedDir) and
    the folders of arrays joblib shared with its workers (``joblib_memmapping_folder_PID_*``)."""
    out = []
    for where in (tempfile.gettempdir(), SHM):
        if where is None:
            continue
        out += [os.path.join(where, n) for n in os.listdir(where)
                if (n.startswith("dedup-") and f"-{pid}-" in n) or n.startswith(f"joblib_memmapping_folder_{pid}_")]
    return out


def left_after(pid: int, wait: float = 10.0) -> list[str]:
    """``leftovers(pid)`` still there after up to ``wait`` seconds (joblib's resource
    tracker removes its folders by itself once the process is gone)."""
    deadline = time.monotonic() + wait
    while (left := leftovers(pid)) and time.monotonic() < deadline:
        time.sleep(0.05)
    return left


def children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (its workers and their resource tracker)."""
    out = []
    for d in os.listdir("/proc") if os.path.isdir("/proc") else []:
        if d.isdigit():
            try:
                stat = Path(f"/proc/{d}/stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                out.append(int(d))
    return out


def alive_after(pids: list[int], wait: float = 10.0) -> list[int]:
    """Those of ``pids`` still running after up to ``wait`` seconds."""
    deadline = time.monotonic() + wait
    while True:
        alive = [p for p in pids if os.path.exists(f"/proc/{p}") and "Z" not in _state(p)]
        if not alive or time.monotonic() > deadline:
            return alive
        time.sleep(0.05)


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "Z"


def _count(db: Path, table: str) -> int:
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
        try:
            return con.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
        finally:
            con.close()
    except sqlite3.Error:
        return 0


def _temp_index(pid: int) -> Path | None:
    for d in leftovers(pid):
        if "dedup-index-" in d and os.path.exists(os.path.join(d, "index.sqlite")):
            return Path(d) / "index.sqlite"
    return None


def kill_case(work: Path, src: Path, base: dict[str, bytes], point: str, n_jobs: int, batch: int, n_batches: int,
              with_index: bool = True) -> dict:
    """Kill a run at ``point`` (``batches:K``, ``all-batches``, ``output``), re-run, compare."""
    work.mkdir(parents=True)
    out, index = work / "out.jsonl", (work / "idx.sqlite" if with_index else None)
    cmd = command(src, out, index, n_jobs, batch)
    p = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    want = n_batches if point == "all-batches" else int(point.split(":")[1]) if point.startswith("batches:") else 0

    def reached() -> bool:
        if point == "output":
            return any(n.startswith(".out.jsonl") for n in os.listdir(work))
        if index is not None:
            return _count(index, "batches") >= want
        tmp = _temp_index(p.pid)
        return tmp is not None and _count(tmp, "docs") >= want * batch

    deadline = time.monotonic() + 300
    while p.poll() is None and not reached() and time.monotonic() < deadline:
        time.sleep(0.002)
    killed = p.poll() is None
    workers = children(p.pid)
    if killed:
        p.send_signal(signal.SIGKILL)
    p.wait()
    partial = out.exists() or (work / "out.jsonl.report.json").exists()
    left_by_kill = leftovers(p.pid)
    r = run(cmd)  # the same command again
    same = r.returncode == 0 and out.read_bytes() == base["out"] and (work / "out.jsonl.report.json").read_bytes() == base["report"]
    return {
        "point": point, "n_jobs": n_jobs, "index": with_index, "killed": killed, "partial_output_after_kill": partial,
        "left_by_kill": len(left_by_kill), "left_after_rerun": len(left_after(p.pid)), "rerun_exit": r.returncode,
        "same_bytes": same, "workers_at_kill": len(workers), "workers_left": len(alive_after(workers)), "tmp_files_after_rerun": sorted(n for n in os.listdir(work) if n.endswith(".tmp")),
        "rerun_stderr": r.stderr[-500:] if r.returncode else "",
    }


def signal_case(work: Path, src: Path, sig: int, n_jobs: int, batch: int) -> dict:
    work.mkdir(parents=True)
    out, index = work / "out.jsonl", work / "idx.sqlite"
    p = subprocess.Popen(command(src, out, index, n_jobs, batch), cwd=ROOT, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 300
    while p.poll() is None and _count(index, "batches") < 2 and time.monotonic() < deadline:
        time.sleep(0.002)
    sent = p.poll() is None
    if sent:
        p.send_signal(sig)
    _, err = p.communicate()
    return {
        "signal": signal.Signals(sig).name, "n_jobs": n_jobs, "sent": sent, "exit": p.returncode,
        "said": err.strip()[-2000:], "files": sorted(n for n in os.listdir(work) if not n.startswith("idx.sqlite")),
        "left": len(left_after(p.pid)),
    }


# -- tampering ---------------------------------------------------------------------

def _blob_edit(table: str, col: str, where: str, fn: Callable[[bytes], bytes]) -> Callable[[sqlite3.Connection], None]:
    def edit(db: sqlite3.Connection) -> None:
        (b,) = db.execute(f"SELECT {col} FROM {table} WHERE {where}").fetchone()
        db.execute(f"UPDATE {table} SET {col} = ? WHERE {where}", (fn(bytes(b)),))
    return edit


def _sql(*stmts: str) -> Callable[[sqlite3.Connection], None]:
    def edit(db: sqlite3.Connection) -> None:
        for s in stmts:
            db.execute(s)
    return edit


def _flip(at: float) -> Callable[[bytes], bytes]:
    def fn(b: bytes) -> bytes:
        i = min(len(b) - 1, int(len(b) * at))
        return b[:i] + bytes([b[i] ^ 0x5A]) + b[i + 1 :]
    return fn


def _swap_ids(db: sqlite3.Connection) -> None:
    a, b = (db.execute("SELECT id FROM docs WHERE doc = ?", (d,)).fetchone()[0] for d in (1, 2))
    db.execute("UPDATE docs SET id = ? WHERE doc = 1", ("(swapping)",))
    db.execute("UPDATE docs SET id = ? WHERE doc = 2", (a,))
    db.execute("UPDATE docs SET id = ? WHERE doc = 1", (b,))


def tamper_edits(n_docs: int) -> dict[str, Callable[[sqlite3.Connection], None]]:
    mid, last = n_docs // 2, n_docs - 1
    bomb = zlib.compress(b"\0" * (64 << 20), 9)
    e: dict[str, Callable[[sqlite3.Connection], None]] = {}
    for key in ("schema_version", "config", "format", "text_model", "texts"):
        e[f"meta {key} changed"] = _sql(f"UPDATE meta SET value = value || 'x' WHERE key = '{key}'")
        e[f"meta {key} deleted"] = _sql(f"DELETE FROM meta WHERE key = '{key}'")
    e["docs: one renumbered (3 -> 10^6)"] = _sql("UPDATE docs SET doc = 1000000 WHERE doc = 3")
    e["docs: the last renumbered (+1)"] = _sql(f"UPDATE docs SET doc = doc + 1 WHERE doc = {last}")
    e["docs: the first deleted"] = _sql("DELETE FROM docs WHERE doc = 0")
    e["docs: one in the middle deleted"] = _sql(f"DELETE FROM docs WHERE doc = {mid}")
    e["docs: the last deleted"] = _sql(f"DELETE FROM docs WHERE doc = {last}")
    e["docs: an id changed"] = _sql("UPDATE docs SET id = id || 'x' WHERE doc = 2")
    e["docs: two ids swapped"] = _swap_ids
    e["docs: two texts swapped"] = _sql("UPDATE docs SET text = (SELECT text FROM docs WHERE doc = 1) WHERE doc = 0")
    e["docs: a text cut by a byte"] = _blob_edit("docs", "text", f"doc = {mid}", lambda b: b[:-1])
    e["docs: a text extended"] = _blob_edit("docs", "text", f"doc = {mid}", lambda b: b + b"\0")
    e["docs: a text with a byte changed"] = _blob_edit("docs", "text", f"doc = {mid}", _flip(0.5))
    e["docs: a text emptied"] = _blob_edit("docs", "text", f"doc = {mid}", lambda b: b"")
    e["docs: a text made a 64 MB zlib bomb"] = _blob_edit("docs", "text", f"doc = {mid}", lambda b: bomb)
    e["docs: a text size +1"] = _sql(f"UPDATE docs SET size = size + 1 WHERE doc = {mid}")
    e["docs: a text size -1"] = _sql(f"UPDATE docs SET size = size - 1 WHERE doc = {mid}")
    e["docs: a text size set to 1 GB"] = _sql(f"UPDATE docs SET size = 1000000000 WHERE doc = {mid}")
    rep = "doc = (SELECT MIN(doc) FROM docs WHERE length(repeats) > 0)"
    e["docs: repeats cut"] = _blob_edit("docs", "repeats", rep, lambda b: b[:20])
    e["docs: repeats extended"] = _blob_edit("docs", "repeats", rep, lambda b: b + bytes(64))
    e["docs: repeats with a byte changed"] = _blob_edit("docs", "repeats", rep, _flip(0.1))
    e["docs: batch changed"] = _sql("UPDATE docs SET batch = batch + 1 WHERE doc = 0")
    e["docs: a checksum changed"] = _sql(f"UPDATE docs SET crc = crc + 1 WHERE doc = {mid}")
    e["docs: a text a number"] = _sql(f"UPDATE docs SET text = 7 WHERE doc = {mid}")
    e["batches: the first deleted"] = _sql("DELETE FROM batches WHERE batch = 0")
    e["batches: the last deleted"] = _sql("DELETE FROM batches WHERE batch = (SELECT MAX(batch) FROM batches)")
    e["batches: one renumbered"] = _sql("UPDATE batches SET batch = 1000 WHERE batch = 1")
    e["batches: first_doc +1"] = _sql("UPDATE batches SET first_doc = first_doc + 1 WHERE batch = 1")
    e["batches: docs +1"] = _sql("UPDATE batches SET docs = docs + 1 WHERE batch = 1")
    e["batches: docs -1"] = _sql("UPDATE batches SET docs = docs - 1 WHERE batch = 1")
    e["batches: first_node +1"] = _sql("UPDATE batches SET first_node = first_node + 1 WHERE batch = 1")
    for col in ("paragraphs", "offsets", "shingles", "keys"):
        e[f"batches: {col} cut"] = _blob_edit("batches", col, "batch = 1", lambda b: b[:-8])
        e[f"batches: {col} with a byte changed"] = _blob_edit("batches", col, "batch = 1", _flip(0.3))
    e["batches: a checksum changed"] = _sql("UPDATE batches SET crc = crc + 1 WHERE batch = 1")
    e["links: the first pass deleted"] = _sql("DELETE FROM links WHERE first_node = 0")
    e["links: last_node +1"] = _sql("UPDATE links SET last_node = last_node + 1 WHERE first_node = 0")
    e["links: first_node +1"] = _sql("UPDATE links SET first_node = first_node + 1 WHERE first_node = 0")
    e["links: edges cut"] = _blob_edit("links", "edges", "first_node = 0", lambda b: b[:-16])
    e["links: edges with a byte changed"] = _blob_edit("links", "edges", "first_node = 0", _flip(0.5))
    e["links: sims with a byte changed"] = _blob_edit("links", "sims", "first_node = 0", _flip(0.5))
    e["links: a checksum changed"] = _sql("UPDATE links SET crc = crc + 1 WHERE first_node = 0")
    e["state: deleted"] = _sql("DELETE FROM state")
    e["state: cluster deleted"] = _sql("DELETE FROM state WHERE name = 'cluster'")
    e["state: cluster with a byte changed"] = _blob_edit("state", "data", "name = 'cluster'", _flip(0.5))
    e["state: stamp with a byte changed"] = _blob_edit("state", "data", "name = 'stamp'", _flip(0.0))
    e["state: a dtype changed"] = _sql("UPDATE state SET dtype = 'f4' WHERE name = 'cluster'")
    e["state: a checksum changed"] = _sql("UPDATE state SET crc = crc + 1 WHERE name = 'sim'")
    e["schema: docs gets a column"] = _sql("ALTER TABLE docs ADD COLUMN extra TEXT")
    e["schema: links dropped"] = _sql("DROP TABLE links")
    e["schema: another table added"] = _sql("CREATE TABLE notes (x)")
    e["file: cut to half"] = lambda db: None  # (done on the file, see tamper_case)
    return e


def _read_all(path: Path) -> tuple[list, dict]:
    with dedup.Corpus(index=path) as c:
        s = c.summary()
        from dataclasses import asdict

        return [r.to_json() for r in c.results()], asdict(s)


def build_index(work: Path, paragraphs: int) -> tuple[Path, tuple[list, dict], int]:
    path = work / "good.sqlite"
    docs = [(d["id"], d["text"]) for d in synthetic_docs(paragraphs, seed=5)]
    with dedup.Corpus(index=path, batch_size=16) as c:
        c.add(docs[: len(docs) // 2])
    with dedup.Corpus(index=path, batch_size=16) as c:  # two linking passes
        c.add(docs[len(docs) // 2 :])
        c.summary()  # (the cluster state stored)
    return path, _read_all(path), len(docs)


def tamper_case(good: Path, base: tuple[list, dict], name: str, edit: Callable[[sqlite3.Connection], None],
                work: Path) -> dict:
    path = work / "t.sqlite"
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    shutil.copyfile(good, path)
    if name.startswith("file:"):
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 2])
    else:
        db = sqlite3.connect(path, isolation_level=None)
        try:
            edit(db)
        except sqlite3.Error as e:
            db.close()
            return {"edit": name, "outcome": "not applicable", "why": str(e)}
        db.close()
    try:
        got = _read_all(path)
    except IndexMismatchError as e:
        msg = str(e).replace(str(path), "INDEX")
        return {"edit": name, "outcome": "refused", "why": msg if len(msg) < 400 else msg[:200] + " ... " + msg[-150:]}
    except Exception as e:  # an unclear error: counted as accepted
        return {"edit": name, "outcome": "accepted", "why": f"{type(e).__name__}: {e}"[:200]}
    return {"edit": name, "outcome": "harmless" if got == base else "accepted", "why": ""}


DOC = ROOT / "docs" / "reliability.md"


def counts_markdown(res: dict) -> str:
    """The counts block of docs/reliability.md, from a result of this script."""
    k, t = res["kills"], res["tampering"]
    cases = k["cases"]
    points = sorted({c["point"] for c in cases}, key=lambda p: (p.startswith("o"), p.startswith("a"),
                                                                int(p.split(":")[1]) if ":" in p else 0))
    rows = ["| killed at | processes | index | killed | no partial output | re-run: same bytes | temporary directories "
            "left by the kill / after the re-run | workers alive after | output .tmp files left |",
            "|---|---|---|---|---|---|---|---|---|"]
    for c in sorted(cases, key=lambda c: (not c["index"], c["n_jobs"], points.index(c["point"]))):
        rows.append(f"| {c['point']} | {c['n_jobs']} | {'--index' if c['index'] else 'temporary'} | "
                    f"{'yes' if c['killed'] else 'no'} | {'yes' if not c['partial_output_after_kill'] else 'no'} | "
                    f"{'yes' if c['same_bytes'] else 'NO'} | {c['left_by_kill']} / {c['left_after_rerun']} | "
                    f"{c['workers_left']} of {c['workers_at_kill']} | {len(c['tmp_files_after_rerun'])} |")
    sig = "; ".join(f"{s['signal']}: exit {s['exit']}, {len(s['files'])} files and {s['left']} temporary directories "
                    f"left" for s in res["signals"])
    refused = [c for c in t["cases"] if c["outcome"] == "refused"]
    harmless = [c["edit"] for c in t["cases"] if c["outcome"] == "harmless"]
    return "\n".join([
        f"Counts of `{res['command']}` ({res['date']}, {res['machine']['cores']} cores; input "
        f"{res['input_documents']} documents in batches of {res['batch_size']}):",
        "",
        f"- **Kills survived: {k['survived']} of {k['tried']}** (killed with SIGKILL before the run ended: "
        f"{k['killed']}); a kill survived leaves no partial output, its re-run writes the output and report "
        f"byte for byte as the uninterrupted run, and no temporary directory of the killed run remains.",
        f"- Signals: {sig}.",
        f"- **Tampering edits refused: {t['refused']} of {t['edits']}**; harmless (the same results): "
        f"{t['harmless']} ({', '.join(harmless) or 'none'}); accepted (other results or an unclear error): "
        f"**{t['accepted']}**.",
        *bad_inputs_markdown(res.get("bad_inputs")),
        "",
        *rows,
        "",
        "Edits refused, and the first words of the error (the index path shown as INDEX):",
        "",
        *(f"- {c['edit']}: {c['why'].split(';')[0].splitlines()[0][:140].rstrip(':')}" for c in refused),
    ])


def bad_inputs_markdown(b: dict | None) -> list[str]:
    """The bad-inputs lines of the counts block (none before that part ran)."""
    if not b:
        return []
    by = ", ".join(f"{o}: {n}" for o, n in sorted(b["by_outcome"].items()))
    failed = [c["case"] for c in b["cases"] if not c["passed"]]
    return [
        f"- **Bad inputs tried: {b['tried']}, passed: {b['passed']}** ({by}; `{b['command']}`, {b['date']}); a case "
        f"passes on its expected exit code with a correct result (0) or a `dedup: error:` (1) or usage (2) message "
        f"naming the value or file, no traceback, its inputs unchanged and nothing left by an error"
        + (f"; failed: {', '.join(failed)}." if failed else "."),
        "",
        "| bad input | exit | first line of the error (the case's directory shown as DIR) |",
        "|---|---|---|",
        *(f"| {c['case']} | {c['exit']}{'' if c['passed'] else ' FAILED'} | "
          f"{c['error_line'][:150].replace('|', '/') or '(exit 0: result checked)'} |" for c in b["cases"]),
    ]


def bad_inputs_part(quick: bool) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-bad-inputs-") as tmp:
        return {"date": today(), "command": run_command(), **summary(run_cases(Path(tmp), quick=quick))}


def update_doc(res: dict) -> None:
    begin, end = "<!-- BEGIN reliability-counts -->", "<!-- END reliability-counts -->"
    text = DOC.read_text(encoding="utf-8")
    a, b = text.index(begin) + len(begin), text.index(end)
    DOC.write_text(text[:a] + "\n" + counts_markdown(res) + "\n" + text[b:], encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--docs", action="store_true", help="only rewrite docs/reliability.md's counts from the last full run")
    ap.add_argument("--paragraphs", type=int, default=20000, help="input paragraphs of the killed runs")
    ap.add_argument("--bad-inputs", action="store_true",
                    help="run only the bad inputs (part 4), merge them into results/reliability.json, update the docs")
    args = ap.parse_args()
    if args.docs or args.bad_inputs:
        res = json.loads((RESULTS / "reliability.json").read_text(encoding="utf-8"))
        if args.bad_inputs:
            res["bad_inputs"] = bad_inputs_part(quick=False)
            save("reliability", res)
            print(f"bad inputs: {res['bad_inputs']['passed']} of {res['bad_inputs']['tried']} passed")
        update_doc(res)
        return
    paragraphs = 1500 if args.quick else args.paragraphs
    batch = 8
    with tempfile.TemporaryDirectory(prefix="bench-reliability-") as tmp:
        work = Path(tmp)
        src = work / "in.jsonl"
        n_docs = make_input(src, paragraphs)
        n_batches = -(-n_docs // batch)
        (work / "base").mkdir()
        r = run(command(src, work / "base" / "out.jsonl", work / "base" / "idx.sqlite", 1, batch))
        if r.returncode:
            raise SystemExit(r.stderr)
        base = {"out": (work / "base" / "out.jsonl").read_bytes(),
                "report": (work / "base" / "out.jsonl.report.json").read_bytes()}
        points = ["batches:1", *(f"batches:{n_batches * i // 4}" for i in (1, 2, 3)), "all-batches", "output"]
        if args.quick:
            points = ["batches:1", "all-batches", "output"]
        kills = []
        for n_jobs in (1, 2):
            for i, point in enumerate(points):
                kills.append(kill_case(work / f"kill-{n_jobs}-{i}", src, base, point, n_jobs, batch, n_batches))
                print(json.dumps(kills[-1]), flush=True)
        kills.append(kill_case(work / "kill-noindex", src, base, f"batches:{n_batches // 3}", 2, batch, n_batches,
                               with_index=False))
        print(json.dumps(kills[-1]), flush=True)
        signals = [signal_case(work / f"sig-{s}", src, s, 2, batch) for s in (signal.SIGTERM, signal.SIGHUP)]
        for s in signals:
            print(json.dumps(s), flush=True)
        (work / "tamper").mkdir()
        good, ref, n_good = build_index(work / "tamper", 400 if args.quick else 1500)
        tamper = [tamper_case(good, ref, k, fn, work / "tamper") for k, fn in tamper_edits(n_good).items()]
    bad = bad_inputs_part(args.quick)
    survived = [k for k in kills if k["killed"] and k["same_bytes"] and not k["partial_output_after_kill"]
                and k["left_after_rerun"] == 0]
    outcome = {o: sum(t["outcome"] == o for t in tamper) for o in ("refused", "harmless", "accepted", "not applicable")}
    result = {
        "date": today(), "command": run_command(), "machine": machine(), "quick": args.quick, "input_documents": n_docs, "batch_size": batch,
        "kills": {"tried": len(kills), "killed": sum(k["killed"] for k in kills), "survived": len(survived),
                  "cases": kills},
        "signals": signals,
        "tampering": {"edits": len(tamper), **outcome, "cases": tamper},
        "bad_inputs": bad,
    }
    path = save("reliability_quick" if args.quick else "reliability", result)
    if not args.quick:
        update_doc(result)
    print(f"kills: {len(survived)} of {len(kills)} survived; tampering: {outcome}; "
          f"bad inputs: {bad['passed']} of {bad['tried']} passed; wrote {path}")


if __name__ == "__main__":
    main()
