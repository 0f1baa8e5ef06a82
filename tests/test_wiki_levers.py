"""Issue 25 on a real wiki: the community's pages and the bot's own pages are not levers.

One wiki for the module (its tests run in order, each on its own newsletter period or page);
the pure side is in tests/test_levers.py. Each test names the finding it covers (1-10).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from bots.localwiki import start_wiki

try:
    from tests.harness import BotHarness, add_case
except ModuleNotFoundError:
    from harness import BotHarness, add_case  # type: ignore[no-redef]

pytestmark = pytest.mark.wiki

SUBSCRIBERS = "Advocacy Hub/Newsletter/Subscribers"
MAINT = "Advocacy Hub/Maintenance"
VOCAB = "Module:Advocacy/Vocabularies.json"
STATE_ROOT = "User:AdvocacyBot/"
REPORTS = STATE_ROOT + "Reports.json"
CASES = STATE_ROOT + "Cases.json"


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BotHarness]:
    """A hub with two cases, a subscriber who subscribed herself, and every job run once."""
    wiki = start_wiki(tmp_path_factory.mktemp("levers_wiki"))
    bot = BotHarness(wiki)
    try:
        bot.install_templates()
        admin = bot.admin()
        add_case(admin, "Free panorama", topics="copyright")
        add_case(admin, "Watched", topics="privacy-surveillance")
        admin.edit(SUBSCRIBERS, "Subscribe below.\n", "page")
        bot.person("Sub").append(SUBSCRIBERS, "\n{{Advocacy subscriber|user=Sub}}", "me")
        bot.run("harvest")
        bot.run("index")
        # every state page once: an issue delivered, the roster, a digest
        warm = datetime(2043, 1, 20, tzinfo=UTC)
        bot.run("newsletter", now=warm)
        mark_ready(admin, bot, "Advocacy Hub/Newsletter/2043-01")
        bot.run("deliver", now=warm)
        bot.run("roster", now=warm)
        bot.run("digest", now=warm)
        yield bot
    finally:
        wiki.stop()


def markers(bot: BotHarness, user: str, delivery: str) -> int:
    return (bot.text(f"User talk:{user}") or "").count(f"advocacy-bot:delivery {delivery} ")


def categories(bot: BotHarness, title: str) -> list[str]:
    page = bot.api(action="query", prop="categories", titles=title)["query"]["pages"][0]
    return [c["title"] for c in page.get("categories", [])]


def reported(bot: BotHarness) -> list[dict]:
    data = json.loads(bot.text(REPORTS) or "{}")
    return [p for problems in data.values() for p in problems]


def mark_ready(actor, bot: BotHarness, title: str) -> None:
    actor.edit(title, bot.text(title).replace("status=draft", "status=ready"), "ready")


# -- 1. who may make the bot post -------------------------------------------------------------

def test_1_a_newcomers_ready_page_is_reported_not_sent(hub) -> None:
    title = "Advocacy Hub/Newsletter/2043-03"
    hub.person("Newcomer").edit(title, "{{Advocacy newsletter|status=ready}}\n"
                                "Buy now! [[Category:Spam probe]]\n", "an issue")
    hub.run("deliver", now=datetime(2043, 3, 20, tzinfo=UTC))
    assert markers(hub, "Sub", "newsletter:2043-03") == 0
    assert "Category:Spam probe" not in " ".join(categories(hub, "User talk:Sub"))
    assert {(p["page"], p["code"]) for p in reported(hub)} >= {(title, "issue-not-by-bot")}
    hub.run("index")
    assert "did not make it from its own draft (it was first saved by \"Newcomer\")" in \
        hub.text(MAINT)


def test_1_the_bots_draft_marked_ready_by_a_newcomer_is_not_sent(hub) -> None:
    now = datetime(2043, 4, 20, tzinfo=UTC)
    title = "Advocacy Hub/Newsletter/2043-04"
    hub.run("newsletter", now=now)
    mark_ready(hub.person("Eve"), hub, title)  # a brand-new account (autoconfirmed locally)
    hub.run("deliver", now=now)
    assert markers(hub, "Sub", "newsletter:2043-04") == 0
    assert ("Eve", "issue-no-standing") in {(p.get("value"), p["code"]) for p in reported(hub)}

    # A maintainer (the profile's list) marks it ready again: sent, but only the issue's
    # own sections, and without the categories someone put in them.
    admin = hub.admin()
    text = hub.text(title).replace("status=ready", "status=draft")
    status_line, rest = text.split("\n", 1)  # the introduction: right after the status line
    text = f"{status_line}\nHello. [[Category:Spam probe]]\n{rest}"
    admin.edit(title, text + "\n== Buy now ==\nCheap [[Category:Spam probe]]\n", "more")
    mark_ready(admin, hub, title)
    hub.run("deliver", now=now)
    assert markers(hub, "Sub", "newsletter:2043-04") == 1
    talk = hub.text("User talk:Sub")
    assert "Hello." in talk and "Buy now" not in talk and "Spam probe" not in talk
    assert categories(hub, "User talk:Sub") == []
    assert not [p for p in reported(hub) if p["page"] == title]  # no longer reported


def test_1_a_template_in_the_introduction_does_not_categorise_talk_pages(hub) -> None:
    """A template an editor puts in the introduction (here one that categorises, and a
    parser function) arrives as the text it shows, not as a transclusion: no subscriber's
    talk page is in its category, now or when the template is edited later."""
    now = datetime(2043, 5, 20, tzinfo=UTC)
    title = "Advocacy Hub/Newsletter/2043-05"
    admin = hub.admin()
    admin.edit("Template:Shiny", "'''Shiny news''' for {{{1|everyone}}}"
               "[[Category:Shiny pages]]", "a template that categorises")
    hub.run("newsletter", now=now)
    status_line, rest = hub.text(title).split("\n", 1)
    admin.edit(title, f"{status_line}\nHello. {{{{Shiny|advocates}}}} {{{{lc:LOUD}}}}\n{rest}",
               "introduction")
    mark_ready(admin, hub, title)
    hub.run("deliver", now=now)
    assert markers(hub, "Sub", "newsletter:2043-05") == 1
    talk = hub.text("User talk:Sub")
    assert "{{Shiny" not in talk and "Shiny pages" not in talk
    html = hub.parse(title="User talk:Sub")["text"]
    assert "<b>Shiny news</b> for advocates" in html and "Hello. " in html and "loud" in html
    assert categories(hub, "User talk:Sub") == []
    admin.edit("Template:Shiny", "[[Category:Shiny later]]", "later")
    assert categories(hub, "User talk:Sub") == []


# -- 2, 3, 4. one validator, and a module that never preprocesses -------------------------------

def test_2_3_4_labels_values_and_translations_with_markup_are_refused(hub) -> None:
    admin = hub.admin()
    good = hub.text(VOCAB)
    for label in ["Copyright\n! X", "\n== X ==", "ftp://example.org", "x" * 5000]:
        data = json.loads(good)
        data["vocabularies"]["topics"]["labels"]["en"]["copyright"] = label
        admin.edit(VOCAB, json.dumps(data), "a label")
        hub.run("index")
        state = json.loads(hub.text(STATE_ROOT + "Governance.json"))
        assert json.loads(state["text"]) == json.loads(good), label  # refused
    data = json.loads(good)
    data["vocabularies"]["topics"]["values"].append("[[Category:Vandal]]")
    admin.edit(VOCAB, json.dumps(data), "a value")
    hub.run("index")
    assert json.loads(json.loads(hub.text(STATE_ROOT + "Governance.json"))["text"]) == \
        json.loads(good)
    admin.edit(VOCAB, good, "back")

    # 3: a translation that would put every page using the template in a category
    es = "Module:Advocacy/i18n/es.json"
    admin.edit(es, json.dumps({"advocacyhub-cases-query-count":
                               "$1 de $2 casos [[Category:TransVandal]]"}), "vandal")
    hub.run("harvest")
    admin.edit("Advocacy Hub/Query es", "{{Advocacy cases|lang=es}}", "q")
    assert "Category:TransVandal" not in " ".join(categories(hub, "Advocacy Hub/Query es"))
    html = hub.parse(title="Advocacy Hub/Query es")["text"]
    assert "TransVandal" not in html and "scripterror" not in html
    hub.run("index")
    assert "holds wiki markup or HTML the English message does not have" in hub.text(MAINT)
    admin.edit(es, "{}", "reverted")


def test_2_the_module_keeps_a_hostile_label_in_its_cell(hub) -> None:
    """Even a label that reached the case table (written before this validator) stays text:
    no extra header cell, no broken data-sort-value."""
    before = hub.parse(text="{{Advocacy cases|lang=en}}")["text"]
    table = json.loads(hub.text(CASES))
    table["labels"]["en"]["values"]["topics"]["copyright"] = "Copyright\n! X\n|}"
    hub.admin().edit(CASES, json.dumps(table), "hostile")
    html = hub.parse(text="{{Advocacy cases|lang=en}}")["text"]
    assert html.count("<th") == before.count("<th")  # no header cell more
    assert html.count("<td") == before.count("<td")
    assert "scripterror" not in html and "Copyright" in html
    hub.run("harvest", full=True)


# -- 5. used values from the snapshot ------------------------------------------------------------

def test_5_a_value_no_record_uses_any_more_can_be_removed_at_once(hub) -> None:
    admin = hub.admin()
    add_case(admin, "Tagged", topics="ai")
    hub.run("harvest")
    add_case(admin, "Tagged", topics="copyright")  # the refusal's advice: change the records
    hub.run("harvest")  # incremental
    data = json.loads(hub.text(VOCAB))
    topics = data["vocabularies"]["topics"]
    topics["values"].remove("ai")
    topics["synonyms"] = [s for s in topics["synonyms"] if s[1] != "ai"]
    for table in topics["labels"].values():
        table.pop("ai", None)
    for members in data["pillars"]["members"].values():
        if "ai" in members:
            members.remove("ai")
    admin.edit(VOCAB, json.dumps(data), "ai is gone")
    hub.run("index")
    state = json.loads(hub.text(STATE_ROOT + "Governance.json"))
    assert "ai" not in json.loads(state["text"])["vocabularies"]["topics"]["values"]
    assert "ai" not in state["used"]["topics"]


# -- 7. times never run backwards -------------------------------------------------------------

def test_7_a_digest_run_with_a_clock_ahead_does_not_stick(hub) -> None:
    now = datetime(2043, 5, 6, 12, tzinfo=UTC)
    hub.run("digest", now=now)
    hub.run("digest", now=now + timedelta(days=8))  # a clock run ahead
    hub.run("digest", now=now + timedelta(days=1))  # and back: no error
    hub.run("digest", now=now + timedelta(days=2))
    assert "clock-backwards" in {p["code"] for p in reported(hub)}
    hub.run("index", now=now + timedelta(days=2))
    assert "the clock ran backwards" in hub.text(MAINT)


# -- 9. a damaged state page ------------------------------------------------------------------

def test_9_the_module_shows_a_message_for_any_case_table(hub) -> None:
    admin = hub.admin()
    whole = json.loads(hub.text(CASES))
    for damaged in ([1, 2], {}, {**whole, "labels": {}},
                    {**whole, "labels": {"en": {"count": 5}}}, {**whole, "parts": "x"}):
        admin.edit(CASES, json.dumps(damaged), "damage")
        html = hub.parse(text="{{Advocacy cases}}")["text"]
        assert "scripterror" not in html and "not available" in html, damaged
    html = hub.parse(text="{{#invoke:Advocacy|suggest|fields:nokind|x}}"
                          "{{#invoke:Advocacy|suggest|novocabulary|x}}")["text"]
    assert "scripterror" not in html
    hub.run("harvest")  # rebuilt from the wiki
    assert "advocacy-cases-query" in hub.parse(text="{{Advocacy cases}}")["text"]


STATE_PAGES = ["Snapshot.json", "Snapshot/1.json", "Cases.json", "Cases/1.json", "Index.json",
               "Subscribers.json", "Deliveries.json", "Newsletter.json", "Roster.json",
               "Digest.json", "Governance.json", "Vocabularies.json", "Reports.json"]


def damage(kind: str, text: str) -> tuple[str, dict]:
    """A hand-damaged version of a state page's ``text``, and how to save it."""
    if kind == "wrong-type":
        return "[1, 2]", {}
    if kind == "empty":
        return "", {"contentmodel": "text"}
    if kind == "truncated":
        return text[:len(text) // 2], {"contentmodel": "text"}
    data = json.loads(text)  # parts of the wrong type (or missing)
    if isinstance(data, dict):
        return json.dumps({k: ("x" if i % 2 else [1]) for i, k in enumerate(data)}), {}
    return json.dumps({}), {}


@pytest.mark.parametrize("kind", ["wrong-type", "empty", "truncated", "missing-parts"])
def test_9_a_damaged_state_page_never_fails_a_run(hub, kind) -> None:
    """Every state page damaged at once, then every job: none fails, and the pages the jobs
    rewrite are JSON objects again."""
    month = {"wrong-type": 6, "empty": 7, "truncated": 8, "missing-parts": 9}[kind]
    now = datetime(2043, month, 20, 12, tzinfo=UTC)
    hub.run("newsletter", now=now)  # this month's issue, delivered below
    mark_ready(hub.admin(), hub, f"Advocacy Hub/Newsletter/2043-{month:02d}")
    admin = hub.admin()
    for name in STATE_PAGES:
        text = hub.text(STATE_ROOT + name)
        if text is None and name == "Reports.json":
            continue  # nothing reported yet on this wiki
        assert text is not None, name
        bad, how = damage(kind, text)
        admin.edit(STATE_ROOT + name, bad, f"damaged: {kind}", **how)
    for job in ("harvest", "index", "newsletter", "deliver", "roster", "digest"):
        hub.run(job, now=now)  # none raises (not even once)
    assert markers(hub, "Sub", f"newsletter:2043-{month:02d}") == 1
    for name in ("Snapshot.json", "Cases.json", "Index.json", "Newsletter.json",
                 "Deliveries.json", "Digest.json", "Roster.json", "Subscribers.json"):
        assert isinstance(json.loads(hub.text(STATE_ROOT + name)), dict), name
    assert "scripterror" not in hub.parse(text="{{Advocacy cases}}")["text"]
    assert "advocacy-cases-query" in hub.parse(text="{{Advocacy cases}}")["text"]


def bot_posts(bot: BotHarness, title: str, period: str) -> int:
    """How many times the bot's own edits posted ``period``'s issue to ``title``."""
    contribs = bot.api(action="query", list="usercontribs", ucuser="AdvocacyBot",
                       ucnamespace=3, ucprop="title|comment", uclimit="max")
    return sum(c["title"] == title and c["comment"].endswith(f"newsletter {period}")
               for c in contribs["query"]["usercontribs"])


def damage_part(admin, title: str, kind: str) -> None:
    """Damage one part of the state page ``title`` (kept in parts): blanked, of the wrong JSON
    shape, or deleted."""
    part = json.loads(admin.text(title))["advocacy-bot:parts"]["titles"][-1]
    if kind == "deleted":
        admin.call("POST", action="delete", title=part, reason="test", token=admin.token())
    elif kind == "blanked":
        admin.edit(part, "", "blanked", contentmodel="text")
    else:
        admin.edit(part, json.dumps({"rows": [1, 2]}), "wrong shape")


@pytest.mark.parametrize("kind", ["blanked", "wrong-shape", "deleted"])
def test_9_a_damaged_part_of_a_state_page_never_fails_a_run(hub, kind) -> None:
    """Deliveries.json and Subscribers.json kept in parts (a small page budget), a part of each
    damaged half way through a delivery (the run's cap), after a subscriber archived the copy
    (marker and all): the next run reports both, rebuilds the subscriptions from the
    subscribers page's history and the deliveries from the bot's own edits (not from the
    markers alone), and completes the delivery without a second copy."""
    month = {"blanked": 10, "wrong-shape": 11, "deleted": 12}[kind]
    period = f"2043-{month:02d}"
    now = datetime(2043, month, 20, 12, tzinfo=UTC)
    admin = hub.admin()
    other = f"Sub{month}"
    hub.person(other).append(SUBSCRIBERS, f"\n{{{{Advocacy subscriber|user={other}}}}}", "me")
    hub.run("newsletter", now=now)
    mark_ready(admin, hub, f"Advocacy Hub/Newsletter/{period}")
    hub.overrides = {"limits": {"page_bytes": 400},
                     "newsletter": {"max_deliveries_per_run": 1}}
    try:
        hub.run("deliver", now=now)  # one copy (to "Sub"): the delivery is half way
        assert markers(hub, "Sub", f"newsletter:{period}") == 1
        assert markers(hub, other, f"newsletter:{period}") == 0
        for name in ("Deliveries.json", "Subscribers.json"):
            assert "advocacy-bot:parts" in hub.text(STATE_ROOT + name), name  # in parts
        hub.person("Sub").edit("User talk:Sub", "Archived.", "archiving")
        for name in ("Deliveries.json", "Subscribers.json"):
            damage_part(admin, STATE_ROOT + name, kind)
        hub.overrides = {"limits": {"page_bytes": 400}}  # and no cap: the rest are sent
        hub.run("deliver", now=now)  # does not raise: reported, rebuilt

        def read_reports(ctx) -> None:  # Reports.json may be in parts too: read it joined
            read_reports.data = json.loads(ctx.wiki.read_one(REPORTS).text or "{}")
        hub.run(read_reports)
        damaged = {p["page"] for problems in read_reports.data.values() for p in problems
                   if p["code"] == "state-damaged"}
        assert {STATE_ROOT + "Deliveries.json", STATE_ROOT + "Subscribers.json"} <= damaged
        hub.run("deliver", now=now)
    finally:
        hub.overrides = {}
    assert bot_posts(hub, "User talk:Sub", period) == 1  # archived, not posted again
    assert markers(hub, other, f"newsletter:{period}") == 1
    assert "status=delivered" in hub.text(f"Advocacy Hub/Newsletter/{period}")
    hub.run("index", now=now)
    assert "Deliveries.json" in hub.text(MAINT)


def test_2_3_the_wikis_parser_has_the_last_word(hub, monkeypatch) -> None:
    """The wiki's own parse decides: with the grammar check out of the way (as if it had a
    gap), a label or a message the wiki renders as a link is still refused."""
    from bots.core import governance
    from bots.wiki.query import renders_plain

    found: list[bool] = []
    hub.run(lambda ctx: found.extend(renders_plain(ctx.site, [
        "Copyright", "Derechos de autor (UE)", "[[X]]", "{{tl}}", "a <b>b</b>",
        "[[Category:Y]]", "https://example.org"])))
    assert found == [True, True, False, False, False, False, False]

    monkeypatch.setattr(governance, "plain_text", lambda text, limit=0: True)
    monkeypatch.setattr(governance, "markup_fits", lambda text, english: True)
    admin = hub.admin()
    good = hub.text(VOCAB)
    data = json.loads(good)
    data["vocabularies"]["topics"]["labels"]["en"]["copyright"] = "[[Spam|Copyright]]"
    admin.edit(VOCAB, json.dumps(data), "a link")
    es = "Module:Advocacy/i18n/es.json"
    admin.edit(es, json.dumps({"advocacyhub-cases-query-shown":
                               "(los primeros $1) [[Category:TransVandal]]"}), "vandal")
    hub.run("index")
    state = json.loads(hub.text(STATE_ROOT + "Governance.json"))
    assert "[[Spam" not in state["text"]
    assert "advocacyhub-cases-query-shown" in state["translations_checked"][es][1]
    admin.edit(VOCAB, good, "back")
    admin.edit(es, "{}", "back")
