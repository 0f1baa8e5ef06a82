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

QUERY = ("{{Advocacy cases|topics=copyright|status=active}}\n"
         "{{Advocacy cases|region=LAC; NWE|sort=start|order=desc|limit=500}}")


def main() -> None:
    import requests

    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    with tempfile.TemporaryDirectory() as tmp:
        wiki = start_wiki(Path(tmp) / "wiki")
        try:
            bot(wiki, "templates", "install")
            dump = Path(tmp) / "cases.xml"
            write_dump(dump, n)
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
            t0 = time.monotonic()
            answer = requests.post(wiki.api_url, data={
                "action": "parse", "format": "json", "formatversion": 2, "text": QUERY,
                "contentmodel": "wikitext", "title": "Advocacy Hub/Bench",
                "prop": "text|limitreportdata"}, timeout=600).json()["parse"]
            wall = time.monotonic() - t0
            report = {item["name"]: item for item in answer["limitreportdata"]}
            # LuaStandalone reports virtual memory (virtmemusage); LuaSandbox memusage.
            for name in ("scribunto-limitreport-timeusage", "scribunto-limitreport-virtmemusage",
                         "scribunto-limitreport-memusage", "limitreport-cputime",
                         "limitreport-walltime", "limitreport-postexpandincludesize"):
                item = report.get(name, {})
                print(f"{name}: {item.get('0')} (limit {item.get('1')})")
            errors = re.findall(r'class="scribunto-error[^>]*>([^<]*)', answer["text"])
            if errors:
                print(f"Lua errors: {errors[:2]}")
            counts = answer["text"].count('class="advocacy-cases-count"')
            print(f"parse of two queries: {wall:.1f} s wall, {counts} count lines, "
                  f"{answer['text'].count('<tr')} table rows")
        finally:
            wiki.stop()


if __name__ == "__main__":
    main()
