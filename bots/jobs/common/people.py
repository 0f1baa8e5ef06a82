"""What the jobs know of a person they write to: the language of a message, the roster's
settings (the alerts show the roster's reasons)."""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterable

from bots.core.languages import choose, wrap
from bots.core.roster import RosterConfig
from bots.jobs.context import JobContext

log = logging.getLogger(__name__)


def language_for(ctx: JobContext, codes: Iterable[str],
                 available: Collection[str] | None = None) -> str:
    """The language to write to a person in (talk-page notices, alerts, digests, newsletter
    issues): for each of ``codes`` (the languages of their record, in their order), the
    first of MediaWiki's fallback chain for it (read from the wiki: ``qu`` -> ``es``) that
    has a translation (``available``: the hub's languages unless said); else the hub's
    language, and the log says so (issue 29)."""
    codes = [c for c in codes if c and c.strip()]
    infos = ctx.governance.learn(ctx, codes)
    choice = choose(codes, ctx.profile.languages if available is None else available, infos,
                    ctx.profile.language)
    if choice.by_default and codes:
        log.info("no translation in %s or its fallbacks: writing in the hub's language, %s",
                 "/".join(codes), choice.lang)
    return choice.lang


def in_language(ctx: JobContext, body: str, lang: str) -> str:
    """A message's body as posted on a page in the wiki's language: wrapped with ``lang``
    and its direction when they differ (as MassMessage does)."""
    return wrap(body, lang, ctx.profile.language, ctx.governance.languages)


def roster_config(ctx: JobContext) -> RosterConfig:
    return RosterConfig.from_settings(ctx.profile.roster)
