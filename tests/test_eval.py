"""Quality on the shared development set, scored by the reference scorer itself."""

import json

import dedup

from .conftest import scorer, shared_file


def test_within_document_quality_bar():
    score = scorer()
    cases = score.read_jsonl(str(shared_file("eval/within.jsonl")))
    res = score.score_within(cases, {c["id"]: dedup.collapse(c["text"]) for c in cases}, None)
    print(json.dumps(res))
    assert res["missing"] == 0
    assert res["removal_precision"] >= 0.999
    assert res["removal_recall"] >= 0.99
    assert res["clean_docs_changed"] == 0
    assert res["altered_lines"] == 0


def test_real_documents_quality_bar():
    score = scorer()
    cases = score.read_jsonl(str(shared_file("eval/real_within.jsonl")))
    res = score.score_spans(cases, {c["id"]: dedup.collapse(c["text"]) for c in cases}, None)
    print(json.dumps({k: v for k, v in res.items() if k != "by_source"}))
    assert res["missing"] == 0 and res["altered_docs"] == 0
    assert res["word_precision"] >= 0.99
    assert res["word_recall"] >= 0.95
    assert res["doc_exact_match"] >= 0.9


def test_the_corpus_driver_collapses_real_documents_as_collapse_does():
    score = scorer()
    cases = score.read_jsonl(str(shared_file("eval/real_within.jsonl")))
    docs = [(c["id"], c["text"]) for c in cases]
    got = {r.id: r.collapsed for r in dedup.dedupe(docs)}
    assert got == {i: dedup.collapse(t) for i, t in docs}
