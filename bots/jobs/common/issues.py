"""The renderer of the newsletter's issues (used by the digests too)."""

from __future__ import annotations

from bots.core.messages import Messages
from bots.core.newsletter import IssueRenderer
from bots.core.wikitext import page_link
from bots.jobs.common.pagesets import page_set
from bots.jobs.context import JobContext


def issue_renderer(ctx: JobContext, msgs: Messages) -> IssueRenderer:
    """The renderer of issues and digests: lists capped at ``[newsletter] max_items``, the
    rest counted, with a link to the case index in the reader's language."""
    lang = msgs.lang if msgs.lang in ctx.profile.languages else ctx.profile.language
    index = page_link(page_set(ctx).title("cases", lang), msgs("advocacyhub-newsletter-index-link"))
    return IssueRenderer(ctx.schema, msgs, max_items=ctx.profile.newsletter.max_items,
                         more=index)
