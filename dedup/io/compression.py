"""Opening inputs once (standard input, pipes, files) and decompressing them as they
are read; compressed atomic outputs."""

from __future__ import annotations

import contextlib
import io
import os
import sys
from collections.abc import Callable, Iterator
from typing import IO, Any

from .atomic import AtomicFile
from .errors import DataError
from .formats import name_format

__all__ = ["open_input", "open_output", "decompressed_lines"]

_TESTER = {"gzip": "gzip -t", "bz2": "bzip2 -t", "xz": "xz -t", "zstd": "zstd -t"}
_MAGIC = ((b"\x1f\x8b", "gzip"), (b"BZh", "bz2"), (b"\xfd7zXZ\x00", "xz"), (b"\x28\xb5\x2f\xfd", "zstd"))


def _compression_module(comp: str) -> Any:
    if comp == "gzip":
        import gzip

        return gzip
    if comp == "bz2":
        import bz2

        return bz2
    if comp == "xz":
        import lzma

        return lzma
    try:
        import zstandard
    except ImportError:
        raise DataError(
            "reading or writing .zst needs the zstandard package: pip install zstandard (the [zstd] extra)"
        ) from None
    return zstandard


class _Counted(io.RawIOBase):
    """A binary stream that tells ``count`` how many bytes each read took from ``raw``."""

    def __init__(self, raw: IO[bytes], count: Callable[[int], None]):
        self.raw, self.count = raw, count

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        n = self.raw.readinto(b)  # type: ignore[attr-defined]
        if n:
            self.count(n)
        return n


@contextlib.contextmanager
def open_input(
    path: str | os.PathLike[str], read_bytes: Callable[[int], None] | None = None
) -> Iterator[tuple[IO[bytes], str | None]]:
    """``(binary stream, compression)`` of an input, opened once: ``-`` is standard
    input; a pipe or device is read as it comes. Compressed data (gzip, bz2, xz,
    zstd) is decompressed as it is read, told by the name's suffix or, for any
    other name, by its first bytes. ``read_bytes`` is called with the number of
    bytes of each read of the input itself (compressed bytes for compressed data)."""
    if str(path) == "-":
        raw: IO[bytes] = sys.stdin.buffer
        own = False
    else:
        raw = open(path, "rb")  # (a FIFO opens once: this is the only open)
        own = True
    source = raw
    try:
        if read_bytes is not None:
            raw = io.BufferedReader(_Counted(raw, read_bytes))
        elif not hasattr(raw, "peek"):
            raw = io.BufferedReader(raw)  # type: ignore[arg-type]
        comp = name_format(path)[1]
        if comp is None:
            head = raw.peek(6)[:6]  # type: ignore[attr-defined]
            comp = next((c for magic, c in _MAGIC if head.startswith(magic)), None)
        if comp is None:
            yield raw, None
            return
        mod = _compression_module(comp)
        if comp == "gzip":
            f: IO[bytes] = mod.GzipFile(fileobj=raw, mode="rb")
        elif comp == "bz2":
            f = mod.BZ2File(raw, "rb")
        elif comp == "xz":
            f = mod.LZMAFile(raw, "rb")
        else:
            f = io.BufferedReader(mod.ZstdDecompressor().stream_reader(raw, read_across_frames=True))  # type: ignore[arg-type]
        try:
            yield f, comp
        finally:
            with contextlib.suppress(Exception):
                f.close()
    finally:
        if own:
            source.close()


@contextlib.contextmanager
def open_output(path: str | os.PathLike[str], compression: str | None = None) -> Iterator[IO[str]]:
    """A UTF-8 text stream (no newline translation) onto an output written as
    :class:`AtomicFile` writes it, compressed with ``compression`` (see
    :data:`COMPRESSIONS`; deterministic: no time stamp or name in the header).
    The compressed stream is finished before the rename, so the file appears
    whole or not at all."""
    with AtomicFile(path, "wb") as raw:
        z: IO[bytes] = raw
        if compression is not None:
            mod = _compression_module(compression)
            if compression == "gzip":
                z = mod.GzipFile(filename="", fileobj=raw, mode="wb", compresslevel=6, mtime=0)
            elif compression == "bz2":
                z = mod.BZ2File(raw, "wb")
            elif compression == "xz":
                z = mod.LZMAFile(raw, "wb")
            else:
                z = mod.ZstdCompressor().stream_writer(raw, closefd=False)
        f = io.TextIOWrapper(z, encoding="utf-8", errors="surrogateescape", newline="")  # type: ignore[arg-type]
        ok = False
        try:
            yield f
            ok = True
        finally:
            with contextlib.suppress(Exception) if not ok else contextlib.nullcontext():
                f.flush()
                f.detach()
                if z is not raw:
                    z.close()  # (the trailer; the file underneath stays open for AtomicFile)



def decompressed_lines(f: IO[bytes], path: str | os.PathLike[str], comp: str | None, at: Any) -> Iterator[bytes]:
    """The lines of ``f``; an error of its decompressor is a :class:`DataError` naming ``path``."""
    it = iter(f)
    while True:
        try:
            line = next(it)
        except StopIteration:
            return
        except Exception as e:
            if comp is None or isinstance(e, (MemoryError, DataError)):
                raise
            raise DataError(
                f"{path}: the {comp} data is damaged or truncated {f'after line {at()}' if at() else 'before its first line'} "
                f"({type(e).__name__}: {e}); "
                f"fix or fetch the file again (test it with {_TESTER[comp]} {path})"
            ) from None
        yield line


