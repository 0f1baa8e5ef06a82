"""The watcher's bookkeeping (pure): changes from either source, which of them matter, and
when to run one update (debounced).

The wiki's recent-changes watermark (the snapshot head's ``last_rcid``) is the only memory
that counts: a change at or below it has been harvested, by the watcher or by a scheduled
run. Above it, :class:`Pending` keeps each change once (by its rcid), so an event the stream
replays after a reconnect, or a poll that returns a change again, adds nothing. A watcher
killed at any moment loses only :class:`Pending`, which the next one rebuilds from the
watermark.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

TEMPLATE_NAMESPACES = (10, 828)  # a template or module changed: redirects to record templates


@dataclass(frozen=True)
class Change:
    """One recent change, in the API's terms (``list=recentchanges``), whatever its source."""

    rcid: int
    title: str
    ns: int = 0
    type: str = "edit"  # edit, new, log, categorize
    timestamp: str = ""  # ISO 8601, UTC, "Z"
    user: str = ""
    logtype: str = ""
    logaction: str = ""
    target: str = ""  # a move's new title

    @property
    def titles(self) -> tuple[str, ...]:
        return (self.title, self.target) if self.target else (self.title,)

    def as_recentchange(self) -> dict[str, Any]:
        """The change as ``list=recentchanges`` gives it (what the harvest reads)."""
        out: dict[str, Any] = {"rcid": self.rcid, "title": self.title, "ns": self.ns,
                               "type": self.type, "timestamp": self.timestamp,
                               "user": self.user}
        if self.type == "log":
            out.update(logtype=self.logtype, logaction=self.logaction,
                       logparams={"target_title": self.target} if self.target else {})
        return out


def from_recentchange(rc: Mapping[str, Any]) -> Change | None:
    """A ``list=recentchanges`` entry as a change; None for one without a title (a log entry
    whose action was hidden: MediaWiki sends ``actionhidden`` instead), which no page is."""
    params = rc.get("logparams") or {}
    if not rc.get("title"):
        return None
    return Change(rcid=int(rc["rcid"]), title=str(rc["title"]), ns=int(rc.get("ns", 0)),
                  type=str(rc.get("type", "edit")), timestamp=str(rc.get("timestamp", "")),
                  user=str(rc.get("user", "")), logtype=str(rc.get("logtype") or ""),
                  logaction=str(rc.get("logaction") or ""),
                  target=str(params.get("target_title") or "") if isinstance(params, Mapping)
                  else "")


def from_event(event: Mapping[str, Any], server_name: str) -> Change | None:
    """A ``recentchange`` message of EventStreams as a change of this wiki; None for a canary
    event, another wiki's change or a message of another shape."""
    meta = event.get("meta")
    if not isinstance(meta, Mapping) or meta.get("domain") == "canary":
        return None
    if event.get("server_name") != server_name:
        return None
    try:
        rcid = int(event["id"])
        title = str(event["title"])
        ns = int(event.get("namespace", 0))
        stamp = datetime.fromtimestamp(int(event["timestamp"]), UTC)
    except (KeyError, TypeError, ValueError, OverflowError, OSError):
        return None
    params = event.get("log_params")
    target = params.get("target") if isinstance(params, Mapping) else ""
    return Change(rcid=rcid, title=title, ns=ns, type=str(event.get("type", "edit")),
                  timestamp=stamp.strftime("%Y-%m-%dT%H:%M:%SZ"),
                  user=str(event.get("user", "")), logtype=str(event.get("log_type") or ""),
                  logaction=str(event.get("log_action") or ""), target=str(target or ""))


@dataclass(frozen=True)
class Interest:
    """What the hub watches: pages with records (the snapshot's), pages it reads for its
    settings, and whose changes are its own."""

    known: Callable[[str], bool]  # a page the snapshot has records of
    watched: frozenset[str] = frozenset()  # the subscribers page, the vocabularies, the shutoff
    watched_prefixes: tuple[str, ...] = ()  # translation pages
    state_prefix: str = ""  # the bot's state pages (the shutoff page is watched, the rest not)
    bot: str = ""  # the bot's own edits are never a reason to update

    def is_watched(self, title: str) -> bool:
        return title in self.watched or title.startswith(self.watched_prefixes)

    def sort(self, changes: Iterable[Change]) -> tuple[list[Change], list[Change]]:
        """(changes that need an update, changes of pages the snapshot does not know, which
        need an update only if the page holds a record now)."""
        needed: list[Change] = []
        unknown: list[Change] = []
        for change in changes:
            if change.user == self.bot:
                continue
            titles = change.titles
            if any(self.is_watched(t) for t in titles) or change.ns in TEMPLATE_NAMESPACES:
                needed.append(change)
            elif all(t.startswith(self.state_prefix) for t in titles) and self.state_prefix:
                continue
            elif any(self.known(t) for t in titles):
                needed.append(change)
            elif change.type == "log" and change.logtype == "delete":
                continue  # a page unknown to the snapshot is gone: nothing to drop
            else:
                unknown.append(change)
        return needed, unknown


@dataclass
class Pending:
    """Changes seen since the last update, each once, and when to run the next update: after
    ``quiet`` seconds without a new change, or ``max_wait`` seconds after the first one (a
    busy wiki still gets updates), or at once when ``max_changes`` are waiting (memory)."""

    quiet: float
    max_wait: float
    max_changes: int = 5000
    changes: dict[int, Change] = field(default_factory=dict)
    first_at: float | None = None
    last_at: float | None = None
    # Changes above the watermark already taken (an update ran for them, or found they need
    # none): by rcid, not by a high mark, so a change the stream delivers late still counts.
    # Past max_changes the lowest are forgotten and ``floor`` rises above them.
    seen: set[int] = field(default_factory=set)
    floor: int = 0

    def add(self, change: Change, now: float, last_rcid: int) -> bool:
        """Keep ``change`` if it is new: above the watermark and not seen yet."""
        if change.rcid <= max(last_rcid, self.floor) or change.rcid in self.changes \
                or change.rcid in self.seen:
            return False
        self.changes[change.rcid] = change
        self.first_at = now if self.first_at is None else self.first_at
        self.last_at = now
        return True

    def due(self, now: float) -> bool:
        if not self.changes or self.first_at is None or self.last_at is None:
            return False
        return (now - self.last_at >= self.quiet or now - self.first_at >= self.max_wait
                or len(self.changes) >= self.max_changes)

    def wait(self, now: float) -> float | None:
        """Seconds until the update is due (None: nothing waits)."""
        if not self.changes or self.first_at is None or self.last_at is None:
            return None
        return max(0.0, min(self.last_at + self.quiet, self.first_at + self.max_wait) - now)

    def take(self) -> list[Change]:
        """The waiting changes, oldest first; the batch starts again empty."""
        out = [self.changes[rcid] for rcid in sorted(self.changes)]
        self.seen.update(self.changes)
        self.changes.clear()
        self.first_at = self.last_at = None
        if len(self.seen) > self.max_changes:
            kept = sorted(self.seen)[-self.max_changes:]
            self.floor = max(self.floor, min(kept) - 1)
            self.seen = set(kept)
        return out

    def put_back(self, changes: Iterable[Change], now: float) -> None:
        """Changes whose update failed: waiting again, for the next update."""
        for change in changes:
            self.seen.discard(change.rcid)
            self.add(change, now, 0)

    def settle(self, last_rcid: int) -> None:
        """Forget what the watermark now covers (a scheduled harvest may have run)."""
        for rcid in [r for r in self.changes if r <= last_rcid]:
            del self.changes[rcid]
        self.seen = {r for r in self.seen if r > last_rcid}
        if not self.changes:
            self.first_at = self.last_at = None


def complete_from(changes: list[Change], last_rcid: int) -> list[dict[str, Any]]:
    """The changes above the watermark as the harvest reads them, oldest first."""
    return [c.as_recentchange() for c in sorted(changes, key=lambda c: c.rcid)
            if c.rcid > last_rcid]
