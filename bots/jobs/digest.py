"""`run digest`: urgent alerts at every run; the weekly hub digest and personal digests when a
period ends.

Everything is delivered through the newsletter's machinery (batched checks, hidden markers,
exactly once). What is due is written to the state page before it is delivered, so a run that
dies half way is completed by the next one, never lost and never doubled.
"""

from __future__ import annotations

import json
import logging
from dataclasses import replace
from datetime import datetime

from bots import statepages
from bots.core.delivery import DELIVERED, DeliveryReport, Outcome
from bots.core.digest import (
    discussions,
    document_changes,
    hold_alerts,
    personal_items,
    raise_alerts,
    release_alerts,
    safety_recipients,
    waiting,
)
from bots.core.featured import pick
from bots.core.matching import Suggestion, suggest
from bots.core.newsletter import for_delivery, items_since, period_of, summarise
from bots.core.plan import Recipient
from bots.core.preloads import optout_link
from bots.core.records import Problem, Record
from bots.core.render.conversation import invitation
from bots.core.render.deliverylog import fitting
from bots.core.render.front import featured_block
from bots.core.render.paging import size
from bots.core.render.review import ReviewRenderer
from bots.core.render.roster import RosterRenderer
from bots.core.render.safety import safety_line
from bots.core.review import Due, nudges, recorded
from bots.core.roster import RosterState, user_token
from bots.core.snapshot import Snapshot
from bots.core.statedata import mapping_of, part
from bots.core.usernames import canonical_user
from bots.core.wikitext import escape, page_link, user_link
from bots.jobs.common import reports as bot_reports
from bots.jobs.common.consent import confirmed_advocates
from bots.jobs.common.deliverylog import log_page, write_log
from bots.jobs.common.issues import issue_renderer
from bots.jobs.common.pagesets import page_set
from bots.jobs.common.people import in_language, language_for, roster_config
from bots.jobs.common.posting import post_to_page, send
from bots.jobs.common.review import due_now
from bots.jobs.common.snapshots import load_snapshot
from bots.jobs.common.statepage import read_state
from bots.jobs.context import JobContext
from bots.wiki.listings import namespace_id, recent_changes
from bots.wiki.query import moved_to

log = logging.getLogger(__name__)
KEEP_REPORTS = 20


def _iso(value: object) -> bool:
    try:
        datetime.fromisoformat(str(value))
    except ValueError:
        return False
    return isinstance(value, str)


def _sound(state: dict) -> dict:
    """The digest's state with every part of the wrong shape left out (a hand-damaged page:
    issue 25): the job goes on and writes it back whole."""
    for kind in ("weekly", "monthly"):
        entry = part(state, kind, dict, dict)
        if not (isinstance(entry.get("period"), str) and _iso(entry.get("since"))
                and isinstance(entry.get("baseline"), dict)):
            for key in ("period", "since", "baseline"):
                entry.pop(key, None)
        pending = [item for item in part(entry, "pending", list, list)
                   if isinstance(item, dict) and isinstance(item.get("period"), str)
                   and isinstance(item.get("baseline"), dict)
                   and _iso(item.get("since")) and _iso(item.get("until"))]
        entry["pending"] = pending
        if not pending:
            entry.pop("pending")
    alerts = mapping_of(state, "alerts", dict)
    for page in [p for p, a in alerts.items() if not isinstance(a.get("id"), str)]:
        del alerts[page]
    for alert in alerts.values():
        alert["done"] = bool(alert.get("done"))
    state["reports"] = [item for item in part(state, "reports", list, list)
                        if isinstance(item, dict) and isinstance(item.get("id"), str)
                        and isinstance(item.get("outcomes"), list)
                        and all(isinstance(o, dict) for o in item["outcomes"])]
    mapping_of(state, "review", str)  # the nudge ledger: "user|page" -> review period
    raisers = mapping_of(state, "raisers", list)  # issue 24: who raised alerts, when
    for user in list(raisers):
        raisers[user] = [t for t in raisers[user] if isinstance(t, str)]
    return state


class Digest:
    """One run of the digest job: state, records, who is active, and the delivery reports."""

    def __init__(self, ctx: JobContext, held: Snapshot | None = None) -> None:
        self.ctx = ctx
        self.cfg = ctx.profile.digest
        self.now = ctx.now()
        snapshot = load_snapshot(ctx, held=held).records()
        # The digest's and the roster's state and the digest log: one batched read.
        state_title = ctx.profile.state_page(statepages.DIGEST)
        self.log_title = ctx.profile.hub_page("digest_log")
        roster_title = ctx.profile.state_page(statepages.ROSTER)
        pages = ctx.wiki.read([state_title, roster_title, self.log_title])
        roster_state = RosterState.from_json(pages[roster_title].text)
        if roster_state.exists:
            self.statuses, self.renames = roster_state.statuses(), roster_state.renames
        else:  # the roster never ran: nobody is known to be inactive yet
            log.warning("no roster state yet: every advocate counts as active")
            self.statuses = {a.value("user"): "active" for a in snapshot
                             if a.kind == "advocate"}
            self.renames = {}
        # Only entries their advocates saved themselves (bots.core.consent): nobody is
        # written to, matched or sent a digest on a line someone else wrote for them.
        self.people = confirmed_advocates(ctx, snapshot, self.renames)
        own = self.people.records
        self.records = [r for r in snapshot if r.kind != "advocate"] + own
        self.advocates = [r for r in own if r.valid]
        # The roles held: given by an endorsement (bots.core.roles), not taken by an entry.
        self.roles = {user: grant.role for user, grant in self.people.grants.items()}
        self.state_page = pages[state_title]
        self.log_page = pages[self.log_title]
        self.state = _sound(read_state(ctx, self.state_page))
        self.reports: list[DeliveryReport] = []
        self.summary = ctx.summary("advocacyhub-summary-digest-state")

    def save_state(self) -> None:
        self.ctx.wiki.save(self.state_page, json.dumps(self.state, sort_keys=True,
                                                       ensure_ascii=False), self.summary)

    def deliver(self, recipients: list[Recipient],
                messages: dict[tuple[str, str], tuple[str, str, str]]) -> dict[str,
                                                                                DeliveryReport]:
        """Post ``messages[(delivery id, user)] = (heading, body, summary)``, each once, in one
        plan (bots.jobs.common.posting); one report per delivery id."""
        if not recipients:
            return {}
        recipients = [replace(r, options={"name": r.name}) for r in recipients]
        sent = send(self.ctx, recipients,
                    lambda post: messages[(post.delivery_id, str(post.options["name"]))],
                    renames=self.renames)
        self.reports.extend(sent.values())
        return sent

    # -- urgent alerts --------------------------------------------------------------------
    def alerts(self) -> None:
        alerts: dict[str, dict] = self.state.setdefault("alerts", {})
        raisers: dict[str, list[str]] = self.state.setdefault("raisers", {})
        # A case whose record is invalid for a while (vandalism, then a revert) keeps its
        # alert: only alert != yes lowers it, so the revert does not alert anyone twice.
        raised = {r.page: r for r in self.records
                  if r.kind == "case" and r.value("alert") == "yes"}
        # Alerts of pages no longer raised: moved (the move log says where), or lowered.
        gone = [page for page in alerts if page not in raised]
        moves = moved_to(self.ctx.site, gone) if gone else {}
        changed = raise_alerts(alerts, {page: case.revid for page, case in raised.items()},
                               {page: case.editor for page, case in raised.items()},
                               self.now.isoformat(timespec="seconds"), moves)
        # Accountability and limits: an alert from someone who is not a confirmed advocate,
        # or beyond their daily count, waits for a coordinator's release line.
        people = {canonical_user(self.renames.get(a.value("user"), a.value("user")))
                  for a in self.advocates}
        changed |= hold_alerts(alerts, raisers, advocates=people,
                               trusted=self.people.coordinators,
                               per_day=self.cfg.alerts_per_day, now=self.now,
                               unlimited={canonical_user(m)
                                          for m in self.ctx.profile.roster.maintainers})
        changed |= release_alerts(alerts, self.people.releases)
        if changed:
            self.save_state()  # what is due is recorded before anything is delivered
        limit = self.cfg.alert_limit
        recipients: list[Recipient] = []
        messages: dict[tuple[str, str], tuple[str, str, str]] = {}
        if any(not a["done"] and not waiting(a) for a in alerts.values()):
            self.learn_languages()
        for page, alert in alerts.items():
            if alert["done"] or waiting(alert):
                continue
            case = raised[page]
            summary = self.ctx.summary("advocacyhub-summary-alert", case.value("title"))
            if case.hides_private:  # sensitive: the region's contacts and the coordinators
                chosen = [Suggestion(u, 0, (), self.roles.get(u, "member"))
                          for u in safety_recipients(case, self.advocates, self.roles,
                                                     self.statuses, self.renames)[:limit]]
            else:
                chosen = suggest(case, self.advocates, self.statuses, limit=limit,
                                 renames=self.renames, roles=self.roles)
            for s in chosen:
                recipients.append(Recipient(s.user, alert["id"], "advocacy-alert"))
                messages[(alert["id"], s.user)] = (*self.alert_message(case, s, alert),
                                                   summary)
        sent = self.deliver(recipients, messages)
        for page, alert in alerts.items():  # the log names the case each alert is about
            if alert["id"] in sent:
                sent[alert["id"]].about = (page, raised[page].value("title") or page)
        for alert in alerts.values():
            report = sent.get(alert["id"])
            if not alert["done"] and not waiting(alert) and (
                    report is None or (report.all_final and not report.paused)):
                alert["done"] = True

    def learn_languages(self) -> None:
        """The wiki's fallbacks of every advocate's languages, in one request (issue 29)."""
        self.ctx.governance.learn(self.ctx, [c for a in self.advocates
                                             for c in a.values("languages")])

    def alert_message(self, case: Record, suggestion: Suggestion,
                      alert: dict | None = None) -> tuple[str, str]:
        alert = alert or {}
        adv = next((a for a in self.advocates if a.value("user") == suggestion.user), None)
        lang = language_for(self.ctx, adv.values("languages") if adv else [])
        msgs = self.ctx.messages(lang)
        renderer = RosterRenderer(self.ctx.schema, msgs, page_set(self.ctx),
                                  roster_config(self.ctx))
        title = case.value("title") or case.page
        lines = [msgs("advocacyhub-alert-intro", page_link(case.page, title)),
                 f"* {escape(case.value('summary'), 400)}"]
        if case.value("help_wanted"):
            lines.append(f"* {escape(msgs('advocacyhub-alert-help', case.value('help_wanted')))}")
        if alert.get("by"):  # who raised it, and the edit
            raised = msgs("advocacyhub-alert-raised-by", user_link(alert["by"]),
                          page_link(f"Special:Diff/{int(alert.get('revid', 0))}",
                                    msgs("advocacyhub-digest-diff")))
            if alert.get("release"):
                raised += " " + msgs("advocacyhub-alert-released-by",
                                     user_link(alert["release"]["by"]))
            lines.append(f"* {raised}")
        if case.hides_private:
            lines.append("* '''" + escape(msgs("advocacyhub-alert-sensitive")) + "'''")
        elif suggestion.reasons:
            why = "; ".join(renderer.reason_text(r.kind, r.value) for r in suggestion.reasons)
            lines.append(f"* {escape(msgs('advocacyhub-alert-why', why))}")
        lines += ["", safety_line(msgs, page_set(self.ctx)),
                  "", f"''{msgs('advocacyhub-alert-footer', optout_link(msgs))}''"]
        return (msgs("advocacyhub-alert-heading", escape(title, 150)),
                in_language(self.ctx, "\n".join(lines), lang))

    # -- periodic digests -----------------------------------------------------------------
    def roll_periods(self) -> None:
        """At the first run of a period, the previous period's digest becomes due."""
        changed = False
        for kind in ("weekly", "monthly"):
            entry = self.state.setdefault(kind, {})
            key = period_of(self.now, kind)
            if entry.get("period") == key:
                continue
            if entry.get("period"):
                until = self.now.isoformat(timespec="seconds")
                pending = {"period": entry["period"], "baseline": entry.get("baseline", {}),
                           "since": self.repaired(kind, str(entry.get("since", "")), until),
                           "until": until}
                self.review_nudges(kind, pending)
                entry.setdefault("pending", []).append(pending)
            entry.update(period=key, baseline=summarise(self.records),
                         since=self.now.isoformat(timespec="seconds"))
            changed = True
        if changed:
            self.save_state()

    # -- review nudges (bots.core.review) ------------------------------------------------
    def review_nudges(self, kind: str, pending: dict) -> None:
        """Fix, in the pending digest, the due cases each opted-in contact is told about, and
        note them in the ledger: both are saved (with the pending digest) before anything is
        delivered, so a killed run neither loses nor repeats a nudge."""
        due = due_now(self.ctx, self.records)
        ledger = self.state.get("review", {})
        given = nudges(due, self.advocates, kind, ledger)
        if given:
            pending["review"] = {user: [d.to_json() for d in cases]
                                 for user, cases in sorted(given.items())}
        self.state["review"] = recorded(ledger, given, due)

    def review_part(self, msgs, pending: dict, user: str) -> str:
        cases = [Due.from_json(d) for d in mapping_of(pending, "review", list).get(user, [])
                 if isinstance(d, dict)]
        if not cases:
            return ""
        return ReviewRenderer(msgs, page_set(self.ctx)).digest_lines(cases)

    # -- conversation -----------------------------------------------------------------------
    def invitation(self, msgs) -> str:
        """The last line of every digest: where to discuss it (the hub's talk page, where
        the weekly digest itself is posted), in the reader's language."""
        return invitation(msgs, "advocacyhub-conversation-digest", self.cfg.hub_talk_page)

    @property
    def documents(self) -> list[str]:
        """The living documents, and the vocabularies page (the community's, issue 15)."""
        return list(dict.fromkeys([*self.cfg.living_documents,
                                   self.ctx.profile.hub.vocabularies_page]))

    def repaired(self, what: str, since: str, until: str) -> str:
        """``since``, or ``until`` when ``since`` is later (a clock that ran backwards, or a
        run made with a date ahead: the window is empty, not an error at every later run);
        reported on the maintenance report and in the log (issue 25)."""
        if since <= until:
            return since
        log.warning("digest: the %s window starts at %s, after its end %s: the clock ran "
                    "backwards; going on from %s", what, since, until, until)
        bot_reports.report(self.ctx, "digest", [Problem(self.state_page.title, "page", what,
                                            "clock-backwards", since)], add=True)
        return until

    def window_changes(self, since: str, until: str) -> list[dict]:
        """Recent changes on talk pages and living documents in the window (the bot's own
        edits left out)."""
        since = self.repaired("window", since, until)
        if since >= until:  # an empty window (the API wants start before end)
            return []
        documents = self.documents
        namespaces = {1} | {namespace_id(self.ctx.site, d) for d in documents}
        return list(recent_changes(self.ctx.site, since, until, exclude=self.ctx.profile.bot_user,
                                   namespaces=sorted(namespaces), changetype="edit|new"))

    def hub_digest(self, pending: dict, items) -> None:
        ctx = self.ctx
        msgs = ctx.messages()
        changes = self.window_changes(pending["since"], pending["until"])
        threads = discussions(changes, ctx.profile.root)
        documents = document_changes(changes, self.documents)
        body = [msgs("advocacyhub-digest-intro", pending["since"][:10], pending["until"][:10])]
        # The month's featured case (issue 17), one level down like the issue's lists.
        body.append(featured_block(ctx.schema, msgs, pick(ctx.schema.kind("case"), self.records,
                                                          self.now),
                                   self.now.strftime("%Y-%m"), level=3))
        generated = issue_renderer(ctx, msgs).generated(items, pending["period"])
        body.append(for_delivery(generated) if not items.empty
                    else msgs("advocacyhub-digest-nothing"))
        if threads:
            body.append(f"=== {msgs('advocacyhub-digest-discussions', len(threads))} ===")
            for t in threads:
                anchor = f"{t.page}#{t.section}" if t.section else t.page
                label = f"{t.page} – {t.section}" if t.section else t.page
                people = ", ".join(user_link(u) for u in t.users[:5])
                body.append("* " + page_link(anchor, label) + " – " +
                            escape(msgs("advocacyhub-digest-discussion", t.edits)) + " " + people)
        if documents:
            body.append(f"=== {msgs('advocacyhub-digest-documents', len(documents))} ===")
            for d in documents:
                diff = f"Special:Diff/{d.old_revid}/{d.new_revid}" if d.old_revid else \
                    f"Special:Diff/{d.new_revid}"
                body.append(f"* {page_link(d.page)} – "
                            f"{escape(msgs('advocacyhub-digest-document', d.edits))} "
                            f"({page_link(diff, msgs('advocacyhub-digest-diff'))})")
        body.append(self.invitation(msgs))
        talk = self.cfg.hub_talk_page
        delivery_id = f"digest:hub:{pending['period']}"
        heading = msgs("advocacyhub-digest-heading", pending["period"])
        summary = ctx.summary("advocacyhub-summary-digest", pending["period"])
        self.reports.append(post_to_page(ctx, delivery_id, talk,
                                         lambda _post: (heading, "\n".join(body), summary),
                                         "digest"))

    def personal_digests(self, kind: str, pending: dict, items) -> bool:
        wanted = [a for a in self.advocates if a.value("digest") == kind]
        if wanted:
            self.learn_languages()
        messages: dict[str, tuple[str, str]] = {}
        for adv in wanted:
            mine = personal_items(items, adv)
            user = adv.value("user")
            lang = language_for(self.ctx, adv.values("languages"))
            msgs = self.ctx.messages(lang)
            review = self.review_part(msgs, pending, canonical_user(user))
            if mine.empty and not review:
                continue  # nothing matches: nothing is posted
            parts = [msgs("advocacyhub-digest-personal-intro", pending["since"][:10],
                          pending["until"][:10])]
            if not mine.empty:
                generated = issue_renderer(self.ctx, msgs).generated(mine, pending["period"])
                parts.append(for_delivery(generated))
            if review:
                parts.append(review)
            parts.append(safety_line(msgs, page_set(self.ctx)))
            parts.append(self.invitation(msgs))
            body = in_language(self.ctx, "\n".join(parts), lang)
            messages[user] = (msgs("advocacyhub-digest-personal-heading", pending["period"]),
                              body)
        summary = self.ctx.summary("advocacyhub-summary-digest", pending["period"])
        recipients = [Recipient(user, f"digest:{user_token(user)}:{pending['period']}",
                                "digest") for user in messages]
        sent = self.deliver(recipients, {(r.delivery_id, r.name): (*messages[r.name], summary)
                                         for r in recipients})
        return all(report.all_final and not report.paused for report in sent.values())

    def periodic(self) -> None:
        self.roll_periods()
        for kind in ("weekly", "monthly"):
            entry = self.state[kind]
            for pending in list(entry.get("pending", [])):
                items = items_since(self.records, pending["baseline"],
                                    datetime.fromisoformat(pending["until"]))
                if kind == "weekly":
                    self.hub_digest(pending, items)
                done = self.personal_digests(kind, pending, items) and all(
                    r.all_final and not r.paused for r in self.reports)
                if done:
                    entry["pending"].remove(pending)
                    self.save_state()

    def write_log(self) -> None:
        if not self.reports:
            return
        history = self.state.setdefault("reports", [])
        at = self.now.isoformat(timespec="seconds")
        for report in self.reports:
            for outcome in report.outcomes:  # when it was delivered: the log says it
                if outcome.result == DELIVERED:
                    outcome.at = outcome.at or at
            entry = {"id": report.delivery_id, "outcomes": [o.__dict__ for o in report.outcomes]}
            if report.about:
                entry["about"] = list(report.about)
            history.append(entry)
        del history[:-KEEP_REPORTS]
        self.save_state()
        reports = [DeliveryReport(entry["id"], [Outcome(**o) for o in entry["outcomes"]],
                                  about=tuple(entry.get("about", ())))
                   for entry in reversed(history)]  # newest first
        blocks = [log_page(self.ctx, r, len(r.outcomes)) for r in reports]
        shown = fitting(blocks, self.ctx.wiki.page_budget)  # the rest: in the state page
        if size(shown[0]) > self.ctx.wiki.page_budget:  # the newest alone is too long
            write_log(self.ctx, self.log_page, "digest-log", reports[0],
                      len(reports[0].outcomes), self.summary)
            return
        self.ctx.wiki.save_section(self.log_page, "digest-log", "\n\n".join(shown),
                                   self.summary)


def run(ctx: JobContext) -> None:
    digest = Digest(ctx)
    ctx.stats.records = len(digest.records)
    digest.alerts()
    digest.periodic()
    digest.write_log()


def run_alerts(ctx: JobContext, *, held: Snapshot | None = None) -> None:
    """The urgent alerts alone (the watcher's step, bots.jobs.watch): the same state page and
    delivery as :func:`run`; the periodic digests are left to the scheduled runs. ``held``:
    the watcher's whole snapshot (used when the wiki's is still the same)."""
    digest = Digest(ctx, held)
    ctx.stats.records = len(digest.records)
    digest.alerts()
    digest.write_log()
