"""The knowledge base's generated pages: case index, facets, statistics, events, resources and
the maintenance report. Pure functions of records, messages and the clock."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bots.core.dates import year_of
from bots.core.messages import Messages
from bots.core.places import language_autonym
from bots.core.records import Problem, Record
from bots.core.render.cells import CellRenderer, years
from bots.core.render.tables import bar_chart, share_bar, table
from bots.core.schema import Field, RecordKind, Schema
from bots.core.wikitext import escape, heading, page_link

YEAR_FACET = "year"


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
        links = []
        for code in self.languages:
            name = escape(language_autonym(code))
            links.append(f"'''{name}'''" if code == lang else
                         page_link(self.title(key, code, suffix), language_autonym(code)))
        return '<div class="advocacy-languages" style="float:right;">' + " · ".join(links) + \
            "</div>"


def _valid(records: Sequence[Record], kind: str) -> list[Record]:
    return [r for r in records if r.kind == kind]


def facet_values(record: Record, fld: Field) -> list[str]:
    if fld.facet == YEAR_FACET:
        year = year_of(record.get(fld.name))
        return [str(year)] if year else []
    return record.get_list(fld.name)


class KnowledgeBase:
    def __init__(self, schema: Schema, msgs: Messages, pages: PageSet) -> None:
        self.schema = schema
        self.msgs = msgs
        self.pages = pages
        self.cells = CellRenderer(schema, msgs)
        self.case = schema.kinds["case"]

    @property
    def lang(self) -> str:
        return self.msgs.lang

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
        cases = sorted(_valid(records, "case"), key=lambda r: r.get("title").lower())
        return "\n".join([
            self.pages.language_bar("cases", self.lang),
            self.msgs("advocacyhub-index-intro", len(cases)),
            "",
            self.facet_nav(),
            "",
            self._records_table(self.case, cases),
        ])

    def facet_page(self, records: Sequence[Record], fld: Field) -> str:
        cases = _valid(records, "case")
        groups: dict[str, list[Record]] = {}
        for rec in cases:
            for value in facet_values(rec, fld):
                groups.setdefault(value, []).append(rec)

        def label(value: str) -> str:
            return value if fld.facet == YEAR_FACET else self.cells.value_label(fld, value)

        order = sorted(groups, key=lambda v: (v if fld.facet == YEAR_FACET else label(v).lower()))
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
            for rec in sorted(groups[value], key=lambda r: r.get("title").lower()):
                where = ", ".join(self.cells.value_label(self.case.fields["jurisdiction"], j)
                                  for j in rec.get_list("jurisdiction"))
                out.append(f"* {page_link(rec.page, rec.get('title') or rec.page)} "
                           f"({escape(years(rec))}; {escape(where)})")
        return "\n".join(out)

    def statistics(self, records: Sequence[Record]) -> str:
        cases = _valid(records, "case")
        per_year = Counter(y for r in cases for y in facet_values(r, self.case.fields["start"]))
        regions = self.case.fields["region"]
        topics = self.case.fields["topics"]
        outcome = self.case.fields["outcome"]
        per_region = Counter(v for r in cases for v in r.get_list("region"))
        per_topic = Counter(v for r in cases for v in r.get_list("topics"))
        per_outcome = Counter(r.get("outcome") or "unknown" for r in cases)
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

    def events(self, records: Sequence[Record], now: datetime) -> str:
        kind = self.schema.kinds["event"]
        today = now.strftime("%Y-%m-%dT%H:%M")
        events = _valid(records, "event")

        def ends(r: Record) -> str:
            end = r.get("end") or r.get("start")
            return end if "T" in end else end + "T23:59"

        upcoming = sorted((r for r in events if ends(r) >= today), key=lambda r: r.get("start"))
        past = sorted((r for r in events if ends(r) < today), key=lambda r: r.get("start"),
                      reverse=True)
        fields = [kind.fields[n] for n in ("start", "title", "online", "place", "topics",
                                           "languages")]
        out = [self.pages.language_bar("events", self.lang), self.msgs("advocacyhub-events-intro"),
               "", heading(self.msgs("advocacyhub-events-upcoming", len(upcoming)))]
        out.append(self._records_table(kind, upcoming, fields) if upcoming
                   else self.msgs("advocacyhub-events-none"))
        out += ["", heading(self.msgs("advocacyhub-events-past", len(past)))]
        out.append(self._records_table(kind, past, fields) if past
                   else self.msgs("advocacyhub-events-none"))
        return "\n".join(out)

    def resources(self, records: Sequence[Record]) -> str:
        kind = self.schema.kinds["resource"]
        items = sorted(_valid(records, "resource"), key=lambda r: r.get("title").lower())
        topics = kind.fields["topics"]
        out = [self.pages.language_bar("resources", self.lang),
               self.msgs("advocacyhub-resources-intro", len(items)), "",
               self._records_table(kind, items), "",
               heading(self.msgs("advocacyhub-resources-by-topic"))]
        by_topic: dict[str, list[Record]] = {}
        for rec in items:
            for t in rec.get_list("topics") or ["-"]:
                by_topic.setdefault(t, []).append(rec)
        for t in sorted(by_topic, key=lambda v: self.cells.value_label(topics, v).lower()):
            name = self.msgs("advocacyhub-resources-no-topic") if t == "-" else \
                self.cells.value_label(topics, t)
            out.append(heading(f"{name} ({len(by_topic[t])})", 3))
            for rec in by_topic[t]:
                detail = ", ".join(
                    [self.cells.value_label(kind.fields["kind"], rec.get("kind"))]
                    + [language_autonym(code) for code in rec.get_list("languages")])
                out.append(f"* {page_link(rec.page, rec.get('title') or rec.page)} "
                           f"({escape(detail)})")
        return "\n".join(out)

    def maintenance(self, records: Sequence[Record], bot_problems: Sequence[Problem]) -> str:
        problems = [p for r in records for p in r.problems]
        problems += list(bot_problems)
        problems.sort(key=lambda p: (p.page, p.kind, p.field, p.code))
        out = [self.pages.language_bar("maintenance", self.lang),
               self.msgs("advocacyhub-maint-intro", len(problems),
                         len({p.page for p in problems}))]
        if not problems:
            out.append(self.msgs("advocacyhub-maint-none"))
            return "\n".join(out)
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
        out += ["", table(headers, rows, css="advocacy-maintenance")]
        return "\n".join(out)
