"""`run deliver`: every issue marked ready goes to its subscribers' talk pages, exactly once.

Safety, in order: only subscriptions the subscriber saved themselves (page history); a circuit
breaker when the list grew suspiciously; a per-run cap; batched checks of every target
(account, blocks, redirects, {{bots}}/{{nobots}}, opt-out category, the delivery marker);
then one new section per target, carrying a hidden marker so a re-run after a kill never posts
twice. The delivery log page shows every target's result.
"""

from __future__ import annotations

import json
import logging
import re

import pywikibot

from bots.core.delivery import (
    ALREADY,
    DELIVERED,
    FAILED,
    FINAL,
    SKIPPED,
    DeliveryReport,
    Outcome,
    breaker_tripped,
)
from bots.core.messages import Messages
from bots.core.newsletter import DELIVERED as STATUS_DELIVERED
from bots.core.newsletter import ISSUE_TEMPLATE, READY, for_delivery, issue_status, set_status
from bots.core.parse import find_records
from bots.core.records import Record
from bots.core.render.tables import table
from bots.core.subscriptions import Revision, attribute, self_subscribed
from bots.core.wikitext import escape, page_link
from bots.jobs.context import JobContext
from bots.jobs.newsletter import settings
from bots.progress import progress
from bots.wiki.pages import PageText
from bots.wiki.talkpages import post_once, resolve_targets

log = logging.getLogger(__name__)
DELIVERIES = "Deliveries.json"
SUBSCRIBERS = "Subscribers.json"


def _ready_issues(ctx: JobContext) -> list[PageText]:
    """Issue pages (base language) whose status is ready, oldest first."""
    base = ctx.profile.hub_page("newsletter") + "/"
    template = pywikibot.Page(ctx.site, f"Template:{ISSUE_TEMPLATE}")
    titles = [p.title() for p in ctx.site.page_embeddedin(template)
              if re.fullmatch(re.escape(base) + r"[0-9]{4}-(W?[0-9]{2})", p.title())]
    pages = ctx.wiki.read(sorted(titles))
    return [p for p in pages.values() if issue_status(p.text) == READY]


def check_subscriptions(ctx: JobContext, page: PageText, state_page: PageText,
                        ) -> tuple[list[Record], dict]:
    """Subscription records on the subscribers page, and who saved each line (from the page
    history, reading only the revisions since the last check)."""
    state = json.loads(state_page.text or '{"last_revid": 0, "lines": {}}')
    if page.exists and page.revid != state["last_revid"]:
        revisions = []
        since = state.get("last_timestamp") or None  # only the revisions since the last check
        for rev in page.page.revisions(content=True, reverse=True, starttime=since):
            if rev.revid > state["last_revid"]:
                revisions.append(Revision(rev.revid, rev.user or "", rev.text or ""))
                state["last_timestamp"] = max(state.get("last_timestamp") or "",
                                              rev.timestamp.isoformat())
        # By revision id: pywikibot orders by timestamp, and edits in the same second would
        # otherwise be attributed to each other's authors.
        revisions.sort(key=lambda r: r.revid)
        lines, last = attribute(state["lines"], revisions, ctx.schema)
        state = {"last_revid": last or state["last_revid"], "lines": lines,
                 "last_timestamp": state.get("last_timestamp")}
        ctx.wiki.save(state_page, json.dumps(state, sort_keys=True, ensure_ascii=False),
                      ctx.summary("advocacyhub-summary-delivery-log", "subscriptions"))
    records = [r for r in find_records(page.text or "", page.title, ctx.schema)
               if r.kind == "subscription" and r.valid]
    return records, state


def _message(ctx: JobContext, period: str, issue: PageText, translations: dict[str, PageText],
              lang: str, fmt: str) -> tuple[str, str]:
    msgs = Messages(lang)
    page = translations.get(lang)
    source = page if page is not None and page.exists else issue
    subscribers = ctx.profile.hub_page("subscribers")
    heading = msgs("advocacyhub-delivery-heading", period)
    if fmt == "summary":
        count = (source.text or "").count("\n* ")
        return heading, msgs("advocacyhub-delivery-summary-text", period, count, source.title,
                             subscribers)
    body = for_delivery(source.text or "")
    return heading, f"{body}\n\n''{msgs('advocacyhub-delivery-footer', subscribers)}''"


def log_page(ctx: JobContext, report: DeliveryReport, total: int) -> str:
    msgs = ctx.messages()
    rows = []
    for o in sorted(report.outcomes, key=lambda o: o.user.lower()):
        reason = msgs(f"advocacyhub-skip-{o.reason}") if o.reason and msgs.has(
            f"advocacyhub-skip-{o.reason}") else o.reason
        rows.append([escape(o.user), page_link(o.page),
                     escape(msgs(f"advocacyhub-deliveryresult-{o.result}")), escape(reason)])
    out = [msgs("advocacyhub-deliverylog-intro", report.delivery_id, total,
                report.count(DELIVERED), report.count(ALREADY), report.count(SKIPPED),
                report.count(FAILED))]
    if report.paused:
        out.append("\n'''" + escape(msgs("advocacyhub-deliverylog-paused", report.paused)) + "'''")
    out.append(table([msgs(f"advocacyhub-deliverylog-{k}") for k in
                      ("user", "page", "result", "reason")], rows, css="advocacy-delivery-log"))
    return "\n".join(out)


def deliver_issue(ctx: JobContext, issue: PageText, subs: list[Record], attribution: dict,
                  state: dict) -> DeliveryReport:
    cfg = settings(ctx)
    period = issue.title.rsplit("/", 1)[-1]
    delivery_id = f"newsletter:{period}"
    entry = state.setdefault(delivery_id, {"outcomes": {}})
    known = {u: Outcome(**o) for u, o in entry["outcomes"].items()}
    report = DeliveryReport(delivery_id)
    valid = [s for s in subs if self_subscribed(attribution["lines"], s.get("user"))]
    for s in subs:
        if s not in valid:
            known[s.get("user")] = Outcome(s.get("user"), "", SKIPPED, "not-self-subscribed")
    previous = int(state.get("last_count", 0))
    confirmed = int(cfg.get("confirm_subscribers", 0)) == len(valid)
    if breaker_tripped(previous, len(valid), growth=float(cfg.get("breaker_growth", 0.5))) \
            and not confirmed:
        report.paused = ctx.messages()("advocacyhub-breaker", previous, len(valid))
        log.error("delivery of %s paused: %s", delivery_id, report.paused)
        report.outcomes = list(known.values())
        return report
    translations = ctx.wiki.read([f"{issue.title}/{lang}" for lang in ctx.profile.languages
                                  if lang != ctx.profile.language])
    translations = {t.rsplit("/", 1)[-1]: p for t, p in translations.items()}
    todo = [s for s in valid if known.get(s.get("user"), Outcome("", "", FAILED)).result
            not in FINAL]
    targets = resolve_targets(ctx.wiki, [s.get("user") for s in todo],
                              cfg.get("optout_category", "Opted-out of message delivery"))
    cap = int(cfg.get("max_deliveries_per_run", 200))
    posted = 0
    summary = ctx.summary("advocacyhub-summary-delivery", period)
    messages: dict[tuple[str, str], tuple[str, str]] = {}
    for sub in progress(sorted(todo, key=lambda s: s.get("user")), desc="deliveries"):
        user = sub.get("user")
        if posted >= cap:
            report.paused = ctx.messages()("advocacyhub-skip-cap")
            break
        key = (sub.get("language") or ctx.profile.language, sub.get("format"))
        if key not in messages:  # the issue is parsed once per language and format
            messages[key] = _message(ctx, period, issue, translations, *key)
        heading, body = messages[key]
        outcome = post_once(ctx.wiki, targets[user], delivery_id, heading, body, summary,
                            "newsletter")
        known[user] = outcome
        posted += outcome.result == DELIVERED
        ctx.stats.skipped += outcome.result == SKIPPED
        ctx.stats.errors += outcome.result == FAILED
    report.outcomes = list(known.values())
    entry["outcomes"] = {o.user: o.__dict__ for o in report.outcomes}
    if report.complete and report.all_final:
        state["last_count"] = len(valid)
    return report


def run(ctx: JobContext) -> None:
    issues = _ready_issues(ctx)
    if not issues:
        log.info("no issue is marked ready")
        return
    # The subscribers page, the bot's two state pages and the logs: one batched read.
    subscribers, subs_state = ctx.profile.hub_page("subscribers"), \
        ctx.profile.state_page(SUBSCRIBERS)
    deliveries = ctx.profile.state_page(DELIVERIES)
    logs = {issue.title: f"{issue.title}/Delivery log" for issue in issues}
    pages = ctx.wiki.read([subscribers, subs_state, deliveries, *logs.values()])
    subs, attribution = check_subscriptions(ctx, pages[subscribers], pages[subs_state])
    ctx.stats.records = len(subs)
    state_page = pages[deliveries]
    state = json.loads(state_page.text or "{}")
    for issue in issues:
        period = issue.title.rsplit("/", 1)[-1]
        report = deliver_issue(ctx, issue, subs, attribution, state)
        # State first: if the run dies now, the talk-page markers still tell the truth.
        ctx.wiki.save(state_page, json.dumps(state, sort_keys=True, ensure_ascii=False),
                      ctx.summary("advocacyhub-summary-delivery-log", report.delivery_id))
        ctx.wiki.save_section(pages[logs[issue.title]], "delivery-log",
                              log_page(ctx, report, len(subs)),
                              ctx.summary("advocacyhub-summary-delivery-log",
                                          report.delivery_id))
        if report.complete and report.all_final:
            stamp = ctx.now().strftime("%Y-%m-%d")
            ctx.wiki.save(issue, set_status(issue.text or "", STATUS_DELIVERED,
                                            delivered=stamp),
                          ctx.summary("advocacyhub-summary-delivered", period))
        log.info("delivery %s: %s", report.delivery_id,
                 {r: report.count(r) for r in (DELIVERED, ALREADY, SKIPPED, FAILED)})
