"""The committed wikitemplates/ files are what the schema generates, and their TemplateData is
complete (bots.core.wikitemplates, bots.jobs.templates)."""

from __future__ import annotations

import json
import re

import pytest

from bots.core.messages import available_languages
from bots.core.schema import load_schema
from bots.core.wikitemplates import file_name, template_pages
from bots.jobs.templates import build, stale_files
from bots.paths import TEMPLATES_DIR

SCHEMA = load_schema()
TEMPLATEDATA = re.compile(r"<templatedata>\s*(.*?)\s*</templatedata>", re.DOTALL)


def _templatedata(kind_name: str) -> dict:
    kind = SCHEMA.kinds[kind_name]
    path = TEMPLATES_DIR / file_name(f"Template:{kind.template}/doc")
    blocks = TEMPLATEDATA.findall(path.read_text(encoding="utf-8"))
    assert len(blocks) == 1, path
    return json.loads(blocks[0])


def test_committed_template_files_are_current() -> None:
    assert stale_files(SCHEMA) == []


def test_every_generated_page_has_a_committed_file() -> None:
    expected = {file_name(title) for title in template_pages(SCHEMA)}
    committed = {p.name for pattern in ("*.wikitext", "*.lua", "*.json")
                 for p in TEMPLATES_DIR.glob(pattern)}
    assert expected <= committed
    # The record marker, the Lua module and its Schema.json, Vocabularies.json and Places.json, a
    # template and its doc per kind, the newsletter status line, {{Advocacy cases}} with its doc,
    # and the front page's five preload pages in every language of the message files, and the
    # preload of an alert's "stop the urgent alerts" link.
    assert len(expected) == 5 + 2 * len(SCHEMA.kinds) + 1 + 2 + 5 * len(available_languages()) + 1
    assert committed == expected  # no stale file left behind


def test_stale_files_notices_a_changed_or_missing_file(tmp_path) -> None:
    build(SCHEMA, tmp_path)
    assert stale_files(SCHEMA, tmp_path) == []
    case_file = tmp_path / file_name("Template:Advocacy case")
    case_file.write_text(case_file.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    (tmp_path / file_name("Template:Advocate/doc")).unlink()
    assert sorted(stale_files(SCHEMA, tmp_path)) == [
        "Template:Advocacy case", "Template:Advocate/doc"]


@pytest.mark.parametrize("kind", sorted(SCHEMA.kinds))
def test_templatedata_lists_every_field_in_order(kind: str) -> None:
    td = _templatedata(kind)
    fields = list(SCHEMA.kinds[kind].fields)
    assert td["paramOrder"] == fields
    assert list(td["params"]) == fields


@pytest.mark.parametrize("kind", sorted(SCHEMA.kinds))
def test_templatedata_required_flags_match_the_schema(kind: str) -> None:
    td = _templatedata(kind)
    for fld in SCHEMA.kinds[kind].fields.values():
        param = td["params"][fld.name]
        assert param.get("required", False) is fld.required, fld.name
        if fld.required:
            assert "suggested" not in param, fld.name
        if fld.suggested and not fld.required:
            assert param.get("suggested") is True, fld.name


@pytest.mark.parametrize("kind", sorted(SCHEMA.kinds))
def test_templatedata_has_english_labels_and_descriptions(kind: str) -> None:
    td = _templatedata(kind)
    assert td["description"].get("en")
    for name, param in td["params"].items():
        assert isinstance(param["label"], dict) and param["label"].get("en"), name
        assert isinstance(param["description"], dict) and param["description"].get("en"), name


@pytest.mark.parametrize("kind", sorted(SCHEMA.kinds))
def test_templatedata_aliases_defaults_and_values_come_from_the_schema(kind: str) -> None:
    td = _templatedata(kind)
    allowed_types = {"string", "date", "wiki-user-name", "wiki-page-name", "url", "number",
                     "boolean", "line", "content", "unbalanced-wikitext", "wiki-file-name",
                     "wiki-template-name", "unknown"}
    for fld in SCHEMA.kinds[kind].fields.values():
        param = td["params"][fld.name]
        assert param["type"] in allowed_types, fld.name
        assert param.get("aliases", []) == list(fld.aliases), fld.name
        assert param.get("default") == fld.default, fld.name
        if fld.type == "enum" and not fld.multiple:
            assert param["suggestedvalues"] == list(
                SCHEMA.vocabularies[fld.vocabulary].values), fld.name


@pytest.mark.parametrize("kind", sorted(SCHEMA.kinds))
def test_template_reads_every_parameter_name(kind: str) -> None:
    rk = SCHEMA.kinds[kind]
    source = (TEMPLATES_DIR / file_name(f"Template:{rk.template}")).read_text(encoding="utf-8")
    for fld in rk.fields.values():
        for name in fld.param_names:
            assert f"{{{{{{{name}|" in source, (kind, name)
    # The marker only where the template is used: the template page itself is no record.
    assert "<includeonly>{{Advocacy record}}" in source
    assert source.count("{{Advocacy record}}") == 1
    assert f"[[Category:{rk.category}]]" in source
