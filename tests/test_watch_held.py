"""The watcher's held snapshot (bots.jobs.common.snapshots.whole_after) and the index's order
of writing (bots.jobs.index.readers_first), without a wiki."""

from __future__ import annotations

from bots.core.records import Record
from bots.core.snapshot import Snapshot
from bots.jobs.common.snapshots import same_head, whole_after
from bots.jobs.index import readers_first


def rec(page: str) -> Record:
    return Record(kind="case", page=page, fields={"title": page}, revid=1)


def whole() -> Snapshot:
    return Snapshot(shard_titles=["S/1.json"], shard_sha1=["aaa"], revids={"A": 1},
                    base={"A": [rec("A")]})


def test_a_complete_snapshot_is_held_as_it_is() -> None:
    snap = whole()
    assert whole_after(None, snap) is snap


def test_an_incremental_harvest_over_the_same_shards_keeps_their_records() -> None:
    head = Snapshot(shard_titles=["S/1.json"], shard_sha1=["aaa"], revids={"A": 1, "B": 2},
                    delta={"B": [rec("B")]})
    got = whole_after(whole(), head)
    assert got is not None and sorted(r.page for r in got.records()) == ["A", "B"]
    assert same_head(got, head)


def test_other_shards_are_not_known() -> None:
    head = Snapshot(shard_titles=["S/1.json"], shard_sha1=["bbb"], delta={"B": [rec("B")]})
    assert whole_after(whole(), head) is None
    assert whole_after(None, head) is None


def test_the_case_index_comes_before_the_facets_and_new_pages_before_it() -> None:
    sections = {"F/old": ("facet-topics", ""), "F/new": ("facet-topics", ""),
                "Cases": ("cases", ""), "Cases/es": ("cases", ""), "Stats": ("statistics", ""),
                "Front": ("front", "")}
    known = {"F/old": [], "Cases": [], "Stats": []}
    assert list(readers_first(sections, known)) == ["F/new", "Cases", "Cases/es", "F/old",
                                                    "Stats", "Front"]
