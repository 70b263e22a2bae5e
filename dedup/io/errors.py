"""The two errors of reading and writing: bad data, and arguments that cannot work together."""

from __future__ import annotations

import errno

__all__ = ["DataError", "UsageError", "describe_os_error"]


class DataError(ValueError):
    """Input that cannot be read as documents, or an output that cannot be
    written (the message names the place and the fix)."""


class UsageError(ValueError):
    """Arguments that cannot work together, found before anything is read:
    an output that is an input, another output or the index; a file where a
    directory is needed or the reverse; a directory dedup did not write."""


def describe_os_error(e: OSError) -> str:
    """``<file>: <what happened>; <the fix>`` for an error of the operating system.

    Examples:
        >>> describe_os_error(OSError(errno.ENOSPC, "No space left on device", "out.jsonl"))
        'out.jsonl: No space left on device; free space on that disk or write elsewhere'
    """
    fixes = {
        errno.ENOSPC: "free space on that disk or write elsewhere",
        errno.EDQUOT: "free space within your quota or write elsewhere",
        errno.EACCES: "check its permissions (and its directory's) or choose another path",
        errno.EPERM: "check its permissions (and its directory's) or choose another path",
        errno.EROFS: "that filesystem is read-only: write elsewhere",
        errno.ENOENT: "check the path",
        errno.ENOTDIR: "a part of the path is a file, not a directory: check the path",
        errno.EISDIR: "give the path of a file, not of a directory",
        errno.EIO: "the disk reported an input/output error: check it, or write elsewhere",
    }
    what = e.strerror or str(e)
    fix = fixes.get(e.errno) if e.errno is not None else None
    msg = f"{e.filename}: {what}" if e.filename is not None else what
    return f"{msg}; {fix}" if fix else msg
