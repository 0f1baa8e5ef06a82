"""Reading record templates out of wikitext with mwparserfromhell."""

from __future__ import annotations

import contextlib
import re

import mwparserfromhell
from mwparserfromhell.nodes import Comment, Tag, Template

from bots.core.normalise import make_record
from bots.core.records import Problem, Record
from bots.core.schema import RecordKind, Schema, param_key


def _plain(wikicode: mwparserfromhell.wikicode.Wikicode) -> str:
    """A parameter's value without HTML comments (editors comment out parts of values)."""
    text = str(wikicode)
    if "<!--" not in text:
        return text.strip()
    for comment in wikicode.filter(forcetype=Comment, recursive=True):
        with contextlib.suppress(ValueError):  # already gone with an enclosing node
            wikicode.remove(comment)
    return str(wikicode).strip()


def parse_template(tpl: Template, kind: RecordKind, page: str) -> tuple[dict[str, str],
                                                                        list[Problem]]:
    """The raw field values of one template call, and problems with its parameters.

    Reads what the template shows: the same parameter given twice, MediaWiki keeps the last;
    a field given under its name and an alias, the template shows the first non-empty name in
    the schema's order (``{{{user|{{{username|}}}}}}``).
    """
    given: dict[str, dict[str, str]] = {}  # field -> {param name as written: value}
    problems: list[Problem] = []
    for param in tpl.params:
        name = _plain(param.name)
        value = _plain(param.value)
        if not param.showkey:
            if value:
                problems.append(Problem(page, kind.name, name, "positional", value[:200]))
            continue
        fld = kind.field_for_param(name)
        if fld is None:
            if value or name:
                problems.append(Problem(page, kind.name, name, "unknown-field", value[:200],
                                        tuple(kind.suggest_param(name))))
            continue
        names = given.setdefault(fld.name, {})
        key = param_key(name)
        if key in names and value and names[key] and names[key] != value:
            problems.append(Problem(page, kind.name, fld.name, "duplicate-field", value[:200],
                                    (names[key],), "warning"))
        names[key] = value
    raw: dict[str, str] = {}
    for field_name, names in given.items():
        fld = kind.field(field_name)
        shown = [names[param_key(n)] for n in fld.param_names
                 if names.get(param_key(n))]
        raw[field_name] = shown[0] if shown else ""
        if len(shown) > 1 and len(set(shown)) > 1:
            problems.append(Problem(page, kind.name, field_name, "duplicate-field", shown[0][:200],
                                    tuple(shown[1:2]), "warning"))
    return raw, problems


# A template call inside these is shown as text, or not shown on the page itself: not a record.
_INERT_TAGS = frozenset({"pre", "nowiki", "syntaxhighlight", "source", "includeonly", "math",
                         "score", "templatedata"})


_INERT_OPENING = re.compile(r"<\s*(?:" + "|".join(sorted(_INERT_TAGS)) + r")\b", re.IGNORECASE)


def _is_inert(code: mwparserfromhell.wikicode.Wikicode, tpl: Template) -> bool:
    return any(isinstance(node, Tag) and str(node.tag).strip().lower() in _INERT_TAGS
               for node in code.get_ancestors(tpl))


def shown_templates(text: str) -> list[tuple[Template, str]]:
    """Every template call on a page that MediaWiki shows (nested in tags or other
    templates too; not inside <nowiki>, <pre> and the like), with its name as written."""
    code = mwparserfromhell.parse(text)
    may_be_inert = _INERT_OPENING.search(text) is not None  # most pages have none of them
    return [(tpl, _plain(tpl.name)) for tpl in code.filter_templates(recursive=True)
            if not (may_be_inert and _is_inert(code, tpl))]


def find_records(text: str, page: str, schema: Schema, *, revid: int = 0,
                 timestamp: str = "") -> list[Record]:
    """Every record template on a page, whatever the spelling of its name."""
    records: list[Record] = []
    counts: dict[str, int] = {}
    for tpl, name in shown_templates(text):
        kind = schema.kind_for_template(name)
        if kind is None:
            continue
        raw, problems = parse_template(tpl, kind, page)
        index = counts.get(kind.name, 0)
        counts[kind.name] = index + 1
        records.append(make_record(kind, page, raw, schema, index=index, revid=revid,
                                   timestamp=timestamp, extra_problems=problems))
    return records


def build_template(template: str, fields: dict[str, str | list[str]]) -> str:
    """Wikitext of one template call, one parameter per line (how editors and the demo write
    them). A "|" inside a value is written as {{!}} so it cannot start a new parameter."""
    lines = [f"{{{{{template}"]
    for name, value in fields.items():
        text = "; ".join(value) if isinstance(value, list) else str(value)
        lines.append(f"| {name} = {text.replace('|', '{{!}}')}")
    return "\n".join([*lines, "}}"])
