"""A state page read for a job: of the wrong shape, it is logged, put on the maintenance report
and read as empty, and the job goes on and rebuilds it (issue 25)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from bots.core.records import Problem
from bots.core.statedata import parse_object
from bots.jobs.common.reports import report

if TYPE_CHECKING:
    from bots.jobs.context import JobContext
    from bots.wiki.pages import PageText

log = logging.getLogger(__name__)


def read_state(ctx: JobContext, page: PageText) -> dict[str, Any]:
    """The page's JSON object; ``{}`` (reported) when it is not one (or is kept in parts that
    do not add up)."""
    data, reason = parse_object(page.text)
    reason = page.damaged or reason
    if reason:
        damaged(ctx, page.title, reason)
    return data


def damaged(ctx: JobContext, title: str, reason: str) -> None:
    """Say that a state page had the wrong shape and is being rebuilt."""
    log.error("[[%s]] is damaged (%s): rebuilt from %s", title, reason,
              "the wiki" if "Snapshot" in title or "Cases" in title else "its defaults")
    report(ctx, "state", [Problem(title, "page", "", "state-damaged", reason)], add=True)
