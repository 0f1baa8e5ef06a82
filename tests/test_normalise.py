"""Field values, from what editors type to the canonical form (bots.core.normalise, places,
dates, vocab)."""

from __future__ import annotations

import pytest

from bots.core.dates import normalise_date, normalise_datetime
from bots.core.normalise import MAX_TEXT, FieldNormaliser, normalise_record, split_values
from bots.core.places import load_geography
from bots.core.records import Problem
from bots.core.schema import Field, load_schema

SCHEMA = load_schema()
GEO = load_geography()
NORM = FieldNormaliser(SCHEMA, GEO)
CASE = SCHEMA.kinds["case"]
ADVOCATE = SCHEMA.kinds["advocate"]
EVENT = SCHEMA.kinds["event"]
RESOURCE = SCHEMA.kinds["resource"]
SUBSCRIPTION = SCHEMA.kinds["subscription"]
ALL_REGIONS = ["CEECA", "ESEAP", "LAC", "SSA", "MENA", "SA", "NA", "NWE"]

BASE_CASE = {"title": "T", "summary": "S", "jurisdiction": "DE", "topics": "copyright",
             "start": "2020", "status": "active"}


def norm(kind, field: str, raw: str) -> tuple[str | None, str, list[str]]:
    return NORM(kind.fields[field], raw)


def case(**overrides: str) -> tuple[dict, list[Problem]]:
    return normalise_record(CASE, "P", {**BASE_CASE, **overrides}, SCHEMA, GEO)


def codes(problems: list[Problem]) -> set[tuple[str, str]]:
    return {(p.field, p.code) for p in problems}


# -- vocabularies -----------------------------------------------------------------------------

@pytest.mark.parametrize(("field", "raw", "value"), [
    ("topics", "FoP", "freedom-of-panorama"),
    ("topics", "fop", "freedom-of-panorama"),
    ("topics", "Freedom of Panorama", "freedom-of-panorama"),
    ("topics", "freedom_of_panorama", "freedom-of-panorama"),
    ("topics", "Article 17", "upload-filters"),
    ("topics", "AI", "ai"),
    ("tactics", "Open Letter", "open-letter"),
    ("tactics", "open-letter", "open-letter"),
    ("tactics", "letter", "open-letter"),
    ("region", "CEECA", "CEECA"),
    ("region", "ceeca", "CEECA"),
    ("region", "Ceeca", "CEECA"),
    ("region", "north america", "NA"),
    ("region", "latam", "LAC"),
    ("status", "Ongoing", "active"),
    ("outcome", "Success", "won"),
])
def test_vocabulary_values_synonyms_and_case(field: str, raw: str, value: str) -> None:
    assert norm(CASE, field, raw) == (value, "", [])


@pytest.mark.parametrize(("kind", "field", "raw", "value"), [
    (ADVOCATE, "role", "Regional lead", "regional-contact"),
    (ADVOCATE, "skills", "Lawyer", "legal"),
    (ADVOCATE, "digest", "Week", "weekly"),
    (RESOURCE, "kind", "Open letter", "open-letter-example"),  # same word, other vocabulary
    (SUBSCRIPTION, "format", "short", "summary"),
])
def test_synonyms_belong_to_their_own_vocabulary(kind, field: str, raw: str, value: str) -> None:
    assert norm(kind, field, raw) == (value, "", [])


@pytest.mark.parametrize(("field", "raw", "suggestion"), [
    ("topics", "copyrite", "copyright"),
    ("topics", "panorma", "freedom-of-panorama"),
    ("topics", "priv", "privacy-surveillance"),
    ("tactics", "open leter", "open-letter"),
    ("status", "concludd", "concluded"),
    ("region", "Europa", "NWE"),
])
def test_unknown_values_are_errors_with_suggestions(field: str, raw: str,
                                                    suggestion: str) -> None:
    value, code, suggestions = norm(CASE, field, raw)
    assert value is None
    assert code == "unknown-value"
    assert suggestion in suggestions
    # suggestions are canonical values, never raw synonyms
    vocab = SCHEMA.vocabularies[CASE.fields[field].vocabulary]
    assert set(suggestions) <= set(vocab.values)
    assert len(suggestions) == len(set(suggestions))


def test_unknown_value_far_from_anything_has_no_suggestion() -> None:
    assert norm(CASE, "topics", "xyzzy") == (None, "unknown-value", [])


def test_unknown_vocabulary_value_is_not_dropped_silently() -> None:
    fields, problems = case(topics="copyright; teleportation")
    assert fields["topics"] == ["copyright"]
    assert [(p.field, p.code, p.value) for p in problems] == [
        ("topics", "unknown-value", "teleportation")]


# -- jurisdictions and regions ----------------------------------------------------------------

@pytest.mark.parametrize(("raw", "code"), [
    ("de", "DE"), ("DE", "DE"), ("DEU", "DE"), ("Germany", "DE"), (" germany ", "DE"),
    ("eu", "EU"), ("EU", "EU"), ("un", "UN"), ("Global", "global"), ("GLOBAL", "global"),
    ("Mexico", "MX"), ("na", "NA"), ("Namibia", "NA"), ("SA", "SA"),
])
def test_jurisdictions(raw: str, code: str) -> None:
    assert norm(CASE, "jurisdiction", raw) == (code, "", [])


@pytest.mark.parametrize(("raw", "suggestion"), [("Germny", "DE"), ("Narnia", None),
                                                 ("XK", None), ("Europe", None)])
def test_unknown_jurisdictions(raw: str, suggestion: str | None) -> None:
    value, code, suggestions = norm(CASE, "jurisdiction", raw)
    assert value is None
    assert code == "unknown-jurisdiction"
    if suggestion:
        assert suggestion in suggestions
    # suggestions are codes an editor can type back in
    assert all(norm(CASE, "jurisdiction", s)[0] == s for s in suggestions)


@pytest.mark.parametrize(("jurisdiction", "regions"), [
    ("EE", ["CEECA"]),
    ("TR", ["CEECA"]),
    ("MX", ["LAC"]),
    ("CL", ["LAC"]),
    ("PH", ["ESEAP"]),
    ("AU", ["ESEAP"]),
    ("US", ["NA"]),
    ("IN", ["SA"]),
    ("EG", ["MENA"]),
    ("KE", ["SSA"]),
    ("DE", ["NWE"]),
    ("EU", ["CEECA", "NWE"]),
    ("global", ALL_REGIONS),
    ("UN", ALL_REGIONS),
    ("EE; MX", ["CEECA", "LAC"]),
    ("EU, DE", ["CEECA", "NWE"]),
])
def test_region_is_derived_from_jurisdiction(jurisdiction: str, regions: list[str]) -> None:
    fields, problems = case(jurisdiction=jurisdiction)
    assert problems == []
    assert fields["region"] == regions  # in vocabulary order, no duplicates


def test_explicit_region_is_kept() -> None:
    fields, problems = case(jurisdiction="DE", region="LAC; ssa")
    assert problems == []
    assert fields["region"] == ["LAC", "SSA"]


def test_advocate_regions_are_derived_from_jurisdictions() -> None:
    fields, problems = normalise_record(ADVOCATE, "P", {"user": "Foo", "jurisdictions": "PH"},
                                        SCHEMA, GEO)
    assert problems == []
    assert fields["regions"] == ["ESEAP"]


def test_antarctica_is_a_jurisdiction_without_region() -> None:
    fields, problems = case(jurisdiction="AQ")
    assert problems == []
    assert fields["jurisdiction"] == ["AQ"]
    assert "region" not in fields


def test_code_clash_na_is_namibia_as_jurisdiction_but_north_america_as_region() -> None:
    fields, problems = case(jurisdiction="NA")
    assert problems == []
    assert fields["jurisdiction"] == ["NA"]
    assert fields["region"] == ["SSA"]  # Namibia is in Sub-Saharan Africa
    fields, problems = case(jurisdiction="NA", region="NA")
    assert problems == []
    assert fields["region"] == ["NA"]  # the region NA is North America, as written
    assert GEO.regions("US") == ("NA",)
    # SA likewise: Saudi Arabia (MENA) as a jurisdiction, South Asia as a region
    assert case(jurisdiction="SA")[0]["region"] == ["MENA"]
    assert norm(CASE, "region", "SA") == ("SA", "", [])


def test_every_country_has_exactly_one_region_entry() -> None:
    import pycountry

    for country in pycountry.countries:
        assert country.alpha_2 in GEO.region_of, country.alpha_2
        assert len(GEO.region_of[country.alpha_2]) <= 1, country.alpha_2


# -- dates ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("raw", "value"), [
    ("2021", "2021"), ("2021-03", "2021-03"), ("2021-3", "2021-03"),
    ("2021-03-05", "2021-03-05"), (" 2021-03-05 ", "2021-03-05"), ("2020-02-29", "2020-02-29"),
])
def test_partial_dates(raw: str, value: str) -> None:
    assert norm(CASE, "start", raw) == (value, "", [])


@pytest.mark.parametrize("raw", ["2021-13", "2021-00", "2021-02-30", "2019-02-29", "21",
                                 "March 2021", "2021-03-05-01", "yesterday"])
def test_invalid_dates(raw: str) -> None:
    assert norm(CASE, "start", raw) == (None, "bad-date", [])
    assert normalise_date(raw) is None


def test_datetimes_for_events() -> None:
    assert normalise_datetime("2021-03-05") == "2021-03-05"
    assert norm(EVENT, "start", "2021-03-05 14:30") == ("2021-03-05T14:30", "", [])
    assert norm(EVENT, "start", "2021-03-05T14:30Z") == ("2021-03-05T14:30", "", [])
    assert norm(EVENT, "start", "2021-03-05T25:00") == (None, "bad-datetime", [])
    assert norm(EVENT, "start", "2021") == (None, "bad-datetime", [])


@pytest.mark.parametrize(("start", "end", "bad"), [
    ("2021-05", "2021-04-30", True),
    ("2021-05-10", "2020", True),
    ("2021", "2020-12-31", True),
    ("2021-05-10", "2021-05-09", True),
    ("2021-05", "2021-05-30", False),  # inside the start month
    ("2021-05-10", "2021", False),  # same year, less precise
    ("2021-05-10", "2021-05-10", False),
    ("2020", "2021", False),
])
def test_end_before_start(start: str, end: str, bad: bool) -> None:
    _, problems = case(start=start, end=end)
    assert (("end", "end-before-start") in codes(problems)) is bad
    assert len(problems) == int(bad)


# -- usernames, pages, urls -------------------------------------------------------------------

@pytest.mark.parametrize(("raw", "value"), [
    ("User:Foo_bar", "Foo bar"),
    ("user:foo_bar", "Foo bar"),
    ("[[User:Foo|x]]", "Foo"),
    ("[[User:Foo bar|Foo]]", "Foo bar"),
    ("User talk:Foo", "Foo"),
    ("foo  bar", "Foo bar"),
    ("Éva", "Éva"),
])
def test_usernames(raw: str, value: str) -> None:
    assert norm(CASE, "contacts", raw) == (value, "", [])


@pytest.mark.parametrize("raw", ["Foo#bar", "Foo[x]", "Foo|bar", "Foo/bar", "Foo@example.org",
                                 "Foo<b>", "{{Foo}}", "a" * 86, "User:"])
def test_illegal_usernames_are_rejected(raw: str) -> None:
    assert norm(CASE, "contacts", raw) == (None, "bad-username", [])


def test_contributions_link_is_a_username() -> None:
    assert norm(CASE, "contacts", "[[Special:Contributions/Foo]]") == ("Foo", "", [])


def test_pages() -> None:
    assert norm(CASE, "related", "[[advocacy Hub/Cases/X|x]]") == (
        "Advocacy Hub/Cases/X", "", [])
    assert norm(CASE, "related", "Foo{{bar}}")[1] == "bad-page"
    assert norm(CASE, "related", "x" * 256)[1] == "bad-page"


@pytest.mark.parametrize(("raw", "value"), [
    ("https://x.org", "https://x.org"),
    ("  https://x.org/a?b=c#d ", "https://x.org/a?b=c#d"),
    ("http://x.org", "http://x.org"),
    ("[https://x.org label]", "https://x.org"),
    ("[https://x.org]", "https://x.org"),
])
def test_urls(raw: str, value: str) -> None:
    assert norm(CASE, "sources", raw) == (value, "", [])


@pytest.mark.parametrize("raw", ["javascript:alert(1)", "[javascript:alert(1) click]",
                                 "ftp://x.org", "//x.org", "x.org", "https://", "https://x.org/<a>",
                                 "https://x.org label", "https://x.org/{{x}}",
                                 "https://x.org/" + "a" * 2000])
def test_bad_urls_are_rejected(raw: str) -> None:
    assert norm(CASE, "sources", raw) == (None, "bad-url", [])


# -- languages, timezones, bool ---------------------------------------------------------------

@pytest.mark.parametrize(("raw", "value"), [
    ("ES", "es"), ("es", "es"), ("Spanish", "es"), ("spa", "es"), ("pt-br", "pt-br"),
    ("pt_BR", "pt-br"), ("zh-hans", "zh-hans"), ("English", "en"),
])
def test_languages(raw: str, value: str) -> None:
    assert norm(ADVOCATE, "languages", raw) == (value, "", [])


def test_unknown_language_has_suggestions() -> None:
    value, code, suggestions = norm(ADVOCATE, "languages", "Spansh")
    assert (value, code) == (None, "unknown-language")
    assert "es" in suggestions
    assert norm(ADVOCATE, "languages", "xx")[:2] == (None, "unknown-language")


@pytest.mark.parametrize(("raw", "value"), [
    ("UTC", "UTC"), ("utc", "UTC"), ("GMT", "UTC"), ("America/Santiago", "America/Santiago"),
    ("america/santiago", "America/Santiago"), ("America/Sao Paulo", "America/Sao_Paulo"),
])
def test_timezones(raw: str, value: str) -> None:
    assert norm(EVENT, "timezone", raw) == (value, "", [])


def test_unknown_timezone_has_suggestions() -> None:
    value, code, suggestions = norm(EVENT, "timezone", "Europe/Berln")
    assert (value, code) == (None, "unknown-timezone")
    assert suggestions[0] == "Europe/Berlin"
    assert norm(EVENT, "timezone", "Mars/Base")[:2] == (None, "unknown-timezone")


@pytest.mark.parametrize(("raw", "value"), [
    ("yes", "yes"), ("Yes", "yes"), ("TRUE", "yes"), ("1", "yes"), ("y", "yes"),
    ("no", "no"), ("No", "no"), ("false", "no"), ("0", "no"),
])
def test_bool(raw: str, value: str) -> None:
    assert norm(CASE, "alert", raw) == (value, "", [])


def test_bad_bool_suggests_yes_and_no() -> None:
    assert norm(CASE, "alert", "maybe") == (None, "bad-bool", ["yes", "no"])
    fields, problems = case(alert="maybe")
    assert codes(problems) == {("alert", "bad-bool")}
    assert "alert" not in fields  # the default does not paper over a wrong value


# -- records: required, defaults, lists, lengths ----------------------------------------------

def test_required_fields_missing() -> None:
    fields, problems = normalise_record(CASE, "Some/Page", {"title": "  "}, SCHEMA, GEO)
    assert codes(problems) == {(f, "missing") for f in
                               ["title", "summary", "jurisdiction", "topics", "start", "status"]}
    assert all(p.page == "Some/Page" and p.kind == "case" for p in problems)
    assert "title" not in fields


def test_an_invalid_required_value_is_not_also_reported_missing() -> None:
    _, problems = case(status="ongoin", start="someday")
    assert codes(problems) == {("status", "unknown-value"), ("start", "bad-date")}


def test_defaults_are_applied_to_blank_fields() -> None:
    fields, problems = case()
    assert problems == []
    assert fields["outcome"] == "unknown"
    assert fields["alert"] == "no"
    fields, _ = case(outcome="won")
    assert fields["outcome"] == "won"
    adv, problems = normalise_record(ADVOCATE, "P", {"user": "Foo", "role": " "}, SCHEMA, GEO)
    assert problems == []
    assert (adv["role"], adv["digest"], adv["profile"]) == ("member", "none", "public")
    ev, _ = normalise_record(EVENT, "P", {"title": "x", "start": "2024-01-01"}, SCHEMA, GEO)
    assert (ev["timezone"], ev["online"]) == ("UTC", "no")


def test_text_lists_split_on_semicolons_and_newlines_not_commas() -> None:
    fields, problems = case(actors="German, Czech Wikipedia communities; WMDE\n"
                                   "* Wikimedia Foundation\n\n;")
    assert problems == []
    assert fields["actors"] == ["German, Czech Wikipedia communities", "WMDE",
                                "Wikimedia Foundation"]


def test_code_lists_also_split_on_commas() -> None:
    fields, problems = case(jurisdiction="DE,FR; ES\nIT", topics="copyright, fop;\n* ai")
    assert problems == []
    assert fields["jurisdiction"] == ["DE", "FR", "ES", "IT"]
    assert fields["topics"] == ["copyright", "freedom-of-panorama", "ai"]


def test_split_values_by_field_type() -> None:
    assert split_values("a, b; c\n d", CASE.fields["actors"]) == ["a, b", "c", "d"]
    assert split_values("a, b; c\n d", CASE.fields["topics"]) == ["a", "b", "c", "d"]
    assert split_values(" ; \n , ", CASE.fields["topics"]) == []


def test_duplicate_list_values_are_merged() -> None:
    fields, problems = case(topics="copyright; Copyright; COPYRIGHT; fop; freedom of panorama")
    assert problems == []
    assert fields["topics"] == ["copyright", "freedom-of-panorama"]


@pytest.mark.parametrize(("field", "limit"), [("title", 200), ("summary", 3000),
                                              ("lessons", 5000), ("help_wanted", 500)])
def test_too_long_values_are_cut_with_a_problem(field: str, limit: int) -> None:
    fields, problems = case(**{field: "x" * (limit + 50)})
    assert fields[field] == "x" * limit
    (problem,) = problems
    assert (problem.field, problem.code) == (field, "too-long")
    assert len(problem.value) <= 200  # problems never carry the whole value
    fields, problems = case(**{field: "x" * limit})
    assert problems == []
    assert len(fields[field]) == limit


def test_too_long_list_item_is_cut() -> None:
    fields, problems = case(actors="WMDE; " + "y" * 400)
    assert fields["actors"] == ["WMDE", "y" * 300]
    assert codes(problems) == {("actors", "too-long")}


def test_text_without_max_length_is_still_bounded() -> None:
    fld = Field(name="notes", type="text")
    assert NORM(fld, "n" * MAX_TEXT) == ("n" * MAX_TEXT, "", [])
    assert NORM(fld, "n" * (MAX_TEXT + 1)) == ("n" * MAX_TEXT, "too-long", [])
