"""Connecting to the target wiki with pywikibot, and counting what the connection costs."""

from __future__ import annotations

import hashlib
import logging
import os
import re
from collections import Counter
from http.cookiejar import Cookie, LWPCookieJar
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pywikibot
import requests
from pywikibot.comms import http

from bots.config import Profile, local_wiki_dir
from bots.wiki.pwbconfig import apply_profile

log = logging.getLogger(__name__)

# What a request the wiki failed or refused raises: pywikibot's Error, network errors.
WIKI_ERRORS: tuple[type[Exception], ...] = (pywikibot.exceptions.Error,
                                            requests.RequestException, OSError)


class RequestCounter:
    """Counts HTTP requests to the wiki's API, through a hook on pywikibot's requests session."""

    def __init__(self) -> None:
        self.count = 0
        self.kinds: Counter[str] = Counter()  # "query list=users prop=info", "edit" ...
        self._hooks = http.session.hooks.setdefault("response", [])
        self._hooks.append(self._on_response)

    def _on_response(self, response, *args, **kwargs) -> None:
        url = urlparse(response.url)
        if url.path.endswith("/api.php"):
            # Redirects are separate HTTP requests too.
            n = 1 + len(getattr(response, "history", []) or [])
            self.count += n
            kind = request_kind(url.query, getattr(response.request, "body", None))
            self.kinds[kind] += n
            log.debug("API request %d: %s", self.count, kind)

    def close(self) -> None:
        if self._on_response in self._hooks:
            self._hooks.remove(self._on_response)


def request_kind(query: str, body: object) -> str:
    """What an API request asked for, in a few words: its action and its query modules."""
    if isinstance(body, bytes):
        body = body.decode("utf-8", "replace")
    params = parse_qs(query)
    if isinstance(body, str) and "=" in body and not body.startswith("--"):
        params.update(parse_qs(body))
    words = [params.get("action", ["?"])[0]]
    words += [f"{k}={params[k][0]}" for k in ("meta", "list", "prop", "generator")
              if k in params]
    return " ".join(words)


# Warnings that are answers, not drift: ``meta=languageinfo`` warns of a language code it
# does not know (a code a subscriber typed; ``fil`` on MediaWiki 1.39), and the bot asks
# precisely to learn that (bots.wiki.query.language_info: such a code gets no fallbacks).
EXPECTED = ('API warning (languageinfo): Unrecognized value for parameter "licode"',)


class ApiWarnings(logging.Handler):
    """Collects the warnings in the wiki's API answers to this process (pywikibot logs each
    as "API warning (module): text"): a deprecated or unrecognised parameter, a truncated
    result. Counted in the run's stats; with ``ADVOCACY_API_WARNINGS=fail`` (the tests) a
    run with any fails, so the bot never drifts into deprecated API use unnoticed."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.seen: list[str] = []
        # pywikibot clears its logger's handlers when it sets up its logging, on its first
        # message if nobody did before (bots.logsetup does): set up first, then listen.
        import pywikibot.bot

        pywikibot.bot.init_handlers()
        self._logger = logging.getLogger("pywiki")
        self._logger.addHandler(self)

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if message.startswith("API warning") and not any(e in message for e in EXPECTED):
            self.seen.append(message[:300])

    def close(self) -> None:
        self._logger.removeHandler(self)
        super().close()

    @staticmethod
    def strict() -> bool:
        return os.environ.get("ADVOCACY_API_WARNINGS", "").lower() == "fail"


# The API modules the jobs use. pywikibot asks the wiki for each module's parameters the first
# time it is used (one request per module, per process); naming them up front folds all of that
# into pywikibot's first paraminfo request.
API_MODULES = frozenset({
    "query+info", "query+revisions", "query+recentchanges", "query+embeddedin",
    "query+tokens", "query+userinfo", "query+templates", "query+categorymembers",
    "query+users", "query+logevents", "query+allpages", "query+siteinfo", "edit",
})


def _preload_paraminfo(site: pywikibot.site.APISite) -> None:
    paraminfo = getattr(site, "_paraminfo", None)
    preloaded = getattr(paraminfo, "_preloaded_modules", None)
    if isinstance(preloaded, set | frozenset):
        paraminfo._preloaded_modules = set(preloaded) | API_MODULES  # type: ignore[union-attr]


PRUNE_AT = 400  # other local wikis' cookies tolerated; PHP's limit is 1,000 variables


def local_cookie_prefix() -> str | None:
    """The cookie-name prefix of the local wiki (scripts/localwiki derives it from the wiki's
    secret key, so every wiki instance has its own)."""
    settings = local_wiki_dir() / "LocalSettings.php"
    if not settings.is_file():
        return None
    m = re.search(r'\$wgSecretKey = "([0-9a-f]+)";', settings.read_text())
    return "advwiki" + hashlib.md5(m.group(1).encode()).hexdigest()[:10] if m else None


def forget_other_local_wikis(username: str) -> None:
    """Drop the cookies of other (earlier) local wikis from pywikibot's cookie jar and file.

    All local wikis live on 127.0.0.1, and pywikibot keeps one cookie file per user: left
    alone, it grows by a few cookies per wiki ever started, and past PHP's max_input_vars
    (1,000) PHP drops the session cookie, so every login fails with "badtoken". Pruned only
    well before that limit is near, so wikis used side by side keep their sessions.
    """
    prefix = local_cookie_prefix()
    if prefix is None:
        return

    def stale(cookie: Cookie) -> bool:
        return cookie.name.startswith("advwiki") and not cookie.name.startswith(prefix)

    path = Path(pywikibot.config.base_dir) / f"pywikibot-{username}.lwp"
    if path.is_file():
        jar = LWPCookieJar(str(path))
        jar.load(ignore_discard=True, ignore_expires=True)
        old = list(jar)
        if sum(map(stale, old)) < PRUNE_AT:
            return  # other wikis may be in use right now (tests, benchmarks): leave them
        for cookie in old:
            if stale(cookie):
                jar.clear(cookie.domain, cookie.path, cookie.name)
        if len(jar) != len(old):
            jar.save(ignore_discard=True, ignore_expires=True)
    for cookie in list(http.cookie_jar):
        if stale(cookie):
            http.cookie_jar.clear(cookie.domain, cookie.path, cookie.name)


def connect(profile: Profile, *, login: bool = True) -> pywikibot.site.APISite:
    """The pywikibot site of a profile, logged in as the bot (cookies are reused between runs,
    so a run with a live session costs one request to confirm it)."""
    apply_profile(vars(pywikibot.config), profile)
    if profile.is_local:
        forget_other_local_wikis(profile.bot_user)
    site = pywikibot.Site(profile.code, profile.family, user=profile.bot_user)
    _preload_paraminfo(site)
    if login:
        site.login()
        if not site.logged_in():
            raise pywikibot.exceptions.NoUsernameError(f"could not log in to {site}")
        log.info("logged in to %s as %s", site, site.username())
    return site
