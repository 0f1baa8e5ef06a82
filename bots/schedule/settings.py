"""The profile's ``[schedule]`` table: the scheduler's settings and one spec per job."""

from __future__ import annotations

import dataclasses
import logging
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from apscheduler.triggers.cron import CronTrigger

from bots.config import Profile, ScheduleSettings
from bots.schedule.cron import parse_cron, shortest_interval
from bots.statedir import state_dir

log = logging.getLogger(__name__)

# [schedule]'s settings; its other keys are the jobs' cron expressions (bots.config).
SETTINGS = {f.name for f in dataclasses.fields(ScheduleSettings) if not f.metadata.get("rest")}
MAX_TIMEOUT = 3000.0
MIN_TIMEOUT = 60.0


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
