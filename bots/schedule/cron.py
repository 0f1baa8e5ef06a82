"""Crontab expressions (minute hour day month weekday, an optional seconds field first) as
APScheduler triggers, and the shortest gap between two runs of one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from apscheduler.triggers.cron import CronTrigger

from bots.errors import ConfigError

_DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]


def _weekday_numbers(token: str) -> set[int]:
    """The crontab days (0 = Sunday) one comma-separated part of a weekday field names."""
    step = 1
    if "/" in token:
        token, step_text = token.split("/", 1)
        step = int(step_text)
        if step < 1:
            raise ValueError(f"bad step {step_text!r}")

    def day(text: str) -> int:
        text = text.strip().lower()
        if text[:3] in _DAYS and text.isalpha():
            return _DAYS.index(text[:3])
        number = int(text)
        if not 0 <= number <= 7:
            raise ValueError(f"weekday {number} out of range 0-7")
        return number

    if token == "*":
        first, last = 0, 6
    elif "-" in token:
        a, b = token.split("-", 1)
        first, last = day(a), day(b)
        if last < first:
            raise ValueError(f"weekday range {token!r} runs backwards")
    else:
        first = last = day(token)
        if step != 1:
            last = 6
    return {d % 7 for d in range(first, last + 1, step)}


def crontab_weekdays(field: str) -> str:
    """A crontab weekday field (0 or 7 = Sunday) in APScheduler 3's terms (0 = Monday, where
    ``CronTrigger.from_crontab`` would silently shift numeric weekdays by one day)."""
    if field == "*":
        return "*"
    days: set[int] = set()
    for part in field.split(","):
        days |= _weekday_numbers(part)
    if days == set(range(7)):
        return "*"
    return ",".join(_DAYS[d] for d in sorted(days))


def parse_cron(expr: str, timezone: Any = UTC) -> CronTrigger:
    """A crontab expression (5 fields, or 6 with seconds first) as an APScheduler trigger."""
    fields = expr.split()
    try:
        if len(fields) == 5:
            minute, hour, day, month, dow = fields
            return CronTrigger.from_crontab(
                " ".join([minute, hour, day, month, crontab_weekdays(dow)]), timezone=timezone)
        if len(fields) == 6:
            second, minute, hour, day, month, dow = fields
            return CronTrigger(second=second, minute=minute, hour=hour, day=day, month=month,
                               day_of_week=crontab_weekdays(dow), timezone=timezone)
    except ValueError as exc:
        raise ConfigError(f"bad cron expression {expr!r}: {exc}") from None
    raise ConfigError(f"bad cron expression {expr!r}: expected 5 fields "
                      "(minute hour day month weekday), or 6 with seconds first")


def shortest_interval(trigger: CronTrigger, now: datetime | None = None,
                      samples: int = 50) -> timedelta:
    """The shortest gap between two consecutive runs among the next ``samples`` runs."""
    current = trigger.get_next_fire_time(None, now or datetime.now(UTC))
    if current is None:
        raise ConfigError("the cron expression never fires")
    gaps = []
    for _ in range(samples):
        following = trigger.get_next_fire_time(current, current)
        if following is None:
            break
        gaps.append(following - current)
        current = following
    return min(gaps) if gaps else timedelta(days=366)
