"""The scheduler: cron parsing, dependencies, timeouts, the lock and shutdown, as real processes.

Most tests run the scheduler with a stand-in for the bot (``[schedule] command``): a small
script that records when each job starts and ends, sleeps as told, and notes a SIGTERM. Cron
expressions with a seconds field make the schedule fire every second or two. The last test runs
the real jobs on a real local wiki.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

try:
    from tests.profiletools import write_profile
except ModuleNotFoundError:
    from profiletools import write_profile  # type: ignore[no-redef]

from bots.config import Profile, load_profile
from bots.errors import ConfigError
from bots.schedule.cron import crontab_weekdays, parse_cron, shortest_interval
from bots.schedule.lock import EXIT_LOCKED
from bots.schedule.runner import Scheduler
from bots.schedule.settings import SETTINGS, job_specs, settings

REPO_ROOT = Path(__file__).resolve().parent.parent

FAKE_BOT = r'''
import json, os, signal, sys, time
args = sys.argv[1:]
job = args[args.index("run") + 1]
events = os.environ["FAKE_EVENTS"]
sleep = float(os.environ.get("FAKE_SLEEP_" + job.upper(), os.environ.get("FAKE_SLEEP", "0")))
def emit(what):
    with open(events, "a") as fh:
        fh.write(json.dumps({"t": time.time(), "job": job, "event": what, "pid": os.getpid(),
                             "ppid": os.getppid()}) + "\n")
def on_term(signum, frame):
    emit("terminated")
    sys.exit(143)
signal.signal(signal.SIGTERM, on_term)
emit("start")
time.sleep(sleep)
with open(args[args.index("--stats-json") + 1], "w") as fh:
    json.dump({"job": job, "edits": 1, "records": 2, "errors": 0}, fh)
print(f"{job}: 1 edits, 2 records")
emit("end")
sys.exit(1 if job in os.environ.get("FAKE_FAIL", "").split(",") else 0)
'''


@pytest.fixture(autouse=True)
def _profile_state_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests give each scheduler its own [schedule] state_dir; the test process's
    $ADVOCACY_STATE_DIR (tests/conftest.py) would win over it."""
    monkeypatch.delenv("ADVOCACY_STATE_DIR", raising=False)


def profile_with(tmp_path: Path, schedule_table: dict[str, Any], base: str = "meta") -> Path:
    fake = tmp_path / "fakebot.py"
    fake.write_text(FAKE_BOT)
    table = {"command": [sys.executable, str(fake)], "state_dir": str(tmp_path / "state"),
             **schedule_table}
    return write_profile(tmp_path / "sched.toml", base, schedule=table)


def events(tmp_path: Path) -> list[dict]:
    path = tmp_path / "events.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def env_for(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {**os.environ, "FAKE_EVENTS": str(tmp_path / "events.jsonl"),
           "ADVOCACY_LOG_FILE": str(tmp_path / "scheduler.log"),
           "PYWIKIBOT_DIR": os.environ["PYWIKIBOT_DIR"], "PYWIKIBOT_NO_USER_CONFIG": "0", **extra}
    env.pop("ADVOCACY_PROFILE", None)
    return env


def start_scheduler(profile: Path, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "bots", "--profile", str(profile), "schedule"],
                            env=env, cwd=REPO_ROOT, text=True, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)


def wait_for(predicate, timeout: float = 15.0, step: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return predicate()


def stop(proc: subprocess.Popen[str], sig: int = signal.SIGTERM,
         timeout: float = 20) -> tuple[int, str]:
    if proc.poll() is None:
        proc.send_signal(sig)
    try:
        _, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        _, err = proc.communicate()
        raise AssertionError(
            f"the scheduler did not stop within {timeout} s:\n{err[-3000:]}") from None
    return proc.returncode, err


# -- configuration ----------------------------------------------------------------------------
def test_crontab_weekdays_follow_crontab_not_apscheduler() -> None:
    assert crontab_weekdays("0") == "sun" and crontab_weekdays("7") == "sun"
    assert crontab_weekdays("1-5") == "mon,tue,wed,thu,fri"
    assert crontab_weekdays("0,6") == "sun,sat"
    assert crontab_weekdays("5-7") == "sun,fri,sat"
    assert crontab_weekdays("*/2") == "sun,tue,thu,sat"
    assert crontab_weekdays("Mon-Wed") == "mon,tue,wed"
    assert crontab_weekdays("0-6") == "*" and crontab_weekdays("*") == "*"
    monday_9 = parse_cron("0 9 * * 1").get_next_fire_time(
        None, datetime(2025, 1, 1, tzinfo=UTC))  # a Wednesday
    assert monday_9 == datetime(2025, 1, 6, 9, 0, tzinfo=UTC)
    assert monday_9.strftime("%A") == "Monday"


def test_cron_expressions_and_settings(caplog: pytest.LogCaptureFixture) -> None:
    data = load_profile("meta").config.to_data() | {"schedule": {
        "harvest": "*/15 * * * *", "index": "5,20,35,50 * * * *", "no_such_job": "0 * * * *",
        "misfire_grace_time": 42}}
    profile = Profile.from_data("t", Path("t.toml"), data)
    now = datetime(2025, 1, 1, 0, 0, 30, tzinfo=UTC)
    with caplog.at_level(logging.INFO, logger="bots.schedule"):
        specs = {s.name: s for s in job_specs(profile, now)}
    assert set(specs) == {"harvest", "index"}
    assert "no_such_job" in caplog.text  # named in the profile, not a job: warned, skipped
    assert specs["harvest"].interval == timedelta(minutes=15)
    assert specs["harvest"].timeout == pytest.approx(0.9 * 15 * 60)  # shorter than the interval
    assert specs["harvest"].trigger.get_next_fire_time(None, now) == now.replace(minute=15,
                                                                                 second=0)
    assert settings(profile).misfire_grace_time == 42

    data["schedule"] = {"harvest": "0 * * * *", "index": "*/2 * * * * *", "timeout": 77}
    specs = {s.name: s for s in job_specs(Profile.from_data("t", Path("t.toml"), data), now)}
    assert specs["index"].interval == timedelta(seconds=2)  # a seconds field, for tests
    assert specs["harvest"].timeout == specs["index"].timeout == 77  # configured: as is

    data["schedule"] = {"harvest": "0 0 * *"}
    with pytest.raises(ConfigError, match="expected 5 fields"):
        job_specs(Profile.from_data("t", Path("t.toml"), data))
    data["schedule"] = {"harvest": "61 * * * *"}
    with pytest.raises(ConfigError, match="bad cron expression"):
        job_specs(Profile.from_data("t", Path("t.toml"), data))


def test_every_registered_job_is_scheduled_in_both_profiles() -> None:
    import tomllib

    from bots.jobs import registry

    for name in ("local", "meta"):
        table = tomllib.loads((REPO_ROOT / "config" / f"{name}.toml").read_text())["schedule"]
        missing = [job for job in registry.JOBS if job not in table]
        assert not missing, f"config/{name}.toml [schedule] lacks {missing}"
        for job, expr in table.items():
            if job not in SETTINGS:
                parse_cron(expr)


def test_jobs_yaml_matches_meta_schedule() -> None:
    """Toolforge runs what config/meta.toml says, each run ending before the next one."""
    import re
    import tomllib

    table = tomllib.loads((REPO_ROOT / "config" / "meta.toml").read_text())["schedule"]
    text = (REPO_ROOT / "jobs.yaml").read_text()
    entries = re.findall(r"- name: advocacy-(\w+)\n(.*?)(?=\n- name:|\Z)", text, re.S)
    assert entries
    seen = set()
    continuous = [(job, body) for job, body in entries if "continuous: true" in body]
    # The watcher: one continuous job, bounded memory, no schedule of its own.
    assert [job for job, _ in continuous] == ["watch"]
    watcher = continuous[0][1]
    assert "--profile meta watch" in watcher and "schedule:" not in watcher
    assert re.search(r"mem: \d+(Mi|Gi)", watcher) and "image: python3.11" in watcher
    for job, body in entries:
        if "continuous: true" in body:
            continue
        seen.add(job)
        cron = re.search(r'schedule: "([^"]+)"', body)[1]
        assert cron == table[job], job
        assert f"--profile meta run {job}" in body
        assert "image: python3.11" in body
        timeout = int(re.search(r"timeout: (\d+)", body)[1])
        interval = shortest_interval(parse_cron(cron)).total_seconds()
        assert timeout < interval, job
        inner = int(re.search(r"timeout --kill-after=\d+ (\d+)", body)[1])
        assert inner < timeout
    assert seen == {j for j in table if j not in SETTINGS}


# -- dependencies and timeouts, in process --------------------------------------------------------
def test_dependency_runs_harvest_first_only_when_stale(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    path = profile_with(tmp_path, {"harvest": "0 0 1 1 *", "index": "*/15 * * * *"})
    monkeypatch.setenv("FAKE_EVENTS", str(tmp_path / "events.jsonl"))
    scheduler = Scheduler(load_profile(path))

    first = scheduler.tick("index")  # no harvest on record: harvest first, then index
    assert [(r.job, r.reason) for r in first] == [("harvest", "ok"), ("index", "ok")]
    order = [(e["job"], e["event"]) for e in events(tmp_path)]
    assert order == [("harvest", "start"), ("harvest", "end"), ("index", "start"),
                     ("index", "end")]
    assert first[1].stats["edits"] == 1

    second = scheduler.tick("index")  # harvest succeeded a moment ago: fresh enough
    assert [r.job for r in second] == ["index"]

    # The record survives a restart: a new scheduler knows harvest is fresh.
    again = Scheduler(load_profile(path))
    assert [r.job for r in again.tick("index")] == ["index"]
    record = json.loads((tmp_path / "state" / "schedule-sched.json").read_text())
    assert record["index"]["last_result"] == "ok" and record["index"]["last_stats"]["edits"] == 1

    # Older than index's interval (15 min): harvest runs first again.
    stale = (datetime.now(UTC) - timedelta(minutes=16)).isoformat(timespec="seconds")
    again.record.update("harvest", last_success=stale)
    assert [r.job for r in again.tick("index")] == ["harvest", "index"]
    assert [r.job for r in again.tick("harvest")] == ["harvest"]  # no dependencies


def test_failed_dependency_is_reported_and_the_job_still_runs(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = profile_with(tmp_path, {"harvest": "0 0 1 1 *", "index": "*/15 * * * *"})
    monkeypatch.setenv("FAKE_EVENTS", str(tmp_path / "events.jsonl"))
    monkeypatch.setenv("FAKE_FAIL", "harvest")
    scheduler = Scheduler(load_profile(path))
    results = scheduler.tick("index")
    assert [(r.job, r.reason, r.rc) for r in results] == [("harvest", "failed", 1),
                                                          ("index", "ok", 0)]
    assert scheduler.record.last_success("harvest") is None
    # Still stale, so the next tick tries harvest again.
    assert [r.job for r in scheduler.tick("index")] == ["harvest", "index"]


def test_a_hung_job_is_ended_at_its_timeout(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    path = profile_with(tmp_path, {"harvest": "0 0 1 1 *", "timeout": 1, "kill_after": 2})
    monkeypatch.setenv("FAKE_EVENTS", str(tmp_path / "events.jsonl"))
    monkeypatch.setenv("FAKE_SLEEP", "60")
    started = time.monotonic()
    result = Scheduler(load_profile(path)).run_child("harvest")
    assert result.reason == "timeout" and result.rc != 0
    assert time.monotonic() - started < 10
    assert [e["event"] for e in events(tmp_path)] == ["start", "terminated"]


# -- real scheduler processes -----------------------------------------------------------------
def test_two_schedulers_started_together_only_one_runs_jobs(tmp_path: Path) -> None:
    path = profile_with(tmp_path, {"harvest": "* * * * * *"})
    env = env_for(tmp_path, FAKE_SLEEP="0.2")
    a, b = start_scheduler(path, env), start_scheduler(path, env)
    try:
        assert wait_for(lambda: a.poll() is not None or b.poll() is not None, 20), \
            "neither scheduler exited: the lock let both run"
        loser, winner = (a, b) if a.poll() is not None else (b, a)
        _, loser_err = loser.communicate(timeout=10)
        assert loser.returncode == EXIT_LOCKED
        assert "another scheduler is already running" in loser_err
        assert f"pid {winner.pid}" in loser_err
        assert wait_for(lambda: sum(e["event"] == "end" for e in events(tmp_path)) >= 2, 15)
        assert winner.poll() is None
        assert {e["ppid"] for e in events(tmp_path)} == {winner.pid}  # only the winner ran jobs

        # The lock dies with its holder, however it dies.
        winner.kill()
        winner.communicate(timeout=10)
        third = start_scheduler(path, env)
        seen = len(events(tmp_path))
        assert wait_for(lambda: any(e["ppid"] == third.pid for e in events(tmp_path)[seen:]),
                        15), "a new scheduler could not take over the lock"
        rc, err = stop(third)
        assert rc == 0, err[-2000:]
    finally:
        for proc in (a, b):
            if proc.poll() is None:
                proc.kill()
                proc.communicate()


def test_sigterm_lets_the_running_job_finish_then_exits(tmp_path: Path) -> None:
    path = profile_with(tmp_path, {"harvest": "* * * * * *", "shutdown_grace": 20})
    proc = start_scheduler(path, env_for(tmp_path, FAKE_SLEEP="1.5"))
    assert wait_for(lambda: any(e["event"] == "start" for e in events(tmp_path)), 20)
    signalled = time.time()
    rc, err = stop(proc, signal.SIGTERM)
    stopped = time.time()
    assert rc == 0, err[-2000:]
    evs = events(tmp_path)
    assert [e["event"] for e in evs][-1] == "end"  # finished, not killed
    assert not [e for e in evs if e["event"] == "start" and e["t"] > signalled]
    assert stopped - signalled < 10
    assert "SIGTERM: no new runs" in err and "scheduler stopped" in err
    assert "job harvest finished: ok" in err
    log_file = (tmp_path / "scheduler.log").read_text()
    assert "job harvest finished: ok" in log_file
    assert "harvest: 1 edits, 2 records" in log_file  # the child's output, relayed


def test_sigint_terminates_a_long_job_after_the_grace_period(tmp_path: Path) -> None:
    path = profile_with(tmp_path, {"harvest": "* * * * * *", "shutdown_grace": 1,
                                   "kill_after": 3})
    proc = start_scheduler(path, env_for(tmp_path, FAKE_SLEEP="60"))
    assert wait_for(lambda: any(e["event"] == "start" for e in events(tmp_path)), 20)
    signalled = time.monotonic()
    rc, err = stop(proc, signal.SIGINT)
    assert rc == 0, err[-2000:]
    assert time.monotonic() - signalled < 8
    assert [e["event"] for e in events(tmp_path)] == ["start", "terminated"]
    record = json.loads((tmp_path / "state" / "schedule-sched.json").read_text())
    assert record["harvest"]["last_result"] == "shutdown"
    assert "last_success" not in record["harvest"]


# -- the real jobs ------------------------------------------------------------------------------
@pytest.mark.wiki
def test_scheduler_runs_the_real_jobs_harvest_before_index(bot, tmp_path: Path) -> None:
    admin = bot.admin()
    admin.edit("Advocacy Hub/Cases/Scheduled", "{{Advocacy case\n|title=Scheduled\n"
               "|summary=S.\n|jurisdiction=FR\n|topics=copyright\n|start=2021\n"
               "|status=active\n}}", "t")
    # Index every 3 seconds; harvest only yearly, so it runs as index's dependency.
    path = write_profile(tmp_path / "sched.toml", "local", schedule={
        "harvest": "0 0 1 1 *", "index": "*/3 * * * * *", "state_dir": str(tmp_path / "state")})
    env = env_for(tmp_path, ADVOCACY_WIKI_DIR=str(bot.wiki.dir))
    proc = start_scheduler(path, env)
    try:
        assert wait_for(lambda: "Scheduled" in (bot.text("Advocacy Hub/Cases") or ""), 90), \
            "the index was not written"
    finally:
        rc, err = stop(proc, timeout=120)
    assert rc == 0, err[-3000:]
    lines = err.splitlines()
    harvest_done = next(i for i, ln in enumerate(lines) if "job harvest finished: ok" in ln)
    index_done = next(i for i, ln in enumerate(lines) if "job index finished: ok" in ln)
    assert harvest_done < index_done
    assert any("logger=bots.jobs.harvest" in ln for ln in lines)  # the child's own log lines
    assert bot.snapshot()["revids"]
