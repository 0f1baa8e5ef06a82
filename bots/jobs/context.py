"""What every job gets: the profile, the wiki, the schema, messages, counters and the clock."""

from __future__ import annotations

import logging
import os
import re
import signal
import socket
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TextIO

from bots import statepages
from bots.config import Profile
from bots.core.lease import LeaseHolder, parse
from bots.core.messages import Messages
from bots.core.schema import Schema, load_schema
from bots.core.stats import RunStats
from bots.errors import AdvocacyError, ApiWarningsSeen, LeaseHeld, ShutoffEngaged, Terminated
from bots.jobs.common import governance as gov
from bots.wiki.pages import WikiClient
from bots.wiki.session import WIKI_ERRORS, ApiWarnings, RequestCounter, connect
from bots.wiki.talkpages import PostBudget

log = logging.getLogger(__name__)
# What freeing the lease may meet: the wiki failed or refused the edit.
LEASE_ERRORS: tuple[type[Exception], ...] = (AdvocacyError, *WIKI_ERRORS)
# What updating the status page may meet: the same, or an editor damaged the page's data.
STATUS_ERRORS: tuple[type[Exception], ...] = (*LEASE_ERRORS, ValueError, KeyError, TypeError,
                                              AttributeError)


@dataclass
class JobContext:
    profile: Profile
    wiki: WikiClient
    stats: RunStats
    base_schema: Schema  # config/schema.toml; ``schema`` has the wiki's vocabularies
    dry_run: bool = False
    now: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    counter: RequestCounter | None = None  # every API request of the run, from login on
    started: float = field(default_factory=time.monotonic)
    post_budget: PostBudget | None = None  # talk-page posts of this run (bots.jobs.common.posting)
    paused: str = ""  # "breaker", "cap", "time" or "busy": the run left work for later
    posting_lock: object | None = None  # held from the run's first post (bots.jobs.common.posting)
    lease: LeaseHolder | None = None  # the wiki's lease, held for the whole run (take_lease)
    _schema: Schema | None = field(default=None, repr=False)
    _governance: gov.Governance | None = field(default=None, repr=False)

    @property
    def governance(self) -> gov.Governance:
        """The wiki's vocabularies and translations: loaded at first use, from the pages
        that came along with the job's first batch (bots.jobs.common.governance)."""
        if self._governance is None:
            self._governance = gov.load(self)
        return self._governance

    @property
    def schema(self) -> Schema:
        if self._schema is None:
            self._schema = self.governance.schema
        return self._schema

    @schema.setter
    def schema(self, value: Schema) -> None:
        self._schema = value

    def measure(self) -> None:
        """Bring the run's request count and seconds up to now."""
        if self.counter is not None:
            self.stats.api_requests = self.counter.count
            self.stats.requests_by_kind = dict(self.counter.kinds.most_common())
        self.stats.seconds = time.monotonic() - self.started

    @property
    def site(self):
        return self.wiki.site

    def messages(self, lang: str | None = None) -> Messages:
        return self.governance.messages(lang or self.profile.language)

    def base_messages(self) -> Messages:
        """The repository's messages in the wiki's language (before governance is loaded)."""
        return Messages(self.profile.language)

    def summary(self, key: str, *params: object) -> str:
        """An edit summary in the wiki's content language."""
        return self.messages()(key, *params)


def update_status(ctx: JobContext, result: str, message: str,
                  heartbeat: timedelta | None = None) -> None:
    """The job's line on the bot's status page (not counted in the job's own edits), rewritten
    when its result or errors changed or it is older than ``heartbeat`` (default: the
    profile's ``status_heartbeat_hours``)."""
    from bots.core import status

    title = statepages.status(ctx.profile)
    if heartbeat is None:
        heartbeat = timedelta(hours=ctx.profile.limits.status_heartbeat_hours)
    page = ctx.wiki.read_later(title)
    ctx.measure()  # the counts so far: the job's own work (this status edit is not in them)
    new = status.entry(ctx.stats, result, message, ctx.now())
    if not status.needs_update(status.parse(page.text).get(ctx.stats.job), new, heartbeat):
        return

    def render(text: str | None) -> str:  # from the page as it is (other jobs' lines kept)
        return status.render({**status.parse(text), ctx.stats.job: new}, ctx.messages())

    edits = ctx.stats.edits
    try:
        ctx.wiki.save_section(page, "status", render,
                              ctx.summary("advocacyhub-summary-status", ctx.stats.job, result))
    finally:
        ctx.stats.edits = edits


# Jobs that post or write state: each run takes the wiki's lease first (one run at a time on
# the wiki, whatever machine or container it is in). The watcher's steps are these jobs too.
LEASED_JOBS = frozenset({"harvest", "index", "roster", "newsletter", "deliver", "digest"})


def machine() -> str:
    """This machine's name in the lease (a Toolforge job's container has its own host name;
    ``$ADVOCACY_INSTANCE`` names it otherwise)."""
    return "".join((os.environ.get("ADVOCACY_INSTANCE") or socket.gethostname()).split()) \
        or "?"


def lease_holder_name(job: str) -> str:
    """Who takes the lease: the machine, the process, the job."""
    return f"{machine()} pid {os.getpid()} ({job})"


def holder_gone(holder: str) -> bool:
    """Whether the lease's holder was a process of this machine that has ended (killed): its
    lease need not expire first. Another machine's holder is never known to be gone."""
    m = re.match(r"(\S+) pid (\d+) ", holder)
    if m is None or m[1] != machine() or int(m[2]) == os.getpid():
        return False
    try:
        os.kill(int(m[2]), 0)
    except ProcessLookupError:
        return True
    except OSError:  # alive, someone else's
        return False
    return False


def take_lease(ctx: JobContext, job: str) -> None:
    """Take the wiki's lease for the run (bots.core.lease), or raise LeaseHeld naming who has
    it and until when. While held, every edit of the run renews it when half of it is gone,
    and stops the run (LeaseHeld) if it was lost. Released when the job ends."""
    from bots.wiki.lease import WikiLeaseStore

    limits = ctx.profile.limits
    store = WikiLeaseStore(ctx.wiki, statepages.lease(ctx.profile),
                           ctx.summary("advocacyhub-summary-lease", job))
    holder = LeaseHolder(store, lease_holder_name(job), clock=lambda: datetime.now(UTC),
                         duration=timedelta(seconds=limits.lease_seconds),
                         skew=timedelta(seconds=limits.lease_skew_seconds), gone=holder_gone)
    if not holder.acquire():
        busy = holder.busy
        who = busy.holder if busy else "?"
        until = busy.until.strftime("%Y-%m-%d %H:%M:%S") if busy else "?"
        raise LeaseHeld(ctx.messages()("advocacyhub-lease-held", who, until), who, until)
    ctx.lease = holder

    def guard() -> None:
        if not holder.ensure():
            _revid, text = store.read()
            now = parse(text)
            if now is None or now.token == holder.token:  # no one else has it: it ran out
                raise LeaseHeld(ctx.messages()("advocacyhub-lease-expired"))
            raise LeaseHeld(ctx.messages()("advocacyhub-lease-lost", now.holder), now.holder)

    ctx.wiki.guard = guard


def _raise_terminated(signum: int, frame: object) -> None:
    raise Terminated(f"terminated by signal {signum}")


def run_job(job: str, profile: Profile, body: Callable[[JobContext], object], *,
            dry_run: bool = False, now: Callable[[], datetime] | None = None,
            out: TextIO | None = None, on_terminate: bool = False,
            overlay: dict[str, str] | None = None,
            heartbeat: timedelta | None = None, note: str = "") -> tuple[RunStats, str]:
    """Run one job to the end: a failure or the shutoff ends it cleanly, with a log line, the
    status page updated and the state left at what was really done (jobs save state as they
    go). Returns the counts and the result (ok, failed, stopped, paused or partial). A wiki
    that cannot be reached at all is a failure like any other: one log line, no traceback."""
    from bots.core.status import FAILED, OK, PARTIAL, PAUSED, STOPPED

    result, message = OK, note  # note: what an ok run says on the status page (the watcher's)
    if on_terminate:  # a SIGTERM ends the job like any failure: cleanly, on the status page
        signal.signal(signal.SIGTERM, _raise_terminated)
    stats = RunStats(job=job, dry_run=dry_run)
    try:
        with job_context(job, profile, dry_run=dry_run, now=now, out=out, stats=stats,
                         overlay=overlay) as ctx:
            try:
                if job in LEASED_JOBS and not dry_run:
                    take_lease(ctx, job)
                body(ctx)
            except LeaseHeld as exc:  # another run has it: this one ends partial, says who
                result, message = PARTIAL, str(exc)
                log.warning("%s: %s", job, exc)
            except ShutoffEngaged as exc:  # expected: the community asked the bot to stop
                result, message = STOPPED, str(exc)
                log.error("%s stopped: %s", job, exc)
            except Terminated as exc:  # a time limit: a failure, cleanly, with no traceback
                result, message = FAILED, str(exc)
                ctx.stats.errors += 1
                log.error("%s failed: %s", job, exc)
            except Exception as exc:  # the job ends cleanly and says why
                result, message = FAILED, f"{type(exc).__name__}: {exc}"
                ctx.stats.errors += 1
                log.exception("%s failed", job)
            else:
                if ctx.paused:
                    result = PAUSED if ctx.paused == "breaker" else PARTIAL
                    message = ctx.paused
            if not dry_run and result != STOPPED:  # stopped: not even the status page
                try:
                    update_status(ctx, result, message, heartbeat)
                except ShutoffEngaged:
                    result = STOPPED
                # The status page must never fail a run: the wiki failed or refused the edit
                # (pywikibot's Error, network errors; SaveFailed, EditConflict, MarkerError,
                # ExcludedByTemplate, WriteRefused: AdvocacyErrors), or an editor damaged the
                # page's data (JSON of another shape: ValueError, KeyError, TypeError,
                # AttributeError from bots.core.status). Anything else fails the run below.
                except STATUS_ERRORS as exc:
                    log.error("could not update the status page: %s: %s",
                              type(exc).__name__, exc)
    except (Exception, Terminated) as exc:  # connecting failed: the wiki is down, refused
        result = FAILED
        stats.errors += 1
        log.error("%s failed: cannot work with the wiki at %s: %s: %s", job,
                  profile.api_url or profile.wiki.code or "?", type(exc).__name__,
                  str(exc).splitlines()[0][:300] if str(exc) else "")
    return stats, result


@contextmanager
def job_context(job: str, profile: Profile, *, dry_run: bool = False,
                now: Callable[[], datetime] | None = None,
                out: TextIO | None = None, stats: RunStats | None = None,
                overlay: dict[str, str] | None = None) -> Iterator[JobContext]:
    """Connects, counts every API request from login on, and times the run. ``overlay``:
    pages "written" by earlier dry runs of the same command (``run all --dry-run``), which
    this one reads as if they had been saved."""
    stats = stats or RunStats(job=job)
    stats.dry_run = dry_run
    counter = RequestCounter()
    warnings = ApiWarnings()
    started = time.monotonic()
    try:
        site = connect(profile)
        wiki = WikiClient(site, profile, stats, dry_run=dry_run, out=out, overlay=overlay)
        wiki.piggyback.update(dict.fromkeys(gov.titles(profile)))
        ctx = JobContext(profile=profile, wiki=wiki, stats=stats, base_schema=load_schema(),
                         dry_run=dry_run, counter=counter, started=started)
        if now is not None:
            ctx.now = now
        try:
            yield ctx
        finally:
            if ctx.posting_lock is not None:  # released with the job (the kernel would too)
                ctx.posting_lock.release()  # type: ignore[attr-defined]
            if ctx.lease is not None:  # the wiki's lease: freed (a killed run's expires)
                ctx.wiki.guard = None
                try:
                    ctx.lease.release()
                except LEASE_ERRORS as exc:
                    log.error("could not free the lease: %s: %s", type(exc).__name__, exc)
        if warnings.seen and ApiWarnings.strict():
            raise ApiWarningsSeen("; ".join(dict.fromkeys(warnings.seen)))
    finally:
        stats.api_warnings = len(warnings.seen)
        warnings.close()
        stats.api_requests = counter.count
        stats.requests_by_kind = dict(counter.kinds.most_common())
        stats.seconds = time.monotonic() - started
        counter.close()
