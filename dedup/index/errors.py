"""The one error of the index (:class:`IndexMismatchError`) and how SQLite's errors become it."""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

__all__ = ["IndexMismatchError", "IndexError_", "damaged_error", "sqlite_error", "sqlite_errors", "sqlite_gen"]


class IndexMismatchError(ValueError):
    """An index file that does not match this run and cannot be used: built with another
    schema version or :class:`~dedup.Config`, a damaged or inconsistent file, another
    writer holding it, or an error of SQLite itself (full disk, read-only file); the
    message names the file and the fix. Exported as ``dedup.IndexMismatchError``."""


#: Deprecated alias of :class:`IndexMismatchError` (its name before it was public).
IndexError_ = IndexMismatchError


def damaged_error(path: Path, what: str) -> IndexMismatchError:
    """The error for the index ``path`` found inconsistent (``what`` says how)."""
    return IndexMismatchError(
        f"{path} is damaged or was edited: {what}; rebuild it from the source documents "
        f"(a new --index path, or delete this file and re-run)"
    )


def sqlite_error(path: Path, e: sqlite3.Error) -> IndexMismatchError:
    """An error SQLite raised on the index ``path``, as :class:`IndexMismatchError` naming the file and the fix.

    Examples:
        >>> str(sqlite_error(Path("i.sqlite"), sqlite3.OperationalError("database or disk is full")))[:60]
        'index i.sqlite: SQLite error: database or disk is full; free'
    """
    msg = str(e)
    low = msg.lower()
    if "full" in low:
        fix = "free disk space (the index and its -wal file grow with the corpus), then re-run the same command"
    elif "readonly" in low or "read-only" in low or "permission" in low:
        fix = "make the file and its directory writable (or use an index path on a writable disk), then re-run"
    elif "locked" in low or "busy" in low:
        fix = "another process holds it too long; wait for it to finish, then re-run"
    elif "malformed" in low or "not a database" in low or "corrupt" in low:
        fix = "the file is damaged: rebuild it from the source documents (a new --index path)"
    elif "unable to open" in low:
        fix = "check that the directory exists and is writable"
    else:
        fix = "check the file and its disk, then re-run the same command"
    return IndexMismatchError(f"index {path}: SQLite error: {msg}; {fix}")


_F = TypeVar("_F", bound=Callable[..., Any])


def sqlite_errors(fn: _F) -> _F:
    """Raise every ``sqlite3.Error`` of a method of an object with a ``sqlite_error``
    method (a :class:`~dedup.index.Store`) as what that method makes of it."""

    @functools.wraps(fn)
    def wrapped(self: Any, *a: Any, **k: Any) -> Any:
        try:
            return fn(self, *a, **k)
        except sqlite3.Error as e:
            raise self.sqlite_error(e) from None

    return wrapped  # type: ignore[return-value]


def sqlite_gen(fn: _F) -> _F:
    """:func:`sqlite_errors` for a generator method."""

    @functools.wraps(fn)
    def wrapped(self: Any, *a: Any, **k: Any) -> Any:
        try:
            yield from fn(self, *a, **k)
        except sqlite3.Error as e:
            raise self.sqlite_error(e) from None

    return wrapped  # type: ignore[return-value]
