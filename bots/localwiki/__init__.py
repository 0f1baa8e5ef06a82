"""Throw-away local MediaWikis for developing and testing the bot (dev tooling, not the bot).

``scripts/localwiki`` runs :mod:`bots.localwiki.cli`; Python code (tests, benchmarks) uses the
client API re-exported here. Standard library only (of ``bots`` only ``bots.paths``), no
pywikibot: it runs on the system's python3 before ``.venv`` exists.

Modules: ``layout`` (paths, series, ports from the environment), ``deps`` (Debian packages,
the trixie root), ``php`` (running PHP, chrooted in a private mount namespace for 1.43),
``render`` (LocalSettings.php, router.php, credentials.json from ``templates/``),
``settings`` (writing them), ``template`` (the cached installed wiki), ``wiki`` (creating and
configuring a wiki directory), ``server`` (PHP's web server), ``cli`` (the commands),
``client`` (the Python API).
"""

from __future__ import annotations

__all__ = [
    "DEFAULT_MEDIAWIKI",
    "LOCALWIKI_SCRIPT",
    "MEDIAWIKI_VERSIONS",
    "LocalWiki",
    "LocalWikiError",
    "default_mediawiki",
    "free_port",
    "load_wiki",
    "start_wiki",
]


def __getattr__(name: str) -> object:
    # The client API on first use: `scripts/localwiki` (every maint, every status) does not
    # pay for importing it.
    if name in __all__:
        from . import client

        return getattr(client, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
