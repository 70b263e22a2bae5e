"""Template lines: boilerplate by form, with a variable slot.

A site writes "Watch also: <title>", "This article first ran on <site>." or "Read more
at <link>" into its articles whatever they are about: each line is unique, so no paragraph
cluster finds them, yet the family is boilerplate. A family is the paragraphs that open
with the same two words (casefolded), or with the same first word. It is a template family when

- its paragraphs occur in at least ``boilerplate_min`` stories (document clusters); twice as
  many for a one-word family, a weaker sign (see :data:`FAMILIES`), and in a one-word family
  at least half of the lines go on with the same second word (a fixed opening, not "Here ..."),
- at least half of them are short (at most :data:`TEMPLATE_TOKENS` tokens), and
- at least half of them stand at a document's edge (within :data:`TEMPLATE_EDGE`
  paragraphs of its first or last one, not counting the paragraphs that are boilerplate
  by their count of stories), where sites put such lines;

its paragraphs of at most ``2 * TEMPLATE_TOKENS`` tokens are then boilerplate. Families of
ordinary sentence openings ("In addition, ...") fail the length and position tests: those
sentences are long and stand inside the text. Nothing here is about a language or a site:
the families are learned from the corpus.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np

from .arrays import distinct_count
from .chars import WORD, BatchChars, batch_chars

__all__ = ["FAMILIES", "TEMPLATE_TOKENS", "TEMPLATE_EDGE", "LEAD_CHARS", "lead_keys", "paragraph_leads",
           "edge_distance", "template_paragraphs"]

#: The families: (opening words that name one, how many times ``boilerplate_min`` stories
#: it must reach), longest first. One column of :func:`lead_keys` each.
FAMILIES = ((2, 1), (1, 2))
#: A template family's lines are mostly at most this many tokens long.
TEMPLATE_TOKENS = 15
#: ... and mostly within this many paragraphs of a document's first or last one.
TEMPLATE_EDGE = 1
#: Characters of a paragraph read for its lead words.
LEAD_CHARS = 160

def lead_keys(paragraphs: Sequence[str], tokens: np.ndarray) -> np.ndarray:
    """64-bit keys of each paragraph's families (int64 ``[n, len(FAMILIES)]``): of its first
    words (casefolded), one column per :data:`FAMILIES` entry, for paragraphs of more tokens
    than that and at most ``2 * TEMPLATE_TOKENS``; 0 where there is none. Stable across
    processes (BLAKE2b, not ``hash()``).

    >>> keys = lead_keys(["Watch also: a storm", "WATCH also - the mayor", "Watch"], np.array([4, 4, 1]))
    >>> keys[0].tolist() == keys[1].tolist(), keys[2].tolist()
    (True, [0, 0])
    """
    lens = np.fromiter(map(len, paragraphs), dtype=np.int64, count=len(paragraphs))
    return paragraph_leads(paragraphs, np.zeros(len(lens), dtype=np.int64), lens,
                           np.arange(len(lens) + 1, dtype=np.int64), np.asarray(tokens))


def _keyed(tokens: np.ndarray) -> np.ndarray:
    """The paragraphs (by their ``tokens``) that get lead keys: more than one token and at
    most ``2 * TEMPLATE_TOKENS``."""
    return np.flatnonzero((tokens > 1) & (tokens <= 2 * TEMPLATE_TOKENS))


def paragraph_leads(texts: Sequence[str], starts: np.ndarray, ends: np.ndarray, doc_offsets: np.ndarray,
                    tokens: np.ndarray, chars: BatchChars | None = None) -> np.ndarray:
    """:func:`lead_keys` of the paragraphs ``texts[d][starts[i]:ends[i]]`` of a batch
    (paragraphs ``doc_offsets[d]:doc_offsets[d + 1]`` belong to text ``d``, ``tokens`` their
    token counts; ``chars`` their :func:`~dedup.chars.batch_chars`, where already made).

    A paragraph's first two words are the first two runs of word characters (``\\w``) in
    its first :data:`LEAD_CHARS` characters, found for the whole batch at once."""
    out = np.zeros((len(starts), len(FAMILIES)), dtype=np.int64)
    ok = _keyed(tokens)
    if len(ok) == 0:
        return out
    joined, bits, s, e = chars or batch_chars(texts, starts, ends, doc_offsets)
    s = s[ok]
    a1, b1, a2, b2 = (x.tolist() for x in _lead_spans(bits, s, np.minimum(e[ok], s + LEAD_CHARS)))
    first = [joined[x:y] for x, y in zip(a1, b1)]
    for j, (k, _) in enumerate(FAMILIES):
        if k == 1:
            rows, leads = ok, first
        else:
            two = [i for i, x in enumerate(a2) if x >= 0]
            rows, leads = ok[two], [f"{first[i]} {joined[a2[i]:b2[i]]}" for i in two]
        out[rows, j] = np.where(tokens[rows] > k, _keys(leads), 0)
    out[ok[np.asarray(a1) < 0]] = 0
    return out


def _lead_spans(bits: np.ndarray, s: np.ndarray, lim: np.ndarray) -> tuple[np.ndarray, ...]:
    """Per window ``[s, lim)``: the span of its first word and of its second, -1 where it has
    none."""
    w = (bits & WORD) != 0
    edge = np.diff(np.concatenate(([False], w, [False])).astype(np.int8))
    run_start, run_end = np.flatnonzero(edge == 1), np.flatnonzero(edge == -1)
    none = np.full(len(s), -1, dtype=np.int64)
    if len(run_start) == 0:
        return none, none, none, none
    k = np.searchsorted(run_end, s, side="right")  # the first word run that ends after s
    at, nxt = np.minimum(k, len(run_start) - 1), np.minimum(k + 1, len(run_start) - 1)
    a1 = np.maximum(run_start[at], s)
    one = (k < len(run_start)) & (a1 < lim)
    two = one & (k + 1 < len(run_start)) & (run_start[nxt] < lim)
    return (np.where(one, a1, -1), np.where(one, np.minimum(run_end[at], lim), -1),
            np.where(two, run_start[nxt], -1), np.where(two, np.minimum(run_end[nxt], lim), -1))


def _keys(leads: list[str]) -> np.ndarray:
    """The 64-bit key of each lead (its words joined by a space): BLAKE2b of the casefolded
    text, never 0; computed once per distinct lead."""
    known: dict[str, int] = dict.fromkeys(leads)  # type: ignore[arg-type]
    for lead in known:
        b = lead.casefold().encode("utf-8", "surrogatepass")
        known[lead] = int.from_bytes(hashlib.blake2b(b, digest_size=8).digest(), "little", signed=True) or 1
    return np.fromiter(map(known.__getitem__, leads), dtype=np.int64, count=len(leads))


def edge_distance(doc: np.ndarray, skip: np.ndarray | None = None) -> np.ndarray:
    """How many paragraphs each paragraph stands from its document's first or last one
    (``doc``: each paragraph's document, ascending), not counting the ``skip`` ones (which
    get 0).

    >>> edge_distance(np.array([0, 0, 0, 0, 0, 1]), np.array([1, 0, 0, 0, 0, 0], dtype=bool)).tolist()
    [0, 0, 1, 1, 0, 0]
    """
    if skip is not None and skip.any():
        out = np.zeros(len(doc), dtype=np.int64)
        out[~skip] = edge_distance(doc[~skip])
        return out
    n = len(doc)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    start = np.r_[True, doc[1:] != doc[:-1]]
    run = np.cumsum(start) - 1  # each paragraph's document, numbered 0, 1, ...
    heads = np.flatnonzero(start)
    idx = np.arange(n, dtype=np.int64)
    return np.minimum(idx - heads[run], np.r_[heads[1:], n][run] - 1 - idx)


def template_paragraphs(leads: np.ndarray, tokens: np.ndarray, doc: np.ndarray, story: np.ndarray,
                        boilerplate_min: int, boilerplate: np.ndarray) -> np.ndarray:
    """Which paragraphs belong to a template family (see the module's docstring): ``leads``
    their :func:`lead_keys`, ``tokens`` their token counts, ``doc`` their documents
    (ascending), ``story`` each document's cluster and ``boilerplate`` the paragraphs already
    known to be (a document's edge is that of the rest)."""
    out = np.zeros(len(doc), dtype=bool)
    edge = edge_distance(doc, boilerplate) <= TEMPLATE_EDGE
    for j, (_, times) in enumerate(FAMILIES):
        rows = np.flatnonzero(leads[:, j] != 0)
        if len(rows) == 0:
            continue
        _, fam = np.unique(leads[rows, j], return_inverse=True)
        fam = fam.astype(np.int64).ravel()
        n_fam = int(fam.max()) + 1
        count = np.bincount(fam, minlength=n_fam)
        short = np.bincount(fam, weights=tokens[rows] <= TEMPLATE_TOKENS, minlength=n_fam)
        at_edge = np.bincount(fam, weights=edge[rows], minlength=n_fam)
        stories = np.zeros(n_fam, dtype=np.int64)
        stories[fam] = distinct_count(fam, story[doc[rows]], len(rows))
        family = (stories >= times * boilerplate_min) & (2 * short >= count) & (2 * at_edge >= count)
        if j:  # named by fewer words than the family before: one continuation is most of it
            _, longer = np.unique(leads[rows, j - 1], return_inverse=True)
            _, pair = np.unique(fam * (int(longer.max()) + 1) + longer.ravel(), return_inverse=True)
            pair = pair.ravel()
            top = np.zeros(n_fam, dtype=np.int64)
            np.maximum.at(top, fam, np.bincount(pair)[pair])
            family &= 2 * top >= count
        out[rows] |= family[fam]
    return out
