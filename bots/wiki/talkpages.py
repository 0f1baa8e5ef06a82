"""Talk pages as delivery targets: batched surveys for the planner, and careful posting.

For N people the survey costs ceil(N/L) requests for accounts and blocks and ceil(N/L) for
the talk pages (text, every redirect hop and the opt-out category in one query), where L is
the titles the account may ask for at once (500 for a bot, 50 otherwise; a continuation when
the texts pass the API's 8 MB answer). Posting re-reads the next targets in one request right
before posting them (a marker that appeared meanwhile, a {{nobots}} added since, the shutoff
page), then makes one edit per post. A re-read covers about a minute of posting: 50 targets
first, then as many as the measured pace posts in ``FRESH_SECONDS`` (at most L), so no target
is posted to on a reading much older than a minute, and a fast wiki costs few re-reads.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import pywikibot
import requests
from pywikibot.data import api

from bots.core.delivery import DELIVERED, FAILED, Outcome, delivered_ids, marker, signed
from bots.core.plan import AccountInfo, PageInfo, Plan, Post, recheck
from bots.core.roster import hard_block
from bots.core.usernames import canonical_user
from bots.errors import RateLimited
from bots.progress import progress
from bots.wiki import users
from bots.wiki.pages import WikiClient
from bots.wiki.query import query_all, titles_limit

log = logging.getLogger(__name__)
POST_ATTEMPTS = 3  # posts whose answer was lost (looked for on the page before each retry)
FIRST_BATCH = 50  # targets of the first re-read, before the posting pace is known
RATE_WAIT_MAX = 60.0  # seconds between tries while the wiki says "ratelimited"
FRESH_SECONDS = 60.0  # how long a reading of the targets and the shutoff page stands for


def user_talk_ns(site: pywikibot.site.APISite) -> str:
    return site.namespace(3)


@dataclass
class Survey:
    accounts: dict[str, AccountInfo]  # canonical name -> account
    pages: dict[str, PageInfo]  # title -> page (every redirect hop too)
    renames: dict[str, str]  # old name -> new name, for the names surveyed


def _account(info: dict) -> AccountInfo:
    if not info or "missing" in info or "invalid" in info:
        return AccountInfo(exists=False)
    blocked = (info.get("blockreason") or "blocked") if hard_block(info) else ""
    return AccountInfo(exists=True, blocked=blocked, locked=bool(info.get("locked")))


def read_pages(wiki: WikiClient, titles: Sequence[str], optout_category: str, *,
               follow: bool = True) -> dict[str, PageInfo]:
    """Talk pages with their text and opt-out category, as many a request as the account may
    ask for (``titles_limit``); with ``follow``, every redirect hop too (the API resolves
    chains and names each hop), and the text and category of the pages that redirect (the
    API leaves those out when it follows them: one more request for a batch that has any)."""
    site = wiki.site
    category = f"{site.namespace(14)}:{optout_category}"
    out: dict[str, PageInfo] = {}
    titles = list(dict.fromkeys(titles))
    per_request = titles_limit(site)
    for i in range(0, len(titles), per_request):
        batch = titles[i:i + per_request]
        normalized: dict[str, str] = {}
        params: dict[str, Any] = {"titles": batch, "prop": "revisions|categories|info",
                  "rvprop": "content|ids", "rvslots": "main", "clcategories": category,
                  "cllimit": "max"}
        if follow:
            params["redirects"] = 1
        for q in query_all(site, **params):
            for n in q.get("normalized", []):
                normalized[n["from"]] = n["to"]
            for r in q.get("redirects", []):
                known = out.get(r["from"])
                out[r["from"]] = PageInfo(r["from"], known.text if known else None,
                                          redirect_to=r["to"],
                                          opted_out=bool(known and known.opted_out))
            for p in q.get("pages", []):
                _merge(out, p)
        wiki.stats.pages_read += len(batch)
        sources = [t for t in batch if normalized.get(t, t) in out
                   and out[normalized.get(t, t)].redirect_to]
        if follow and sources:
            for title, info in read_pages(wiki, sources, optout_category,
                                          follow=False).items():
                hop = out.get(title)
                if hop is not None and hop.redirect_to:
                    out[title] = PageInfo(title, info.text, hop.redirect_to, info.opted_out)
        for given, canonical in normalized.items():  # keyed by the titles as asked, too
            if canonical in out:
                out[given] = out[canonical]
    return out


def _merge(out: dict[str, PageInfo], p: dict) -> None:
    """One page of an answer into ``out``; a continued answer names a page again without
    what an earlier part gave (its text, its categories), which is kept."""
    known = out.get(p["title"])
    text = known.text if known else None
    if not p.get("missing") and p.get("revisions"):
        text = p["revisions"][0]["slots"]["main"]["content"]
    redirect = known.redirect_to if known and known.redirect_to else (
        "?" if p.get("redirect") else "")
    out[p["title"]] = PageInfo(p["title"], text, redirect_to=redirect,
                               opted_out=bool(p.get("categories"))
                               or bool(known and known.opted_out))


def _renamed(site: pywikibot.site.APISite, name: str) -> str:
    """The name an account was renamed to, from the rename log ("" when it was not)."""
    ns = site.namespace(2)
    for q in query_all(site, list="logevents", letype="renameuser", letitle=f"{ns}:{name}",
                       leprop="details|timestamp", lelimit=5):
        for event in q.get("logevents", []):
            new = event.get("params", {}).get("newuser")
            if new:
                return canonical_user(new)
    return ""


def survey(wiki: WikiClient, people: Iterable[str], optout_category: str,
           renames: dict[str, str] | None = None) -> Survey:
    """Accounts (blocks, locks), renames and talk pages (redirect hops, text, opt-out) of
    ``people``. An account that does not exist is looked up in the rename log (one request
    each: only for names that are gone), and the account it became is surveyed instead."""
    site = wiki.site
    renames = dict(renames or {})
    todo = list(dict.fromkeys(canonical_user(p) for p in people if canonical_user(p)))
    accounts: dict[str, AccountInfo] = {}
    for _round in range(3):  # an account renamed, and renamed again
        found = {name: _account(info) for name, info in
                 users.accounts(site, [n for n in todo if n not in accounts]).items()}
        accounts.update(found)
        todo = []
        for name, acct in found.items():
            if acct.exists:
                continue
            new = renames.get(name) or _renamed(site, name)
            if new and new != name:
                renames[name] = new
                todo.append(new)
        if not todo:
            break
    ns = user_talk_ns(site)
    live = [n for n, a in accounts.items() if a.exists]
    pages = read_pages(wiki, [f"{ns}:{n}" for n in live], optout_category)
    return Survey(accounts, pages, renames)


class _PostRequest(api.Request):
    """An edit request that reports "ratelimited" instead of waiting and resending it."""

    def _ratelimited(self) -> None:
        raise RateLimited("ratelimited")


@dataclass
class PostBudget:
    """What one job run may post: at most ``max_posts`` messages, and no post started after
    ``seconds`` (rate-limit waits included). Shared by every delivery of the run."""

    max_posts: int
    seconds: float
    started: float = field(default_factory=time.monotonic)
    posted: int = 0
    pages: set[tuple[str, str]] = field(default_factory=set)  # (delivery, page) posted in run

    def stop_reason(self) -> str:
        """"" while posting may go on; else "cap" or "time"."""
        if self.posted >= self.max_posts:
            return "cap"
        if time.monotonic() - self.started >= self.seconds:
            return "time"
        return ""

    def left(self) -> float:
        return self.seconds - (time.monotonic() - self.started)


Message = Callable[[Post], tuple[str, str, str]]  # post -> (heading, body, edit summary)


@dataclass
class Executed:
    outcomes: list[Outcome]
    stopped: str = ""  # "cap" / "time": posts left for the next run


def next_batch(posted: int, seconds: float, limit: int) -> int:
    """How many targets the next re-read covers: about ``FRESH_SECONDS`` of posting at the
    pace measured so far (``posted`` posts in ``seconds``), between ``FIRST_BATCH`` and
    ``limit`` titles (one of which is the shutoff page)."""
    if posted <= 0 or seconds <= 0:
        return min(FIRST_BATCH, limit - 1)
    covered = min(float(limit - 1), posted / seconds * FRESH_SECONDS)  # inf for a tiny time
    return max(min(FIRST_BATCH, limit - 1), int(covered))


def execute(wiki: WikiClient, plan: Plan, message: Message, budget: PostBudget,
            optout_category: str, *, allowed_page: str | None = None) -> Executed:
    """Post the plan's messages: the next targets read again right before, with the shutoff
    page, in one request (see ``next_batch``), then one new section each, carrying the
    delivery's hidden marker. Only users' talk pages, or the one ``allowed_page`` the caller
    names from its configuration."""
    done = Executed(list(plan.outcomes))
    posts = list(plan.posts)
    bar = iter(progress(range(len(posts)), len(posts), "posts"))
    try:
        return _execute(wiki, posts, message, budget, optout_category, allowed_page, done,
                        bar)
    finally:
        if posts and done.stopped == "":
            next(bar, None)  # the last post counted: the bar ends at N/N
        bar.close()  # type: ignore[attr-defined]


def _execute(wiki: WikiClient, posts: list[Post], message: Message, budget: PostBudget,
             optout_category: str, allowed_page: str | None, done: Executed,
             bar: Iterator[int]) -> Executed:
    site = wiki.site
    bot = site.username()
    limit = titles_limit(site)
    posted, posting_seconds = 0, 0.0
    i = 0
    while i < len(posts):
        batch = posts[i:i + next_batch(posted, posting_seconds, limit)]
        i += len(batch)
        fresh: dict[str, PageInfo] = {}
        read_at = time.monotonic()
        if not wiki.dry_run:  # the shutoff page comes with the batch: no request of its own
            fresh = read_pages(wiki, [*(p.page for p in batch), wiki.shutoff_page],
                               optout_category, follow=False)
            shutoff = fresh.pop(wiki.shutoff_page, None)
            wiki.saw_shutoff(shutoff.text if shutoff else None)
        for post in batch:
            next(bar, None)
            if not wiki.dry_run and time.monotonic() - read_at > FRESH_SECONDS:
                wiki.saw_shutoff(wiki.read_one(wiki.shutoff_page).text)  # a slow batch
                read_at = time.monotonic()
            if (stop := budget.stop_reason()):
                done.stopped = stop
                return done
            if (post.delivery_id, post.page) in budget.pages:  # posted earlier in this run
                done.outcomes.append(Outcome(post.person, post.page, "already-delivered",
                                             delivery_id=post.delivery_id))
                continue
            page = pywikibot.Page(site, post.page)
            if page.namespace() != 3 and page.title() != allowed_page:
                done.outcomes.append(Outcome(post.person, post.page, "skipped",
                                             "not-a-user-talk-page",
                                             delivery_id=post.delivery_id))
                continue
            if not wiki.dry_run:
                settled = recheck(post, fresh.get(post.page), bot)
                if settled is not None:
                    done.outcomes.append(settled)
                    continue
            heading, body, summary = message(post)
            started = time.monotonic()
            outcome = post_new_section(wiki, post, heading, body, summary, budget)
            if outcome is None:
                done.stopped = "time"
                return done
            done.outcomes.append(outcome)
            if outcome.result == DELIVERED or outcome.reason == "dry-run":
                budget.posted += 1  # a dry run stops where the real run would
                budget.pages.add((post.delivery_id, post.page))
                posted += 1
                posting_seconds += time.monotonic() - started
    return done


def post_new_section(wiki: WikiClient, post: Post, heading: str, body: str, summary: str,
                     budget: PostBudget) -> Outcome | None:
    """One new section on ``post.page``; None when the time budget ran out while the wiki
    kept answering "ratelimited" (nothing was posted)."""
    text = f"{signed(body)}\n{marker(post.delivery_id)}"

    def outcome(result: str, reason: str = "", revid: int = 0) -> Outcome:
        return Outcome(post.person, post.page, result, reason, revid=revid,
                       delivery_id=post.delivery_id)

    if wiki.dry_run:
        wiki.out.write(f"--- would post on [[{post.page}]]: == {heading} ==\n{text}\n")
        wiki.stats.would_post += 1
        return outcome("skipped", "dry-run")
    site = wiki.site
    wiki.before_edit()
    error = ""
    attempt = 0
    waits = 0
    while attempt < POST_ATTEMPTS:
        try:
            req = _PostRequest(site=site, parameters={
                "action": "edit", "title": post.page, "section": "new",
                "sectiontitle": heading, "text": text, "summary": summary, "bot": True,
                "minor": False, "watchlist": "nochange", "token": site.tokens["csrf"]})
            # pywikibot would resend a request whose answer was lost, and a new section sent
            # twice is posted twice. So one attempt at a time, and a look before the next.
            req.max_retries = 0
            result = req.submit().get("edit", {})
            if result.get("result") != "Success":
                raise pywikibot.exceptions.Error(f"edit refused: {result}")
        except RateLimited:
            # Nothing was posted: wait as the wiki asks (backing off) and try again.
            delay = min(2.0 ** waits, RATE_WAIT_MAX)
            if budget.left() < delay:
                log.warning("rate-limited on [[%s]]; the run's time budget is spent",
                            post.page)
                return None
            waits += 1
            log.info("rate-limited; waiting %.0f s before posting on [[%s]]", delay, post.page)
            time.sleep(delay)
            if delay >= 8:  # a long wait: the community may have said stop meanwhile
                wiki.saw_shutoff(wiki.read_one(wiki.shutoff_page).text)
            continue
        except (pywikibot.exceptions.Error, requests.RequestException, OSError) as exc:
            error = f"{type(exc).__name__}: {exc}"[:300]
            log.warning("delivery to [[%s]] failed (%s); checking the page", post.page, error)
            fresh = wiki.read_one(post.page)
            if post.delivery_id in delivered_ids(fresh.text):
                wiki.stats.edits += 1
                log.info("delivered %s to [[%s]] (found after a lost answer)",
                         post.delivery_id, post.page)
                return outcome(DELIVERED, revid=fresh.revid)
            attempt += 1
            time.sleep(min(2 ** attempt, 10))
            continue
        wiki.stats.edits += 1
        revid = int(result.get("newrevid") or 0)
        log.info("delivered %s to [[%s]] (rev %s)", post.delivery_id, post.page, revid)
        return outcome(DELIVERED, revid=revid)
    return outcome(FAILED, error)
