"""Cases due for review, and who is nudged about them (pure).

A case whose status is open (the status vocabulary's ``open`` values) and whose page nobody
edited for ``after_days`` is *due for review*; a concluded case without ``lessons`` is listed
too ("what did we learn?"). Review periods are counted from the last edit: period ``n`` is
``[edit + n * after_days, edit + (n + 1) * after_days)``. A contact of a due case is nudged in
their personal digest at most once per review period, and only when they are an advocate on
the roster who opted into digests; the ledger of nudges is state on the wiki, written before
the digest that carries them is delivered.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bots.core.records import Record
from bots.core.usernames import canonical_user

STALE = "stale"  # open, and not edited for a review period
LESSONS = "lessons"  # concluded, without lessons


@dataclass(frozen=True)
class Due:
    page: str
    title: str
    status: str
    reason: str  # STALE or LESSONS
    edited: str  # ISO timestamp of the page's last edit ("" when unknown)
    editor: str  # who made it ("" when unknown)
    days: int  # since that edit
    period: str  # the review period (nudges: once per period)
    contacts: tuple[str, ...] = ()

    def to_json(self) -> dict:
        return {"page": self.page, "title": self.title, "status": self.status,
                "reason": self.reason, "edited": self.edited, "editor": self.editor,
                "days": self.days, "period": self.period}

    @classmethod
    def from_json(cls, data: Mapping) -> Due:
        return cls(page=data["page"], title=data.get("title", ""), status=data.get("status", ""),
                   reason=data.get("reason", STALE), edited=data.get("edited", ""),
                   editor=data.get("editor", ""), days=int(data.get("days", 0)),
                   period=data.get("period", ""))


def _parse(ts: str) -> datetime | None:
    try:
        when = datetime.fromisoformat(ts.replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo else None


def due_cases(records: Iterable[Record], open_values: Collection[str], now: datetime,
              after_days: int) -> list[Due]:
    """Every case due for review at ``now``, oldest edit first (then by page). A case
    without a known last edit is never due (nothing to count from)."""
    out: list[Due] = []
    period_len = timedelta(days=max(1, after_days))
    for r in records:
        if r.kind != "case" or not r.valid:
            continue
        edited = _parse(r.timestamp)
        if edited is None:
            continue
        age = now - edited
        status = r.value("status")
        if status in open_values:
            if age < period_len:
                continue
            reason = STALE
        elif status and not r.value("lessons"):
            reason = LESSONS
        else:
            continue
        n = max(0, age // period_len)
        out.append(Due(page=r.page, title=r.value("title") or r.page, status=status,
                       reason=reason, edited=r.timestamp, editor=r.editor,
                       days=max(0, age.days), period=f"{r.timestamp}/{reason}/{n}",
                       contacts=tuple(canonical_user(c) for c in r.values("contacts")
                                      if canonical_user(c))))
    return sorted(out, key=lambda d: (d.edited, d.page))


def ledger_key(user: str, page: str) -> str:
    """One nudge's key: a person and a case (no title or username holds "|")."""
    return f"{canonical_user(user)}|{page}"


def nudges(due: Sequence[Due], advocates: Iterable[Record], digest_kind: str,
           ledger: Mapping[str, str]) -> dict[str, list[Due]]:
    """user -> the due cases to tell them about in their ``digest_kind`` digest: only
    advocates (valid records on the roster) who chose that digest and are a contact of the
    case, and only for a review period they were not yet nudged in (``ledger``: key ->
    period)."""
    wanted = {canonical_user(a.value("user")) for a in advocates
              if a.kind == "advocate" and a.valid and a.value("digest") == digest_kind}
    wanted.discard("")
    out: dict[str, list[Due]] = {}
    for d in due:
        for user in dict.fromkeys(d.contacts):
            if user in wanted and ledger.get(ledger_key(user, d.page)) != d.period:
                out.setdefault(user, []).append(d)
    return out


def recorded(ledger: Mapping[str, str], given: Mapping[str, Sequence[Due]],
             due: Sequence[Due]) -> dict[str, str]:
    """The ledger after ``given`` is recorded, without the entries of cases that are no
    longer due in the period they were nudged for (the case was edited or is gone: a later
    period has another key, so nobody is nudged twice for one period)."""
    current = {d.page: d.period for d in due}
    out = {k: v for k, v in ledger.items() if current.get(k.split("|", 1)[1]) == v}
    for user, cases in given.items():
        for d in cases:
            out[ledger_key(user, d.page)] = d.period
    return dict(sorted(out.items()))
