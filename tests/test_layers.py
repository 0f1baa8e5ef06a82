"""The layers import in one direction: bots.core is pure (no pywikibot, no bots.wiki, no
bots.jobs); a job imports bots.core, bots.wiki, bots.jobs.context and the shared pieces of
bots.jobs.common, never another job and never pywikibot (that is bots.wiki's, the edge).
bots.jobs.registry, which names the jobs, is the one module that imports them."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

BOTS = Path(__file__).resolve().parent.parent / "bots"
JOBS_ALLOWED = ("bots.jobs.context", "bots.jobs.registry", "bots.jobs.common")


def imported(source: str) -> list[tuple[int, str]]:
    """(line, module) of every import in ``source``, functions' own included; ``from a
    import b`` counts as ``a.b`` too (b may be a module)."""
    out = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            out += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            out.append((node.lineno, node.module))
            out += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names]
    return out


def _under(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def job_findings(source: str, where: str = "<snippet>") -> list[str]:
    out = []
    for line, module in imported(source):
        if _under(module, "pywikibot"):
            out.append(f"{where}:{line}: imports {module} (pywikibot belongs in bots/wiki/)")
        elif (_under(module, "bots.jobs") and module != "bots.jobs"
              and not any(_under(module, ok) for ok in JOBS_ALLOWED)):
            out.append(f"{where}:{line}: imports the job module {module} (shared pieces go "
                       "in bots/jobs/common/)")
    return out


def core_findings(source: str, where: str = "<snippet>") -> list[str]:
    return [f"{where}:{line}: bots.core imports {module}"
            for line, module in imported(source)
            if any(_under(module, p) for p in ("pywikibot", "bots.wiki", "bots.jobs"))]


def _sources(package: str) -> list[Path]:
    return sorted((BOTS / package).rglob("*.py"))


def test_jobs_import_no_other_job_and_no_pywikibot() -> None:
    found = []
    for path in _sources("jobs"):
        if path == BOTS / "jobs" / "registry.py":
            continue
        found += job_findings(path.read_text(), str(path.relative_to(BOTS.parent)))
    assert found == []


def test_core_imports_neither_pywikibot_nor_the_edge_nor_jobs() -> None:
    found = []
    for path in _sources("core"):
        found += core_findings(path.read_text(), str(path.relative_to(BOTS.parent)))
    assert found == []


@pytest.mark.parametrize("source", [
    "import pywikibot",
    "from pywikibot.exceptions import Error",
    "from bots.jobs import roster",
    "from bots.jobs.harvest import load_snapshot",
    "def f():\n    from bots.jobs.index import page_set\n",
])
def test_a_job_importing_another_job_or_pywikibot_is_found(source: str) -> None:
    assert job_findings(source)


@pytest.mark.parametrize("source", [
    "from bots.jobs.context import JobContext",
    "from bots.jobs.common.snapshots import load_snapshot",
    "from bots.jobs.common import posting",
    "from bots.jobs import registry",
    "from bots.wiki.pages import PageText",
    "from bots.core.records import Record",
])
def test_allowed_imports_of_a_job(source: str) -> None:
    assert job_findings(source) == []


@pytest.mark.parametrize("source", [
    "import pywikibot",
    "from bots.wiki.pages import PageText",
    "from bots.jobs.context import JobContext",
    "import bots.jobs.harvest",
])
def test_core_importing_the_edge_or_jobs_is_found(source: str) -> None:
    assert core_findings(source)
