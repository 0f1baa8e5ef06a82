"""`run newsletter`: keep the current period's issue page (and its translations) up to date.

Editors write the introduction and community news; the bot regenerates only the section between
its markers. An issue marked ready or delivered is frozen.
"""

from __future__ import annotations

import json
import logging

from bots import statepages
from bots.core import markers
from bots.core.featured import pick
from bots.core.newsletter import (
    DELIVERED,
    READY,
    issue_status,
    items_since,
    period_of,
    summarise,
)
from bots.core.render.front import featured_block
from bots.jobs.common.issues import issue_renderer
from bots.jobs.common.snapshots import load_snapshot
from bots.jobs.context import JobContext

log = logging.getLogger(__name__)
SECTION = "newsletter"


def issue_title(ctx: JobContext, period: str, lang: str | None = None) -> str:
    base = f"{ctx.profile.hub_page('newsletter')}/{period}"
    return base if lang in (None, ctx.profile.language) else f"{base}/{lang}"


def run(ctx: JobContext) -> None:
    cfg = ctx.profile.newsletter
    period = period_of(ctx.now(), cfg.period)
    records = load_snapshot(ctx).records()
    ctx.stats.records = len(records)
    langs = ctx.profile.languages
    state_title = ctx.profile.state_page(statepages.NEWSLETTER)
    titles = [issue_title(ctx, period, lang) for lang in langs]
    pages = ctx.wiki.read([state_title, *titles])
    state = json.loads(pages[state_title].text or "{}")
    baselines = state.setdefault("baselines", {})
    if period not in baselines:
        # The first run of the period: what the hub held at the end of the previous one.
        baselines[period] = state.get("latest", {"cases": {}, "advocates": [],
                                                 "resources": [], "events": []})
    state["latest"] = summarise(records)
    items = items_since(records, baselines[period], ctx.now(),
                        cfg.events_horizon_days)
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
            page = pages[title]
            if not page.exists:
                skeleton = renderer.skeleton(period)
                if lang != ctx.profile.language:  # the status line lives on the base page
                    skeleton = skeleton.split("\n", 1)[1]
                text = skeleton.replace("{GENERATED}", markers.wrap(SECTION, body))
                ctx.wiki.save(page, text, summary)
            else:
                ctx.wiki.save_section(page, SECTION, body, summary)
    # Keep only the baselines that can still be needed (this period and the previous one).
    for old in sorted(baselines)[:-2]:
        del baselines[old]
    ctx.wiki.save(pages[state_title], json.dumps(state, sort_keys=True, ensure_ascii=False),
                  summary)
