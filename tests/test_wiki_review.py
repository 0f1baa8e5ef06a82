"""Review due and the conversation around issues and digests, against a real MediaWiki.

The clock is moved forward with the jobs' ``now`` (the command line's ``--now``): cases
written a moment ago are, 180 days later, due for review."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest

try:
    from tests.harness import add_case
except ModuleNotFoundError:
    from harness import add_case  # type: ignore[no-redef]

pytestmark = pytest.mark.wiki
SIGNUP = "Advocacy Hub/Advocates/Sign-up"
MAINTENANCE = "Advocacy Hub/Maintenance"
REVIEW = "Advocacy Hub/Cases/Review due"
HUB_TALK = "Talk:Advocacy Hub"
SUBSCRIBERS = "Advocacy Hub/Newsletter/Subscribers"


def sign_up(bot, user: str, **fields: str) -> None:
    line = "{{Advocate|user=" + user + "".join(f"|{k}={v}" for k, v in fields.items()) + "}}"
    bot.person(user).append(SIGNUP, "\n" + line, "sign up")


def moment() -> datetime:
    """A moment with clean second boundaries around it (the wiki's timestamps have one-second
    resolution): edits before it are older than it, edits after it newer."""
    time.sleep(1.1)
    t = datetime.now(UTC).replace(microsecond=0)
    time.sleep(1.1)
    return t


def nudges_on(bot, user: str) -> str:
    """The review part of the digests posted on ``user``'s talk page ("" when none)."""
    return bot.text(f"User talk:{user}") or ""


def test_due_cases_reach_the_report_and_exactly_the_opted_in_contacts_once(bot) -> None:
    admin = bot.admin()
    sign_up(bot, "Weekly contact", topics="ai", digest="weekly", languages="es")
    sign_up(bot, "Monthly contact", topics="ai", digest="monthly")
    sign_up(bot, "Quiet contact", topics="ai")  # on the roster, no digest
    sign_up(bot, "Weekly bystander", topics="copyright", digest="weekly")  # not a contact
    contacts = "Weekly contact; Monthly contact; Quiet contact; Stranger"  # Stranger: no sign-up
    add_case(admin, "Stale case", contacts=contacts, status="active")
    time.sleep(1.1)  # edited a second before the others: first on the list
    add_case(admin, "Watched case", contacts="Weekly contact", status="monitoring")
    add_case(admin, "Closed case", contacts="Weekly contact", status="concluded", outcome="won")
    add_case(admin, "Learned case", contacts="Weekly contact", status="concluded",
             outcome="won", lessons="Talk to the ministry early.")
    bot.run("harvest")
    start = moment()
    bot.run("digest", now=start)  # the week's and month's baselines: nothing due yet
    bot.run("index", now=start)
    report = bot.text(MAINTENANCE)
    assert "Closed case" in report and "Stale case" not in report  # only the lessons nudge
    later = moment()  # what is edited after this is not due at later + 180 days
    bot.person("Checker").edit("Advocacy Hub/Cases/Watched case",
               bot.text("Advocacy Hub/Cases/Watched case") + "\n<!-- checked -->", "checked")
    bot.run("harvest")
    future = later + timedelta(days=180)

    bot.run("index", now=future)
    report = bot.text(MAINTENANCE)
    section = report[report.index("Due for review (2)"):]
    assert section.index("Stale case") < section.index("Closed case")  # oldest edit first
    assert "Watched case" not in section and "Learned case" not in section
    assert start.strftime("%Y-%m-%d") in section and "Admin" in section  # date, who edited
    page = bot.text(REVIEW)
    assert "Stale case" in page and "Closed case" in page and "Watched case" not in page
    for lang in ("es", "zh"):
        assert "Stale case" in bot.text(f"{REVIEW}/{lang}")
        assert "Stale case" in bot.text(f"{MAINTENANCE}/{lang}")

    bot.run("digest", now=future)
    weekly = nudges_on(bot, "Weekly contact")
    assert "Stale case" in weekly and "Closed case" in weekly and "Watched case" not in weekly
    assert "Tus casos por revisar (2)" in weekly  # in the advocate's language
    assert "Stale case" in nudges_on(bot, "Monthly contact")
    assert "Closed case" not in nudges_on(bot, "Monthly contact")  # not its contact
    for user in ("Quiet contact", "Stranger", "Weekly bystander"):  # never written to
        assert bot.text(f"User talk:{user}") is None, user
    assert [nudges_on(bot, u).count("advocacy-bot:delivery digest:")
            for u in ("Weekly contact", "Monthly contact")] == [1, 1]

    # A week later, the same review period: nobody is nudged again about those cases; the
    # case edited at `later` has become due meanwhile, and only that one is new.
    bot.run("digest", now=future + timedelta(days=7))
    bot.run("digest", now=future + timedelta(days=7, hours=1))
    weekly = nudges_on(bot, "Weekly contact")
    assert weekly.count("advocacy-bot:delivery digest:") == 2
    assert weekly.count("Stale case|") == weekly.count("Closed case|") == 1
    assert weekly.split("advocacy-bot:delivery digest:")[1].count("Watched case|") == 1
    assert nudges_on(bot, "Monthly contact").count("advocacy-bot:delivery digest:") == 1
    for user in ("Quiet contact", "Stranger", "Weekly bystander"):
        assert bot.text(f"User talk:{user}") is None, user

    # Someone updates the case: it leaves the list at the next run.
    updated = moment()
    admin.edit("Advocacy Hub/Cases/Stale case",
               bot.text("Advocacy Hub/Cases/Stale case").replace("|status=active",
                                                                 "|status=monitoring"),
               "still going")
    bot.run("harvest")
    bot.run("index", now=updated + timedelta(days=180))
    section = bot.text(MAINTENANCE).split("Due for review (2)", 1)[1]
    assert "Stale case" not in section and "Closed case" in section
    assert "Stale case" not in bot.text(REVIEW)
    # The case edited at `later` (read by an incremental harvest) is due now, with its editor.
    watched = section.split("Watched case", 1)[1].split("|-", 1)[0]
    assert "[[:User:Checker|Checker]]" in watched


def test_issues_and_digests_invite_replies_which_the_next_ones_list(bot) -> None:
    admin = bot.admin()
    add_case(admin, "First case")
    sign_up(bot, "Reader", topics="copyright", digest="weekly", languages="es")
    bot.person("Lectora").append(SUBSCRIBERS, "\n{{Advocacy subscriber|user=Lectora"
                                 "|language=es}}", "subscribe")
    bot.run("harvest")
    start = moment()
    period = start.strftime("%Y-%m")
    issue = f"Advocacy Hub/Newsletter/{period}"
    talk = f"Talk:{issue}"
    bot.run("newsletter", now=start)
    bot.run("digest", now=start)
    text = bot.text(issue)
    generated = text.split("advocacy-bot:begin newsletter", 1)[1].split(
        "advocacy-bot:end newsletter", 1)[0]
    # The issue ends with its footer: discuss it in a new section of its talk page (a link
    # by URL: the talk page need not exist), subscribe, unsubscribe.
    discuss = f"{{{{fullurl:{talk}|action=edit&section=new}}}} Discuss this issue]"
    assert generated.rstrip(" \n<!-").endswith("</div>") and discuss in generated
    es_discuss = f"{{{{fullurl:{talk}|action=edit&section=new}}}} Comenta este número]"
    assert es_discuss in bot.text(f"{issue}/es")  # one conversation, every language

    # The issue goes out; the Spanish copy ends with the footer in Spanish.
    admin.edit(issue, text.replace("status=draft", "status=ready"), "ready")
    bot.run("deliver", now=start)
    copy = bot.text("User talk:Lectora")
    assert es_discuss in copy and "para darte de baja" in copy

    # A reader answers on the issue's talk page.
    add_case(admin, "Second case")  # the week has news too
    bot.person("Replier").append(talk, "\n== Great issue ==\nThanks, and what about FoP?",
                                 "/* Great issue */ new section")
    bot.run("harvest")
    week = start + timedelta(days=7)
    bot.run("digest", now=week)
    hub = bot.text(HUB_TALK)
    assert "Discussions (1)" in hub and f"[[:{talk}#Great issue|" in hub
    post = [line for line in hub.split("<!-- advocacy-bot:delivery digest:hub")[0].splitlines()
            if line.strip()]
    assert post[-2].startswith("''What do you think? Discuss this digest")  # then signed
    assert "[[:Talk:Advocacy Hub]]" in post[-2]
    personal = bot.text("User talk:Reader")
    assert "¿Qué opinas?" in personal and "[[:Talk:Advocacy Hub]]" in personal

    # The next issue links to it under "From the conversation".
    following = start.replace(day=1) + timedelta(days=40)
    bot.run("newsletter", now=following)
    nxt = bot.text(f"Advocacy Hub/Newsletter/{following.strftime('%Y-%m')}")
    part = nxt.split("== From the conversation ==", 1)[1]
    assert f"[[:{talk}#Great issue|" in part and "Replier" in part
    assert "¿" not in part
    assert "De la conversación" in bot.text(
        f"Advocacy Hub/Newsletter/{following.strftime('%Y-%m')}/es")
    # A run again in the same period reads no recent changes and changes nothing.
    assert bot.run("newsletter", now=following).edits == 0
