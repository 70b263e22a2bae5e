"""The HTML report in a real headless browser: it renders, offline, with the removals highlighted."""

from __future__ import annotations

import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest

import dedup
from dedup.report import write_html

BROWSERS = ("chromium", "chromium-browser", "google-chrome")


def browser() -> str:
    for b in BROWSERS:
        if shutil.which(b):
            return b
    pytest.skip(f"no headless browser found ({', '.join(BROWSERS)}); install Debian's chromium to run this test")


def read_png(path: Path) -> tuple[int, int, list[bytes]]:
    """Width, height and RGB(A) rows of an 8-bit PNG (enough for a screenshot)."""
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
    raw, stride, rows, prev = zlib.decompress(idat), w * bpp, [], bytearray(w * bpp)
    for y in range(h):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return w, h, [bytes(r[i : i + 3]) for r in rows for i in range(0, len(r), bpp)]


def test_report_renders_in_a_headless_browser(tmp_path):
    exe = browser()
    foot = "COPYRIGHT © Gazette Media Group, all rights reserved 2024"
    docs = []
    for i in range(6):
        body = [" ".join(f"w{i}p{k}t{j}" for j in range(14)) for k in range(3)]
        docs.append((f"doc-{i}", "\n".join([f"Lede of story {i} " + " ".join(f"l{i}x{j}" for j in range(9)), *body, foot, *body, foot])))
    with dedup.Corpus() as c:
        c.add(docs)
        page = tmp_path / "report.html"
        with open(page, "w", encoding="utf-8") as f:
            shown = write_html(f, c.results(), c.summary())
    assert shown == 6
    shot = tmp_path / "shot.png"
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={tmp_path / 'profile'}"]
    dom = subprocess.run([exe, *flags, "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120)
    assert "doc-0" in dom.stdout and "Top boilerplate" in dom.stdout and foot in dom.stdout
    subprocess.run([exe, *flags, f"--screenshot={shot}", "--window-size=1000,1400", page.as_uri()],
                   capture_output=True, timeout=120, check=False)
    assert shot.exists(), "the browser made no screenshot"
    w, h, pixels = read_png(shot)
    assert (w, h) == (1000, 1400)
    removed_bg = sum(1 for p in pixels if p[0] > 240 and 215 <= p[1] <= 235 and 215 <= p[2] <= 235)  # #fde2e2
    boiler_bg = sum(1 for p in pixels if p[0] > 245 and 235 <= p[1] <= 250 and 190 <= p[2] <= 215)  # #fff4cc
    assert removed_bg > 2000, "no removed span is highlighted in the rendered page"
    assert boiler_bg > 500, "no boilerplate paragraph is marked in the rendered page"
