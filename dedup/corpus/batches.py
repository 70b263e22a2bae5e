"""Documents in: one input document validated (:func:`document`), the input read in batches
of valid documents with new ids (:func:`read_batches`), the per-batch kernel
(:func:`analyze_batch`, independent of the index, so it runs in the workers) and the
documents' stored forms (repeats as bytes, :func:`doc_texts` to read them back)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, fields
from operator import attrgetter
from typing import Any

import numpy as np

from ..chars import batch_chars
from ..collapse import REPEAT_KINDS, Repeat, analyze, cut_repeats
from ..config import Config
from ..forms import paragraph_forms
from ..index import IndexMismatchError, Store, stored_text
from ..lsh import set_fingerprints
from ..maker import make_repeat
from ..shingle import ShingleSets
from ..sources import fields_of
from ..templates import paragraph_leads
from ..text import check_text
from .ids import InputIds

__all__ = ["BatchAnalysis", "analyze_batch", "doc_texts", "repeats_blob", "document", "read_batches"]


@dataclass(frozen=True)
class BatchAnalysis:
    """What the per-batch kernel hands to the ingesting process: the paragraph
    columns, the batch's distinct sets with their fingerprints and band keys, and
    the documents' stored forms (repeats by :func:`repeats_blob`; texts compressed by
    :func:`~dedup.index.stored_text`, with their sizes, or ``None`` when they are stored
    uncompressed: then the ingesting process encodes them, which costs less than shipping
    them back)."""

    cols: np.ndarray  # int64 [paragraphs, 6 + families]: start, end, cut, tokens, removed, form, lead keys
    cls: np.ndarray  # each paragraph's distinct set in the batch
    doc_offsets: np.ndarray
    sets: ShingleSets
    fp: np.ndarray
    keys: np.ndarray
    texts: list[tuple[bytes, int]] | None
    repeats: list[bytes]


def analyze_batch(texts: list[str], cfg: Config, compress: bool = True) -> BatchAnalysis:
    """The per-batch work, all of it independent of the index (so it runs in the
    workers): the kernel, fingerprints, and the documents' stored forms."""
    an = analyze(texts, cfg, cross=True)
    if an.keys is None:
        raise ValueError("analyze(texts, cfg, cross=True) gave no band keys; the corpus driver needs them")
    removed = np.zeros(len(an.starts), dtype=np.int64)
    removed[[int(an.doc_offsets[d]) + r.index for d, reps in enumerate(an.repeats) for r in reps if r.kind != "inside"]] = 1
    chars = batch_chars(texts, an.starts, an.ends, an.doc_offsets)
    return BatchAnalysis(
        cols=np.column_stack((an.starts, an.ends, an.cuts, an.tokens, removed,
                              paragraph_forms(texts, an.starts, an.ends, an.doc_offsets, chars),
                              paragraph_leads(texts, an.starts, an.ends, an.doc_offsets, an.tokens, chars))).astype(np.int64),
        cls=an.cls,
        doc_offsets=an.doc_offsets,
        sets=an.rep_sets,
        fp=set_fingerprints(an.rep_sets),
        keys=an.keys,
        texts=[stored_text(t, True) for t in texts] if compress else None,
        repeats=[repeats_blob(reps) for reps in an.repeats],
    )


def doc_texts(store: Store, d0: int, d1: int) -> list[tuple[str, str, str, tuple[Repeat, ...]]]:
    """``(id, text, collapsed text, repeats)`` of documents ``d0..d1-1``."""
    rows = store.docs(d0, d1)
    flat = b"".join(r for _, _, _, r in rows)
    if len(flat) % _REPEAT_BYTES:
        raise IndexMismatchError(f"{store.path}: the stored repeats of documents {d0}..{d1 - 1} are damaged; rebuild the index")
    vals = np.frombuffer(flat, dtype=_REPEAT_DTYPE).reshape(-1, len(_REPEAT_FIELDS))
    # the chunk's repeats made at once: fields as Python ints (the similarity a float)
    made = list(map(make_repeat, *(_repeat_column(f, vals[:, i]) for i, f in enumerate(_REPEAT_FIELDS))))
    out: list[tuple[str, str, str, tuple[Repeat, ...]]] = []
    at = 0
    for _, did, text, blob in rows:
        if not blob:
            out.append((did, text, text, ()))
        else:
            reps = tuple(made[at : at + len(blob) // _REPEAT_BYTES])
            at += len(reps)
            out.append((did, text, cut_repeats(text, reps), reps))
    return out


#: How a document's repeats are stored: one row of little-endian float64 per repeat, the
#: fields of :class:`~dedup.Repeat` in order (offsets and indices below 2^53 are exact).
_REPEAT_FIELDS = tuple(f.name for f in fields(Repeat))
_REPEAT_DTYPE = np.dtype("<f8")
_REPEAT_BYTES = len(_REPEAT_FIELDS) * _REPEAT_DTYPE.itemsize
_repeat_values = attrgetter(*_REPEAT_FIELDS)
_KIND_CODE = {k: i for i, k in enumerate(REPEAT_KINDS)}


def _repeat_column(field: str, col: np.ndarray) -> list[Any]:
    """One stored column of repeats as the field's Python values (``kind`` by its code)."""
    if field == "similarity":
        return col.tolist()
    ints = col.astype(np.int64)
    if field == "kind":
        if len(ints) and not (0 <= int(ints.min()) and int(ints.max()) < len(REPEAT_KINDS)):
            raise ValueError(f"stored repeat kind codes outside 0..{len(REPEAT_KINDS) - 1}; rebuild the index")
        return [REPEAT_KINDS[k] for k in ints.tolist()]
    return ints.tolist()


def repeats_blob(reps: Sequence[Repeat]) -> bytes:
    """A document's repeats as stored (see :data:`_REPEAT_FIELDS`, ``kind`` by its
    position in :data:`~dedup.collapse.REPEAT_KINDS`); ``b""`` for none."""
    if not reps:
        return b""
    rows = [(*_repeat_values(r)[:-1], _KIND_CODE[r.kind]) for r in reps]
    return np.array(rows, dtype=_REPEAT_DTYPE).tobytes()




def document(pos: int, doc: object, *, base: int = 0, text_field: str = "text", id_field: str = "id") -> tuple[str, str]:
    """``(id, text)`` of one input document (``str``, ``(id, text)`` or a dict), validated:
    ids are str or int (made str); a document without one is numbered ``base + pos``."""
    if isinstance(doc, str):
        return str(base + pos), doc
    if isinstance(doc, (bytes, bytearray)):
        check_text(doc, what=f"document {pos}")
    if isinstance(doc, Mapping):
        if text_field not in doc:
            raise ValueError(
                f"document {pos} has no {text_field!r} field (fields: {sorted(map(str, doc))[:10]}); "
                f"pass text_field= to name the text field"
            )
        text = doc[text_field]
        did = doc.get(id_field, base + pos)
    elif isinstance(doc, tuple) and len(doc) == 2:
        did, text = doc
    else:
        raise TypeError(
            f"document {pos} must be a str, an (id, text) pair or a dict with a {text_field!r} field, "
            f"got {type(doc).__name__}"
        )
    if isinstance(did, (int, np.integer)) and not isinstance(did, bool):
        did = str(did)
    if not isinstance(did, str):
        raise TypeError(f"document {pos} has an id of type {type(did).__name__} ({did!r:.40}); ids must be str or int")
    return did, check_text(text, what=f"text of document {pos} (id {did!r})")


def read_batches(docs: Iterable[object], ids: InputIds, inflight: dict[str, int], *, size: int, base: int,
                 text_field: str, id_field: str) -> Iterator[list[tuple[str, str]]]:
    """``docs`` as batches of up to ``size`` valid documents (see :func:`document`; those
    without an id numbered from ``base``) with new ids (checked by ``ids``: ``inflight`` holds
    the positions of ids read but not stored yet); a batch of skipped ids is not yielded."""
    pos = 0
    batch: list[tuple[str, str]] = []
    extra = []
    for doc in docs:
        batch.append(document(pos, doc, base=base, text_field=text_field, id_field=id_field))
        extra.append(fields_of(doc, text_field))
        pos += 1
        if len(batch) >= size:
            if new := ids.check(batch, pos - len(batch), inflight, extra):
                yield new
            batch, extra = [], []
    if batch and (new := ids.check(batch, pos - len(batch), inflight, extra)):
        yield new
