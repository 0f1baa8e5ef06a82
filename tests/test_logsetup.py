"""Logging and the progress bar: one structured line per event, once, in stderr and the file."""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bots import progress
from bots.config import LimitsSettings
from bots.logsetup import RetryTracebackFilter, StructuredFormatter, setup_logging
from bots.wiki.pwbconfig import retry_plan

REPO_ROOT = Path(__file__).resolve().parent.parent


def record(msg: str, *args: object, level: int = logging.INFO, name: str = "bots.x",
           **extra: object) -> logging.LogRecord:
    rec = logging.LogRecord(name, level, __file__, 1, msg, args, None)
    rec.__dict__.update(extra)
    return rec


@pytest.fixture
def clean_root():
    """Restore the root logger's handlers and level after a test that calls setup_logging."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    pwb = logging.getLogger("pywiki")
    pwb_handlers, pwb_propagate = list(pwb.handlers), pwb.propagate
    yield
    for handler in list(root.handlers):
        if handler not in handlers:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)
    pwb.handlers[:] = pwb_handlers
    pwb.propagate = pwb_propagate


def test_key_value_lines_quote_what_needs_it() -> None:
    fmt = StructuredFormatter("kv")
    line = fmt.format(record("edited [[%s]] (rev %d)", "A b", 12, job="index", edits=3))
    assert line.startswith("ts=") and line.endswith('job=index edits=3')
    assert ' level=info logger=bots.x msg="edited [[A b]] (rev 12)" ' in line
    assert fmt.format(record("plain")).split()[3] == "msg=plain"
    multi = fmt.format(record('two\nlines and "quotes"'))
    assert "\n" not in multi and r'msg="two\nlines and \"quotes\""' in multi
    try:
        raise ValueError("boom")
    except ValueError:
        rec = record("failed", level=logging.ERROR)
        rec.exc_info = sys.exc_info()
    line = fmt.format(rec)
    assert "\n" not in line and "exc=" in line and "ValueError: boom" in line
    # pywikibot's records carry colour markup and caller fields: neither is written.
    pwb = fmt.format(record("<<lightgreen>>Sleeping<<default>> 3 s", name="pywiki",
                            caller_name="f", caller_file="x.py", caller_line=3, newline="\n"))
    assert 'msg="Sleeping 3 s"' in pwb and "caller" not in pwb and "newline" not in pwb
    # A line relayed from a child process is written as it is.
    assert fmt.format(record("ts=1 level=info msg=x", raw=True)) == "ts=1 level=info msg=x"


def test_json_lines() -> None:
    data = json.loads(StructuredFormatter("json").format(record("hi %s", "there", job="h")))
    assert data["msg"] == "hi there" and data["level"] == "info" and data["job"] == "h"
    with pytest.raises(ValueError):
        StructuredFormatter("xml")


def test_retried_request_tracebacks_become_one_warning() -> None:
    tb = ("Traceback (most recent call last):\n  File \"x\", line 1\n"
          "requests.exceptions.ConnectionError: ('Connection aborted.')")
    rec = record(tb, level=logging.ERROR, name="pywiki")
    assert RetryTracebackFilter().filter(rec) is True  # rewritten, never dropped
    assert rec.levelno == logging.WARNING
    assert rec.getMessage() == ("request failed, retrying: requests.exceptions.ConnectionError:"
                                " ('Connection aborted.')")
    other = record("API error", level=logging.ERROR, name="pywiki")
    RetryTracebackFilter().filter(other)
    assert other.levelno == logging.ERROR


def test_setup_writes_stderr_and_a_rotating_file(tmp_path: Path, clean_root,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    profile = tmp_path / "p.toml"
    log_path = tmp_path / "logs" / "bot.log"
    profile.write_text(f'[wiki]\nkind = "wikimedia"\n[hub]\nroot = "X"\n'
                       f'[logging]\nfile = "{log_path}"\nmax_bytes = 2000\nbackups = 2\n')
    monkeypatch.delenv("ADVOCACY_LOG_FILE", raising=False)
    stream = io.StringIO()
    assert setup_logging(profile=str(profile), stream=stream, adopt_pywikibot=False) == log_path
    again = io.StringIO()  # set up twice: the first handlers are replaced, not doubled
    setup_logging(profile=str(profile), stream=again, adopt_pywikibot=False)
    log = logging.getLogger("bots.test")
    for i in range(60):
        log.info("line %d of the rotation test", i)
    log.debug("not at INFO")
    assert stream.getvalue() == ""
    lines = again.getvalue().splitlines()
    assert len(lines) == 60 and all(ln.startswith("ts=") for ln in lines)
    assert "not at INFO" not in again.getvalue()
    assert sorted(p.name for p in log_path.parent.iterdir()) == ["bot.log", "bot.log.1",
                                                                "bot.log.2"]
    assert log_path.stat().st_size <= 2000
    assert "line 59 of the rotation test" in log_path.read_text()

    monkeypatch.setenv("ADVOCACY_LOG_FILE", "none")
    assert setup_logging(profile=str(profile), stream=io.StringIO(),
                         adopt_pywikibot=False) is None


def test_pywikibot_messages_are_written_once_in_our_format(tmp_path: Path) -> None:
    """In a fresh process, as the command does it: pywikibot's messages go through our
    handlers, once each, and not through pywikibot's own terminal handlers."""
    log_path = tmp_path / "bot.log"
    code = ("from bots.logsetup import setup_logging\n"
            "setup_logging(profile='meta')\n"
            "import logging, pywikibot\n"
            "pywikibot.warning('pwb warning')\n"
            "pywikibot.info('pwb info')\n"
            "pywikibot.log('pwb verbose')\n"
            "logging.getLogger('bots.x').info('ours')\n")
    env = {**os.environ, "ADVOCACY_LOG_FILE": str(log_path),
           "PYWIKIBOT_DIR": os.environ["PYWIKIBOT_DIR"],
           "PYWIKIBOT_NO_USER_CONFIG": "0"}
    proc = subprocess.run([sys.executable, "-c", code], env=env, cwd=REPO_ROOT, text=True,
                          capture_output=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    for text in (proc.stderr, log_path.read_text()):
        lines = text.splitlines()
        assert [ln for ln in lines if "pwb warning" in ln] == [
            next(ln for ln in lines if "pwb warning" in ln)]
        warning = next(ln for ln in lines if "pwb warning" in ln)
        assert "level=warning logger=pywiki msg=\"pwb warning\"" in warning
        assert sum("pwb info" in ln for ln in lines) == 1
        assert sum("msg=ours" in ln for ln in lines) == 1
        assert "pwb verbose" not in text  # pywikibot's VERBOSE level is below INFO
        assert all(ln.startswith("ts=") for ln in lines), lines
    assert proc.stdout == ""


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_only_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ADVOCACY_PROGRESS", raising=False)
    monkeypatch.delenv("TERM", raising=False)
    quiet = io.StringIO()  # not a terminal: cron, Toolforge, the scheduler, pytest
    assert list(progress.progress(range(5), desc="x", stream=quiet)) == [0, 1, 2, 3, 4]
    assert quiet.getvalue() == ""

    tty = FakeTerminal()
    assert list(progress.progress(range(300), desc="pages", stream=tty)) == list(range(300))
    out = tty.getvalue()
    assert out.startswith("\rpages   0% [") and out.endswith("\n")
    assert "300/300" in out.splitlines()[-1].split("\r")[-1]

    monkeypatch.setenv("ADVOCACY_PROGRESS", "0")
    off = FakeTerminal()
    list(progress.progress(range(3), stream=off))
    assert off.getvalue() == ""


def test_log_lines_clear_the_bar(monkeypatch: pytest.MonkeyPatch, clean_root) -> None:
    monkeypatch.setenv("ADVOCACY_LOG_FILE", "none")
    tty = FakeTerminal()
    setup_logging(stream=tty, adopt_pywikibot=False)
    monkeypatch.setenv("ADVOCACY_PROGRESS", "1")
    for i in progress.progress(range(3), desc="d", stream=tty):
        if i == 1:
            logging.getLogger("bots.x").info("in the middle")
    out = tty.getvalue()
    cleared = out.index("\r\x1b[Kts=")  # the bar erased, then the log line
    assert "in the middle" in out[cleared:]


def test_retry_plan_is_bounded() -> None:
    meta = retry_plan(LimitsSettings(max_retries=8, retry_wait=5))
    assert meta.waits == [5, 10, 20, 40, 60, 60, 60, 60]  # doubling, capped at retry_max
    assert meta.worst_case < 20 * 60
    # A profile asking for absurd retries is cut down to the waiting budget (600 s).
    greedy = retry_plan(LimitsSettings(max_retries=100, retry_wait=5, retry_max=120))
    assert greedy.waits == [5, 10, 20, 40, 80, 120, 120, 120]
    assert sum(greedy.waits) <= 600 < sum(greedy.waits) + 120  # one more would not fit
    local = retry_plan(LimitsSettings(max_retries=5, retry_wait=1))
    assert local.waits == [1, 2, 4, 8, 16]


def test_the_terminal_shows_warnings_and_the_file_keeps_everything(
        tmp_path: Path, clean_root, monkeypatch: pytest.MonkeyPatch) -> None:
    profile = tmp_path / "p.toml"
    log_path = tmp_path / "bot.log"
    profile.write_text(f'[wiki]\nkind = "wikimedia"\n[hub]\nroot = "X"\n'
                       f'[logging]\nfile = "{log_path}"\n')
    monkeypatch.delenv("ADVOCACY_LOG_FILE", raising=False)
    monkeypatch.delenv("ADVOCACY_TERMINAL_LEVEL", raising=False)
    quiet = io.StringIO()
    setup_logging(profile=str(profile), stream=quiet, adopt_pywikibot=False)
    log = logging.getLogger("bots.test")
    log.info("edited [[A page]]")
    log.warning("the shutoff page is missing")
    assert "the shutoff page is missing" in quiet.getvalue()
    assert "edited" not in quiet.getvalue()
    assert "edited [[A page]]" in log_path.read_text()  # the file keeps the info lines
    loud = io.StringIO()
    setup_logging(verbose=True, profile=str(profile), stream=loud, adopt_pywikibot=False)
    log.info("edited [[Another page]]")
    assert "edited [[Another page]]" in loud.getvalue()


def test_an_unknown_language_code_is_an_answer_not_an_api_warning() -> None:
    """meta=languageinfo warns of a code the wiki does not know (``fil`` on MediaWiki 1.39):
    the bot asked to learn exactly that, so strict runs (the tests) do not fail on it; any
    other API warning is still collected."""
    import logging

    from bots.wiki.session import ApiWarnings

    warnings = ApiWarnings()

    def say(text: str) -> None:
        warnings.emit(logging.LogRecord("pywiki", logging.WARNING, __file__, 0, text, None,
                                        None))

    try:
        say('API warning (languageinfo): Unrecognized value for parameter "licode": fil.')
        assert warnings.seen == []
        say('API warning (main): Unrecognized parameter: "bogus".')
        assert warnings.seen == ['API warning (main): Unrecognized parameter: "bogus".']
    finally:
        warnings.close()
