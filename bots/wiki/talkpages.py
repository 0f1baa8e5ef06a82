"""Talk pages as delivery targets: batched checks and exactly-once posting.

For N targets the checks cost ceil(N/50) requests (talk page text, redirects and the opt-out
category in one query per 50 titles) plus one request per 500 users for accounts and blocks;
the posts are one edit per delivered target.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import pywikibot
import requests

from bots.core.delivery import (
    ALREADY,
    DELIVERED,
    FAILED,
    SKIPPED,
    Outcome,
    TalkTarget,
    delivered_ids,
    marker,
)
from bots.wiki.pages import WikiClient
from bots.wiki.query import query_all

log = logging.getLogger(__name__)
POST_ATTEMPTS = 3
TITLES_PER_REQUEST = 50  # the API's limit of page texts per request for ordinary accounts


def talk_title(site: pywikibot.site.APISite, user: str) -> str:
    return f"{site.namespace(3)}:{user}"


def resolve_targets(wiki: WikiClient, users: Iterable[str], optout_category: str,
                    ) -> dict[str, TalkTarget]:
    site = wiki.site
    users = list(dict.fromkeys(users))
    accounts: dict[str, dict] = {}
    for i in range(0, len(users), 500):
        for q in query_all(site, list="users", ususers=users[i:i + 500],
                            usprop="blockinfo|groups"):
            for info in q.get("users", []):
                accounts[info["name"]] = info
    category = f"{site.namespace(14)}:{optout_category}"
    targets: dict[str, TalkTarget] = {}
    for i in range(0, len(users), TITLES_PER_REQUEST):
        batch = users[i:i + TITLES_PER_REQUEST]
        titles = {talk_title(site, u): u for u in batch}
        pages: dict[str, dict] = {}
        redirects: dict[str, str] = {}
        normalized: dict[str, str] = {}
        for q in query_all(site, titles=list(titles), redirects=1,
                            prop="revisions|categories", rvprop="content|ids", rvslots="main",
                            clcategories=category):
            for n in q.get("normalized", []):
                normalized[n["from"]] = n["to"]
            for r in q.get("redirects", []):
                redirects[r["from"]] = r["to"]
            for p in q.get("pages", []):
                pages.setdefault(p["title"], {}).update(
                    {k: v for k, v in p.items() if k not in ("categories",)})
                if p.get("categories"):
                    pages[p["title"]]["optout"] = True
        wiki.stats.pages_read += len(batch)
        for title, user in titles.items():
            canonical = normalized.get(title, title)
            final = redirects.get(canonical, canonical)
            page = pages.get(final, {})
            text = None
            if not page.get("missing") and page.get("revisions"):
                text = page["revisions"][0]["slots"]["main"]["content"]
            info = accounts.get(user) or accounts.get(user[:1].upper() + user[1:], {})
            blocked = ""
            if info.get("blockid") and info.get("blockexpiry") in ("infinite", "infinity") \
                    and not info.get("blockpartial"):
                blocked = info.get("blockreason") or "blocked"
            targets[user] = TalkTarget(
                user=user, page=final, text=text,
                account_exists=bool(info) and "missing" not in info and "invalid" not in info,
                blocked=blocked, locked=bool(info.get("locked")),
                opted_out=bool(page.get("optout")),
                redirect_from=canonical if final != canonical else "",
            )
    return targets


def page_target(wiki: WikiClient, title: str) -> TalkTarget:
    """A discussion page that is not a user's (the hub's talk page) as a delivery target."""
    page = wiki.read_one(title)
    return TalkTarget(user=title, page=page.title, text=page.text)


def post_once(wiki: WikiClient, target: TalkTarget, delivery_id: str, heading: str, body: str,
              summary: str, message_kind: str, *, allowed_page: str | None = None) -> Outcome:
    """Post ``body`` as a new section on the target's talk page, unless the checks say no or
    this delivery is already there. Only users' talk pages, or the one ``allowed_page`` the
    caller names from its configuration; nothing a record says can add another."""
    site = wiki.site
    if delivery_id in delivered_ids(target.text):
        return Outcome(target.user, target.page, ALREADY)
    reason = target.skip_reason(site.username(), message_kind)
    if reason:
        return Outcome(target.user, target.page, SKIPPED, reason)
    page = pywikibot.Page(site, target.page)
    if page.namespace() != 3 and page.title() != allowed_page:
        return Outcome(target.user, target.page, SKIPPED, "not-a-user-talk-page")
    text = f"{body.rstrip()}\n{marker(delivery_id)}"
    if wiki.dry_run:
        wiki.out.write(f"--- would post on [[{target.page}]]: == {heading} ==\n{text}\n")
        return Outcome(target.user, target.page, SKIPPED, "dry-run")
    error = ""
    for attempt in range(POST_ATTEMPTS):
        wiki.check_shutoff()
        try:
            with _single_attempt():
                site.editpage(page, text=text, section="new", sectiontitle=heading,
                              summary=summary, bot=True, minor=False, watch="nochange")
        except (pywikibot.exceptions.Error, requests.RequestException, OSError) as exc:
            # pywikibot would resend a request whose answer was lost, and a new section sent
            # twice is posted twice. So one attempt at a time, and a look before the next.
            error = f"{type(exc).__name__}: {exc}"[:300]
            log.warning("delivery to [[%s]] failed (%s); checking the page", target.page, error)
            fresh = wiki.read_one(target.page)
            if delivery_id in delivered_ids(fresh.text):
                wiki.stats.edits += 1
                log.info("delivered %s to [[%s]] (found after a lost answer)", delivery_id,
                         target.page)
                return Outcome(target.user, target.page, DELIVERED, revid=fresh.revid)
            time.sleep(min(2 ** attempt, 10))
            continue
        wiki.stats.edits += 1
        revid = getattr(page, "_revid", 0)
        log.info("delivered %s to [[%s]] (rev %s)", delivery_id, target.page, revid)
        return Outcome(target.user, target.page, DELIVERED, revid=revid)
    return Outcome(target.user, target.page, FAILED, error)


@contextmanager
def _single_attempt() -> Iterator[None]:
    """pywikibot retries failed requests itself (it reads max_retries when a request fails)."""
    saved = pywikibot.config.max_retries
    pywikibot.config.max_retries = 0
    try:
        yield
    finally:
        pywikibot.config.max_retries = saved
