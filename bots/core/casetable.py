"""The compact case table Module:Advocacy reads for ``{{Advocacy cases}}`` (issue 15).

Only what the module filters and shows: for each case its page and the case kind's index
columns (and ``end``, which the index's years cell needs, and the fields naming other cases,
``related``, which a case page reads backwards as "Cited by"), values as the snapshot holds them,
each row one string (``row_text``: fields separated by a tab, the items of a field of several
values by a new line, runs of white space in a value as one space);
and, per configured language, the labels the module shows (column headers, vocabulary labels,
jurisdiction names from CLDR as the index shows them, the count line), so the module renders
in the page's language without the bot's message files.

Kept like the snapshot (bots.core.snapshot), and written when it is: the parts (``rows``
tables, each within the page budget as MediaWiki stores it) hold the cases as of the snapshot's
shards, written with them (only the parts whose SHA-1 changed); the head holds the labels, the
parts' titles and a ``delta``: for every page changed since, its cases' rows (an empty list: it
has none any more), which replace the parts' rows of that page. An incremental harvest writes
the head alone. The module loads each page with ``mw.loadJsonData``.

A row is a string, not a list, because of what ``mw.loadJsonData`` costs in Lua: every table it
returns is wrapped, when first read, in a read-only proxy with its own metatable and closures
(several hundred bytes each). Rows as lists of lists made 10,000 cases about 40,000 tables, and
LuaStandalone's 50 MB ran out; as strings, a part is one table, and the module splits only the
rows it reads, which the garbage collector takes back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bots.core.messages import Messages
from bots.core.pagetargets import page_target
from bots.core.records import Record
from bots.core.render.cells import CellRenderer
from bots.core.schema import RecordKind, Schema
from bots.core.snapshot import _dumps, sha1, stored_size

VERSION = 3  # 3: the fields that name other cases (related)
FIELD_SEPARATOR = "\t"
ITEM_SEPARATOR = "\n"
KIND = "case"
COUNT_MESSAGE = "advocacyhub-cases-query-count"
SHOWN_MESSAGE = "advocacyhub-cases-query-shown"
DESCRIPTION = ("Advocacy Hub cases for Module:Advocacy ({{Advocacy cases}}), written by the "
               "bot's harvest. Each row of a part is one string: the values of 'columns' "
               "separated by a tab, the items of a field of several values by a new line.")


def citing_fields(kind: RecordKind) -> list[str]:
    """The fields by which a case names other cases (a page field whose ``target`` is the
    case kind: ``related``): the module reads them backwards to show "Cited by"."""
    return [f.name for f in kind.fields.values() if f.type == "page" and f.target == kind.name]


def table_columns(kind: RecordKind) -> list[str]:
    """The page, the index's columns, the facets that are not columns (the module filters on
    every facet, as casequery does), the end date a years cell needs and the fields that
    name other cases (a case page shows the cases that cite it)."""
    extra = [f.name for f in kind.facets]
    extra += ["end"] if "start" in kind.column_names and "end" in kind.fields else []
    extra += citing_fields(kind)
    out = ["page", *kind.column_names]
    return out + [c for c in dict.fromkeys(extra) if c not in out]


def _flat(text: str) -> str:
    """A value with no separator in it: white space (tabs and new lines too) as one space, as
    a table cell shows it anyway."""
    return " ".join(text.split())


def _row(kind: RecordKind, rec: Record, columns: Sequence[str]) -> str:
    cells: list[str] = []
    for name in columns:
        if name == "page":
            cells.append(_flat(rec.page))
        elif kind.field(name).multiple:
            cells.append(ITEM_SEPARATOR.join(_flat(v) for v in rec.values(name)))
        else:
            cells.append(_flat(rec.value(name)))
    return FIELD_SEPARATOR.join(cells)


def row_values(row: str, kind: RecordKind, columns: Sequence[str]) -> list[Any]:
    """A row read back: a value per column (a list for a field of several values)."""
    cells = row.split(FIELD_SEPARATOR)
    if len(cells) != len(columns):
        raise ValueError(f"a case table row has {len(cells)} values for {len(columns)} columns")
    out: list[Any] = []
    for name, cell in zip(columns, cells, strict=True):
        several = name != "page" and kind.field(name).multiple
        out.append((cell.split(ITEM_SEPARATOR) if cell else []) if several else cell)
    return out


def case_rows(records: Sequence[Record], schema: Schema) -> tuple[list[str], list[str]]:
    """The columns, and one row per case, in the index's order (by title, then page)."""
    kind = schema.kind(KIND)
    columns = table_columns(kind)
    cases = sorted((r for r in records if r.kind == KIND),
                   key=lambda r: (r.label.lower(), r.page))
    return columns, [_row(kind, r, columns) for r in cases]


def delta_rows(delta: Mapping[str, Sequence[Record]], schema: Schema) -> dict[str, list[str]]:
    """page -> the rows of its cases now (the snapshot head's delta, cases only)."""
    kind = schema.kind(KIND)
    columns = table_columns(kind)
    return {page: [_row(kind, r, columns) for r in recs if r.kind == KIND]
            for page, recs in sorted(delta.items())}


def _labelled(kind: RecordKind, name: str) -> bool:
    return name != "page" and kind.field(name).type in ("enum", "jurisdiction", "language", "bool")


def used_values(schema: Schema, columns: Sequence[str], rows: Iterable[str],
                ) -> dict[str, set[str]]:
    """field -> the values ``rows`` hold, for the fields whose values have labels."""
    kind = schema.kind(KIND)
    used: dict[str, set[str]] = {n: set() for n in columns if _labelled(kind, n)}
    for text in rows:
        row = row_values(text, kind, columns)
        for i, name in enumerate(columns):
            if name in used:
                used[name].update(v for v in (row[i] if isinstance(row[i], list) else [row[i]])
                                  if v)
    return used


def labels(schema: Schema, columns: Sequence[str], lang: str,
           used: Mapping[str, Iterable[str]],
           messages: Callable[[str], Messages] = Messages) -> dict[str, Any]:
    """Column headers, the labels of the ``used`` values, the count line: in ``lang``
    (``messages``: the job's, with the wiki's translations and vocabulary labels)."""
    kind = schema.kind(KIND)
    msgs = messages(lang)
    cells = CellRenderer(schema, msgs)
    headers = {name: msgs.field_label(name) for name in columns if name != "page"}
    values = {name: {v: cells.value_label(kind.field(name), v) for v in sorted(vals)}
              for name, vals in used.items()}
    return {"headers": headers, "values": values, "count": msgs.raw(COUNT_MESSAGE),
            "shown": msgs.raw(SHOWN_MESSAGE)}


@dataclass(frozen=True)
class CaseTable:
    head: dict[str, Any]  # without the parts' titles (the job names them)
    parts: list[str]  # each part's JSON text

    @property
    def hashes(self) -> list[str]:
        return [sha1(p) for p in self.parts]

    def head_json(self, titles: Sequence[str], hashes: Sequence[str] | None = None,
                  delta: Mapping[str, list[str]] | None = None,
                  shards: Sequence[str] = ()) -> str:
        """The head naming ``titles`` (with their ``hashes``: this table's own by default),
        the rows of pages changed since they were written, and the SHA-1s of the snapshot
        shards the parts were built from (``shards``)."""
        return _dumps({**self.head, "parts": list(titles),
                       "sha1": list(self.hashes if hashes is None else hashes),
                       "delta": dict(delta or {}), "shards": list(shards)})


def case_table(records: Sequence[Record], schema: Schema, langs: Sequence[str],
               max_bytes: int, also: Mapping[str, Iterable[str]] | None = None,
               messages: Callable[[str], Messages] = Messages) -> CaseTable:
    """The table of the cases among ``records``, labelled for their values and ``also``
    (field -> values: those of rows kept elsewhere, as an incremental run's delta)."""
    columns, rows = case_rows(records, schema)
    used = used_values(schema, columns, rows)
    for name, values in (also or {}).items():
        used.setdefault(name, set()).update(values)
    head = {"version": VERSION, "description": DESCRIPTION, "columns": columns,
            "labels": {lang: labels(schema, columns, lang, used, messages)
                       for lang in langs}}
    empty = stored_size({"rows": []})
    parts: list[list[str]] = [[]]
    size = empty
    for row in rows:
        length = stored_size(row, depth=2) + 2  # the row's indentation, comma and newline
        if parts[-1] and size + length > max_bytes:
            parts.append([])
            size = empty
        parts[-1].append(row)
        size += length
    return CaseTable(head, [_dumps({"rows": p}) for p in parts])


def table_rows(head: Mapping[str, Any], parts: Sequence[Mapping[str, Any]],
               kind: RecordKind) -> list[dict[str, Any]]:
    """The rows of a table read back (its head and parts' parsed JSON), as dicts: the parts'
    rows, those of the pages in the head's delta replaced by the delta's."""
    columns = head["columns"]
    delta = head.get("delta", {})
    rows = [row_values(text, kind, columns) for part in parts for text in part["rows"]]
    rows = [row for row in rows if row[0] not in delta]
    rows += [row_values(text, kind, columns) for page_rows in delta.values() for text in page_rows]
    return [dict(zip(columns, row, strict=True)) for row in rows]


def cited_by(rows: Iterable[Mapping[str, Any]], kind: RecordKind, title: str, prefix: str,
             main_namespace: Callable[[str], bool]) -> list[str]:
    """The pages of the cases (``table_rows``) that name ``title`` in a field naming cases
    (by its name under ``prefix`` or its full title), each once, itself aside: the reference
    of Module:Advocacy's ``citedby`` (the "Cited by" row of a case's box)."""
    out: list[str] = []
    for row in rows:
        page = row["page"]
        if page == title or page in out:
            continue
        if any(page_target(v, prefix, main_namespace(v)) == title
               for name in citing_fields(kind) for v in row.get(name) or []):
            out.append(page)
    return out
