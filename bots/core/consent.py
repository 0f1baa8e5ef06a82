"""Whose advocate entry is it: an ``{{Advocate}}`` line counts only if its person saved it (pure).

The same attribution as the subscribers page (bots.core.subscriptions): every line of a page
is followed through its history, revision by revision, and belongs to the revision that last
added or changed it. An advocate entry counts (roster, matching, digests, nudges, alerts,
role) only when

* it was saved by the person it names (on the sign-up page, or on any other page), and
* on a user page (``User:X`` or its subpages), it names the page's owner: ``user=B`` on A's
  user page counts for no one, even if A saved it.

An entry someone else wrote waits for its person: the maintenance report names them (the name
only, nothing the entry claims), and their own later save confirms it.

The lines are remembered by a hash of their text, never the text: a low-profile advocate's
places must not reach the bot's state pages. The records are made from the page's current text,
read again when they are needed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field

from mwparserfromhell.nodes import Template

from bots.core.normalise import make_record
from bots.core.parse import parse_template, shown_templates
from bots.core.records import Record
from bots.core.schema import Schema
from bots.core.subscriptions import Attribution, LinesOf, Revision, attribute, current_names
from bots.core.usernames import canonical_user, follow_renames

KIND = "advocate"


def line_key(text: str) -> str:
    """What the state remembers of a line: a hash of its exact wikitext."""
    return hashlib.sha1(text.strip().encode()).hexdigest()[:20]


def entries(text: str, schema: Schema) -> list[tuple[str, str, Template]]:
    """(key, canonical user named, template) of every advocate entry shown on a page
    revision, in page order (as the harvest reads them: template redirects too)."""
    kind = schema.kind(KIND)
    out: list[tuple[str, str, Template]] = []
    for tpl, name in shown_templates(text):
        if schema.kind_for_template(name) is not kind:
            continue
        raw, _problems = parse_template(tpl, kind, "")
        out.append((line_key(str(tpl)), canonical_user(raw.get("user", "")), tpl))
    return out


def lines_of(schema: Schema) -> LinesOf:
    return lambda text: [(key, user) for key, user, _tpl in entries(text, schema)]


def attribute_page(state: Attribution, revisions: list[Revision], schema: Schema,
                   ) -> Attribution:
    """The page's advocate lines, attributed through ``revisions`` (oldest first)."""
    return attribute(state, revisions, schema, lines_of(schema))


def page_owner(page: str) -> str:
    """The account whose user page (or subpage of it) ``page`` is; "" for any other page."""
    ns, sep, rest = page.partition(":")
    if not sep or ns.strip().lower() != "user":
        return ""
    return canonical_user(rest.split("/", 1)[0])


@dataclass
class Confirmed:
    """The advocate entries that count, and the people others signed up."""

    records: list[Record] = field(default_factory=list)
    waiting: list[tuple[str, str]] = field(default_factory=list)  # (user named, page)


def counts(user: str, author: str, page: str,
           renames: Mapping[str, str] | None = None) -> bool:
    """An entry naming ``user`` (current name), last saved by ``author`` (current name), on
    ``page``, counts. The page's owner is followed through ``renames`` too: a renamed
    account's own line on its (unmoved) user page is still its own."""
    if not user or not author or user != author:
        return False
    owner = page_owner(page)
    return not owner or follow_renames(owner, renames or {}) == user


def confirmed(pages: Mapping[str, tuple[str, int, str]],
              attributions: Mapping[str, Attribution], schema: Schema,
              renames: Mapping[str, str] | None = None) -> Confirmed:
    """The entries that count, made from ``pages`` (page -> current text, revid, timestamp),
    each attributed by ``attributions[page]`` (brought up to that revision). A page whose
    attribution is behind its text counts for no one until it is read again."""
    renames = renames or {}
    kind = schema.kind(KIND)
    out = Confirmed()
    for page in sorted(pages):
        text, revid, timestamp = pages[page]
        state = attributions.get(page)
        now = entries(text, schema)
        attributed = state.lines if state is not None and state.last_revid == revid else []
        by_position = ([line.text for line in attributed] == [key for key, _u, _t in now])
        for index, (_key, user, tpl) in enumerate(now):
            line = attributed[index] if by_position else None
            person, author = current_names(line, renames, []) if line is not None else (
                follow_renames(user, renames), "")
            if line is not None and counts(person, author, page, renames):
                raw, problems = parse_template(tpl, kind, page)
                rec = make_record(kind, page, raw, schema, index=index, revid=line.revid,
                                  timestamp=line.timestamp or timestamp,
                                  extra_problems=problems)
                rec.editor = line.author
                out.records.append(rec)
            elif user:
                out.waiting.append((user, page))
    out.waiting = sorted(set(out.waiting))
    return out
