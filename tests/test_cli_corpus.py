"""End-to-end runs of `dedup corpus` on small corpora."""

from __future__ import annotations

import json
import os

import pytest

from dedup.cli import main

FOOT = "COPYRIGHT © Gazette Media Group, all rights reserved 2024"
BODY = [
    "The council voted on Tuesday to open a weekly night market along the river quay.",
    "Stalls will open at six in the evening every Friday, with lighting paid for by a grant.",
]


def docs(n=8):
    out = []
    for i in range(n):
        lede = f"Story {i}: " + " ".join(f"word{i}x{j}" for j in range(12))
        body = [f"{b[:20]} " + " ".join(f"w{i}p{k}t{j}" for j in range(14)) for k, b in enumerate(BODY)]
        out.append({"id": f"d{i}", "source": "test", "text": "\n".join([lede, *body, FOOT, *body, FOOT])})
    return out


def write_jsonl(path, records, extra_lines=()):
    with open(path, "w", encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps(r) + "\n")
        for line in extra_lines:
            f.write(line + "\n")


def read_report(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_jsonl_end_to_end(tmp_path):
    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    write_jsonl(src, docs())
    report = tmp_path / "r.jsonl"
    assert main(["corpus", str(src), "-o", str(out), "--quiet", "--report-html", str(tmp_path / "r.html"),
                 "--report", str(report)]) == 0
    recs = [json.loads(l) for l in out.read_text().splitlines()]
    assert [r["id"] for r in recs] == [f"d{i}" for i in range(8)]
    assert all(r["source"] == "test" for r in recs)  # other fields kept
    assert all(r["text"].count(FOOT) == 1 for r in recs)  # the repeated body and footer collapsed
    rep = read_report(report)
    assert rep[0]["summary"]["documents"] == 8
    assert rep[0]["summary"]["top_boilerplate"][0] == {"text": FOOT, "doc_frequency": 8, "story_frequency": 8}
    d0 = rep[1]
    assert len(d0["removed"]) == 3 and d0["removed"][0]["similarity"] == 1.0
    html = (tmp_path / "r.html").read_text()
    assert "<html" in html and "line-through" in html and "http" not in html.split("<body>")[1]


def test_txt_directory_end_to_end(tmp_path):
    src = tmp_path / "docs"
    (src / "sub").mkdir(parents=True)
    for i, d in enumerate(docs(3)):
        (src / ("sub" if i else "") / f"{d['id']}.txt").write_bytes(d["text"].replace("\n", "\r\n").encode())
    out = tmp_path / "clean"
    assert main(["corpus", str(src), "-o", str(out), "-q"]) == 0
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.txt"))
    assert files == ["d0.txt", "sub/d1.txt", "sub/d2.txt"]
    text = (out / "d0.txt").read_bytes().decode()
    assert "\r\n" in text and text.count(FOOT) == 1


def test_parquet_end_to_end(tmp_path):
    pa = pytest.importorskip("pyarrow", reason="pyarrow not installed (extra [parquet])")
    import pyarrow.parquet as pq

    src, out = tmp_path / "in.parquet", tmp_path / "out.parquet"
    pq.write_table(pa.Table.from_pylist(docs(4)), src)
    assert main(["corpus", str(src), "-o", str(out), "-q"]) == 0
    rows = pq.read_table(out).to_pylist()
    assert [r["id"] for r in rows] == ["d0", "d1", "d2", "d3"] and rows[0]["source"] == "test"
    assert rows[0]["text"].count(FOOT) == 1


def test_malformed_jsonl_line_stops_with_its_number(tmp_path, capsys):
    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    write_jsonl(src, docs(2), ['{"id": "x", "text": "unterminated'])
    assert main(["corpus", str(src), "-o", str(out), "-q"]) == 1
    assert f"{src}:3: malformed JSONL line" in capsys.readouterr().err
    assert not out.exists() and list(tmp_path.iterdir()) == [src]  # nothing half-written
    assert main(["corpus", str(src), "-o", str(out), "-q", "--skip-bad", "--report", str(tmp_path / "r.jsonl")]) == 0
    rep = read_report(tmp_path / "r.jsonl")
    assert rep[0]["skipped_lines"] == [f"{src}:3"] and len(out.read_text().splitlines()) == 2


@pytest.mark.parametrize(
    "records, match",
    [
        ([{"id": "a"}], "in.jsonl:1: no 'text' field"),
        ([{"id": "a", "text": "x"}, {"id": "a", "text": "y"}], "in.jsonl:2: duplicate document id 'a' (first at {src}:1)"),
        ([{"id": [1], "text": "x"}], "in.jsonl:1: id of type list"),
        ([{"id": "a", "text": 5}], "in.jsonl:1: the 'text' field must be str, got int"),
        ([{"id": None, "text": "x"}], "in.jsonl:1: id of type NoneType"),
    ],
)
def test_bad_records_are_data_errors(tmp_path, capsys, records, match):
    """Every record error names the file and the 1-based line (never "document 3" or "positions 0 and 1")."""
    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    write_jsonl(src, records)
    assert main(["corpus", str(src), "-o", str(out), "-q"]) == 1
    err = capsys.readouterr().err
    assert match.format(src=src) in err and "position" not in err and "document 0" not in err
    assert not out.exists()


def test_dedupe_ids(tmp_path):
    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    write_jsonl(src, [{"id": "a", "text": "x"}, {"id": "a", "text": "y"}, {"id": "b", "text": "z"}])
    assert main(["corpus", str(src), "-o", str(out), "-q", "--dedupe-ids"]) == 0
    assert [json.loads(l)["text"] for l in out.read_text().splitlines()] == ["x", "z"]


def test_invalid_utf8_txt(tmp_path, capsys):
    src = tmp_path / "bad.txt"
    src.write_bytes(b"fine line\n\xc3\x28 broken")
    assert main(["corpus", str(src), "-o", str(tmp_path / "o"), "-q"]) == 1
    assert "byte 10" in capsys.readouterr().err
    assert main(["corpus", str(src), "-o", str(tmp_path / "o"), "-q", "--errors", "replace"]) == 0


def test_empty_corpus(tmp_path):
    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    src.write_text("")
    assert main(["corpus", str(src), "-o", str(out), "-q", "--report", str(tmp_path / "r.jsonl")]) == 0
    assert out.read_text() == ""
    assert [r["record"] for r in read_report(tmp_path / "r.jsonl")] == ["summary"]


def test_incremental_index_and_config_mismatch(tmp_path, capsys):
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    ds = docs(8)
    write_jsonl(a, ds[:4])
    write_jsonl(b, ds[4:])
    idx = tmp_path / "idx.sqlite"
    assert main(["corpus", str(a), "-o", str(tmp_path / "oa.jsonl"), "--index", str(idx), "-q"]) == 0
    assert main(["corpus", str(b), "-o", str(tmp_path / "ob.jsonl"), "--index", str(idx), "-q",
                 "--report", str(tmp_path / "ob.report.jsonl")]) == 0
    rep = read_report(tmp_path / "ob.report.jsonl")
    assert [d["id"] for d in rep[1:]] == ["d4", "d5", "d6", "d7"]  # only today's documents
    assert rep[0]["summary"]["documents"] == 8  # matched against everything before
    foot = rep[1]["boilerplate"][0]
    assert foot["first_doc"] == "d0" and foot["story_frequency"] == 8
    assert main(["corpus", str(b), "-o", str(tmp_path / "oc.jsonl"), "--index", str(idx), "-q", "--threshold", "0.9"]) == 1
    assert "different Config" in capsys.readouterr().err


def test_disk_full_leaves_nothing(tmp_path, monkeypatch, capsys):
    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    write_jsonl(src, docs(3))

    def full(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    assert main(["corpus", str(src), "-o", str(out), "-q"]) == 1
    assert "No space left" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl"]


def test_mixed_input_kinds(tmp_path, capsys):
    (tmp_path / "a.jsonl").write_text("")
    (tmp_path / "b.txt").write_text("x")
    with pytest.raises(SystemExit) as e:  # a usage error: the arguments cannot work, whatever the files hold
        main(["corpus", str(tmp_path / "a.jsonl"), str(tmp_path / "b.txt"), "-o", str(tmp_path / "o"), "-q"])
    assert e.value.code == 2
    err = capsys.readouterr().err
    assert "mix kinds" in err and "usage: dedup corpus" in err


def test_interrupt_leaves_no_output(tmp_path, monkeypatch, capsys):
    import dedup.cli_corpus

    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    write_jsonl(src, docs(3))
    out.write_text("old output\n")

    def interrupted(self, *a, **k):
        raise KeyboardInterrupt

    monkeypatch.setattr(dedup.cli_corpus, "json_record", interrupted)  # Ctrl-C while writing
    assert main(["corpus", str(src), "-o", str(out), "-q"]) == 130
    assert out.read_text() == "old output\n"  # the old file, whole
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl", "out.jsonl"]


def test_progress_only_on_a_terminal(monkeypatch):
    import sys

    from dedup.progress import progress

    items = [1, 2, 3]
    monkeypatch.setattr(sys.stderr, "isatty", lambda: False, raising=False)
    assert progress(items, False, "x") is items
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    assert progress(items, True, "x") is items  # --quiet
    bar = progress(items, False, "x", total=3)
    assert bar is not items and list(bar) == items
