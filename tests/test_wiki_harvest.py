"""Harvest against a real MediaWiki: full, incremental, deletions, moves, costs."""

from __future__ import annotations

import json
import math

import pytest

pytestmark = pytest.mark.wiki

CASE = ("{{{{Advocacy case\n|title={title}\n|summary=Something happened.\n|jurisdiction={j}\n"
        "|topics={topics}\n|start=2020\n|status=active\n}}}}")


def case_text(title: str, j: str = "BR", topics: str = "copyright") -> str:
    return CASE.format(title=title, j=j, topics=topics)


def records_by_page(bot) -> dict[str, list[dict]]:
    """Materialise the snapshot as a consumer would: shards, then the delta on top."""
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
    # template pages, which do not transclude the marker themselves. And the case table's
    # head and part (Module:Advocacy's), to write them. With the first batch too: the
    # vocabularies page, the governance state, the bot's copy of the vocabularies in effect
    # and the en/es/zh translation pages. +1: the damaged-parts report (User:<bot>/Reports.json,
    # issue 25, 758c1d4), read in the snapshot head's request (no request of its own).
    assert full.pages_read == 3 + 3 + 2 + 6 + 1
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
    assert inc.edits == 2  # only the head page, and the case table's head
    # +1: the template check of new titles; +1: the case table's head, written (it is read
    # with the snapshot's head)
    assert inc.api_requests <= 5 + math.ceil(2 / 500) + 1 + 1


def test_incremental_cost_with_changed_pages(bot) -> None:
    admin = bot.admin()
    for i in range(12):
        admin.edit(f"Advocacy Hub/Cases/K{i}", case_text(f"K{i}"), "t")
    bot.run("harvest")
    k = 7
    for i in range(k):
        admin.edit(f"Advocacy Hub/Cases/K{i}", case_text(f"K{i} v2"), "t")
    stats = bot.run("harvest")
    assert stats.api_requests <= 5 + math.ceil(k / 500) + 1  # +1: the case table's head
    assert stats.edits == 2  # the snapshot's head and the case table's
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


def test_listing_continues_and_brings_the_watermark(bot) -> None:
    """The listing follows continuation (2 ids a request here, 5,000 for a bot) and its first
    request also brings the newest recent change."""
    from bots.core.wikitemplates import RECORD_MARKER
    from bots.wiki.pages import transcluding_ids

    admin = bot.admin()
    for i in range(5):
        admin.edit(f"Advocacy Hub/Cases/L{i}", case_text(f"L{i}"), "t")
    admin.edit("Template:Case", "#REDIRECT [[Template:Advocacy case]]", "alias")
    admin.edit("Template:Member", "#REDIRECT [[Template:Advocate]]", "alias")
    newest = bot.api(action="query", list="recentchanges", rclimit=1,
                     rcprop="timestamp|ids")["query"]["recentchanges"][0]
    expected = {p["pageid"] for p in bot.api(action="query", list="embeddedin",
                                             eititle=f"Template:{RECORD_MARKER}",
                                             eilimit="max")["query"]["embeddedin"]}
    got: dict = {}

    def job(ctx) -> None:
        from bots.wiki.session import RequestCounter

        counter = RequestCounter()
        got["ids"], got["latest"], got["redirects"] = transcluding_ids(
            ctx.site, f"Template:{RECORD_MARKER}", limit=2,
            redirects_of=["Template:Advocacy case", "Template:Advocate"])
        got["requests"] = counter.count
        counter.close()

    bot.run(job)
    assert len(got["ids"]) == 5 and set(got["ids"]) == expected
    assert got["latest"] == (newest["timestamp"], newest["rcid"])
    assert got["requests"] == 3  # 2 + 2 + 1 ids
    assert got["redirects"] == {"Template:Case": "Template:Advocacy case",
                                "Template:Member": "Template:Advocate"}


def test_stored_sizes_are_estimated_exactly(bot) -> None:
    """Shards are split by the size MediaWiki stores, which escapes <, > and & and the line
    separators: the estimate must match the size the wiki reports, byte for byte."""
    from bots.core.snapshot import stored_size

    admin = bot.admin()
    admin.edit("Advocacy Hub/Cases/Escapes", case_text("Fees < costs & <b>bold</b> \u2028 "
                                                       "中文 😀"), "t")
    admin.edit("Advocacy Hub/Cases/Plain", case_text("Plain"), "t")
    bot.run("harvest")
    head = bot.snapshot()
    for title in [f"User:{bot.wiki.bot[0]}/Snapshot.json", *head["shards"]]:
        page = bot.api(action="query", prop="revisions", rvprop="size|content", rvslots="main",
                       titles=title)["query"]["pages"][0]
        rev = page["revisions"][0]
        assert rev["size"] == stored_size(json.loads(rev["slots"]["main"]["content"])), title


def test_compaction_keeps_counts_and_records(bot, monkeypatch: pytest.MonkeyPatch) -> None:
    """When the delta grows too big, an incremental run writes everything into the shards
    again: the records, their counts and the invalid count stay right."""
    from bots.core import snapshot as snapshot_module

    admin = bot.admin()
    for i in range(4):
        admin.edit(f"Advocacy Hub/Cases/Z{i}", case_text(f"Z{i}"), "t")
    bot.run("harvest")
    monkeypatch.setattr(snapshot_module, "DELTA_MAX_PAGES", 2)
    admin.edit("Advocacy Hub/Cases/Z0", case_text("Z0 v2"), "t")
    admin.edit("Advocacy Hub/Cases/Z1", case_text("Z1 bad", j="Atlantis"), "t")
    admin.edit("Advocacy Hub/Cases/Z2", "No record any more.", "t")
    stats = bot.run("harvest")
    head = bot.snapshot()
    assert head["delta"] == {}  # compacted: everything is in the shards
    assert set(head["revids"]) == {f"Advocacy Hub/Cases/Z{i}" for i in (0, 1, 3)}
    assert head["invalid"] == {"Advocacy Hub/Cases/Z1": 1}
    titles = {p: r[0]["fields"]["title"] for p, r in records_by_page(bot).items()}
    assert titles == {"Advocacy Hub/Cases/Z0": "Z0 v2", "Advocacy Hub/Cases/Z1": "Z1 bad",
                      "Advocacy Hub/Cases/Z3": "Z3"}
    assert (stats.records, stats.errors) == (3, 1)


def test_readme_snippet_reads_the_snapshot(bot) -> None:
    """The example for other tools in docs/architecture.md ("Reusing the snapshot") gives the
    same records as the bot's own reader, with a page changed and a page emptied since the
    shards were written."""
    from bots.paths import REPO_ROOT

    readme = (REPO_ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    snippet = readme.split("### Reusing the snapshot", 1)[1].split("```python\n", 1)[1]
    snippet = snippet.split("```", 1)[0]
    assert 'api = "http://127.0.0.1:8765/api.php"' in snippet
    snippet = snippet.replace("http://127.0.0.1:8765/api.php", bot.wiki.api_url)
    snippet = snippet.replace("User:AdvocacyBot/", f"User:{bot.wiki.bot[0]}/")
    admin = bot.admin()
    for i in range(3):
        admin.edit(f"Advocacy Hub/Cases/R{i}", case_text(f"R{i}", topics="ai; copyright"), "t")
    bot.run("harvest")
    admin.edit("Advocacy Hub/Cases/R0", case_text("R0 v2"), "t")
    admin.edit("Advocacy Hub/Cases/R1", "Emptied.", "t")
    bot.run("harvest")
    assert bot.snapshot()["delta"]  # the snippet has to apply a delta
    scope: dict = {}
    exec(compile(snippet, "docs/architecture.md", "exec"), scope)
    fields = {p: [r["fields"] for r in recs] for p, recs in scope["pages"].items()}
    assert fields == {p: [r["fields"] for r in recs] for p, recs in records_by_page(bot).items()}
    assert set(fields) == {"Advocacy Hub/Cases/R0", "Advocacy Hub/Cases/R2"}
    assert fields["Advocacy Hub/Cases/R2"][0]["topics"] == ["ai", "copyright"]
