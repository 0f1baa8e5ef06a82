"""The schema (config/schema.toml + config/vocabularies.toml): loading, template names, aliases."""

from __future__ import annotations

import tomllib

import pytest

from bots.core.schema import FIELD_TYPES, load_schema, param_key, parse_schema, template_key
from bots.paths import CONFIG_DIR

SCHEMA = load_schema()


def _raw_config() -> tuple[dict, dict]:
    with open(CONFIG_DIR / "schema.toml", "rb") as fh:
        schema_data = tomllib.load(fh)
    with open(CONFIG_DIR / "vocabularies.toml", "rb") as fh:
        vocab_data = tomllib.load(fh)
    return schema_data, vocab_data


def test_schema_declares_the_record_kinds_of_the_brief_and_partners() -> None:
    assert {k: v.template for k, v in SCHEMA.kinds.items()} == {
        "case": "Advocacy case",
        "advocate": "Advocate",
        "event": "Advocacy event",
        "resource": "Advocacy resource",
        "subscription": "Advocacy subscriber",
        "partner": "Advocacy partner",
    }


def test_case_fields_follow_the_brief() -> None:
    case = SCHEMA.kinds["case"]
    expected = ["title", "summary", "jurisdiction", "region", "topics", "tactics", "actors",
                "contacts", "start", "end", "status", "outcome", "lessons", "sources",
                "related", "help_wanted", "partners", "alert", "featured", "sensitive"]
    assert list(case.fields) == expected
    assert case.fields["jurisdiction"].multiple
    assert case.fields["region"].derive == "jurisdiction"
    assert case.fields["outcome"].default == "unknown"
    assert {f.name for f in case.fields.values() if f.required} == {
        "title", "summary", "jurisdiction", "topics", "start", "status"}


@pytest.mark.parametrize("kind", sorted(SCHEMA.kinds))
def test_every_enum_field_has_an_existing_vocabulary(kind: str) -> None:
    for fld in SCHEMA.kinds[kind].fields.values():
        assert fld.type in FIELD_TYPES, (kind, fld.name, fld.type)
        if fld.type == "enum":
            assert fld.vocabulary in SCHEMA.vocabularies, (kind, fld.name, fld.vocabulary)
            assert SCHEMA.vocabularies[fld.vocabulary].values, (kind, fld.name)
        else:
            assert fld.vocabulary is None, (kind, fld.name)


@pytest.mark.parametrize("kind", sorted(SCHEMA.kinds))
def test_label_field_and_derive_sources_are_fields(kind: str) -> None:
    rk = SCHEMA.kinds[kind]
    assert rk.label_field in rk.fields
    for fld in rk.fields.values():
        if fld.derive:
            assert fld.derive in rk.fields
            assert rk.fields[fld.derive].type == "jurisdiction"


@pytest.mark.parametrize("kind", sorted(SCHEMA.kinds))
def test_no_parameter_name_fills_two_fields(kind: str) -> None:
    owner: dict[str, str] = {}
    for fld in SCHEMA.kinds[kind].fields.values():
        for name in fld.param_names:
            key = param_key(name)
            assert owner.setdefault(key, fld.name) == fld.name, (kind, name)


def test_defaults_are_valid_vocabulary_values() -> None:
    for kind in SCHEMA.kinds.values():
        for fld in kind.fields.values():
            if fld.type == "enum" and fld.default is not None:
                assert fld.default in SCHEMA.vocabularies[fld.vocabulary].values, fld


def test_unknown_vocabulary_is_rejected_when_loading() -> None:
    schema_data, vocab_data = _raw_config()
    schema_data["case"]["fields"]["status"]["vocabulary"] = "no-such-vocabulary"
    with pytest.raises(ValueError, match="no-such-vocabulary"):
        parse_schema(schema_data, vocab_data)


def test_unknown_field_type_and_key_are_rejected_when_loading() -> None:
    schema_data, vocab_data = _raw_config()
    schema_data["case"]["fields"]["title"]["type"] = "string"
    with pytest.raises(ValueError, match="unknown type"):
        parse_schema(schema_data, vocab_data)
    schema_data, vocab_data = _raw_config()
    schema_data["case"]["fields"]["title"]["requried"] = True
    with pytest.raises(ValueError, match="unknown keys"):
        parse_schema(schema_data, vocab_data)


def test_synonym_pointing_nowhere_is_rejected_when_loading() -> None:
    schema_data, vocab_data = _raw_config()
    vocab_data["topics"]["synonyms"]["fop"] = "freedom-of-panoramas"
    with pytest.raises(ValueError, match="freedom-of-panoramas"):
        parse_schema(schema_data, vocab_data)


@pytest.mark.parametrize("name", [
    "template:advocacy_case",
    "Advocacy  case",
    "advocacy case",
    "Template: Advocacy_case",
    "TEMPLATE:Advocacy case",
    " Advocacy_case\n",
])
def test_template_name_spellings_find_the_case_kind(name: str) -> None:
    kind = SCHEMA.kind_for_template(name)
    assert kind is not None and kind.name == "case"


@pytest.mark.parametrize("name", [
    "Advocacy cases",
    "Advocacy case/doc",
    "Advocacycase",
    "User:Advocacy case",
    "subst:Advocacy case",
    "aDvocacy case",  # only the first letter is case-insensitive in MediaWiki
])
def test_other_names_are_not_the_case_template(name: str) -> None:
    assert SCHEMA.kind_for_template(name) is None


def test_template_key_canonical_form() -> None:
    assert template_key("template:advocacy_case ") == "Advocacy case"
    assert template_key("advocate") == "Advocate"


@pytest.mark.parametrize(("kind", "param", "field"), [
    ("case", "Help wanted", "help_wanted"),
    ("case", "help-wanted", "help_wanted"),
    ("case", "helpwanted", "help_wanted"),
    ("case", "jurisdictions", "jurisdiction"),
    ("case", "Country", "jurisdiction"),
    ("case", " countries ", "jurisdiction"),
    ("case", "lessons learned", "lessons"),
    ("case", "Lessons_Learned", "lessons"),
    ("case", "start date", "start"),
    ("case", "result", "outcome"),
    ("case", "TITLE", "title"),
    ("advocate", "Country", "jurisdictions"),
    ("advocate", "jurisdiction", "jurisdictions"),
    ("advocate", "region", "regions"),
    ("event", "organizer", "organiser"),
    ("event", "tz", "timezone"),
    ("resource", "type", "kind"),
    ("subscription", "lang", "language"),
])
def test_param_aliases_map_to_the_right_field(kind: str, param: str, field: str) -> None:
    fld = SCHEMA.kinds[kind].field_for_param(param)
    assert fld is not None and fld.name == field


@pytest.mark.parametrize(("kind", "param"), [
    ("case", "jurisdicton"),
    ("case", "help"),
    ("case", "wanted"),
    ("case", "1"),
    ("advocate", "title"),
])
def test_unknown_params_fill_no_field(kind: str, param: str) -> None:
    assert SCHEMA.kinds[kind].field_for_param(param) is None


def test_param_key() -> None:
    assert param_key(" Help  wanted ") == "help_wanted"
    assert param_key("help-wanted") == "help_wanted"


def test_columns_and_facets_come_from_the_schema() -> None:
    case = SCHEMA.kinds["case"]
    assert [f.name for f in case.columns] == ["title", "jurisdiction", "region", "topics",
                                              "tactics", "start", "status", "outcome"]
    facets = {f.name: f.facet for f in case.facets}
    assert facets["start"] == "year"
    assert facets["topics"] == "topics"
    assert "summary" not in facets
