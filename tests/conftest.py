"""Shared pytest fixtures."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from bots.localwiki import MEDIAWIKI_VERSIONS, LocalWiki, default_mediawiki, start_wiki


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--mediawiki", choices=MEDIAWIKI_VERSIONS, default=None,
                     help="MediaWiki series of every local wiki the tests start "
                          "(default: $ADVOCACY_MEDIAWIKI, else 1.39)")


def pytest_configure(config: pytest.Config) -> None:
    # Through the environment, so that every wiki started (fixtures, tests, subprocesses) is
    # of this series.
    os.environ["ADVOCACY_MEDIAWIKI"] = config.getoption("--mediawiki") or default_mediawiki()


def pytest_report_header(config: pytest.Config) -> str:
    return f"local wikis: MediaWiki {os.environ['ADVOCACY_MEDIAWIKI']}"


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    terminalreporter.write_line(
        f"local wikis of this run: MediaWiki {os.environ['ADVOCACY_MEDIAWIKI']}")


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


@pytest.fixture(autouse=True)
def _restore_declared_kinds():
    """A test's own schema (a throw-away kind) does not stay declared for the tests after it
    (bots.core.records keeps what each parsed schema declares)."""
    from bots.core import records
    from bots.core.schema import load_schema

    load_schema()  # the real schema is declared before the snapshot (load_schema is cached)
    saved = dict(records._DECLARED)
    yield
    records._DECLARED.clear()
    records._DECLARED.update(saved)
