"""{{Advocacy cases}} at scale (issue 15): N generated cases imported into a fresh local wiki
(importDump.php), a harvest (which writes the compact case table), then queries rendered by
Module:Advocacy; prints the table's size and parts and the parse's Lua CPU time and memory
from the limit report. ``scripts/bench_lua.py [N]`` (default 10,000)."""

from __future__ import annotations

import json
import re
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import bot, write_dump

from bots.localwiki import start_wiki

# The query; a wide one showing 500 rows; every case, 500 shown; the three on one page.
QUERIES = {
    "topics=copyright|status=active": "{{Advocacy cases|topics=copyright|status=active}}",
    "region=LAC; NWE, 500 by start": "{{Advocacy cases|region=LAC; NWE|sort=start|order=desc"
                                     "|limit=500}}",
    "every case, 500 by topic": "{{Advocacy cases|sort=topics|limit=500}}",
}
QUERIES["the three on one page"] = "\n".join(QUERIES.values())
# A case page's "Cited by" row (case 1 is named by cases 2 and 3): every row is looked at.
CITED_BY = "{{#invoke:Advocacy|citedby|kind=case}}"
TITLES = {"a case's Cited by": "Advocacy Hub/Cases/Bench 1"}
QUERIES["a case's Cited by"] = CITED_BY
REPORTED = {"scribunto-limitreport-timeusage": "Lua time (s)",
            "scribunto-limitreport-virtmemusage": "Lua memory (bytes, LuaStandalone virtual)",
            "scribunto-limitreport-memusage": "Lua memory (bytes)",
            "limitreport-cputime": "parse CPU (s)"}


def main() -> None:
    import requests

    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    with tempfile.TemporaryDirectory() as tmp:
        wiki = start_wiki(Path(tmp) / "wiki")
        try:
            bot(wiki, "templates", "install")
            dump = Path(tmp) / "cases.xml"
            write_dump(dump, n, related=True)
            t0 = time.monotonic()
            wiki.maint("importDump", "--quiet", str(dump), timeout=3600)
            wiki.maint("runJobs", "--quiet", timeout=3600)
            print(f"import of {n} cases: {time.monotonic() - t0:.0f} s")
            stats, secs, _, _ = bot(wiki, "run", "harvest")
            print(f"harvest: {stats['records']} records, {stats['edits']} edits, {secs:.0f} s")

            def info(title: str) -> int:
                data = requests.get(wiki.api_url, params={
                    "action": "query", "prop": "info", "titles": title, "format": "json",
                    "formatversion": 2}, timeout=60).json()
                return data["query"]["pages"][0].get("length", 0)

            def text(title: str) -> str:
                data = requests.get(wiki.api_url, params={
                    "action": "query", "prop": "revisions", "rvprop": "content",
                    "rvslots": "main", "titles": title, "format": "json",
                    "formatversion": 2}, timeout=60).json()
                return data["query"]["pages"][0]["revisions"][0]["slots"]["main"]["content"]

            head_title = "User:AdvocacyBot/Cases.json"
            head = json.loads(text(head_title))
            sizes = [info(t) for t in head["parts"]]
            print(f"case table: head {info(head_title):,} bytes, {len(sizes)} parts, "
                  f"{sum(sizes):,} bytes in all, largest part {max(sizes):,} bytes")
            for label, query in QUERIES.items():
                t0 = time.monotonic()
                answer = requests.post(wiki.api_url, data={
                    "action": "parse", "format": "json", "formatversion": 2, "text": query,
                    "contentmodel": "wikitext",
                    "title": TITLES.get(label, "Advocacy Hub/Bench"),
                    "prop": "text|limitreportdata"}, timeout=600).json()["parse"]
                wall = time.monotonic() - t0
                report = {item["name"]: item for item in answer["limitreportdata"]}
                errors = re.findall(r'class="scribunto-error[^>]*>([^<]*)', answer["text"])
                links = re.findall(r'title="(Advocacy Hub/Cases/[^"]*)"', answer["text"])
                shown = f", links {links}" if label in TITLES else ""
                print(f"{label}: {answer['text'].count('<tr')} table rows, {wall:.1f} s wall"
                      + shown
                      + (f", Lua errors: {errors[:2]}" if errors else ""))
                # LuaStandalone reports virtual memory (virtmemusage); LuaSandbox memusage.
                for name, what in REPORTED.items():
                    if name in report:
                        item = report[name]
                        limit = f" of {item['1']}" if item.get("1") is not None else ""
                        print(f"    {what}: {item.get('0')}{limit}")
        finally:
            wiki.stop()


if __name__ == "__main__":
    main()
