"""One scheduler per profile: ``<state dir>/scheduler-<profile>.lock``, held with ``flock`` for
the scheduler's lifetime (the kernel releases it when the process dies, however it dies)."""

from __future__ import annotations

from bots.config import Profile
from bots.locks import FileLock
from bots.schedule.settings import Settings

EXIT_LOCKED = 3  # the exit status of a second scheduler for the same profile


def scheduler_lock(profile: Profile, conf: Settings) -> FileLock:
    """The profile's scheduler lock (not acquired yet)."""
    return FileLock(conf.state_dir / f"scheduler-{profile.name}.lock")
