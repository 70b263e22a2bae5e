"""The cases of :mod:`bad_inputs`: bad inputs, values and paths given to the command line."""

from __future__ import annotations

import json
import os
import stat
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Case", "CASES", "device_out"]

LONG = "The city council voted on Tuesday to open a weekly night market along the river quay."
FOOT = "COPYRIGHT Gazette Media Group, all rights reserved 2024, every story and photo"


@dataclass(frozen=True)
class Case:
    """One bad input: ``files`` (name -> bytes, or a function making them in the
    directory), the command (``{d}`` is the directory), the exit code expected, the
    words its error names, and for exit 0 a check of the result."""

    name: str
    files: dict[str, bytes] | Callable[[Path], None]
    argv: tuple[str, ...]
    expect: int
    names: str = ""
    check: Callable[[Path], bool] | None = None
    quick: bool = True
    writes: tuple[str, ...] = ()


def jsonl(*lines: str) -> bytes:
    return "".join(line + "\n" for line in lines).encode("utf-8")


def corpus(src: str = "in.jsonl", out: str = "out.jsonl", *more: str) -> tuple[str, ...]:
    return ("corpus", "{d}/" + src, "-o", "{d}/" + out, "-q", *more)


def collapse(src: str = "in.txt", out: str = "out.txt", *more: str) -> tuple[str, ...]:
    return ("collapse", "{d}/" + src, "-o", "{d}/" + out, *more)


def out_records(d: Path, name: str = "out.jsonl") -> list[dict]:
    return [json.loads(x) for x in (d / name).read_text(encoding="utf-8").split("\n") if x]  # (not splitlines: U+2028)


def texts_are(*texts: str) -> Callable[[Path], bool]:
    return lambda d: [r["text"] for r in out_records(d)] == list(texts)


def out_is(data: bytes, name: str = "out.txt") -> Callable[[Path], bool]:
    return lambda d: (d / name).read_bytes() == data


def rec(text: object, did: object = "a") -> str:
    return json.dumps({"id": did, "text": text})


DUP = f"{LONG}\n{LONG}\n{FOOT}"
SEPS = {"\\r\\n": "\r\n", "\\r": "\r", "U+2028": "\u2028", "U+2029": "\u2029", "U+0085": "\x85"}
HUGE = " ".join(f"w{i % 5000}" for i in range(700_000))  # one paragraph of ~4 MB
MANY = "".join(f"line {i}\n" for i in range(1_000_000))  # a million short lines (~12 MB)


def fifo_out(d: Path) -> None:
    (d / "in.txt").write_bytes(DUP.encode())
    os.mkfifo(d / "fifo")
    got = d / "fifo.got"

    def drain() -> None:
        with open(d / "fifo", "rb") as f:
            data = f.read()
        got.write_bytes(data)
    threading.Thread(target=drain, daemon=True).start()


def device_out(d: Path) -> None:
    (d / "in.txt").write_bytes(DUP.encode())
    os.mknod(d / "null", stat.S_IFCHR | 0o666, os.makedev(1, 3))


def symlink_out(d: Path) -> None:
    (d / "in.txt").write_bytes(DUP.encode())
    (d / "target.txt").write_bytes(b"old\n")
    os.symlink("target.txt", d / "out.txt")


def fifo_done(d: Path) -> bool:
    for _ in range(200):
        if (d / "fifo.got").exists():
            return (d / "fifo.got").read_bytes() == f"{LONG}\n{FOOT}".encode() and stat.S_ISFIFO(os.lstat(d / "fifo").st_mode)
        threading.Event().wait(0.01)
    return False


def bad_name_dir(d: Path) -> None:
    (d / "docs").mkdir()
    (d / "docs" / "a.txt").write_bytes(LONG.encode())
    (d / os.fsdecode(b"docs/b\xff.txt")).write_bytes(FOOT.encode())


def txt_dir(data: bytes) -> Callable[[Path], None]:
    def make(d: Path) -> None:
        (d / "docs").mkdir()
        (d / "docs" / "a.txt").write_bytes(data)
    return make


CASES: list[Case] = [
    Case("JSONL: text a number", {"in.jsonl": jsonl(rec(7))}, corpus(), 1, "in.jsonl:1"),
    Case("JSONL: text a list", {"in.jsonl": jsonl(rec(["a"]))}, corpus(), 1, "in.jsonl:1"),
    Case("JSONL: text null", {"in.jsonl": jsonl(rec("x"), rec(None, "b"))}, corpus(), 1, "in.jsonl:2"),
    Case("JSONL: no text field", {"in.jsonl": jsonl('{"id": "a", "body": "x"}')}, corpus(), 1, "in.jsonl:1"),
    Case("JSONL: id an object", {"in.jsonl": jsonl(rec("x", {"k": 1}))}, corpus(), 1, "in.jsonl:1"),
    Case("JSONL: id a boolean", {"in.jsonl": jsonl(rec("x", True))}, corpus(), 1, "in.jsonl:1"),
    Case("JSONL: duplicate id", {"in.jsonl": jsonl(rec("x"), rec("y"))}, corpus(), 1, "in.jsonl:2"),
    Case("JSONL: invalid UTF-8", {"in.jsonl": jsonl(rec("x")) + b'{"id": "b", "text": "\xff"}\n'}, corpus(), 1,
         "in.jsonl:2"),
    Case("JSONL: invalid UTF-8, --errors replace", {"in.jsonl": b'{"id": "b", "text": "\xff"}\n'},
         corpus("in.jsonl", "out.jsonl", "--errors", "replace"), 1, "in.jsonl:1"),
    Case("JSONL: invalid UTF-8, --skip-bad", {"in.jsonl": jsonl(rec("x")) + b'{"id": "b", "text": "\xff"}\n'},
         corpus("in.jsonl", "out.jsonl", "--skip-bad"), 0, check=texts_are("x")),
    Case("JSONL: lone surrogate in a text", {"in.jsonl": jsonl('{"id": "a", "text": "x \\ud800 y"}')}, corpus(), 0,
         check=texts_are("x \ud800 y")),
    Case("JSONL: lone surrogate in an id", {"in.jsonl": jsonl('{"id": "a\\udc80", "text": "x"}')}, corpus(), 1,
         "in.jsonl:1"),
    Case("JSONL: lone surrogate in a text, Parquet output", {"in.jsonl": jsonl('{"id": "a", "text": "x \\ud800"}')},
         corpus("in.jsonl", "out.parquet"), 1, "surrogate"),
    Case("JSONL: empty text", {"in.jsonl": jsonl(rec(""), rec("x", "b"))}, corpus(), 0, check=texts_are("", "x")),
    Case("JSONL: empty file", {"in.jsonl": b""}, corpus(), 0, check=out_is(b"", "out.jsonl")),
    Case("JSONL: only blank lines", {"in.jsonl": b"\n  \n\r\n\n"}, corpus(), 0, check=out_is(b"", "out.jsonl")),
    Case("JSONL: \\r\\n line ends", {"in.jsonl": jsonl(rec(DUP)).replace(b"\n", b"\r\n")}, corpus(), 0,
         check=texts_are(f"{LONG}\n{FOOT}")),
    Case("JSONL: raw U+2028/U+2029/U+0085 inside a string",
         {"in.jsonl": jsonl(json.dumps({"id": "a", "text": "a\u2028b\u2029c\x85d"}, ensure_ascii=False))},
         corpus(), 0, check=texts_are("a\u2028b\u2029c\x85d")),
    Case("JSONL: truncated last line", {"in.jsonl": jsonl(rec("x")) + b'{"id": "b", "te'}, corpus(), 1, "in.jsonl:2"),
    Case("JSONL: trailing comma", {"in.jsonl": jsonl('{"id": "a", "text": "x",}')}, corpus(), 1, "in.jsonl:1"),
    Case("JSONL: a line not an object", {"in.jsonl": jsonl(rec("x"), "[1, 2]")}, corpus(), 1, "in.jsonl:2"),
    Case("JSONL: a bare number line", {"in.jsonl": jsonl("5")}, corpus(), 1, "in.jsonl:1"),
    Case("JSONL: UTF-8 byte order mark", {"in.jsonl": b"\xef\xbb\xbf" + jsonl(rec("x"))}, corpus(), 0,
         check=texts_are("x")),
    Case("JSONL: NUL escape in a text", {"in.jsonl": jsonl(rec("a\x00b"))}, corpus(), 0, check=texts_are("a\x00b")),
    Case("JSONL: raw NUL byte in a line", {"in.jsonl": b'{"id": "a", "text": "a\x00b"}\n'}, corpus(), 1, "in.jsonl:1"),
    Case("JSONL: damaged gzip", {"in.jsonl.gz": b"\x1f\x8b\x08\x00" + b"\x00" * 40}, corpus("in.jsonl.gz"), 1,
         "in.jsonl.gz"),
    Case("JSONL: a huge paragraph (4 MB)", {"in.jsonl": jsonl(rec(HUGE))}, corpus(), 0, check=texts_are(HUGE),
         quick=False),
    Case(".txt: invalid UTF-8", {"in.txt": b"ok\n\xff\n"}, collapse(), 1, "in.txt"),
    Case(".txt: invalid UTF-8, --errors replace", {"in.txt": b"ok\n\xff\n"}, collapse("in.txt", "out.txt", "--errors",
         "replace"), 0, check=out_is("ok\n\ufffd\n".encode())),
    Case(".txt: an encoded surrogate (CESU-8)", {"in.txt": b"a \xed\xa0\x80 b\n"}, collapse(), 1, "in.txt"),
    Case(".txt dir: invalid UTF-8", txt_dir(b"\xff\xfe"), corpus("docs", "clean"), 1, "a.txt"),
    Case(".txt dir: invalid UTF-8, --errors replace", txt_dir(b"x\xff"), corpus("docs", "clean", "--errors", "replace"),
         0, check=lambda d: (d / "clean" / "a.txt").read_bytes() == "x\ufffd".encode()),
    Case(".txt dir: a file name not UTF-8", bad_name_dir, corpus("docs", "clean"), 1, "rename"),
    Case(".txt: empty file", {"in.txt": b""}, collapse(), 0, check=out_is(b"")),
    Case(".txt: only blank lines", {"in.txt": b"\n\n \n\t\n"}, collapse(), 0, check=out_is(b"\n\n \n\t\n")),
    Case(".txt: NUL bytes", {"in.txt": b"a\x00b\n" + DUP.encode()}, collapse(), 0,
         check=out_is(b"a\x00b\n" + f"{LONG}\n{FOOT}".encode())),
    Case(".txt: UTF-8 byte order mark", {"in.txt": b"\xef\xbb\xbf" + DUP.encode()}, collapse(), 0,
         check=out_is(b"\xef\xbb\xbf" + f"{LONG}\n{FOOT}".encode())),
    *(Case(f".txt: {k} separators", {"in.txt": DUP.replace("\n", v).encode()}, collapse(), 0,
           check=out_is(f"{LONG}{v}{FOOT}".encode())) for k, v in SEPS.items()),
    Case(".txt: a huge paragraph (4 MB)", {"in.txt": HUGE.encode()}, collapse(), 0, check=out_is(HUGE.encode()),
         quick=False),
    Case(".txt: a million short lines", {"in.txt": MANY.encode()}, collapse(), 0, check=out_is(MANY.encode()),
         quick=False),
    Case("path: a directory as input", lambda d: (d / "in.txt").mkdir(), collapse(), 1, "in.txt"),
    Case("path: a missing input", {}, corpus(), 1, "in.jsonl"),
    Case("path: a FIFO as output", fifo_out, collapse("in.txt", "fifo"), 0, check=fifo_done),
    Case("path: a character device as output", device_out, collapse("in.txt", "null"), 0,
         check=lambda d: stat.S_ISCHR(os.lstat(d / "null").st_mode)),
    Case("path: a symlink as output", symlink_out, collapse(), 0, writes=("target.txt",),
         check=lambda d: os.path.islink(d / "out.txt") and (d / "target.txt").read_bytes() == f"{LONG}\n{FOOT}".encode()),
    Case("path: output = input (collapse)", {"in.txt": DUP.encode()}, collapse("in.txt", "in.txt"), 2, "in.txt"),
    Case("path: output = input (corpus)", {"in.jsonl": jsonl(rec("x"))}, corpus("in.jsonl", "in.jsonl"), 2, "in.jsonl"),
    Case("path: missing output directory", {"in.jsonl": jsonl(rec("x"))}, corpus("in.jsonl", "no/out.jsonl"), 1,
         "no/out.jsonl"),
    Case("index: not SQLite", {"in.jsonl": jsonl(rec("x")), "idx": bytes(range(256)) * 8},
         corpus("in.jsonl", "out.jsonl", "--index", "{d}/idx"), 1, "idx"),
    Case("index: a directory", lambda d: ((d / "in.jsonl").write_bytes(jsonl(rec("x"))), (d / "idx").mkdir()),
         corpus("in.jsonl", "out.jsonl", "--index", "{d}/idx"), 2, "--index"),
    Case("value: --n-jobs 0", {"in.jsonl": jsonl(rec("x"))}, corpus("in.jsonl", "out.jsonl", "--n-jobs", "0"), 2,
         "--n-jobs"),
    Case("value: --batch-size 0", {"in.jsonl": jsonl(rec("x"))}, corpus("in.jsonl", "out.jsonl", "--batch-size", "0"),
         2, "--batch-size"),
    Case("value: --encoding nope", {"in.txt": b"x"}, collapse("in.txt", "out.txt", "--encoding", "nope"), 2, "nope"),
    Case("value: --threshold 3", {"in.jsonl": jsonl(rec("x"))}, corpus("in.jsonl", "out.jsonl", "--threshold", "3"),
         2, "3"),
    Case("value: an unknown option", {"in.jsonl": jsonl(rec("x"))}, corpus("in.jsonl", "out.jsonl", "--bogus"), 2,
         "--bogus"),
]
