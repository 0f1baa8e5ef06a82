"""The bot's jobs, in the order `run all` and the scheduler chain them (fresh data first)."""

from __future__ import annotations

from collections.abc import Callable

from bots.jobs import harvest, index

JOBS: dict[str, Callable] = {
    "harvest": harvest.run,
    "index": index.run,
}
ORDER = list(JOBS)
