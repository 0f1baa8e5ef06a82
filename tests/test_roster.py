"""The roster's pure logic (bots.core.roster) and rendering (bots.core.render.roster)."""

from __future__ import annotations

import json
import re
import tomllib
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bots.config import RosterSettings, parse_config
from bots.core import delivery
from bots.core.matching import Reason, Suggestion
from bots.core.messages import Messages
from bots.core.records import Record
from bots.core.render.partlinks import PageSet
from bots.core.render.roster import RosterRenderer
from bots.core.roster import (
    ACTIVE,
    INACTIVE,
    NOTICED,
    Account,
    Advocate,
    Entry,
    RoleChange,
    RosterConfig,
    RosterState,
    account_from_api,
    advocate_records,
    decide,
    find_change,
    follow_renames,
    group,
    needs_lookup,
    notice_delivery_id,
    noticed,
    role_changes,
    user_token,
)
from bots.core.schema import load_schema
from bots.core.times import iso
from bots.paths import CONFIG_DIR

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
CFG = RosterConfig()  # 365 days, 30 days of grace
OK = Account("A", editcount=10, registration="2020-01-01T00:00:00Z")
SCHEMA = load_schema()


def ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


# -- configuration --------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["local", "meta"])
def test_profiles_configure_the_roster(name: str) -> None:
    with open(CONFIG_DIR / f"{name}.toml", "rb") as fh:
        data = tomllib.load(fh)
    cfg = RosterConfig.from_settings(parse_config(data, name).roster)
    assert (cfg.inactive_after, cfg.grace, cfg.max_suggestions) == (
        timedelta(days=365), timedelta(days=30), 5)
    pages = data["hub"]["pages"]
    assert pages["roster_log"].startswith("Advocacy Hub/")
    assert pages["help_wanted"].startswith("Advocacy Hub/")


def test_config_defaults_and_overrides() -> None:
    assert RosterConfig.from_settings(RosterSettings()) == RosterConfig()
    cfg = RosterConfig.from_settings(RosterSettings(inactive_after_days=90, grace_days=7))
    assert cfg.inactive_after == timedelta(days=90) and cfg.grace == timedelta(days=7)


# -- accounts, blocks, locks, renames -------------------------------------------------------

def test_account_from_list_users() -> None:
    assert not account_from_api({"name": "X", "missing": True}).exists
    assert not account_from_api({"name": "<x>", "invalid": True}).exists
    assert not account_from_api(None).exists
    info = {"name": "X", "userid": 3, "editcount": 7, "registration": "2020-01-01T00:00:00Z"}
    acct = account_from_api(info)
    assert (acct.exists, acct.blocked, acct.locked, acct.editcount) == (True, False, False, 7)


@pytest.mark.parametrize(("block", "hard"), [
    ({"blockid": 1, "blockexpiry": "infinite"}, True),
    ({"blockid": 1, "blockexpiry": "infinity"}, True),
    ({"blockid": 1, "blockexpiry": "infinite", "blockpartial": True}, False),
    ({"blockid": 1, "blockexpiry": "2030-01-01T00:00:00Z"}, False),
    ({}, False),
])
def test_only_sitewide_indefinite_blocks_count(block: dict, hard: bool) -> None:
    assert account_from_api({"name": "X", "userid": 3, **block}).blocked is hard


@pytest.mark.parametrize(("global_info", "locked"), [
    ({"home": "metawiki", "id": 1, "locked": ""}, True),  # formatversion 1
    ({"home": "metawiki", "id": 1, "locked": True}, True),  # formatversion 2
    ({"home": "metawiki", "id": 1}, False),
    ({"missing": ""}, False),
    (None, False),  # no CentralAuth: never locked
])
def test_lock_decision_from_globaluserinfo(global_info, locked: bool) -> None:
    assert account_from_api({"name": "X", "userid": 3}, global_info).locked is locked


def test_renames_are_followed_through_chains_and_cycles() -> None:
    renames = {"A": "B", "B": "C", "X": "Y", "Y": "X"}
    assert follow_renames("A", renames) == "C"
    assert follow_renames("Q", renames) == "Q"
    assert follow_renames("X", renames) == "X"  # a cycle ends where it started
    assert follow_renames("Y", renames) == "Y"


def test_state_moves_with_a_rename_and_round_trips() -> None:
    state = RosterState(advocates={"Old": Entry(status=NOTICED, role="coordinator",
                                                notice_period="20250101T000000")})
    moved = state.apply_renames([("Old", "New")])
    assert moved == [("Old", "New")]
    assert set(state.advocates) == {"New"}
    back = RosterState.from_json(state.to_json())
    assert back.exists and back.renames == {"Old": "New"}
    assert back.advocates["New"] == state.advocates["New"]
    assert RosterState.from_json(None).exists is False
    assert state.to_json() == back.to_json()  # stable text: no edit when nothing changed


# -- the activity state machine -------------------------------------------------------------

def test_recent_edit_is_active() -> None:
    d = decide("A", OK, ago(10), None, NOW, CFG)
    assert (d.status, d.post_notice, d.moved) == (ACTIVE, "", False)


def test_a_new_account_that_never_edited_is_active_until_a_year_after_registering() -> None:
    fresh = Account("A", editcount=0, registration=(ago(100)).strftime("%Y-%m-%dT%H:%M:%SZ"))
    assert decide("A", fresh, None, None, NOW, CFG).status == ACTIVE
    old = Account("A", editcount=0, registration=(ago(400)).strftime("%Y-%m-%dT%H:%M:%SZ"))
    d = decide("A", old, None, None, NOW, CFG)
    assert d.post_notice == notice_delivery_id("A", ago(400).strftime("%Y%m%dT%H%M%S"))


def test_notice_then_grace_then_inactive_then_back() -> None:
    last = ago(400)
    first = decide("A", OK, last, None, NOW, CFG)
    assert first.post_notice.startswith("notice:inactive:A:")
    assert first.status == ACTIVE  # not noticed until the notice is on the talk page
    entry = noticed(first, NOW)
    assert entry.status == NOTICED and entry.notice_id == first.post_notice

    # The same run again (or a run killed before saving its state): the same delivery id,
    # so post_once finds its marker and does not post twice.
    assert decide("A", OK, last, None, NOW, CFG).post_notice == first.post_notice

    waiting = decide("A", OK, last, entry, NOW + timedelta(days=29), CFG)
    assert (waiting.status, waiting.post_notice, waiting.moved) == (NOTICED, "", False)

    moved = decide("A", OK, last, entry, NOW + timedelta(days=30), CFG)
    assert (moved.status, moved.moved, moved.entry.reason) == (INACTIVE, True, "inactive")
    assert moved.entry.inactive_edit == last.strftime("%Y-%m-%dT%H:%M:%SZ")

    later = NOW + timedelta(days=90)
    stays = decide("A", OK, last, moved.entry, later, CFG)
    assert (stays.status, stays.moved, stays.post_notice) == (INACTIVE, False, "")

    # Any edit newer than the one they were moved with brings them back, whatever the clock.
    back = decide("A", OK, last + timedelta(days=1), moved.entry, later, CFG)
    assert (back.status, back.returned) == (ACTIVE, True)
    assert back.entry.reason == "" and back.entry.notice_id == ""


def test_an_edit_after_the_notice_cancels_it() -> None:
    last = ago(400)
    entry = noticed(decide("A", OK, last, None, NOW, CFG), NOW)
    d = decide("A", OK, last + timedelta(seconds=1), entry, NOW + timedelta(days=40), CFG)
    assert (d.status, d.post_notice) == (ACTIVE, "")
    # A new, later period of inactivity gets a new notice (a new delivery id).
    again = decide("A", OK, last + timedelta(days=5), Entry(), NOW + timedelta(days=400), CFG)
    assert again.post_notice and again.post_notice != entry.notice_id


@pytest.mark.parametrize(("acct", "reason"), [
    (Account("A", blocked=True, editcount=3), "blocked"),
    (Account("A", locked=True, editcount=3), "locked"),
    (Account("A", locked=True, blocked=True, editcount=3), "locked"),
    (Account("A", exists=False), "no-account"),
])
def test_blocked_locked_and_missing_accounts_move_at_once(acct: Account, reason: str) -> None:
    d = decide("A", acct, ago(1), None, NOW, CFG)
    assert (d.status, d.entry.reason, d.moved, d.post_notice) == (INACTIVE, reason, True, "")
    assert d.entry.inactive_since == NOW.strftime("%Y-%m-%dT%H:%M:%SZ")
    again = decide("A", acct, ago(1), d.entry, NOW + timedelta(days=3), CFG)
    assert (again.moved, again.entry.inactive_since) == (False, d.entry.inactive_since)
    # Unblocked / unlocked: judged by their edits again.
    free = decide("A", OK, ago(1), d.entry, NOW + timedelta(days=3), CFG)
    assert (free.status, free.returned, free.entry.reason) == (ACTIVE, True, "")


@pytest.mark.parametrize("user", ["Jane Doe", "O'Brien (WMDE)", "हिन्दी सदस्य", "A/B:C", "李雷"])
def test_notice_ids_are_one_word_for_any_username(user: str) -> None:
    ident = notice_delivery_id(user, "20250101T000000")
    assert delivery.marker(ident)  # raises for anything but one word
    assert ident.startswith("notice:inactive:") and " " not in ident
    assert user_token(user) != user_token(user + "x")


# -- roles ----------------------------------------------------------------------------------

def rec(user: str, role: str = "member", page: str = "Advocacy Hub/Advocates/Sign-up",
        **fields) -> Record:
    return Record(kind="advocate", page=page, fields={"user": user, "role": role, **fields},
                  revid=5, timestamp="2026-01-01T00:00:00Z")


def test_role_changes() -> None:
    current = {"A": rec("A", "coordinator"), "B": rec("B"), "New": rec("New", "topic-lead")}
    assert role_changes(current, RosterState()) == []  # the first run only records roles
    state = RosterState(advocates={"A": Entry(role="member"), "B": Entry(role="member"),
                                   "Gone": Entry(role="regional-contact", page="User:Gone")},
                        exists=True)
    changes = {(c.user, c.old, c.new) for c in role_changes(current, state)}
    assert changes == {("A", "member", "coordinator"), ("New", "", "topic-lead"),
                       ("Gone", "regional-contact", "")}
    log = RoleChange("A", "member", "coordinator", "P", 9, "Admin", "t").to_json()
    assert log["by"] == "Admin" and log["old"] == "member"


def test_find_change_credits_the_edit_that_gave_the_role() -> None:
    history = [(10, "Vandal", "t1", "coordinator"), (11, "Fixer", "t2", "member"),
               (12, "Coordinator", "t3", "coordinator"), (13, "Someone", "t4", "coordinator")]
    assert find_change("coordinator", history) == (12, "Coordinator", "t3")
    assert find_change("topic-lead", history) == (0, "", "")
    assert find_change(None, [(20, "Remover", "t5", None)]) == (20, "Remover", "t5")
    assert find_change("member", [(3, "Me", "t", "member")]) == (3, "Me", "t")


def test_one_record_per_advocate_prefers_their_own_user_page() -> None:
    hub = rec("A", "member")
    own = rec("A", "coordinator", page="User:A")
    nobody = Record(kind="advocate", page="P", fields={"user": ""})
    case = Record(kind="case", page="C", fields={"title": "x"})
    got = advocate_records([own, hub, nobody, case])
    assert list(got) == ["A"] and got["A"] is own


# -- grouping and rendering -----------------------------------------------------------------

def adv(user: str, status: str = ACTIVE, **fields) -> Advocate:
    fields = {"role": "member", "profile": "public", **fields}
    return Advocate(user=user, record=rec(user, **fields), status=status)


def test_grouping_by_place_sets_low_profile_advocates_apart() -> None:
    people = [adv("Public", regions=["LAC"]), adv("Quiet", regions=["MENA"], profile="low"),
              adv("Nowhere")]
    groups, without, hidden = group(people, "regions")
    assert list(groups) == ["LAC"] and [a.user for a in hidden] == ["Quiet"]
    assert [a.user for a in without] == ["Nowhere"]
    # Topics are not private: the same advocate is grouped by them like anyone else.
    people[1] = adv("Quiet", regions=["MENA"], topics=["copyright"], profile="low")
    groups, _, hidden = group(people, "topics")
    assert [a.user for a in groups["copyright"]] == ["Quiet"] and hidden == []


def renderer(lang: str = "en") -> RosterRenderer:
    pages = PageSet(titles={"roster": "Advocacy Hub/Advocates",
                            "roster_log": "Advocacy Hub/Advocates/Log",
                            "help_wanted": "Advocacy Hub/Help wanted",
                            "signup": "Advocacy Hub/Advocates/Sign-up"},
                    base_lang="en", languages=["en", "es", "zh"])
    return RosterRenderer(SCHEMA, Messages(lang), pages, CFG)


def test_the_roster_never_shows_where_a_low_profile_advocate_works() -> None:
    people = [adv("Open Person", regions=["LAC"], jurisdictions=["BR"], topics=["copyright"],
                  languages=["pt"]),
              adv("Quiet Person", regions=["MENA"], jurisdictions=["IR"], topics=["copyright"],
                  languages=["fa"], profile="low")]
    text = renderer().roster(people)
    assert "Quiet Person" in text
    assert "Iran" not in text and "Middle East" not in text
    assert "Brazil" in text and "Latin America" in text
    by_region = text.split("== By region ==")[1].split("== By topic ==")[0]
    assert "Location not shown (1)" in by_region
    assert "فارسی" in text  # languages in their own script
    zh = renderer("zh").roster(people)
    assert "伊朗" not in zh and "巴西" in zh


def test_the_roster_lists_inactive_advocates_with_the_reason() -> None:
    gone = Advocate(user="Sleeper", record=rec("Sleeper"), status=INACTIVE, reason="inactive",
                    inactive_since="2026-05-01T00:00:00Z", inactive_edit="2025-01-02T00:00:00Z")
    blocked = Advocate(user="Blocked One", record=rec("Blocked One"), status=INACTIVE,
                       reason="blocked", inactive_since="2026-05-02T00:00:00Z")
    text = renderer().roster([adv("Awake"), gone, blocked])
    active, inactive = text.split("== Inactive advocates (2) ==")
    assert "Awake" in active and "Sleeper" not in active and "Blocked One" not in active
    assert "No edit since 2025-01-02" in inactive
    assert "Blocked indefinitely" in inactive and "Special:BlockList/Blocked One" in inactive
    assert "[[:User talk:Sleeper|talk]]" in inactive


def test_renamed_advocates_show_their_former_name_escaped() -> None:
    a = Advocate(user="New", record=rec("Old"), former_name="Old''{{x}}")
    text = renderer().roster([a])
    assert "formerly Old&#39;&#39;&#123;&#123;x&#125;&#125;" in text
    assert "{{x}}" not in text


def test_role_log_and_help_wanted_render_safely() -> None:
    r = renderer()
    log = r.log([{"user": "A", "old": "member", "new": "coordinator", "by": "Boss",
                  "at": "2026-05-01T10:00:00Z", "revid": 42, "page": "P"},
                 {"user": "B", "old": "", "new": "topic-lead", "at": "2026-05-02T10:00:00Z",
                  "page": "P"}])
    assert "[[:User:Boss|Boss]]" in log and "[[:Special:Diff/42|diff]]" in log
    assert "Coordinator" in log and "(not on the roster)" in log and "unknown" in log
    assert log.index("User:B|") < log.index("User:A|")  # newest first
    hostile = Record(kind="case", page="Advocacy Hub/Cases/H", fields={
        "title": "H ]] [[Category:Spam", "jurisdiction": ["BR"], "topics": ["copyright"],
        "help_wanted": "{{delete}} __NOTOC__ ~~~~ <script>x</script>\n== Heading ==",
        "alert": "yes"})
    sugg = Suggestion("Helper", 8, (Reason("topic", "copyright"), Reason("language", "pt")))
    page = r.help_wanted([(hostile, [sugg])])
    for bad in ("{{delete}}", "__NOTOC__", "~~~~", "<script>", "\n== Heading", "[[Category"):
        assert bad not in page
    assert "works on Copyright; speaks português" in page
    assert "Urgent alert" in page
    assert re.search(r"\[\[:User:Helper\|Helper\]\]", page)
    empty = r.help_wanted([])
    assert "No case asks for help right now." in empty


def test_state_json_is_what_the_digests_can_read() -> None:
    state = RosterState(advocates={"A": Entry(status=ACTIVE, role="member"),
                                   "B": Entry(status=INACTIVE, reason="blocked")})
    data = json.loads(state.to_json())
    assert data["advocates"]["B"]["status"] == "inactive"
    assert RosterState.from_json(state.to_json()).statuses() == {"A": ACTIVE, "B": INACTIVE}


def test_region_groups_show_only_the_countries_in_that_region() -> None:
    both = adv("Two Places", regions=["LAC", "NWE"], jurisdictions=["BR", "DE"])
    text = renderer().roster([both])
    lac = text.split("=== Latin America & Caribbean (1) ===")[1].split("===")[0]
    nwe = text.split("=== Northern & Western Europe (1) ===")[1].split("==")[0]
    assert "(Brazil)" in lac and "Germany" not in lac
    assert "(Germany)" in nwe and "Brazil" not in nwe


def test_reasons_of_one_kind_are_said_once() -> None:
    r = renderer()
    reasons = (Reason("topic", "copyright"), Reason("topic", "freedom-of-panorama"),
               Reason("jurisdiction", "ZA"), Reason("language", "en"))
    assert r.reasons_text(reasons) == ("works on Copyright, Freedom of panorama; "
                                       "works in South Africa; speaks English")
    assert r.reason_text("region", "LAC") == "works in the region Latin America & Caribbean"
    assert renderer("es").reasons_text(reasons[:1]) == "trabaja en Derechos de autor"


# -- long rosters stay within the page budget (issue 13) ------------------------------------

def many(n: int) -> list[Advocate]:
    regions = ["LAC", "MENA", "ESEAP"]
    people = [adv(f"{'ABCDEFGHKMPST'[i % 13]}dvocate {i:04d}", regions=[regions[i % 3]],
                  topics=["copyright"], languages=["pt"], profile="low" if i % 7 == 0
                  else "public") for i in range(n)]
    people += [Advocate(user=f"Sleeper {i:03d}", record=rec(f"Sleeper {i:03d}"), status=INACTIVE,
                        reason="inactive", inactive_since="2026-05-01T00:00:00Z")
               for i in range(n // 5)]
    return people


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 300), st.sampled_from([20_000, 40_000, 10**9]))
def test_a_long_roster_is_split_within_the_budget_and_lists_everyone_once(n, budget) -> None:
    people = many(n)
    pages = renderer().roster_pages(people, budget)
    if renderer().roster(people).encode().__len__() <= budget:
        assert pages == {"": renderer().roster(people)}  # below the budget nothing changes
        return
    assert all(len(text.encode()) <= budget for text in pages.values())
    first_cell = re.compile(r"^\| data-sort-value=.*? \| \[\[:User:([^|\]]+)\|", re.M)
    listed = [m for suffix, text in pages.items() if suffix.startswith("All")
              for m in first_cell.findall(text)]
    assert sorted(listed) == sorted(a.user for a in people if a.status == ACTIVE)
    sleeping = [m for suffix, text in pages.items() if suffix.startswith("Inactive")
                for m in first_cell.findall(text)]
    assert sorted(sleeping) == sorted(a.user for a in people if a.status == INACTIVE)
    overview = pages[""]
    assert "== By region ==" in overview and "Location not shown" in overview
    for suffix in pages:  # every part is linked from the overview
        if suffix:
            assert f"[[:Advocacy Hub/Advocates/{suffix}|" in overview, suffix


def test_a_split_roster_hides_low_profile_places_too() -> None:
    people = many(200)
    pages = renderer().roster_pages(people, 20_000)
    assert len(pages) > 3
    quiet = [a.user for a in people if a.hides_private]
    for text in pages.values():
        for row in text.split("\n|-\n"):
            if any(f"[[:User:{q}|" in row for q in quiet):
                assert "not shown" in row and "Middle East" not in row


def test_the_role_log_and_help_wanted_split_too() -> None:
    entries = [{"at": f"20{20 + i % 7}-0{1 + i % 9}-01T00:00:00Z", "user": f"U{i}",
                "old": "member", "new": "coordinator", "by": "Admin", "revid": i + 1}
               for i in range(400)]
    pages = renderer().log_pages(entries, 10_000)
    assert len(pages) > 3 and all(len(t.encode()) <= 10_000 for t in pages.values())
    rows = sum(t.count("[[:Special:Diff/") for s, t in pages.items() if s)
    assert rows == 400
    assert renderer().log_pages(entries[:3], 10_000) == {"": renderer().log(entries[:3])}
    cases = [(Record(kind="case", page=f"Advocacy Hub/Cases/C{i}",
                     fields={"title": f"{'XYZ'[i % 3]} case {i}", "alert": "no",
                             "help_wanted": "Someone who reads Portuguese law. " * 3}), [])
             for i in range(120)]
    pages = renderer().help_wanted_pages(cases, 6_000)
    assert len(pages) > 3 and all(len(t.encode()) <= 6_000 for t in pages.values())
    assert sum(t.count("=== ") for s, t in pages.items() if s) == 120


# -- per-user look-ups remembered (issue 13: the roster at 10,000 advocates) ----------------

@settings(max_examples=300, deadline=None)
@given(st.integers(0, 800), st.integers(0, 800), st.integers(0, 800), st.booleans())
def test_a_remembered_last_edit_is_used_only_when_no_later_edit_could_change_anything(
        edit_days_ago, checked_days_ago, later_days_ago, locks) -> None:
    checked_days_ago = min(checked_days_ago, edit_days_ago)
    entry = Entry(status=ACTIVE, last_edit=iso(NOW - timedelta(days=edit_days_ago)),
                  checked=iso(NOW - timedelta(days=checked_days_ago)))
    if needs_lookup(entry, NOW, CFG, locks=locks):
        return
    cached = decide("A", OK, NOW - timedelta(days=edit_days_ago), entry, NOW, CFG)
    # Any edit the look-up would have found is at least as new as the remembered one.
    newer = NOW - timedelta(days=min(later_days_ago, edit_days_ago))
    fresh = decide("A", OK, newer, entry, NOW, CFG)
    assert (cached.status, cached.post_notice) == (fresh.status, fresh.post_notice)
    assert cached.status == ACTIVE and not cached.post_notice
    if locks:
        assert checked_days_ago < 7  # a lock is looked for at least weekly


def test_who_is_looked_up_again() -> None:
    def entry(edit: int, checked: int = 0, status: str = ACTIVE) -> Entry:
        return Entry(status=status, last_edit=iso(NOW - timedelta(days=edit)),
                     checked=iso(NOW - timedelta(days=checked)))
    assert needs_lookup(None, NOW, CFG)  # never looked up
    assert not needs_lookup(entry(100, 3), NOW, CFG)
    assert needs_lookup(entry(336, 3), NOW, CFG)  # a notice may be due within the window
    assert needs_lookup(entry(10, status=NOTICED), NOW, CFG)
    assert not needs_lookup(entry(100, 6), NOW, CFG, locks=True)
    assert needs_lookup(entry(100, 8), NOW, CFG, locks=True)
