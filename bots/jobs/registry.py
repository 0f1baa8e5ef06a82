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

# Jobs that read the harvest snapshot. The scheduler runs harvest first, in the same tick, when
# its last success is older than the dependent job's interval (see bots/schedule/).
# Names not (yet) in JOBS are ignored.
DEPENDS: dict[str, list[str]] = {
    "index": ["harvest"],
    "roster": ["harvest"],
    "newsletter": ["harvest"],
    "digest": ["harvest"],
}
