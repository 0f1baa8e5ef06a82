"""Protecting advocates (issue 24) against a real MediaWiki: consent for every listing and
message, roles given by a holder, alerts with accountability (held, released once), sensitive
cases, and a scan of every page the bot wrote for anything private."""

from __future__ import annotations

import html as html_lib
import json
import re
from datetime import UTC, datetime, timedelta

import pytest

try:
    from tests.harness import add_case
except ModuleNotFoundError:
    from harness import add_case  # type: ignore[no-redef]

pytestmark = pytest.mark.wiki

SIGNUP = "Advocacy Hub/Advocates/Sign-up"
ROSTER = "Advocacy Hub/Advocates"
ROLES = "Advocacy Hub/Roles"
ENDORSE = "Advocacy Hub/Roles/Endorsements"
RELEASE = "Advocacy Hub/Alerts/Release"
MAINTENANCE = "Advocacy Hub/Maintenance"
SAFETY = "Advocacy Hub/Safety and support"
BOT = "AdvocacyBot"


def line(user: str, **fields: str) -> str:
    return "{{Advocate|user=" + user + "".join(f"|{k}={v}" for k, v in fields.items()) + "}}"


def deliveries(bot, user: str) -> int:
    return (bot.text(f"User talk:{user}") or "").count("advocacy-bot:delivery")


def written_by_the_bot(bot) -> dict[str, str]:
    """title -> current text of every page the bot ever edited, in every namespace (JSON
    state pages, generated pages, talk-page posts)."""
    titles: set[str] = set()
    params = {"action": "query", "list": "usercontribs", "ucuser": BOT, "uclimit": "max",
              "ucprop": "title"}
    while True:
        answer = bot.api(**params)
        titles |= {c["title"] for c in answer["query"]["usercontribs"]}
        if "continue" not in answer:
            break
        params.update(answer["continue"])
    return {t: bot.text(t) or "" for t in sorted(titles)}


def test_a_sign_up_written_by_someone_else_gets_no_listing_and_no_post(bot) -> None:
    """A signs B up (sign-up page, with a weekly digest and a role) and writes user=B on
    their own user page: B is not listed, matched or written to, and waits on the
    maintenance report by name; once B saves their own line, B is listed, the role only
    proposed."""
    mallory = bot.person("Mallory")
    bot.person("Bob")  # the account exists
    mallory.append(SIGNUP, "\n* " + line("Bob", topics="copyright", jurisdictions="CL",
                                         digest="weekly", role="coordinator"), "signing Bob up")
    mallory.edit("User:Mallory", "Me.\n" + line("Bob", topics="copyright"), "Bob, here")
    admin = bot.admin()
    add_case(admin, "Chile copyright", alert="yes", help_wanted="lawyers")  # CL, copyright
    bot.run("harvest")
    bot.run("roster")
    bot.run("digest")
    bot.run("index")
    roster = bot.text(ROSTER) or ""
    assert "Bob" not in roster and "Mallory" not in roster
    assert "0 active Wikimedia advocates" in roster
    assert deliveries(bot, "Bob") == 0  # no alert (and no digest, no nudge: not an advocate)
    report = html_lib.unescape(bot.parse(MAINTENANCE)["text"])
    assert report.count('Waiting for "Bob" to confirm') == 2  # the sign-up and A's page
    assert "coordinator" not in report.split('Waiting for "Bob"')[1][:300].lower()
    state = bot.text(f"User:{BOT}/Advocates.json") or ""
    assert "CL" not in state and "coordinator" not in state  # hashes and names only

    # Bob saves the line himself (he changes it): now it is his.
    bob = bot.person("Bob")
    text = bot.text(SIGNUP) or ""
    bob.edit(SIGNUP, text.replace("|digest=weekly", "|digest=none"), "yes, that is me")
    bot.run("harvest")
    bot.run("roster")
    bot.run("index")
    roster = bot.text(ROSTER) or ""
    assert "[[:User:Bob|Bob]]" in roster and "one active Wikimedia advocate" in roster
    assert "proposed: Coordinator" in roster  # a role is given, not taken
    report = bot.text(MAINTENANCE) or ""
    assert report.count("to confirm") == 1  # only A's user page (user=B there: no one's)
    assert bot.run("roster").edits == 0


def test_an_alert_by_a_new_account_is_held_then_released_once_by_a_coordinator(bot) -> None:
    admin = bot.admin()
    helper = bot.person("Helper")
    helper.append(SIGNUP, "\n* " + line("Helper", topics="copyright", jurisdictions="CL"),
                  "me")
    coord = bot.person("Coord")
    coord.append(SIGNUP, "\n* " + line("Coord", topics="ai", jurisdictions="JP",
                                       role="coordinator"), "me")
    bot.run("harvest")
    bot.run("roster")  # the first run only records the roles; the log starts now
    admin.edit(ENDORSE, "Roles.\n* coordinator: [[User:Coord]]\n", "Coord coordinates")
    newbie = bot.person("Newbie")
    add_case(newbie, "Chile urgent", alert="yes")  # CL, copyright: Helper matches
    bot.run("harvest")
    bot.run("roster")
    bot.run("digest")
    bot.run("index")
    assert deliveries(bot, "Helper") == 0  # held, not posted
    report = html_lib.unescape(bot.parse(MAINTENANCE)["text"])
    assert 'raised by "Newbie", who is not a confirmed advocate' in report
    roles = bot.text(ROLES) or ""
    assert "[[:User:Coord|Coord]]" in roles.split("== Coordinator ==")[1]
    log = bot.text("Advocacy Hub/Advocates/Log") or ""
    assert "[[:User:Admin|Admin]]" in log.split("[[:User:Coord|Coord]]")[1].split("|-")[0]

    # A release line by someone who is not a coordinator releases nothing ...
    newbie.edit(RELEASE, "* [[Advocacy Hub/Cases/Chile urgent]]\n", "release my own")
    bot.run("digest")
    assert deliveries(bot, "Helper") == 0
    # ... the coordinator's does, once.
    coord.edit(RELEASE, "* [[Advocacy Hub/Cases/Chile urgent]]\n"
               "* [[Advocacy Hub/Cases/Chile urgent]] released by Coord\n", "released")
    bot.run("digest")
    bot.run("digest")
    talk = bot.text("User talk:Helper") or ""
    assert talk.count("advocacy-bot:delivery alert:") == 1
    assert "[[:User:Newbie|Newbie]]" in talk and "Special:Diff/" in talk
    assert "[[:User:Coord|Coord]]" in talk and SAFETY in talk
    bot.run("index")
    assert "Newbie" not in (bot.text(MAINTENANCE) or "")


def test_a_sensitive_case_names_no_one_and_alerts_only_the_regions_contacts(bot) -> None:
    admin = bot.admin()
    for user, place, role in (("Lat", "CL", "regional-contact"), ("Far", "JP", "regional-contact"),
                              ("Member", "CL", "member"), ("Claimer", "CL", "regional-contact")):
        bot.person(user).append(SIGNUP, "\n* " + line(user, topics="copyright",
                                                      jurisdictions=place, role=role,
                                                      digest="weekly"), "me")
    admin.edit(ENDORSE, "* regional-contact: [[User:Lat]]\n* regional-contact: [[User:Far]]\n",
               "contacts")
    bot.person("Quiet Helper")  # the contact named in the case: never on a generated page
    add_case(admin, "Quiet case", alert="yes", sensitive="yes", contacts="Quiet Helper",
             actors="Ministry of Secrets", help_wanted="a lawyer")
    bot.run("harvest")
    bot.run("roster")
    bot.run("digest")
    bot.run("index")
    bot.run("newsletter")
    talk = bot.text("User talk:Lat") or ""
    assert talk.count("advocacy-bot:delivery alert:") == 1
    assert "This case is sensitive" in talk and SAFETY in talk
    for user in ("Far", "Member", "Claimer"):  # another region; no role; a role only claimed
        assert "alert:" not in (bot.text(f"User talk:{user}") or ""), user
    pages = written_by_the_bot(bot)
    assert ROSTER in pages and f"User:{BOT}/Snapshot.json" in pages
    for title, text in pages.items():
        assert "Quiet Helper" not in text and "Ministry of Secrets" not in text, title
    # The case page itself keeps what its editors wrote (in its source).
    assert "Ministry of Secrets" in (bot.text("Advocacy Hub/Cases/Quiet case") or "")


def test_the_demo_wiki_republishes_nothing_private(demo_bot) -> None:
    """Every job on the demo wiki (a week later too, for the digests), then every page the
    bot wrote (every namespace, JSON included) is scanned: no row, list item, JSON object or
    heading's section names a low-profile demo advocate together with one of their places
    (code or label, in every language)."""
    from bots.core.messages import Messages
    from bots.jobs.seed import load_demo

    for job in ("roster", "index", "newsletter", "digest"):
        demo_bot.run(job)
    demo_bot.run("digest", now=datetime.now(UTC) + timedelta(days=8))
    people = load_demo()["advocates"]
    low = [p for p in people if str(p.get("profile", "")).lower() == "low"]
    assert {p["user"] for p in low} >= {"Demo Wei", "Demo Ilya"}
    pages = written_by_the_bot(demo_bot)
    assert len(pages) > 50 and any(t.endswith(".json") for t in pages)
    roster = pages[ROSTER]
    assert all(f"[[:User:{p['user']}|" in roster for p in people)  # nobody lost
    for p in low:
        places = [*p.get("regions", []), *p.get("jurisdictions", [])]
        terms = set(places) | {Messages(lang).label(vocab, v) for lang in ("en", "es", "zh")
                               for v in places for vocab in ("regions", "jurisdictions")}
        for title, text in pages.items():
            assert not leaks(text, p["user"], terms), (title, p["user"])
    # The finder finds: a roster row of a low-profile advocate with a place would be caught.
    assert leaks("|-\n| [[:User:Demo Wei|Demo Wei]] || ESEAP", "Demo Wei", {"ESEAP"})
    assert leaks('{"rows": [["advocate", "Demo Wei", ["ESEAP"]]]}', "Demo Wei", {"ESEAP"})


def leaks(text: str, user: str, terms: set[str]) -> bool:
    """Whether one unit of ``text`` (a JSON object or array's own values; a table row, a
    line, or a heading with the lines under it) holds both ``user`` and one of ``terms``."""
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    if isinstance(data, dict | list):
        return _json_leaks(data, user, terms)
    for chunk in re.split(r"\n(?==)|\n\|-", text):
        if user in chunk and any(t and t in chunk for t in terms):
            return True
    return False


def _json_leaks(node, user: str, terms: set[str]) -> bool:
    if isinstance(node, dict):
        children = list(node.values())
    elif isinstance(node, list):
        children = node
    else:
        return False
    def scalar(x) -> bool:
        return not isinstance(x, dict | list)

    # A node's own values: its scalars and its lists of scalars (a row's multi-valued field).
    # The person must be one of the node's own scalars (a record's row or object names
    # them); a list of names beside a list of event titles is not a record.
    leaves = [json.dumps(c, ensure_ascii=False) for c in children
              if scalar(c) or (isinstance(c, list) and all(scalar(x) for x in c))]
    named = any(isinstance(c, str) and user in c for c in children)
    if named and any(t in x for x in leaves for t in terms if t):
        return True
    return any(_json_leaks(c, user, terms) for c in children)
