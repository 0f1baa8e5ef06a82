"""The hub's front page and the featured case's block (pure).

The front page's generated section: three buttons (MediaWiki's InputBox) for what people come
to do (document a case, join as an advocate, subscribe to the newsletter), then the featured
case, the latest cases, upcoming events, help wanted and the hub's numbers, each linking on to
the page that has the rest. Lists are short (``FRONT_ITEMS``), so the page stays small whatever
the number of records. The human introduction is outside the markers, the editors'.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bots.core.dates import utc_of
from bots.core.featured import PROPOSAL_DAYS, Featured
from bots.core.matching import needs_help
from bots.core.messages import Messages
from bots.core.records import Record
from bots.core.render.cells import CellRenderer, years
from bots.core.render.partlinks import PageSet
from bots.core.render.safety import safety_line
from bots.core.schema import Schema
from bots.core.wikitext import escape, heading, isolate, page_link

FRONT_ITEMS = 5  # entries of each list on the front page
SUMMARY_CHARS = 400  # of the featured case's summary
# The pages editors keep the hub in order with (the digests' log is in one language only).
EDITOR_PAGES = (("maintenance", "advocacyhub-nav-maintenance"),
                ("review_due", "advocacyhub-nav-review"),
                ("roster_log", "advocacyhub-nav-roster-log"),
                ("digest_log", "advocacyhub-nav-digest-log"))


def featured_block(schema: Schema, msgs: Messages, featured: Featured | None, month: str,
                   level: int = 2) -> str:
    """The featured case: its link, where and when, its summary, and who chose it (an
    editor, or the bot's proposal, said so)."""
    out = [heading(msgs("advocacyhub-featured-heading"), level)]
    if featured is None:
        return "\n".join([*out, "''" + escape(msgs("advocacyhub-featured-none", month)) + "''"])
    rec = featured.record
    cells = CellRenderer(schema, msgs)
    where = ", ".join(cells.value_label(schema.kind("case").field("jurisdiction"), j)
                      for j in rec.values("jurisdiction"))
    out.append(f"'''{page_link(rec.page, rec.label or rec.page)}''' ({escape(where)}; "
               f"{escape(years(rec))})")
    out.append(f": {isolate(rec.value('summary'), SUMMARY_CHARS)} "
               f"({page_link(rec.page, msgs('advocacyhub-featured-read'))})")
    note = msgs("advocacyhub-featured-picked", featured.month) if featured.picked else \
        msgs("advocacyhub-featured-proposed", featured.month, PROPOSAL_DAYS)
    out.append(": ''" + escape(note) + "''")
    return "\n".join(out)


@dataclass(frozen=True)
class Buttons:
    """Where the buttons lead: the cases prefix, the sign-up and subscribers pages, and the
    preload page of each (in the reader's language)."""

    cases_prefix: str
    signup: str
    subscribers: str
    case_preload: str
    advocate_preload: str
    subscriber_preload: str
    # Where new events and resources go (a title prefix), and their preload pages; "": none.
    events_prefix: str = ""
    resources_prefix: str = ""
    event_preload: str = ""
    resource_preload: str = ""
    safety: str = ""  # the "Safety and support" page in the reader's language: the Join
    # form's edit intro (shown above the sign-up's edit box)


class FrontPage:
    def __init__(self, schema: Schema, msgs: Messages, pages: PageSet, buttons: Buttons) -> None:
        self.schema = schema
        self.msgs = msgs
        self.pages = pages
        self.buttons = buttons
        self.cells = CellRenderer(schema, msgs)

    @property
    def lang(self) -> str:
        return self.msgs.lang

    def _link_on(self, key: str, label: str) -> str:
        return f"'''{page_link(self.pages.title(key, self.lang), label)} →'''"

    def _number(self, key: str, text: str) -> str:
        if key not in self.pages.titles:
            return "* " + escape(text)
        return "* " + page_link(self.pages.title(key, self.lang), text)

    @staticmethod
    def _inputbox(**options: str) -> str:
        # Values are the profile's titles and the messages (no new lines): one option a line.
        lines = [f"{k}={v.replace(chr(10), ' ')}" for k, v in options.items()]
        return "<inputbox>\n" + "\n".join(lines) + "\n</inputbox>"

    def button_boxes(self) -> list[str]:
        m, b = self.msgs, self.buttons
        intro = {"editintro": b.safety} if b.safety else {}
        return [
            # A title, then the new page under the cases prefix with the template preloaded.
            # 24 characters: the box fits a phone's column beside the desktop skin's sidebar.
            self._inputbox(type="create", prefix=b.cases_prefix, preload=b.case_preload,
                           buttonlabel=m("advocacyhub-front-document-button"),
                           placeholder=m("advocacyhub-front-document-placeholder"),
                           width="24", id="advocacy-document-case"),
            m("advocacyhub-front-document-hint"),
            # A new section of the shared page, without a heading (nosummary), preloaded
            # with a line that names whoever saves it.
            self._inputbox(type="comment", hidden="yes", default=b.signup, nosummary="yes",
                           preload=b.advocate_preload,
                           buttonlabel=m("advocacyhub-front-join-button"),
                           id="advocacy-join", **intro),
            m("advocacyhub-front-join-hint")
            + (" " + safety_line(m, self.pages) if "safety" in self.pages.titles else ""),
            self._inputbox(type="comment", hidden="yes", default=b.subscribers,
                           nosummary="yes", preload=b.subscriber_preload,
                           buttonlabel=m("advocacyhub-front-subscribe-button"),
                           id="advocacy-subscribe"),
            m("advocacyhub-front-subscribe-hint"),
            *self.add_button("event"),
            *self.add_button("resource"),
        ]

    def add_button(self, what: str) -> list[str]:
        """"Add an event" (``event``) or "Add a resource" (``resource``) and its hint, as
        on the front page (the events and resources pages show them too); [] when the
        profile gives no place for them."""
        b = self.buttons
        if what == "event":
            return self._create_box(b.events_prefix, b.event_preload, what)
        return self._create_box(b.resources_prefix, b.resource_preload, what)

    def _create_box(self, prefix: str, preload: str, what: str) -> list[str]:
        """A title, then a new page under ``prefix`` with its template preloaded (as for a
        case): "Add an event", "Add a resource"."""
        if not prefix:
            return []
        m = self.msgs
        return [self._inputbox(type="create", prefix=prefix, preload=preload,
                               buttonlabel=m(f"advocacyhub-front-{what}-button"),
                               placeholder=m(f"advocacyhub-front-{what}-placeholder"),
                               width="24", id=f"advocacy-add-{what}"),
                m(f"advocacyhub-front-{what}-hint")]

    def _case_line(self, rec: Record) -> str:
        where = ", ".join(self.cells.value_label(self.schema.kind("case").field("jurisdiction"),
                                                 j) for j in rec.values("jurisdiction"))
        return f"* {page_link(rec.page, rec.label or rec.page)} ({escape(where)}; " \
            f"{escape(years(rec))})"

    @staticmethod
    def upcoming(records: Sequence[Record], now: datetime) -> list[Record]:
        """Events that have not ended (as the events page has them), soonest first."""
        today = now.strftime("%Y-%m-%dT%H:%M")
        events = [r for r in records if r.kind == "event"
                  and utc_of(r.value("end") or r.value("start"), r.value("timezone"),
                             end_of_day=True) >= today]
        return sorted(events, key=lambda r: (utc_of(r.value("start"), r.value("timezone")),
                                             r.page, r.index))

    def render(self, records: Sequence[Record], featured: Featured | None,
               now: datetime) -> str:
        m = self.msgs
        cases = [r for r in records if r.kind == "case"]
        # The most recently edited first: by revision id, which orders edits of the same
        # second too (timestamps have one-second resolution).
        latest = sorted(cases, key=lambda r: (-r.revid, r.page, r.index))[:FRONT_ITEMS]
        upcoming = self.upcoming(records, now)
        helped = sorted((r for r in cases if needs_help(r)),
                        key=lambda r: (r.label or r.page).casefold())
        advocates = {r.value("user") for r in records if r.kind == "advocate"}
        resources = [r for r in records if r.kind == "resource"]
        places = {j for r in cases for j in r.values("jurisdiction")}
        # No table of contents: the page is read top to bottom, buttons first.
        out = ["__NOTOC__" + self.pages.language_bar("front", self.lang),
               heading(m("advocacyhub-front-start-heading")), *self.button_boxes(), "",
               featured_block(self.schema, m, featured, now.strftime("%Y-%m")), "",
               heading(m("advocacyhub-front-latest-heading")),
               *(self._case_line(r) for r in latest),
               self._link_on("cases", m("advocacyhub-front-all-cases", len(cases))), "",
               heading(m("advocacyhub-front-events-heading"))]
        out += [f"* {escape(self.cells.when(r))} – "
                f"{page_link(r.page, r.label or r.page)}" for r in upcoming[:FRONT_ITEMS]] \
            or [m("advocacyhub-front-events-none")]
        out += [self._link_on("events", m("advocacyhub-front-all-events")), "",
                heading(m("advocacyhub-front-help-heading"))]
        out += [f"* {page_link(r.page, r.label or r.page)}"
                + (f" – {isolate(r.value('help_wanted'), 200)}" if r.value("help_wanted")
                   else "") for r in helped[:FRONT_ITEMS]] or [m("advocacyhub-front-help-none")]
        out += [self._link_on("help_wanted", m("advocacyhub-front-all-help")), "",
                heading(m("advocacyhub-front-numbers-heading")),
                # Each number links to the page that lists what it counts.
                self._number("cases", m("advocacyhub-front-numbers-cases", len(cases),
                                        len(places))),
                self._number("roster", m("advocacyhub-front-numbers-advocates", len(advocates))),
                self._number("events", m("advocacyhub-front-numbers-events", len(upcoming))),
                self._number("resources", m("advocacyhub-front-numbers-resources",
                                            len(resources))),
                self._link_on("statistics", m("advocacyhub-front-statistics")), "",
                *self.editors_section()]
        return "\n".join(out)

    def editors_section(self) -> list[str]:
        """The pages that keep the hub in order, one click away: the maintenance report,
        the cases due for review, the roster's log and the digests' log."""
        links = [page_link(self.pages.title(key, self.lang) if key != "digest_log"
                           else self.pages.titles[key], self.msgs(message))
                 for key, message in EDITOR_PAGES if key in self.pages.titles]
        if not links:
            return []
        return [heading(self.msgs("advocacyhub-front-editors-heading")),
                self.msgs("advocacyhub-front-editors-intro") + " " + " · ".join(links)]
