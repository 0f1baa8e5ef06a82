"""Where a page field points (bots.core.pagetargets): a case's name or its full title, the
same page; a missing target is a problem on the maintenance report."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bots.core.normalise import make_record
from bots.core.pagetargets import missing_targets, page_prefixes, page_target, targets
from bots.core.schema import load_schema

SCHEMA = load_schema()
PREFIXES = page_prefixes("Advocacy Hub/Cases/", "Advocacy Hub", SCHEMA)
NAMES = st.text(st.characters(blacklist_characters="/#<>[]{}|", blacklist_categories=("Cs",
                                                                                       "Cc")),
                min_size=1, max_size=30).map(str.strip).filter(bool)


@settings(deadline=None)  # a shared machine: no time limit per example
@given(NAMES)
def test_a_case_name_and_its_full_title_name_the_same_page(name: str) -> None:
    prefix = PREFIXES["case"]
    assert page_target(name, prefix, True) == prefix + name
    assert page_target(prefix + name, prefix, True) == prefix + name
    assert page_target(name, prefix, False) == name  # another namespace: as written


def test_prefixes_of_cases_and_directories() -> None:
    assert PREFIXES == {"case": "Advocacy Hub/Cases/", "partner": "Advocacy Hub/Partners/"}


def test_missing_related_cases_and_partners_are_problems() -> None:
    rec = make_record(SCHEMA.kind("case"), "Advocacy Hub/Cases/A", {
        "title": "A", "summary": "S.", "jurisdiction": "DE", "topics": "copyright",
        "start": "2020", "status": "active", "related": "B; Advocacy Hub/Cases/C; Gone",
        "partners": "Advocacy Hub/Partners/WMDE"}, SCHEMA)
    found = targets(SCHEMA, [rec], PREFIXES, lambda v: True)
    assert sorted(found) == ["Advocacy Hub/Cases/B", "Advocacy Hub/Cases/C",
                             "Advocacy Hub/Cases/Gone", "Advocacy Hub/Partners/WMDE"]
    existing = {"Advocacy Hub/Cases/B", "Advocacy Hub/Cases/C", "Advocacy Hub/Partners/WMDE"}
    problems = missing_targets(found, existing.__contains__)
    assert [(p.page, p.field, p.code, p.value) for p in problems] == [
        ("Advocacy Hub/Cases/A", "related", "missing-page", "Gone")]
