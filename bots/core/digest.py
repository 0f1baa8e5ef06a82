"""Digests and urgent alerts: what to tell whom (pure).

The hub digest and the personal digests cover the same window: since the baseline taken at the
first run of the previous period. A personal digest holds only what matches the advocate (the
matchmaking rules of bots.core.matching); nothing is posted when nothing matches.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from bots.core.matching import match
from bots.core.newsletter import IssueItems
from bots.core.records import Record

_SECTION = re.compile(r"/\*\s*(.*?)\s*\*/")


def alert_id(case_page: str, revid: int) -> str:
    """The delivery id of one alert: the case page (hashed: ids are one word) and the revision
    that raised it, so an alert lowered and raised again is a new alert."""
    return f"alert:{hashlib.sha1(case_page.encode()).hexdigest()[:12]}:{revid}"


def raise_alerts(alerts: dict[str, dict], raised: dict[str, int],
                 moves: dict[str, str] | None = None) -> bool:
    """Bring the alerts state (case page -> {"id", "done"}) to the cases raised now (page ->
    the revision read): a case no longer raised is dropped (a later raise is a new alert), a
    newly raised one gets its id, once. True when the state changed (it is saved before
    anything is delivered). A case whose record is invalid for a while keeps its alert: only
    alert != yes lowers it, so a revert alerts no one twice."""
    changed = False
    # A case page that was moved (``moves``: old title -> new) keeps its alert: the same id,
    # done or not, under its new title.
    for old, new in (moves or {}).items():
        if old in alerts and old not in raised and new in raised and new not in alerts:
            alerts[new] = alerts.pop(old)
            changed = True
    for page in list(alerts):
        if page not in raised:
            del alerts[page]
            changed = True
    for page, revid in raised.items():
        if page not in alerts:
            alerts[page] = {"id": alert_id(page, revid), "done": False}
            changed = True
    return changed


def _shares(a: Sequence[str], b: Sequence[str]) -> bool:
    return bool(set(a) & set(b))


def personal_items(items: IssueItems, advocate: Record) -> IssueItems:
    """The part of ``items`` that matches one advocate (a private message: places count)."""
    topics, languages = advocate.values("topics"), advocate.values("languages")
    return IssueItems(
        new_cases=[c for c in items.new_cases if match(c, advocate)],
        changed_cases=[(c, b) for c, b in items.changed_cases if match(c, advocate)],
        new_advocates=[a for a in items.new_advocates
                       if a.value("user") != advocate.value("user")
                       and _shares(a.values("topics"), topics)],
        upcoming_events=[e for e in items.upcoming_events
                         if _shares(e.values("topics"), topics)
                         or _shares(e.values("languages"), languages)],
        new_resources=[r for r in items.new_resources
                       if _shares(r.values("topics"), topics)],
    )


@dataclass
class Discussion:
    page: str
    section: str
    edits: int = 0
    users: list[str] = field(default_factory=list)


@dataclass
class DocumentChange:
    page: str
    old_revid: int
    new_revid: int
    edits: int


def discussions(changes: Sequence[dict], prefix: str, talk_ns: int = 1) -> list[Discussion]:
    """Hub talk-page threads edited in the window, from recent-change entries (oldest first):
    one per page and section (from the "/* section */" of the edit summary)."""
    threads: dict[tuple[str, str], Discussion] = {}
    root = prefix.rstrip("/")
    for c in changes:
        title = c.get("title", "")
        if c.get("ns") != talk_ns or c.get("type") not in ("edit", "new"):
            continue
        name = title.split(":", 1)[-1]
        if name != root and not name.startswith(root + "/"):
            continue
        m = _SECTION.search(c.get("comment", "") or "")
        key = (title, m.group(1) if m else "")
        thread = threads.setdefault(key, Discussion(title, key[1]))
        thread.edits += 1
        if c.get("user") and c["user"] not in thread.users:
            thread.users.append(c["user"])
    return sorted(threads.values(), key=lambda d: (d.page, d.section))


def document_changes(changes: Sequence[dict], documents: Sequence[str]) -> list[DocumentChange]:
    """Edits to the watched living documents in the window, one diff per document."""
    out: dict[str, DocumentChange] = {}
    wanted = set(documents)
    for c in changes:
        if c.get("title") not in wanted or c.get("type") not in ("edit", "new"):
            continue
        doc = out.get(c["title"])
        if doc is None:
            out[c["title"]] = DocumentChange(c["title"], int(c.get("old_revid") or 0),
                                             int(c["revid"]), 1)
        else:
            out[c["title"]] = replace(doc, new_revid=max(doc.new_revid, int(c["revid"])),
                                      edits=doc.edits + 1)
    return [out[d] for d in documents if d in out]
