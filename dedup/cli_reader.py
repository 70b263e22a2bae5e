"""The documents of ``dedup corpus``'s inputs, read once, each record checked where it
is read so that an error names its file and line."""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from .io import DataError, has_surrogate, is_stream, iter_jsonl, iter_parquet, iter_txt
from .sources import FieldSpool, Record, fields_of

__all__ = ["place", "records", "doc_id", "input_size", "Reader"]


def place(a: argparse.Namespace, kind: str, files: list[tuple[str, Path]], src: int, n: int) -> str:
    """Where record ``n`` (1-based line or row) of input ``src`` is, as ``file:line``."""
    if kind == "txt":
        return str(files[src][1])
    name = "stdin" if a.inputs[src] == "-" else a.inputs[src]
    return f"{name}:{n}" if kind == "jsonl" else f"{name}:row {n}"


def records(
    a: argparse.Namespace, kind: str, files: list[tuple[str, Path]], skipped: list[str], schemas: list[Any],
    read_bytes: Callable[[int], None] | None = None,
) -> Iterator[tuple[int, int, dict[str, Any]]]:
    """``(input, line or row, record)`` of every input record, in order; each input is read
    once (``read_bytes`` is told the bytes read of JSONL inputs)."""
    if kind == "txt":
        for src, (did, text) in enumerate(iter_txt(files, a.errors, a.encoding)):
            yield src, 0, {a.id_field: did, a.text_field: text}
        return
    for src, path in enumerate(a.inputs):
        if kind == "jsonl":
            lines: list[int] = []
            for n, rec in iter_jsonl(path, skip_bad=a.skip_bad, skipped=lines, read_bytes=read_bytes):
                yield src, n, rec
            skipped.extend(f"{path}:{n}" for n in lines)
        else:
            for n, rec in iter_parquet(path, schema_out=schemas):
                yield src, n, rec


def doc_id(a: argparse.Namespace, rec: dict[str, Any], where: str) -> str:
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
            f"{where}: the id {did!r:.60} holds a lone surrogate (an unpaired \\ud800-\\udfff escape, or a file "
            f"name that is not UTF-8): dedup corpus refuses it before writing anything, since .txt outputs (file "
            f"names) and Parquet outputs cannot hold it (JSONL and the index could); fix the id or name another "
            f"field with --id-field (a .txt input: rename the file to valid UTF-8)"
        )
    return did


def input_size(a: argparse.Namespace, kind: str, files: list[tuple[str, Path]]) -> tuple[int | None, int | None]:
    """``(documents, bytes)`` the inputs hold, each ``None`` where it is not known before
    reading: documents for ``.txt`` files and Parquet files, bytes for JSONL files (not
    for standard input, pipes or devices)."""
    if kind == "txt":
        return len(files), None
    if any(is_stream(p) for p in a.inputs):
        return None, None
    if kind == "parquet":
        try:
            import pyarrow.parquet as pq

            return sum(pq.read_metadata(p).num_rows for p in a.inputs), None
        except Exception:  # (not installed, or not Parquet: reading says so, naming the file)
            return None, None
    return None, sum(os.path.getsize(p) for p in a.inputs)


class Reader:
    """The documents of the inputs, read once, each checked here so that an error
    names its file and line; a later copy of an id is skipped (``--dedupe-ids``,
    counted in ``skipped_ids``) or refused."""

    def __init__(
        self, a: argparse.Namespace, kind: str, files: list[tuple[str, Path]], spool: FieldSpool | None,
        read_bytes: Callable[[int], None] | None = None,
    ):
        self.a, self.kind, self.files, self.spool = a, kind, files, spool
        self.read_bytes = read_bytes
        self.skipped: list[str] = []
        self.schemas: list[Any] = []
        self.skipped_ids = 0

    def __iter__(self) -> Iterator[object]:
        a, kind, files = self.a, self.kind, self.files
        first: dict[str, int] = {}  # id -> where it was first seen (input << 40 | line), to name both places
        n_docs = 0
        for src, n, rec in records(a, kind, files, self.skipped, self.schemas, self.read_bytes):
            where = place(a, kind, files, src, n)
            if a.text_field not in rec:
                raise DataError(f"{where}: no {a.text_field!r} field (fields: {sorted(rec)[:10]}); use --text-field")
            text = rec[a.text_field]
            if not isinstance(text, str):
                raise DataError(
                    f"{where}: the {a.text_field!r} field must be str, got {type(text).__name__} ({text!r:.40}); "
                    f"fix the record or name another field with --text-field"
                )
            did = doc_id(a, rec, where)
            key = src << 40 | n
            k0 = first.setdefault(did, key)
            if k0 != key:
                if a.dedupe_ids:
                    self.skipped_ids += 1
                    continue
                raise DataError(
                    f"{where}: duplicate document id {did!r} (first at {place(a, kind, files, k0 >> 40, k0 & (1 << 40) - 1)}); "
                    f"make ids unique or pass --dedupe-ids to keep the first"
                )
            if self.spool is not None:  # (Spark: the fields are kept here, the documents go as (id, text))
                self.spool.put(n_docs, fields_of(rec, a.text_field))
                n_docs += 1
                yield did, text
            else:
                yield Record(rec, a.id_field, did)

