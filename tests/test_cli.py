import json
import os
import subprocess
import sys

import pytest

from dedup.cli import main
from dedup.io import write_atomic

LONG = "The city council voted on Tuesday to open a weekly night market along the river quay."


def run(*args, stdin=None):
    return subprocess.run(
        [sys.executable, "-m", "dedup", *args], input=stdin, capture_output=True, check=False
    )


def test_example_runs_as_a_module():
    p = run("example")
    assert p.returncode == 0, p.stderr
    out = p.stdout.decode()
    assert "removed in 1 block" in out and "Jaccard" in out


def test_collapse_file_to_file_with_report(tmp_path):
    src = tmp_path / "in.txt"
    src.write_bytes(f"Lede.\r\n{LONG}\r\n{LONG}\r\nEnd.".encode())
    out, rep = tmp_path / "out.txt", tmp_path / "rep.json"
    assert main(["collapse", str(src), "-o", str(out), "--report", str(rep)]) == 0
    assert out.read_bytes() == f"Lede.\r\n{LONG}\r\nEnd.".encode()
    data = json.loads(rep.read_text())
    assert data["removed"] == 1 and data["repeats"][0]["similarity"] == 1.0


def test_collapse_stdin_to_stdout():
    p = run("collapse", stdin=f"{LONG}\n{LONG}\n".encode())
    assert p.returncode == 0 and p.stdout == f"{LONG}\n".encode()


def test_invalid_utf8_is_a_data_error_with_offset(tmp_path, capsys):
    src = tmp_path / "bad.txt"
    src.write_bytes(b"ok line\n\xff\xfe bad")
    out = tmp_path / "out.txt"
    assert main(["collapse", str(src), "-o", str(out)]) == 1
    assert "byte 8" in capsys.readouterr().err
    assert not out.exists()  # nothing half-written
    assert main(["collapse", str(src), "-o", str(out), "--errors", "replace"]) == 0
    assert out.read_text(encoding="utf-8").startswith("ok line\n")


def test_missing_file_is_a_data_error(tmp_path, capsys):
    assert main(["collapse", str(tmp_path / "nope.txt")]) == 1
    assert "nope.txt" in capsys.readouterr().err


def test_usage_errors_exit_2(capsys):
    with pytest.raises(SystemExit) as e:
        main(["collapse", "--threshold", "3"])
    assert e.value.code == 2
    assert "Config.threshold" in capsys.readouterr().err
    with pytest.raises(SystemExit) as e:
        main([])
    assert e.value.code == 2


def test_write_atomic_leaves_old_file_on_failure(tmp_path, monkeypatch):
    target = tmp_path / "out.txt"
    target.write_text("old")

    def boom(*a, **k):
        raise OSError("disk full")

    monkeypatch.setattr(os, "fsync", boom)
    with pytest.raises(OSError, match="disk full"):
        write_atomic(target, "new content")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]  # no temp file left


def test_unwritable_output_is_a_data_error(tmp_path, capsys):
    src = tmp_path / "in.txt"
    src.write_text(LONG)
    blocker = tmp_path / "file"
    blocker.write_text("x")  # its "directory" is a file: unwritable even for root
    assert main(["collapse", str(src), "-o", str(blocker / "out.txt")]) == 1
    assert "dedup: error" in capsys.readouterr().err
