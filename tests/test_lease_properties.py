"""The lease protocol (bots.core.lease) as a Hypothesis state machine: several runs with
clocks off by up to the skew, taking, renewing and releasing the lease on one page whose
writes are compare-and-swap on the revision (as MediaWiki's ``baserevid``), runs racing
between their read and their edit, runs killed while holding it.

Invariants: at no true instant do two live runs count the lease as theirs; a run counts it
as its own only when the page names its token; a killed holder blocks the others no longer
than its lease and twice the skew."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
)

from bots.core.lease import FREE, Conflict, Lease, LeaseHolder, parse

SKEW = timedelta(seconds=30)
DURATION = timedelta(seconds=300)
START = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
RUNS = 3


class Page:
    """A page whose writes name the revision they replace (MediaWiki with baserevid on a
    one-line page: any two edits of it conflict)."""

    def __init__(self) -> None:
        self.revid = 0
        self.text: str | None = None
        self.before_write: Callable[[], None] | None = None  # another run's turn, once

    def read(self) -> tuple[int, str | None]:
        return self.revid, self.text

    def write(self, base: int, text: str, *, check: bool = True) -> int:
        if self.before_write is not None:
            turn, self.before_write = self.before_write, None
            turn()
        if base != self.revid:
            raise Conflict
        self.revid += 1
        self.text = text
        return self.revid


class LeaseMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.page = Page()
        self.true_now = START
        self.offsets = [timedelta(0)] * RUNS
        self.runs: list[LeaseHolder] = []

    def clock_of(self, i: int) -> Callable[[], datetime]:
        return lambda: self.true_now + self.offsets[i]

    def fresh(self, i: int) -> LeaseHolder:
        return LeaseHolder(self.page, f"run {i}", clock=self.clock_of(i), duration=DURATION,
                           skew=SKEW)

    @initialize(offsets=st.lists(st.sampled_from([-1.0, 1.0]) | st.floats(-1.0, 1.0),
                                 min_size=RUNS, max_size=RUNS))
    def start(self, offsets: list[float] | None = None) -> None:
        self.offsets = [SKEW * f for f in offsets or [0.0] * RUNS]  # each clock off by up to SKEW
        self.runs = [self.fresh(i) for i in range(RUNS)]

    @rule(seconds=st.floats(min_value=0.5, max_value=200))
    def time_passes(self, seconds: float) -> None:
        self.true_now += timedelta(seconds=seconds)

    @rule(seconds=st.integers(-3 * int(SKEW.total_seconds()), 3 * int(SKEW.total_seconds())))
    def time_near_expiry(self, seconds: float) -> None:
        """Time goes on to around the end of the lease on the page (where clocks matter)."""
        current = parse(self.page.text)
        if current is not None:
            self.true_now = max(self.true_now, current.until + timedelta(seconds=seconds))

    @rule(i=st.integers(0, RUNS - 1),
          skew=st.sampled_from([-1.0, 1.0]) | st.floats(min_value=-1.0, max_value=1.0))
    def clock_drifts(self, i: int, skew: float) -> None:  # any run's clock, within the bound
        self.offsets[i] = SKEW * skew  # the bound, or anything within it

    @rule(i=st.integers(0, RUNS - 1))
    def acquire(self, i: int) -> None:
        got = self.runs[i].acquire()
        if got:
            assert parse(self.page.text).token == self.runs[i].token
        else:
            assert self.runs[i].busy is not None

    @rule(i=st.integers(0, RUNS - 1), j=st.integers(0, RUNS - 1))
    def race(self, i: int, j: int) -> None:
        """Run ``j`` acquires between run ``i``'s read and its edit: at most one gets it."""
        other: list[bool] = []
        self.page.before_write = lambda: other.append(self.runs[j].acquire())
        mine = self.runs[i].acquire()
        self.page.before_write = None
        if i != j and other and other[0]:
            assert not mine, "two runs took the lease from one reading"

    @rule(i=st.integers(0, RUNS - 1))
    def ensure(self, i: int) -> None:
        if self.runs[i].ensure():
            assert self.runs[i].valid()

    @rule(i=st.integers(0, RUNS - 1))
    def held_past_its_end(self, i: int) -> None:
        """A holder that waited past its lease's end (a long rate-limited edit) takes it back
        when no other run took it since; otherwise it has lost it."""
        run = self.runs[i]
        if run.held is None:
            return
        mine = self.page.revid == run.revid
        self.true_now = max(self.true_now, run.held.until + SKEW)
        assert run.ensure() == mine
        assert run.valid() == mine

    @rule(i=st.integers(0, RUNS - 1))
    def release(self, i: int) -> None:
        self.runs[i].release()
        assert not self.runs[i].valid()

    @rule(i=st.integers(0, RUNS - 1))
    def killed(self, i: int) -> None:
        """SIGKILL: the run is gone (it never writes again); a new one takes its place."""
        self.runs[i] = self.fresh(i)

    @rule(i=st.integers(0, RUNS - 1))
    def takeover_after_expiry(self, i: int) -> None:
        """Once the lease on the page is over (plus the skew on both clocks), any run takes
        it: a killed holder blocks no one for longer."""
        current = parse(self.page.text)
        if current is not None:
            self.true_now = max(self.true_now, current.until + 2 * SKEW + timedelta(seconds=1))
        assert self.runs[i].acquire(), f"an expired lease still blocks: {current}"

    @invariant()
    def one_holder_at_a_time(self) -> None:
        valid = [r.holder for r in self.runs if r.valid()]
        assert len(valid) <= 1, f"two runs count the lease as theirs at {self.true_now}: {valid}"

    @invariant()
    def holder_is_named_on_the_page(self) -> None:
        for r in self.runs:
            if r.valid():
                current = parse(self.page.text)
                assert current is not None and current.token == r.token


LeaseMachine.TestCase.settings = settings(max_examples=100, stateful_step_count=40,
                                          deadline=None)
TestLeaseProtocol = LeaseMachine.TestCase


@pytest.mark.parametrize("text", [None, "", FREE, "someone wrote here", "held by x until soon"])
def test_a_page_that_is_not_a_lease_line_holds_nothing(text: str | None) -> None:
    assert parse(text) is None


def test_the_line_reads_back() -> None:
    lease = Lease("toolforge pod 7 pid 12 (deliver)", START, "0123abcd")
    assert parse(lease.line()) == lease
    assert "\n" not in Lease("a\nb", START, "0123abcd").line()


def test_a_lease_shorter_than_the_skew_allows_is_refused() -> None:
    with pytest.raises(ValueError):
        LeaseHolder(Page(), "x", clock=lambda: START, duration=SKEW * 4, skew=SKEW)
