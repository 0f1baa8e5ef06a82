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


try:
    from tests.harness import BotHarness
except ModuleNotFoundError:
    from harness import BotHarness  # type: ignore[no-redef]


@pytest.fixture
def bot(fresh_wiki: LocalWiki) -> BotHarness:
    """The bot and the people of a brand-new wiki, with the record templates installed."""
    harness = BotHarness(fresh_wiki)
    harness.install_templates()
    return harness


@pytest.fixture(scope="module")
def demo_bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BotHarness]:
    """One wiki per test module with the demo data seeded and harvested (seeding takes a while,
    so tests that only read share it)."""
    wiki = start_wiki(tmp_path_factory.mktemp("demo_wiki"))
    harness = BotHarness(wiki)
    try:
        harness.install_templates()
        from bots.jobs.seed import seed_demo

        harness.run(seed_demo)
        harness.run("harvest")
        yield harness
    finally:
        wiki.stop()
