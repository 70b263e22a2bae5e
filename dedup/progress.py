"""Progress on a terminal (tqdm, a core dependency): a bar per step of a corpus run,
on standard error, only when it is a terminal and the run is not quiet.

Reading shows documents of a known total, or bytes read of the inputs' size when
the number of documents is not known before reading (JSONL); the clustering step,
which has no count, shows a spinner with the time spent; writing shows documents
of the total. Each bar has the total, percentage, rate and time left; a step
shorter than :data:`DELAY` seconds shows none.
"""

from __future__ import annotations

import itertools
import sys
import threading
from collections.abc import Iterable, Iterator
from typing import Any

from tqdm import tqdm

__all__ = ["DELAY", "on_terminal", "progress", "ByteBar", "Spinner"]

#: Seconds a step runs before its bar appears.
DELAY = 1.0


def on_terminal(quiet: bool) -> bool:
    """Whether bars are shown: standard error is a terminal and not ``quiet``."""
    return not quiet and sys.stderr.isatty()


def _bar(quiet: bool, desc: str, **kw: Any) -> tqdm | None:
    if not on_terminal(quiet):
        return None
    return tqdm(desc=desc, mininterval=0.5, delay=DELAY, file=sys.stderr, dynamic_ncols=True, **kw)


def progress(it: Iterable[Any], quiet: bool, desc: str, total: int | None = None) -> Iterable[Any]:
    """``it`` counted in documents on a bar (of ``total``, when known), or ``it`` itself
    when no bar is shown (see :func:`on_terminal`)."""
    bar = _bar(quiet, desc, total=total, unit=" docs")
    if bar is None:
        return it
    return _counted(it, bar)


def _counted(it: Iterable[Any], bar: tqdm) -> Iterator[Any]:
    try:
        for x in it:
            yield x
            bar.update()
    finally:
        bar.close()


class ByteBar:
    """Bytes read of ``total`` (``None`` for a stream: the bytes and the rate only);
    :meth:`add` is the ``read_bytes`` callback of :func:`dedup.io.iter_jsonl`."""

    def __init__(self, quiet: bool, desc: str, total: int | None):
        self.bar = _bar(quiet, desc, total=total, unit="B", unit_scale=True, unit_divisor=1024)

    def add(self, n: int) -> None:
        if self.bar is not None:
            self.bar.update(n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


class Spinner:
    """A spinner with the time spent, for a step without counts, from :meth:`start`
    to :meth:`stop` (shown once the step has run :data:`DELAY` seconds)."""

    def __init__(self, quiet: bool, desc: str):
        self.quiet, self.desc = quiet, desc
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if on_terminal(self.quiet) and self._thread is None:
            self._thread = threading.Thread(target=self._spin, name="dedup-spinner", daemon=True)
            self._thread.start()

    def _spin(self) -> None:
        if self._stop.wait(DELAY):
            return
        bar = tqdm(desc=f"{self.desc}: |", bar_format="{desc} [{elapsed}]", file=sys.stderr)
        try:
            for ch in itertools.cycle("/-\\|"):
                if self._stop.wait(0.2):
                    break
                bar.set_description_str(f"{self.desc}: {ch}")
            bar.set_description_str(f"{self.desc}: done")
        finally:
            bar.close()

    def stop(self) -> None:
        if self._thread is not None:
            self._stop.set()
            self._thread.join()
            self._thread = None
