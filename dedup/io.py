"""Reading and writing files safely: strict decoding, atomic replacement."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

__all__ = ["read_text", "write_atomic"]


def read_text(path: str | os.PathLike[str], encoding: str = "utf-8", errors: str = "strict") -> str:
    """Read a text file without newline translation (``\\r\\n`` stays ``\\r\\n``).

    Invalid input raises ``ValueError`` naming the file and the byte offset,
    unless ``errors`` is ``"replace"`` (or another codec error handler).
    """
    data = Path(path).read_bytes()
    try:
        return data.decode(encoding, errors)
    except UnicodeDecodeError as e:
        raise ValueError(
            f"{path}: not valid {encoding} at byte {e.start} ({data[e.start:e.start + 4]!r}); "
            f"fix the file or use --errors replace"
        ) from None


def write_atomic(path: str | os.PathLike[str], text: str, encoding: str = "utf-8") -> None:
    """Write ``text`` to ``path`` through a temporary file in the same directory
    and an atomic rename: a crash leaves the old file or none, never half of one.
    """
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent or ".")
    try:
        with os.fdopen(fd, "w", encoding=encoding, newline="") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
