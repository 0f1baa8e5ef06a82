"""Pages that stay small, on a real wiki with a lowered page budget (issue 13): every page
within the budget, an added case rewrites only the pages whose text changed, and a run with
nothing new costs a few requests and no edit."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

try:
    from tests.harness import add_case
except ModuleNotFoundError:
    from harness import add_case  # type: ignore[no-redef]

pytestmark = pytest.mark.wiki
BUDGET = 8_000


def generated(bot) -> dict[str, dict]:
    """Every page under the hub's generated prefixes: title -> {length, lastrevid}."""
    out = {}
    for prefix in ("Advocacy Hub/Cases", "Advocacy Hub/Maintenance", "Advocacy Hub/Statistics",
                   "Advocacy Hub/Events", "Advocacy Hub/Resources"):
        data = bot.api(action="query", generator="allpages", gapprefix=prefix, gaplimit="max",
                       prop="info")
        for page in data.get("query", {}).get("pages", []):
            if not page["title"].startswith("Advocacy Hub/Cases/") or \
                    page["title"].startswith(("Advocacy Hub/Cases/Index", "Advocacy Hub/Cases/By",
                                              "Advocacy Hub/Cases/es", "Advocacy Hub/Cases/zh")):
                out[page["title"]] = {"length": page["length"], "rev": page["lastrevid"]}
    # The hub's front page, in every language (run index writes it too).
    data = bot.api(action="query", titles="Advocacy Hub|Advocacy Hub/es|Advocacy Hub/zh",
                   prop="info")
    for page in data["query"]["pages"]:
        if not page.get("missing"):
            out[page["title"]] = {"length": page["length"], "rev": page["lastrevid"]}
    return out


def index_state(bot) -> dict[str, int]:
    """The index state's pages (User:<bot>/Index.json and, over the page budget, its parts):
    title -> last revision."""
    data = bot.api(action="query", generator="allpages", gapnamespace=2,
                   gapprefix=f"{bot.wiki.bot[0]}/Index", gaplimit="max", prop="info")
    return {p["title"]: p["lastrevid"] for p in data.get("query", {}).get("pages", [])}


def test_pages_stay_within_the_budget_and_do_not_churn(bot) -> None:
    # One clock for every run: the index is rendered again on a new day (its dates), and a
    # run after midnight would rightly write its state again.
    now = datetime.now(UTC)
    admin = bot.admin()
    letters = "ABCDEFGHMPRST"
    for i in range(60):
        add_case(admin, f"{letters[i % len(letters)]}{i:02d} case about copyright",
                 summary="What was at stake, told at some length. " * 4,
                 topics="copyright" if i % 2 else "copyright; freedom-of-panorama")
    bot.run("harvest", now=now)
    bot.overrides = {"limits": {"page_bytes": BUDGET}}
    bot.run("index", now=now)
    pages = generated(bot)
    parts = [t for t in pages if t.startswith("Advocacy Hub/Cases/Index/")]
    assert len(parts) >= 3 * 3  # several parts, in three languages
    assert max(p["length"] for p in pages.values()) <= BUDGET
    overview = bot.text("Advocacy Hub/Cases")
    assert "<inputbox>" in overview and "[[:Advocacy Hub/Cases/Index/A|A]]" in overview
    html = bot.parse("Advocacy Hub/Cases")["text"]  # InputBox renders a search form
    assert "mw-inputbox" in html and 'value="Advocacy Hub/Cases/"' in html
    assert "[[:Advocacy Hub/Cases/By/topics/copyright|" in bot.text("Advocacy Hub/Cases/By/topics")

    # One more case: only the pages whose text changed are edited.
    add_case(admin, "B99 case about copyright", summary="New.", topics="copyright")
    bot.run("harvest", now=now)
    state = index_state(bot)
    stats = bot.run("index", now=now)
    after = generated(bot)
    edited = {t for t in after if t not in pages or after[t]["rev"] != pages[t]["rev"]}
    # And the index state: over this budget it is kept as parts plus a head (2e1f028, long
    # JSON state pages as parts in two alternating sets), so a changed state is a new set of
    # parts (three here) and the head naming them, not one edit.
    state_after = index_state(bot)
    state_edited = {t for t in state_after if state_after[t] != state.get(t)}
    assert f"User:{bot.wiki.bot[0]}/Index.json" in state_edited, sorted(state_edited)
    assert all("/part-" in t for t in state_edited - {f"User:{bot.wiki.bot[0]}/Index.json"})
    assert stats.edits == len(edited) + len(state_edited), (sorted(edited), sorted(state_edited))
    untouched = {t for t in parts if not t.startswith("Advocacy Hub/Cases/Index/B")}
    assert untouched and not (untouched & edited), sorted(untouched & edited)
    assert {"Advocacy Hub/Cases/Index/B", "Advocacy Hub/Cases"} <= edited
    assert max(p["length"] for p in after.values()) <= BUDGET

    # Nothing new: no edit, at most five requests.
    stats = bot.run("index", now=now)
    assert stats.edits == 0 and stats.api_requests <= 5, stats

    # A human edit inside a generated sub-page is noticed and repaired, alone.
    text = bot.text("Advocacy Hub/Cases/Index/C")
    admin.edit("Advocacy Hub/Cases/Index/C", text.replace("C", "X", 3), "oops")
    before, state = generated(bot), index_state(bot)
    stats = bot.run("index", now=now)
    after, state_after = generated(bot), index_state(bot)
    edited = {t for t in after if t not in before or after[t]["rev"] != before[t]["rev"]}
    state_edited = {t for t in state_after if state_after[t] != state.get(t)}
    assert edited == {"Advocacy Hub/Cases/Index/C"}, sorted(edited)
    # the page, and the index state (a new set of parts and its head: 2e1f028)
    assert f"User:{bot.wiki.bot[0]}/Index.json" in state_edited, sorted(state_edited)
    assert stats.edits == 1 + len(state_edited) and bot.text("Advocacy Hub/Cases/Index/C") == text


def test_a_split_undone_leaves_pointers_not_stale_tables(bot) -> None:
    admin = bot.admin()
    for i in range(40):
        add_case(admin, f"{'AB'[i % 2]}{i:02d} case", summary="Some words. " * 10)
    bot.run("harvest")
    bot.overrides = {"limits": {"page_bytes": BUDGET}}
    bot.run("index")
    parts = [t for t in generated(bot) if t.startswith("Advocacy Hub/Cases/Index/")]
    assert len(parts) >= 6
    bot.overrides = {}  # the default budget: one page again
    bot.run("index")
    for part in parts:  # a pointer to the overview in the part's own language
        lang = part.rsplit("/", 1)[1] if part.endswith(("/es", "/zh")) else ""
        overview = "Advocacy Hub/Cases" + (f"/{lang}" if lang else "")
        assert f"[[:{overview}]]" in bot.text(part) and "{|" not in bot.text(part), part
    assert bot.text("Advocacy Hub/Cases").count("\n|-\n") == 40
