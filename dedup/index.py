"""The persistent corpus store: SQLite, one transaction per batch, no pickle.

Arrays are stored as little-endian raw bytes with their dtype named in the
column (a document's repeats too), texts as UTF-8 (lone surrogates kept;
zlib-compressed in a durable index, raw in a temporary one), small records as
JSON. The file carries a schema version and the fingerprint of the
:class:`~dedup.Config` it was built with; opening it with another version or
config is a clear error instead of silently mixed results.
"""

from __future__ import annotations

import json
import os
import sqlite3
import zlib
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np

from .config import Config
from .shingle import ShingleSets
from .text import text_model

__all__ = ["SCHEMA_VERSION", "IndexError_", "Store", "encode_text", "decode_text", "config_fingerprint"]

SCHEMA_VERSION = 6  # 6: repeats carry their kind; 5: repeats as float64 rows; 4: edges per linking pass; 3: paragraphs per batch; 2: nodes are sets of the whole corpus

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
    raw = text.encode("utf-8", "surrogatepass")
    return zlib.compress(raw, 1) if compress else raw


def decode_text(data: bytes, compressed: bool) -> str:
    """The text that :func:`encode_text` stored."""
    return (zlib.decompress(data) if compressed else data).decode("utf-8", "surrogatepass")


class IndexError_(ValueError):
    """An index file that cannot be used with this version or configuration."""


def config_fingerprint(cfg: Config) -> dict[str, Any]:
    """The stored identity of a configuration (plus the LSH parameters it resolves to)."""
    d = asdict(cfg)
    out = {k: d[k] for k in _FINGERPRINT_FIELDS if k in d}
    out["lsh"] = list(cfg.lsh)
    out["doc_lsh"] = list(cfg.doc_lsh)
    return out


def _blob(a: np.ndarray) -> bytes:
    return np.ascontiguousarray(a).astype(a.dtype.newbyteorder("<"), copy=False).tobytes()


def _array(b: bytes, dtype: str) -> np.ndarray:
    return np.frombuffer(b, dtype=np.dtype(dtype).newbyteorder("<")).astype(dtype)


_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS docs (
    doc INTEGER PRIMARY KEY,        -- position in the corpus, 0-based
    id TEXT NOT NULL UNIQUE,
    text BLOB NOT NULL,             -- utf-8 (surrogatepass), zlib-compressed if meta texts = zlib
    repeats BLOB NOT NULL,          -- float64 [n, 8] within-document repeats (the fields of Repeat)
    batch INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS batches (
    batch INTEGER PRIMARY KEY,
    paragraphs BLOB NOT NULL,       -- int64 [n, 7]: doc, start, end, cut_end, tokens, node, removed
    first_node INTEGER NOT NULL,
    offsets BLOB NOT NULL,          -- int64 CSR offsets of the batch's node sets
    shingles BLOB NOT NULL,         -- uint32 CSR values
    keys BLOB NOT NULL              -- uint64 [nodes, bands] LSH band keys
);
CREATE TABLE IF NOT EXISTS links (
    first_node INTEGER PRIMARY KEY, -- the pass linked nodes first_node .. last_node - 1 to all before
    last_node INTEGER NOT NULL,
    edges BLOB NOT NULL,            -- int64 [m, 2] verified node pairs
    sims BLOB NOT NULL              -- float64 [m] their exact Jaccard
);
CREATE TABLE IF NOT EXISTS state (name TEXT PRIMARY KEY, dtype TEXT NOT NULL, data BLOB NOT NULL);
"""


class Store:
    """A SQLite file holding a corpus index (see the module docstring); ``durable=False``
    (a temporary index, deleted with its process, never reopened) skips every fsync,
    stores texts uncompressed when it creates the file (they are read back once), and
    keeps only the documents: the index arrays, links and cluster state that let a
    durable index be reopened stay in the memory of the corpus that wrote them."""

    def __init__(self, path: str | os.PathLike[str], cfg: Config, *, create: bool = True, durable: bool = True):
        self.path = Path(path)
        self.durable = durable
        if not create and not self.path.exists():
            raise FileNotFoundError(f"index {self.path} does not exist")
        try:
            self.db = sqlite3.connect(self.path, isolation_level=None)
            self.db.execute("PRAGMA journal_mode=WAL")
            # a temporary index (durable=False) dies with the process: no fsync at all
            self.db.execute("PRAGMA synchronous=" + ("NORMAL" if durable else "OFF"))
            tables = {r[0] for r in self.db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        except sqlite3.DatabaseError as e:
            raise IndexError_(f"{self.path} is not a dedup index (SQLite says: {e}); pass a new path") from None
        fp = json.dumps(config_fingerprint(cfg), sort_keys=True)
        model = json.dumps(text_model(), sort_keys=True)
        if "meta" not in tables:
            if tables:
                raise IndexError_(f"{self.path} is a SQLite file but not a dedup index; pass a new path")
            with self.transaction():
                for stmt in _SCHEMA.strip().split(";"):
                    if stmt.strip():
                        self.db.execute(stmt)
                self.db.executemany(
                    "INSERT INTO meta VALUES (?, ?)",
                    [("schema_version", str(SCHEMA_VERSION)), ("config", fp), ("format", "dedup-index"),
                     ("text_model", model), ("texts", "zlib" if durable else "utf-8")],
                )
        meta = dict(self.db.execute("SELECT key, value FROM meta"))
        #: whether texts are stored zlib-compressed (see :func:`encode_text`)
        self.compressed = meta.get("texts", "zlib") == "zlib"
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

    # -- transactions ----------------------------------------------------------
    class _Tx:
        def __init__(self, db: sqlite3.Connection):
            self.db = db

        def __enter__(self) -> sqlite3.Connection:
            self.db.execute("BEGIN IMMEDIATE")
            return self.db

        def __exit__(self, et: object, ev: object, tb: object) -> None:
            self.db.execute("COMMIT" if et is None else "ROLLBACK")

    def transaction(self) -> _Tx:
        """``with store.transaction():`` — all or nothing."""
        return Store._Tx(self.db)

    def close(self) -> None:
        self.db.close()

    # -- writes ----------------------------------------------------------------
    def write_batch(
        self,
        batch: int,
        docs: list[tuple[int, str, bytes, bytes]],
        paragraphs: np.ndarray,
        first_node: int,
        sets: ShingleSets,
        keys: np.ndarray,
    ) -> None:
        """Store one batch in one transaction: its documents ``(doc, id, text from
        encode_text, repeats as stored)``, their paragraphs, the new nodes' sets and band keys.

        Raises ``sqlite3.IntegrityError`` (nothing written) when a document id is
        already in the index.
        """
        rows = [(d, i, t, r, batch) for d, i, t, r in docs]
        with self.transaction():
            self.db.executemany("INSERT INTO docs VALUES (?, ?, ?, ?, ?)", rows)
            if self.durable:
                self.db.execute(
                    "INSERT INTO batches VALUES (?, ?, ?, ?, ?, ?)",
                    (batch, _blob(paragraphs.astype(np.int64)), first_node, _blob(sets.offsets.astype(np.int64)),
                     _blob(sets.values.astype(np.uint32)), _blob(keys.astype(np.uint64))),
                )
                self.db.execute("DELETE FROM state")  # cluster state is stale now

    def write_links(self, first_node: int, last_node: int, edges: np.ndarray, sims: np.ndarray) -> None:
        """Store the verified edges that link nodes ``first_node .. last_node - 1`` to all before."""
        if not self.durable:
            return
        with self.transaction():
            self.db.execute(
                "INSERT INTO links VALUES (?, ?, ?, ?)",
                (first_node, last_node, _blob(edges.astype(np.int64)), _blob(sims.astype(np.float64))),
            )
            self.db.execute("DELETE FROM state")

    def write_state(self, arrays: dict[str, np.ndarray]) -> None:
        """Replace the stored cluster state (one transaction)."""
        if not self.durable:
            return
        with self.transaction():
            self.db.execute("DELETE FROM state")
            self.db.executemany(
                "INSERT INTO state VALUES (?, ?, ?)", [(k, v.dtype.str.lstrip("<>|="), _blob(v)) for k, v in arrays.items()]
            )

    # -- reads -----------------------------------------------------------------
    def _lookup(self, key: str, value: str, keys: list[Any]) -> dict[Any, Any]:
        """``{key: value}`` from the docs table for the stored ones among ``keys``."""
        out: dict[Any, Any] = {}
        for i in range(0, len(keys), 500):  # SQLite caps the number of bound parameters
            chunk = keys[i : i + 500]
            q = f"SELECT {key}, {value} FROM docs WHERE {key} IN ({','.join('?' * len(chunk))})"
            out.update(dict(self.db.execute(q, chunk)))
        return out

    def existing_ids(self, ids: list[str]) -> dict[str, int]:
        """Which of these ids the index holds already, with their document number."""
        return self._lookup("id", "doc", ids)

    def doc_ids(self, docs: list[int]) -> dict[int, str]:
        """The ids of these document numbers."""
        return self._lookup("doc", "id", docs)

    def text(self, doc: int) -> str:
        """The text of one document."""
        (t,) = self.db.execute("SELECT text FROM docs WHERE doc = ?", (doc,)).fetchone()
        return decode_text(t, self.compressed)

    def counts(self) -> tuple[int, int]:
        """``(documents, batches)`` stored."""
        d = self.db.execute("SELECT COUNT(*) FROM docs").fetchone()[0]
        b = self.db.execute("SELECT COUNT(*) FROM batches").fetchone()[0]
        return int(d), int(b)

    def batches(self) -> Iterator[dict[str, Any]]:
        """Every stored batch, in order, with its arrays decoded."""
        for row in self.db.execute("SELECT * FROM batches ORDER BY batch"):
            batch, paras, first, off, sh, keys = row
            yield {
                "batch": batch,
                "paragraphs": _array(paras, "int64").reshape(-1, 7),
                "first_node": first,
                "offsets": _array(off, "int64"),
                "shingles": _array(sh, "uint32"),
                "keys": _array(keys, "uint64"),
            }

    def links(self) -> Iterator[tuple[int, int, np.ndarray]]:
        """``(first_node, last_node, edges)`` of every linking pass, in order."""
        for first, last, edges in self.db.execute("SELECT first_node, last_node, edges FROM links ORDER BY first_node"):
            yield first, last, _array(edges, "int64").reshape(-1, 2)

    def docs(self, first: int = 0, last: int | None = None) -> list[tuple[int, str, str, bytes]]:
        """``(doc, id, text, stored repeats)`` of documents ``first`` to ``last - 1`` (or
        the end), in order (read at once: ask for a range at a time)."""
        rows = self.db.execute(
            "SELECT doc, id, text, repeats FROM docs WHERE doc >= ? AND doc < ? ORDER BY doc",
            (first, (1 << 62) if last is None else last),
        ).fetchall()
        return [(d, i, decode_text(t, self.compressed), r) for d, i, t, r in rows]

    def read_state(self) -> dict[str, np.ndarray] | None:
        rows = self.db.execute("SELECT name, dtype, data FROM state").fetchall()
        if not rows:
            return None
        return {n: _array(b, dt) for n, dt, b in rows}
