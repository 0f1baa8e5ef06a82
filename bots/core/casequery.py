"""``{{Advocacy cases|topics=copyright|region=LAC|sort=start}}``: the query Module:Advocacy runs
on the compact case table (bots.core.casetable), written again here as the reference the tests
compare the module with. Keep the two in step (wikitemplates/Module_Advocacy.lua, ``p.cases``).

* Parameters are the case kind's facets by facet name (``topics``, ``region``, ``jurisdiction``,
  ``tactics``, ``status``, ``outcome``, ``year`` for ``start``); each a list separated by ``,`` or
  ``;``. A value is read as the bot reads it (a vocabulary value or synonym, any case, spaces or
  underscores as hyphens; a jurisdiction code, alias or country name; a year). A case matches
  when every parameter given matches one of its values; a value that means nothing matches no
  case.
* ``sort=`` a column (default the title), ``order=asc|desc``, ``limit=`` (50, at most 500).
  Sort keys: dates as ISO, the title and labels in the page's language lower-cased (ASCII only,
  as Lua's string.lower), ties by title then page; ``desc`` reverses the whole order.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from bots.core.places import Geography
from bots.core.schema import Field, RecordKind, Schema

DEFAULT_LIMIT = 50
MAX_LIMIT = 500
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_LIST = re.compile(r"[,;]")


def ascii_lower(text: str) -> str:
    return text.translate(_ASCII_LOWER)


def facet_params(kind: RecordKind) -> dict[str, Field]:
    """Query parameter -> field: the kind's facets by facet name."""
    return {fld.facet or fld.name: fld for fld in kind.facets}


@dataclass(frozen=True)
class Query:
    filters: dict[str, list[str]] = field(default_factory=dict)  # field name -> raw values
    sort: str = ""  # a column (field name); "" the label field
    descending: bool = False
    limit: int = DEFAULT_LIMIT


def parse_query(args: Mapping[str, str], kind: RecordKind) -> Query:
    params = facet_params(kind)
    filters: dict[str, list[str]] = {}
    for name, fld in params.items():
        raw = args.get(name, "")
        values = [v.strip() for v in _LIST.split(raw) if v.strip()]
        if values:
            filters[fld.name] = values
    sort = args.get("sort", "").strip().lower()
    sort = params[sort].name if sort in params else sort
    if sort not in kind.column_names:
        sort = kind.label_field
    raw_limit = args.get("limit", "").strip()
    # ASCII digits only, as the module reads it (int() would also take "+5", "1_0", "٣").
    limit = int(raw_limit) if re.fullmatch(r"[0-9]+", raw_limit) else DEFAULT_LIMIT
    return Query(filters=filters, sort=sort,
                 descending=args.get("order", "").strip().lower() == "desc",
                 limit=max(0, min(MAX_LIMIT, limit)))


def resolve(fld: Field, raw: str, schema: Schema, geo: Geography) -> str | None:
    """The value a query's ``raw`` stands for in field ``fld`` (None: no value)."""
    if fld.type == "enum":
        return schema.vocabularies[fld.vocabulary or ""].lookup(raw)
    if fld.type == "jurisdiction":
        return geo.normalise(raw)
    if fld.type == "date":  # the year facet
        return raw if re.fullmatch(r"\d{4}", raw) else None
    return raw


def _values(row: Mapping[str, Any], fld: Field) -> list[str]:
    value = row.get(fld.name)
    if fld.type == "date":
        return [value[:4]] if value else []
    if isinstance(value, list):
        return value
    return [value] if value else []


def sort_key(row: Mapping[str, Any], fld: Field, kind: RecordKind,
             labels: Mapping[str, Mapping[str, str]]) -> str:
    if fld.type in ("date", "datetime"):
        return row.get(fld.name) or ""
    if fld.name == kind.label_field:
        return ascii_lower(row.get(fld.name) or "")
    values = _values(row, fld)
    if not values:
        return ""
    return ascii_lower(labels.get(fld.name, {}).get(values[0], values[0]))


def run_query(rows: Sequence[Mapping[str, Any]], query: Query, schema: Schema, geo: Geography,
              labels: Mapping[str, Mapping[str, str]] | None = None,
              ) -> tuple[list[Mapping[str, Any]], int]:
    """The rows shown (sorted, at most the limit) and how many match in all. ``labels``: the
    value labels of the page's language (field -> value -> label), which label sorts use."""
    kind = schema.kind("case")
    wanted = {name: {v for raw in values
                     if (v := resolve(kind.field(name), raw, schema, geo)) is not None}
              for name, values in query.filters.items()}
    matches = [row for row in rows
               if all(set(_values(row, kind.field(name))) & want
                      for name, want in wanted.items())]
    sort_fld = kind.field(query.sort)
    title = kind.label_field
    matches.sort(key=lambda r: (sort_key(r, sort_fld, kind, labels or {}),
                                ascii_lower(r.get(title) or ""), r.get("page") or ""))
    if query.descending:
        matches.reverse()
    return matches[:query.limit], len(matches)
