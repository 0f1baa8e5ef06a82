"""A progress bar for long loops, drawn on stderr only when stderr is a terminal.

    for page in progress(pages, total=len(pages), desc="fetching"):
        ...

Under cron, Toolforge, the scheduler or pytest (stderr is not a terminal) it is a plain
pass-through and prints nothing. ``ADVOCACY_PROGRESS=0`` turns it off on a terminal too,
``ADVOCACY_PROGRESS=1`` forces it on. The log handler on stderr clears the bar before it writes
a line (:func:`clear`), and the bar is drawn again on the next step.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Iterable, Iterator
from typing import TextIO, TypeVar

T = TypeVar("T")
_lock = threading.RLock()
_active: _Bar | None = None


def enabled(stream: TextIO | None = None) -> bool:
    setting = os.environ.get("ADVOCACY_PROGRESS", "").strip().lower()
    if setting in ("0", "no", "off", "false"):
        return False
    if setting in ("1", "yes", "on", "true"):
        return True
    stream = stream if stream is not None else sys.stderr
    if os.environ.get("TERM") == "dumb":
        return False
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def _clock(seconds: float) -> str:
    seconds = int(seconds)
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


class _Bar:
    width = 24

    def __init__(self, total: int | None, desc: str, stream: TextIO) -> None:
        self.total = total
        self.desc = desc
        self.stream = stream
        self.done = 0
        self.started = time.monotonic()
        self.drawn_at = 0.0

    def line(self) -> str:
        elapsed = max(time.monotonic() - self.started, 1e-9)
        rate = self.done / elapsed
        head = f"{self.desc} " if self.desc else ""
        if not self.total:
            return f"{head}{self.done} {rate:.1f}/s {_clock(elapsed)}"
        share = min(self.done / self.total, 1.0)
        filled = int(share * self.width)
        bar = "#" * filled + "." * (self.width - filled)
        eta = (self.total - self.done) / rate if rate > 0 else 0
        return (f"{head}{share:4.0%} [{bar}] {self.done}/{self.total} {rate:.1f}/s "
                f"eta {_clock(eta)}")

    def draw(self, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self.drawn_at < 0.1:
            return
        self.drawn_at = now
        self.stream.write("\r" + self.line() + "\x1b[K")
        self.stream.flush()

    def clear(self) -> None:
        self.stream.write("\r\x1b[K")
        self.stream.flush()
        self.drawn_at = 0.0  # draw again at the next step


def clear() -> None:
    """Erase the bar (if one is showing) so a log line can be written in its place."""
    with _lock:
        if _active is not None:
            _active.clear()


def progress(iterable: Iterable[T], total: int | None = None, desc: str = "", *,
             stream: TextIO | None = None) -> Iterator[T]:
    """Yield from ``iterable``, showing a bar on a terminal; ``total`` defaults to ``len()``."""
    global _active
    stream = stream if stream is not None else sys.stderr
    if not enabled(stream):
        yield from iterable
        return
    if total is None and hasattr(iterable, "__len__"):
        total = len(iterable)  # type: ignore[arg-type]
    bar = _Bar(total, desc, stream)
    with _lock:
        previous, _active = _active, bar
        bar.draw(force=True)
    try:
        for item in iterable:
            yield item
            with _lock:
                bar.done += 1
                bar.draw()
    finally:
        with _lock:
            bar.draw(force=True)
            stream.write("\n")
            stream.flush()
            _active = previous
