"""The knowledge base's generated pages: case index, facets, statistics, events, resources and
the maintenance report. Pure functions of records, messages and the clock."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from bots.core.dates import utc_of
from bots.core.messages import Messages
from bots.core.places import language_autonym
from bots.core.records import Problem, Record
from bots.core.regioncount import count_regions
from bots.core.render.cells import CellRenderer
from bots.core.render.directory import Directory, facet_values
from bots.core.render.paging import PAGE_BUDGET, Layout, size
from bots.core.render.partlinks import PageSet, PartLinks, as_layout, room
from bots.core.render.tables import bar_chart, share_bar, table, table_parts
from bots.core.schema import Field, RecordKind, Schema
from bots.core.wikitext import escape, heading, page_link


def _valid(records: Sequence[Record], kind: str) -> list[Record]:
    return [r for r in records if r.kind == kind]


class KnowledgeBase(PartLinks):
    def __init__(self, schema: Schema, msgs: Messages, pages: PageSet) -> None:
        self.schema = schema
        self.msgs = msgs
        self.pages = pages
        self.cells = CellRenderer(schema, msgs)
        self.case = schema.kind("case")
        self.cases = Directory(schema, msgs, pages, self.case, index_key="cases",
                               facets_key="facets", scope="advocacyhub-")

    def _records_table(self, kind: RecordKind, records: Sequence[Record],
                       fields: Sequence[Field] | None = None) -> str:
        cols = list(fields or kind.columns)
        headers = [self.msgs.field_label(f.name) for f in cols]
        rows = [[self.cells.cell(kind, r, f) for f in cols] for r in records]
        keys = [[self.cells.sort_key(kind, r, f) for f in cols] for r in records]
        return table(headers, rows, keys, css=f"advocacy-{kind.name}-index")

    # -- the case index and its facets: the case kind's directory --------------------------
    def case_index(self, records: Sequence[Record]) -> str:
        return self.cases.index(records)

    def case_index_pages(self, records: Sequence[Record],
                         layout: Layout | int = PAGE_BUDGET) -> dict[str, str]:
        return self.cases.index_pages(records, layout)

    def facet_page(self, records: Sequence[Record], fld: Field) -> str:
        return self.cases.facet_page(records, fld)

    def facet_pages(self, records: Sequence[Record], fld: Field,
                    layout: Layout | int = PAGE_BUDGET) -> dict[str, str]:
        return self.cases.facet_pages(records, fld, layout)

    def statistics(self, records: Sequence[Record]) -> str:
        """Four charts, each sorted: cases per year (by year), per region (each case once:
        its own region, or the row of cases in several regions), per topic and by outcome
        (largest first)."""
        cases = _valid(records, "case")
        per_year = Counter(y for r in cases for y in facet_values(r, self.case.field("start")))
        regions = self.case.field("region")
        topics = self.case.field("topics")
        outcome = self.case.field("outcome")
        by_region = count_regions(r.values("region") for r in cases)
        per_topic = Counter(v for r in cases for v in r.values("topics"))
        per_outcome = Counter(r.value("outcome") or "unknown" for r in cases)
        if per_year:
            first, last = min(map(int, per_year)), max(map(int, per_year))
            year_items = [(str(y), per_year.get(str(y), 0)) for y in range(first, last + 1)]
        else:
            year_items = []

        def largest_first(counts: Counter[str], fld: Field) -> list[tuple[str, int]]:
            order = sorted(counts.items(), key=lambda vn: (
                -vn[1], self.cells.value_label(fld, vn[0]).lower()))
            return [(escape(self.cells.value_label(fld, v)), n) for v, n in order if n]

        region_items = largest_first(by_region.one, regions)
        if by_region.several:
            region_items.append((f"''{escape(self.msgs('advocacyhub-stats-several-regions'))}''",
                                 by_region.several))
        if by_region.none:
            region_items.append((f"''{escape(self.msgs('advocacyhub-stats-no-region'))}''",
                                 by_region.none))
        return "\n".join([
            self.pages.language_bar("statistics", self.lang),
            self.msgs("advocacyhub-stats-intro", len(cases), len(by_region.one),
                      len(per_topic)),
            "",
            heading(self.msgs("advocacyhub-stats-per-year")),
            bar_chart(year_items),
            "",
            heading(self.msgs("advocacyhub-stats-per-region")),
            self.msgs("advocacyhub-stats-regions-note", len(cases), sum(by_region.one.values()),
                      by_region.several),
            "",
            bar_chart(region_items, "#14866d"),
            "",
            heading(self.msgs("advocacyhub-stats-per-topic")),
            self.msgs("advocacyhub-stats-topics-note"),
            "",
            bar_chart(largest_first(per_topic, topics), "#6b4ba1"),
            "",
            heading(self.msgs("advocacyhub-stats-outcomes")),
            share_bar(largest_first(per_outcome, outcome)),
        ])

    def _events_split(self, records: Sequence[Record], now: datetime,
                      ) -> tuple[list[Record], list[Record], list]:
        kind = self.schema.kind("event")
        today = now.strftime("%Y-%m-%dT%H:%M")
        events = _valid(records, "event")

        def ends(r: Record) -> str:
            return utc_of(r.value("end") or r.value("start"), r.value("timezone"),
                          end_of_day=True)

        def starts(r: Record) -> str:
            return utc_of(r.value("start"), r.value("timezone"))

        upcoming = sorted((r for r in events if ends(r) >= today), key=starts)
        past = sorted((r for r in events if ends(r) < today), key=starts, reverse=True)
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
                table([self.msgs.field_label(fld.name), self.msgs("advocacyhub-resources-count")],
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
        # A private field the record hides (a low-profile advocate's place) is reported
        # without its value: the report is public.
        problems = [p if r.shows(p.field) else replace(p, value="", suggestions=())
                    for r in records for p in r.problems]
        problems += list(bot_problems)
        problems.sort(key=lambda p: (p.page, p.kind, p.field, p.code))
        intro = [self.pages.language_bar("maintenance", self.lang)]
        if problems:  # the empty state is said once ("No problems"), not counted as zero
            intro.append(self.msgs("advocacyhub-maint-intro", len(problems),
                                   len({p.page for p in problems})))
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
        parts = layout.parts("maintenance", pages, room(layout.budget, ""))
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
