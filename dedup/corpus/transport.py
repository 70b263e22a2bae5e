"""How arrays and objects travel between this process and the workers (see
:mod:`~dedup.corpus.runner`): :class:`Joined` (parts joined where they are used),
:class:`Mapped` (arrays as ``.npy`` files a worker maps) and :class:`Shipped` (objects as
protocol-5 pickle files)."""

from __future__ import annotations

import contextlib
import os
import pickle
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..shingle import ShingleSets
from . import settings

__all__ = ["Joined", "Mapped", "Shipped"]


class Joined:
    """The concatenation of ``parts`` (arrays of one dtype, along their first axis),
    made where it is used: :meth:`Mapped.put` writes the parts straight into the file a
    worker maps, and this process maps that file too (one copy, where joining them
    first and then writing the result costs two); with no worker, or no room for the
    file, they are concatenated once. Compared (and hashed) by identity."""

    __slots__ = ("parts", "_array")

    def __init__(self, parts: tuple[np.ndarray, ...]):
        self.parts = parts
        self._array: np.ndarray | None = None

    @property
    def size(self) -> int:
        return sum(p.size for p in self.parts)

    @property
    def nbytes(self) -> int:
        return sum(p.nbytes for p in self.parts)

    def array(self) -> np.ndarray:
        """The concatenation (made on the first call, then kept)."""
        if self._array is None:
            self._array = self.parts[0] if len(self.parts) == 1 else np.concatenate(self.parts)
        return self._array

    def save(self, path: str) -> None:
        """Write the concatenation as a ``.npy`` file, part by part."""
        first = self.parts[0]
        head = np.lib.format.header_data_from_array_1_0(first)
        head["shape"] = (sum(len(p) for p in self.parts), *first.shape[1:])
        head["fortran_order"] = False
        with open(path, "wb") as f:
            np.lib.format.write_array_header_1_0(f, head)
            for p in self.parts:
                f.write(np.ascontiguousarray(p, dtype=first.dtype).data)


@dataclass(frozen=True)
class Mapped:
    """An array handed to a worker as a ``.npy`` file it maps read-only: writing it
    is one copy, where pickling through the executor's pipe costs four and holds
    this process's GIL in the feeder thread."""

    path: str

    def load(self) -> np.ndarray:
        """The array, mapped read-only."""
        return np.asarray(np.load(self.path, mmap_mode="r", allow_pickle=False))

    @staticmethod
    def put(args: tuple[Any, ...], prefix: Path, saved: dict[Joined, str] | None = None) -> tuple[Any, ...]:
        """``args`` with every large array (also inside a :class:`ShingleSets`) and every
        :class:`Joined` saved as a file; ``saved`` maps the joined ones already tried to
        their files (``""``: it could not be written), and gets those tried here. An array
        that cannot be written (a full, or small as in some containers, /dev/shm) stays
        in ``args``, to be pickled, and its partial file is removed."""
        n = 0
        saved = {} if saved is None else saved

        def write(save: Callable[[str], None]) -> str:
            nonlocal n
            n += 1
            path = f"{prefix}-{n}.npy"
            try:
                save(path)
            except OSError:
                with contextlib.suppress(OSError):
                    os.unlink(path)
                return ""
            return path

        def conv(a: Any) -> Any:
            if isinstance(a, ShingleSets):
                return ShingleSets(conv(a.values), conv(a.offsets), conv(a.tokens))
            if isinstance(a, Joined):
                if a not in saved and a.nbytes >= settings.MAP_MIN_BYTES:
                    saved[a] = write(a.save)  # (tried once)
                return Mapped(saved[a]) if saved.get(a) else a.array()
            if isinstance(a, np.ndarray) and a.nbytes >= settings.MAP_MIN_BYTES:
                path = write(lambda p: np.save(p, a, allow_pickle=False))
                return Mapped(path) if path else a
            return a

        return tuple(conv(a) for a in args)

    @staticmethod
    def local(args: tuple[Any, ...], saved: dict[Joined, str], cache: dict[Joined, Any] | None = None
              ) -> tuple[Any, ...]:
        """``args`` for this process: each :class:`Joined` mapped from the file
        :meth:`put` wrote for a worker (see ``saved``), or concatenated; once per
        ``cache``, which keeps them (clear it before the files go)."""
        cache = {} if cache is None else cache

        def conv(a: Any) -> Any:
            if not isinstance(a, Joined):
                return a
            if a not in cache:
                cache[a] = Mapped(saved[a]).load() if saved.get(a) else a.array()
            return cache[a]

        return tuple(conv(a) for a in args)

    @staticmethod
    def get(args: tuple[Any, ...]) -> tuple[Any, ...]:
        def conv(a: Any) -> Any:
            if isinstance(a, ShingleSets):
                return ShingleSets(conv(a.values), conv(a.offsets), conv(a.tokens))
            if isinstance(a, Mapped):
                return a.load()
            return a

        return tuple(conv(a) for a in args)


@dataclass(frozen=True)
class Shipped:
    """An object handed to or from a worker as a file: a protocol-5 pickle whose arrays
    follow it out of band, read back with one read and no copy of the arrays.

    Through the executor's pipe, a batch's result (a few MB) crosses in 64 KB writes
    that the worker blocks on until this process's reader thread, which needs the GIL
    this process's own work holds, takes each one: the worker spent about 10% of its
    time waiting to send. A file written at once avoids that. The file lives in a
    directory the caller removes; if it cannot be written, the object goes by pipe.
    """

    path: str

    @staticmethod
    def put(obj: Any, where: str | None) -> Any:
        """``obj`` as a file in directory ``where`` (``obj`` itself when ``where`` is None
        or the file cannot be written)."""
        if where is None:
            return obj
        bufs: list[pickle.PickleBuffer] = []
        data = pickle.dumps(obj, protocol=5, buffer_callback=bufs.append)
        raws = [b.raw() for b in bufs]
        head = np.array([len(raws), len(data), *(r.nbytes for r in raws)], dtype="<i8")
        path = None
        try:
            fd, path = tempfile.mkstemp(dir=where, suffix=".pkl")
            with os.fdopen(fd, "wb") as f:
                f.write(head.tobytes())
                f.write(data)
                for r in raws:
                    f.write(r)
        except OSError:  # a full (or small) /dev/shm, or the directory already removed
            if path is not None:
                with contextlib.suppress(OSError):
                    os.unlink(path)
            return obj
        return Shipped(path)

    @staticmethod
    def discard(x: Any) -> None:
        """Remove the file of an object :meth:`put` shipped that will not be read."""
        if isinstance(x, Shipped):
            with contextlib.suppress(OSError):
                os.unlink(x.path)

    @staticmethod
    def get(x: Any) -> Any:
        """The object :meth:`put` shipped (``x`` itself if it came by pipe); the file is removed."""
        if not isinstance(x, Shipped):
            return x
        with open(x.path, "rb") as f:
            buf = bytearray(os.fstat(f.fileno()).st_size)
            f.readinto(buf)
        os.unlink(x.path)
        mv = memoryview(buf)
        k = int(np.frombuffer(mv[:8], dtype="<i8")[0])
        sizes = np.frombuffer(mv[8 : 16 + 8 * k], dtype="<i8").tolist()
        ends = np.cumsum([16 + 8 * k, *sizes]).tolist()
        return pickle.loads(mv[ends[0] : ends[1]], buffers=[mv[a:b] for a, b in zip(ends[1:], ends[2:])])
