"""How the statistics count cases by region (bots.core.regioncount): each case once."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bots.core.regioncount import count_regions

REGIONS = ["CEECA", "ESEAP", "LAC", "SSA", "MENA", "SA", "NA", "NWE"]


@settings(deadline=None)  # a shared machine: no time limit per example
@given(st.lists(st.lists(st.sampled_from(REGIONS), max_size=10), max_size=60))
def test_the_rows_add_up_to_the_number_of_cases(cases: list[list[str]]) -> None:
    count = count_regions(cases)
    assert count.total == len(cases)
    # A region's row holds exactly the cases that lie in it alone.
    for region in REGIONS:
        assert count.one[region] == sum(1 for c in cases if set(c) == {region})
    assert count.several == sum(1 for c in cases if len(set(c)) > 1)


def test_global_eu_and_mixed_cases_are_one_row() -> None:
    count = count_regions([REGIONS, ["NWE", "CEECA"], ["LAC", "LAC"], ["NWE"], []])
    assert (dict(count.one), count.several, count.none) == ({"LAC": 1, "NWE": 1}, 2, 1)
