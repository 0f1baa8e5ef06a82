"""Who subscribed whom: attribution of subscriber lines from the page history.

A subscription counts only if the subscriber added (or last changed) their own line. Walking
the revisions since the last check, a user's line is attributed to the author of the revision
in which it appeared or changed; a later revision that leaves the line as it was does not
change the attribution.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import mwparserfromhell

from bots.core.schema import Schema, param_key, template_key


@dataclass(frozen=True)
class Revision:
    revid: int
    user: str
    text: str


def subscriber_lines(text: str, schema: Schema) -> dict[str, str]:
    """user -> the exact wikitext of their subscription template, on one page revision."""
    kind = schema.kinds["subscription"]
    lines: dict[str, str] = {}
    for tpl in mwparserfromhell.parse(text).filter_templates(recursive=False):
        if template_key(str(tpl.name)) != template_key(kind.template):
            continue
        for param in tpl.params:
            fld = kind.field_for_param(str(param.name))
            if fld is not None and fld.name == "user" and param_key(str(param.name)):
                user = str(param.value).strip().replace("_", " ")
                user = user[:1].upper() + user[1:]
                if user:
                    lines[user] = str(tpl).strip()
    return lines


def attribute(state: dict[str, dict], revisions: Iterable[Revision],
              schema: Schema) -> tuple[dict[str, dict], int]:
    """Update ``state`` (user -> {"line", "author", "revid"}) with ``revisions`` (oldest first);
    returns the new state and the last revision id seen."""
    state = {u: dict(v) for u, v in state.items()}
    before = {u: v["line"] for u, v in state.items()}
    last = 0
    for rev in revisions:
        now = subscriber_lines(rev.text, schema)
        for user, line in now.items():
            if before.get(user) != line:
                state[user] = {"line": line, "author": rev.user, "revid": rev.revid}
        for user in set(state) - set(now):
            del state[user]
        before, last = now, rev.revid
    return state, last


def self_subscribed(state: dict[str, dict], user: str) -> bool:
    entry = state.get(user)
    return bool(entry) and entry["author"].replace("_", " ") == user
