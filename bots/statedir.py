"""The machine-local state directory: the scheduler's lock and run record, and the log files.

The bot's real state (snapshot, deliveries, notices) lives on the wiki; this directory only holds
what belongs to one machine. ``$ADVOCACY_STATE_DIR``, else the profile's ``[schedule]
state_dir`` (relative paths are relative to the repository), else ``.state/`` in the repository
(git-ignored).
"""

from __future__ import annotations

import os
from pathlib import Path

from bots.paths import REPO_ROOT


def state_dir(configured_dir: str = "") -> Path:
    """The directory (created); ``configured_dir``: the profile's [schedule] state_dir."""
    configured = os.environ.get("ADVOCACY_STATE_DIR") or configured_dir
    path = Path(configured) if configured else REPO_ROOT / ".state"
    if not path.is_absolute():
        path = REPO_ROOT / path
    path.mkdir(parents=True, exist_ok=True)
    return path
