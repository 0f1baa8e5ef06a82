"""The promises of docs/guarantees.md, attacked on a real local wiki (issue 11).

Each test reproduces one way a hostile or messy wiki broke a promise: shared and chained
redirects, duplicate and forged lines, redirects to strangers, template redirects, the per-run
cap, dry runs, rate limits, a wiki that is down, a page the wiki refuses, and the small ones.
"""

from __future__ import annotations

import json
import os
import re
import socket
from datetime import UTC, datetime

import pytest

try:
    from tests.harness import CASE_DEFAULTS, add_case, run_for_real
except ModuleNotFoundError:
    from harness import CASE_DEFAULTS, add_case, run_for_real  # type: ignore[no-redef]

pytestmark = pytest.mark.wiki
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
ISSUE = "Advocacy Hub/Newsletter/2026-11"
SUBSCRIBERS = "Advocacy Hub/Newsletter/Subscribers"
DELIVERY_ID = "newsletter:2026-11"
LOG = ISSUE + "/Delivery log"
RENAMEUSER = "/usr/share/mediawiki/extensions/Renameuser/maintenance/renameUser.php"


def subscribe(bot, user: str, by: str | None = None, *, above: bool = False,
              template: str = "Advocacy subscriber", **fields: str) -> None:
    line = "{{" + template + "|user=" + user + "".join(
        f"|{k}={v}" for k, v in fields.items()) + "}}"
    person = bot.person(by or user)
    if above:  # inserted before every other line
        text = bot.text(SUBSCRIBERS) or ""
        head, _, rest = text.partition("\n")
        person.edit(SUBSCRIBERS, f"{head}\n{line}\n{rest}", "subscribe")
    else:
        person.append(SUBSCRIBERS, "\n" + line, "subscribe")


def markers(bot, title: str, delivery_id: str = DELIVERY_ID) -> int:
    return (bot.text(title) or "").count(f"advocacy-bot:delivery {delivery_id} ")


def ready_issue(bot, month: str = "2026-11", now: datetime = NOW) -> None:
    add_case(bot.admin(), f"Case of {month}")
    bot.run("harvest")
    bot.run("newsletter", now=now)
    title = f"Advocacy Hub/Newsletter/{month}"
    bot.admin().edit(title, bot.text(title).replace("status=draft", "status=ready"), "ready")


def start_list(bot) -> None:
    bot.admin().edit(SUBSCRIBERS, "Subscribe below.\n", "page")


def log_row(bot, user: str, log: str = LOG) -> str:
    text = bot.text(log) or ""
    m = re.search(r"^\| " + re.escape(user) + r"\n(.*?)(?=^\|-|^\|\})", text,
                  re.MULTILINE | re.DOTALL)
    return m.group(1) if m else ""


# -- one copy per talk page -----------------------------------------------------------------

def test_redirects_to_one_talk_page_get_one_copy(bot) -> None:
    start_list(bot)
    for user in ("Ana", "Bea", "Cai", "Dot", "Eli"):
        subscribe(bot, user)
    # Ana's and Bea's talk pages both lead to Cai's; Dot's chain leads to Eli's inbox.
    bot.person("Ana").edit("User talk:Ana", "#REDIRECT [[User talk:Cai]]", "r")
    bot.person("Bea").edit("User talk:Bea", "#REDIRECT [[User_talk:cai]]", "r")
    bot.person("Eli").edit("User talk:Eli/Inbox", "Inbox.", "inbox")
    bot.person("Eli").edit("User talk:Eli", "#REDIRECT [[User talk:Eli/Inbox]]", "r")
    bot.person("Dot").edit("User talk:Dot", "#REDIRECT [[User talk:Eli]]", "r")
    ready_issue(bot)
    bot.run("deliver", now=NOW)
    assert markers(bot, "User talk:Cai") == 1
    assert markers(bot, "User talk:Eli/Inbox") == 1
    for page in ("User talk:Ana", "User talk:Bea", "User talk:Dot", "User talk:Eli"):
        assert markers(bot, page) == 0
    assert "Cai" in log_row(bot, "Ana") and "Cai" in log_row(bot, "Bea")
    assert bot.run("deliver", now=NOW).edits == 0
    assert markers(bot, "User talk:Cai") == 1


def test_two_own_lines_one_copy_with_the_newest_options(bot) -> None:
    start_list(bot)
    subscribe(bot, "Ana", language="en")
    subscribe(bot, "ana", by="Ana", language="es")  # the same person, another spelling
    ready_issue(bot)
    bot.run("deliver", now=NOW)
    assert markers(bot, "User talk:Ana") == 1
    assert "Boletín" in bot.text("User talk:Ana")


def test_a_forged_line_above_a_real_one_changes_nothing(bot) -> None:
    start_list(bot)
    subscribe(bot, "Eve", language="en", format="full")
    subscribe(bot, "Eve", by="Mallory", above=True, language="zh", format="summary")
    ready_issue(bot)
    bot.run("deliver", now=NOW)
    text = bot.text("User talk:Eve")
    assert markers(bot, "User talk:Eve") == 1
    assert "Case of 2026-11" in text  # the full issue, in English
    assert "通讯" not in text and "read it on the hub" not in text


def test_an_identical_copy_does_not_defeat_a_withdrawal(bot) -> None:
    """Mallory copies Ivy's line exactly; Ivy removes her line: no more deliveries to her
    (the copy left is Mallory's, reported as forged)."""
    start_list(bot)
    subscribe(bot, "Ivy", language="en")
    text = bot.text(SUBSCRIBERS) or ""
    line = text.splitlines()[-1]
    bot.person("Mallory").edit(SUBSCRIBERS, text + "\n" + line, "copy")
    bot.person("Ivy").edit(SUBSCRIBERS, text.replace(line, "").rstrip() + "\n" + line,
                           "unsubscribe")  # one of the two identical lines gone
    assert (bot.text(SUBSCRIBERS) or "").count(line) == 1
    ready_issue(bot)
    bot.run("deliver", now=NOW)
    assert markers(bot, "User talk:Ivy") == 0


def test_a_line_someone_else_changed_is_not_the_subscribers_any_more(bot) -> None:
    start_list(bot)
    subscribe(bot, "Ivy", format="full")
    text = bot.text(SUBSCRIBERS)
    bot.person("Mallory").edit(SUBSCRIBERS, text.replace("format=full", "format=summary"), "x")
    ready_issue(bot)
    bot.run("deliver", now=NOW)
    assert markers(bot, "User talk:Ivy") == 0
    assert "not added by the subscriber" in log_row(bot, "Ivy")


# -- redirects -------------------------------------------------------------------------------

def test_redirect_to_someone_elses_talk_page_is_skipped(bot) -> None:
    start_list(bot)
    subscribe(bot, "Sly")
    bot.person("Stranger").edit("User talk:Stranger", "Mine.", "mine")
    bot.person("Sly").edit("User talk:Sly", "#REDIRECT [[User talk:Stranger]]", "r")
    subscribe(bot, "Pat")
    bot.person("Pat").edit("User talk:Pat", "#REDIRECT [[Project:Lounge]]", "r")
    subscribe(bot, "Loop")
    bot.person("Loop").edit("User talk:Loop", "#REDIRECT [[User talk:Loop/A]]", "r")
    bot.person("Loop").edit("User talk:Loop/A", "#REDIRECT [[User talk:Loop]]", "r")
    ready_issue(bot)
    bot.run("deliver", now=NOW)
    assert bot.text("User talk:Stranger") == "Mine."
    assert bot.text("Project:Lounge") is None
    assert "redirects to someone else" in log_row(bot, "Sly")
    assert "outside user talk pages" in log_row(bot, "Pat")
    assert "loop" in log_row(bot, "Loop")
    assert "[[:]]" not in bot.text(LOG)


@pytest.mark.parametrize("registered_again", [False, True])
def test_a_renamed_subscriber_is_followed(bot, registered_again) -> None:
    start_list(bot)
    subscribe(bot, "Carol", language="es")
    bot.run("deliver", now=NOW)  # nothing ready yet: the subscription is read before the rename
    bot.wiki.maint(RENAMEUSER, "--oldname", "Carol", "--newname", "Caroline Reyes",
                   "--performer", "Admin", "--reason", "requested")
    if registered_again:  # someone else takes the old name
        bot.admin().create_account("Carol", "pw-Carol-again-0123456789")
    ready_issue(bot)
    bot.run("deliver", now=NOW)
    assert markers(bot, "User talk:Caroline Reyes") == 1
    assert "Boletín" in bot.text("User talk:Caroline Reyes")
    assert markers(bot, "User talk:Carol") == 0


# -- template redirects ----------------------------------------------------------------------

REDIRECTS = {"case": ("Case", "Advocacy case"), "advocate": ("Hub advocate", "Advocate"),
             "event": ("Hub event", "Advocacy event"),
             "resource": ("Hub resource", "Advocacy resource"),
             "subscription": ("Sub", "Advocacy subscriber"),
             "partner": ("Partner", "Advocacy partner")}


def test_a_page_written_before_its_template_redirect_existed_is_found(bot) -> None:
    """A case written with {{Case}} before Template:Case existed; then someone makes
    Template:Case a redirect to {{Advocacy case}}: the next harvest finds the case (MediaWiki
    lists the page under Template:Case; its marker comes only when the page is parsed
    again), not the next periodic full harvest."""
    admin = bot.admin()
    bot.run("harvest")
    body = "".join(f"|{k}={v}" for k, v in {"title": "Early bird", **CASE_DEFAULTS}.items())
    admin.edit("Advocacy Hub/Cases/Early bird", "{{Case" + body + "}}", "case")
    bot.run("harvest")
    assert "Advocacy Hub/Cases/Early bird" not in bot.records()
    admin.edit("Template:Case", "#REDIRECT [[Template:Advocacy case]]", "alias")
    bot.run("harvest")
    assert [r["kind"] for r in bot.records().get("Advocacy Hub/Cases/Early bird", [])] == \
        ["case"]


def test_records_written_through_template_redirects_are_read(bot) -> None:
    admin = bot.admin()
    for alias, target in REDIRECTS.values():
        admin.edit(f"Template:{alias}", f"#REDIRECT [[Template:{target}]]", "alias")
    body = "".join(f"|{k}={v}" for k, v in {"title": "Via a redirect", **CASE_DEFAULTS}.items())
    admin.edit("Advocacy Hub/Cases/Via a redirect", "{{case" + body + "}}", "case")
    bot.person("Ada").edit("User:Ada", "{{Hub advocate|user=Ada|topics=copyright}}", "me")
    admin.edit("Advocacy Hub/Events/Meet", "{{Hub event|title=Meet|start=2026-12-10}}", "e")
    admin.edit("Advocacy Hub/Resources/Guide", "{{Hub resource|title=Guide|kind=guide}}", "r")
    admin.edit("Advocacy Hub/Partners/Ally", "{{partner|name=Ally|kind=ngo}}", "p")
    admin.edit(SUBSCRIBERS, "Subscribe below.\n", "page")
    subscribe(bot, "Ada", template="Sub")
    bot.run("harvest")
    kinds = {r["kind"] for recs in bot.records().values() for r in recs}
    assert set(REDIRECTS) <= kinds
    bot.run("index")
    assert "Via a redirect" in bot.text("Advocacy Hub/Cases")
    assert "|Ally]]" in bot.text("Advocacy Hub/Partners")  # a kind added by declaration too
    ready_issue(bot)
    bot.run("deliver", now=NOW)
    assert markers(bot, "User talk:Ada") == 1


def test_a_redirect_made_after_the_full_harvest_is_found(bot) -> None:
    add_case(bot.admin(), "Plain")
    bot.run("harvest")
    body = "".join(f"|{k}={v}" for k, v in {"title": "Late", **CASE_DEFAULTS}.items())
    bot.admin().edit("Advocacy Hub/Cases/Late", "{{Late case" + body + "}}", "case")
    bot.admin().edit("Template:Late case", "#REDIRECT [[Template:Advocacy case]]", "alias")
    bot.wiki.maint("runJobs")
    bot.run("harvest")
    assert "Advocacy Hub/Cases/Late" in bot.records()


def test_a_record_the_bot_cannot_read_is_reported(bot) -> None:
    admin = bot.admin()
    admin.edit("Template:Case wrapper", "{{Advocacy case|title={{{1}}}|summary=S."
               "|jurisdiction=CL|topics=copyright|start=2021|status=active|outcome=pending}}", "w")
    admin.edit("Advocacy Hub/Cases/Wrapped", "{{Case wrapper|Wrapped}}", "case")
    bot.run("harvest")
    bot.run("index")
    report = bot.text("Advocacy Hub/Maintenance")
    assert "Advocacy Hub/Cases/Wrapped" in report
    assert "found no record in its text" in report


# -- budgets and rate limits -----------------------------------------------------------------

def test_the_cap_bounds_the_whole_run(bot) -> None:
    start_list(bot)
    users = [f"Reader{i}" for i in range(4)]
    for user in users:
        subscribe(bot, user)
    ready_issue(bot, "2026-10", datetime(2026, 10, 15, tzinfo=UTC))
    ready_issue(bot, "2026-11")
    bot.overrides = {"newsletter": {"max_deliveries_per_run": 3}}
    _stats, result, _ = run_for_real(bot, "deliver", now=NOW)
    posted = sum(markers(bot, f"User talk:{u}", d) for u in users
                 for d in ("newsletter:2026-10", "newsletter:2026-11"))
    assert posted == 3
    assert result == "partial"
    run_for_real(bot, "deliver", now=NOW)
    run_for_real(bot, "deliver", now=NOW)
    for user in users:
        assert markers(bot, f"User talk:{user}", "newsletter:2026-10") == 1
        assert markers(bot, f"User talk:{user}", "newsletter:2026-11") == 1
    assert "status=delivered" in bot.text(ISSUE)


def rate_limited(bot, name: str, n: int, edits: int, seconds: int) -> list[str]:
    """``n`` subscribers and a ready issue, on a wiki where the bot account has no
    noratelimit right and may make ``edits`` edits in ``seconds``."""
    start_list(bot)
    users = [f"{name}{i}" for i in range(n)]
    for user in users:
        subscribe(bot, user)
    ready_issue(bot)
    bot.extra_settings("$wgGroupPermissions['bot']['noratelimit'] = false;\n"
                       f"$wgRateLimits['edit']['user'] = [ {edits}, {seconds} ];")
    return users


def test_rate_limits_are_waited_for_not_failures(bot) -> None:
    users = rate_limited(bot, "Limited", 9, 3, 4)
    stats, result, _ = run_for_real(bot, "deliver", now=NOW)
    assert result == "ok", bot.text(LOG)
    assert stats.errors == 0
    assert all(markers(bot, f"User talk:{u}") == 1 for u in users)


def test_a_run_out_of_time_says_so_and_the_next_completes(bot) -> None:
    users = rate_limited(bot, "Slow", 6, 2, 8)
    bot.overrides = {"limits": {"delivery_seconds": 3}}
    stats, result, _ = run_for_real(bot, "deliver", now=NOW)
    assert result == "partial" and stats.errors == 0
    assert "time budget" in bot.text(LOG)
    bot.extra_settings("")
    bot.overrides = {}
    stats, result, _ = run_for_real(bot, "deliver", now=NOW)
    assert result == "ok"
    assert all(markers(bot, f"User talk:{u}") == 1 for u in users)


# -- the command line: dry runs, exit statuses, a wiki that is down ---------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_wiki_that_is_down_ends_with_one_line_and_status_1(bot, tmp_path) -> None:
    profile = bot.profile_file(tmp_path, limits={"max_retries": 1, "retry_wait": 1})
    down = f"http://127.0.0.1:{_free_port()}/api.php"
    stats = tmp_path / "stats.json"
    proc = bot.cli("--profile", str(profile), "run", "all", "--stats-json", str(stats),
                   check=False, env={"ADVOCACY_API_URL": down, "ADVOCACY_LOG_FILE": "none"})
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    summaries = [line for line in proc.stdout.splitlines() if line.endswith("[failed]")]
    assert len(summaries) == 6, proc.stdout
    data = json.loads(stats.read_text())
    assert [j["job"] for j in data["jobs"]] == ["harvest", "index", "roster", "newsletter",
                                                "deliver", "digest"]
    assert all(j["result"] == "failed" and j["errors"] == 1 for j in data["jobs"])
    assert data["result"] == "failed"
    assert sum("cannot work with the wiki" in line for line in proc.stderr.splitlines()) == 6


def test_a_paused_delivery_says_so_and_exits_4(bot) -> None:
    start_list(bot)
    for i in range(12):
        subscribe(bot, f"Grown{i}")
    ready_issue(bot)
    bot.admin().edit("User:AdvocacyBot/Deliveries.json", json.dumps({"last_count": 1}), "x")
    proc = bot.cli("run", "deliver", "--now", NOW.isoformat(), check=False)
    assert proc.returncode == 4, proc.stderr
    assert proc.stdout.strip().endswith("[paused]")
    assert markers(bot, "User talk:Grown0") == 0


def test_a_shutoff_is_one_log_line_not_tracebacks(bot) -> None:
    add_case(bot.admin(), "Any")
    bot.admin().edit("User:AdvocacyBot/Shutoff", "stop: testing", "stop")
    proc = bot.cli("run", "harvest", check=False, env={"ADVOCACY_LOG_FILE": "none"})
    assert proc.returncode == 3
    assert "Traceback" not in proc.stderr
    assert proc.stdout.strip().endswith("[stopped]")


# -- pages the bot must not write or cannot write ---------------------------------------------

def test_a_block_wrapped_in_nowiki_is_damaged_and_left_alone(bot) -> None:
    add_case(bot.admin(), "One")
    bot.run("harvest")
    bot.run("index")
    text = bot.text("Advocacy Hub/Cases")
    wrapped = f"Before.\n<nowiki>{text}</nowiki>"
    bot.admin().edit("Advocacy Hub/Cases", wrapped, "disable the generated block")
    add_case(bot.admin(), "Two")
    bot.run("harvest")
    stats = bot.run("index")
    assert bot.text("Advocacy Hub/Cases") == wrapped
    assert stats.errors >= 1
    report = bot.text("Advocacy Hub/Maintenance")
    assert "Advocacy Hub/Cases" in report and "(cases) are damaged" in report


@pytest.mark.parametrize("exists", [False, True])
def test_a_page_the_wiki_refuses_does_not_stop_the_others(bot, exists) -> None:
    admin = bot.admin()
    if exists:  # the index pages exist, small, before they grow too big
        add_case(admin, "Case number 00")
        bot.run("harvest")
        bot.run("index")
    for i in range(24):
        add_case(admin, f"Case number {i:02d}", summary="A summary of some length. " * 6)
    bot.run("harvest")
    before = bot.text("Advocacy Hub/Cases")
    # Pages over 6 KB are refused (as Meta refuses pages over 2 MiB): the case index is one.
    bot.extra_settings("$wgMaxArticleSize = 6;")
    stats, _result, _ = run_for_real(bot, "index")
    assert bot.text("Advocacy Hub/Cases") == before  # None, or the small page as it was
    assert "24" in bot.text("Advocacy Hub/Statistics")  # the other pages were written
    report = bot.text("Advocacy Hub/Maintenance")
    assert "could not save this generated page" in report and "size limit" in report
    assert stats.errors >= 3  # the index in three languages
    status = bot.text("User:AdvocacyBot/Status")
    assert re.search(r"\|\s*index\s*\n", status)
    assert str(stats.errors) in status


def _latest_revid(bot) -> int:
    changes = bot.api(action="query", list="recentchanges", rclimit=1, rcprop="ids",
                      rctype="edit|new|log")["query"]["recentchanges"]
    return changes[0]["revid"] if changes else 0


def test_run_all_dry_run_on_a_fresh_seeded_wiki(bot, tmp_path) -> None:
    from bots.jobs import registry
    from bots.jobs.seed import seed_demo

    bot.run(seed_demo)
    bot.wiki.maint("runJobs")
    before = _latest_revid(bot)
    proc = bot.cli("run", "all", "--dry-run", check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    # A dry run's summary line says what it would have done (issue 23c: "harvest (dry run):
    # would edit 3 pages, ..."), not "harvest: 0 edits".
    summaries = [m.group(1) for line in proc.stdout.splitlines()
                 if (m := re.match(r"^(\w[\w-]*) \(dry run\): would edit \d+ pages?\b", line))]
    assert summaries == registry.ORDER
    for page in ("Advocacy Hub/Cases", "Advocacy Hub/Maintenance", "Advocacy Hub/Advocates"):
        assert f"+++ {page} (bot)" in proc.stdout, page
    assert "would write [[User:AdvocacyBot/Snapshot.json]]" in proc.stdout
    assert _latest_revid(bot) == before  # not one edit
    stats = tmp_path / "all.json"
    bot.cli("run", "all", "--stats-json", str(stats))
    first = json.loads(stats.read_text())
    assert first["edits"] > 0 and first["result"] == "ok"
    bot.cli("run", "all", "--stats-json", str(stats))
    again = json.loads(stats.read_text())
    assert again["edits"] == 0, [(j["job"], j["edits"]) for j in again["jobs"]]


# -- generated worlds, replayed on a real wiki -----------------------------------------------

@pytest.mark.parametrize("seed", [3, 11, 29])
def test_generated_worlds_replayed_on_the_wiki(bot, seed) -> None:
    """A few generated subscriber histories and redirect graphs, built on the wiki: whatever
    the graph, every page holds at most one copy, only people who saved their own line get
    one, never on a stranger's page, and a second run posts nothing."""
    import random

    rng = random.Random(seed)
    people = [f"P{seed}x{i}" for i in range(7)]
    start_list(bot)
    own: set[str] = set()
    for _ in range(10):
        author = rng.choice(people)
        named = author if rng.random() < 0.6 else rng.choice(people)
        spelled = named if rng.random() < 0.7 else named[0].lower() + named[1:]
        subscribe(bot, spelled, by=author, above=rng.random() < 0.3,
                  language=rng.choice(["en", "es"]))
        if named == author:
            own.add(author)
    titles = [f"User talk:{p}" for p in people] + ["User talk:Outsider", "Project:Elsewhere"]
    for person in people:
        if rng.random() < 0.5:
            bot.person(person).edit(f"User talk:{person}",
                                    f"#REDIRECT [[{rng.choice(titles)}]]", "redirect")
    ready_issue(bot)
    bot.run("deliver", now=NOW)
    copies = {t: markers(bot, t) for t in titles}
    assert all(n <= 1 for n in copies.values())
    assert copies["User talk:Outsider"] == 0 and copies["Project:Elsewhere"] == 0
    for title, n in copies.items():
        if n and title.startswith("User talk:"):
            assert title.split(":", 1)[1] in own  # the page of someone who subscribed
    for person in own:  # a plain talk page of a subscriber always gets its copy
        text = bot.text(f"User talk:{person}")
        if text is None or "#REDIRECT" not in text:
            assert markers(bot, f"User talk:{person}") == 1, (person, bot.text(LOG))
    assert bot.run("deliver", now=NOW).edits == 0
    assert {t: markers(bot, t) for t in titles} == copies


def test_deleting_the_subscribers_page_stops_deliveries(bot) -> None:
    start_list(bot)
    subscribe(bot, "Gone")
    ready_issue(bot, "2026-10", datetime(2026, 10, 15, tzinfo=UTC))
    bot.run("deliver", now=NOW)
    assert markers(bot, "User talk:Gone", "newsletter:2026-10") == 1
    admin = bot.admin()
    admin.call("POST", action="delete", title=SUBSCRIBERS, reason="stop all mail",
               token=admin.token())
    ready_issue(bot)
    bot.run("deliver", now=NOW)
    assert markers(bot, "User talk:Gone") == 0


def test_opting_out_on_a_talk_page_that_redirects_is_honoured(bot) -> None:
    start_list(bot)
    subscribe(bot, "Quiet")
    bot.person("Quiet").edit("User talk:Quiet/Inbox", "Inbox.", "inbox")
    bot.person("Quiet").edit("User talk:Quiet", "#REDIRECT [[User talk:Quiet/Inbox]]\n"
                             "{{nobots}}", "redirect, no bots")
    ready_issue(bot)
    bot.run("deliver", now=NOW)
    assert markers(bot, "User talk:Quiet/Inbox") == 0
    assert "excludes this bot" in log_row(bot, "Quiet")


def test_two_runs_at_once_post_one_copy(bot) -> None:
    import subprocess
    import sys

    start_list(bot)
    users = [f"Twice{i:02d}" for i in range(24)]
    for user in users:
        subscribe(bot, user)
    ready_issue(bot)
    from tests.harness import REPO_ROOT

    env = {**os.environ, "ADVOCACY_WIKI_DIR": str(bot.wiki.dir),
           "ADVOCACY_LOG_FILE": "none", "PYWIKIBOT_DIR": os.environ["PYWIKIBOT_DIR"],
           "PYWIKIBOT_NO_USER_CONFIG": "0"}
    env.pop("ADVOCACY_PROFILE", None)
    runs = [subprocess.Popen([sys.executable, "-m", "bots", "run", "deliver", "--now",
                              NOW.isoformat()], env=env, cwd=REPO_ROOT,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            for _ in range(2)]
    codes = sorted(p.wait(timeout=300) for p in runs)
    assert codes in ([0, 0], [0, 5]), codes  # one posted; the other found it busy or done
    bot.run("deliver", now=NOW)  # whatever was left
    assert [markers(bot, f"User talk:{u}") for u in users] == [1] * len(users)
