"""`advocacy-bot schedule`: every job on its cron expression from the profile, unattended.

The profile's ``[schedule]`` table names a crontab expression per job (minute hour day month
weekday; weekday 0 or 7 is Sunday, as in crontab; an optional leading seconds field is allowed,
which the tests use) and a few settings::

    [schedule]
    harvest = "*/15 * * * *"
    index = "5,20,35,50 * * * *"
    misfire_grace_time = 300   # a run missed by up to this many seconds still runs (once)
    # timeout = 3000           # seconds a run may take; default 90% of the job's interval,
                               # at least 60 s and at most 3000 s
    # shutdown_grace = 120     # on SIGTERM/SIGINT, how long the running job may finish
    # timezone = "UTC"
    # state_dir = ".state"     # the lock, the run record and the logs (or $ADVOCACY_STATE_DIR)
    # command = ["/path/to/venv/bin/advocacy-bot"]   # how a job is started

How it behaves:

- **One job at a time.** Runs are serialised: the wiki sees one bot process, and no job reads the
  snapshot while harvest is half way through writing it. A job fired while another runs waits for
  it; with ``max_instances=1`` a job never queues behind itself, and with ``coalesce`` the runs it
  missed (the machine slept, a long job blocked it) become one run, if they are no older than
  ``misfire_grace_time``.
- **Fresh data first.** A job listed in :data:`bots.jobs.registry.DEPENDS` (index, roster,
  newsletter, digest depend on harvest) runs harvest first, in the same tick, when the last
  successful harvest is older than the job's own interval. "Last successful harvest" is this
  scheduler's own record (``<state dir>/schedule-<profile>.json``, kept across restarts), not the
  wiki: an incremental harvest with nothing new makes no edit, so the snapshot page's timestamp
  says nothing about how fresh it is. With the usual schedules (harvest a few minutes before
  index) the extra harvest happens only after a failed or missed one.
- **Each run is a child process** (``python -m bots --profile P run JOB``): it gets a fresh
  pywikibot, and a run that hangs is ended at its timeout (SIGTERM to its process group, SIGKILL
  10 s later) without blocking the scheduler. Its output is relayed into the scheduler's log;
  its counts (``--stats-json``) are logged when it ends.
- **Clean shutdown.** SIGTERM or SIGINT stops the scheduling at once; a running job may finish
  for ``shutdown_grace`` seconds, then it is terminated. A second signal terminates it at once.
- **One scheduler.** ``<state dir>/scheduler-<profile>.lock`` is held with ``flock`` for the
  scheduler's lifetime; a second scheduler for the same profile exits at once (status 3) naming
  the first one's pid. The kernel releases the lock when the process dies, however it dies.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger

from bots.config import Profile, ScheduleSettings
from bots.core.status import RESULT_OF_EXIT
from bots.errors import ConfigError
from bots.locks import FileLock
from bots.statedir import state_dir

log = logging.getLogger(__name__)

# [schedule]'s settings; its other keys are the jobs' cron expressions (bots.config).
SETTINGS = {f.name for f in dataclasses.fields(ScheduleSettings) if not f.metadata.get("rest")}
EXIT_LOCKED = 3
MAX_TIMEOUT = 3000.0
MIN_TIMEOUT = 60.0
_DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]


# -- the configuration -----------------------------------------------------------------------
def _weekday_numbers(token: str) -> set[int]:
    """The crontab days (0 = Sunday) one comma-separated part of a weekday field names."""
    step = 1
    if "/" in token:
        token, step_text = token.split("/", 1)
        step = int(step_text)
        if step < 1:
            raise ValueError(f"bad step {step_text!r}")

    def day(text: str) -> int:
        text = text.strip().lower()
        if text[:3] in _DAYS and text.isalpha():
            return _DAYS.index(text[:3])
        number = int(text)
        if not 0 <= number <= 7:
            raise ValueError(f"weekday {number} out of range 0-7")
        return number

    if token == "*":
        first, last = 0, 6
    elif "-" in token:
        a, b = token.split("-", 1)
        first, last = day(a), day(b)
        if last < first:
            raise ValueError(f"weekday range {token!r} runs backwards")
    else:
        first = last = day(token)
        if step != 1:
            last = 6
    return {d % 7 for d in range(first, last + 1, step)}


def crontab_weekdays(field: str) -> str:
    """A crontab weekday field (0 or 7 = Sunday) in APScheduler 3's terms (0 = Monday, where
    ``CronTrigger.from_crontab`` would silently shift numeric weekdays by one day)."""
    if field == "*":
        return "*"
    days: set[int] = set()
    for part in field.split(","):
        days |= _weekday_numbers(part)
    if days == set(range(7)):
        return "*"
    return ",".join(_DAYS[d] for d in sorted(days))


def parse_cron(expr: str, timezone: Any = UTC) -> CronTrigger:
    """A crontab expression (5 fields, or 6 with seconds first) as an APScheduler trigger."""
    fields = expr.split()
    try:
        if len(fields) == 5:
            minute, hour, day, month, dow = fields
            return CronTrigger.from_crontab(
                " ".join([minute, hour, day, month, crontab_weekdays(dow)]), timezone=timezone)
        if len(fields) == 6:
            second, minute, hour, day, month, dow = fields
            return CronTrigger(second=second, minute=minute, hour=hour, day=day, month=month,
                               day_of_week=crontab_weekdays(dow), timezone=timezone)
    except ValueError as exc:
        raise ConfigError(f"bad cron expression {expr!r}: {exc}") from None
    raise ConfigError(f"bad cron expression {expr!r}: expected 5 fields "
                      "(minute hour day month weekday), or 6 with seconds first")


def shortest_interval(trigger: CronTrigger, now: datetime | None = None,
                      samples: int = 50) -> timedelta:
    """The shortest gap between two consecutive runs among the next ``samples`` runs."""
    current = trigger.get_next_fire_time(None, now or datetime.now(UTC))
    if current is None:
        raise ConfigError("the cron expression never fires")
    gaps = []
    for _ in range(samples):
        following = trigger.get_next_fire_time(current, current)
        if following is None:
            break
        gaps.append(following - current)
        current = following
    return min(gaps) if gaps else timedelta(days=366)


@dataclass(frozen=True)
class JobSpec:
    name: str
    cron: str
    trigger: CronTrigger
    interval: timedelta  # the shortest gap between two runs
    timeout: float  # seconds a run may take


@dataclass(frozen=True)
class Settings:
    misfire_grace_time: int
    shutdown_grace: float
    kill_after: float
    timezone: str
    command: list[str]
    state_dir: Path
    timeout: float | None  # configured; None: derived from each job's interval


def settings(profile: Profile) -> Settings:
    table = profile.schedule
    command = table.command or [sys.executable, "-m", "bots"]
    if isinstance(command, str):
        command = command.split()
    return Settings(
        misfire_grace_time=table.misfire_grace_time,
        shutdown_grace=table.shutdown_grace,
        kill_after=table.kill_after,
        timezone=table.timezone,
        command=list(command),
        state_dir=state_dir(table.state_dir),
        timeout=table.timeout,
    )


def job_specs(profile: Profile, now: datetime | None = None) -> list[JobSpec]:
    """One spec per job of the registry that the profile schedules, in the registry's order.
    A scheduled name the registry does not know is skipped with a warning (a profile may be
    ahead of the code); a bad expression is a ConfigError."""
    from bots.jobs import registry

    conf = settings(profile)
    table = profile.schedule.jobs  # cron expressions, strings (checked by bots.config)
    for name in table:
        if name not in registry.JOBS:
            log.warning("[schedule] names %r, which is not a job (jobs: %s); not scheduled",
                        name, ", ".join(registry.ORDER))
    specs = []
    for name in registry.ORDER:
        if name not in table:
            log.info("job %s has no [schedule] entry; not scheduled", name)
            continue
        trigger = parse_cron(table[name], conf.timezone)
        interval = shortest_interval(trigger, now)
        timeout = conf.timeout if conf.timeout is not None else \
            min(MAX_TIMEOUT, max(MIN_TIMEOUT, 0.9 * interval.total_seconds()))
        specs.append(JobSpec(name, table[name], trigger, interval, timeout))
    return specs


# -- the lock ----------------------------------------------------------------------------------
# -- the run record ----------------------------------------------------------------------------
def _now() -> datetime:
    return datetime.now(UTC)


class RunRecord:
    """When each job last ran and last succeeded, in a JSON file (written atomically)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self.data: dict[str, dict[str, Any]] = json.loads(path.read_text())
        except (OSError, ValueError):
            self.data = {}

    def last_success(self, job: str) -> datetime | None:
        value = self.data.get(job, {}).get("last_success")
        return datetime.fromisoformat(value) if value else None

    def update(self, job: str, **fields: Any) -> None:
        self.data.setdefault(job, {}).update(fields)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.data, indent=2, sort_keys=True) + "\n")
        os.replace(tmp, self.path)


# -- the scheduler -----------------------------------------------------------------------------
@dataclass
class RunResult:
    job: str
    rc: int
    seconds: float
    reason: str  # "ok", "failed", "stopped" (shutoff page), "timeout", "shutdown"
    stats: dict[str, Any]


class Scheduler:
    def __init__(self, profile: Profile, specs: list[JobSpec] | None = None) -> None:
        self.profile = profile
        self.conf = settings(profile)
        self.specs = {s.name: s for s in (specs if specs is not None else job_specs(profile))}
        self.record = RunRecord(self.conf.state_dir / f"schedule-{profile.name}.json")
        self.runs_dir = self.conf.state_dir / "runs" / profile.name  # each run's --stats-json
        self.runs_dir.mkdir(parents=True, exist_ok=True)
        self.stopping = threading.Event()
        self.stop_at = 0.0
        self.signals = 0
        self._serial = threading.Lock()
        self._busy = 0
        self._busy_lock = threading.Lock()
        self._scheduler: BlockingScheduler | None = None

    # one tick of a job: its stale dependencies, then the job, one child process at a time
    def tick(self, name: str) -> list[RunResult]:
        from bots.jobs.registry import DEPENDS, JOBS

        with self._busy_lock:
            self._busy += 1
        try:
            while not self._serial.acquire(timeout=0.2):
                if self.stopping.is_set():
                    return []
            try:
                results: list[RunResult] = []
                interval = self.specs[name].interval if name in self.specs else timedelta(0)
                for dep in DEPENDS.get(name, []):
                    if self.stopping.is_set():
                        return results
                    if dep not in JOBS:
                        continue
                    last = self.record.last_success(dep)
                    if last is not None and _now() - last <= interval:
                        continue
                    log.info("running %s before %s: its last success (%s) is older than %s's "
                             "interval (%s)", dep, name, last.isoformat() if last else "never",
                             name, interval, extra={"job": name, "dependency": dep})
                    results.append(self.run_child(dep))
                if not self.stopping.is_set():
                    results.append(self.run_child(name))
                return results
            finally:
                self._serial.release()
        finally:
            with self._busy_lock:
                self._busy -= 1

    def _timeout(self, name: str) -> float:
        if name in self.specs:
            return self.specs[name].timeout
        return self.conf.timeout or MAX_TIMEOUT

    def command(self, name: str, stats_path: Path) -> list[str]:
        cmd = [*self.conf.command, "--profile", str(self.profile.path)]
        if logging.getLogger().isEnabledFor(logging.DEBUG):
            cmd.append("-v")
        return [*cmd, "run", name, "--stats-json", str(stats_path)]

    def run_child(self, name: str) -> RunResult:
        stats_path = self.runs_dir / f"{name}.json"
        stats_path.unlink(missing_ok=True)
        env = {**os.environ, "ADVOCACY_LOG_FILE": "none"}  # its lines reach our file via us
        timeout = self._timeout(name)
        started_at = _now()
        started = time.monotonic()
        log.info("job %s starting (timeout %.0f s)", name, timeout, extra={"job": name})
        self.record.update(name, last_start=started_at.isoformat(timespec="seconds"))
        try:
            proc = subprocess.Popen(self.command(name, stats_path), env=env,
                                    stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                    stdin=subprocess.DEVNULL, text=True, errors="replace",
                                    start_new_session=True)
        except OSError as exc:
            log.error("job %s could not start: %s", name, exc, extra={"job": name})
            self.record.update(name, last_rc=127, last_result="failed")
            return RunResult(name, 127, 0.0, "failed", {})
        relay = threading.Thread(target=self._relay, args=(proc, name), daemon=True,
                                 name=f"relay-{name}")
        relay.start()
        reason = ""
        term_sent = 0.0
        while True:
            try:
                rc = proc.wait(timeout=0.1)
                break
            except subprocess.TimeoutExpired:
                pass
            now = time.monotonic()
            if not term_sent:
                if now - started > timeout:
                    reason = "timeout"
                elif self.stopping.is_set() and (
                        now - self.stop_at > self.conf.shutdown_grace or self.signals > 1):
                    reason = "shutdown"
                if reason:
                    log.warning("job %s: %s; terminating it", name,
                                "timed out" if reason == "timeout" else "shutting down",
                                extra={"job": name})
                    self._signal(proc, signal.SIGTERM)
                    term_sent = now
            elif now - term_sent > self.conf.kill_after:
                self._signal(proc, signal.SIGKILL)
                term_sent = now + 3600  # once
        relay.join(timeout=5)
        seconds = time.monotonic() - started
        stats = self._stats(stats_path)
        # The run command's exit status names the result (bots.core.status.EXIT_STATUS).
        reason = reason or RESULT_OF_EXIT.get(rc, "failed")
        fields: dict[str, Any] = {"job": name, "rc": rc, "result": reason,
                                  "seconds": round(seconds, 1)}
        fields.update({k: v for k, v in stats.items() if k in (
            "edits", "records", "errors", "skipped", "api_requests")})
        level = {"ok": logging.INFO, "partial": logging.INFO, "stopped": logging.WARNING,
                 "paused": logging.WARNING}.get(reason, logging.ERROR)
        log.log(level, "job %s finished: %s (exit status %s) in %.1f s", name, reason, rc,
                seconds, extra=fields)
        update: dict[str, Any] = {"last_end": _now().isoformat(timespec="seconds"),
                                  "last_rc": rc, "last_result": reason, "last_stats": stats}
        if reason in ("ok", "partial"):  # partial: a per-run limit; the next run goes on
            update["last_success"] = started_at.isoformat(timespec="seconds")
        self.record.update(name, **update)
        return RunResult(name, rc, seconds, reason, stats)

    @staticmethod
    def _signal(proc: subprocess.Popen, sig: int) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)  # the child and anything it started

    @staticmethod
    def _stats(path: Path) -> dict[str, Any]:
        try:
            return json.loads(path.read_text())
        except (OSError, ValueError):
            return {}

    @staticmethod
    def _relay(proc: subprocess.Popen, name: str) -> None:
        """The child's output into our log: its own structured lines as they are, anything
        else (the run summary, a traceback) as a line of ours naming the job."""
        child_log = logging.getLogger("bots.child")
        assert proc.stdout is not None
        for line in proc.stdout:
            line = line.rstrip("\n")
            if not line:
                continue
            if line.startswith(("ts=", '{"ts"')):
                child_log.info(line, extra={"raw": True})
            else:
                child_log.info("%s", line, extra={"job": name})

    # the loop
    def request_stop(self, signum: int = signal.SIGTERM, frame: Any = None) -> None:
        self.signals += 1
        if self.signals == 1:
            self.stop_at = time.monotonic()
            self.stopping.set()
            log.info("%s: no new runs; a running job may finish within %.0f s",
                     signal.Signals(signum).name, self.conf.shutdown_grace)
            if self._scheduler is not None and self._scheduler.running:
                self._scheduler.shutdown(wait=False)
        else:
            log.warning("%s again: terminating the running job now",
                        signal.Signals(signum).name)

    def run(self) -> int:
        if not logging.getLogger().isEnabledFor(logging.DEBUG):
            logging.getLogger("apscheduler").setLevel(logging.WARNING)
        sched = BlockingScheduler(
            timezone=self.conf.timezone,
            executors={"default": ThreadPoolExecutor(max_workers=len(self.specs) + 1)},
            job_defaults={"coalesce": True, "max_instances": 1,
                          "misfire_grace_time": self.conf.misfire_grace_time})
        for spec in self.specs.values():
            sched.add_job(self.tick, spec.trigger, args=[spec.name], id=spec.name,
                          name=spec.name)  # coalesce, one at a time, grace: job_defaults
        self._scheduler = sched
        previous = {sig: signal.signal(sig, self.request_stop)
                    for sig in (signal.SIGTERM, signal.SIGINT)}
        try:
            log.info("scheduler started for profile %s: %s", self.profile.name,
                     "; ".join(f"{s.name} '{s.cron}' (timeout {s.timeout:.0f} s)"
                               for s in self.specs.values()),
                     extra={"pid": os.getpid()})
            if not self.stopping.is_set():
                sched.start()
            self._drain()
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        log.info("scheduler stopped")
        return 0

    def _drain(self) -> None:
        """After the loop ends: wait for the running job (run_child terminates it once the
        grace period is over), and for the ticks that were waiting to notice the stop."""
        limit = self.conf.shutdown_grace + self.conf.kill_after + 30
        waited = time.monotonic()
        while True:
            with self._busy_lock:
                busy = self._busy
            if not busy or time.monotonic() - waited > limit:
                break
            time.sleep(0.1)


def run_scheduler(profile: Profile) -> int:
    specs = job_specs(profile)
    if not specs:
        log.error("nothing to schedule: the profile's [schedule] table names no job")
        return 2
    conf = settings(profile)
    lock = FileLock(conf.state_dir / f"scheduler-{profile.name}.lock")
    if not lock.acquire():
        message = (f"another scheduler is already running for profile {profile.name!r} "
                   f"(pid {lock.holder()}, lock {lock.path}); this one exits")
        log.error(message)
        return EXIT_LOCKED
    try:
        return Scheduler(profile, specs).run()
    finally:
        lock.release()
