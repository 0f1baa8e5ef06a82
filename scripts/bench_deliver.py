"""Delivery benchmark: `run deliver` of one issue to N subscribers, against the budget of
ceil(N/50) + N + 10 requests, and a naive check that reads each target page on its own.

Setup (not measured): N accounts created in one PHP process (eval.php); the subscribers page
imported with importDump.php as N revisions, each saved by the subscriber it adds (so every
line has its subscriber's consent in the history, as the bot checks); one case, the month's
issue made by `run newsletter` and marked ready. The issue goes to every subscriber in one
run (the profile's per-run cap raised to N for the benchmark).

The history of a page that grows by one line a revision is O(N^2) bytes (30 MB at N = 1,000,
750 MB at 5,000): above 1,000 subscribers the page is imported as one revision and its
attribution put on the wiki as the bot keeps it once it has read the history (the steady
state of a big list).
"""

from __future__ import annotations

import argparse
import html
import math
import re
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import requests

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from bots.localwiki import LocalWiki, start_wiki  # noqa: E402
from scripts.bench import bot, verdict  # noqa: E402 (the same runner and verdicts)
from scripts.bench_roster import create_accounts  # noqa: E402

SUBSCRIBERS = "Advocacy Hub/Newsletter/Subscribers"


def username(i: int) -> str:
    return f"Bench reader {i}"


def _revision(user: str, when: datetime, text: str) -> str:
    return (f"<revision><timestamp>{when.strftime('%Y-%m-%dT%H:%M:%SZ')}</timestamp>"
            f"<contributor><username>{html.escape(user)}</username></contributor>"
            "<model>wikitext</model><format>text/x-wiki</format>"
            f'<text xml:space="preserve">{html.escape(text)}</text></revision>\n')


def subscriber_line(i: int) -> str:
    lang = "es" if i % 4 == 0 else "en"
    fmt = "summary" if i % 3 == 0 else "full"
    return f"{{{{Advocacy subscriber|user={username(i)}|language={lang}|format={fmt}}}}}"


def write_dump(path: Path, n: int, now: datetime, history: bool) -> None:
    """With ``history``, one revision per subscriber, saved by them; without, the page as one
    revision (its attribution is then put on the wiki as the bot would have saved it)."""
    lines = ["Subscribe below with your own line."]
    with open(path, "w", encoding="utf-8") as fh:
        fh.write('<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.11/" version="0.11" '
                 'xml:lang="en">\n')
        fh.write(f"<page><title>{SUBSCRIBERS}</title><ns>0</ns>\n")
        for i in range(n):
            lines.append(subscriber_line(i))
            if history:
                when = now - timedelta(days=3, seconds=n - i)
                fh.write(_revision(username(i), when, "\n".join(lines)))
        if not history:
            fh.write(_revision("Admin", now - timedelta(days=3), "\n".join(lines)))
        fh.write("</page>\n")
        case = ("{{Advocacy case\n| title = Bench delivery case\n| summary = S.\n"
                "| jurisdiction = CL\n| topics = copyright\n| start = 2025\n"
                "| status = active\n| outcome = pending\n}}")
        fh.write("<page><title>Advocacy Hub/Cases/Bench delivery case</title><ns>0</ns>"
                 + _revision("Admin", now - timedelta(days=2), case) + "</page>\n")
        fh.write("</mediawiki>\n")


def put_attribution(wiki: LocalWiki, n: int) -> None:
    """The subscribers page's attribution as `run deliver` keeps it on the wiki after it has
    read the history: each line saved by its subscriber (the steady state of a big list,
    whose history was read once, long ago)."""
    import json

    from bots.core.subscriptions import Attribution, Line
    from bots.wiki.actor import Actor

    page = requests.get(wiki.api_url, params={
        "action": "query", "format": "json", "formatversion": 2, "titles": SUBSCRIBERS,
        "prop": "revisions", "rvprop": "ids|timestamp"}, timeout=60).json()
    rev = page["query"]["pages"][0]["revisions"][0]
    state = Attribution(rev["revid"], rev["timestamp"].replace("Z", "+00:00"),
                        [Line(subscriber_line(i), username(i), username(i), rev["revid"])
                         for i in range(n)])
    data = {**state.to_json(), "aliases": [], "not_own": [], "invalid": []}
    admin = Actor(wiki.api_url, *wiki.admin).login()
    admin.edit("User:AdvocacyBot/Subscribers.json", json.dumps(data), "bench: attribution",
               contentmodel="json")


def profile(workdir: Path, cap: int) -> Path:
    text = (REPO_ROOT / "config" / "local.toml").read_text()
    text = re.sub(r"(?m)^max_deliveries_per_run\s*=.*$", f"max_deliveries_per_run = {cap}", text)
    path = workdir / "bench-deliver.toml"
    path.write_text(text)
    return path


def naive_checks(wiki: LocalWiki, n: int) -> tuple[int, float]:
    """Each target's talk page read on its own (what a bot without batching does)."""
    session = requests.Session()
    t0 = time.monotonic()
    for i in range(n):
        session.get(wiki.api_url, params={
            "action": "query", "format": "json", "formatversion": 2, "redirects": 1,
            "titles": f"User talk:{username(i)}", "prop": "revisions|categories",
            "rvprop": "content", "rvslots": "main"}, timeout=60).raise_for_status()
    return n, time.monotonic() - t0


def bench(n: int, workdir: Path, history: bool) -> list[tuple[str, str]]:
    from bots.wiki.actor import Actor

    rows: list[tuple[str, str]] = []
    wiki = start_wiki(workdir / f"deliver-{n}")
    try:
        bot(wiki, "templates", "install")
        t0 = time.monotonic()
        create_accounts(wiki, n, "Bench reader ")
        dump = workdir / f"subscribers-{n}.xml"
        now = datetime.now(UTC)
        write_dump(dump, n, now, history)
        wiki.maint("importDump", "--quiet", str(dump))
        wiki.maint("rebuildrecentchanges")
        wiki.maint("runJobs", "--quiet")
        if not history:
            put_attribution(wiki, n)
        bot(wiki, "run", "harvest")
        bot(wiki, "run", "newsletter")
        issue = f"Advocacy Hub/Newsletter/{now.strftime('%Y-%m')}"
        admin = Actor(wiki.api_url, *wiki.admin).login()
        admin.edit(issue, admin.text(issue).replace("status=draft", "status=ready"), "ready")
        how = f"{n} revisions, one per subscriber" if history else \
            "one revision, the attribution already read"
        rows.append((f"N={n}: set-up (accounts, {how}, issue)",
                     f"{time.monotonic() - t0:.0f} s"))

        naive_requests, naive_s = naive_checks(wiki, n)
        path = profile(workdir, n + 10)
        stats, secs, rss, log = bot(wiki, "--profile", str(path), "run", "deliver")
        budget = math.ceil(n / 50) + n + 10
        delivered = int(m.group(1)) if (m := re.search(r"'delivered': (\d+)", log)) else -1
        ok = stats["api_requests"] <= budget and delivered == n
        rows.append((f"N={n}: run deliver (one issue to every subscriber)",
                     f"{stats['api_requests']} requests (budget {budget}: "
                     f"{verdict(f'N={n} deliver requests', ok)}), {delivered} delivered, "
                     f"{stats['edits']} edits, job {stats['seconds']:.1f} s (process "
                     f"{secs:.1f} s), peak {rss:.0f} MB (under 500: "
                     f"{verdict(f'N={n} deliver peak memory', rss < 500)})"))
        kinds = stats.get("requests_by_kind", {})
        talk = sum(c for k, c in kinds.items() if k.endswith("prop=revisions|categories|info"))
        accounts = sum(c for k, c in kinds.items() if k.endswith("list=users"))
        rows.append((f"N={n}: checking the targets, batched vs naive",
                     f"the bot: {accounts} requests for accounts, {talk} for talk pages (the "
                     f"survey, then a re-read before each minute of posting); naive: "
                     f"{naive_requests} requests, {naive_s:.1f} s"))
        rows.append((f"N={n}: where the requests went", ", ".join(
            f"{kind}: {count}" for kind, count in stats.get("requests_by_kind", {}).items())))
        stats, secs, rss, _ = bot(wiki, "--profile", str(path), "run", "deliver")
        rows.append((f"N={n}: run deliver again", f"{stats['edits']} edits "
                     f"({verdict(f'N={n} deliver again', stats['edits'] == 0)}: the issue is "
                     f"delivered), {stats['api_requests']} requests"))
    finally:
        wiki.stop()
    return rows


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="N = 100 only")
    ap.add_argument("--subscribers", type=int, nargs="*", default=[1000, 5000])
    args, _ = ap.parse_known_args()  # scripts/bench passes bench.py's options too
    sizes = [100] if args.quick else args.subscribers
    rows = []
    for n in sizes:
        with tempfile.TemporaryDirectory(prefix="advocacy-bench-deliver-") as tmp:
            # The history of a list that grew one line a revision is O(N^2) bytes: read in
            # full up to 1,000 subscribers; above, the steady state (read once, long ago).
            rows += bench(n, Path(tmp), history=n <= 1000)
    print("\nDelivery")
    for label, value in rows:
        print(f"  {label:52} {value}")
    return 1 if any("MISSED" in value for _, value in rows) else 0


if __name__ == "__main__":
    raise SystemExit(main())
