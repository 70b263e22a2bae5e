"""Collapse on the defects seen in real scraped documents, each from a short text of our own:
containers and their paragraphs, sentences repeated inside a line, the information rule
(a copy with another number, word or label stays), scripts without spaces, idempotence,
repetition the author meant, and credits glued to a copy."""

from __future__ import annotations

import pytest

import dedup

from .test_collapse import LONG

BODY = [
    "The regional council approved a new budget for the river ferry service on Monday evening after a long debate.",
    "Ferries will run every twenty minutes during the morning rush and every hour late at night, the operator said.",
    "Opposition members asked for a public hearing on ticket prices before the new timetable starts next spring.",
]


def test_container_line_then_its_paragraphs():
    container = " ".join(BODY)
    text = "\n".join([container, *BODY, "Follow us on the ferry app"]) + "\n"
    reps = dedup.find_repeats(text)
    assert [r.kind for r in reps] == ["contained"] * 3
    assert all(r.witness_index == 0 and r.similarity == 1.0 for r in reps)
    assert dedup.collapse(text) == f"{container}\nFollow us on the ferry app\n"


def test_container_glued_without_spaces_and_tail_lines():
    container = "".join(BODY) + " Baca juga: another story"  # sentences glued without a space
    text = "\n".join([container, BODY[1] + " " + BODY[2], BODY[2]]) + "\n"
    assert dedup.collapse(text) == container + "\n"


def test_contained_line_that_adds_a_sentence_stays():
    container = " ".join(BODY[:2])
    added = BODY[1] + " " + "The mayor said she would ride the first ferry herself, together with the whole council."
    text = f"{container}\n{added}\n"
    assert dedup.collapse(text) == text


def test_contained_line_with_another_number_stays():
    container = " ".join(BODY)
    other = BODY[1].replace("twenty", "20") + " Tickets cost 5 euros."
    text = f"{container}\n{BODY[0]}\n{other}\n"
    assert dedup.collapse(text) == f"{container}\n{other}\n"


def test_sentences_repeated_inside_one_line():
    line = BODY[0] + " " + BODY[1] + " " + BODY[0] + " " + BODY[1] + " " + BODY[2]
    text = f"Ferry news\n{line}\n"
    reps = dedup.find_repeats(text)
    assert [r.kind for r in reps] == ["inside"]
    assert dedup.collapse(text) == f"Ferry news\n{BODY[0]} {BODY[1]} {BODY[2]}\n"
    assert text[reps[0].witness_start : reps[0].witness_end] == f"{BODY[0]} {BODY[1]} "


def test_one_sentence_twice_back_to_back():
    line = f"{BODY[0]} {BODY[0]} {BODY[1]}"
    assert dedup.collapse(line) == f"{BODY[0]} {BODY[1]}"


def test_body_reflowed_onto_one_line_after_its_copy_line_by_line():
    text = "\n".join([*BODY, "Photo: the ferry", " ".join(BODY)]) + "\n"
    assert dedup.collapse(text) == "\n".join([*BODY, "Photo: the ferry"]) + "\n"


def test_line_quoting_half_of_an_earlier_paragraph_stays():
    a = BODY[0] + " " + BODY[1]
    text = f"{a}\nAs reported before: {BODY[1]} {BODY[2]}\n"
    assert dedup.collapse(text) == text


def test_many_near_copies_of_one_line_collapse_in_one_pass():
    words = " ".join(f"w{chr(97 + i)}" for i in range(1, 20))
    names = [a + b for a in "bcdfgklmnprst" for b in "aeiou"][:60]
    text = "".join(f"{n} {words}\n" for n in names)
    once = dedup.collapse(text)
    assert once == f"{names[0]} {words}\n"
    assert dedup.collapse(once) == once


def test_template_lines_with_numbers_are_a_list_not_a_copy():
    text = "".join(f"x{k} " + " ".join(f"w{i}" for i in range(1, 20)) + "\n" for k in range(27))
    once = dedup.collapse(text)
    assert dedup.collapse(once) == once


def test_lone_copy_with_another_word_stays_and_a_tag_does_not_count():
    first = "Pilgrims recite the first formula thirty three times after the evening prayer in the old mosque."
    other = "Pilgrims recite the second formula thirty three times after the evening prayer in the old mosque."
    text = f"{first}\n{LONG[0]}\n{other}\n"
    assert dedup.collapse(text) == text
    tagged = f"{first} [Read more]"
    assert dedup.collapse(f"{first}\n{LONG[0]}\n{tagged}\n") == f"{first}\n{LONG[0]}\n"


def test_lone_copy_with_a_typo_or_glued_words_still_goes():
    first = ("Ferries will run every twenty minutes during the morning rush and every hour late at night, "
             "the operator said on Monday after the regional council approved the new budget.")
    typo = first.replace("operator", "opertaor")
    glued = first.replace("Monday after", "MondayAfter")
    for later in (typo, glued):
        assert dedup.collapse(f"{first}\n{LONG[1]}\n{later}\n") == f"{first}\n{LONG[1]}\n"


def test_contained_short_lines_go_with_the_contained_run():
    container = " ".join(BODY) + " Follow our channel now"
    text = "\n".join([container, BODY[0], BODY[1], "Follow our channel now", "Follow our channel now"]) + "\n"
    assert dedup.collapse(text) == container + "\n"
    alone = "\n".join([container, "Follow our channel now", LONG[2]]) + "\n"
    assert dedup.collapse(alone) == alone


def test_scripts_without_spaces_need_as_much_text_as_others():
    short = "本日の営業は終了しました"  # 12 letters: about six words
    long_ = "東京都は本日、新しい交通計画を発表し、来年春から運行本数を増やすと明らかにした。"
    text = f"{short}\n{long_}\n{short}\n次の記事へ進んでください\n{long_}\n"
    assert dedup.collapse(text) == f"{short}\n{long_}\n{short}\n次の記事へ進んでください\n"


def test_idempotent_on_texts_of_glued_and_repeated_sentences():
    # seeded texts made of sentences glued into lines, repeated inside lines and
    # across them, and container lines: collapsing twice cuts nothing more
    import random

    rnd = random.Random(7)
    words = [f"w{i}" for i in range(40)] + ["Pukul", "15.30", "harga", "Rp"]

    def sentence():
        return " ".join(rnd.choice(words) for _ in range(rnd.randint(3, 14))) + rnd.choice([". ", "! ", ".", ""])

    for _ in range(300):
        sents = [sentence() for _ in range(rnd.randint(1, 8))]
        lines: list[str] = []
        for _ in range(rnd.randint(1, 10)):
            k = rnd.random()
            if k < 0.3 and len(sents) > 1:
                lines.append("".join(rnd.sample(sents, rnd.randint(1, len(sents)))))
            elif k < 0.5:
                lines.append(" ".join(sents))
            elif k < 0.6 and lines:
                lines.append(rnd.choice(lines))
            else:
                lines.append(rnd.choice(sents) + rnd.choice(sents))
        text = rnd.choice(["\n", "\r\n", "\u2028"]).join(lines)
        reps = dedup.find_repeats(text)
        assert all(a.end <= b.start for a, b in zip(reps, reps[1:]))
        once = dedup.collapse(text)
        assert dedup.collapse(once) == once, text


def test_a_table_of_contents_and_its_headings_both_stay():
    heads = [f"{k}. Langkah {w} untuk membuat kue bolu yang lembut di rumah" for k, w in
             ((1, "pertama memilih tepung"), (2, "kedua mengocok telur"), (3, "ketiga memanggang adonan"))]
    body = [f"Bagian {w} ini menjelaskan semua yang perlu disiapkan sebelum mulai bekerja di dapur." for w in
            ("pertama", "kedua", "ketiga")]
    t = "Daftar isi:\n" + "\n".join(heads) + "\n\n" + "".join(f"{h}\n{b}\n" for h, b in zip(heads, body))
    assert dedup.collapse(t) == t
    assert dedup.collapse(t + "\n" + t) == t + "\n\n"  # the whole page twice: the second copy goes (blank lines stay)
    listed = "Daftar isi:\n" + "\n".join(heads) + "\n" + body[0] + "\n" + "\n".join(heads) + "\n"
    assert dedup.collapse(listed) == "Daftar isi:\n" + "\n".join(heads) + "\n" + body[0] + "\n"  # a list repeated as a run


LITANY = [f"{head} be to God as many as the stars in the sky and the grains of sand on the shore."
          for head in ("Glory", "Praise", "Thanks", "Honour")]


def test_a_litany_line_said_twice_stays():
    said_twice = [*LITANY[:2], LITANY[1], *LITANY[2:]]  # one line of a template list twice
    text = "Recite after the prayer:\n" + "\n".join(said_twice) + "\n"
    assert dedup.collapse(text) == text
    # a line repeated away from any list still goes
    lone = f"{LITANY[0]}\n{LONG[0]}\n{LITANY[0]}\n"
    assert dedup.collapse(lone) == f"{LITANY[0]}\n{LONG[0]}\n"
    # and so does a whole list repeated as a run
    assert dedup.collapse("\n".join(LITANY * 2) + "\n") == "\n".join(LITANY) + "\n"


def test_a_formula_quoted_again_inside_a_sentence_stays():
    formula = "God is enough for us, the best of guardians and the best of helpers."
    text = "\n".join([formula, LONG[0], "Whoever says on the day of the feast:", formula,
                      "seventy times is kept from harm for the rest of the year."]) + "\n"
    assert dedup.collapse(text) == text
    # the copy on its own line, its sentence ended, goes
    ended = text.replace("seventy times", "Seventy times")
    assert dedup.collapse(ended) == ended.replace(f"{formula}\nSeventy", "Seventy")


def test_a_credit_glued_to_a_repeated_lead_still_goes():
    lead = "GAZETTE.com - Ferries will run every twenty minutes during the morning rush, the operator said."
    glued = "Photo/Jane DoeFerries will run every twenty minutes during the morning rush, the operator said."
    text = f"{lead}\n{LONG[0]}\n{glued}\n"
    reps = dedup.find_repeats(text)
    assert [(r.kind, r.witness_index, r.similarity, r.measure) for r in reps] == [
        ("glued", 0, 1.0, "Jaccard without the glued heads")]
    assert dedup.collapse(text) == f"{lead}\n{LONG[0]}\n"
    # the same lead with another head but no glue is another line of a list
    other = "Harbour news - Ferries will run every twenty minutes during the morning rush, the operator said."
    assert dedup.collapse(f"{lead}\n{LONG[0]}\n{other}\n") == f"{lead}\n{LONG[0]}\n{other}\n"
    # and a glued copy with another number stays
    later = glued.replace("twenty", "30")
    assert dedup.collapse(f"{lead}\n{LONG[0]}\n{later}\n") == f"{lead}\n{LONG[0]}\n{later}\n"


def test_lone_copy_with_another_letter_label_stays():
    menu = ": fried rice, grilled chicken with honey, sour vegetable soup and sweet iced tea for the whole family"
    plans = "".join(f"Plan {x}{menu}\n" for x in "ABC")
    assert dedup.collapse(plans) == plans
    again = f"Plan A{menu}\n{LONG[0]}\nPlan A{menu}\n"
    assert dedup.collapse(again) == f"Plan A{menu}\n{LONG[0]}\n"


def test_a_capital_letter_where_the_original_has_none_is_a_word_not_a_label():
    storm = "storm closed the old harbour on Monday and all boats stayed in port"
    assert [r.kind for r in dedup.find_repeats(f"The {storm}\nA {storm}\n")] == ["copy"]
    menu = "rice, chicken and tea with a side of soup for lunch"
    ferry = "The ferry will run every hour from the old quay next spring"
    glory = "Glory be to God as many as the stars in the sky tonight."
    text = "".join(f"{x}\n" for x in (f"Plan A: {menu}", f"The {storm}", glory, ferry, f"A {storm}",
                                      f"Plan A: {menu}", glory, f"Plan B: {menu}", f"Photo/Jane Doe{ferry}"))
    once = dedup.collapse(text)
    assert dedup.collapse(once) == once and f"Plan B: {menu}\n" in once


def test_a_sentence_said_twice_after_a_container_is_cut_in_one_pass():
    # a sentence said twice back to back, after a paragraph that ends with it, a later
    # container of that one, and a near copy of the container: the first pass cuts all
    a = "The harbour office opened a second ticket counter on the east pier. "
    b = "Ferries to the islands leave every two hours from early morning until dusk. "
    c = "Passengers were asked to arrive thirty minutes before departure. "
    text = "\n".join([a + b, c + b + a, c + a + b, b + b]) + "\n"
    once = dedup.collapse(text)
    assert once == "\n".join([a + b, c + b + a]) + "\n"
    assert dedup.collapse(once) == once


JA_LINE = "東京都は本日、新しい交通計画を発表し、来年春から駅前の路線バスの運行本数を増やすと明らかにした。"
JA_OTHER = "市内の小学校では今週から冬休みの宿題として地域の歴史を調べる課題が配られている。"


def test_a_japanese_copy_with_scattered_typos_goes():
    typo = JA_LINE.replace("計画", "計劃").replace("運行", "運航")  # two one-letter edits
    assert dedup.collapse(f"{JA_LINE}\n{JA_OTHER}\n{typo}\n") == f"{JA_LINE}\n{JA_OTHER}\n"


@pytest.mark.parametrize("first,later", [
    ("渋谷店：営業時間は午前十時から午後九時まで、定休日は毎週水曜日です。",
     "新宿店：営業時間は午前十時から午後九時まで、定休日は毎週水曜日です。"),  # another place
    ("ランチセットＡ：ご飯、味噌汁、焼き魚、漬物、デザートが付いてきます。",
     "ランチセットＢ：ご飯、味噌汁、焼き魚、漬物、デザートが付いてきます。"),  # another label
    ("第三回の説明会は市民会館の大ホールで午後から開かれ、申し込みは不要です。",
     "第四回の説明会は市民会館の大ホールで午後から開かれ、申し込みは不要です。"),  # another numeral
])
def test_a_japanese_near_copy_with_another_name_label_or_numeral_stays(first, later):
    text = f"{first}\n{JA_OTHER}\n{later}\n"
    assert dedup.collapse(text) == text
