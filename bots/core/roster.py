"""The advocate roster's pure logic: who is an advocate, who is active, the state kept on the
wiki between runs, role changes, and how the roster is grouped.

Activity is a small state machine per advocate, driven only by what the wiki says (last edit,
registration, blocks, locks) and the clock (``now`` is always passed in):

* **active**: an edit (or, for an account that never edited, its registration) within
  ``inactive_after``;
* **noticed**: no edit for ``inactive_after``; one notice was left on the talk page, for the
  period that started with the last edit (its delivery id names that period, so a re-run after
  a kill never posts a second one);
* **inactive**: still no edit ``grace`` after the notice, or the account is blocked
  (site-wide, indefinitely), locked, or gone. Inactive advocates are listed in the roster's
  "inactive advocates" section, never removed; the first edit newer than the one they were
  moved with brings them back.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from bots.core.records import Record
from bots.core.times import iso, parse_time
from bots.core.usernames import follow_renames

if TYPE_CHECKING:
    from bots.config import RosterSettings

ACTIVE = "active"
NOTICED = "noticed"
INACTIVE = "inactive"

# Why an advocate is in the inactive section.
REASON_INACTIVE = "inactive"
REASON_BLOCKED = "blocked"
REASON_LOCKED = "locked"
REASON_NO_ACCOUNT = "no-account"
ACCOUNT_REASONS = (REASON_LOCKED, REASON_BLOCKED, REASON_NO_ACCOUNT)  # in order of precedence

DEFAULT_ROLE = "member"
STATE_VERSION = 1


# -- configuration --------------------------------------------------------------------------

@dataclass(frozen=True)
class RosterConfig:
    inactive_after: timedelta = timedelta(days=365)
    grace: timedelta = timedelta(days=30)
    recent: timedelta = timedelta(days=30)  # how much of recent changes the bulk pass reads
    max_suggestions: int = 5

    @classmethod
    def from_settings(cls, section: RosterSettings) -> RosterConfig:
        """From the profile's [roster] (its defaults are bots.config.RosterSettings')."""
        return cls(
            inactive_after=timedelta(days=section.inactive_after_days),
            grace=timedelta(days=section.grace_days),
            recent=timedelta(days=section.recent_days),
            max_suggestions=section.max_suggestions,
        )




# -- accounts -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Account:
    """What list=users (and, where the wiki has CentralAuth, meta=globaluserinfo) said."""

    name: str
    exists: bool = True
    blocked: bool = False  # site-wide and indefinite
    locked: bool = False
    editcount: int = 0
    registration: str = ""


def hard_block(info: Mapping[str, Any]) -> bool:
    """A site-wide, indefinite block (a partial or temporary block does not take anyone off
    the roster)."""
    return bool(info.get("blockid")) and not info.get("blockpartial") and \
        str(info.get("blockexpiry", "")).lower() in ("infinite", "infinity", "indefinite", "never")


def globally_locked(global_info: Mapping[str, Any] | None) -> bool:
    """meta=globaluserinfo's answer: ``locked`` is present (formatversion 1: "") or true."""
    if not global_info or "missing" in global_info:
        return False
    value = global_info.get("locked", False)
    return value is not False and value is not None


def account_from_api(info: Mapping[str, Any] | None,
                     global_info: Mapping[str, Any] | None = None) -> Account:
    info = info or {}
    name = str(info.get("name", ""))
    exists = bool(info) and "missing" not in info and "invalid" not in info
    return Account(name=name, exists=exists, blocked=exists and hard_block(info),
                   locked=globally_locked(global_info),
                   editcount=int(info.get("editcount") or 0),
                   registration=str(info.get("registration") or ""))


# -- the state kept on the wiki -------------------------------------------------------------

@dataclass
class Entry:
    """One advocate in the state page (keyed by the account's current name)."""

    status: str = ACTIVE
    role: str = ""  # the role held (endorsed, bots.core.roles)
    endorsement: str = ""  # the line that gave it (its removal withdraws the role)
    page: str = ""  # where the advocate's record is
    notice_period: str = ""  # the inactivity period a notice was left for (its last edit)
    notice_id: str = ""
    noticed_at: str = ""
    reason: str = ""  # why inactive
    inactive_since: str = ""
    inactive_edit: str = ""  # the last edit when moved; a newer one brings them back
    last_edit: str = ""  # the newest edit a per-user look-up found (see needs_lookup)
    checked: str = ""  # when that look-up was made

    def to_json(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v not in ("", None)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Entry:
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})


@dataclass
class RosterState:
    advocates: dict[str, Entry] = field(default_factory=dict)
    renames: dict[str, str] = field(default_factory=dict)  # old name -> new name
    renames_read_to: str = ""  # timestamp of the newest rename log entry read
    page_revids: dict[str, int] = field(default_factory=dict)  # record page -> revision seen
    log: list[dict[str, Any]] = field(default_factory=list)  # role changes, oldest first
    # generated page -> [section, sha1, bytes, revision] as last written (bots.jobs.index)
    pages: dict[str, list] = field(default_factory=dict)
    exists: bool = False  # read from the wiki (False on the very first run)

    def to_json(self) -> str:
        data = {
            "version": STATE_VERSION,
            "advocates": {u: e.to_json() for u, e in sorted(self.advocates.items())},
            "renames": dict(sorted(self.renames.items())),
            "renames_read_to": self.renames_read_to,
            "page_revids": dict(sorted(self.page_revids.items())),
            "log": self.log,
            "pages": dict(sorted(self.pages.items())),
        }
        return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"

    @classmethod
    def from_json(cls, text: str | None) -> RosterState:
        if not text or not text.strip():
            return cls()
        data = json.loads(text)
        return cls(
            advocates={u: Entry.from_json(e) for u, e in data.get("advocates", {}).items()},
            renames=dict(data.get("renames", {})),
            renames_read_to=data.get("renames_read_to", ""),
            page_revids={p: int(r) for p, r in data.get("page_revids", {}).items()},
            log=list(data.get("log", [])),
            pages=dict(data.get("pages", {})),
            exists=True,
        )

    def statuses(self) -> dict[str, str]:
        """user -> active | noticed | inactive (what matchmaking and the digests need)."""
        return {user: entry.status for user, entry in self.advocates.items()}

    def apply_renames(self, renames: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
        """Record renames (old, new) and move the state of renamed advocates to their new
        name; returns the (old, new) pairs that moved an entry."""
        moved = []
        for old, new in renames:
            if not old or not new or old == new:
                continue
            self.renames[old] = new
        for name in list(self.advocates):
            current = follow_renames(name, self.renames)
            if current != name:
                entry = self.advocates.pop(name)
                self.advocates.setdefault(current, entry)
                moved.append((name, current))
        return moved


# -- the activity state machine -------------------------------------------------------------

_TOKEN_SAFE = re.compile(r"[\w.\-]")


def user_token(user: str) -> str:
    """A username as one word for a delivery id: spaces as underscores, every other character
    that is not a letter, digit, "." or "-" as +XXXX (its code point)."""
    return "".join(ch if _TOKEN_SAFE.fullmatch(ch) else f"+{ord(ch):04X}"
                   for ch in user.replace(" ", "_"))


PERIOD_FORMAT = "%Y%m%dT%H%M%S"


def period_key(last_activity: datetime | None) -> str:
    """The start of an inactivity period (the last edit, or the registration of an account
    that never edited) as one word."""
    return last_activity.astimezone(UTC).strftime(PERIOD_FORMAT) if last_activity else "never"


def period_time(key: str) -> datetime | None:
    try:
        return datetime.strptime(key, PERIOD_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        return None


def notice_delivery_id(user: str, period: str) -> str:
    return f"notice:inactive:{user_token(user)}:{period}"


@dataclass(frozen=True)
class Decision:
    status: str
    entry: Entry
    post_notice: str = ""  # delivery id of a notice to post now ("" = none)
    moved: bool = False  # moved to the inactive section in this run
    returned: bool = False  # came back from the inactive section in this run


LOCK_RECHECK = timedelta(days=7)  # where locks come with the look-up (CentralAuth)


def needs_lookup(entry: Entry | None, now: datetime, config: RosterConfig, *,
                 locks: bool = False) -> bool:
    """Whether an advocate not seen in recent changes needs a per-user look-up of their last
    edit. Not while the last edit an earlier look-up found is so recent that no later edit
    could change the decision (it is a lower bound: any edit since is newer); a margin of
    one recent-changes window before the notice would be due. Where the look-up also brings
    the global lock, at least every ``LOCK_RECHECK``."""
    if entry is None or entry.status != ACTIVE:
        return True
    last, checked = parse_time(entry.last_edit), parse_time(entry.checked)
    if last is None or checked is None:
        return True
    if now - last >= config.inactive_after - config.recent:
        return True
    return locks and now - checked >= LOCK_RECHECK


def _cleared(entry: Entry) -> Entry:
    return replace(entry, status=ACTIVE, notice_period="", notice_id="", noticed_at="",
                   reason="", inactive_since="", inactive_edit="")


def decide(user: str, account: Account, last_edit: datetime | None, entry: Entry | None,
           now: datetime, config: RosterConfig) -> Decision:
    """The next state of one advocate. ``last_edit`` is their newest edit (None: never);
    ``entry`` what the state page says about them."""
    entry = entry or Entry()
    for flag, reason in ((account.locked, REASON_LOCKED), (account.blocked, REASON_BLOCKED),
                         (not account.exists, REASON_NO_ACCOUNT)):
        if flag:
            same = entry.status == INACTIVE and entry.reason == reason
            new = replace(entry, status=INACTIVE, reason=reason,
                          inactive_since=entry.inactive_since if same else iso(now),
                          inactive_edit=iso(last_edit) if not same else entry.inactive_edit)
            return Decision(INACTIVE, new, moved=not same)

    returned = False
    if entry.status == INACTIVE and entry.reason in ACCOUNT_REASONS:
        # The block or lock is gone: judge the advocate by their edits again.
        entry, returned = _cleared(entry), True
    elif entry.status == INACTIVE:
        moved_with = parse_time(entry.inactive_edit)
        if last_edit is not None and (moved_with is None or last_edit > moved_with):
            return Decision(ACTIVE, _cleared(entry), returned=True)
        return Decision(INACTIVE, entry)

    reference = last_edit or parse_time(account.registration)
    if reference is not None and now - reference < config.inactive_after:
        return Decision(ACTIVE, _cleared(entry), returned=returned)
    if entry.status == NOTICED and last_edit is not None:
        noticed_for = period_time(entry.notice_period)
        if noticed_for is None or last_edit > noticed_for:
            # They edited after the notice: that is the answer it asked for.
            return Decision(ACTIVE, _cleared(entry), returned=returned)
    period = period_key(reference)
    if entry.status == NOTICED and entry.notice_period == period:
        noticed_at = parse_time(entry.noticed_at) or now
        if now - noticed_at >= config.grace:
            new = replace(entry, status=INACTIVE, reason=REASON_INACTIVE,
                          inactive_since=iso(now), inactive_edit=iso(last_edit))
            return Decision(INACTIVE, new, moved=True)
        return Decision(NOTICED, entry)
    # Due a notice. The entry records it only once it is on the talk page (see noticed()).
    return Decision(ACTIVE, _cleared(entry), post_notice=notice_delivery_id(user, period),
                    returned=returned)


def noticed(decision: Decision, now: datetime) -> Entry:
    """The entry once the notice of ``decision`` is on the talk page (or was already there)."""
    period = decision.post_notice.rsplit(":", 1)[1]
    return replace(decision.entry, status=NOTICED, notice_period=period,
                   notice_id=decision.post_notice, noticed_at=iso(now))


# -- the advocates --------------------------------------------------------------------------

@dataclass(frozen=True)
class Advocate:
    """One advocate as the roster shows them."""

    user: str  # the account's current name
    record: Record
    status: str = ACTIVE
    reason: str = ""
    inactive_since: str = ""
    inactive_edit: str = ""
    former_name: str = ""  # the name the record gives, when the account was renamed since
    # The role endorsed on the roles page (bots.core.roles); None: as the record says (tests
    # and tools that do not read endorsements).
    held: str | None = None

    @property
    def hides_private(self) -> bool:
        return self.record.hides_private

    @property
    def role(self) -> str:
        """The role the advocate holds (endorsed); ``member`` until it is."""
        return self.held or DEFAULT_ROLE if self.held is not None else self.claimed

    @property
    def claimed(self) -> str:
        """The role their entry asks for."""
        return self.record.value("role") or DEFAULT_ROLE

    @property
    def proposed(self) -> str:
        """The role asked for and not (yet) given; "" when there is none."""
        return self.claimed if self.claimed not in (DEFAULT_ROLE, self.role) else ""

    def values(self, name: str) -> list[str]:
        return self.record.values(name)


def advocate_records(records: Iterable[Record]) -> dict[str, Record]:
    """One record per account (as the records name it): an advocate who signed up twice is
    listed once, by the record on their own user page if there is one, else the newest."""
    best: dict[str, Record] = {}

    def rank(rec: Record, user: str) -> tuple[int, str, int]:
        own = rec.page in (f"User:{user}", f"User:{user.replace(' ', '_')}")
        return (1 if own else 0, rec.timestamp, rec.revid)

    for rec in records:
        if rec.kind != "advocate":
            continue
        user = rec.value("user").strip()
        if not user:
            continue
        if user not in best or rank(rec, user) > rank(best[user], user):
            best[user] = rec
    return best


def group(advocates: Sequence[Advocate], name: str,
          ) -> tuple[dict[str, list[Advocate]], list[Advocate], list[Advocate]]:
    """Advocates grouped by the values of field ``name``: (groups, without a value, hidden).

    An advocate whose record hides the field (a private field, such as a place, of a
    low-profile advocate) is never put in a group: they are returned apart, to be shown by
    username only."""
    groups: dict[str, list[Advocate]] = {}
    without: list[Advocate] = []
    hidden: list[Advocate] = []
    for adv in advocates:
        if not adv.record.shows(name):
            hidden.append(adv)
            continue
        values = adv.values(name)
        if not values:
            without.append(adv)
        for value in values:
            groups.setdefault(value, []).append(adv)
    return groups, without, hidden


# -- role changes ---------------------------------------------------------------------------

@dataclass(frozen=True)
class RoleChange:
    user: str
    old: str  # "" = was not on the roster
    new: str  # "" = left the roster
    page: str
    revid: int = 0  # the revision that made the change (0: not found)
    by: str = ""  # its author ("" = not known)
    at: str = ""  # its time

    def to_json(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v not in ("", 0, None)} | {
            "old": self.old, "new": self.new}


def role_changes(current: Mapping[str, Record], state: RosterState,
                 roles: Mapping[str, str] | None = None) -> list[RoleChange]:
    """Roles that differ from the last known ones. The first run only records the roles it
    finds (it cannot know their history); later, a newcomer with another role than the default
    is logged as given that role, and an advocate who leaves with one as losing it.
    ``roles``: user -> the role they hold (endorsed); by default the records' own."""
    if not state.exists:
        return []
    changes = []
    for user, rec in sorted(current.items()):
        role = (roles.get(user, DEFAULT_ROLE) if roles is not None
                else rec.value("role") or DEFAULT_ROLE)
        entry = state.advocates.get(user)
        if entry is None or not entry.role:
            if role != DEFAULT_ROLE:
                changes.append(RoleChange(user, "", role, rec.page))
        elif entry.role != role:
            changes.append(RoleChange(user, entry.role, role, rec.page))
    for user, entry in sorted(state.advocates.items()):
        if user not in current and entry.role and entry.role != DEFAULT_ROLE:
            changes.append(RoleChange(user, entry.role, "", entry.page))
    return changes


def find_change(new_role: str | None,
                revisions: Sequence[tuple[int, str, str, str | None]]) -> tuple[int, str, str]:
    """The revision that gave an advocate the role ``new_role``. ``revisions`` are (revid,
    author, timestamp, the advocate's role in that revision or None when absent), oldest first,
    all newer than the revision where the old role was last seen (``new_role`` None: the
    record was removed). The change is the last revision whose predecessor had another role;
    returns (revid, author, timestamp), or (0, "", "") when no listed revision has it."""
    found = (0, "", "")
    previous: str | None = "\0"  # the role before the first listed revision was another one
    for revid, author, timestamp, role in revisions:
        if role == new_role and previous != new_role:
            found = (revid, author, timestamp)
        previous = role
    return found
