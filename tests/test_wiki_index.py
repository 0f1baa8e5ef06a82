"""Index pages against a real MediaWiki: idempotent, human text kept, markers honoured,
translated, and unbreakable by hostile field values (checked with the wiki's own parser)."""

from __future__ import annotations

import json
import re

import pytest

try:
    from tests.harness import add_case
except ModuleNotFoundError:
    from harness import add_case  # type: ignore[no-redef]

pytestmark = pytest.mark.wiki

INDEX = "Advocacy Hub/Cases"
MAINT = "Advocacy Hub/Maintenance"


def test_index_is_idempotent_and_keeps_human_text(bot) -> None:
    admin = bot.admin()
    add_case(admin, "Alpha", jurisdiction="US", topics="copyright; ai", start="2019")
    add_case(admin, "Beta", jurisdiction="EU", topics="upload filters", start="2018-06")
    bot.run("harvest")
    first = bot.run("index")
    assert first.edits > 0
    # Humans write around the generated section; the bot keeps their text byte for byte.
    text = bot.text(INDEX)
    human = "Intro written by a human.\n\n" + text + "\n\n== Talk ==\nKept, too.\n"
    admin.edit(INDEX, human, "human intro")
    add_case(admin, "Gamma", jurisdiction="ZA", start="2012", status="active", outcome="pending")
    bot.run("harvest")
    bot.run("index")
    after = bot.text(INDEX)
    assert after.startswith("Intro written by a human.\n\n")
    assert after.endswith("== Talk ==\nKept, too.")
    assert "Gamma" in after
    again = bot.run("index")
    assert again.edits == 0


def test_index_pages_content_and_translations(bot) -> None:
    admin = bot.admin()
    add_case(admin, "Panorama", jurisdiction="EE", topics="FoP", start="2015", end="2017")
    bot.run("harvest")
    bot.run("index")
    en, es, zh = (bot.text(INDEX), bot.text(INDEX + "/es"), bot.text(INDEX + "/zh"))
    assert "Estonia" in en and "Estonia" in es and "爱沙尼亚" in zh  # CLDR names
    assert "Freedom of panorama" in en and "panorama" in es.lower() and "全景自由" in zh
    assert "2015–2017" in en
    facet = bot.text("Advocacy Hub/Cases/By/region")
    assert "Central & Eastern Europe" in facet and "(1)" in facet
    stats = bot.text("Advocacy Hub/Statistics")
    assert "Cases per year" in stats and "Outcomes" in stats
    html = bot.parse("Advocacy Hub/Statistics")["text"]
    assert "width:100%" in html  # the bar of the busiest year is drawn


def test_missing_or_damaged_markers_are_reported_not_overwritten(bot) -> None:
    admin = bot.admin()
    add_case(admin, "Delta")
    bot.run("harvest")
    bot.run("index")
    admin.edit(INDEX, "A human replaced everything.", "oops")
    broken = bot.text("Advocacy Hub/Statistics").replace("advocacy-bot:end statistics", "x")
    admin.edit("Advocacy Hub/Statistics", broken, "oops")
    stats = bot.run("index")
    assert bot.text(INDEX) == "A human replaced everything."
    assert bot.text("Advocacy Hub/Statistics") == broken
    assert stats.errors == 2
    report = bot.text(MAINT)
    assert "markers of its generated text (cases) are missing" in report
    assert "(statistics) are damaged" in report


def test_maintenance_report_lists_problems_with_suggestions(bot) -> None:
    add_case(bot.admin(), "Typos", jurisdicton="CL", topics="copyrigth", status="activ")
    bot.run("harvest")
    bot.run("index")
    report = bot.text(MAINT)
    assert "Typos" in report
    # One row per problem, each with its suggestion (escaped for the table cell).
    for hint in ("jurisdiction", "copyright", "active"):
        assert f"Did you mean: {hint}" in report, hint  # the best suggestion comes first
    assert report.count("Did you mean") == 3


HOSTILE = {
    "end table": "<nowiki>|}</nowiki> after",
    "new row": "<nowiki>|-</nowiki> after",
    "double pipe": "a <nowiki>||</nowiki> b",
    "open braces": "<nowiki>{{</nowiki> open",
    "close braces": "<nowiki>}}</nowiki> close",
    "subst": "<nowiki>{{subst:CURRENTYEAR}}</nowiki>",
    "category": "[[Category:Injected]]",
    "notoc": "__NOTOC__ __NOEDITSECTION__",
    "signature": "<nowiki>~~~~</nowiki>",
    "table tag": "<table><tr><td>cell",
    "heading": "before\n== Injected heading ==\nafter",
    "nowiki": "<nowiki>unbalanced",
    "ref": "<ref>unclosed",
    "rtl": "قانون حق المؤلف ‏עברית",
    "emoji": "📚✊🏽 open knowledge",
    "huge": "x" * 100_000,
    "bare url": "buy at https://spam.example/x or mailto:x@spam.example ISBN 9783161484100",
}


def test_hostile_values_cannot_break_generated_pages(bot) -> None:
    admin = bot.admin()
    for i, value in enumerate(HOSTILE.values()):
        # In the title (a cell of every table), in an event's place, and echoed back by the
        # maintenance report through an invalid vocabulary value.
        add_case(admin, f"H{i}", title=value, tactics=value)
    admin.edit("Advocacy Hub/Events/Hostile",
               "{{Advocacy event|title=[[Category:Injected]] ev|start=2030-01-01|place="
               "<nowiki>|}</nowiki>{{!}}- == x ==}}", "t")
    bot.run("harvest")
    stats = bot.run("index")
    assert stats.errors == 0
    # An unclosed <nowiki> swallows the rest of its own page in mwparserfromhell, so that
    # page holds no record the bot can read (it is reported as such); every other does.
    records = bot.records()
    cases = sum(1 for p, recs in records.items() if p.startswith("Advocacy Hub/Cases/H")
                and any(r["kind"] == "case" for r in recs))
    unread = [p for p, recs in records.items() if recs[0]["kind"] == "page"]
    assert cases >= len(HOSTILE) - 1
    assert cases + len(unread) == len(HOSTILE)
    for title, rows in ((INDEX, cases + 1), ("Advocacy Hub/Cases/By/year", 2),
                        ("Advocacy Hub/Statistics", None), (MAINT, None),
                        ("Advocacy Hub/Events", None), ("Advocacy Hub/Cases/By/region", 2)):
        parsed = bot.parse(title)
        assert parsed["categories"] == [], (title, parsed["categories"])
        assert parsed["templates"] == [], (title, parsed["templates"])
        html = parsed["text"]
        assert "Injected heading" not in [s["line"] for s in parsed["sections"]], title
        assert "<td>cell" not in html
        assert "AdvocacyBot" not in (bot.text(title) or "")  # no signature was expanded
        if rows is not None:
            first_table = html[html.index("<table"):html.index("</table>")]
            assert first_table.count("<tr") == rows, title
    html = bot.parse(INDEX)["text"]
    assert html.count("<table") == 1
    assert 'class="external' not in html and "spam.example" in html  # shown, not linked
    assert "Special:BookSources" not in html
    for shown in ("|}", "{{subst:CURRENTYEAR}}", "[[Category:Injected]]", "~~~~", "📚✊🏽"):
        assert shown in re.sub(r"&#(\d+);", lambda m: chr(int(m.group(1))),
                               html.replace("&lt;", "<").replace("&gt;", ">").replace(
                                   "&amp;", "&")), shown
    # The maintenance report has one row per problem, whatever the values said.
    maint_rows = bot.parse(MAINT)["text"].count("<tr") - 1
    problems = sum(len(r.get("problems", [])) for recs in bot.snapshot()["delta"].values()
                   for r in recs)
    shard_problems = 0
    import json

    from bots.core.snapshot import shard_records

    for shard in bot.snapshot()["shards"]:
        shard_problems += sum(len(r.problems)
                              for r in shard_records(json.loads(bot.text(shard))))
    assert maint_rows == problems + shard_problems


def test_edit_conflict_on_a_generated_page_is_spliced_again(bot, caplog) -> None:
    """Someone edits a generated page between the bot's read and its save, on the same lines:
    MediaWiki reports an edit conflict, and the bot reads the page again and writes its
    section into the new text, keeping the human's edit outside the markers."""
    from bots.core.markers import wrap

    title = "Advocacy Hub/Conflict"
    admin = bot.admin()
    admin.edit(title, f"Intro.\n{wrap('t', 'old line')}\nOutro.", "t")

    def job(ctx) -> None:
        current = ctx.wiki.read_one(title)
        admin.edit(title, f"Intro, improved.\n{wrap('t', 'a human line')}\nOutro.", "t")
        assert ctx.wiki.save_section(current, "t", "the bot line", "test")

    with caplog.at_level("INFO", logger="bots.wiki.pages"):
        stats = bot.run(job)
    assert f"edit conflict on [[{title}]]" in caplog.text  # MediaWiki could not merge
    assert bot.text(title) == f"Intro, improved.\n{wrap('t', 'the bot line')}\nOutro."
    assert stats.edits == 1
    assert bot.revisions(title) == 3


def test_a_json_state_page_saved_twice_from_the_same_base(bot) -> None:
    """A retried save whose first answer was lost reaches the wiki again with the old base
    revision. MediaWiki cannot merge JSON, so it reports a conflict: the bot finds its own text
    there and takes it as done. A conflict with someone else's text is raised, with the page as
    it is now."""
    import dataclasses

    import pytest as _pytest

    from bots.errors import EditConflict

    title = f"User:{bot.wiki.bot[0]}/Conflict.json"
    results: dict = {}

    def job(ctx) -> None:
        ctx.wiki.save(ctx.wiki.missing(title), '{"n": 1}', "create")
        base = ctx.wiki.read_one(title)
        stale = dataclasses.replace(base)
        assert ctx.wiki.save(base, '{"n": 2}', "first try")
        # the retry: same base, same text
        results["retry"] = ctx.wiki.save(dataclasses.replace(stale), '{"n": 2}', "retry")
        with _pytest.raises(EditConflict) as caught:
            ctx.wiki.save(dataclasses.replace(stale), '{"n": 3}', "someone else's base")
        results["fresh"] = caught.value.fresh.text

    bot.run(job)
    assert results["retry"] is True
    assert bot.revisions(title) == 2  # the retry made no revision
    assert json.loads(bot.text(title)) == {"n": 2}
    assert json.loads(results["fresh"]) == {"n": 2}


def test_the_case_index_is_written_first_from_the_snapshot_held(bot) -> None:
    """The watcher's index step: the case index before the facet pages (what readers look
    at first), from the whole snapshot the watcher holds (its shards not read again)."""
    from bots import statepages
    from bots.jobs import harvest, index

    admin = bot.admin()
    add_case(admin, "First case", topics="copyright", jurisdiction="BR")
    bot.run("harvest")
    bot.run("index")
    add_case(admin, "Second case", topics="copyright", jurisdiction="BR")
    held = []
    bot.run(lambda ctx: held.append(harvest.run(ctx, full=True)))
    assert held[0].shard_titles  # a whole snapshot with shards to read otherwise
    read: list[str] = []
    saved: list[str] = []

    def step(ctx) -> None:
        real_read, real_save = ctx.wiki.read, ctx.wiki.save

        def spy_read(titles, **kw):
            titles = list(titles)
            read.extend(titles)
            return real_read(titles, **kw)

        def spy_save(current, *a, **kw):
            saved.append(current.title)
            return real_save(current, *a, **kw)

        ctx.wiki.read, ctx.wiki.save = spy_read, spy_save
        index.run(ctx, held=held[0])
        assert not set(read) & set(held[0].shard_titles), read
        assert ctx.profile.state_page(statepages.SNAPSHOT) in read  # the head, to compare

    bot.run(step)
    cases = [i for i, t in enumerate(saved) if t in ("Advocacy Hub/Cases", "Advocacy Hub/Cases/es",
                                                      "Advocacy Hub/Cases/zh")]
    facets = [i for i, t in enumerate(saved) if t.startswith("Advocacy Hub/Cases/By")]
    assert cases and facets and max(cases) < min(facets), saved
