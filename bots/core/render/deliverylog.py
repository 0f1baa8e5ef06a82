"""Delivery logs (a newsletter issue's, the digests'): one row per recipient, split into
sub-pages by username past the page budget (bots.core.render.paging)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC

from babel import UnknownLocaleError
from babel.dates import format_skeleton
from babel.lists import format_list

from bots.core.delivery import ALREADY, DELIVERED, FAILED, SKIPPED, DeliveryReport
from bots.core.messages import Messages
from bots.core.render.paging import PAGE_BUDGET, Layout, size
from bots.core.render.partlinks import PageSet, PartLinks
from bots.core.render.tables import table_parts
from bots.core.times import parse_time
from bots.core.wikitext import escape, page_link

LOG = "log"  # the one page key of a log's PageSet


class DeliveryLog(PartLinks):
    def __init__(self, msgs: Messages, title: str) -> None:
        self.msgs = msgs
        self.pages = PageSet({LOG: title}, msgs.lang, [msgs.lang])  # one language: no bar

    def _intro(self, report: DeliveryReport, total: int) -> list[str]:
        out = [line(self.msgs, report, total)]
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


def what(msgs: Messages, report: DeliveryReport) -> str:
    """What was delivered, in words: "Newsletter issue 2026-12", "Urgent alert about
    [[case]]", "Hub digest for 2026-W49", "Personal digest for 2026-W49" (from the delivery
    id, and an alert's case)."""
    kind, _, rest = report.delivery_id.partition(":")
    if kind == "newsletter":
        return msgs("advocacyhub-deliverylog-about-newsletter", escape(rest))
    if kind == "alert":
        if len(report.about) == 2:
            page, title = report.about
            return msgs("advocacyhub-deliverylog-about-alert", page_link(page, title or page))
        return msgs("advocacyhub-deliverylog-about-alert-unnamed")
    if kind == "digest":
        who, _, period = rest.partition(":")
        key = "hub-digest" if who == "hub" else "personal-digest"
        return msgs(f"advocacyhub-deliverylog-about-{key}", escape(period))
    return escape(report.delivery_id)


def when(msgs: Messages, stamp: str) -> str:
    """An ISO time (UTC) as the language writes a date and a time ("Dec 6, 2026 20:15")."""
    try:
        at = parse_time(stamp)
    except ValueError:
        at = None
    if at is None:
        return ""
    locale = msgs.lang.replace("-", "_")
    try:
        day, time = (format_skeleton(s, at, tzinfo=UTC, locale=locale) for s in ("yMMMd", "Hm"))
    except (UnknownLocaleError, ValueError):
        return at.strftime("%Y-%m-%d %H:%M")
    return f"{day} {time}"


def counts(msgs: Messages, report: DeliveryReport) -> str:
    """The outcomes that happened, as the language lists them ("9 delivered and 1 skipped")."""
    parts = [msgs(f"advocacyhub-deliverylog-count-{result}", n)
             for result in (DELIVERED, ALREADY, SKIPPED, FAILED)
             if (n := report.count(result))]
    try:
        return format_list(parts, locale=msgs.lang.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return ", ".join(parts)


def line(msgs: Messages, report: DeliveryReport, total: int) -> str:
    """The log's first line: what was delivered, when, to how many recipients, and how it
    went for them."""
    subject, at = what(msgs, report), when(msgs, report.at)
    # ``total``: the people it is for (a paused delivery has no outcome yet); the table may
    # list more (a line someone else added for them: skipped, and listed).
    recipients = max(total, len(report.outcomes))
    if not recipients:
        return msgs("advocacyhub-deliverylog-line-none", subject)
    if not report.outcomes:
        return msgs("advocacyhub-deliverylog-line-waiting", subject, recipients)
    if at:
        return msgs("advocacyhub-deliverylog-line", subject, at, recipients,
                    counts(msgs, report))
    return msgs("advocacyhub-deliverylog-line-undated", subject, recipients,
                counts(msgs, report))


def fitting(texts: Sequence[str], budget: int) -> list[str]:
    """The leading texts (newest first) that fit ``budget`` together; at least the first."""
    out: list[str] = []
    used = 0
    for text in texts:
        if out and used + size(text) + 2 > budget:
            break
        out.append(text)
        used += size(text) + 2
    return out
