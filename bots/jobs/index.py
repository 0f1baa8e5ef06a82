"""`run index`: the case index, facet pages, statistics, events calendar, resource library and
maintenance report, in every configured language, from the harvest snapshot."""

from __future__ import annotations

import hashlib
import json
import logging

from bots import statepages
from bots.config import section_data
from bots.core.digest import waiting
from bots.core.featured import conflicts as featured_conflicts
from bots.core.featured import pick
from bots.core.pagetargets import missing_targets, page_prefixes, targets
from bots.core.preloads import preload_title
from bots.core.records import Problem, Record
from bots.core.render.directory import Directory, directory_titles
from bots.core.render.front import Buttons, FrontPage, featured_block
from bots.core.render.pages import KnowledgeBase
from bots.core.render.paging import Layout, size
from bots.core.render.review import KEY as REVIEW_KEY
from bots.core.render.review import ReviewRenderer
from bots.core.render.safety import safety_page
from bots.core.snapshot import Snapshot
from bots.core.statedata import as_object, mapping_of, part
from bots.jobs.common.consent import only_confirmed
from bots.jobs.common.pagesets import page_budget, page_set
from bots.jobs.common.reports import current, reported
from bots.jobs.common.review import due_now
from bots.jobs.common.sections import retire_parts, write_changed
from bots.jobs.common.snapshots import load_snapshot, schema_hash
from bots.jobs.common.statepage import read_state
from bots.jobs.context import JobContext
from bots.paths import PACKAGE_DIR
from bots.wiki.listings import in_main_namespace
from bots.wiki.query import latest_revids, page_info

log = logging.getLogger(__name__)


def render_all(ctx: JobContext, records: list[Record],
               layout: Layout | None = None) -> dict[str, tuple[str, str]]:
    """title -> (section name, generated wikitext) for every page but the maintenance report;
    pages over the budget come as an overview and sub-pages, split the same way in every
    language (measured in all of them first)."""
    if layout is None:
        layout = Layout(page_budget(ctx))
        render_all(ctx, records, layout)  # measures
        layout.freeze()
    pages = page_set(ctx)
    out: dict[str, tuple[str, str]] = {}
    now = ctx.now()
    # Pages that others link to come first, so new links are blue as soon as they are saved.
    for lang in ctx.profile.languages:
        kb = KnowledgeBase(ctx.schema, ctx.messages(lang), pages)
        for fld in kb.case.facets:
            facet = fld.facet or fld.name
            for suffix, body in kb.facet_pages(records, fld, layout).items():
                out[pages.title("facets", lang, suffix)] = (f"facet-{facet}", body)
        if layout.frozen:
            out[pages.title("statistics", lang)] = ("statistics", kb.statistics(records))
        front = front_page(ctx, lang)
        # "Add an event" / "Add a resource" under the page's introduction, as on the front
        # page; its room is kept while the page is measured, as the featured case's.
        adds = {key: "\n".join(front.add_button(what))
                for key, what in (("events", "event"), ("resources", "resource"))}
        for key, add in adds.items():
            layout.reserve(key, size(add) + 2)
        for key, paged in (("events", kb.events_pages(records, now, layout)),
                           ("resources", kb.resources_pages(records, layout))):
            for suffix, body in sorted(paged.items(), key=lambda item: item[0] == ""):
                if suffix == "" and adds[key]:  # after the language bar and the introduction
                    bar, _, rest = body.partition("\n")
                    intro, _, rest = rest.partition("\n")
                    body = f"{bar}\n{intro}\n\n{adds[key]}\n{rest}"
                out[pages.title(key, lang, suffix)] = (key, body)
        # Every kind that declares a directory (config/schema.toml): its index and facets.
        for kind in ctx.schema.kinds.values():
            if kind.directory:
                directory = Directory(ctx.schema, ctx.messages(lang), pages, kind)
                for key, suffix, body in directory.pages_of(records, layout).values():
                    section = kind.name if key == kind.name else \
                        f"{kind.name}-facet-{suffix.split('/')[0]}"
                    out[pages.title(key, lang, suffix)] = (section, body)
    featured = pick(ctx.schema.kind("case"), records, now)
    for lang in ctx.profile.languages:
        kb = KnowledgeBase(ctx.schema, ctx.messages(lang), pages)
        block = featured_block(ctx.schema, ctx.messages(lang), featured, now.strftime("%Y-%m"))
        # Its room is kept when the index is measured: an index that fits stays within the
        # budget with the featured case added.
        layout.reserve("cases", size(block) + 2)
        for suffix, body in sorted(kb.case_index_pages(records, layout).items(),
                                   key=lambda item: item[0] == ""):  # the overview last
            if suffix == "" and layout.frozen:  # the featured case, under the language bar
                bar, _, rest = body.partition("\n")
                body = f"{bar}\n{block}\n\n{rest}"
            out[pages.title("cases", lang, suffix)] = ("cases", body)
    if layout.frozen:  # the front page last: it links to all the others
        safety = ctx.profile.safety
        for lang in ctx.profile.languages:
            out[pages.title("safety", lang)] = ("safety", safety_page(
                ctx.messages(lang), pages, safety.emergency, safety.programmes))
            out[pages.title("front", lang)] = ("front", front_page(ctx, lang).render(
                records, featured, now))
    return out


def front_page(ctx: JobContext, lang: str) -> FrontPage:
    profile = ctx.profile
    buttons = Buttons(cases_prefix=profile.hub.cases_prefix, signup=profile.hub_page("signup"),
                      subscribers=profile.hub_page("subscribers"),
                      case_preload=preload_title(ctx.schema.kind("case"), lang,
                                                 languages=ctx.profile.languages),
                      advocate_preload=preload_title(ctx.schema.kind("advocate"), lang,
                                                     languages=ctx.profile.languages),
                      subscriber_preload=preload_title(ctx.schema.kind("subscription"), lang,
                                                       languages=ctx.profile.languages),
                      events_prefix=profile.hub_page("events") + "/",
                      resources_prefix=profile.hub_page("resources") + "/",
                      event_preload=preload_title(ctx.schema.kind("event"), lang,
                                                  languages=ctx.profile.languages),
                      resource_preload=preload_title(ctx.schema.kind("resource"), lang,
                                                     languages=ctx.profile.languages),
                      safety=page_set(ctx).title("safety", lang))
    return FrontPage(ctx.schema, ctx.messages(lang), page_set(ctx), buttons)


def render_review(ctx: JobContext, records: list[Record],
                  ) -> tuple[dict[str, tuple[str, str]], dict[str, str]]:
    """The cases due for review: their page in every language (split alike in all of them),
    and lang -> the maintenance report's section of the oldest of them."""
    pages = page_set(ctx)
    due = due_now(ctx, records)
    after = ctx.profile.hub.review_after_days
    layout = Layout(page_budget(ctx))
    renderers = {lang: ReviewRenderer(ctx.messages(lang), pages) for lang in ctx.profile.languages}
    for r in renderers.values():
        r.review_pages(due, after, layout)
    layout.freeze()
    out = {pages.title(REVIEW_KEY, lang, suffix): (REVIEW_KEY, body)
           for lang, r in renderers.items()
           for suffix, body in r.review_pages(due, after, layout).items()}
    return out, {lang: r.maintenance_section(due, after) for lang, r in renderers.items()}


def render_maintenance(ctx: JobContext, records: list[Record], problems: list[Problem],
                       review: dict[str, str] | None = None) -> dict[str, tuple[str, str]]:
    """The maintenance report in every language, split alike in all of them, with the
    review-due section (``review``: lang -> text) at the end of its first page (the room it
    takes is kept free of the budget)."""
    review = review or {}
    pages = page_set(ctx)
    reserve = max((size(text) + 2 for text in review.values()), default=0)
    layout = Layout(page_budget(ctx) - reserve)
    kbs = {lang: KnowledgeBase(ctx.schema, ctx.messages(lang), pages)
           for lang in ctx.profile.languages}
    for kb in kbs.values():
        kb.maintenance_pages(records, problems, layout)
    layout.freeze()
    out = {}
    for lang, kb in kbs.items():
        for suffix, body in kb.maintenance_pages(records, problems, layout).items():
            if suffix == "" and review.get(lang):
                body = f"{body}\n\n{review[lang]}"
            out[pages.title("maintenance", lang, suffix)] = ("maintenance", body)
    return out


def forged_subscriptions(ctx: JobContext, state_text: str | None) -> list[Problem]:
    """Subscriber lines that give no one a delivery (found by `run deliver`): saved by
    someone other than the person they name, or the person's own line has errors."""
    data = as_object(state_text)
    page = ctx.profile.hub_page("subscribers")
    problems = [Problem(page, "subscription", "user", "not-self-subscribed", str(pair[0]))
                for pair in part(data, "not_own", list, list)
                if isinstance(pair, list) and pair]
    problems += [Problem(page, "subscription", "user", "invalid-subscription", user)
                 for user in part(data, "invalid", list, list) if isinstance(user, str)]
    return problems


def missing_pages(ctx: JobContext, records: list[Record]) -> list[Problem]:
    """Values of page fields that declare their kind (a case's related cases ...) that
    name no existing page: one request per 500 titles."""
    prefixes = page_prefixes(ctx.profile.hub.cases_prefix, ctx.profile.root, ctx.schema)
    found = targets(ctx.schema, records, prefixes,
                    lambda value: in_main_namespace(ctx.site, value))
    if not found:
        return []
    info = page_info(ctx.site, list(found))
    return missing_targets(found, lambda title: info.get(title, (0, 0))[1] >= 0)


def held_alerts(state_text: str | None) -> list[Problem]:
    """The urgent alerts held for a coordinator (found by `run digest`, bots.core.digest)."""
    # A hand-damaged digest state (issue 25) holds no alert: read through the defensive
    # readers (bots.core.statedata), like every state page.
    alerts = mapping_of(as_object(state_text), "alerts", dict)
    return [Problem(page, "case", "alert", str(a["held"]), str(a.get("by", "")))
            for page, a in sorted(alerts.items())
            if waiting(a) and not a.get("done")]


def _code_hash(ctx: JobContext) -> str:
    """What the generated pages depend on besides the records: the renderers, messages,
    schema and vocabularies, the hub's settings and the page budget."""
    digest = hashlib.sha1(schema_hash(ctx).encode())
    sources = [*(PACKAGE_DIR / "core").rglob("*.py"), *(PACKAGE_DIR / "i18n").glob("*.json")]
    for path in sorted(sources):
        digest.update(path.read_bytes())
    digest.update(json.dumps([section_data(ctx.profile.hub), page_budget(ctx)],
                             sort_keys=True).encode())
    return digest.hexdigest()[:16]


def readers_first(sections: dict[str, tuple[str, str]], known: dict[str, list],
                  ) -> dict[str, tuple[str, str]]:
    """The order of writing: pages the case index links to that do not exist yet (so that
    its links are never red), then the case index (what readers look at first), then the
    rest (facets, statistics ...), in their order."""
    cases = {t: v for t, v in sections.items() if v[0] == "cases"}
    new = {t: v for t, v in sections.items()
           if t not in known and t not in cases and v[0] != "front"}
    return {**new, **cases, **sections}


def run(ctx: JobContext, *, held: Snapshot | None = None) -> Snapshot | None:
    """Render every page from the snapshot, and write only those whose generated text
    changed (or that someone else edited since). When neither the snapshot, the delivery
    job's findings, the code nor the day changed and no generated page has a revision newer
    than the bot's, it reads three pages in one request and the generated pages' latest
    revision ids (one request per 500 pages), and stops there."""
    whole = held  # the watcher's snapshot
    head_title, state_title = ctx.profile.state_page(statepages.SNAPSHOT), \
        ctx.profile.state_page(statepages.INDEX)
    subs_state = ctx.profile.state_page(statepages.SUBSCRIBERS)
    reports_title = ctx.profile.state_page(statepages.REPORTS)
    digest_state = ctx.profile.state_page(statepages.DIGEST)
    first = ctx.wiki.read([head_title, state_title, subs_state, digest_state, reports_title])
    waiting = held_alerts(first[digest_state].text)  # alerts waiting for release
    state = read_state(ctx, first[state_title])
    # title -> [section, sha1, bytes, revid]
    known: dict[str, list] = {t: v for t, v in mapping_of(state, "pages", list).items()
                              if len(v) >= 3 and all(isinstance(x, str) for x in v[:2])}
    key = hashlib.sha1(json.dumps([first[head_title].revid, first[subs_state].revid,
                                   first[reports_title].revid,
                                   _code_hash(ctx), ctx.now().date().isoformat(),
                                   [[p.page, p.code, p.value] for p in waiting],
                                   ctx.governance.fingerprint]
                                  ).encode()).hexdigest()[:16]
    # A generated page someone else edited since: its latest revision is not the bot's.
    revids = latest_revids(ctx.site, list(known)) if known else {}
    edited = {t for t, v in known.items() if len(v) < 4 or revids.get(t) != v[3]}
    if state.get("key") == key and not edited:
        ctx.stats.records = int(state.get("records", 0) or 0)
        ctx.stats.errors = int(state.get("errors", 0) or 0)  # still on the maintenance report
        log.info("index: nothing changed since the last run")
        return None
    snap = load_snapshot(ctx, head=first[head_title], held=whole)
    # Advocates only through the entries they saved themselves (bots.core.consent).
    records, people = only_confirmed(ctx, snap.records())
    ctx.stats.records = len(records)
    sections = readers_first(render_all(ctx, records), known)
    review_pages, review_sections = render_review(ctx, records)
    sections.update(review_pages)
    bot_problems: list[Problem] = forged_subscriptions(ctx, first[subs_state].text)
    bot_problems += [Problem(page, "advocate", "user", "unconfirmed-advocate", user)
                     for user, page in people.waiting]
    bot_problems += waiting
    bot_problems += ctx.governance.problems  # the vocabularies and translation pages
    bot_problems += reported(current(ctx, first[reports_title]))  # the jobs' (issue 25)
    bot_problems += featured_conflicts(records, ctx.now())  # two cases featured for a month
    missing = missing_pages(ctx, records)  # pages named that do not exist
    bot_problems += missing
    ctx.stats.errors += len(missing)
    ctx.stats.errors += len(ctx.governance.problems)
    summary = ctx.summary("advocacyhub-summary-index", len(records))
    written = write_changed(ctx, sections, known, edited, summary, bot_problems)
    maintenance = render_maintenance(ctx, records, bot_problems, review_sections)
    written.update(write_changed(ctx, maintenance, known, edited, summary, []))
    generated = {**sections, **maintenance}
    retire_parts(ctx, [t for t in known if t not in generated], known, summary,
                 keys=("cases", "facets", "maintenance", "events", "resources", REVIEW_KEY,
                       *directory_titles(ctx.schema, ctx.profile.root)))
    state = {"key": key, "records": len(records), "errors": ctx.stats.errors,
             "pages": {t: written[t] for t in sorted(written)}}
    ctx.wiki.save(first[state_title], json.dumps(state, sort_keys=True, ensure_ascii=False),
                  summary)
    return snap  # the whole snapshot it read (the watcher keeps it for its next update)
