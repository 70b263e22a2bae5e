"""How readers and one writer share an index file (see docs/reliability.md): the file is
in WAL mode, so readers read alongside the writer, each from a snapshot
(:func:`snapshot`); writes are all-or-nothing transactions (:class:`Transaction`); the
writer holds a lock (:func:`acquire_lock`: ``flock`` on ``INDEX.lock`` beside the index)
from its first write to its close, and a second writer waits for it up to a timeout."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from .errors import IndexMismatchError

try:
    import fcntl
except ImportError:  # (not on Windows: there the writer lock is SQLite's per transaction only)
    fcntl = None  # type: ignore[assignment]

__all__ = ["HAVE_FLOCK", "lock_path", "acquire_lock", "snapshot", "Transaction"]

#: Whether this system has ``flock`` (without it, the writer lock is SQLite's per transaction only).
HAVE_FLOCK = fcntl is not None


def lock_path(index: Path) -> Path:
    """The file whose ``flock`` a writer of ``index`` holds (beside it, kept for the next writer)."""
    return index.with_name(index.name + ".lock")


def acquire_lock(index: Path, timeout: float = 0.0) -> int:
    """Become the one writer of ``index``: wait up to ``timeout`` seconds for another
    writer (in any process) to release it, then raise :class:`IndexMismatchError`; returns the
    open lock file (closing it releases the lock, and so does the process's death)."""
    path = lock_path(index)
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    except OSError as e:
        raise IndexMismatchError(
            f"index {index}: cannot open its writer lock {path} ({e.strerror}); "
            f"the index's directory must be writable to add documents"
        ) from None
    deadline = time.monotonic() + timeout
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            if time.monotonic() >= deadline:
                holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
                os.close(fd)
                raise IndexMismatchError(
                    f"index {index} is being written by another process"
                    + (f" (pid {holder})" if holder.isdigit() else "")
                    + (f" and was still after {timeout:g} s" if timeout > 0 else "")
                    + "; wait for it to finish and run again (Corpus(lock_timeout=...) waits by itself), "
                    "or use another index path"
                ) from None
            time.sleep(min(0.05, max(0.0, deadline - time.monotonic())))
    os.ftruncate(fd, 0)
    os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
    return fd


@contextlib.contextmanager
def snapshot(db: sqlite3.Connection, on_error: Callable[[sqlite3.Error], Exception]) -> Iterator[None]:
    """``with snapshot(db, on_error):`` every read inside sees the same committed state
    (one read transaction), whatever a writer commits meanwhile; an error of SQLite
    starting it is raised as ``on_error(e)``."""
    if db.in_transaction:
        yield
        return
    try:
        db.execute("BEGIN")
    except sqlite3.Error as e:
        raise on_error(e) from None
    try:
        yield
    finally:
        with contextlib.suppress(sqlite3.Error):
            db.execute("COMMIT")


class Transaction:
    """``with Transaction(db):`` a write transaction, all or nothing (it waits for
    SQLite's write lock up to the connection's timeout)."""

    def __init__(self, db: sqlite3.Connection):
        self.db = db

    def __enter__(self) -> sqlite3.Connection:
        self.db.execute("BEGIN IMMEDIATE")
        return self.db

    def __exit__(self, et: object, ev: object, tb: object) -> None:
        if et is None:
            self.db.execute("COMMIT")
        else:
            with contextlib.suppress(sqlite3.Error):
                self.db.execute("ROLLBACK")
