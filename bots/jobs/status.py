"""`advocacy-bot status` and `advocacy-bot urls`: what the bot sees, and where to look."""

from __future__ import annotations

from bots import statepages
from bots.config import Profile
from bots.core.render.directory import directory_titles
from bots.core.schema import load_schema
from bots.core.stats import RunStats
from bots.core.wikitemplates import RECORD_MARKER
from bots.jobs.common.snapshots import parse_head
from bots.wiki.pages import WikiClient
from bots.wiki.session import connect


def _client(profile: Profile, job: str) -> WikiClient:
    return WikiClient(connect(profile), profile, RunStats(job=job))


def generated_titles(profile: Profile) -> list[str]:
    """The hub pages the jobs write (with their translations), and the bot's state pages."""
    titles = []
    directories = directory_titles(load_schema(), profile.root)
    for title in [*profile.hub.pages.titles().values(), *directories.values()]:
        titles.append(title)
        titles += [f"{title}/{lang}" for lang in profile.languages if lang != profile.language]
    return titles


def print_urls(profile: Profile, *, titles_only: bool = False) -> int:
    wiki = _client(profile, "urls")
    from datetime import UTC, datetime

    from bots.core.newsletter import period_of

    issue = f"{profile.hub_page('newsletter')}/{period_of(datetime.now(UTC))}"
    front = [profile.root, *(f"{profile.root}/{lang}" for lang in profile.languages
                             if lang != profile.language)]  # the front page (run index)
    seeded = [*front, f"Template:{RECORD_MARKER}", issue, f"Talk:{profile.root}"]
    head_title = profile.state_page(statepages.SNAPSHOT)
    titles = [*seeded, *generated_titles(profile), head_title]
    pages = wiki.read(titles)
    snap = parse_head(pages[head_title])
    harvested = snap.revids if snap else {}
    cases = sorted(t for t in harvested if t.startswith(profile.hub.cases_prefix))[:3]
    found = [(t, pages[t].page) for t in titles if pages[t].exists]
    found += [(t, wiki.page(t)) for t in cases]
    width = max((len(title) for title, _ in found), default=0)
    for title, page in found:
        # pywikibot escapes "/" and ":" in URLs; both are fine in a wiki's article path
        url = page.full_url().replace("%2F", "/").replace("%3A", ":")
        print(title if titles_only else f"  {title:{width}} {url}")
    if cases and not titles_only:
        print(f"  (three case pages as a sample: [[{profile.hub_page('cases')}]] lists them all)")
    return 0


def print_status(profile: Profile) -> int:
    wiki = _client(profile, "status")
    print(f"profile   {profile.name} ({profile.path})")
    print(f"wiki      {wiki.site} {wiki.site.siteinfo['server']} as {wiki.site.username()}")
    snap = parse_head(wiki.read_one(profile.state_page(statepages.SNAPSHOT)))
    if snap is not None:
        print(f"snapshot  {len(snap.revids)} pages with records; last full harvest "
              f"{snap.full_at}; recent changes read up to {snap.rc_from}")
    else:
        print("snapshot  none yet (run: advocacy-bot run harvest)")
    return 0
