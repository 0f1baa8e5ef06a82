"""The bot's status page: each job's last run, result, counts and errors (pure)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from bots.core.messages import Messages
from bots.core.render.tables import table
from bots.core.stats import RunStats
from bots.core.wikitext import escape

OK, FAILED, STOPPED = "ok", "failed", "stopped"
PAUSED = "paused"  # the circuit breaker holds a delivery until a maintainer confirms it
PARTIAL = "partial"  # a per-run limit (post cap, time budget) was reached; the next run goes on
# The command's exit status for each result (2: a usage or configuration error, no run).
EXIT_STATUS = {OK: 0, FAILED: 1, STOPPED: 3, PAUSED: 4, PARTIAL: 5}
RESULT_OF_EXIT = {code: result for result, code in EXIT_STATUS.items()}
DATA = "advocacy-bot:status-data"


def entry(stats: RunStats, result: str, message: str, at: datetime) -> dict:
    data = stats.as_json()  # a dry run's would-be work aside (it writes no status page)
    data["seconds"] = round(stats.seconds, 1)
    return {**data, "result": result, "message": message[:300],
            "at": at.isoformat(timespec="seconds")}


def needs_update(old: dict | None, new: dict, heartbeat: timedelta) -> bool:
    """Write the status page when the result or the number of errors changed, or the job's
    line is older than the heartbeat. Not after every run: a bot that edits its status page
    every quarter of an hour floods the wiki's recent changes (and its own request budget)."""
    if old is None or old.get("result") != new["result"] or old.get("errors") != new["errors"]:
        return True
    return datetime.fromisoformat(new["at"]) - datetime.fromisoformat(old["at"]) >= heartbeat


def parse(text: str | None) -> dict[str, dict]:
    """The per-job entries kept in the page (as JSON in a hidden comment)."""
    if not text or DATA not in text:
        return {}
    raw = text.split(f"<!-- {DATA}", 1)[1].split("-->", 1)[0]
    try:
        return json.loads(raw)
    except ValueError:
        return {}


def render(entries: dict[str, dict], msgs: Messages) -> str:
    headers = [msgs(f"advocacyhub-status-{k}") for k in
               ("job", "at", "result", "edits", "requests", "records", "errors", "skipped",
                "seconds", "message")]
    rows = []
    for job in sorted(entries):
        e = entries[job]
        rows.append([escape(job), escape(e["at"].replace("T", " ")),
                     escape(msgs(f"advocacyhub-status-result-{e['result']}")),
                     str(e["edits"]), str(e["api_requests"]), str(e["records"]),
                     str(e["errors"]), str(e["skipped"]), str(e["seconds"]),
                     escape(e.get("message", ""), 300)])
    data = json.dumps(entries, sort_keys=True, ensure_ascii=False).replace("--", "- -")
    return "\n".join([msgs("advocacyhub-status-intro"), table(headers, rows, css="advocacy-status"),
                      f"<!-- {DATA} {data} -->"])
