"""`advocacy-bot status` and `advocacy-bot urls`: what the bot sees, and where to look."""

from __future__ import annotations

from datetime import UTC, datetime

from bots import statepages
from bots.config import Profile
from bots.core import console, status
from bots.core.newsletter import period_of
from bots.core.render.directory import directory_titles
from bots.core.schema import load_schema
from bots.core.statedata import as_object, mapping_of
from bots.core.stats import RunStats, plural
from bots.core.wikitemplates import doc_titles
from bots.jobs import registry
from bots.jobs.common.snapshots import parse_head
from bots.wiki.pages import WikiClient
from bots.wiki.session import connect


def _client(profile: Profile, job: str) -> WikiClient:
    return WikiClient(connect(profile), profile, RunStats(job=job))


def hub_titles(profile: Profile, now: datetime) -> list[str]:
    """The hub's pages the jobs write or the demo seeds (with their translations): the
    front page, the configured pages, the directories, this period's newsletter issue and
    the hub's talk page (where the hub digest goes)."""
    titles = [profile.root]
    directories = directory_titles(load_schema(), profile.root)
    for title in [profile.root, *profile.hub.pages.titles().values(), *directories.values(),
                  *doc_titles(profile.root)]:
        titles.append(title)
        titles += [f"{title}/{lang}" for lang in profile.languages if lang != profile.language]
    titles += [f"{profile.hub_page('newsletter')}/{period_of(now)}", profile.digest.hub_talk_page]
    return list(dict.fromkeys(titles))


def print_urls(profile: Profile, *, titles_only: bool = False) -> int:
    """Every page of the hub that exists, grouped by kind and sorted (bots.core.console): the
    pages above, every page the index wrote (its state page lists them: the browse-by pages
    too), three case pages and the bot's own pages. Two or three requests."""
    wiki = _client(profile, "urls")
    head_title, index_title = (profile.state_page(statepages.SNAPSHOT),
                               profile.state_page(statepages.INDEX))
    own = [statepages.status(profile), statepages.shutoff(profile), head_title, index_title]
    titles = [*hub_titles(profile, datetime.now(UTC)), *own]
    pages = wiki.read(titles)
    # An unreadable state page (or part) reads as none: the next index run rewrites it.
    written = list(mapping_of(as_object(pages[index_title].text), "pages", list))
    pages.update(wiki.read([t for t in written if t not in pages]))
    snap = parse_head(pages[head_title])
    harvested = snap.revids if snap else {}
    cases = sorted(t for t in harvested if t.startswith(profile.hub.cases_prefix))[:3]
    pages.update(wiki.read([t for t in cases if t not in pages]))
    found = {t: p for t, p in pages.items() if p.exists}
    browse = [profile.hub_page("facets"), *(t for k, t in directory_titles(
        load_schema(), profile.root).items() if k.endswith("-facets"))]
    groups = console.url_groups(found, languages=profile.languages, browse_bases=browse,
                                state_root=profile.state_root, cases=cases,
                                cases_page=profile.hub_page("cases"))
    if titles_only:  # every page, translations included (scripts/demo purges them)
        for title in sorted(found, key=str.casefold):
            print(title)
        return 0
    # pywikibot escapes "/" and ":" in URLs; both are fine in a wiki's article path
    urls = {t: p.page.full_url().replace("%2F", "/").replace("%3A", ":")
            for t, p in found.items()}
    for line in console.group_lines(groups, urls):
        print(line)
    return 0


def print_status(profile: Profile, now: datetime | None = None) -> int:
    """The target wiki and account, the shutoff switch, the snapshot's age and each job's
    last recorded result (the status page), all read in one request."""
    now = now or datetime.now(UTC)
    wiki = _client(profile, "status")
    shutoff_title, status_title = statepages.shutoff(profile), statepages.status(profile)
    head_title = profile.state_page(statepages.SNAPSHOT)
    pages = wiki.read([shutoff_title, status_title, head_title])
    print(f"profile   {profile.name} ({profile.path})")
    print(f"wiki      {wiki.site} {wiki.site.siteinfo['server']} as {wiki.site.username()}")
    shutoff = console.shutoff_line(shutoff_title, pages[shutoff_title].text,
                                   profile.limits.shutoff_value)
    print(f"shutoff   {shutoff}")
    head = pages[head_title]
    snap = parse_head(head)
    if snap is not None:
        print(f"snapshot  {plural(len(snap.revids), 'page')} with records, written "
              f"{console.when(head.timestamp, now)}")
        print(f"          recent changes read up to {console.when(snap.rc_from, now) or '-'}")
        print(f"          last full harvest {console.when(snap.full_at, now) or 'never'}")
    else:
        print("snapshot  none yet (run: advocacy-bot run harvest)")
    entries = status.parse(pages[status_title].text)
    heartbeat = profile.limits.status_heartbeat_hours
    print(f"jobs      each job's last recorded result, from [[{status_title}]]")
    print(f"          (a line is rewritten when the job's result or errors change, and at "
          f"least every {heartbeat:g} h)")
    for line in console.job_lines(entries, registry.ORDER, now):
        print(line)
    return 0
