"""What the jobs know of a person they write to: the language of a message, the roster's
settings (the alerts show the roster's reasons)."""

from __future__ import annotations

from collections.abc import Iterable

from bots.core.roster import RosterConfig
from bots.jobs.context import JobContext


def language_for(ctx: JobContext, codes: Iterable[str]) -> str:
    """The language to write to a person in (talk-page notices, alerts, digests, newsletter
    issues): the first of ``codes`` (the languages of their record, in their order) that the
    hub writes in, a regional code (``es-MX``) counting as its base language (``es``); else
    the wiki's content language."""
    for code in codes:
        for candidate in (code, code.split("-")[0]):
            if candidate in ctx.profile.languages:
                return candidate
    return ctx.profile.language


def roster_config(ctx: JobContext) -> RosterConfig:
    return RosterConfig.from_settings(ctx.profile.roster)
