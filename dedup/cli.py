"""Command line: argument parsing and exit codes only; every decision is the library's.

Exit codes: 0 ok, 1 data error (unreadable or undecodable input, unwritable
output), 2 usage error.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict
from importlib import resources
from pathlib import Path
from typing import Any

from . import __version__
from .collapse import explain
from .config import Config
from .corpus import Corpus, keep_heap
from .io import (
    AtomicFile,
    DataError,
    iter_jsonl,
    iter_parquet,
    iter_txt,
    parquet_schema,
    read_text,
    txt_files,
    write_atomic,
    write_parquet,
    write_txt_dir,
)
from .report import write_html
from .results import DocResult
from .runs import signals_as_interrupts

__all__ = ["main"]


def _example_text() -> str:
    return resources.files("dedup").joinpath("data/example.txt").read_text(encoding="utf-8")


def _config(a: argparse.Namespace) -> Config:
    extra = {}
    if getattr(a, "doc_threshold", None) is not None:
        extra = {"doc_threshold": a.doc_threshold, "boilerplate_min": a.boilerplate_min}
    return Config(threshold=a.threshold, shingle_size=a.shingle_size, mode=a.mode, min_tokens=a.min_tokens, **extra)


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
    k = sub.add_parser(
        "corpus",
        help="collapse many documents, cluster paragraphs and documents, flag boilerplate",
        description="Inputs: .jsonl files, .parquet files, or .txt files / directories of them (one document "
        "per file). Output in the same format with each text collapsed (a directory for .txt), plus a JSON "
        "report of every removal, cluster and boilerplate paragraph.",
    )
    k.add_argument("inputs", nargs="+", help="input files or directories (all of one kind)")
    k.add_argument("-o", "--output", required=True, help="output file (.jsonl, .parquet) or directory (.txt)")
    k.add_argument("--report", help="JSON report path (default: OUTPUT.report.json)")
    k.add_argument("--report-html", help="also write a self-contained HTML report here")
    k.add_argument("--index", help="SQLite index to use and update (incremental); default: a temporary one")
    k.add_argument("--text-field", default="text", help="text field of JSONL/Parquet records (default %(default)s)")
    k.add_argument("--id-field", default="id", help="id field of JSONL/Parquet records (default %(default)s)")
    k.add_argument("--skip-bad", action="store_true", help="skip and count malformed JSONL lines instead of stopping")
    k.add_argument("--dedupe-ids", action="store_true", help="keep the first of documents sharing an id")
    k.add_argument("--errors", default="strict", choices=["strict", "replace"], help="undecodable .txt input")
    k.add_argument("--n-jobs", type=int, default=1, help="processes, this one included, or Spark cores with --engine spark (default %(default)s)")
    k.add_argument("--batch-size", type=int, default=256, help="documents per batch (default %(default)s)")
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


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    p = _parser()
    a = p.parse_args(argv)
    try:
        cfg = _config(a)
    except ValueError as e:
        p.error(str(e))
    if getattr(a, "engine", None) == "spark":
        if a.index:
            p.error("--index works with --engine local only (Spark keeps no index between runs)")
        try:
            import pyspark  # noqa: F401
        except ImportError:
            p.error("--engine spark needs pyspark: pip install 'dedup[spark]'")
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
    except (OSError, ValueError, UnicodeError, TypeError) as e:
        print(f"dedup: error: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("dedup: interrupted", file=sys.stderr)
        return 130


def _kind(paths: list[str]) -> str:
    kinds = set()
    for p in paths:
        suffix = Path(p).suffix.lower()
        kinds.add("jsonl" if suffix in (".jsonl", ".json", ".ndjson") else "parquet" if suffix == ".parquet" else "txt")
    if len(kinds) != 1:
        raise DataError(f"inputs mix kinds ({', '.join(sorted(kinds))}); give only .jsonl, only .parquet or only .txt")
    return kinds.pop()


def _records(a: argparse.Namespace, kind: str, skipped: list[str]) -> Iterator[tuple[str, dict[str, Any]]]:
    """``(where, record)`` of every input record, in order (the same on every call)."""
    if kind == "txt":
        for did, text in iter_txt(txt_files(a.inputs), a.errors):
            yield did, {a.id_field: did, a.text_field: text}
        return
    for path in a.inputs:
        if kind == "jsonl":
            lines: list[int] = []
            for n, rec in iter_jsonl(path, skip_bad=a.skip_bad, skipped=lines):
                yield f"{path}:{n}", rec
            skipped.extend(f"{path}:{n}" for n in lines)
        else:
            for n, rec in iter_parquet(path):
                yield f"{path}:row {n}", rec


def _documents(a: argparse.Namespace, kind: str, skipped: list[str]) -> Iterator[tuple[str, str]]:
    for where, rec in _records(a, kind, skipped):
        if a.text_field not in rec:
            raise DataError(f"{where}: no {a.text_field!r} field (fields: {sorted(rec)[:10]}); use --text-field")
        did = rec.get(a.id_field, where)
        yield did, rec[a.text_field]


def _progress(it: Iterable[Any], quiet: bool, desc: str) -> Iterable[Any]:
    if quiet or not sys.stderr.isatty():
        return it
    try:
        from tqdm import tqdm
    except ImportError:
        return it
    return tqdm(it, desc=desc, unit=" docs", mininterval=1.0, delay=1.0, file=sys.stderr)


def _corpus(a: argparse.Namespace, cfg: Config) -> int:
    kind = _kind(a.inputs)
    out = Path(a.output)
    report = Path(a.report) if a.report else out.with_name(out.name + ".report.json")
    skipped: list[str] = []
    corpus: Any
    if a.engine == "spark":
        from .spark import SparkCorpus

        corpus = SparkCorpus(cfg, n_jobs=a.n_jobs, dedupe_ids=a.dedupe_ids)
    else:
        corpus = Corpus(cfg, index=a.index, n_jobs=a.n_jobs, batch_size=a.batch_size, dedupe_ids=a.dedupe_ids)
    with corpus:
        first = corpus.n_docs
        corpus.add(_progress(_documents(a, kind, skipped), a.quiet, "indexing"))
        summary = corpus.summary()
        if isinstance(corpus, Corpus):  # the clusters are made: the workers exit while the output is written
            corpus._stop_workers(wait=False)

        def mine() -> Iterator[DocResult]:  # this input's (those the index held already too: a re-run)
            return corpus.results(docs=corpus.input_docs) if isinstance(corpus, Corpus) else corpus.results(start=first)

        def outputs() -> Iterator[tuple[dict[str, Any], DocResult]]:
            results = mine()
            nxt = next(results, None)
            for where, rec in _records(a, kind, []):
                did = rec.get(a.id_field, where)
                did = str(did) if isinstance(did, int) else did
                if nxt is not None and did == nxt.id:
                    yield rec, nxt
                    nxt = next(results, None)

        with AtomicFile(report) as rf:
            rf.write('{"summary": ' + json.dumps(asdict(summary), ensure_ascii=False))
            rf.write(', "skipped_lines": ' + json.dumps(skipped) + f', "skipped_duplicate_ids": {corpus.skipped_ids}')
            rf.write(', "documents": [\n')
            sep = ""

            def tee() -> Iterator[tuple[dict[str, Any], DocResult]]:
                nonlocal sep
                for rec, r in _progress(outputs(), a.quiet, "writing"):
                    rf.write(sep + json.dumps(r.to_json(), ensure_ascii=False))
                    sep = ",\n"
                    yield rec, r

            if kind == "jsonl":
                with AtomicFile(out) as of:
                    for rec, r in tee():
                        rec[a.text_field] = r.collapsed
                        of.write(json.dumps(rec, ensure_ascii=False) + "\n")
            elif kind == "parquet":
                write_parquet(out, ({**rec, a.text_field: r.collapsed} for rec, r in tee()), parquet_schema(a.inputs[0]))
            else:
                write_txt_dir(out, ((r.id, r.collapsed) for _, r in tee()))
            rf.write("\n]}\n")
        if a.report_html:
            with AtomicFile(a.report_html) as hf:
                write_html(hf, mine(), summary, title=f"dedup report: {', '.join(a.inputs)}")
    if not a.quiet:
        print(
            f"dedup: {corpus.n_docs - first} documents, {summary.document_clusters} document clusters, "
            f"{summary.boilerplate_paragraphs} boilerplate paragraphs; wrote {out} and {report}"
            + (f"; skipped {len(skipped)} malformed lines" if skipped else ""),
            file=sys.stderr,
        )
    return 0
