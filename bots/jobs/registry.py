"""The bot's jobs, in the order `run all` and the scheduler chain them (fresh data first)."""

from __future__ import annotations

from collections.abc import Callable

from bots.jobs import deliver, digest, harvest, index, newsletter, roster

JOBS: dict[str, Callable] = {
    "harvest": harvest.run,
    "index": index.run,
    "roster": roster.run,
    "newsletter": newsletter.run,
    "deliver": deliver.run,
    "digest": digest.run,
}
ORDER = list(JOBS)

# The watcher's update (bots.jobs.watch), in order: the same functions as the jobs above, the
# digest's urgent alerts without its periodic digests.
WATCH_STEPS: dict[str, Callable] = {
    "harvest": harvest.run,
    "index": index.run,
    "digest": digest.run_alerts,
}

# Jobs that read the harvest snapshot. The scheduler runs harvest first, in the same tick, when
# its last success is older than the dependent job's interval (see bots/schedule/).
# Names not (yet) in JOBS are ignored.
DEPENDS: dict[str, list[str]] = {
    "index": ["harvest"],
    "roster": ["harvest"],
    "newsletter": ["harvest"],
    "digest": ["harvest"],
}
