"""Logging: one structured line per event, to stderr and to a rotating log file.

A line is ``key=value`` pairs (logfmt), or JSON with ``format = "json"``::

    ts=2025-01-31T10:15:02.123Z level=info logger=bots.wiki.pages msg="edited [[X]] (rev 12)"

Values with spaces, quotes or newlines are JSON-quoted, so every event is exactly one line
(tracebacks included, in ``exc=``) and ``grep``/``jq`` work on the file. Fields passed with
``extra={...}`` are appended as pairs.

Where the file goes: ``$ADVOCACY_LOG_FILE`` (``none`` or ``-`` for no file), else the profile's
``[logging] file``, else ``<state dir>/logs/advocacy-bot.log`` (see :mod:`bots.statedir`),
rotated at ``[logging] max_bytes`` (5 MB) keeping ``backups`` (5) old files. The format comes
from ``$ADVOCACY_LOG_FORMAT`` or ``[logging] format`` (``kv``, the default, or ``json``).

pywikibot logs through its own logger ("pywiki"), which it normally gives its own terminal
handlers and detaches from the root logger. :func:`setup_logging` lets pywikibot set itself up,
then removes those handlers and lets its records flow through ours: each pywikibot message is
written once, in the same format, to the same places.
"""

from __future__ import annotations

import importlib
import json
import logging
import logging.handlers
import os
import re
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from bots import progress
from bots.config import LoggingSettings, read_section
from bots.errors import ConfigError
from bots.paths import REPO_ROOT
from bots.statedir import state_dir

_MARK = "_advocacy_handler"
# Attributes every LogRecord has, and those pywikibot adds to each of its records: not extras.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {
    "message", "asctime", "caller_name", "caller_file", "caller_line", "newline", "raw",
    "taskName",
}
_PWB_COLOUR = re.compile(r"<<\w+>>")
_BARE = re.compile(r"^[^\s\"'=\\]+$")


def _quote(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False,
                                                          default=str)
    if text and _BARE.match(text):
        return text
    return json.dumps(text, ensure_ascii=False)


class StructuredFormatter(logging.Formatter):
    """``key=value`` lines (``fmt="kv"``) or JSON objects (``fmt="json"``), one per record.

    A record with ``raw=True`` (a line relayed from a child process, already formatted) is
    written as it is."""

    def __init__(self, fmt: str = "kv") -> None:
        super().__init__()
        if fmt not in ("kv", "json"):
            raise ValueError(f"log format must be 'kv' or 'json', not {fmt!r}")
        self.fmt = fmt

    def fields(self, record: logging.LogRecord) -> dict[str, Any]:
        message = record.getMessage()
        if record.name == "pywiki" or record.name.startswith("pywiki."):
            message = _PWB_COLOUR.sub("", message).strip()
        ts = datetime.fromtimestamp(record.created, UTC)
        out: dict[str, Any] = {
            "ts": ts.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ts.microsecond // 1000:03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": message,
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD and not key.startswith("_") and key not in out:
                out[key] = value
        if record.exc_info:
            out["exc"] = self.formatException(record.exc_info)
        elif record.exc_text:
            out["exc"] = record.exc_text
        return out

    def format(self, record: logging.LogRecord) -> str:
        if getattr(record, "raw", False):
            return record.getMessage()
        fields = self.fields(record)
        if self.fmt == "json":
            return json.dumps(fields, ensure_ascii=False, default=str)
        return " ".join(f"{key}={_quote(value)}" for key, value in fields.items())


class RetryTracebackFilter(logging.Filter):
    """pywikibot logs the whole traceback, at ERROR, of every HTTP failure it is about to retry
    (a 503, a timeout, a dropped connection). Without -v that becomes one WARNING line naming
    the exception; if the retries run out, the job's own error says so."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name.startswith("pywiki") and record.levelno == logging.ERROR:
            message = record.getMessage()
            if message.startswith("Traceback (most recent call last):"):
                last = message.strip().splitlines()[-1]
                record.msg, record.args = f"request failed, retrying: {last}", None
                record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True


class _TerminalHandler(logging.StreamHandler):
    """stderr, clearing the progress bar (if one is showing) before each line."""

    def emit(self, record: logging.LogRecord) -> None:
        progress.clear()
        super().emit(record)


def _profile_settings(profile: str | os.PathLike[str] | None) -> tuple[LoggingSettings, str]:
    """The profile's [logging] and [schedule] state_dir, read without loading credentials;
    the defaults if there is no valid profile (the command reports that itself)."""
    try:
        return read_section(profile, "logging"), read_section(profile, "schedule").state_dir
    except (ConfigError, OSError):
        return LoggingSettings(), ""


def log_file(settings: LoggingSettings | None = None, configured_dir: str = "") -> Path | None:
    """The log file: $ADVOCACY_LOG_FILE, else [logging] file, else in the state directory
    (``configured_dir``: [schedule] state_dir). None: no log file."""
    setting = os.environ.get("ADVOCACY_LOG_FILE")
    if setting is None and settings is not None:
        setting = settings.file
    if setting is not None:
        if setting.strip().lower() in ("", "-", "none", "off"):
            return None
        path = Path(setting).expanduser()
        return path if path.is_absolute() else REPO_ROOT / path
    return state_dir(configured_dir) / "logs" / "advocacy-bot.log"


def setup_logging(*, verbose: bool = False, profile: str | os.PathLike[str] | None = None,
                  stream: TextIO | None = None, adopt_pywikibot: bool = True) -> Path | None:
    """Install the bot's handlers on the root logger (again: replacing those it installed
    before). Returns the log file's path, or None when logging to a file is off."""
    settings, configured_dir = _profile_settings(profile)
    fmt = os.environ.get("ADVOCACY_LOG_FORMAT") or settings.format
    level = logging.DEBUG if verbose else logging.getLevelName(settings.level.upper())
    if not isinstance(level, int):
        level = logging.INFO
    # The terminal is quiet: warnings (and the progress bars and each job's summary line,
    # which are not log records); -v shows everything. The log file keeps every record.
    # ADVOCACY_TERMINAL_LEVEL (info, debug ...) asks for more without -v (tests, benchmarks).
    terminal = logging.getLevelName(os.environ.get("ADVOCACY_TERMINAL_LEVEL", "").upper())
    if verbose:
        terminal = logging.DEBUG
    elif not isinstance(terminal, int):
        terminal = max(level, logging.WARNING)
    formatter = StructuredFormatter(fmt)
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, _MARK, False)]:
        root.removeHandler(handler)
        handler.close()
    handlers: list[logging.Handler] = [_TerminalHandler(stream if stream is not None
                                                        else sys.stderr)]
    path = log_file(settings, configured_dir)
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handlers.append(logging.handlers.RotatingFileHandler(
                path, maxBytes=settings.max_bytes, backupCount=settings.backups,
                encoding="utf-8"))
        except OSError as exc:
            print(f"advocacy-bot: cannot write the log file {path}: {exc}", file=sys.stderr)
            path = None
    for handler in handlers:
        setattr(handler, _MARK, True)
        if not verbose:
            handler.addFilter(RetryTracebackFilter())
        handler.setFormatter(formatter)
        handler.setLevel(terminal if isinstance(handler, _TerminalHandler) else level)
        root.addHandler(handler)
    root.setLevel(min(level, terminal))
    for noisy in ("urllib3", "requests_oauthlib", "oauthlib"):
        logging.getLogger(noisy).setLevel(max(level, logging.INFO))
    if adopt_pywikibot:
        _adopt_pywikibot()
    return path


def _adopt_pywikibot() -> None:
    """Let pywikibot initialise its logging now, then route its records through ours."""
    try:
        importlib.import_module("bots.wiki")  # pywikibot's environment, before its import
        import pywikibot.bot
    # pywikibot unusable: the command that needs it will say why. Not installed (ImportError);
    # its config refused to load (RuntimeError: no user-config.py or base directory; OSError);
    # user-config.py could not read the profile (a ConfigError is caught there; ValueError or
    # KeyError from a damaged credentials.json).
    except (ImportError, RuntimeError, OSError, ValueError, KeyError) as exc:
        logging.getLogger(__name__).debug("pywikibot logging left alone: %s", exc)
        return
    pywikibot.bot.init_handlers()
    pwb = logging.getLogger("pywiki")
    for handler in list(pwb.handlers):
        pwb.removeHandler(handler)
        handler.close()
    pwb.propagate = True
