"""Throw-away local MediaWiki instances, from Python (the tests, the benchmarks).

Each call runs ``scripts/localwiki`` (this package's CLI) in its own process, as a developer
would: its locks, pid files and error messages are the same either way. Free of pywikibot so
it can be imported anywhere::

    wiki = start_wiki(Path("/tmp/wiki1"))          # free port picked for you
    old = start_wiki(Path("/tmp/wiki2"), mediawiki="1.39")   # or "1.43"
    wiki.maint("edit", "--user", "Admin", "Sandbox", input="Hello")
    requests.get(wiki.api_url, params={...})
    wiki.stop()
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from bots.paths import REPO_ROOT

from .layout import DEFAULT_SERIES, SERIES

LOCALWIKI_SCRIPT = REPO_ROOT / "scripts" / "localwiki"
# The MediaWiki series scripts/localwiki can start (1.39: the host's Debian bookworm packages;
# 1.43: Debian trixie's, in a cached chroot).
MEDIAWIKI_VERSIONS = SERIES
DEFAULT_MEDIAWIKI = DEFAULT_SERIES


def default_mediawiki() -> str:
    """The series new wikis get: ``ADVOCACY_MEDIAWIKI`` (the tests set it from --mediawiki)."""
    return os.environ.get("ADVOCACY_MEDIAWIKI") or DEFAULT_MEDIAWIKI


# Characters MediaWiki's wfUrlencode() leaves alone in article URLs.
_URL_SAFE = ";@$!*(),/~:"
# Groups createAndPromote.php has a dedicated flag for; others go to --custom-groups.
_GROUP_FLAGS = {
    "bot": "--bot",
    "sysop": "--sysop",
    "bureaucrat": "--bureaucrat",
    "interface-admin": "--interface-admin",
}


class LocalWikiError(RuntimeError):
    """``scripts/localwiki`` (or a maintenance script it ran) failed."""


def _run_localwiki(
    directory: Path,
    port: int | None,
    *args: str,
    input: str | None = None,
    timeout: float = 600,
    mediawiki: str | None = None,
) -> subprocess.CompletedProcess[str]:
    env = os.environ.copy()
    env["ADVOCACY_WIKI_DIR"] = str(directory)
    if mediawiki is not None:
        env["ADVOCACY_MEDIAWIKI"] = mediawiki
    elif args[:1] != ("start",):  # an existing wiki's own version counts
        env.pop("ADVOCACY_MEDIAWIKI", None)
    if port is not None:
        env["ADVOCACY_WIKI_PORT"] = str(port)
    else:
        env.pop("ADVOCACY_WIKI_PORT", None)
    return subprocess.run(
        [str(LOCALWIKI_SCRIPT), *args],
        env=env,
        input=input,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def _failure(what: str, proc: subprocess.CompletedProcess[str]) -> LocalWikiError:
    return LocalWikiError(
        f"{what} failed with exit code {proc.returncode}\n"
        f"--- stdout ---\n{proc.stdout}\n--- stderr ---\n{proc.stderr}"
    )


@dataclass
class LocalWiki:
    """A local wiki created by ``scripts/localwiki`` in ``dir``, served on ``port``."""

    dir: Path
    port: int
    server: str
    api_url: str
    admin: tuple[str, str]
    bot: tuple[str, str]
    mediawiki: str = DEFAULT_MEDIAWIKI  # the series: "1.39" or "1.43"

    @property
    def credentials_file(self) -> Path:
        return self.dir / "credentials.json"

    def url(self, title: str) -> str:
        """Article URL of ``title`` (spaces become underscores, URL-quoted)."""
        return f"{self.server}/wiki/{quote(title.strip().replace(' ', '_'), safe=_URL_SAFE)}"

    def maint(self, script: str, *args: str, input: str | None = None,
              timeout: float = 600) -> str:
        """Run a MediaWiki maintenance script (``edit``, ``runJobs`` ...) against this wiki.

        Returns its stdout; raises :class:`LocalWikiError` with the output on failure.
        ``timeout``: seconds (importing 10,000 pages on a busy machine takes longer).
        """
        proc = _run_localwiki(self.dir, self.port, "maint", script, *args, input=input,
                              timeout=timeout)
        if proc.returncode != 0:
            raise _failure(f"maintenance script {script} {' '.join(args)}", proc)
        return proc.stdout

    def create_user(self, name: str, password: str, *groups: str) -> None:
        """Create (or, if it exists, update) an account and add it to ``groups``."""
        flags = [_GROUP_FLAGS[g] for g in groups if g in _GROUP_FLAGS]
        custom = [g for g in groups if g not in _GROUP_FLAGS]
        if custom:
            flags.append("--custom-groups=" + ",".join(custom))
        self.maint("createAndPromote", "--force", *flags, name, password)

    def stop(self) -> None:
        """Stop this wiki's web server (the data directory is kept)."""
        proc = _run_localwiki(self.dir, self.port, "stop", timeout=60)
        if proc.returncode != 0:
            raise _failure("localwiki stop", proc)

    def is_running(self) -> bool:
        return _run_localwiki(self.dir, self.port, "status", timeout=60).returncode == 0


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def load_wiki(directory: Path) -> LocalWiki:
    """Describe an existing wiki from its ``credentials.json`` (does not start it)."""
    directory = Path(directory).resolve()
    data = json.loads((directory / "credentials.json").read_text(encoding="utf-8"))
    server: str = data["server"]
    return LocalWiki(
        dir=directory,
        port=int(server.rsplit(":", 1)[1]),
        server=server,
        api_url=data["api_url"],
        admin=(data["admin"]["username"], data["admin"]["password"]),
        bot=(data["bot"]["username"], data["bot"]["password"]),
        mediawiki=data.get("mediawiki", DEFAULT_MEDIAWIKI),
    )


def start_wiki(directory: Path, port: int | None = None,
               mediawiki: str | None = None) -> LocalWiki:
    """Create (if needed) and start the wiki in ``directory``; idempotent.

    With ``port=None`` a free port is picked (retrying if it gets taken meanwhile).
    ``mediawiki`` is the series of a new wiki ("1.39" or "1.43"; default
    :func:`default_mediawiki`); an existing wiki must be of that series.
    """
    directory = Path(directory).resolve()
    mediawiki = mediawiki or default_mediawiki()
    if mediawiki not in MEDIAWIKI_VERSIONS:
        raise ValueError(f"mediawiki must be one of {MEDIAWIKI_VERSIONS}, not {mediawiki!r}")
    if port is None and _run_localwiki(directory, None, "status", timeout=60).returncode == 0:
        wiki = load_wiki(directory)  # already running: keep its port
        if wiki.mediawiki != mediawiki:
            raise LocalWikiError(f"{directory} runs MediaWiki {wiki.mediawiki}, not {mediawiki}")
        return wiki
    attempts = 1 if port is not None else 3
    proc: subprocess.CompletedProcess[str] | None = None
    for _ in range(attempts):
        chosen = port if port is not None else free_port()
        proc = _run_localwiki(directory, chosen, "start", mediawiki=mediawiki)
        if proc.returncode == 0:
            return load_wiki(directory)
        if "already in use" not in proc.stderr:
            break
    assert proc is not None
    raise _failure(f"localwiki start (dir {directory})", proc)
