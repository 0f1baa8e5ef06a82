"""What a run did, counted for real: the numbers behind the one-line summary and --stats-json."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path


@dataclass
class RunStats:
    job: str
    api_requests: int = 0
    edits: int = 0
    pages_read: int = 0
    records: int = 0
    errors: int = 0
    skipped: int = 0
    seconds: float = 0.0

    def summary(self) -> str:
        return (f"{self.job}: {self.edits} edits, {self.records} records, {self.pages_read} pages "
                f"read, {self.api_requests} API requests, {self.errors} errors, {self.skipped} "
                f"skipped, {self.seconds:.1f} s")

    def write_json(self, path: str | Path) -> None:
        data = asdict(self)
        data["seconds"] = round(self.seconds, 3)
        Path(path).write_text(json.dumps(data, indent=2) + "\n")
