"""`run index`: the case index, facet pages, statistics, events calendar, resource library and
maintenance report, in every configured language, from the harvest snapshot."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable

from bots.core.markers import MarkerError
from bots.core.messages import Messages
from bots.core.records import Problem, Record
from bots.core.render.pages import KnowledgeBase, PageSet
from bots.jobs.context import JobContext
from bots.jobs.deliver import SUBSCRIBERS
from bots.jobs.harvest import load_snapshot
from bots.wiki.pages import ExcludedByTemplate, SaveFailed

log = logging.getLogger(__name__)


def page_set(ctx: JobContext) -> PageSet:
    return PageSet(titles=dict(ctx.profile.hub["pages"]), base_lang=ctx.profile.language,
                   languages=ctx.profile.languages)


def render_all(ctx: JobContext, records: list[Record]) -> dict[str, tuple[str, str]]:
    """title -> (section name, generated wikitext) for every page but the maintenance report."""
    pages = page_set(ctx)
    out: dict[str, tuple[str, str]] = {}
    now = ctx.now()
    # Pages that others link to come first, so new links are blue as soon as they are saved.
    for lang in ctx.profile.languages:
        kb = KnowledgeBase(ctx.schema, Messages(lang), pages)
        for fld in kb.case.facets:
            facet = fld.facet or fld.name
            out[pages.title("facets", lang, facet)] = (f"facet-{facet}",
                                                       kb.facet_page(records, fld))
        out[pages.title("statistics", lang)] = ("statistics", kb.statistics(records))
        out[pages.title("events", lang)] = ("events", kb.events(records, now))
        out[pages.title("resources", lang)] = ("resources", kb.resources(records))
    for lang in ctx.profile.languages:
        kb = KnowledgeBase(ctx.schema, Messages(lang), pages)
        out[pages.title("cases", lang)] = ("cases", kb.case_index(records))
    return out


def write_sections(ctx: JobContext, sections: dict[str, tuple[str, str]], summary: str,
                   problems: list[Problem], current: dict | None = None) -> None:
    """Write each generated section; a page whose markers are broken or that excludes the bot
    is left as it is and reported."""
    current = current if current is not None else ctx.wiki.read(sections)
    for title, (name, body) in sections.items():
        try:
            ctx.wiki.save_section(current[title], name, body, summary)
        except MarkerError as exc:
            log.warning("not writing [[%s]]: %s", title, exc)
            problems.append(Problem(title, "page", name, exc.code, name))
            ctx.stats.errors += 1
        except ExcludedByTemplate as exc:
            log.warning("not writing [[%s]]: %s", title, exc)
            problems.append(Problem(title, "page", name, "excluded", name, severity="warning"))
            ctx.stats.skipped += 1
        except SaveFailed as exc:  # one page the wiki refuses must not stop the others
            log.error("%s", exc)
            problems.append(Problem(title, "page", name, "save-failed",
                                    f"{exc.code}: {exc.info}"[:200]))
            ctx.stats.errors += 1


def forged_subscriptions(ctx: JobContext, state_text: str | None) -> list[Problem]:
    """Subscriber lines that give no one a delivery (found by `run deliver`): saved by
    someone other than the person they name, or the person's own line has errors."""
    try:
        data = json.loads(state_text or "{}")
    except ValueError:
        return []
    page = ctx.profile.hub_page("subscribers")
    problems = [Problem(page, "subscription", "user", "not-self-subscribed", user,
                        (author,) if author else ())
                for user, author in data.get("not_own", [])]
    problems += [Problem(page, "subscription", "user", "invalid-subscription", user)
                 for user in data.get("invalid", [])]
    return problems


def run(ctx: JobContext) -> None:
    snapshot = load_snapshot(ctx)
    records = snapshot.records()
    ctx.stats.records = len(records)
    sections = render_all(ctx, records)
    pages = page_set(ctx)
    maint_titles = [pages.title("maintenance", lang) for lang in ctx.profile.languages]
    subs_state = ctx.profile.state_page(SUBSCRIBERS)
    # One batched read for every page, and for the delivery job's subscription checks.
    current = ctx.wiki.read([*sections, *maint_titles, subs_state])
    summary = ctx.summary("advocacyhub-summary-index", len(records))
    bot_problems: list[Problem] = forged_subscriptions(ctx, current[subs_state].text)
    write_sections(ctx, sections, summary, bot_problems, current)
    report: Callable[[str], str] = lambda lang: KnowledgeBase(  # noqa: E731
        ctx.schema, Messages(lang), pages).maintenance(records, bot_problems)
    maintenance = {pages.title("maintenance", lang): ("maintenance", report(lang))
                   for lang in ctx.profile.languages}
    write_sections(ctx, maintenance, summary, [], current)
