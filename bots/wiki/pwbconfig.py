"""pywikibot's settings from a profile. Called by user-config.py when pywikibot loads its config,
and again at run time when a process switches wiki (the tests start several local wikis).

It imports no pywikibot: it fills the namespace pywikibot hands to user-config.py.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bots import __version__
from bots.config import LimitsSettings, Profile, load_profile, local_wiki_dir
from bots.paths import REPO_ROOT

USER_AGENT_TOOL = "AdvocacyHubBot"


def _write_private(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(text)
    os.chmod(path, 0o600)


def _password_file(profile: Profile) -> str | None:
    """The password file pywikibot should read, if any.

    Local wiki: generated next to its credentials. Elsewhere: ADVOCACY_BOT_PASSWORD (written to
    a private temporary file, never to the repository) or the git-ignored user-password.py.
    """
    if profile.is_local:
        path = local_wiki_dir() / "pywikibot-password.py"
        text = f"({profile.bot_user!r}, {profile.password!r})\n"
        if not path.exists() or path.read_text() != text:
            _write_private(path, text)
        return str(path)
    env_password = os.environ.get("ADVOCACY_BOT_PASSWORD")
    if env_password:
        user = profile.bot_user
        if "@" in env_password:  # BotPassword given as "suffix@password"
            suffix, secret = env_password.split("@", 1)
            line = f"({user!r}, BotPassword({suffix!r}, {secret!r}))\n"
        else:
            line = f"({user!r}, {env_password!r})\n"
        path = Path(tempfile.mkdtemp(prefix="advocacy-bot-")) / "password.py"
        _write_private(path, line)
        return str(path)
    default = REPO_ROOT / "user-password.py"
    return str(default) if default.exists() else None


def apply_profile(ns: dict[str, Any], profile: Profile | None = None) -> Profile:
    profile = profile or load_profile()
    family, code = profile.family, profile.code
    if profile.is_local:
        ns["family_files"][family] = profile.api_url
    ns["family"] = family
    ns["mylang"] = code
    ns["usernames"][family][code] = profile.bot_user
    password_file = _password_file(profile)
    if password_file:
        ns["password_file"] = password_file
    for key in ("consumer_token", "consumer_secret", "access_token", "access_secret"):
        if not os.environ.get(f"ADVOCACY_OAUTH_{key.upper()}"):
            break
    else:
        host = profile.wiki.host
        ns["authenticate"][host] = tuple(
            os.environ[f"ADVOCACY_OAUTH_{k.upper()}"]
            for k in ("consumer_token", "consumer_secret", "access_token", "access_secret")
        )
    # Wikimedia's User-Agent policy: the tool, its version and how to reach its operators,
    # then the framework (pywikibot adds the account and the wiki it talks to).
    ns["user_agent_format"] = (f"{USER_AGENT_TOOL}/{__version__} ({{script_comments}}) {{pwb}} "
                               "({revision}) {python} {http_backend}")
    ns["user_agent_description"] = profile.wiki.contact
    limits = profile.limits
    ns["write_maxlag"] = limits.maxlag
    ns["read_maxlag"] = limits.read_maxlag
    ns["put_throttle"] = limits.put_throttle
    ns["minthrottle"] = 0
    plan = retry_plan(limits)
    ns["max_retries"] = plan.max_retries
    ns["retry_wait"] = plan.retry_wait
    ns["retry_max"] = plan.retry_max
    ns["socket_timeout"] = (plan.connect_timeout, plan.read_timeout)
    ns["noisysleep"] = 30.0
    ns["simulate"] = False
    return profile


@dataclass(frozen=True)
class RetryPlan:
    """How pywikibot retries one API request, from the profile's [limits].

    What pywikibot (11.9) retries, in ``data/api/_requests.py`` and ``comms/http.py``:

    - HTTP 5xx (500, 502, 503, ...; ``ServerError``), 504 (``Server504Error``), read and
      connect timeouts (``requests.Timeout`` -> ``ServerError``), dropped or refused
      connections (``requests.ConnectionError``, unless DNS resolution failed), and non-JSON
      answers (an HTML error page from a proxy): waits ``retry_wait`` seconds, doubled on each
      retry up to ``retry_max``, at most ``max_retries`` times, then raises ``ApiTimeoutError``.
      A 5xx answer's ``Retry-After`` header is *not* read (the error is raised before it is).
    - API error ``maxlag`` (writes send ``maxlag=[limits] maxlag``, reads ``read_maxlag``):
      waits max(``Retry-After``, lag x attempt / 5) seconds, at most ``retry_max``, up to
      ``max_retries`` times (a counter of its own), then raises ``MaxlagTimeoutError``.
    - API error ``readonly`` (and ``internal_api_error_DB*``, ``ReadOnlyError``): as 5xx.
    - ``ratelimited``, ``badtoken`` (tokens are fetched again), ``notloggedin`` (logs in).

    HTTP 4xx is no error to pywikibot: a JSON body is read as usual, an HTML one is retried as
    a non-JSON answer (414 switches GET to POST once).

    Not retried (raised at once): DNS failures (builtin ``ConnectionError``), TLS certificate
    errors and malformed URLs (``FatalServerError``), every other API error (``editconflict``,
    ``articleexists``, ``protectedpage``, ...), and the same API error twice in a row.

    A retried POST whose answer was lost may have been applied already: the wiki then answers
    the retry with "nochange" (edit) or ``articleexists`` (create).

    Every retry is a fresh attempt that can itself take ``read_timeout``; so one request gives
    up after at most :attr:`worst_case` seconds. ``retry_budget`` (seconds of waiting, default
    600) caps ``max_retries`` so that no profile can make a request hang for hours.
    """

    max_retries: int
    retry_wait: int
    retry_max: int
    connect_timeout: float
    read_timeout: float

    @property
    def waits(self) -> list[int]:
        return [min(self.retry_wait * 2 ** i, self.retry_max) for i in range(self.max_retries)]

    @property
    def worst_case(self) -> float:
        """Seconds one request can take before pywikibot gives up (timeouts and waits)."""
        attempts = self.max_retries + 1
        return sum(self.waits) + attempts * (self.connect_timeout + self.read_timeout)


def retry_plan(limits: LimitsSettings) -> RetryPlan:
    retry_wait = max(1, limits.retry_wait)
    retry_max = max(retry_wait, limits.retry_max)
    budget = limits.retry_budget
    max_retries = max(0, limits.max_retries)
    while max_retries > 1 and sum(min(retry_wait * 2 ** i, retry_max)
                                  for i in range(max_retries)) > budget:
        max_retries -= 1
    return RetryPlan(max_retries=max_retries, retry_wait=retry_wait, retry_max=retry_max,
                     connect_timeout=limits.connect_timeout,
                     read_timeout=limits.read_timeout)
