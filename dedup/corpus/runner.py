"""The parallel runner, the only module that knows about processes: :class:`Runner` maps a
function over batches in order (:meth:`Runner.map`) and over the parts of a corpus-wide step
(:meth:`Runner.share`), in this process when ``n_jobs == 1`` or the step is small, on a
:class:`~concurrent.futures.ProcessPoolExecutor` of ``n_jobs - 1`` spawned workers otherwise;
large arrays and results travel as files (see :mod:`~dedup.corpus.transport`)."""

from __future__ import annotations

import contextlib
import ctypes
import os
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor, wait
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from ..runs import OwnedDir
from . import settings
from .transport import Joined, Mapped, Shipped

__all__ = ["Runner", "steal", "main_hidden", "keep_heap", "worker_start", "run_mapped"]

#: What :meth:`Runner.map` holds per item: the item, its result or the future of a worker's,
#: and what was shipped to the worker.
Pending = deque[tuple[Any, Any, Any]]
_END = object()


def run_mapped(fn: Callable[..., Any], args: Any, out: str | None = None) -> Any:
    """``fn(*args)`` in a worker: ``args`` unshipped and their mapped arrays loaded
    first, the result shipped back as a file in directory ``out`` (see :class:`Shipped`)."""
    return Shipped.put(fn(*Mapped.get(Shipped.get(args))), out)


def keep_heap() -> None:
    """Let this process's allocator (glibc) keep freed memory for reuse instead of
    returning it to the system after every batch (each large array made anew costs a page
    fault per 4 KB otherwise). Called in the worker processes, which are ours, and by the
    command line; a library never changes the allocator of its caller's process. Does
    nothing elsewhere than on Linux with glibc."""
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(-3, 32 << 20)  # M_MMAP_THRESHOLD: blocks up to 32 MB from the heap (glibc's maximum)
        libc.mallopt(-1, 1 << 30)  # M_TRIM_THRESHOLD: keep up to 1 GB of freed heap
    except (OSError, AttributeError):  # not glibc (musl has no mallopt)
        pass


def worker_start(parent: int) -> None:
    """A worker's start: :func:`keep_heap`, and a watch that ends the worker once
    process ``parent``, which started it, is gone (killed with ``kill -9``, it could not
    stop its workers, which would wait for tasks for ever)."""
    keep_heap()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.2)
        os._exit(1)

    threading.Thread(target=watch, name="dedup-parent-watch", daemon=True).start()


@contextlib.contextmanager
def main_hidden() -> Iterator[None]:
    """Start processes without the caller's ``__main__``: a spawned process imports the main
    script again (by its ``__spec__`` or ``__file__``) before it takes a task, which runs a
    script's unguarded top level a second time (and fails for ``python -``). The workers
    run only dedup's functions, so they need none of it."""
    main = sys.modules.get("__main__")
    if main is None:
        yield
        return
    saved = {k: main.__dict__[k] for k in ("__spec__", "__file__") if k in main.__dict__}
    main.__spec__ = None
    main.__dict__.pop("__file__", None)
    try:
        yield
    finally:
        main.__dict__.update(saved)


def steal(pending: Pending, kernel: Callable[[Any], Any]) -> bool:
    """At the end of the input, run here (``kernel``) the last item of ``pending`` (see
    :data:`Pending`) that no worker has started, rather than wait while the workers clear
    their queues (False: there is none). The workers take the oldest first: this process
    takes from the other end."""
    for i in range(len(pending) - 1, -1, -1):
        batch, x, shipped = pending[i]
        if isinstance(x, Future) and x.cancel():
            Shipped.discard(shipped)
            pending[i] = (batch, kernel(batch), None)
            return True
    return False


def _take(pending: Pending) -> tuple[Any, Any]:
    """The oldest item of ``pending`` and its result (waited for, if a worker has it)."""
    item, res, _ = pending.popleft()
    return item, Shipped.get(res.result()) if isinstance(res, Future) else res


class Runner:
    """The ``n_jobs - 1`` worker processes a :class:`Corpus` shares its work with: started on
    first use (:meth:`start`), given the batches by :meth:`map` and the parts of a corpus-wide
    step by :meth:`share`, stopped by :meth:`release`. ``pool`` is the executor
    (``None`` while none runs), ``tasks`` the number of tasks given to it, ``ship_dir`` the
    directory batches and answers travel through as files (see :class:`Shipped`)."""

    def __init__(self, n_jobs: int):
        self.n_jobs = n_jobs
        self.pool: Executor | None = None
        self.ready: Future[Any] | None = None  # answered once a worker has started
        self.tasks = 0  # tasks given to the workers
        self.ship_dir: str | None = None
        self._ship_tmp: OwnedDir | None = None

    def start(self) -> Executor | None:
        """The ``n_jobs - 1`` worker processes that share the work with this one (started
        once, on first use; ``None`` with ``n_jobs=1``)."""
        if self.n_jobs > 1 and self.pool is None:
            self.pool = ProcessPoolExecutor(self.n_jobs - 1, mp_context=get_context("spawn"), initializer=worker_start,
                                            initargs=(os.getpid(),))
            with main_hidden():
                self.ready = self.pool.submit(int)
            # batches go to the workers and come back as files here (see Shipped); removed
            # by release, or when the corpus is collected without being closed
            if settings.SHARE_DIR is not None:
                self._ship_tmp = OwnedDir("ship", settings.SHARE_DIR)
                self.ship_dir = self._ship_tmp.name
        return self.pool

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future[Any]:
        """``fn(*args)`` in a worker (the executor starts a worker here when it needs one:
        see :func:`main_hidden`)."""
        if self.pool is None:
            raise RuntimeError("Runner.submit before Runner.start")
        with main_hidden():
            fut = self.pool.submit(fn, *args)
        self.tasks += 1
        return fut

    def started(self) -> bool:
        """Whether a worker has started (and can take batches without a wait)."""
        if self.ready is None:
            return False
        if settings.AWAIT_WORKERS:
            self.ready.result()
        return self.ready.done()

    def map(self, fn: Callable[..., Any], items: Iterable[Any], args: Callable[[Any], tuple[Any, ...]]
            ) -> Iterator[tuple[Any, Any]]:
        """``(item, fn(*args(item)))`` for each of ``items``, in order, as each is ready.

        The workers start once this process has run :data:`~settings.WORKERS_AFTER` items
        and take items once one has started; they are kept fed with a few items each, and
        this process, rather than wait for the oldest result, takes the next item itself
        (at the end of the input, one no worker has started: see :func:`steal`). Up to
        ``8 * n_jobs`` items are in hand at once."""
        it = iter(items)
        pool, own, exhausted = self.pool, 0, False
        feed, ahead = 4 * (self.n_jobs - 1), 8 * self.n_jobs
        pending: Pending = deque()

        def here(item: Any) -> Any:
            return fn(*args(item))

        while True:
            while pool is not None and not exhausted and self.started() and len(pending) < ahead and sum(
                isinstance(x, Future) and not x.done() for _, x, _ in pending
            ) < feed:
                item = next(it, _END)
                if item is _END:
                    exhausted = True
                    break
                shipped = Shipped.put(args(item), self.ship_dir)
                pending.append((item, self.submit(run_mapped, fn, shipped, self.ship_dir), shipped))
            if pending and (not isinstance(pending[0][1], Future) or pending[0][1].done()):
                yield _take(pending)
                continue
            if len(pending) < ahead and not exhausted:
                item = next(it, _END)
                if item is not _END:
                    if pool is None and own >= settings.WORKERS_AFTER:  # (it starts up while this process works on)
                        pool = self.start()
                    pending.append((item, here(item), None))
                    own += 1
                    continue
                exhausted = True
            if not pending:
                return
            if exhausted and steal(pending, here):
                continue
            yield _take(pending)  # waits for the oldest item

    def release(self, *, wait: bool = True) -> None:
        """Stop the workers; ``wait=False`` lets them exit while this process goes on:
        for callers with no task left for them (the drivers, once the clusters are made),
        since tasks not yet started are cancelled."""
        if self.pool is not None:
            # workers given no task have nothing to finish: no wait for one still starting
            self.pool.shutdown(wait=wait and self.tasks > 0, cancel_futures=True)
            self.pool, self.ready, self.tasks = None, None, 0
        if self._ship_tmp is not None:  # (with the files of batches cancelled or never read)
            self._ship_tmp.cleanup()
            self._ship_tmp = self.ship_dir = None

    def pieces(self, items: int, per_process: int) -> int:
        """Into how many pieces a corpus-wide step over about ``items`` items is cut for
        :meth:`share`: ``per_process`` for each process, or 1 (all here) for a small step."""
        small = items < settings.PARALLEL_MIN_ITEMS or (not self.started() and items < settings.SPAWN_MIN_ITEMS)
        if self.n_jobs == 1 or small:
            return 1
        return per_process * self.n_jobs

    def share(self, fn: Callable[..., Any], make: Callable[[int, int], tuple[Any, ...]], cuts: Sequence[int]
              ) -> list[Any]:
        """``fn(*make(a, b))`` for ranges ``[a, b)`` of consecutive ``cuts``, shared with
        the workers; the results in order (one per range a process took, so possibly
        fewer than the ranges). Without workers, one call over all of ``cuts``.

        The workers have two parts each in hand (running or queued), each a run of the
        first ranges left (an eighth of them, shared among the workers), made here and
        handed over with their large arrays as files mapped into memory (see
        :class:`Mapped`); between two checks, this process takes the last range left,
        and near the end it keeps the ranges left for itself. So the processes finish
        about together, whichever is faster, and the workers need not wait while this
        process makes their parts. ``cuts`` must ascend strictly; ``fn`` must not return
        views of its inputs (their files are removed when the step ends).
        """
        pool = self.start() if len(cuts) > 2 else None
        saved: dict[Joined, str] = {}
        local: dict[Joined, Any] = {}
        if pool is None:
            return [fn(*Mapped.local(make(cuts[0], cuts[-1]), saved, local))]
        out: dict[int, Any] = {}
        lo, hi = 0, len(cuts) - 1
        ahead = 2 * (self.n_jobs - 1)
        running: dict[int, Future[Any]] = {}
        owned = OwnedDir("share", settings.SHARE_DIR)
        with contextlib.ExitStack() as stack:
            stack.callback(owned.cleanup)
            tmp = owned.name
            where = tmp if settings.SHARE_DIR is not None else None
            try:
                while lo < hi:
                    # near the end, a worker gets another part only while more ranges are left
                    # than the workers have in hand: this process takes the last ones itself
                    while (busy := sum(not f.done() for f in running.values())) < ahead and hi - lo > busy:
                        m = max(1, (hi - lo) // (4 * ahead))
                        args = Mapped.put(make(cuts[lo], cuts[lo + m]), Path(tmp) / str(lo), saved)
                        running[lo] = self.submit(run_mapped, fn, args, where)
                        lo += m
                    if lo < hi:
                        hi -= 1
                        out[hi] = fn(*Mapped.local(make(cuts[hi], cuts[hi + 1]), saved, local))
                out.update((i, Shipped.get(f.result())) for i, f in running.items())
            except BaseException:  # the parts not started are dropped, the others end before their files go
                for f in running.values():
                    f.cancel()
                wait(running.values())
                raise
            finally:
                local.clear()  # (this process's maps of the files)
        return [out[i] for i in sorted(out)]
