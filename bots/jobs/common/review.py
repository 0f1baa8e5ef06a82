"""The cases due for review at the run's clock (bots.core.review), for the index and digest."""

from __future__ import annotations

from collections.abc import Sequence

from bots.core.records import Record
from bots.core.review import Due, due_cases
from bots.jobs.context import JobContext


def open_statuses(ctx: JobContext) -> frozenset[str]:
    """The status values that keep a case open, from the vocabularies in effect (the wiki's
    vocabularies page when valid)."""
    vocabularies = ctx.schema.vocabularies
    return vocabularies["status"].open_values if "status" in vocabularies else frozenset()


def due_now(ctx: JobContext, records: Sequence[Record]) -> list[Due]:
    return due_cases(records, open_statuses(ctx), ctx.now(), ctx.profile.hub.review_after_days)
