"""The parallel runner, the only module that knows about processes: :class:`Runner` maps a
function over batches in order (:meth:`Runner.map`) and over the parts of a corpus-wide step
(:meth:`Runner.share`) on joblib's worker processes (``Parallel(return_as="generator")`` on
loky, which memory-maps large numpy arguments read-only), in this process when ``n_jobs == 1``
or the step is small."""

from __future__ import annotations

import contextlib
import ctypes
import os
import sys
import threading
import time
import warnings
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import islice
from typing import Any

from joblib import Parallel, delayed
from joblib.externals.loky import get_reusable_executor

from . import settings
from .joined import Joined

__all__ = ["Runner", "keep_heap", "in_worker", "quiet_interrupts"]


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


@contextlib.contextmanager
def quiet_interrupts() -> Iterator[None]:
    """Within the block, an interrupted run (Ctrl-C, or a signal raised as one) stops its
    workers without loky's noise: the traceback its manager thread prints when the tasks it
    was handing out are cancelled, joblib's warning that they were, and the warning of
    loky's resource tracker (a process it starts, told through ``PYTHONWARNINGS``) about a
    shared folder removed before it got to it. Other threads' errors and other warnings go
    on as before. For a command line, which then prints one line of its own."""
    before = threading.excepthook
    env = os.environ.get("PYTHONWARNINGS")
    os.environ["PYTHONWARNINGS"] = ",".join(filter(None, (env, "ignore:resource_tracker:UserWarning")))

    def hook(args: threading.ExceptHookArgs) -> None:
        if args.thread is not None and args.thread.name == "ExecutorManagerThread" and args.exc_type is KeyError:
            return
        before(args)

    threading.excepthook = hook
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=r".*tasks which were still being processed", category=UserWarning)
            yield
    finally:
        threading.excepthook = before
        if env is None:
            os.environ.pop("PYTHONWARNINGS", None)
        else:
            os.environ["PYTHONWARNINGS"] = env


def in_worker(parent: int, fn: Callable[..., Any], *args: Any) -> Any:
    """``fn(*args)`` in a worker. On its first task, the worker's allocator is set to keep
    freed memory (see :func:`keep_heap`) and a thread starts that ends the worker once process
    ``parent``, which gave it the task, is gone (killed with ``kill -9``, it could not stop its
    workers, which would wait for tasks until joblib's idle timeout)."""
    if not any(t.name == _WATCH for t in threading.enumerate()):
        keep_heap()
        threading.Thread(target=_watch, args=(parent,), name=_WATCH, daemon=True).start()
    return fn(*args)


_WATCH = "dedup-parent-watch"


def _watch(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.2)
    os._exit(1)


def _joined(args: tuple[Any, ...]) -> tuple[Any, ...]:
    """``args`` with each :class:`Joined` as its concatenation (made once)."""
    return tuple(a.array() if isinstance(a, Joined) else a for a in args)


class Runner:
    """Runs the work of a :class:`~dedup.corpus.Corpus` with ``n_jobs`` worker processes
    (joblib's, started on first use, shared by the runners of the process) while this one
    ingests, or here alone with ``n_jobs=1``. ``running``: whether this runner has given
    work to the workers since it was made or released; ``tasks``: how many tasks."""

    def __init__(self, n_jobs: int):
        self.n_jobs = n_jobs
        self.running = False
        self.tasks = 0

    def parallel(self) -> Parallel:
        """A joblib ``Parallel`` over the workers: results as a generator, in order; arrays
        of more than :data:`~settings.MAP_MIN_BYTES` mapped from :data:`~settings.SHARE_DIR`
        (``None``: every argument pickled)."""
        self.running = True
        share = settings.SHARE_DIR
        return Parallel(n_jobs=self.n_jobs, backend="loky", return_as="generator", pre_dispatch="all",
                        max_nbytes=settings.MAP_MIN_BYTES if share is not None else None, mmap_mode="r",
                        temp_folder=share)

    def map(self, fn: Callable[..., Any], items: Iterable[Any], args: Callable[[Any], tuple[Any, ...]]
            ) -> Iterator[tuple[Any, Any]]:
        """``(item, fn(*args(item)))`` for each of ``items``, in order, as each is ready.

        The first :data:`~settings.WORKERS_AFTER` items are run here (a one-batch input starts
        no worker); then the workers take chunks of ``4 * n_jobs`` items, two chunks handed out
        at a time: the next chunk is read here (in this thread: reading checks ids against the
        index) once the one before it is done, while the workers run the one after it, so they
        never wait for it. At most ``8 * n_jobs`` items are out at once."""
        it = iter(items)
        for item in islice(it, settings.WORKERS_AFTER if self.n_jobs > 1 else None):
            yield item, fn(*args(item))
        out: deque[tuple[list[Any], Iterator[Any]]] = deque()

        def hand_out() -> None:
            chunk = list(islice(it, 4 * self.n_jobs))
            if chunk:
                out.append((chunk, self.parallel()(delayed(in_worker)(os.getpid(), fn, *args(x)) for x in chunk)))
                self.tasks += len(chunk)

        try:
            hand_out()
            hand_out()
            while out:
                chunk, done = out[0]
                yield from zip(chunk, done)
                out.popleft()
                hand_out()
        finally:  # (closed early: the chunks still out are cancelled now, not when collected)
            for _, done in out:
                done.close()  # type: ignore[attr-defined]

    def pieces(self, items: int, per_process: int) -> int:
        """Into how many pieces a corpus-wide step over about ``items`` items is cut for
        :meth:`share`: ``per_process`` for each process, or 1 (all here) for a small step
        (below :data:`~settings.SPAWN_MIN_ITEMS` when no worker runs yet: starting them costs
        about a second)."""
        small = items < settings.PARALLEL_MIN_ITEMS or (not self.running and items < settings.SPAWN_MIN_ITEMS)
        if self.n_jobs == 1 or small:
            return 1
        return per_process * self.n_jobs

    def share(self, fn: Callable[..., Any], make: Callable[[int, int], tuple[Any, ...]], cuts: Sequence[int]
              ) -> list[Any]:
        """``fn(*make(a, b))`` for ranges ``[a, b)`` of consecutive ``cuts``, in order, on
        the workers (the parts made here as they are handed out); without workers or with one
        range, one call here over all of ``cuts``. ``cuts`` must ascend strictly."""
        if self.n_jobs == 1 or len(cuts) <= 2:
            return [fn(*_joined(make(cuts[0], cuts[-1])))]
        parts = [(a, b) for a, b in zip(cuts[:-1], cuts[1:])]
        self.tasks += len(parts)
        return list(self.parallel()(delayed(in_worker)(os.getpid(), fn, *_joined(make(a, b))) for a, b in parts))

    def release(self, *, wait: bool = True) -> None:
        """Stop the workers (if this runner used them; they start again if more work comes);
        ``wait=False`` lets them exit while this process goes on."""
        if self.running:
            get_reusable_executor(max_workers=self.n_jobs, reuse=True).shutdown(wait=wait)
            self.running, self.tasks = False, 0
