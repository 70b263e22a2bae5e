"""The rows of the index's tables: made with their CRC (:func:`~dedup.index.encoding.row_crc`),
and read back each checked (CRC, sizes, ranges) and decoded, or refused with
:func:`~dedup.index.errors.damaged_error` naming the index ``path``."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import numpy as np

from ..shingle import ShingleSets
from ..templates import FAMILIES
from .encoding import decode_text, doc_crc, encode_id, from_blob, row_crc, to_blob
from .errors import IndexMismatchError, damaged_error

__all__ = ["PARAGRAPH_COLUMNS", "doc_rows", "batch_row", "links_row", "state_rows", "check_docs", "decode_id", "decode_doc", "decode_batch", "decode_links", "decode_state"]

#: Columns of a batch's stored paragraphs (the P_* columns of dedup.corpus.settings).
PARAGRAPH_COLUMNS = 8 + len(FAMILIES)


def doc_rows(batch: int, docs: list[tuple[int, str, bytes, int, bytes]]) -> list[tuple[Any, ...]]:
    """The rows of the documents ``(doc, id, stored text, its size, stored repeats)`` of ``batch``."""
    rows = []
    for d, i, t, s, r in docs:
        ident = encode_id(i)
        rows.append((d, ident, t, s, r, batch, doc_crc(d, ident, t, s, r, batch)))
    return rows


def batch_row(batch: int, docs: list[tuple[int, str, bytes, int, bytes]], paragraphs: np.ndarray, first_node: int,
              sets: ShingleSets, keys: np.ndarray) -> tuple[Any, ...]:
    """The row of a batch: its document range, paragraphs, new nodes' sets and band keys."""
    fields = (batch, docs[0][0] if docs else 0, len(docs), to_blob(paragraphs.astype(np.int64)), first_node,
              to_blob(sets.offsets.astype(np.int64)), to_blob(sets.values.astype(np.uint32)),
              to_blob(keys.astype(np.uint64)))
    return (*fields, row_crc(*fields))


def links_row(first_node: int, last_node: int, edges: np.ndarray, sims: np.ndarray) -> tuple[Any, ...]:
    """The row of a linking pass: its node range, verified edges and their similarities."""
    fields = (first_node, last_node, to_blob(edges.astype(np.int64)), to_blob(sims.astype(np.float64)))
    return (*fields, row_crc(*fields))


def state_rows(arrays: dict[str, np.ndarray], stamp: np.ndarray | None) -> list[tuple[Any, ...]]:
    """The rows of the cluster state ``arrays`` and its ``stamp`` (if any)."""
    rows = []
    named = arrays if stamp is None else {**arrays, "stamp": np.asarray(stamp, dtype=np.int64)}
    for k, v in named.items():
        dt, data = v.dtype.str.lstrip("<>|="), to_blob(v)
        rows.append((k, dt, data, row_crc(k, dt, data)))
    return rows


def decode_id(path: Path, raw: Any, doc: Any) -> str:
    """A stored id (of document ``doc``) as the str it was."""
    if not isinstance(raw, bytes):
        raise damaged_error(path, f"the id of document {doc} is not stored as bytes")
    try:
        return raw.decode("utf-8", "surrogatepass")
    except UnicodeDecodeError:
        raise damaged_error(path, f"the id of document {doc} is not UTF-8") from None


def decode_doc(path: Path, compressed: bool, d: int, raw: bytes, t: bytes, s: int, r: bytes, b: int,
               crc: int) -> tuple[int, str, str, bytes]:
    """A stored document checked (CRC, text size) and decoded: ``(doc, id, text, stored repeats)``."""
    i = decode_id(path, raw, d)
    typed = isinstance(t, bytes) and isinstance(r, bytes) and all(type(x) is int for x in (d, s, b))
    if not typed or crc != doc_crc(d, raw, t, s, r, b):
        raise damaged_error(path, f"document {d} (id {i!r:.60}) does not match its checksum")
    try:
        return d, i, decode_text(t, compressed, s), r
    except IndexMismatchError:
        raise damaged_error(path, f"the text of document {d} (id {i!r:.60}) does not decode to its size") from None


def check_docs(path: Path, db: sqlite3.Connection, durable: bool) -> tuple[int, int]:
    """The consistency of the documents' table: numbered ``0 .. n - 1`` and, in a
    ``durable`` index, cut into the batches' ranges in order; returns ``(documents, batches)``."""
    n, lo, hi = db.execute("SELECT COUNT(*), MIN(doc), MAX(doc) FROM docs").fetchone()
    if n and (lo != 0 or hi != n - 1):
        raise damaged_error(path, f"its {n} documents are numbered {lo} .. {hi}, not 0 .. {n - 1}")
    if not durable:
        return int(n), 0
    at = 0
    rows = db.execute("SELECT batch, first_doc, docs FROM batches ORDER BY batch").fetchall()
    for k, (b, first, count) in enumerate(rows):
        if b != k or first != at or not isinstance(count, int) or count < 1:
            raise damaged_error(path, f"batch {b} holds documents from {first} (count {count}), expected batch {k} "
                                   f"from document {at}")
        at += count
    if at != n:
        raise damaged_error(path, f"its batches hold {at} documents, its documents' table {n}")
    return int(n), len(rows)


def decode_batch(path: Path, row: tuple[Any, ...], node: int, bands: int) -> dict[str, Any]:
    """A stored batch whose nodes start at ``node``, with ``bands`` band keys per node,
    checked (CRC, shapes, ranges of documents and nodes) and decoded."""
    *fields, crc = row
    batch, first_doc, n_docs, paras, first, off, sh, keys = fields
    if not all(isinstance(x, bytes) for x in (paras, off, sh, keys)) or crc != row_crc(*fields):
        raise damaged_error(path, f"batch {batch} does not match its checksum")
    if first != node or len(paras) % (8 * PARAGRAPH_COLUMNS) or len(off) % 8 or len(sh) % 4 or len(keys) % (8 * bands):
        raise damaged_error(path, f"batch {batch}'s arrays have impossible sizes")
    p = from_blob(paras, "int64").reshape(-1, PARAGRAPH_COLUMNS)
    o = from_blob(off, "int64")
    s = from_blob(sh, "uint32")
    k = from_blob(keys, "uint64")
    n_new = len(o) - 1
    if (n_new < 0 or o[0] != 0 or o[-1] != len(s) or (np.diff(o) < 0).any() or len(k) != n_new * bands
            or (len(p) and ((p[:, 0] < first_doc).any() or (p[:, 0] >= first_doc + n_docs).any()
                            or (np.diff(p[:, 0]) < 0).any() or (p[:, 5] < 0).any()
                            or (p[:, 5] >= node + n_new).any() or (p[:, 1] < 0).any()
                            or (p[:, 2] < p[:, 1]).any()))):
        raise damaged_error(path, f"batch {batch}'s arrays are inconsistent")
    return {"batch": batch, "paragraphs": p, "first_node": first, "offsets": o, "shingles": s, "keys": k}


def decode_links(path: Path, row: tuple[Any, ...], linked: int, nodes: int) -> tuple[int, int, np.ndarray]:
    """``(first_node, last_node, edges)`` of a stored linking pass that follows on the
    ``linked`` nodes of ``nodes``, checked (CRC, contiguous, edges between them)."""
    *fields, crc = row
    first, last, edges, sims = fields
    if not isinstance(edges, bytes) or not isinstance(sims, bytes) or crc != row_crc(*fields):
        raise damaged_error(path, f"the links from node {first} do not match their checksum")
    if first != linked or not isinstance(last, int) or not first < last <= nodes or len(edges) % 16 \
            or len(sims) * 2 != len(edges):
        raise damaged_error(path, f"the links from node {first} to {last} do not follow on the {linked} linked "
                                  f"of {nodes} nodes")
    e = from_blob(edges, "int64").reshape(-1, 2)
    if len(e) and ((e < 0).any() or (e >= last).any() or (e[:, 0] >= e[:, 1]).any()):
        raise damaged_error(path, f"the links from node {first} name nodes out of range")
    return first, last, e


def decode_state(path: Path, rows: list[tuple[Any, ...]]) -> dict[str, np.ndarray]:
    """The stored cluster state's ``(name, dtype, data, crc)`` rows, checked and decoded."""
    out = {}
    for n, dt, b, crc in rows:
        if not isinstance(b, bytes) or not isinstance(dt, str) or crc != row_crc(n, dt, b):
            raise damaged_error(path, f"the cluster state {n!r} does not match its checksum")
        try:
            out[n] = from_blob(b, dt)
        except (TypeError, ValueError):
            raise damaged_error(path, f"the cluster state {n!r} has dtype {dt!r}") from None
    return out
