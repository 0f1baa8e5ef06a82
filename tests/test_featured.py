"""The featured case (bots.core.featured): the completeness score, the editor's pick, the bot's
proposal, and that the pick depends on the records alone, not on their order."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from bots.core.featured import PROPOSAL_DAYS, completeness, conflicts, editor_picks, pick

try:
    from tests.builders import SCHEMA, case
except ModuleNotFoundError:
    from builders import SCHEMA, case  # type: ignore[no-redef]

KIND = SCHEMA.kind("case")
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def edited(rec, ts: str):
    return replace(rec, timestamp=ts)


def test_completeness_counts_fields_sources_and_lessons() -> None:
    bare = case("Bare")
    # title, summary, jurisdiction, topics, start, status; region is derived from BR.
    assert completeness(KIND, bare) == 7
    assert completeness(KIND, case("T", tactics="open-letter")) == 8
    assert completeness(KIND, case("O", outcome="won")) == 8
    assert completeness(KIND, case("U", outcome="unknown")) == 7  # the default adds nothing
    two = case("S", sources="https://a.example; https://b.example")
    assert completeness(KIND, two) == 7 + 1 + 2  # the field, and one per source
    many = case("M", sources="; ".join(f"https://s{i}.example" for i in range(9)))
    assert completeness(KIND, many) == 7 + 1 + 5  # at most five sources count
    assert completeness(KIND, case("L", lessons="Coalitions win.")) == 7 + 1 + 3
    assert completeness(KIND, case("H", help_wanted="x", related="P")) == 7  # neither counts


def test_editor_pick_wins_over_a_more_complete_case() -> None:
    rich = edited(case("Rich", lessons="L.", sources="https://a.example", tactics="blackout"),
                  "2026-11-30T10:00:00Z")
    chosen = edited(case("Chosen", featured="2026-12"), "2019-01-01T00:00:00Z")
    got = pick(KIND, [rich, chosen], NOW)
    assert got is not None and got.picked and got.record.page == chosen.page
    assert got.month == "2026-12"


def test_a_case_with_problems_is_not_featured_even_when_picked() -> None:
    broken = edited(case("Broken", featured="2026-12", topics="copyrigth"), "2026-11-30T10:00:00Z")
    good = edited(case("Good", featured="2026-12"), "2026-11-30T10:00:00Z")
    assert not broken.valid
    got = pick(KIND, [broken, good], NOW)
    assert got is not None and got.picked and got.record.page == good.page
    assert editor_picks([broken], "2026-12") == []


def test_an_editor_pick_of_another_month_does_not_count() -> None:
    rich = edited(case("Rich", lessons="L."), "2026-11-30T10:00:00Z")
    other = edited(case("Other", featured="2026-11"), "2026-11-30T10:00:00Z")
    got = pick(KIND, [rich, other], NOW)
    assert got is not None and not got.picked and got.record.page == rich.page


def test_proposal_is_the_most_complete_recent_valid_case() -> None:
    recent = edited(case("Recent", tactics="blackout"), "2026-10-01T00:00:00Z")
    old = edited(case("Old", lessons="L.", tactics="blackout"), "2026-08-01T00:00:00Z")
    broken = edited(case("Broken", lessons="L.", status="nonsense"), "2026-11-01T00:00:00Z")
    got = pick(KIND, [recent, old, broken], NOW)
    assert (NOW - datetime(2026, 8, 1, tzinfo=UTC)).days > PROPOSAL_DAYS
    assert got is not None and not got.picked and got.record.page == recent.page


def test_ties_go_to_the_title_not_to_the_time_of_the_edit() -> None:
    b = edited(case("beta"), "2026-11-02T00:00:00Z")
    a = edited(case("Alpha"), "2026-11-01T00:00:00Z")
    assert pick(KIND, [b, a], NOW).record.page == a.page
    # The same cases edited at other times (another wiki, a retried run): the same pick.
    later = [edited(r, "2026-11-20T00:00:00Z") for r in (a, b)]
    assert pick(KIND, later[::-1], NOW).record.page == a.page


def test_nothing_recent_and_no_pick_gives_none() -> None:
    assert pick(KIND, [edited(case("Old"), "2020-01-01T00:00:00Z")], NOW) is None
    assert pick(KIND, [], NOW) is None


def test_two_picks_for_one_month_the_first_by_title_and_the_other_reported() -> None:
    b = case("beta", featured="2026-12")
    a = case("Alpha", featured="2026-12")
    assert [r.page for r in editor_picks([b, a], "2026-12")] == [a.page, b.page]
    assert pick(KIND, [b, a], NOW).record.page == a.page
    problems = conflicts([b, a], NOW)
    assert [(p.page, p.code, p.value) for p in problems] == [
        (b.page, "featured-conflict", "Alpha")]
    assert conflicts([a], NOW) == []


def test_a_malformed_month_is_a_problem_not_a_pick() -> None:
    for raw in ("2026", "2026-12-05", "December", "2026-13"):
        rec = case("X", featured=raw)
        assert rec.value("featured") == ""
        assert [p.code for p in rec.problems] == ["bad-month"], raw
    assert case("Y", featured="2026-1").value("featured") == "2026-01"


_TITLES = st.text(alphabet="abcAB ", min_size=1, max_size=4).map(str.strip).filter(bool)
_CASES = st.lists(st.tuples(
    _TITLES,
    st.sampled_from(["", "L."]),
    st.integers(0, 3),  # sources
    st.sampled_from(["2026-11-30T00:00:00Z", "2026-11-29T00:00:00Z", "2026-06-01T00:00:00Z"]),
    st.sampled_from(["", "", "2026-12", "2026-11"]),
), max_size=8)


def _build(specs) -> list:
    out = []
    for i, (title, lessons, sources, ts, featured) in enumerate(specs):
        fields = {"lessons": lessons, "featured": featured,
                  "sources": "; ".join(f"https://s{j}.example" for j in range(sources))}
        rec = case(f"{title} {i}", **{k: v for k, v in fields.items() if v})
        out.append(edited(rec, ts))
    return out


@settings(max_examples=200, deadline=None)
@given(_CASES, st.randoms(use_true_random=False))
def test_same_records_in_any_order_give_the_same_pick_and_an_editor_pick_wins(
        specs, rnd: random.Random) -> None:
    records = _build(specs)
    shuffled = list(records)
    rnd.shuffle(shuffled)
    first, again = pick(KIND, records, NOW), pick(KIND, shuffled, NOW)
    assert (first is None) == (again is None)
    if first is None:
        assert not any(r.value("featured") == "2026-12" for r in records)
        return
    assert (first.record.page, first.picked) == (again.record.page, again.picked)
    chosen = [r for r in records if r.value("featured") == "2026-12"]
    if chosen:  # an editor's pick always wins, whatever the scores
        assert first.picked and first.record.value("featured") == "2026-12"
    else:
        assert not first.picked
        best = max(completeness(KIND, r) for r in records
                   if r.timestamp >= "2026-09-02")
        assert completeness(KIND, first.record) == best
