"""`run deliver`: every issue marked ready goes to its subscribers' talk pages, exactly once.

Safety, in order: only people who saved their own line (page history), once each, with the
options of their newest own line; a circuit breaker when the list grew suspiciously; one plan
for every ready issue (bots.core.plan: accounts, redirects only to the person's own pages, one
copy per talk page, exclusions, the delivery marker); the run's post budget; the target read
again right before each post, which carries a hidden marker so a re-run after a kill never
posts twice. The delivery log page shows every subscriber's result.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Sequence

from bots import statepages
from bots.core.delivery import (
    ALREADY,
    DELIVERED,
    FAILED,
    FINAL,
    SKIPPED,
    DeliveryReport,
    Outcome,
    breaker_holds,
    posted_by_summary,
)
from bots.core.newsletter import DELIVERED as STATUS_DELIVERED
from bots.core.newsletter import (
    GENERATED_TOKEN,
    ISSUE_SECTION,
    ISSUE_TEMPLATE,
    READY,
    IssueRevision,
    editors_text,
    for_delivery,
    has_standing,
    issue_editors,
    issue_status,
    own_sections,
    set_status,
    skeleton_headings,
    without_categories,
)
from bots.core.plan import Post, Recipient
from bots.core.records import Problem
from bots.core.statedata import as_object, entry_lost, iso_timestamp, mapping_of, parse_object, part
from bots.core.subscriptions import (
    Attribution,
    Revision,
    Subscriber,
    Subscribers,
    attribute,
    subscribers,
)
from bots.core.usernames import merge_rename_logs, renamed_after
from bots.jobs.common import reports as bot_reports
from bots.jobs.common.deliverylog import write_log
from bots.jobs.common.people import in_language, language_for
from bots.jobs.common.posting import send, survey_people
from bots.jobs.common.snapshots import parse_head, use_aliases
from bots.jobs.common.statepage import read_state
from bots.jobs.context import JobContext
from bots.wiki import users
from bots.wiki.listings import category_names, embedding_titles, history
from bots.wiki.pages import PageText
from bots.wiki.query import expanded

log = logging.getLogger(__name__)


def _ready_issues(ctx: JobContext) -> list[PageText]:
    """Issue pages (base language) whose status is ready, oldest first, that the bot may
    deliver (:func:`authorised`); the others are on the maintenance report."""
    base = ctx.profile.hub_page("newsletter") + "/"
    titles = [t for t in embedding_titles(ctx.site, f"Template:{ISSUE_TEMPLATE}")
              if re.fullmatch(re.escape(base) + r"[0-9]{4}-(W?[0-9]{2})", t)]
    reports_title = ctx.profile.state_page(statepages.REPORTS)  # read along: no request
    pages = ctx.wiki.read([*sorted(titles), reports_title])
    ctx.wiki.piggyback[reports_title] = pages.pop(reports_title)
    ready = [p for p in pages.values() if issue_status(p.text) == READY]
    problems: list[Problem] = []
    allowed = []
    for page in ready:
        if not authorised(ctx, page, problems):
            continue
        if own_sections(page.text or "", (), ISSUE_SECTION) is None:  # no generated block
            problems.append(Problem(page.title, "page", "", "issue-no-generated-section", ""))
            log.error("[[%s]] is not delivered: its generated section is missing", page.title)
        else:
            allowed.append(page)
    bot_reports.report(ctx, "deliver", problems)
    return allowed


def _revisions(page: PageText) -> list[IssueRevision]:
    return [IssueRevision(revid, user, issue_status(text) if text is not None else "")
            for revid, user, text, _ts in history(page.page, None)]


def authorised(ctx: JobContext, page: PageText, problems: list[Problem], *,
               base: bool = True) -> bool:
    """Whether the bot may post ``page``: it created it (from its own draft), and the edit
    that marked it ready and every later edit (for a translation: every edit after its
    creation) were made by the bot or by accounts with standing (``[newsletter]
    maintainers``, or autoconfirmed with ``ready_min_edits`` edits and no block). Else a
    Problem for the maintenance report, and False."""
    cfg = ctx.profile.newsletter
    code, who = issue_editors(_revisions(page), ctx.profile.bot_user, base=base)
    editors = who if isinstance(who, list) else []
    if code:
        problems.append(Problem(page.title, "page", "", code, who if isinstance(who, str) else ""))
    answers = users.standing(ctx.site, editors) if editors else {}
    for name in editors:
        if not has_standing(name, answers.get(name, {}), cfg.maintainers, cfg.ready_min_edits):
            problems.append(Problem(page.title, "page", "", "issue-no-standing", name))
            code = code or "issue-no-standing"
    if code:
        log.error("[[%s]] is not delivered: %s %s", page.title, code,
                  who if isinstance(who, str) else ", ".join(editors))
    return not code


def check_subscriptions(ctx: JobContext, page: PageText, state_page: PageText) -> Attribution:
    """Who saved each line of the subscribers page (from its history, reading only the
    revisions since the last check)."""
    data = read_state(ctx, state_page)  # damaged: reported, and the history read again
    try:
        state = Attribution.from_json(data)
    except (ValueError, KeyError, TypeError, AttributeError) as exc:  # read the history again
        log.warning("subscription state unreadable (%s): reading the whole history", exc)
        data, state = {}, Attribution()
    if data.get("aliases", []) != sorted(ctx.schema.aliases):
        # Lines written through a template redirect count from now on: read them from the
        # start, or they would look added by whoever edits the page next.
        state = Attribution()
    if not page.exists:  # deleted: nobody is subscribed (a restored page is read afresh)
        return Attribution()
    if page.revid == state.last_revid:
        return state
    revisions = []
    since = state.last_timestamp or None  # only the revisions since the last check
    last_ts = state.last_timestamp
    for revid, user, text, timestamp in history(page.page, since):
        if revid > state.last_revid:
            last_ts = max(last_ts, timestamp)
            if text is None:
                continue  # a hidden revision is not a blanking of the page
            revisions.append(Revision(revid, user, text, timestamp))
    # By revision id: pywikibot orders by timestamp, and edits in the same second would
    # otherwise be attributed to each other's authors.
    revisions.sort(key=lambda r: r.revid)
    state = attribute(state, revisions, ctx.schema)
    state.last_timestamp = last_ts
    return state


def _rename_log(ctx: JobContext, state_page: PageText) -> tuple[list[tuple[str, str, str]],
                                                                 str]:
    """The rename log as far as the last run read it, and what came since (one request): a
    line saved before a rename belongs to the renamed account, even when someone registers
    the old name again."""
    data = as_object(state_page.text)
    known = [tuple(r) for r in part(data, "rename_log", list, list)
             if isinstance(r, list) and len(r) == 3 and all(isinstance(x, str) for x in r)]
    checked = iso_timestamp(data.get("renames_checked"))
    if len(known) != len(data["rename_log"]):
        checked = ""  # a damaged log: read the whole rename log again
        known = []
    new = users.renames_since(ctx.site, checked)
    merged = merge_rename_logs(known, new)
    return merged, max([checked, *(r[2] for r in new)])


def save_subscriptions(ctx: JobContext, state_page: PageText, state: Attribution,
                       subs: Subscribers, rename_log: Sequence[tuple[str, str, str]] = (),
                       checked: str = "") -> None:
    """The attribution, with the lines nobody gets a delivery from (for the maintenance
    report, which `run index` writes), and the rename log read so far."""
    data = state.to_json()
    data["rename_log"] = [list(r) for r in rename_log]
    data["renames_checked"] = checked
    data["aliases"] = sorted(ctx.schema.aliases)
    data["not_own"] = sorted({(line.user, line.author) for line in subs.forged})
    data["invalid"] = sorted(p for p, s in subs.people.items() if not s.record.valid)
    ctx.wiki.save(state_page, json.dumps(data, sort_keys=True, ensure_ascii=False),
                  ctx.summary("advocacyhub-summary-delivery-log", "subscriptions"))


def _message(ctx: JobContext, period: str, issue: PageText, translations: dict[str, PageText],
              lang: str, fmt: str) -> tuple[str, str]:
    page = translations.get(lang)
    source = page if page is not None and page.exists else issue
    msgs = ctx.messages(lang)
    subscribers = ctx.profile.hub_page("subscribers")
    heading = msgs("advocacyhub-delivery-heading", period)
    if fmt == "summary":
        count = (source.text or "").count("\n* ")
        return heading, in_language(ctx, msgs("advocacyhub-delivery-summary-text", period,
                                              count, source.title, subscribers), lang)
    # Only the issue's own sections, without categories (issue 25); the editors' templates
    # expanded by the wiki (one request), so that a template in an editor's text is not
    # transcluded on every subscriber's talk page, and the categories it adds are removed.
    written_in = ctx.messages(lang if source is page else ctx.profile.language)
    own = own_sections(source.text or "", skeleton_headings(written_in), ISSUE_SECTION) or ""
    names = category_names(ctx.site)
    outside, block = editors_text(own, ISSUE_SECTION)
    done = expanded(ctx.site, outside, source.title) if "{{" in outside else outside
    if block:
        done = done.replace(GENERATED_TOKEN, block, 1) if GENERATED_TOKEN in done \
            else f"{done}\n{block}"
    body = without_categories(for_delivery(done, names), names)
    # In its language and direction when it is not the talk page's (issue 29).
    return heading, in_language(
        ctx, f"{body}\n\n''{msgs('advocacyhub-delivery-footer', subscribers)}''", lang)


def issue_id(issue: PageText) -> str:
    """The delivery id of an issue page: ``newsletter:<period>``."""
    return f"newsletter:{issue.title.rsplit('/', 1)[-1]}"


def _known(state: dict, delivery_id: str) -> dict[str, Outcome]:
    """What earlier runs did for this issue. Skips are decided again at every run (a nobots
    removed, a line saved by its subscriber since); the marker keeps a re-run from posting
    twice."""
    entry = part(state, delivery_id, dict, dict)
    outcomes = mapping_of(entry, "outcomes", dict)
    known = {}
    for user, o in list(outcomes.items()):
        try:
            outcome = Outcome(**o)
        except TypeError:  # a hand-damaged entry: decided again (the marker prevents a copy)
            del outcomes[user]
            continue
        if outcome.result != SKIPPED:
            known[user] = outcome
    return known


def _settled_subscribers(ctx: JobContext, subs: Subscribers) -> tuple[dict[str, Subscriber],
                                                                     list[Outcome]]:
    """The people to deliver to, and the outcomes of lines that give no one a delivery."""
    people = {p: s for p, s in subs.people.items() if s.record.valid}
    skipped = [Outcome(p, "", SKIPPED, "invalid-subscription")
               for p, s in subs.people.items() if not s.record.valid]
    for line in subs.forged:
        if line.user not in subs.people:
            skipped.append(Outcome(line.user, "", SKIPPED, "not-self-subscribed",
                                   detail=line.author))
    return people, list({o.user: o for o in skipped}.values())


def run(ctx: JobContext) -> None:
    issues = _ready_issues(ctx)
    if not issues:
        log.info("no issue is marked ready")
        return
    cfg = ctx.profile.newsletter
    # The subscribers page, the bot's two state pages and the logs: one batched read.
    subscribers_title = ctx.profile.hub_page("subscribers")
    subs_state = ctx.profile.state_page(statepages.SUBSCRIBERS)
    deliveries = ctx.profile.state_page(statepages.DELIVERIES)
    logs = {issue.title: f"{issue.title}/Delivery log" for issue in issues}
    # the snapshot's head: for the template redirects ({{Subscriber}} ...)
    head = ctx.profile.state_page(statepages.SNAPSHOT)
    pages = ctx.wiki.read([subscribers_title, subs_state, deliveries, head, *logs.values()])
    use_aliases(ctx, parse_head(pages[head]))
    attribution = check_subscriptions(ctx, pages[subscribers_title], pages[subs_state])
    rename_log, checked = _rename_log(ctx, pages[subs_state])
    names = {line.user for line in attribution.lines if line.user}
    names |= {renamed_after(n, rename_log, "") for n in names}
    # The renames already known spare the survey its rename-log look-ups.
    found = survey_people(ctx, sorted(names), {old: new for old, new, _ in rename_log})
    subs = subscribers(attribution, ctx.schema, subscribers_title, found.renames, rename_log)
    save_subscriptions(ctx, pages[subs_state], attribution, subs, rename_log, checked)
    people, unsubscribed = _settled_subscribers(ctx, subs)
    ctx.stats.records = len(people)
    ctx.stats.skipped += len(unsubscribed) * len(issues)  # as each issue's log lists them
    state_page = pages[deliveries]
    whole_lost = state_lost(state_page)
    state = read_state(ctx, state_page)
    reports = {issue_id(i): DeliveryReport(issue_id(i)) for i in issues}
    lost = {did for did in reports if whole_lost or entry_lost(state, did)}
    known = {did: _known(state, did) for did in reports}
    for did in reports:  # a delivery made earlier stays in the log as made
        known[did].update({o.user: o for o in unsubscribed
                           if known[did].get(o.user, o).result not in (DELIVERED, ALREADY)})

    previous = state.get("last_count", 0)
    previous = previous if isinstance(previous, int) and previous >= 0 else 0
    if breaker_holds(previous, len(people), growth=cfg.breaker_growth,
                     confirmed=cfg.confirm_subscribers):
        reason = ctx.messages()("advocacyhub-breaker", previous, len(people))
        log.error("delivery paused: %s", reason)
        ctx.paused = "breaker"
        for report in reports.values():
            report.paused = reason
    else:
        posted = _posted(ctx, [i for i in issues if issue_id(i) in lost]) \
            if lost else {}
        _post(ctx, issues, people, known, reports, found, posted)
    _finish(ctx, issues, state, state_page, known, reports, len(people),
            {i.title: pages[logs[i.title]] for i in issues})


USER_TALK = 3  # MediaWiki's namespace number of user talk pages, on every wiki


def state_lost(page: PageText) -> bool:
    """Whether the delivery state page is damaged as a whole (every ready issue's outcomes
    are then rebuilt from the bot's own history)."""
    return bool(page.exists and (page.damaged or parse_object(page.text)[1]))


def _posted(ctx: JobContext, issues: list[PageText]) -> dict[str, set[str]]:
    """For issues whose delivery state was lost: the talk pages the bot's own edits posted
    each to (its contributions since the issue was created, known by the delivery's edit
    summary; one request per 5,000 of its user-talk edits, only when the state was lost).
    The hidden markers alone are not enough: a
    subscriber may have archived the message."""
    if not issues:
        return {}
    summaries = {issue_id(i): ctx.summary("advocacyhub-summary-delivery",
                                          issue_id(i).split(":", 1)[1]) for i in issues}
    edits = users.contributions(ctx.site, ctx.site.username(), USER_TALK, "")
    posted = posted_by_summary(edits, summaries)
    for did, pages in posted.items():
        log.warning("delivery state of %s lost: rebuilt from the bot's history: %d talk pages",
                    did, len(pages))
    return posted


def _post(ctx: JobContext, issues: list[PageText], people: dict, known: dict,
          reports: dict[str, DeliveryReport], found,
          posted: dict[str, set[str]] | None = None) -> None:
    """Post every issue to every subscriber who does not have it yet (as far as the run's
    limits allow); the outcomes go to ``known`` and ``reports``."""
    by_title = {issue_id(i): i for i in issues}
    translations = _translations(ctx, issues)
    ctx.governance.learn(ctx, [c for sub in people.values() for c in sub.record.values("language")])
    # The copy of the first language of the subscriber's fallback chain that this issue has
    # (its base language or a translation the bot may send): qu -> es (issue 29).
    recipients = [Recipient(person, did, "newsletter", {
        "language": language_for(ctx, sub.record.values("language"),
                                 [ctx.profile.language, *translations[by_title[did].title]]),
        "format": sub.record.value("format") or "full"})
        for did in reports for person, sub in sorted(people.items())
        if known[did].get(person, Outcome("", "", FAILED)).result not in FINAL]
    rendered: dict[tuple[str, str, str], tuple[str, str]] = {}

    def message(post: Post) -> tuple[str, str, str]:
        key = (post.delivery_id, str(post.options["language"]), str(post.options["format"]))
        if key not in rendered:  # each issue parsed once per language and format
            issue = by_title[post.delivery_id]
            rendered[key] = _message(ctx, issue.title.rsplit("/", 1)[-1], issue,
                                     translations[issue.title], key[1], key[2])
        period = post.delivery_id.split(":", 1)[1]
        return (*rendered[key], ctx.summary("advocacyhub-summary-delivery", period))

    sent = send(ctx, recipients, message, found=found, posted=posted) if recipients else {}
    at = ctx.now().isoformat(timespec="seconds")
    for did, report in sent.items():
        for outcome in report.outcomes:  # when it was delivered: the log says it
            if outcome.result == DELIVERED:
                outcome.at = at
        known[did].update({o.user: o for o in report.outcomes})
        reports[did].paused = report.paused


def _finish(ctx: JobContext, issues: list[PageText], state: dict, state_page, known: dict,
            reports: dict[str, DeliveryReport], count: int, logs: dict) -> None:
    """Each issue's state, delivery log and, once everyone has it, its status line."""
    for issue in issues:
        did = issue_id(issue)
        report = reports[did]
        report.outcomes = list(known[did].values())
        state[did]["outcomes"] = {o.user: o.__dict__ for o in report.outcomes}
        if report.complete and report.all_final:
            state["last_count"] = count
        # State first: if the run dies now, the talk-page markers still tell the truth.
        ctx.wiki.save(state_page, json.dumps(state, sort_keys=True, ensure_ascii=False),
                      ctx.summary("advocacyhub-summary-delivery-log", did))
        write_log(ctx, logs[issue.title], "delivery-log", report, count,
                  ctx.summary("advocacyhub-summary-delivery-log", did))
        if report.complete and report.all_final:
            stamp = ctx.now().strftime("%Y-%m-%d")
            ctx.wiki.save(issue, set_status(issue.text or "", STATUS_DELIVERED,
                                            delivered=stamp),
                          ctx.summary("advocacyhub-summary-delivered", did.split(":", 1)[1]))
        log.info("delivery %s: %s", did,
                 {r: report.count(r) for r in (DELIVERED, ALREADY, SKIPPED, FAILED)})


def _translations(ctx: JobContext, issues: list[PageText]) -> dict[str, dict[str, PageText]]:
    """issue title -> language -> its translation page (one batched read for all issues)."""
    others = [lang for lang in ctx.profile.languages if lang != ctx.profile.language]
    pages = ctx.wiki.read([f"{i.title}/{lang}" for i in issues for lang in others])
    # A translation someone without standing edited is not sent: the base issue goes to its
    # readers instead, and the maintenance report says why (issue 25).
    problems: list[Problem] = []
    out: dict[str, dict[str, PageText]] = {}
    for i in issues:
        out[i.title] = {}
        for lang in others:
            page = pages[f"{i.title}/{lang}"]
            if page.exists and own_sections(page.text or "", (), ISSUE_SECTION) is not None \
                    and authorised(ctx, page, problems, base=False):
                out[i.title][lang] = page
    bot_reports.report(ctx, "deliver", problems, add=True)
    return out
