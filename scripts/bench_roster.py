"""Roster benchmark: the requests and seconds of `run roster` for 1,000 advocates, most of whom
edited recently, on a fresh local wiki.

Setup (not measured): 1,000 accounts created in one PHP process (eval.php); each advocate's
sign-up is an {{Advocate}} on their own user page, imported with importDump.php under their
name: most dated within the last days, the rest months ago (active, but older than the
recent-changes window the roster reads, so each needs a per-user look-up); then recent changes
and edit counts are rebuilt from the revisions, as MediaWiki's import documentation says.
A few cases ask for help, so the matchmaking has work to do.

Measured, each in its own process (`advocacy-bot run roster --stats-json`): the first run
(creates every page) and a second run with nothing changed. Budget: 20 + the number of
advocates not seen in recent changes (each may need a per-user look-up), and for the first run
the pages it writes on top (over the page budget the roster is an overview and its parts, in
every language). The second run looks up nobody whose last edit an earlier look-up found
recently enough.
"""

from __future__ import annotations

import argparse
import html
import random
import re
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from bots.localwiki import LocalWiki, start_wiki  # noqa: E402
from scripts.bench import bot, verdict  # noqa: E402 (the same runner and verdicts)

TOPICS = ["copyright", "freedom-of-panorama", "platform-regulation", "privacy-surveillance",
          "censorship-blocking", "ai", "open-licences", "public-domain"]
COUNTRIES = ["BR", "DE", "US", "IN", "ZA", "EE", "PH", "MX", "NG", "FR", "JP", "UA", "TR", "AR"]
LANGUAGES = ["en", "es", "pt", "fr", "de", "hi", "tr", "ja", "uk", "yo"]
SKILLS = ["legal", "policy-research", "communications", "media", "organising", "translation"]


def username(i: int) -> str:
    return f"Bench advocate {i}"


def advocate_text(i: int, rng: random.Random) -> str:
    fields = {
        "user": username(i),
        "jurisdictions": rng.choice(COUNTRIES),
        "topics": "; ".join(rng.sample(TOPICS, 2)),
        "languages": "; ".join(rng.sample(LANGUAGES, 2)),
        "skills": rng.choice(SKILLS),
        "role": "coordinator" if i % 97 == 0 else "member",
        "profile": "low" if i % 23 == 0 else "public",
    }
    return "{{Advocate\n" + "\n".join(f"| {k} = {v}" for k, v in fields.items()) + "\n}}"


def case_text(i: int, rng: random.Random) -> str:
    fields = {
        "title": f"Bench case {i}",
        "summary": f"Generated case {i}.",
        "jurisdiction": rng.choice(COUNTRIES),
        "topics": "; ".join(rng.sample(TOPICS, 2)),
        "start": "2025",
        "status": "active",
        "help_wanted": "Looking for people who know the law here.",
        "alert": "yes" if i % 5 == 0 else "no",
    }
    return "{{Advocacy case\n" + "\n".join(f"| {k} = {v}" for k, v in fields.items()) + "\n}}"


def _page(title: str, ns: int, user: str, when: datetime, text: str) -> str:
    return (f"<page><title>{html.escape(title)}</title><ns>{ns}</ns><revision>"
            f"<timestamp>{when.strftime('%Y-%m-%dT%H:%M:%SZ')}</timestamp><contributor>"
            f"<username>{html.escape(user)}</username></contributor><model>wikitext</model>"
            f'<format>text/x-wiki</format><text xml:space="preserve">{html.escape(text)}'
            "</text></revision></page>\n")


def write_dump(path: Path, n: int, not_recent: int, cases: int, now: datetime) -> None:
    rng = random.Random(n)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write('<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.11/" version="0.11" '
                 'xml:lang="en">\n')
        for i in range(n):
            if i < n - not_recent:
                when = now - timedelta(days=rng.uniform(0.5, 10))  # in recent changes
            else:
                when = now - timedelta(days=rng.uniform(60, 300))  # active, but not recently
            fh.write(_page(f"User:{username(i)}", 2, username(i), when, advocate_text(i, rng)))
        for i in range(cases):
            fh.write(_page(f"Advocacy Hub/Cases/Bench case {i}", 0, "Admin",
                           now - timedelta(days=200), case_text(i, rng)))
        fh.write("</mediawiki>\n")


def create_accounts(wiki: LocalWiki, n: int, prefix: str = "Bench advocate ") -> None:
    """Accounts ``<prefix><i>`` without passwords (nobody logs in as them), in one PHP
    process."""
    line = (f"for ($i = 0; $i < {n}; $i++) {{ "
            f"$u = User::newFromName('{prefix}' . $i); "
            "if ($u->getId() === 0) { User::createNew($u->getName()); } }")
    wiki.maint("eval", input=line + "\n")


def looked_up(log_text: str) -> tuple[int, int]:
    """(advocates seen in recent changes, per-user look-ups) from the roster's log line."""
    m = re.search(r"roster activity: (\d+) advocates, (\d+) seen in recent changes, (\d+) "
                  r"looked up", log_text)
    return (int(m.group(2)), int(m.group(3))) if m else (-1, -1)


def bench(n: int, not_recent: int, workdir: Path) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    wiki = start_wiki(workdir / f"roster-{n}")
    try:
        bot(wiki, "templates", "install")
        t0 = time.monotonic()
        create_accounts(wiki, n)
        dump = workdir / f"advocates-{n}.xml"
        write_dump(dump, n, not_recent, cases=20, now=datetime.now(UTC))
        wiki.maint("importDump", "--quiet", str(dump))
        wiki.maint("rebuildrecentchanges")
        wiki.maint("initEditCount")
        rows.append((f"N={n}: set-up (accounts, import, rebuild RC)",
                     f"{time.monotonic() - t0:.0f} s"))
        stats, _, _, _ = bot(wiki, "run", "harvest")
        assert stats["records"] >= n, stats
        for label in ("first run", "second run, nothing changed"):
            stats, secs, rss, log = bot(wiki, "run", "roster")
            assert stats["records"] == n, stats
            seen, lookups = looked_up(log)
            not_seen = n - seen
            # A first run also creates every page (over the page budget, an overview and
            # its parts in every language): those edits come on top.
            writes = stats["edits"] if label == "first run" else 0
            budget = 20 + not_seen + writes
            ok = stats["api_requests"] <= budget
            formula = f"20 + {not_seen} not seen in recent changes" + (
                f" + {writes} pages written" if writes else "")
            rows.append((f"N={n}: run roster, {label}",
                         f"{stats['api_requests']} requests (budget {formula} = {budget}: "
                         f"{verdict(f'N={n} roster {label}', ok)}; "
                         f"{lookups} per-user look-ups), {stats['edits']} edits, job "
                         f"{stats['seconds']:.1f} s (process {secs:.1f} s), peak {rss:.0f} MB "
                         f"(under 500: {verdict(f'N={n} roster memory', rss < 500)}); "
                         f"{by_kind(stats)}"))
        title, length = largest_page(wiki)
        fits = verdict(f"N={n} roster page size", length <= 524_288)
        rows.append((f"N={n}: largest roster page",
                     f"{length:,} bytes, [[{title}]] (at most 524,288: {fits})"))
        rows.append(bench_alerts(wiki, workdir))
    finally:
        wiki.stop()
    return rows


def largest_page(wiki: LocalWiki) -> tuple[str, int]:
    """The longest page the roster job writes (its pages and its state), from prop=info."""
    import requests

    best = ("", 0)
    for ns, prefix in ((0, "Advocacy Hub/Advocates"), (0, "Advocacy Hub/Help wanted"),
                       (2, "AdvocacyBot/Roster")):
        params = {"action": "query", "format": "json", "formatversion": 2, "prop": "info",
                  "generator": "allpages", "gapnamespace": ns, "gapprefix": prefix,
                  "gaplimit": "max"}
        while True:
            data = requests.get(wiki.api_url, params=params, timeout=60).json()
            for page in data.get("query", {}).get("pages", []):
                if page["length"] > best[1]:
                    best = (page["title"], page["length"])
            if "continue" not in data:
                break
            params.update(data["continue"])
    return best


ALERT_CASES = 4  # of the 20 cases, those with alert=yes (every fifth)
PER_ALERT = 250  # advocates alerted per case: 1,000 posts in all


def bench_alerts(wiki: LocalWiki, workdir: Path) -> tuple[str, str]:
    """`run digest` right after the roster: every urgent alert delivered at once to the
    advocates it matches (the profile lets each alert reach PER_ALERT of them)."""
    import math

    text = (REPO_ROOT / "config" / "local.toml").read_text()
    text = re.sub(r"(?m)^max_deliveries_per_run\s*=.*$", "max_deliveries_per_run = 5000", text)
    text = re.sub(r"(?m)^alert_limit\s*=.*$", f"alert_limit = {PER_ALERT}", text)
    profile = workdir / "bench-alerts.toml"
    profile.write_text(text)
    stats, _secs, rss, log = bot(wiki, "--profile", str(profile), "run", "digest")
    posts = len(re.findall(r"delivered alert:", log))
    budget = 2 * math.ceil(posts / 50) + math.ceil(posts / 500) + posts + 10
    ok = stats["api_requests"] <= budget and posts >= ALERT_CASES * PER_ALERT * 0.9
    return (f"digest: urgent alerts ({ALERT_CASES} cases)",
            f"{posts} posts to matching advocates, {stats['api_requests']} requests (budget "
            f"2 x ceil(P/50) + ceil(P/500) + P + 10 = {budget}: {verdict('alerts', ok)}), job "
            f"{stats['seconds']:.1f} s, peak {rss:.0f} MB; {by_kind(stats)}")


def by_kind(stats: dict) -> str:
    """Where a run's requests went (the three biggest kinds)."""
    kinds = list(stats.get("requests_by_kind", {}).items())[:3]
    return "requests: " + ", ".join(f"{kind} {count}" for kind, count in kinds)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="N = 100 only")
    ap.add_argument("--advocates", type=int, default=1000)
    args, _ = ap.parse_known_args()  # scripts/bench passes bench.py's options too
    n = 100 if args.quick else args.advocates
    not_recent = max(1, n // 10)
    with tempfile.TemporaryDirectory(prefix="advocacy-bench-roster-") as tmp:
        rows = bench(n, not_recent, Path(tmp))
    print("\nRoster")
    for label, value in rows:
        print(f"  {label:48} {value}")
    return 1 if any("MISSED" in value for _, value in rows) else 0


if __name__ == "__main__":
    raise SystemExit(main())
