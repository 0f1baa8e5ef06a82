"""`run roster` against a real MediaWiki: sign-ups, notices, inactivity and return, blocks,
renames, the role log, matchmaking, idempotency and the request budget. People are real local
accounts editing as themselves; "now" is injected where a test needs months to pass."""

from __future__ import annotations

import html as html_lib
import json
import logging
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

try:
    from tests.harness import assert_signed
except ModuleNotFoundError:
    from harness import assert_signed  # type: ignore[no-redef]

pytestmark = pytest.mark.wiki

ROSTER = "Advocacy Hub/Advocates"
SIGNUP = "Advocacy Hub/Advocates/Sign-up"
LOG = "Advocacy Hub/Advocates/Log"
HELP = "Advocacy Hub/Help wanted"
STATE = "User:AdvocacyBot/Roster.json"
RENAMEUSER = "/usr/share/mediawiki/extensions/Renameuser/maintenance/renameUser.php"


def advocate(user: str, **fields: str) -> str:
    body = "".join(f"|{k}={v}" for k, v in {"user": user, **fields}.items())
    return "{{Advocate" + body + "}}"


def sign_up(person, **fields: str) -> None:
    """The person adds themself to the hub's sign-up page."""
    person.append(SIGNUP, "\n* " + advocate(person.username, **fields), "signing up")


def active_part(text: str) -> str:
    return text.split("== Inactive advocates")[0]


def inactive_part(text: str) -> str:
    return text.split("== Inactive advocates")[1]


def state(bot) -> dict:
    return json.loads(bot.text(STATE) or "{}")


def notices(bot, user: str) -> list[str]:
    return re.findall(r"advocacy-bot:delivery (notice:inactive:\S+)", bot.text(f"User talk:{user}")
                      or "")


def a_year_later() -> datetime:
    return datetime.now(UTC) + timedelta(days=366)


# -- sign-up, pages, idempotency ------------------------------------------------------------

def test_sign_ups_on_the_hub_and_on_user_pages_appear_on_the_roster(bot) -> None:
    ana = bot.person("Ana Souza")
    sign_up(ana, jurisdictions="BR", topics="copyright; FoP", languages="pt; es",
            skills="legal", role="regional-contact")
    kemal = bot.person("Kemal")
    kemal.edit("User:Kemal", "About me.\n" + advocate(
        "Kemal", jurisdictions="IR", topics="censorship", languages="fa; en", profile="low"),
        "signing up on my user page")
    bot.run("harvest")
    first = bot.run("roster")
    assert first.records == 2 and first.edits > 0

    text = bot.text(ROSTER)
    assert "[[:User:Ana Souza|Ana Souza]] ([[:User talk:Ana Souza|talk]])" in text
    assert "[[:User:Kemal|Kemal]]" in text
    assert "2 active Wikimedia advocates" in text
    assert "Regional contact" in text and "Legal" in text
    assert "=== Latin America & Caribbean (1) ===" in text
    assert "=== Copyright (1) ===" in text and "=== Freedom of panorama (1) ===" in text
    assert "=== português (1) ===" in text and "=== فارسی (1) ===" in text
    # Kemal asked for a low profile: listed by username, never with a place.
    rendered = bot.parse(ROSTER)
    page = html_lib.unescape(rendered["text"])
    assert "Kemal" in page and "Iran" not in page and "Middle East" not in page
    assert "Location not shown (1)" in page
    assert rendered["categories"] == []
    links = {link["title"] for link in rendered["links"]}
    assert {"User talk:Ana Souza", "User talk:Kemal", LOG, HELP} <= links
    # Translations, with country names from CLDR and language names in their own script.
    assert "Brasil" in bot.text(ROSTER + "/es") and "巴西" in bot.text(ROSTER + "/zh")
    assert "伊朗" not in bot.text(ROSTER + "/zh")

    assert bot.run("roster").edits == 0  # nothing changed: no edit at all

    # Human text around the generated section is kept; a new sign-up shows up.
    admin = bot.admin()
    admin.edit(ROSTER, "Welcome, written by a human.\n" + text + "\n== Notes ==\nKept.\n", "h")
    sign_up(bot.person("Zoe"), jurisdictions="ZA", topics="copyright")
    bot.run("harvest")
    dry = bot.run("roster", dry_run=True)  # shows the diff, changes nothing
    assert dry.edits == 0 and "[[:User:Zoe|Zoe]]" in bot.last_out
    assert "Zoe" not in bot.text(ROSTER) and "Zoe" not in (bot.text(STATE) or "")
    bot.run("roster")
    after = bot.text(ROSTER)
    assert after.startswith("Welcome, written by a human.\n")
    assert after.endswith("== Notes ==\nKept.")
    assert "[[:User:Zoe|Zoe]]" in after and "3 active Wikimedia advocates" in after


# -- activity: one notice, grace, inactive, back --------------------------------------------

def test_notice_once_then_inactive_after_grace_then_back_after_an_edit(bot, monkeypatch) -> None:
    lena = bot.person("Lena")
    sign_up(lena, jurisdictions="DE", topics="copyright")
    bot.run("harvest")
    bot.run("roster")  # everyone edited just now: active, no notice
    assert notices(bot, "Lena") == []

    now = a_year_later()
    # A run killed after posting the notice but before saving its state ...
    from bots.jobs import roster as roster_job

    def killed(*args, **kwargs):
        raise KeyboardInterrupt("killed")

    with monkeypatch.context() as m:
        m.setattr(roster_job, "_save_state", killed)
        with pytest.raises(KeyboardInterrupt):
            bot.run("roster", now=now)
    assert len(notices(bot, "Lena")) == 1
    assert_signed(bot, "User talk:Lena", "notice:inactive:")
    # ... and run again: the notice's marker is on the talk page, so no second one.
    bot.run("roster", now=now)
    bot.run("roster", now=now + timedelta(days=1))
    assert len(notices(bot, "Lena")) == 1
    assert bot.revisions("User talk:Lena") == 1
    assert state(bot)["advocates"]["Lena"]["status"] == "noticed"
    assert "Lena" in active_part(bot.text(ROSTER))  # still on the roster during the grace

    bot.run("roster", now=now + timedelta(days=29))
    assert "Lena" in active_part(bot.text(ROSTER))
    moved = bot.run("roster", now=now + timedelta(days=31))
    assert moved.edits > 0
    text = bot.text(ROSTER)
    assert "Lena" not in active_part(text)
    assert "Lena" in inactive_part(text) and "No edit since" in inactive_part(text)
    es = bot.text(ROSTER + "/es").split("== Activistas inactivos")
    assert "Lena" not in es[0] and "Lena" in es[1] and "Sin ediciones desde" in es[1]
    assert len(notices(bot, "Lena")) == 1  # never a second notice

    lena.edit("User:Lena", "I am back.", "back")
    bot.run("roster", now=now + timedelta(days=60))
    text = bot.text(ROSTER)
    assert "Lena" in active_part(text) and "Lena" not in inactive_part(text)
    assert state(bot)["advocates"]["Lena"]["status"] == "active"


# -- blocks and renames ---------------------------------------------------------------------

def test_blocked_account_is_moved_with_the_reason_and_back_when_unblocked(bot) -> None:
    blocked = bot.person("Blocked Advocate")
    sign_up(blocked, jurisdictions="FR", topics="copyright")
    sign_up(bot.person("Fine Advocate"), jurisdictions="FR", topics="copyright")
    bot.run("harvest")
    bot.run("roster")
    admin = bot.admin()
    admin.call("POST", action="block", user="Blocked Advocate", expiry="infinite",
               reason="Spam", token=admin.token())
    bot.run("roster")
    text = bot.text(ROSTER)
    assert "Blocked Advocate" not in active_part(text)
    assert "Blocked indefinitely" in inactive_part(text)
    assert "[[:Special:BlockList/Blocked Advocate|details]]" in inactive_part(text)
    assert "Fine Advocate" in active_part(text)
    assert notices(bot, "Blocked Advocate") == []  # moved at once, no notice
    assert "Bloqueo indefinido" in bot.text(ROSTER + "/es")

    admin.call("POST", action="unblock", user="Blocked Advocate", token=admin.token())
    bot.run("roster")
    assert "Blocked Advocate" in active_part(bot.text(ROSTER))


def test_renamed_account_is_followed(bot) -> None:
    carol = bot.person("Carol")
    carol.edit("User:Carol", advocate("Carol", jurisdictions="MX", topics="copyright",
                                      languages="es"), "signing up")
    bot.run("harvest")
    bot.run("roster")
    bot.wiki.maint(RENAMEUSER, "--oldname", "Carol", "--newname", "Caroline Reyes",
                   "--performer", "Admin", "--reason", "requested")
    bot.run("roster")
    text = bot.text(ROSTER)
    assert "[[:User:Caroline Reyes|Caroline Reyes]]" in text
    assert "formerly Carol" in text
    assert "[[:User talk:Caroline Reyes|talk]]" in text
    assert "[[:User:Carol|" not in text
    data = state(bot)
    assert data["renames"] == {"Carol": "Caroline Reyes"}
    assert set(data["advocates"]) == {"Caroline Reyes"}
    # Activity is read under the new name: a year later, the notice goes to the new talk page.
    bot.run("roster", now=a_year_later())
    assert len(notices(bot, "Caroline Reyes")) == 1
    assert notices(bot, "Carol") == []


# -- roles ----------------------------------------------------------------------------------

def test_a_role_change_is_logged_with_its_author(bot) -> None:
    """Roles are given on the endorsements page by a holder (issue 24): Admin (a maintainer)
    gives Erin the role, Erin gives it to Dave, who asked for it in his own line. A line
    someone else edits is no longer its person's: Dave is then off the roster."""
    endorse = "Advocacy Hub/Roles/Endorsements"
    dave = bot.person("Dave")
    sign_up(dave, jurisdictions="IN", topics="ai")
    bot.admin().edit(endorse, "* regional-contact: [[User:Erin Coordinator]]\n", "Erin")
    bot.run("harvest")
    bot.run("roster")
    assert "No role has changed yet." in bot.text(LOG)

    text = bot.text(SIGNUP)
    dave.edit(SIGNUP, text.replace("|user=Dave|", "|user=Dave|role=regional-contact|"),
              "I would like to be the regional contact")
    erin = bot.person("Erin Coordinator")
    erin.append(endorse, "\n* regional-contact: [[User:Dave]]", "Dave is our regional contact")
    bot.run("harvest")
    bot.run("roster")
    log = bot.text(LOG)
    row = log.split("[[:User:Dave|Dave]]")[1].split("|-")[0]
    assert "Member" in row and "Regional contact" in row
    assert "[[:User:Erin Coordinator|Erin Coordinator]]" in row
    assert "Special:Diff/" in row
    assert "Contacto regional" in bot.text(LOG + "/es")
    entry = state(bot)["log"][0]
    assert (entry["user"], entry["old"], entry["new"], entry["by"]) == (
        "Dave", "member", "regional-contact", "Erin Coordinator")
    assert "proposed" not in bot.text(ROSTER).split("[[:User:Dave|Dave]]")[1].split("|-")[0]
    assert bot.run("roster").edits == 0  # logged once

    # The maintainer removes Dave's endorsement: the role is withdrawn, by them.
    bot.admin().edit(endorse, "* regional-contact: [[User:Erin Coordinator]]\n", "withdrawn")
    bot.run("roster")
    withdrawn = [e for e in state(bot)["log"] if e["old"] == "regional-contact"]
    assert [(e["user"], e["new"], e["by"]) for e in withdrawn] == [("Dave", "member", "Admin")]
    assert "proposed: Regional contact" in bot.text(ROSTER)


# -- matchmaking ----------------------------------------------------------------------------

def test_help_wanted_suggests_matching_active_advocates_and_explains_why(bot) -> None:
    admin = bot.admin()
    admin.edit("Advocacy Hub/Cases/Panorama in Brazil", "{{Advocacy case|title=Panorama in Brazil"
               "|summary=A bill.|jurisdiction=BR|topics=FoP; copyright|start=2025|status=active"
               "|help_wanted=We need a lawyer who knows [[Brazilian]] law {{sic}}}}", "case")
    admin.edit("Advocacy Hub/Cases/Quiet case", "{{Advocacy case|title=Quiet case|summary=S."
               "|jurisdiction=JP|topics=ai|start=2020|status=concluded}}", "case")
    lawyer = bot.person("Lawyer")
    sign_up(lawyer, jurisdictions="BR", topics="copyright", languages="pt; en", skills="legal")
    topical = bot.person("Topical")
    sign_up(topical, jurisdictions="DE", topics="FoP", languages="de")
    sleeper = bot.person("Sleeper")
    sign_up(sleeper, jurisdictions="BR", topics="FoP; copyright", languages="pt")
    sign_up(bot.person("Unrelated"), jurisdictions="JP", topics="privacy", languages="ja")
    bot.run("harvest")

    now = a_year_later()
    bot.run("roster", now=now)  # everyone gets a notice; Lawyer and Topical answer by editing
    lawyer.edit("User:Lawyer", "Still here.", "t")
    topical.edit("User:Topical", "Still here.", "t")
    bot.run("roster", now=now + timedelta(days=31))
    text = bot.text(HELP)
    assert "Panorama in Brazil" in text and "Quiet case" not in text
    lines = [line for line in text.splitlines() if line.startswith("* ")]
    assert [re.search(r"User:([^|]+)\|", line).group(1) for line in lines] == [
        "Lawyer", "Topical"]
    assert "works on Copyright; works in Brazil; speaks português" in lines[0]
    assert "works on Freedom of panorama" in lines[1]
    assert "Sleeper" not in text  # inactive: never suggested
    assert "Sleeper" in inactive_part(bot.text(ROSTER))
    page = bot.parse(HELP)
    assert page["templates"] == [] and page["categories"] == []  # the help text stays text
    assert "Brazilian" not in {link["title"] for link in page["links"]}
    es = bot.text(HELP + "/es")
    assert "trabaja en: Brasil" in es and "habla português" in es


# -- costs ----------------------------------------------------------------------------------

def _dump(path: Path, users: list[tuple[str, datetime]]) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        fh.write('<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.11/" version="0.11">\n')
        for user, when in users:
            text = html_lib.escape(advocate(user, jurisdictions="BR", topics="copyright"))
            fh.write(f"<page><title>User:{user}</title><ns>2</ns><revision><timestamp>"
                     f"{when.strftime('%Y-%m-%dT%H:%M:%SZ')}</timestamp><contributor><username>"
                     f"{user}</username></contributor><model>wikitext</model><format>text/x-wiki"
                     f'</format><text xml:space="preserve">{text}</text></revision></page>\n')
        fh.write("</mediawiki>\n")


def test_request_budget_and_no_edit_when_nothing_changed(bot, tmp_path, caplog) -> None:
    """60 advocates, each signed up on their own user page: 50 edited in the last days (in
    recent changes), 10 months ago (active, but each needs a per-user look-up)."""
    n, not_recent = 60, 10
    names = [f"Budget advocate {i}" for i in range(n)]
    bot.wiki.maint("eval", input=(  # the accounts, in one PHP process
        f"for ($i = 0; $i < {n}; $i++) {{ User::createNew('Budget advocate ' . $i); }}\n"))
    now = datetime.now(UTC)
    when = [now - timedelta(days=2)] * (n - not_recent) + [now - timedelta(days=100)] * not_recent
    _dump(tmp_path / "advocates.xml", list(zip(names, when, strict=True)))
    bot.wiki.maint("importDump", "--quiet", str(tmp_path / "advocates.xml"))
    bot.wiki.maint("rebuildrecentchanges")
    bot.wiki.maint("initEditCount")
    bot.run("harvest")

    # + 6 (issue 24): the advocates' pages read again, one prop=contributors for all (no
    # history: each user page only its owner edited), the consent state, the Roles page.
    budget = 26 + not_recent
    with caplog.at_level(logging.INFO, logger="bots.jobs.roster"):
        first = bot.run("roster")
    assert first.records == n
    assert f"{n} advocates, {n - not_recent} seen in recent changes, {not_recent} looked up" \
        in caplog.text
    assert first.api_requests <= budget, first
    with caplog.at_level(logging.INFO, logger="bots.jobs.roster"):
        second = bot.run("roster")
    assert second.edits == 0
    assert second.api_requests <= budget, second
    # The look-ups found edits 100 days old: nothing can change before the notice nears.
    assert f"0 looked up, {not_recent} known from an earlier look-up" in caplog.text
    assert second.api_requests <= first.api_requests - not_recent
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="bots.jobs.roster"):
        bot.run("roster", now=now + timedelta(days=240))  # 340 days after those edits
    assert f"{n} looked up, 0 known" in caplog.text  # nobody in recent changes then
    text = bot.text(ROSTER)
    assert f"{n} active Wikimedia advocates" in text and "Inactive advocates (0)" in text


def test_a_long_roster_is_split_and_undone_without_stale_pages(bot, tmp_path) -> None:
    """With a lowered page budget the roster becomes an overview and sub-pages by username,
    every page within the budget, in every language; a run with nothing new edits nothing;
    when the roster fits again the sub-pages point to it instead of keeping old tables."""
    n = 80
    names = [f"{'ABCDEFGH'[i % 8]}-split advocate {i}" for i in range(n)]
    bot.wiki.maint("eval", input="".join(f"User::createNew('{u}');\n" for u in names))
    _dump(tmp_path / "advocates.xml", [(u, datetime.now(UTC) - timedelta(days=1)) for u in names])
    bot.wiki.maint("importDump", "--quiet", str(tmp_path / "advocates.xml"))
    bot.wiki.maint("rebuildrecentchanges")
    bot.run("harvest")
    budget = 12_000
    bot.overrides = {"limits": {"page_bytes": budget}}
    bot.run("roster")
    data = bot.api(action="query", generator="allpages", gapprefix="Advocacy Hub/Advocates/",
                   gaplimit="max", prop="info")["query"]["pages"]
    lengths = {p["title"]: p["length"] for p in data}
    parts = sorted(t for t in lengths if t.startswith("Advocacy Hub/Advocates/All/"))
    assert len(parts) >= 3 * 3, sorted(lengths)  # several parts, in three languages
    assert max(lengths.values()) <= budget, lengths
    assert bot.api(action="query", titles=ROSTER, prop="info")["query"]["pages"][0][
        "length"] <= budget
    overview = bot.text(ROSTER)
    assert "[[:Advocacy Hub/Advocates/All/A|A]]" in overview and "[[:User:" not in overview
    listed = re.findall(r"\[\[:User:([^|\]]+)\|", "".join(
        bot.text(t) for t in parts if not t.endswith(("/es", "/zh"))))
    assert sorted(listed) == sorted(names)
    assert bot.run("roster").edits == 0

    bot.overrides = {}  # the default budget: one page again
    bot.run("roster")
    for part in parts:
        text = bot.text(part)
        assert "{|" not in text and "[[:Advocacy Hub/Advocates" in text, part
    assert all(u in bot.text(ROSTER) for u in names)
    assert not [t for t in state(bot)["pages"] if "/All/" in t]


def test_accounts_ride_along_with_the_per_user_look_ups(bot) -> None:
    """users.last_edits: K look-ups carry the next batches of accounts; the batches left
    are read on their own. Every account comes back, blocked ones with their block."""
    from bots.jobs.context import job_context
    from bots.wiki import users
    from bots.wiki.session import RequestCounter

    names = [f"Rider {i}" for i in range(5)]
    for name in names:
        bot.person(name).edit(f"User:{name}", "hello", "first edit")
    admin = bot.admin()
    admin.call("POST", action="block", user="Rider 3", expiry="infinite", reason="spam",
               token=admin.token())
    with job_context("probe", bot.profile()) as ctx:
        counter = RequestCounter()
        looked, accounts = users.last_edits(ctx.site, names[:2], accounts_of=names, batch=2)
        assert counter.count == 3  # two look-ups with two accounts each, one batch alone
        counter.close()
    assert set(looked) == set(names[:2]) and all(e.timestamp for e in looked.values())
    assert set(accounts) == set(names)
    assert "blockid" in accounts["Rider 3"] and "blockid" not in accounts["Rider 1"]
