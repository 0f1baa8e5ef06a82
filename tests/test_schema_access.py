"""Record fields and kinds are reached only by names config/schema.toml declares.

At run time :meth:`Record.value` and :meth:`RecordKind.field` raise on an undeclared name; this
test walks the code (ast) so that a misspelt literal fails before it ever runs.
"""

from __future__ import annotations

import ast
import difflib
from pathlib import Path

import pytest

from bots.core.records import Record
from bots.core.schema import load_schema, parse_schema
from bots.errors import UnknownField, UnknownKind

REPO = Path(__file__).resolve().parent.parent
SCHEMA = load_schema()
FIELDS = {name for kind in SCHEMA.kinds.values() for name in kind.fields}
KINDS = {*SCHEMA.kinds, "page"}  # "page": a page-level problem, no fields
# Dictionaries (API answers, parsed templates, profile sections) that happen to have keys
# named like fields: their .get is not a record's.
DICT_RECEIVERS = {"c", "change", "data", "tpl", "item", "self.wiki", "data['wiki']", "fields",
                  "raw", "spec", "e", "entry", "info", "answers", "params", "rc", "row", "meta",
                  "page", "result", "state", "cfg", "parts",
                  "was"}  # was: a case as the last issue saw it (a dict of the baseline)
ACCESSORS = {"value", "values", "field"}


def _literal(node: ast.AST) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _near_field(name: str) -> bool:
    return name in FIELDS or bool(difflib.get_close_matches(name, FIELDS, n=1, cutoff=0.8))


def findings(source: str, where: str = "<snippet>") -> list[str]:
    """Every field or kind literal in ``source`` that the schema does not declare, or that
    reaches a record other than through its checked accessors."""
    out = []
    for node in ast.walk(ast.parse(source)):
        at = f"{where}:{getattr(node, 'lineno', 0)}"
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.args:
            attr, lit = node.func.attr, _literal(node.args[0])
            receiver = ast.unparse(node.func.value)
            if lit is None:
                continue
            if attr in ACCESSORS and len(node.args) == 1 and lit not in FIELDS:
                out.append(f"{at}: .{attr}({lit!r}): no kind declares this field")
            elif attr == "kind" and lit not in KINDS:
                out.append(f"{at}: .kind({lit!r}): the schema declares no such kind")
            elif (attr in ("get", "get_list") and len(node.args) == 1
                  and receiver not in DICT_RECEIVERS and _near_field(lit)):
                out.append(f"{at}: {receiver}.{attr}({lit!r}): read a record with .value/.values")
        elif isinstance(node, ast.Subscript) and isinstance(node.value, ast.Attribute | ast.Name):
            lit = _literal(node.slice)
            name = node.value.attr if isinstance(node.value, ast.Attribute) else node.value.id
            if lit is not None and name in ("fields", "kinds") and (
                    isinstance(node.value, ast.Attribute) or lit in KINDS | FIELDS):
                out.append(f"{at}: {name}[{lit!r}]: use .field()/.kind(), which check the "
                           "name")
        elif isinstance(node, ast.Compare) and len(node.ops) == 1:
            left, right = node.left, node.comparators[0]
            if isinstance(left, ast.Attribute) and left.attr == "kind":
                lit = _literal(right)
                if lit is not None and lit not in KINDS:
                    out.append(f"{at}: .kind == {lit!r}: the schema declares no such kind")
    return out


def _sources() -> list[Path]:
    return sorted((REPO / "bots").rglob("*.py"))


def test_the_code_names_only_declared_fields_and_kinds() -> None:
    problems = [f for path in _sources()
                for f in findings(path.read_text(), str(path.relative_to(REPO)))]
    assert problems == []


@pytest.mark.parametrize("stray", [
    'r.get("topicz")',            # the old accessor, misspelt
    'r.get("topics")',            # the old accessor: returned "" for any name
    'rec.value("topicz")',
    'case.values("jurisdictons")',
    'kind.fields["jurisdiction"]',
    'schema.kinds["case"]',
    'kinds["case"]',
    'schema.kind("cases")',
    'r.kind == "advocat"',
])
def test_the_walk_fails_on_a_stray_literal(stray: str) -> None:
    # The check above can fail: each of these, added anywhere in bots/, would be reported.
    assert findings(f"def f(r, rec, case, kind, schema):\n    return {stray}\n")


def test_the_walk_passes_declared_names_and_plain_dicts() -> None:
    ok = ('r.value("topics")\ncase.values("jurisdiction")\nschema.kind("case")\n'
          'r.kind == "advocate"\nchange.get("title")\ndata.get("version")\n')
    assert findings(ok) == []


def test_an_undeclared_field_raises_at_run_time() -> None:
    rec = Record(kind="case", page="P", fields={"title": "T"})
    assert rec.value("title") == "T"
    assert rec.value("lessons") == "" and rec.values("sources") == []  # declared, empty
    with pytest.raises(UnknownField, match="topicz"):
        rec.value("topicz")
    with pytest.raises(UnknownField):
        rec.values("topicz")
    with pytest.raises(UnknownField):
        SCHEMA.kind("case").field("topicz")
    with pytest.raises(UnknownKind, match="cases"):
        SCHEMA.kind("cases")


def test_a_kind_declared_by_another_schema_is_checked_by_its_own_fields() -> None:
    schema = parse_schema(
        {"widget": {"template": "Widget", "category": "Widgets", "label_field": "name",
                    "fields": {"name": {"type": "text", "required": True}}}}, {})
    rec = Record(kind="widget", page="W", fields={})
    assert rec.value("name") == "" and schema.kind("widget").field("name").required
    with pytest.raises(UnknownField):
        rec.value("title")
