"""Harvest and index benchmark: batched full harvest vs the naive one-request-per-page loop,
incremental runs, parse vs fetch time, the index's pages and sizes, peak memory. Every number
is measured in this run, on fresh local wikis filled with generated case pages (imported with
MediaWiki's importDump.php).

Each bot run is a separate process (`advocacy-bot run harvest --stats-json`), so its request
count is its own and its peak memory (maxrss from wait4) is not mixed with the benchmark's.
"""

from __future__ import annotations

import argparse
import html
import json
import math
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))
# pywikibot's directory for the benchmark's runs (set in main): its own cookie file, so that a
# login without kept cookies can be measured without logging out the developer's wikis.
PWB_DIR = REPO_ROOT
MISSED: list[str] = []  # the targets this run did not meet


def verdict(label: str, met: bool) -> str:
    if not met:
        MISSED.append(label)
    return "met" if met else "MISSED"

from bots.localwiki import LocalWiki, start_wiki  # noqa: E402

TOPICS = ["copyright", "freedom-of-panorama", "platform-regulation", "privacy-surveillance",
          "censorship-blocking", "ai", "open-licences"]
COUNTRIES = ["BR", "DE", "US", "IN", "ZA", "EE", "PH", "MX", "NG", "FR", "JP", "UA"]


def case_text(i: int, rng: random.Random, version: int = 1) -> str:
    start = 2000 + rng.randrange(26)
    fields = {
        "title": f"Bench case {i}" + (f" (v{version})" if version > 1 else ""),
        "summary": f"Generated case number {i} for the benchmark.",
        "jurisdiction": rng.choice(COUNTRIES),
        "topics": "; ".join(rng.sample(TOPICS, 2)),
        "tactics": rng.choice(["open-letter", "litigation", "coalition", "banner"]),
        "start": str(start),
        "end": str(start + rng.randrange(3)),
        "status": rng.choice(["active", "concluded", "monitoring"]),
        "outcome": rng.choice(["won", "lost", "partial", "pending"]),
    }
    return "{{Advocacy case\n" + "\n".join(f"| {k} = {v}" for k, v in fields.items()) + "\n}}"


def write_dump(path: Path, n: int, related: bool = False) -> None:
    """``related``: case i names case i // 2 (so case k is cited by 2k and 2k + 1)."""
    rng = random.Random(n)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write('<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.11/" version="0.11" '
                 'xml:lang="en">\n')
        for i in range(n):
            text = case_text(i, rng)
            if related and i:
                text = text.replace("\n}}", f"\n| related = Bench {i // 2}\n}}}}")
            text = html.escape(text)
            fh.write(f"<page><title>Advocacy Hub/Cases/Bench {i}</title><ns>0</ns><revision>"
                     "<timestamp>2026-01-01T00:00:00Z</timestamp><contributor><username>Admin"
                     "</username></contributor><model>wikitext</model><format>text/x-wiki"
                     f'</format><text xml:space="preserve">{text}</text></revision></page>\n')
        fh.write("</mediawiki>\n")


def bot(wiki: LocalWiki, *args: str) -> tuple[dict, float, float, str]:
    """Run advocacy-bot in its own process: (stats, wall seconds, peak RSS in MB, its log).
    The log goes to a file, not a pipe, which a chatty run could fill while we wait."""
    env = {**os.environ, "ADVOCACY_WIKI_DIR": str(wiki.dir), "PYWIKIBOT_DIR": str(PWB_DIR),
           "PYWIKIBOT_NO_USER_CONFIG": "0", "ADVOCACY_TERMINAL_LEVEL": "info"}  # log read
    with tempfile.NamedTemporaryFile(suffix=".json") as stats_file, \
            tempfile.TemporaryFile("w+") as err:
        started = time.monotonic()
        proc = subprocess.Popen([sys.executable, "-m", "bots", *args, "--stats-json",
                                 stats_file.name], env=env, cwd=REPO_ROOT,
                                stdout=subprocess.DEVNULL, stderr=err, text=True)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.monotonic() - started
        err.seek(0)
        log = err.read()
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"advocacy-bot {' '.join(args)} failed:\n{log[-3000:]}")
        return (json.loads(Path(stats_file.name).read_text()), elapsed, usage.ru_maxrss / 1024,
                log)


def in_process(wiki: LocalWiki):
    os.environ["ADVOCACY_WIKI_DIR"] = str(wiki.dir)
    os.environ["PYWIKIBOT_DIR"] = str(PWB_DIR)
    from bots.config import load_profile
    from bots.jobs.context import job_context

    return job_context("bench", load_profile("local"))


def naive_and_split(wiki: LocalWiki) -> dict:
    """The naive loop (list, then one request per page), and the batched harvest's fetch and
    parse phases timed separately."""
    import pywikibot

    from bots.core.parse import find_records
    from bots.core.schema import load_schema
    from bots.core.wikitemplates import RECORD_MARKER

    schema = load_schema()
    out: dict = {}
    with in_process(wiki) as ctx:
        site = ctx.site
        marker = pywikibot.Page(site, f"Template:{RECORD_MARKER}")
        before = ctx.stats
        # The batched harvest's two phases one after the other (in the job they overlap):
        # listing and fetching with the harvest's own functions, then parsing.
        from bots.wiki.pages import fetch_texts, transcluding_ids
        from bots.wiki.session import RequestCounter

        counter = RequestCounter()
        t0 = time.monotonic()
        pageids, _, _ = transcluding_ids(site, marker.title())
        texts = [(p.title, p.text) for p in fetch_texts(site, pageids, 500)]
        out["fetch_s"] = time.monotonic() - t0
        out["fetch_requests"] = counter.count
        t0 = time.monotonic()
        for title, text in texts:
            find_records(text, title, schema)
        out["parse_s"] = time.monotonic() - t0
        counter.close()
        # The naive loop: one request per page.
        counter = RequestCounter()
        t0 = time.monotonic()
        titles = [p.title() for p in site.page_embeddedin(marker)]
        records = 0
        for title in titles:
            page = pywikibot.Page(site, title)
            records += len(find_records(page.get(), title, schema))
        out["naive_s"] = time.monotonic() - t0
        out["naive_requests"] = counter.count
        out["naive_records"] = records
        counter.close()
        del before
    return out


def edit_pages(wiki: LocalWiki, k: int, n: int) -> None:
    from bots.wiki.actor import Actor

    admin = Actor(wiki.api_url, *wiki.admin).login()
    rng = random.Random(k)
    for i in rng.sample(range(n), k):
        admin.edit(f"Advocacy Hub/Cases/Bench {i}", case_text(i, rng, version=2), "bench edit")


PAGE_LIMIT = 524_288  # bytes: every generated page at most this (issue 13)
GENERATED = ("Advocacy Hub/Cases", "Advocacy Hub/Maintenance", "Advocacy Hub/Statistics",
             "Advocacy Hub/Events", "Advocacy Hub/Resources")


def generated_sizes(wiki: LocalWiki) -> dict[str, int]:
    """Title -> length of every page the bot writes: the generated pages (case pages
    themselves left out) and its state pages (the snapshot, the index's state)."""
    import requests

    out: dict[str, int] = {}
    for ns, prefix in [*((0, g) for g in GENERATED), (2, "AdvocacyBot/")]:  # and its state
        params = {"action": "query", "format": "json", "formatversion": 2,
                  "generator": "allpages", "gapprefix": prefix, "gaplimit": "max",
                  "gapnamespace": ns, "prop": "info"}
        while True:
            data = requests.get(wiki.api_url, params=params, timeout=120).json()
            for page in data.get("query", {}).get("pages", []):
                title = page["title"]
                if not title.startswith("Advocacy Hub/Cases/Bench"):
                    out[title] = page["length"]
            if "continue" not in data:
                break
            params.update(data["continue"])
    return out


def snapshot_shards(wiki: LocalWiki) -> int:
    """How many shard pages the snapshot's head names."""
    import requests

    data = requests.get(wiki.api_url, params={
        "action": "query", "format": "json", "formatversion": 2, "prop": "revisions",
        "titles": "User:AdvocacyBot/Snapshot.json", "rvprop": "content", "rvslots": "main"},
        timeout=120).json()
    text = data["query"]["pages"][0]["revisions"][0]["slots"]["main"]["content"]
    return len(json.loads(text)["shards"])


def parse_cpu(wiki: LocalWiki, title: str) -> str:
    """The wiki's own CPU time for parsing ``title`` (its parser limit report)."""
    import requests

    data = requests.post(wiki.api_url, data={"action": "parse", "format": "json",
                                             "formatversion": 2, "page": title,
                                             "prop": "limitreportdata"}, timeout=600).json()
    for item in data.get("parse", {}).get("limitreportdata", []):
        if item.get("name") == "limitreport-cputime":
            return f"{item.get('0')} s"
    return "?"


def bench_index(wiki: LocalWiki, n: int) -> list[tuple[str, str]]:
    rows = []
    stats, _secs, rss, _ = bot(wiki, "run", "index")
    sizes = generated_sizes(wiki)
    largest = max(sizes, key=sizes.get)
    within = sizes[largest] <= PAGE_LIMIT
    # The parser's own time for the largest page a reader opens (JSON state is not parsed).
    wikitext = [t for t in sizes if not t.endswith(".json")]
    read_most = max(wikitext, key=sizes.get)
    rows.append((f"N={n}: run index (first)",
                 f"{stats['api_requests']} requests, {stats['edits']} pages written, job "
                 f"{stats['seconds']:.1f} s, peak {rss:.0f} MB (under 500: "
                 f"{verdict(f'N={n} index peak memory', rss < 500)}); {len(sizes)} generated "
                 f"pages, largest {sizes[largest]:,} bytes ([[{largest}]], at most "
                 f"{PAGE_LIMIT:,}: {verdict(f'N={n} largest page', within)}); the largest "
                 f"wikitext page, [[{read_most}]] ({sizes[read_most]:,} bytes), parses in "
                 f"{parse_cpu(wiki, read_most)} CPU"))
    stats, _secs, rss, _ = bot(wiki, "run", "index")
    quiet = stats["edits"] == 0 and stats["api_requests"] <= 5
    rows.append((f"N={n}: run index, nothing changed",
                 f"{stats['api_requests']} requests, {stats['edits']} edits (budget 5 requests, "
                 f"0 edits: {verdict(f'N={n} index, nothing changed', quiet)}), "
                 f"{stats['seconds']:.1f} s"))
    return rows


def bench(n: int, workdir: Path, naive: bool) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    wiki = start_wiki(workdir / f"wiki-{n}")
    try:
        bot(wiki, "templates", "install")
        dump = workdir / f"cases-{n}.xml"
        write_dump(dump, n)
        t0 = time.monotonic()
        wiki.maint("importDump", "--quiet", str(dump), timeout=3600)
        # The local wiki runs one queued job per web request ($wgJobRunRate = 1), and the
        # template install queued thousands of cache updates: run them now, so every
        # measurement below sees a wiki at rest (as the naive loop, measured last, would).
        wiki.maint("runJobs", "--quiet", timeout=3600)
        rows.append((f"N={n}: import {n} pages (importDump.php, runJobs.php)",
                     f"{time.monotonic() - t0:.0f} s"))

        stats, secs, rss, _ = bot(wiki, "run", "harvest")
        # One fetch per 500 pages, one write per snapshot shard (each within the 512 KiB
        # page budget: as many as the records' bytes need), and 10 for the rest.
        shards = snapshot_shards(wiki)
        budget = math.ceil(n / 500) + shards + 10
        assert stats["records"] == n, stats
        rows.append((f"N={n}: full harvest",
                     f"{stats['api_requests']} requests (budget {budget} = ceil(N/500) + "
                     f"{shards} shards + 10: "
                     f"{verdict(f'N={n} full harvest requests', stats['api_requests'] <= budget)}"
                     f"), job {stats['seconds']:.1f} s (process {secs:.1f} s incl. Python "
                     f"start-up), peak {rss:.0f} MB (under 500: "
                     f"{verdict(f'N={n} peak memory', rss < 500)}), {stats['edits']} edits"))
        full_secs = stats["seconds"]
        full_requests = stats["api_requests"]

        stats, secs, rss, _ = bot(wiki, "run", "harvest")
        quiet_ok = stats["api_requests"] <= 5 and stats["edits"] == 0
        rows.append((f"N={n}: incremental, nothing changed",
                     f"{stats['api_requests']} requests (budget 5, 0 edits: "
                     f"{verdict(f'N={n} incremental, nothing changed', quiet_ok)}), "
                     f"{stats['edits']} edits, {secs:.1f} s"))
        kept = stats["api_requests"]
        for cookies in PWB_DIR.glob("pywikibot-*.lwp"):
            cookies.unlink()
        stats, secs, rss, _ = bot(wiki, "run", "harvest")
        rows.append((f"N={n}: the same, logging in afresh (no cookies)",
                     f"{stats['api_requests']} requests: a login without kept cookies costs "
                     f"{stats['api_requests'] - kept} more"))

        k = 100
        edit_pages(wiki, k, n)
        stats, secs, rss, _ = bot(wiki, "run", "harvest")
        changed_budget = 5 + math.ceil(k / 500)
        changed_ok = stats["api_requests"] <= changed_budget
        rows.append((f"N={n}: incremental, {k} changed pages",
                     f"{stats['api_requests']} requests (budget {changed_budget}: "
                     f"{verdict(f'N={n} incremental, {k} changed', changed_ok)}), "
                     f"{stats['edits']} edits, {secs:.1f} s"))

        rows += bench_index(wiki, n)

        if naive:
            split = naive_and_split(wiki)
            assert split["naive_records"] == n
            rows.append((f"N={n}: fetch vs parse (batched)",
                         f"list+fetch {split['fetch_s']:.1f} s in {split['fetch_requests']} "
                         f"requests; parse {split['parse_s']:.1f} s (one after the other here; "
                         "the job parses while it fetches)"))
            rows.append((f"N={n}: naive loop (one request per page)",
                         f"{split['naive_requests']} requests, {split['naive_s']:.1f} s"))
            ratio = split["naive_s"] / full_secs
            target = (f" (target 20x at N=2000: {verdict('N=2000 speed-up', ratio >= 20)})"
                      if n == 2000 else "")
            rows.append((f"N={n}: full harvest vs naive loop",
                         f"{ratio:.0f}x faster{target}, "
                         f"{split['naive_requests'] / max(1, full_requests):.0f}x fewer requests "
                         "(the whole harvest job, login and snapshot writes included, against "
                         "the loop alone)"))
    finally:
        wiki.stop()
    return rows


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="N = 300 only")
    ap.add_argument("--sizes", type=int, nargs="*", help="override N values")
    args = ap.parse_args()
    sizes = args.sizes or ([300] if args.quick else [2000, 10000])
    rows: list[tuple[str, str]] = []
    # In memory when the machine has a tmpfs: importing 10,000 pages is then twice as fast
    # (SQLite syncs every page it imports). The wiki serves the same either way.
    shm = Path("/dev/shm")
    where = str(shm) if shm.is_dir() and os.access(shm, os.W_OK) else None
    global PWB_DIR
    with tempfile.TemporaryDirectory(prefix="advocacy-bench-", dir=where) as tmp:
        PWB_DIR = Path(tmp) / "pywikibot"
        PWB_DIR.mkdir()
        shutil.copy(REPO_ROOT / "user-config.py", PWB_DIR)
        for n in sizes:
            measured = bench(n, Path(tmp), naive=(n <= 2000))
            rows += measured
            for label, value in measured:
                print(f"{label:48} {value}", flush=True)
    print("\nSummary")
    for label, value in rows:
        print(f"  {label:48} {value}")
    print("\nTargets missed: " + "; ".join(MISSED) if MISSED else "\nEvery target was met.")
    return 1 if MISSED else 0


if __name__ == "__main__":
    raise SystemExit(main())
