"""Delivery logs (a newsletter issue's, the digests'): one row per recipient, split into
sub-pages by username past the page budget (bots.core.render.paging)."""

from __future__ import annotations

from collections.abc import Sequence

from bots.core.delivery import ALREADY, DELIVERED, FAILED, SKIPPED, DeliveryReport
from bots.core.messages import Messages
from bots.core.render.paging import PAGE_BUDGET, Layout, size
from bots.core.render.partlinks import PageSet, PartLinks
from bots.core.render.tables import table_parts
from bots.core.wikitext import escape, page_link

LOG = "log"  # the one page key of a log's PageSet


class DeliveryLog(PartLinks):
    def __init__(self, msgs: Messages, title: str) -> None:
        self.msgs = msgs
        self.pages = PageSet({LOG: title}, msgs.lang, [msgs.lang])  # one language: no bar

    def _intro(self, report: DeliveryReport, total: int) -> list[str]:
        out = [self.msgs("advocacyhub-deliverylog-intro", report.delivery_id, total,
                         report.count(DELIVERED), report.count(ALREADY), report.count(SKIPPED),
                         report.count(FAILED))]
        if report.paused:
            out.append("\n'''" + escape(self.msgs("advocacyhub-deliverylog-paused",
                                                  report.paused)) + "'''")
        return out

    def _rows(self, report: DeliveryReport) -> tuple[list[str], tuple[str, list[str], str]]:
        msgs = self.msgs
        outcomes = sorted(report.outcomes, key=lambda o: o.user.lower())
        rows = []
        for o in outcomes:
            key = f"advocacyhub-skip-{o.reason}"
            reason = msgs(key, o.detail) if o.reason and msgs.has(key) else o.reason
            rows.append([escape(o.user), page_link(o.page) if o.page else "–",
                         escape(msgs(f"advocacyhub-deliveryresult-{o.result}")), escape(reason)])
        headers = [msgs(f"advocacyhub-deliverylog-{k}") for k in ("user", "page", "result",
                                                                  "reason")]
        return [o.user for o in outcomes], table_parts(headers, rows,
                                                       css="advocacy-delivery-log")

    def text(self, report: DeliveryReport, total: int) -> str:
        """The whole log as one text."""
        _, (head, blocks, end) = self._rows(report)
        return "\n".join([*self._intro(report, total), "\n".join([head, *blocks, end])])

    def pages_of(self, report: DeliveryReport, total: int,
                 budget: int = PAGE_BUDGET) -> dict[str, str]:
        """suffix -> text: the log while it fits ``budget``, else its counts and the list of
        parts, and sub-pages of the table by the first letters of the usernames."""
        single = self.text(report, total)
        if size(single) <= budget:
            return {"": single}
        layout = Layout(budget, solo=True)
        names, (head, blocks, end) = self._rows(report)
        self.measure_list(layout, "rows", blocks, head)
        parts, pages = self.parted(LOG, layout, "rows", names, blocks, "", self.list_intro,
                                   head=head, end=end)
        return {"": "\n".join([*self._intro(report, total), "",
                               self.msgs("advocacyhub-list-parts", len(pages)), "", parts]),
                **pages}


def fitting(texts: Sequence[str], budget: int) -> list[str]:
    """The leading texts (newest first) that fit ``budget`` together; at least the first."""
    out, used = [], 0
    for text in texts:
        if out and used + size(text) + 2 > budget:
            break
        out.append(text)
        used += size(text) + 2
    return out
