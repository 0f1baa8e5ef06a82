"""Operations against a real MediaWiki: the shutoff page, dry runs of every job, the status
page, and a failing job that ends cleanly."""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime

import pytest

try:
    from tests.harness import BotHarness, run_for_real
except ModuleNotFoundError:
    from harness import BotHarness, run_for_real  # type: ignore[no-redef]

pytestmark = pytest.mark.wiki
SHUTOFF = "User:AdvocacyBot/Shutoff"
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def seed(bot) -> None:
    admin = bot.admin()
    admin.edit("Advocacy Hub/Cases/Ops case",
               "{{Advocacy case|title=Ops case|summary=S.|jurisdiction=CL|topics=copyright"
               "|start=2024|status=active|alert=yes}}", "t")
    admin.edit("Advocacy Hub/Newsletter/Subscribers", "Subscribe below.\n", "page")
    bot.person("Reader").append("Advocacy Hub/Newsletter/Subscribers",
                                "\n{{Advocacy subscriber|user=Reader}}", "subscribe")
    bot.person("Helper").append("Advocacy Hub/Advocates/Sign-up",
                                "\n{{Advocate|user=Helper|topics=copyright}}", "sign up")


def bot_edits(bot) -> int:
    changes = bot.api(action="query", list="recentchanges", rcuser="AdvocacyBot",
                      rclimit="max", rcprop="ids")["query"]["recentchanges"]
    return len(changes)


def mark_ready(bot) -> None:
    issue = "Advocacy Hub/Newsletter/2026-11"
    bot.admin().edit(issue, bot.text(issue).replace("status=draft", "status=ready"), "ready")


JOBS = ["harvest", "index", "roster", "newsletter", "deliver", "digest"]


def test_shutoff_stops_every_job_and_resumes(bot) -> None:
    seed(bot)
    run_for_real(bot, "harvest", now=NOW)
    bot.admin().edit("Advocacy Hub/Cases/Later", "{{Advocacy case|title=Later|summary=S."
                     "|jurisdiction=BR|topics=ai|start=2025|status=active}}", "more work")
    admin = bot.admin()
    admin.edit(SHUTOFF, "stop: maintenance", "stop the bot")
    before = bot_edits(bot)
    for job in JOBS:
        stats, result, _ = run_for_real(bot, job, now=NOW)
        assert stats.edits == 0, job
        assert result in ("stopped", "ok"), (job, result)  # ok: a job with nothing to write
    assert bot_edits(bot) == before
    stopped = run_for_real(bot, "harvest", now=NOW)[1]
    assert stopped == "stopped"
    admin.edit(SHUTOFF, "run", "resume")
    for job in ("harvest", "index", "newsletter"):
        stats, result, _ = run_for_real(bot, job, now=NOW)
        assert result == "ok" and stats.edits > 0, job
    mark_ready(bot)
    assert run_for_real(bot, "deliver", now=NOW)[0].edits > 0
    status = bot.text("User:AdvocacyBot/Status") or ""
    for job in ("harvest", "index", "newsletter", "deliver"):
        assert f"| {job}\n" in status, job
    assert "stopped (shutoff)" not in status.split("| harvest\n")[1].split("|-")[0]


def test_dry_run_of_every_job_makes_no_edit_and_prints_diffs(bot) -> None:
    seed(bot)
    before = bot_edits(bot)
    printed = {}
    for job in ("harvest", "index", "roster", "newsletter", "digest"):
        if job != "harvest":
            run_for_real(bot, "harvest", now=NOW)  # the others read a real snapshot
            before = bot_edits(bot)
        stats, result, out = run_for_real(bot, job, dry_run=True, now=NOW)
        assert result == "ok", (job, result)
        assert stats.edits == 0 and bot_edits(bot) == before, job
        printed[job] = out
        # The summary counts what was printed: each page's diff (or JSON line) once, and
        # each post ("would edit 9 pages", not "0 edits" after nine diffs).
        shown = {*re.findall(r"^\+\+\+ (.+) \(bot\)$", out, re.M),
                 *re.findall(r"^--- would write \[\[(.+?)\]\]", out, re.M)}
        assert set(stats.would_edit) == shown and shown, job
        assert stats.would_post == out.count("--- would post on [["), job
        assert f"{job} (dry run): would edit {len(shown)} page" in stats.summary()
    assert "would write [[User:AdvocacyBot/Snapshot.json]]" in printed["harvest"]
    assert "+++ Advocacy Hub/Cases (bot)" in printed["index"]
    assert "+++ Advocacy Hub/Newsletter/2026-11 (bot)" in printed["newsletter"]
    assert "would post on [[User talk:Helper]]" in printed["digest"]  # the alert
    run_for_real(bot, "newsletter", now=NOW)
    mark_ready(bot)
    before = bot_edits(bot)
    stats, result, out = run_for_real(bot, "deliver", dry_run=True, now=NOW)
    assert stats.edits == 0 and bot_edits(bot) == before
    assert "would post on [[User talk:Reader]]" in out


def test_a_failing_job_ends_cleanly_and_reports(bot) -> None:
    # No snapshot yet: index cannot run; it says so and exits with an error, no traceback up.
    stats, result, _ = run_for_real(bot, "index", now=NOW)
    assert result == "failed"
    assert stats.errors == 1
    status = bot.text("User:AdvocacyBot/Status") or ""
    assert "failed" in status and "run the harvest job first" in status


def test_urls_lists_the_generated_pages_and_a_sample_of_cases(bot) -> None:
    admin = bot.admin()
    for i in range(5):
        admin.edit(f"Advocacy Hub/Cases/U{i}", "{{Advocacy case|title=U|summary=s|"
                   "jurisdiction=BR|topics=ai|start=2020|status=active}}", "t")
    bot.run("harvest")
    run_for_real(bot, "index")  # as the command line runs it: the status page too
    out = bot.cli("urls").stdout
    groups = {}  # heading -> {title: URL}
    for block in out.strip().split("\n\n"):
        heading, *lines = block.splitlines()
        groups[heading] = dict(re.match(r"  (.+?)  +(http\S+)", ln).groups()  # type: ignore
                               for ln in lines if ln.startswith("  ") and "http" in ln)
    assert list(groups) == ["Hub pages:", "Browse-by pages:", "Case pages:",
                            "The bot's own pages:"]
    base = bot.wiki.api_url.rsplit("/", 1)[0]
    hub = groups["Hub pages:"]
    assert hub["Advocacy Hub/Cases"] == f"{base}/wiki/Advocacy_Hub/Cases"
    assert list(hub) == sorted(hub, key=str.casefold)
    assert "Advocacy Hub/Cases  " in out and "(also /es, /zh)" in out
    assert "Advocacy Hub/Cases/By/topics" in groups["Browse-by pages:"]
    assert len(groups["Case pages:"]) == 3
    assert all(t.startswith("Advocacy Hub/Cases/U") for t in groups["Case pages:"])
    assert "  (3 as a sample: [[Advocacy Hub/Cases]] lists them all)" in out
    assert {"User:AdvocacyBot/Status", "User:AdvocacyBot/Shutoff"} <= set(
        groups["The bot's own pages:"])
    titles = bot.cli("urls", "--titles").stdout.splitlines()
    assert "Advocacy Hub/Cases" in titles and "Advocacy Hub/Cases/By/topics/es" in titles
    assert not any("sample" in t for t in titles)


def test_a_first_run_warns_of_nothing_and_status_tells_the_state(fresh_wiki) -> None:
    bot = BotHarness(fresh_wiki)
    install = bot.cli("templates", "install")
    assert "level=warning" not in install.stderr, install.stderr
    assert (bot.text(SHUTOFF) or "").strip() == "run"  # created, so nobody is warned
    before = bot.cli("status").stdout
    assert "snapshot  none yet (run: advocacy-bot run harvest)" in before
    assert re.search(r"^  harvest +never run$", before, re.M)
    bot.admin().edit("Advocacy Hub/Cases/S", "{{Advocacy case|title=S|summary=s|"
                     "jurisdiction=BR|topics=ai|start=2020|status=active}}", "t")
    harvest = bot.cli("run", "harvest")
    assert "level=warning" not in harvest.stderr, harvest.stderr
    out = bot.cli("status").stdout
    assert "shutoff   run: the bot may edit ([[User:AdvocacyBot/Shutoff]] says 'run')" in out
    ago = r"\d+ (seconds?|minutes?) ago"
    assert re.search(rf"^snapshot  1 page with records, written {ago} \(", out, re.M)
    assert re.search(rf"^  harvest +ok +{ago} \(.*UTC\); \d+ edits, 0 errors$", out, re.M), out
    assert re.search(r"^  templates +ok ", out, re.M)
    assert re.search(r"^  index +never run$", out, re.M)
    bot.admin().edit(SHUTOFF, "stop: a test", "stop")
    stopped = bot.cli("status").stdout
    assert "shutoff   STOPPED: [[User:AdvocacyBot/Shutoff]] says 'stop: a test', not 'run'" \
        in stopped


def _write_many(bot, n: int, flip_after: int | None = None) -> tuple[int, bool]:
    """An in-process job writing ``n`` pages; an admin sets the shutoff page to "stop"
    after ``flip_after`` of them. Returns (pages written, stopped)."""
    from bots.errors import ShutoffEngaged

    admin = bot.admin()
    written = 0

    def job(ctx):
        nonlocal written
        titles = [f"Advocacy Hub/Shutoff test/{i}" for i in range(n)]
        pages = ctx.wiki.read(titles)
        for i, title in enumerate(titles):
            if i == flip_after:
                admin.edit(SHUTOFF, "stop", "stop the bot")
            ctx.wiki.save(pages[title], f"page {i}", "test")
            written += 1

    try:
        bot.run(job)
    except ShutoffEngaged:
        return written, True
    return written, False


def test_a_stop_set_while_editing_is_obeyed_within_ten_edits(bot) -> None:
    bot.admin().edit(SHUTOFF, "run", "on")
    bot.overrides = {"limits": {"shutoff_check_seconds": 0}}
    written, stopped = _write_many(bot, 40, flip_after=5)
    assert stopped and 5 <= written <= 5 + 10, written


def test_quick_edits_read_the_shutoff_page_once_per_ten_seconds(bot) -> None:
    bot.admin().edit(SHUTOFF, "run", "on")
    written, stopped = _write_many(bot, 30, flip_after=5)  # 30 quick edits: a few seconds
    assert not stopped and written == 30  # the stop is seen by the next reading, not here
    from bots.errors import ShutoffEngaged

    with pytest.raises(ShutoffEngaged):  # the next run's first reading stops it
        bot.run(lambda ctx: ctx.wiki.save(ctx.wiki.read_one("Advocacy Hub/Shutoff test/x"),
                                          "x", "test"))
    assert bot.text("Advocacy Hub/Shutoff test/x") is None


def test_a_deprecated_api_parameter_fails_the_run(bot) -> None:
    """The guard against deprecated API use: the tests run with ADVOCACY_API_WARNINGS=fail,
    and a request the wiki warns about fails the job (here rvprop=content without rvslots,
    deprecated since MediaWiki 1.32, and a parameter no module knows)."""
    from bots.errors import ApiWarningsSeen

    def deprecated(ctx):
        ctx.site.simple_request(action="query", prop="revisions", titles="Main Page",
                                rvprop="content").submit()

    def unknown(ctx):
        ctx.site.simple_request(action="query", meta="siteinfo", sifoo="bar").submit()

    for job, word in ((deprecated, "rvslots"), (unknown, "sifoo")):
        with pytest.raises(ApiWarningsSeen, match=word):
            bot.run(job)
    assert os.environ["ADVOCACY_API_WARNINGS"] == "fail"
    proc = bot.cli("run", "harvest")  # the command line inherits it: a clean run passes
    assert proc.returncode == 0


def test_every_request_names_the_tool_and_its_operators(bot) -> None:
    """Wikimedia's User-Agent policy: tool/version (contact) framework/version."""
    from pywikibot.comms import http

    from bots import __version__

    seen = []

    def job(ctx):
        seen.append(http.user_agent(ctx.site))  # what pywikibot sends with each request

    bot.overrides = {"wiki": {"contact": "https://example.org/wiki/User:Operator"}}
    bot.run(job)
    agent = seen[0]
    assert agent.startswith(f"AdvocacyHubBot/{__version__} (")
    assert "https://example.org/wiki/User:Operator" in agent and "Pywikibot/" in agent
