"""Records for unit tests, built as the harvest builds them (bots.core.normalise)."""

from __future__ import annotations

from bots.core.normalise import make_record
from bots.core.records import Record
from bots.core.schema import load_schema

SCHEMA = load_schema()


def case(title: str, **raw: str) -> Record:
    """A valid case unless ``raw`` says otherwise (Brazil, copyright, active since 2021-03)."""
    fields = {"title": title, "summary": "S.", "jurisdiction": "BR", "topics": "copyright",
              "start": "2021-03", "status": "active", **raw}
    return make_record(SCHEMA.kind("case"), f"Advocacy Hub/Cases/{title}", fields, SCHEMA)


def advocate(user: str, **raw: str) -> Record:
    return make_record(SCHEMA.kind("advocate"), f"User:{user}", {"user": user, **raw}, SCHEMA)
