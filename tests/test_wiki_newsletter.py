"""Newsletters and exactly-once delivery against a real MediaWiki."""

from __future__ import annotations

import html
import itertools
import os
import re
import signal
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

try:
    from tests.harness import add_case, assert_signed
except ModuleNotFoundError:
    from harness import add_case, assert_signed  # type: ignore[no-redef]

pytestmark = pytest.mark.wiki
REPO_ROOT = Path(__file__).resolve().parent.parent
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
ISSUE = "Advocacy Hub/Newsletter/2026-11"
SUBSCRIBERS = "Advocacy Hub/Newsletter/Subscribers"
DELIVERY_ID = "newsletter:2026-11"


def subscribe(bot, user: str, by: str | None = None, **fields: str) -> None:
    line = "{{Advocacy subscriber|user=" + user + "".join(
        f"|{k}={v}" for k, v in fields.items()) + "}}"
    bot.person(by or user).append(SUBSCRIBERS, "\n" + line, "subscribe")


def mark_ready(bot) -> None:
    admin = bot.admin()
    admin.edit(ISSUE, bot.text(ISSUE).replace("status=draft", "status=ready"), "ready")


def copies(bot, user: str) -> int:
    return (bot.text(f"User talk:{user}") or "").count(f"advocacy-bot:delivery {DELIVERY_ID}")


def test_newsletter_keeps_editorial_text_and_is_idempotent(bot) -> None:
    admin = bot.admin()
    add_case(admin, "First")
    bot.run("harvest")
    assert bot.run("newsletter", now=NOW).edits >= 3  # issue, translations, state
    text = bot.text(ISSUE)
    assert "status=draft" in text and "First" in text
    intro = re.search(r"<!-- Introduction\..*?-->", text).group(0)
    written = text.replace(intro, intro + "\nOur editorial, by a human.")
    written += "\nA late note from the community.\n"
    admin.edit(ISSUE, written, "editorial")
    assert bot.run("newsletter", now=NOW).edits == 0
    add_case(admin, "Second", status="concluded", outcome="won")
    bot.run("harvest")
    assert bot.run("newsletter", now=NOW).edits >= 1
    after = bot.text(ISSUE)
    assert "Our editorial, by a human." in after
    assert after.rstrip().endswith("A late note from the community.")
    assert "Second" in after and "First" in after
    es = bot.text(ISSUE + "/es")
    assert "Casos nuevos (2)" in es
    assert bot.run("newsletter", now=NOW).edits == 0


def test_an_issue_reads_well(bot) -> None:
    """The issue as its readers see it (the wiki's own parser): the draft banner tells the
    editor how to publish, no empty editorial heading, one short line a new case, a few a
    pillar with "and N more" linking to the index, a footer whose links are never red."""
    bot.install_templates()
    admin = bot.admin()
    # Eleven cases of one pillar on one page (one edit), and one of another pillar.
    admin.edit("Advocacy Hub/Cases/Copies", "".join(
        f"{{{{Advocacy case|title=Copy {i:02d}|summary=A long summary that stays on the case "
        f"page.|jurisdiction=CL|topics=copyright|start=2021|status=active}}}}\n"
        for i in range(11)), "eleven cases")
    add_case(admin, "Watched", topics="privacy-surveillance", jurisdiction="DE")
    bot.run("harvest")
    bot.run("newsletter", now=NOW)
    source = bot.text(ISSUE)
    # The editors' places stay in the source, as hints.
    assert "<!-- Introduction." in source and "== Community news ==" in source
    for title, lang in ((ISSUE, "en"), (ISSUE + "/es", "es")):
        page = bot.api(action="parse", page=title, prop="text|sections|links|externallinks"
                       )["parse"]
        html_text = page["text"]
        shown = re.sub(r"<[^>]+>", "", html_text)
        if lang == "en":  # the banner (on the base issue: the status line lives there)
            assert "change status=draft to status=ready" in html.unescape(shown), shown[:600]
        headings = [s["line"] for s in page["sections"]]
        assert not {"Introduction", "Community news", "Introducción",
                    "Noticias de la comunidad"} & set(headings), headings
        # No empty heading anywhere: text between a heading and the next of its level or above.
        heads = list(re.finditer(r"<h(\d)[^>]*>.*?</h\1>", html_text, re.S))
        for head, after in itertools.pairwise(heads):
            between = re.sub(r"<[^>]+>", "", html_text[head.end():after.start()]).strip()
            assert between or after.group(1) > head.group(1), head.group(0)
        # One short line a case, eight of the pillar's eleven, the rest counted with a link.
        start = next(h for h in heads if re.search("New cases|Casos nuevos", h.group(0)))
        end = html_text.index("advocacy-newsletter-footer")
        new_cases = re.sub(r"<[^>]+>", "", html_text[start.end():end])
        assert "long summary" not in new_cases
        assert new_cases.count("Copy ") == 8 and "Watched" in new_cases
        more = {"en": "…and 3 more: see the case index", "es": "…y 3 más: véase el índice de casos"}
        assert more[lang] in html.unescape(shown), shown
        # No red link: every internal link exists (but the case index, which the index job
        # writes), the footer's are by URL.
        index = {"en": "Advocacy Hub/Cases", "es": "Advocacy Hub/Cases/es"}[lang]
        red = [link["title"] for link in page["links"] if not link.get("exists")]
        assert red == [index], red
        urls = [html.unescape(u) for u in re.findall(r'class="external text" href="([^"]*)"',
                                                     html_text)]
        talk = "Talk:Advocacy_Hub/Newsletter/2026-11"
        assert any(talk in u and "action=edit&section=new" in u for u in urls), urls
        subs = "Advocacy_Hub/Newsletter/Subscribers"
        preload = "Template:Advocacy_subscriber/preload" + ("/es" if lang == "es" else "")
        assert any(subs in u and "section=new" in u and u.endswith("preload=" + preload)
                   for u in urls), urls
        assert any(subs in u and u.endswith("action=edit") for u in urls), urls
    # The issue's category exists (installed with the templates): no red link at its foot.
    cats = bot.api(action="parse", page=ISSUE, prop="categories")["parse"]["categories"]
    assert [c["category"] for c in cats] == ["Advocacy_Hub_newsletter_issues"]
    assert not any(c.get("missing") for c in cats), cats


def test_changed_status_is_news(bot) -> None:
    admin = bot.admin()
    add_case(admin, "Ongoing")
    bot.run("harvest")
    bot.run("newsletter", now=datetime(2026, 10, 15, tzinfo=UTC))  # October's issue
    add_case(admin, "Ongoing", status="concluded", outcome="won")
    bot.run("harvest")
    bot.run("newsletter", now=NOW)
    text = bot.text(ISSUE)
    assert "Cases with news (1)" in text
    assert "Status: Active → Concluded" in text and "Outcome: Pending → Won" in text
    assert "New cases" not in text


def prepare_issue(bot) -> None:
    add_case(bot.admin(), "Deliverable")
    bot.run("harvest")
    bot.run("newsletter", now=NOW)
    mark_ready(bot)


def test_only_self_subscriptions_and_exclusions(bot) -> None:
    admin = bot.admin()
    admin.edit(SUBSCRIBERS, "Subscribe below.\n", "page")
    subscribe(bot, "Ana")
    subscribe(bot, "Victim", by="Prankster")  # added by someone else
    bot.person("Victim")
    subscribe(bot, "Nobots")
    bot.person("Nobots").edit("User talk:Nobots", "{{nobots}}", "no bots")
    subscribe(bot, "Denier")
    bot.person("Denier").edit("User talk:Denier", "{{bots|deny=AdvocacyBot}}", "no")
    subscribe(bot, "Optout")
    bot.person("Optout").edit("User talk:Optout",
                              "[[Category:Opted-out of message delivery]]", "out")
    subscribe(bot, "Mover")
    bot.person("Mover").edit("User talk:Mover", "#REDIRECT [[User talk:Mover/Inbox]]", "r")
    subscribe(bot, "Lucia", language="es")
    subscribe(bot, "Briefly", format="summary")
    prepare_issue(bot)
    stats = bot.run("deliver", now=NOW)
    assert copies(bot, "Ana") == 1
    assert_signed(bot, "User talk:Ana", DELIVERY_ID)
    assert_signed(bot, "User talk:Briefly", DELIVERY_ID)
    assert copies(bot, "Victim") == 0
    assert (bot.text("User talk:Nobots") or "") == "{{nobots}}"
    assert (bot.text("User talk:Denier") or "") == "{{bots|deny=AdvocacyBot}}"
    assert "advocacy-bot:delivery" not in (bot.text("User talk:Optout") or "")
    assert "advocacy-bot:delivery" not in (bot.text("User talk:Mover") or "")
    assert (bot.text("User talk:Mover/Inbox") or "").count(DELIVERY_ID) == 1
    lucia = bot.text("User talk:Lucia") or ""
    assert "Boletín" in lucia
    assert "Casos nuevos" in lucia
    brief = bot.text("User talk:Briefly") or ""
    assert "read it on the hub" in brief and "Deliverable" not in brief
    log = bot.text(ISSUE + "/Delivery log") or ""
    # What was delivered, when, to how many (not "Delivery of newsletter:2026-11: ...").
    assert re.search(r"\nNewsletter issue 2026-11, \w{3} \d+, \d{4} \d\d:\d\d \(UTC\): 8 "
                     r"recipients, 4 delivered and 4 skipped\.\n", log), log[:300]
    assert "newsletter:2026-11" not in log
    for user, word in (("Victim", "not added by the subscriber"), ("Nobots", "excludes"),
                       ("Denier", "excludes"), ("Optout", "opt-out")):
        row = log[log.index(f"| {user}\n"):][:300]
        assert word in row, (user, row)
    assert stats.edits == 5 + 3  # five deliveries; state, subscriptions state, log
    # The maintenance report lists the forged subscription (after the next index run).
    bot.run("index")
    assert "Victim" in (bot.text("Advocacy Hub/Maintenance") or "")
    # Delivered issues are marked, and a second run posts nothing.
    assert "status=delivered" in bot.text(ISSUE)
    assert bot.run("deliver", now=NOW).edits == 0


def test_batched_checks_cost(bot) -> None:
    admin = bot.admin()
    admin.edit(SUBSCRIBERS, "Subscribe below.\n", "page")
    for i in range(12):
        subscribe(bot, f"Reader{i}")
    prepare_issue(bot)
    from bots.core.stats import RunStats
    from bots.jobs.context import job_context
    from bots.wiki.pages import WikiClient
    from bots.wiki.session import RequestCounter
    from bots.wiki.talkpages import survey

    with job_context("probe", bot.profile()) as ctx:
        counter = RequestCounter()
        found = survey(WikiClient(ctx.site, ctx.profile, RunStats("x")),
                       [f"Reader{i}" for i in range(12)], "Opted-out")
        assert counter.count == 2  # accounts (ceil(12/500)) and talk pages (ceil(12/50))
        counter.close()
    assert len(found.accounts) == 12 and all(a.exists for a in found.accounts.values())
    assert found.renames == {}


def test_a_long_delivery_log_is_split_within_the_budget(bot) -> None:
    admin = bot.admin()
    admin.edit(SUBSCRIBERS, "Subscribe below.\n", "page")
    readers = [f"{'ABCD'[i % 4]}-reader {i}" for i in range(24)]
    for user in readers:
        subscribe(bot, user)
    prepare_issue(bot)
    budget = 1_200
    bot.overrides = {"limits": {"page_bytes": budget}}
    bot.run("deliver", now=NOW)
    log = ISSUE + "/Delivery log"
    pages = bot.api(action="query", generator="allpages", gapprefix=log, gaplimit="max",
                    prop="info")["query"]["pages"]
    lengths = {p["title"]: p["length"] for p in pages}
    assert len(lengths) >= 4 and max(lengths.values()) <= budget, lengths
    listed = [u for t in lengths if t != log for u in readers
              if f"| {u}\n" in (bot.text(t) or "")]
    assert sorted(listed) == sorted(readers)  # every subscriber on exactly one part
    assert all(copies(bot, u) == 1 for u in readers)


def _deliver_process(bot) -> subprocess.Popen:
    env = {**os.environ, "ADVOCACY_WIKI_DIR": str(bot.wiki.dir),
           "PYWIKIBOT_DIR": os.environ["PYWIKIBOT_DIR"], "PYWIKIBOT_NO_USER_CONFIG": "0"}
    return subprocess.Popen([sys.executable, "-m", "bots", "run", "deliver", "--now",
                             NOW.isoformat()], env=env, cwd=REPO_ROOT, text=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


@pytest.mark.parametrize("kill_after", [1, 14, 29])
def test_sigkill_mid_delivery_never_duplicates(bot, kill_after: int) -> None:
    admin = bot.admin()
    admin.edit(SUBSCRIBERS, "Subscribe below.\n", "page")
    users = [f"Sub{i:02d}" for i in range(30)]
    for user in users:
        subscribe(bot, user)
    prepare_issue(bot)
    proc = _deliver_process(bot)
    delivered = 0
    assert proc.stderr is not None
    for line in proc.stderr:
        if f"delivered {DELIVERY_ID}" in line:
            delivered += 1
            if delivered >= kill_after:
                proc.send_signal(signal.SIGKILL)
                break
    proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    before = sum(copies(bot, u) for u in users)
    assert kill_after <= before < 30
    stats = bot.run("deliver", now=NOW)
    assert stats.edits >= 30 - before  # the rest, plus state and log
    for user in users:
        assert copies(bot, user) == 1, (user, bot.text(ISSUE + "/Delivery log"))
    log = bot.text(ISSUE + "/Delivery log") or ""
    results = re.findall(r"^\| (delivered(?: \(found on the page\))?)$", log, re.MULTILINE)
    assert len(results) == 30
    assert "delivered (found on the page)" in results or kill_after == 30
    assert "status=delivered" in bot.text(ISSUE)
    assert bot.run("deliver", now=NOW).edits == 0
