"""The status page's update policy and its round trip (pure)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bots.core import status
from bots.core.messages import Messages
from bots.core.stats import RunStats

T0 = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
HEARTBEAT = timedelta(hours=6)


def line(at: datetime, result: str = status.OK, errors: int = 0, edits: int = 0) -> dict:
    return status.entry(RunStats("harvest", edits=edits, errors=errors), result, "", at)


def test_first_run_and_changes_are_written() -> None:
    assert status.needs_update(None, line(T0), HEARTBEAT)
    assert status.needs_update(line(T0), line(T0 + timedelta(minutes=15), status.FAILED),
                               HEARTBEAT)
    assert status.needs_update(line(T0, errors=2), line(T0 + timedelta(minutes=15), errors=3),
                               HEARTBEAT)


def test_ordinary_runs_within_the_heartbeat_are_not_written() -> None:
    old = line(T0, errors=2)
    assert not status.needs_update(old, line(T0 + timedelta(minutes=15), errors=2, edits=5),
                                   HEARTBEAT)
    assert not status.needs_update(old, line(T0 + timedelta(hours=5, minutes=59), errors=2),
                                   HEARTBEAT)
    assert status.needs_update(old, line(T0 + timedelta(hours=6), errors=2), HEARTBEAT)


def test_page_round_trip_keeps_every_job_and_escapes_messages() -> None:
    entries = {"harvest": line(T0), "index": {**line(T0, status.FAILED),
                                              "job": "index", "message": "Boom |} [[x]] --"}}
    page = status.render(entries, Messages("en"))
    parsed = status.parse(page)
    assert parsed["harvest"] == entries["harvest"]
    # "--" cannot stand inside the HTML comment that carries the data.
    assert parsed["index"]["message"] == "Boom |} [[x]] - -"
    assert "|}" not in page.split("<!--")[0].replace("\n|}", "")  # only the table's own end
    assert status.parse("no data here") == {}
