"""What every job gets: the profile, the wiki, the schema, messages, counters and the clock."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TextIO

from bots.config import Profile
from bots.core.messages import Messages
from bots.core.schema import Schema, load_schema
from bots.core.stats import RunStats
from bots.wiki.pages import WikiClient
from bots.wiki.session import RequestCounter, connect

log = logging.getLogger(__name__)


@dataclass
class JobContext:
    profile: Profile
    wiki: WikiClient
    stats: RunStats
    schema: Schema
    dry_run: bool = False
    now: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))

    @property
    def site(self):
        return self.wiki.site

    def messages(self, lang: str | None = None) -> Messages:
        return Messages(lang or self.profile.language)

    def summary(self, key: str, *params: object) -> str:
        """An edit summary in the wiki's content language."""
        return self.messages()(key, *params)


@contextmanager
def job_context(job: str, profile: Profile, *, dry_run: bool = False,
                now: Callable[[], datetime] | None = None,
                out: TextIO | None = None) -> Iterator[JobContext]:
    """Connects, counts every API request from login on, and times the run."""
    stats = RunStats(job=job)
    counter = RequestCounter()
    started = time.monotonic()
    try:
        site = connect(profile)
        wiki = WikiClient(site, profile, stats, dry_run=dry_run, out=out)
        ctx = JobContext(profile=profile, wiki=wiki, stats=stats, schema=load_schema(),
                         dry_run=dry_run)
        if now is not None:
            ctx.now = now
        yield ctx
    finally:
        stats.api_requests = counter.count
        stats.seconds = time.monotonic() - started
        counter.close()
