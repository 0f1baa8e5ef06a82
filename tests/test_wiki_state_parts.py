"""Long JSON state pages on a real wiki (issue 13: every page the bot writes stays within the
page budget): written as parts plus a head, read back whole, and a write killed between
parts leaves the state as it was."""

from __future__ import annotations

import json

import pytest

from bots.wiki.pages import PARTS_KEY

pytestmark = pytest.mark.wiki
TITLE = "User:AdvocacyBot/Parts test.json"
BUDGET = 4_000


def state(n: int, tag: str = "x") -> str:
    return json.dumps({"entries": {f"Person {i}": {"tag": tag, "note": "éß/\"\\ " * 8}
                                   for i in range(n)}}, ensure_ascii=False)


def save(bot, text: str) -> bool:
    def job(ctx):
        job.saved = ctx.wiki.save(ctx.wiki.read_one(TITLE), text, "test")
    bot.run(job)
    return job.saved


def read(bot) -> str | None:
    def job(ctx):
        job.text = ctx.wiki.read_one(TITLE).text
    bot.run(job)
    return job.text


def lengths(bot, prefix: str) -> dict[str, int]:
    pages = bot.api(action="query", generator="allpages", gapnamespace=2, gapprefix=prefix,
                    gaplimit="max", prop="info").get("query", {}).get("pages", [])
    return {p["title"]: p["length"] for p in pages}


def test_a_long_state_page_is_kept_in_parts_within_the_budget(bot) -> None:
    bot.overrides = {"limits": {"page_bytes": BUDGET}}
    text = state(120)
    assert len(text.encode()) > 3 * BUDGET
    assert save(bot, text)
    head = json.loads(bot.text(TITLE))
    assert PARTS_KEY in head and len(head[PARTS_KEY]["titles"]) >= 4
    sizes = lengths(bot, "AdvocacyBot/Parts test")
    assert max(sizes.values()) <= BUDGET, sizes
    assert json.loads(read(bot)) == json.loads(text)  # read back whole
    assert not save(bot, text)  # nothing changed: no edit
    first = head[PARTS_KEY]["titles"]

    changed = state(130, "y")
    assert save(bot, changed)
    second = json.loads(bot.text(TITLE))[PARTS_KEY]["titles"]
    assert set(first).isdisjoint(second)  # the other set of parts
    assert json.loads(read(bot)) == json.loads(changed)

    bot.overrides = {}  # fits one page again: the page holds the text itself
    assert save(bot, changed) is False or json.loads(bot.text(TITLE)) == json.loads(changed)


def test_a_write_killed_between_parts_leaves_the_old_state(bot, monkeypatch) -> None:
    from bots.wiki.pages import WikiClient

    bot.overrides = {"limits": {"page_bytes": BUDGET}}
    old = state(100, "old")
    save(bot, old)
    real = WikiClient.save
    calls = []

    def dies_on_the_third_part(self, current, new_text, summary, **kwargs):
        if "/part-" in current.page.title():
            calls.append(current.page.title())
            if len(calls) == 3:
                raise KeyboardInterrupt("killed")
        return real(self, current, new_text, summary, **kwargs)

    monkeypatch.setattr(WikiClient, "save", dies_on_the_third_part)
    with pytest.raises(KeyboardInterrupt):
        save(bot, state(100, "new"))
    monkeypatch.setattr(WikiClient, "save", real)
    assert json.loads(read(bot)) == json.loads(old)  # the head still names the old parts
    assert save(bot, state(100, "new"))  # the next run completes it
    assert json.loads(read(bot)) == json.loads(state(100, "new"))


def test_a_part_edited_by_hand_is_said_not_a_silent_state(bot) -> None:
    """The read does not fail (issue 25: a damaged state page never fails a run): the page
    says why, its text is the head's own (which every state reader takes as damaged), and
    the next save replaces it whole."""
    from bots.core.statedata import PARTS, parse_object

    bot.overrides = {"limits": {"page_bytes": BUDGET}}
    save(bot, state(100))
    part = json.loads(bot.text(TITLE))[PARTS_KEY]["titles"][1]
    bot.admin().edit(part, json.dumps("tampered"), "hand edit")

    def job(ctx):
        page = ctx.wiki.read_one(TITLE)
        job.seen = page.damaged, parse_object(page.text)[1]
        job.saved = ctx.wiki.save(page, state(100, "new"), "rebuilt")
    bot.run(job)
    assert job.seen == ("parts edited", PARTS)
    assert job.saved and json.loads(read(bot)) == json.loads(state(100, "new"))


def test_parts_stay_within_the_budget_as_mediawiki_stores_them(bot) -> None:
    """MediaWiki stores <, > and & in JSON as \\u003C-style escapes: six bytes, not one."""
    bot.overrides = {"limits": {"page_bytes": BUDGET}}
    text = json.dumps({"notes": ["&<>" * 200 for _ in range(20)]})
    save(bot, text)
    sizes = lengths(bot, "AdvocacyBot/Parts test")
    assert len(sizes) > 2 and max(sizes.values()) <= BUDGET, sizes
    assert json.loads(read(bot)) == json.loads(text)


def test_a_small_budget_and_a_lost_snapshot_head_are_rebuilt_not_damaged(bot) -> None:
    try:
        from tests.harness import add_case
    except ModuleNotFoundError:
        from harness import add_case  # type: ignore[no-redef]

    admin = bot.admin()
    for i in range(30):
        add_case(admin, f"Case {i:02d} with a long title", summary="Words. " * 30)
    bot.overrides = {"limits": {"page_bytes": BUDGET}}
    bot.run("harvest")
    sizes = lengths(bot, "AdvocacyBot/Snapshot")
    assert max(sizes.values()) <= BUDGET, sizes
    assert not any("/part-" in t for t in sizes if "/Snapshot/" in t), sizes  # shards fit
    bot.run("index")
    # The head lost (deleted by an admin): the next harvest rebuilds, and the jobs go on.
    admin.call("POST", action="delete", title="User:AdvocacyBot/Snapshot.json",
               reason="test", token=admin.token())
    bot.run("harvest")
    stats = bot.run("index")
    assert stats.records == 30
    assert max(lengths(bot, "AdvocacyBot/Snapshot").values()) <= BUDGET
