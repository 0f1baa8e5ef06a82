"""Issue 25, the pure side: the community's pages and the bot's own pages are not levers.

Each test names the finding of the issue it covers (1-10). The wiki side is in
tests/test_wiki_levers.py.
"""

from __future__ import annotations

import copy
import json
import random
import re
from types import SimpleNamespace

import mwparserfromhell
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bots.core import markers
from bots.core.governance import (
    MAX_LABEL,
    markup_fits,
    markup_of,
    parse_translation,
    parse_vocabularies,
    plain_text,
)
from bots.core.luadata import vocabularies_data
from bots.core.messages import Messages, repository_messages
from bots.core.newsletter import (
    ISSUE_SECTION,
    READY,
    IssueItems,
    IssueRenderer,
    IssueRevision,
    for_delivery,
    has_standing,
    issue_editors,
    own_sections,
    skeleton_headings,
    sound_baseline,
)
from bots.core.normalise import make_record
from bots.core.preloads import preload_pages, preload_title
from bots.core.render.cells import CellRenderer
from bots.core.statedata import NOT_JSON, NOT_OBJECT, mapping_of, parse_object, part
from bots.core.usernames import renamed_after
from bots.core.wikitext import escape

try:
    from tests.builders import SCHEMA, case
except ModuleNotFoundError:
    from builders import SCHEMA, case  # type: ignore[no-redef]

PAGE = "Module:Advocacy/Vocabularies.json"
BASE = vocabularies_data(SCHEMA)
ENGLISH = repository_messages("en")
BOT = "AdvocacyBot"


def parse(data: dict, used: dict | None = None):
    return parse_vocabularies(json.dumps(data), PAGE, SCHEMA, used)


def codes(problems) -> set[str]:
    return {p.code for p in problems}


def only_text(wikitext: str) -> bool:
    """Whether the wiki's grammar (as mwparserfromhell reads it) sees nothing but text: no
    tag, link, template, heading, entity, comment; no line that starts a list or a table."""
    code = mwparserfromhell.parse(wikitext)
    allowed = (mwparserfromhell.nodes.Text, mwparserfromhell.nodes.HTMLEntity)  # entities: text
    if any(not isinstance(node, allowed) for node in code.nodes):
        return False
    return not re.search(r"(?m)^[*#:;=!{|]|^-{4}|\[|\]|\{\{|''|~~~|__\w+__|://", wikitext)


# -- 1. who may make the bot post ----------------------------------------------------------

def rev(revid: int, user: str, status: str = "draft") -> IssueRevision:
    return IssueRevision(revid, user, status)


def test_1_an_issue_the_bot_did_not_create_is_not_delivered() -> None:
    code, who = issue_editors([rev(1, "Newcomer", READY)], BOT)
    assert (code, who) == ("issue-not-by-bot", "Newcomer")
    assert issue_editors([], BOT)[0] == "issue-not-by-bot"


def test_1_the_ready_mark_and_every_later_edit_need_standing() -> None:
    history = [rev(1, BOT), rev(2, BOT), rev(3, "Editor"), rev(4, "Maintainer", READY),
               rev(5, "Vandal", READY), rev(6, BOT, READY)]
    code, editors = issue_editors(history, BOT)
    assert code == "" and editors == ["Maintainer", "Vandal"]  # not Editor: before the mark
    # ready, then draft, then ready again: the last mark counts
    history = [rev(1, BOT), rev(2, "A", READY), rev(3, "B"), rev(4, "C", READY)]
    assert issue_editors(history, BOT) == ("", ["C"])
    # the page says ready but its history does not (a hidden revision)
    assert issue_editors([rev(1, BOT), rev(2, "A", "")], BOT)[0] == "issue-not-ready"
    # a translation: every edit after its creation
    history = [rev(1, BOT), rev(2, "Translator"), rev(3, BOT)]
    assert issue_editors(history, BOT, base=False) == ("", ["Translator"])


@pytest.mark.parametrize(("account", "maintainers", "ok"), [
    ({"groups": ["*", "user", "autoconfirmed"], "editcount": 600}, (), True),
    ({"groups": ["*", "user", "autoconfirmed"], "editcount": 499}, (), False),
    ({"groups": ["*", "user"], "editcount": 10_000}, (), False),
    ({"groups": ["*", "user", "autoconfirmed"], "editcount": 600, "blockid": 3}, (), False),
    ({"missing": True}, (), False),
    ({"groups": ["*", "user"], "editcount": 1}, ("newcomer",), True),  # a maintainer
])
def test_1_standing(account, maintainers, ok) -> None:
    assert has_standing("Newcomer", account, maintainers, 500) is ok


ISSUE = "\n".join([
    "{{Advocacy newsletter|status=ready|period=2043-03}}",
    "== Introduction ==",
    "Welcome. [[Category:Spam probe]] [[:Category:Fine link]]",
    markers.wrap(ISSUE_SECTION, "== New cases (1) ==\n* [[:A|A]]"),
    "== Buy now ==",
    "[[Category:Spam probe]] cheap things",
    "== Community news ==",
    "News.",
    "[[category:Lower case probe]][[Kategorie:Other]]",
])


def test_1_a_copy_carries_no_category_and_only_the_issues_own_sections() -> None:
    headings = skeleton_headings(Messages("en"))
    assert headings == ["Introduction", "Community news"]
    own = own_sections(ISSUE, headings, ISSUE_SECTION)
    assert own is not None and "Buy now" not in own and "cheap things" not in own
    body = for_delivery(own, ["category", "kategorie"])
    assert "=== Introduction ===" in body and "=== New cases (1) ===" in body
    assert "News." in body and "Welcome." in body
    code = mwparserfromhell.parse(body)
    targets = [str(link.title).strip().lower() for link in code.filter_wikilinks()]
    assert not [t for t in targets if t.startswith(("category:", "kategorie:"))], targets
    assert ":category:fine link" in targets  # a link to a category is not a category
    # no generated block: not an issue the bot made
    assert own_sections("== Introduction ==\nx", headings, ISSUE_SECTION) is None


@settings(max_examples=80, deadline=None)
@given(st.lists(st.sampled_from(["== Introduction ==", "== Community news ==", "== Spam ==",
                                 "=== Sub ===", "text", "[[Category:X]]", "[[Cat:Y]]",
                                 "[[:Category:Z]]", "{{tl}}"]), max_size=8))
def test_1_property_no_copy_puts_a_talk_page_in_a_category(parts) -> None:
    text = "\n".join([*parts[:4], markers.wrap(ISSUE_SECTION, "== Gen ==\n* x"), *parts[4:]])
    own = own_sections(text, ["Introduction", "Community news"], ISSUE_SECTION)
    assert own is not None
    body = for_delivery(own, ["category", "cat"])
    assert not re.search(r"\[\[\s*(category|cat)\s*:", body, re.I)
    assert "== Spam ==" not in body  # a section the skeleton does not have
    assert "== Gen ==" in body


# -- 2, 3, 4. one validator for what the community governs ------------------------------------

HOSTILE_LABELS = ["Copyright\n! X", "\n== X ==", "\n* x", "x\n{|", "ftp://example.org",
                  "irc://x", "mailto:a@b.c", "ISBN 978-3-16", "x\u2028== y ==", "a\tb",
                  "x" * (MAX_LABEL + 1), "x" * 700_000]


@pytest.mark.parametrize("label", HOSTILE_LABELS)
def test_2_4_labels_with_markup_after_a_new_line_urls_or_too_long_are_refused(label) -> None:
    data = copy.deepcopy(BASE)
    data["vocabularies"]["topics"]["labels"]["en"]["copyright"] = label
    vocab, problems = parse(data)
    assert vocab is None and codes(problems) == {"vocabularies-label-markup"}


@pytest.mark.parametrize("value", ["[[Category:Vandal]]", "<script>x</script>", "a\nb",
                                   "{{tl}}", "x" * 65, "''bold''", "a|b", "~~~~"])
def test_2_new_values_with_markup_are_refused(value) -> None:
    data = copy.deepcopy(BASE)
    data["vocabularies"]["topics"]["values"].append(value)
    vocab, problems = parse(data)
    assert vocab is None and "vocabularies-value-markup" in codes(problems)


def test_2_pillars_are_codes_and_their_labels_plain_text() -> None:
    data = copy.deepcopy(BASE)
    data["pillars"]["members"]["[[Category:P]]"] = []
    assert "vocabularies-value-markup" in codes(parse(data)[1])
    data = copy.deepcopy(BASE)
    data["pillars"]["labels"] = {"en": {"model": "Model\n== x =="}}
    assert "vocabularies-label-markup" in codes(parse(data)[1])
    data["pillars"]["labels"] = {"es": {"model": "Modelo libre"}}
    vocab, problems = parse(data)
    assert problems == [] and vocab.message_labels()["es"]["advocacyhub-pillar-model"] == \
        "Modelo libre"


def test_3_a_translation_with_markup_english_does_not_have_is_refused() -> None:
    key = "advocacyhub-cases-query-count"
    page = json.dumps({key: "$1 de $2 casos [[Category:TransVandal]]",
                       "advocacyhub-cases-query-shown": "(se muestran los primeros $1)"})
    table, problems = parse_translation(page, "Module:Advocacy/i18n/es.json", ENGLISH)
    assert key not in table and "advocacyhub-cases-query-shown" in table
    assert [(p.field, p.code) for p in problems] == [(key, "translation-markup")]
    # what English has may stay: a link to $1
    footer = "advocacyhub-delivery-footer"
    assert markup_fits("Suscrito en [[$1]]. Para darse de baja, quite su línea.",
                       ENGLISH[footer])
    assert not markup_fits("Suscrito en [[$1]] [[Category:X]].", ENGLISH[footer])
    assert not markup_fits("x" * 2001, ENGLISH[footer])


def test_3_every_repository_translation_fits_its_english_message() -> None:
    for lang in ("es", "zh"):
        for key, text in repository_messages(lang).items():
            if key in ENGLISH and isinstance(text, str):
                assert markup_fits(text, ENGLISH[key]), (lang, key)


# A label: text with markup fragments anywhere (the issue's attacks and more)
FRAGMENTS = ["\n", "!", "|", "==", "* ", "[[", "]]", "{{", "}}", "<b>", "</b>", "'''", "~~~~",
             "__NOTOC__", "&amp;", "ftp://", "http://", "[", "]", "{|", "|}", "Category:",
             "ISBN 1", " ", "-", "\t", "\u2028", "é", "中"]
labels = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text("abc XYZ", max_size=4)),
                  max_size=8).map("".join)


@settings(max_examples=300, deadline=None)
@given(labels)
def test_properties_an_accepted_label_is_text_wherever_the_bot_or_module_shows_it(label) -> None:
    data = copy.deepcopy(BASE)
    data["vocabularies"]["topics"]["labels"]["en"]["copyright"] = label
    vocab, problems = parse(data)
    if vocab is None:  # refused: the vocabulary in effect stays the last valid one
        assert problems
        return
    shown = vocab.message_labels()["en"]["advocacyhub-topics-copyright"]
    assert plain_text(shown) and only_text(shown)
    # where the bot writes it: a cell, a heading
    cells = CellRenderer(vocab.apply(SCHEMA), Messages("en", labels=vocab.message_labels()))
    cell = cells.value_label(SCHEMA.kind("case").field("topics"), "copyright")
    assert only_text(escape(cell))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.sampled_from([*FRAGMENTS, "$1", "$2", "{{PLURAL:$2|a|b}}"]),
                          st.text("abc ", max_size=3)), max_size=8).map("".join))
def test_properties_an_accepted_message_holds_no_markup_english_does_not(text) -> None:
    key = "advocacyhub-cases-query-count"
    table, _ = parse_translation(json.dumps({key: text}), "x.json", ENGLISH)
    if key in table:
        assert markup_of(table[key]) <= markup_of(ENGLISH[key]) | {"{{plural"}
        assert "\n" not in table[key]


@settings(max_examples=100, deadline=None)
@given(st.lists(labels, min_size=1, max_size=6))
def test_properties_the_vocabulary_in_effect_always_passed_validation(edits) -> None:
    """A sequence of edits of the page: the bot keeps the last valid one."""
    effective = parse(BASE)[0]
    for label in edits:
        data = copy.deepcopy(BASE)
        data["vocabularies"]["topics"]["labels"]["es"]["copyright"] = label
        vocab, _ = parse(data)
        effective = vocab or effective
        assert effective is not None
        for table in effective.message_labels().values():
            assert all(plain_text(v) for v in table.values())


# -- 6. a new pillar drops no case ----------------------------------------------------------

def test_6_a_pillar_the_community_adds_lists_its_cases() -> None:
    data = copy.deepcopy(BASE)
    data["vocabularies"]["topics"]["values"].append("net-neutrality")
    data["pillars"]["members"]["infrastructure"] = ["net-neutrality"]
    data["pillars"]["labels"] = {"en": {"infrastructure": "Infrastructure"}}
    vocab, problems = parse(data)
    assert problems == []
    schema = vocab.apply(SCHEMA)
    msgs = Messages("en", labels=vocab.message_labels())
    def made(title: str, topics: str):
        fields = {"title": title, "summary": "S.", "jurisdiction": "BR", "topics": topics,
                  "start": "2021-03", "status": "active"}
        return make_record(schema.kind("case"), f"Advocacy Hub/Cases/{title}", fields, schema)

    new = [made("Free", "copyright"), made("Wire", "net-neutrality"), made("Bare", "")]
    assert all(r.valid for r in new[:2])
    text = IssueRenderer(schema, msgs).generated(IssueItems(new_cases=new), "2043-03")
    lines = [line for line in text.split("\n") if line.startswith("* ")]
    assert len(lines) == 3  # every case counted is listed
    assert "=== Infrastructure ===" in text and "=== Other topics ===" in text
    headings = re.findall(r"^=== (.*) ===$", text, re.M)
    assert headings[-1] == "Other topics"


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["copyright", "privacy-surveillance", "human-rights", "ai",
                                 ""]), min_size=1, max_size=12))
def test_6_property_every_new_case_is_listed_once(topics) -> None:
    new = [case(f"C{i}", topics=t) for i, t in enumerate(topics)]
    text = IssueRenderer(SCHEMA, Messages("en")).generated(IssueItems(new_cases=new), "x")
    listed = len([ln for ln in text.split("\n") if ln.startswith("* [[")])
    # each pillar lists its first few cases and counts the rest (issue 23b's cap)
    more = sum(1 if n == "one" else int(n) for n in re.findall(r"…and (one|\d+) more", text))
    assert listed + more == len(new)


# -- 8. renames in the same second ------------------------------------------------------------

def test_8_renames_of_the_same_second_keep_the_logs_order(monkeypatch) -> None:
    from bots.jobs import deliver
    from bots.wiki import users

    names = [f"Name{i}" for i in range(30)]
    when = "2043-03-01T00:00:00Z"
    chain = [(names[i], names[i + 1], when) for i in range(29)]
    known, new = chain[:15], chain[15:]
    state = SimpleNamespace(text=json.dumps({"rename_log": [list(r) for r in known],
                                             "renames_checked": when}))
    monkeypatch.setattr(users, "renames_since", lambda site, since: list(new))
    merged, checked = deliver._rename_log(SimpleNamespace(site=None), state)
    assert merged == chain and checked == when
    assert renamed_after("Name0", merged, "") == "Name29"


def test_8_the_api_answer_is_ordered_by_log_id() -> None:
    from bots.wiki.users import _collect_renames, _in_log_order

    events = [{"logid": n, "timestamp": "2043-03-01T00:00:00Z",
               "params": {"olduser": f"N{n}", "newuser": f"N{n + 1}"}} for n in range(20)]
    random.Random(25).shuffle(events)
    out: list = []
    _collect_renames({"logevents": events}, "", out)
    ordered = _in_log_order(out)
    assert [r[0] for r in ordered] == [f"N{n}" for n in range(20)]


# -- 9. state pages read defensively ---------------------------------------------------------

@pytest.mark.parametrize(("text", "reason"), [
    (None, ""), ("", ""), ("  ", ""), ("{}", ""), ('{"a": 1', NOT_JSON), ("[1, 2]", NOT_OBJECT),
    ('"text"', NOT_OBJECT), ("42", NOT_OBJECT), ("null", NOT_OBJECT)])
def test_9_a_state_page_of_any_shape_reads_as_an_object(text, reason) -> None:
    data, why = parse_object(text)
    assert isinstance(data, dict) and why == reason


def test_9_parts_of_the_wrong_type_are_their_default() -> None:
    data = {"a": [1], "b": {"x": 1, "y": "s"}, "c": True}
    assert part(data, "a", dict, dict) == {} and data["a"] == {}
    assert mapping_of(data, "b", int) == {"x": 1}
    assert part(data, "c", int, int) == 0  # a bool is not a number here
    assert sound_baseline([1]) == {"cases": {}, "advocates": [], "resources": [], "events": []}
    assert sound_baseline({"cases": {"P": {"status": "x"}, "Q": 3}, "advocates": ["A", 1]}) == \
        {"cases": {"P": {"status": "x"}}, "advocates": ["A"], "resources": [], "events": []}


@settings(max_examples=200, deadline=None)
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=3),
                    lambda kids: st.lists(kids, max_size=3)
                    | st.dictionaries(st.sampled_from(["advocates", "renames", "log", "pages",
                                                       "page_revids", "renames_read_to",
                                                       "x"]), kids, max_size=4),
                    max_leaves=12))
def test_9_property_any_json_is_a_roster_state(data) -> None:
    from bots.core.roster import RosterState

    state = RosterState.from_json(json.dumps(data))
    RosterState.from_json(state.to_json())  # and it writes back a readable page


# -- 10. small ones ---------------------------------------------------------------------------

def test_10_a_language_the_repository_lacks_gets_its_own_preload_pages() -> None:
    kind = SCHEMA.kind("subscription")
    title = preload_title(kind, "fr", languages=["en", "fr"])
    assert title == "Template:Advocacy subscriber/preload/fr"
    pages = preload_pages(SCHEMA, ["fr"], Messages)
    assert "language=fr" in pages[title]
    advocate = pages[preload_title(SCHEMA.kind("advocate"), "fr", languages=["fr"])]
    assert "| languages = fr" in advocate


@given(st.text(alphabet="ab {}|=[]:\n", max_size=40), st.text(alphabet="xy {}\n", max_size=30))
def test_1_property_only_the_editors_text_is_expanded(intro: str, generated: str) -> None:
    """The copy's editors' part (what the wiki expands) never holds the bot's generated block
    nor the issue's status template; the block comes back untouched."""
    from bots.core.newsletter import GENERATED_TOKEN, editors_text

    block = markers.wrap(ISSUE_SECTION, generated)
    text = f"{{{{Advocacy newsletter|status=ready}}}}\n{intro}\n{block}\n"
    outside, got = editors_text(text, ISSUE_SECTION)
    assert got == block
    assert outside.count(GENERATED_TOKEN) == 1 and "advocacy-bot:begin" not in outside
    assert "Advocacy newsletter" not in outside
