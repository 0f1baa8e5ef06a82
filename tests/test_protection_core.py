"""Protecting advocates (issue 24), pure: nothing private in anything the bot writes (renderers
and state writers, as a property over generated advocates and cases), roles only by an
endorsement of a holder, alerts held and released, sensitive alerts to the region's contacts."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from bots.core.casetable import case_table
from bots.core.consent import attribute_page
from bots.core.digest import (
    HELD_LIMIT,
    HELD_NEWCOMER,
    hold_alerts,
    raise_alerts,
    release_alerts,
    safety_recipients,
    waiting,
)
from bots.core.featured import pick
from bots.core.matching import help_wanted
from bots.core.messages import Messages
from bots.core.normalise import make_record
from bots.core.render.pages import KnowledgeBase
from bots.core.render.partlinks import PageSet
from bots.core.render.roster import RosterRenderer, roles_page
from bots.core.render.safety import safety_page
from bots.core.roles import endorsement_lines, grants, release_lines, released
from bots.core.roster import ACTIVE, Advocate, RosterConfig
from bots.core.schema import load_schema
from bots.core.snapshot import Snapshot
from bots.core.subscriptions import Attribution, Line, Revision, attribute

SCHEMA = load_schema()
PAGES = PageSet(titles={"roster": "Advocacy Hub/Advocates",
                        "roster_log": "Advocacy Hub/Advocates/Log",
                        "help_wanted": "Advocacy Hub/Help wanted",
                        "signup": "Advocacy Hub/Advocates/Sign-up",
                        "maintenance": "Advocacy Hub/Maintenance",
                        "cases": "Advocacy Hub/Cases", "facets": "Advocacy Hub/Cases/By",
                        "statistics": "Advocacy Hub/Statistics",
                        "roles": "Advocacy Hub/Roles",
                        "safety": "Advocacy Hub/Safety and support"},
                base_lang="en", languages=["en", "es"])
SECRET_PLACES = ["IR", "SY", "YE"]
# What must never be written: the low-profile advocates' places (codes as JSON values, names
# in any language) and the sensitive cases' actors and contacts.
SECRET_WORDS = ["Iran", "Syria", "Yemen", "Middle East", "Irán", "Oriente Medio", '"IR"',
                '"SY"', '"YE"', '"MENA"', "Secret Ministry", "Hidden Contact"]
NOW = datetime(2026, 12, 6, tzinfo=UTC)


def advocate(i: int, low: bool, places: list[str]) -> Advocate:
    raw = {"user": f"Person {i:03d}", "jurisdictions": "; ".join(places),
           "topics": "copyright", "languages": "en",
           "profile": "low" if low else "public", "role": "regional-contact"}
    rec = make_record(SCHEMA.kind("advocate"), "Advocacy Hub/Advocates/Sign-up", raw, SCHEMA,
                      index=i, revid=100 + i, timestamp="2026-12-01T00:00:00Z")
    return Advocate(user=raw["user"], record=rec, status=ACTIVE, held="member")


def case(i: int, sensitive: bool) -> object:
    raw = {"title": f"Case {i}", "summary": "A summary.", "jurisdiction": "BR",
           "topics": "copyright", "start": "2024", "status": "active",
           "help_wanted": "translators", "alert": "yes",
           "actors": "Secret Ministry" if sensitive else "Open Ministry",
           "contacts": "Hidden Contact" if sensitive else "Open Contact"}
    if sensitive:
        raw["sensitive"] = "yes"
    return make_record(SCHEMA.kind("case"), f"Advocacy Hub/Cases/Case {i}", raw, SCHEMA,
                       revid=500 + i, timestamp="2026-12-01T00:00:00Z")


people = st.lists(st.tuples(st.booleans(), st.lists(st.sampled_from([*SECRET_PLACES, "BR"]),
                                                    min_size=1, max_size=2, unique=True)),
                  min_size=1, max_size=15)


@settings(max_examples=40, deadline=None)
@given(people, st.lists(st.booleans(), min_size=1, max_size=4))
def test_nothing_private_in_what_the_bot_writes(who, sensitivity) -> None:
    """Low-profile advocates work in SECRET_PLACES; public ones only in Brazil. Sensitive
    cases name secret actors and contacts. Everything the bot writes from these records (the
    snapshot's head and shards, the Lua case table, the roster, roles, help wanted, case
    index and maintenance pages, in every language) says none of it."""
    roster = [advocate(i, low or any(p in SECRET_PLACES for p in places), places)
              for i, (low, places) in enumerate(who)]
    cases = [case(i, s) for i, s in enumerate(sensitivity)]
    records = [a.record for a in roster] + cases
    snap = Snapshot()
    snap.add_base("Advocacy Hub/Advocates/Sign-up", 1, [a.record for a in roster[:1]])
    snap.set_page("Advocacy Hub/Advocates/Sign-up", 2, [a.record for a in roster])
    for c in cases:
        snap.add_base(c.page, c.revid, [c])
    written = [snap.head_json(), *snap.compacted().shard_payloads()]
    stored = snap.compacted().records()  # what every job reads back
    table = case_table(stored, SCHEMA, ["en", "es"], 2 ** 20)
    written += [table.head_json(["t"]), *table.parts]
    wanted = help_wanted(stored, {a.user: ACTIVE for a in roster})
    for lang in ("en", "es"):
        msgs = Messages(lang)
        renderer = RosterRenderer(SCHEMA, msgs, PAGES, RosterConfig())
        written += renderer.roster_pages(roster, 2 ** 20).values()
        written += renderer.help_wanted_pages(wanted, 2 ** 20).values()
        written.append(roles_page(renderer, roster, "Advocacy Hub/Roles/Endorsements"))
        kb = KnowledgeBase(SCHEMA, msgs, PAGES)
        written += kb.case_index_pages(stored, 2 ** 20).values()
        written += kb.maintenance_pages(records, [], 2 ** 20).values()
    everything = "\n".join(written)
    for word in SECRET_WORDS:
        assert word not in everything, word
    for adv in roster:  # everyone is still there, by name
        assert adv.user in everything
    # The snapshot keeps what a sensitive case or a low profile does not hide.
    assert all(r.value("sensitive") == "yes" for r in stored
               if r.kind == "case" and r.value("title") in
               {c.value("title") for c in cases if c.hides_private})
    assert pick(SCHEMA.kind("case"), [c for c in stored if c.hides_private], NOW) is None


def test_the_snapshot_keeps_a_low_profile_and_a_sensitive_flag_but_no_hidden_value() -> None:
    low = advocate(1, True, ["IR"]).record
    snap = Snapshot()
    snap.set_page(low.page, 1, [low, case(1, True)])
    (adv, sens) = snap.records()
    assert adv.value("profile") == "low" and adv.values("jurisdictions") == []
    assert adv.values("regions") == [] and adv.values("topics") == ["copyright"]
    assert sens.values("contacts") == [] and sens.values("actors") == []
    assert sens.hides_private  # still known as sensitive


def test_the_safety_page_comes_from_messages_and_the_profile() -> None:
    progs = ("Trust and Safety team | https://meta.wikimedia.org/wiki/Trust_and_Safety",
             "Defense of contributors | Legal/Defense")
    en = safety_page(Messages("en"), PAGES, "emergency@wikimedia.org", progs)
    es = safety_page(Messages("es"), PAGES, "emergency@wikimedia.org", progs)
    assert "[mailto:emergency@wikimedia.org emergency@wikimedia.org]" in en
    assert "[https://meta.wikimedia.org/wiki/Trust_and_Safety Trust and Safety team]" in en
    assert "[[:Legal/Defense|Defense of contributors]]" in es
    assert "emergencia" in es and "emergency" in en
    other = safety_page(Messages("en"), PAGES, "help@example.org", ())
    assert "help@example.org" in other and "Trust and Safety" not in other


# -- roles --------------------------------------------------------------------------------------

ROLES_PAGE_PEOPLE = ["Admin", "Ana", "Bo", "Cy", "Di"]
endorse = st.tuples(st.sampled_from(ROLES_PAGE_PEOPLE), st.sampled_from(["add", "remove"]),
                    st.sampled_from(ROLES_PAGE_PEOPLE[1:]),
                    st.sampled_from(["coordinator", "regional-contact", "member"]))


def endorsement_history(edits) -> list[Revision]:
    lines: list[str] = []
    revs = []
    for n, (author, what, user, role) in enumerate(edits, start=1):
        line = f"* {role}: [[User:{user}]]"
        if what == "add" and line not in lines:
            lines.append(line)
        elif what == "remove" and lines:
            lines.pop(n % len(lines))
        revs.append(Revision(n, author, "Roles are given here.\n" + "\n".join(lines),
                             f"2026-01-01T00:{n % 60:02d}:00Z"))
    return revs


@settings(max_examples=150, deadline=None)
@given(st.lists(endorse, max_size=20))
def test_a_role_holds_only_with_an_endorsement_by_a_holder_or_a_maintainer(edits) -> None:
    revs = endorsement_history(edits)
    state = attribute(Attribution(), revs, SCHEMA,
                      lambda text: endorsement_lines(text, SCHEMA))
    held = grants(state, ["Admin"])
    standing = {(line.user, line.author) for line in state.lines}
    for user, grant in held.items():
        assert grant.role != "member"
        assert (f"{grant.role}|{user}", grant.by) in standing  # a line that stands now
        assert grant.by == "Admin" or (grant.by != user and held.get(grant.by) is not None
                                       and held[grant.by].role == grant.role)
    if not any(author == "Admin" for author, *_ in edits):
        assert held == {}  # nothing starts without a maintainer


def test_an_endorsement_chain_and_its_withdrawal() -> None:
    revs = [Revision(1, "Admin", "* coordinator: [[User:Ana]]", "t1"),
            Revision(2, "Ana", "* coordinator: [[User:Ana]]\n* coordinator: [[User:Bo]]", "t2"),
            Revision(3, "Bo", "* coordinator: [[User:Ana]]\n* coordinator: [[User:Bo]]\n"
                              "* regional-contact: [[User:Cy]]", "t3")]
    state = attribute(Attribution(), revs, SCHEMA, lambda t: endorsement_lines(t, SCHEMA))
    held = grants(state, ["Admin"])
    assert {u: (g.role, g.by) for u, g in held.items()} == {
        "Ana": ("coordinator", "Admin"), "Bo": ("coordinator", "Ana")}  # Bo holds no r-c
    # Admin withdraws Ana: Bo's endorsement by Ana falls with it; who removed it is known.
    revs.append(Revision(4, "Admin", "* coordinator: [[User:Bo]]\n"
                                     "* regional-contact: [[User:Cy]]", "t4"))
    state = attribute(state, revs[3:], SCHEMA, lambda t: endorsement_lines(t, SCHEMA))
    assert grants(state, ["Admin"]) == {}
    assert state.removed["* coordinator: [[User:Ana]]"] == ("Admin", 4, "t4")


def test_a_role_written_in_an_entry_is_only_proposed() -> None:
    adv = advocate(1, False, ["BR"])
    assert adv.role == "member" and adv.proposed == "regional-contact"
    text = RosterRenderer(SCHEMA, Messages("en"), PAGES, RosterConfig()).roster([adv])
    assert "proposed: Regional contact" in text


# -- alerts -------------------------------------------------------------------------------------

def test_an_alert_by_a_newcomer_is_held_until_a_coordinator_releases_it() -> None:
    alerts: dict[str, dict] = {}
    raisers: dict[str, list[str]] = {}
    assert raise_alerts(alerts, {"Case A": 10, "Case B": 11},
                        {"Case A": "Newbie", "Case B": "Ana"}, NOW.isoformat())
    hold_alerts(alerts, raisers, advocates={"Ana"}, trusted=set(), per_day=2, now=NOW)
    assert alerts["Case A"]["held"] == HELD_NEWCOMER and waiting(alerts["Case A"])
    assert not waiting(alerts["Case B"])
    # An old release line (saved before the alert) releases nothing; a coordinator's newer
    # line does, once; someone else's counts for nothing.
    rel = Attribution(lines=[Line("* [[Case A]]", "Case A", "Cy", 5)])
    assert not release_alerts(alerts, released(rel, {"Cy"}))
    rel = Attribution(lines=[Line("* [[Case A]]", "Case A", "Newbie", 12)])
    assert not release_alerts(alerts, released(rel, {"Cy"}))
    rel = Attribution(lines=[Line("* [[Case A]]", "Case A", "Cy", 12)])
    assert release_alerts(alerts, released(rel, {"Cy"}))
    assert not waiting(alerts["Case A"]) and alerts["Case A"]["release"]["by"] == "Cy"
    assert not release_alerts(alerts, released(rel, {"Cy"}))  # once


def test_more_alerts_than_the_daily_count_are_held() -> None:
    alerts: dict[str, dict] = {}
    raisers: dict[str, list[str]] = {}
    for n in range(4):
        raise_alerts(alerts, {**{p: 1 for p in alerts}, f"Case {n}": 10 + n}, {f"Case {n}": "Ana"})
        hold_alerts(alerts, raisers, advocates={"Ana"}, trusted=set(), per_day=2,
                    now=NOW + timedelta(minutes=n))
    assert [a.get("held", "") for a in alerts.values()] == ["", "", HELD_LIMIT, HELD_LIMIT]
    raise_alerts(alerts, {**{p: 1 for p in alerts}, "Case 9": 20}, {"Case 9": "Ana"})
    hold_alerts(alerts, raisers, advocates={"Ana"}, trusted=set(), per_day=2,
                now=NOW + timedelta(days=2))  # a day later: the count starts again
    assert "held" not in alerts["Case 9"]


def test_a_sensitive_alert_goes_only_to_the_regions_contacts_and_coordinators() -> None:
    def adv(user: str, place: str) -> object:
        return make_record(SCHEMA.kind("advocate"), "S", {"user": user, "jurisdictions": place,
                                                          "topics": "copyright"}, SCHEMA)
    advocates = [adv("Lat", "BR"), adv("Far", "JP"), adv("Coord", "JP"), adv("Member", "BR"),
                 adv("Claims", "BR")]
    roles = {"Lat": "regional-contact", "Far": "regional-contact", "Coord": "coordinator"}
    statuses = {a.value("user"): ACTIVE for a in advocates}
    assert safety_recipients(case(1, True), advocates, roles, statuses) == ["Coord", "Lat"]
    assert release_lines("x\n* [[Advocacy Hub/Cases/X]] thanks\n") == [
        ("* [[Advocacy Hub/Cases/X]] thanks", "Advocacy Hub/Cases/X")]


def test_the_consent_state_never_holds_a_value() -> None:
    text = "* {{Advocate|user=Ana|jurisdictions=IR|profile=low}}"
    state = attribute_page(Attribution(), [Revision(1, "Ana", text, "t")], SCHEMA)
    assert "IR" not in json.dumps(state.to_json()) and state.lines[0].user == "Ana"
