"""The hub's generated pages: their titles in every language, and the page budget."""

from __future__ import annotations

from bots.core.render.directory import directory_titles
from bots.core.render.partlinks import PageSet
from bots.jobs.context import JobContext


def page_set(ctx: JobContext) -> PageSet:
    titles = {**ctx.profile.hub.pages.titles(), **directory_titles(ctx.schema, ctx.profile.root),
              "front": ctx.profile.root}  # the hub's front page
    return PageSet(titles=titles, base_lang=ctx.profile.language,
                   languages=ctx.profile.languages, messages=ctx.messages,
                   directories=[k.name for k in ctx.schema.kinds.values() if k.directory])


def page_budget(ctx: JobContext) -> int:
    return ctx.profile.limits.page_bytes
