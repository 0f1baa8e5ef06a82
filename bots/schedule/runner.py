"""The scheduler's loop, and each run of a job as a child process through :class:`RunState`."""

from __future__ import annotations

import contextlib
import enum
import json
import logging
import os
import signal
import subprocess
import threading
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.blocking import BlockingScheduler

from bots.config import Profile
from bots.core.status import RESULT_OF_EXIT
from bots.schedule.lock import EXIT_LOCKED, scheduler_lock
from bots.schedule.record import RunRecord, _now
from bots.schedule.settings import MAX_TIMEOUT, JobSpec, job_specs, settings

log = logging.getLogger(__name__)


class RunState(enum.Enum):
    """The states one scheduled run goes through, in this order (a run that ends by itself
    goes from RUNNING to ENDED)."""

    STARTING = "starting"  # the run is recorded as started, the child process not yet
    RUNNING = "running"  # the child runs, within its timeout
    TERMINATING = "terminating"  # SIGTERM sent (its timeout, or the scheduler's shutdown)
    KILLED = "killed"  # SIGKILL sent, ``kill_after`` seconds after the SIGTERM
    ENDED = "ended"  # the child exited (or never started): the result is recorded


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
        self.states: dict[str, RunState] = {}  # each job's run: where it is, or how it was

    def _enter(self, name: str, state: RunState) -> RunState:
        self.states[name] = state
        return state

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
        self._enter(name, RunState.STARTING)
        self.record.update(name, last_start=started_at.isoformat(timespec="seconds"))
        try:
            proc = subprocess.Popen(self.command(name, stats_path), env=env,
                                    stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                    stdin=subprocess.DEVNULL, text=True, errors="replace",
                                    start_new_session=True)
        except OSError as exc:
            log.error("job %s could not start: %s", name, exc, extra={"job": name})
            self.record.update(name, last_rc=127, last_result="failed")
            self._enter(name, RunState.ENDED)
            return RunResult(name, 127, 0.0, "failed", {})
        state = self._enter(name, RunState.RUNNING)
        relay = threading.Thread(target=self._relay, args=(proc, name), daemon=True,
                                 name=f"relay-{name}")
        relay.start()
        reason = ""  # why the scheduler ended the run: "timeout" or "shutdown"
        term_sent = 0.0  # when SIGTERM was sent
        while True:
            try:
                rc = proc.wait(timeout=0.1)
                break
            except subprocess.TimeoutExpired:
                pass
            now = time.monotonic()
            if state is RunState.RUNNING:
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
                    state, term_sent = self._enter(name, RunState.TERMINATING), now
            elif state is RunState.TERMINATING and now - term_sent > self.conf.kill_after:
                self._signal(proc, signal.SIGKILL)
                state = self._enter(name, RunState.KILLED)  # once
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
        self._enter(name, RunState.ENDED)
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
    lock = scheduler_lock(profile, conf)
    if not lock.acquire():
        message = (f"another scheduler is already running for profile {profile.name!r} "
                   f"(pid {lock.holder()}, lock {lock.path}); this one exits")
        log.error(message)
        return EXIT_LOCKED
    try:
        return Scheduler(profile, specs).run()
    finally:
        lock.release()
