"""The bot's jobs, in the order `run all` and the scheduler chain them (fresh data first)."""

from __future__ import annotations

from collections.abc import Callable

from bots.jobs import deliver, harvest, index, newsletter

JOBS: dict[str, Callable] = {
    "harvest": harvest.run,
    "index": index.run,
    "newsletter": newsletter.run,
    "deliver": deliver.run,
}
ORDER = list(JOBS)
