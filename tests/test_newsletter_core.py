"""Newsletter issues, pure part (bots.core.newsletter): periods, the baseline, what is new,
the generated lists, the status line and the text delivered on talk pages."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import mwparserfromhell
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bots.core.messages import Messages
from bots.core.newsletter import (
    DELIVERED,
    DRAFT,
    READY,
    IssueItems,
    IssueRenderer,
    for_delivery,
    issue_status,
    items_since,
    period_of,
    pillar_of_topic,
    set_status,
    summarise,
)
from bots.core.normalise import make_record
from bots.core.records import Record
from bots.core.schema import load_schema

try:
    from tests.builders import advocate, case
except ModuleNotFoundError:  # tests/ is not a package: pytest put it on sys.path
    from builders import advocate, case  # type: ignore[no-redef]

SCHEMA = load_schema()

NOW = datetime(2026, 6, 1, tzinfo=UTC)


def event(title: str, start: str, **raw: str) -> Record:
    return make_record(SCHEMA.kinds["event"], f"Events/{title}",
                       {"title": title, "start": start, **raw}, SCHEMA)


def resource(title: str, index: int = 0, **raw: str) -> Record:
    return make_record(SCHEMA.kinds["resource"], "Advocacy Hub/Resources",
                       {"title": title, "kind": "guide", **raw}, SCHEMA, index=index)


def titles(records) -> list[str]:
    return [r.fields.get("title") or r.fields.get("user") for r in records]


# -- periods --------------------------------------------------------------------------------

def test_periods_are_months_or_iso_weeks() -> None:
    assert period_of(datetime(2026, 6, 30, 23, 59, tzinfo=UTC)) == "2026-06"
    assert period_of(datetime(2026, 7, 1, tzinfo=UTC)) == "2026-07"
    assert period_of(datetime(2027, 1, 1, tzinfo=UTC), "weekly") == "2026-W53"  # ISO year
    assert period_of(datetime(2026, 1, 5, tzinfo=UTC), "weekly") == "2026-W02"
    assert period_of(datetime(2026, 1, 4, tzinfo=UTC), "weekly") == "2026-W01"


@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1)),
       st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1)))
def test_two_moments_share_a_monthly_period_exactly_in_the_same_month(a, b) -> None:
    assert (period_of(a, "monthly") == period_of(b, "monthly")) == \
        ((a.year, a.month) == (b.year, b.month))
    assert (period_of(a, "weekly") == period_of(b, "weekly")) == \
        (a.isocalendar()[:2] == b.isocalendar()[:2])


@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 1, 1)),
       st.integers(1, 400))
def test_periods_sort_as_time_goes_on(a, days) -> None:
    b = a + timedelta(days=days)
    for kind in ("monthly", "weekly"):
        assert period_of(a, kind) <= period_of(b, kind)


# -- what is new ----------------------------------------------------------------------------

def test_the_baseline_remembers_cases_advocates_resources_and_events() -> None:
    base = summarise([case("B", status="concluded", outcome="won"), advocate("Zed"),
                      advocate("Ana"), resource("R", 2), event("E", "2026-01-01")])
    assert base == {"cases": {"Advocacy Hub/Cases/B": {"status": "concluded", "outcome": "won"}},
                    "advocates": ["Ana", "Zed"], "resources": ["Advocacy Hub/Resources#2"],
                    "events": ["Events/E#0"]}


def test_items_since_tells_new_changed_and_unchanged_apart() -> None:
    before = [case("Same"), case("Moved"), case("Won later"), advocate("Known"), resource("R0")]
    base = summarise(before)
    now = [case("Same", summary="Edited summary only."), case("Moved", status="concluded"),
           case("Won later", outcome="won"), case("Fresh"), advocate("Known"),
           advocate("Newcomer"), advocate("Quiet", profile="low"), resource("R0"),
           resource("R1", 1), case("Broken", topics="nonsense")]
    items = items_since(now, base, NOW)
    assert titles(items.new_cases) == ["Fresh"]  # an invalid record is not news
    assert [(titles([r])[0], b) for r, b in items.changed_cases] == [
        ("Moved", {"status": "active", "outcome": "unknown"}),
        ("Won later", {"status": "active", "outcome": "unknown"})]
    assert titles(items.new_advocates) == ["Newcomer"]  # low-profile ones are not announced
    assert titles(items.new_resources) == ["R1"]
    assert items.count() == 5 and not items.empty


def test_upcoming_events_are_those_starting_within_the_horizon_by_start() -> None:
    records = [event("Far", "2026-07-20T10:00"), event("Late", "2026-07-15T23:00"),
               event("Soon", "2026-06-10"), event("Gone", "2026-05-31T23:00"),
               event("Now", "2026-06-01T00:00")]
    items = items_since(records, {}, NOW)  # 45 days: until 2026-07-16T00:00
    assert titles(items.upcoming_events) == ["Now", "Soon", "Late"]
    assert titles(items_since(records, {}, NOW, horizon_days=10).upcoming_events) == \
        ["Now", "Soon"]


@settings(max_examples=60, deadline=None)
@given(st.permutations(range(7)))
def test_nothing_is_new_against_a_baseline_of_the_same_records_in_any_order(order) -> None:
    records = [case("A"), case("b", status="concluded", outcome="lost"), advocate("Ana"),
               advocate("Bea", profile="low"), resource("R", 1), resource("S", 2),
               event("Past", "2025-01-01")]
    shuffled = [records[i] for i in order]
    assert items_since(shuffled, summarise(records), NOW).empty
    assert summarise(shuffled) == summarise(records)
    fresh = items_since(shuffled, {}, NOW)
    assert titles(fresh.new_cases) == ["A", "b"]  # in title order whatever the input order
    assert titles(fresh.new_advocates) == ["Ana"]
    assert titles(fresh.new_resources) == ["R", "S"]


# -- the generated section ------------------------------------------------------------------

def renderer(lang: str = "en", **kw) -> IssueRenderer:
    return IssueRenderer(SCHEMA, Messages(lang), **kw)


def test_new_cases_are_grouped_by_pillar_of_their_first_topic_in_pillar_order() -> None:
    pillars = pillar_of_topic()
    assert pillars["copyright"] == "model" and pillars["privacy-surveillance"] == "people"
    items = IssueItems(new_cases=[case("Watch", topics="privacy-surveillance; copyright"),
                                  case("Free", topics="copyright"),
                                  case("Lies", topics="disinformation")])
    text = renderer().generated(items, "2026-06")
    headings = re.findall(r"^(=+) (.*?) =+$", text, re.M)
    assert headings == [("==", "New cases (3)"),
                        ("===", "Access to knowledge and free expression"),
                        ("===", "Privacy and protection from surveillance"),
                        ("===", "Human rights and countering disinformation")]
    lines = [line for line in text.split("\n") if line.startswith("* ")]
    # One short line each: title, place, years (the summary is on the case's page).
    assert lines == ["* [[:Advocacy Hub/Cases/Free|Free]] (Brazil; 2021–)",
                     "* [[:Advocacy Hub/Cases/Watch|Watch]] (Brazil; 2021–)",
                     "* [[:Advocacy Hub/Cases/Lies|Lies]] (Brazil; 2021–)"]


def test_changes_events_advocates_and_resources_read_as_sentences() -> None:
    items = IssueItems(
        changed_cases=[(case("Old", status="concluded", outcome="won"),
                        {"status": "active", "outcome": "unknown"}),
                       (case("Half", outcome="partial"),
                        {"status": "active", "outcome": "pending"})],
        new_advocates=[advocate("Ana"), advocate("Bo Li")],
        upcoming_events=[event("Meet", "2026-06-10T10:00", online="yes"),
                         event("Cafe", "2026-06-12", place="Lima")],
        new_resources=[resource("Guide", kind="toolkit")])
    text = renderer().generated(items, "2026-06")
    assert "* [[:Advocacy Hub/Cases/Old|Old]]: Status: Active → Concluded; " \
           "Outcome: Unknown → Won" in text
    assert "* [[:Advocacy Hub/Cases/Half|Half]]: Outcome: Pending → Partial success" in text
    assert "== New advocates (2) ==\n[[:User:Ana|Ana]], [[:User:Bo Li|Bo Li]]" in text
    assert "* 2026-06-10 10:00 UTC – [[:Events/Meet|Meet]] (online)" in text
    assert "* 2026-06-12 – [[:Events/Cafe|Cafe]] (Lima)" in text
    assert "* [[:Advocacy Hub/Resources|Guide]] (Toolkit)" in text
    es = renderer("es").generated(items, "2026-06")
    assert "Activo → " in es and Messages("es")("advocacyhub-newsletter-online") in es


def test_an_empty_period_says_nothing_is_new_in_its_language() -> None:
    assert renderer().generated(IssueItems(), "2026-06") == \
        "Nothing new on the hub in 2026-06 so far."
    assert renderer("zh").generated(IssueItems(), "2026-06") == \
        "截至目前，中心在 2026-06 期间暂无新内容。"


def test_a_case_line_is_short_and_hostile_values_stay_text() -> None:
    long = case("Long", summary="word " * 100, jurisdiction="; ".join(
        ["DE", "FR", "BR", "CL", "JP", "IN", "US", "MX", "AR", "PE", "ES", "IT", "PL", "SE",
         "NO", "FI", "DK", "NL", "BE", "PT"]))
    line = renderer()._case_line(long)
    assert "word" not in line and len(line) < 200 and line.endswith("; 2021–)")
    assert "…;" in line  # the places are cut, at a word
    hostile = Record("case", "Advocacy Hub/Cases/H", {
        "title": "H]] [[Category:X", "summary": "{{delete}} ~~~~ __NOTOC__\n== x ==",
        "jurisdiction": ["BR"], "topics": ["copyright"], "start": "2020", "status": "active"})
    place = Record("event", "Events/E", {"title": "T{{x}}", "start": "2026-06-03",
                                         "place": "<b>'''Lima'''</b>"})
    text = renderer().generated(IssueItems(new_cases=[hostile], upcoming_events=[place]),
                                "2026-06")
    for bad in ("{{delete}}", "~~~~", "__NOTOC__", "\n== x", "[[Category", "{{x}}", "<b>",
                "'''Lima"):
        assert bad not in text


@given(st.integers(0, 130), st.integers(1, 60))
def test_each_list_shows_at_most_max_items_and_counts_the_rest(n, limit) -> None:
    advocates = [advocate(f"User{i:03d}") for i in range(n)]
    text = renderer(max_items=limit, more="[[:X|all]]").generated(
        IssueItems(new_advocates=advocates), "2026-06")
    if n == 0:
        assert text == "Nothing new on the hub in 2026-06 so far."
        return
    assert text.count("[[:User:") == min(n, limit)
    more = re.findall(r"…and (one|\d+) more: see \[\[:X\|all\]\]", text)
    left = n - limit
    assert more == ([] if left <= 0 else ["one"] if left == 1 else [str(left)])


# -- the issue page -------------------------------------------------------------------------

def test_a_new_issue_is_a_draft_of_its_period_and_the_status_can_be_set() -> None:
    page = renderer().skeleton("2026-06")
    assert page.startswith("{{Advocacy newsletter|status=draft|period=2026-06}}\n")
    assert "{GENERATED}" in page
    # The editors' places are hints in comments: nothing of them shows, no empty heading.
    shown = mwparserfromhell.parse(page)
    for comment in shown.filter_comments():
        shown.remove(comment)
    assert str(shown).split() == ["{{Advocacy", "newsletter|status=draft|period=2026-06}}",
                                  "{GENERATED}"]
    assert "== Community news ==" in page and "Introduction." in page
    assert issue_status(page) == DRAFT
    ready = set_status(page, READY)
    assert issue_status(ready) == READY and ready.replace("ready", "draft", 1) == page
    done = set_status(ready, DELIVERED, delivered="2026-06-03")
    assert done.startswith("{{Advocacy newsletter|status=delivered|period=2026-06|"
                           "delivered=2026-06-03}}")
    assert set_status("no template here", READY) == "no template here"


@pytest.mark.parametrize("text,status", [
    ("{{Advocacy newsletter|status= Ready }}", "ready"),
    ("{{advocacy_newsletter|status=delivered}}", "delivered"),
    ("{{Template:Advocacy newsletter|status=ready}}", "ready"),
    ("{{Advocacy newsletter}}", "draft"),
    ("{{Other|status=ready}}", ""),
    ("", ""),
    (None, ""),
])
def test_the_status_line_is_read_however_the_template_is_spelt(text, status) -> None:
    assert issue_status(text) == status


def test_the_delivered_text_drops_the_status_line_comments_and_empty_sections() -> None:
    page = "\n".join([
        "{{Advocacy newsletter|status=ready|period=2026-06}}",
        "== Introduction ==", "<!-- hint -->", "",
        "== New cases (1) ==", "* [[:A|A]]", "=== Pillar ===", "* [[:B|B]]", "",
        "== Community news ==", "<!-- hint -->", "Join the call.", "",
        "== Nobody wrote this ==", "<!-- hint -->", ""])
    assert for_delivery(page) == "\n".join([
        "=== New cases (1) ===", "* [[:A|A]]", "==== Pillar ====", "* [[:B|B]]", "",
        "=== Community news ===", "", "Join the call."])


def test_headings_go_one_level_down_but_not_below_six() -> None:
    assert for_delivery("====== Deep ======\ntext") == "====== Deep ======\ntext"
    assert for_delivery("===== Five =====\ntext") == "====== Five ======\ntext"


def test_a_section_with_only_an_empty_subsection_is_dropped_too() -> None:
    page = "== News ==\nstuff\n== Community news ==\n=== From the regions ===\n<!-- hint -->\n"
    assert for_delivery(page) == "=== News ===\nstuff"


@settings(max_examples=50, deadline=None)
@given(st.integers(0, 40), st.integers(0, 40), st.integers(1, 12))
def test_new_cases_show_a_few_a_pillar_and_count_the_rest(model, people, cap) -> None:
    cases = [case(f"M{i:02d}", topics="copyright") for i in range(model)] + \
        [case(f"P{i:02d}", topics="privacy-surveillance") for i in range(people)]
    text = IssueRenderer(SCHEMA, Messages("en"), group_items=cap, more="[[:X|all]]").generated(
        IssueItems(new_cases=cases), "2026-06")
    if not cases:
        return
    assert f"== New cases ({model + people}) ==" in text
    for prefix, n in (("M", model), ("P", people)):
        assert text.count(f"|{prefix}") == min(n, cap)  # the first few, by title
        assert all(f"|{prefix}{i:02d}]]" in text for i in range(min(n, cap)))
    more = re.findall(r"…and (one|\d+) more: see \[\[:X\|all\]\]", text)
    assert more == [{1: "one"}.get(n - cap, str(n - cap)) for n in (model, people) if n > cap]


def test_the_footer_links_discussion_subscription_and_its_end_by_url() -> None:
    footer = renderer("es").footer("Talk:Advocacy Hub/Newsletter/2026-06",
                                   "Advocacy Hub/Newsletter/Subscribers",
                                   "Template:Advocacy subscriber/preload/es")
    # No [[link]] that could be red: a new section of the talk page, by URL.
    assert "[[" not in footer
    assert "{{fullurl:Talk:Advocacy Hub/Newsletter/2026-06|action=edit&section=new}}" in footer
    assert ("preload=Template:Advocacy_subscriber/preload/es" in footer
            and "nosummary=1" in footer)
    assert Messages("es")("advocacyhub-newsletter-discuss") in footer


def test_the_status_banner_keeps_its_instruction_whole() -> None:
    from bots.core.wikitemplates import newsletter_source

    source = newsletter_source()
    switch = source[source.rindex("{{#switch:{{{status|draft}}}|ready="):]
    branches = mwparserfromhell.parse(switch).filter_templates()[0].params
    # The default branch (draft) is the whole instruction: no "=" or "|" cut it.
    default = [str(p.value) for p in branches if not p.showkey][-1]
    assert "status&#61;draft" in default and "status&#61;ready" in default
    assert default.rstrip().endswith("next run.")
