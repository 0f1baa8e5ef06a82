"""The watcher's bookkeeping (bots.core.watch): changes from both sources, what matters to the
hub, the debounce, and, as a Hypothesis property, exactly-once processing and alerts over
streams with duplicates, replays, reorderings and crashes."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bots.core.digest import alert_id, raise_alerts
from bots.core.watch import (
    Change,
    Interest,
    Pending,
    complete_from,
    from_event,
    from_recentchange,
)

HOST = "meta.wikimedia.org"
BOT = "Advocacy Hub Bot"


def event(rcid: int, title: str, **extra) -> dict:
    """A recentchange message as EventStreams sends it (the fields the watcher reads)."""
    return {"$schema": "/mediawiki/recentchange/1.0.0", "id": rcid, "type": "edit",
            "namespace": 0, "title": title, "timestamp": 1764615600 + rcid, "user": "Ana",
            "bot": False, "server_name": HOST, "wiki": "metawiki",
            "meta": {"domain": HOST, "stream": "mediawiki.recentchange",
                     "id": f"00000000-0000-0000-0000-{rcid:012d}"}, **extra}


def test_a_stream_message_becomes_the_change_the_api_lists() -> None:
    change = from_event(event(7, "Advocacy Hub/Cases/X"), HOST)
    assert change == Change(rcid=7, title="Advocacy Hub/Cases/X", ns=0, type="edit",
                            timestamp="2025-12-01T19:00:07Z", user="Ana")
    moved = from_event(event(8, "Old", type="log", log_type="move", log_action="move",
                             log_params={"target": "New", "noredir": "0"}), HOST)
    assert moved is not None and moved.titles == ("Old", "New")
    assert moved.as_recentchange()["logparams"] == {"target_title": "New"}
    # The API's form and the stream's agree on what the harvest reads.
    api = {"rcid": 8, "type": "log", "ns": 0, "title": "Old", "timestamp": moved.timestamp,
           "user": "Ana", "logtype": "move", "logaction": "move",
           "logparams": {"target_title": "New"}}
    assert from_recentchange(api) == moved
    # A log entry whose action was hidden has no title: no change, and no crash.
    hidden = {"rcid": 9, "type": "log", "ns": 0, "timestamp": moved.timestamp,
              "logtype": "delete", "logaction": "delete", "actionhidden": True}
    assert from_recentchange(hidden) is None


def test_canaries_other_wikis_and_odd_messages_are_no_change() -> None:
    assert from_event(event(1, "A", meta={"domain": "canary"}), HOST) is None
    assert from_event(event(1, "A", server_name="en.wikipedia.org"), HOST) is None
    assert from_event({"meta": {"domain": HOST}, "server_name": HOST}, HOST) is None
    assert from_event(event(1, "A", timestamp="soon"), HOST) is None
    assert from_event({}, HOST) is None


def interest(known=(), **kw) -> Interest:
    return Interest(known=set(known).__contains__,
                    watched=frozenset({"Advocacy Hub/Newsletter/Subscribers",
                                       "Module:Advocacy/Vocabularies.json",
                                       f"User:{BOT}/Shutoff"}),
                    watched_prefixes=("Module:Advocacy/i18n/",),
                    state_prefix=f"User:{BOT}/", bot=BOT, **kw)


def test_what_matters_to_the_hub() -> None:
    changes = [Change(1, "Advocacy Hub/Cases/Known"), Change(2, "Unknown page"),
               Change(3, "Advocacy Hub/Cases/Known", user=BOT),  # the bot's own
               Change(4, f"User:{BOT}/Snapshot.json", user="Vandal"),  # state: not a record
               Change(5, f"User:{BOT}/Shutoff", user="Ana"),  # watched
               Change(6, "Module:Advocacy/i18n/es.json", ns=828),
               Change(7, "Template:Case", ns=10),  # a redirect to a record template?
               Change(8, "Gone", type="log", logtype="delete", logaction="delete"),
               Change(9, "Old", type="log", logtype="move", target="Advocacy Hub/Cases/Known"),
               Change(10, "Advocacy Hub/Newsletter/Subscribers")]
    needed, unknown = interest(known={"Advocacy Hub/Cases/Known"}).sort(changes)
    assert [c.rcid for c in needed] == [1, 5, 6, 7, 9, 10]
    assert [c.rcid for c in unknown] == [2]  # asked: does it hold a record now?


def test_debounce_quiet_period_and_max_wait() -> None:
    p = Pending(quiet=3, max_wait=10)
    assert p.wait(0) is None and not p.due(0)
    assert p.add(Change(5, "A"), 0.0, last_rcid=4)
    assert not p.add(Change(5, "A"), 1.0, last_rcid=4)  # the same event again
    assert not p.add(Change(4, "B"), 1.0, last_rcid=4)  # at the watermark: harvested
    assert p.add(Change(6, "A"), 2.0, last_rcid=4)
    assert not p.due(4.9) and p.wait(4.9) is not None and abs(p.wait(4.9) - 0.1) < 1e-9
    assert p.due(5.0)  # three quiet seconds
    busy = Pending(quiet=3, max_wait=10)
    for t in range(0, 12, 2):  # an edit every two seconds: never quiet
        busy.add(Change(100 + t, "A"), float(t), 0)
        if busy.due(float(t)):
            break
    assert t == 10  # the max wait
    assert [c.rcid for c in p.take()] == [5, 6] and not p.changes
    assert not p.add(Change(6, "A"), 6.0, 4)  # taken already: a replay adds nothing
    p.settle(6)
    assert not p.seen and not p.add(Change(6, "A"), 7.0, 6)


def test_pending_stays_bounded() -> None:
    p = Pending(quiet=1, max_wait=5, max_changes=10)
    for rcid in range(1, 11):
        p.add(Change(rcid, "A"), 0.0, 0)
    assert p.due(0.0)  # full: at once
    p.take()
    for rcid in range(11, 31):
        p.add(Change(rcid, "A"), 0.0, 0)
        if p.due(0.0):
            p.take()
    assert len(p.seen) <= 10 and p.floor >= 10
    assert not p.add(Change(3, "A"), 0.0, 0)


def test_complete_from_skips_what_the_watermark_covers() -> None:
    out = complete_from([Change(9, "B"), Change(3, "A"), Change(12, "C")], last_rcid=5)
    assert [c["rcid"] for c in out] == [9, 12]


def test_raise_alerts_plans_each_raise_once() -> None:
    state: dict[str, dict] = {}
    assert raise_alerts(state, {"Case A": 10})
    first = state["Case A"]["id"]
    state["Case A"]["done"] = True
    assert not raise_alerts(state, {"Case A": 11})  # still raised: no new alert
    assert {k: state["Case A"][k] for k in ("id", "done")} == {"id": first, "done": True}
    assert raise_alerts(state, {}) and state == {}  # lowered
    assert raise_alerts(state, {"Case A": 12}) and state["Case A"]["id"] == alert_id("Case A", 12)


# -- the property -------------------------------------------------------------------------------

CASES = ["Advocacy Hub/Cases/A", "Advocacy Hub/Cases/B", "Advocacy Hub/Cases/C"]
OTHER = ["Talk:Somewhere", "User:Ana/sandbox"]  # never hold a record
USERS = ["Ana", "Bo"]  # advocates every alert matches


@dataclass
class Wiki:
    """The wiki as the model sees it: its recent changes, and what persists across a crash
    (the snapshot head with its watermark, Digest.json, the talk pages' markers)."""

    rc: list[tuple[Change, bool]] = field(default_factory=list)  # (change, alert=yes after)
    last_rcid: int = 0
    snapshot: dict[str, tuple[int, bool]] = field(default_factory=dict)  # page -> revid, alert
    alerts: dict[str, dict] = field(default_factory=dict)
    posted: Counter = field(default_factory=Counter)  # (alert id, user) -> copies
    happened: int = 0  # the changes made so far: rcid 1 to this

    def current(self, title: str) -> tuple[int, bool] | None:
        found = [(c.rcid, alert) for c, alert in self.rc
                 if c.title == title and c.rcid <= self.happened]
        return found[-1] if found and title in CASES else None


class Crash(Exception):
    pass


def update(wiki: Wiki, changes: list[Change] | None, crash_at: int | None) -> None:
    """The watcher's update in the model: the harvest (of ``changes``, or of everything from
    the watermark), then the alerts, with a crash after ``crash_at`` steps."""
    steps = 0

    def step() -> None:
        nonlocal steps
        steps += 1
        if crash_at is not None and steps > crash_at:
            raise Crash()

    above = [c for c, _ in wiki.rc if wiki.last_rcid < c.rcid <= wiki.happened
             and c.user != BOT]
    given = above if changes is None else \
        [Change(**{k: v for k, v in rc.items() if k in ("rcid", "title", "user")})
         for rc in complete_from(changes, wiki.last_rcid)]
    snapshot = dict(wiki.snapshot)
    for title in {c.title for c in given}:
        now = wiki.current(title)
        if now is None:
            snapshot.pop(title, None)
        else:
            snapshot[title] = now
    step()
    if given:  # the head: records and watermark in one save
        wiki.snapshot = snapshot
        wiki.last_rcid = max(wiki.last_rcid, *(c.rcid for c in given))
    step()
    raised = {p: rev for p, (rev, alert) in wiki.snapshot.items() if alert}
    if raise_alerts(wiki.alerts, raised):
        step()  # Digest.json saved before any delivery
    for entry in wiki.alerts.values():
        if entry["done"]:
            continue
        for user in USERS:
            if wiki.posted[(entry["id"], user)] == 0:  # the marker, read right before posting
                step()
                wiki.posted[(entry["id"], user)] += 1
        entry["done"] = True
        step()


@st.composite
def histories(draw):
    """Edits of case pages (alert yes or no), of pages with no record and the bot's own,
    then the order a stream delivers them in: replays, duplicates, reordering, crashes."""
    wiki = Wiki()
    n = draw(st.integers(1, 14))
    for rcid in range(1, n + 1):
        title = draw(st.sampled_from(CASES + OTHER))
        # The bot edits no record (its own pages, talk pages): its changes are never news.
        user = draw(st.sampled_from(["Ana", "Ana", BOT] if title in OTHER else ["Ana"]))
        wiki.rc.append((Change(rcid, title, user=user), draw(st.booleans())))
    changes = [c for c, _ in wiki.rc]
    # A poll (complete, in order, from some earlier point again) or the stream (reordered,
    # replayed after a reconnect, duplicates).
    complete = draw(st.booleans())
    delivered: list[Change] = []
    end = 0
    while end < len(changes):  # connections or polls: each from some earlier point
        start = draw(st.integers(0, end))
        end = draw(st.integers(end + 1, len(changes)))
        chunk = changes[start:end]
        if not complete:
            chunk = draw(st.permutations(chunk))
            chunk += draw(st.lists(st.sampled_from(changes[:end]), max_size=3))
        delivered += chunk
    crashes = draw(st.lists(st.tuples(st.integers(0, len(delivered)), st.integers(0, 12)),
                            max_size=3))
    return wiki, delivered, dict(crashes), complete


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(histories())
def test_every_relevant_change_is_processed_and_every_alert_posted_once(case) -> None:
    wiki, delivered, crashes, complete = case

    def start() -> tuple[Pending, bool]:
        return Pending(quiet=1, max_wait=3), True  # a new watcher: catch-up first

    pending, catch_up = start()
    for i, change in enumerate([*delivered, None]):
        # Seen: made, on the wiki (and every change before it: the wiki numbers them in
        # order), whatever becomes of the watcher now.
        wiki.happened = len(wiki.rc) if change is None else max(wiki.happened, change.rcid)
        crash_at = crashes.get(i)
        try:
            if catch_up:
                update(wiki, None, crash_at)
                catch_up = False
                crash_at = None
            if change is not None:
                pending.add(change, float(i), wiki.last_rcid)
            if change is None or pending.due(float(i)):
                batch = pending.take()
                needed, unknown = Interest(known=wiki.snapshot.__contains__, bot=BOT
                                           ).sort(batch)
                needed += [c for c in unknown if wiki.current(c.title) is not None]
                if needed:
                    update(wiki, sorted(needed, key=lambda c: c.rcid) if complete else None,
                           crash_at)
        except Crash:
            pending, catch_up = start()  # the process is gone, and its memory with it
    if catch_up:  # killed at the very end: the next watcher's first update
        update(wiki, None, None)

    # Exactly the relevant pages, each as it is now.
    expected = {t: wiki.current(t) for t in CASES if wiki.current(t) is not None}
    assert wiki.snapshot == expected
    # Each alert planned once, posted once to each advocate.
    assert all(n == 1 for n in wiki.posted.values()), wiki.posted
    raised = {p for p, (_, alert) in wiki.snapshot.items() if alert}
    assert set(wiki.alerts) == raised
    for page in raised:
        assert all(wiki.posted[(wiki.alerts[page]["id"], u)] == 1 for u in USERS)
