"""Outputs that appear whole or not at all: a temporary file renamed into place,
or a stream written directly."""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path
from typing import IO, Any

from .errors import DataError
from .paths import descriptor_path, output_target
from .temporary import current_umask, make_temporary, sweep_temporary

__all__ = ["AtomicFile", "write_atomic"]


class AtomicFile:
    """``with AtomicFile(path) as f: f.write(...)``: a regular file (or a new path)
    appears complete at ``path`` when the block ends without error, and not at all
    otherwise (the old file stays). A symlink is written through: its target is
    replaced the same way. A character device or FIFO is written directly, and
    ``-`` is standard output (see :func:`output_target`). Errors name ``path``,
    never the temporary file."""

    def __init__(
        self, path: str | os.PathLike[str], mode: str = "w", encoding: str | None = "utf-8", errors: str | None = None
    ):
        if mode not in ("w", "wb"):
            raise ValueError(f"AtomicFile mode must be 'w' or 'wb', got {mode!r}")
        self.path = path
        self.mode, self.encoding, self.errors = mode, encoding, errors
        self.kind = ""
        self.target: Path | None = None
        self.tmp: str | None = None
        self.f: IO[Any] | None = None

    def _wrap(self, raw: IO[bytes]) -> IO[Any]:
        if "b" in self.mode:
            return raw
        return io.TextIOWrapper(raw, encoding=self.encoding, errors=self.errors, newline="")  # type: ignore[arg-type]

    def _named(self, e: OSError) -> OSError:
        return OSError(e.errno, e.strerror or str(e), str(self.path))

    def __enter__(self) -> IO[Any]:
        self.kind, self.target = output_target(self.path)
        try:
            if self.kind == "stdout":
                sys.stdout.flush()
                buf = getattr(sys.stdout, "buffer", None)
                if buf is None:  # a text stream standing in for stdout (a test's capture)
                    if "b" in self.mode:
                        raise DataError(f"{self.path}: standard output takes text here; give a file path")
                    self.f = sys.stdout
                else:
                    self.f = buf if "b" in self.mode else self._wrap(buf)
            elif self.kind == "stream":
                fd = descriptor_path(str(self.target))[1]
                if fd is not None:  # /dev/stdout etc.: this process's descriptor itself (its offset, its append mode)
                    sys.stdout.flush()
                    sys.stderr.flush()
                    fd = os.dup(fd)
                else:
                    fd = os.open(str(self.target), os.O_WRONLY | getattr(os, "O_NOCTTY", 0))
                self.f = self._wrap(open(fd, "wb"))
            else:
                target = self.target
                if target is None:  # (output_target gives one for a file)
                    raise DataError(f"{self.path}: no file to write")
                sweep_temporary(target.parent, target.name)
                fd, self.tmp = make_temporary(target)
                try:
                    old = os.stat(target).st_mode & 0o7777  # replacing a file keeps its permissions
                except OSError:
                    old = 0o666 & ~current_umask()  # mkstemp makes 0600; a new output file follows the umask
                os.chmod(self.tmp, old)
                self.f = self._wrap(open(fd, "wb"))
        except OSError as e:
            self._discard()
            raise self._named(e) from None
        return self.f

    def _discard(self) -> None:
        if self.tmp is not None:
            try:
                os.unlink(self.tmp)
            except OSError:
                pass
            self.tmp = None

    def _close(self, f: IO[Any], quiet: bool = False) -> None:
        """Close ``f``; standard output is only flushed (and its wrapper detached)."""
        try:
            if self.kind != "stdout":
                f.close()
            elif f is not sys.stdout and isinstance(f, io.TextIOWrapper):
                f.flush()
                f.detach()
            else:
                f.flush()
        except (OSError, ValueError):
            if not quiet:
                raise

    def __exit__(self, et: object, ev: object, tb: object) -> None:
        f, self.f = self.f, None
        if f is None:
            return
        try:
            if et is None:
                f.flush()
                if self.kind == "file":
                    os.fsync(f.fileno())
                self._close(f)
                if self.kind == "file" and self.tmp is not None and self.target is not None:
                    os.replace(self.tmp, self.target)
                    self.tmp = None
            else:
                self._close(f, quiet=True)
        except OSError as e:
            self._close(f, quiet=True)
            raise self._named(e) from None
        finally:
            self._discard()
        if isinstance(ev, OSError) and ev.filename is None:  # (a write in the block failed: name the output)
            raise self._named(ev) from None


def write_atomic(path: str | os.PathLike[str], text: str, encoding: str = "utf-8", errors: str | None = None) -> None:
    """Write ``text`` to ``path`` as :class:`AtomicFile` does: a regular file through
    a temporary file and an atomic rename (a crash leaves the old file or none,
    never half of one), a device or FIFO directly."""
    with AtomicFile(path, "w", encoding, errors) as f:
        f.write(text)

