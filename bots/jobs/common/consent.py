"""The advocate entries that count (bots.core.consent), for every job that lists, matches or
writes to advocates: the roster, the digests, the alerts.

The pages holding advocate entries (from the snapshot) are read again, with the revisions of
each since the last check; who saved each line is kept on ``User:<bot>/Advocates.json`` (the
hashes of the lines and their authors: no field value), with the people waiting to confirm an
entry someone else wrote (the maintenance report lists them).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field

from bots import statepages
from bots.core.consent import Confirmed, attribute_page, confirmed, page_owner
from bots.core.records import Record
from bots.core.roles import Grant, endorsement_lines, grants, release_lines, released
from bots.core.statedata import as_object, mapping_of
from bots.core.subscriptions import Attribution, Line, LinesOf, Revision, attribute
from bots.core.usernames import canonical_user
from bots.jobs.context import JobContext
from bots.wiki.listings import history
from bots.wiki.pages import PageText
from bots.wiki.query import contributors

log = logging.getLogger(__name__)
VERSION = 1


def _load(text: str | None, aliases: list[str]) -> dict[str, Attribution]:
    data = as_object(text)  # a damaged page (not an object, parts of the wrong type): {}
    if data.get("version") != VERSION or data.get("aliases", []) != aliases:
        return {}  # read every history again: slow once, never wrong
    try:
        return {p: Attribution.from_json(a)
                for p, a in mapping_of(data, "pages", dict).items()}
    except (KeyError, TypeError) as exc:
        log.warning("advocate attribution unreadable (%s): reading the histories again", exc)
        return {}


def _bring_forward(page: PageText, state: Attribution, ctx: JobContext,
                   lines_of: LinesOf | None = None) -> Attribution:
    if not page.exists:
        return Attribution()  # deleted: nothing on it counts (a restored page is read afresh)
    if page.revid == state.last_revid:
        return state
    revisions, last_ts = [], state.last_timestamp
    for revid, user, text, timestamp in history(page.page, state.last_timestamp or None):
        if revid > state.last_revid:
            last_ts = max(last_ts, timestamp)
            if text is not None:  # a hidden revision is not a blanking of the page
                revisions.append(Revision(revid, user, text, timestamp))
    revisions.sort(key=lambda r: r.revid)  # edits of the same second keep their order
    state = (attribute(state, revisions, ctx.schema, lines_of) if lines_of
             else attribute_page(state, revisions, ctx.schema))
    state.last_timestamp = last_ts
    return state


def _edited_by_owner_only(ctx: JobContext, titles: list[str]) -> dict[str, str]:
    """title -> its owner, for the user pages among ``titles`` that nobody else ever edited
    (prop=contributors, in batches)."""
    owned = {t: page_owner(t) for t in titles if page_owner(t)}
    if not owned:
        return {}
    found = contributors(ctx.site, sorted(owned), batch=ctx.wiki.batch_size)
    return {t: owner for t, owner in owned.items()
            if t in found and found[t][1] == 0
            and {canonical_user(u) for u in found[t][0]} == {owner}}


@dataclass
class People(Confirmed):
    """The advocate entries that count, the roles given, the alerts released."""

    grants: dict[str, Grant] = field(default_factory=dict)  # user -> the role they hold
    endorsements: Attribution = field(default_factory=Attribution)  # the roles page's lines
    releases: dict[str, Line] = field(default_factory=dict)  # case page -> release line
    coordinators: set[str] = field(default_factory=set)


ROLES_KEY, RELEASES_KEY = "#roles", "#releases"  # not titles: the state's other entries


def only_confirmed(ctx: JobContext, records: list[Record], *, save: bool = False,
                   renames: Mapping[str, str] | None = None) -> tuple[list[Record], People]:
    """``records`` with the advocate entries that count in place of the snapshot's."""
    people = confirmed_advocates(ctx, records, renames, save=save)
    return [r for r in records if r.kind != "advocate"] + [r.public() for r in people.records], \
        people


def confirmed_advocates(ctx: JobContext, records: list[Record],
                        renames: Mapping[str, str] | None = None, *,
                        save: bool = True) -> People:
    """The advocate records that count, read from their pages as they are now; the roles
    their endorsements give; the alerts coordinators released. ``save``: keep what was
    read on the state page (the roster and the digest; the index and the newsletter only
    read it)."""
    titles = sorted({r.page for r in records if r.kind == "advocate"})
    state_title = ctx.profile.state_page(statepages.ADVOCATES)
    roles_title = ctx.profile.hub_page("role_endorsements")
    releases_title = ctx.profile.hub_page("alert_releases")
    pages = ctx.wiki.read([*titles, state_title, roles_title, releases_title])
    ctx.wiki.follow_moves(pages, titles)
    # A moved page is read where it is now, once (its old title may still be in the snapshot).
    now_at = {pages[t].title: pages[t] for t in titles if pages[t].exists}
    titles = sorted(now_at)
    pages.update(now_at)
    aliases = sorted(ctx.schema.aliases)
    known = _load(pages[state_title].text, aliases)
    endorsements = _bring_forward(pages[roles_title], known.get(ROLES_KEY, Attribution()), ctx,
                                  lambda text: endorsement_lines(text, ctx.schema))
    releases = _bring_forward(pages[releases_title], known.get(RELEASES_KEY, Attribution()),
                              ctx, release_lines)
    attributions: dict[str, Attribution] = {}
    texts: dict[str, tuple[str, int, str]] = {}
    # A page only the person it names ever edited (their user page, most often) needs no
    # history: all its lines are theirs. One batched question for all the pages behind.
    behind = [t for t in titles if pages[t].exists
              and pages[t].revid != known.get(t, Attribution()).last_revid]
    solo = _edited_by_owner_only(ctx, behind)
    for title in titles:
        page = pages[title]
        if not page.exists:
            continue
        if title in solo:
            attributions[title] = attribute_page(
                Attribution(), [Revision(page.revid, solo[title], page.text or "",
                                         page.timestamp)], ctx.schema)
            attributions[title].last_timestamp = page.timestamp
        else:
            attributions[title] = _bring_forward(page, known.get(title, Attribution()), ctx)
        texts[title] = (page.text or "", page.revid, page.timestamp)
    found = confirmed(texts, attributions, ctx.schema, renames)
    maintainers = ctx.profile.roster.maintainers
    given = grants(endorsements, maintainers, renames)
    coordinators = {u for u, g in given.items() if g.role == "coordinator"} | set(maintainers)
    result = People(found.records, found.waiting, given, endorsements,
                    released(releases, coordinators, renames), coordinators)
    data = {"version": VERSION, "aliases": aliases,
            "pages": {p: a.to_json() for p, a in sorted({
                **attributions, ROLES_KEY: endorsements, RELEASES_KEY: releases}.items())},
            "waiting": [list(w) for w in result.waiting]}
    if save:
        ctx.wiki.save(pages[state_title], json.dumps(data, sort_keys=True, ensure_ascii=False),
                      ctx.summary("advocacyhub-summary-consent", len(result.records)))
    log.info("advocates: %d entries count, %d wait for their person to confirm, %d roles "
             "given", len(result.records), len(result.waiting), len(given))
    return result
