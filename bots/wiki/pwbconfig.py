"""pywikibot's settings from a profile. Called by user-config.py when pywikibot loads its config,
and again at run time when a process switches wiki (the tests start several local wikis).

It imports no pywikibot: it fills the namespace pywikibot hands to user-config.py.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from bots.config import Profile, load_profile, local_wiki_dir
from bots.paths import REPO_ROOT


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
        host = profile.wiki.get("host", "meta.wikimedia.org")
        ns["authenticate"][host] = tuple(
            os.environ[f"ADVOCACY_OAUTH_{k.upper()}"]
            for k in ("consumer_token", "consumer_secret", "access_token", "access_secret")
        )
    limits = profile.limits
    ns["write_maxlag"] = int(limits.get("maxlag", 5))
    ns["put_throttle"] = limits.get("put_throttle", 10)
    ns["minthrottle"] = 0
    ns["max_retries"] = int(limits.get("max_retries", 5))
    ns["retry_wait"] = int(limits.get("retry_wait", 5))
    ns["retry_max"] = int(limits.get("retry_max", 120))
    ns["socket_timeout"] = (6.05, float(limits.get("read_timeout", 75)))
    ns["noisysleep"] = 30.0
    ns["simulate"] = False
    return profile
