"""What a run leaves if it is killed, and how the next run clears it; signals that end
a run as Ctrl-C does.

A run's temporary directories (the temporary index of a :class:`~dedup.Corpus` without
``index=``, the files shared with its worker processes in ``/dev/shm``) are made by
:class:`OwnedDir`: named ``dedup-KIND-PID-XXXXXXXX`` and ``flock``-ed by their process for
as long as they live. A run killed with ``kill -9`` cannot remove them; the next run
does (:func:`clean_stale`): a directory of that form is removed only when its process
is gone and its lock is free, so a live run's files (in this container or another
sharing the directory) are never touched.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import tempfile
import threading
import weakref
from collections.abc import Iterator, Sequence

try:
    import fcntl
except ImportError:  # (not on Windows: directories are still removed when their process is gone)
    fcntl = None  # type: ignore[assignment]

__all__ = ["OwnedDir", "clean_stale", "Terminated", "signals_as_interrupts", "KINDS"]

#: The kinds of directories a run makes (see :class:`OwnedDir`).
KINDS = ("index", "share", "ship")
_NAME = re.compile(r"dedup-(" + "|".join(KINDS) + r")-(\d+)-[A-Za-z0-9_]+")


def _remove(path: str, fd: int | None) -> None:
    shutil.rmtree(path, ignore_errors=True)
    if fd is not None:
        with contextlib.suppress(OSError):
            os.close(fd)  # (the lock goes with the directory)


class OwnedDir:
    """A temporary directory like :class:`tempfile.TemporaryDirectory`, named
    ``dedup-KIND-PID-XXXXXXXX`` and locked by this process until :meth:`cleanup` (or
    collection, or the end of the process)."""

    def __init__(self, kind: str, dir: str | None = None):
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
        self.name = tempfile.mkdtemp(prefix=f"dedup-{kind}-{os.getpid()}-", dir=dir)
        fd: int | None = None
        if fcntl is not None:
            try:
                fd = os.open(self.name, os.O_RDONLY)
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:  # (a file system without flock: the process id still guards it)
                if fd is not None:
                    os.close(fd)
                fd = None
        self._finalizer = weakref.finalize(self, _remove, self.name, fd)

    def cleanup(self) -> None:
        """Remove the directory and everything in it (once)."""
        self._finalizer()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # (another user's)
        return True
    except OSError:
        return True
    return True


def clean_stale(where: str | None, kinds: Sequence[str] = KINDS) -> list[str]:
    """Remove the directories of ``kinds`` that runs killed before they could clean up
    left in directory ``where`` (``None``: nothing); returns their paths."""
    if where is None:
        return []
    removed = []
    try:
        entries = list(os.scandir(where))
    except OSError:
        return []
    for e in entries:
        m = _NAME.fullmatch(e.name)
        if m is None or m.group(1) not in kinds or _alive(int(m.group(2))):
            continue
        try:
            if not e.is_dir(follow_symlinks=False):
                continue
            fd = os.open(e.path, os.O_RDONLY)
        except OSError:
            continue
        try:
            if fcntl is not None:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:  # held: its owner lives (in another pid namespace)
            os.close(fd)
            continue
        shutil.rmtree(e.path, ignore_errors=True)
        os.close(fd)
        removed.append(e.path)
    return removed


class Terminated(KeyboardInterrupt):
    """SIGTERM or SIGHUP, raised where the program is, as Ctrl-C raises
    :class:`KeyboardInterrupt`: the same clean-up runs."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


@contextlib.contextmanager
def signals_as_interrupts(signals: Sequence[int] = (signal.SIGTERM, getattr(signal, "SIGHUP", signal.SIGTERM))
                          ) -> Iterator[None]:
    """Within the block, ``signals`` raise :class:`Terminated` in the main thread (the
    first one: later ones are ignored while the clean-up runs); the handlers before are
    restored after. Does nothing outside the main thread."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    signals = tuple(dict.fromkeys(signals))

    def handler(signum: int, frame: object) -> None:
        for s in signals:
            signal.signal(s, signal.SIG_IGN)
        raise Terminated(signum)

    old = {s: signal.signal(s, handler) for s in signals}
    try:
        yield
    finally:
        for s, h in old.items():
            signal.signal(s, h)
