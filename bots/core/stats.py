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
    # A dry run's would-be work (not in --stats-json, nor on the status page: a dry run
    # writes neither): the pages it would change, in the order of their diffs, and the
    # talk-page messages it would post.
    dry_run: bool = False
    would_edit: list[str] = field(default_factory=list)
    would_post: int = 0

    def summary(self) -> str:
        """The job's line: what it did (a dry run: what it would have done), then its
        counts."""
        if self.dry_run:
            head = f"{self.job} (dry run): {would(len(self.would_edit), self.would_post)}"
        else:
            head = f"{self.job}: {plural(self.edits, 'edit')}"
        return (f"{head}, {plural(self.records, 'record')}, {self.pages_read} pages read, "
                f"{plural(self.api_requests, 'API request')}, {plural(self.errors, 'error')}, "
                f"{self.skipped} skipped, {self.seconds:.1f} s")

    def as_json(self) -> dict:
        data = {k: v for k, v in asdict(self).items() if k not in DRY_RUN_ONLY}
        data["seconds"] = round(self.seconds, 3)
        return data

    def write_json(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.as_json(), indent=2) + "\n")


DRY_RUN_ONLY = ("dry_run", "would_edit", "would_post")


def plural(n: int, noun: str) -> str:
    """"1 edit", "2 edits" (the terminal's English)."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def would(pages: int, posts: int) -> str:
    """What a dry run would have done: "would edit 9 pages" (and "post 3 messages")."""
    text = f"would edit {plural(pages, 'page')}"
    return text + (f" and post {plural(posts, 'message')}" if posts else "")


def summary_all(runs: list[RunStats]) -> str:
    """`run all`'s last line: only the sums that mean the same in every job (edits, or the
    pages a dry run would edit; API requests; seconds), each job that did not end ok, and
    the errors job by job (the index counts again the records the harvest found wrong)."""
    dry = any(r.dry_run for r in runs)
    if dry:
        pages = len({t for r in runs for t in r.would_edit})
        done = would(pages, sum(r.would_post for r in runs))
    else:
        done = plural(sum(r.edits for r in runs), "edit")
    not_ok = [f"{r.job} {r.result}" for r in runs if r.result != "ok"]
    errors = [f"{r.job} {r.errors}" for r in runs if r.errors]
    return (f"all{' (dry run)' if dry else ''}: {plural(len(runs), 'job')}, "
            f"{', '.join(not_ok) if not_ok else 'all ok'}; {done}, "
            f"{plural(sum(r.api_requests for r in runs), 'API request')}, "
            f"{sum(r.seconds for r in runs):.1f} s; "
            f"{'errors: ' + ', '.join(errors) if errors else 'no errors'}")


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
