"""Matchmaking (bots.core.matching): who is suggested for a case, why, and who never is."""

from __future__ import annotations

from bots.core.matching import (
    JURISDICTION,
    LANGUAGE,
    REGION,
    TOPIC,
    Reason,
    case_languages,
    help_wanted,
    match,
    needs_help,
    suggest,
)
from bots.core.records import Record


def case(**fields) -> Record:
    base = {"title": "Case", "jurisdiction": ["BR"], "region": ["LAC"],
            "topics": ["copyright"], "help_wanted": "We need a lawyer", "alert": "no"}
    base.update(fields)
    return Record(kind="case", page=f"Advocacy Hub/Cases/{base['title']}", fields=base)


def advocate(user: str, **fields) -> Record:
    base: dict = {"user": user, "role": "member", "profile": "public"}
    base.update(fields)
    return Record(kind="advocate", page="Advocacy Hub/Advocates/Sign-up", fields=base)


def active(*records: Record) -> dict[str, str]:
    return {r.value("user"): "active" for r in records}


def test_which_cases_ask_for_help() -> None:
    assert needs_help(case())
    assert needs_help(case(help_wanted="", alert="yes"))
    assert not needs_help(case(help_wanted="", alert="no"))
    assert not needs_help(case(help_wanted="   ", alert="no"))
    assert suggest(case(help_wanted=""), [advocate("A", topics=["copyright"])],
                   {"A": "active"}) == []


def test_reasons_are_machine_readable_and_ranked() -> None:
    lawyer = advocate("Lawyer", topics=["copyright"], jurisdictions=["BR"], regions=["LAC"],
                      languages=["pt-br", "en"])
    neighbour = advocate("Neighbour", topics=["ai"], jurisdictions=["AR"], regions=["LAC"])
    topical = advocate("Topical", topics=["copyright"], jurisdictions=["DE"], regions=["NWE"])
    stranger = advocate("Stranger", topics=["ai"], jurisdictions=["JP"], regions=["ESEAP"],
                        languages=["pt"])
    people = [stranger, topical, neighbour, lawyer]
    got = suggest(case(), people, active(*people))
    assert [s.user for s in got] == ["Lawyer", "Topical", "Neighbour"]
    assert got[0].reasons == (Reason(TOPIC, "copyright"), Reason(JURISDICTION, "BR"),
                              Reason(LANGUAGE, "pt"))
    assert got[0].score == 3 + 4 + 1
    # The region counts only where no jurisdiction is shared.
    assert got[2].reasons == (Reason(REGION, "LAC"),)
    assert got[0].to_json()["reasons"][1] == {"kind": "jurisdiction", "value": "BR"}


def test_a_shared_language_alone_is_no_match() -> None:
    speaker = advocate("Speaker", topics=["ai"], jurisdictions=["PT"], regions=["NWE"],
                       languages=["pt"])
    assert match(case(), speaker) == []
    assert suggest(case(), [speaker], active(speaker)) == []


def test_only_active_advocates_are_suggested() -> None:
    people = [advocate(name, topics=["copyright"]) for name in ("A", "B", "C", "D")]
    statuses = {"A": "active", "B": "noticed", "C": "inactive"}  # D: not known at all
    assert [s.user for s in suggest(case(), people, statuses)] == ["A"]


def test_the_case_contacts_are_not_suggested() -> None:
    people = [advocate("Already There", topics=["copyright"]),
              advocate("Newcomer", topics=["copyright"])]
    got = suggest(case(contacts=["Already There"]), people, active(*people))
    assert [s.user for s in got] == ["Newcomer"]


def test_low_profile_advocates_are_matched_without_their_place() -> None:
    quiet = advocate("Quiet", topics=["ai"], jurisdictions=["BR"], regions=["LAC"],
                     profile="low")
    assert suggest(case(), [quiet], active(quiet)) == []  # only the place would match
    quiet_topic = advocate("Quiet", topics=["copyright"], jurisdictions=["BR"],
                           regions=["LAC"], languages=["pt"], profile="low")
    got = suggest(case(), [quiet_topic], active(quiet_topic))
    assert [r.kind for r in got[0].reasons] == [TOPIC, LANGUAGE]
    # In a private message to the advocate themself, the place may count.
    private = suggest(case(), [quiet_topic], active(quiet_topic), private_places=True)
    assert Reason(JURISDICTION, "BR") in private[0].reasons


def test_limit_and_tie_break_by_role_then_name() -> None:
    people = [advocate(name, topics=["copyright"], role=role) for name, role in
              [("Zed", "coordinator"), ("Amy", "member"), ("Bea", "regional-contact"),
               ("Cal", "member")]]
    got = suggest(case(), people, active(*people), limit=3)
    assert [s.user for s in got] == ["Zed", "Bea", "Amy"]
    assert suggest(case(), people, active(*people), limit=0) == []


def test_renamed_accounts_count_under_their_current_name() -> None:
    old = advocate("Old Name", topics=["copyright"])
    got = suggest(case(), [old], {"New Name": "active"}, renames={"Old Name": "New Name"})
    assert [s.user for s in got] == ["New Name"]
    assert suggest(case(), [old], {"Old Name": "active"},
                   renames={"Old Name": "New Name"}) == []


def test_case_languages_come_from_cldr() -> None:
    assert case_languages(case(jurisdiction=["BR", "MX"])) == ["pt", "es"]
    assert case_languages(case(jurisdiction=["EU", "global"])) == []


def test_help_wanted_lists_every_case_asking() -> None:
    cases = [case(title="A"), case(title="B", help_wanted=""),
             case(title="C", help_wanted="", alert="yes")]
    adv = advocate("Helper", topics=["copyright"])
    got = help_wanted([*cases, adv], {"Helper": "active"}, limit=5)
    assert [c.value("title") for c, _ in got] == ["A", "C"]
    assert all([s.user for s in sugg] == ["Helper"] for _, sugg in got)


def test_an_unknown_territory_has_no_official_language() -> None:
    from bots.core.matching import _official

    # babel answers () for a territory it does not know: _official needs no try
    assert _official("ZZ") == ()
    assert "de" in _official("DE")
