"""Pages that stay small: the split by first letters (pure), and the paged renderers."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from bots.core.messages import Messages
from bots.core.records import Record
from bots.core.render.pages import KnowledgeBase
from bots.core.render.paging import OTHER, Layout, _segment, size, split
from bots.core.render.partlinks import PageSet
from bots.core.schema import load_schema

TITLES = st.text(alphabet=st.sampled_from(list("abcdeSsTtÉé 0123-中文")),
                 min_size=1, max_size=8)


@settings(max_examples=300, deadline=None)
@given(st.lists(TITLES, max_size=80), st.integers(1, 9), st.integers(5, 60))
def test_every_item_once_and_every_part_within_budget(keys, row, budget) -> None:
    sizes = [row] * len(keys)
    parts = split(keys, sizes, budget)
    placed = [i for p in parts for i in p.items]
    assert sorted(placed) == list(range(len(keys)))
    assert len({p.label for p in parts}) == len(parts)  # one title per part
    for p in parts:
        assert sum(sizes[i] for i in p.items) <= max(budget, row)
        assert list(p.items) == sorted(p.items)  # display order kept within a part


@settings(max_examples=300, deadline=None)
@given(st.lists(TITLES, min_size=1, max_size=80), TITLES, st.integers(10, 60))
def test_adding_one_item_leaves_the_other_letters_alone(keys, new, budget) -> None:
    before = {p.label: [keys[i] for i in p.items] for p in split(keys, [3] * len(keys), budget)}
    after_keys = [*keys, new]
    after = {p.label: [after_keys[i] for i in p.items]
             for p in split(after_keys, [3] * len(after_keys), budget)}
    if len(before) == 1 or len(after) == 1:
        return  # one page before or after: nothing to keep apart
    first = _segment(new, 1)
    for label, items in before.items():
        if not label.startswith(first):
            assert after.get(label) == items, label


def test_labels_read_well() -> None:
    assert _segment("Émile's law", 1) == "E"
    assert _segment("Sale of data", 2) == "Sa"
    assert _segment("S", 2) == "S-"
    assert _segment("2019 reform", 1) == "2"
    assert _segment("中文", 1) == "中" and _segment("Дело", 2) == "Де"  # any script
    assert _segment("«Quoted»", 1) == OTHER and _segment("📚 case", 1) == OTHER
    parts = split(["b", "a", "中", "«x»"], [10, 10, 10, 10], 15)
    assert [p.label for p in parts] == ["A", "B", "中", OTHER]


def test_below_the_budget_nothing_changes() -> None:
    parts = split(["x", "y"], [1, 1], 10)
    assert [(p.label, p.items) for p in parts] == [("", (0, 1))]


# -- the paged renderers --------------------------------------------------------------------

SCHEMA = load_schema()
PAGES = PageSet({"cases": "Advocacy Hub/Cases", "facets": "Advocacy Hub/Cases/By",
                 "maintenance": "Advocacy Hub/Maintenance", "statistics": "S", "events": "E",
                 "resources": "R"}, "en", ["en", "es"])


def cases(n: int) -> list[Record]:
    out = []
    for i in range(n):
        title = f"{'ABCSSSSTU'[i % 9]}{'aeiou'[i % 5]} case {i:04d}"
        out.append(Record("case", f"Advocacy Hub/Cases/{title}", {
            "title": title, "summary": "Summary " * 20, "jurisdiction": ["CL"],
            "region": ["latin-america-caribbean"], "topics": ["copyright"], "start": "2021",
            "status": "active", "outcome": "pending"}))
    return out


def test_a_big_case_index_becomes_an_overview_and_parts_within_the_budget() -> None:
    kb = KnowledgeBase(SCHEMA, Messages("en"), PAGES)
    records = cases(300)
    budget = 40_000
    pages = kb.case_index_pages(records, budget)
    assert len(pages) > 3 and "" in pages
    assert all(size(text) <= budget for text in pages.values())
    shown = sum(text.count("\n|-\n| ") for suffix, text in pages.items() if suffix)
    assert shown == 300  # every case in exactly one part
    overview = pages[""]
    assert "<inputbox>" in overview and "prefix=Advocacy Hub/Cases/" in overview
    for suffix in pages:
        if suffix:
            assert f"[[:Advocacy Hub/Cases/{suffix}|" in overview
    small = kb.case_index_pages(records[:5], budget)
    assert list(small) == [""] and small[""] == kb.case_index(records[:5])


def test_a_big_facet_page_gets_one_page_per_value() -> None:
    kb = KnowledgeBase(SCHEMA, Messages("es"), PAGES)
    fld = SCHEMA.kinds["case"].fields["topics"]
    pages = kb.facet_pages(cases(300), fld, 20_000)
    assert "topics" in pages and "topics/copyright" in pages
    assert all(size(text) <= 20_000 for text in pages.values())
    assert "[[:Advocacy Hub/Cases/By/topics/copyright/es|" in pages["topics"]


def test_a_big_maintenance_report_is_split_by_page() -> None:
    kb = KnowledgeBase(SCHEMA, Messages("en"), PAGES)
    from bots.core.records import Problem

    problems = [Problem(f"Advocacy Hub/Cases/{c}{i}", "case", "topics", "unknown-value",
                        "copyrigth", ("copyright",)) for c in "ABC" for i in range(80)]
    pages = kb.maintenance_pages([], problems, 20_000)
    assert len(pages) > 2 and all(size(t) <= 20_000 for t in pages.values())
    rows = sum(t.count("[[:Advocacy Hub/Cases/") for s, t in pages.items() if s)
    assert rows == len(problems)


def test_every_language_is_split_alike() -> None:
    """A language bar links each part to the same part in the other languages: the split is
    decided by the largest language, for all of them."""
    from bots.core.render.paging import Layout

    records = cases(300)
    layout = Layout(30_000)
    kbs = [KnowledgeBase(SCHEMA, Messages(lang), PAGES) for lang in ("en", "es", "zh")]
    for kb in kbs:
        kb.case_index_pages(records, layout)
        kb.maintenance_pages(records, [], layout)
    layout.freeze()
    suffixes = [set(kb.case_index_pages(records, layout)) for kb in kbs]
    assert len(suffixes[0]) > 2 and suffixes[0] == suffixes[1] == suffixes[2]
    for kb in kbs:
        assert all(size(t) <= 30_000 for t in kb.case_index_pages(records, layout).values())


def test_a_long_events_page_splits_upcoming_and_past_by_date() -> None:
    from datetime import UTC, datetime

    kb = KnowledgeBase(SCHEMA, Messages("en"), PAGES)
    events = [Record("event", f"Advocacy Hub/Events/E{i}", {
        "title": f"Event {i}", "start": f"20{18 + i % 10}-0{1 + i % 9}-1{i % 10}",
        "online": "yes", "place": "Somewhere with a long name " * 2, "topics": ["copyright"],
        "languages": ["en"]}) for i in range(300)]
    now = datetime(2024, 6, 1, tzinfo=UTC)
    pages = kb.events_pages(events, now, 20_000)
    assert len(pages) > 3 and all(size(t) <= 20_000 for t in pages.values())
    assert any(s.startswith("Past/") for s in pages)
    assert any(s.startswith("Upcoming") for s in pages)
    rows = sum(t.count("[[:Advocacy Hub/Events/E") for s, t in pages.items() if s)
    assert rows == 300
    assert kb.events_pages(events[:3], now, 20_000) == {"": kb.events(events[:3], now)}


def test_a_long_resources_page_becomes_an_overview_by_topic_and_parts() -> None:
    kb = KnowledgeBase(SCHEMA, Messages("en"), PAGES)
    resources = [Record("resource", f"Advocacy Hub/Resources/R{i}", {
        "title": f"{'MNOP'[i % 4]} guide {i}", "kind": "guide", "url": f"https://e.org/{i}",
        "topics": ["copyright"] if i % 2 else [], "languages": ["en"],
        "summary": "What it explains, at length. " * 3}) for i in range(300)]
    pages = kb.resources_pages(resources, 20_000)
    assert len(pages) > 3 and all(size(t) <= 20_000 for t in pages.values())
    assert "Copyright" in pages[""] and "[[:Advocacy Hub/Resources/R" not in pages[""]
    rows = sum(t.count("\n|-\n") for s, t in pages.items() if s)
    assert rows == 300
    assert kb.resources_pages(resources[:3], 20_000) == {"": kb.resources(resources[:3])}


def test_a_long_delivery_log_is_split_by_username() -> None:
    from bots.core.delivery import DELIVERED, SKIPPED, DeliveryReport, Outcome
    from bots.core.render.deliverylog import DeliveryLog, fitting

    report = DeliveryReport("newsletter:2026-12", [
        Outcome(f"{'ABCDÉ'[i % 5]}eader {i}", f"User talk:{'ABCDÉ'[i % 5]}eader {i}",
                DELIVERED if i % 3 else SKIPPED, "" if i % 3 else "excluded")
        for i in range(400)])
    log = DeliveryLog(Messages("en"), "Advocacy Hub/Newsletter/2026-12/Delivery log")
    pages = log.pages_of(report, 400, 20_000)
    assert len(pages) > 3 and all(size(t) <= 20_000 for t in pages.values())
    rows = sum(t.count("\n|-\n") for s, t in pages.items() if s)
    assert rows == 400
    assert "400 recipients" in pages[""]
    assert "[[:Advocacy Hub/Newsletter/2026-12/Delivery log/A|A]]" in pages[""]
    small = DeliveryReport("x", report.outcomes[:5])
    assert log.pages_of(small, 5, 20_000) == {"": log.text(small, 5)}
    assert fitting(["a" * 10, "b" * 10, "c" * 10], 25) == ["a" * 10, "b" * 10]
    assert fitting(["a" * 100], 25) == ["a" * 100]  # the newest is always there


def test_an_issue_lists_at_most_max_items_of_each_kind_and_counts_the_rest() -> None:
    from bots.core.newsletter import IssueItems, IssueRenderer

    items = IssueItems(new_cases=cases(3000))
    issue = IssueRenderer(SCHEMA, Messages("en"), max_items=50,
                          more="[[:Advocacy Hub/Cases|the case index]]")
    text = issue.generated(items, "2026-12")
    # A few a pillar (each pillar's own "and N more"), far fewer than max_items.
    groups = text.count("\n=== ")
    assert text.count("\n* [[:Advocacy Hub/Cases/") == 8 * groups
    more = [int(n) for n in re.findall(r"…and (\d+) more: see \[\[:Advocacy Hub/Cases\|", text)]
    assert sum(more) + 8 * groups == 3000
    assert size(text) < 64_000  # a month of 3,000 new cases is still a short issue
    few = IssueRenderer(SCHEMA, Messages("en"), max_items=50).generated(
        IssueItems(new_cases=cases(3)), "2026-12")
    assert "more:" not in few and few.count("\n* [[:") == 3


def test_room_reserved_for_text_added_later_counts_while_the_page_is_one() -> None:
    # The index job adds the featured case to the case index after the renderer measured it:
    # a page that fits only without that text is split.
    layout = Layout(1_000)
    layout.measure("cases", 900, [300, 300, 300], 0)
    assert layout.fits("cases")
    layout.reserve("cases", 150)
    layout.reserve("cases", 50)  # the largest language's counts
    assert not layout.fits("cases")
    layout.freeze()
    layout.reserve("cases", 0)  # frozen: the decision stands
    assert not layout.fits("cases")
