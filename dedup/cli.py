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
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, replace
from importlib import resources
from pathlib import Path
from typing import Any

from . import __version__
from .collapse import explain
from .config import Config
from .corpus import Corpus, keep_heap
from .io import (
    FORMATS,
    MANIFEST,
    AtomicFile,
    DataError,
    UsageError,
    check_output_dir,
    check_output_file,
    check_paths,
    describe_os_error,
    dumps_json,
    has_surrogate,
    input_format,
    iter_jsonl,
    iter_parquet,
    iter_txt,
    open_output,
    output_format,
    read_text,
    txt_files,
    write_parquet,
    write_txt_dir,
)
from .report import write_html
from .results import DocResult
from .runs import signals_as_interrupts
from .sources import FieldSpool, Record, fields_of

__all__ = ["main", "progress"]


def _counted(corpus: Any, first: int) -> str:
    """How many documents this run read, and how many of them the index held already."""
    new = corpus.n_docs - first
    if not isinstance(corpus, Corpus):
        return f"{new} documents"
    held = len(corpus.input_docs) - new
    return f"{len(corpus.input_docs)} documents" + (f" ({held} already in the index)" if held else "")


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
    ex.set_defaults(usage_error=ex.error)
    knobs(ex)
    c = sub.add_parser("collapse", help="collapse one text file (or stdin)")
    c.add_argument("input", nargs="?", default="-", help="text file, or - for stdin (default)")
    c.set_defaults(usage_error=c.error)
    c.add_argument("-o", "--output", help="write the collapsed text here (atomically) instead of stdout")
    c.add_argument("--report", help="write the removals as JSON here (atomically); - for stderr")
    c.add_argument("--encoding", type=_encoding, default="utf-8", help="input and output encoding (default %(default)s)")
    c.add_argument(
        "--errors", default="strict", choices=["strict", "replace"], help="on undecodable input (default %(default)s)"
    )
    knobs(c)
    k = sub.add_parser(
        "corpus",
        help="collapse many documents, cluster paragraphs and documents, flag boilerplate",
        description="Inputs: .jsonl files (also .jsonl.gz, .bz2, .xz, .zst), - or a pipe (standard input, "
        "JSONL), .parquet files, or .txt files / directories of them (one document per file); --format for "
        "names that say nothing. Output: the format -o names (JSONL and Parquet convert into each other; "
        ".jsonl.gz etc. compressed), else the input's (a directory for .txt), plus a JSON report of every "
        "removal, cluster and boilerplate paragraph. What is written: by default every document, each "
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
    k.add_argument("--report", help="JSON report path (default: OUTPUT.report.json)")
    k.add_argument("--report-html", help="also write a self-contained HTML report here")
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
    k.add_argument("--n-jobs", type=_positive_int, default=1, help="processes, this one included, or Spark cores with --engine spark (default %(default)s)")
    k.add_argument("--batch-size", type=_positive_int, default=256, help="documents per batch (default %(default)s)")
    k.add_argument(
        "--engine", choices=["local", "spark"], default="local",
        help="local processes, or a local Spark session on --n-jobs cores (extra [spark]; default %(default)s)",
    )
    k.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    knobs(k)
    d = Config()
    k.add_argument("--doc-threshold", type=float, default=d.doc_threshold, help="document Jaccard (default %(default)s)")
    k.add_argument("--boilerplate-min", type=int, default=d.boilerplate_min,
                   help="stories a paragraph must recur in to be boilerplate (default %(default)s)")
    return p


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
    a = p.parse_args(argv)
    usage = a.usage_error  # the subcommand's parser: its usage goes with the error
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
            with signals_as_interrupts():  # SIGTERM, SIGHUP: cleaned up as Ctrl-C is
                return _corpus(a, cfg)
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
    outputs = [(opt, path) for opt, path in (("-o", a.output), ("--report", a.report)) if path and path != "-"]
    # standard input redirected from a file (`< in.txt`) is that file: -o in.txt would replace it
    stdin = [("standard input", "/dev/stdin")] if os.path.exists("/dev/stdin") else []
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
    return 0


def _where(a: argparse.Namespace, kind: str, files: list[tuple[str, Path]], src: int, n: int) -> str:
    """Where record ``n`` (1-based line or row) of input ``src`` is, as ``file:line``."""
    if kind == "txt":
        return str(files[src][1])
    name = "stdin" if a.inputs[src] == "-" else a.inputs[src]
    return f"{name}:{n}" if kind == "jsonl" else f"{name}:row {n}"


def _records(
    a: argparse.Namespace, kind: str, files: list[tuple[str, Path]], skipped: list[str], schemas: list[Any]
) -> Iterator[tuple[int, int, dict[str, Any]]]:
    """``(input, line or row, record)`` of every input record, in order; each input is read once."""
    if kind == "txt":
        for src, (did, text) in enumerate(iter_txt(files, a.errors, a.encoding)):
            yield src, 0, {a.id_field: did, a.text_field: text}
        return
    for src, path in enumerate(a.inputs):
        if kind == "jsonl":
            lines: list[int] = []
            for n, rec in iter_jsonl(path, skip_bad=a.skip_bad, skipped=lines):
                yield src, n, rec
            skipped.extend(f"{path}:{n}" for n in lines)
        else:
            for n, rec in iter_parquet(path, schema_out=schemas):
                yield src, n, rec


def _doc_id(a: argparse.Namespace, rec: dict[str, Any], where: str) -> str:
    """The id of a record (its place when it has none), validated."""
    did = rec.get(a.id_field, where)
    if isinstance(did, bool) or not isinstance(did, (str, int)):
        raise DataError(
            f"{where}: id of type {type(did).__name__} ({did!r:.40}); "
            f"ids must be strings or integers: fix the record or name another field with --id-field"
        )
    did = str(did)
    if has_surrogate(did):
        raise DataError(
            f"{where}: the id {did!r:.60} holds a lone surrogate (an unpaired \\ud800-\\udfff escape), which no "
            f"UTF-8 file or index can store; fix the id (for a .txt input: rename the file to valid UTF-8)"
        )
    return did


class _Reader:
    """The documents of the inputs, read once, each checked here so that an error
    names its file and line; a later copy of an id is skipped (``--dedupe-ids``,
    counted in ``skipped_ids``) or refused."""

    def __init__(self, a: argparse.Namespace, kind: str, files: list[tuple[str, Path]], spool: FieldSpool | None):
        self.a, self.kind, self.files, self.spool = a, kind, files, spool
        self.skipped: list[str] = []
        self.schemas: list[Any] = []
        self.skipped_ids = 0

    def __iter__(self) -> Iterator[object]:
        a, kind, files = self.a, self.kind, self.files
        first: dict[str, int] = {}  # id -> where it was first seen (input << 40 | line), to name both places
        n_docs = 0
        for src, n, rec in _records(a, kind, files, self.skipped, self.schemas):
            where = _where(a, kind, files, src, n)
            if a.text_field not in rec:
                raise DataError(f"{where}: no {a.text_field!r} field (fields: {sorted(rec)[:10]}); use --text-field")
            text = rec[a.text_field]
            if not isinstance(text, str):
                raise DataError(
                    f"{where}: the {a.text_field!r} field must be str, got {type(text).__name__} ({text!r:.40}); "
                    f"fix the record or name another field with --text-field"
                )
            did = _doc_id(a, rec, where)
            key = src << 40 | n
            k0 = first.setdefault(did, key)
            if k0 != key:
                if a.dedupe_ids:
                    self.skipped_ids += 1
                    continue
                raise DataError(
                    f"{where}: duplicate document id {did!r} (first at {_where(a, kind, files, k0 >> 40, k0 & (1 << 40) - 1)}); "
                    f"make ids unique or pass --dedupe-ids to keep the first"
                )
            if self.spool is not None:  # (Spark: the fields are kept here, the documents go as (id, text))
                self.spool.put(n_docs, fields_of(rec, a.text_field))
                n_docs += 1
                yield did, text
            else:
                yield Record(rec, a.id_field, did)


def progress(it: Iterable[Any], quiet: bool, desc: str) -> Iterable[Any]:
    """``it`` with a progress bar on stderr when it is a terminal, not ``quiet``
    and tqdm is installed (the ``[cli]`` extra); else ``it`` itself."""
    if quiet or not sys.stderr.isatty():
        return it
    try:
        from tqdm import tqdm
    except ImportError:
        return it
    return tqdm(it, desc=desc, unit=" docs", mininterval=1.0, delay=1.0, file=sys.stderr)


def _check_corpus_paths(
    a: argparse.Namespace, kind: str, out_kind: str, files: list[tuple[str, Path]], report: str
) -> None:
    """Every check of the paths that can be made before anything is read."""
    stdin = [("standard input", "/dev/stdin")] if os.path.exists("/dev/stdin") else []  # (`< file` is that file)
    inputs = [x for p in a.inputs for x in (stdin if p == "-" else [("input", p)])]
    inputs += [("input", str(f)) for _, f in files]
    outputs: list[tuple[str, str]] = []
    if a.index:
        outputs.append(("--index", a.index))
    if out_kind == "txt":
        names = dict.fromkeys(did for did, _ in files)
        outputs += [("-o", str(Path(a.output) / name)) for name in [*names, MANIFEST]]
    else:
        outputs.append(("-o", a.output))
    outputs.append(("--report" if a.report else "the report (OUTPUT.report.json)", report))
    if a.report_html:
        outputs.append(("--report-html", a.report_html))
    if out_kind == "txt" and a.index and os.path.abspath(a.index) == os.path.abspath(a.output):
        raise UsageError(f"--index {a.index} is the output directory -o {a.output}; give the index another path")
    check_paths(inputs, outputs, output_dir=("-o", a.output) if out_kind == "txt" else None)
    if out_kind == "txt":
        check_output_dir(a.output, a.overwrite)
    else:
        check_output_file(a.output)
    check_output_file(report)
    if a.report_html:
        check_output_file(a.report_html)


class _Tally:
    """What each step removed from the documents written (for the last line)."""

    def __init__(self) -> None:
        self.docs = self.written = 0
        self.collapse_spans = self.collapse_chars = 0
        self.dup_docs = self.dup_chars = 0
        self.boiler_paras = self.boiler_chars = 0

    def line(self, a: argparse.Namespace) -> str:
        parts = [f"collapse cut {self.collapse_spans} repeats ({self.collapse_chars} characters)"]
        if a.drop_duplicates:
            parts.append(f"--drop-duplicates dropped {self.dup_docs} documents ({self.dup_chars} characters)")
        if a.strip_boilerplate:
            parts.append(f"--strip-boilerplate cut {self.boiler_paras} paragraphs ({self.boiler_chars} characters)")
        return f"dedup: wrote {self.written} of {self.docs} documents; removed: " + "; ".join(parts)


def _corpus(a: argparse.Namespace, cfg: Config) -> int:
    kind = input_format(a.inputs, a.format, a.output)
    for path in a.inputs:
        if path != "-" and not Path(path).exists():
            raise DataError(f"{path}: no such file or directory; check the path")
    if a.inputs.count("-") > 1:
        raise UsageError("- (standard input) is given twice; it can be read once")
    if a.output == "-" and not a.report:
        raise UsageError("with -o - (standard output) give the report a path: --report PATH")
    out = Path(a.output)
    report = a.report or str(out.with_name(out.name + ".report.json"))
    files = txt_files(a.inputs) if kind == "txt" else []
    try:
        out_kind, compression = output_format(a.output, a.output_format, kind)
    except UsageError:
        check_paths([("input", p) for p in a.inputs], [(w, p) for w, p in (  # (a collision says more)
            ("--index", a.index), ("-o", a.output), ("--report", report), ("--report-html", a.report_html)) if p])
        raise
    _check_corpus_paths(a, kind, out_kind, files, report)
    corpus: Any
    spool: FieldSpool | None = None
    if a.engine == "spark":
        from .spark import SparkCorpus

        corpus = SparkCorpus(cfg, n_jobs=a.n_jobs, dedupe_ids=a.dedupe_ids)
        spool = FieldSpool()
    else:
        corpus = Corpus(
            cfg, index=a.index, n_jobs=a.n_jobs, batch_size=a.batch_size, dedupe_ids=a.dedupe_ids,
            text_field=a.text_field, id_field=a.id_field,
        )
    reader = _Reader(a, kind, files, spool)
    tally = _Tally()
    with corpus:
        first = corpus.n_docs
        corpus.add(progress(reader, a.quiet, "indexing"))
        summary = corpus.summary()
        if isinstance(corpus, Corpus):  # the clusters are made: the workers exit while the output is written
            corpus.release_workers(wait=False)

        def mine() -> Iterator[DocResult]:  # this input's (those the index held already too: a re-run)
            if spool is None:  # (a local Corpus; Spark has no index to re-run over)
                return corpus.results(docs=corpus.input_docs)
            return corpus.results(start=first)

        def results() -> Iterator[DocResult]:
            rs = mine()
            if spool is None:  # (a local Corpus: each result carries its record's fields)
                yield from rs
                return
            for i, r in enumerate(rs):
                yield replace(r, fields=spool.get(i, i + 1)[0])

        def kept(rf: Any) -> Iterator[DocResult]:
            """The documents written (each in the report), with what each step removed."""
            sep = ""
            for r in progress(results(), a.quiet, "writing"):
                rf.write(sep + dumps_json(r.to_json()))
                sep = ",\n"
                tally.docs += 1
                tally.collapse_spans += len(r.repeats)
                tally.collapse_chars += len(r.text) - len(r.collapsed)
                if a.drop_duplicates and not r.is_representative:
                    tally.dup_docs += 1
                    tally.dup_chars += len(r.collapsed)
                    continue
                tally.written += 1
                yield r

        def text_of(r: DocResult) -> str:
            if not a.strip_boilerplate:
                return r.collapsed
            t = r.without_boilerplate(cfg.mode)
            tally.boiler_paras += len(r.boilerplate)
            tally.boiler_chars += len(r.collapsed) - len(t)
            return t

        with AtomicFile(report) as rf:
            rf.write('{"summary": ' + dumps_json(asdict(summary)))
            rf.write(', "skipped_lines": ' + dumps_json(reader.skipped))
            rf.write(f', "skipped_duplicate_ids": {corpus.skipped_ids + reader.skipped_ids}')
            rf.write(', "documents": [\n')
            if out_kind == "jsonl":
                with open_output(a.output, compression) as of:
                    for r in kept(rf):
                        of.write(_json_record(r.fields.with_text(a.text_field, text_of(r)), r.id) + "\n")
            elif out_kind == "parquet":
                schema = reader.schemas[0] if kind == "parquet" and reader.schemas else None
                write_parquet(a.output, (r.fields.with_text(a.text_field, text_of(r)) for r in kept(rf)), schema)
            else:
                def named(r: DocResult) -> str:
                    return r.id if kind == "txt" or r.id.lower().endswith(".txt") else f"{r.id}.txt"

                write_txt_dir(
                    a.output, ((named(r), text_of(r)) for r in kept(rf)), overwrite=a.overwrite, encoding=a.encoding
                )
            rf.write("\n]}\n")
        if a.report_html:
            with AtomicFile(a.report_html, errors="xmlcharrefreplace") as hf:  # (a lone surrogate: an invalid reference)
                write_html(hf, mine(), summary, title=f"dedup report: {', '.join(a.inputs)}")
    if spool is not None:
        spool.close()
    if not a.quiet:
        print(
            f"dedup: {_counted(corpus, first)}, {summary.document_clusters} document clusters, "
            f"{summary.boilerplate_paragraphs} boilerplate paragraphs; wrote {a.output} and {report}"
            + (f"; skipped {len(reader.skipped)} malformed lines" if reader.skipped else ""),
            file=sys.stderr,
        )
        print(tally.line(a), file=sys.stderr)
    return 0


def _json_record(rec: dict[str, Any], did: str) -> str:
    try:
        return dumps_json(rec)
    except (TypeError, ValueError) as e:  # (a Parquet value JSON has no type for: a date, bytes)
        raise DataError(
            f"document {did!r}: a field cannot be written as JSON ({e}); write Parquet (-o OUT.parquet) instead"
        ) from None
