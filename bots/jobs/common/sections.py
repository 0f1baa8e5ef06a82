"""Writing the generated sections: only the pages whose text changed (or that someone else
edited), broken markers and refused saves reported, and parts no longer generated retired."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence

from bots.core.languages import needs_direction, wrap
from bots.core.records import Problem
from bots.core.wikitext import page_link
from bots.errors import ExcludedByTemplate, MarkerError, SaveFailed
from bots.jobs.common.pagesets import page_set
from bots.jobs.context import JobContext
from bots.wiki.query import page_lengths

log = logging.getLogger(__name__)


def write_sections(ctx: JobContext, sections: dict[str, tuple[str, str]], summary: str,
                   problems: list[Problem], current: dict | None = None) -> set[str]:
    """Write each generated section; a page whose markers are broken, that excludes the bot
    or that the wiki refuses is left as it is and reported. Returns the titles written (or
    already as generated)."""
    current = current if current is not None else ctx.wiki.read(sections)
    done: set[str] = set()
    for title, (name, body) in sections.items():
        try:
            ctx.wiki.save_section(current[title], name, body, summary)
            done.add(title)
        except MarkerError as exc:
            log.warning("not writing [[%s]]: %s", title, exc)
            problems.append(Problem(title, "page", name, exc.code, name))
            ctx.stats.errors += 1
        except ExcludedByTemplate as exc:
            log.warning("not writing [[%s]]: %s", title, exc)
            problems.append(Problem(title, "page", name, "excluded", name, severity="warning"))
            ctx.stats.skipped += 1
        except SaveFailed as exc:  # one page the wiki refuses must not stop the others
            log.error("%s", exc)
            problems.append(Problem(title, "page", name, "save-failed",
                                    f"{exc.code}: {exc.info}"[:200]))
            ctx.stats.errors += 1
    return done


def in_direction(ctx: JobContext, title: str, body: str) -> str:
    """A generated page's text as it goes on its page: a language version (``…/ar``) whose
    direction is not the wiki's is wrapped with its language and direction (issue 29)."""
    lang = title.rsplit("/", 1)[-1]
    infos = ctx.governance.languages
    if "/" not in title or lang not in ctx.profile.languages or lang == ctx.profile.language \
            or not needs_direction(lang, ctx.profile.language, infos):
        return body
    return wrap(body, lang, ctx.profile.language, infos)


def write_changed(ctx: JobContext, sections: dict[str, tuple[str, str]],
                   known: dict[str, list], edited: set[str], summary: str,
                   problems: list[Problem]) -> dict[str, list]:
    """Write the sections whose text differs from the last run's (or whose page someone
    edited); returns title -> [section, sha1, bytes, latest revision] of every page now as
    generated."""
    sections = {t: (name, in_direction(ctx, t, body)) for t, (name, body) in sections.items()}
    stamps = {t: [name, hashlib.sha1(body.encode()).hexdigest()[:16], len(body.encode())]
              for t, (name, body) in sections.items()}
    changed = {t: v for t, v in sections.items()
               if t in edited or known.get(t, [None, None])[:2] != stamps[t][:2]}
    sizes = {t: v[2] for t, v in known.items() if len(v) > 2}
    # Pages the bot never wrote (new parts, a first run): their length says whether there is
    # anything to read (one request per 500 titles instead of reading missing pages).
    unknown = [t for t in changed if t not in known]
    lengths = page_lengths(ctx.site, unknown) if unknown else {}
    current = {t: ctx.wiki.missing(t) for t in unknown if lengths.get(t, 0) < 0}
    sizes.update({t: n for t, n in lengths.items() if n >= 0})
    current.update(ctx.wiki.read_sized([t for t in changed if t not in current], sizes))
    done = write_sections(ctx, changed, summary, problems, current)
    log.info("%d of %d generated pages had new text", len(changed), len(sections))
    out = {}
    for title in sections:
        if title in done:  # the revision as saved, or as read when nothing needed saving
            out[title] = [*stamps[title], current[title].revid]
        elif title not in changed and len(known.get(title, [])) == 4:
            out[title] = known[title]
    return out


def retire_parts(ctx: JobContext, titles: list[str], known: dict[str, list], summary: str, *,
                 keys: Sequence[str] = ("cases", "facets", "maintenance", "events", "resources"),
                 ) -> None:
    """Sub-pages no longer generated (a split undone): their section says where to look (the
    overview of the first of the ``keys`` pages they are under)."""
    if not titles:
        return
    pages = page_set(ctx)
    current = ctx.wiki.read_sized(titles, {t: v[2] for t, v in known.items() if len(v) > 2})
    for title in titles:
        lang = title.rsplit("/", 1)[-1] if title.rsplit("/", 1)[-1] in ctx.profile.languages \
            else ctx.profile.language
        overview = next((pages.title(k, lang) for k in sorted(
            keys, key=lambda k: -len(pages.titles[k]))  # the longest base: Advocates/Log
            if title.startswith(pages.titles[k] + "/")), pages.title(keys[0], lang))
        body = ctx.messages(lang)("advocacyhub-part-unused", page_link(overview))
        write_sections(ctx, {title: (known[title][0], body)}, summary, [], current)
