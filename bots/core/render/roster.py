"""The roster, its role log and the hub's "Help wanted" page, as safe wikitext.

Pure functions of advocates, log entries, suggestions and messages. Every value goes through
bots.core.wikitext. Low-profile advocates never appear with a place: where the roster is
grouped or described by place they are listed by username only.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from bots.core.matching import JURISDICTION, LANGUAGE, REGION, TOPIC, Reason, Suggestion
from bots.core.messages import Messages
from bots.core.places import language_autonym, load_geography
from bots.core.records import Record
from bots.core.render.cells import CellRenderer
from bots.core.render.paging import PAGE_BUDGET, Layout, Part
from bots.core.render.partlinks import PageSet, PartLinks, as_layout
from bots.core.render.tables import table, table_parts
from bots.core.roles import MEMBER
from bots.core.roster import (
    ACTIVE,
    INACTIVE,
    NOTICED,
    REASON_INACTIVE,
    Advocate,
    RosterConfig,
    group,
)
from bots.core.schema import Field, Schema
from bots.core.wikitext import escape, heading, isolate, page_link, user_link


class RosterRenderer(PartLinks):
    def __init__(self, schema: Schema, msgs: Messages, pages: PageSet,
                 config: RosterConfig) -> None:
        self.schema = schema
        self.msgs = msgs
        self.pages = pages
        self.config = config
        self.cells = CellRenderer(schema, msgs)
        self.kind = schema.kind("advocate")
        self.case = schema.kind("case")

    @property
    def lang(self) -> str:
        return self.msgs.lang

    # -- pieces ---------------------------------------------------------------------------
    def user(self, name: str, *, talk: bool = True) -> str:
        out = user_link(name)
        if talk:
            out += " (" + page_link(f"User talk:{name}", self.msgs("advocacyhub-roster-talk")) + ")"
        return out

    def _advocate(self, adv: Advocate, *, talk: bool = True) -> str:
        out = self.user(adv.user, talk=talk)
        if adv.former_name:
            out += " <small>(" + escape(self.msgs("advocacyhub-roster-renamed",
                                                  adv.former_name)) + ")</small>"
        return out

    def _label(self, field: str, value: str) -> str:
        return self.cells.value_label(self.kind.field(field), value)

    def _cell(self, adv: Advocate, field: str) -> str:
        if field == "role":
            if adv.proposed:  # asked for in the entry, not given on the roles page yet
                return escape(self._label("role", adv.role)) + " <small>(" + escape(
                    self.msgs("advocacyhub-role-proposed",
                              self._label("role", adv.proposed))) + ")</small>"
            return escape(self._label("role", adv.role))
        return self.cells.cell(self.kind, adv.record, self.kind.field(field))

    def _sort_key(self, adv: Advocate, field: str) -> str:
        if field == "role":
            return self._label("role", adv.role).lower()
        return self.cells.sort_key(self.kind, adv.record, self.kind.field(field))

    def nav(self) -> str:
        links = [page_link(self.pages.title("roster", self.lang),
                           self.msgs("advocacyhub-roster-title")),
                 page_link(self.pages.titles["signup"], self.msgs("advocacyhub-roster-signup")),
                 page_link(self.pages.title("roster_log", self.lang),
                           self.msgs("advocacyhub-roster-log-title")),
                 page_link(self.pages.title("help_wanted", self.lang),
                           self.msgs("advocacyhub-match-title"))]
        for key, label in (("roles", "advocacyhub-roles-title"),
                           ("safety", "advocacyhub-safety-title")):
            if key in self.pages.titles:  # issue 24's pages (a test's page set may lack them)
                links.append(page_link(self.pages.title(key, self.lang), self.msgs(label)))
        return " · ".join(links)

    def _names(self, advocates: Sequence[Advocate], region: str = "") -> str:
        """A compact list of username links; in a region's group, each advocate's countries
        in that region after their name."""
        geo = load_geography()
        items = []
        for adv in sorted(advocates, key=lambda a: a.user.lower()):
            item = self._advocate(adv, talk=False)
            if region and adv.record.shows("jurisdictions"):
                places = [self._label("jurisdictions", j) for j in adv.values("jurisdictions")
                          if region in geo.regions(j)]
                if places:
                    item += f" ({escape(', '.join(places))})"
            items.append(item)
        return " · ".join(items)

    def _by(self, fld: Field) -> str:
        """The heading of a grouping: its own message, else "By <field label>"."""
        key = f"advocacyhub-roster-by-{fld.facet}"
        return self.msgs(key) if self.msgs.has(key) else \
            self.msgs("advocacyhub-roster-by", self.msgs.field_label(fld.name))

    def _order(self, fld: Field) -> Sequence[str] | None:
        """Groups in the order of an ``ordered`` vocabulary (regions); others by label."""
        vocab = self.schema.vocabularies.get(fld.vocabulary or "")
        return vocab.values if vocab is not None and vocab.ordered else None

    def _grouped(self, advocates: Sequence[Advocate], field: str, *, level: int = 3,
                 order: Sequence[str] | None = None) -> list[str]:
        groups, without, hidden = group(advocates, field)
        if field == "languages":
            def label(v: str) -> str:
                return language_autonym(v)
        else:
            def label(v: str) -> str:
                return self._label(field, v)
        if order is not None:
            keys = [v for v in order if v in groups]
            keys += sorted((v for v in groups if v not in order), key=lambda v: label(v).lower())
        else:
            keys = sorted(groups, key=lambda v: label(v).lower())
        out: list[str] = []
        for value in keys:
            out += [heading(f"{label(value)} ({len(groups[value])})", level),
                    self._names(groups[value], value if field == "regions" else "")]
        if hidden:
            out += [heading(self.msgs("advocacyhub-roster-place-hidden", len(hidden)), level),
                    self.msgs("advocacyhub-roster-place-hidden-note"),
                    "", self._names(hidden)]
        if without:
            out += [heading(self.msgs("advocacyhub-roster-not-given", len(without)), level),
                    self._names(without)]
        return out

    # -- the roster -----------------------------------------------------------------------
    @staticmethod
    def _by_status(advocates: Sequence[Advocate]) -> tuple[list[Advocate], list[Advocate]]:
        active = sorted((a for a in advocates if a.status in (ACTIVE, NOTICED)),
                        key=lambda a: a.user.lower())
        inactive = sorted((a for a in advocates if a.status == INACTIVE),
                          key=lambda a: a.user.lower())
        return active, inactive

    def _intro(self, active: Sequence[Advocate], inactive: Sequence[Advocate]) -> list[str]:
        public = [a for a in active if a.record.shows("regions")]
        regions = {r for a in public for r in a.values("regions")}
        languages = {lang for a in active for lang in a.values("languages")}
        return [self.pages.language_bar("roster", self.lang),
                self.msgs("advocacyhub-roster-intro", len(active), len(regions), len(languages),
                          self.msgs("advocacyhub-roster-intro-inactive", len(inactive))
                          if inactive else self.msgs("advocacyhub-roster-intro-nobody-inactive")),
                "", self.nav(), ""]

    def _active_table(self, active: Sequence[Advocate]) -> tuple[str, list[str], str]:
        fields = [f for f in self.kind.columns if f.name != self.kind.label_field]
        headers = [self.msgs.field_label(self.kind.label_field)] + [
            self.msgs.field_label(f.name) for f in fields]
        rows = [[self._advocate(a)] + [self._cell(a, f.name) for f in fields] for a in active]
        keys = [[a.user.lower()] + [self._sort_key(a, f.name) for f in fields] for a in active]
        return table_parts(headers, rows, keys, css="advocacy-roster")

    def _inactive_table(self, inactive: Sequence[Advocate]) -> tuple[str, list[str], str]:
        headers = [self.msgs.field_label("user"), self.msgs("advocacyhub-roster-reason"),
                   self.msgs("advocacyhub-roster-moved")]
        rows = [[self._advocate(a), self.reason(a), escape(a.inactive_since[:10])]
                for a in inactive]
        keys = [[a.user.lower(), a.reason, a.inactive_since] for a in inactive]
        return table_parts(headers, rows, keys, css="advocacy-roster-inactive")

    def _inactive_intro(self, inactive: Sequence[Advocate]) -> list[str]:
        return [heading(self.msgs("advocacyhub-roster-inactive", len(inactive))),
                self.msgs("advocacyhub-roster-inactive-intro",
                          round(self.config.inactive_after.days),
                          round(self.config.grace.days))]

    def roster(self, advocates: Sequence[Advocate]) -> str:
        active, inactive = self._by_status(advocates)
        out = self._intro(active, inactive)
        out.append(heading(self.msgs("advocacyhub-roster-all", len(active))))
        if active:
            head, blocks, end = self._active_table(active)
            out.append("\n".join([head, *blocks, end]))
        else:
            out.append(self.msgs("advocacyhub-roster-none"))
        for fld in self.kind.facets:
            out += ["", heading(self._by(fld))]
            out += self._grouped(active, fld.name, order=self._order(fld))
        out += ["", *self._inactive_intro(inactive)]
        if inactive:
            head, blocks, end = self._inactive_table(inactive)
            out += ["", "\n".join([head, *blocks, end])]
        return "\n".join(out)

    def _counts(self, advocates: Sequence[Advocate], field: str,
                order: Sequence[str] | None = None) -> str:
        """How many advocates each value has (the long roster's overview: no names)."""
        groups, without, hidden = group(advocates, field)

        def label(v: str) -> str:
            return language_autonym(v) if field == "languages" else self._label(field, v)
        keys = sorted(groups, key=lambda v: label(v).lower())
        if order is not None:
            keys = [v for v in order if v in groups] + [v for v in keys if v not in order]
        rows = [[escape(label(v)), str(len(groups[v]))] for v in keys]
        sort = [[label(v).lower(), f"{len(groups[v]):07d}"] for v in keys]
        if hidden:
            rows.append([escape(self.msgs("advocacyhub-roster-place-hidden", len(hidden))),
                         str(len(hidden))])
            sort.append(["~", f"{len(hidden):07d}"])
        if without:
            rows.append([escape(self.msgs("advocacyhub-roster-not-given", len(without))),
                         str(len(without))])
            sort.append(["~~", f"{len(without):07d}"])
        return table([self.msgs.field_label(field), self.msgs("advocacyhub-roster-count")],
                     rows, sort)

    def roster_pages(self, advocates: Sequence[Advocate],
                     layout: Layout | int = PAGE_BUDGET) -> dict[str, str]:
        """suffix -> text: ``""`` the roster (one page while it fits the budget, else an
        overview with the counts by region, topic and language), ``All/<letters>`` the table
        of active advocates by the first letters of their names, ``Inactive/<letters>`` the
        inactive ones. With a shared layout not frozen yet: measures, returns nothing."""
        layout = as_layout(layout)
        active, inactive = self._by_status(advocates)
        single = self.roster(advocates)
        a_head, a_blocks, a_end = self._active_table(active)
        i_head, i_blocks, i_end = self._inactive_table(inactive)
        early = self.measured(layout, "roster", single, {"roster:active": (a_blocks, a_head),
                                                         "roster:inactive": (i_blocks, i_head)})
        if early is not None:
            return early

        def intro(key: str, whole: str) -> Callable[[Part], str]:
            def say(part: Part) -> str:
                if not part.label:  # the whole list on one sub-page
                    return self.msgs(whole, len(part.items))
                return self.msgs(key, self.part_label(part.label), len(part.items))
            return say
        a_parts, a_pages = self.parted(
            "roster", layout, "roster:active", [a.user for a in active], a_blocks, "All/",
            intro("advocacyhub-roster-part-intro", "advocacyhub-roster-all"),
            head=a_head, end=a_end)
        i_parts, i_pages = self.parted(
            "roster", layout, "roster:inactive", [a.user for a in inactive], i_blocks,
            "Inactive/", intro("advocacyhub-roster-inactive-part-intro",
                               "advocacyhub-roster-inactive"), head=i_head, end=i_end)
        out = [*self._intro(active, inactive),
               heading(self.msgs("advocacyhub-roster-all", len(active))),
               self.msgs("advocacyhub-roster-parts", len(active), len(a_pages)) if active
               else self.msgs("advocacyhub-roster-none"), "", a_parts]
        for fld in self.kind.facets:
            out += ["", heading(self._by(fld)),
                    self._counts(active, fld.name, self._order(fld))]
        out += ["", *self._inactive_intro(inactive), "", i_parts]
        return {"": "\n".join(out), **a_pages, **i_pages}

    def reason(self, adv: Advocate) -> str:
        if adv.reason == REASON_INACTIVE:
            if adv.inactive_edit:
                return escape(self.msgs("advocacyhub-roster-reason-inactive",
                                        adv.inactive_edit[:10]))
            return escape(self.msgs("advocacyhub-roster-reason-never"))
        text = escape(self.msgs(f"advocacyhub-roster-reason-{adv.reason}"))
        if adv.reason in ("blocked", "locked"):
            special = "BlockList" if adv.reason == "blocked" else "CentralAuth"
            text += " (" + page_link(f"Special:{special}/{adv.user}",
                                     self.msgs("advocacyhub-roster-details")) + ")"
        return text

    # -- the role log ---------------------------------------------------------------------
    def role(self, value: str) -> str:
        if not value:
            return f"<small>{escape(self.msgs('advocacyhub-roster-log-nobody'))}</small>"
        return escape(self._label("role", value))

    def _log_table(self, entries: Sequence[Mapping[str, Any]],
                   ) -> tuple[list[Mapping[str, Any]], tuple[str, list[str], str]]:
        headers = [self.msgs("advocacyhub-roster-log-date"), self.msgs.field_label("user"),
                   self.msgs("advocacyhub-roster-log-old"), self.msgs("advocacyhub-roster-log-new"),
                   self.msgs("advocacyhub-roster-log-by"), self.msgs("advocacyhub-roster-log-edit")]
        ordered = sorted(entries, key=lambda e: (e.get("at", ""), e.get("user", "")),
                         reverse=True)
        rows, keys = [], []
        for e in ordered:
            by = e.get("by", "")
            revid = int(e.get("revid", 0) or 0)
            rows.append([
                escape(e.get("at", "")[:10]),
                self.user(e.get("user", "")),
                self.role(e.get("old", "")),
                self.role(e.get("new", "")),
                user_link(by) if by else escape(self.msgs("advocacyhub-roster-log-unknown")),
                page_link(f"Special:Diff/{revid}", self.msgs("advocacyhub-roster-log-diff"))
                if revid else page_link(e.get("page", "")) if e.get("page") else "",
            ])
            keys.append([e.get("at", ""), e.get("user", "").lower(), e.get("old", ""),
                         e.get("new", ""), by.lower(), str(revid).zfill(12)])
        return ordered, table_parts(headers, rows, keys, css="advocacy-roster-log")

    def _log_intro(self, entries: Sequence[Mapping[str, Any]]) -> list[str]:
        return [self.pages.language_bar("roster_log", self.lang),
                self.msgs("advocacyhub-roster-log-intro", len(entries)), "", self.nav(), ""]

    def log(self, entries: Sequence[Mapping[str, Any]]) -> str:
        out = self._log_intro(entries)
        if not entries:
            out.append(self.msgs("advocacyhub-roster-log-none"))
            return "\n".join(out)
        _, (head, blocks, end) = self._log_table(entries)
        out.append("\n".join([head, *blocks, end]))
        return "\n".join(out)

    def log_pages(self, entries: Sequence[Mapping[str, Any]],
                  layout: Layout | int = PAGE_BUDGET) -> dict[str, str]:
        """suffix -> text: the role log while it fits, else an overview and sub-pages by the
        date of the change (``2025``, ``2026-0`` ...)."""
        layout = as_layout(layout)
        single = self.log(entries)
        ordered, (head, blocks, end) = self._log_table(entries)
        early = self.measured(layout, "roster_log", single, {"roster_log:rows": (blocks, head)})
        if early is not None:
            return early
        parts, pages = self.parted(
            "roster_log", layout, "roster_log:rows", [e.get("at", "")[:10] for e in ordered],
            blocks, "", self.list_intro, head=head, end=end)
        return {"": "\n".join([*self._log_intro(entries),
                               self.msgs("advocacyhub-list-parts", len(pages)), "", parts]),
                **pages}

    # -- matchmaking ----------------------------------------------------------------------
    def _reason_label(self, kind: str, value: str) -> str:
        if kind == TOPIC:
            return self._label("topics", value)
        if kind == JURISDICTION:
            return self.cells.value_label(self.case.field("jurisdiction"), value)
        if kind == REGION:
            return self._label("regions", value)
        if kind == LANGUAGE:
            return language_autonym(value)
        return value

    def reason_text(self, kind: str, value: str) -> str:
        """One reason of a match as plain text ("works on Copyright")."""
        return self.msgs(f"advocacyhub-match-reason-{kind}", self._reason_label(kind, value))

    def reasons_text(self, reasons: Sequence[Reason]) -> str:
        """Plain text: "works on Copyright, Freedom of panorama; works in Brazil; speaks …"."""
        by_kind: dict[str, list[str]] = {}
        for r in reasons:
            by_kind.setdefault(r.kind, []).append(self._reason_label(r.kind, r.value))
        return "; ".join(self.msgs(f"advocacyhub-match-reason-{kind}", ", ".join(labels))
                         for kind, labels in by_kind.items())

    def suggestion(self, s: Suggestion) -> str:
        reasons = self.reasons_text(s.reasons)
        role = "" if s.role == "member" else f" ({escape(self._label('role', s.role))})"
        return f"* {self.user(s.user)}{role}: {escape(reasons)}"

    def _help_intro(self, items: Sequence[tuple[Record, Sequence[Suggestion]]]) -> list[str]:
        return [self.pages.language_bar("help_wanted", self.lang),
                self.msgs("advocacyhub-match-intro", len(items), self.config.max_suggestions),
                "", self.nav()]

    def _help_blocks(self, items: Sequence[tuple[Record, Sequence[Suggestion]]],
                     ) -> tuple[list[str], list[str]]:
        """(each case's title, its block), alerts first."""
        ordered = sorted(items, key=lambda it: (it[0].value("alert") != "yes",
                                                it[0].value("title").lower()))
        names, blocks = [], []
        for case, suggestions in ordered:
            title = case.value("title") or case.page
            where = ", ".join(self.cells.value_label(self.case.field("jurisdiction"), j)
                              for j in case.values("jurisdiction"))
            topics = ", ".join(self.cells.value_label(self.case.field("topics"), t)
                               for t in case.values("topics"))
            out = ["", heading(title, 3)]
            line = page_link(case.page, title)
            if case.value("alert") == "yes":
                line = f"'''{escape(self.msgs('advocacyhub-match-alert'))}''' · " + line
            detail = " · ".join(x for x in (where, topics) if x)
            out.append(line + (f" ({escape(detail)})" if detail else ""))
            if case.value("help_wanted"):
                out += ["", f"{escape(self.msgs('advocacyhub-match-help-wanted'))} "
                            f"{isolate(case.value('help_wanted'), 500)}"]
            out.append("")
            if suggestions:
                out.append(escape(self.msgs("advocacyhub-match-suggested", len(suggestions))))
                out += [self.suggestion(s) for s in suggestions]
            else:
                out.append(escape(self.msgs("advocacyhub-match-none")))
            names.append(title)
            blocks.append("\n".join(out))
        return names, blocks

    def help_wanted(self, items: Sequence[tuple[Record, Sequence[Suggestion]]]) -> str:
        out = self._help_intro(items)
        if not items:
            out += ["", self.msgs("advocacyhub-match-no-cases")]
            return "\n".join(out)
        return "\n".join([*out, *self._help_blocks(items)[1]])

    def help_wanted_pages(self, items: Sequence[tuple[Record, Sequence[Suggestion]]],
                          layout: Layout | int = PAGE_BUDGET) -> dict[str, str]:
        """suffix -> text: "Help wanted" while it fits, else an overview and sub-pages by the
        first letters of the case titles."""
        layout = as_layout(layout)
        single = self.help_wanted(items)
        names, blocks = self._help_blocks(items)
        early = self.measured(layout, "help_wanted", single, {"help_wanted:cases": (blocks, "")})
        if early is not None:
            return early
        parts, pages = self.parted("help_wanted", layout, "help_wanted:cases", names, blocks,
                                   "", self.list_intro)
        return {"": "\n".join([*self._help_intro(items), "",
                               self.msgs("advocacyhub-list-parts", len(pages)), "", parts]),
                **pages}


def roles_page(renderer: RosterRenderer, advocates: Sequence[Advocate], endorsements: str,
               releases: str = "") -> str:
    """The "Roles" page: what each role means, who holds it, whose entry proposes it, and
    how a role is given (an endorsement line on ``endorsements``, bots.core.roles)."""
    msgs, kind = renderer.msgs, renderer.kind
    vocab = renderer.schema.vocabularies[kind.field("role").vocabulary or "roles"]
    out = [renderer.pages.language_bar("roles", renderer.lang),
           msgs("advocacyhub-roles-intro"), "", renderer.nav(), ""]
    active = [a for a in advocates if a.status != INACTIVE]
    for role in vocab.values:
        out.append(heading(renderer._label("role", role)))
        key = f"advocacyhub-role-def-{role}"
        out.append(msgs(key) if msgs.has(key) else "")
        if role == MEMBER:
            out.append("")
            continue
        holders = [a for a in active if a.role == role]
        proposed = [a for a in active if a.proposed == role]
        out.append("")
        out.append(f"* '''{escape(msgs('advocacyhub-roles-holders', len(holders)))}''' "
                   + (renderer._names(holders) if holders
                      else escape(msgs("advocacyhub-roles-nobody"))))
        if proposed:
            out.append(f"* '''{escape(msgs('advocacyhub-roles-proposed', len(proposed)))}''' "
                       + renderer._names(proposed))
        out.append("")
    out += [heading(msgs("advocacyhub-roles-how-heading")),
            msgs("advocacyhub-roles-how", page_link(endorsements)),
            "", "<code><nowiki>* coordinator: [[User:Example]]</nowiki></code>"]
    if releases:
        out += ["", msgs("advocacyhub-roles-releases", page_link(releases)), "",
                "<code><nowiki>* [[Advocacy Hub/Cases/Example]]</nowiki></code>"]
    return "\n".join(out)
