"""The knowledge base's generated pages: case index, facets, statistics, events, resources and
the maintenance report. Pure functions of records, messages and the clock."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from bots.core.dates import year_of
from bots.core.messages import Messages
from bots.core.places import language_autonym
from bots.core.records import Problem, Record
from bots.core.render.cells import CellRenderer, years
from bots.core.render.paging import OTHER, PAGE_BUDGET, Layout, Part, size
from bots.core.render.tables import bar_chart, share_bar, table, table_parts
from bots.core.schema import Field, RecordKind, Schema
from bots.core.wikitext import escape, heading, page_link

YEAR_FACET = "year"
OVERHEAD = 4 * 1024  # bytes a sub-page spends outside its rows (language bar, navigation ...)
INDEX_PARTS = "Index"  # the case index's sub-pages: <cases>/Index/<letter>
BOLD = "\'\'\'"


@dataclass
class PageSet:
    """Where the generated pages are, so they can link to each other in every language."""

    titles: dict[str, str]  # hub page key -> base title
    base_lang: str
    languages: Sequence[str]

    def title(self, key: str, lang: str, suffix: str = "") -> str:
        base = self.titles[key] + (f"/{suffix}" if suffix else "")
        return base if lang == self.base_lang else f"{base}/{lang}"

    def language_bar(self, key: str, lang: str, suffix: str = "") -> str:
        if len(self.languages) < 2:
            return ""  # a page written in one language only (a delivery log)
        links = []
        for code in self.languages:
            name = escape(language_autonym(code))
            links.append(f"'''{name}'''" if code == lang else
                         page_link(self.title(key, code, suffix), language_autonym(code)))
        return '<div class="advocacy-languages" style="float:right;">' + " · ".join(links) + \
            "</div>"


def as_layout(layout: Layout | int) -> Layout:
    return layout if isinstance(layout, Layout) else Layout(layout, solo=True)


def _room(budget: int, head: str) -> int:
    """Bytes left for the rows of a sub-page of ``budget`` bytes, whose table has ``head``."""
    return budget - min(OVERHEAD, budget // 10) - size(head)


def _valid(records: Sequence[Record], kind: str) -> list[Record]:
    return [r for r in records if r.kind == kind]


def facet_values(record: Record, fld: Field) -> list[str]:
    if fld.facet == YEAR_FACET:
        year = year_of(record.value(fld.name))
        return [str(year)] if year else []
    return record.values(fld.name)


class PartLinks:
    """Sub-pages of a page too long for one (bots.core.render.paging): their labels, the
    links between them and the overview's table of them. For renderers with ``msgs``,
    ``pages`` and ``lang``."""

    msgs: Messages
    pages: PageSet

    @property
    def lang(self) -> str:
        return self.msgs.lang

    def part_label(self, label: str) -> str:
        if label.startswith(OTHER):
            return self.msgs("advocacyhub-part-other") + label[len(OTHER):]
        return label

    def part_nav(self, key: str, parts: Sequence[Part], i: int, prefix: str,
                 up: str = "") -> str:
        """Links from sub-page ``i``: the overview, the previous and the next part."""
        links = [page_link(self.pages.title(key, self.lang, up),
                           self.msgs("advocacyhub-part-overview"))]
        if i > 0:
            links.append(page_link(self.pages.title(key, self.lang, prefix + parts[i - 1].label),
                                   "← " + self.part_label(parts[i - 1].label)))
        if i + 1 < len(parts):
            links.append(page_link(self.pages.title(key, self.lang, prefix + parts[i + 1].label),
                                   self.part_label(parts[i + 1].label) + " →"))
        return BOLD + " · ".join(links) + BOLD

    def parts_table(self, key: str, parts: Sequence[Part], prefix: str,
                    first_last: Sequence[tuple[str, str]]) -> str:
        rows = [[page_link(self.pages.title(key, self.lang, prefix + p.label),
                           self.part_label(p.label)), str(len(p.items)),
                 escape(f"{a} – {b}" if a != b else a, 200)]
                for p, (a, b) in zip(parts, first_last, strict=True)]
        return table([self.msgs("advocacyhub-part"), self.msgs("advocacyhub-count"),
                      self.msgs("advocacyhub-part-range")], rows)

    def parted(self, key: str, layout: Layout, layout_key: str, names: Sequence[str],
               blocks: Sequence[str], prefix: str, intro: Callable[[Part], str], *,
               head: str = "", end: str = "") -> tuple[str, dict[str, str]]:
        """A long list of page ``key`` as sub-pages ``prefix<label>`` (measured under
        ``layout_key``, see :meth:`measure_list`): the overview's table of the parts, and
        suffix -> text of each sub-page (``intro`` says what a part holds). A list that fits
        one sub-page is ``prefix`` without its slash."""
        parts = layout.parts(layout_key, names, _room(layout.budget, ""))
        if not names:
            return "", {}
        whole = parts[0].label == ""  # intro() is then told the part's label is ""
        if whole:
            parts = [Part(prefix.rstrip("/"), parts[0].items)]
            prefix = ""
        out = {}
        for i, part in enumerate(parts):
            nav = self.part_nav(key, parts, i, prefix)
            out[prefix + part.label] = "\n".join([
                self.pages.language_bar(key, self.lang, prefix + part.label),
                intro(Part("", part.items) if whole else part), "", nav, "", head,
                *(blocks[j] for j in part.items), end, "", nav])
        table_text = self.parts_table(key, parts, prefix,
                                      [(names[p.items[0]], names[p.items[-1]]) for p in parts])
        return table_text, out

    def list_intro(self, part: Part) -> str:
        """The top of a sub-page of a long list (the whole list, when ``part.label`` is "")."""
        if not part.label:
            return self.msgs("advocacyhub-list-all", len(part.items))
        return self.msgs("advocacyhub-list-part-intro", self.part_label(part.label),
                         len(part.items))

    def measured(self, layout: Layout, key: str, single: str,
                 lists: dict[str, tuple[Sequence[str], str]]) -> dict[str, str] | None:
        """Measure page ``key`` as one text and its long ``lists`` (layout key -> blocks,
        table head): {} while the layout still measures, the page as one text when it fits,
        None when it must be split."""
        layout.measure(key, size(single), [])
        for list_key, (blocks, head) in lists.items():
            self.measure_list(layout, list_key, blocks, head)
        if not layout.frozen:
            return {}
        return {"": single} if layout.fits(key) else None

    @staticmethod
    def measure_list(layout: Layout, layout_key: str, blocks: Sequence[str],
                     head: str = "") -> None:
        """Measure a list that :meth:`parted` may split."""
        rows = [size(b) + 1 for b in blocks]
        layout.measure(layout_key, sum(rows) + size(head) + OVERHEAD, rows, size(head))


class KnowledgeBase(PartLinks):
    def __init__(self, schema: Schema, msgs: Messages, pages: PageSet) -> None:
        self.schema = schema
        self.msgs = msgs
        self.pages = pages
        self.cells = CellRenderer(schema, msgs)
        self.case = schema.kind("case")

    def _records_table(self, kind: RecordKind, records: Sequence[Record],
                       fields: Sequence[Field] | None = None) -> str:
        cols = list(fields or kind.columns)
        headers = [self.msgs.field_label("years" if f.name == "start" and kind is self.case
                                         else f.name) for f in cols]
        rows = [[self.cells.cell(kind, r, f) for f in cols] for r in records]
        keys = [[self.cells.sort_key(kind, r, f) for f in cols] for r in records]
        return table(headers, rows, keys, css=f"advocacy-{kind.name}-index")

    def facet_nav(self) -> str:
        links = [page_link(self.pages.title("facets", self.lang, f.facet or f.name),
                           self.msgs(f"advocacyhub-facet-title-{f.facet}"))
                 for f in self.case.facets]
        return self.msgs("advocacyhub-facets-nav") + " " + " · ".join(links)

    # -- pages ----------------------------------------------------------------------------
    def case_index(self, records: Sequence[Record]) -> str:
        cases = sorted(_valid(records, "case"), key=lambda r: r.value("title").lower())
        return "\n".join([
            self.pages.language_bar("cases", self.lang),
            self.msgs("advocacyhub-index-intro", len(cases)),
            "",
            self.facet_nav(),
            "",
            self._records_table(self.case, cases),
        ])

    # -- pages that stay small (bots.core.render.paging) ----------------------------------
    def search_box(self) -> str:
        """MediaWiki's InputBox, searching the case pages by their title prefix."""
        prefix = self.pages.titles["cases"] + "/"
        return (f"<inputbox>\ntype=fulltext\nprefix={prefix}\nbreak=no\nwidth=40\n"
                f"searchbuttonlabel={self.msgs('advocacyhub-search-cases')}\n</inputbox>")

    def case_index_pages(self, records: Sequence[Record],
                         layout: Layout | int = PAGE_BUDGET) -> dict[str, str]:
        """suffix -> text: ``""`` the case index (one page while it fits the budget, else an
        overview), ``Index/<part>`` its sub-pages by the first letters of the titles. With a
        shared layout that is not frozen yet: measures, and returns nothing."""
        layout = as_layout(layout)
        cases = sorted(_valid(records, "case"), key=lambda r: r.value("title").lower())
        single = self.case_index(cases)
        kind = self.case
        cols = list(kind.columns)
        headers = [self.msgs.field_label("years" if f.name == "start" else f.name)
                   for f in cols]
        head, blocks, end = table_parts(
            headers, [[self.cells.cell(kind, r, f) for f in cols] for r in cases],
            [[self.cells.sort_key(kind, r, f) for f in cols] for r in cases],
            css=f"advocacy-{kind.name}-index")
        titles = [r.value("title") or r.page for r in cases]
        layout.measure("cases", size(single), [size(b) + 1 for b in blocks], size(head))
        if not layout.frozen:
            return {}
        parts = layout.parts("cases", titles, _room(layout.budget, ""))
        if parts[0].label == "":
            return {"": single}
        prefix = INDEX_PARTS + "/"
        out = {"": "\n".join([
            self.pages.language_bar("cases", self.lang),
            self.msgs("advocacyhub-index-intro", len(cases)), "",
            self.facet_nav(), "", self.search_box(), "",
            self.msgs("advocacyhub-index-parts", len(cases), len(parts)), "",
            self.parts_table("cases", parts, prefix,
                             [(titles[p.items[0]], titles[p.items[-1]]) for p in parts])])}
        for i, part in enumerate(parts):
            nav = self.part_nav("cases", parts, i, prefix)
            out[prefix + part.label] = "\n".join([
                self.pages.language_bar("cases", self.lang, prefix + part.label),
                # No total here: a new case then changes only its own part.
                self.msgs("advocacyhub-index-part-intro", self.part_label(part.label),
                          len(part.items)), "", nav, "",
                head, *(blocks[j] for j in part.items), end, "", nav])
        return out

    def facet_pages(self, records: Sequence[Record], fld: Field,
                    layout: Layout | int = PAGE_BUDGET) -> dict[str, str]:
        """suffix -> text: the facet page while it fits, else an overview of its values and
        one sub-page per value (split further by letters when one value is too big)."""
        layout = as_layout(layout)
        facet = fld.facet or fld.name
        single = self.facet_page(records, fld)
        groups, order, label = self._facet_groups(records, fld)
        layout.measure(f"facet:{facet}", size(single), [])
        for value in order:
            members = sorted(groups[value], key=lambda r: r.value("title").lower())
            items = [self._facet_item(rec) for rec in members]
            layout.measure(f"facet:{facet}:{value}", sum(size(i) + 1 for i in items) + 1024,
                           [size(i) + 1 for i in items])
        if not layout.frozen:
            return {}
        if layout.fits(f"facet:{facet}"):
            return {facet: single}
        cases = _valid(records, "case")
        rows = [[page_link(self.pages.title("facets", self.lang, f"{facet}/{v}"), label(v)),
                 str(len(groups[v]))] for v in order]
        out = {facet: "\n".join([
            self.pages.language_bar("facets", self.lang, facet),
            self.msgs("advocacyhub-facet-intro", len(cases), len(groups)), "",
            self.facet_nav(), "",
            table([self.msgs.field_label(fld.name), self.msgs("advocacyhub-count")], rows,
                  [[label(v).lower(), f"{len(groups[v]):06d}"] for v in order])])}
        for value in order:
            members = sorted(groups[value], key=lambda r: r.value("title").lower())
            items = [self._facet_item(rec) for rec in members]
            titles = [r.value("title") or r.page for r in members]
            parts = layout.parts(f"facet:{facet}:{value}", titles, _room(layout.budget, ""))
            base = f"{facet}/{value}"
            title_line = heading(f"{label(value)} ({len(members)})")
            up = page_link(self.pages.title("facets", self.lang, facet),
                           self.msgs("advocacyhub-part-overview"))
            if parts[0].label == "":
                out[base] = "\n".join([self.pages.language_bar("facets", self.lang, base), up,
                                       title_line, *items])
                continue
            out[base] = "\n".join([
                self.pages.language_bar("facets", self.lang, base), up, title_line,
                self.parts_table("facets", parts, base + "/",
                                 [(titles[p.items[0]], titles[p.items[-1]]) for p in parts])])
            for i, part in enumerate(parts):
                nav = self.part_nav("facets", parts, i, base + "/", up=base)
                suffix = f"{base}/{part.label}"
                out[suffix] = "\n".join([
                    self.pages.language_bar("facets", self.lang, suffix),
                    heading(f"{label(value)}: {self.part_label(part.label)} "
                            f"({len(part.items)})"), nav, "",
                    *(items[j] for j in part.items), "", nav])
        return out

    def _facet_groups(self, records: Sequence[Record], fld: Field):
        groups: dict[str, list[Record]] = {}
        for rec in _valid(records, "case"):
            for value in facet_values(rec, fld):
                groups.setdefault(value, []).append(rec)

        def label(value: str) -> str:
            return value if fld.facet == YEAR_FACET else self.cells.value_label(fld, value)

        order = sorted(groups, key=lambda v: (v if fld.facet == YEAR_FACET else label(v).lower()))
        return groups, order, label

    def _facet_item(self, rec: Record) -> str:
        where = ", ".join(self.cells.value_label(self.case.field("jurisdiction"), j)
                          for j in rec.values("jurisdiction"))
        return (f"* {page_link(rec.page, rec.value('title') or rec.page)} "
                f"({escape(years(rec))}; {escape(where)})")

    def facet_page(self, records: Sequence[Record], fld: Field) -> str:
        cases = _valid(records, "case")
        groups, order, label = self._facet_groups(records, fld)
        summary = table([self.msgs.field_label(fld.name), self.msgs("advocacyhub-count")],
                        [[escape(label(v)), str(len(groups[v]))] for v in order],
                        [[label(v).lower(), f"{len(groups[v]):06d}"] for v in order])
        out = [
            self.pages.language_bar("facets", self.lang, fld.facet or fld.name),
            self.msgs("advocacyhub-facet-intro", len(cases), len(groups)),
            "",
            self.facet_nav(),
            "",
            summary,
        ]
        for value in order:
            out += ["", heading(f"{label(value)} ({len(groups[value])})")]
            out += [self._facet_item(rec)
                    for rec in sorted(groups[value], key=lambda r: r.value("title").lower())]
        return "\n".join(out)

    def statistics(self, records: Sequence[Record]) -> str:
        cases = _valid(records, "case")
        per_year = Counter(y for r in cases for y in facet_values(r, self.case.field("start")))
        regions = self.case.field("region")
        topics = self.case.field("topics")
        outcome = self.case.field("outcome")
        per_region = Counter(v for r in cases for v in r.values("region"))
        per_topic = Counter(v for r in cases for v in r.values("topics"))
        per_outcome = Counter(r.value("outcome") or "unknown" for r in cases)
        vocab = self.schema.vocabularies
        if per_year:
            first, last = min(map(int, per_year)), max(map(int, per_year))
            year_items = [(str(y), per_year.get(str(y), 0)) for y in range(first, last + 1)]
        else:
            year_items = []
        return "\n".join([
            self.pages.language_bar("statistics", self.lang),
            self.msgs("advocacyhub-stats-intro", len(cases), len(per_region), len(per_topic)),
            "",
            heading(self.msgs("advocacyhub-stats-per-year")),
            bar_chart(year_items, self.msgs("advocacyhub-stats-per-year")),
            "",
            heading(self.msgs("advocacyhub-stats-per-region")),
            bar_chart([(escape(self.cells.value_label(regions, v)), per_region[v])
                       for v in vocab["regions"].values if per_region[v]],
                      self.msgs("advocacyhub-stats-per-region"), "#14866d"),
            "",
            heading(self.msgs("advocacyhub-stats-per-topic")),
            bar_chart([(escape(self.cells.value_label(topics, v)), n)
                       for v, n in per_topic.most_common()],
                      self.msgs("advocacyhub-stats-per-topic"), "#6b4ba1"),
            "",
            heading(self.msgs("advocacyhub-stats-outcomes")),
            share_bar([(escape(self.cells.value_label(outcome, v)), per_outcome[v])
                       for v in vocab["outcome"].values if per_outcome[v]],
                      self.msgs("advocacyhub-stats-outcomes")),
        ])

    def _events_split(self, records: Sequence[Record], now: datetime,
                      ) -> tuple[list[Record], list[Record], list]:
        kind = self.schema.kind("event")
        today = now.strftime("%Y-%m-%dT%H:%M")
        events = _valid(records, "event")

        def ends(r: Record) -> str:
            end = r.value("end") or r.value("start")
            return end if "T" in end else end + "T23:59"

        upcoming = sorted((r for r in events if ends(r) >= today), key=lambda r: r.value("start"))
        past = sorted((r for r in events if ends(r) < today), key=lambda r: r.value("start"),
                      reverse=True)
        return upcoming, past, kind.columns

    def events(self, records: Sequence[Record], now: datetime) -> str:
        kind = self.schema.kind("event")
        upcoming, past, fields = self._events_split(records, now)
        out = [self.pages.language_bar("events", self.lang), self.msgs("advocacyhub-events-intro"),
               "", heading(self.msgs("advocacyhub-events-upcoming", len(upcoming)))]
        out.append(self._records_table(kind, upcoming, fields) if upcoming
                   else self.msgs("advocacyhub-events-none"))
        out += ["", heading(self.msgs("advocacyhub-events-past", len(past)))]
        out.append(self._records_table(kind, past, fields) if past
                   else self.msgs("advocacyhub-events-none"))
        return "\n".join(out)

    def _table_blocks(self, kind: RecordKind, records: Sequence[Record],
                      fields: Sequence[Field] | None = None) -> tuple[str, list[str], str]:
        cols = list(fields or kind.columns)
        return table_parts([self.msgs.field_label(f.name) for f in cols],
                           [[self.cells.cell(kind, r, f) for f in cols] for r in records],
                           [[self.cells.sort_key(kind, r, f) for f in cols] for r in records],
                           css=f"advocacy-{kind.name}-index")

    def events_pages(self, records: Sequence[Record], now: datetime,
                     layout: Layout | int = PAGE_BUDGET) -> dict[str, str]:
        """suffix -> text: the events page while it fits, else an overview and sub-pages of
        the upcoming and the past events by their start date (``Past/2024`` ...)."""
        layout = as_layout(layout)
        kind = self.schema.kind("event")
        single = self.events(records, now)
        upcoming, past, fields = self._events_split(records, now)
        lists = {"Upcoming": upcoming, "Past": past}
        tables = {name: self._table_blocks(kind, recs, fields) for name, recs in lists.items()}
        early = self.measured(layout, "events", single, {
            f"events:{name}": (blocks, head) for name, (head, blocks, _) in tables.items()})
        if early is not None:
            return early
        out = [self.pages.language_bar("events", self.lang), self.msgs("advocacyhub-events-intro")]
        pages: dict[str, str] = {}
        for (name, recs), message in zip(lists.items(), ("advocacyhub-events-upcoming",
                                                         "advocacyhub-events-past"), strict=True):
            head, blocks, end = tables[name]
            parts, more = self.parted("events", layout, f"events:{name}",
                                      [r.value("start") for r in recs], blocks, f"{name}/",
                                      self.list_intro, head=head, end=end)
            out += ["", heading(self.msgs(message, len(recs))),
                    parts or self.msgs("advocacyhub-events-none")]
            pages.update(more)
        return {"": "\n".join(out), **pages}

    def resources_pages(self, records: Sequence[Record],
                        layout: Layout | int = PAGE_BUDGET) -> dict[str, str]:
        """suffix -> text: the resources page while it fits, else an overview (counts by
        topic) and sub-pages of the table by the first letters of the titles."""
        layout = as_layout(layout)
        kind = self.schema.kind("resource")
        single = self.resources(records)
        items = sorted(_valid(records, "resource"), key=lambda r: r.value("title").lower())
        head, blocks, end = self._table_blocks(kind, items)
        early = self.measured(layout, "resources", single, {"resources:all": (blocks, head)})
        if early is not None:
            return early
        parts, pages = self.parted("resources", layout, "resources:all",
                                   [r.value("title") or r.page for r in items], blocks, "All/",
                                   self.list_intro, head=head, end=end)
        groupings = [line for fld in kind.facets for line in self._resource_counts(fld, items)]
        return {"": "\n".join([
            self.pages.language_bar("resources", self.lang),
            self.msgs("advocacyhub-resources-intro", len(items)), "",
            self.msgs("advocacyhub-list-parts", len(pages)), "", parts, *groupings]), **pages}

    def _resource_label(self, fld: Field, value: str) -> str:
        if value == "-":
            return self.msgs(f"advocacyhub-resources-no-{fld.facet}")
        return self.cells.value_label(fld, value)

    def _resource_counts(self, fld: Field, items: Sequence[Record]) -> list[str]:
        """How many resources each value of facet ``fld`` has (the long library's overview)."""
        count = Counter(v for rec in items for v in rec.values(fld.name) or ["-"])
        order = sorted(count, key=lambda v: self._resource_label(fld, v).lower())
        return ["", heading(self.msgs(f"advocacyhub-resources-by-{fld.facet}")),
                table([self.msgs.field_label(fld.name), self.msgs("advocacyhub-count")],
                      [[escape(self._resource_label(fld, v)), str(count[v])] for v in order],
                      [[self._resource_label(fld, v).lower(), f"{count[v]:07d}"]
                       for v in order])]

    def resources(self, records: Sequence[Record]) -> str:
        kind = self.schema.kind("resource")
        items = sorted(_valid(records, "resource"), key=lambda r: r.value("title").lower())
        out = [self.pages.language_bar("resources", self.lang),
               self.msgs("advocacyhub-resources-intro", len(items)), "",
               self._records_table(kind, items)]
        for fld in kind.facets:
            out += ["", heading(self.msgs(f"advocacyhub-resources-by-{fld.facet}"))]
            groups: dict[str, list[Record]] = {}
            for rec in items:
                for value in rec.values(fld.name) or ["-"]:
                    groups.setdefault(value, []).append(rec)
            for value in sorted(groups, key=lambda v: self.cells.value_label(fld, v).lower()):
                name = self._resource_label(fld, value)
                out.append(heading(f"{name} ({len(groups[value])})", 3))
                for rec in groups[value]:
                    detail = ", ".join(
                        [self.cells.value_label(kind.field("kind"), rec.value("kind"))]
                        + [language_autonym(code) for code in rec.values("languages")])
                    out.append(f"* {page_link(rec.page, rec.label or rec.page)} "
                               f"({escape(detail)})")
        return "\n".join(out)

    def maintenance(self, records: Sequence[Record], bot_problems: Sequence[Problem]) -> str:
        """The whole report as one page."""
        return self.maintenance_pages(records, bot_problems, 2 ** 62)[""]

    def maintenance_pages(self, records: Sequence[Record], bot_problems: Sequence[Problem],
                          layout: Layout | int = PAGE_BUDGET) -> dict[str, str]:
        """suffix -> text: the report while it fits, else an overview and sub-pages by the
        first letters of the pages with problems."""
        problems = [p for r in records for p in r.problems]
        problems += list(bot_problems)
        problems.sort(key=lambda p: (p.page, p.kind, p.field, p.code))
        intro = [self.pages.language_bar("maintenance", self.lang),
                 self.msgs("advocacyhub-maint-intro", len(problems),
                           len({p.page for p in problems}))]
        layout = as_layout(layout)
        if not problems:
            layout.measure("maintenance", 0, [])
            return {"": "\n".join([*intro, self.msgs("advocacyhub-maint-none")])} \
                if layout.frozen else {}
        head, blocks, end = table_parts(*self._problem_rows(problems),
                                        css="advocacy-maintenance")
        single = "\n".join([*intro, "", head, *blocks, end])
        layout.measure("maintenance", size(single), [size(b) + 1 for b in blocks], size(head))
        if not layout.frozen:
            return {}
        pages = [p.page for p in problems]
        parts = layout.parts("maintenance", pages, _room(layout.budget, ""))
        if parts[0].label == "":
            return {"": single}
        out = {"": "\n".join([*intro, "", self.parts_table(
            "maintenance", parts, "", [(pages[p.items[0]], pages[p.items[-1]])
                                       for p in parts])])}
        for i, part in enumerate(parts):
            nav = self.part_nav("maintenance", parts, i, "")
            out[part.label] = "\n".join([
                self.pages.language_bar("maintenance", self.lang, part.label), nav, "",
                head, *(blocks[j] for j in part.items), end, "", nav])
        return out

    def _problem_rows(self, problems: Sequence[Problem]) -> tuple[list[str], list[list[str]]]:
        headers = [self.msgs("advocacyhub-maint-page"), self.msgs("advocacyhub-maint-kind"),
                   self.msgs("advocacyhub-maint-field"), self.msgs("advocacyhub-maint-problem"),
                   self.msgs("advocacyhub-maint-severity")]
        rows = []
        for p in problems:
            kind_key = f"advocacyhub-kind-{p.kind}"
            rows.append([
                page_link(p.page),
                escape(self.msgs(kind_key) if self.msgs.has(kind_key) else p.kind),
                f"<code>{escape(p.field)}</code>" if p.field else "",
                escape(self.msgs.describe(p), 600),
                escape(self.msgs(f"advocacyhub-severity-{p.severity}")),
            ])
        return headers, rows
