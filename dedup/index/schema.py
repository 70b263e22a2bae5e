"""What an index file holds and how it is identified: the tables, the schema version, the
fingerprint of the :class:`~dedup.Config` it was built with and the Unicode tables it
tokenized with; :func:`open_schema` creates them in a new file and refuses a file that
does not match."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import asdict
from pathlib import Path
from typing import Any

from ..config import Config
from ..text import text_model
from .errors import IndexMismatchError, damaged_error

__all__ = ["SCHEMA_VERSION", "FINGERPRINT_FIELDS", "TABLES", "SCHEMA", "config_fingerprint", "table_names",
           "open_schema"]

SCHEMA_VERSION = 11  # 11: boilerplate leaves out paragraph clusters whose stories are about one topic (stored cluster states differ); 10: paragraphs of scripts without spaces shingled by nospace_shingle_size; 9: within-document decisions of glued copies, repetition the author meant and letter labels (stored repeats differ); 8: paragraphs carry their form and lead keys (fragments, template lines); 7: repeats carry their kind; 6: a CRC per row, text sizes, batch document ranges; 5: repeats as float64 rows; 4: edges per linking pass; 3: paragraphs per batch; 2: nodes are sets of the whole corpus

#: Config fields that change what is stored (everything but performance knobs).
FINGERPRINT_FIELDS = (
    "num_perm", "seed", "shingle_size", "nospace_shingle_size", "threshold", "bands", "rows", "max_miss", "mode", "min_tokens",
    "bucket_window", "candidates", "doc_threshold", "boilerplate_min",
)


def config_fingerprint(cfg: Config) -> dict[str, Any]:
    """The stored identity of a configuration (plus the LSH parameters it resolves to)."""
    d = asdict(cfg)
    out = {k: d[k] for k in FINGERPRINT_FIELDS if k in d}
    out["lsh"] = list(cfg.lsh)
    out["doc_lsh"] = list(cfg.doc_lsh)
    return out


#: The tables and their columns, in order (checked on opening).
TABLES = {
    "meta": ("key", "value"),
    "docs": ("doc", "id", "text", "size", "repeats", "batch", "crc"),
    "batches": ("batch", "first_doc", "docs", "paragraphs", "first_node", "offsets", "shingles", "keys", "crc"),
    "links": ("first_node", "last_node", "edges", "sims", "crc"),
    "state": ("name", "dtype", "data", "crc"),
}

SCHEMA = """
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
    paragraphs BLOB NOT NULL,       -- int64 [n, 10]: doc, start, end, cut_end, tokens, node, removed, form, lead keys (2)
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


def table_names(db: sqlite3.Connection) -> set[str]:
    """The tables of the file ``db`` is open on."""
    return {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def open_schema(
    db: sqlite3.Connection, path: Path, cfg: Config, durable: bool,
    transaction: Callable[[], AbstractContextManager[Any]],
) -> bool:
    """Create the tables of a new index at ``path`` (in one ``transaction()``), or check
    an existing one's (format, schema version, Unicode tables, ``cfg``, columns), raising
    :class:`IndexMismatchError` naming the fix; returns whether its texts are zlib-compressed."""
    fp = json.dumps(config_fingerprint(cfg), sort_keys=True)
    model = json.dumps(text_model(), sort_keys=True)
    if not table_names(db):
        with transaction():  # (another process may have made it meanwhile: looked at again inside)
            if not table_names(db):
                for stmt in SCHEMA.strip().split(";"):
                    if stmt.strip():
                        db.execute(stmt)
                db.executemany(
                    "INSERT INTO meta VALUES (?, ?)",
                    [("schema_version", str(SCHEMA_VERSION)), ("config", fp), ("format", "dedup-index"),
                     ("text_model", model), ("texts", "zlib" if durable else "utf-8")],
                )
    if "meta" not in table_names(db):
        raise IndexMismatchError(f"{path} is a SQLite file but not a dedup index; pass a new path")
    meta = dict(db.execute("SELECT key, value FROM meta"))
    _check_identity(path, meta, fp, model)
    if meta.get("texts") not in ("zlib", "utf-8"):
        raise damaged_error(path, f"its meta row 'texts' is {meta.get('texts')!r}")
    for name, cols in TABLES.items():
        have = tuple(r[1] for r in db.execute(f"PRAGMA table_info({name})"))
        if have != cols:
            raise damaged_error(path, f"its table {name!r} has the columns {have}, not {cols}")
    return meta["texts"] == "zlib"


def _check_identity(path: Path, meta: dict[str, str], fp: str, model: str) -> None:
    """Refuse an index of another format, schema version, Unicode tables or config."""
    if meta.get("format") != "dedup-index":
        raise IndexMismatchError(f"{path} is not a dedup index; pass a new path")
    if meta.get("schema_version") != str(SCHEMA_VERSION):
        raise IndexMismatchError(
            f"{path} has index schema version {meta.get('schema_version')}, this dedup reads version "
            f"{SCHEMA_VERSION}; rebuild the index from the source documents"
        )
    if meta.get("text_model") != model:
        raise IndexMismatchError(
            f"{path} was built with other Unicode tables (NFKC / character classes):\n"
            f"  stored: {meta.get('text_model')}\n  here:   {model}\n"
            f"text would be tokenized differently; use the Python and regex versions it was built with, "
            f"or rebuild the index"
        )
    if meta.get("config") != fp:
        raise IndexMismatchError(
            f"{path} was built with a different Config:\n  stored: {meta.get('config')}\n  given:  {fp}\n"
            f"open it with the stored config, or use a new index path"
        )
