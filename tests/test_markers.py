"""Generated text between begin/end markers; everything else is human (bots.core.markers)."""

from __future__ import annotations

import pytest

from bots.core.markers import BEGIN, END, extract, splice, wrap
from bots.errors import MarkerError

NAME = "case-index"
B = BEGIN.format(name=NAME)
E = END.format(name=NAME)

HUMAN_BEFORE = "Intro by a human ''with'' {{templates}} and   odd  spacing\r\n\n<!-- a note -->\n"
HUMAN_AFTER = "\n\n== Talk ==\nKeep me: ✓ العربية 中文 ~~~~ \t\n[[Category:Hub]]"


def page(body: str = "old generated text") -> str:
    return f"{HUMAN_BEFORE}{B}\n{body}\n{E}{HUMAN_AFTER}"


@pytest.mark.parametrize("missing", [None, "", " \n\t"])
def test_splice_into_missing_or_blank_page_gives_just_the_section(missing: str | None) -> None:
    out = splice(missing, NAME, "new body\n")
    assert out == f"{B}\nnew body\n{E}\n"
    assert extract(out, NAME) == "new body"


def test_splice_keeps_human_text_byte_for_byte() -> None:
    out = splice(page(), NAME, "fresh table")
    assert out.startswith(HUMAN_BEFORE)
    assert out.endswith(HUMAN_AFTER)
    assert out == f"{HUMAN_BEFORE}{B}\nfresh table\n{E}{HUMAN_AFTER}"
    assert "old generated text" not in out


def test_splice_is_idempotent() -> None:
    once = splice(page(), NAME, "body")
    assert splice(once, NAME, "body") == once


def test_splice_accepts_markers_with_other_comment_text_and_spacing() -> None:
    text = ("A\n<!--advocacy-bot:begin case-index   hand-written -->x"
            "<!--  advocacy-bot:end case-index  -->B")
    assert splice(text, NAME, "N") == f"A\n{B}\nN\n{E}B"


def test_splice_only_touches_its_own_section() -> None:
    other = wrap("stats", "other body")
    text = f"top\n{other}\nmiddle\n{wrap(NAME, 'old')}\nbottom\n{wrap(NAME + '-2', 'x')}"
    out = splice(text, NAME, "new")
    assert out == f"top\n{other}\nmiddle\n{wrap(NAME, 'new')}\nbottom\n{wrap(NAME + '-2', 'x')}"
    assert extract(out, "stats") == "other body"
    assert extract(out, NAME + "-2") == "x"


@pytest.mark.parametrize("text", [
    "Only human text.",
    "Human text with another section:\n" + wrap("stats", "x"),
    "advocacy-bot:begin case-index (not in a comment)",
])
def test_missing_markers_raise(text: str) -> None:
    with pytest.raises(MarkerError) as err:
        splice(text, NAME, "new")
    assert err.value.code == "markers-missing"
    assert err.value.name == NAME


@pytest.mark.parametrize("text", [
    f"human\n{B}\ngenerated, end deleted\nmore human",  # begin without end
    f"human\ngenerated, begin deleted\n{E}\nhuman",  # end without begin
    f"{B}\na\n{B}\nb\n{E}",  # two begins
    f"{B}\na\n{E}\n{E}",  # two ends
    f"{E}\nswapped\n{B}",  # end before begin
    f"{wrap(NAME, 'a')}\n{wrap(NAME, 'b')}",  # two sections with the same name
])
def test_damaged_markers_raise(text: str) -> None:
    with pytest.raises(MarkerError) as err:
        splice(text, NAME, "new")
    assert err.value.code == "markers-damaged"
    assert extract(text, NAME) is None


def test_marker_error_is_a_value_error_naming_code_and_section() -> None:
    err = MarkerError("markers-damaged", NAME)
    assert isinstance(err, ValueError)
    assert "markers-damaged" in str(err) and NAME in str(err)


def test_extract() -> None:
    assert extract(page("line 1\nline 2"), NAME) == "line 1\nline 2"
    assert extract(page(), "stats") is None
    assert extract("nothing", NAME) is None
    assert extract(wrap(NAME, "  padded  \n"), NAME) == "padded"


def test_wrap_then_extract_round_trip() -> None:
    body = "{| class=wikitable\n|-\n| a || b\n|}"
    assert extract(wrap(NAME, body), NAME) == body
    assert extract(splice(page(), NAME, body), NAME) == body


def test_a_block_inside_nowiki_or_pre_is_damaged_but_a_self_closing_nowiki_is_not() -> None:
    from bots.core import markers as m

    block = m.wrap("x", "old <nowiki>|</nowiki> kept")
    for wrapped in (f"<nowiki>{block}</nowiki>", f"<pre>\n{block}\n</pre>",
                    f"{m.BEGIN.format(name='x')}<nowiki>{m.END.format(name='x')}</nowiki>"):
        with pytest.raises(m.MarkerError, match="markers-damaged"):
            m.splice(wrapped, "x", "new")
    for fine in (f"[[Foo]]<nowiki/>s\n{block}", f"a<nowiki />b\n{block}",
                 f"<noinclude>{block}</noinclude>", f"<nowiki>{{{{x}}}}</nowiki>\n{block}"):
        assert "\nnew\n" in m.splice(fine, "x", "new")
