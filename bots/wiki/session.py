"""Connecting to the target wiki with pywikibot, and counting what the connection costs."""

from __future__ import annotations

import logging
from urllib.parse import urlparse

import pywikibot
from pywikibot.comms import http

from bots.config import Profile
from bots.wiki.pwbconfig import apply_profile

log = logging.getLogger(__name__)


class RequestCounter:
    """Counts HTTP requests to the wiki's API, through a hook on pywikibot's requests session."""

    def __init__(self) -> None:
        self.count = 0
        self._hooks = http.session.hooks.setdefault("response", [])
        self._hooks.append(self._on_response)

    def _on_response(self, response, *args, **kwargs) -> None:
        if urlparse(response.url).path.endswith("/api.php"):
            self.count += 1
            # Redirects are separate HTTP requests too.
            self.count += len(getattr(response, "history", []) or [])

    def close(self) -> None:
        if self._on_response in self._hooks:
            self._hooks.remove(self._on_response)


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


def connect(profile: Profile, *, login: bool = True) -> pywikibot.site.APISite:
    """The pywikibot site of a profile, logged in as the bot (cookies are reused between runs,
    so a run with a live session costs one request to confirm it)."""
    apply_profile(vars(pywikibot.config), profile)
    site = pywikibot.Site(profile.code, profile.family, user=profile.bot_user)
    _preload_paraminfo(site)
    if login:
        site.login()
        if not site.logged_in():
            raise pywikibot.exceptions.NoUsernameError(f"could not log in to {site}")
        log.info("logged in to %s as %s", site, site.username())
    return site
