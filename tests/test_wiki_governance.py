"""Issue 15 on a real wiki: the community edits the vocabularies and the translations."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta

import pytest

try:
    from tests.harness import add_case
except ModuleNotFoundError:
    from harness import add_case  # type: ignore[no-redef]

pytestmark = pytest.mark.wiki

VOCAB = "Module:Advocacy/Vocabularies.json"
STATE = "User:AdvocacyBot/Governance.json"
FACET = "Advocacy Hub/Cases/By/topics"
MAINT = "Advocacy Hub/Maintenance"
FR = "Module:Advocacy/i18n/fr.json"
LABELS = {"en": "Net neutrality", "es": "Neutralidad de la red", "zh": "网络中立"}


def with_topic(data: dict) -> dict:
    topics = data["vocabularies"]["topics"]
    topics["values"].append("net-neutrality")
    topics["synonyms"].append(["neutrality", "net-neutrality"])
    for lang, label in LABELS.items():
        topics["labels"].setdefault(lang, {})["net-neutrality"] = label
    data["pillars"]["members"]["model"].append("net-neutrality")
    return data


def problems_of(bot, page: str) -> list[dict]:
    records = bot.records().get(page, [])
    return next((r.get("problems") or [] for r in records), [])


def flagged(bot, topics: str) -> bool:
    """Whether the preview of a case with ``topics`` finds a problem (Module:Advocacy's check)."""
    text = (f"{{{{Advocacy case|title=T|summary=S.|jurisdiction=DE|topics={topics}|start=2021|"
            "status=active}}")
    return any(c["category"] == "Advocacy_Hub_records_with_problems"
               for c in bot.parse(text=text)["categories"])


def test_a_new_topic_and_an_invalid_edit(bot) -> None:
    admin = bot.admin()
    add_case(admin, "Neutral", topics="net-neutrality; copyright")
    bot.run("harvest")
    assert [p["code"] for p in problems_of(bot, "Advocacy Hub/Cases/Neutral")] == \
        ["unknown-value"]

    data = with_topic(json.loads(bot.text(VOCAB)))
    admin.edit(VOCAB, json.dumps(data, ensure_ascii=False), "a new topic")
    harvest = bot.run("harvest")  # the vocabularies changed: a full harvest re-normalises
    assert problems_of(bot, "Advocacy Hub/Cases/Neutral") == []
    assert harvest.errors == 0
    assert not flagged(bot, "net neutrality") and flagged(bot, "net neutrallity")
    bot.run("index")
    for lang, label in LABELS.items():
        page = FACET if lang == "en" else f"{FACET}/{lang}"
        assert label in (bot.text(page) or ""), (lang, bot.text(page))
    state = json.loads(bot.text(STATE))
    good_revision = state["revid"]
    assert "net-neutrality" in state["used"]["topics"]

    # Invalid edits: a label with markup; a used value removed. Nothing else changes.
    bad = json.loads(json.dumps(data))
    bad["vocabularies"]["topics"]["labels"]["es"]["net-neutrality"] = "[[Neutralidad]]"
    bad["vocabularies"]["topics"]["values"].remove("copyright")
    bad["vocabularies"]["topics"]["synonyms"] = [
        s for s in bad["vocabularies"]["topics"]["synonyms"] if s[1] != "copyright"]
    schema_before = bot.snapshot()["schema"]
    admin.edit(VOCAB, json.dumps(bad, ensure_ascii=False), "oops")
    add_case(admin, "Later", topics="neutrality")  # the vocabulary in force still knows it
    harvest = bot.run("harvest")
    assert problems_of(bot, "Advocacy Hub/Cases/Later") == []
    assert problems_of(bot, "Advocacy Hub/Cases/Neutral") == []
    assert bot.snapshot()["schema"] == schema_before  # no re-normalising full harvest
    index = bot.run("index")
    report = bot.text(MAINT) or ""
    assert VOCAB in report and "copyright" in report
    assert "records still use it" in report and "wiki markup" in report
    assert "registros" in (bot.text(MAINT + "/es") or "")
    assert "记录" in (bot.text(MAINT + "/zh") or "")
    assert index.errors >= 2
    assert json.loads(bot.text(STATE))["revid"] == good_revision
    assert LABELS["es"] in bot.text(FACET + "/es")  # the labels in force
    assert "Copyright" in bot.text(FACET)
    # Module:Advocacy too: the preview and {{Advocacy cases}} use the revision in force.
    assert not flagged(bot, "copyright")
    shown = bot.parse(text="{{Advocacy cases|topics=copyright}}")["text"]
    assert "Advocacy Hub/Cases/Neutral" in shown

    # Fixed: the problems leave the report at the next run.
    admin.edit(VOCAB, json.dumps(data, ensure_ascii=False), "fixed")
    bot.run("harvest")
    bot.run("index")
    assert VOCAB not in (bot.text(MAINT) or "")


def test_a_label_edit_reaches_the_case_table_without_a_case_edit(bot) -> None:
    add_case(bot.admin(), "Labelled", topics="copyright")
    bot.run("harvest")
    data = json.loads(bot.text(VOCAB))
    data["vocabularies"]["topics"]["labels"]["en"]["copyright"] = "Copyright and related rights"
    bot.admin().edit(VOCAB, json.dumps(data, ensure_ascii=False), "a clearer label")
    bot.run("harvest")  # no record changed: the case table's head alone, with the new label
    shown = bot.parse(text="{{Advocacy cases|topics=copyright}}")["text"]
    assert "Copyright and related rights" in shown
    assert bot.run("harvest").edits == 0


def test_the_copy_in_effect_is_restored_after_a_hand_edit(bot) -> None:
    # Module:Advocacy reads the bot's copy: a hand edit of it is undone by
    # the next job, which compares it with the revision in effect.
    copy = "User:AdvocacyBot/Vocabularies.json"
    bot.run("harvest")
    kept = json.loads(json.loads(bot.text(STATE))["text"])
    assert json.loads(bot.text(copy)) == kept
    bot.admin().edit(copy, json.dumps({"vocabularies": {}}), "vandalism")
    bot.run("harvest")
    assert json.loads(bot.text(copy)) == kept and not flagged(bot, "copyright")


def test_french_from_the_wiki_alone(bot) -> None:
    admin = bot.admin()
    add_case(admin, "Panorama", jurisdiction="EE", topics="FoP")
    fr = {"@metadata": {"authors": ["Test"]},
          "advocacyhub-index-intro": "Le centre documente {{PLURAL:$1|un cas|$1 cas}} de "
                                     "plaidoyer.",
          "advocacyhub-field-title": "Titre",
          "advocacyhub-maint-none": "Aucun problème. Merci !",
          # a wrong parameter ($3: English has $1 and $2): reported, and not used
          "advocacyhub-facet-intro": "$3 cas dans $2 groupes."}
    admin.edit(FR, json.dumps(fr, ensure_ascii=False), "fr")
    bot.overrides = {"hub": {"languages": ["en", "es", "zh", "fr"]}}
    bot.run("harvest")
    first = bot.run("index")
    assert first.edits > 0
    index_fr = bot.text("Advocacy Hub/Cases/fr") or ""
    assert "Le centre documente un cas de plaidoyer." in index_fr
    assert "Titre" in index_fr
    assert "Estonie" in index_fr  # CLDR's French country names
    assert "Freedom of panorama" in index_fr  # untranslated: English
    facet_fr = bot.text(f"{FACET}/fr") or ""
    assert "$3" not in facet_fr and "One case in one group" in facet_fr
    report = bot.text(MAINT) or ""
    assert FR in report and "advocacyhub-facet-intro" in report
    assert "Aucun problème" not in (bot.text(MAINT + "/fr") or "")  # there is one
    assert "advocacyhub-facet-intro" in (bot.text(MAINT + "/fr") or "")
    # MediaWiki's fallbacks for fr, asked once and kept: the next runs ask nothing more.
    # (issue 29: with their direction and autonym, under "languages")
    assert json.loads(bot.text(STATE))["languages"]["fr"] == {
        "fallbacks": [], "dir": "ltr", "autonym": "français"}
    quiet = bot.run("index")
    assert quiet.edits == 0 and quiet.api_requests <= 3, quiet.requests_by_kind


def test_the_weekly_digest_lists_the_vocabularies_diff(bot) -> None:
    admin = bot.admin()
    add_case(admin, "Old news")
    bot.run("harvest")
    time.sleep(1.1)  # the wiki's timestamps have one-second resolution
    t0 = datetime.now(UTC).replace(microsecond=0)
    time.sleep(1.1)
    bot.run("digest", now=t0)  # the week's baseline
    admin.edit(VOCAB, json.dumps(with_topic(json.loads(bot.text(VOCAB))), ensure_ascii=False),
               "a new topic")
    bot.run("harvest")
    bot.run("digest", now=t0 + timedelta(days=7))
    text = bot.text("Talk:Advocacy Hub") or ""
    documents = text.split("Living documents (1)")[1]
    assert VOCAB in documents.split("\n")[1] and "Special:Diff/" in documents
