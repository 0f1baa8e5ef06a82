"""Exactly-once messages on talk pages: the pure part (markers, decisions, the log).

Every delivered message carries a hidden marker naming what it delivers (``newsletter:2026-11``,
``alert:<case>``, ``notice:inactive:<user>``). Before posting, the bot reads the target's talk
page; a marker already there means "delivered", whatever happened to the previous run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from fractions import Fraction

MARKER = "<!-- advocacy-bot:delivery {id} -->"
_MARKER_RE = re.compile(r"<!--\s*advocacy-bot:delivery\s+(\S+)\s*-->")

# Outcomes of one target, in the order the log lists them.
DELIVERED = "delivered"
ALREADY = "already-delivered"
SKIPPED = "skipped"
FAILED = "failed"
FINAL = (DELIVERED, ALREADY, SKIPPED)  # nothing left to do for that recipient


def marker(delivery_id: str) -> str:
    if not re.fullmatch(r"[\w:./#@+\-]+", delivery_id):
        raise ValueError(f"delivery id {delivery_id!r} must be one word")
    return MARKER.format(id=delivery_id)


SIGNATURE = "~~~~"  # the bot's user link and a timestamp, expanded by the wiki at save time


def signed(body: str) -> str:
    """A talk-page post ending with the bot's signature on a line of its own (after a list
    or a table too), so DiscussionTools offers a reply link and archive bots can date it."""
    body = body.rstrip()
    if body.endswith(SIGNATURE):
        return body
    return f"{body}\n\n{SIGNATURE}" if body else SIGNATURE


def delivered_ids(text: str | None) -> set[str]:
    return set(_MARKER_RE.findall(text or ""))


@dataclass
class Outcome:
    user: str
    page: str
    result: str  # DELIVERED | ALREADY | SKIPPED | FAILED
    reason: str = ""  # skip reason code or error text
    revid: int = 0
    detail: str = ""  # what the reason refers to (the other subscriber of a shared page, ...)
    delivery_id: str = ""
    at: str = ""  # delivered: when (ISO, UTC; "" for other results, and in older logs)


@dataclass
class DeliveryReport:
    delivery_id: str
    outcomes: list[Outcome] = field(default_factory=list)
    paused: str = ""  # circuit breaker / cap / time budget: why the run stopped early
    about: tuple[str, ...] = ()  # an alert's case (page, title): what its log line names

    @property
    def at(self) -> str:
        """When its latest delivery was made (ISO, UTC; "" when none says)."""
        return max((o.at for o in self.outcomes), default="")

    def count(self, result: str) -> int:
        return sum(o.result == result for o in self.outcomes)

    @property
    def complete(self) -> bool:
        return not self.paused and self.count(FAILED) == 0

    @property
    def all_final(self) -> bool:
        """Every recipient of this run is done with (delivered, had it, or skipped)."""
        return all(o.result in FINAL for o in self.outcomes)


def breaker_holds(previous: int, current: int, *, growth: float, confirmed: int | None,
                  floor: int = 10) -> bool:
    """Whether delivery waits for a maintainer: the breaker tripped and nobody confirmed this
    very count (``[newsletter] confirm_subscribers``)."""
    return breaker_tripped(previous, current, growth=growth, floor=floor) and \
        confirmed != current


def breaker_tripped(previous: int, current: int, *, growth: float = 0.5,
                    floor: int = 10) -> bool:
    """The subscriber list grew by more than ``growth`` since the last issue: pause, in case
    the list was vandalised (small lists may grow by up to ``floor`` freely)."""
    if previous <= 0:
        return False
    # Exact arithmetic: 100 * 0.29 is 28.999… in floating point, so 129 would trip.
    return current - previous > max(Fraction(floor), previous * Fraction(str(growth)))
