"""Roles that are given, not taken (pure).

A role beyond ``member`` holds only when an endorsement line for it is on the roles page
(``[hub.pages] role_endorsements``)::

    * regional-contact: [[User:Dave]]

saved (bots.core.subscriptions' attribution, by the page history) by an existing holder of
that role or by one of the configured maintainers (``[roster] maintainers``). Until then an
advocate's ``role=`` is only *proposed*: the roster says so, and matching does not rank it.
Endorsements are read as they stand now: an endorsement by someone who no longer holds the
role counts no more.

The same attribution gives the coordinators' releases of held alerts (bots.core.alerts): a line
with a link to the case, on ``[hub.pages] alert_releases``.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass

from bots.core.schema import Schema
from bots.core.subscriptions import Attribution, Line, current_names
from bots.core.usernames import canonical_user, follow_renames

MEMBER = "member"
_ENDORSEMENT = re.compile(
    r"^\*+\s*([^:\[\]{}<>\n]+?)\s*:\s*\[\[\s*:?\s*user\s*:\s*([^|\]/#\n]+)", re.IGNORECASE)
_LINK = re.compile(r"\[\[\s*:?\s*([^|\]#\n]+)")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


def endorsement_lines(text: str, schema: Schema) -> list[tuple[str, str]]:
    """(line, "role|user") of every endorsement line of a revision of the roles page; a line
    whose role the vocabulary does not know names nothing ("")."""
    vocab = schema.vocabularies["roles"]
    out = []
    for raw in _COMMENT.sub("", text).splitlines():
        line = raw.strip()
        found = _ENDORSEMENT.match(line)
        if not found:
            continue
        role = vocab.lookup(found.group(1).strip())
        user = canonical_user(found.group(2).replace("_", " "))
        out.append((line, f"{role}|{user}" if role and user else ""))
    return out


def release_lines(text: str) -> list[tuple[str, str]]:
    """(line, page linked) of every list line with a link on the alert releases page."""
    out = []
    for raw in _COMMENT.sub("", text).splitlines():
        line = raw.strip()
        link = _LINK.search(line) if line.startswith("*") else None
        if link:
            out.append((line, link.group(1).strip().replace("_", " ")))
    return out


@dataclass(frozen=True)
class Grant:
    user: str
    role: str
    by: str  # who saved the endorsement
    revid: int
    at: str
    line: str = ""  # the endorsement line (its withdrawal is found by it)


def grants(state: Attribution, maintainers: Collection[str],
           renames: Mapping[str, str] | None = None) -> dict[str, Grant]:
    """user (current name) -> the role they hold, from the endorsement lines that stand now:
    each saved by a maintainer or by someone who holds the role (through such lines, to a
    fixed point). The newest endorsement of a person wins."""
    renames = renames or {}
    keepers = {follow_renames(canonical_user(m), renames) for m in maintainers}
    lines: list[tuple[Line, str, str, str]] = []
    for line in state.lines:
        if not line.user or not line.author:
            continue
        role, _, named = line.user.partition("|")
        if role == MEMBER:
            continue
        user = follow_renames(named, renames)
        author = current_names(Line(line.text, named, line.author, line.revid, line.timestamp),
                               renames, [])[1]
        lines.append((line, role, user, author))
    lines.sort(key=lambda item: item[0].revid)
    held: dict[str, Grant] = {}
    for _ in range(len(lines) + 1):  # to a fixed point (bounded: a cycle cannot loop forever)
        new: dict[str, Grant] = {}
        for line, role, user, author in lines:  # oldest first: the newest endorsement wins
            holder = held.get(author)
            if author in keepers or (author != user and holder is not None
                                     and holder.role == role):
                new[user] = Grant(user, role, author, line.revid, line.timestamp, line.text)
        if new == held:
            break
        held = new
    return held


def released(state: Attribution, coordinators: Collection[str],
             renames: Mapping[str, str] | None = None) -> dict[str, Line]:
    """page -> the newest release line for it saved by a coordinator (current names)."""
    renames = renames or {}
    out: dict[str, Line] = {}
    for line in state.lines:
        if not line.user or not line.author:
            continue
        if follow_renames(line.author, renames) in coordinators and (
                line.user not in out or out[line.user].revid < line.revid):
            out[line.user] = line
    return out
