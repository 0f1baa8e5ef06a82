"""Reading pages in batches and writing them carefully.

Writes go through one door, :meth:`WikiClient.save`: only under the profile's prefixes, only
when the text really changed (pywikibot reports a no-op save as a save), as a diff instead of an
edit in a dry run, and counted only when the wiki made a new revision.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import logging
import queue
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TextIO, TypeVar

import pywikibot
from pywikibot.data import api

from bots import statepages
from bots.config import Profile
from bots.core import markers
from bots.core.console import SHUTOFF_STOP, shutoff_state
from bots.core.exclusion import bot_may_edit
from bots.core.snapshot import stored_size
from bots.core.stats import RunStats
from bots.errors import (
    EditConflict,
    ExcludedByTemplate,
    SaveFailed,
    ShutoffEngaged,
    StateDamaged,
    WriteRefused,
)

log = logging.getLogger(__name__)
T = TypeVar("T")


def prefetched(items: Iterable[T], ahead: int = 600) -> Iterator[T]:
    """Iterate ``items`` while a background thread produces the next ones: with pywikibot's
    batched generators, the next batch is fetched from the wiki while this one is parsed.
    Only the producer thread makes requests while the consumer works."""
    buffer: queue.Queue = queue.Queue(maxsize=ahead)
    done = object()
    failure: list[BaseException] = []

    def produce() -> None:
        try:
            for item in items:
                buffer.put(item)
        except BaseException as exc:  # handed to the consumer, raised there
            failure.append(exc)
        finally:
            buffer.put(done)

    thread = threading.Thread(target=produce, name="prefetch", daemon=True)
    thread.start()
    while (item := buffer.get()) is not done:
        yield item
    thread.join()
    if failure:
        raise failure[0]


def same_content(title: str, old: str, new: str) -> bool:
    """Whether saving ``new`` over ``old`` would change nothing. JSON pages are compared as
    data: MediaWiki re-formats them on save, so their text never matches what the bot sends."""
    if new.rstrip() == old.rstrip():
        return True
    if title.endswith(".json") and old:
        try:
            return json.loads(old) == json.loads(new)
        except ValueError:
            return False
    return False


PARTS_KEY = "advocacy-bot:parts"  # a JSON state page that is the head of its parts


def sha1(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()


def json_parts(title: str, text: str | None) -> dict | None:
    """The head of a JSON state page kept in parts: {"titles": [...], "sha1": ...}."""
    if not title.endswith(".json") or not text or PARTS_KEY not in text[:200]:
        return None
    try:
        data = json.loads(text)
    except ValueError:
        return None
    parts = data.get(PARTS_KEY) if isinstance(data, dict) else None
    ok = isinstance(parts, dict) and isinstance(parts.get("titles"), list)
    return parts if ok else None


def split_json_text(text: str, budget: int) -> list[str]:
    """``text`` as JSON strings of at most ``budget`` bytes each as MediaWiki stores them (a
    JSON page must hold valid JSON; escaping, and MediaWiki's own \u003C for <, > and &, can
    make a character six bytes, so each piece is measured in its stored form)."""
    pieces, i = [], 0
    step = max(1, budget // 2)
    while i < len(text):
        n = step
        while True:
            piece = json.dumps(text[i:i + n], ensure_ascii=False)
            if stored_size(text[i:i + n]) <= budget or n == 1:
                break
            n //= 2
        pieces.append(piece)
        i += n
    return pieces


@dataclass(frozen=True)
class Fetched:
    title: str
    revid: int
    timestamp: str
    text: str
    user: str = ""  # the revision's author


def _collect_redirects(query: dict, out: dict[str, str]) -> None:
    for page in query.get("pages", []):
        for rd in page.get("redirects", []):
            out[rd["title"]] = page["title"]


def transcluding_ids(site: pywikibot.site.APISite, template: str, *,
                     limit: int | str = "max", redirects_of: Sequence[str] = (),
                     ) -> tuple[list[int], tuple[str, int] | None, dict[str, str]]:
    """Page ids of every page that transcludes ``template`` (a plain list query, 5,000 ids a
    request for a bot: pywikibot's page generator adds page info and image/category props,
    which the server may cut short into more requests), the newest recent change as
    (timestamp, rcid) when the listing began (None on a wiki without any): the harvest's
    watermark, and the template redirects to ``redirects_of`` (redirect -> template), all
    asked for in the same request as the first ids."""
    listing = {"action": "query", "list": "embeddedin", "eititle": template, "eilimit": limit}
    params: dict = {**listing, "list": ["embeddedin", "recentchanges"], "rclimit": 1,
                    "rcprop": "timestamp|ids"}
    if redirects_of:
        params.update(_redirect_params(redirects_of))
    ids: list[int] = []
    latest: tuple[str, int] | None = None
    redirects: dict[str, str] = {}
    while True:
        data = site.simple_request(formatversion=2, **params).submit()
        query = data.get("query", {})
        ids.extend(int(item["pageid"]) for item in query.get("embeddedin", []))
        if changes := query.get("recentchanges"):
            latest = (changes[0]["timestamp"], int(changes[0]["rcid"]))
        _collect_redirects(query, redirects)
        more = data.get("continue", {})
        if "eicontinue" not in more:
            return ids, latest, redirects
        params = {**listing, "eicontinue": more["eicontinue"]}


def _redirect_params(templates: Sequence[str]) -> dict:
    return {"prop": "redirects", "titles": list(templates), "rdnamespace": 10,
            "rdprop": "title", "rdlimit": "max"}


def template_redirects(site: pywikibot.site.APISite, templates: Sequence[str],
                       ) -> dict[str, str]:
    """Redirects (in the template namespace) to each of ``templates``: one request."""
    data = site.simple_request(action="query", formatversion=2,
                               **_redirect_params(templates)).submit()
    out: dict[str, str] = {}
    _collect_redirects(data.get("query", {}), out)
    return out


def fetch_texts(site: pywikibot.site.APISite, pageids: list[int],
                batch: int = 500) -> Iterator[Fetched]:
    """Current text of many pages, ``batch`` a request, asking only for what a harvest reads.

    pywikibot's preloadpages also asks for comments (parsed), sizes, hashes, tags and user ids
    of every revision; for thousands of pages that costs the server more than the text itself.
    """
    for i in range(0, len(pageids), batch):
        gen = api.PropertyGenerator("revisions", site=site, parameters={
            "pageids": pageids[i:i + batch], "rvprop": "ids|timestamp|user|content",
            "rvslots": "main"})
        gen.set_maximum_items(-1)  # one revision per page: no rvlimit
        for page in gen:
            revs = page.get("revisions")
            if page.get("missing") is not None or not revs:
                continue
            rev = revs[0]
            text = rev.get("slots", {}).get("main", {}).get("*", rev.get("*", ""))
            yield Fetched(page["title"], int(rev["revid"]), rev["timestamp"], text,
                          rev.get("user", ""))


@dataclass
class PageText:
    title: str
    text: str | None  # None: the page does not exist
    revid: int
    timestamp: str
    page: pywikibot.Page
    parts: tuple[str, ...] = ()  # a long JSON state page: where its text is (see save)
    user: str = ""  # the latest revision's author

    @property
    def exists(self) -> bool:
        return self.text is not None


def _page_text(page: pywikibot.Page) -> PageText:
    if not page.exists():
        return PageText(page.title(), None, 0, "", page)
    rev = page.latest_revision
    return PageText(page.title(), page.text, rev.revid, rev.timestamp.isoformat(), page,
                    user=rev.user or "")


class WikiClient:
    def __init__(self, site: pywikibot.site.APISite, profile: Profile, stats: RunStats, *,
                 dry_run: bool = False, out: TextIO | None = None,
                 overlay: dict[str, str] | None = None) -> None:
        self.site = site
        self.profile = profile
        self.stats = stats
        self.dry_run = dry_run
        self.out = out or sys.stdout
        # A dry run's "saved" pages: title -> text, read back by the later jobs of the same
        # dry run (`run all --dry-run` shows what each job would do after the ones before).
        self.overlay: dict[str, str] = overlay if overlay is not None else {}
        self.batch_size = profile.limits.batch_size
        # The largest page the bot writes (bots.core.render.paging.PAGE_BUDGET by default).
        self.page_budget = profile.limits.page_bytes
        # Exact titles a job may write besides the prefixes (the template pages it installs).
        self.also_allowed: set[str] = set()
        self.shutoff_page = statepages.shutoff(profile)
        self.shutoff_every = profile.limits.shutoff_check_every
        # ... and not sooner than this after the last reading: a fast wiki (no throttle)
        # would otherwise spend a request on it for every ten edits of a few seconds.
        self.shutoff_seconds = profile.limits.shutoff_check_seconds
        self._edits_since_check: int | None = None  # None: not checked yet in this run
        self._checked_at = 0.0
        self._shutoff_seen: tuple[float, PageText] | None = None  # read with a batch
        # Called before every edit the run makes (the lease's renewal, bots.jobs.context).
        self.guard: Callable[[], None] | None = None
        self._guarding = False
        # Pages every run ends with (the status page): fetched along with the first batch.
        self.piggyback: dict[str, PageText | None] = {statepages.status(profile): None}

    def check_shutoff(self) -> None:
        """Read the shutoff page before the first edit of a run and again after every
        ``shutoff_every`` edits once ``shutoff_seconds`` have passed since the last reading;
        anything but the agreed value stops all editing."""
        if self._edits_since_check is not None and (
                self._edits_since_check < self.shutoff_every
                or time.monotonic() - self._checked_at < self.shutoff_seconds):
            self._edits_since_check += 1
            return
        seen, self._shutoff_seen = self._shutoff_seen, None
        if seen is not None and time.monotonic() - seen[0] < self.shutoff_seconds:
            page = seen[1]  # read moments ago, with the job's first batch of pages
        else:
            page = self.read_one(self.shutoff_page)
        self.saw_shutoff(page.text, first=self._edits_since_check is None)

    def before_edit(self) -> None:
        """The run's guard before an edit, and before a read (a run that reads for long
        keeps its lease too): raises when the run may not go on. Not re-entered (the guard
        reads and writes the lease page itself)."""
        if self.guard is None or self._guarding:
            return
        self._guarding = True
        try:
            self.guard()
        finally:
            self._guarding = False

    def saw_shutoff(self, text: str | None, *, first: bool = False) -> None:
        """Judge the shutoff page's text, read just now (alone, or with a batch of pages):
        anything but the agreed value raises ShutoffEngaged."""
        expected = self.profile.limits.shutoff_value.strip().lower()
        value = (text or "").strip().lower()
        if shutoff_state(text, expected) == SHUTOFF_STOP:  # exactly "run", or it stops
            log.error("shutoff: [[%s]] says %r (not %r): no edits", self.shutoff_page,
                      value[:80], expected)
            raise ShutoffEngaged(f"[[{self.shutoff_page}]] says {value[:80]!r}, not {expected!r}")
        if text is None and first:
            log.warning("shutoff page [[%s]] does not exist, so nothing can stop the bot: "
                        "create it with %r (`advocacy-bot templates install` does)",
                        self.shutoff_page, expected)
        self._edits_since_check = 1
        self._checked_at = time.monotonic()

    def page(self, title: str) -> pywikibot.Page:
        return pywikibot.Page(self.site, title)

    def read(self, titles: Iterable[str], *, join: bool = True) -> dict[str, PageText]:
        """Current text of many pages, ``batch_size`` titles a request (missing pages included,
        with ``text=None``). Keys are the titles as given."""
        wanted = {self.page(t).title(): t for t in dict.fromkeys(titles)}
        result: dict[str, PageText] = {}
        if not wanted:
            return result
        self.before_edit()
        # The first read of a run brings the shutoff page along (no request of its own).
        fetch_shutoff = self._edits_since_check is None and self._shutoff_seen is None \
            and not self.dry_run and self.shutoff_page not in wanted
        if fetch_shutoff:
            wanted[self.page(self.shutoff_page).title()] = self.shutoff_page
        extra = [t for t, v in self.piggyback.items() if v is None and t not in wanted]
        for title in extra:
            wanted[self.page(title).title()] = title
        pages = [self.page(t) for t in wanted]
        for page in self.site.preloadpages(pages, groupsize=self.batch_size, quiet=True):
            self.stats.pages_read += 1
            result[wanted.get(page.title(), page.title())] = _page_text(page)
        for canonical, given in wanted.items():
            if given not in result:
                result[given] = PageText(canonical, None, 0, "", self.page(canonical))
        if fetch_shutoff:
            self._shutoff_seen = (time.monotonic(), result.pop(self.shutoff_page))
        for title in extra:
            self.piggyback[title] = result.pop(title)
        for given, page in result.items():
            if page.page.title() in self.overlay:
                result[given] = PageText(page.title, self.overlay[page.page.title()],
                                         page.revid, page.timestamp, page.page)
        self._join_parts(result, join)
        return result

    def follow_moves(self, pages: dict[str, PageText], titles: Iterable[str]) -> None:
        """Replace each of ``titles`` in ``pages`` that is now a redirect (a moved page: a
        renamed account's user page, before the next harvest) by the page it points to, read
        in one more batch. Rare, so the targets are asked one by one."""
        targets = {given: page.page.getRedirectTarget().title() for given in titles
                   if (page := pages.get(given)) is not None and page.exists
                   and page.page.isRedirectPage()}
        if targets:
            found = self.read(set(targets.values()))
            for given, target in targets.items():
                pages[given] = found[target]

    def _join_parts(self, result: dict[str, PageText], join: bool = True) -> None:
        """A long JSON state page is a head naming its parts (see :meth:`save`): read the
        parts of every such page of a batch together, and give each page its whole text.
        Without ``join``, the head's own text and the titles of its parts (for a writer that
        replaces the whole text: a damaged part does not stop it)."""
        heads = {given: parts for given, page in result.items()
                 if (parts := json_parts(page.title, page.text)) is not None}
        if not heads:
            return
        if not join:
            for given, parts in heads.items():
                result[given].parts = tuple(parts["titles"])
            return
        texts = self.read([t for parts in heads.values() for t in parts["titles"]])
        for given, parts in heads.items():
            pieces = [texts[t].text for t in parts["titles"]]
            whole = "".join(json.loads(p) for p in pieces if p is not None) \
                if None not in pieces else None
            if whole is None or sha1(whole) != parts["sha1"]:
                raise StateDamaged(f"[[{result[given].title}]]: its parts {parts['titles']} "
                                   "are missing or were edited; restore them from the history (the "
                                   "snapshot: `run harvest --full` rebuilds it)")
            head = result[given]
            result[given] = PageText(head.title, whole, head.revid, head.timestamp, head.page,
                                     tuple(parts["titles"]))

    def read_sized(self, titles: Iterable[str], sizes: dict[str, int],
                   limit: int = 6 * 1024 * 1024, unknown: int = 512 * 1024,
                   ) -> dict[str, PageText]:
        """Like :meth:`read`, in groups whose expected sizes (bytes; ``unknown`` for a page
        of unknown size) add up to at most ``limit``: the API truncates an answer over 8 MiB."""
        out: dict[str, PageText] = {}
        group: list[str] = []
        used = 0
        for title in dict.fromkeys(titles):
            expect = sizes.get(title, unknown)
            if group and (used + expect > limit or len(group) >= self.batch_size):
                out.update(self.read(group))
                group, used = [], 0
            group.append(title)
            used += expect
        if group:
            out.update(self.read(group))
        return out

    def read_later(self, title: str) -> PageText:
        """A page fetched along with an earlier batch, or read now."""
        cached = self.piggyback.get(title)
        return cached if cached is not None else self.read_one(title)

    def missing(self, title: str) -> PageText:
        """A page known not to exist (no request made to confirm it)."""
        return PageText(title, None, 0, "", self.page(title))

    def read_one(self, title: str, *, join: bool = True) -> PageText:
        return self.read([title], join=join)[title]

    def save(self, current: PageText, new_text: str, summary: str, *,
             plain: bool = False) -> bool:
        """Write ``new_text`` over ``current``; True when the wiki made a new revision.
        ``plain``: never as parts (a part itself, or the head naming them)."""
        title = current.page.title()
        if not (self.profile.may_write(title) or title in self.also_allowed):
            raise WriteRefused(
                f"refusing to write {title!r}: not under {self.profile.write_prefixes}")
        old = current.text or ""
        if same_content(title, old, new_text):
            return False
        if title.endswith(".json") and len(new_text.encode()) > self.page_budget \
                and not self.dry_run and not plain:
            return self._save_parts(current, new_text, summary)
        if not bot_may_edit(current.text, self.site.username()):
            raise ExcludedByTemplate(f"[[{title}]] excludes this bot ({{{{bots}}}}/{{{{nobots}}}})")
        if self.dry_run:
            self._print_diff(title, old, new_text)
            self.overlay[title] = new_text
            if title not in self.stats.would_edit:  # "would edit N pages": each page once
                self.stats.would_edit.append(title)
            return False
        self.check_shutoff()
        self.before_edit()
        page = current.page
        before = current.revid
        # site.editpage rather than page.save: the exclusion check above used the text we
        # already have, where page.text's setter would fetch the page's templates again.
        if current.exists:
            try:
                self._edit(page, new_text, summary, current.revid)
            except pywikibot.exceptions.EditConflictError as exc:
                # Someone saved the page after we read it; or we did, on a first try whose
                # answer was lost (JSON pages: MediaWiki cannot merge those). The latter is
                # our edit; the former is the caller's to resolve, with the page as it is now.
                fresh = self.read_one(title)
                if not same_content(title, fresh.text or "", new_text):
                    raise EditConflict(fresh) from exc
                page.latest_revision_id = fresh.revid
            except (pywikibot.exceptions.PageSaveRelatedError,
                    pywikibot.exceptions.APIError) as exc:  # protected, a filter, a blacklist
                raise SaveFailed(title, getattr(exc, "code", type(exc).__name__),
                                 str(getattr(exc, "info", "") or exc)) from exc
            except pywikibot.exceptions.Error as exc:
                if type(exc) is not pywikibot.exceptions.Error:
                    raise  # network trouble and the like: the run fails, and is retried
                # pywikibot reports a refused edit (contenttoobig ...) as a bare Error
                raise SaveFailed(title, "refused", str(exc)) from exc
        else:
            try:
                self._create(page, new_text, summary)
            except pywikibot.exceptions.APIError as exc:
                if exc.code != "articleexists":
                    raise SaveFailed(title, exc.code, exc.info) from exc
                log.info("[[%s]] was created meanwhile; reading it first", title)
                fresh = self.read_one(title)
                saved = self.save(fresh, new_text, summary)
                current.text, current.revid = fresh.text, fresh.revid  # as it is now
                return saved
        after = getattr(page, "_revid", 0)
        if not after or after == before:
            # pywikibot reports "saved" for a no-op too. After a retried request whose first
            # answer was lost, the edit may have been made by the first try: look.
            fresh = self.read_one(title)
            if fresh.revid != before and same_content(title, fresh.text or "", new_text):
                after = fresh.revid
        if after and after != before:
            self.stats.edits += 1
            current.text, current.revid = new_text, after
            log.info("edited [[%s]] (rev %s): %s", title, after, summary)
            return True
        log.warning("save of [[%s]] made no new revision", title)
        return False

    def _save_parts(self, current: PageText, new_text: str, summary: str) -> bool:
        """A JSON page longer than the page budget: its text in parts, each a JSON string
        of at most the budget, then the page itself as a head naming them and the whole
        text's SHA-1. Parts alternate between two sets (``a1``, ``a2`` ... and ``b1`` ...):
        a run killed while writing them leaves the head, and the set it names, as they were."""
        title = current.page.title()
        if not current.exists:  # assumed missing by the caller: know which set it names
            fresh = self.read_one(title, join=False)
            if fresh.exists:
                current.text, current.revid, current.parts = (fresh.text, fresh.revid,
                                                              fresh.parts)
        slot = "b" if current.parts and current.parts[0].endswith(("/a1.json", "-a1.json")) \
            else "a"
        pieces = split_json_text(new_text, self.page_budget)
        titles = [f"{title[:-len('.json')]}/part-{slot}{i}.json" for i in range(1, len(pieces) + 1)]
        existing = self.read(titles, join=False)  # one request for every part
        for part_title, piece in zip(titles, pieces, strict=True):
            self.save(existing[part_title], piece, summary, plain=True)
        head = json.dumps({PARTS_KEY: {"titles": titles, "sha1": sha1(new_text)}})
        bare = PageText(current.title, current.text, current.revid, current.timestamp,
                        current.page)
        saved = self.save(bare, head, summary, plain=True)
        current.text, current.revid, current.parts = new_text, bare.revid, tuple(titles)
        return saved

    def _edit(self, page: pywikibot.Page, text: str, summary: str, base: int) -> None:
        """Save over revision ``base``. pywikibot sends the base revision's timestamp, with
        which MediaWiki cannot tell apart two edits in the same second: a human's edit saved in
        the same second as the revision the bot read would be silently overwritten. The base
        revision id makes MediaWiki merge or report an edit conflict."""
        # A JSON page someone turned into another content model (to save a damaged text
        # there: issue 25) is a JSON page again, which Module:Advocacy can read.
        extra = {"contentmodel": "json"} if page.title().endswith(".json") else {}
        self.site.editpage(page, text=text, summary=summary, minor=False, bot=True,
                           watch="nochange", recreate=True, baserevid=base, basetimestamp=None,
                           **extra)

    def _create(self, page: pywikibot.Page, text: str, summary: str) -> None:
        """Create a page known to be missing. createonly: if someone created it meanwhile the
        wiki refuses (articleexists) rather than overwrite. pywikibot's editpage would first
        look up a base revision the page cannot have (one request per new page)."""
        req = self.site.simple_request(action="edit", title=page.title(), text=text,
                                       summary=summary, createonly=True, bot=True,
                                       watchlist="nochange", token=self.site.tokens["csrf"])
        result = req.submit()["edit"]
        if result.get("result") != "Success":
            raise pywikibot.exceptions.Error(f"creating [[{page.title()}]] failed: {result}")
        page.latest_revision_id = result["newrevid"]

    def save_section(self, current: PageText, name: str,
                     body: str | Callable[[str | None], str], summary: str) -> bool:
        """Replace the generated section ``name`` of a page; raises markers.MarkerError (and
        writes nothing) when its markers are missing or damaged. Someone edited the page
        meanwhile (an edit conflict): read it again and splice once more, once. A section made
        from the page itself (``body`` a function of the page's text) is made again from the
        new text, so that what the other edit added is kept."""
        make = body if callable(body) else (lambda _text: body)
        try:
            return self.save(current, markers.splice(current.text, name, make(current.text)),
                             summary)
        except EditConflict as conflict:
            log.info("edit conflict on [[%s]]: splicing into its new text", current.title)
            fresh = conflict.fresh
            saved = self.save(fresh, markers.splice(fresh.text, name, make(fresh.text)),
                              summary)
            current.text, current.revid = fresh.text, fresh.revid
            return saved

    def _print_diff(self, title: str, old: str, new: str) -> None:
        if title.endswith(".json"):  # the bot's state: a diff of JSON says nothing to a reader
            self.out.write(f"--- would write [[{title}]]: {len(new.encode())} bytes of "
                           "JSON (the bot's state)\n")
            return
        diff = difflib.unified_diff(old.splitlines(), new.splitlines(), f"{title} (wiki)",
                                    f"{title} (bot)", lineterm="", n=2)
        self.out.write("\n".join(diff) + "\n")
