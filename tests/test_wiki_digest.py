"""Digests and urgent alerts against a real MediaWiki."""

from __future__ import annotations

import html
import os
import re
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

try:
    from tests.harness import add_case, assert_signed
except ModuleNotFoundError:
    from harness import add_case, assert_signed  # type: ignore[no-redef]

pytestmark = pytest.mark.wiki
REPO_ROOT = Path(__file__).resolve().parent.parent
SIGNUP = "Advocacy Hub/Advocates/Sign-up"
HUB_TALK = "Talk:Advocacy Hub"


def sign_up(bot, user: str, **fields: str) -> None:
    line = "{{Advocate|user=" + user + "".join(f"|{k}={v}" for k, v in fields.items()) + "}}"
    bot.person(user).append(SIGNUP, "\n" + line, "sign up")


def baseline_time() -> datetime:
    """A moment with clean second boundaries around it: the wiki's timestamps have one-second
    resolution, so setup edits fall before it and the week's activity after it."""
    time.sleep(1.1)
    t0 = datetime.now(UTC).replace(microsecond=0)
    time.sleep(1.1)
    return t0


def later_in_the_same_periods(t: datetime, wanted: timedelta) -> datetime:
    """``t`` plus ``wanted``, or less when that crosses into another ISO week or month (a test
    run on a Sunday evening, UTC): a run in a new period legitimately posts that period's
    digest, which is not what a "nothing new, no edit" check is about."""
    for delta in (wanted, timedelta(minutes=5), timedelta(seconds=1), timedelta(0)):
        later = t + delta
        if later.isocalendar()[:2] == t.isocalendar()[:2] and later.month == t.month:
            return later
    raise AssertionError("unreachable: t itself is in its own periods")


def markers(bot, title: str, prefix: str) -> int:
    return (bot.text(title) or "").count(f"advocacy-bot:delivery {prefix}")


def test_weekly_hub_digest_has_every_kind_of_item(bot) -> None:
    admin = bot.admin()
    add_case(admin, "Old news", status="active", outcome="pending")
    admin.edit("Advocacy Hub/Common advocacy positions", "Position v1.", "start")
    admin.edit(HUB_TALK, "Welcome.", "start")
    bot.run("harvest")
    t0 = baseline_time()
    bot.run("digest", now=t0)  # the baseline of this week
    assert markers(bot, HUB_TALK, "digest:hub") == 0  # nothing to report yet
    # A week of activity.
    add_case(admin, "Fresh case", jurisdiction="BR")
    add_case(admin, "Old news", status="concluded", outcome="won")
    sign_up(bot, "Newcomer", topics="copyright", languages="pt")
    admin.edit("Advocacy Hub/Events/Meetup", "{{Advocacy event|title=Regional meet-up|start="
               + (t0 + timedelta(days=10)).strftime("%Y-%m-%d") + "|topics=copyright}}", "e")
    admin.edit("Advocacy Hub/Resources/Guide", "{{Advocacy resource|title=FoP guide|kind=guide"
               "|topics=freedom-of-panorama}}", "r")
    bot.person("Talker").append(HUB_TALK, "\n== Strategy for 2027 ==\nLet us talk.", "/* Strategy "
                                "for 2027 */ new section")
    admin.edit("Advocacy Hub/Common advocacy positions", "Position v2.", "update")
    bot.run("harvest")
    t1 = t0 + timedelta(days=7)
    first = bot.run("digest", now=t1)
    text = bot.text(HUB_TALK) or ""
    assert markers(bot, HUB_TALK, "digest:hub") == 1
    assert "edits" not in text.split("Living documents (1)")[1].split("\n")[1]  # one edit
    for expected in ("New cases (1)", "Fresh case", "Cases with news (1)",
                     "Status: Active → Concluded", "New advocates (1)", "Newcomer",
                     "Coming up (1)", "Regional meet-up", "New resources (1)", "FoP guide",
                     "Discussions (1)", "Strategy for 2027", "Living documents (1)",
                     "Advocacy Hub/Common advocacy positions", "Special:Diff/"):
        assert expected in text, expected
    assert first.edits >= 1
    assert_signed(bot, HUB_TALK, "digest:hub")
    again = bot.run("digest", now=later_in_the_same_periods(t1, timedelta(hours=2)))
    assert again.edits == 0
    assert markers(bot, HUB_TALK, "digest:hub") == 1


def test_personal_digest_holds_only_matching_items(bot) -> None:
    admin = bot.admin()
    sign_up(bot, "Copyright fan", topics="copyright", jurisdictions="BR", digest="weekly",
            languages="pt")
    sign_up(bot, "AI fan", topics="ai", jurisdictions="JP", digest="weekly", languages="ja")
    sign_up(bot, "No digest", topics="copyright", jurisdictions="BR")
    bot.run("harvest")
    t0 = baseline_time()
    bot.run("digest", now=t0)
    add_case(admin, "Brazil copyright reform", jurisdiction="BR", topics="copyright")
    add_case(admin, "German platforms", jurisdiction="DE", topics="platform-regulation")
    bot.run("harvest")
    bot.run("digest", now=t0 + timedelta(days=7))
    mine = bot.text("User talk:Copyright fan") or ""
    assert "Brazil copyright reform" in mine
    assert "German platforms" not in mine  # no shared topic, place or region
    assert markers(bot, "User talk:Copyright fan", "digest:") == 1
    assert_signed(bot, "User talk:Copyright fan", "digest:")
    assert "advocacy-bot:delivery" not in (bot.text("User talk:AI fan") or "")
    assert "advocacy-bot:delivery" not in (bot.text("User talk:No digest") or "")


def _digest_process(bot) -> subprocess.Popen:
    env = {**os.environ, "ADVOCACY_WIKI_DIR": str(bot.wiki.dir),
           "PYWIKIBOT_DIR": os.environ["PYWIKIBOT_DIR"], "PYWIKIBOT_NO_USER_CONFIG": "0"}
    return subprocess.Popen([sys.executable, "-m", "bots", "run", "digest"], env=env,
                            cwd=REPO_ROOT, text=True, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)


def test_alert_reaches_matching_advocates_exactly_once(bot) -> None:
    bot.install_templates()  # the opt-out link's preload page
    admin = bot.admin()
    helpers = [f"Helper{i}" for i in range(8)]
    for user in helpers:
        sign_up(bot, user, topics="child-safety-age-verification", languages="en")
    sign_up(bot, "Elsewhere", topics="ai", jurisdictions="JP")
    bot.run("harvest")
    bot.run("digest")  # nothing urgent yet
    add_case(admin, "Age verification bill", jurisdiction="CL",
             topics="child-safety-age-verification", alert="yes",
             help_wanted="Spanish-speaking lawyers to review the bill")
    bot.run("harvest")
    proc = _digest_process(bot)
    seen = 0
    assert proc.stderr is not None
    for line in proc.stderr:
        if "delivered alert:" in line:
            seen += 1
            if seen == 3:
                proc.send_signal(signal.SIGKILL)
                break
    proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    before = sum((bot.text(f"User talk:{u}") or "").count("advocacy-bot:delivery alert:")
                 for u in helpers)
    assert 3 <= before < len(helpers)  # killed with work left: the re-runs must finish it
    bot.run("digest")
    bot.run("digest")
    for user in helpers:
        text = bot.text(f"User talk:{user}") or ""
        assert text.count("advocacy-bot:delivery alert:") == 1, user
        assert "Why you:" in text and "Child safety" in text
    assert_signed(bot, "User talk:Helper0", "alert:")
    assert "advocacy-bot:delivery" not in (bot.text("User talk:Elsewhere") or "")
    log = bot.text("Advocacy Hub/Digests/Log") or ""
    assert "Helper7" in log
    # What was delivered, when, to how many: the case by name, not "alert:<hash>:<revid>".
    assert re.search(r"Urgent alert about \[\[:Advocacy Hub/Cases/Age verification bill\|Age "
                     r"verification bill\]\], \w{3} \d+, \d{4} \d\d:\d\d \(UTC\): 8 recipients, ",
                     log), log[:400]
    assert "alert:" not in log.split("{|")[0]
    # Unchanged, nothing more is sent.
    assert bot.run("digest").edits == 0

    # The opt-out, as a reader does it: no template code on the page, a link that opens the
    # talk page's edit box with the opt-out line in it; saved, no more alerts to that person.
    shown = bot.api(action="parse", page="User talk:Helper0", prop="text")["parse"]["text"]
    assert "{{bots" not in html.unescape(re.sub(r"<[^>]+>", "", shown))
    link = re.search(r'href="([^"]*preload=Template:Advocate/stop_alerts[^"]*)"', shown)
    assert link and ">stop the urgent alerts</a>" in shown, shown
    person = bot.person("Helper0")
    form = person.session.get(html.unescape(link.group(1)), timeout=60).text
    box = html.unescape(re.search(r'<textarea[^>]*id="wpTextbox1"[^>]*>(.*?)</textarea>',
                                  form, re.S).group(1))
    assert box.strip() == "{{bots|optout=advocacy-alert}}"
    person.append("User talk:Helper0", "\n\n" + box.strip(), "no more alerts")
    add_case(admin, "Second age bill", jurisdiction="CL", topics="child-safety-age-verification",
             alert="yes")
    bot.run("harvest")
    bot.run("digest")
    assert (bot.text("User talk:Helper0") or "").count("advocacy-bot:delivery alert:") == 1
    assert (bot.text("User talk:Helper1") or "").count("advocacy-bot:delivery alert:") == 2

def test_an_alert_is_not_sent_again_after_the_case_page_is_moved(bot) -> None:
    admin = bot.admin()
    sign_up(bot, "Mover watcher", topics="child-safety-age-verification", languages="en")
    add_case(admin, "Age check law", jurisdiction="CL", topics="child-safety-age-verification",
             alert="yes")
    bot.run("harvest")
    bot.run("digest")
    talk = "User talk:Mover watcher"
    assert (bot.text(talk) or "").count("advocacy-bot:delivery alert:") == 1
    admin.call("POST", action="move", **{"from": "Advocacy Hub/Cases/Age check law"},
               to="Advocacy Hub/Cases/Age check law (Chile)", reason="a clearer title",
               token=admin.token())
    bot.run("harvest")
    assert "Advocacy Hub/Cases/Age check law (Chile)" in bot.records()
    bot.run("digest")
    assert (bot.text(talk) or "").count("advocacy-bot:delivery alert:") == 1
