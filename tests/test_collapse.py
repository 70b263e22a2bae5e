"""The within-document contract of collapse / find_repeats, one test per point."""

from __future__ import annotations

import random
import re
from importlib import resources

import pytest
from hypothesis import given
from hypothesis import strategies as st

import dedup
from dedup.authored import goes_on, template_siblings

from .conftest import shared_file

LONG = [
    "The city council voted on Tuesday to open a weekly night market along the river quay.",
    "Stalls will open at six in the evening every Friday, with lighting paid for by a grant.",
    "Local fishermen said they would sell the morning catch at reduced prices after dark.",
    "Residents raised concerns about noise and the council promised to review the rules.",
    "Pemkot Balikpapan sudah punya aturan menjaga situasi kondusif di dunia maya untuk ASN.",
    "Pengawasan konten negatif politik juga akan diawasi oleh aparat kepolisian melalui tim siber.",
]
SHORT = ["***", "Ya.", "ADVERTISEMENT", "Read also: ferry times", "(c) Gazette 2024", "Tidak."]


# ---------------------------------------------------------------- golden files
def test_seed_example_byte_for_byte():
    src = shared_file("examples/antara_balikpapan.txt").read_text(encoding="utf-8")
    want = shared_file("examples/antara_balikpapan.collapsed.txt").read_text(encoding="utf-8")
    assert dedup.collapse(src).rstrip("\n") == want.rstrip("\n")


def test_seed_example_with_crlf_keeps_line_endings():
    src = shared_file("examples/antara_balikpapan.txt").read_text(encoding="utf-8")
    want = shared_file("examples/antara_balikpapan.collapsed.txt").read_text(encoding="utf-8")
    crlf = src.replace("\n", "\r\n")
    assert dedup.collapse(crlf).rstrip("\r\n") == want.replace("\n", "\r\n").rstrip("\r\n")


def test_bundled_example():
    text = resources.files("dedup").joinpath("data/example.txt").read_text(encoding="utf-8")
    ex = dedup.explain(text)
    lines = text.split("\n")
    assert ex.collapsed == "\n".join(lines[:10]) + "\n"
    assert len(ex.repeats) == 9 and len(ex.blocks) == 1
    assert min(r.similarity for r in ex.repeats) < 1.0  # the edited copy is found too
    assert "Jaccard" in ex.report()


# ---------------------------------------------------------------- the policy
def test_body_twice_with_links_and_footer():
    body = [LONG[0], "Read also: ferry times", LONG[1], LONG[2], "(c) Gazette 2024"]
    text = "\n".join(["Lede of the story."] + body + body)
    assert dedup.collapse(text) == "\n".join(["Lede of the story."] + body) + "\n"


def test_isolated_short_repeat_stays_and_long_goes():
    text = "\n".join([LONG[0], "***", LONG[1], "***", LONG[2], LONG[0]])
    out = dedup.collapse(text)
    assert out == "\n".join([LONG[0], "***", LONG[1], "***", LONG[2], ""])


def test_short_run_without_a_long_line_stays():
    text = "\n".join(["Ya.", "Tidak.", LONG[0], "Ya.", "Tidak."])
    assert dedup.collapse(text) == text


def test_witness_is_kept_and_earlier_in_a_triple():
    text = "\n".join([LONG[0], LONG[1]] * 3)
    reps = dedup.find_repeats(text)
    assert [r.index for r in reps] == [2, 3, 4, 5]
    assert {r.witness_index for r in reps} == {0, 1}


def test_edited_copy_removed_with_its_similarity():
    edited = LONG[0].replace("Tuesday", "tuesday").replace("quay.", "quay")
    text = "\n".join([LONG[0], LONG[1], edited])
    (r,) = dedup.find_repeats(text)
    assert r.similarity == 1.0 and text[r.start : r.end] == edited
    changed = LONG[0].replace("along the river quay.", "along the")  # the last words cut off
    (r,) = dedup.find_repeats("\n".join([LONG[0], LONG[1], changed]))
    a, b = (set(dedup.shingles(x)) for x in (LONG[0], changed))
    assert r.similarity == len(a & b) / len(a | b) >= 0.75


def test_near_miss_half_and_half_stays():
    a, b = LONG[0].split(), LONG[1].split()
    mixed = " ".join(a[: len(a) // 2] + b[len(b) // 2 :])
    text = "\n".join([LONG[0], LONG[1], mixed])
    assert dedup.collapse(text) == text


def test_threshold_and_min_tokens_are_honoured():
    text = "\n".join([LONG[0], "A short repeated line.", LONG[1], "A short repeated line."])
    assert dedup.collapse(text) == text
    assert dedup.collapse(text, dedup.Config(min_tokens=4)) == "\n".join([LONG[0], "A short repeated line.", LONG[1], ""])


def test_blank_mode_cuts_the_separator_with_the_paragraph():
    p1, p2 = f"{LONG[0]}\n{LONG[1]}", LONG[2]
    text = f"{p1}\n\n{p2}\n\n{p1}\n\nEnd of it all."
    out = dedup.collapse(text, dedup.Config(mode="blank"))
    assert out == f"{p1}\n\n{p2}\n\nEnd of it all."


# ---------------------------------------------------------------- properties
paragraphs = st.sampled_from(LONG + SHORT + [LONG[0].upper(), LONG[1].replace(",", "")])
terminators = st.sampled_from(["\n", "\r\n", "\u2028", "\n\n"])


@st.composite
def documents(draw):
    paras = draw(st.lists(paragraphs, max_size=14))
    terms = draw(st.lists(terminators, min_size=len(paras), max_size=len(paras)))
    return "".join(p + t for p, t in zip(paras, terms)) + draw(st.sampled_from(["", "tail line"]))


def _jaccard(a: str, b: str) -> float:
    x, y = set(dedup.shingles(a)), set(dedup.shingles(b))
    return len(x & y) / len(x | y) if x | y else 0.0


@given(documents())
def test_contract(text):
    reps = dedup.find_repeats(text)
    out = dedup.collapse(text)
    # output is the input minus the reported spans, in order
    pieces, pos = [], 0
    for r in reps:
        assert pos <= r.start < r.end
        pieces.append(text[pos : r.start])
        pos = r.end
    assert out == "".join(pieces) + text[pos:]
    removed = [(r.start, r.end) for r in reps]
    for r in reps:
        # the witness precedes its repeat, is kept, and is similar enough
        assert r.witness_end <= r.start
        assert not any(s <= r.witness_start < e for s, e in removed)
        assert r.similarity >= 0.75
        assert r.similarity == pytest.approx(_jaccard(text[r.witness_start : r.witness_end], text[r.start : r.end].rstrip("\r\n\u2028")))
    # idempotent
    assert dedup.collapse(out) == out


@given(st.permutations(LONG + SHORT), st.sampled_from(["\n", "\r\n"]))
def test_repeat_free_text_unchanged(paras, term):
    text = term.join(paras)
    assert dedup.collapse(text) == text
    assert dedup.find_repeats(text) == []


def _brute_force_removed(text: str, cfg: dedup.Config) -> list[int]:
    """The policy read literally, over all pairs with exact Jaccard (quadratic),
    on the text and then on its collapse until nothing more goes."""
    alive = list(range(len(dedup.split_paragraphs(text, cfg))))
    ps = [p.text for p in dedup.split_paragraphs(text, cfg)]
    while True:
        gone = {alive[i] for i in _brute_force_pass([ps[i] for i in alive], cfg)}
        if not gone:
            return sorted(set(range(len(ps))) - set(alive))
        alive = [i for i in alive if i not in gone]


def _brute_force_pass(ps: list[str], cfg: dedup.Config) -> list[int]:
    sets = [set(dedup.shingles(p, cfg)) for p in ps]
    toks = [len(dedup.tokenize(p)) for p in ps]

    def sim(i, j):
        u = sets[i] | sets[j]
        return len(sets[i] & sets[j]) / len(u) if u else 0.0

    n = len(ps)
    status = ["kept"] * n
    wit = [-1] * n
    run: list[int] = []

    def new_number(i):
        return bool(set(re.findall(r"\d+", dedup.normalize(ps[i]))) - set(re.findall(r"\d+", dedup.normalize(ps[wit[i]]))))

    lone: list[int] = []

    def close():
        keep = not any(toks[i] >= cfg.min_tokens for i in run) or (len(run) == 1 and new_number(run[0]))
        for i in run:
            status[i] = "kept" if keep else "removed"
        if len(run) == 1 and not keep:
            lone.append(run[0])
        run.clear()

    for j in range(n):
        if run and run[-1] == j - 1:
            w = wit[j - 1] + 1
            if status[w] == "kept" and sim(w, j) >= cfg.threshold:
                wit[j] = w
                status[j] = "pending"
                run.append(j)
                continue
        close()
        cands = [i for i in range(j) if status[i] == "kept" and sim(i, j) >= cfg.threshold]
        if not cands:
            continue

        def key(i, j=j):
            cont = j + 1 < n and status[i + 1] == "kept" and i + 1 < j and sim(i + 1, j + 1) >= cfg.threshold
            return (cont, sim(i, j), -i)

        wit[j] = max(cands, key=key)
        status[j] = "pending"
        run.append(j)
    close()
    _keep_meant_lone_copies(ps, toks, status, wit, lone, lambda i, j: sim(i, j) >= cfg.threshold)
    return [i for i in range(n) if status[i] == "removed"]


def _keep_meant_lone_copies(ps, toks, status, wit, lone, is_copy):
    """Lone copies in running text or in a template list stay (dedup.authored, read literally)."""

    def near(i, step, skip):
        j = i + step
        while 0 <= j < len(ps) and (status[j] != "kept" or not toks[j] or j == skip):
            j += step
        return j if 0 <= j < len(ps) else -1

    def in_list(i, other):
        return any(j >= 0 and not is_copy(i, j) and template_siblings(ps[i], ps[j])
                   for j in (near(i, -1, other), near(i, 1, other)))

    changed = True
    while changed:
        changed = False
        for i in lone:
            if status[i] != "removed":
                continue
            nxt, w = near(i, 1, -1), wit[i]
            if (nxt >= 0 and near(i, -1, -1) != w and goes_on(ps[i], ps[nxt])) or (in_list(i, w) and in_list(w, i)):
                status[i], changed = "kept", True


@given(documents(), st.sampled_from(["lsh", "exact"]))
def test_equals_brute_force_all_pairs(text, candidates):
    cfg = dedup.Config(candidates=candidates)
    assert [r.index for r in dedup.find_repeats(text, cfg)] == _brute_force_removed(text, cfg)


# ---------------------------------------------------------------- never changed
NEGATIVE = {
    "list with similar items": "\n".join(
        f"- Item {i}: a blue cotton shirt in size {s}, machine washable at 30 degrees"
        for i, s in enumerate(["S", "M", "L", "XL", "XXL"])
    ),
    "interview with repeated short answers": "\n".join(
        [
            "Q: Did you see the market open on Friday evening by the river?",
            "A: Yes.",
            "Q: Were the stalls busy from the first hour until closing time?",
            "A: Yes.",
            "Q: Will you come back next week with your family and friends?",
            "A: Yes.",
            "A: Of course.",
        ]
    ),
    "poem with a short refrain": "\n".join(
        [
            "The tide comes in across the sand,",
            "Hold fast, hold fast.",
            "The nets are mended by the hand,",
            "Hold fast, hold fast.",
            "The boats go out before the dawn,",
            "Hold fast, hold fast.",
            "And come back home when light is gone,",
            "Hold fast, hold fast.",
        ]
    ),
    "separators between sections": "\n".join([LONG[0], "***", LONG[1], "***", LONG[2], "***", LONG[3]]),
    "table rows": "\n".join(f"| {y} | {p} | {q} |" for y, p, q in [(2020, 1, 2), (2021, 3, 4), (2022, 5, 6)]),
    "crlf article": "\r\n".join(LONG) + "\r\n",
    "unicode separators": "\u2028".join(LONG),
    "schedule lines differing only in the time": "\n".join(
        f"Kereta tambahan berangkat dari Stasiun Gambir menuju Yogyakarta pukul {t} setiap hari."
        for t in ["07.15", "11.40", "15.30", "19.30"]
    ),
    "Indonesian with repeated dateline": "\n".join(
        ["Jakarta (ANTARA) -", LONG[4], "Jakarta (ANTARA) -", LONG[5]]
    ),
}


SCORE = (
    "The home side won the derby in front of a full stadium on Saturday night, and the final score was "
    "3-{} after a late goal in the {}minute that the visiting coach called deserved."
)


def test_lone_copy_with_another_number_stays():
    first = SCORE.format(1, "88th ")
    later = SCORE.format(2, "88th ")
    text = f"{first}\n{LONG[0]}\n{later}\n"
    assert dedup.collapse(text) == text
    # Dropping a number adds no fact: the copy still goes.
    fewer = SCORE.format(1, "")
    assert dedup.collapse(f"{first}\n{LONG[0]}\n{fewer}\n") == f"{first}\n{LONG[0]}\n"


def test_block_copy_with_another_number_still_goes():
    body = [LONG[0], SCORE.format(1, "88th ")]
    again = [LONG[0], SCORE.format(2, "88th ")]
    text = "\n".join(body + again) + "\n"
    assert dedup.collapse(text) == "\n".join(body) + "\n"


@pytest.mark.parametrize("name", sorted(NEGATIVE))
def test_negative_set_never_changes(name):
    text = NEGATIVE[name]
    assert dedup.collapse(text) == text


# ---------------------------------------------------------------- bad input
def test_bytes_need_decoding():
    with pytest.raises(TypeError, match="decode"):
        dedup.collapse(b"a\nb")
    assert dedup.collapse(f"{LONG[0]}\n{LONG[0]}".encode(), encoding="utf-8") == LONG[0] + "\n"


def test_invalid_utf8_names_the_offset():
    with pytest.raises(ValueError, match="byte 3"):
        dedup.collapse(b"abc\xff\xfe", encoding="utf-8")


@pytest.mark.parametrize("bad", [None, 3, ["a"], 1.5])
def test_non_text_is_a_type_error_naming_the_type(bad):
    with pytest.raises(TypeError, match=type(bad).__name__):
        dedup.collapse(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize("text", ["", " ", "\n", "\r\n\r\n", " \t \n \u3000 ", "\u2028\u2029"])
def test_empty_and_whitespace_unchanged(text):
    assert dedup.collapse(text) == text
    assert dedup.find_repeats(text) == []


def test_lone_surrogates_do_not_crash():
    text = f"\ud800 {LONG[0]}\n\ud800 {LONG[0]}\n\udfff"
    assert dedup.collapse(text) == f"\ud800 {LONG[0]}\n\udfff"


def test_large_inputs_are_correct():
    # (time and memory are measured in benchmarks/, not asserted here)
    many = "\n".join(f"w{i % 1000}" for i in range(100_000))
    assert dedup.collapse(many) == many  # one-word repeats are short: all stay
    big = " ".join(f"t{i}" for i in range(1_000_000))
    assert dedup.collapse(big + "\n" + big) == big + "\n"


# ---------------------------------------------------------------- real-text defects


def test_a_line_saved_many_times_collapses_to_one_line():
    line = "Baca juga: a link line that a scraper saved on every page\r\n"
    assert dedup.collapse(line * 20_000) == line
    assert dedup.collapse(("Lede of the story, long enough to count here.\n" + line) * 5_000).count(line) == 1


def test_a_glued_article_of_a_thousand_sentences_then_its_lines():
    rnd = random.Random(5)
    words = [f"kata{i}" for i in range(3000)]
    sentences = [" ".join(rnd.choice(words) for _ in range(12)) + "." for _ in range(1000)]
    glued = " ".join(sentences) + "\n"
    assert dedup.collapse(glued + "\n".join(sentences) + "\n") == glued
