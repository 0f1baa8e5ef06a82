"""Digests and urgent alerts, pure part (bots.core.digest): alert ids, what a personal
(weekly or monthly) digest holds, the hub's discussions and living documents.

When a monthly digest becomes due (``Digest.roll_periods`` in bots/jobs/digest.py) is decided
inside the job with its state page; its pure pieces (``period_of``, ``items_since``,
``personal_items``) are tested here and in tests/test_newsletter_core.py."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from bots.core.delivery import delivered_ids, marker
from bots.core.digest import (
    Discussion,
    DocumentChange,
    alert_id,
    discussions,
    document_changes,
    personal_items,
)
from bots.core.messages import Messages
from bots.core.newsletter import IssueItems, IssueRenderer, items_since, period_of, summarise
from bots.core.normalise import make_record
from bots.core.records import Record
from bots.core.schema import load_schema

try:
    from tests.builders import advocate, case
except ModuleNotFoundError:  # tests/ is not a package: pytest put it on sys.path
    from builders import advocate, case  # type: ignore[no-redef]

SCHEMA = load_schema()



def event(title: str, **raw: str) -> Record:
    return make_record(SCHEMA.kinds["event"], f"Events/{title}",
                       {"title": title, "start": "2026-06-10T10:00", **raw}, SCHEMA)


def resource(title: str, **raw: str) -> Record:
    return make_record(SCHEMA.kinds["resource"], f"Resources/{title}",
                       {"title": title, "kind": "guide", **raw}, SCHEMA)


def names(records) -> list[str]:
    return [r.fields.get("title") or r.fields.get("user") for r in records]


# -- alerts ---------------------------------------------------------------------------------

@given(st.text(min_size=1, max_size=80), st.integers(1, 10**9))
def test_an_alert_id_is_one_word_for_any_case_page(page, revid) -> None:
    did = alert_id(page, revid)
    assert did.startswith("alert:") and did.endswith(f":{revid}")
    assert delivered_ids(marker(did)) == {did}  # usable as a hidden marker


def test_an_alert_raised_again_is_a_new_alert_and_cases_do_not_share_ids() -> None:
    assert alert_id("Advocacy Hub/Cases/A", 10) == alert_id("Advocacy Hub/Cases/A", 10)
    assert alert_id("Advocacy Hub/Cases/A", 10) != alert_id("Advocacy Hub/Cases/A", 11)
    assert alert_id("Advocacy Hub/Cases/A", 10) != alert_id("Advocacy Hub/Cases/B", 10)


# -- personal digests -----------------------------------------------------------------------

def everything() -> IssueItems:
    return IssueItems(
        new_cases=[case("In Brazil", topics="privacy-surveillance"),
                   case("On copyright", jurisdiction="JP"),
                   case("Elsewhere", jurisdiction="JP", topics="ai")],
        changed_cases=[(case("Changed", jurisdiction="DE", topics="copyright"),
                        {"status": "monitoring", "outcome": "unknown"}),
                       (case("Changed elsewhere", jurisdiction="JP", topics="ai"),
                        {"status": "monitoring", "outcome": "unknown"})],
        new_advocates=[advocate("Mia", topics="copyright"), advocate("Ola", topics="ai"),
                       advocate("Me", topics="copyright")],
        upcoming_events=[event("Copyright call", topics="copyright"),
                         event("Charla", languages="es"), event("Other", topics="ai")],
        new_resources=[resource("Copyright guide", topics="copyright"),
                       resource("AI guide", topics="ai")])


def test_a_personal_digest_holds_only_what_matches_the_advocate() -> None:
    me = advocate("Me", topics="copyright", jurisdictions="BR", languages="es",
                  digest="monthly")
    mine = personal_items(everything(), me)
    assert names(mine.new_cases) == ["In Brazil", "On copyright"]  # by place, by topic
    assert names(c for c, _ in mine.changed_cases) == ["Changed"]
    assert names(mine.new_advocates) == ["Mia"]  # not themselves, and shares a topic
    assert names(mine.upcoming_events) == ["Copyright call", "Charla"]  # topic or language
    assert names(mine.new_resources) == ["Copyright guide"]


def test_an_advocate_with_nothing_in_common_gets_an_empty_digest() -> None:
    stranger = advocate("Stranger", topics="human-rights", jurisdictions="ZA",
                        languages="mi")
    assert personal_items(everything(), stranger).empty
    assert personal_items(IssueItems(), advocate("Me", topics="copyright")).empty


def test_a_region_matches_when_no_country_does() -> None:
    near = advocate("Near", regions="LAC", jurisdictions="AR", topics="human-rights")
    mine = personal_items(IssueItems(new_cases=[case("In Brazil", topics="ai")]), near)
    assert names(mine.new_cases) == ["In Brazil"]  # Brazil and Argentina: the same region


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(["copyright", "ai", "human-rights", "privacy-surveillance"]),
                unique=True),
       st.lists(st.sampled_from(["BR", "JP", "DE", "NZ"]), unique=True),
       st.lists(st.sampled_from(["es", "pt", "ja", "en"]), unique=True))
def test_a_personal_digest_is_a_part_of_everything_in_the_same_order(topics, places,
                                                                      langs) -> None:
    me = advocate("Me", **{k: "; ".join(v) for k, v in (("topics", topics),
                                                         ("jurisdictions", places),
                                                         ("languages", langs)) if v})
    every = everything()
    mine = personal_items(every, me)
    for name in ("new_cases", "new_advocates", "upcoming_events", "new_resources"):
        part, whole = getattr(mine, name), getattr(every, name)
        assert [whole.index(x) for x in part] == sorted(whole.index(x) for x in part)
    assert all(a.fields["user"] != "Me" for a in mine.new_advocates)
    if not topics:  # without topics only places (cases) and languages (events) can match
        assert not mine.new_resources and not mine.new_advocates


def test_a_monthly_digest_covers_what_changed_since_the_previous_months_baseline() -> None:
    """The job keeps, per period, the baseline taken at its first run (summarise) and, at
    the first run of the next month, asks what changed since (items_since)."""
    may = datetime(2026, 5, 3, tzinfo=UTC)
    june = datetime(2026, 6, 1, 0, 5, tzinfo=UTC)
    assert period_of(may, "monthly") == "2026-05" != period_of(june, "monthly")
    baseline = summarise([case("Old"), advocate("Me", topics="copyright")])
    now = [case("Old", status="concluded"), case("New in May"), case("AI only", topics="ai",
                                                                      jurisdiction="JP"),
           advocate("Me", topics="copyright", digest="monthly")]
    items = items_since(now, baseline, june)
    mine = personal_items(items, now[-1])
    assert names(mine.new_cases) == ["New in May"]
    assert names(c for c, _ in mine.changed_cases) == ["Old"]
    text = IssueRenderer(SCHEMA, Messages("es")).generated(mine, "2026-05")
    assert "[[:Advocacy Hub/Cases/New in May|New in May]]" in text
    assert "AI only" not in text
    assert "Activo → Concluido" in text  # in the advocate's language


# -- the hub digest: discussions and living documents ---------------------------------------

def rc(title: str, ns: int = 1, kind: str = "edit", user: str = "Ana", comment: str = "",
       revid: int = 1, old: int = 0) -> dict:
    return {"title": title, "ns": ns, "type": kind, "user": user, "comment": comment,
            "revid": revid, "old_revid": old}


def test_discussions_are_one_per_hub_talk_page_and_section() -> None:
    changes = [rc("Talk:Advocacy Hub", comment="/* Copyright week */ reply", user="Ana"),
               rc("Talk:Advocacy Hub", comment="/* Copyright week */ reply", user="Bo"),
               rc("Talk:Advocacy Hub", comment="/*Copyright week*/", user="Ana"),
               rc("Talk:Advocacy Hub/Cases/X", comment="new section", user="Cy"),
               rc("Talk:Advocacy Hubris", user="Dee"),  # another page with the same start
               rc("Advocacy Hub", ns=0, user="Eve"),  # not a talk page
               rc("Talk:Advocacy Hub", kind="log", user="Fay"),
               rc("Talk:Advocacy Hub", kind="new", comment="", user="Gus")]
    assert discussions(changes, "Advocacy Hub/") == [
        Discussion("Talk:Advocacy Hub", "", 1, ["Gus"]),
        Discussion("Talk:Advocacy Hub", "Copyright week", 3, ["Ana", "Bo"]),
        Discussion("Talk:Advocacy Hub/Cases/X", "", 1, ["Cy"])]


@given(st.permutations(range(5)))
def test_discussions_do_not_depend_on_the_order_in_one_thread_but_the_people(order) -> None:
    changes = [rc("Talk:Advocacy Hub", comment=f"/* T{i % 2} */", user=f"U{i}")
               for i in range(5)]
    out = discussions([changes[i] for i in order], "Advocacy Hub")
    assert [(d.section, d.edits) for d in out] == [("T0", 3), ("T1", 2)]
    assert sorted(out[0].users) == ["U0", "U2", "U4"]


def test_each_living_document_gets_one_diff_over_the_window_in_the_configured_order() -> None:
    docs = ["Advocacy Hub/Strategy", "Advocacy Hub/Principles", "Advocacy Hub/Unchanged"]
    changes = [rc("Advocacy Hub/Principles", ns=0, revid=10, old=7),
               rc("Advocacy Hub/Strategy", ns=0, revid=12, old=11),
               rc("Advocacy Hub/Principles", ns=0, revid=15, old=10),
               rc("Advocacy Hub/Other", ns=0, revid=16, old=3),
               rc("Advocacy Hub/Strategy", ns=0, kind="log", revid=17)]
    assert document_changes(changes, docs) == [
        DocumentChange("Advocacy Hub/Strategy", 11, 12, 1),
        DocumentChange("Advocacy Hub/Principles", 7, 15, 2)]
    new = document_changes([rc("Advocacy Hub/New", ns=0, kind="new", revid=20)],
                           ["Advocacy Hub/New"])
    assert new == [DocumentChange("Advocacy Hub/New", 0, 20, 1)]  # a new page: no old side
