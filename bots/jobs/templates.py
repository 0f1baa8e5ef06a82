"""`advocacy-bot templates build|install`: the record templates, generated from the schema."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from bots import statepages
from bots.core.luadata import CONFIG_PAGE, VOCABULARIES_PAGE, config_json
from bots.core.messages import available_languages
from bots.core.pagetargets import page_prefixes
from bots.core.preloads import preload_pages
from bots.core.schema import Schema
from bots.core.wikitemplates import (
    CREATE_ONLY,
    category_pages,
    doc_titles,
    file_name,
    governance_docs,
    template_pages,
)
from bots.paths import TEMPLATES_DIR

if TYPE_CHECKING:  # building the files needs no wiki (nor pywikibot)
    from bots.config import Profile
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
    # The shutoff page first, in the run's first read (the governance pages ride along with
    # it): a stop there ends the install before its first edit; a missing page (a new wiki)
    # is created before any other edit (loading the vocabularies may write the governance
    # state, issue 25), with the value that lets the bot run, so no job ever warns about it.
    # Once there, the page is the community's switch: never written again.
    shutoff = ctx.wiki.shutoff_page
    found = ctx.wiki.read([shutoff])
    ctx.wiki.saw_shutoff(found[shutoff].text)
    if not found[shutoff].exists:
        ctx.wiki.save(found[shutoff], ctx.profile.limits.shutoff_value,
                      ctx.base_messages()("advocacyhub-summary-shutoff",
                                          ctx.profile.limits.shutoff_value))
    pages = template_pages(ctx.base_schema)  # the repository's (the wiki's page is created once)
    # Where Module:Advocacy finds the bot's case table (the profile's bot user).
    pages[CONFIG_PAGE] = config_json(ctx.profile.state_page(statepages.CASES),
                                     ctx.profile.hub.vocabularies_page,
                                     ctx.profile.state_page(statepages.VOCABULARIES),
                                     page_prefixes(ctx.profile.hub.cases_prefix,
                                                   ctx.profile.root, ctx.schema),
                                     hub_links(ctx))
    # The community's vocabularies page under the profile's name for it.
    vocab_page = ctx.profile.hub.vocabularies_page
    pages = {(vocab_page if t == VOCABULARIES_PAGE else t): text for t, text in pages.items()}
    # The categories the templates put pages in, created once (then the community's).
    categories = category_pages(ctx.base_schema, ctx.messages(), ctx.profile.root,
                                ctx.profile.hub_page("maintenance"),
                                ctx.profile.hub_page("newsletter"))
    pages.update(categories)
    # The tracking category of {{Advocacy cases}} lists with problems (named in the wiki's
    # language, as Module:Advocacy names it), with a sentence on what it holds.
    content = ctx.messages(ctx.profile.language)
    lists = f"Category:{content('advocacyhub-category-cases-problems')}"
    categories.setdefault(lists, content("advocacyhub-category-cases-problems-doc") + "\n")
    pages.update(categories)
    create_only = {*CREATE_ONLY, vocab_page, *categories}
    # The preload pages of the profile's languages the repository lacks (issue 25): /fr's
    # buttons preload language=fr, in the wiki's French translation where there is one.
    extra = [lang for lang in ctx.profile.languages if lang not in available_languages()]
    extra_preloads = preload_pages(ctx.base_schema, extra, ctx.messages) if extra else {}
    pages.update(dict.fromkeys(extra_preloads, ""))
    # The pages where people give roles and release held alerts (issue 24): created once with
    # how to use them; then the community's. Read with the others (one batched read).
    msgs = ctx.messages()
    people_pages = {ctx.profile.hub_page("role_endorsements"):
                    msgs("advocacyhub-endorsements-page") + "\n",
                    ctx.profile.hub_page("alert_releases"):
                    msgs("advocacyhub-releases-page") + "\n"}
    docs = doc_page_titles(ctx.profile)
    ctx.wiki.also_allowed.update(ctx.wiki.page(t).title() for t in [*pages, *docs])
    current = ctx.wiki.read([*pages, *docs, *people_pages])
    pages.update(doc_pages(ctx))  # in the wiki's translations too: after the first read
    pages.update(extra_preloads)
    pages.update(people_pages)
    create_only |= set(people_pages)
    summary = ctx.summary("advocacyhub-summary-templates")
    for title, text in pages.items():
        ctx.stats.records += 1
        if title in create_only and current[title].exists:
            continue
        ctx.wiki.save(current[title], text, summary)


def hub_links(ctx: JobContext) -> dict:
    """Where a record's side box links: the hub, the case index and each kind's browse-by
    pages, in the profile's languages."""
    from bots.jobs.common.pagesets import page_set  # needs the wiki's context

    pages = page_set(ctx)
    browse = {"case": pages.titles["facets"]}
    browse.update({k.name: pages.titles[f"{k.name}-facets"]
                   for k in ctx.schema.kinds.values() if k.directory})
    return {"root": ctx.profile.root, "index": pages.titles["cases"], "browse": browse,
            "languages": list(ctx.profile.languages), "base_lang": ctx.profile.language}


def doc_page_titles(profile: Profile) -> dict[str, tuple[str, int]]:
    """title -> (language, 0 for the vocabularies' page, 1 for the translations'): both in
    every language of the profile (the content language's at the base title)."""
    out = {}
    for lang in profile.languages:
        suffix = "" if lang == profile.language else f"/{lang}"
        for which, title in enumerate(doc_titles(profile.root)):
            out[title + suffix] = (lang, which)
    return out


def doc_pages(ctx: JobContext) -> dict[str, str]:
    profile = ctx.profile
    texts = {lang: governance_docs(ctx.messages(lang), profile.hub.vocabularies_page,
                                   profile.hub.translations_prefix,
                                   profile.hub_page("maintenance"))
             for lang in profile.languages}
    return {title: texts[lang][which]
            for title, (lang, which) in doc_page_titles(profile).items()}
