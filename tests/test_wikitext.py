"""Field values can never become markup (bots.core.wikitext)."""

from __future__ import annotations

import html
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bots.core.wikitext import escape, heading, isolate, page_link, url_link, user_link

HOSTILE = {
    "table-end": "|}",
    "row": "|-",
    "cells": "||",
    "open": "{{",
    "close": "}}",
    "subst": "{{subst:X}}",
    "category": "[[Category:X]]",
    "magic": "__NOTOC__",
    "signature": "~~~~",
    "table-tag": "<table>",
    "heading": "\n== h ==\n",
    "nowiki": "<nowiki>",
    "nowiki-close": "</nowiki>{{X}}<nowiki>",
    "ref": "<ref>",
    "script": '<script>alert("x")</script>',
    "ext-link": "[https://evil.example pwned]",
    "language-conversion": "-{zh-hans:a;zh-hant:b}-",
    "bold": "'''bold'''",
    "list": "\n* item\n# item\n: indent\n; term",
    "crlf": "a\r\nb\rc\u2028d\u2029e\x85f\x0bg\x0ch\ti",
    "pipe-trick": "x | y = z",
    "param": "{{{1}}}",
    "rtl": "مرحبا بالعالم שלום",
    "rtl-override": "\u202ebackwards\u202c",
    "emoji": "😀👍🏽 👨‍👩‍👧",
    "mixed": "|}\n{{subst:X}}[[Category:Y]]__TOC__~~~<ref>x</ref>\n== z ==",
    "huge": ("{{x}}|[[y]]~" * 10_000)[:100_000],
}
FORBIDDEN = set("[]{}|<>")  # structural: never left as they are
PAIRED = "'~_=!"  # markup only two or more together ('' ~~~ __ == !!), or next to markup


def _assert_inert(text: str, limit: int = 500) -> None:
    assert not FORBIDDEN & set(text), text
    for c in PAIRED:
        assert c * 2 not in text, (c, text)
    assert text[:1] not in PAIRED or not text, text  # what surrounds it cannot complete it
    assert text[-1:] not in PAIRED or not text, text
    assert "\n" not in text and "\r" not in text
    # bounded: at most `limit` characters shown, each at most one numeric reference long
    assert len(text) <= 6 * limit


def test_prose_keeps_its_apostrophes_and_single_marks() -> None:
    """Escaping is complete but minimal: a summary is not littered with &#39;."""
    assert escape("Brazil's law, the courts' view") == "Brazil's law, the courts' view"
    assert escape("a = b! ~x_y") == "a = b! ~x_y"
    assert escape("''x''") == "&#39;&#39;x&#39;&#39;"
    assert escape("~~~~") == "&#126;&#126;&#126;&#126;"
    assert escape("end'") == "end&#39;"  # before a closing ''' of the markup around it


@pytest.mark.parametrize("value", list(HOSTILE.values()), ids=list(HOSTILE))
def test_escape_makes_hostile_values_inert(value: str) -> None:
    _assert_inert(escape(value))


@pytest.mark.parametrize("value", list(HOSTILE.values()), ids=list(HOSTILE))
def test_isolate_makes_hostile_values_inert(value: str) -> None:
    out = isolate(value)
    assert out.startswith("<bdi>") and out.endswith("</bdi>")
    inner = out[len("<bdi>"):-len("</bdi>")]
    _assert_inert(inner)
    assert inner == escape(value)


@pytest.mark.parametrize("value", [v for k, v in HOSTILE.items() if k != "huge"],
                         ids=[k for k in HOSTILE if k != "huge"])
def test_escaped_text_reads_as_typed(value: str) -> None:
    """Escaping is lossless apart from white space: the reader sees what the editor wrote."""
    shown = html.unescape(escape(value, None))
    assert shown == " ".join(value.split())


def test_long_values_are_cut_with_an_ellipsis() -> None:
    out = escape("a" * 1000, 100)
    assert out == "a" * 99 + "…"
    assert escape("a" * 100, 100) == "a" * 100
    assert len(escape("|" * 10_000, 50)) <= 6 * 50
    assert len(escape("x" * 100_000, None)) == 100_000  # no limit when asked for none


def test_cut_never_splits_a_character_reference() -> None:
    out = escape("a" + "|" * 200, 10)
    assert out == "a" + "&#124;" * 8 + "…"


def test_heading_cannot_be_closed_early() -> None:
    out = heading("Case == [[Category:X]]\n== Other ==", 3)
    assert out.startswith("=== ") and out.endswith(" ===")
    _assert_inert(out[4:-4])


@pytest.mark.parametrize("title", ["Foo|bar", "Foo]]", "[[Foo", "Foo{{x}}", "Foo}}", "Foo<b>",
                                   "Foo\nCategory:X", "Foo]] [[Category:X"])
def test_page_link_refuses_titles_that_could_break_out(title: str) -> None:
    out = page_link(title, "label")
    assert "[[" not in out and "]]" not in out
    assert out.startswith("<bdi>")
    _assert_inert(out[len("<bdi>"):-len("</bdi>")])


def test_page_link_links_ordinary_titles() -> None:
    # Always with a leading colon (see test_page_link_never_categorises_or_embeds).
    assert page_link("Advocacy Hub/Cases/X") == "[[:Advocacy Hub/Cases/X]]"
    assert page_link("Advocacy Hub/Cases/X", "A|B ~~~~") == (
        "[[:Advocacy Hub/Cases/X|A&#124;B &#126;&#126;&#126;&#126;]]")


@pytest.mark.parametrize("title", ["Category:X", "File:X.png", "Image:X.png"])
def test_page_link_to_category_or_file_links_instead_of_categorising(title: str) -> None:
    assert page_link(title) == f"[[:{title}]]"


@pytest.mark.parametrize("title", ["category:X", "Category : X", "Category :X", "CATEGORY:X",
                                   "file:X.png", "File :X.png", "image:X.png"])
def test_page_link_never_categorises_or_embeds(title: str) -> None:
    out = page_link(title)
    assert not re.search(r"\[\[\s*(category|file|image)\s*:", out, re.IGNORECASE), out


def test_user_link() -> None:
    assert user_link("Foo bar") == "[[:User:Foo bar|Foo bar]]"
    assert "[[" not in user_link("Foo]]")


def test_url_link_label_is_escaped_and_url_cannot_end_the_link() -> None:
    out = url_link("https://example.org/a b]c", "x]] [[Category:Y]] ~~~~")
    assert out.startswith("[https://example.org/a%20b%5Dc ")
    assert out.endswith("]")
    assert out.count("[") == 1 and out.count("]") == 1
    assert "~" not in out


def test_bare_urls_and_magic_links_stay_text() -> None:
    from bots.core.wikitext import escape

    out = escape("see https://spam.example/x, mailto:a@b.example, ISBN 978316 and RFC 1149")
    assert "https://" not in out and "mailto:" not in out
    assert "ISBN 9" not in out and "RFC 1" not in out
    assert escape("meet at 10:30, plain prose") == "meet at 10:30, plain prose"


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("'~_=!|[]{}<>:ab \n-")), max_size=40))
def test_any_mix_of_markup_characters_is_inert_and_reads_as_typed(value: str) -> None:
    out = escape(value, None)
    _assert_inert(out)
    assert html.unescape(out) == " ".join(value.split())


@pytest.mark.parametrize("protocol", ["bitcoin:", "ftp://", "ftps://", "geo:", "git://",
                                      "gopher://", "http://", "https://", "irc://", "ircs://",
                                      "magnet:", "mailto:", "matrix:", "mms://", "news:",
                                      "nntp://", "redis://", "sftp://", "sip:", "sips:", "sms:",
                                      "ssh://", "svn://", "tel:", "telnet://", "urn:",
                                      "worldwind://", "xmpp:"])
def test_no_protocol_of_mediawiki_becomes_a_free_link(protocol: str) -> None:
    """MediaWiki's default $wgUrlProtocols (1.39 and 1.43): none survives as "proto:"."""
    out = escape(f"call {protocol}example.org now")
    assert f"{protocol.split(':')[0]}:" not in out.lower()
    assert html.unescape(out) == f"call {protocol}example.org now"


@given(st.lists(st.text("abcdé", min_size=1, max_size=12), min_size=1, max_size=80),
       st.integers(10, 200))
def test_a_long_text_is_cut_at_a_word(words: list[str], limit: int) -> None:
    text = " ".join(words)
    shown = escape(text, limit)
    assert len(shown) <= limit
    if len(text) <= limit:
        assert shown == text
        return
    kept = shown.removesuffix("…")
    assert shown.endswith("…") and text.startswith(kept)
    # The cut is between words (unless one word fills the last third of the limit).
    if " " in text[limit * 2 // 3:limit - 1]:
        assert text[len(kept)] == " ", (text, shown)
