"""How the statistics count cases by region (pure).

A case counts once: in the one region its jurisdictions lie in, or in the row of cases that
span several regions (global, UN, EU, or countries of different regions), or in the row of
cases with no region (a territory no grant region holds). The rows add up to the number of
cases, so a reader can check them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

SEVERAL = "*several"  # row key of the cases in more than one region
NONE = "*none"  # row key of the cases in no region


@dataclass(frozen=True)
class RegionCount:
    one: Counter[str]  # region -> cases whose jurisdictions all lie in it
    several: int  # cases spanning more than one region (global, UN, EU ...)
    none: int  # cases in no region

    @property
    def total(self) -> int:
        return sum(self.one.values()) + self.several + self.none


def count_regions(regions_of_cases: Iterable[Sequence[str]]) -> RegionCount:
    """``regions_of_cases``: each case's regions (derived from its jurisdictions)."""
    one: Counter[str] = Counter()
    several = none = 0
    for regions in regions_of_cases:
        distinct = set(regions)
        if len(distinct) == 1:
            one[next(iter(distinct))] += 1
        elif distinct:
            several += 1
        else:
            none += 1
    return RegionCount(one, several, none)
