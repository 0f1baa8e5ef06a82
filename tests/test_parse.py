"""Reading records out of messy, real-world wikitext (bots.core.parse)."""

from __future__ import annotations

import pytest

from bots.core.messages import Messages
from bots.core.parse import build_template, find_records
from bots.core.records import Record
from bots.core.schema import load_schema

SCHEMA = load_schema()
PAGE = "Advocacy Hub/Cases/Freedom of panorama in Ruritania"

GOOD_CASE = {
    "title": "Freedom of panorama in Ruritania",
    "summary": "Parliament proposed to narrow the panorama exception; advocates objected.",
    "jurisdiction": "DE",
    "topics": "copyright; freedom-of-panorama",
    "start": "2019-03",
    "status": "concluded",
}


def records(text: str, page: str = PAGE) -> list[Record]:
    return find_records(text, page, SCHEMA)


def only(text: str, page: str = PAGE) -> Record:
    found = records(text, page)
    assert len(found) == 1, found
    return found[0]


def case_text(name: str = "Advocacy case", sep: str = "\n", **extra: str) -> str:
    params = {**GOOD_CASE, **extra}
    body = sep.join(f"| {k} = {v}" for k, v in params.items())
    return f"{{{{{name}{sep}{body}{sep}}}}}"


def pairs(rec: Record) -> set[tuple[str, str]]:
    return {(p.field, p.code) for p in rec.problems}


# -- template names and layout ----------------------------------------------------------------

@pytest.mark.parametrize("name", [
    "Advocacy case", "advocacy case", "advocacy_case", "Template:Advocacy case",
    "template:advocacy_case", " Advocacy  case ", "Template: Advocacy_case",
    "Advocacy case<!-- the infobox -->",
])
def test_template_name_spellings_are_read(name: str) -> None:
    rec = only(case_text(name))
    assert rec.kind == "case"
    assert rec.valid, rec.problems
    assert rec.fields["title"] == GOOD_CASE["title"]


def test_similar_template_names_are_not_records() -> None:
    text = case_text("Advocacy cases") + case_text("Advocacy case/doc") + case_text("Tl")
    assert records(text) == []


def test_a_well_formed_case_is_normalised() -> None:
    rec = only("Intro.\n" + case_text() + "\n== Discussion ==\n")
    assert rec.valid
    assert rec.problems == []
    assert rec.fields["jurisdiction"] == ["DE"]
    assert rec.fields["region"] == ["NWE"]
    assert rec.fields["topics"] == ["copyright", "freedom-of-panorama"]
    assert rec.fields["start"] == "2019-03"
    assert rec.fields["outcome"] == "unknown"
    assert rec.key == f"case:{PAGE}#0"


def test_extra_spaces_and_newlines_around_names_and_values() -> None:
    text = ("{{  Advocacy case  \n\n|title   =\n\n   Freedom of panorama in Ruritania  \n"
            "|  summary=Proposed.\n|jurisdiction=  DE  \n  | topics =\n copyright \n"
            "|start=2019|status=concluded\n\n}}")
    rec = only(text)
    assert rec.problems == []
    assert rec.fields["title"] == "Freedom of panorama in Ruritania"
    assert rec.fields["summary"] == "Proposed."
    assert rec.fields["jurisdiction"] == ["DE"]
    assert rec.fields["topics"] == ["copyright"]


def test_everything_on_one_line() -> None:
    rec = only(case_text(sep=""))
    assert rec.valid
    assert rec.fields["status"] == "concluded"


def test_html_comments_inside_values_and_names_are_dropped() -> None:
    text = case_text(
        title="Freedom of panorama <!-- working title --> in Ruritania",
        topics="copyright<!--; public-domain -->",
        tactics="<!-- e.g. open-letter -->",
    ).replace("| status =", "| <!-- see talk -->status<!-- x --> =")
    rec = only(text)
    assert rec.problems == []
    assert "working title" not in rec.fields["title"]
    assert rec.fields["title"].startswith("Freedom of panorama")
    assert rec.fields["title"].endswith("in Ruritania")
    assert rec.fields["topics"] == ["copyright"]
    assert "tactics" not in rec.fields  # only a comment: blank
    assert rec.fields["status"] == "concluded"


def test_a_value_that_is_only_a_comment_counts_as_missing() -> None:
    rec = only(case_text(title="<!-- fill in -->"))
    assert pairs(rec) == {("title", "missing")}
    assert not rec.valid


def test_parameters_in_any_order() -> None:
    forward = only(case_text())
    params = list(GOOD_CASE.items())[::-1]
    text = "{{Advocacy case\n" + "\n".join(f"|{k}={v}" for k, v in params) + "\n}}"
    backward = only(text)
    assert backward.fields == forward.fields
    assert backward.problems == []


# -- parameter problems -----------------------------------------------------------------------

def test_duplicate_parameter_warns_and_the_last_wins() -> None:
    text = case_text().replace("}}", "| status = active\n}}")
    rec = only(text)
    assert rec.fields["status"] == "active"
    (dup,) = [p for p in rec.problems if p.code == "duplicate-field"]
    assert dup.field == "status"
    assert dup.severity == "warning"
    assert dup.value == "active"
    assert dup.page == PAGE
    assert rec.valid  # a warning does not make the record invalid
    assert "active" in Messages("en").describe(dup)


def test_duplicate_via_alias_warns() -> None:
    text = case_text().replace("}}", "| result = won\n}}").replace(
        "| status", "| outcome = lost\n| status")
    rec = only(text)
    assert ("outcome", "duplicate-field") in pairs(rec)
    # The template shows {{{outcome|{{{result|}}}}}}: the canonical name wins over the alias,
    # wherever it stands, and the warning names the value used.
    assert rec.fields["outcome"] == "lost"
    (dup,) = [p for p in rec.problems if p.code == "duplicate-field"]
    assert dup.value == "lost" and dup.suggestions == ("won",)


def test_field_and_alias_given_bot_reads_what_the_template_shows() -> None:
    rec = only("{{Advocate|user=Alice|username=Bob}}")
    assert rec.fields["user"] == "Alice"


def test_positional_parameters_are_problems() -> None:
    text = case_text().replace("{{Advocacy case", "{{Advocacy case|Ruritania FoP")
    rec = only(text)
    (pos,) = [p for p in rec.problems if p.code == "positional"]
    assert pos.value == "Ruritania FoP"
    assert pos.field == "1"
    assert pos.severity == "error"
    assert not rec.valid
    # an empty positional parameter (a stray "|") is harmless
    assert only(case_text().replace("{{Advocacy case", "{{Advocacy case|")).problems == []


@pytest.mark.parametrize(("typo", "meant"), [
    ("jurisdicton", "jurisdiction"),
    ("topcis", "topics"),
    ("sumary", "summary"),
    ("tactcs", "tactics"),
    ("lesons", "lessons"),
    ("outcom", "outcome"),
])
def test_misspelled_field_is_unknown_with_a_suggestion(typo: str, meant: str) -> None:
    rec = only(case_text().replace("}}", f"| {typo} = something\n}}}}"))
    (unknown,) = [p for p in rec.problems if p.code == "unknown-field"]
    assert unknown.field == typo
    assert unknown.page == PAGE
    assert unknown.value == "something"
    assert meant in unknown.suggestions
    assert not rec.valid


def test_unknown_field_far_from_any_field_has_no_bogus_suggestion() -> None:
    rec = only(case_text().replace("}}", "| xyzzyplugh = 1\n}}"))
    (unknown,) = [p for p in rec.problems if p.code == "unknown-field"]
    assert unknown.suggestions == ()


# -- several records, inert markup, nested templates ------------------------------------------

def test_several_records_on_one_page_are_indexed_in_order() -> None:
    text = ("== Sign-ups ==\n{{Advocate|user=Alice}}\n* {{advocate | user = Bob }}\n"
            "{{Advocacy subscriber|user=Alice}}\n{{Template:Advocate\n|user=Carol\n}}")
    found = records(text, "Advocacy Hub/Roster")
    advocates = [r for r in found if r.kind == "advocate"]
    assert [(r.index, r.fields["user"]) for r in advocates] == [
        (0, "Alice"), (1, "Bob"), (2, "Carol")]
    subs = [r for r in found if r.kind == "subscription"]
    assert [(r.index, r.fields["user"]) for r in subs] == [(0, "Alice")]
    assert len({r.key for r in found}) == 4


@pytest.mark.parametrize("wrap", [
    "<pre>{}</pre>",
    "<PRE>{}</PRE>",
    "<nowiki>{}</nowiki>",
    "<includeonly>{}</includeonly>",
    "<!-- {} -->",
    "<div><pre>{}</pre></div>",
    '<syntaxhighlight lang="wikitext">{}</syntaxhighlight>',
])
def test_templates_inside_inert_markup_are_not_records(wrap: str) -> None:
    text = "Example:\n" + wrap.format(case_text()) + "\n{{Advocate|user=Dana}}"
    found = records(text)
    assert [(r.kind, r.fields.get("user")) for r in found] == [("advocate", "Dana")]


def test_template_inside_code_tag_is_still_a_record() -> None:
    assert [r.kind for r in records("<code>" + case_text() + "</code>")] == ["case"]


def test_nested_templates_in_values_do_not_split_parameters() -> None:
    text = case_text(
        title="Panorama {{lang|de|Panoramafreiheit}} case",
        summary="See {{cite web|url=https://example.org|title=News}} and [[Foo|bar]].",
        topics="{{#if:x|copyright}}",
    )
    rec = only(text)
    assert rec.fields["title"] == "Panorama {{lang|de|Panoramafreiheit}} case"
    assert rec.fields["summary"] == (
        "See {{cite web|url=https://example.org|title=News}} and [[Foo|bar]].")
    assert rec.fields["jurisdiction"] == ["DE"]  # later params still read
    assert ("topics", "unknown-value") in pairs(rec)  # parser functions are not evaluated
    assert not any(p.code in {"unknown-field", "positional"} for p in rec.problems)


def test_a_record_nested_in_another_template_is_found() -> None:
    rec = only("{{Hub box|content=" + case_text() + "}}")
    assert rec.kind == "case" and rec.valid


def test_revid_and_timestamp_are_kept() -> None:
    (rec,) = find_records(case_text(), PAGE, SCHEMA, revid=42, timestamp="2024-05-01T10:00:00Z")
    assert rec.revid == 42
    assert rec.timestamp == "2024-05-01T10:00:00Z"


def test_build_template_round_trips_through_find_records() -> None:
    fields: dict[str, str | list[str]] = {**GOOD_CASE, "topics": ["copyright", "ai"],
                                          "actors": ["WMDE", "Wikimedia Foundation"]}
    rec = only(build_template("Advocacy case", fields))
    assert rec.problems == []
    assert rec.fields["topics"] == ["copyright", "ai"]
    assert rec.fields["actors"] == ["WMDE", "Wikimedia Foundation"]


def test_build_template_pipe_in_value_cannot_start_a_parameter() -> None:
    rec = only(build_template("Advocacy case", {**GOOD_CASE, "title": "A | status = dormant"}))
    assert rec.fields["status"] == "concluded"
    assert not any(p.code in {"unknown-field", "duplicate-field"} for p in rec.problems)


# -- acceptance check -------------------------------------------------------------------------

ACCEPTANCE_TEXT = """Written by a human; the bot must not mind.

{{Advocacy case
| title = Freedom of panorama in Ruritania
| summary = Parliament proposed to narrow the panorama exception.
| jurisdiction = DE
| topics = copyright; copyrite; FoP
| tactcs = open-letter
| status = ongoin
| outcome = partial sucess
| start = 2019-03
| lesons = Start early.
| region = Europa
}}
[[Category:Something]]
"""


def test_acceptance_one_clear_error_per_problem() -> None:
    rec = only(ACCEPTANCE_TEXT)
    expected = {
        ("tactcs", "unknown-field"): "tactics",
        ("lesons", "unknown-field"): "lessons",
        ("topics", "unknown-value"): "copyright",
        ("status", "unknown-value"): "active",  # "ongoin" ~ the synonym "ongoing"
        ("outcome", "unknown-value"): "partial",
        ("region", "unknown-value"): "NWE",  # "Europa" ~ the synonym "europe"
    }
    assert len(rec.problems) == len(expected)
    assert pairs(rec) == set(expected)
    assert not rec.valid
    msgs = Messages("en")
    for problem in rec.problems:
        assert problem.page == PAGE
        assert problem.kind == "case"
        assert problem.severity == "error"
        suggestion = expected[(problem.field, problem.code)]
        assert suggestion in problem.suggestions
        sentence = msgs.describe(problem)
        assert PAGE not in sentence  # the page is shown next to it, not in it
        assert f'"{problem.field}"' in sentence
        assert "Did you mean" in sentence
        assert suggestion in sentence.split("Did you mean", 1)[1]
    # the good values around the bad ones are kept
    assert rec.fields["topics"] == ["copyright", "freedom-of-panorama"]
    assert rec.fields["start"] == "2019-03"
    assert "status" not in rec.fields


def test_acceptance_misspelled_required_fields_one_error_each() -> None:
    text = ACCEPTANCE_TEXT.replace("| jurisdiction =", "| jurisdicton =").replace(
        "| topics =", "| topcis =")
    rec = only(text)
    assert {("jurisdicton", "unknown-field"), ("topcis", "unknown-field")} <= pairs(rec)
    assert "jurisdiction" in next(p for p in rec.problems if p.field == "jurisdicton").suggestions
    assert "topics" in next(p for p in rec.problems if p.field == "topcis").suggestions
    assert ("jurisdiction", "missing") not in pairs(rec)
    assert ("topics", "missing") not in pairs(rec)
