"""Delivery logs (the newsletter's, the digests'): one text, or a page and its parts."""

from __future__ import annotations

from bots.core.delivery import DeliveryReport
from bots.core.render.deliverylog import DeliveryLog
from bots.jobs.context import JobContext
from bots.wiki.pages import PageText


def log_page(ctx: JobContext, report: DeliveryReport, total: int) -> str:
    """The whole delivery log of ``report`` as one text."""
    return DeliveryLog(ctx.messages(), "").text(report, total)


def write_log(ctx: JobContext, page: PageText, section: str, report: DeliveryReport,
              total: int, summary: str) -> None:
    """The delivery log on ``page``, and past the page budget on its sub-pages by
    username (the page keeps the counts and the list of parts)."""
    texts = DeliveryLog(ctx.messages(), page.title).pages_of(report, total,
                                                             ctx.wiki.page_budget)
    subs = {f"{page.title}/{suffix}": text for suffix, text in texts.items() if suffix}
    current = ctx.wiki.read(list(subs)) if subs else {}
    for title, text in subs.items():
        ctx.wiki.save_section(current[title], section, text, summary)
    ctx.wiki.save_section(page, section, texts[""], summary)
