"""Talk-page messages for every job: survey, plan (pure core), post within the run's budget.

Newsletters, digests, urgent alerts and roster notices all go through :func:`send`, so the
same rules hold for each: one copy per talk page per delivery, redirects only to the person's
own pages, exclusions, the hidden marker looked for right before posting, and one budget per
run (``[newsletter] max_deliveries_per_run`` posts, ``[limits] delivery_seconds``).
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterable, Mapping

from bots.core.delivery import FAILED, SKIPPED, DeliveryReport, Outcome
from bots.core.plan import Plan, Post, Recipient, make_plan
from bots.jobs.context import JobContext
from bots.locks import FileLock
from bots.statedir import state_dir
from bots.wiki.talkpages import (
    Executed,
    Message,
    PostBudget,
    Survey,
    execute,
    survey,
    user_talk_ns,
)

log = logging.getLogger(__name__)


def optout_category(ctx: JobContext) -> str:
    return ctx.profile.newsletter.optout_category  # MassMessage's opt-out category


def budget(ctx: JobContext) -> PostBudget:
    """The run's posting budget (made at the first post of the run, shared by all)."""
    if ctx.post_budget is None:
        ctx.post_budget = PostBudget(ctx.profile.newsletter.max_deliveries_per_run,
                                     ctx.profile.limits.delivery_seconds)
    return ctx.post_budget


def posting_lock(ctx: JobContext) -> bool:
    """Only one run of the bot posts on talk pages at a time on this machine (two runs
    would both read a page before either posts): held from the first post of the run until
    the job ends (bots.jobs.context releases it). False when another run holds it."""
    if ctx.dry_run:
        return True
    if ctx.posting_lock is None:
        lock = FileLock(state_dir(ctx.profile.schedule.state_dir)
                        / f"posting-{ctx.profile.name}.lock")
        if not lock.acquire():
            log.warning("another run of the bot (pid %s) is posting: this one leaves its "
                        "posts to the next run", lock.holder())
            return False
        ctx.posting_lock = lock
    return True


def survey_people(ctx: JobContext, names: Iterable[str],
                  renames: dict[str, str] | None = None) -> Survey:
    return survey(ctx.wiki, names, optout_category(ctx), renames)


def send(ctx: JobContext, recipients: list[Recipient], message: Message, *,
         found: Survey | None = None, renames: dict[str, str] | None = None,
         posted: Mapping[str, Collection[str]] | None = None) -> dict[str, DeliveryReport]:
    """Deliver to ``recipients`` (one plan for all of them); one report per delivery id, with
    ``paused`` set when the run's budget stopped it. ``posted``: pages each delivery is known
    to have reached from the bot's own history (bots.core.plan.make_plan)."""
    ids = list(dict.fromkeys(r.delivery_id for r in recipients))
    if found is None:
        found = survey_people(ctx, [r.name for r in recipients], renames)
    plan = make_plan(recipients, found.accounts, found.pages,
                     {**(renames or {}), **found.renames}, bot=ctx.site.username(),
                     user_talk=user_talk_ns(ctx.site), posted=posted)
    if not posting_lock(ctx):
        return _reports(ctx, ids, plan, Executed(list(plan.outcomes), stopped="busy"))
    return _reports(ctx, ids, plan, execute(ctx.wiki, plan, message, budget(ctx),
                                            optout_category(ctx)))


def post_to_page(ctx: JobContext, delivery_id: str, title: str, message: Message,
                 kind: str) -> DeliveryReport:
    """One message on a configured discussion page that is no one's talk page (the hub's)."""
    from bots.core.delivery import ALREADY, delivered_ids

    page = ctx.wiki.read_one(title)
    plan = Plan()
    if not posting_lock(ctx):
        plan.posts.append(Post(delivery_id, title, page.title, kind, {}))
        return _reports(ctx, [delivery_id], plan, Executed([], stopped="busy"))[delivery_id]
    if delivery_id in delivered_ids(page.text):
        plan.outcomes.append(Outcome(title, page.title, ALREADY, delivery_id=delivery_id))
    else:
        plan.posts.append(Post(delivery_id, title, page.title, kind, {}))
    done = execute(ctx.wiki, plan, message, budget(ctx), optout_category(ctx),
                   allowed_page=page.title)
    return _reports(ctx, [delivery_id], plan, done)[delivery_id]


def _reports(ctx: JobContext, ids: list[str], plan: Plan, done: Executed,
             ) -> dict[str, DeliveryReport]:
    reports = {did: DeliveryReport(did) for did in ids}
    for outcome in done.outcomes:
        reports.setdefault(outcome.delivery_id, DeliveryReport(outcome.delivery_id)) \
            .outcomes.append(outcome)
        ctx.stats.skipped += outcome.result == SKIPPED
        ctx.stats.errors += outcome.result == FAILED
    if done.stopped:  # the deliveries with posts left for the next run are paused
        settled = {(o.delivery_id, o.user) for o in done.outcomes}
        left = {p.delivery_id for p in plan.posts if (p.delivery_id, p.person) not in settled}
        reason = ctx.messages()(f"advocacyhub-skip-{done.stopped}")
        for did in left:
            reports[did].paused = reason
        ctx.paused = ctx.paused or done.stopped
    return reports
