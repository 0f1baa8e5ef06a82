"""A kind's directory: the index table of its records and a page per facet, from its schema.

The case index is one (its pages are the hub's ``cases`` and ``facets``, its messages the case
index's own); any kind that declares ``directory`` in config/schema.toml gets one at
``<hub root>/<directory>`` with no code of its own: columns, facets, labels and links all come
from the declaration, the messages from ``advocacyhub-<kind>-…`` where the message files have
them, else from the generic ``advocacyhub-directory-…`` ones.
"""

from __future__ import annotations

from collections.abc import Sequence

from bots.core.dates import year_of
from bots.core.messages import Messages
from bots.core.records import Record
from bots.core.render.cells import CellRenderer, years
from bots.core.render.paging import PAGE_BUDGET, Layout, size
from bots.core.render.partlinks import PageSet, PartLinks, as_layout, room
from bots.core.render.tables import table, table_parts
from bots.core.schema import Field, RecordKind, Schema
from bots.core.wikitext import escape, heading, page_link

YEAR_FACET = "year"
INDEX_PARTS = "Index"  # the index's sub-pages: <index>/Index/<letter>


def facet_values(record: Record, fld: Field) -> list[str]:
    if fld.facet == YEAR_FACET:
        year = year_of(record.value(fld.name))
        return [str(year)] if year else []
    return record.values(fld.name)


def directory_titles(schema: Schema, root: str) -> dict[str, str]:
    """Page keys of every declared directory: ``<kind>`` its index, ``<kind>-facets`` the
    base of its facet pages."""
    out = {}
    for kind in schema.kinds.values():
        if kind.directory:
            out[kind.name] = f"{root}/{kind.directory}"
            out[f"{kind.name}-facets"] = f"{root}/{kind.directory}/By"
    return out


class Directory(PartLinks):
    """The directory of one kind, in one language."""

    def __init__(self, schema: Schema, msgs: Messages, pages: PageSet, kind: RecordKind, *,
                 index_key: str | None = None, facets_key: str | None = None,
                 scope: str | None = None) -> None:
        self.schema = schema
        self.msgs = msgs
        self.pages = pages
        self.kind = kind
        self.cells = CellRenderer(schema, msgs)
        self.key = index_key or kind.name
        self.facets_key = facets_key or f"{kind.name}-facets"
        self.scope = scope if scope is not None else f"advocacyhub-{kind.name}-"
        # The case index measures under its historical keys; others under their kind's name.
        self.layout_key = "cases" if index_key == "cases" else kind.name
        self.facet_layout = "facet:" if index_key == "cases" else f"{kind.name}:facet:"

    # -- what differs between kinds --------------------------------------------------------
    def message(self, key: str, *params: object) -> str:
        own = self.scope + key
        if self.msgs.has(own):
            return self.msgs(own, *params)
        return self.msgs(f"advocacyhub-directory-{key}", *params, self.kind_label)

    @property
    def kind_label(self) -> str:
        key = f"advocacyhub-kind-{self.kind.name}"
        return self.msgs(key) if self.msgs.has(key) else self.kind.category

    def facet_title(self, fld: Field) -> str:
        own = f"{self.scope}facet-title-{fld.facet}"
        if self.msgs.has(own):
            return self.msgs(own)
        return self.msgs("advocacyhub-directory-facet-title", self.msgs.field_label(fld.name))

    def header(self, fld: Field) -> str:
        if fld.name == "start" and fld.type == "date" and "end" in self.kind.fields:
            return self.msgs.field_label("years")  # the cell shows start–end (cells.years)
        return self.msgs.field_label(fld.name)

    def item(self, rec: Record, facet: Field | None = None) -> str:
        """One record in a facet page's list: its link, then what tells it apart (not the
        value it is listed under)."""
        link = page_link(rec.page, rec.label or rec.page)
        if self.key == "cases":
            where = ", ".join(self.cells.value_label(self.kind.field("jurisdiction"), j)
                              for j in rec.values("jurisdiction"))
            return f"* {link} ({escape(years(rec))}; {escape(where)})"
        details = [", ".join(self.cells.value_label(f, v) for v in rec.values(f.name))
                   for f in self.kind.columns
                   if f.name != self.kind.label_field and f is not facet and rec.shows(f.name)]
        details = [d for d in details if d][:2]
        return f"* {link}" + (f" ({escape('; '.join(details))})" if details else "")

    # -- pieces ---------------------------------------------------------------------------
    def _members(self, records: Sequence[Record]) -> list[Record]:
        return sorted((r for r in records if r.kind == self.kind.name),
                      key=lambda r: r.label.lower())

    def _table(self, records: Sequence[Record]) -> str:
        cols = self.kind.columns
        return table([self.header(f) for f in cols],
                     [[self.cells.cell(self.kind, r, f) for f in cols] for r in records],
                     [[self.cells.sort_key(self.kind, r, f) for f in cols] for r in records],
                     css=f"advocacy-{self.kind.name}-index")

    def facet_nav(self) -> str:
        links = [page_link(self.pages.title(self.facets_key, self.lang, f.facet or f.name),
                           self.facet_title(f))
                 for f in self.kind.facets]
        return self.message("facets-nav") + " " + " · ".join(links)

    def search_box(self) -> str:
        """MediaWiki's InputBox, searching the records' pages by their title prefix."""
        prefix = self.pages.titles[self.key] + "/"
        return (f"<inputbox>\ntype=fulltext\nprefix={prefix}\nbreak=no\nwidth=40\n"
                f"searchbuttonlabel={self.message('search')}\n</inputbox>")

    # -- the index ------------------------------------------------------------------------
    def index(self, records: Sequence[Record]) -> str:
        members = self._members(records)
        return "\n".join([
            self.pages.language_bar(self.key, self.lang),
            self.message("index-intro", len(members)),
            "",
            self.facet_nav(),
            "",
            self._table(members),
        ])

    def index_pages(self, records: Sequence[Record],
                    layout: Layout | int = PAGE_BUDGET) -> dict[str, str]:
        """suffix -> text: ``""`` the index (one page while it fits the budget, else an
        overview), ``Index/<part>`` its sub-pages by the first letters of the labels. With a
        shared layout that is not frozen yet: measures, and returns nothing."""
        layout = as_layout(layout)
        members = self._members(records)
        single = self.index(members)
        kind, cols = self.kind, self.kind.columns
        head, blocks, end = table_parts(
            [self.header(f) for f in cols],
            [[self.cells.cell(self.kind, r, f) for f in cols] for r in members],
            [[self.cells.sort_key(self.kind, r, f) for f in cols] for r in members],
            css=f"advocacy-{kind.name}-index")
        titles = [r.label or r.page for r in members]
        layout.measure(self.layout_key, size(single), [size(b) + 1 for b in blocks], size(head))
        if not layout.frozen:
            return {}
        parts = layout.parts(self.layout_key, titles, room(layout.budget, ""))
        if parts[0].label == "":
            return {"": single}
        prefix = INDEX_PARTS + "/"
        out = {"": "\n".join([
            self.pages.language_bar(self.key, self.lang),
            self.message("index-intro", len(members)), "",
            self.facet_nav(), "", self.search_box(), "",
            self.message("index-parts", len(members), len(parts)), "",
            self.parts_table(self.key, parts, prefix,
                             [(titles[p.items[0]], titles[p.items[-1]]) for p in parts])])}
        for i, part in enumerate(parts):
            nav = self.part_nav(self.key, parts, i, prefix)
            out[prefix + part.label] = "\n".join([
                self.pages.language_bar(self.key, self.lang, prefix + part.label),
                # No total here: a new record then changes only its own part.
                self.message("index-part-intro", self.part_label(part.label), len(part.items)),
                "", nav, "", head, *(blocks[j] for j in part.items), end, "", nav])
        return out

    # -- facets ---------------------------------------------------------------------------
    def _facet_groups(self, records: Sequence[Record], fld: Field):
        groups: dict[str, list[Record]] = {}
        for rec in records:
            if rec.kind != self.kind.name or not rec.shows(fld.name):
                continue  # a hidden field groups nobody (as on the roster)
            for value in facet_values(rec, fld):
                groups.setdefault(value, []).append(rec)

        def label(value: str) -> str:
            return value if fld.facet == YEAR_FACET else self.cells.value_label(fld, value)

        order = sorted(groups, key=lambda v: (v if fld.facet == YEAR_FACET else label(v).lower()))
        return groups, order, label

    def facet_page(self, records: Sequence[Record], fld: Field) -> str:
        members = [r for r in records if r.kind == self.kind.name]
        groups, order, label = self._facet_groups(records, fld)
        summary = table([self.msgs.field_label(fld.name), self.message("count")],
                        [[escape(label(v)), str(len(groups[v]))] for v in order],
                        [[label(v).lower(), f"{len(groups[v]):06d}"] for v in order])
        out = [
            self.pages.language_bar(self.facets_key, self.lang, fld.facet or fld.name),
            self.message("facet-intro", len(members), len(groups)),
            "",
            self.facet_nav(),
            "",
            summary,
        ]
        for value in order:
            out += ["", heading(f"{label(value)} ({len(groups[value])})")]
            out += [self.item(rec, fld)
                    for rec in sorted(groups[value], key=lambda r: r.label.lower())]
        return "\n".join(out)

    def facet_pages(self, records: Sequence[Record], fld: Field,
                    layout: Layout | int = PAGE_BUDGET) -> dict[str, str]:
        """suffix -> text: the facet page while it fits, else an overview of its values and
        one sub-page per value (split further by letters when one value is too big)."""
        layout = as_layout(layout)
        facet = fld.facet or fld.name
        key = f"{self.facet_layout}{facet}"
        single = self.facet_page(records, fld)
        groups, order, label = self._facet_groups(records, fld)
        layout.measure(key, size(single), [])
        for value in order:
            members = sorted(groups[value], key=lambda r: r.label.lower())
            items = [self.item(rec, fld) for rec in members]
            layout.measure(f"{key}:{value}", sum(size(i) + 1 for i in items) + 1024,
                           [size(i) + 1 for i in items])
        if not layout.frozen:
            return {}
        if layout.fits(key):
            return {facet: single}
        count = sum(1 for r in records if r.kind == self.kind.name)
        rows = [[page_link(self.pages.title(self.facets_key, self.lang, f"{facet}/{v}"),
                           label(v)), str(len(groups[v]))] for v in order]
        out = {facet: "\n".join([
            self.pages.language_bar(self.facets_key, self.lang, facet),
            self.message("facet-intro", count, len(groups)), "",
            self.facet_nav(), "",
            table([self.msgs.field_label(fld.name), self.message("count")], rows,
                  [[label(v).lower(), f"{len(groups[v]):06d}"] for v in order])])}
        for value in order:
            members = sorted(groups[value], key=lambda r: r.label.lower())
            items = [self.item(rec, fld) for rec in members]
            titles = [r.label or r.page for r in members]
            parts = layout.parts(f"{key}:{value}", titles, room(layout.budget, ""))
            base = f"{facet}/{value}"
            title_line = heading(f"{label(value)} ({len(members)})")
            up = page_link(self.pages.title(self.facets_key, self.lang, facet),
                           self.msgs("advocacyhub-part-overview"))
            if parts[0].label == "":
                out[base] = "\n".join([
                    self.pages.language_bar(self.facets_key, self.lang, base), up,
                    title_line, *items])
                continue
            out[base] = "\n".join([
                self.pages.language_bar(self.facets_key, self.lang, base), up, title_line,
                self.parts_table(self.facets_key, parts, base + "/",
                                 [(titles[p.items[0]], titles[p.items[-1]]) for p in parts])])
            for i, part in enumerate(parts):
                nav = self.part_nav(self.facets_key, parts, i, base + "/", up=base)
                suffix = f"{base}/{part.label}"
                out[suffix] = "\n".join([
                    self.pages.language_bar(self.facets_key, self.lang, suffix),
                    heading(f"{label(value)}: {self.part_label(part.label)} "
                            f"({len(part.items)})"), nav, "",
                    *(items[j] for j in part.items), "", nav])
        return out

    def pages_of(self, records: Sequence[Record],
                 layout: Layout | int = PAGE_BUDGET) -> dict[str, tuple[str, str, str]]:
        """Every page of the directory: page key + suffix -> (key, suffix, text), the facet
        pages first (the index links to them), the index's overview last."""
        out: dict[str, tuple[str, str, str]] = {}
        for fld in self.kind.facets:
            for suffix, body in self.facet_pages(records, fld, layout).items():
                out[f"{self.facets_key}|{suffix}"] = (self.facets_key, suffix, body)
        for suffix, body in sorted(self.index_pages(records, layout).items(),
                                   key=lambda item: item[0] == ""):
            out[f"{self.key}|{suffix}"] = (self.key, suffix, body)
        return out
