"""Cases due for review (bots.core.review), the status vocabulary's open values (in the
repository and on the wiki's vocabularies page), their renderers, and the conversation parts
of issues and digests (bots.core.render.conversation).

The promises are properties: nobody outside (roster ∩ contacts ∩ opted in) is ever nudged; a
second run with the same state nudges no one; a case edited after its due date is not due;
over any sequence of runs a person is nudged about a case at most once per review period."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bots.core.digest import Discussion
from bots.core.governance import from_schema, parse_vocabularies
from bots.core.luadata import vocabularies_data
from bots.core.messages import Messages
from bots.core.records import Record
from bots.core.render.conversation import from_conversation, invitation, talk_page
from bots.core.render.paging import Layout
from bots.core.render.partlinks import PageSet
from bots.core.render.review import ReviewRenderer
from bots.core.review import LESSONS, STALE, Due, due_cases, ledger_key, nudges, recorded
from bots.core.schema import load_schema
from bots.core.vocab import Vocabulary, load_vocabularies

try:
    from tests.builders import advocate, case
except ModuleNotFoundError:  # tests/ is not a package: pytest put it on sys.path
    from builders import advocate, case  # type: ignore[no-redef]

SCHEMA = load_schema()
OPEN = SCHEMA.vocabularies["status"].open_values
NOW = datetime(2027, 6, 1, 12, tzinfo=UTC)
DAYS = 180


def edited(rec: Record, when: datetime, by: str = "Editor") -> Record:
    rec.timestamp = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    rec.editor = by
    return rec


def ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


# -- the vocabulary ------------------------------------------------------------------------------

def test_the_status_vocabulary_says_which_values_are_open() -> None:
    assert {"active", "monitoring", "dormant"} == OPEN
    assert "concluded" not in OPEN
    assert not SCHEMA.vocabularies["topics"].open_values


def test_an_open_value_must_be_a_value() -> None:
    with pytest.raises(ValueError, match="open value"):
        Vocabulary("status", ("a", "b"), open_values=frozenset({"c"}))
    assert load_vocabularies({"s": {"values": ["a", "b"], "open": ["a"]}})["s"].open_values \
        == {"a"}


def _page(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False)


def test_the_open_flag_survives_the_wiki_page_being_the_source_of_truth() -> None:
    """templates install writes the open values on the page; the page read back keeps them,
    and what the community changes there wins."""
    data = vocabularies_data(SCHEMA)
    assert data["vocabularies"]["status"]["open"] == ["monitoring", "active", "dormant"]
    vocab, problems = parse_vocabularies(_page(data), "V", SCHEMA)
    assert problems == []
    assert vocab.apply(SCHEMA).vocabularies["status"].open_values == OPEN
    assert vocab.specs == from_schema(SCHEMA).specs | {
        name: vocab.specs[name] for name in vocab.specs}  # same shape as the repository's
    # The community closes "dormant" and opens a new value.
    data["vocabularies"]["status"]["values"].append("campaigning")
    data["vocabularies"]["status"]["open"] = ["active", "monitoring", "campaigning"]
    vocab, problems = parse_vocabularies(_page(data), "V", SCHEMA)
    assert problems == []
    assert vocab.apply(SCHEMA).vocabularies["status"].open_values == {
        "active", "monitoring", "campaigning"}


def test_a_page_without_open_values_keeps_the_repositorys_and_a_removed_value_is_not_open(
) -> None:
    data = vocabularies_data(SCHEMA)
    del data["vocabularies"]["status"]["open"]
    vocab, problems = parse_vocabularies(_page(data), "V", SCHEMA)
    assert problems == [] and vocab.apply(SCHEMA).vocabularies["status"].open_values == OPEN
    data = vocabularies_data(SCHEMA)
    status = data["vocabularies"]["status"]
    status["values"].remove("dormant")  # made a synonym of "monitoring": still open
    status["synonyms"] = [[k, "monitoring" if v == "dormant" else v]
                          for k, v in status["synonyms"]] + [["dormant", "monitoring"]]
    for labels in status["labels"].values():
        labels.pop("dormant", None)
    vocab, problems = parse_vocabularies(_page(data), "V", SCHEMA)
    assert problems == []
    assert vocab.apply(SCHEMA).vocabularies["status"].open_values == {"active", "monitoring"}
    status["open"] = "active"
    assert any(p.field == "status.open" for p in parse_vocabularies(_page(data), "V",
                                                                   SCHEMA)[1])


# -- who is due ----------------------------------------------------------------------------------

def test_open_cases_unedited_for_the_review_period_are_due_oldest_first() -> None:
    records = [
        edited(case("Fresh"), ago(10)),
        edited(case("Old"), ago(400), "Ana"),
        edited(case("Older", status="monitoring"), ago(900), "Bea"),
        edited(case("Just due", status="dormant"), ago(DAYS)),
        edited(case("Done", status="concluded", lessons="Talk early."), ago(900)),
        edited(case("Done, no lessons", status="concluded"), ago(3)),
        case("Never read"),  # no revision timestamp: nothing to count from
    ]
    due = due_cases(records, OPEN, NOW, DAYS)
    assert [d.title for d in due] == ["Older", "Old", "Just due", "Done, no lessons"]
    assert [d.reason for d in due] == [STALE, STALE, STALE, LESSONS]
    assert (due[0].editor, due[0].days, due[0].edited[:10]) == ("Bea", 900, "2024-12-13")


def test_an_invalid_case_is_not_listed() -> None:
    bad = edited(case("Bad", status="nonsense"), ago(900))
    assert not bad.valid
    assert due_cases([bad], OPEN, NOW, DAYS) == []


CASE_AGES = st.lists(st.tuples(st.sampled_from(["active", "monitoring", "dormant",
                                                "concluded"]),
                               st.floats(min_value=0, max_value=2000), st.booleans()),
                     min_size=1, max_size=8)


@settings(max_examples=60, deadline=None)
@given(cases=CASE_AGES, after=st.integers(min_value=1, max_value=400))
def test_a_case_edited_after_its_due_date_is_not_due(cases, after) -> None:
    records = []
    for i, (status, age, lessons) in enumerate(cases):
        raw = {"status": status, **({"lessons": "L."} if lessons else {})}
        records.append(edited(case(f"C{i}", **raw), ago(age)))
    due = {d.page: d for d in due_cases(records, OPEN, NOW, after)}
    for rec, (status, age, lessons) in zip(records, cases, strict=True):
        if status in OPEN:
            assert (rec.page in due) == (age >= after)
        else:
            assert (rec.page in due) == (not lessons)
    # Someone edits every case now: no open case is due any more.
    for rec in records:
        edited(rec, NOW)
    assert all(d.reason == LESSONS for d in due_cases(records, OPEN, NOW, after))


# -- who is nudged -------------------------------------------------------------------------------

USERS = ["Ana", "Bea", "Chen", "Dara", "Eli"]


@st.composite
def hubs(draw):
    """Due cases with contacts, and a roster of advocates with digest choices."""
    cases = []
    for i in range(draw(st.integers(min_value=0, max_value=6))):
        contacts = draw(st.lists(st.sampled_from([*USERS, "Outsider"]), max_size=3))
        raw = {"contacts": "; ".join(contacts)} if contacts else {}
        cases.append(edited(case(f"C{i}", **raw), ago(draw(st.floats(min_value=DAYS,
                                                                       max_value=2000)))))
    roster = []
    for user in draw(st.lists(st.sampled_from(USERS), unique=True)):
        choice = draw(st.sampled_from(["weekly", "monthly", "none", ""]))
        roster.append(advocate(user, **({"digest": choice} if choice else {})))
    return cases, roster


@settings(max_examples=80, deadline=None)
@given(hub=hubs(), kind=st.sampled_from(["weekly", "monthly"]))
def test_nobody_outside_roster_contacts_and_opted_in_is_ever_nudged(hub, kind) -> None:
    cases, roster = hub
    due = due_cases(cases, OPEN, NOW, DAYS)
    given_ = nudges(due, roster, kind, {})
    opted = {a.value("user") for a in roster if a.value("digest") == kind}
    for user, items in given_.items():
        assert user in opted
        for d in items:
            assert user in d.contacts
    # and every opted-in contact of a due case is nudged about it
    for d in due:
        for user in set(d.contacts) & opted:
            assert d in given_[user]


@settings(max_examples=80, deadline=None)
@given(hub=hubs(), kind=st.sampled_from(["weekly", "monthly"]),
       later=st.floats(min_value=0, max_value=DAYS - 1))
def test_a_second_run_with_the_same_state_nudges_no_one(hub, kind, later) -> None:
    cases, roster = hub
    due = due_cases(cases, OPEN, NOW, DAYS)
    ledger = recorded({}, nudges(due, roster, kind, {}), due)
    assert nudges(due, roster, kind, ledger) == {}
    # nor a run a little later, while every case is still in the same review period
    again = due_cases(cases, OPEN, NOW + timedelta(days=later), DAYS)
    same = [d for d in again if d.period in {x.period for x in due}]
    assert nudges(same, roster, kind, recorded(ledger, {}, again)) == {}


@settings(max_examples=50, deadline=None)
@given(hub=hubs(), steps=st.lists(st.floats(min_value=0, max_value=120), min_size=1,
                                  max_size=12))
def test_over_any_runs_a_person_is_nudged_once_per_case_and_review_period(hub, steps) -> None:
    cases, roster = hub
    ledger: dict[str, str] = {}
    seen: set[tuple[str, str, str]] = set()
    now = NOW
    for step in steps:
        now += timedelta(days=step)
        due = due_cases(cases, OPEN, now, DAYS)
        given_ = nudges(due, roster, "weekly", ledger)
        for user, items in given_.items():
            for d in items:
                assert (user, d.page, d.period) not in seen
                seen.add((user, d.page, d.period))
        ledger = recorded(ledger, given_, due)


def test_editing_a_case_starts_a_new_period_and_renamed_spellings_are_one_person() -> None:
    old = edited(case("Old", contacts="ana_"), ago(400))
    roster = [advocate("Ana", digest="weekly")]
    due = due_cases([old], OPEN, NOW, DAYS)
    first = nudges(due, roster, "weekly", {})
    assert list(first) == ["Ana"]
    ledger = recorded({}, first, due)
    assert ledger == {ledger_key("Ana", old.page): due[0].period}
    edited(old, ago(1))  # edited: not due, and its ledger entry goes
    due = due_cases([old], OPEN, NOW, DAYS)
    assert due == [] and recorded(ledger, {}, due) == {}


def test_due_round_trips_through_the_state_page() -> None:
    (d,) = due_cases([edited(case("Old"), ago(400), "Ana")], OPEN, NOW, DAYS)
    back = Due.from_json(json.loads(json.dumps(d.to_json())))
    assert back.to_json() == d.to_json()


# -- renderers -----------------------------------------------------------------------------------

PAGES = PageSet(titles={"review_due": "Advocacy Hub/Cases/Review due",
                        "maintenance": "Advocacy Hub/Maintenance"},
                base_lang="en", languages=["en", "es", "zh"])


@pytest.mark.parametrize("lang", ["en", "es", "zh"])
def test_the_review_page_section_and_digest_lines_in_every_language(lang: str) -> None:
    records = [edited(case("Old [[x]]"), ago(400), "Ana"),
               edited(case("Done", status="concluded"), ago(3), "Bea")]
    due = due_cases(records, OPEN, NOW, DAYS)
    r = ReviewRenderer(Messages(lang), PAGES)
    (page,) = r.review_pages(due, DAYS, 10 ** 6).values()
    assert "[[Advocacy Hub/Cases/Old [[x]]|" not in page  # titles are escaped
    assert "[[:User:Ana|Ana]]" in page and "2026-04-27" in page
    assert page.index("Old") < page.index("Done")  # oldest edit first
    section = r.maintenance_section(due, DAYS)
    assert section.startswith("==") and "Advocacy Hub/Cases/Review due" in section
    lines = r.digest_lines(due)
    assert lines.count("\n* ") == 2
    assert "⧼" not in page + section + lines  # every message exists
    assert r.review_pages([], DAYS, 10 ** 6)[""].endswith(Messages(lang)("advocacyhub-review-none"))


def test_the_review_page_does_not_change_every_day() -> None:
    """While the same cases are due, the page's text is the same from one day to the next
    (no edit a day for a count of days)."""
    records = [edited(case("Old"), ago(400)), edited(case("Done", status="concluded"), ago(3))]
    r = ReviewRenderer(Messages("en"), PAGES)
    texts = {json.dumps(r.review_pages(due_cases(records, OPEN, NOW + timedelta(days=k), DAYS),
                                       DAYS, 10 ** 6)) for k in range(0, 30, 7)}
    assert len(texts) == 1


def test_the_review_page_is_split_past_the_budget_alike_in_every_language() -> None:
    records = [edited(case(f"{chr(65 + i % 26)} case {i}"), ago(400 + i)) for i in range(300)]
    due = due_cases(records, OPEN, NOW, DAYS)
    layout = Layout(20_000)
    renderers = [ReviewRenderer(Messages(lang), PAGES) for lang in ("en", "es", "zh")]
    for r in renderers:
        r.review_pages(due, DAYS, layout)
    layout.freeze()
    outs = [r.review_pages(due, DAYS, layout) for r in renderers]
    assert len(outs[0]) > 2 and [sorted(o) for o in outs] == [sorted(outs[0])] * 3
    for out in outs:
        assert all(len(text.encode()) <= 20_000 for text in out.values())
        body = "".join(out.values())
        assert all(f"case {i}" in body for i in range(300))


def test_the_invitation_names_the_talk_page_in_the_readers_language() -> None:
    talk = talk_page("Advocacy Hub/Newsletter/2027-01")
    assert talk == "Talk:Advocacy Hub/Newsletter/2027-01"
    en = invitation(Messages("en"), "advocacyhub-conversation-issue", talk)
    es = invitation(Messages("es"), "advocacyhub-conversation-issue", talk)
    assert "[[:Talk:Advocacy Hub/Newsletter/2027-01]]" in en and en != es
    threads = [Discussion("Talk:Advocacy Hub/Newsletter/2027-01", "Great issue", 2, ["Ana"])]
    section = from_conversation(Messages("es"), threads, "2027-01-01T00:00:00")
    assert Messages("es")("advocacyhub-conversation-heading") in section
    assert "[[:Talk:Advocacy Hub/Newsletter/2027-01#Great issue|" in section
    assert from_conversation(Messages("en"), [], "2027-01-01") == ""
