"""The lease: one run of the bot at a time posts and writes state, whatever machine it is on.

The lease is one line on a state page in the bot's user space (``User:<bot>/Lease``)::

    held by <holder> until 2026-12-06T21:05:00Z (token 3f2a9c0d)

It is taken, renewed and released by an edit that names the revision it replaces (the API's
``baserevid``): when another run saved the page since this one read it, MediaWiki reports an
edit conflict (it cannot merge two edits of the same, only, line), so of two runs that read
the same free lease only one gets it. A holder that is killed stops renewing; its lease
expires and the next run takes it over. Nothing here talks to a wiki: the protocol works on a
:class:`LeaseStore` (the wiki's page in production, a dictionary in the properties).

Clocks: every machine's clock may be off from true time by up to ``skew``. A holder counts its
lease as good only until ``until - skew`` by its own clock; another run counts it as expired
only after ``until + skew`` by its own. Two runs' views therefore never overlap.
"""

from __future__ import annotations

import contextlib
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

from bots.errors import LeaseConflict as Conflict

LINE = re.compile(r"^\s*held by (?P<holder>.+?) until (?P<until>\S+) "
                  r"\(token (?P<token>[0-9a-f]{6,64})\)\s*$")
FREE = "free"  # the page's text when released: a line that no one holds


@dataclass(frozen=True)
class Lease:
    holder: str  # who: host, process, job (for the message of a run that cannot take it)
    until: datetime  # UTC
    token: str  # this taking of the lease (a holder that renews keeps it)

    def line(self) -> str:
        stamp = self.until.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        holder = " ".join(self.holder.split())  # one line, whatever the name
        return f"held by {holder} until {stamp} (token {self.token})"


def parse(text: str | None) -> Lease | None:
    """The lease a page's text records; None when no one holds it (no page, ``free``, or a
    text that is not a lease line: an editor's text blocks no one)."""
    if not text:
        return None
    m = LINE.match(text.strip())
    if m is None:
        return None
    try:
        until = datetime.fromisoformat(m["until"].replace("Z", "+00:00"))
    except ValueError:
        return None
    if until.tzinfo is None:
        until = until.replace(tzinfo=UTC)
    return Lease(m["holder"], until, m["token"])


def new_token() -> str:
    return secrets.token_hex(8)


def expired_for_others(lease: Lease, now: datetime, skew: timedelta) -> bool:
    """Whether a run that does not hold ``lease`` may take it over (its clock says ``now``)."""
    return now > lease.until + skew


def good_for_holder(lease: Lease, now: datetime, skew: timedelta) -> bool:
    """Whether the holder (its clock says ``now``) may still act under ``lease``."""
    return now < lease.until - skew


class LeaseStore(Protocol):
    """The page the lease is on."""

    def read(self) -> tuple[int, str | None]:
        """(revision id, text) of the page now; (0, None) when it does not exist."""

    def write(self, base: int, text: str, *, check: bool = True) -> int:
        """Save ``text`` over revision ``base`` (0: create the page); the new revision's id.
        Raises :class:`Conflict` when the page is no longer at ``base``. ``check``: the
        store may refuse (the shutoff page); not when freeing the lease."""


@dataclass
class Busy:
    """Why a run could not take the lease: who holds it and until when."""

    holder: str
    until: datetime


class LeaseHolder:
    """One run's side of the protocol: :meth:`acquire` once, :meth:`ensure` before each
    act (it renews when half the lease is gone), :meth:`release` at the end."""

    def __init__(self, store: LeaseStore, holder: str, *, clock: Callable[[], datetime],
                 duration: timedelta, skew: timedelta, token: str | None = None,
                 gone: Callable[[str], bool] = lambda holder: False) -> None:
        if duration <= 4 * skew:
            raise ValueError("the lease must last more than four times the clock skew")
        self.store = store
        self.holder = holder
        self.clock = clock
        self.duration = duration
        self.skew = skew
        self.token = token or new_token()
        # Whether a holder is known to be dead (a process of this machine that is no more):
        # its lease need not expire first.
        self.gone = gone
        self.held: Lease | None = None  # what this run last wrote
        self.revid = 0  # the revision it wrote it in
        self.busy: Busy | None = None  # set when acquire found someone else holding it

    def _write(self, base: int) -> bool:
        lease = Lease(self.holder, self.clock() + self.duration, self.token)
        try:
            self.revid = self.store.write(base, lease.line())
        except Conflict:
            self.held = None
            return False
        self.held = lease
        return True

    def acquire(self) -> bool:
        """Take the lease when it is free, expired or ours; False (and :attr:`busy` says
        who has it) otherwise, or when another run took it between our read and our edit."""
        revid, text = self.store.read()
        current = parse(text)
        if current is not None and current.token != self.token \
                and not expired_for_others(current, self.clock(), self.skew) \
                and not self.gone(current.holder):
            self.busy = Busy(current.holder, current.until)
            return False
        if self._write(revid):
            self.busy = None
            return True
        _revid, text = self.store.read()  # who won: for the message
        won = parse(text)
        self.busy = Busy(won.holder, won.until) if won else Busy("?", self.clock())
        return False

    def valid(self) -> bool:
        """Whether this run may act now (by its own clock, without asking the wiki)."""
        return self.held is not None and good_for_holder(self.held, self.clock(), self.skew)

    def ensure(self) -> bool:
        """Before an act: True when the lease is held and good; renewed (an edit over the
        revision this run wrote) once half of it is gone. False: the lease is lost (it
        expired, or someone else's edit came between), and the run must stop acting.

        A lease that ran out while this run waited (a rate-limited edit can wait minutes) is
        taken back by the same edit over the revision this run wrote: any other run's taking
        would be a newer revision, so the edit conflicts then and the run stops."""
        if self.held is None:
            return False
        now = self.clock()
        if good_for_holder(self.held, now, self.skew) \
                and self.held.until - now > self.duration / 2:
            return True
        return self._write(self.revid)

    def release(self) -> None:
        """Free the lease (an edit over our revision: if someone else's came between, theirs
        stays). Called at the end of the run; a run that dies leaves it to expire."""
        if self.held is None:
            return
        self.held = None
        with contextlib.suppress(Conflict):  # someone else's edit came between: theirs stays
            self.revid = self.store.write(self.revid, FREE, check=False)
