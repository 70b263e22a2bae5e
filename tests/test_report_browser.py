"""The HTML report in a real headless chromium, driven through its debugging protocol
(tests/cdp.py): each view renders offline with its marks (checked in the DOM and in a
screenshot), the filter and the search work when used, ids and text stay text."""

from __future__ import annotations

import json
import struct
import zlib
from pathlib import Path

import numpy as np
import pytest

import dedup
from dedup.cli import main
from dedup.report import read_html_data, write_html

from .cdp import BROWSERS, Browser, find_browser

FOOT = "COPYRIGHT © Gazette Media Group, all rights reserved 2024"
EVIL_ID = "<img src=x onerror=\"window.pwned=1\">"
EVIL_TEXT = "</script><script>window.pwned=2</script> & <b>bold</b> 😀 emoji first"


def read_png(path: Path) -> np.ndarray:
    """The RGB pixels (height x width x 3) of an 8-bit RGB(A) PNG: enough for a screenshot."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat = 8, b""
    w = h = ctype = 0
    while pos < len(data):
        (n,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
            assert depth == 8
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    bpp = {2: 3, 6: 4}[ctype]
    raw = np.frombuffer(zlib.decompress(idat), np.uint8).reshape(h, w * bpp + 1)
    out, prev = np.zeros((h, w * bpp), np.uint8), np.zeros(w * bpp, np.uint8)
    for y in range(h):
        f, line = raw[y, 0], raw[y, 1:]
        if f == 0:
            out[y] = line
        elif f == 1:
            out[y] = np.cumsum(line.reshape(w, bpp), axis=0, dtype=np.uint8).reshape(-1)
        elif f == 2:
            out[y] = line + prev
        else:
            out[y] = unfilter(f, line.tolist(), prev.tolist(), bpp)
        prev = out[y]
    return out.reshape(h, w, bpp)[:, :, :3]


def unfilter(f: int, line: list[int], prev: list[int], bpp: int) -> list[int]:
    """A row under PNG's Average (3) or Paeth (4) filter, unfiltered."""
    for i in range(len(line)):
        a = line[i - bpp] if i >= bpp else 0
        b, c = prev[i], prev[i - bpp] if i >= bpp else 0
        if f == 3:
            line[i] = (line[i] + (a + b) // 2) & 255
        else:
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    return line


def pixels_like(path: Path, rgb: tuple[int, int, int], tol: int = 6) -> int:
    """How many pixels of the screenshot are within ``tol`` of the colour ``rgb``."""
    px = read_png(path).astype(np.int16)
    return int((np.abs(px - np.array(rgb, np.int16)) <= tol).all(axis=2).sum())


def corpus_docs() -> list[tuple[str, str]]:
    docs = []
    for i in range(6):
        body = [" ".join(f"w{i}p{k}t{j}" for j in range(14)) for k in range(3)]
        docs.append((f"doc-{i}", "\n".join([*body, FOOT, *body, FOOT])))
    near = docs[0][1].replace("w0p1t3", "CHANGED").replace("w0p2t7", "ALTERED")
    docs.append(("doc-0-copy", near))
    body = " ".join(f"e{j}" for j in range(16))
    docs.append((EVIL_ID, f"{EVIL_TEXT}\n{body}\n{body}\n{FOOT}"))
    docs.append(("plain", "A story of its own with nothing repeated at all, said once."))
    return docs


@pytest.fixture(scope="module")
def page(tmp_path_factory) -> Path:
    with dedup.Corpus(dedup.Config(boilerplate_min=3)) as c:
        c.add(corpus_docs())
        out = tmp_path_factory.mktemp("report") / "report.html"
        with open(out, "w", encoding="utf-8") as f:
            assert write_html(f, c.results(), c.summary(), title="test <report>", config=c.config) == 8
    return out


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    exe = find_browser()
    if exe is None:
        pytest.skip(f"no headless browser found ({', '.join(BROWSERS)}); install Debian's chromium to run this test")
    with Browser(exe, tmp_path_factory.mktemp("profile"), 1100, 800) as b:
        yield b


def show(b: Browser, page: Path, hash_: str, ready: str) -> None:
    b.open(page.as_uri() + hash_)
    b.wait(f"!!document.querySelector({json.dumps(ready)})")


def test_overview_and_a_filtered_searched_list(browser, page, tmp_path):
    b = browser
    show(b, page, "", ".cards")
    assert b.eval("document.title") == "test <report>"
    cards = b.eval("[...document.querySelectorAll('.card')].map(c => c.innerText.replace(/\\s+/g, ' '))")
    assert cards[0].startswith("documents 9 ") and "8 with something found, 1 with nothing" in cards[0]
    assert "duplicate documents 1 " in cards[2] and "boilerplate lines 1 " in cards[3]
    assert b.eval("document.querySelectorAll('svg rect.bar').length") == 4
    shot = b.screenshot(tmp_path / "overview.png")
    assert pixels_like(shot, (0xDD, 0x33, 0x33)) > 500, "no bar of the chart is drawn"
    b.eval("document.querySelector('svg rect.bar').dispatchEvent(new MouseEvent('click'))")  # within-document removals
    b.wait("!!document.getElementById('filter') && document.querySelectorAll('.row').length > 0")
    assert b.eval("document.getElementById('filter').value") == "removed"
    b.eval("{ const s = document.getElementById('filter'); s.value = 'dup'; s.dispatchEvent(new Event('change')) }")
    rows = b.wait("document.querySelectorAll('.row').length === 2 && [...document.querySelectorAll('.row > a')].map(a => a.textContent)")
    assert rows == ["doc-0", "doc-0-copy"] and "f=dup" in b.eval("location.hash")
    b.eval("{ const s = document.getElementById('sort'); s.value = 'removed'; s.dispatchEvent(new Event('change')) }")
    rows = b.wait("document.querySelector('#sort').value === 'removed' && [...document.querySelectorAll('.row > a')].map(a => a.textContent)")
    assert rows == ["doc-0-copy", "doc-0"]  # (the copy's changed words make its repeats longer)
    b.eval("{ const s = document.getElementById('filter'); s.value = 'all'; s.dispatchEvent(new Event('change')) }")
    b.eval("document.getElementById('search').focus()")
    b.call("Input.insertText", text="w3p1t")  # typed: a word of doc-3's text
    ids = b.wait("document.querySelectorAll('.row').length === 1 && [...document.querySelectorAll('.row > a')].map(a => a.textContent)")
    assert ids == ["doc-3"]
    shot = b.screenshot(tmp_path / "list.png")
    assert pixels_like(shot, (0xFD, 0xE2, 0xE2)) > 300, "the removal badge is not drawn"
    b.eval("{ const q = document.getElementById('search'); q.value = '& <b>bold'; q.dispatchEvent(new Event('input')) }")
    b.wait("document.querySelectorAll('.row').length === 1 && location.hash.includes('%26')")
    b.eval("location.hash = 'overview'; location.hash = 'docs?' + new URLSearchParams({q: '& <b>bold'})")
    b.wait("document.querySelectorAll('.row').length === 1 && document.getElementById('search').value === '& <b>bold'")
    b.eval("{ const q = document.getElementById('search'); q.value = 'PLAIN'; q.dispatchEvent(new Event('input')) }")
    b.wait("document.getElementById('results').innerText.includes('1 document with nothing found also matches: plain')")
    assert b.errors == []


def test_cluster_view_lists_members_and_highlights_the_differing_words(browser, page, tmp_path):
    b = browser
    show(b, page, "#clusters", "table a[href^='#cluster/']")
    b.eval("document.querySelector(\"table a[href^='#cluster/']\").click()")
    b.wait("!!document.getElementById('members')")
    rows = b.eval("[...document.querySelectorAll('#members tr')].slice(1).map(r => [...r.cells].map(c => c.textContent))")
    assert [r[:2] for r in rows] == [["doc-0", "kept"], ["doc-0-copy", "near-duplicate"]]
    assert rows[0][2] == "1.000" and 0.4 < float(rows[1][2]) < 1
    assert b.eval("[...document.querySelectorAll('.diff ins')].map(e => e.textContent.trim())") == ["CHANGED", "ALTERED"]
    assert b.eval("[...document.querySelectorAll('.diff del')].map(e => e.textContent.trim())") == ["w0p1t3", "w0p2t7"]
    shot = b.screenshot(tmp_path / "cluster.png")
    assert pixels_like(shot, (0xC9, 0xF0, 0xC9)) > 100, "no added word is highlighted"
    assert b.errors == []


def test_document_view_strikes_removals_and_links_its_witness(browser, page, tmp_path):
    b = browser
    show(b, page, "#docs?q=doc-0-copy", ".row > a")
    b.eval("document.querySelector('.row > a').click()")
    b.wait("!!document.querySelector('#doc .removed')")
    assert "1 of 1 in the list" in b.eval("document.getElementById('steps').textContent")
    meta = b.eval("document.querySelector('#doc .meta').innerText")
    assert "Near-duplicate of doc-0 (similarity 0." in meta and "4 paragraphs removed" in meta
    assert b.eval("document.querySelector('#doc .why').textContent").startswith("same as the kept paragraph above")
    assert b.eval("document.querySelectorAll('#doc .t .boiler').length") == 1  # (its second copy went with the repeats)
    shot = b.screenshot(tmp_path / "document.png")
    assert pixels_like(shot, (0xFD, 0xE2, 0xE2)) > 2000, "no removed span is highlighted"
    assert pixels_like(shot, (0xFF, 0xF4, 0xCC)) > 300, "no boilerplate line is marked"
    b.eval("[...document.querySelectorAll('#doc .meta a')].find(a => a.textContent === 'doc-0').click()")
    b.wait("document.querySelector('#doc h2') && document.querySelector('#doc h2').firstChild.textContent === 'doc-0'")
    assert b.errors == []


def test_ids_and_text_stay_text(browser, page):
    b = browser
    raw = page.read_text(encoding="utf-8")
    assert "<img" not in raw and "</script><script>window" not in raw and "http" not in raw.split("<body>")[1]
    show(b, page, "#docs?q=emoji", ".row > a")
    assert b.eval("document.querySelector('.row > a').textContent") == EVIL_ID
    b.eval("document.querySelector('.row > a').click()")
    b.wait("!!document.querySelector('#doc .removed')")
    assert b.eval("document.querySelector('#doc h2').firstChild.textContent") == EVIL_ID
    assert b.eval("document.querySelector('#doc .t').textContent").startswith(EVIL_TEXT)
    removed = b.eval("document.querySelector('#doc .t .removed').textContent")
    assert removed == " ".join(f"e{j}" for j in range(16)), "offsets shifted by the emoji"
    assert b.eval("typeof window.pwned") == "undefined" and b.eval("document.querySelectorAll('img, b').length") == 0


def one_page(tmp_path: Path) -> tuple[Path, Path, str]:
    src, page = tmp_path / "in.txt", tmp_path / "one.html"
    para = "A paragraph long enough to count, with well over eight words in it."
    src.write_text(f"Title line\n{para}\nMiddle line of its own here\n{para}\n", encoding="utf-8")
    return src, page, para


def test_collapse_report_html_is_checked_written_and_named(tmp_path, capsys):
    src, page, para = one_page(tmp_path)
    out = tmp_path / "out.txt"
    assert main(["collapse", str(src), "-o", str(out), "--report-html", str(page)]) == 0
    err = capsys.readouterr().err
    assert "removed 1 repeat (" in err and f"wrote the HTML report to {page} (open {page.as_uri()} in a browser)" in err
    docs, meta = read_html_data(page.read_text(encoding="utf-8"))
    assert [d["id"] for d in docs] == ["in.txt"] and meta["single"] and meta["repeats"] == 1
    with pytest.raises(SystemExit) as e:  # an output that is the input is refused before anything is written
        main(["collapse", str(src), "-o", str(out), "--report-html", str(src)])
    assert e.value.code == 2 and src.read_text(encoding="utf-8").startswith("Title line")


def test_collapse_report_html_renders_one_document(browser, tmp_path):
    src, page, para = one_page(tmp_path)
    assert main(["collapse", str(src), "-o", str(tmp_path / "out.txt"), "--report-html", str(page)]) == 0
    show(browser, page, "", "#doc .t .removed")
    assert browser.eval("document.querySelector('#doc .t .removed').textContent") == para
    assert browser.eval("document.querySelector('nav')") is None and browser.errors == []


def test_corpus_report_html_is_named_on_the_last_line(tmp_path, capsys):
    src, out, page = tmp_path / "in.jsonl", tmp_path / "out.jsonl", tmp_path / "r.html"
    src.write_text("".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in corpus_docs()), encoding="utf-8")
    assert main(["corpus", str(src), "-o", str(out), "--report-html", str(page), "--boilerplate-min", "3"]) == 0
    assert capsys.readouterr().err.splitlines()[-1] == (
        f"dedup: wrote the HTML report to {page} (open {page.as_uri()} in a browser)")
    docs, meta = read_html_data(page.read_text(encoding="utf-8"))
    assert len(docs) == 8 and meta["documents"] == 9 and meta["quiet"] == ["plain"] and meta["duplicates"] == 1


def test_a_glued_copy_is_named_as_one(browser, tmp_path):
    kept = "GAZETTE.com - Ferries will run every twenty minutes during the morning rush, the operator said."
    glued = "Photo/Jane DoeFerries will run every twenty minutes during the morning rush, the operator said."
    src, page = tmp_path / "g.txt", tmp_path / "g.html"
    src.write_text(f"{kept}\nThe council met on Tuesday and voted to open a night market next month.\n{glued}\n",
                   encoding="utf-8")
    assert main(["collapse", str(src), "-o", str(tmp_path / "out.txt"), "--report-html", str(page)]) == 0
    docs, _ = read_html_data(page.read_text(encoding="utf-8"))
    assert [r[5] for r in docs[0]["rm"]] == [3]  # the kind: glued
    show(browser, page, "", "#doc .t .removed")
    assert "glued to its start" in browser.eval("document.querySelector('#doc .t .why').textContent")


def test_an_address_naming_no_filter_sort_or_page_shows_the_whole_list(browser, page):
    show(browser, page, "#docs?f=constructor&s=__proto__&p=-3", "#filter")
    rows = browser.wait("document.querySelectorAll('.row').length > 0 && document.querySelectorAll('.row').length")
    assert rows == 8 and browser.eval("document.getElementById('filter').value") == "all"
    assert browser.errors == []
