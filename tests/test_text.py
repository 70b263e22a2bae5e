import pytest
from hypothesis import given
from hypothesis import strategies as st

import dedup
from dedup.text import LINE_TERMINATORS, paragraph_spans


@pytest.mark.parametrize("term", ["\n", "\r\n", "\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"])
def test_every_line_terminator_splits(term):
    text = f"alpha{term}beta{term}{term}gamma{term}"
    ps = dedup.split_paragraphs(text)
    assert [p.text for p in ps] == ["alpha", "beta", "gamma"]
    for p in ps:
        assert text[p.start : p.end] == p.text
        assert text[p.end : p.cut_end] == term


def test_spans_agree_with_splitlines():
    text = "a\r\nb\n\n  \nc\u2028d\re"
    assert [p.text for p in dedup.split_paragraphs(text)] == [l for l in text.splitlines() if l.strip()]
    assert set(LINE_TERMINATORS) >= {c for c in "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"}


def test_blank_mode():
    text = "a\nb\n\n\nc\r\n \r\nd"
    ps = dedup.split_paragraphs(text, dedup.Config(mode="blank"))
    assert [p.text for p in ps] == ["a\nb", "c", "d"]
    assert [text[p.start : p.cut_end] for p in ps] == ["a\nb\n\n\n", "c\r\n \r\n", "d"]


@pytest.mark.parametrize("text", ["", " ", "\n\n", " \t\n\u00a0\n\u3000"])
def test_blank_text_has_no_paragraphs(text):
    assert dedup.split_paragraphs(text) == []


def test_normalize_unifies_quotes_dashes_case_width_and_space():
    assert dedup.normalize("“Ｈello”\u00a0—  ‘World’") == dedup.normalize('"hello" - \'world\'')
    assert dedup.normalize("ﬁnal") == "final"


def test_tokenize():
    assert dedup.tokenize("Don’t  STOP—now, 2024!") == ["don", "t", "stop", "now", "2024"]
    assert dedup.tokenize("Zero\u200bwidth soft\u00adhyphen") == ["zerowidth", "softhyphen"]
    assert dedup.tokenize("नमस्ते दुनिया") == ["नमस्ते", "दुनिया"]  # combining marks stay inside words
    assert dedup.tokenize("สวัสดี") == ["ส", "วั", "ส", "ดี"]  # no spaces: one character (with marks) each
    assert dedup.tokenize("*** --- ...") == []


@given(st.text())
def test_paragraphs_are_nonblank_lines_in_order(text):
    ps = dedup.split_paragraphs(text)
    assert [p.text for p in ps] == [l for l in text.splitlines() if l.strip()]
    for a, b in zip(ps, ps[1:]):
        assert a.cut_end <= b.start


@given(st.text())
def test_blank_mode_spans_tile_the_text_from_the_first_paragraph(text):
    starts, ends, cuts = paragraph_spans(text, "blank")
    for s, e, c in zip(starts, ends, cuts):
        assert s < e <= c
    assert (cuts[:-1] == starts[1:]).all()


MIXED = "aZ09_ éñ\u0301\u0300 ßİ ﬁ 東京 カタ ひら สวัสดี ເລ ខ្មែ ကို བོད नमस्ते 한국 ١٢ ½ Ⅻ \u200d\u00ad.,;—“”*\t\n\x00"


@given(st.text(alphabet=MIXED, max_size=60) | st.text(max_size=60))
def test_vectorized_tokenizer_equals_the_regex(text):
    from dedup.shingle import codepoints, token_spans
    from dedup.text import TOKEN_RE, fold

    f = fold(text)
    starts, lens = token_spans(codepoints(f))
    assert [f[s : s + n] for s, n in zip(starts.tolist(), lens.tolist())] == TOKEN_RE.findall(f)
