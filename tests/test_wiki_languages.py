"""Issue 29 on a real wiki: MediaWiki's fallback chains choose a subscriber's copy, every copy
in another language than its page's says which (lang, dir), and Arabic, added by the
community on the wiki (a translation page and the hub's language list), reads right to left.

One wiki for the module: the tests only read what its one delivery and index made."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

try:
    from tests.harness import BotHarness, add_case
except ModuleNotFoundError:
    from harness import BotHarness, add_case  # type: ignore[no-redef]

pytestmark = pytest.mark.wiki
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
ISSUE = "Advocacy Hub/Newsletter/2026-11"
SUBSCRIBERS = "Advocacy Hub/Newsletter/Subscribers"
STATE = "User:AdvocacyBot/Governance.json"
AR = "Module:Advocacy/i18n/ar.json"
# The community's Arabic, as a translator would save it on the wiki (translatewiki's format).
ARABIC = {"@metadata": {"authors": ["Test"]},
          "advocacyhub-delivery-heading": "نشرة مركز المناصرة – $1",
          "advocacyhub-delivery-footer": "تصلك هذه النشرة لأنك اشتركت في [[$1]]. لإلغاء "
                                         "الاشتراك، احذف سطرك هناك.",
          "advocacyhub-front-start-heading": "ابدأ هنا",
          "advocacyhub-front-latest-heading": "أحدث القضايا",
          "advocacyhub-front-numbers-heading": "المركز بالأرقام",
          "advocacyhub-field-title": "العنوان"}
PEOPLE = {"Quechua": "qu", "Wu": "wuu", "Arabic": "ar", "German": "de", "English": "en"}


def _copy(bot: BotHarness, user: str) -> str:
    text = bot.text(f"User talk:{user}") or ""
    assert "advocacy-bot:delivery newsletter:2026-11" in text, text[:500]
    return text


@pytest.fixture(scope="module")
def lang_bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BotHarness]:
    from bots.localwiki import start_wiki

    wiki = start_wiki(tmp_path_factory.mktemp("lang_wiki"))
    bot = BotHarness(wiki)
    try:
        # Arabic, as the community adds a language: its translation page, and the hub's list
        # of languages (the profile's [hub] languages); no code.
        bot.overrides = {"hub": {"languages": ["en", "es", "zh", "ar"]}}
        bot.install_templates()
        admin = bot.admin()
        admin.edit(AR, json.dumps(ARABIC, ensure_ascii=False), "Arabic")
        add_case(admin, "Panorama", jurisdiction="EG", topics="FoP")
        bot.run("harvest")
        bot.run("newsletter", now=NOW)
        admin.edit(ISSUE, bot.text(ISSUE).replace("status=draft", "status=ready"), "ready")
        for user, code in PEOPLE.items():
            bot.person(user).append(SUBSCRIBERS, "\n{{Advocacy subscriber|user=" + user
                                    + f"|language={code}}}}}", "subscribe")
        bot.run("deliver")
        bot.run("index")
        yield bot
    finally:
        wiki.stop()


def test_fallback_chains_choose_the_copy(lang_bot) -> None:
    state = json.loads(lang_bot.text(STATE))["languages"]
    # what the wiki itself says, kept in the bot's state
    assert "es" in state["qu"]["fallbacks"] and "zh-hans" in state["wuu"]["fallbacks"]
    assert state["ar"]["dir"] == "rtl" and state["ar"]["autonym"] == "العربية"
    qu = _copy(lang_bot, "Quechua")
    assert '<div lang="es" dir="ltr" class="mw-content-ltr">' in qu
    assert "Boletín" in qu or "boletín" in qu  # the Spanish copy
    wuu = _copy(lang_bot, "Wu")
    assert '<div lang="zh" dir="ltr" class="mw-content-ltr">' in wuu
    assert re.search(r"[\u4e00-\u9fff]", wuu)  # the Chinese copy
    # German: no translation and no fallback with one: the hub's language, unwrapped
    for user in ("German", "English"):
        text = _copy(lang_bot, user)
        assert "<div lang=" not in text and "Advocacy Hub newsletter" in text


def test_arabic_from_the_wiki_end_to_end(lang_bot) -> None:
    copy = _copy(lang_bot, "Arabic")
    assert '<div lang="ar" dir="rtl" class="mw-content-rtl">' in copy
    assert "نشرة مركز المناصرة" in copy and "لإلغاء الاشتراك" in copy
    html = lang_bot.parse("User talk:Arabic")["text"]
    assert 'lang="ar" dir="rtl"' in html
    for title in ("Advocacy Hub/ar", "Advocacy Hub/Cases/ar"):
        html = lang_bot.parse(title)["text"]
        assert '<div lang="ar" dir="rtl" class="mw-content-rtl">' in html, title
    assert "أحدث القضايا" in lang_bot.parse("Advocacy Hub/ar")["text"]
    for title in ("Advocacy Hub/es", "Advocacy Hub"):  # left to right: as before
        assert 'dir="rtl"' not in lang_bot.parse(title)["text"]


@pytest.mark.browser
def test_the_arabic_front_page_reads_right_to_left(lang_bot) -> None:
    import shutil

    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By

    opts = webdriver.ChromeOptions()
    opts.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--window-size=1200,900"):
        opts.add_argument(flag)
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=opts)
    try:
        driver.get(lang_bot.wiki.url("Advocacy Hub/ar"))
        block = driver.find_element(By.CSS_SELECTOR, 'div[lang="ar"][dir="rtl"]')
        assert block.value_of_css_property("direction") == "rtl"
        heading = next(h for h in block.find_elements(By.CSS_SELECTOR, "h2")
                       if "أحدث القضايا" in h.text)
        # the heading's text sits at the right of its block
        left, right = driver.execute_script(
            "const r = document.createRange(); r.selectNodeContents(arguments[0]);"
            "const t = r.getBoundingClientRect(), b = arguments[1].getBoundingClientRect();"
            "return [t.left - b.left, b.right - t.right];", heading, block)
        assert right < 40 < left, (left, right)
        ARTIFACTS.mkdir(exist_ok=True)
        driver.save_screenshot(str(ARTIFACTS / "front-ar.png"))
        driver.get(lang_bot.wiki.url("Advocacy Hub/es"))
        driver.save_screenshot(str(ARTIFACTS / "front-es-languages.png"))
        driver.get(lang_bot.wiki.url("User talk:Arabic"))
        driver.save_screenshot(str(ARTIFACTS / "copy-ar.png"))
    finally:
        driver.quit()
