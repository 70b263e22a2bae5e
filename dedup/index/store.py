"""The :class:`Store`: one SQLite index file, one transaction per write, every read
checked (see :mod:`dedup.index`)."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from ..config import Config
from ..shingle import ShingleSets
from .encoding import encode_id
from .errors import IndexMismatchError, damaged_error, sqlite_error, sqlite_errors, sqlite_gen
from .rows import (
    batch_row,
    check_docs,
    decode_batch,
    decode_doc,
    decode_id,
    decode_links,
    decode_state,
    doc_rows,
    links_row,
    state_rows,
)
from .schema import open_schema
from .sharing import HAVE_FLOCK, Transaction, acquire_lock, lock_path, snapshot

__all__ = ["Store", "MEMO"]

#: The prefix of the names of the memos stored with the cluster state (see :meth:`Store.write_state`).
MEMO = "memo"
_NOT_MEMO = f"substr(name, 1, {len(MEMO)}) != ?"
_DROP_STATE = f"DELETE FROM state WHERE {_NOT_MEMO}"


class Store:
    """A SQLite file holding a corpus index (see the module docstring); ``durable=False``
    (a temporary index, deleted with its process, never reopened) skips every fsync,
    stores texts uncompressed when it creates the file (they are read back once), and
    keeps only the documents: the index arrays, links and cluster state that let a
    durable index be reopened stay in the memory of the corpus that wrote them."""

    def __init__(self, path: str | os.PathLike[str], cfg: Config, *, create: bool = True, durable: bool = True):
        self.path = Path(path)
        self.durable = durable
        self._lock_fd: int | None = None
        self.db: sqlite3.Connection | None = None
        if not create and not self.path.exists():
            raise FileNotFoundError(f"index {self.path} does not exist")
        try:
            self._open(cfg)
        except sqlite3.DatabaseError as e:
            self.close()
            if "not a database" not in str(e):
                raise self.sqlite_error(e) from None
            raise IndexMismatchError(f"{self.path} is not a dedup index (SQLite says: {e}); pass a new path") from None
        except BaseException:
            self.close()
            raise

    def _open(self, cfg: Config) -> None:
        self.db = sqlite3.connect(self.path, isolation_level=None, timeout=30.0)
        self.db.execute("PRAGMA journal_mode=WAL")
        # a temporary index (durable=False) dies with the process: no fsync at all
        self.db.execute("PRAGMA synchronous=" + ("NORMAL" if self.durable else "OFF"))
        #: whether texts are stored zlib-compressed (see :func:`~dedup.index.encode_text`)
        self.compressed = open_schema(self.db, self.path, cfg, self.durable, self.transaction)

    @property
    def conn(self) -> sqlite3.Connection:
        """The open SQLite connection (:class:`IndexMismatchError` once :meth:`close` was called)."""
        if self.db is None:
            raise IndexMismatchError(f"index {self.path} is closed; open it again (a new Store, or Corpus(index=...))")
        return self.db

    # -- errors ------------------------------------------------------------------
    def damaged(self, what: str) -> IndexMismatchError:
        """The error for an index found inconsistent (``what`` says how)."""
        return damaged_error(self.path, what)

    def sqlite_error(self, e: sqlite3.Error) -> IndexMismatchError:
        """An error SQLite raised on this index, as :class:`IndexMismatchError` naming the file and the fix."""
        return sqlite_error(self.path, e)

    # -- sharing -----------------------------------------------------------------
    @property
    def lock_path(self) -> Path:
        """The file whose ``flock`` a writer holds (beside the index, kept for the next writer)."""
        return lock_path(self.path)

    def lock(self, timeout: float = 0.0) -> None:
        """Become this index's one writer: wait up to ``timeout`` seconds for another
        writer (in any process) to close it, then raise :class:`IndexMismatchError`. Held until
        :meth:`close`; a process that dies releases it."""
        if self._lock_fd is not None or not self.durable or not HAVE_FLOCK:
            return
        self._lock_fd = acquire_lock(self.path, timeout)

    @property
    def locked(self) -> bool:
        """Whether this store holds the writer lock (a temporary index always does)."""
        return self._lock_fd is not None or not self.durable or not HAVE_FLOCK

    def snapshot(self) -> contextlib.AbstractContextManager[None]:
        """``with store.snapshot():`` every read inside sees the same committed state
        (one read transaction), whatever a writer commits meanwhile."""
        return snapshot(self.conn, self.sqlite_error)

    def transaction(self) -> Transaction:
        """``with store.transaction():`` — all or nothing."""
        return Transaction(self.conn)

    def close(self) -> None:
        """Close the file and let another writer in."""
        if self.db is not None:
            with contextlib.suppress(sqlite3.Error):
                self.db.close()
            self.db = None
        if self._lock_fd is not None:
            os.close(self._lock_fd)  # (releases the flock)
            self._lock_fd = None

    # -- writes ----------------------------------------------------------------
    @sqlite_errors
    def write_batch(
        self,
        batch: int,
        docs: list[tuple[int, str, bytes, int, bytes]],
        paragraphs: np.ndarray,
        first_node: int,
        sets: ShingleSets,
        keys: np.ndarray,
    ) -> None:
        """Store one batch in one transaction: its documents ``(doc, id, text from
        encode_text, its size, repeats as stored)``, their paragraphs, the new nodes' sets
        and band keys.

        Raises ``sqlite3.IntegrityError`` (nothing written) when a document id is
        already in the index.
        """
        db = self.conn
        rows = doc_rows(batch, docs)
        with self.transaction():
            db.executemany("INSERT INTO docs VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
            if self.durable:
                row = batch_row(batch, docs, paragraphs, first_node, sets, keys)
                db.execute("INSERT INTO batches VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", row)
                db.execute(_DROP_STATE, (MEMO,))  # the cluster state is stale now (its memos still hold)

    @sqlite_errors
    def write_links(self, first_node: int, last_node: int, edges: np.ndarray, sims: np.ndarray) -> None:
        """Store the verified edges that link nodes ``first_node .. last_node - 1`` to all before."""
        if not self.durable:
            return
        db = self.conn
        row = links_row(first_node, last_node, edges, sims)
        with self.transaction():
            db.execute("INSERT INTO links VALUES (?, ?, ?, ?, ?)", row)
            db.execute(_DROP_STATE, (MEMO,))

    @sqlite_errors
    def write_state(self, arrays: dict[str, np.ndarray], stamp: np.ndarray,
                    memos: dict[str, np.ndarray] | None = None) -> None:
        """Replace the stored cluster state (one transaction), stamped with ``stamp``
        (what it was derived from: :meth:`read_state` returns it for that stamp only), and
        the ``memos`` made with it (named ``memo...``: :meth:`read_memos` returns them)."""
        if not self.durable:
            return
        db = self.conn
        if any(not k.startswith(MEMO) for k in memos or {}):
            raise ValueError(f"memo names start with {MEMO!r}, got {sorted(memos or {})}")
        named = [({k: v}, None) for k, v in (memos or {}).items()]
        rows = (row for a, st in [(arrays, stamp), *named] for row in state_rows(a, st))  # (a blob at a time)
        with self.transaction():
            db.execute("DELETE FROM state")
            db.executemany("INSERT INTO state VALUES (?, ?, ?, ?)", rows)

    # -- reads -----------------------------------------------------------------
    def _lookup(self, key: str, value: str, keys: list[Any]) -> dict[Any, Any]:
        """``{key: value}`` from the docs table for the stored ones among ``keys`` (ids as str)."""
        db = self.conn
        out: dict[Any, Any] = {}
        for i in range(0, len(keys), 500):  # SQLite caps the number of bound parameters
            chunk = keys[i : i + 500]
            q = f"SELECT {key}, {value} FROM docs WHERE {key} IN ({','.join('?' * len(chunk))})"
            rows = db.execute(q, [encode_id(k) for k in chunk] if key == "id" else chunk)
            if key == "id":
                out.update((decode_id(self.path, k, v), v) for k, v in rows)
            else:
                out.update((k, decode_id(self.path, v, k)) for k, v in rows)
        return out

    @sqlite_errors
    def existing_ids(self, ids: list[str]) -> dict[str, int]:
        """Which of these ids the index holds already, with their document number."""
        return self._lookup("id", "doc", ids)

    @sqlite_errors
    def doc_ids(self, docs: list[int]) -> dict[int, str]:
        """The ids of these document numbers."""
        return self._lookup("doc", "id", docs)

    @sqlite_errors
    def text(self, doc: int) -> str:
        """The text of one document."""
        return self.docs(doc, doc + 1)[0][2]

    @sqlite_errors
    def counts(self) -> tuple[int, int]:
        """``(documents, batches)`` stored."""
        db = self.conn
        d = db.execute("SELECT COUNT(*) FROM docs").fetchone()[0]
        b = db.execute("SELECT COUNT(*) FROM batches").fetchone()[0]
        return int(d), int(b)

    @sqlite_errors
    def view(self) -> tuple[int, int, int]:
        """``(documents, batches, nodes linked)`` stored: what a corpus that read the index
        compares to know whether another writer changed it since."""
        db = self.conn
        with self.snapshot():
            d, b = self.counts()
            linked = db.execute("SELECT MAX(last_node) FROM links").fetchone()[0]
        return d, b, int(linked or 0)

    @sqlite_errors
    def check(self) -> tuple[int, int]:
        """The consistency of the documents' table (call it within :meth:`snapshot`):
        numbered ``0 .. n - 1`` and, in a durable index, cut into the batches' ranges in
        order; returns ``(documents, batches)`` (see :meth:`batches` for the rest)."""
        return check_docs(self.path, self.conn, self.durable)

    @sqlite_gen
    def batches(self, bands: int) -> Iterator[dict[str, Any]]:
        """Every stored batch, in order, with its arrays decoded and checked (CRC, shapes,
        ranges of documents and nodes, for ``bands`` band keys per node)."""
        db = self.conn
        node = 0
        for row in db.execute("SELECT * FROM batches ORDER BY batch"):
            batch = decode_batch(self.path, row, node, bands)
            node += len(batch["offsets"]) - 1
            yield batch

    @sqlite_gen
    def links(self, nodes: int) -> Iterator[tuple[int, int, np.ndarray]]:
        """``(first_node, last_node, edges)`` of every linking pass, in order, checked
        (CRC, contiguous passes over the ``nodes`` stored, edges between them)."""
        db = self.conn
        linked = 0
        for row in db.execute("SELECT * FROM links ORDER BY first_node"):
            first, last, e = decode_links(self.path, row, linked, nodes)
            linked = last
            yield first, last, e

    @sqlite_errors
    def docs(self, first: int = 0, last: int | None = None) -> list[tuple[int, str, str, bytes]]:
        """``(doc, id, text, stored repeats)`` of documents ``first`` to ``last - 1`` (or
        the end), in order (read at once: ask for a range at a time), each checked."""
        db = self.conn
        rows = db.execute(
            "SELECT doc, id, text, size, repeats, batch, crc FROM docs WHERE doc >= ? AND doc < ? ORDER BY doc",
            (first, (1 << 62) if last is None else last),
        ).fetchall()
        out = []
        for k, row in enumerate(rows):
            if row[0] != first + k:
                raise self.damaged(f"document {first + k} is missing")
            out.append(self._row(*row))
        if last is not None and len(out) != last - first:
            raise self.damaged(f"documents {first} .. {last - 1} are not all there ({len(out)} found)")
        return out

    @sqlite_errors
    def texts(self, docs: list[int]) -> dict[int, str]:
        """The texts of these document numbers (those stored), each checked."""
        db = self.conn
        out: dict[int, str] = {}
        for i in range(0, len(docs), 500):  # SQLite caps the number of bound parameters
            chunk = docs[i : i + 500]
            q = f"SELECT doc, id, text, size, repeats, batch, crc FROM docs WHERE doc IN ({','.join('?' * len(chunk))})"
            for row in db.execute(q, chunk):
                out[row[0]] = self._row(*row)[2]
        return out

    def _row(self, d: int, raw: bytes, t: bytes, s: int, r: bytes, b: int, crc: int) -> tuple[int, str, str, bytes]:
        """A stored document checked (CRC, text size) and decoded."""
        return decode_doc(self.path, self.compressed, d, raw, t, s, r, b, crc)

    @sqlite_errors
    def read_state(self, stamp: np.ndarray) -> dict[str, np.ndarray] | None:
        """The stored cluster state if it was derived from ``stamp`` (see :meth:`write_state`),
        else ``None``."""
        db = self.conn
        rows = db.execute(f"SELECT name, dtype, data, crc FROM state WHERE {_NOT_MEMO}", (MEMO,)).fetchall()
        out = decode_state(self.path, rows)
        st = out.pop("stamp", None)
        if st is None or not np.array_equal(st, np.asarray(stamp, dtype=np.int64)):
            return None
        return out

    @sqlite_errors
    def read_memos(self) -> dict[str, np.ndarray]:
        """The memos stored with the cluster state (see :meth:`write_state`), whatever its stamp:
        they hold for the documents they cover (see :mod:`dedup.corpus.memo`)."""
        rows = self.conn.execute(f"SELECT name, dtype, data, crc FROM state WHERE substr(name, 1, {len(MEMO)}) = ?",
                                 (MEMO,))
        out: dict[str, np.ndarray] = {}
        for row in rows:  # (one blob at a time)
            out.update(decode_state(self.path, [row]))
        return out
