"""`advocacy-bot templates build|install`: the record templates, generated from the schema."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from bots import statepages
from bots.core.luadata import CONFIG_PAGE, config_json
from bots.core.schema import Schema
from bots.core.wikitemplates import CREATE_ONLY, file_name, template_pages
from bots.paths import TEMPLATES_DIR

if TYPE_CHECKING:  # building the files needs no wiki (nor pywikibot)
    from bots.jobs.context import JobContext


def build(schema: Schema, directory: Path = TEMPLATES_DIR) -> list[Path]:
    """Write every template page to wikitemplates/; returns the files that changed."""
    directory.mkdir(exist_ok=True)
    changed = []
    for title, text in template_pages(schema).items():
        path = directory / file_name(title)
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            changed.append(path)
    return changed


def stale_files(schema: Schema, directory: Path = TEMPLATES_DIR) -> list[str]:
    """Template files that differ from what the schema generates (should be none)."""
    return [
        title for title, text in template_pages(schema).items()
        if not (directory / file_name(title)).exists()
        or (directory / file_name(title)).read_text(encoding="utf-8") != text
    ]


def install(ctx: JobContext) -> None:
    """Put the templates on the wiki; pages that are already current are not touched, and
    the vocabularies page only created (once there, it is the community's)."""
    pages = template_pages(ctx.schema)
    # Where Module:Advocacy finds the bot's case table (the profile's bot user).
    pages[CONFIG_PAGE] = config_json(ctx.profile.state_page(statepages.CASES))
    ctx.wiki.also_allowed.update(ctx.wiki.page(t).title() for t in pages)
    current = ctx.wiki.read(pages)
    summary = ctx.summary("advocacyhub-summary-templates")
    for title, text in pages.items():
        ctx.stats.records += 1
        if title in CREATE_ONLY and current[title].exists:
            continue
        ctx.wiki.save(current[title], text, summary)
