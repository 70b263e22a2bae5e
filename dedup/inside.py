"""Repeats inside a paragraph: a run of sentences that a kept text already holds.

Cleaned corpora join paragraphs, and scrapers reflow a body onto one line next to
its line-per-paragraph copy, so a run of sentences is repeated *inside* a line.
Sentences are compared exactly after :func:`~dedup.text.tokenize` (case, spacing
and punctuation ignored); a later run of sentences whose every sentence repeats,
in order, a run of kept sentences is cut at its sentence boundaries, the rest of
its line left as it was.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import regex

from .text import TOKEN_RE, fold

__all__ = ["InsideCut", "sentence_spans", "inside_cuts"]

# A sentence ends at a terminator (with closing quotes or brackets after it) that is
# followed by space, by a capital letter (sentences glued without a space), or, for
# the terminators of scripts without spaces, by anything.
_END_RE = regex.compile(
    r"(?:[.!?…]+[\"'”’»)\]]*(?:\s+|(?=\p{Lu}))|[。！？]+[」』”’）)]*\s*)", flags=regex.V1
)


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """``(start, end)`` of each sentence of ``text[start:end]``, the space after a
    sentence included in it, so the spans tile the range.

    Examples:
        >>> t = "One two. Three four!Five six。七八"
        >>> [t[s:e] for s, e in sentence_spans(t)]
        ['One two. ', 'Three four!', 'Five six。', '七八']
    """
    end = len(text) if end is None else end
    out: list[tuple[int, int]] = []
    pos = start
    for m in _END_RE.finditer(text, start, end):
        if m.end() > pos:
            out.append((pos, m.end()))
            pos = m.end()
    if pos < end:
        out.append((pos, end))
    return out


@dataclass(frozen=True)
class InsideCut:
    """A run of sentences ``[start, end)`` of paragraph ``index`` that repeats the
    run ``[witness_start, witness_end)`` of paragraph ``witness_index``."""

    start: int
    end: int
    witness_start: int
    witness_end: int
    index: int
    witness_index: int


def inside_cuts(
    text: str, paragraphs: Iterable[tuple[int, int, int, bool, bool]], min_run_tokens: int
) -> list[InsideCut]:
    """The inside-paragraph cuts of ``text``, given kept paragraphs in order as
    ``(index, start, end, candidate, witness)``: only candidates are cut, only
    witnesses' sentences witness later paragraphs (a candidate's own sentences
    witness the rest of it).

    A run of at least ``min_run_tokens`` tokens is cut when it repeats, in order,
    either sentences earlier in its own paragraph (two or more, or one sentence
    twice back to back) or two or more whole earlier paragraphs (a body glued
    onto one line after its copy line by line). A run that shares only part of
    an earlier paragraph, or one paragraph, stays: a new paragraph may quote an
    old one and go on.
    """
    seen: dict[tuple[str, ...], tuple[int, int, int, int]] = {}  # -> (para, sentence no., start, end)
    n_sent: dict[int, int] = {}
    cuts: list[InsideCut] = []
    for index, p0, p1, candidate, witness in paragraphs:
        spans = sentence_spans(text, p0, p1)
        candidate = candidate and len(spans) > 1  # a run to cut needs two sentences (or two paragraphs)
        if not (candidate or witness):
            continue
        keys = [tuple(TOKEN_RE.findall(fold(text[s:e]))) for s, e in spans]
        n_sent[index] = len(spans)
        if candidate:
            cuts.extend(_runs(index, spans, keys, seen, n_sent, min_run_tokens))
        if witness:
            for k, (key, (s, e)) in enumerate(zip(keys, spans)):
                if key:
                    seen.setdefault(key, (index, k, s, e))
    return cuts


def _runs(
    index: int,
    spans: list[tuple[int, int]],
    keys: list[tuple[str, ...]],
    seen: dict[tuple[str, ...], tuple[int, int, int, int]],
    n_sent: dict[int, int],
    min_run_tokens: int,
) -> list[InsideCut]:
    """The cut runs of one paragraph (see :func:`inside_cuts`)."""
    local: dict[tuple[str, ...], tuple[int, int, int, int]] = {}
    out: list[InsideCut] = []
    run: list[tuple[int, tuple[int, int, int, int]]] = []  # (sentence no., witness)

    def follows(w: tuple[int, int, int, int], prev: tuple[int, int, int, int]) -> bool:
        if w[0] == prev[0]:
            return w[1] == prev[1] + 1
        # from the last sentence of one earlier paragraph to the first of a later one, not of this one
        return index not in (w[0], prev[0]) and w[0] > prev[0] and w[1] == 0 and prev[1] == n_sent[prev[0]] - 1

    def close() -> None:
        if not run:
            return
        tokens = sum(len(keys[k]) for k, _ in run)
        first, w0 = run[0]
        w1 = run[-1][1]
        if w0[0] == index:
            ok = len(run) > 1 or (first > 0 and keys[first - 1] == keys[first])
        else:  # two or more whole earlier paragraphs, from the first sentence of one to the last of another
            ok = w0[1] == 0 and w1[0] not in (index, w0[0]) and w1[1] == n_sent[w1[0]] - 1
        if ok and tokens >= min_run_tokens:
            out.append(InsideCut(spans[first][0], spans[run[-1][0]][1], w0[2], w1[3], index, w0[0]))
        run.clear()

    for k, key in enumerate(keys):
        found = [x for x in (local.get(key), seen.get(key)) if x is not None] if key else []
        going = [x for x in found if run and follows(x, run[-1][1])]
        w = going[0] if going else found[0] if found else None  # a run going on, else this paragraph's own
        if w is not None and run and not going:
            close()
        if w is None:
            close()
        else:
            run.append((k, w))
        if key:
            local.setdefault(key, (index, k, spans[k][0], spans[k][1]))
    close()
    return out
