"""The batch passes over raw text (paragraph forms, template leads) against the regular
expressions they stand for, applied one paragraph at a time."""

from __future__ import annotations

import hashlib

import numpy as np
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from dedup.chars import PROPS, char_props
from dedup.forms import CONTINUES, LETTERLESS, paragraph_forms
from dedup.templates import FAMILIES, LEAD_CHARS, TEMPLATE_TOKENS, lead_keys, paragraph_leads

TAIL = 16
OPEN_END = regex.compile(r"[\p{L}\p{N},;]\s*$")
LOWER_START = regex.compile(r"[\p{P}\p{Z}\s]*\p{Ll}")
LETTER = regex.compile(r"\p{L}")
SENTENCE_END = regex.compile(r"\p{Sentence_Terminal}[\p{Pe}\p{Pf}\p{Po}]*\s*$")
LEAD = regex.compile(r"\W*(\w+)(?:\W+(\w+))?")


def forms_by_regex(texts, starts, ends, offs):
    out = []
    for d, text in enumerate(texts):
        spans = list(zip(starts[offs[d]:offs[d + 1]].tolist(), ends[offs[d]:offs[d + 1]].tolist()))
        marks = any(SENTENCE_END.search(text, max(s, e - TAIL), e) for s, e in spans)
        heads = [LOWER_START.match(text, s, min(e, s + TAIL)) is not None for s, e in spans] + [False]
        for i, (s, e) in enumerate(spans):
            if LETTER.search(text, s, e) is None:
                out.append(LETTERLESS)
            elif marks and i and (heads[i] or heads[i + 1]) and OPEN_END.search(
                    text, max(spans[i - 1][0], spans[i - 1][1] - TAIL), spans[i - 1][1]):
                out.append(CONTINUES)
            else:
                out.append(0)
    return out


def leads_by_regex(paragraphs, tokens):
    out = np.zeros((len(paragraphs), len(FAMILIES)), dtype=np.int64)
    for i, p in enumerate(paragraphs):
        m = LEAD.match(p, 0, LEAD_CHARS)
        if m is None or not 1 < tokens[i] <= 2 * TEMPLATE_TOKENS:
            continue
        for j, (k, _) in enumerate(FAMILIES):
            words = m.groups()[:k]
            if tokens[i] > k and words[-1] is not None:
                b = " ".join(words).casefold().encode("utf-8", "surrogatepass")
                out[i, j] = int.from_bytes(hashlib.blake2b(b, digest_size=8).digest(), "little", signed=True) or 1
    return out


# letters of both cases and scripts, marks, digits, closing and opening punctuation,
# sentence terminals of several scripts, spaces and separators, a lone surrogate
ALPHABET = list("aZé日ß\u0301_1٣ .,;:!?\"')]»」。।‼…“”«(-\t\n\r\u00a0\u2028\u3000\u200d") + ["\ud800"]
pieces = st.text(alphabet=st.sampled_from(ALPHABET), max_size=40)


@st.composite
def batches(draw):
    """Texts and paragraph spans in them (sorted, possibly empty or touching)."""
    texts = draw(st.lists(pieces, min_size=1, max_size=4))
    starts, ends, offs = [], [], [0]
    for t in texts:
        cuts = sorted(draw(st.lists(st.integers(0, len(t)), max_size=8)))
        for a, b in zip(cuts[::2], cuts[1::2]):
            starts.append(a)
            ends.append(b)
        offs.append(len(starts))
    return texts, np.array(starts, dtype=np.int64), np.array(ends, dtype=np.int64), np.array(offs, dtype=np.int64)


@settings(max_examples=200, derandomize=True, deadline=None)
@given(batches())
def test_paragraph_forms_match_the_regular_expressions(batch):
    texts, starts, ends, offs = batch
    assert paragraph_forms(texts, starts, ends, offs).tolist() == forms_by_regex(texts, starts, ends, offs)


@settings(max_examples=200, derandomize=True, deadline=None)
@given(batches(), st.integers(0, 2**32 - 1))
def test_paragraph_leads_match_the_regular_expression(batch, seed):
    texts, starts, ends, offs = batch
    tokens = np.random.default_rng(seed).integers(0, 35, len(starts))
    paras = [texts[d][s:e] for d in range(len(texts)) for s, e in zip(starts[offs[d]:offs[d + 1]], ends[offs[d]:offs[d + 1]])]
    want = leads_by_regex(paras, tokens)
    assert np.array_equal(paragraph_leads(texts, starts, ends, offs, tokens), want)
    assert np.array_equal(lead_keys(paras, tokens), want)


def test_long_paragraphs_are_read_past_the_window():
    t = "-" * 40 + "x\n" + "." * 40 + "\n" + "word " * 60 + "\n"
    s, e = np.array([0, 42, 83]), np.array([41, 82, 383])
    assert paragraph_forms([t], s, e, np.array([0, 3])).tolist() == [0, LETTERLESS, 0]
    keys = paragraph_leads([t], s, e, np.array([0, 3]), np.array([2, 0, 30]))
    assert keys[0, 1] != 0 and keys[2, 0] == lead_keys(["word word"], np.array([3]))[0, 0] != 0


def test_the_table_holds_exactly_where_each_class_matches():
    table = char_props()
    sample = [*range(0, 0x3000), *range(0xFF00, 0x10000), *range(0x1F000, 0x1F100), 0x10FFFF]
    text = "".join(map(chr, sample))
    for bit, members in PROPS:
        want = [regex.fullmatch(f"[{members}]", c) is not None for c in text]
        assert ((table[sample] & bit) != 0).tolist() == want, members
