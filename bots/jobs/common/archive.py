"""The newsletter's archive page, in every language: written by `run newsletter` after the
issue (bots.core.render.archive)."""

from __future__ import annotations

from bots.core.render.archive import KEY, Archive
from bots.jobs.common.pagesets import page_set
from bots.jobs.common.sections import write_changed
from bots.jobs.context import JobContext
from bots.wiki.listings import prefixed_titles


def write_archive(ctx: JobContext, summary: str) -> None:
    """Two listing requests (the issues, their talk pages); an edit only when the archive
    changed."""
    pages = page_set(ctx)
    prefix = pages.titles[KEY] + "/"
    subpages = [t[len(prefix):] for t in prefixed_titles(ctx.site, prefix)]
    talks = [t[len(prefix):] for t in prefixed_titles(ctx.site, prefix, namespace=1)]
    sections = {pages.title(KEY, lang): ("newsletter-archive",
                                         Archive(ctx.messages(lang), pages).render(subpages,
                                                                                   talks))
                for lang in ctx.profile.languages}
    write_changed(ctx, sections, {}, set(), summary, [])
