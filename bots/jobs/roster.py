"""`run roster`: the advocates roster, the role log and the hub's "Help wanted" matchmaking.

Reads the advocate records of the harvest snapshot and what the wiki knows about their accounts
(bots.wiki.users: one pass over recent changes, accounts in batches, renames from the log, a
per-user look-up only for those not seen in recent changes), moves advocates through the
activity state machine of bots.core.roster (a notice first, exactly once, via
bots.jobs.common.posting.send), logs role changes with their author, and writes the roster,
the log and "Help wanted" in every configured language. State (notices, inactive advocates,
last known roles, renames, the log) lives on the wiki at ``<bot user>/Roster.json``.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import replace

from bots import statepages
from bots.core.delivery import ALREADY, DELIVERED, SKIPPED
from bots.core.matching import help_wanted
from bots.core.plan import Recipient
from bots.core.records import Problem, Record
from bots.core.render.paging import Layout
from bots.core.render.roster import RosterRenderer, roles_page
from bots.core.roster import (
    DEFAULT_ROLE,
    Advocate,
    Decision,
    Entry,
    RoleChange,
    RosterConfig,
    RosterState,
    account_from_api,
    advocate_records,
    decide,
    follow_renames,
    needs_lookup,
    noticed,
    role_changes,
)
from bots.core.times import iso, parse_time
from bots.jobs.common.consent import People, confirmed_advocates
from bots.jobs.common.pagesets import page_budget, page_set
from bots.jobs.common.people import in_language, language_for, roster_config
from bots.jobs.common.posting import send
from bots.jobs.common.sections import retire_parts, write_changed
from bots.jobs.common.snapshots import load_snapshot, shard_title
from bots.jobs.common.statepage import damaged
from bots.jobs.context import JobContext
from bots.wiki import users
from bots.wiki.query import latest_revids

log = logging.getLogger(__name__)

MESSAGE_KIND = "roster"  # {{bots|optout=roster}} refuses the inactivity notice
GENERATED = ("roster", "roster_log", "help_wanted", "roles")


def current_advocates(records: list[Record], renames: Mapping[str, str],
                      ) -> tuple[dict[str, Record], dict[str, str]]:
    """account name now -> record, and account name now -> the name the record gives (for
    renamed accounts). A record under the current name wins over one under a former name."""
    by_record_name = advocate_records(records)
    current: dict[str, Record] = {}
    former: dict[str, str] = {}
    for name in sorted(by_record_name, key=lambda n: n in renames):  # current names first
        now_name = follow_renames(name, renames)
        if now_name in current:
            continue
        current[now_name] = by_record_name[name]
        if now_name != name:
            former[now_name] = name
    return current, former


# -- activity -------------------------------------------------------------------------------

def activity(ctx: JobContext, names: list[str], infos: dict[str, dict],
             recent: Mapping[str, str], state: RosterState,
             cfg: RosterConfig) -> dict[str, Decision]:
    """The state machine's decision for every advocate: accounts and recent changes are read
    in bulk; only advocates not seen in recent changes get a per-user look-up, and the
    accounts not read yet (``infos`` has the first batch) ride along with those look-ups."""
    site = ctx.site
    now = ctx.now()
    centralauth = site.has_extension("CentralAuth")
    unread = [n for n in names if n not in infos]
    lookup, cached = [], []
    for name in names:
        if name in recent:
            continue
        if name in infos:  # known already: no look-up for a missing or blocked account
            acct = account_from_api(infos[name])
            if not acct.exists or acct.blocked or not (acct.editcount > 0 or centralauth):
                continue
        if needs_lookup(state.advocates.get(name), now, cfg, locks=centralauth):
            lookup.append(name)
        else:
            cached.append(name)
    looked, more = users.last_edits(site, lookup, centralauth=centralauth, accounts_of=unread,
                                    batch=ctx.wiki.batch_size)
    infos.update(more)
    log.info("roster activity: %d advocates, %d seen in recent changes, %d looked up, %d "
             "known from an earlier look-up", len(names), sum(n in recent for n in names),
             len(lookup), len(cached))
    decisions = {}
    for name in names:
        found = looked.get(name)
        entry = state.advocates.get(name)
        acct = account_from_api(infos.get(name), found.global_info if found else None)
        if found is not None and (not acct.exists or acct.blocked):
            found = None  # looked up before its account was read: the account decides
        known = entry.last_edit if entry is not None and name in cached else ""
        last = parse_time(recent.get(name) or (found.timestamp if found else "") or known)
        decision = decide(name, acct, last, entry, now, cfg)
        if found is not None:  # remembered: the next runs need not look again for a while
            decision = replace(decision, entry=replace(
                decision.entry, last_edit=found.timestamp, checked=iso(now)))
        decisions[name] = decision
    return decisions


def send_notices(ctx: JobContext, decisions: dict[str, Decision],
                 advocates: Mapping[str, Record], cfg: RosterConfig) -> dict[str, Entry]:
    """Post the notices that are due, each exactly once (bots.jobs.common.posting: the delivery's
    marker is looked for on the talk page right before posting); returns the entries of
    advocates now noticed."""
    due = {u: d for u, d in decisions.items() if d.post_notice}
    if not due:
        return {}
    roster = page_set(ctx)
    summary = ctx.summary("advocacyhub-roster-summary-notice")
    days, grace = round(cfg.inactive_after.days), round(cfg.grace.days)
    messages: dict[str, tuple[str, str, str]] = {}
    ctx.governance.learn(ctx, [c for u in due for c in advocates[u].values("languages")])
    for user in due:
        lang = language_for(ctx, advocates[user].values("languages"))
        msgs = ctx.messages(lang)
        title = roster.title("roster", lang)
        body = in_language(ctx, msgs("advocacyhub-roster-notice-body", days, title, grace),
                           lang)
        messages[due[user].post_notice] = (msgs("advocacyhub-roster-notice-heading"), body,
                                           summary)
    recipients = [Recipient(user, d.post_notice, MESSAGE_KIND) for user, d in due.items()]
    sent = send(ctx, recipients, lambda post: messages[post.delivery_id])
    out: dict[str, Entry] = {}
    for user, decision in due.items():
        report = sent.get(decision.post_notice)
        outcome = report.outcomes[0] if report and report.outcomes else None
        if outcome is None:  # not reached in this run (the post budget): the next run
            continue
        log.info("notice %s: %s %s", decision.post_notice, outcome.result, outcome.reason)
        if outcome.result in (DELIVERED, ALREADY) or (
                outcome.result == SKIPPED and outcome.reason != "dry-run"):
            out[user] = noticed(decision, ctx.now())
    return out


# -- roles ----------------------------------------------------------------------------------

def attribute(ctx: JobContext, change: RoleChange, people: People,
              state: RosterState) -> RoleChange:
    """Who gave or withdrew a role, and when: the endorsement line's author, or whoever
    removed it from the roles page (bots.core.roles)."""
    page = ctx.profile.hub_page("role_endorsements")
    grant = people.grants.get(change.user)
    if grant is not None and change.new == grant.role:
        return replace(change, page=page, revid=grant.revid, by=grant.by, at=grant.at)
    entry = state.advocates.get(change.user)
    removal = people.endorsements.removed.get(entry.endorsement) if entry else None
    if removal is not None:
        by, revid, at = removal
        return replace(change, page=page, revid=revid, by=by, at=at)
    return replace(change, at=iso(ctx.now()))


# -- the job --------------------------------------------------------------------------------

def run(ctx: JobContext) -> RosterState:
    cfg = roster_config(ctx)
    state_title = ctx.profile.state_page(statepages.ROSTER)
    head_title = ctx.profile.state_page(statepages.SNAPSHOT)
    # The first shard, read with the head: a snapshot of up to 5,000 records costs no request
    # of its own.
    shard = shard_title(ctx, 1)
    current = ctx.wiki.read([head_title, shard, state_title])
    snapshot = load_snapshot(ctx, current[head_title], {shard: current[shard]})
    state = RosterState.from_json(current[state_title].text)
    if state.damaged:
        damaged(ctx, state_title, state.damaged)
    # One request: recent changes, renames since the last run, the first batch of accounts
    # (of every entry's name: the renames must be known before the entries are attributed).
    known, _ = current_advocates(snapshot.records(), state.renames)
    batch = ctx.wiki.batch_size
    survey = users.survey(ctx.site, sorted(known)[:batch], recent_since=ctx.now() - cfg.recent,
                          renames_since=state.renames_read_to, exclude=ctx.profile.bot_user)
    if survey.renames:
        state.apply_renames((old, new) for old, new, _ in survey.renames)
        state.renames_read_to = survey.renames[-1][2]
    # Advocates count only through entries they saved themselves (bots.core.consent): read
    # from their pages as they are now (a renamed account's moved page at its new title),
    # not from the snapshot. A history shows its authors under their current names.
    people = confirmed_advocates(ctx, snapshot.records(), state.renames)
    records = [r for r in snapshot.records() if r.kind != "advocate"] + people.records
    advocates, former = current_advocates(records, state.renames)
    names = sorted(advocates)
    ctx.stats.records = len(names)
    infos = {n: survey.accounts[n] for n in names if n in survey.accounts}

    decisions = activity(ctx, names, infos, survey.recent, state, cfg)
    noticed_now = send_notices(ctx, decisions, advocates, cfg)

    # The roles held: given by an endorsement (bots.core.roles), not taken by an entry.
    held = {name: people.grants[name].role if name in people.grants else DEFAULT_ROLE
            for name in names}
    changes = [attribute(ctx, ch, people, state)
               for ch in role_changes(advocates, state, held)]
    entries: dict[str, Entry] = {}
    for name in names:
        rec = advocates[name]
        grant = people.grants.get(name)
        entries[name] = replace(noticed_now.get(name) or decisions[name].entry,
                                role=held[name], page=rec.page,
                                endorsement=grant.line if grant else "")
    new_state = RosterState(
        advocates=entries, renames=state.renames, renames_read_to=state.renames_read_to,
        page_revids={rec.page: rec.revid for rec in advocates.values()},
        log=[*state.log, *(ch.to_json() for ch in changes)], pages=state.pages, exists=True)

    roster = [Advocate(user=name, record=advocates[name], status=entries[name].status,
                       reason=entries[name].reason, inactive_since=entries[name].inactive_since,
                       inactive_edit=entries[name].inactive_edit,
                       former_name=former.get(name, ""), held=held[name])
              for name in names]
    wanted = help_wanted(records, new_state.statuses(), new_state.renames, cfg.max_suggestions,
                         roles=held)
    active = sum(a.status != "inactive" for a in roster)
    new_state.pages = _write_pages(ctx, roster, new_state, wanted, cfg, state.pages, active)
    # Saved once, after the pages (a long state is several pages). A run that dies before
    # this loses nothing: notices are found on the talk pages by their markers, and role
    # changes are seen again against the roles last saved.
    _save_state(ctx, current[state_title], new_state)
    log.info("roster: %s", json.dumps({
        "advocates": len(roster), "inactive": len(roster) - active,
        "notices": len(noticed_now), "role_changes": len(changes),
        "help_wanted": len(wanted)}))
    return new_state


def _write_pages(ctx: JobContext, roster: list[Advocate], state: RosterState, wanted: list,
                 cfg: RosterConfig, known: dict[str, list], active: int) -> dict[str, list]:
    """The roster, its role log and "Help wanted" in every language, split alike in all;
    returns the stamps of the pages generated (as ``RosterState.pages``)."""
    pages = page_set(ctx)
    langs = ctx.profile.languages
    endorsements = ctx.profile.hub_page("role_endorsements")
    problems: list[Problem] = []
    # As the index does: pages whose text is as the bot last wrote it, and which nobody
    # edited since (their latest revision is the bot's), are neither read nor written.
    revids = latest_revids(ctx.site, list(known)) if known else {}
    edited = {t for t, v in known.items() if len(v) < 4 or revids.get(t) != v[3]}
    written: dict[str, list] = {}  # every page generated now -> its stamp
    generated: set[str] = set()
    for key, summary, render in (
        ("roster", ctx.summary("advocacyhub-roster-summary", active, len(roster) - active),
         lambda r, lay: r.roster_pages(roster, lay)),
        ("roster_log", ctx.summary("advocacyhub-roster-summary-log", len(state.log)),
         lambda r, lay: r.log_pages(state.log, lay)),
        ("help_wanted", ctx.summary("advocacyhub-match-summary", len(wanted)),
         lambda r, lay: r.help_wanted_pages(wanted, lay)),
        ("roles", ctx.summary("advocacyhub-summary-roles",
                              sum(a.role != DEFAULT_ROLE for a in roster)),
         lambda r, lay: {"": roles_page(r, roster, endorsements,
                                        ctx.profile.hub_page("alert_releases"))}),
    ):
        layout = Layout(page_budget(ctx))
        renderers = [RosterRenderer(ctx.schema, ctx.messages(lang), pages, cfg) for lang in langs]
        for renderer in renderers:  # measured in every language, split alike in all
            render(renderer, layout)
        layout.freeze()
        sections = {}
        for lang, renderer in zip(langs, renderers, strict=True):
            for suffix, body in sorted(render(renderer, layout).items(),
                                       key=lambda item: item[0] == ""):  # the overview last
                sections[pages.title(key, lang, suffix)] = (key, body)
        written.update(write_changed(ctx, sections, known, edited, summary, problems))
        generated |= set(sections)
    retire_parts(ctx, [t for t in known if t not in generated], known,
                 ctx.summary("advocacyhub-roster-summary", active, len(roster) - active),
                 keys=GENERATED)
    return written


def _save_state(ctx: JobContext, page, state: RosterState) -> None:
    """Write the state page (save compares JSON pages as data: no edit when nothing changed)."""
    ctx.wiki.save(page, state.to_json(), ctx.summary("advocacyhub-roster-summary-state",
                                                     len(state.advocates)))
