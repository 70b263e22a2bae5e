"""What a path given as an output is (a file, a stream, standard output, an open
descriptor), and which given paths name the same file."""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .errors import DataError, UsageError

__all__ = ["descriptor_path", "output_target", "check_output_file", "is_stream", "check_paths"]

_FD_PATH = re.compile(r"/(dev/(stdout|stderr|fd/\d+)|proc/(self|\d+)/fd/\d+)")


def descriptor_path(path: str | os.PathLike[str]) -> tuple[bool, int | None]:
    """Whether ``path`` (or a symlink it leads through) names an open descriptor
    (``/dev/stdout``, ``/dev/fd/N``, ``/proc/self/fd/N``), and the number of this
    process's descriptor it is, if it is one of ours."""
    p = os.path.abspath(path)
    for _ in range(40):  # (the kernel's limit on symlinks followed)
        m = _FD_PATH.fullmatch(p)
        if m is not None:
            if p in ("/dev/stdout", "/dev/stderr"):
                return True, 1 if p == "/dev/stdout" else 2
            if p.startswith("/proc/") and p.split("/")[2] not in ("self", str(os.getpid())):
                return True, None
            return True, int(p.rsplit("/", 1)[1])
        try:
            link = os.readlink(p)
        except OSError:
            return False, None
        p = os.path.normpath(os.path.join(os.path.dirname(p), link))
    return False, None


def output_target(path: str | os.PathLike[str]) -> tuple[str, Path | None]:
    """How an output ``path`` is written: ``("stdout", None)`` for ``-``;
    ``("stream", path)`` for a character device, a FIFO or an open descriptor
    (``/dev/stdout``, ``/dev/fd/N``); ``("file", target)`` for a regular file or a
    new path in an existing directory, ``target`` being the path with symlinks
    resolved (a symlink is written through, its target replaced). Anything else
    raises :class:`DataError` (or :class:`UsageError` for a directory) naming
    ``path`` as given.

    Examples:
        >>> output_target("-")
        ('stdout', None)
        >>> output_target("/dev/stdout")
        ('stream', PosixPath('/dev/stdout'))
    """
    if str(path) == "-":
        return "stdout", None
    if descriptor_path(path)[0]:  # an open descriptor (the caller's `> file`): never replaced, whatever it is
        return "stream", Path(path)
    try:
        st = os.stat(path)
    except FileNotFoundError:
        target = Path(os.path.realpath(path))  # a new path, or a dangling symlink's target
        given = Path(path).parent
        if not target.parent.exists():
            raise DataError(
                f"{path}: cannot write: the directory {given} does not exist; create it (mkdir -p {given}) "
                f"or choose another path"
            ) from None
        if not target.parent.is_dir():
            raise DataError(f"{path}: cannot write: {given} is not a directory; choose another path") from None
        return "file", target
    except NotADirectoryError:
        raise DataError(f"{path}: cannot write: a part of the path is a file, not a directory; check the path") from None
    if stat.S_ISREG(st.st_mode):
        return "file", Path(os.path.realpath(path))
    if stat.S_ISCHR(st.st_mode) or stat.S_ISFIFO(st.st_mode):
        return "stream", Path(path)
    if stat.S_ISDIR(st.st_mode):
        raise UsageError(f"{path} is a directory; give a file path")
    raise DataError(f"{path} is not a regular file, character device or FIFO; choose another path")


def check_output_file(path: str | os.PathLike[str]) -> None:
    """Raise now what writing ``path`` later would (see :func:`output_target`),
    plus a read-only existing file or an unwritable directory."""
    kind, target = output_target(path)
    if kind != "file" or target is None:
        return
    if target.exists() and not os.access(target, os.W_OK):
        raise DataError(f"{path}: cannot write: the file is read-only; make it writable (chmod u+w) or choose another path")
    if not os.access(target.parent, os.W_OK | os.X_OK):
        raise DataError(
            f"{path}: cannot write: its directory {target.parent} is not writable; choose another path"
        )


def is_stream(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is read or written as a stream: ``-``, an open descriptor
    (``/dev/stdin``, ``/dev/fd/N``), a character device or a FIFO."""
    if str(path) == "-" or descriptor_path(path)[0] or os.path.abspath(path) == "/dev/stdin":
        return True
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)


def _identity(path: str | os.PathLike[str]) -> tuple[Any, ...] | None:
    """What two paths share when they name the same file: its inode if it exists
    (hard links, symlinks and ``..`` included), else its resolved path; ``None``
    for ``-``, devices, FIFOs and sockets (streams, which overwrite nothing)."""
    if str(path) == "-":
        return None
    try:
        st = os.stat(path)
    except OSError:
        return ("path", os.path.realpath(path))
    if stat.S_ISCHR(st.st_mode) or stat.S_ISFIFO(st.st_mode) or stat.S_ISSOCK(st.st_mode):
        return None
    return ("inode", st.st_dev, st.st_ino)


def check_paths(
    inputs: Sequence[tuple[str, str | os.PathLike[str]]],
    outputs: Sequence[tuple[str, str | os.PathLike[str]]],
    *,
    output_dir: tuple[str, str | os.PathLike[str]] | None = None,
) -> None:
    """Raise :class:`UsageError` if an output is an input or another output, by
    file identity rather than by spelling. Each entry is ``(what, path)`` (``what``
    says where the user gave it, e.g. ``"-o"``, ``"--index"``, ``"input"``); an
    index counts as an input and an output. ``output_dir`` is a directory output:
    it may not be an input, lie inside an input directory (the next walk would read
    its files as inputs), nor hold an input or another output among its files
    (pass those as ``outputs`` too, as ``(what, dir / name)``)."""
    if output_dir is not None:
        what, d = output_dir
        real = Path(os.path.realpath(d))
        for w0, p0 in inputs:
            if str(p0) == "-":
                continue
            r0 = Path(os.path.realpath(p0))
            if r0.is_dir() and (real == r0 or real.is_relative_to(r0)):
                why = "the inputs would be overwritten" if real == r0 else "its files would be read as inputs next time"
                raise UsageError(
                    f"{what} {d} is {'the' if real == r0 else 'inside the'} {w0} directory {p0}: {why}; "
                    f"give {what} a directory outside it"
                )
    seen: dict[tuple[Any, ...], tuple[str, str]] = {}
    for what, p in inputs:
        key = _identity(p)  # (None for -, standard input)
        if key is not None:
            seen.setdefault(key, (what, str(p)))
    for what, p in outputs:
        key = ("standard output",) if str(p) == "-" else _identity(p)  # two outputs on stdout would interleave
        if key is None:
            continue
        if key in seen:
            w0, p0 = seen[key]
            raise UsageError(f"{what} {p} is the same file as {w0} {p0}: it would be overwritten; give {what} another path")
        seen[key] = (what, str(p))

