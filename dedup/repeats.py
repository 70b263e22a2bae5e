"""Removals and their evidence: what :func:`dedup.find_repeats` returns.

A :class:`Repeat` is one cut span with the kept span it repeats and the measure
that decided; :class:`Block` groups the repeats of one repeated run;
:class:`ExplainedText` holds a text, its collapse and the repeats together.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

__all__ = ["REPEAT_KINDS", "MEASURES", "Repeat", "Block", "ExplainedText", "cut_repeats"]

#: What :attr:`Repeat.similarity` measures for each :attr:`Repeat.kind`.
MEASURES = {"copy": "Jaccard", "contained": "containment", "inside": "same sentences",
            "glued": "Jaccard without the glued heads"}
#: The values of :attr:`Repeat.kind`, in the order their codes are stored.
REPEAT_KINDS = tuple(MEASURES)


@dataclass(frozen=True)
class Repeat:
    """One removal and its evidence.

    ``[start, end)`` is the removed span of the input (the paragraph and its line
    terminator); ``[witness_start, witness_end)`` is the kept earlier paragraph it
    repeats; ``similarity`` measures how alike they are (see ``kind``); ``block``
    numbers the repeated run it belongs to; ``index``/``witness_index`` are the
    two paragraphs' positions among the paragraphs of the text. ``kind`` says
    what decided: ``"copy"`` (``similarity`` is the Jaccard of the two
    paragraphs), ``"contained"`` (``similarity`` is the share of the removed
    paragraph's shingles found in the longer witness), ``"inside"`` (a run of
    sentences inside paragraph ``index``, equal sentence by sentence to a run of
    the kept text; ``similarity`` is 1.0) or ``"glued"`` (a copy with a credit or
    prefix glued to its head, see :mod:`dedup.glue`; ``similarity`` is the
    Jaccard of the two paragraphs without their heads).
    """

    start: int
    end: int
    witness_start: int
    witness_end: int
    similarity: float
    block: int
    index: int
    witness_index: int
    kind: str = "copy"

    @property
    def measure(self) -> str:
        """What ``similarity`` measures, in words: ``"Jaccard"``, ``"containment"``
        or ``"same sentences"``."""
        return MEASURES.get(self.kind, "Jaccard")

    def to_dict(self, text: str | None = None) -> dict[str, Any]:
        """A JSON-ready dict of the fields and :attr:`measure`; given the ``text`` the
        repeat was found in, also the removed and the witness texts.

        Examples:
            >>> import dedup
            >>> t = "A line of well over eight words, said twice.\\n" * 2
            >>> d = dedup.find_repeats(t)[0].to_dict(t)
            >>> d["start"], d["removed_text"], d["witness_text"], d["measure"]
            (45, 'A line of well over eight words, said twice.\\n', 'A line of well over eight words, said twice.', 'Jaccard')
        """
        return _with_texts(asdict(self) | {"measure": self.measure}, self, text)


@dataclass(frozen=True)
class Block:
    """A run of consecutive removed paragraphs that mirrors an earlier run."""

    block: int
    start: int
    end: int
    witness_start: int
    witness_end: int
    paragraphs: int
    min_similarity: float

    def to_dict(self, text: str | None = None) -> dict[str, Any]:
        """A JSON-ready dict of the fields; given the ``text``, also the removed and the witness texts."""
        return _with_texts(asdict(self), self, text)


def _with_texts(d: dict[str, Any], span: Repeat | Block, text: str | None) -> dict[str, Any]:
    if text is not None:
        d["removed_text"] = text[span.start : span.end]
        d["witness_text"] = text[span.witness_start : span.witness_end]
    return d


@dataclass(frozen=True)
class ExplainedText:
    """A text, its collapse, and the evidence for every removal."""

    text: str
    collapsed: str
    repeats: tuple[Repeat, ...]

    def __repr__(self) -> str:
        """Short, for a notebook: sizes and counts (read the texts as attributes)."""
        return (f"ExplainedText(text={len(self.text)} chars, collapsed={len(self.collapsed)} chars, "
                f"repeats={len(self.repeats)}, blocks={len(self.blocks)})")

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: the text, its collapse, and every repeat and block with
        its removed and witness texts."""
        return {"text": self.text, "collapsed": self.collapsed,
                "repeats": [r.to_dict(self.text) for r in self.repeats],
                "blocks": [b.to_dict(self.text) for b in self.blocks]}

    @property
    def blocks(self) -> tuple[Block, ...]:
        """The removed runs, in order."""
        out: list[Block] = []
        by: dict[int, list[Repeat]] = {}
        for r in self.repeats:
            by.setdefault(r.block, []).append(r)
        for b, rs in sorted(by.items()):
            out.append(
                Block(
                    b,
                    rs[0].start,
                    rs[-1].end,
                    min(r.witness_start for r in rs),
                    max(r.witness_end for r in rs),
                    len(rs),
                    min(r.similarity for r in rs),
                )
            )
        return tuple(out)

    def report(self, width: int = 72) -> str:
        """A human-readable account of every removal."""

        def clip(s: str) -> str:
            s = " ".join(s.split())
            return s if len(s) <= width else s[: width - 1] + "…"

        lines = [
            f"{len(self.repeats)} paragraph(s) removed in {len(self.blocks)} block(s); "
            f"{len(self.text)} -> {len(self.collapsed)} characters"
        ]
        for r in self.repeats:
            lines.append(
                f"- block {r.block}: removed [{r.start}:{r.end}] {clip(self.text[r.start:r.end])!r}\n"
                f"    repeats [{r.witness_start}:{r.witness_end}] "
                f"{clip(self.text[r.witness_start:r.witness_end])!r} ({r.measure} {r.similarity:.3f})"
            )
        return "\n".join(lines)


def cut_repeats(text: str, repeats: Sequence[Repeat]) -> str:
    """``text`` without the spans of ``repeats`` (sorted, disjoint)."""
    parts, pos = [], 0
    for r in repeats:
        parts.append(text[pos : r.start])
        pos = r.end
    parts.append(text[pos:])
    return "".join(parts)
