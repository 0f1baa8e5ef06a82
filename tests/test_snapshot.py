"""The harvest snapshot: head + shards on the wiki (bots.core.snapshot)."""

from __future__ import annotations

import json

import pytest

from bots.core import snapshot as snapshot_module
from bots.core.records import Problem, Record
from bots.core.snapshot import Snapshot, sha1, shard_records, stored_size


def rec(page: str, index: int = 0, revid: int = 1, title: str | None = None,
        bad: bool = False) -> Record:
    problems = [Problem(page, "case", "topcis", "unknown-field", "ai", ("topics",))] if bad else []
    return Record(kind="case", page=page,
                  fields={"title": title or f"{page} #{index}", "topics": ["ai", "copyright"],
                          "start": "2021"},
                  index=index, revid=revid, timestamp="2024-01-01T00:00:00Z",
                  problems=problems)


def titles(snap: Snapshot) -> list[str]:
    return [str(r.fields["title"]) for r in snap.records()]


def test_round_trip_head_and_shards() -> None:
    snap = Snapshot(rc_from="2024-05-01T00:00:00Z", last_rcid=1234, full_at="2024-04-01",
                    schema_hash="abc", shard_titles=["S/1.json"])
    snap.add_base("Cases/A", 10, [rec("Cases/A", revid=10), rec("Cases/A", 1, 10, bad=True)])
    snap.add_base("Cases/B", 11, [rec("Cases/B", revid=11, title="Ünïcödé 中文 «B»")])
    snap.set_page("Cases/C", 12, [rec("Cases/C", revid=12)])
    snap.set_page("Cases/B", 13, [])  # removed since the shards were written

    payloads = snap.shard_payloads()
    head = snap.head_json()
    back = Snapshot.from_json(head, payloads)

    assert back.records() == snap.records()
    assert [r.key for r in back.records()] == [
        "case:Cases/A#0", "case:Cases/A#1", "case:Cases/C#0"]
    assert back.records()[1].problems == snap.records()[1].problems
    assert not back.records()[1].valid
    assert (back.rc_from, back.last_rcid, back.full_at, back.schema_hash) == (
        "2024-05-01T00:00:00Z", 1234, "2024-04-01", "abc")
    assert back.shard_titles == ["S/1.json"]
    assert back.revids == {"Cases/A": 10, "Cases/C": 12}
    assert back.delta.keys() == {"Cases/B", "Cases/C"}
    assert back.delta["Cases/B"] == []
    # serialising again gives the same text: stable output means no needless edits
    assert back.head_json() == head
    assert back.shard_payloads() == payloads


def test_json_is_valid_and_unicode_is_kept_readable() -> None:
    snap = Snapshot()
    snap.set_page("P", 1, [rec("P", title="中文 العربية")])
    head = snap.head_json()
    assert "中文 العربية" in head  # not \\u-escaped
    data = json.loads(head)
    assert data["version"] == snapshot_module.VERSION
    assert isinstance(data["description"], str) and data["description"]


def test_head_only_view_reads_the_delta() -> None:
    snap = Snapshot()
    snap.add_base("Base", 1, [rec("Base")])
    snap.set_page("New", 2, [rec("New")])
    head_only = Snapshot.from_json(snap.head_json())
    assert titles(head_only) == ["New #0"]
    assert head_only.knows("Base") and head_only.knows("New")


def test_other_version_is_refused() -> None:
    data = json.loads(Snapshot().head_json())
    data["version"] = snapshot_module.VERSION + 1
    with pytest.raises(ValueError, match="version"):
        Snapshot.from_json(json.dumps(data))


# -- set_page ---------------------------------------------------------------------------------

def test_set_page_same_revid_is_no_change() -> None:
    snap = Snapshot()
    assert snap.set_page("P", 5, [rec("P")]) is True
    assert snap.set_page("P", 5, [rec("P", title="other")]) is False
    assert titles(snap) == ["P #0"]


def test_set_page_new_revid_goes_to_the_delta_and_overrides_the_base() -> None:
    snap = Snapshot()
    snap.add_base("P", 5, [rec("P", title="old")])
    assert snap.delta == {}
    assert snap.set_page("P", 5, [rec("P", title="same revision")]) is False
    assert snap.set_page("P", 6, [rec("P", title="new")]) is True
    assert snap.revids["P"] == 6
    assert titles(snap) == ["new"]
    assert [r.fields["title"] for r in snap.delta["P"]] == ["new"]
    assert [r.fields["title"] for r in snap.base["P"]] == ["old"]  # shards untouched


def test_set_page_empty_records_removes_the_page() -> None:
    snap = Snapshot()
    snap.add_base("P", 5, [rec("P")])
    snap.add_base("Q", 5, [rec("Q")])
    assert snap.set_page("P", 7, []) is True
    assert not snap.knows("P")
    assert snap.delta["P"] == []
    assert titles(snap) == ["Q #0"]
    assert "P" not in snap.pages()
    # still nothing there: no change
    assert snap.set_page("P", 8, []) is False
    assert snap.drop_page("Never seen") is False


def test_removed_page_can_come_back() -> None:
    snap = Snapshot()
    snap.set_page("P", 1, [rec("P", title="first")])
    snap.drop_page("P")
    assert snap.records() == []
    assert snap.set_page("P", 1, [rec("P", title="back")]) is True
    assert titles(snap) == ["back"]


def test_counts_track_records_and_invalid_ones() -> None:
    snap = Snapshot()
    snap.add_base("A", 1, [rec("A"), rec("A", 1, bad=True)])
    snap.set_page("B", 2, [rec("B", bad=True)])
    assert (snap.record_count, snap.invalid_count) == (3, 2)
    snap.set_page("A", 3, [rec("A")])
    assert (snap.record_count, snap.invalid_count) == (2, 1)
    snap.drop_page("B")
    assert (snap.record_count, snap.invalid_count) == (1, 0)


def test_records_are_sorted_by_page_then_kept_in_page_order() -> None:
    snap = Snapshot()
    snap.set_page("b", 1, [rec("b", 0), rec("b", 1)])
    snap.set_page("a", 1, [rec("a", 1), rec("a", 0)])
    assert [r.key for r in snap.records()] == ["case:a#1", "case:a#0", "case:b#0", "case:b#1"]


# -- shards -----------------------------------------------------------------------------------

def _shard_records(payloads: list[str]) -> list[list[Record]]:
    out = []
    for payload in payloads:
        data = json.loads(payload)
        assert data["version"] == snapshot_module.VERSION
        out.append(shard_records(data))
    return out


def _base(n_pages: int, per_page: int = 1) -> Snapshot:
    snap = Snapshot()
    for i in range(n_pages):
        page = f"Cases/{i:03d}"
        snap.add_base(page, i + 1, [rec(page, j) for j in range(per_page)])
    return snap


def test_empty_snapshot_has_one_empty_shard() -> None:
    assert _shard_records(Snapshot().shard_payloads()) == [[]]


def test_shards_split_by_record_count(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(snapshot_module, "SHARD_MAX_RECORDS", 2)
    snap = _base(5)
    shards = _shard_records(snap.shard_payloads())
    assert [len(s) for s in shards] == [2, 2, 1]
    assert [r.page for s in shards for r in s] == [f"Cases/{i:03d}" for i in range(5)]
    back = Snapshot.from_json(Snapshot().head_json(), snap.shard_payloads())
    assert back.records() == snap.records()


def test_shards_split_by_size(monkeypatch: pytest.MonkeyPatch) -> None:
    limit = 700
    monkeypatch.setattr(snapshot_module, "SHARD_MAX_BYTES", limit)
    snap = _base(12, per_page=2)
    payloads = snap.shard_payloads()
    shards = _shard_records(payloads)
    assert [len(s) for s in shards] == [2] * 12  # one page (2 records, 619 bytes) a shard
    for payload in payloads:
        # measured as MediaWiki stores it: pretty-printed, tab-indented
        assert stored_size(json.loads(payload)) <= limit
    back = Snapshot.from_json(Snapshot().head_json(), payloads)
    assert back.records() == snap.records()
    # Room for three pages: they share a shard.
    monkeypatch.setattr(snapshot_module, "SHARD_MAX_BYTES", 1300)
    payloads = snap.shard_payloads()
    assert [len(s) for s in _shard_records(payloads)] == [6] * 4
    assert all(stored_size(json.loads(p)) <= 1300 for p in payloads)
    assert Snapshot.from_json(Snapshot().head_json(), payloads).records() == snap.records()


def test_a_record_bigger_than_a_shard_gets_its_own(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(snapshot_module, "SHARD_MAX_BYTES", 300)
    snap = Snapshot()
    snap.add_base("A", 1, [rec("A", title="x" * 1000)])
    snap.add_base("B", 1, [rec("B")])
    shards = _shard_records(snap.shard_payloads())
    assert [[r.page for r in s] for s in shards] == [["A"], ["B"]]


def test_shard_size_limit_is_in_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    limit = 2000
    monkeypatch.setattr(snapshot_module, "SHARD_MAX_BYTES", limit)
    snap = Snapshot()
    for i in range(10):
        snap.add_base(f"P{i}", 1, [rec(f"P{i}", title="中文标题" * 40)])
    payloads = snap.shard_payloads()
    assert len(payloads) == 5  # two pages of 40 Chinese titles each fit in 2,000 bytes
    for payload in payloads:
        assert stored_size(json.loads(payload)) <= limit


# -- materialising and compaction -------------------------------------------------------------

def test_materialisation_delta_overrides_base() -> None:
    snap = Snapshot()
    snap.add_base("A", 1, [rec("A", title="A old")])
    snap.add_base("B", 1, [rec("B", title="B old"), rec("B", 1, title="B old 2")])
    snap.add_base("C", 1, [rec("C", title="C kept")])
    snap.set_page("A", 2, [rec("A", title="A new")])
    snap.set_page("B", 2, [rec("B", title="B new, one record left")])
    snap.set_page("D", 1, [rec("D", title="D added")])
    snap.drop_page("C")
    assert titles(snap) == ["A new", "B new, one record left", "D added"]
    # the same through JSON, as another tool would read it
    back = Snapshot.from_json(snap.head_json(), snap.shard_payloads())
    assert titles(back) == ["A new", "B new, one record left", "D added"]


def test_compaction_moves_everything_into_the_base() -> None:
    snap = Snapshot(rc_from="ts", last_rcid=9, shard_titles=["S/1.json"], schema_hash="h")
    snap.add_base("A", 1, [rec("A", title="A old")])
    snap.add_base("C", 1, [rec("C")])
    snap.set_page("A", 2, [rec("A", title="A new")])
    snap.set_page("B", 1, [rec("B")])
    snap.drop_page("C")
    compact = snap.compacted()
    assert compact.delta == {}
    assert set(compact.base) == {"A", "B"}
    assert compact.records() == snap.records()
    assert compact.revids == {"A": 2, "B": 1}
    assert (compact.rc_from, compact.last_rcid, compact.schema_hash) == ("ts", 9, "h")
    assert (compact.record_count, compact.invalid_count) == (2, 0)
    # the original is not changed
    assert set(snap.delta) == {"A", "B", "C"}
    # the compacted head carries no records; the shards carry them all
    assert json.loads(compact.head_json())["delta"] == {}
    back = Snapshot.from_json(compact.head_json(), compact.shard_payloads())
    assert back.records() == snap.records()


def test_needs_compaction(monkeypatch: pytest.MonkeyPatch) -> None:
    snap = Snapshot()
    assert not snap.needs_compaction()
    monkeypatch.setattr(snapshot_module, "DELTA_MAX_PAGES", 3)
    for i in range(4):
        snap.set_page(f"P{i}", 1, [rec(f"P{i}")])
    assert snap.needs_compaction()
    assert not snap.compacted().needs_compaction()


def test_sha1() -> None:
    assert sha1("abc") == "a9993e364706816aba3e25717850c26c9cd0d89d"
    assert sha1("中") != sha1("中 ")


def test_shards_are_tables_with_nulls_for_missing_fields() -> None:
    snap = Snapshot()
    snap.add_base("A", 3, [rec("A", revid=3, bad=True)])
    snap.add_base("B", 4, [Record(kind="advocate", page="B", fields={"name": "Ana"}, revid=4)])
    snap.base["A"][0].editor = "Bea"  # who saved the revision read (the review-due lists)
    (payload,) = snap.shard_payloads()
    data = json.loads(payload)
    assert data["columns"] == ["kind", "page", "index", "revid", "ts", "problems", "editor"]
    assert data["fields"] == ["name", "start", "title", "topics"]
    # the advocate has none of the case's fields, the case no name: null, not repeated keys
    assert data["rows"][1] == ["advocate", "B", 0, 4, "", None, None, "Ana", None, None, None]
    assert data["rows"][0][6:] == ["Bea", None, "2021", "A #0", ["ai", "copyright"]]
    back = shard_records(data)
    assert back == snap.records()
    assert back[1].fields == {"name": "Ana"}
    assert (back[0].editor, back[1].editor) == ("Bea", "")


def test_problems_without_a_field_survive_the_round_trip() -> None:
    """A parameter with an empty name, or a page the parser could not read, gives a problem
    whose field is empty; it must read back (it once made every later run fail)."""
    from bots.core.parse import find_records
    from bots.core.schema import load_schema

    (found,) = find_records("{{Advocacy case|title=T| = oops}}", "P", load_schema())
    assert any(p.field == "" for p in found.problems)
    page_level = Record(kind="page", page="Q", fields={}, revid=2,
                        problems=[Problem("Q", "page", "", "unparsable", "boom")])
    snap = Snapshot()
    snap.add_base("P", 1, [found])
    snap.set_page("Q", 2, [page_level])
    back = Snapshot.from_json(snap.head_json(), snap.shard_payloads())
    assert back.records() == snap.records()
    assert back.records()[1].problems == page_level.problems
