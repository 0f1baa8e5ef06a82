"""The delivery's safety limits, pure parts: the circuit breaker (``[newsletter]
breaker_growth``, bots.core.delivery.breaker_tripped) and the per-run cap
(``[newsletter] max_deliveries_per_run``, bots.wiki.talkpages.PostBudget.stop_reason).

The confirmation (``confirm_subscribers``) and the cap's posting loop live inside the job
modules (bots/jobs/deliver.py, bots/wiki/talkpages.py ``_execute``) with wiki calls: only the
pure decisions they use are tested here.
"""

from __future__ import annotations

import time
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bots.core.delivery import breaker_holds, breaker_tripped
from bots.core.messages import Messages
from bots.wiki.talkpages import PostBudget

counts = st.integers(0, 100_000)
percent = st.integers(1, 300)  # breaker_growth as a whole percentage, 0.01 .. 3.0


# -- the circuit breaker --------------------------------------------------------------------

@settings(max_examples=500)
@given(counts, counts, st.integers(0, 50))
def test_with_the_default_growth_it_trips_exactly_when_the_list_grew_by_more_than_half(
        previous, current, floor) -> None:
    # 0.5 is exact in binary: the float decision must equal the exact one
    exact = previous > 0 and current - previous > max(floor, Fraction(previous, 2))
    assert breaker_tripped(previous, current, floor=floor) is exact


@settings(max_examples=500)
@given(st.integers(1, 100_000), counts, percent)
def test_it_trips_only_past_the_threshold_and_always_well_past_it(previous, current,
                                                                    pct) -> None:
    growth = pct / 100
    threshold = max(10, Fraction(previous * pct, 100))
    grew = current - previous
    if grew > threshold + 1:
        assert breaker_tripped(previous, current, growth=growth)
    if grew < threshold:
        assert not breaker_tripped(previous, current, growth=growth)


@pytest.mark.parametrize("previous,current,growth", [(100, 129, 0.29), (100, 157, 0.57),
                                                     (50, 79, 0.58)])
def test_growing_by_exactly_the_threshold_does_not_trip(previous, current, growth) -> None:
    assert current - previous == Fraction(previous) * Fraction(str(growth))  # exactly it
    assert not breaker_tripped(previous, current, growth=growth)


def test_boundaries_of_the_default_breaker() -> None:
    assert not breaker_tripped(100, 150)  # +50%: not more than half
    assert breaker_tripped(100, 151)
    assert not breaker_tripped(20, 30)  # +10 on a small list: the floor lets it through
    assert breaker_tripped(20, 31)
    assert not breaker_tripped(4, 14) and breaker_tripped(4, 15)
    assert not breaker_tripped(100, 130, growth=0.3) and breaker_tripped(100, 131, growth=0.3)


@given(counts, counts)
def test_a_first_issue_or_a_shrinking_list_never_trips(previous, current) -> None:
    assert not breaker_tripped(0, current)  # no issue delivered yet: nothing to compare
    assert not breaker_tripped(previous, min(previous, current))


@given(st.integers(1, 10_000), counts, counts, percent)
def test_more_growth_never_untrips(previous, a, b, pct) -> None:
    low, high = sorted((a, b))
    if breaker_tripped(previous, low, growth=pct / 100):
        assert breaker_tripped(previous, high, growth=pct / 100)


@pytest.mark.parametrize("lang", ["en", "es", "zh"])
def test_the_pause_message_names_both_counts_and_the_setting_to_confirm(lang) -> None:
    text = Messages(lang)("advocacyhub-breaker", 120, 400)
    assert "120" in text and "confirm_subscribers = 400" in text
    assert text.index("120") < text.index("400")
    if lang != "en":
        assert text != Messages("en")("advocacyhub-breaker", 120, 400)


# -- the per-run cap ------------------------------------------------------------------------

def test_the_cap_stops_at_max_posts_and_not_before() -> None:
    budget = PostBudget(3, 1e9)
    reasons = []
    for _ in range(5):
        reasons.append(budget.stop_reason())
        budget.posted += 1
    assert reasons == ["", "", "", "cap", "cap"]
    assert PostBudget(0, 1e9).stop_reason() == "cap"  # a cap of 0 posts nothing


def test_the_time_budget_stops_posting_and_the_cap_is_said_first() -> None:
    late = PostBudget(10, 60.0, started=time.monotonic() - 61)
    assert late.stop_reason() == "time"
    assert late.left() < 0
    late.posted = 10
    assert late.stop_reason() == "cap"
    fresh = PostBudget(10, 60.0)
    assert fresh.stop_reason() == "" and 59 < fresh.left() <= 60


@settings(max_examples=200)
@given(st.integers(0, 400), st.integers(1, 60))
def test_runs_under_the_cap_post_at_most_n_each_and_lose_no_one(people, cap) -> None:
    """The posting loop's use of the budget (bots.wiki.talkpages._execute: the stop reason
    asked before each post, ``posted`` counted after), run after run on what is still due (as
    bots.jobs.deliver keeps it: everyone without a final outcome)."""
    due = [f"Reader {i}" for i in range(people)]
    delivered: list[str] = []
    runs = 0
    while due:
        runs += 1
        budget = PostBudget(cap, 1e9)
        posted_now = []
        for person in due:
            if budget.stop_reason():
                break
            posted_now.append(person)
            budget.posted += 1
        assert len(posted_now) == min(cap, len(due))
        delivered += posted_now
        due = [p for p in due if p not in posted_now]
        assert runs <= people  # always progress
    assert sorted(delivered) == sorted(f"Reader {i}" for i in range(people))
    assert len(delivered) == len(set(delivered))  # nobody twice
    assert runs == -(-people // cap)  # ceil(people / cap)


@given(st.integers(1, 10_000), st.integers(0, 30_000), st.integers(0, 30_000))
def test_a_tripped_breaker_holds_until_that_very_count_is_confirmed(previous, current,
                                                                    confirmed) -> None:
    holds = breaker_holds(previous, current, growth=0.5, confirmed=confirmed)
    tripped = breaker_tripped(previous, current, growth=0.5)
    assert holds == (tripped and confirmed != current)
    # confirming the count releases it; confirming another count does not
    assert not breaker_holds(previous, current, growth=0.5, confirmed=current)
