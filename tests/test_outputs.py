"""Outputs never destroy what the run did not write (issue 16): directory outputs,
devices, FIFOs, symlinks, missing directories and colliding paths. CLI runs whose
exit code matters run in a subprocess; devices are nodes the test makes itself
(never the machine's /dev/null)."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from dedup.io import MANIFEST, AtomicFile, DataError, UsageError, check_paths, write_atomic, write_txt_dir

LONG = "The city council voted on Tuesday to open a weekly night market along the river quay."
OTHER = "Stalls will open at six in the evening every Friday, with lighting paid for by a grant."


def run(*args, stdin=None, cwd=None, **kw):
    if "stdout" not in kw:
        kw["capture_output"] = True
    return subprocess.run([sys.executable, "-m", "dedup", *map(str, args)], input=stdin, check=False, cwd=cwd, **kw)


def tree(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` (hidden ones too) with its bytes."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def articles(tmp_path):
    src = tmp_path / "articles"
    (src / "sub").mkdir(parents=True)
    (src / "a.txt").write_text(f"Lede one.\n{LONG}\n{LONG}\n", encoding="utf-8")
    (src / "sub" / "b.txt").write_text(f"Lede two.\n{OTHER}\n", encoding="utf-8")
    (src / "photo.jpg").write_bytes(b"\xff\xd8 not text")
    (src / "meta.json").write_text("{}")
    return src


def usage_error(p, *words):
    err = p.stderr.decode()
    assert p.returncode == 2, err
    assert "usage: dedup" in err and "Traceback" not in err
    for w in words:
        assert w in err, err
    return err


# -- directory outputs ---------------------------------------------------------------
def test_directory_output_refuses_a_foreign_non_empty_directory(tmp_path, articles):
    mydata = tmp_path / "mydata"
    mydata.mkdir()
    (mydata / "notes.md").write_text("mine")
    (mydata / "other.csv").write_text("a,b\n")
    before = tree(mydata)
    usage_error(run("corpus", articles, "-o", mydata, "-q"), "non-empty directory", "--overwrite")
    assert tree(mydata) == before
    assert sorted(x.name for x in tmp_path.iterdir()) == [articles.name, "mydata"]


def test_overwrite_writes_only_its_own_files(tmp_path, articles):
    mydata = tmp_path / "mydata"
    (mydata / "sub").mkdir(parents=True)
    (mydata / "notes.md").write_text("mine")
    (mydata / "sub" / "b.txt").write_text("an older b")
    (mydata / "sub" / "keep.txt").write_text("mine too")
    p = run("corpus", articles, "-o", mydata, "-q", "--overwrite")
    assert p.returncode == 0, p.stderr
    files = tree(mydata)
    assert files["notes.md"] == b"mine" and files["sub/keep.txt"] == b"mine too"  # never touched
    assert files["a.txt"].decode().count(LONG) == 1 and files["sub/b.txt"].decode().startswith("Lede two.")
    assert sorted(json.loads(files[MANIFEST])["files"]) == ["a.txt", "sub/b.txt"]
    assert not [n for n in files if n.endswith(".tmp")]


def test_rerun_into_its_own_directory_replaces_its_files_and_keeps_others(tmp_path, articles):
    out = tmp_path / "clean"
    assert run("corpus", articles, "-o", out, "-q").returncode == 0
    (out / "mine.md").write_text("added by the user")
    (articles / "sub" / "b.txt").unlink()  # b leaves the corpus: its unchanged output is stale, and ours
    (articles / "c.txt").write_text(f"Lede three.\n{OTHER}\n")
    p = run("corpus", articles, "-o", out, "-q")  # no --overwrite needed: the manifest says dedup wrote it
    assert p.returncode == 0, p.stderr
    files = tree(out)
    assert sorted(files) == [MANIFEST, "a.txt", "c.txt", "mine.md"]
    assert sorted(json.loads(files[MANIFEST])["files"]) == ["a.txt", "c.txt"]
    # a file dedup wrote but the user changed since is theirs now: kept
    (out / "c.txt").write_text("edited by the user")
    (articles / "c.txt").unlink()
    assert run("corpus", articles, "-o", out, "-q").returncode == 0
    assert (out / "c.txt").read_text() == "edited by the user"


def test_output_equal_to_or_inside_an_input_directory_is_a_usage_error(tmp_path, articles):
    before = tree(articles)
    usage_error(run("corpus", articles, "-o", articles, "-q"), "is the input directory")
    usage_error(run("corpus", articles, "-o", articles / "clean", "-q"), "inside the input directory")
    usage_error(run("corpus", articles, "-o", f"{tmp_path}/x/../articles/", "-q"), "is the input directory")
    assert tree(articles) == before  # photo.jpg, meta.json and the originals intact


def test_index_at_the_output_directory_is_a_usage_error_before_it_is_made(tmp_path, articles):
    out = tmp_path / "clean"
    usage_error(run("corpus", articles, "-o", out, "--index", out, "-q"), "--index", "output directory")
    assert not out.exists() and not (tmp_path / "clean.lock").exists()


def test_file_where_a_directory_is_needed_and_the_reverse(tmp_path, articles):
    results = tmp_path / "results.txt"
    results.write_text("my results")
    usage_error(run("corpus", articles, "-o", results, "-q"), "is a file, not a directory")
    assert results.read_text() == "my results"
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "a", "text": LONG}) + "\n")
    (tmp_path / "adir").mkdir()
    usage_error(run("corpus", src, "-o", tmp_path / "adir", "-q"), "is a directory")


def test_directory_output_failing_midway_leaves_the_directory_as_it_was(tmp_path):
    out = tmp_path / "clean"
    write_txt_dir(out, [("a.txt", "one"), ("b.txt", "two")])
    before = tree(out)

    def items():
        yield "a.txt", "changed"
        raise DataError("a bad record")

    with pytest.raises(DataError):
        write_txt_dir(out, items())
    assert tree(out) == before
    new = tmp_path / "new"
    with pytest.raises(DataError):
        write_txt_dir(new, items())
    assert not new.exists()  # a directory it made, removed again
    with pytest.raises(DataError, match="cannot name a file"):
        write_txt_dir(tmp_path / "evil", [("../escape.txt", "x")])
    assert not (tmp_path / "escape.txt").exists()


# -- what sits at an output path -----------------------------------------------------
def make_device(tmp_path) -> Path:
    dev = tmp_path / "null"
    try:
        os.mknod(dev, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    except (PermissionError, OSError) as e:
        pytest.skip(f"cannot make a device node here (os.mknod: {e}); the device case needs root or CAP_MKNOD")
    return dev


def test_character_device_is_written_directly_never_replaced(tmp_path, articles):
    dev = make_device(tmp_path)
    src = articles / "a.txt"
    p = run("collapse", src, "-o", dev, "--report", dev)
    assert p.returncode == 0, p.stderr
    jl = tmp_path / "in.jsonl"
    jl.write_text(json.dumps({"id": "a", "text": LONG}) + "\n")
    p = run("corpus", jl, "-o", dev, "--report", dev, "--report-html", dev, "-q")
    assert p.returncode == 0, p.stderr
    st = os.stat(dev)
    assert stat.S_ISCHR(st.st_mode) and st.st_rdev == os.makedev(1, 3)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["articles", "in.jsonl", "null"]  # no temporary file
    usage_error(run("corpus", articles, "-o", dev, "-q"), "device or pipe")  # a directory output cannot go there
    stdout = tmp_path / "stdout"
    stdout.symlink_to("/dev/stdout")  # (the test's own link: a regression replaces it, never /dev/stdout)
    usage_error(run("corpus", articles, "-o", stdout, "-q"), "written as a directory")
    assert stat.S_ISCHR(os.stat(dev).st_mode) and stdout.is_symlink()


def test_fifo_is_streamed(tmp_path, articles):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    p = run("collapse", articles / "a.txt", "-o", fifo)
    reader.join()
    assert p.returncode == 0, p.stderr
    assert got == [f"Lede one.\n{LONG}\n".encode()]
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_dev_stdout_and_dash_write_to_the_callers_descriptor(tmp_path, articles):
    """`-o /dev/stdout` writes to the caller's descriptor (a pipe, or a file opened with
    `>>`, appended to). The test reaches /dev/stdout through a symlink of its own, so
    that code that renamed over the path would replace that link, never /dev/stdout."""
    out = tmp_path / "stdout"
    out.symlink_to("/dev/stdout")
    p = run("collapse", articles / "a.txt", "-o", out)
    assert p.returncode == 0 and p.stdout == f"Lede one.\n{LONG}\n".encode(), p.stderr
    log = tmp_path / "log.txt"
    log.write_text("kept\n")
    with open(log, "ab") as f:  # appended to, not replaced: the shell's `>> log.txt`
        assert run("collapse", articles / "a.txt", "-o", out, stdout=f, stderr=subprocess.PIPE).returncode == 0
    assert log.read_text() == f"kept\nLede one.\n{LONG}\n"
    assert out.is_symlink()
    jl = tmp_path / "in.jsonl"
    jl.write_text(json.dumps({"id": "a", "text": LONG}) + "\n")
    p = run("corpus", jl, "-o", "-", "--report", tmp_path / "r.json", "-q")
    assert p.returncode == 0 and json.loads(p.stdout) == {"id": "a", "text": LONG}


def test_symlink_is_written_through_atomically(tmp_path, articles):
    target = tmp_path / "real.txt"
    target.write_text("old text")
    link = tmp_path / "link.txt"
    link.symlink_to(target)
    assert run("collapse", articles / "a.txt", "-o", link).returncode == 0
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_text() == f"Lede one.\n{LONG}\n"
    dangling = tmp_path / "dangling.txt"
    dangling.symlink_to(tmp_path / "made.txt")
    assert run("collapse", articles / "a.txt", "-o", dangling).returncode == 0
    assert dangling.is_symlink() and (tmp_path / "made.txt").read_text() == f"Lede one.\n{LONG}\n"
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_replacing_a_file_keeps_its_permissions(tmp_path):
    f = tmp_path / "out.txt"
    f.write_text("old")
    f.chmod(0o640)
    write_atomic(f, "new")
    assert f.read_text() == "new" and stat.S_IMODE(f.stat().st_mode) == 0o640


def test_missing_directory_names_the_path_given_not_a_temporary_file(tmp_path, articles):
    p = run("collapse", articles / "a.txt", "-o", "nodir/x.txt", cwd=tmp_path)
    err = p.stderr.decode()
    assert p.returncode == 1 and "nodir/x.txt" in err and "does not exist" in err and "mkdir -p nodir" in err
    assert ".tmp" not in err and "Traceback" not in err
    jl = tmp_path / "in.jsonl"
    jl.write_text(json.dumps({"id": "a", "text": LONG}) + "\n")
    p = run("corpus", jl, "-o", "out.jsonl", "--report-html", "no/where/r.html", "-q", cwd=tmp_path)
    assert p.returncode == 1 and "no/where/r.html" in p.stderr.decode() and ".tmp" not in p.stderr.decode()
    assert not (tmp_path / "out.jsonl").exists()  # found before anything was read or written
    with pytest.raises(OSError) as e:  # a write failing inside the block names the output too
        with AtomicFile(tmp_path / "out.txt"):
            raise OSError(28, "No space left on device")
    assert e.value.filename == str(tmp_path / "out.txt")


def test_dev_null_report_as_a_normal_user(tmp_path, monkeypatch, capsys):
    """`--report /dev/null` where no temporary file can be made next to the device
    (a normal user in /dev; simulated by refusing every temporary file): the device
    is written directly, so the run needs none. As root the test uses a device node
    of its own (never the machine's /dev/null); as a normal user, /dev/null itself."""
    import tempfile

    from dedup.cli import main

    dev = make_device(tmp_path) if os.geteuid() == 0 else Path("/dev/null")
    src = tmp_path / "in.txt"
    src.write_text(f"{LONG}\n{LONG}\n")

    def refused(*a, **k):
        raise PermissionError(13, "Permission denied", os.path.join(k.get("dir") or str(dev.parent), ".null.x.tmp"))

    monkeypatch.setattr(tempfile, "mkstemp", refused)
    assert main(["collapse", str(src), "--report", str(dev), "-o", str(dev)]) == 0, capsys.readouterr().err
    assert stat.S_ISCHR(os.stat(dev).st_mode)


# -- colliding paths ----------------------------------------------------------------
def corpus_src(tmp_path, bad=False):
    src = tmp_path / "in.jsonl"
    lines = [json.dumps({"id": "a", "text": LONG})] + (['{"not json'] if bad else [])
    src.write_text("\n".join(lines) + "\n")
    return src


@pytest.mark.parametrize(
    "args, words",
    [
        (["-o", "{d}/out.jsonl", "--report", "{d}/out.jsonl"], ["--report", "same file as -o"]),
        (["-o", "{d}/out.jsonl", "--report-html", "{d}/in.jsonl"], ["--report-html", "same file as input"]),
        (["-o", "{d}/idx.sqlite", "--index", "{d}/idx.sqlite"], ["-o", "same file as --index"]),
        (["-o", "{d}/out.jsonl", "--index", "{d}/in.jsonl"], ["--index", "same file as input"]),
        (["-o", "{d}/out.jsonl", "--report", "{d}/sub/../in.jsonl"], ["same file as input"]),
        (["-o", "{d}/out.jsonl", "--report", "{d}/r.jsonl", "--report-html", "{d}/r.jsonl"], ["--report-html", "same file as --report"]),
        (["-o", "{d}/in.jsonl"], ["-o", "same file as input"]),
        (["-o", "{d}/link.jsonl"], ["same file as input"]),
        (["-o", "{d}/hard.jsonl"], ["same file as input"]),
    ],
)
def test_colliding_paths_are_usage_errors_before_anything_is_read(tmp_path, args, words):
    src = corpus_src(tmp_path, bad=True)  # were it read, the run would stop at its line 2 with exit 1
    (tmp_path / "sub").mkdir()
    (tmp_path / "link.jsonl").symlink_to(src)
    os.link(src, tmp_path / "hard.jsonl")
    before = tree(tmp_path)
    usage_error(run("corpus", src, *[a.format(d=tmp_path) for a in args], "-q"), *words)
    assert tree(tmp_path) == before  # no index, output or report made


def test_corpus_writes_no_report_unless_asked(tmp_path):
    src = tmp_path / "out.jsonl.report.json"  # (the name the report had by default: now an input like any)
    src.write_text(json.dumps({"id": "a", "text": LONG}) + "\n")
    p = run("corpus", src, "-o", tmp_path / "out.jsonl")
    assert p.returncode == 0 and sorted(x.name for x in tmp_path.iterdir()) == ["out.jsonl", src.name]
    assert p.stderr.decode().splitlines()[0].endswith(f"wrote {tmp_path / 'out.jsonl'}")


def test_collapse_colliding_paths(tmp_path, articles):
    src = articles / "a.txt"
    before = src.read_bytes()
    usage_error(run("collapse", src, "-o", src), "same file as input")
    usage_error(run("collapse", src, "--report", src), "same file as input")
    usage_error(run("collapse", src, "-o", tmp_path / "o.txt", "--report", tmp_path / "o.txt"), "same file as -o")
    with open(src, "rb") as f:  # `dedup collapse -o a.txt < a.txt`
        p = subprocess.run([sys.executable, "-m", "dedup", "collapse", "-o", str(src)], stdin=f, capture_output=True)
    usage_error(p, "same file as standard input")
    assert src.read_bytes() == before


def test_directory_output_holding_an_input_or_another_output(tmp_path):
    out = tmp_path / "clean"
    out.mkdir()
    (out / MANIFEST).write_text('{"files": {}}')
    (out / "a.txt").write_text(LONG)  # an input the output would overwrite
    usage_error(run("corpus", out / "a.txt", "-o", out, "-q"), "same file as input")
    src = tmp_path / "docs"
    src.mkdir()
    (src / "b.txt").write_text(LONG)
    usage_error(run("corpus", src, "-o", out, "--report", out / "b.txt", "-q"), "--report", "same file as -o")
    (tmp_path / "x").mkdir()
    with pytest.raises(UsageError):
        check_paths([("input", src / "b.txt")], [("-o", tmp_path / "x" / ".." / "docs" / "b.txt")])
    check_paths([("input", "-")], [("-o", "-"), ("--report", "/dev/null"), ("--report-html", "/dev/null")])
    with pytest.raises(UsageError, match="--report - is the same file as -o -"):  # they would interleave
        check_paths([], [("-o", "-"), ("--report", "-")])


def test_temporary_files_of_a_killed_run_are_removed_by_the_next(tmp_path, articles):
    """A run killed before its rename leaves `.<name>.<pid>.<random>.tmp`; the next run
    writing there removes those whose process is gone and keeps a live writer's."""
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()  # a process that has exited: its pid names no process now
    out = tmp_path / "out.txt"
    dead = tmp_path / f".out.txt.{gone.pid}.abcd1234.tmp"
    live = tmp_path / f".out.txt.{os.getpid()}.abcd1234.tmp"  # this test process: alive
    mine = tmp_path / f".notes.txt.{gone.pid}.abcd1234.tmp.bak"  # not a name dedup makes
    for f in (dead, live, mine):
        f.write_text("partial")
    assert run("collapse", articles / "a.txt", "-o", out).returncode == 0
    assert not dead.exists() and live.exists() and mine.exists()
    clean = tmp_path / "clean"
    assert run("corpus", articles, "-o", clean, "-q").returncode == 0
    left = clean / "sub" / f".b.txt.{gone.pid}.zz_z9876.tmp"
    left.write_text("partial")
    assert run("corpus", articles, "-o", clean, "-q").returncode == 0
    assert not left.exists() and sorted(tree(clean)) == [MANIFEST, "a.txt", "sub/b.txt"]
