"""What the corpus driver yields: per-document results that carry their evidence.

A corpus holds millions of paragraphs, so a document's per-paragraph evidence
(:class:`Paragraphs`) is kept as columns and turned into :class:`ParagraphInfo`
objects only when it is read: a loop that wants the collapsed text, the cluster
and the boilerplate does not pay for the objects it never looks at.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields
from operator import itemgetter
from typing import Any, TypeVar, overload

from .collapse import Repeat
from .text import paragraph_spans

__all__ = ["ParagraphInfo", "Paragraphs", "DocResult", "CorpusSummary", "Fields", "NO_FIELDS"]

T = TypeVar("T")


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


#: The fields of :class:`ParagraphInfo`, in order (``index`` first).
INFO_FIELDS = tuple(f.name for f in fields(ParagraphInfo))


def maker(cls: type[T]) -> Callable[..., T]:
    """A constructor of the frozen dataclass ``cls`` from its field values in order,
    for objects made by the hundred thousand: generated (as :mod:`dataclasses` makes
    ``__init__``) to store each field in the instance's ``__dict__`` directly instead
    of through ``object.__setattr__``, which frozen classes need in ``__init__``
    (0.6 to 0.8 of ``__init__``'s time, measured for :class:`Repeat`,
    :class:`ParagraphInfo` and :class:`DocResult`). The objects are the same (equal,
    hash-equal, picklable); no field is checked or converted.

    Examples:
        >>> maker(Repeat)(0, 5, 10, 15, 1.0, 0, 3, 0, "copy") == Repeat(0, 5, 10, 15, 1.0, 0, 3, 0)
        True
    """
    names = [f.name for f in fields(cls)]  # type: ignore[arg-type]
    if not all(n.isidentifier() for n in names):  # (dataclass fields are identifiers)
        raise ValueError(f"{cls.__name__} has a field that is not an identifier: {names}")
    src = (f"def make({', '.join(names)}):\n    obj = new(cls)\n    d = obj.__dict__\n"
           + "".join(f"    d[{n!r}] = {n}\n" for n in names) + "    return obj\n")
    scope: dict[str, Any] = {"new": object.__new__, "cls": cls}
    exec(src, scope)  # noqa: S102 (the source is made of the field names only)
    make: Callable[..., T] = scope["make"]
    make.__qualname__ = f"maker({cls.__name__})"
    return make


_info = maker(ParagraphInfo)
make_repeat = maker(Repeat)
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


class Fields(Mapping[str, Any]):
    """The fields of an input record other than its text (``id``, ``url``,
    ``metadata``, ...), in their order and with their values as they were (an
    integer id stays an integer); ``text_at`` is where the text field stood among
    them, so :meth:`with_text` gives the record back in its own order.

    Examples:
        >>> f = Fields({"id": 3, "url": "u"}, text_at=1)
        >>> f["url"], f == {"id": 3, "url": "u"}, f.with_text("text", "T")
        ('u', True, {'id': 3, 'text': 'T', 'url': 'u'})
    """

    __slots__ = ("_items", "text_at")

    def __init__(self, items: Mapping[str, Any] | Iterable[tuple[str, Any]] = (), text_at: int | None = None):
        self._items = dict(items)
        self.text_at = len(self._items) if text_at is None else text_at

    def __getitem__(self, key: str) -> Any:
        return self._items[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __repr__(self) -> str:
        return f"Fields({self._items!r})"

    def __eq__(self, other: object) -> bool:
        return dict(self._items) == dict(other) if isinstance(other, Mapping) else NotImplemented

    def __hash__(self) -> int:  # (by the keys: equal mappings have the same keys; values may be unhashable)
        return hash(frozenset(self._items))

    def __reduce__(self) -> tuple[Any, ...]:
        return Fields, (self._items, self.text_at)

    def with_text(self, text_field: str, text: str) -> dict[str, Any]:
        """The record: these fields with ``text_field: text`` where the text stood."""
        items = list(self._items.items())
        items.insert(min(self.text_at, len(items)), (text_field, text))
        return dict(items)


#: The fields of a document given as a ``str`` or an ``(id, text)`` pair: none.
NO_FIELDS = Fields()


@dataclass(frozen=True)
class DocResult:
    """One document's result: its collapse with evidence, and its place in the corpus.

    ``repeats`` are the within-document removals (each with its kept witness);
    ``paragraphs`` the cross-document evidence of every paragraph (its cluster,
    earliest copy, similarity to it, document frequency, boilerplate flag);
    ``cluster`` the id of the document's cluster representative (the earliest
    document of its near-duplicate cluster) and ``cluster_size`` its size;
    ``fields`` the input record's other fields (``url``, ``metadata``, the id
    as it was given), empty for a ``str`` or an ``(id, text)`` document.
    """

    id: str
    text: str
    collapsed: str
    repeats: tuple[Repeat, ...]
    paragraphs: Paragraphs
    cluster: str
    cluster_size: int
    fields: Fields = field(default=NO_FIELDS, hash=False)

    @property
    def boilerplate(self) -> tuple[ParagraphInfo, ...]:
        """The paragraphs flagged as boilerplate, with their document frequencies."""
        return self.paragraphs.boilerplate

    def __repr__(self) -> str:
        """Short, for a notebook: sizes and counts, not the texts (read them as attributes).

        Examples:
            >>> import dedup
            >>> next(iter(dedup.dedupe([{"id": "a", "text": "Ya.", "url": "u"}])))
            DocResult(id='a', cluster='a', cluster_size=1, text=3 chars, collapsed=3 chars, repeats=0, paragraphs=1, boilerplate=0, fields=['id', 'url'])
        """
        names = list(self.fields)
        shown = names[:8] + (["..."] if len(names) > 8 else [])
        return (
            f"DocResult(id={self.id[:40]!r}, cluster={self.cluster[:40]!r}, cluster_size={self.cluster_size}, "
            f"text={len(self.text)} chars, collapsed={len(self.collapsed)} chars, repeats={len(self.repeats)}, "
            f"paragraphs={len(self.paragraphs)}, boilerplate={len(self.boilerplate)}, fields={[n[:20] for n in shown]})"
        )

    @property
    def is_representative(self) -> bool:
        """Whether this document represents its document cluster (it is the
        cluster's earliest document): keeping only these drops near-duplicate documents."""
        return self.cluster == self.id

    def boilerplate_cuts(self, mode: str = "line") -> list[tuple[int, int]]:
        """The spans of :attr:`text` that :meth:`without_boilerplate` cuts: the
        removed repeats and every boilerplate paragraph with its line terminator
        (line mode; up to the next paragraph in blank mode), merged, in order.
        ``mode`` is the corpus's :attr:`Config.mode <dedup.Config.mode>`."""
        if mode not in ("line", "blank"):
            raise ValueError(f"mode must be 'line' or 'blank' (the corpus's Config.mode), got {mode!r}")
        spans = [(r.start, r.end) for r in self.repeats]
        boiler = self.boilerplate
        if boiler:
            starts, _, cut_ends = paragraph_spans(self.text, mode)
            cut_of = dict(zip(starts.tolist(), cut_ends.tolist()))
            spans += [(p.start, cut_of.get(p.start, p.end)) for p in boiler]
        merged: list[tuple[int, int]] = []
        for a, b in sorted(spans):
            if merged and a <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], b))
            else:
                merged.append((a, b))
        return merged

    def without_boilerplate(self, mode: str = "line") -> str:
        """:attr:`collapsed` with the boilerplate paragraphs cut out too, each with
        its line terminator (as collapse cuts a repeat); ``mode`` is the corpus's
        :attr:`Config.mode <dedup.Config.mode>`. A text for training: no repeated
        block, no footer or link line that recurs across stories.

        Examples:
            >>> import dedup
            >>> foot = "Copyright 2024 The Daily Example, all rights reserved worldwide.\\n"
            >>> docs = [s + "\\n" + foot for s in ("The council met on Monday to vote on the new budget.",
            ...         "A storm hit the coast and thousands of homes lost power.", "The home team won the final.")]
            >>> r = next(iter(dedup.dedupe(docs, dedup.Config(boilerplate_min=3))))
            >>> r.without_boilerplate()
            'The council met on Monday to vote on the new budget.\\n'
        """
        if not self.boilerplate:
            return self.collapsed
        parts, pos = [], 0
        for a, b in self.boilerplate_cuts(mode):
            parts.append(self.text[pos:a])
            pos = b
        parts.append(self.text[pos:])
        return "".join(parts)

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (the text itself left out)."""
        return {
            "id": self.id,
            "collapsed": self.collapsed,
            "repeats": [asdict(r) for r in self.repeats],
            "paragraphs": self.paragraphs.to_json(),
            "cluster": self.cluster,
            "cluster_size": self.cluster_size,
        }


make_doc_result = maker(DocResult)


@dataclass(frozen=True)
class CorpusSummary:
    """Corpus-wide figures: sizes, top boilerplate, largest document clusters."""

    documents: int
    paragraphs: int
    paragraph_clusters: int
    document_clusters: int
    boilerplate_paragraphs: int
    top_boilerplate: tuple[tuple[str, int, int], ...]  # (text, doc frequency, story frequency)
    largest_document_clusters: tuple[tuple[str, int], ...]  # (representative id, size)
