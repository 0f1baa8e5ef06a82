"""Long JSON state pages on a real wiki (issue 13: every page the bot writes stays within the
page budget): written as parts plus a head, read back whole, and a write killed between
parts leaves the state as it was."""

from __future__ import annotations

import json

import pytest

from bots.wiki.pages import PARTS_KEY, StateDamaged

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

    def dies_on_the_third_part(self, current, new_text, summary):
        if "/part-" in current.page.title():
            calls.append(current.page.title())
            if len(calls) == 3:
                raise KeyboardInterrupt("killed")
        return real(self, current, new_text, summary)

    monkeypatch.setattr(WikiClient, "save", dies_on_the_third_part)
    with pytest.raises(KeyboardInterrupt):
        save(bot, state(100, "new"))
    monkeypatch.setattr(WikiClient, "save", real)
    assert json.loads(read(bot)) == json.loads(old)  # the head still names the old parts
    assert save(bot, state(100, "new"))  # the next run completes it
    assert json.loads(read(bot)) == json.loads(state(100, "new"))


def test_a_part_edited_by_hand_is_a_clear_error_not_a_silent_state(bot) -> None:
    bot.overrides = {"limits": {"page_bytes": BUDGET}}
    save(bot, state(100))
    part = json.loads(bot.text(TITLE))[PARTS_KEY]["titles"][1]
    bot.admin().edit(part, json.dumps("tampered"), "hand edit")
    with pytest.raises(StateDamaged, match="restore them from the history"):
        read(bot)
