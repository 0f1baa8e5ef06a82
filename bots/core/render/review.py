"""The cases due for review as wikitext: their own page (split like the other long lists),
a section of the maintenance report, and the lines of a personal digest."""

from __future__ import annotations

from collections.abc import Sequence

from bots.core.messages import Messages
from bots.core.render.paging import Layout
from bots.core.render.partlinks import PageSet, PartLinks, as_layout
from bots.core.render.tables import table_parts
from bots.core.review import LESSONS, Due
from bots.core.wikitext import escape, heading, page_link, user_link

KEY = "review_due"  # the page set's key (config: [hub.pages] review_due)
MAINTENANCE_ROWS = 50  # the oldest cases shown on the maintenance report; the rest: the page


class ReviewRenderer(PartLinks):
    def __init__(self, msgs: Messages, pages: PageSet) -> None:
        self.msgs = msgs
        self.pages = pages

    def _reason(self, d: Due, after_days: int) -> str:
        # The threshold, not the days since the edit: the page then changes only when the
        # set of due cases does, not every day.
        return self.msgs("advocacyhub-review-reason-lessons" if d.reason == LESSONS
                         else "advocacyhub-review-reason-stale", after_days)

    def _table(self, due: Sequence[Due], after_days: int) -> tuple[str, list[str], str]:
        m = self.msgs
        headers = [m("advocacyhub-review-case"), m.field_label("status"),
                   m("advocacyhub-review-why"), m("advocacyhub-review-edited"),
                   m("advocacyhub-review-editor")]
        rows = [[page_link(d.page, d.title), escape(m.label("status", d.status)),
                 escape(self._reason(d, after_days)), escape(d.edited[:10]),
                 user_link(d.editor) if d.editor else ""] for d in due]
        keys = [["", d.status, d.reason, d.edited, d.editor.lower()] for d in due]
        return table_parts(headers, rows, keys, css="advocacy-review-due")

    def _intro(self, count: int, after_days: int) -> str:
        return self.msgs("advocacyhub-review-intro", count, after_days)

    def review_pages(self, due: Sequence[Due], after_days: int,
                     layout: Layout | int) -> dict[str, str]:
        """suffix -> text: the page of due cases (oldest edit first) while it fits, else an
        overview and sub-pages by the first letters of the titles."""
        layout = as_layout(layout)
        intro = [self.pages.language_bar(KEY, self.lang), self._intro(len(due), after_days)]
        if not due:
            layout.measure(KEY, 0, [])
            return {"": "\n".join([*intro, "", self.msgs("advocacyhub-review-none")])} \
                if layout.frozen else {}
        head, blocks, end = self._table(due, after_days)
        single = "\n".join([*intro, "", head, *blocks, end])
        early = self.measured(layout, KEY, single, {f"{KEY}:all": (blocks, head)})
        if early is not None:
            return early
        parts, pages = self.parted(KEY, layout, f"{KEY}:all", [d.title for d in due], blocks,
                                   "All/", self.list_intro, head=head, end=end)
        return {"": "\n".join([*intro, "", self.msgs("advocacyhub-list-parts", len(pages)), "",
                               parts]), **pages}

    def maintenance_section(self, due: Sequence[Due], after_days: int) -> str:
        """The section of the maintenance report: the oldest cases, and the link to all."""
        m = self.msgs
        out = [heading(m("advocacyhub-review-heading", len(due))), self._intro(len(due),
                                                                               after_days)]
        if not due:
            return "\n".join([*out, m("advocacyhub-review-none")])
        head, blocks, end = self._table(due[:MAINTENANCE_ROWS], after_days)
        out += [head, *blocks, end]
        out.append(m("advocacyhub-review-all", page_link(self.pages.title(KEY, self.lang)),
                     len(due)))
        return "\n".join(out)

    def digest_lines(self, due: Sequence[Due]) -> str:
        """A personal digest's part: the cases this contact is asked to look at again."""
        m = self.msgs
        out = [heading(m("advocacyhub-review-digest-heading", len(due)), 3),
               m("advocacyhub-review-digest-intro")]
        for d in due:
            line = page_link(d.page, d.title)
            if d.reason == LESSONS:
                out.append(f"* {line} – {escape(m('advocacyhub-review-digest-lessons'))}")
            else:
                out.append(f"* {line} – " + escape(m("advocacyhub-review-digest-stale",
                                                     d.edited[:10], d.days)))
        return "\n".join(out)
