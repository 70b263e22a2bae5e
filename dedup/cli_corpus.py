"""``dedup corpus``: checks the paths, runs the corpus (local or Spark) over the inputs,
writes the output, the optional reports and the last lines on standard error."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import IO, Any

from .cli_reader import Reader, input_size
from .cli_spark import spark_corpus
from .config import Config
from .corpus import Corpus
from .io import (
    MANIFEST,
    AtomicFile,
    DataError,
    UsageError,
    check_output_dir,
    check_output_file,
    check_paths,
    dumps_json,
    input_format,
    open_output,
    output_format,
    txt_files,
    write_parquet,
    write_txt_dir,
)
from .progress import ByteBar, Spinner, on_terminal, progress
from .report import html_written, write_html
from .report_json import doc_line, summary_line
from .results import DocResult
from .sources import FieldSpool

__all__ = ["run_corpus", "check_corpus_paths", "Tally", "json_record"]


def check_corpus_paths(a: argparse.Namespace, kind: str, out_kind: str, files: list[tuple[str, Path]]) -> None:
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
    outputs += [(opt, path) for opt, path in (("--report", a.report), ("--report-html", a.report_html)) if path]
    if a.index and os.path.isdir(a.index):
        raise UsageError(f"--index {a.index} is a directory; give the index a file path (such as {Path(a.index) / 'index.sqlite'})")
    if out_kind == "txt" and a.index and os.path.abspath(a.index) == os.path.abspath(a.output):
        raise UsageError(f"--index {a.index} is the output directory -o {a.output}; give the index another path")
    check_paths(inputs, outputs, output_dir=("-o", a.output) if out_kind == "txt" else None)
    if out_kind == "txt":
        check_output_dir(a.output, a.overwrite)
    else:
        check_output_file(a.output)
    for path in (a.report, a.report_html):
        if path:
            check_output_file(path)


class Tally:
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


def json_record(rec: dict[str, Any], did: str) -> str:
    """One output record as a line of JSON (without its newline)."""
    try:
        return dumps_json(rec)
    except (TypeError, ValueError) as e:  # (a Parquet value JSON has no type for: a date, bytes)
        raise DataError(
            f"document {did!r}: a field cannot be written as JSON ({e}); write Parquet (-o OUT.parquet) instead"
        ) from None


def _counted(corpus: Any, first: int) -> str:
    """How many documents this run read, and how many of them the index held already."""
    new = corpus.n_docs - first
    if not isinstance(corpus, Corpus):
        return f"{new} documents"
    held = len(corpus.input_docs) - new
    return f"{len(corpus.input_docs)} documents" + (f" ({held} already in the index)" if held else "")


def _then(it: Iterable[Any], done: Callable[[], None]) -> Iterator[Any]:
    """``it``, then ``done()`` once it is exhausted."""
    yield from it
    done()


def _checked(a: argparse.Namespace) -> tuple[str, str, str | None, list[tuple[str, Path]]]:
    """``(input kind, output kind, compression, .txt files)``, every path checked."""
    kind = input_format(a.inputs, a.format, a.output)
    for path in a.inputs:
        if path != "-" and not Path(path).exists():
            raise DataError(f"{path}: no such file or directory; check the path")
    if a.inputs.count("-") > 1:
        raise UsageError("- (standard input) is given twice; it can be read once")
    files = txt_files(a.inputs) if kind == "txt" else []
    try:
        out_kind, compression = output_format(a.output, a.output_format, kind)
    except UsageError:
        check_paths([("input", p) for p in a.inputs], [(w, p) for w, p in (  # (a collision says more)
            ("--index", a.index), ("-o", a.output), ("--report", a.report), ("--report-html", a.report_html)) if p])
        raise
    check_corpus_paths(a, kind, out_kind, files)
    return kind, out_kind, compression, files


def _engine(a: argparse.Namespace, cfg: Config) -> tuple[Any, FieldSpool | None]:
    """The corpus to run, and for Spark (which takes documents as ``(id, text)``) the spool
    that keeps their other fields."""
    if a.engine == "spark":
        return spark_corpus(cfg, a.n_jobs, a.dedupe_ids, a.quiet), FieldSpool()
    corpus = Corpus(
        cfg, index=a.index, n_jobs=a.n_jobs, batch_size=a.batch_size, dedupe_ids=a.dedupe_ids,
        text_field=a.text_field, id_field=a.id_field,
    )
    return corpus, None


def run_corpus(a: argparse.Namespace, cfg: Config) -> int:
    """Run ``dedup corpus`` with the parsed arguments ``a``; returns the exit code."""
    kind, out_kind, compression, files = _checked(a)
    corpus, spool = _engine(a, cfg)
    n_in, bytes_in = input_size(a, kind, files) if on_terminal(a.quiet) else (None, None)
    read = ByteBar(a.quiet, "reading", bytes_in) if kind == "jsonl" and on_terminal(a.quiet) else None
    reader = Reader(a, kind, files, spool, read.add if read is not None else None)
    spinner = Spinner(a.quiet, "clustering")

    def clustering() -> None:
        if read is not None:
            read.close()
        spinner.start()

    with corpus:
        first = corpus.n_docs
        try:
            corpus.add(_then(reader if read is not None else progress(reader, a.quiet, "reading", n_in), clustering))
            summary = corpus.summary()
        finally:
            if read is not None:
                read.close()
            spinner.stop()
        if isinstance(corpus, Corpus):  # the clusters are made: the workers exit while the output is written
            corpus.release_workers(wait=False)

        def mine() -> Iterator[DocResult]:  # this input's (those the index held already too: a re-run)
            if spool is None:  # (a local Corpus: each result carries its record's fields)
                yield from corpus.results(docs=corpus.input_docs)
                return
            for i, r in enumerate(corpus.results(start=first)):  # (Spark has no index to re-run over)
                yield replace(r, fields=spool.get(i, i + 1)[0])

        n_out = len(corpus.input_docs) if spool is None else corpus.n_docs - first
        with AtomicFile(a.report) if a.report else contextlib.nullcontext() as rf:
            if rf is not None:
                skipped_ids = corpus.skipped_ids + reader.skipped_ids
                rf.write(summary_line(summary, reader.skipped, skipped_ids))
            tally = _write(a, cfg, kind, out_kind, compression, reader, progress(mine(), a.quiet, "writing", n_out), rf)
        if a.report_html:
            with AtomicFile(a.report_html, errors="xmlcharrefreplace") as hf:  # (a lone surrogate: an invalid reference)
                write_html(hf, mine(), summary, title=f"dedup report: {', '.join(a.inputs)}", config=cfg)
    if spool is not None:
        spool.close()
    if not a.quiet:
        reports = "".join(f" and {p}" for p in (a.report, a.report_html) if p)
        print(
            f"dedup: {_counted(corpus, first)}, {summary.document_clusters} document clusters, "
            f"{summary.boilerplate_paragraphs} boilerplate paragraphs; wrote {a.output}{reports}"
            + (f"; skipped {len(reader.skipped)} malformed lines" if reader.skipped else ""),
            file=sys.stderr,
        )
        print(tally.line(a), file=sys.stderr)
        if a.report_html:
            print(f"dedup: {html_written(a.report_html)}", file=sys.stderr)
    return 0


def _write(
    a: argparse.Namespace, cfg: Config, kind: str, out_kind: str, compression: str | None, reader: Reader,
    results: Iterable[DocResult], rf: IO[str] | None,
) -> Tally:
    """Write the output (and each result's report line to ``rf``); returns what each step removed."""
    tally = Tally()

    def kept() -> Iterator[DocResult]:
        """The documents written, with what each step removed."""
        for r in results:
            if rf is not None:
                rf.write(doc_line(r))
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

    if out_kind == "jsonl":
        with open_output(a.output, compression) as of:
            for r in kept():
                of.write(json_record(r.fields.with_text(a.text_field, text_of(r)), r.id) + "\n")
    elif out_kind == "parquet":
        schema = reader.schemas[0] if kind == "parquet" and reader.schemas else None
        write_parquet(a.output, (r.fields.with_text(a.text_field, text_of(r)) for r in kept()), schema)
    else:
        def named(r: DocResult) -> str:
            return r.id if kind == "txt" or r.id.lower().endswith(".txt") else f"{r.id}.txt"

        write_txt_dir(a.output, ((named(r), text_of(r)) for r in kept()), overwrite=a.overwrite, encoding=a.encoding)
    return tally
