"""Command line: argument parsing and exit codes only; every decision is the library's.

Exit codes: 0 ok, 1 data error (unreadable or undecodable input, unwritable
output), 2 usage error.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import asdict
from importlib import resources

from . import __version__
from .collapse import explain
from .config import Config
from .io import read_text, write_atomic

__all__ = ["main"]


def _example_text() -> str:
    return resources.files("dedup").joinpath("data/example.txt").read_text(encoding="utf-8")


def _config(a: argparse.Namespace) -> Config:
    return Config(threshold=a.threshold, shingle_size=a.shingle_size, mode=a.mode, min_tokens=a.min_tokens)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="dedup", description="Collapse repeated paragraphs and blocks in text.")
    p.add_argument("--version", action="version", version=f"dedup {__version__}")
    sub = p.add_subparsers(dest="command", required=True)

    def knobs(sp: argparse.ArgumentParser) -> None:
        d = Config()
        sp.add_argument("--threshold", type=float, default=d.threshold, help="Jaccard threshold (default %(default)s)")
        sp.add_argument("--shingle-size", type=int, default=d.shingle_size, help="words per shingle (default %(default)s)")
        sp.add_argument("--mode", choices=["line", "blank"], default=d.mode, help="paragraph splitting (default %(default)s)")
        sp.add_argument(
            "--min-tokens", type=int, default=d.min_tokens, help="words for a lone repeat to go (default %(default)s)"
        )

    ex = sub.add_parser("example", help="collapse the bundled example article and show the evidence")
    knobs(ex)
    c = sub.add_parser("collapse", help="collapse one text file (or stdin)")
    c.add_argument("input", nargs="?", default="-", help="text file, or - for stdin (default)")
    c.add_argument("-o", "--output", help="write the collapsed text here (atomically) instead of stdout")
    c.add_argument("--report", help="write the removals as JSON here (atomically); - for stderr")
    c.add_argument("--encoding", default="utf-8", help="input and output encoding (default %(default)s)")
    c.add_argument(
        "--errors", default="strict", choices=["strict", "replace"], help="on undecodable input (default %(default)s)"
    )
    knobs(c)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    p = _parser()
    a = p.parse_args(argv)
    try:
        cfg = _config(a)
    except ValueError as e:
        p.error(str(e))
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
        if a.input == "-":
            data = sys.stdin.buffer.read()
            try:
                text = data.decode(a.encoding, a.errors)
            except UnicodeDecodeError as e:
                raise ValueError(f"stdin: not valid {a.encoding} at byte {e.start}; use --errors replace") from None
        else:
            text = read_text(a.input, a.encoding, a.errors)
        ex = explain(text, cfg)
        if a.output:
            write_atomic(a.output, ex.collapsed, a.encoding)
        else:
            sys.stdout.buffer.write(ex.collapsed.encode(a.encoding, "surrogateescape" if a.errors == "strict" else "replace"))
            sys.stdout.flush()
        if a.report:
            rep = json.dumps(
                {"removed": len(ex.repeats), "repeats": [asdict(r) for r in ex.repeats]}, ensure_ascii=False, indent=1
            )
            if a.report == "-":
                print(rep, file=sys.stderr)
            else:
                write_atomic(a.report, rep + "\n")
        return 0
    except (OSError, ValueError, UnicodeError) as e:
        print(f"dedup: error: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("dedup: interrupted", file=sys.stderr)
        return 130
