"""Reading and writing documents safely: strict decoding, clear data errors,
atomic outputs (a temporary file renamed into place, or nothing)."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

__all__ = [
    "DataError",
    "read_text",
    "write_atomic",
    "AtomicFile",
    "iter_jsonl",
    "iter_txt",
    "iter_parquet",
    "parquet_schema",
    "txt_files",
    "write_txt_dir",
    "write_parquet",
]


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


class DataError(ValueError):
    """Input that cannot be read as documents (the message names the place and the fix)."""


def read_text(path: str | os.PathLike[str], encoding: str = "utf-8", errors: str = "strict") -> str:
    """Read a text file without newline translation (``\\r\\n`` stays ``\\r\\n``).

    Invalid input raises :class:`DataError` naming the file and the byte offset,
    unless ``errors`` is ``"replace"`` (or another codec error handler).
    """
    data = Path(path).read_bytes()
    try:
        return data.decode(encoding, errors)
    except UnicodeDecodeError as e:
        raise DataError(
            f"{path}: not valid {encoding} at byte {e.start} ({data[e.start:e.start + 4]!r}); "
            f"fix the file or use --errors replace"
        ) from None


class AtomicFile:
    """``with AtomicFile(path) as f: f.write(...)``: the file appears complete at
    ``path`` when the block ends without error, and not at all otherwise."""

    def __init__(self, path: str | os.PathLike[str], mode: str = "w", encoding: str | None = "utf-8"):
        self.path = Path(path)
        self.mode, self.encoding = mode, encoding
        self.tmp: str | None = None
        self.f: IO[Any] | None = None

    def __enter__(self) -> IO[Any]:
        fd, self.tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent)
        os.chmod(self.tmp, 0o666 & ~_umask())  # mkstemp makes 0600; a normal output file follows the umask
        if "b" in self.mode:
            self.f = os.fdopen(fd, self.mode)
        else:
            self.f = os.fdopen(fd, self.mode, encoding=self.encoding, newline="")
        return self.f

    def __exit__(self, et: object, ev: object, tb: object) -> None:
        assert self.f is not None and self.tmp is not None
        try:
            if et is None:
                self.f.flush()
                os.fsync(self.f.fileno())
            self.f.close()
            if et is None:
                os.replace(self.tmp, self.path)
                self.tmp = None
        finally:
            if self.tmp is not None:
                try:
                    os.unlink(self.tmp)
                except OSError:
                    pass


def write_atomic(path: str | os.PathLike[str], text: str, encoding: str = "utf-8") -> None:
    """Write ``text`` to ``path`` through a temporary file in the same directory
    and an atomic rename: a crash leaves the old file or none, never half of one.
    """
    with AtomicFile(path, "w", encoding) as f:
        f.write(text)


def iter_jsonl(
    path: str | os.PathLike[str], *, skip_bad: bool = False, skipped: list[int] | None = None
) -> Iterator[tuple[int, dict[str, Any]]]:
    """``(line number, object)`` for the JSON objects of a JSONL file, one per non-blank line.

    A malformed line (or one that is not an object) raises :class:`DataError`
    with its line number, or is skipped (its number appended to ``skipped``) when
    ``skip_bad``. Invalid UTF-8 counts as malformed.
    """
    with open(path, "rb") as f:
        for lineno, raw in enumerate(f, 1):
            if not raw.strip():
                continue
            try:
                obj = json.loads(raw.decode("utf-8"))
                if not isinstance(obj, dict):
                    raise ValueError(f"a JSON {type(obj).__name__}, not an object")
            except (ValueError, UnicodeDecodeError) as e:
                if skip_bad:
                    if skipped is not None:
                        skipped.append(lineno)
                    continue
                raise DataError(f"{path}:{lineno}: malformed JSONL line ({e}); fix it or pass --skip-bad") from None
            yield lineno, obj


def txt_files(inputs: Iterable[str | os.PathLike[str]]) -> list[tuple[str, Path]]:
    """``(id, path)`` of the text documents named: files as given, directories
    walked for ``*.txt`` in sorted order (ids are paths relative to the directory)."""
    out: list[tuple[str, Path]] = []
    for p in map(Path, inputs):
        if p.is_dir():
            for f in sorted(p.rglob("*.txt")):
                out.append((f.relative_to(p).as_posix(), f))
        elif p.exists():
            out.append((p.name, p))
        else:
            raise DataError(f"{p}: no such file or directory")
    return out


def iter_txt(files: list[tuple[str, Path]], errors: str = "strict") -> Iterator[tuple[str, str]]:
    """``(id, text)`` for each text file (see :func:`read_text` for ``errors``)."""
    for did, path in files:
        yield did, read_text(path, errors=errors)


def write_txt_dir(out: str | os.PathLike[str], items: Iterable[tuple[str, str]]) -> None:
    """Write ``(relative name, text)`` files into directory ``out`` atomically: into
    a temporary sibling directory first, swapped in place at the end."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    os.chmod(tmp, 0o777 & ~_umask())
    try:
        for name, text in items:
            dest = tmp / name
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_text(text, encoding="utf-8", errors="surrogateescape", newline="")
        old = None
        if out.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old.", dir=out.parent))
            os.replace(out, old / "x")
        os.replace(tmp, out)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _pyarrow() -> Any:
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise DataError("reading or writing .parquet needs pyarrow: pip install 'dedup[parquet]'") from None
    return pq


def parquet_schema(path: str | os.PathLike[str]) -> Any:
    """The Arrow schema of a Parquet file."""
    return _pyarrow().read_schema(path)


def iter_parquet(path: str | os.PathLike[str], batch_rows: int = 1024) -> Iterator[tuple[int, dict[str, Any]]]:
    """``(row number, row)`` of a Parquet file as dicts, a record batch at a time."""
    pq = _pyarrow()
    try:
        f = pq.ParquetFile(path)
    except Exception as e:  # pyarrow raises its own error types
        raise DataError(f"{path}: not a readable Parquet file ({e})") from None
    n = 0
    for batch in f.iter_batches(batch_size=batch_rows):
        for row in batch.to_pylist():
            n += 1
            yield n, row


def write_parquet(path: str | os.PathLike[str], rows: Iterable[dict[str, Any]], schema: Any, batch_rows: int = 1024) -> None:
    """Write rows with ``schema`` to ``path`` atomically."""
    pq = _pyarrow()
    import pyarrow as pa

    with AtomicFile(path, "wb") as f:
        writer = pq.ParquetWriter(f, schema)
        buf: list[dict[str, Any]] = []
        for r in rows:
            buf.append(r)
            if len(buf) >= batch_rows:
                writer.write_table(pa.Table.from_pylist(buf, schema=schema))
                buf = []
        if buf:
            writer.write_table(pa.Table.from_pylist(buf, schema=schema))
        writer.close()
