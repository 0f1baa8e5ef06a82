"""Partial dates as editors write them: YYYY, YYYY-MM, YYYY-MM-DD (and a time for events)."""

from __future__ import annotations

import re
import zoneinfo
from datetime import UTC, date, datetime

_DATE = re.compile(r"^(\d{4})(?:[-/.](\d{1,2})(?:[-/.](\d{1,2}))?)?$")
_DATETIME = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::\d{2})?Z?)?$")


def normalise_date(raw: str) -> str | None:
    """ISO form of a partial date, or None if it is not one (or not a real day)."""
    m = _DATE.match(raw.strip())
    if not m:
        return None
    year, month, day = m.group(1), m.group(2), m.group(3)
    if int(year) < 1000:
        return None
    try:
        if day:
            return date(int(year), int(month), int(day)).isoformat()
        if month:
            if not 1 <= int(month) <= 12:
                return None
            return f"{year}-{int(month):02d}"
    except ValueError:
        return None
    return year


def normalise_month(raw: str) -> str | None:
    """YYYY-MM (a month: a featured case's ``featured``), by the same rules as other dates."""
    value = normalise_date(raw)
    return value if value and len(value) == 7 else None


def normalise_datetime(raw: str) -> str | None:
    """YYYY-MM-DD or YYYY-MM-DDTHH:MM."""
    m = _DATETIME.match(raw.strip())
    if not m:
        return None
    y, mo, d, hh, mm = m.groups()
    try:
        if hh is None:
            return date(int(y), int(mo), int(d)).isoformat()
        return datetime(int(y), int(mo), int(d), int(hh), int(mm)).strftime("%Y-%m-%dT%H:%M")
    except ValueError:
        return None


def year_of(value: str | None) -> int | None:
    return int(value[:4]) if value else None


def sort_key(value: str | None) -> str:
    """Sortable form: partial dates sort as the start of their period."""
    return value or ""


def utc_of(local: str, timezone: str, *, end_of_day: bool = False) -> str:
    """An event's YYYY-MM-DD[THH:MM], given in its IANA ``timezone``, as UTC YYYY-MM-DDTHH:MM
    (a day alone stands for its first minute, or with ``end_of_day`` its last). Events are
    compared with the run's UTC clock: 10:00 in Santiago has not begun at 12:30 UTC."""
    if not local:
        return ""
    text = local if "T" in local else local + ("T23:59" if end_of_day else "T00:00")
    try:
        zone = zoneinfo.ZoneInfo(timezone or "UTC")
        moment = datetime.strptime(text, "%Y-%m-%dT%H:%M").replace(tzinfo=zone)
    except (ValueError, zoneinfo.ZoneInfoNotFoundError):
        return text  # a value the harvest reported as invalid: taken as UTC
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M")


def event_when(start: str, end: str, timezone: str) -> tuple[str, str, str]:
    """How every page shows an event's time: (its local date and time, with the end's time or
    day, e.g. ``2027-01-14 15:00–17:00``; its time zone, readable (``America/New York``);
    the start in UTC: ``20:00``, or ``2027-01-15 02:00`` on another day). The zone and the
    UTC time are "" for a day without a time, the UTC time also for an event in UTC."""
    local = start.replace("T", " ")
    if end and end != start:
        same_day = end[:10] == start[:10]
        local += "–" + (end[11:] if same_day and "T" in end else end.replace("T", " "))
    zone = timezone or "UTC"
    if "T" not in start:
        return local, "", ""
    utc = utc_of(start, zone)
    if zone == "UTC" or len(utc) != 16:  # in UTC already, or a value reported invalid
        return local, "UTC", ""
    return local, zone.replace("_", " "), utc[11:] if utc[:10] == start[:10] else \
        utc.replace("T", " ")
