"""`advocacy-bot watch`: one long-running process that keeps the hub current within a minute.

It follows the wiki's changes (EventStreams on Wikimedia wikis, else one ``list=recentchanges``
request per poll), keeps those that matter to the hub (bots.core.watch), and after a quiet
moment runs one update: the harvest of those changes, then the index and the urgent alerts,
with the very functions the scheduled jobs run (bots.jobs.registry.WATCH_STEPS), each as a
job run of its own (bots.jobs.context.run_job: status page, shutoff, clean failure).

It keeps no state of its own: the snapshot head's watermark says what has been harvested,
``Index.json`` what the index pages hold, ``Digest.json`` and the talk pages' hidden markers
which alerts went out. So the watcher and the scheduled jobs never disagree, and either can be
stopped, or killed, at any moment: a new watcher starts with one update from the watermark.
"""

from __future__ import annotations

import gc
import logging
import queue
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TextIO

from bots import statepages
from bots.config import WIKIMEDIA, Profile
from bots.core.snapshot import Snapshot
from bots.core.status import OK, PARTIAL, STOPPED
from bots.core.times import iso
from bots.core.watch import (
    Change,
    Interest,
    Pending,
    complete_from,
    from_event,
    from_recentchange,
)
from bots.core.wikitemplates import RECORD_MARKER
from bots.errors import Terminated
from bots.jobs import registry
from bots.jobs.common.snapshots import whole_after
from bots.jobs.context import JobContext, run_job
from bots.wiki.changes import StreamEnded, StreamReader, poll, server_name
from bots.wiki.listings import with_template
from bots.wiki.session import WIKI_ERRORS, RequestCounter, connect

log = logging.getLogger(__name__)
KEEP = 1000  # updates (and stream failures) the report remembers
UNSEEN_TRIES = 3  # updates that look again for a change the recent changes do not show yet


@dataclass
class WatchReport:
    """What a watcher did (for the tests and the benchmark)."""

    source: str = ""
    updates: int = 0  # updates run (the first, from the watermark, included)
    processed: list[list[str]] = field(default_factory=list)  # each update's changed titles
    polls: int = 0
    events: int = 0  # stream messages of this wiki
    checks: int = 0  # requests asking whether pages unknown to the snapshot hold a record
    last_change: str = ""  # when the watcher last saw a change (UTC)
    last_update: str = ""  # when its last update ended
    failures: int = 0
    stream_failures: list[str] = field(default_factory=list)
    api_requests: int = 0  # every API request of the process, the jobs' included
    watching_after: float = 0.0  # seconds from the start to the end of the first update ...
    requests_then: int = 0  # ... and the API requests made by then
    seconds: float = 0.0


class Watcher:
    def __init__(self, profile: Profile, *, source: str | None = None,
                 stream_url: str | None = None, out: TextIO | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.profile = profile
        self.cfg = profile.watch
        wanted = source or self.cfg.source
        if wanted == "auto":
            wanted = "stream" if profile.wiki.kind == WIKIMEDIA else "poll"
        self.wanted = wanted
        self.source = wanted
        self.stream_url = self.cfg.stream_url if stream_url is None else stream_url
        self.out = out
        self.clock = clock
        self.report = WatchReport(source=wanted)
        self.pending = Pending(self.cfg.quiet_seconds, self.cfg.max_wait_seconds,
                               self.cfg.max_pending)
        self.stopping = threading.Event()
        self.signals = 0
        self.in_step = False
        self.snap: Snapshot | None = None
        self.whole: Snapshot | None = None  # the snapshot with its shards' records (held)
        self.last_rcid = 0
        self.poll_from = ""
        self.next_poll = 0.0
        self.next_heartbeat = 0.0
        self.stream: StreamReader | None = None
        self.stream_retry_at = 0.0
        self.site = None
        self.counter: RequestCounter | None = None  # the process's API requests
        # The last update did not finish (failed, or the shutoff stopped it): the next one
        # reads every change from the watermark and runs every step.
        self.behind = True
        self.retry_at = 0.0
        self.failed_in_row = 0
        # What the snapshot held when the index and the alerts last ran for it: a scheduled
        # harvest (another process) may have read a change first, and then this watcher's
        # harvest edits nothing, but the index and the alerts are still to run.
        self.handled: tuple[int, int] | None = None
        # Changes the harvest did not find in the recent changes yet (a replica behind the
        # stream): tried again a few times, then left to the next change or reconciliation.
        self.unseen: dict[int, int] = {}

    # -- signals ----------------------------------------------------------------------------
    def on_signal(self, signum: int, frame: object) -> None:
        """SIGTERM/SIGINT: no new update; the step under way finishes (every step is safe to
        end anywhere, but finishing leaves less for the next one). A second signal ends the
        step at once, cleanly (bots.jobs.context.run_job)."""
        self.signals += 1
        self.stopping.set()
        log.info("watch: %s: stopping after the current step", signal.Signals(signum).name)
        if self.signals > 1 and self.in_step:
            raise Terminated(f"terminated by signal {signum}")

    # -- the steps ----------------------------------------------------------------------------
    def interest(self) -> Interest:
        p = self.profile
        snap = self.snap
        watched = {p.hub_page("subscribers"), p.hub.vocabularies_page,
                   statepages.shutoff(p), *p.digest.living_documents}
        return Interest(known=(lambda t: snap is not None and snap.knows(t)),
                        watched=frozenset(watched),
                        watched_prefixes=(p.hub.translations_prefix,),
                        state_prefix=p.state_page(""), bot=p.bot_user)

    def step(self, name: str, body: Callable[[JobContext], object]) -> tuple[str, int]:
        """One job run of the update; (result, edits)."""
        self.in_step = True
        try:
            stats, result = run_job(name, self.profile, body, out=self.out)
        finally:
            self.in_step = False
        log.info("watch: %s %s: %d edits, %d requests", name, result, stats.edits,
                 stats.api_requests)
        return result, stats.edits

    def holding(self, fn: Callable[..., object]) -> Callable[[JobContext], None]:
        """A step given the whole snapshot the watcher holds (not read again from the wiki
        when it is still the wiki's); a whole snapshot the step read is kept for the next."""
        def step(ctx: JobContext) -> None:
            got = fn(ctx, held=self.whole)
            if isinstance(got, Snapshot):
                self.whole = got
        return step

    def update(self, changes: list[Change], *, complete: bool = False,
               everything: bool = False) -> bool:
        """Harvest ``changes`` (``complete``: all the hub needs since the watermark, as a
        poll read them; else the harvest reads the recent changes itself), then the index
        and the alerts when the snapshot changed (``everything``: in any case, as at the
        start). False when the harvest did not finish."""
        titles = sorted({t for c in changes for t in c.titles})
        given = complete_from(changes, self.last_rcid) if complete else None
        got: list[Snapshot] = []

        def harvest(ctx: JobContext) -> None:
            got.append(registry.WATCH_STEPS["harvest"](ctx, changes=given))

        result, edits = self.step("harvest", harvest)
        if got:
            self.whole = whole_after(self.whole, got[0])
            self.snap = got[0]
            self.last_rcid = max(self.last_rcid, self.snap.last_rcid)
            self.poll_from = max(self.poll_from, self.snap.rc_from)
            self.pending.settle(self.last_rcid)
        if result != OK or not got:
            self.behind = True
            if result == PARTIAL:  # another run holds the lease: again soon, not a failure
                self.retry_at = self.clock() + 2 * self.cfg.poll_seconds
            elif result != STOPPED:  # failed: again after a pause (longer each time)
                self.report.failures += 1
                self.failed_in_row += 1
                self.retry_at = self.clock() + min(300.0, self.cfg.poll_seconds
                                                   * 2 ** self.failed_in_row)
            elif self.snap is None:  # stopped before there is a watermark to watch from
                self.retry_at = self.clock() + max(60.0, self.cfg.poll_seconds)
            return False
        interest = self.interest()
        settings_changed = any(interest.is_watched(t) for t in titles)
        self.behind = False
        state = snapshot_state(self.snap)
        if everything or edits or settings_changed or state != self.handled:
            for name in ("index", "digest"):
                if self.stopping.is_set():
                    break
                result, _ = self.step(name, self.holding(registry.WATCH_STEPS[name]))
                if result not in (OK, STOPPED):
                    # Failed, or left posts for later (the per-run budget): every step
                    # again soon, from the watermark, changes or not.
                    self.behind = True
                    if result != PARTIAL:
                        self.report.failures += 1
                        self.failed_in_row += 1
                    self.retry_at = self.clock() + min(
                        300.0, self.cfg.poll_seconds * 2 ** self.failed_in_row)
        if not self.behind:
            self.failed_in_row = 0
            self.handled = state
        self.report.updates += 1
        self.report.processed.append(titles)
        del self.report.processed[:-KEEP]  # a process that runs for weeks
        self.report.last_update = iso(datetime.now(UTC))
        gc.collect()  # a long-lived process: each update's records go now, not some day
        return True

    def heartbeat(self, now: float) -> None:
        """The watcher's line on the status page: its source, the last change it saw and
        its last update (rewritten at most every ``heartbeat_minutes``, by the job's rule)."""
        if now < self.next_heartbeat:
            return
        minutes = self.cfg.heartbeat_minutes
        self.next_heartbeat = now + minutes * 60
        report = self.report

        def body(ctx: JobContext) -> None:
            ctx.stats.records = report.updates
            ctx.stats.errors = report.failures

        message = self.heartbeat_message()
        _stats, result = run_job("watch", self.profile, body, out=self.out,
                                 heartbeat=timedelta(minutes=minutes), note=message)
        if result != OK:
            log.warning("watch: heartbeat %s", result)

    def heartbeat_message(self) -> str:
        from bots.core.messages import Messages

        r = self.report
        return Messages(self.profile.language)(
            "advocacyhub-status-watch", self.source, r.last_change or "-",
            r.last_update or "-", r.updates)

    # -- the sources --------------------------------------------------------------------------
    def start_stream(self) -> None:
        assert self.site is not None
        self.stream = StreamReader(self.site, since=self.poll_from, url=self.stream_url,
                                   retry_ms=int(min(self.cfg.poll_seconds, 5) * 500))
        self.stream.start()
        self.source = "stream"
        log.info("watch: following EventStreams from %s", self.poll_from or "now")

    def stream_failed(self, why: str, now: float) -> None:
        log.error("watch: the stream failed (%s); polling for %.0f s", why,
                  self.cfg.stream_retry_seconds)
        self.report.stream_failures.append(why)
        del self.report.stream_failures[:-KEEP]
        if self.stream is not None:
            self.stream.stop()
        self.stream = None
        self.source = "poll"
        self.stream_retry_at = now + self.cfg.stream_retry_seconds

    def gather(self, now: float, wait: float) -> list[Change]:
        """New changes from the source, waiting at most ``wait`` seconds for them."""
        if self.wanted == "stream" and self.stream is None and now >= self.stream_retry_at:
            self.start_stream()
        if self.stream is not None:
            return self.drain(wait)
        pause = max(0.0, self.next_poll - now)
        if pause > 0:
            self.stopping.wait(min(pause, wait))
            return []
        self.next_poll = self.clock() + self.cfg.poll_seconds
        assert self.site is not None
        try:
            found, more = poll(self.site, self.poll_from, exclude=self.profile.bot_user,
                               limit=self.cfg.poll_limit)
        except WIKI_ERRORS as exc:
            log.error("watch: polling failed: %s: %s", type(exc).__name__, exc)
            self.report.failures += 1
            return []
        self.report.polls += 1
        changes = [c for rc in found if (c := from_recentchange(rc)) is not None]
        # From every entry read, those without a title too: the next poll goes past them.
        stamps = [str(rc["timestamp"]) for rc in found if rc.get("timestamp")]
        if stamps:
            self.poll_from = max(self.poll_from, max(stamps))
        if more:
            self.next_poll = self.clock()  # the rest at once
        return changes

    def drain(self, wait: float) -> list[Change]:
        assert self.stream is not None
        host = server_name(self.stream.site)
        out: list[Change] = []
        deadline = self.clock() + wait
        while True:
            timeout = max(0.0, deadline - self.clock())
            try:
                item = self.stream.queue.get(timeout=timeout) if not out else \
                    self.stream.queue.get_nowait()
            except queue.Empty:
                return out
            if isinstance(item, StreamEnded):
                self.stream_failed(item.error, self.clock())
                return out
            change = from_event(item, host)
            if change is not None:
                self.report.events += 1
                out.append(change)

    def holding_records(self, changes: list[Change]) -> list[Change]:
        """Of changes to pages the snapshot does not know, those whose page (or a move's
        target) transcludes the record marker now: one light request for them all."""
        if not changes:
            return []
        assert self.site is not None
        titles = sorted({t for c in changes for t in c.titles})
        try:
            marked = with_template(self.site, titles, f"Template:{RECORD_MARKER}",
                                   self.profile.limits.batch_size)
        except WIKI_ERRORS as exc:  # not knowing: let the harvest look
            log.error("watch: checking %d pages failed: %s", len(titles), exc)
            return changes
        self.report.checks += 1
        return [c for c in changes if any(t in marked for t in c.titles)]

    # -- the loop -----------------------------------------------------------------------------
    def run(self, *, once: bool = False, max_seconds: float | None = None,
            stop_when: Callable[[WatchReport], bool] | None = None) -> int:
        started = self.clock()
        self.site = connect(self.profile)
        # From the watermark: whatever happened while no watcher ran (or half an update
        # that a kill interrupted) is done first.
        self.update([], everything=True)
        self.heartbeat(self.clock())
        log.info("watch: watching %s changes (%s) from rcid %d", self.profile.name,
                 self.wanted, self.last_rcid)
        self.report.watching_after = self.clock() - started
        if self.counter is not None:
            self.report.requests_then = self.counter.count
        while not self.stopping.is_set():
            now = self.clock()
            if max_seconds is not None and now - started >= max_seconds:
                break
            if stop_when is not None and stop_when(self.report):
                break
            if self.behind and (self.snap is None or self.retry_at) and not once:
                # No snapshot to watch from yet, or the wiki failed: the catch-up again.
                if now < self.retry_at:
                    self.stopping.wait(min(self.retry_at - now, self.cfg.poll_seconds))
                    continue
                self.retry_at = 0.0
                self.update([], everything=True)
                continue
            if self.snap is None:
                break  # once, and the wiki failed
            wait = self.pending.wait(now)
            wait = self.cfg.poll_seconds if wait is None else min(wait, self.cfg.poll_seconds)
            for change in self.gather(now, wait):
                if self.pending.add(change, self.clock(), self.last_rcid):
                    self.report.last_change = change.timestamp
            now = self.clock()
            if self.pending.due(now) or (once and self.pending.changes):
                self.flush(now)
            if once:
                break
            self.heartbeat(self.clock())
        if self.stream is not None:
            self.stream.stop()
        self.report.seconds = self.clock() - started
        log.info("watch: stopped after %d updates", self.report.updates)
        return 0

    def flush(self, now: float) -> None:
        batch = self.pending.take()
        needed, unknown = self.interest().sort(batch)
        needed += self.holding_records(unknown)
        if not needed:
            log.debug("watch: %d changes, none for the hub", len(batch))
            return
        # A poll reads every change from the watermark: the harvest takes them as read.
        # The stream may have missed one while reconnecting, and after an update that did
        # not finish the watermark is behind: then the harvest reads them itself.
        behind = self.behind
        complete = self.source == "poll" and not behind
        if not self.update(sorted(needed, key=lambda c: c.rcid), complete=complete,
                           everything=behind):
            if self.retry_at:
                self.pending.put_back(needed, self.clock())
            return
        # Read by the harvest itself (the stream): a change above its new watermark was not
        # in the wiki's recent changes yet. Again at the next update, at most UNSEEN_TRIES.
        late = [c for c in needed if c.rcid > self.last_rcid
                and self.unseen.get(c.rcid, 0) < UNSEEN_TRIES]
        for c in late:
            self.unseen[c.rcid] = self.unseen.get(c.rcid, 0) + 1
        self.unseen = {r: n for r, n in self.unseen.items() if r > self.last_rcid}
        if late and not complete:
            log.info("watch: %d changes not in the recent changes yet: again", len(late))
            self.pending.put_back(late, self.clock())


def snapshot_state(snap: Snapshot | None) -> tuple[int, int] | None:
    """What the snapshot holds, cheaply: its watermark and a hash of every page's revision."""
    if snap is None:
        return None
    return snap.last_rcid, hash(tuple(sorted(snap.revids.items())))


def watch(profile: Profile, *, source: str | None = None, once: bool = False,
          max_seconds: float | None = None, stream_url: str | None = None,
          out: TextIO | None = None, stop_when: Callable[[WatchReport], bool] | None = None,
          signals: bool = True) -> tuple[int, WatchReport]:
    """Run the watcher until SIGTERM/SIGINT (or ``once``, ``max_seconds``, ``stop_when``);
    returns its exit status (0: stopped cleanly) and what it did."""
    watcher = Watcher(profile, source=source, stream_url=stream_url, out=out)
    previous = {}
    if signals and threading.current_thread() is threading.main_thread():
        previous = {sig: signal.signal(sig, watcher.on_signal)
                    for sig in (signal.SIGTERM, signal.SIGINT)}
    counter = watcher.counter = RequestCounter()
    try:
        code = watcher.run(once=once, max_seconds=max_seconds, stop_when=stop_when)
    except Terminated:
        code = 0
    finally:
        counter.close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    watcher.report.api_requests = counter.count
    log.info("watch: %d API requests in all", counter.count)
    return code, watcher.report
