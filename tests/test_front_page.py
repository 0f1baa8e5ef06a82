"""The front page and the preload pages (bots.core.render.front, bots.core.preloads): the three
buttons lead to the right pages with the right preload, every language, bounded lists, and
preload pages that are no records themselves."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from bots.core.featured import pick
from bots.core.messages import Messages, available_languages
from bots.core.parse import find_records
from bots.core.preloads import preload_pages, preload_title
from bots.core.render.front import FRONT_ITEMS, Buttons, FrontPage, featured_block
from bots.core.render.partlinks import PageSet

try:
    from tests.builders import SCHEMA, advocate, case
except ModuleNotFoundError:
    from builders import SCHEMA, advocate, case  # type: ignore[no-redef]

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
PAGES = PageSet(titles={"front": "Advocacy Hub", "cases": "Advocacy Hub/Cases",
                        "events": "Advocacy Hub/Events", "help_wanted": "Advocacy Hub/Help wanted",
                        "statistics": "Advocacy Hub/Statistics"},
                base_lang="en", languages=["en", "es", "zh"])
INPUTBOX = re.compile(r"<inputbox>\n(.*?)\n</inputbox>", re.DOTALL)


def front(lang: str) -> FrontPage:
    kinds = SCHEMA.kinds
    return FrontPage(SCHEMA, Messages(lang), PAGES, Buttons(
        "Advocacy Hub/Cases/", "Advocacy Hub/Advocates/Sign-up",
        "Advocacy Hub/Newsletter/Subscribers", preload_title(kinds["case"], lang),
        preload_title(kinds["advocate"], lang), preload_title(kinds["subscription"], lang),
        "Advocacy Hub/Events/", "Advocacy Hub/Resources/", preload_title(kinds["event"], lang),
        preload_title(kinds["resource"], lang)))


def boxes(text: str) -> list[dict[str, str]]:
    return [dict(line.split("=", 1) for line in body.split("\n"))
            for body in INPUTBOX.findall(text)]


@pytest.mark.parametrize("lang", ["en", "es", "zh"])
def test_three_buttons_lead_to_the_right_pages_in_every_language(lang: str) -> None:
    msgs = Messages(lang)
    text = front(lang).render([case("A")], None, NOW)
    document, join, subscribe, event, resource = boxes(text)
    suffix = "" if lang == "en" else f"/{lang}"
    assert document["type"] == "create" and document["prefix"] == "Advocacy Hub/Cases/"
    assert document["preload"] == f"Template:Advocacy case/preload{suffix}"
    assert document["buttonlabel"] == msgs("advocacyhub-front-document-button")
    for box, page, preload in ((join, "Advocacy Hub/Advocates/Sign-up", "Advocate"),
                               (subscribe, "Advocacy Hub/Newsletter/Subscribers",
                                "Advocacy subscriber")):
        # A new section of the shared page without a heading, preloaded with the line.
        assert (box["type"], box["hidden"], box["nosummary"]) == ("comment", "yes", "yes")
        assert box["default"] == page
        assert box["preload"] == f"Template:{preload}/preload{suffix}"
    assert join["buttonlabel"] == msgs("advocacyhub-front-join-button")
    assert subscribe["buttonlabel"] == msgs("advocacyhub-front-subscribe-button")
    # Every preload page a button names is generated (and so installed).
    assert {b["preload"] for b in (document, join, subscribe, event, resource)} <= \
        set(preload_pages(SCHEMA))
    # "Add an event" and "Add a resource" open like "Document a case": a title, then the form.
    for box, prefix, template, label in (
            (event, "Advocacy Hub/Events/", "Advocacy event", "advocacyhub-front-event-button"),
            (resource, "Advocacy Hub/Resources/", "Advocacy resource",
             "advocacyhub-front-resource-button")):
        assert (box["type"], box["prefix"]) == ("create", prefix)
        assert box["preload"] == f"Template:{template}/preload{suffix}"
        assert box["buttonlabel"] == msgs(label)


def test_front_page_lists_are_short_and_link_on() -> None:
    cases = [replace(case(f"Case {i:02d}", help_wanted="Translators" if i % 2 else ""),
                     timestamp="2026-11-01T00:00:00Z", revid=100 + i) for i in range(12)]
    records = [*cases, advocate("Ann"), advocate("Bo")]
    text = front("en").render(records, pick(SCHEMA.kind("case"), records, NOW), NOW)
    latest = text.split("== Latest cases ==")[1].split("==")[0]
    assert latest.count("\n* ") == FRONT_ITEMS
    assert "Case 11" in latest and "Case 07" in latest and "Case 06" not in latest  # newest
    assert "[[:Advocacy Hub/Cases|All 12 cases]]" in text
    assert "[[:Advocacy Hub/Events|All events]]" in text and "No upcoming events." in text
    assert "[[:Advocacy Hub/Help wanted|All requests for help]]" in text
    assert "[[:Advocacy Hub/Statistics|Statistics]]" in text
    # The hub's numbers link to what they count (a page this hub has).
    assert "* [[:Advocacy Hub/Cases|12 cases in 1 country or region]]" in text
    assert "* [[:Advocacy Hub/Events|0 upcoming events]]" in text
    assert "* 2 advocates" in text  # no roster page in PAGES: plain text, no red link
    assert "Proposed by the bot for 2026-12" in text


def test_featured_block_says_who_chose_and_escapes_values() -> None:
    msgs = Messages("en")
    chosen = case("Pick", featured="2026-12", summary="{{evil}} [[link]] '''x'''")
    block = featured_block(SCHEMA, msgs, pick(SCHEMA.kind("case"), [chosen], NOW), "2026-12")
    assert "Chosen by the hub's editors for 2026-12." in block
    assert "{{evil}}" not in block and "[[link]]" not in block
    assert "[[:Advocacy Hub/Cases/Pick|Pick]]" in block
    none = featured_block(SCHEMA, Messages("es"), None, "2026-12", level=3)
    assert none.startswith("=== Caso destacado ===") and "featured=2026-12" in none


@pytest.mark.parametrize("title", sorted(preload_pages(SCHEMA)))
def test_preload_pages_are_not_records_and_subst_only_when_preloaded(title: str) -> None:
    text = preload_pages(SCHEMA)[title]
    assert find_records(text, title, SCHEMA) == []
    # What MediaWiki puts in the edit box: <noinclude> gone, <includeonly> tags dropped.
    preloaded = re.sub(r"<noinclude>.*?</noinclude>", "", text, flags=re.DOTALL)
    preloaded = preloaded.replace("<includeonly>", "").replace("</includeonly>", "").strip()
    assert preloaded.startswith("{{") and preloaded.endswith("}}")
    assert "subst:" not in re.sub(r"<includeonly>subst:</includeonly>", "", text)
    if "subscriber" in title or "Advocate/preload" in title:
        assert "{{subst:REVISIONUSER}}" in preloaded
    lang = title.rsplit("/", 1)[-1] if title.rsplit("/", 1)[-1] in available_languages() \
        else "en"
    if "subscriber" in title:
        assert preloaded == ("{{Advocacy subscriber|user={{subst:REVISIONUSER}}|"
                             f"language={lang}}}}}")


def test_case_preload_has_every_field_with_hints() -> None:
    kind = SCHEMA.kind("case")
    text = preload_pages(SCHEMA)[preload_title(kind, "es")]
    names = re.findall(r"^\| (\w+) =", text, re.MULTILINE)
    required = [f.name for f in kind.fields.values() if f.required]
    suggested = [f.name for f in kind.fields.values() if f.suggested and not f.required]
    optional = [f.name for f in kind.fields.values() if not f.suggested and not f.required]
    assert names == required + suggested + optional
    assert {"help_wanted", "alert", "end", "related", "partners"} <= set(optional)
    assert "| title = {{<includeonly>subst:</includeonly>SUBPAGENAME}}" in text
    assert "(obligatorio) -->" in text and "(recomendado) -->" in text
    assert "(opcional) -->" in text
    # Every vocabulary field's hint names its values (as editors type them), in every language.
    for lang in available_languages():
        text = preload_pages(SCHEMA)[preload_title(kind, lang)]
        for fld in kind.fields.values():
            hint = re.search(rf"^\| {fld.name} =.*$", text, re.MULTILINE).group(0)
            if fld.type == "enum":
                assert all(v in hint for v in SCHEMA.vocabularies[fld.vocabulary].values), hint
            if fld.default:
                assert fld.default in hint


def test_the_join_preload_offers_profile_and_digest() -> None:
    kind = SCHEMA.kind("advocate")
    text = preload_pages(SCHEMA)[preload_title(kind, "en")]
    names = re.findall(r"^\| (\w+) =", text, re.MULTILINE)
    assert names[0] == "user" and {"profile", "digest"} <= set(names)
    assert set(names) == set(kind.fields)
    assert re.search(r"^\| digest = <!--.*none.*weekly.*monthly.*-->$", text, re.MULTILINE)
    assert preload_title(SCHEMA.kind("case"), "fr") == "Template:Advocacy case/preload"


@pytest.mark.parametrize("name", ["local", "meta"])
def test_front_page_and_buttons_stay_inside_the_write_prefixes(name: str) -> None:
    import dataclasses

    from bots.config import Profile, read_config

    path, config = read_config(name)
    wiki = dataclasses.replace(config.wiki, bot_user=config.wiki.bot_user or "AdvocacyBot")
    profile = Profile(name=name, path=path, config=dataclasses.replace(config, wiki=wiki))
    hub = profile.hub
    for lang in profile.languages:  # the front page the index job writes, in every language
        assert profile.may_write(profile.root if lang == profile.language
                                 else f"{profile.root}/{lang}"), lang
    # The pages the buttons open are the hub's own (people save them, the bot only reads).
    for title in (hub.cases_prefix + "Any title", profile.hub_page("signup"),
                  profile.hub_page("subscribers")):
        assert profile.may_write(title), title


def test_the_pages_editors_keep_the_hub_with_are_one_click_from_the_front_page() -> None:
    pages = PageSet(titles={**PAGES.titles, "maintenance": "Advocacy Hub/Maintenance",
                            "review_due": "Advocacy Hub/Cases/Review due",
                            "roster_log": "Advocacy Hub/Advocates/Log",
                            "digest_log": "Advocacy Hub/Digests/Log"},
                    base_lang="en", languages=["en", "es", "zh"])
    page = FrontPage(SCHEMA, Messages("es"), pages, front("es").buttons)
    text = page.render([case("A")], None, NOW)
    section = text.split("== Para editores ==")[1]
    assert "[[:Advocacy Hub/Maintenance/es|Informe de mantenimiento]]" in section
    assert "[[:Advocacy Hub/Cases/Review due/es|" in section
    assert "[[:Advocacy Hub/Advocates/Log/es|" in section
    assert "[[:Advocacy Hub/Digests/Log|" in section  # written in one language only
    assert "Para editores" not in front("es").render([case("A")], None, NOW)  # none known
