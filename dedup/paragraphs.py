"""A document's per-paragraph corpus evidence: :class:`ParagraphInfo` and the column store
:class:`Paragraphs` that makes those objects only when they are read."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, fields
from operator import itemgetter
from typing import Any, overload

from .maker import maker

__all__ = ["ParagraphInfo", "INFO_FIELDS", "ResultColumns", "Paragraphs", "paragraphs_view"]


@dataclass(frozen=True)
class ParagraphInfo:
    """What the corpus knows about one paragraph of a document.

    ``cluster`` names the paragraph's near-duplicate cluster by its earliest
    occurrence (``first_doc``, ``first_start``, ``first_end``), and
    ``similarity`` is the exact Jaccard between this paragraph and that one
    (1.0 when it is that one). ``doc_frequency`` counts the documents holding
    the cluster and ``story_frequency`` the document clusters; ``boilerplate``
    is ``story_frequency >= config.boilerplate_min``.
    """

    index: int
    start: int
    end: int
    tokens: int
    cluster: int
    cluster_size: int
    doc_frequency: int
    story_frequency: int
    boilerplate: bool
    first_doc: str
    first_start: int
    first_end: int
    similarity: float
    removed: bool

    def to_dict(self, text: str | None = None) -> dict[str, Any]:
        """A JSON-ready dict of the fields; given the document's ``text``, also the paragraph's."""
        d = asdict(self)
        if text is not None:
            d["text"] = text[self.start : self.end]
        return d


#: The fields of :class:`ParagraphInfo`, in order (``index`` first).
INFO_FIELDS = tuple(f.name for f in fields(ParagraphInfo))


_info = maker(ParagraphInfo)
_BOILER = INFO_FIELDS.index("boilerplate") - 1  # (columns leave out the index)


class ResultColumns:
    """The :class:`ParagraphInfo` columns of the results of consecutive documents, shared by their
    :class:`Paragraphs` (the corpus driver makes one per chunk of results), with the
    rows flagged as boilerplate and their values picked out (the ones most loops read)."""

    __slots__ = ("columns", "boiler_rows", "boiler_values")

    def __init__(self, columns: tuple[tuple[Any, ...], ...], boiler_rows: list[int]):
        self.columns = columns
        self.boiler_rows = boiler_rows
        self.boiler_values = list(zip(*(_pick(c, boiler_rows) for c in columns))) if boiler_rows else []


def _pick(col: tuple[Any, ...], rows: list[int]) -> tuple[Any, ...]:
    return (itemgetter(*rows)(col),) if len(rows) == 1 else itemgetter(*rows)(col)


_View = tuple[ResultColumns, int, int, int, int]


class Paragraphs(Sequence[ParagraphInfo]):
    """The paragraphs of one document as an immutable sequence of :class:`ParagraphInfo`.

    Stored as one tuple per field after ``index`` (``columns``, all of one length;
    in a corpus result, a view of the columns of its chunk of results until first read);
    the :class:`ParagraphInfo` objects are made on first access and kept. Equal to
    any sequence of the same :class:`ParagraphInfo` objects, a tuple included.

    Examples:
        >>> ps = Paragraphs.of([ParagraphInfo(0, 0, 9, 3, 0, 1, 1, 1, False, "a", 0, 9, 1.0, False)])
        >>> len(ps), ps[0].end, ps == (ps[0],), ps.boilerplate
        (1, 9, True, ())
    """

    __slots__ = ("_cols", "_items", "_view")

    def __init__(self, columns: Sequence[Sequence[Any]]):
        cols = tuple(tuple(c) for c in columns)
        if len(cols) != len(INFO_FIELDS) - 1 or len({len(c) for c in cols}) > 1:
            raise ValueError(
                f"Paragraphs takes {len(INFO_FIELDS) - 1} columns of one length (the ParagraphInfo fields after "
                f"'index'), got {len(cols)} of lengths {sorted({len(c) for c in cols})}; use Paragraphs.of(infos)"
            )
        self._cols: tuple[tuple[Any, ...], ...] | None = cols
        self._items: tuple[ParagraphInfo, ...] | None = None
        self._view: _View | None = None

    @classmethod
    def of(cls, infos: Iterable[ParagraphInfo]) -> Paragraphs:
        """From :class:`ParagraphInfo` objects (their ``index`` must count from 0)."""
        items = tuple(infos)
        if any(p.index != i for i, p in enumerate(items)):
            raise ValueError("ParagraphInfo.index must be 0, 1, 2, ... in order")
        out = cls([tuple(getattr(p, f) for p in items) for f in INFO_FIELDS[1:]] if items else [()] * 13)
        out._items = items
        return out

    @classmethod
    def _trusted(cls, columns: tuple[tuple[Any, ...], ...]) -> Paragraphs:
        """From columns the corpus driver built (no checks, no copies)."""
        out = cls.__new__(cls)
        out._cols, out._items, out._view = columns, None, None
        return out

    def _all(self) -> tuple[ParagraphInfo, ...]:
        if self._items is None:
            cols = self.columns
            self._items = tuple(map(_info, range(len(cols[0])), *cols))
        return self._items

    @property
    def columns(self) -> tuple[tuple[Any, ...], ...]:
        """One tuple per :class:`ParagraphInfo` field after ``index``."""
        if self._cols is None:
            assert self._view is not None  # (one of the two is always set)
            block, a, b, _, _ = self._view
            self._cols, self._view = tuple(c[a:b] for c in block.columns), None  # (the block may go)
        return self._cols

    @property
    def boilerplate(self) -> tuple[ParagraphInfo, ...]:
        """The paragraphs flagged as boilerplate (only these are made)."""
        if self._view is not None and self._items is None:
            block, a, _, lo, hi = self._view
            return tuple(_info(r - a, *v) for r, v in zip(block.boiler_rows[lo:hi], block.boiler_values[lo:hi]))
        cols = self.columns
        rows = [i for i, b in enumerate(cols[_BOILER]) if b]
        if self._items is not None:
            return tuple(self._items[i] for i in rows)
        return tuple(map(_info, rows, *([c[i] for i in rows] for c in cols)))

    def __len__(self) -> int:
        if self._view is not None:
            return self._view[2] - self._view[1]
        assert self._cols is not None
        return len(self._cols[0])

    @overload
    def __getitem__(self, i: int) -> ParagraphInfo: ...
    @overload
    def __getitem__(self, i: slice) -> tuple[ParagraphInfo, ...]: ...
    def __getitem__(self, i: int | slice) -> ParagraphInfo | tuple[ParagraphInfo, ...]:
        if isinstance(i, slice):
            return self._all()[i]
        if self._items is None:  # one object, without making the others
            n = len(self)
            k = i + n if i < 0 else i
            if not 0 <= k < n:
                raise IndexError(f"paragraph index {i} out of range for {n} paragraphs")
            return _info(k, *(c[k] for c in self.columns))
        return self._items[i]

    def __iter__(self) -> Iterator[ParagraphInfo]:
        return iter(self._all())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Paragraphs):
            return self.columns == other.columns
        if isinstance(other, (tuple, list)):
            return self._all() == tuple(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._all())  # as the equal tuple's

    def __repr__(self) -> str:
        return f"Paragraphs({list(self._all())!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return Paragraphs._trusted, (self.columns,)

    def to_json(self) -> list[dict[str, Any]]:
        """One dict per paragraph (the fields of :class:`ParagraphInfo`)."""
        return [dict(zip(INFO_FIELDS, row)) for row in zip(range(len(self)), *self.columns)]


def paragraphs_view(chunk: ResultColumns, a: int, b: int, lo: int, hi: int) -> Paragraphs:
    """The :class:`Paragraphs` of rows ``a..b-1`` of a :class:`ResultColumns` (its boilerplate
    rows ``lo..hi-1``), for the corpus driver: nothing is copied until they are read."""
    out = Paragraphs.__new__(Paragraphs)
    out._cols, out._items, out._view = None, None, (chunk, a, b, lo, hi)
    return out

