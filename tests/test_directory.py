"""A record kind by declaration only: a throw-away kind in a temporary schema gets its template,
TemplateData, directory index and facet pages with no code of its own."""

from __future__ import annotations

import json
import re
import tomllib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bots.core.messages import Messages
from bots.core.normalise import make_record
from bots.core.render.directory import Directory, directory_titles
from bots.core.render.partlinks import PageSet
from bots.core.schema import parse_schema
from bots.core.wikitemplates import template_pages
from bots.errors import SchemaError
from bots.paths import CONFIG_DIR

ROOT = "Advocacy Hub"
GADGET = {
    "template": "Advocacy gadget",
    "category": "Advocacy gadgets",
    "label_field": "name",
    "columns": ["name", "colour", "regions"],
    "directory": "Gadgets",
    "colour": "#fafad2",
    "fields": {
        "name": {"type": "text", "required": True, "max_length": 100},
        "colour": {"type": "enum", "vocabulary": "shades", "facet": True},
        "regions": {"type": "enum", "vocabulary": "regions", "multiple": True, "facet": "area"},
        "maker": {"type": "username"},
    },
}


def _schema(extra: dict | None = None):
    schema_data = tomllib.loads((CONFIG_DIR / "schema.toml").read_text())
    vocab = tomllib.loads((CONFIG_DIR / "vocabularies.toml").read_text())
    vocab["shades"] = {"values": ["red", "green"], "synonyms": {"verde": "green"}}
    schema_data["gadget"] = extra or GADGET
    return parse_schema(schema_data, vocab)


SCHEMA = _schema()
KIND = SCHEMA.kind("gadget")
PAGES = PageSet(titles=directory_titles(SCHEMA, ROOT), base_lang="en", languages=["en", "es"])


def gadget(name: str, colour: str = "red", regions: str = "LAC", page: str = "") -> object:
    raw = {"name": name, "colour": colour, "regions": regions}
    return make_record(KIND, page or f"{ROOT}/Gadgets/{name}", raw, SCHEMA)


def test_its_template_and_templatedata_come_from_the_declaration() -> None:
    pages = template_pages(SCHEMA)
    assert "Template:Advocacy gadget" in pages and "Template:Advocacy gadget/doc" in pages
    source = pages["Template:Advocacy gadget"]
    assert "[[Category:Advocacy gadgets]]" in source and "#fafad2" in source
    doc = pages["Template:Advocacy gadget/doc"]
    data = json.loads(re.search(r"<templatedata>\s*(.*?)\s*</templatedata>", doc, re.S)[1])
    assert data["paramOrder"] == ["name", "colour", "regions", "maker"]
    assert data["params"]["name"]["required"] is True
    assert data["params"]["colour"]["suggestedvalues"] == ["red", "green"]
    assert data["params"]["maker"]["type"] == "wiki-user-name"


def test_its_directory_index_and_facet_pages_come_from_the_declaration() -> None:
    titles = directory_titles(SCHEMA, ROOT)
    assert {k: v for k, v in titles.items() if k.startswith("gadget")} == {
        "gadget": f"{ROOT}/Gadgets", "gadget-facets": f"{ROOT}/Gadgets/By"}
    records = [gadget("Zeta", "verde", "NWE"), gadget("Alpha"), gadget("Mid", "red", "LAC; SSA")]
    directory = Directory(SCHEMA, Messages("en"), PAGES, KIND)
    pages = directory.pages_of(records)
    keys = [(key, suffix) for key, suffix, _ in pages.values()]
    # facets first (the index links to them), by their declared names; the index last
    assert keys == [("gadget-facets", "colour"), ("gadget-facets", "area"), ("gadget", "")]
    index = pages["gadget|"][2]
    assert index.index("Alpha") < index.index("Mid") < index.index("Zeta")
    assert "3 entries" in index and f"[[:{ROOT}/Gadgets/By/area|" in index
    colour = pages["gadget-facets|colour"][2]
    assert "== green (1) ==" in colour and "== red (2) ==" in colour  # the synonym resolved
    area = pages["gadget-facets|area"][2]
    assert "(2)" in area and "Latin America" in area  # LAC's label, from the messages


def test_a_long_directory_is_split_like_the_case_index() -> None:
    records = [gadget(f"Gadget {i:04d}") for i in range(400)]
    pages = Directory(SCHEMA, Messages("en"), PAGES, KIND).index_pages(records, 20_000)
    assert len(pages) > 3 and all(len(t.encode()) <= 20_000 for t in pages.values())
    assert sum(t.count(f"[[:{ROOT}/Gadgets/Gadget ") for s, t in pages.items() if s) == 400


@settings(max_examples=40, deadline=None)
@given(st.lists(st.text(min_size=1, max_size=30).filter(str.strip), min_size=1, max_size=12,
                unique=True))
def test_every_record_is_listed_once_and_hostile_names_stay_text(names: list[str]) -> None:
    records = [gadget(n, page=f"{ROOT}/Gadgets/G{i}") for i, n in enumerate(names)]
    index = Directory(SCHEMA, Messages("es"), PAGES, KIND).index(records)
    for i in range(len(names)):
        assert index.count(f"[[:{ROOT}/Gadgets/G{i}|") == 1
    assert "{{" not in index.replace("{{PLURAL", "") and "[[Category:" not in index


@pytest.mark.parametrize(("change", "error"), [
    ({"columns": ["name", "nope"]}, "column 'nope'"),
    ({"layout": "poster"}, "layout"),
    ({"directoy": "Typo"}, "unknown keys"),
    ({"private_when": {"nope": "low"}}, "private_when"),
])
def test_a_kind_declared_wrong_is_a_schema_error(change: dict, error: str) -> None:
    with pytest.raises(SchemaError, match=error):
        _schema({**GADGET, **change})


def test_private_fields_need_a_rule_that_says_when() -> None:
    fields = {**GADGET["fields"], "maker": {"type": "username", "private": True}}
    with pytest.raises(SchemaError, match="private_when"):
        _schema({**GADGET, "fields": fields})


def test_the_partner_kind_is_declared_in_config_only() -> None:
    """No Python in bots/ names the partner kind: it exists because config/schema.toml
    declares it (its messages and demo data aside)."""
    root = CONFIG_DIR.parent / "bots"
    hits = [str(p) for p in root.rglob("*.py") if re.search(r"\bpartners?\b", p.read_text())]
    assert hits == [] and "partner" in _schema().kinds


# -- privacy and kinds unlike cases (review findings) ----------------------------------------

PRIVATE_GADGET = {**GADGET, "private_when": {"visibility": "low"},
                  "fields": {**GADGET["fields"],
                             "regions": {**GADGET["fields"]["regions"], "private": True},
                             "visibility": {"type": "enum", "vocabulary": "profile"}}}


def test_a_directory_never_shows_a_field_its_record_hides() -> None:
    schema = _schema(PRIVATE_GADGET)
    kind = schema.kind("gadget")
    shy = make_record(kind, f"{ROOT}/Gadgets/Shy", {"name": "Shy", "colour": "red",
                                                    "regions": "LAC", "visibility": "low"},
                      schema)
    bold = make_record(kind, f"{ROOT}/Gadgets/Bold", {"name": "Bold", "colour": "red",
                                                      "regions": "SSA"}, schema)
    directory = Directory(schema, Messages("en"), PAGES, kind)
    pages = directory.pages_of([shy, bold])
    everything = "\n".join(text for _, _, text in pages.values())
    assert "Sub-Saharan" in everything and "Latin America" not in everything
    assert "not shown" in pages["gadget|"][2]
    area = pages["gadget-facets|area"][2]
    assert "Shy" not in area and "Bold" in area  # grouped by a hidden field: not grouped
    assert "Shy" in pages["gadget-facets|colour"][2]


def test_an_unknown_value_of_the_privacy_field_hides_too() -> None:
    schema = _schema(PRIVATE_GADGET)
    kind = schema.kind("gadget")
    rec = make_record(kind, "P", {"name": "X", "regions": "LAC", "visibility": "secret"},
                      schema)
    assert rec.hides_private and not rec.shows("regions") and rec.shows("colour")
    open_ = make_record(kind, "P", {"name": "X", "regions": "LAC"}, schema)
    assert not open_.hides_private


def test_a_kind_with_start_and_end_but_no_status_renders() -> None:
    dated = {**GADGET, "columns": ["name", "start"],
             "fields": {**GADGET["fields"], "start": {"type": "date"},
                        "end": {"type": "date"}}}
    schema = _schema(dated)
    kind = schema.kind("gadget")
    rec = make_record(kind, "G", {"name": "G", "start": "2019", "end": "2021"}, schema)
    index = Directory(schema, Messages("en"), PAGES, kind).index([rec])
    assert "2019–2021" in index



SAMPLE = {"text": "x", "date": "2020", "datetime": "2020-01-01T10:00", "month": "2020-05",
          "username": "Ann", "page": "Advocacy Hub/P", "url": "https://example.org", "bool": "yes",
          "jurisdiction": "DE", "language": "de", "timezone": "UTC"}


@pytest.mark.parametrize("name", sorted(tomllib.loads((CONFIG_DIR / "schema.toml").read_text())))
def test_every_declared_kind_renders_as_a_directory(name: str) -> None:
    # At run time, not by literal: any field a renderer reads that this kind does not
    # declare raises UnknownField here (years() read a case's status for every kind).
    data = tomllib.loads((CONFIG_DIR / "schema.toml").read_text())
    vocab = tomllib.loads((CONFIG_DIR / "vocabularies.toml").read_text())
    spec = data[name]
    spec.setdefault("directory", "Test directory")
    spec["columns"] = list(spec["fields"])  # every field a column, so every cell renders
    schema = parse_schema(data, vocab)
    kind = schema.kind(name)
    raw = {f.name: (schema.vocabularies[f.vocabulary].values[0] if f.type == "enum"
                    else SAMPLE[f.type]) for f in kind.fields.values()}
    rec = make_record(kind, f"{ROOT}/Test directory/One", raw, schema)
    pages = PageSet(titles=directory_titles(schema, ROOT), base_lang="en",
                    languages=["en", "zh"])
    for lang in ("en", "zh"):
        out = Directory(schema, Messages(lang), pages, kind).pages_of([rec])
        assert len(out) == 1 + len(kind.facets)
