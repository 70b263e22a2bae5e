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
