"""Text files as documents: strict decoding, ids from paths."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from .errors import DataError, UsageError

__all__ = ["read_text", "txt_files", "iter_txt"]


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
    except LookupError:
        raise UsageError(f"unknown encoding {encoding!r}; pass a codec name such as utf-8 or latin-1") from None


def txt_files(inputs: Iterable[str | os.PathLike[str]]) -> list[tuple[str, Path]]:
    """``(id, path)`` of the text documents named: files as given, directories
    walked for ``*.txt`` (any case: ``.TXT`` too) in sorted order (ids are paths
    relative to the directory)."""
    out: list[tuple[str, Path]] = []
    for p in map(Path, inputs):
        if p.is_dir():
            for f in sorted(f for f in p.rglob("*") if f.suffix.lower() == ".txt" and f.is_file()):
                out.append((f.relative_to(p).as_posix(), f))
        elif p.exists():
            out.append((p.name, p))
        else:
            raise DataError(f"{p}: no such file or directory")
    return out


def iter_txt(files: list[tuple[str, Path]], errors: str = "strict", encoding: str = "utf-8") -> Iterator[tuple[str, str]]:
    """``(id, text)`` for each text file (see :func:`read_text` for ``encoding`` and ``errors``)."""
    for did, path in files:
        yield did, read_text(path, encoding, errors)

