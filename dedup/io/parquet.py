"""Parquet inputs and outputs through pyarrow (the ``[parquet]`` extra), imported only when used."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from typing import Any

from .atomic import AtomicFile
from .compression import open_input
from .errors import DataError
from .paths import is_stream

__all__ = ["parquet_schema", "iter_parquet", "write_parquet"]


def _pyarrow() -> Any:
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise DataError("reading or writing .parquet needs pyarrow: pip install 'pyarrow>=12' (the [parquet] extra: pip install '.[parquet]' in dedup's checkout)") from None
    return pq


def parquet_schema(path: str | os.PathLike[str]) -> Any:
    """The Arrow schema of a Parquet file."""
    return _pyarrow().read_schema(path)


def iter_parquet(
    path: str | os.PathLike[str], batch_rows: int = 1024, schema_out: list[Any] | None = None
) -> Iterator[tuple[int, dict[str, Any]]]:
    """``(row number, row)`` of a Parquet file as dicts, a record batch at a time
    (its schema appended to ``schema_out``). ``-``, a pipe or a device is read
    once, whole, into memory (Parquet keeps its index at the end)."""
    pq = _pyarrow()
    import pyarrow as pa

    try:
        if is_stream(path):
            with open_input(path) as (f, comp):
                if comp is not None:
                    raise DataError(f"{path}: Parquet compresses itself; give it uncompressed")
                source: Any = pa.BufferReader(f.read())
        else:
            source = path
        pf = pq.ParquetFile(source)
    except DataError:
        raise
    except OSError as e:
        if e.filename is not None or isinstance(e, (FileNotFoundError, PermissionError)):
            raise
        raise DataError(f"{path}: not a readable Parquet file ({e})") from None
    except Exception as e:  # pyarrow raises its own error types
        raise DataError(f"{path}: not a readable Parquet file ({e})") from None
    if schema_out is not None:
        schema_out.append(pf.schema_arrow)
    n = 0
    for batch in pf.iter_batches(batch_size=batch_rows):
        for row in batch.to_pylist():
            n += 1
            yield n, row


def write_parquet(
    path: str | os.PathLike[str], rows: Iterable[dict[str, Any]], schema: Any = None, batch_rows: int = 1024
) -> None:
    """Write rows with ``schema`` (``None``: the one the first rows have) to ``path`` atomically."""
    pq = _pyarrow()
    import pyarrow as pa

    with AtomicFile(path, "wb") as f:
        writer = None
        buf: list[dict[str, Any]] = []
        n = 0

        def flush() -> None:
            nonlocal writer, schema
            try:
                table = pa.Table.from_pylist(buf, schema=schema)
            except UnicodeEncodeError as e:
                raise DataError(
                    f"{path}: rows {n - len(buf) + 1}-{n}: a string holds a lone surrogate ({e.object[e.start:e.end]!r}, "
                    f"an unpaired \\ud800-\\udfff escape), which Parquet cannot store; fix the input, or write JSONL "
                    f"(which keeps it as an escape)"
                ) from None
            except (pa.ArrowException, TypeError, ValueError) as e:
                raise DataError(
                    f"{path}: rows {n - len(buf) + 1}-{n} do not fit the Parquet schema of the rows before "
                    f"({e}); give the records one type per field, or write JSONL"
                ) from None
            if writer is None:
                schema = table.schema
                writer = pq.ParquetWriter(f, schema)
            writer.write_table(table)

        for r in rows:
            buf.append(r)
            n += 1
            if len(buf) >= batch_rows:
                flush()
                buf = []
        if buf or writer is None:
            flush()
        if writer is not None:
            writer.close()
