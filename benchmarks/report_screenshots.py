"""Screenshots of each view of the HTML report, for the docs (docs/img/report_*.png), made in
headless chromium from a small invented news corpus (two sites, stories re-crawled with edits,
bodies scraped twice, footers and "Read also" lines).

    python benchmarks/report_screenshots.py            # writes docs/img/report_*.png
    python benchmarks/report_screenshots.py --out DIR  # elsewhere
"""

from __future__ import annotations

import argparse
import io
import random
import sys
import tempfile
import time
from pathlib import Path

from _common import ROOT

import dedup
from dedup.report import write_html

sys.path.insert(0, str(ROOT))
from tests.cdp import Browser, find_browser  # noqa: E402

STORIES = [
    ["The city council voted on Tuesday to open a weekly night market along the old river quay.",
     "Sixty traders have asked for a stall, said councillor Marta Quint, who chaired the vote.",
     "Stalls will open at six every Friday from next month, lit with a regional grant of 40,000 dollars.",
     "Residents near the quay raised concerns about noise; trading will end at eleven."],
    ["The harbour ferry will run two extra crossings on weekday mornings from the first of March.",
     "Commuters had complained for months about queues at the north pier before eight o'clock.",
     "The operator said a second boat, repaired over the winter, makes the new timetable possible.",
     "Fares stay the same, and monthly passes remain valid on every crossing."],
    ["Heavy rain flooded three streets in the lower town overnight and closed the school on Mill Lane.",
     "Firefighters pumped water from a dozen cellars; nobody was hurt, the fire service said.",
     "The weather office expects more rain on Thursday and advises residents to move cars uphill.",
     "The school will reopen on Monday once the electricians have checked the building."],
    ["The town library will stay open until nine in the evening on weekdays from next term.",
     "Students asked for longer hours in a petition signed by more than eight hundred people.",
     "Two new staff members will be hired, paid from the savings of the library's new heating system.",
     "The reading room on the first floor will be reserved for quiet study after six."],
    ["A local bakery won the regional bread prize for its rye loaf, baked to a recipe from 1923.",
     "The owners, brothers Tomas and Emil Varga, took over the shop from their grandmother.",
     "Judges praised the crust and the sour, dense crumb, the prize committee said in a statement.",
     "The bakery plans to double its morning batch to meet demand after the award."],
    ["Road works on Harbour Road will close one lane for six weeks starting on the fifteenth.",
     "The works replace a water main laid in the 1950s that burst twice last year.",
     "Buses will keep their stops, but drivers should expect delays at rush hour, the council said.",
     "Cyclists can use the new lane on the parallel Quay Street during the works."],
]
SITES = [("Port Selwyn Gazette", "COPYRIGHT © Port Selwyn Gazette 2024. All rights reserved."),
         ("Harbour Daily", "Follow Harbour Daily on social media for the latest local news and photos.")]
LINKS = ["Read also: Ferry timetable changes for the winter season", "Read also: New cycle lane finished early",
         "Read also: Market traders welcome the council's decision", "Read also: Five walks along the old quay"]


def demo_docs(seed: int = 1) -> list[tuple[str, str]]:
    rnd, docs = random.Random(seed), []
    for copy in range(3):
        for s, story in enumerate(STORIES):
            for site, (name, foot) in enumerate(SITES):
                if (s + site + copy) % 3 == 2:
                    continue
                body = [p if rnd.random() > 0.2 or copy == 0 else p.replace(" the ", " this ", 1) for p in story]
                if copy:
                    body.insert(1, f"Updated at {8 + copy}:30 with comments from the council.")
                lines = [f"{name.upper()} - {body[0]}", *body[1:3], rnd.choice(LINKS), *body[3:], foot]
                if (s + copy) % 4 == 0:  # the body scraped twice
                    lines += [*body[1:], foot]
                docs.append((f"{name.split()[0].lower()}-{s + 1}-{copy + 1}", "\n".join(lines) + "\n"))
    return docs


VIEWS = [
    ("overview", "", ".cards"),
    ("list", "#docs?f=removed", ".row"),
    ("document", "", "#doc .t .removed"),
    ("cluster", "", ".diff ins"),
    ("boilerplate", "#boilerplate", "#lines td"),
]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "img")
    a = ap.parse_args()
    exe = find_browser()
    if exe is None:
        raise SystemExit("no chromium found: install Debian's chromium to make the screenshots")
    with dedup.Corpus(dedup.Config(boilerplate_min=3)) as c:
        c.add(demo_docs())
        f = io.StringIO()
        write_html(f, c.results(), c.summary(), title="dedup report: news.jsonl", config=c.config)
    a.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, Browser(exe, Path(tmp) / "profile", 1200, 820) as b:
        page = Path(tmp) / "report.html"
        page.write_text(f.getvalue(), encoding="utf-8")
        b.open(page.as_uri())
        b.wait("!!document.querySelector('.cards')")
        doc = b.eval("dedupReport.docs.findIndex(d => d.rm && d.cl !== undefined)")
        cluster = b.eval("dedupReport.meta.clusters.findIndex(c => c.m.length > 2)")
        for name, hash_, ready in VIEWS:
            hash_ = hash_ or {"document": f"#doc/{doc}", "cluster": f"#cluster/{cluster}"}.get(name, "")
            b.eval(f"location.hash = {hash_!r}")
            b.wait(f"!!document.querySelector({ready!r})")
            time.sleep(0.2)
            print(b.screenshot(a.out / f"report_{name}.png"))
        if b.errors:
            raise SystemExit(f"the page reported errors: {b.errors}")


if __name__ == "__main__":
    main()
