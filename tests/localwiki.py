"""The local wikis of the tests: :mod:`bots.localwiki`'s client API, under the name the tests
have always imported (``tests.localwiki``, or ``localwiki`` when tests/ is on sys.path)."""

from bots.localwiki import (
    DEFAULT_MEDIAWIKI,
    LOCALWIKI_SCRIPT,
    MEDIAWIKI_VERSIONS,
    LocalWiki,
    LocalWikiError,
    default_mediawiki,
    free_port,
    load_wiki,
    start_wiki,
)

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
