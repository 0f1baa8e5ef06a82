"""The {{bots}} / {{nobots}} exclusion convention (bots.core.exclusion)."""

from __future__ import annotations

import pytest

from bots.core.exclusion import bot_may_edit

BOT = "AdvocacyBot"


@pytest.mark.parametrize("text", [None, "", "Just a talk page.\n== Hi ==\n~~~~",
                                  "{{bots}}", "{{Other template|deny=all}}"])
def test_pages_without_exclusion_may_be_edited(text: str | None) -> None:
    assert bot_may_edit(text, BOT)


@pytest.mark.parametrize("text", [
    "{{nobots}}",
    "{{Nobots}}",
    "Hello {{ nobots }} world",
    "{{Template:Nobots}}",
    "{{bots|deny=all}}",
    "{{Bots|deny=all}}",
    "{{bots| deny = all }}",
    "{{bots|deny=AdvocacyBot}}",
    "{{bots|deny=OtherBot, AdvocacyBot}}",
    "{{bots|deny=OtherBot,AdvocacyBot,ThirdBot}}",
    "{{Bots|deny=advocacyBot}}",  # first letter of a username is case-insensitive
    "{{bots|allow=none}}",
    "{{bots|allow=OtherBot}}",
    "{{bots|allow=OtherBot,ThirdBot}}",
    "{{User box}}\n{{bots|deny=AdvocacyBot}}\n",
    "{{Archive box|content={{nobots}}}}",  # nested still counts
])
def test_pages_that_exclude_this_bot(text: str) -> None:
    assert not bot_may_edit(text, BOT)


@pytest.mark.parametrize("text", [
    "{{bots|deny=OtherBot}}",
    "{{bots|deny=OtherBot,ThirdBot}}",
    "{{bots|deny=AdvocacyBot2}}",
    "{{bots|deny=none}}",
    "{{bots|allow=all}}",
    "{{bots|allow=AdvocacyBot}}",
    "{{bots|allow=OtherBot, AdvocacyBot}}",
    "{{nobots|deny=OtherBot}}",  # {{nobots|deny=X}} written for {{bots|deny=X}}
    "<nowiki>{{nobots}}</nowiki>",
    "<!-- {{nobots}} -->",
])
def test_pages_that_let_this_bot_in(text: str) -> None:
    assert bot_may_edit(text, BOT)


@pytest.mark.parametrize(("text", "bot", "allowed"), [
    ("{{bots|deny=Advocacy_Bot}}", "Advocacy Bot", False),
    ("{{bots|deny=Advocacy Bot}}", "Advocacy_Bot", False),
    ("{{bots|allow=Advocacy_Bot}}", "Advocacy Bot", True),
    ("{{bots|deny=Advocacy_Bot}}", "AdvocacyBot", True),  # a different account
])
def test_underscores_and_spaces_in_bot_names_are_the_same(text: str, bot: str,
                                                          allowed: bool) -> None:
    assert bot_may_edit(text, bot) is allowed


@pytest.mark.parametrize(("text", "kind", "allowed"), [
    ("{{bots|optout=newsletter}}", "newsletter", False),
    ("{{bots|optout=newsletter}}", "digest", True),
    ("{{bots|optout=newsletter}}", None, True),  # an ordinary edit is not a message
    ("{{bots|optout=digest,newsletter}}", "newsletter", False),
    ("{{bots|optout=digest, newsletter}}", "digest", False),
    ("{{bots|optout=all}}", "newsletter", False),
    ("{{bots|optout=all}}", "digest", False),
    ("{{bots|optout=all}}", None, True),
    ("{{Bots|optout=Newsletter}}", "newsletter", False),
    ("{{nobots}}", "digest", False),
    ("{{bots|deny=OtherBot|optout=digest}}", "newsletter", True),
    ("{{bots|deny=OtherBot|optout=digest}}", "digest", False),
])
def test_optout_by_message_kind(text: str, kind: str | None, allowed: bool) -> None:
    assert bot_may_edit(text, BOT, kind) is allowed
