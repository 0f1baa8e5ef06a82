"""Where a local wiki's files are and which MediaWiki it runs, resolved once per command from
the environment (ADVOCACY_WIKI_DIR, ADVOCACY_MEDIAWIKI, ADVOCACY_WIKI_PORT, ADVOCACY_MW_ROOT,
XDG_CACHE_HOME) and the wiki directory itself."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from bots.paths import REPO_ROOT

# Bump when the template recipe changes (forces a rebuild of cached templates).
TEMPLATE_RECIPE = 4
# Bump when the trixie root's recipe changes (forces a new debootstrap).
TRIXIE_RECIPE = 1
TRIXIE_PACKAGES = "mediawiki,php-sqlite3,php-cli,php-intl,php-mbstring,php-xml,lua5.1"
DEFAULT_MW_ROOT = "/usr/share/mediawiki"
SITENAME = "Advocacy Hub Local Wiki"  # also written literally in LocalSettings.php.tmpl
ADMIN_USER = "Admin"
BOT_USER = "AdvocacyBot"
# Renameuser is an extension up to 1.39 and part of core from 1.40 (missing ones are skipped).
WANTED_EXTENSIONS = ("ParserFunctions", "TemplateData", "Cite", "Renameuser", "InputBox",
                     "Scribunto")
APT_PACKAGES = ("mediawiki", "php-cli", "php-sqlite3", "php-intl", "php-mbstring", "php-xml",
                "lua5.1")
LUA = "/usr/bin/lua5.1"
SERIES = ("1.39", "1.43")
DEFAULT_SERIES = "1.39"
DEFAULT_PORT = "8765"


class Fatal(Exception):
    """Ends the command: ``localwiki: error: <message>`` on stderr, exit status 1."""


def note(message: str) -> None:
    print(f"localwiki: {message}", file=sys.stderr, flush=True)


def logical_cwd(env: Mapping[str, str]) -> str:
    """The working directory as the shell names it ($PWD, symlinks kept), as paths in the
    output always were."""
    pwd = env.get("PWD", "")
    try:
        if pwd.startswith("/") and os.path.samefile(pwd, "."):
            return pwd
    except OSError:
        pass
    return os.getcwd()


def absolute(path: str, cwd: str) -> str:
    """``path`` made absolute against ``cwd`` (one leading ``./`` dropped, nothing else
    normalised, as the shell version did)."""
    if path.startswith("/"):
        return path
    return f"{cwd}/{path.removeprefix('./')}"


def digits(path: Path, allowed: str = "0123456789") -> str:
    """The characters of ``allowed`` in the file (``tr -dc``); "" if it cannot be read."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    return "".join(ch for ch in text if ch in allowed)


@dataclass(frozen=True)
class Layout:
    """One wiki directory and the MediaWiki that serves it."""

    wiki_dir: str
    series: str  # "1.39" or "1.43": the wiki's own, else ADVOCACY_MEDIAWIKI, else 1.39
    mw_root: str  # where MediaWiki is, as its PHP sees it (for 1.43: inside the trixie root)
    cache_root: str
    env: Mapping[str, str]

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Layout:
        env = dict(os.environ if env is None else env)
        cwd = logical_cwd(env)
        wiki_dir = absolute(env.get("ADVOCACY_WIKI_DIR") or f"{REPO_ROOT}/.localwiki", cwd)
        wiki_dir = wiki_dir.removesuffix("/")
        if not wiki_dir:
            raise Fatal("ADVOCACY_WIKI_DIR must not be /")
        home = env.get("HOME") or "/tmp"
        cache_root = f"{env.get('XDG_CACHE_HOME') or home + '/.cache'}/advocacy-localwiki"
        series = wiki_series(Path(wiki_dir)) or env.get("ADVOCACY_MEDIAWIKI") or DEFAULT_SERIES
        if series not in SERIES:
            raise Fatal(f"ADVOCACY_MEDIAWIKI must be 1.39 or 1.43 (not '{series}')")
        mw_root = env.get("ADVOCACY_MW_ROOT") or DEFAULT_MW_ROOT
        if series == "1.43" and mw_root != DEFAULT_MW_ROOT:
            raise Fatal("ADVOCACY_MW_ROOT cannot be combined with ADVOCACY_MEDIAWIKI=1.43")
        return cls(wiki_dir=wiki_dir, series=series, mw_root=mw_root, cache_root=cache_root,
                   env=env)

    # -- the wiki directory
    @property
    def dir(self) -> Path:
        return Path(self.wiki_dir)

    def file(self, name: str) -> str:
        return f"{self.wiki_dir}/{name}"

    @property
    def marker(self) -> Path:
        return self.dir / ".advocacy-localwiki"

    @property
    def settings(self) -> str:
        return self.file("LocalSettings.php")

    @property
    def router(self) -> str:
        return self.file("router.php")

    # -- the MediaWiki
    @property
    def chroot(self) -> str:
        """The trixie root that a 1.43 wiki's PHP runs in; "" for 1.39 (the host)."""
        return self.trixie_root if self.series == "1.43" else ""

    @property
    def mw_files(self) -> str:
        """MediaWiki's files as seen from the host."""
        return self.chroot + self.mw_root

    @property
    def trixie_root(self) -> str:
        return f"{self.cache_root}/trixie-root"

    @property
    def trixie_view(self) -> str:
        """Mount point of each 1.43 process's private root."""
        return f"{self.cache_root}/trixie-view"

    # -- ports
    def stored_port(self) -> str:
        """The port the wiki was last configured for ("" if none)."""
        return digits(self.dir / "port")

    def requested_port(self) -> str:
        """Explicit ADVOCACY_WIKI_PORT > the port the wiki was created with > 8765."""
        port = self.env.get("ADVOCACY_WIKI_PORT") or self.stored_port() or DEFAULT_PORT
        if not re.fullmatch(r"[0-9]+", port) or not 1 <= int(port) <= 65535:
            raise Fatal(f"invalid port: {port}")
        return port


def wiki_series(wiki_dir: Path) -> str:
    """The series an existing wiki was created with ("" if no wiki is there)."""
    if not (wiki_dir / ".advocacy-localwiki").is_file():
        return ""
    version_file = wiki_dir / "mediawiki-series"
    if os.access(version_file, os.R_OK):
        return digits(version_file, "0123456789.")
    if (wiki_dir / "data" / "my_wiki.sqlite").is_file():
        return "1.39"  # made before there was a choice
    return ""


def server_url(port: str) -> str:
    return f"http://127.0.0.1:{port}"
