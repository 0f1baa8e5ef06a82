"""What a run did, counted for real: the numbers behind the one-line summary and --stats-json."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path


@dataclass
class RunStats:
    job: str
    api_requests: int = 0
    api_warnings: int = 0  # warnings in the wiki's answers (deprecated or unknown parameters)
    edits: int = 0
    pages_read: int = 0
    records: int = 0
    errors: int = 0
    skipped: int = 0
    seconds: float = 0.0
    result: str = "ok"  # ok, failed, stopped, paused, partial (bots.core.status)
    requests_by_kind: dict[str, int] = field(default_factory=dict)  # where the requests went

    def summary(self) -> str:
        return (f"{self.job}: {self.edits} edits, {self.records} records, {self.pages_read} pages "
                f"read, {self.api_requests} API requests, {self.errors} errors, {self.skipped} "
                f"skipped, {self.seconds:.1f} s")

    def as_json(self) -> dict:
        data = asdict(self)
        data["seconds"] = round(self.seconds, 3)
        return data

    def write_json(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.as_json(), indent=2) + "\n")


COUNTS = ("api_requests", "api_warnings", "edits", "pages_read", "records", "errors", "skipped",
          "seconds")


def write_all(path: str | Path, runs: list[RunStats]) -> None:
    """The counts of several jobs (``run all``): their totals, as for one job, and ``jobs``,
    each job's own counts in the order they ran."""
    total = {k: sum(getattr(r, k) for r in runs) for k in COUNTS}
    total["seconds"] = round(total["seconds"], 3)
    order = ["failed", "stopped", "paused", "partial", "ok"]  # as the exit status says
    worst = min((r.result for r in runs), key=order.index, default="ok")
    data = {"job": "all", **total, "result": worst, "jobs": [r.as_json() for r in runs]}
    Path(path).write_text(json.dumps(data, indent=2) + "\n")
