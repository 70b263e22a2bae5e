"""Command line: argument parsing and exit codes only; every decision is the library's.

Exit codes: 0 ok, 1 data error (unreadable or undecodable input, unwritable
output, a damaged or busy index), 2 usage error (with the subcommand's usage):
bad values, and paths that cannot work together (an output that is an input,
another output or the index), found before anything is read.
"""

from __future__ import annotations

import argparse
import codecs
import os
import sqlite3
import sys
from collections.abc import Sequence
from dataclasses import asdict
from importlib import resources
from typing import Any

from . import __version__
from .cli_corpus import run_corpus
from .collapse import explain
from .config import Config
from .corpus import keep_heap, quiet_interrupts
from .io import (
    FORMATS,
    MANIFEST,
    AtomicFile,
    DataError,
    UsageError,
    check_output_file,
    check_paths,
    describe_os_error,
    dumps_json,
    read_text,
)
from .report import html_written, write_text_html
from .runs import signals_as_interrupts

__all__ = ["main"]


def _example_text() -> str:
    return resources.files("dedup").joinpath("data/example.txt").read_text(encoding="utf-8")


def _config(a: argparse.Namespace) -> Config:
    extra = {}
    if getattr(a, "doc_threshold", None) is not None:
        extra = {"doc_threshold": a.doc_threshold, "boilerplate_min": a.boilerplate_min}
    return Config(threshold=a.threshold, shingle_size=a.shingle_size, mode=a.mode, min_tokens=a.min_tokens, **extra)


def _positive_int(s: str) -> int:
    try:
        v = int(s)
    except ValueError:
        v = 0
    if v < 1:
        raise argparse.ArgumentTypeError(f"must be an int >= 1, got {s!r}")
    return v


def _encoding(s: str) -> str:
    try:
        codecs.lookup(s)
    except LookupError:
        raise argparse.ArgumentTypeError(f"unknown encoding {s!r}; pass a codec name such as utf-8 or latin-1") from None
    return s


def _knobs(sp: argparse.ArgumentParser) -> None:
    """The :class:`Config` knobs every subcommand takes."""
    d = Config()
    sp.add_argument("--threshold", type=float, default=d.threshold, help="Jaccard threshold (default %(default)s)")
    sp.add_argument("--shingle-size", type=int, default=d.shingle_size, help="words per shingle (default %(default)s)")
    sp.add_argument("--mode", choices=["line", "blank"], default=d.mode, help="paragraph splitting (default %(default)s)")
    sp.add_argument(
        "--min-tokens", type=int, default=d.min_tokens, help="words for a lone repeat to go (default %(default)s)"
    )


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="dedup", description="Collapse repeated paragraphs and blocks in text.")
    p.add_argument("--version", action="version", version=f"dedup {__version__}")
    sub = p.add_subparsers(dest="command", required=True)
    ex = sub.add_parser("example", help="collapse the bundled example article and show the evidence")
    ex.set_defaults(usage_error=ex.error)
    _knobs(ex)
    c = sub.add_parser("collapse", help="collapse one text file (or stdin)")
    c.add_argument("input", nargs="?", default="-", help="text file, or - for stdin (default)")
    c.set_defaults(usage_error=c.error)
    c.add_argument("-o", "--output", help="write the collapsed text here (atomically) instead of stdout")
    c.add_argument("--report", help="write the removals as JSON here (atomically); - for stderr")
    c.add_argument(
        "--report-html", metavar="PATH",
        help="also write a self-contained HTML page here: the text with each removal struck through beside the kept copy",
    )
    c.add_argument("--encoding", type=_encoding, default="utf-8", help="input and output encoding (default %(default)s)")
    c.add_argument(
        "--errors", default="strict", choices=["strict", "replace"], help="on undecodable input (default %(default)s)"
    )
    _knobs(c)
    _corpus_parser(sub)
    return p


def _corpus_parser(sub: Any) -> None:
    """The ``dedup corpus`` subcommand's arguments."""
    k = sub.add_parser(
        "corpus",
        help="collapse many documents, cluster paragraphs and documents, flag boilerplate",
        description="Inputs: .jsonl files (also .jsonl.gz, .bz2, .xz, .zst), - or a pipe (standard input, "
        "JSONL), .parquet files, or .txt files / directories of them (one document per file); --format for "
        "names that say nothing. Output: the format -o names (JSONL and Parquet convert into each other; "
        ".jsonl.gz etc. compressed), else the input's (a directory for .txt); with --report, a JSON Lines "
        "report (a summary line, then a line per document with removals, a document cluster or boilerplate, "
        "as offsets: no copy of the text); with --report-html, a page to read. What is written: by default every document, each "
        "collapsed (later copies of repeated blocks cut; nothing else changes); with --drop-duplicates one "
        "document per document cluster (its representative, collapsed); with --strip-boilerplate also "
        "without its boilerplate paragraphs. A last line on stderr says what each step removed.",
    )
    k.set_defaults(usage_error=k.error)
    k.add_argument("inputs", nargs="+", help="input files or directories (all of one kind), or - for standard input")
    k.add_argument(
        "-o", "--output", required=True,
        help="output file (.jsonl, .jsonl.gz/.bz2/.xz/.zst, .parquet), directory (.txt), or - for standard output",
    )
    k.add_argument("--format", choices=FORMATS, help="the inputs' format, when their names do not say it")
    k.add_argument(
        "--output-format", choices=FORMATS,
        help="the output's format, when its name does not say it (it may not contradict the name)",
    )
    k.add_argument(
        "--drop-duplicates", action="store_true",
        help="write one document per document cluster (its representative, collapsed), not every document",
    )
    k.add_argument(
        "--strip-boilerplate", action="store_true",
        help="also cut boilerplate paragraphs (with their line terminators) from the documents written",
    )
    k.add_argument(
        "--overwrite", action="store_true",
        help=f"write a .txt output into a non-empty directory dedup did not write (no {MANIFEST}): files of the "
        "names dedup writes are replaced, no other file is touched",
    )
    k.add_argument(
        "--report", metavar="PATH",
        help="also write a JSON Lines report here: a summary line, then one line per document with removals, "
        "a document cluster or boilerplate paragraphs (their offsets, not the text); none by default",
    )
    k.add_argument(
        "--report-html", metavar="PATH",
        help="also write a self-contained HTML report here (overview, documents to filter and search, "
        "near-duplicate clusters, boilerplate lines; no network needed)",
    )
    _corpus_run_args(k)


def _corpus_run_args(k: argparse.ArgumentParser) -> None:
    """How ``dedup corpus`` reads and runs: the index, the record fields, bad data, the engine, the knobs."""
    k.add_argument("--index", help="SQLite index to use and update (incremental); default: a temporary one")
    k.add_argument("--text-field", default="text", help="text field of JSONL/Parquet records (default %(default)s)")
    k.add_argument("--id-field", default="id", help="id field of JSONL/Parquet records (default %(default)s)")
    k.add_argument("--skip-bad", action="store_true", help="skip and count malformed JSONL lines instead of stopping")
    k.add_argument("--dedupe-ids", action="store_true", help="keep the first of documents sharing an id")
    k.add_argument("--errors", default="strict", choices=["strict", "replace"], help="undecodable .txt input")
    k.add_argument(
        "--encoding", type=_encoding, default="utf-8",
        help=".txt input and output encoding (default %(default)s; JSONL is UTF-8)",
    )
    k.add_argument("--n-jobs", type=_positive_int, default=1, help="worker processes (1: all in this one), or Spark cores with --engine spark (default %(default)s)")
    k.add_argument("--batch-size", type=_positive_int, default=256, help="documents per batch (default %(default)s)")
    k.add_argument(
        "--engine", choices=["local", "spark"], default="local",
        help="local processes, or a local Spark session on --n-jobs cores (extra [spark]; default %(default)s)",
    )
    k.add_argument(
        "-q", "--quiet", action="store_true",
        help="no progress bars (shown only on a terminal) and no summary lines; with --engine spark, Spark "
        "logs errors only",
    )
    _knobs(k)
    d = Config()
    k.add_argument("--doc-threshold", type=float, default=d.doc_threshold, help="document Jaccard (default %(default)s)")
    k.add_argument("--boilerplate-min", type=int, default=d.boilerplate_min,
                   help="stories a paragraph must recur in to be boilerplate (default %(default)s)")


def _sqlite_message(e: sqlite3.Error, index: str | None) -> str:
    where = index or "the temporary index (in $TMPDIR)"
    text = str(e)
    low = text.lower()
    if "full" in low:
        fix = "free space on that disk" + ("" if index else ", or set TMPDIR to a larger disk") + " and run again"
    elif "locked" in low or "busy" in low:
        fix = "another process is writing it: wait for it to finish, or use another --index"
    elif "malformed" in low or "not a database" in low or "corrupt" in low:
        fix = "the file is damaged: move it away and run again to rebuild it"
    elif "readonly" in low or "read-only" in low:
        fix = "the index or its directory is read-only: make it writable or use another --index"
    elif "unable to open" in low:
        fix = "check the path and its directory's permissions"
    elif "disk i/o" in low:
        fix = "the disk reported an error: check it, or use an index on another disk"
    else:
        fix = "check the index file, or move it away and run again to rebuild it"
    return f"{where}: {text} (SQLite); {fix}"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (a usage error exits 2 via ``SystemExit``)."""
    p = _parser()
    a, unknown = p.parse_known_args(argv)
    usage = a.usage_error  # the subcommand's parser: its usage goes with the error
    if unknown:
        usage(f"unrecognized arguments: {' '.join(unknown)}")
    try:
        cfg = _config(a)
    except ValueError as e:
        usage(str(e))
    if getattr(a, "engine", None) == "spark":
        if a.index:
            usage("--index works with --engine local only (Spark keeps no index between runs)")
        try:
            import pyspark  # noqa: F401
        except ImportError:
            usage("--engine spark needs pyspark: pip install pyspark (the [spark] extra: pip install '.[spark]' in dedup's checkout)")
    try:
        if a.command == "example":
            ex = explain(_example_text(), cfg)
            print("== input: the bundled example (body scraped twice, link lines, footer) ==")
            print(ex.text)
            print("\n== evidence ==")
            print(ex.report())
            print("\n== collapsed ==")
            print(ex.collapsed)
            return 0
        if a.command == "corpus":
            keep_heap()  # this process is ours: let its allocator reuse freed memory (see keep_heap)
            with signals_as_interrupts(), quiet_interrupts():  # SIGTERM, SIGHUP: cleaned up as Ctrl-C is
                return run_corpus(a, cfg)
        return _collapse(a, cfg)
    except UsageError as e:
        usage(str(e))
    except sqlite3.Error as e:
        return _fail(_sqlite_message(e, getattr(a, "index", None)))
    except OSError as e:
        return _fail(describe_os_error(e))
    except (ValueError, UnicodeError, TypeError) as e:
        return _fail(str(e))
    except KeyboardInterrupt:
        print("dedup: interrupted", file=sys.stderr)
        return 130
    return 0  # (not reached: usage() exits)


def _fail(msg: str) -> int:
    print(f"dedup: error: {msg}", file=sys.stderr)
    return 1


def _collapse(a: argparse.Namespace, cfg: Config) -> int:
    given = (("-o", a.output), ("--report", a.report), ("--report-html", a.report_html))
    outputs = [(opt, path) for opt, path in given if path and path != "-"]
    # standard input redirected from a file (`< in.txt`) is that file: -o in.txt would replace it
    stdin = [("standard input", "/dev/stdin")] if os.path.exists("/dev/stdin") else []
    if a.report_html == "-" and a.output in (None, "-"):
        raise UsageError("--report-html - and the collapsed text would both go to standard output; give -o FILE")
    check_paths(stdin if a.input == "-" else [("input", a.input)], outputs)
    for _, path in outputs:
        check_output_file(path)
    if a.input == "-":
        data = sys.stdin.buffer.read()
        try:
            text = data.decode(a.encoding, a.errors)
        except UnicodeDecodeError as e:
            raise DataError(f"stdin: not valid {a.encoding} at byte {e.start}; use --errors replace") from None
    else:
        text = read_text(a.input, a.encoding, a.errors)
    ex = explain(text, cfg)
    with AtomicFile(a.output or "-", "w", a.encoding, "surrogateescape" if a.errors == "strict" else "replace") as f:
        f.write(ex.collapsed)
    if a.report:
        rep = dumps_json({"removed": len(ex.repeats), "repeats": [asdict(r) for r in ex.repeats]}, indent=1)
        if a.report == "-":
            print(rep, file=sys.stderr)
        else:
            with AtomicFile(a.report) as f:
                f.write(rep + "\n")
    if a.report_html:
        name = "standard input" if a.input == "-" else os.path.basename(a.input)
        with AtomicFile(a.report_html, errors="xmlcharrefreplace") as hf:
            write_text_html(hf, ex, name=name, title=f"dedup report: {name}", config=cfg)
        n = len(ex.repeats)
        print(f"dedup: removed {n} repeat{'' if n == 1 else 's'} ({len(ex.text) - len(ex.collapsed)} characters); "
              + html_written(a.report_html), file=sys.stderr)
    return 0
