"""The persistent corpus store: SQLite, one transaction per batch, no pickle.

Arrays are stored as little-endian raw bytes with their dtype named in the
column (a document's repeats too), texts as UTF-8 (lone surrogates kept;
zlib-compressed in a durable index, raw in a temporary one) with their byte size,
small records as JSON. The file carries a schema version and the fingerprint of the
:class:`~dedup.Config` it was built with; opening it with another version or
config is a clear error instead of silently mixed results.

Every row carries a CRC-32 of its content, checked when it is read, and the tables
are checked for consistency (schema, counts, ranges) on opening
(:meth:`Store.check`): a damaged or edited index is refused with
:class:`IndexError_`, never read as fewer or other results. Compressed texts are
decompressed no further than their stored size. Every SQLite error (full disk,
read-only file, a lock held too long, a damaged page) is raised as
:class:`IndexError_` naming the file and the fix.

Sharing (see docs/reliability.md): the file is in WAL mode, so any number of
readers read alongside one writer, each from a snapshot (:meth:`Store.snapshot`);
a writer holds the lock :meth:`Store.lock` (``flock`` on ``INDEX.lock`` beside the
index) from its first write to :meth:`Store.close`, and a second writer waits for it
up to a timeout and is then refused with a clear error.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import sqlite3
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from .config import Config
from .shingle import ShingleSets
from .text import text_model

try:
    import fcntl
except ImportError:  # (not on Windows: there the writer lock is SQLite's per transaction only)
    fcntl = None  # type: ignore[assignment]

__all__ = [
    "SCHEMA_VERSION", "IndexMismatchError", "IndexError_", "Store", "encode_text", "decode_text", "stored_text", "config_fingerprint",
    "row_crc",
]

SCHEMA_VERSION = 7  # 7: repeats carry their kind; 6: a CRC per row, text sizes, batch document ranges; 5: repeats as float64 rows; 4: edges per linking pass; 3: paragraphs per batch; 2: nodes are sets of the whole corpus

#: Config fields that change what is stored (everything but performance knobs).
_FINGERPRINT_FIELDS = (
    "num_perm", "seed", "shingle_size", "threshold", "bands", "rows", "max_miss", "mode", "min_tokens",
    "bucket_window", "candidates", "doc_threshold", "boilerplate_min",
)


def encode_text(text: str, compress: bool = True) -> bytes:
    """How texts are stored: UTF-8 with lone surrogates kept, zlib-compressed or not.

    Examples:
        >>> lone = "a" + chr(0xD800)  # a lone surrogate survives the round trip
        >>> decode_text(encode_text(lone), True) == lone, decode_text(encode_text("ab", False), False)
        (True, 'ab')
    """
    return stored_text(text, compress)[0]


def stored_text(text: str, compress: bool = True) -> tuple[bytes, int]:
    """``(encode_text(text, compress), its UTF-8 size in bytes)``: what the index stores."""
    raw = text.encode("utf-8", "surrogatepass")
    return (zlib.compress(raw, 1) if compress else raw), len(raw)


def decode_text(data: bytes, compressed: bool, size: int | None = None) -> str:
    """The text that :func:`encode_text` stored; with ``size`` (its UTF-8 size, as
    :func:`stored_text` gave it), decompressed no further than that, and
    :class:`IndexError_` for data that does not decode to exactly ``size`` bytes
    (never the gigabyte a damaged 1 MB blob can expand to).

    Examples:
        >>> decode_text(zlib.compress(b"x" * 10**6), True, 10)
        Traceback (most recent call last):
        ...
        dedup.index.IndexMismatchError: a stored text is damaged (it does not decode to its stored size of 10 bytes)
    """
    bad = IndexError_(f"a stored text is damaged (it does not decode to its stored size of {size} bytes)")
    try:
        if not compressed:
            raw = data
        elif size is None:
            raw = zlib.decompress(data)
        else:
            d = zlib.decompressobj()
            raw = d.decompress(data, size + 1)
            if len(raw) == size and not d.eof:  # (ends exactly at size: the end of the stream may follow)
                raw += d.decompress(d.unconsumed_tail, 1)
            if not d.eof or d.unused_data or d.unconsumed_tail:
                raise bad
        if size is not None and len(raw) != size:
            raise bad
        return raw.decode("utf-8", "surrogatepass")
    except (zlib.error, UnicodeDecodeError):
        raise bad from None


class IndexMismatchError(ValueError):
    """An index file that does not match this run and cannot be used: built with another
    schema version or :class:`~dedup.Config`, a damaged or inconsistent file, another
    writer holding it, or an error of SQLite itself (full disk, read-only file); the
    message names the file and the fix. Exported as ``dedup.IndexMismatchError``."""


#: Deprecated alias of :class:`IndexMismatchError`.
IndexError_ = IndexMismatchError


def config_fingerprint(cfg: Config) -> dict[str, Any]:
    """The stored identity of a configuration (plus the LSH parameters it resolves to)."""
    d = asdict(cfg)
    out = {k: d[k] for k in _FINGERPRINT_FIELDS if k in d}
    out["lsh"] = list(cfg.lsh)
    out["doc_lsh"] = list(cfg.doc_lsh)
    return out


def row_crc(*fields: int | str | bytes | None) -> int:
    """The CRC-32 stored with a row: of each field (ints as 8 little-endian bytes, texts as
    UTF-8), each preceded by its length, so that no two rows of other fields share it by
    construction.

    Examples:
        >>> row_crc(1, "a", b"xy") == row_crc(1, "a", b"xy"), row_crc(1, "a", b"xy") == row_crc(1, "ax", b"y")
        (True, False)
    """
    crc = 0
    for f in fields:
        if isinstance(f, int):
            b = int(f).to_bytes(8, "little", signed=True)
        elif isinstance(f, str):
            b = f.encode("utf-8", "surrogatepass")
        elif f is None:
            b = b"\xff"
        else:
            b = bytes(f)
        crc = zlib.crc32(b, zlib.crc32(len(b).to_bytes(8, "little"), crc))
    return crc


def _id(did: str) -> bytes:
    """How a document id is stored (and looked up): UTF-8, lone surrogates kept."""
    return did.encode("utf-8", "surrogatepass")


def _blob(a: np.ndarray) -> bytes:
    return np.ascontiguousarray(a).astype(a.dtype.newbyteorder("<"), copy=False).tobytes()


def _array(b: bytes, dtype: str) -> np.ndarray:
    return np.frombuffer(b, dtype=np.dtype(dtype).newbyteorder("<")).astype(dtype)


#: The tables and their columns, in order (checked on opening).
_TABLES = {
    "meta": ("key", "value"),
    "docs": ("doc", "id", "text", "size", "repeats", "batch", "crc"),
    "batches": ("batch", "first_doc", "docs", "paragraphs", "first_node", "offsets", "shingles", "keys", "crc"),
    "links": ("first_node", "last_node", "edges", "sims", "crc"),
    "state": ("name", "dtype", "data", "crc"),
}

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS docs (
    doc INTEGER PRIMARY KEY,        -- position in the corpus, 0-based
    id BLOB NOT NULL UNIQUE,        -- utf-8 (surrogatepass: any str id, lone surrogates too)
    text BLOB NOT NULL,             -- utf-8 (surrogatepass), zlib-compressed if meta texts = zlib
    size INTEGER NOT NULL,          -- bytes of the utf-8 text
    repeats BLOB NOT NULL,          -- float64 [n, 8] within-document repeats (the fields of Repeat)
    batch INTEGER NOT NULL,
    crc INTEGER NOT NULL            -- row_crc(doc, id, text, size, repeats, batch)
);
CREATE TABLE IF NOT EXISTS batches (
    batch INTEGER PRIMARY KEY,
    first_doc INTEGER NOT NULL,     -- the batch holds documents first_doc .. first_doc + docs - 1
    docs INTEGER NOT NULL,
    paragraphs BLOB NOT NULL,       -- int64 [n, 7]: doc, start, end, cut_end, tokens, node, removed
    first_node INTEGER NOT NULL,
    offsets BLOB NOT NULL,          -- int64 CSR offsets of the batch's node sets
    shingles BLOB NOT NULL,         -- uint32 CSR values
    keys BLOB NOT NULL,             -- uint64 [nodes, bands] LSH band keys
    crc INTEGER NOT NULL            -- row_crc of the columns before, in order
);
CREATE TABLE IF NOT EXISTS links (
    first_node INTEGER PRIMARY KEY, -- the pass linked nodes first_node .. last_node - 1 to all before
    last_node INTEGER NOT NULL,
    edges BLOB NOT NULL,            -- int64 [m, 2] verified node pairs
    sims BLOB NOT NULL,             -- float64 [m] their exact Jaccard
    crc INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS state (name TEXT PRIMARY KEY, dtype TEXT NOT NULL, data BLOB NOT NULL, crc INTEGER NOT NULL);
"""

_F = TypeVar("_F", bound=Callable[..., Any])


def _sqlite_errors(fn: _F) -> _F:
    """Raise every ``sqlite3.Error`` of a :class:`Store` method as :class:`IndexError_`."""

    @functools.wraps(fn)
    def wrapped(self: Store, *a: Any, **k: Any) -> Any:
        try:
            return fn(self, *a, **k)
        except sqlite3.Error as e:
            raise self.sqlite_error(e) from None

    return wrapped  # type: ignore[return-value]


def _sqlite_gen(fn: _F) -> _F:
    """:func:`_sqlite_errors` for a generator method."""

    @functools.wraps(fn)
    def wrapped(self: Store, *a: Any, **k: Any) -> Any:
        try:
            yield from fn(self, *a, **k)
        except sqlite3.Error as e:
            raise self.sqlite_error(e) from None

    return wrapped  # type: ignore[return-value]


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
            raise IndexError_(f"{self.path} is not a dedup index (SQLite says: {e}); pass a new path") from None
        except BaseException:
            self.close()
            raise

    def _open(self, cfg: Config) -> None:
        self.db = sqlite3.connect(self.path, isolation_level=None, timeout=30.0)
        self.db.execute("PRAGMA journal_mode=WAL")
        # a temporary index (durable=False) dies with the process: no fsync at all
        self.db.execute("PRAGMA synchronous=" + ("NORMAL" if self.durable else "OFF"))
        fp = json.dumps(config_fingerprint(cfg), sort_keys=True)
        model = json.dumps(text_model(), sort_keys=True)
        if not self._tables():
            with self.transaction():  # (another process may have made it meanwhile: looked at again inside)
                if not self._tables():
                    for stmt in _SCHEMA.strip().split(";"):
                        if stmt.strip():
                            self.db.execute(stmt)
                    self.db.executemany(
                        "INSERT INTO meta VALUES (?, ?)",
                        [("schema_version", str(SCHEMA_VERSION)), ("config", fp), ("format", "dedup-index"),
                         ("text_model", model), ("texts", "zlib" if self.durable else "utf-8")],
                    )
        tables = self._tables()
        if "meta" not in tables:
            raise IndexError_(f"{self.path} is a SQLite file but not a dedup index; pass a new path")
        meta = dict(self.db.execute("SELECT key, value FROM meta"))
        if meta.get("format") != "dedup-index":
            raise IndexError_(f"{self.path} is not a dedup index; pass a new path")
        if meta.get("schema_version") != str(SCHEMA_VERSION):
            raise IndexError_(
                f"{self.path} has index schema version {meta.get('schema_version')}, this dedup reads version "
                f"{SCHEMA_VERSION}; rebuild the index from the source documents"
            )
        if meta.get("text_model") != model:
            raise IndexError_(
                f"{self.path} was built with other Unicode tables (NFKC / character classes):\n"
                f"  stored: {meta.get('text_model')}\n  here:   {model}\n"
                f"text would be tokenized differently; use the Python and regex versions it was built with, "
                f"or rebuild the index"
            )
        if meta.get("config") != fp:
            raise IndexError_(
                f"{self.path} was built with a different Config:\n  stored: {meta.get('config')}\n  given:  {fp}\n"
                f"open it with the stored config, or use a new index path"
            )
        if meta.get("texts") not in ("zlib", "utf-8"):
            raise self.damaged(f"its meta row 'texts' is {meta.get('texts')!r}")
        for name, cols in _TABLES.items():
            have = tuple(r[1] for r in self.db.execute(f"PRAGMA table_info({name})"))
            if have != cols:
                raise self.damaged(f"its table {name!r} has the columns {have}, not {cols}")
        #: whether texts are stored zlib-compressed (see :func:`encode_text`)
        self.compressed = meta["texts"] == "zlib"

    def _tables(self) -> set[str]:
        assert self.db is not None  # (open)
        return {r[0] for r in self.db.execute("SELECT name FROM sqlite_master WHERE type='table'")}

    # -- errors ------------------------------------------------------------------
    def damaged(self, what: str) -> IndexError_:
        """The error for an index found inconsistent (``what`` says how)."""
        return IndexError_(
            f"{self.path} is damaged or was edited: {what}; rebuild it from the source documents "
            f"(a new --index path, or delete this file and re-run)"
        )

    def sqlite_error(self, e: sqlite3.Error) -> IndexError_:
        """An error SQLite raised on this index, as :class:`IndexError_` naming the file and the fix."""
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
        return IndexError_(f"index {self.path}: SQLite error: {msg}; {fix}")

    # -- sharing -----------------------------------------------------------------
    @property
    def lock_path(self) -> Path:
        """The file whose ``flock`` a writer holds (beside the index, kept for the next writer)."""
        return self.path.with_name(self.path.name + ".lock")

    def lock(self, timeout: float = 0.0) -> None:
        """Become this index's one writer: wait up to ``timeout`` seconds for another
        writer (in any process) to close it, then raise :class:`IndexError_`. Held until
        :meth:`close`; a process that dies releases it."""
        if self._lock_fd is not None or not self.durable or fcntl is None:
            return
        try:
            fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o666)
        except OSError as e:
            raise IndexError_(
                f"index {self.path}: cannot open its writer lock {self.lock_path} ({e.strerror}); "
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
                    raise IndexError_(
                        f"index {self.path} is being written by another process"
                        + (f" (pid {holder})" if holder.isdigit() else "")
                        + (f" and was still after {timeout:g} s" if timeout > 0 else "")
                        + "; wait for it to finish and run again (Corpus(lock_timeout=...) waits by itself), "
                        "or use another index path"
                    ) from None
                time.sleep(min(0.05, max(0.0, deadline - time.monotonic())))
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self._lock_fd = fd

    @property
    def locked(self) -> bool:
        """Whether this store holds the writer lock (a temporary index always does)."""
        return self._lock_fd is not None or not self.durable or fcntl is None

    @contextlib.contextmanager
    def snapshot(self) -> Iterator[None]:
        """``with store.snapshot():`` every read inside sees the same committed state
        (one read transaction), whatever a writer commits meanwhile."""
        assert self.db is not None  # (open)
        if self.db.in_transaction:
            yield
            return
        try:
            self.db.execute("BEGIN")
        except sqlite3.Error as e:
            raise self.sqlite_error(e) from None
        try:
            yield
        finally:
            with contextlib.suppress(sqlite3.Error):
                self.db.execute("COMMIT")

    # -- transactions ----------------------------------------------------------
    class _Tx:
        def __init__(self, store: Store):
            self.store = store

        def __enter__(self) -> sqlite3.Connection:
            db = self.store.db
            assert db is not None  # (open)
            db.execute("BEGIN IMMEDIATE")
            return db

        def __exit__(self, et: object, ev: object, tb: object) -> None:
            db = self.store.db
            assert db is not None  # (open)
            if et is None:
                db.execute("COMMIT")
            else:
                with contextlib.suppress(sqlite3.Error):
                    db.execute("ROLLBACK")

    def transaction(self) -> _Tx:
        """``with store.transaction():`` — all or nothing."""
        return Store._Tx(self)

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
    @_sqlite_errors
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
        assert self.db is not None  # (open)
        rows = [(d, _id(i), t, s, r, batch, row_crc(d, i, t, s, r, batch)) for d, i, t, s, r in docs]
        with self.transaction():
            self.db.executemany("INSERT INTO docs VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
            if self.durable:
                fields = (batch, docs[0][0] if docs else 0, len(docs), _blob(paragraphs.astype(np.int64)), first_node,
                          _blob(sets.offsets.astype(np.int64)), _blob(sets.values.astype(np.uint32)),
                          _blob(keys.astype(np.uint64)))
                self.db.execute("INSERT INTO batches VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", (*fields, row_crc(*fields)))
                self.db.execute("DELETE FROM state")  # cluster state is stale now

    @_sqlite_errors
    def write_links(self, first_node: int, last_node: int, edges: np.ndarray, sims: np.ndarray) -> None:
        """Store the verified edges that link nodes ``first_node .. last_node - 1`` to all before."""
        if not self.durable:
            return
        assert self.db is not None  # (open)
        fields = (first_node, last_node, _blob(edges.astype(np.int64)), _blob(sims.astype(np.float64)))
        with self.transaction():
            self.db.execute("INSERT INTO links VALUES (?, ?, ?, ?, ?)", (*fields, row_crc(*fields)))
            self.db.execute("DELETE FROM state")

    @_sqlite_errors
    def write_state(self, arrays: dict[str, np.ndarray], stamp: np.ndarray) -> None:
        """Replace the stored cluster state (one transaction), stamped with ``stamp``
        (what it was derived from: :meth:`read_state` returns it for that stamp only)."""
        if not self.durable:
            return
        assert self.db is not None  # (open)
        rows = []
        for k, v in {**arrays, "stamp": np.asarray(stamp, dtype=np.int64)}.items():
            dt, data = v.dtype.str.lstrip("<>|="), _blob(v)
            rows.append((k, dt, data, row_crc(k, dt, data)))
        with self.transaction():
            self.db.execute("DELETE FROM state")
            self.db.executemany("INSERT INTO state VALUES (?, ?, ?, ?)", rows)

    # -- reads -----------------------------------------------------------------
    def _lookup(self, key: str, value: str, keys: list[Any]) -> dict[Any, Any]:
        """``{key: value}`` from the docs table for the stored ones among ``keys`` (ids as str)."""
        assert self.db is not None  # (open)
        out: dict[Any, Any] = {}
        for i in range(0, len(keys), 500):  # SQLite caps the number of bound parameters
            chunk = keys[i : i + 500]
            q = f"SELECT {key}, {value} FROM docs WHERE {key} IN ({','.join('?' * len(chunk))})"
            rows = self.db.execute(q, [_id(k) for k in chunk] if key == "id" else chunk)
            if key == "id":
                out.update((self._str_id(k, v), v) for k, v in rows)
            else:
                out.update((k, self._str_id(v, k)) for k, v in rows)
        return out

    def _str_id(self, raw: Any, doc: Any) -> str:
        """A stored id as the str it was."""
        if not isinstance(raw, bytes):
            raise self.damaged(f"the id of document {doc} is not stored as bytes")
        try:
            return raw.decode("utf-8", "surrogatepass")
        except UnicodeDecodeError:
            raise self.damaged(f"the id of document {doc} is not UTF-8") from None

    @_sqlite_errors
    def existing_ids(self, ids: list[str]) -> dict[str, int]:
        """Which of these ids the index holds already, with their document number."""
        return self._lookup("id", "doc", ids)

    @_sqlite_errors
    def doc_ids(self, docs: list[int]) -> dict[int, str]:
        """The ids of these document numbers."""
        return self._lookup("doc", "id", docs)

    @_sqlite_errors
    def text(self, doc: int) -> str:
        """The text of one document."""
        return self.docs(doc, doc + 1)[0][2]

    @_sqlite_errors
    def counts(self) -> tuple[int, int]:
        """``(documents, batches)`` stored."""
        assert self.db is not None  # (open)
        d = self.db.execute("SELECT COUNT(*) FROM docs").fetchone()[0]
        b = self.db.execute("SELECT COUNT(*) FROM batches").fetchone()[0]
        return int(d), int(b)

    @_sqlite_errors
    def view(self) -> tuple[int, int, int]:
        """``(documents, batches, nodes linked)`` stored: what a corpus that read the index
        compares to know whether another writer changed it since."""
        assert self.db is not None  # (open)
        with self.snapshot():
            d, b = self.counts()
            linked = self.db.execute("SELECT MAX(last_node) FROM links").fetchone()[0]
        return d, b, int(linked or 0)

    @_sqlite_errors
    def check(self) -> tuple[int, int]:
        """The consistency of the documents' table (call it within :meth:`snapshot`):
        numbered ``0 .. n - 1`` and, in a durable index, cut into the batches' ranges in
        order; returns ``(documents, batches)`` (see :meth:`batches` for the rest)."""
        assert self.db is not None  # (open)
        n, lo, hi = self.db.execute("SELECT COUNT(*), MIN(doc), MAX(doc) FROM docs").fetchone()
        if n and (lo != 0 or hi != n - 1):
            raise self.damaged(f"its {n} documents are numbered {lo} .. {hi}, not 0 .. {n - 1}")
        if not self.durable:
            return int(n), 0
        at = 0
        rows = self.db.execute("SELECT batch, first_doc, docs FROM batches ORDER BY batch").fetchall()
        for k, (b, first, count) in enumerate(rows):
            if b != k or first != at or not isinstance(count, int) or count < 1:
                raise self.damaged(f"batch {b} holds documents from {first} (count {count}), expected batch {k} "
                                   f"from document {at}")
            at += count
        if at != n:
            raise self.damaged(f"its batches hold {at} documents, its documents' table {n}")
        return int(n), len(rows)

    @_sqlite_gen
    def batches(self, bands: int) -> Iterator[dict[str, Any]]:
        """Every stored batch, in order, with its arrays decoded and checked (CRC, shapes,
        ranges of documents and nodes, for ``bands`` band keys per node)."""
        assert self.db is not None  # (open)
        node = 0
        for row in self.db.execute("SELECT * FROM batches ORDER BY batch"):
            *fields, crc = row
            batch, first_doc, n_docs, paras, first, off, sh, keys = fields
            if not all(isinstance(x, bytes) for x in (paras, off, sh, keys)) or crc != row_crc(*fields):
                raise self.damaged(f"batch {batch} does not match its checksum")
            if first != node or len(paras) % 56 or len(off) % 8 or len(sh) % 4 or len(keys) % (8 * bands):
                raise self.damaged(f"batch {batch}'s arrays have impossible sizes")
            p = _array(paras, "int64").reshape(-1, 7)
            o = _array(off, "int64")
            s = _array(sh, "uint32")
            k = _array(keys, "uint64")
            n_new = len(o) - 1
            if (n_new < 0 or o[0] != 0 or o[-1] != len(s) or (np.diff(o) < 0).any() or len(k) != n_new * bands
                    or (len(p) and ((p[:, 0] < first_doc).any() or (p[:, 0] >= first_doc + n_docs).any()
                                    or (np.diff(p[:, 0]) < 0).any() or (p[:, 5] < 0).any()
                                    or (p[:, 5] >= node + n_new).any() or (p[:, 1] < 0).any()
                                    or (p[:, 2] < p[:, 1]).any()))):
                raise self.damaged(f"batch {batch}'s arrays are inconsistent")
            node += n_new
            yield {"batch": batch, "paragraphs": p, "first_node": first, "offsets": o, "shingles": s, "keys": k}

    @_sqlite_gen
    def links(self, nodes: int) -> Iterator[tuple[int, int, np.ndarray]]:
        """``(first_node, last_node, edges)`` of every linking pass, in order, checked
        (CRC, contiguous passes over the ``nodes`` stored, edges between them)."""
        assert self.db is not None  # (open)
        linked = 0
        for row in self.db.execute("SELECT * FROM links ORDER BY first_node"):
            *fields, crc = row
            first, last, edges, sims = fields
            if not isinstance(edges, bytes) or not isinstance(sims, bytes) or crc != row_crc(*fields):
                raise self.damaged(f"the links from node {first} do not match their checksum")
            if first != linked or not isinstance(last, int) or not first < last <= nodes or len(edges) % 16 \
                    or len(sims) * 2 != len(edges):
                raise self.damaged(f"the links from node {first} to {last} do not follow on the {linked} linked "
                                   f"of {nodes} nodes")
            e = _array(edges, "int64").reshape(-1, 2)
            if len(e) and ((e < 0).any() or (e >= last).any() or (e[:, 0] >= e[:, 1]).any()):
                raise self.damaged(f"the links from node {first} name nodes out of range")
            linked = last
            yield first, last, e

    @_sqlite_errors
    def docs(self, first: int = 0, last: int | None = None) -> list[tuple[int, str, str, bytes]]:
        """``(doc, id, text, stored repeats)`` of documents ``first`` to ``last - 1`` (or
        the end), in order (read at once: ask for a range at a time), each checked."""
        assert self.db is not None  # (open)
        rows = self.db.execute(
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

    @_sqlite_errors
    def texts(self, docs: list[int]) -> dict[int, str]:
        """The texts of these document numbers (those stored), each checked."""
        assert self.db is not None  # (open)
        out: dict[int, str] = {}
        for i in range(0, len(docs), 500):  # SQLite caps the number of bound parameters
            chunk = docs[i : i + 500]
            q = f"SELECT doc, id, text, size, repeats, batch, crc FROM docs WHERE doc IN ({','.join('?' * len(chunk))})"
            for row in self.db.execute(q, chunk):
                out[row[0]] = self._row(*row)[2]
        return out

    def _row(self, d: int, raw: bytes, t: bytes, s: int, r: bytes, b: int, crc: int) -> tuple[int, str, str, bytes]:
        """A stored document checked (CRC, text size) and decoded."""
        i = self._str_id(raw, d)
        if not isinstance(t, bytes) or not isinstance(r, bytes) or crc != row_crc(d, i, t, s, r, b):
            raise self.damaged(f"document {d} (id {i!r:.60}) does not match its checksum")
        try:
            return d, i, decode_text(t, self.compressed, s), r
        except IndexError_:
            raise self.damaged(f"the text of document {d} (id {i!r:.60}) does not decode to its size") from None

    @_sqlite_errors
    def read_state(self, stamp: np.ndarray) -> dict[str, np.ndarray] | None:
        """The stored cluster state if it was derived from ``stamp`` (see :meth:`write_state`),
        else ``None``."""
        assert self.db is not None  # (open)
        rows = self.db.execute("SELECT name, dtype, data, crc FROM state").fetchall()
        out = {}
        for n, dt, b, crc in rows:
            if not isinstance(b, bytes) or not isinstance(dt, str) or crc != row_crc(n, dt, b):
                raise self.damaged(f"the cluster state {n!r} does not match its checksum")
            try:
                out[n] = _array(b, dt)
            except (TypeError, ValueError):
                raise self.damaged(f"the cluster state {n!r} has dtype {dt!r}") from None
        st = out.pop("stamp", None)
        if st is None or not np.array_equal(st, np.asarray(stamp, dtype=np.int64)):
            return None
        return out
