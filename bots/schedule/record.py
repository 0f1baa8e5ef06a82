"""The run record: when each job last ran and last succeeded, kept across restarts."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any


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
