"""`run newsletter`: keep the current period's issue page (and its translations) up to date.

Editors write the introduction and community news; the bot regenerates only the section between
its markers. An issue marked ready or delivered is frozen.
"""

from __future__ import annotations

import json
import logging

from bots import statepages
from bots.core import markers
from bots.core.digest import Discussion, discussions
from bots.core.featured import pick
from bots.core.newsletter import (
    DELIVERED,
    ISSUE_SECTION,
    READY,
    issue_status,
    items_since,
    period_of,
    sound_baseline,
    summarise,
)
from bots.core.preloads import preload_title
from bots.core.render.conversation import from_conversation, talk_page
from bots.core.render.front import featured_block
from bots.core.statedata import mapping_of, part
from bots.jobs.common.archive import write_archive
from bots.jobs.common.consent import only_confirmed
from bots.jobs.common.issues import issue_renderer
from bots.jobs.common.snapshots import load_snapshot
from bots.jobs.common.statepage import read_state
from bots.jobs.context import JobContext
from bots.wiki.listings import recent_changes

log = logging.getLogger(__name__)
SECTION = ISSUE_SECTION


def issue_title(ctx: JobContext, period: str, lang: str | None = None) -> str:
    base = f"{ctx.profile.hub_page('newsletter')}/{period}"
    return base if lang in (None, ctx.profile.language) else f"{base}/{lang}"


def conversation(ctx: JobContext, state: dict, period: str) -> tuple[str, list[Discussion]]:
    """The talk-page threads of the hub (the issues' talk pages and the hub's, where the
    weekly digest is posted) active in the previous period: from the first run of the
    previous period to the first run of this one. Read from recent changes once, at the
    first run of the period, and kept in the state (the window is over). Returns the
    window's start and the threads."""
    started: dict[str, str] = mapping_of(state, "started", str)
    now = ctx.now().isoformat(timespec="seconds")
    started.setdefault(period, now)
    earlier = sorted(p for p in started if p < period)
    for old in earlier[:-1]:  # only the previous period's start is needed
        del started[old]
    if not earlier:
        return "", []  # the first issue the bot makes: no previous period known
    since = started[earlier[-1]]
    entry = part(state, "conversation", dict, dict)
    kept = entry if isinstance(entry.get("threads"), list) and \
        isinstance(entry.get("since"), str) else {}
    if kept.get("period") != period and since >= started[period]:
        kept = {"period": period, "since": since, "threads": []}  # a clock set back: none
        state["conversation"] = kept
    elif kept.get("period") != period:
        changes = recent_changes(ctx.site, since, started[period],
                                 exclude=ctx.profile.bot_user, namespaces=[1],
                                 changetype="edit|new")
        threads = discussions(list(changes), ctx.profile.root)
        kept = {"period": period, "since": since,
                "threads": [t.__dict__ for t in threads]}
        state["conversation"] = kept
    try:
        return kept["since"], [Discussion(**t) for t in kept["threads"]]
    except TypeError:  # a hand-damaged thread: read again at the next period
        state.pop("conversation", None)
        return kept["since"], []


def conversation_part(ctx: JobContext, lang: str, period: str, since: str,
                      threads: list[Discussion]) -> str:
    """What ends an issue: "From the conversation" (when there were threads) and the footer:
    discuss the issue in a new section of its talk page (the base issue's, one conversation
    for every language), subscribe, unsubscribe; in the page's language."""
    msgs = ctx.messages(lang)
    talk = talk_page(issue_title(ctx, period))
    preload = preload_title(ctx.schema.kind("subscription"), lang, ctx.profile.language)
    parts = [from_conversation(msgs, threads, since),
             issue_renderer(ctx, msgs).footer(talk, ctx.profile.hub_page("subscribers"),
                                              preload)]
    return "\n\n".join(p for p in parts if p)


def run(ctx: JobContext) -> None:
    cfg = ctx.profile.newsletter
    period = period_of(ctx.now(), cfg.period)
    # Advocates only through the entries they saved themselves (bots.core.consent).
    records, _people = only_confirmed(ctx, load_snapshot(ctx).records())
    ctx.stats.records = len(records)
    langs = ctx.profile.languages
    state_title = ctx.profile.state_page(statepages.NEWSLETTER)
    titles = [issue_title(ctx, period, lang) for lang in langs]
    pages = ctx.wiki.read([state_title, *titles])
    state = read_state(ctx, pages[state_title])
    baselines = mapping_of(state, "baselines", dict)
    for key in list(baselines):
        baselines[key] = sound_baseline(baselines[key])
    if "latest" in state:
        state["latest"] = sound_baseline(state["latest"])
    if period not in baselines:
        # The first run of the period: what the hub held at the end of the previous one.
        baselines[period] = state.get("latest", {"cases": {}, "advocates": [],
                                                 "resources": [], "events": []})
    state["latest"] = summarise(records)
    items = items_since(records, baselines[period], ctx.now(),
                        cfg.events_horizon_days)
    since, threads = conversation(ctx, state, period)
    status = issue_status(pages[titles[0]].text)
    featured = pick(ctx.schema.kind("case"), records, ctx.now())  # the month's featured case
    summary = ctx.summary("advocacyhub-summary-newsletter", period)
    if status in (READY, DELIVERED):
        log.info("issue %s is %s: not regenerated", period, status)
    else:
        for lang, title in zip(langs, titles, strict=True):
            renderer = issue_renderer(ctx, ctx.messages(lang))
            body = renderer.generated(items, period)
            body = featured_block(ctx.schema, ctx.messages(lang), featured,
                                  ctx.now().strftime("%Y-%m")) + "\n" + body
            body += "\n\n" + conversation_part(ctx, lang, period, since, threads)
            page = pages[title]
            if not page.exists:
                skeleton = renderer.skeleton(period)
                if lang != ctx.profile.language:  # the status line lives on the base page
                    skeleton = skeleton.split("\n", 1)[1]
                text = skeleton.replace("{GENERATED}", markers.wrap(SECTION, body))
                ctx.wiki.save(page, text, summary)
            else:
                ctx.wiki.save_section(page, SECTION, body, summary)
    write_archive(ctx, summary)  # every issue, the new one included
    # Keep only the baselines that can still be needed (this period and the previous one).
    for old in sorted(baselines)[:-2]:
        del baselines[old]
    ctx.wiki.save(pages[state_title], json.dumps(state, sort_keys=True, ensure_ascii=False),
                  summary)
