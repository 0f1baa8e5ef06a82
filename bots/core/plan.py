"""One delivery plan per run: who gets a message, on which page, with whose options (pure).

Every kind of talk-page message (newsletter issues, digests, urgent alerts, roster notices)
is planned here from what the batched checks found on the wiki: accounts, each talk page's
text, redirects and opt-out category, and the rename log. The plan holds *people*, each with
exactly one resolved target page, and at most one post per (delivery, page): two people whose
talk pages lead to the same page get one copy there.

Redirects are followed only where the person would expect their mail: to their own user talk
page or its subpages (under their name now or a former one), or to the talk page of another
recipient of the same run (who then still gets one copy). Anywhere else is skipped, with the
reason. MassMessage follows any redirect; a subscriber's consent is ours to keep.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from bots.core.delivery import ALREADY, FAILED, SKIPPED, Outcome, delivered_ids
from bots.core.exclusion import bot_may_edit
from bots.core.usernames import canonical_user, follow_renames, former_names

MAX_HOPS = 10  # a longer chain of redirects is treated like a loop


@dataclass(frozen=True)
class Recipient:
    """Someone to send ``delivery_id`` to, under the name their record gives."""

    name: str
    delivery_id: str
    message_kind: str  # for {{bots|optout=...}}: newsletter, digest, advocacy-alert, ...
    options: Mapping[str, object] = field(default_factory=dict, hash=False, compare=False)


@dataclass(frozen=True)
class AccountInfo:
    exists: bool = True
    blocked: str = ""  # the reason, when blocked site-wide and indefinitely
    locked: bool = False


@dataclass(frozen=True)
class PageInfo:
    """What the wiki says about one title (from a query with ``redirects``)."""

    title: str
    text: str | None = None  # None: missing, or not read (a redirect's own text is not)
    redirect_to: str = ""  # the next hop, when the page is a redirect
    opted_out: bool = False  # in the opt-out category


@dataclass(frozen=True)
class Post:
    """One message to post: ``person``'s delivery on ``page``, serving ``also`` as well."""

    delivery_id: str
    person: str
    page: str
    message_kind: str
    options: Mapping[str, object] = field(hash=False, compare=False)
    redirect_from: str = ""
    also: tuple[str, ...] = ()


@dataclass
class Plan:
    posts: list[Post] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)  # settled without posting


def owner(title: str, user_talk: str) -> str:
    """The user whose talk page (or talk subpage) ``title`` is; "" when it is none."""
    prefix = f"{user_talk}:"
    if not title.startswith(prefix):
        return ""
    return canonical_user(title[len(prefix):].split("/", 1)[0])


def resolve(start: str, pages: Mapping[str, PageInfo]) -> tuple[str, list[str], str]:
    """Follow redirects from ``start``: (final title, the hops passed, "" or "redirect-loop")."""
    seen = [start]
    title = start
    while (info := pages.get(title)) is not None and info.redirect_to:
        title = info.redirect_to
        if title in seen or len(seen) > MAX_HOPS:
            return title, seen, "redirect-loop"
        seen.append(title)
    return title, seen, ""


def page_problem(info: PageInfo | None, bot: str, message_kind: str) -> str:
    """Why nothing may be posted on this page ("" when it may)."""
    if info is None:
        return ""
    if info.opted_out:
        return "opted-out"
    if not bot_may_edit(info.text, bot, message_kind):
        return "excluded"
    return ""


def make_plan(recipients: Iterable[Recipient], accounts: Mapping[str, AccountInfo],
              pages: Mapping[str, PageInfo], renames: Mapping[str, str], *, bot: str,
              user_talk: str = "User talk") -> Plan:
    """The plan for ``recipients`` (a person listed twice for one delivery counts once: the
    first listing is kept). ``accounts`` and ``pages`` are keyed by canonical name and title;
    a title missing from ``pages`` is a page that does not exist yet."""
    plan = Plan()
    people: dict[tuple[str, str], Recipient] = {}
    for rec in recipients:
        person = follow_renames(canonical_user(rec.name), renames)
        people.setdefault((rec.delivery_id, person), rec)

    def settle(did: str, person: str, page: str, result: str, reason: str = "",
               detail: str = "") -> None:
        plan.outcomes.append(Outcome(person, page, result, reason, detail=detail,
                                     delivery_id=did))

    deliverable: dict[str, set[str]] = {}  # delivery id -> people whose accounts may receive
    for (did, person), _rec in people.items():
        acct = accounts.get(person, AccountInfo(exists=False))
        reason = ("no-account" if not acct.exists else "locked" if acct.locked
                  else "blocked" if acct.blocked else "")
        if reason:
            settle(did, person, "", SKIPPED, reason, acct.blocked)
        else:
            deliverable.setdefault(did, set()).add(person)

    targets: dict[tuple[str, str], list[tuple[str, Recipient, str]]] = {}
    for (did, person), rec in people.items():
        if person not in deliverable.get(did, set()):
            continue
        start = f"{user_talk}:{person}"
        final, hops, loop = resolve(start, pages)
        if loop:
            settle(did, person, start, SKIPPED, loop, " → ".join(hops))
            continue
        if final != start:
            whose = owner(final, user_talk)
            if not whose:
                settle(did, person, final, SKIPPED, "not-a-user-talk-page", start)
                continue
            # Their own pages (subpages too, under any name they had), or the talk page itself
            # (not a subpage) of another recipient of this delivery.
            own = whose in former_names(person, renames)
            other = final == f"{user_talk}:{whose}" and \
                follow_renames(whose, renames) in deliverable[did]
            if not (own or other):
                settle(did, person, final, SKIPPED, "redirect-elsewhere", start)
                continue
        why = page_problem(pages.get(start), bot, rec.message_kind) or \
            page_problem(pages.get(final), bot, rec.message_kind)
        if why:
            settle(did, person, final, SKIPPED, why)
            continue
        targets.setdefault((did, final), []).append(
            (person, rec, start if final != start else ""))

    for (did, final), group in sorted(targets.items()):
        whose = follow_renames(owner(final, user_talk), renames)
        group.sort(key=lambda g: (g[0] != whose, g[0]))  # the page's owner first, if listed
        person, rec, redirect_from = group[0]
        others = tuple(g[0] for g in group[1:])
        info = pages.get(final)
        for also in others:
            settle(did, also, final, SKIPPED, "same-page", person)
        if did in delivered_ids(info.text if info else None):
            settle(did, person, final, ALREADY)
            continue
        plan.posts.append(Post(did, person, final, rec.message_kind, rec.options,
                               redirect_from, others))
    return plan


def recheck(post: Post, fresh: PageInfo | None, bot: str) -> Outcome | None:
    """The target read again right before posting: an outcome when it must not be posted
    after all (the delivery is there already, or the page now excludes the bot)."""
    text = fresh.text if fresh else None
    if post.delivery_id in delivered_ids(text):
        return Outcome(post.person, post.page, ALREADY, delivery_id=post.delivery_id)
    if fresh is not None and fresh.redirect_to:  # planned again by the next run
        return Outcome(post.person, post.page, FAILED, "target-changed",
                       delivery_id=post.delivery_id)
    why = page_problem(fresh, bot, post.message_kind)
    if why:
        return Outcome(post.person, post.page, SKIPPED, why, delivery_id=post.delivery_id)
    return None
