"""Shared pytest fixtures."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from bots.localwiki import MEDIAWIKI_VERSIONS, LocalWiki, default_mediawiki, start_wiki


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--mediawiki", choices=MEDIAWIKI_VERSIONS, default=None,
                     help="MediaWiki series of every local wiki the tests start "
                          "(default: $ADVOCACY_MEDIAWIKI, else 1.39)")


REPO_ROOT = Path(__file__).resolve().parent.parent

# Properties are judged by their examples, not by the speed of a shared machine: no deadline
# and no "too slow" health check, in parallel workers on two cores included. A test's own
# @settings still sets its number of examples.
settings.register_profile("advocacy", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("advocacy")


def pytest_configure(config: pytest.Config) -> None:
    # Through the environment, so that every wiki started (fixtures, tests, subprocesses) is
    # of this series.
    os.environ["ADVOCACY_MEDIAWIKI"] = config.getoption("--mediawiki") or default_mediawiki()
    _own_machine_state(config)


def _own_machine_state(config: pytest.Config) -> None:
    """Each test process (every pytest-xdist worker) gets its own pywikibot directory and
    machine-local state directory, before pywikibot is imported. Shared, the workers would
    overwrite each other's cookie file (so a run would log in again, and its request counts
    move) and contend for the posting lock, and the tests would write to the checkout's
    ``.state``. Tests and their subprocesses read both from the environment."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    base = Path(tempfile.mkdtemp(prefix=f"advocacy-tests-{worker}-"))
    pwb = base / "pywikibot"
    pwb.mkdir()
    shutil.copy(REPO_ROOT / "user-config.py", pwb / "user-config.py")
    os.environ["PYWIKIBOT_DIR"] = str(pwb)
    os.environ["PYWIKIBOT_NO_USER_CONFIG"] = "0"
    # Set, not defaulted: a worker inherits the controller's environment, and with it the
    # controller's directory.
    os.environ["ADVOCACY_STATE_DIR"] = str(base / "state")
    config.add_cleanup(lambda: shutil.rmtree(base, ignore_errors=True))


def pytest_itemcollected(item: pytest.Item) -> None:
    """Tests that share a module-scoped fixture (a seeded demo wiki, say) run in one worker
    under ``--dist loadgroup``, in their module's order, so the fixture is built once, not once
    per worker; the other tests are spread one by one. (Marked as each item is collected:
    pytest-xdist reads the marks in its own pytest_collection_modifyitems.)"""
    info = getattr(item, "_fixtureinfo", None)
    if info is None or item.get_closest_marker("xdist_group"):
        return
    if any(defs and defs[-1].scope in ("module", "class", "package")
           for defs in info.name2fixturedefs.values()):
        item.add_marker(pytest.mark.xdist_group(item.nodeid.split("::", 1)[0]))


def pytest_collection_finish(session: pytest.Session) -> None:
    """Fail loudly if pytest-xdist stops grouping (it did under pytest 9): tests sharing a
    module-scoped wiki would then run in several workers, each missing what the others did."""
    if not getattr(session.config.option, "loadgroup", False):  # an xdist worker, grouping
        return
    lost = [item.nodeid for item in session.items
            if item.get_closest_marker("xdist_group") and "@" not in item.nodeid]
    if lost:
        raise pytest.UsageError(f"--dist loadgroup did not group {lost[0]} (pytest-xdist and "
                                "pytest versions: see pyproject.toml)")


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
