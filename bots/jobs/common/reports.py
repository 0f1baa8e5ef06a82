"""What a job found wrong outside the records, for the maintenance report (issue 25).

``User:<bot>/Reports.json`` holds, by job, the problems its last run found: an issue marked
ready by an account without standing, a state page of the wrong shape that was rebuilt, a
clock that ran backwards. The index job reads the page with its first batch and lists them;
each job replaces only its own entry, and only when it changed.
"""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING

from bots import statepages
from bots.core.records import Problem
from bots.core.statedata import as_object

if TYPE_CHECKING:
    from bots.jobs.context import JobContext
    from bots.wiki.pages import PageText

log = logging.getLogger(__name__)
MAX_KEPT = 50  # problems a job's entry keeps when it adds to it (the newest)


def reported(text: str | None) -> list[Problem]:
    """Every job's problems, from the page's text (nothing for a page of the wrong shape)."""
    data = as_object(text)
    out: list[Problem] = []
    for _job, problems in sorted(data.items()):
        for p in problems if isinstance(problems, list) else []:
            try:
                out.append(Problem.from_json(p))
            except (KeyError, TypeError, AttributeError):
                continue
    return out


def report(ctx: JobContext, job: str, problems: list[Problem], *, add: bool = False) -> None:
    """Replace ``job``'s entry with ``problems`` (``add``: add them to it), when it changed.
    Like the status page, not one of the job's own edits."""
    page: PageText = ctx.wiki.read_later(ctx.profile.state_page(statepages.REPORTS))
    data = as_object(page.text)
    entries = [p.to_json() for p in problems]
    if add:
        kept = data.get(job)
        old: list = kept if isinstance(kept, list) else []
        entries = [*old, *(e for e in entries if e not in old)][-MAX_KEPT:]
    if data.get(job, []) == entries:
        return
    if entries:
        data[job] = entries
    else:
        data.pop(job, None)
    edits = ctx.stats.edits
    try:
        ctx.wiki.save(page, json.dumps(data, sort_keys=True, ensure_ascii=False),
                      ctx.base_messages()("advocacyhub-summary-reports"))
    finally:
        ctx.stats.edits = edits
    ctx.wiki.piggyback[page.title] = None  # read again if the run reports more


def current(ctx: JobContext, page: PageText) -> str | None:
    """The text of the reports page read earlier in the run (``page``), or as this run's
    reports left it (read again only then)."""
    if page.title not in ctx.wiki.piggyback:
        return page.text
    return ctx.wiki.read_later(page.title).text
