"""Bad inputs, values and paths given to the command line (docs/reliability.md, issue 16).

Each case of :data:`bad_input_cases.CASES` writes its inputs into a fresh directory and
runs ``dedup.cli.main`` in this process (standard error captured). It *passes* when it
exits with the code expected of it and: exit 0 with a correct result; exit 1 with
``dedup: error:`` or exit 2 with the subcommand's usage, the error naming the value or
file; never a traceback; the inputs unchanged (but for an output the case ``writes``
through a symlink) and, after an error, nothing written (no output, no ``.tmp`` file).

    python benchmarks/bad_inputs.py [--quick]
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import stat
import sys
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bad_input_cases import CASES, Case, device_out  # noqa: E402

from dedup.cli import main  # noqa: E402

__all__ = ["CASES", "run_case", "run_cases", "summary"]


def snapshot(d: Path) -> dict[str, str]:
    """Every entry under ``d``: its type, and the SHA-256 of a regular file's bytes."""
    out = {}
    for p in sorted(d.rglob("*")):
        st = os.lstat(p)
        rel = os.fsdecode(p.relative_to(d))
        if stat.S_ISREG(st.st_mode):
            out[rel] = hashlib.sha256(p.read_bytes()).hexdigest()
        else:
            out[rel] = "link" if stat.S_ISLNK(st.st_mode) else "dir" if stat.S_ISDIR(st.st_mode) else oct(st.st_mode)
    return out


def call_main(argv: list[str]) -> tuple[int | None, str, bool]:
    """``(exit code, standard error, whether a traceback appeared)`` of ``dedup.cli.main(argv)``."""
    err, out = io.StringIO(), io.StringIO()
    tb = False
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
        try:
            code: int | None = main(argv)
        except SystemExit as e:
            code = e.code if isinstance(e.code, int) else 1
        except Exception:
            traceback.print_exc()
            code, tb = None, True
    said = err.getvalue()
    return code, said, tb or "Traceback (most recent call last)" in said


def named(case: Case, code: int | None, said: str) -> bool:
    """Whether the error has the form expected of ``code`` and names the case's words."""
    lines = said.strip().splitlines()
    if code == 1:
        return bool(lines) and lines[0].startswith("dedup: error:") and case.names in lines[0]
    if code == 2:
        sub = case.argv[0]
        return said.startswith(f"usage: dedup {sub}") and any(
            x.startswith(f"dedup {sub}: error:") and case.names in x for x in lines)
    return code == 0


def run_case(case: Case, work: Path) -> dict:
    """Run ``case`` in the new directory ``work``; its record for the results."""
    work.mkdir(parents=True)
    if callable(case.files):
        case.files(work)
    else:
        for name, data in case.files.items():
            (work / name).write_bytes(data)
    before = snapshot(work)
    code, said, tb = call_main([a.replace("{d}", str(work)) for a in case.argv])
    after = snapshot(work)
    unchanged = all(after.get(k) == v for k, v in before.items() if k not in case.writes and not k.endswith(".got"))
    left = sorted(k for k in after if k not in before and (code != 0 or k.endswith(".tmp")))
    correct = code == 0 and case.check is not None and not tb and safe_check(case, work)
    lines = said.replace(str(work), "DIR").encode("utf-8", "backslashreplace").decode().strip().splitlines()
    passed = (not tb and code == case.expect and unchanged and not left
              and (correct if code == 0 else named(case, code, said)))
    return {
        "case": case.name, "expected": case.expect, "exit": code, "passed": passed, "traceback": tb,
        "first_line": lines[0][:300] if lines else "", "error_line": next(
            (x[:300] for x in lines if " error:" in x), ""), "inputs_unchanged": unchanged, "left": left,
        "outcome": outcome(code, tb),
    }


def safe_check(case: Case, work: Path) -> bool:
    try:
        return bool(case.check(work)) if case.check else False
    except (OSError, ValueError):
        return False


def outcome(code: int | None, tb: bool) -> str:
    if tb or code is None:
        return "traceback"
    return {0: "ok (exit 0)", 1: "data error (exit 1)", 2: "usage error (exit 2)"}.get(code, f"exit {code}")


def run_cases(work: Path, quick: bool = False) -> list[dict]:
    """Every case (those marked quick only, when ``quick``), each in its own directory under ``work``."""
    cases = [c for c in CASES if c.quick or not quick]
    out = []
    for i, c in enumerate(cases):
        if c.files is device_out and not can_mknod(work):
            continue
        out.append(run_case(c, work / f"case-{i:02d}"))
    return out


def can_mknod(work: Path) -> bool:
    """Whether this process may make a device node (root, outside a restricted container)."""
    p = work / ".mknod-probe"
    work.mkdir(parents=True, exist_ok=True)
    try:
        os.mknod(p, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except OSError:
        return False
    p.unlink()
    return True


def summary(cases: list[dict]) -> dict:
    """The counts: cases tried, passed, and by outcome."""
    by: dict[str, int] = {}
    for c in cases:
        by[c["outcome"]] = by.get(c["outcome"], 0) + 1
    return {"tried": len(cases), "passed": sum(c["passed"] for c in cases), "by_outcome": by, "cases": cases}


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory(prefix="bad-inputs-") as tmp:
        res = summary(run_cases(Path(tmp), quick="--quick" in sys.argv))
    for c in res["cases"]:
        print(("pass " if c["passed"] else "FAIL ") + json.dumps(c, ensure_ascii=False)[:400])
    print({k: v for k, v in res.items() if k != "cases"})
