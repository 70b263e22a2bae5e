"""Documents in the forms users hold them, as the one stream the corpus reads.

:func:`documents` takes what :func:`dedup.dedupe` and :meth:`dedup.Corpus.add`
are given: an iterable of documents (``str``, ``(id, text)`` pairs, dicts), or a
table — a pandas ``DataFrame``, a pyarrow ``Table`` or ``RecordBatch``, a
Hugging Face ``datasets.Dataset`` (or ``IterableDataset``), a polars
``DataFrame`` — read row by row as dicts by ``text_field``/``id_field``. A table
is recognised by the module of its type and the methods it has, so none of
those libraries is imported unless such an object is given; a table of any
other kind raises :class:`TypeError` naming its type rather than being iterated
(iterating a DataFrame gives its column names, not its rows).

The other fields of a dict document (``url``, ``metadata``, ...) are kept as
the document's :class:`~dedup.results.Fields` (:func:`fields_of`), held in a
:class:`FieldSpool` (a temporary file, not memory) until its result is made.
"""

from __future__ import annotations

import pickle
import tempfile
from array import array
from collections.abc import Iterable, Iterator, Mapping
from typing import IO, Any

from .results import NO_FIELDS, Fields

__all__ = ["documents", "fields_of", "Record", "FieldSpool"]

#: Rows converted at once from a table.
_CHUNK = 1024


def _table_kind(obj: object) -> str | None:
    """``"pandas"``, ``"pyarrow"``, ``"datasets"``, ``"polars"`` for a table of that
    library (by its type's module and methods), ``"unknown"`` for another object with
    named columns, ``None`` for anything else."""
    top = (type(obj).__module__ or "").split(".")[0]
    if top == "pandas" and hasattr(obj, "itertuples") and hasattr(obj, "columns"):
        return "pandas"
    if top == "pyarrow" and hasattr(obj, "to_pylist") and hasattr(obj, "column_names"):
        return "pyarrow"
    if top == "datasets" and hasattr(obj, "column_names") and hasattr(obj, "features"):
        return "datasets"
    if top == "polars" and hasattr(obj, "iter_rows") and hasattr(obj, "columns"):
        return "polars"
    if hasattr(obj, "columns") or hasattr(obj, "column_names"):
        return "unknown"
    return None


def _columns(obj: Any, kind: str) -> list[str] | None:
    cols = obj.column_names if kind in ("pyarrow", "datasets") else obj.columns
    return None if cols is None else [str(c) for c in cols]


def _rows(obj: Any, kind: str) -> Iterator[dict[str, Any]]:
    if kind == "pandas":
        for i in range(0, len(obj), _CHUNK):
            yield from obj.iloc[i : i + _CHUNK].to_dict("records")
    elif kind == "pyarrow":
        for batch in obj.to_batches(max_chunksize=_CHUNK) if hasattr(obj, "to_batches") else [obj]:
            yield from batch.to_pylist()
    elif kind == "polars":
        yield from obj.iter_rows(named=True)
    else:  # datasets: its rows are dicts
        yield from obj


def documents(docs: object, *, text_field: str = "text", id_field: str = "id", what: str = "dedupe()") -> Iterable[object]:
    """``docs`` as an iterable of documents: itself if it is one; the rows of a
    table as dicts. A single document, a mapping, a table of an unknown kind or
    an object that cannot be iterated raises :class:`TypeError` naming its type;
    a table without ``text_field`` raises :class:`ValueError` naming its columns.

    Examples:
        >>> list(documents(["a", ("x", "b")]))
        ['a', ('x', 'b')]
        >>> documents({"text": "a"})
        Traceback (most recent call last):
        ...
        TypeError: dedupe() takes an iterable of documents, got a dict; wrap a single document in a list
    """
    if isinstance(docs, (str, bytes, bytearray, Mapping)):
        raise TypeError(
            f"{what} takes an iterable of documents, got a {type(docs).__name__}; wrap a single document in a list"
        )
    kind = _table_kind(docs)
    if kind == "unknown" and type(docs).__module__.startswith("pyspark"):
        raise TypeError(f"{what} cannot read a Spark DataFrame here; use dedup.spark.dedupe(df), which runs on Spark")
    if kind == "unknown":
        raise TypeError(
            f"{what} cannot read a {type(docs).__module__}.{type(docs).__name__}: iterating it would give its "
            f"column names, not its rows; pass a pandas DataFrame, a pyarrow Table, a datasets.Dataset, a polars "
            f"DataFrame, or an iterable of dicts (e.g. its rows as dicts)"
        )
    if kind is not None:
        cols = _columns(docs, kind)
        if cols is not None and text_field not in cols:
            raise ValueError(
                f"the {type(docs).__name__} has no {text_field!r} column (columns: {cols[:10]}); "
                f"pass text_field= to name the text column"
            )
        return _rows(docs, kind)
    if not isinstance(docs, Iterable):
        raise TypeError(
            f"{what} takes an iterable of documents (str, (id, text) pairs or dicts) or a table, "
            f"got {type(docs).__module__}.{type(docs).__name__}"
        )
    return docs


class Record(Mapping[str, Any]):
    """A dict document whose id is given apart (``id``, read as ``record[id_field]``)
    while its own fields stay as they are: the command line numbers a record
    without an id by its place (``file:line``) and keeps an integer id an integer
    in the output."""

    __slots__ = ("record", "id_field", "id")

    def __init__(self, record: Mapping[str, Any], id_field: str, id: str):
        self.record, self.id_field, self.id = record, id_field, id

    def __getitem__(self, key: str) -> Any:
        return self.id if key == self.id_field else self.record[key]

    def __contains__(self, key: object) -> bool:
        return key == self.id_field or key in self.record

    def __iter__(self) -> Iterator[str]:
        return iter(self.record)

    def __len__(self) -> int:
        return len(self.record)


def fields_of(doc: object, text_field: str) -> Fields:
    """The fields of a dict document other than its text, in their order
    (:data:`~dedup.results.NO_FIELDS` for a ``str`` or an ``(id, text)`` pair).

    Examples:
        >>> f = fields_of({"id": 7, "text": "t", "url": "u"}, "text")
        >>> dict(f), f.with_text("text", "T")
        ({'id': 7, 'url': 'u'}, {'id': 7, 'text': 'T', 'url': 'u'})
    """
    if isinstance(doc, Record):
        doc = doc.record
    if not isinstance(doc, Mapping) or (len(doc) == 1 and text_field in doc):
        return NO_FIELDS
    items = list(doc.items())
    at = next((i for i, (k, _) in enumerate(items) if k == text_field), len(items))
    return Fields({k: v for k, v in items if k != text_field}, at)


class FieldSpool:
    """The :class:`~dedup.results.Fields` of stored documents by position, pickled
    to a temporary file (made only once a document has fields). A position may be
    given again (a document the index held already, read again by a re-run): its
    new fields replace the old."""

    def __init__(self) -> None:
        self._file: IO[bytes] | None = None
        self._size = 0  # bytes written to the file
        self._at = 0  # where the file's position is
        # entry i is bytes starts[i]..ends[i] of the file (empty: no fields)
        self._starts = array("q")
        self._ends = array("q")

    def __len__(self) -> int:
        return len(self._ends)

    def put(self, pos: int, fields: Fields) -> None:
        """Keep the fields of the document at ``pos`` (replacing those kept for it)."""
        n = len(self._ends)
        if pos >= n:  # (documents stored before this spool, or without fields: none)
            self._starts.extend(array("q", [0]) * (pos + 1 - n))
            self._ends.extend(array("q", [0]) * (pos + 1 - n))
        if not fields:
            self._starts[pos] = self._ends[pos] = 0
            return
        if self._file is None:
            self._file = tempfile.TemporaryFile(prefix="dedup-fields-")
        data = pickle.dumps(fields, protocol=pickle.HIGHEST_PROTOCOL)
        at, self._at = self._at, -1  # (unknown until the write is done)
        if at != self._size:
            self._file.seek(self._size)
        self._file.write(data)
        self._starts[pos], self._ends[pos] = self._size, self._size + len(data)
        self._size += len(data)
        self._at = self._size

    def drop_from(self, pos: int) -> None:
        """Forget the entries at and after ``pos`` (a batch read but never stored, before an error)."""
        del self._starts[pos:]
        del self._ends[pos:]

    def get(self, d0: int, d1: int) -> list[Fields]:
        """The fields of documents ``d0..d1-1`` (none kept: :data:`~dedup.results.NO_FIELDS`)."""
        n = len(self._ends)
        if self._file is None or d0 >= n:
            return [NO_FIELDS] * (d1 - d0)
        hi = min(d1, n)
        starts, ends = self._starts[d0:hi], self._ends[d0:hi]
        full = [k for k in range(hi - d0) if ends[k] > starts[k]]
        out = [NO_FIELDS] * (d1 - d0)
        if not full:
            return out
        if all(starts[b] == ends[a] for a, b in zip(full, full[1:])):  # (one piece of the file: read at once)
            base = starts[full[0]]
            self._at = -1
            self._file.seek(base)
            data = self._file.read(ends[full[-1]] - base)
            self._at = ends[full[-1]]
            for k in full:
                out[k] = pickle.loads(data[starts[k] - base : ends[k] - base])
        else:
            self._at = -1
            for k in full:
                self._file.seek(starts[k])
                out[k] = pickle.loads(self._file.read(ends[k] - starts[k]))
            self._at = ends[full[-1]]
        return out

    def close(self) -> None:
        """Delete the temporary file."""
        if self._file is not None:
            self._file.close()
            self._file = None
        self._size = 0
        self._starts, self._ends = array("q"), array("q")
