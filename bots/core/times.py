"""Times as the wiki writes them (ISO 8601, UTC, "Z")."""

from __future__ import annotations

from datetime import UTC, datetime


def parse_time(value: str) -> datetime | None:
    """A wiki timestamp as an aware datetime; None for an empty value."""
    if not value:
        return None
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def iso(value: datetime | None) -> str:
    """The wiki's form of a time ("" for None)."""
    if value is None:
        return ""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
