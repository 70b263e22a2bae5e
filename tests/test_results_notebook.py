"""Result objects as a notebook shows them: short reprs, JSON-ready dicts with the texts,
a clear error for the results of a closed Corpus."""

from __future__ import annotations

import json

import pytest

import dedup

FOOT = "Copyright 2024 The Daily Example, all rights reserved worldwide.\n"
BODY = "The council met on Monday to vote on the new budget for the coming year.\n"


def _docs() -> list[dict]:
    long_id = "https://example.com/" + "very-long-path/" * 20
    extra = {f"metadata_field_number_{i}_with_a_long_name": "x" * 50 for i in range(12)}
    return [
        {"id": long_id, "text": "Lede.\n" + BODY + "Read also: more.\n" + BODY + FOOT, **extra},
        {"id": long_id + "2", "text": "Lede.\n" + BODY + "Read also: more.\n" + BODY + FOOT, **extra},
        {"id": "c", "text": "A storm hit the coast and thousands of homes lost power.\n" + FOOT},
        {"id": "d", "text": "The home team won the final after extra time.\n" + FOOT},
    ]


def test_repr_of_a_document_is_short_and_says_what_matters():
    rs = list(dedup.dedupe(_docs(), dedup.Config(boilerplate_min=3)))
    for r in rs:
        s = repr(r)
        assert len(s) < 300, s
        assert f"removed {len(r.repeats)} repeats ({len(r.text) - len(r.collapsed)} chars)" in s
        assert f"({r.cluster_size} docs)" in s and BODY[:30] not in s
    assert "+9 more" in repr(rs[0]) and "boilerplate=1" in repr(rs[0])
    assert len(repr(dedup.explain(BODY * 3))) < 100


def test_to_dict_of_every_result_type_is_json_with_the_texts():
    rs = list(dedup.dedupe(_docs(), dedup.Config(boilerplate_min=3)))
    r = rs[0]
    d = r.to_dict()
    assert json.loads(json.dumps(d)) == d
    assert d["text"] == r.text and d["collapsed"] == r.collapsed and d["fields"] == dict(r.fields)
    assert d["cluster_size"] == 2 and d["is_representative"] is True
    rep = d["repeats"][0]
    assert rep["removed_text"] == BODY and rep["witness_text"] == BODY.rstrip("\n") and rep["measure"] == "Jaccard"
    assert [p["text"] for p in d["paragraphs"]] == [r.text[p.start : p.end] for p in r.paragraphs]
    assert r.paragraphs[0].to_dict()["start"] == 0 and "text" not in r.paragraphs[0].to_dict()
    ex = dedup.explain(BODY * 3)
    e = ex.to_dict()
    assert json.loads(json.dumps(e)) == e and e["text"] == ex.text
    assert [x["removed_text"] for x in e["repeats"]] == [BODY, BODY]
    assert "".join(b["removed_text"] for b in e["blocks"]) == BODY * 2 and e["blocks"][0]["witness_text"] == BODY.rstrip("\n")
    assert ex.repeats[0].to_dict()["start"] == len(BODY) and "removed_text" not in ex.repeats[0].to_dict()
    with dedup.Corpus(dedup.Config(boilerplate_min=3)) as c:
        c.add(_docs())
        s = c.summary()
    sd = s.to_dict()
    assert json.loads(json.dumps(sd)) == sd
    assert sd["top_boilerplate"] == [{"text": FOOT.rstrip("\n"), "doc_frequency": 4, "story_frequency": 3}]
    assert sd["largest_document_clusters"] == [{"representative": rs[0].id, "size": 2}]
    top = s.top_boilerplate[0]
    assert (top.text, top.doc_frequency, top.story_frequency) == tuple(top)  # (still a tuple too)


def test_results_of_a_closed_corpus_raise_a_clear_error(tmp_path):
    c = dedup.Corpus()
    with c:
        c.add(["One paragraph of text here.", "Another one."])
        pending = c.results()
    for call in (c.results, c.summary, lambda: c.add(["x"]), lambda: next(pending)):
        with pytest.raises(ValueError, match=r"closed Corpus \(its temporary index is deleted\).*with Corpus"):
            call()
    path = tmp_path / "i.sqlite"
    with dedup.Corpus(index=path) as c:
        c.add(["One paragraph of text here."])
    with pytest.raises(ValueError, match=f"closed Corpus \\(its index is {path}\\).*Corpus\\(index=PATH\\)"):
        list(c.results())
    with dedup.Corpus(index=path) as again:  # (the fix the message gives)
        assert [r.id for r in again.results()] == ["0"]
