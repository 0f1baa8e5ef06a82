"""Harvest against a real MediaWiki: full, incremental, deletions, moves, costs."""

from __future__ import annotations

import math

import pytest

pytestmark = pytest.mark.wiki

CASE = ("{{{{Advocacy case\n|title={title}\n|summary=Something happened.\n|jurisdiction={j}\n"
        "|topics={topics}\n|start=2020\n|status=active\n}}}}")


def case_text(title: str, j: str = "BR", topics: str = "copyright") -> str:
    return CASE.format(title=title, j=j, topics=topics)


def records_by_page(bot) -> dict[str, list[dict]]:
    """Materialise the snapshot as a consumer would: shards, then the delta on top."""
    import json

    from bots.core.snapshot import shard_records

    head = bot.snapshot()
    pages: dict[str, list[dict]] = {}
    for shard in head["shards"]:
        for rec in shard_records(json.loads(bot.text(shard))):
            pages.setdefault(rec.page, []).append(rec.to_json())
    pages.update(head["delta"])
    return {p: recs for p, recs in pages.items() if recs}


def test_full_then_incremental(bot) -> None:
    admin = bot.admin()
    for i in range(3):
        admin.edit(f"Advocacy Hub/Cases/C{i}", case_text(f"C{i}"), "t")
    full = bot.run("harvest")
    assert full.records == 3
    # Read: the snapshot head, shutoff and status pages, and the 3 record pages; not the
    # template pages, which do not transclude the marker themselves.
    assert full.pages_read == 3 + 3
    assert set(records_by_page(bot)) == {f"Advocacy Hub/Cases/C{i}" for i in range(3)}
    rec = records_by_page(bot)["Advocacy Hub/Cases/C0"][0]
    assert rec["fields"]["region"] == ["LAC"]  # derived from the jurisdiction

    quiet = bot.run("harvest")
    assert quiet.edits == 0
    assert quiet.api_requests <= 5

    # k changed pages: an edit, a new page (unknown to the snapshot), a page that drops the
    # template, a deletion and a move.
    admin.edit("Advocacy Hub/Cases/C0", case_text("C0 renamed", j="EE"), "t")
    admin.edit("Advocacy Hub/Cases/New", case_text("New"), "t")
    admin.edit("Talk:Unrelated", "no records here", "t")
    admin.edit("Advocacy Hub/Cases/C1", "The template was removed.", "t")
    admin.call("POST", action="delete", title="Advocacy Hub/Cases/C2", token=admin.token())
    admin.edit("Advocacy Hub/Cases/Moving", case_text("Moving"), "t")
    bot.run("harvest")
    admin.call("POST", action="move", **{"from": "Advocacy Hub/Cases/Moving"},
               to="Advocacy Hub/Cases/Moved", token=admin.token(), noredirect="0")
    inc = bot.run("harvest")
    pages = records_by_page(bot)
    assert set(pages) == {"Advocacy Hub/Cases/C0", "Advocacy Hub/Cases/New",
                          "Advocacy Hub/Cases/Moved"}
    assert pages["Advocacy Hub/Cases/C0"][0]["fields"]["title"] == "C0 renamed"
    assert pages["Advocacy Hub/Cases/C0"][0]["fields"]["region"] == ["CEECA"]
    assert inc.edits == 1  # only the head page
    assert inc.api_requests <= 5 + math.ceil(2 / 500) + 1  # +1: the template check of new titles


def test_incremental_cost_with_changed_pages(bot) -> None:
    admin = bot.admin()
    for i in range(12):
        admin.edit(f"Advocacy Hub/Cases/K{i}", case_text(f"K{i}"), "t")
    bot.run("harvest")
    k = 7
    for i in range(k):
        admin.edit(f"Advocacy Hub/Cases/K{i}", case_text(f"K{i} v2"), "t")
    stats = bot.run("harvest")
    assert stats.api_requests <= 5 + math.ceil(k / 500)
    assert stats.edits == 1
    titles = {r[0]["fields"]["title"] for r in records_by_page(bot).values()}
    assert titles == {f"K{i} v2" for i in range(k)} | {f"K{i}" for i in range(k, 12)}


def test_invalid_records_are_kept_with_their_problems(bot) -> None:
    bot.admin().edit("Advocacy Hub/Cases/Messy",
                     "{{advocacy_case|title=Messy|summery=x|jurisdiction=Germny|topics=FoP; "
                     "copyrigth|start=2020-13|status=ongoing}}", "t")
    stats = bot.run("harvest")
    rec = records_by_page(bot)["Advocacy Hub/Cases/Messy"][0]
    problems = {(p["field"], p["code"]) for p in rec["problems"]}
    # One error per problem: the misspelled "summery" points at "summary", which is therefore
    # not reported missing a second time.
    assert problems == {("summery", "unknown-field"), ("jurisdiction", "unknown-jurisdiction"),
                        ("topics", "unknown-value"), ("start", "bad-date")}
    (typo,) = [p for p in rec["problems"] if p["field"] == "summery"]
    assert typo["suggestions"] == ["summary"]
    assert rec["fields"]["topics"] == ["freedom-of-panorama"]  # the synonym still counts
    assert rec["fields"]["status"] == "active"
    assert stats.errors == 1
