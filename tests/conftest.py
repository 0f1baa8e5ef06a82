"""Shared pytest fixtures."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

try:
    from tests.localwiki import LocalWiki, start_wiki
except ModuleNotFoundError:  # tests/ is not a package: pytest put tests/ itself on sys.path
    from localwiki import LocalWiki, start_wiki  # type: ignore[no-redef]


@pytest.fixture(scope="session")
def local_wiki(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalWiki]:
    """One local MediaWiki for the whole test session (free port, temp dir)."""
    wiki = start_wiki(tmp_path_factory.mktemp("local_wiki"))
    try:
        yield wiki
    finally:
        wiki.stop()


@pytest.fixture
def fresh_wiki(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalWiki]:
    """A brand-new local MediaWiki for a test that needs a clean slate (~0.5 s)."""
    wiki = start_wiki(tmp_path_factory.mktemp("fresh_wiki"))
    try:
        yield wiki
    finally:
        wiki.stop()
