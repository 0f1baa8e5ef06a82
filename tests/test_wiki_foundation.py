"""The foundation against a real MediaWiki: config safety, templates, rendering, demo data."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.wiki
REPO_ROOT = Path(__file__).resolve().parent.parent


def test_missing_profile_never_falls_back_to_a_public_wiki(tmp_path: Path) -> None:
    env = {**os.environ, "PYWIKIBOT_DIR": str(REPO_ROOT), "ADVOCACY_WIKI_DIR": str(tmp_path)}
    code = ("import bots.wiki, pywikibot\n"
            "print(pywikibot.config.family)\n"
            "pywikibot.Site()\n")
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                          cwd=REPO_ROOT, timeout=120)
    assert proc.returncode != 0
    assert "wikipedia" not in proc.stdout
    assert "UnknownFamilyError" in proc.stderr
    cli = subprocess.run([sys.executable, "-m", "bots", "run", "harvest"], env=env,
                         capture_output=True, text=True, cwd=REPO_ROOT, timeout=120)
    assert cli.returncode == 2
    assert "localwiki start" in cli.stderr


def test_templates_install_is_idempotent(bot, tmp_path: Path) -> None:
    # The fixture installed them once; a second install via the CLI makes no edit.
    stats_path = tmp_path / "stats.json"
    bot.cli("templates", "install", "--stats-json", str(stats_path))
    stats = json.loads(stats_path.read_text())
    assert set(stats) == {"job", "api_requests", "edits", "pages_read", "records", "errors",
                          "skipped", "seconds"}
    assert stats["edits"] == 0
    assert stats["records"] == 11  # 5 templates, 5 docs, the record marker
    assert 1 <= stats["api_requests"] <= 6  # login check + one batched read
    assert bot.revisions("Template:Advocacy case") == 1


def test_templates_render_with_templatedata(bot) -> None:
    admin = bot.admin()
    admin.edit("Advocacy Hub/Cases/Render check",
               "{{Advocacy case\n|title=Render check\n|summary=A summary.\n|jurisdiction=DE\n"
               "|topics=copyright\n|start=2020\n|status=active\n|alert=yes\n}}", "t")
    parsed = bot.parse("Advocacy Hub/Cases/Render check")
    html = parsed["text"]
    assert "{{{" not in html and "}}}" not in html
    assert all(t.get("exists") for t in parsed["templates"]), parsed["templates"]
    assert "Render check" in html and "Urgent alert" in html and "A summary." in html
    assert {c["category"] for c in parsed["categories"]} == {"Advocacy_cases"}
    td = bot.api(action="templatedata", titles="Template:Advocacy case")
    params = next(iter(td["pages"].values()))["params"]
    assert params["title"]["required"] is True
    assert "jurisdictions" in params["jurisdiction"]["aliases"]


def test_missing_required_field_puts_page_in_maintenance_category(bot) -> None:
    bot.admin().edit("Advocacy Hub/Cases/Incomplete", "{{Advocacy case|title=Incomplete}}", "t")
    cats = {c["category"] for c in bot.parse("Advocacy Hub/Cases/Incomplete")["categories"]}
    assert "Advocacy_Hub_records_with_missing_fields" in cats


def test_bot_refuses_to_write_outside_its_prefixes(bot) -> None:
    from bots.wiki.pages import WriteRefused

    def write_elsewhere(ctx) -> None:
        page = ctx.wiki.read_one("Main Page")
        ctx.wiki.save(page, "vandalised", "test")

    with pytest.raises(WriteRefused):
        bot.run(write_elsewhere)
    assert "vandalised" not in (bot.text("Main Page") or "")


def test_bot_honours_nobots_on_its_own_pages(bot) -> None:
    from bots.wiki.pages import ExcludedByTemplate

    bot.admin().edit("Advocacy Hub/Guarded", "{{nobots}} human text", "t")

    def write(ctx) -> None:
        ctx.wiki.save(ctx.wiki.read_one("Advocacy Hub/Guarded"), "bot text", "test")

    with pytest.raises(ExcludedByTemplate):
        bot.run(write)
    assert bot.text("Advocacy Hub/Guarded") == "{{nobots}} human text"


def test_demo_seed_is_complete_and_idempotent(demo_bot) -> None:
    snap = demo_bot.snapshot()
    kinds: dict[str, int] = {}
    for page in snap["revids"]:
        kinds.setdefault(page.split("/")[0], 0)
    cases = [p for p in snap["revids"] if p.startswith("Advocacy Hub/Cases/")]
    tsv = (REPO_ROOT.parent / "shared" / "reference" / "cases.tsv")
    if tsv.exists():
        assert len(cases) == len(tsv.read_text().strip().splitlines()) - 1
    else:
        assert len(cases) >= 45
    counts = snap["counts"]
    assert sum(n for n, _ in counts.values()) >= 45 + 10 + 5 + 10 + 5
    assert sum(bad for _, bad in counts.values()) == 0  # the demo data is valid
    from bots.jobs.seed import seed_demo

    again = demo_bot.run(seed_demo)
    assert again.edits == 0
    # Sign-ups on the sign-up page and on user pages, each made by the advocate themself.
    signup = demo_bot.text("Advocacy Hub/Advocates/Sign-up") or ""
    assert signup.count("{{Advocate") >= 5
    user_pages = [p for p in snap["revids"] if p.startswith("User:")]
    assert len(user_pages) >= 3
    for title in user_pages[:3]:
        rev = demo_bot.api(action="query", prop="revisions", titles=title, rvprop="user",
                           rvlimit=1)["query"]["pages"][0]["revisions"][0]
        assert rev["user"] == title.removeprefix("User:")
