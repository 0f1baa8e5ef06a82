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
* ``section=`` a facet: the matching cases grouped by its values (a case of several values in
  each of their groups), groups by label (years in order), cases without a value last; each
  group shows at most ``limit`` cases. ``columns=`` the columns shown, by field or facet name
  (the title always first).
* What the query cannot use is a problem (``query_problems``): an unknown parameter, a value
  that means nothing (with the "did you mean" the bot gives for the same field), a limit that is
  not a whole number, a ``sort``/``section``/``columns``/``order`` it does not know. The module
  shows each as a warning on the page and puts it in a tracking category; the query still runs
  with what it understood.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from bots.core.places import Geography
from bots.core.schema import Field, RecordKind, Schema
from bots.core.vocab import suggest

DEFAULT_LIMIT = 50
MAX_LIMIT = 500
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_LIST = re.compile(r"[,;]")
OPTIONS = ("sort", "order", "limit", "lang", "section", "columns")


def ascii_lower(text: str) -> str:
    return text.translate(_ASCII_LOWER)


def facet_params(kind: RecordKind) -> dict[str, Field]:
    """Query parameter -> field: the kind's facets by facet name."""
    return {fld.facet or fld.name: fld for fld in kind.facets}


def _items(raw: str) -> list[str]:
    return [v.strip() for v in _LIST.split(raw) if v.strip()]


def _column(name: str, kind: RecordKind, allowed: Sequence[str]) -> str | None:
    """The field a ``sort``/``section``/``columns`` item names (a field or a facet name, any
    case), when it is one of ``allowed``."""
    key = name.strip().lower()
    params = facet_params(kind)
    key = params[key].name if key in params else key
    return key if key in allowed else None


def shown_columns(raw: str, kind: RecordKind, available: Sequence[str]) -> list[str]:
    """``columns=``: the columns it names that the table has, the title first; the index's
    columns when it names none."""
    cols = [c for item in _items(raw) if (c := _column(item, kind, available))]
    if not cols:
        return list(kind.column_names)
    label = kind.label_field
    return [label, *dict.fromkeys(c for c in cols if c != label)]


@dataclass(frozen=True)
class Query:
    filters: dict[str, list[str]] = field(default_factory=dict)  # field name -> raw values
    sort: str = ""  # a column (field name); "" the label field
    descending: bool = False
    limit: int = DEFAULT_LIMIT
    section: str = ""  # a facet's field name: the cases grouped by its values


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
    section = _column(args.get("section", ""), kind, [f.name for f in params.values()]) or ""
    return Query(filters=filters, sort=sort,
                 descending=args.get("order", "").strip().lower() == "desc",
                 limit=max(0, min(MAX_LIMIT, limit)), section=section)


@dataclass(frozen=True)
class Problem:
    """What a query cannot use: ``code`` (``unknown-param``, ``unknown-value``, ``bad-limit``,
    ``unknown-column``, ``bad-order``), the parameter, the value, the "did you mean"."""
    code: str
    param: str
    value: str
    suggestions: tuple[str, ...] = ()


def query_problems(args: Mapping[str, str], schema: Schema, geo: Geography,
                   available: Sequence[str] = ()) -> list[Problem]:
    """The problems of ``args``, in the order the module lists them: parameters by name, then
    each parameter's values in the order given. ``available``: the table's columns
    (``columns=`` may name any of them; the index's columns by default)."""
    kind = schema.kind("case")
    params = facet_params(kind)
    known = [*params, *OPTIONS]
    columns = [c for c in (available or kind.column_names) if c != "page"]
    out: list[Problem] = []
    for name in sorted(args, key=str):
        raw = args[name].strip()
        if name in params:
            fld = params[name]
            for item in _items(raw):
                if resolve(fld, item, schema, geo) is None:
                    if fld.type == "enum":
                        hints = schema.vocabularies[fld.vocabulary or ""].suggest(item)
                    elif fld.type == "jurisdiction":
                        hints = geo.suggest(item)
                    else:
                        hints = []
                    out.append(Problem("unknown-value", name, item, tuple(hints)))
        elif name == "limit":
            if raw and not re.fullmatch(r"[0-9]+", raw):
                out.append(Problem("bad-limit", name, raw))
        elif name == "order":
            if raw and raw.lower() not in ("asc", "desc"):
                out.append(Problem("bad-order", name, raw, ("asc", "desc")))
        elif name in ("sort", "section", "columns"):
            allowed = {"sort": kind.column_names, "section": [f.name for f in params.values()],
                       "columns": columns}[name]
            pool = [*allowed, *(p for p, f in params.items() if f.name in allowed and p != f.name)]
            for item in (_items(raw) if name == "columns" else [raw] if raw else []):
                if _column(item, kind, allowed) is None:
                    out.append(Problem("unknown-column", name, item, tuple(suggest(item, pool))))
        elif name != "lang" and (raw or not str(name).isdigit()):  # a blank positional is none
            out.append(Problem("unknown-param", str(name), raw, tuple(suggest(str(name), known))))
    return out


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


def matching(rows: Sequence[Mapping[str, Any]], query: Query, schema: Schema, geo: Geography,
             labels: Mapping[str, Mapping[str, str]] | None = None,
             ) -> list[Mapping[str, Any]]:
    """Every row that matches, in the query's order."""
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
    return matches


def run_query(rows: Sequence[Mapping[str, Any]], query: Query, schema: Schema, geo: Geography,
              labels: Mapping[str, Mapping[str, str]] | None = None,
              ) -> tuple[list[Mapping[str, Any]], int]:
    """The rows shown (sorted, at most the limit) and how many match in all. ``labels``: the
    value labels of the page's language (field -> value -> label), which label sorts use."""
    matches = matching(rows, query, schema, geo, labels)
    return matches[:query.limit], len(matches)


def sections(rows: Sequence[Mapping[str, Any]], query: Query, schema: Schema,
             labels: Mapping[str, Mapping[str, str]] | None = None,
             ) -> list[tuple[str, list[Mapping[str, Any]], int]]:
    """``section=``: (value, the rows shown, how many) per group of ``rows`` (the query's
    matches, in their order), by label (years in order), "" (no value) last."""
    fld = schema.kind("case").field(query.section)
    groups: dict[str, list[Mapping[str, Any]]] = {}
    for row in rows:
        for value in dict.fromkeys(_values(row, fld)) or [""]:
            groups.setdefault(value, []).append(row)
    names = (labels or {}).get(fld.name, {})

    def key(value: str) -> tuple[int, str, str]:
        return (value == "", ascii_lower(names.get(value, value)), value)

    return [(v, groups[v][:query.limit], len(groups[v])) for v in sorted(groups, key=key)]
