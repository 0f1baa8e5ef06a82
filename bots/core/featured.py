"""The hub's featured case of a month: an editor's pick, or the bot's proposal (pure).

Editors feature a case by adding ``featured=YYYY-MM`` to it. Two cases featured for the same
month: the first by title (case-folded, then the page title) is shown, and the others are
reported on the maintenance report. With no editor's pick, the bot proposes the most complete
case whose page was edited in the last ``PROPOSAL_DAYS`` days, by :func:`completeness`, ties
broken by the title (not by the time of the edit: two wikis with the same cases, or a run
retried a second later, pick the same), so the same records give the same pick whatever their
order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bots.core.records import Problem, Record
from bots.core.schema import RecordKind
from bots.core.times import parse_time

PROPOSAL_DAYS = 90
MAX_SOURCES = 5  # sources beyond this many add nothing to the score
LESSONS_POINTS = 3  # what other advocates can learn weighs most (the hub's purpose)


@dataclass(frozen=True)
class Featured:
    record: Record
    picked: bool  # an editor's featured=; False: proposed by the bot
    month: str  # YYYY-MM


def completeness(kind: RecordKind, record: Record) -> int:
    """One point per required or suggested field with a value (other than its default), one
    per source up to ``MAX_SOURCES``, and ``LESSONS_POINTS`` for lessons."""
    points = 0
    for fld in kind.fields.values():
        if not (fld.required or fld.suggested):
            continue
        value = record.value(fld.name)
        if value and value != (fld.default or ""):
            points += 1
    points += min(len(record.values("sources")), MAX_SOURCES)
    if record.value("lessons"):
        points += LESSONS_POINTS
    return points


def _title_key(record: Record) -> tuple[str, str]:
    return (record.label or record.page).casefold(), record.page


def editor_picks(records: Sequence[Record], month: str) -> list[Record]:
    """The valid cases an editor featured for ``month``, the one shown first (a case with
    problems is not featured: it is on the maintenance report)."""
    return sorted((r for r in records
                   if r.kind == "case" and r.valid and r.value("featured") == month),
                  key=_title_key)


def pick(kind: RecordKind, records: Sequence[Record], now: datetime) -> Featured | None:
    """The featured case of ``now``'s month, or None (no pick and nothing edited lately)."""
    month = now.strftime("%Y-%m")
    picks = editor_picks(records, month)
    if picks:
        return Featured(picks[0], True, month)
    since = (now if now.tzinfo else now.replace(tzinfo=UTC)) - timedelta(days=PROPOSAL_DAYS)
    # A sensitive case (its record hides its actors and contacts) is never proposed: being
    # featured draws the attention its editors asked to avoid. Editors may still pick it.
    recent = [r for r in records if r.kind == "case" and r.valid and not r.hides_private
              and (edited := parse_time(r.timestamp)) is not None and edited >= since]
    if not recent:
        return None
    best = min(recent, key=lambda r: (-completeness(kind, r), _title_key(r)))
    return Featured(best, False, month)


def conflicts(records: Sequence[Record], now: datetime) -> list[Problem]:
    """The other cases featured for ``now``'s month, for the maintenance report."""
    picks = editor_picks(records, now.strftime("%Y-%m"))
    return [Problem(r.page, "case", "featured", "featured-conflict",
                    picks[0].label or picks[0].page, severity="warning")
            for r in picks[1:]]
