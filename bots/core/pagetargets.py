"""Where a page field's value points (pure): a case's `related`, and every page field whose
schema names the kind of its pages (`target`). A bare name is the page of that name under its
kind's prefix (a case's name is its page under the cases prefix); a full title is itself.
Module:Advocacy's `links` follows the same rule, so the box's links and the maintenance
report agree."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from bots.core.records import Problem, Record
from bots.core.schema import Schema


def page_prefixes(cases_prefix: str, root: str, schema: Schema) -> dict[str, str]:
    """kind -> where its pages are: cases under the cases prefix, a directory's kind under
    its directory below the hub's ``root``."""
    out = {"case": cases_prefix}
    out.update({k.name: f"{root}/{k.directory}/" for k in schema.kinds.values()
                if k.directory})
    return out


def page_target(value: str, prefix: str, main_namespace: bool) -> str:
    """The title ``value`` names: ``prefix + value`` for a bare name (no namespace, no
    "/"), else ``value`` itself."""
    if prefix and main_namespace and "/" not in value and not value.startswith(prefix):
        return prefix + value
    return value


def targets(schema: Schema, records: Iterable[Record], prefixes: Mapping[str, str],
            main_namespace: Callable[[str], bool]) -> dict[str, list[tuple[Record, str, str]]]:
    """title -> the (record, field, value as written) that name it, for every page field
    that declares the kind of its pages."""
    out: dict[str, list[tuple[Record, str, str]]] = {}
    for rec in records:
        kind = schema.kinds.get(rec.kind)
        if kind is None:
            continue
        for fld in kind.fields.values():
            if fld.type != "page" or not fld.target:
                continue
            prefix = prefixes.get(fld.target, "")
            for value in rec.values(fld.name):
                title = page_target(value, prefix, main_namespace(value))
                out.setdefault(title, []).append((rec, fld.name, value))
    return out


def missing_targets(found: Mapping[str, list[tuple[Record, str, str]]],
                    exists: Callable[[str], bool]) -> list[Problem]:
    """A problem for every value naming a page that does not exist."""
    return [Problem(rec.page, rec.kind, name, "missing-page", value)
            for title, uses in sorted(found.items()) if not exists(title)
            for rec, name, value in uses]
