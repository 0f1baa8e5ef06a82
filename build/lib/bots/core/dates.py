"""Partial dates as editors write them: YYYY, YYYY-MM, YYYY-MM-DD (and a time for events)."""

from __future__ import annotations

import re
from datetime import date, datetime

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
