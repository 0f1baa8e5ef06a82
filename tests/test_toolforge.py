"""Both Toolforge ways run the same jobs: jobs.yaml (the python3.11 image, a virtual
environment in the tool's home) and jobs-buildservice.yaml (the Build Service image, each job
a process type of the Procfile, the runtime pinned by .python-version). Every scheduled job of
config/meta.toml is in both, on the same schedule, and every command exists."""

from __future__ import annotations

import re
import shlex
import shutil
import tomllib

from bots.cli import _parser
from bots.jobs import registry
from bots.schedule.settings import SETTINGS
from tests.harness import REPO_ROOT

VENV_BOT = "./advocacy-hub-bot/.venv/bin/advocacy-bot"


def _jobs(name: str) -> dict[str, str]:
    text = (REPO_ROOT / name).read_text()
    return dict(re.findall(r"- name: advocacy-(\w+)\n(.*?)(?=\n- name:|\Z)", text, re.S))


def _procfile() -> dict[str, str]:
    out = {}
    for line in (REPO_ROOT / "Procfile").read_text().splitlines():
        m = re.fullmatch(r"([A-Za-z0-9_-]+):\s*(.+)", line)
        assert m, f"not a Procfile line: {line!r}"
        out[m[1]] = m[2]
    return out


def _scheduled() -> dict[str, str]:
    table = tomllib.loads((REPO_ROOT / "config" / "meta.toml").read_text())["schedule"]
    return {job: cron for job, cron in table.items() if job not in SETTINGS}


def _bot_args(command: str, program: str) -> list[str]:
    """The bot's arguments in a job's command, after checking the programs before it exist."""
    words = shlex.split(command)
    while words and words[0] != program:
        if words[0] == "env":
            words = [w for w in words[1:] if "=" not in w or w.startswith("-")]
            continue
        assert words[0] == "timeout" and shutil.which("timeout"), words
        words = words[3:]  # timeout --kill-after=N SECONDS
    assert words and words[0] == program, command
    return words[1:]


def _check_bot_command(args: list[str]) -> None:
    ns = _parser().parse_args(args)  # an unknown command or option exits (SystemExit)
    assert ns.profile == "meta", args
    if ns.command == "run":
        assert ns.job in registry.JOBS, args


def test_every_scheduled_job_is_in_both_ways_on_the_same_schedule() -> None:
    scheduled = _scheduled()
    plain, built, procfile = _jobs("jobs.yaml"), _jobs("jobs-buildservice.yaml"), _procfile()
    assert set(scheduled) <= set(plain) and set(scheduled) <= set(built)
    assert set(plain) == set(built) == set(procfile) == set(scheduled) | {"watch"}
    for job, body in built.items():
        assert re.search(r"image: tool-([\w-]+)/tool-\1:latest", body), job
        assert re.search(r"command: (\S+)", body)[1] == job, job  # the Procfile's process type
        for key in ("schedule", "timeout", "mem", "continuous", "emails"):  # as jobs.yaml's
            assert re.findall(rf"{key}: (.*)", body) == re.findall(rf"{key}: (.*)", plain[job])
    for job, cron in scheduled.items():
        assert f'schedule: "{cron}"' in built[job]


def test_every_command_exists() -> None:
    script = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert "advocacy-bot" in script
    for body in _jobs("jobs.yaml").values():
        command = re.search(r"command: (.*)", body)[1]
        _check_bot_command(_bot_args(command, VENV_BOT))
    for job, command in _procfile().items():
        args = _bot_args(command, "advocacy-bot")
        _check_bot_command(args)
        assert ("watch" in args) == (job == "watch") and (job == "watch" or job in args)
        # The same command as jobs.yaml's, with the image's advocacy-bot.
        plain = re.search(r"command: (.*)", _jobs("jobs.yaml")[job])[1]
        assert command.endswith(plain.replace(VENV_BOT, "advocacy-bot")), job


def test_the_runtime_is_pinned_as_the_python_image() -> None:
    pinned = (REPO_ROOT / ".python-version").read_text().strip()
    assert re.fullmatch(r"3\.\d+", pinned)
    assert all(f"image: python{pinned}" in body for body in _jobs("jobs.yaml").values())
    requires = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"][
        "requires-python"]
    minimum = re.search(r">=\s*3\.(\d+)", requires)[1]
    assert int(pinned.split(".")[1]) >= int(minimum)
    assert "-e ." in (REPO_ROOT / "requirements.txt").read_text().splitlines()
