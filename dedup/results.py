"""What the corpus driver yields: per-document results that carry their evidence.

A corpus holds millions of paragraphs, so a document's per-paragraph evidence
(:class:`Paragraphs`) is kept as columns and turned into :class:`ParagraphInfo`
objects only when it is read: a loop that wants the collapsed text, the cluster
and the boilerplate does not pay for the objects it never looks at.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, NamedTuple

from .maker import maker
from .paragraphs import INFO_FIELDS, ParagraphInfo, Paragraphs, ResultColumns, paragraphs_view
from .repeats import Repeat
from .text import paragraph_spans

__all__ = [
    "ParagraphInfo", "Paragraphs", "DocResult", "CorpusSummary", "TopBoilerplate", "ClusterSize", "Fields",
    "NO_FIELDS", "INFO_FIELDS", "ResultColumns", "paragraphs_view", "make_doc_result",
]


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
        """Short, for a notebook (under 300 characters): the id, the size, what collapse
        removed, the boilerplate, the document cluster and the field names; the texts are
        attributes, :meth:`to_dict` gives everything.

        Examples:
            >>> import dedup
            >>> next(iter(dedup.dedupe([{"id": "a", "text": "Ya.", "url": "u"}])))
            DocResult(id='a', 3 chars, removed 0 repeats (0 chars), boilerplate=0, cluster='a' (1 docs), fields=['id', 'url'])
        """
        names = [_short(n, 16) for n in list(self.fields)[:4]]
        more = f", +{len(self.fields) - 4} more" if len(self.fields) > 4 else ""
        return (
            f"DocResult(id={_short(self.id, 40)}, {len(self.text)} chars, removed {len(self.repeats)} repeats "
            f"({len(self.text) - len(self.collapsed)} chars), boilerplate={len(self.boilerplate)}, "
            f"cluster={_short(self.cluster, 40)} ({self.cluster_size} docs), fields=[{', '.join(names)}{more}])"
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

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict of everything: the id, cluster and fields, the text and its
        collapse, each repeat with its removed and witness texts, each paragraph with its
        text (the fields' values as the input gave them)."""
        return {
            "id": self.id,
            "cluster": self.cluster,
            "cluster_size": self.cluster_size,
            "is_representative": self.is_representative,
            "fields": dict(self.fields),
            "text": self.text,
            "collapsed": self.collapsed,
            "repeats": [r.to_dict(self.text) for r in self.repeats],
            "paragraphs": [p.to_dict(self.text) for p in self.paragraphs],
        }

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


class TopBoilerplate(NamedTuple):
    """A widespread boilerplate paragraph: its text and how many documents and
    stories (document clusters) hold it."""

    text: str
    doc_frequency: int
    story_frequency: int


class ClusterSize(NamedTuple):
    """A document cluster: its representative's id and its number of documents."""

    representative: str
    size: int


@dataclass(frozen=True)
class CorpusSummary:
    """Corpus-wide figures: sizes, top boilerplate (:class:`TopBoilerplate` entries; given
    as plain tuples, they are made into those), largest document clusters
    (:class:`ClusterSize` entries)."""

    documents: int
    paragraphs: int
    paragraph_clusters: int
    document_clusters: int
    boilerplate_paragraphs: int
    top_boilerplate: tuple[TopBoilerplate, ...]
    largest_document_clusters: tuple[ClusterSize, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "top_boilerplate", tuple(TopBoilerplate(*e) for e in self.top_boilerplate))
        object.__setattr__(
            self, "largest_document_clusters", tuple(ClusterSize(*e) for e in self.largest_document_clusters)
        )

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict; the entries of the two lists are objects with named fields."""
        d = asdict(self)
        d["top_boilerplate"] = [e._asdict() for e in self.top_boilerplate]
        d["largest_document_clusters"] = [e._asdict() for e in self.largest_document_clusters]
        return d


def _short(s: str, n: int) -> str:
    """``repr(s)`` of at most about ``n`` characters."""
    r = repr(s)
    return r if len(r) <= n + 2 else r[: n + 1] + "…" + r[0]
