"""Digests and urgent alerts: what to tell whom (pure).

The hub digest and the personal digests cover the same window: since the baseline taken at the
first run of the previous period. A personal digest holds only what matches the advocate (the
matchmaking rules of bots.core.matching); nothing is posted when nothing matches.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from bots.core.matching import match
from bots.core.newsletter import IssueItems
from bots.core.records import Record
from bots.core.times import parse_time
from bots.core.usernames import canonical_user

_SECTION = re.compile(r"/\*\s*(.*?)\s*\*/")


def alert_id(case_page: str, revid: int) -> str:
    """The delivery id of one alert: the case page (hashed: ids are one word) and the revision
    that raised it, so an alert lowered and raised again is a new alert."""
    return f"alert:{hashlib.sha1(case_page.encode()).hexdigest()[:12]}:{revid}"


def raise_alerts(alerts: dict[str, dict], raised: dict[str, int],
                 who: Mapping[str, str] | None = None, now: str = "",
                 moves: dict[str, str] | None = None) -> bool:
    """Bring the alerts state (case page -> {"id", "done", "by", "revid", "at"}) to the cases
    raised now (page -> the revision read; ``who``: page -> who saved it): a case no longer
    raised is dropped (a later raise is a new alert), a newly raised one gets its id, once.
    True when the state changed (it is saved before anything is delivered). A case whose
    record is invalid for a while keeps its alert: only alert != yes lowers it, so a revert
    alerts no one twice. ``moves`` (old title -> new): a moved case page keeps its alert."""
    who = who or {}
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
            alerts[page] = {"id": alert_id(page, revid), "done": False,
                            "by": who.get(page, ""), "revid": revid, "at": now}
            changed = True
    return changed


HELD_NEWCOMER = "alert-held-newcomer"  # raised by an account that is not a confirmed advocate
HELD_LIMIT = "alert-held-limit"  # the account raised more than its daily count


def hold_alerts(alerts: dict[str, dict], raisers: dict[str, list[str]], *,
                advocates: Collection[str], trusted: Collection[str], per_day: int,
                now: datetime, unlimited: Collection[str] = ()) -> bool:
    """Decide, once, whether each new alert is posted or held for a coordinator: held when
    its raiser is neither a confirmed advocate nor trusted (a coordinator, a maintainer), or
    has raised more than ``per_day`` alerts in the last day. ``raisers``: who -> when they
    raised alerts (ISO), the last day's kept; ``unlimited``: accounts without a daily count
    (the maintainers who run the bot). True when the state changed."""
    changed = False
    day_ago = now - timedelta(days=1)
    for who, times in list(raisers.items()):
        kept = [t for t in times if (parse_time(t) or now) > day_ago]
        if kept != times:
            raisers[who] = kept
            changed = True
        if not kept:
            del raisers[who]
    for alert in alerts.values():
        if "decided" in alert:
            continue
        who = canonical_user(alert.get("by", ""))
        earlier = raisers.setdefault(who, [])
        if not who or (who not in advocates and who not in trusted):
            alert["held"] = HELD_NEWCOMER
        elif len(earlier) >= per_day and who not in unlimited:
            alert["held"] = HELD_LIMIT
        earlier.append(now.isoformat(timespec="seconds"))
        alert["decided"] = True
        changed = True
    return changed


def release_alerts(alerts: dict[str, dict], releases: Mapping[str, Any]) -> bool:
    """A held alert is released by a coordinator's line for its case saved after it was
    raised (``releases``: case page -> the line, with ``revid`` and ``author``)."""
    changed = False
    for page, alert in alerts.items():
        line = releases.get(page)
        if alert.get("held") and not alert.get("release") and line is not None \
                and line.revid > int(alert.get("revid", 0)):
            alert["release"] = {"by": line.author, "revid": line.revid}
            changed = True
    return changed


def waiting(alert: Mapping[str, Any]) -> bool:
    """The alert is held and not released yet."""
    return bool(alert.get("held")) and not alert.get("release")


SAFETY_ROLES = ("coordinator", "regional-contact")


def safety_recipients(case: Record, advocates: Sequence[Record], roles: Mapping[str, str],
                      statuses: Mapping[str, str], renames: Mapping[str, str] | None = None,
                      ) -> list[str]:
    """Who a sensitive case's alert goes to: the active coordinators, and the active regional
    contacts of one of its regions (roles as given, bots.core.roles; never as claimed)."""
    renames = renames or {}
    regions = set(case.values("region"))
    out = []
    for adv in advocates:
        user = adv.value("user")
        now = renames.get(user, user)
        role = roles.get(now, "member")
        if statuses.get(now) != "active" or role not in SAFETY_ROLES:
            continue
        if role == "coordinator" or regions & set(adv.values("regions")):
            out.append(now)
    return sorted(set(out))


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
