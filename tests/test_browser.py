"""End to end in a real browser: the master index sorts when a reader clicks a column header."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

pytestmark = [pytest.mark.wiki, pytest.mark.browser]
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


@pytest.fixture
def browser():
    chromium = shutil.which("chromium")
    driver_path = shutil.which("chromedriver")
    assert chromium and driver_path, "Debian's chromium and chromium-driver are not installed " \
        "(scripts/test installs them)"
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = chromium
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--window-size=1400,1000"):
        opts.add_argument(flag)
    driver = webdriver.Chrome(service=Service(driver_path), options=opts)
    try:
        yield driver
    finally:
        driver.quit()


def test_master_index_sorts_in_the_browser(demo_bot, browser) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    demo_bot.run("index")
    browser.get(demo_bot.wiki.url("Advocacy Hub/Cases"))
    wait = WebDriverWait(browser, 30)
    table = wait.until(ec.presence_of_element_located(
        (By.CSS_SELECTOR, "table.advocacy-case-index")))
    # jquery.tablesorter marks sortable headers once it has loaded.
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "table.advocacy-case-index "
                                                          "th.headerSort"))
    headers = table.find_elements(By.CSS_SELECTOR, "th")
    names = [h.text.strip() for h in headers]
    col = names.index("Years")

    def column() -> list[str]:
        rows = table.find_elements(By.CSS_SELECTOR, "tbody tr")
        return [r.find_elements(By.CSS_SELECTOR, "td")[col].text for r in rows
                if r.find_elements(By.CSS_SELECTOR, "td")]

    before = column()
    assert len(before) >= 45
    headers[col].click()
    wait.until(lambda d: column() != before)
    ascending = column()
    assert ascending == sorted(ascending, key=lambda y: y[:4])
    assert ascending[0].startswith("2009")
    headers[col].click()
    wait.until(lambda d: column() != ascending)
    descending = column()
    assert [y[:4] for y in descending] == sorted((y[:4] for y in ascending), reverse=True)
    ARTIFACTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "case-index-sorted.png"))
    assert (ARTIFACTS / "case-index-sorted.png").stat().st_size > 10_000


def _wait(browser):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(browser, 30)


def _page_name(browser) -> str:
    return browser.execute_script("return mw.config.get('wgPageName')").replace("_", " ")


def _edit_box(browser) -> str:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec

    box = _wait(browser).until(ec.presence_of_element_located((By.ID, "wpTextbox1")))
    return box.get_attribute("value")


def test_front_page_buttons_open_the_right_edit_pages(demo_bot, browser) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec

    demo_bot.run("index")
    browser.get(demo_bot.wiki.url("Advocacy Hub"))
    forms = _wait(browser).until(ec.presence_of_all_elements_located(
        (By.CSS_SELECTOR, "form.createbox")))
    labels = [f.find_element(By.CSS_SELECTOR, "input[type=submit]").get_attribute("value")
              for f in forms]
    assert labels == ["Document a case", "Join as an advocate", "Subscribe to the newsletter",
                      "Add an event", "Add a resource"]
    ARTIFACTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "front-page.png"))
    # "Document a case" with a title: the new page under the cases prefix, template preloaded.
    forms[0].find_element(By.NAME, "title").send_keys("Browser tested case")
    forms[0].find_element(By.CSS_SELECTOR, "input[type=submit]").click()
    text = _edit_box(browser)
    assert _page_name(browser) == "Advocacy Hub/Cases/Browser tested case"
    assert text.startswith("{{Advocacy case\n") and text.rstrip().endswith("}}")
    assert "| title = {{subst:SUBPAGENAME}}" in text and "| summary = <!--" in text
    assert "<includeonly>" not in text and "<noinclude>" not in text
    # "Join as an advocate": a new section of the sign-up page, the line in the saver's name.
    browser.get(demo_bot.wiki.url("Advocacy Hub"))
    join = _wait(browser).until(ec.presence_of_all_elements_located(
        (By.CSS_SELECTOR, "form.createbox")))[1]
    join.find_element(By.CSS_SELECTOR, "input[type=submit]").click()
    text = _edit_box(browser)
    assert _page_name(browser) == "Advocacy Hub/Advocates/Sign-up"
    assert text.startswith("{{Advocate\n| user = {{subst:REVISIONUSER}}\n")


def test_a_subscription_saved_from_the_button_is_the_readers_own(demo_bot, browser) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec

    from bots.core.schema import load_schema
    from bots.core.subscriptions import Attribution, Revision, attribute, subscribers

    name = "Browser reader"
    demo_bot.person(name)  # the account (not a bot), password as the harness makes it
    demo_bot.run("index")
    browser.get(demo_bot.wiki.url("Special:UserLogin"))
    _wait(browser).until(ec.presence_of_element_located((By.ID, "wpName1"))).send_keys(name)
    browser.find_element(By.ID, "wpPassword1").send_keys(f"pw-{name}-0123456789")
    browser.find_element(By.ID, "wpLoginAttempt").click()
    _wait(browser).until(lambda d: d.execute_script(
        "return window.mw && mw.config.get('wgUserName')") == name)
    browser.get(demo_bot.wiki.url("Advocacy Hub"))
    subscribe = _wait(browser).until(ec.presence_of_all_elements_located(
        (By.CSS_SELECTOR, "form.createbox")))[2]
    subscribe.find_element(By.CSS_SELECTOR, "input[type=submit]").click()
    text = _edit_box(browser)
    assert _page_name(browser) == "Advocacy Hub/Newsletter/Subscribers"
    assert text.strip() == "{{Advocacy subscriber|user={{subst:REVISIONUSER}}|language=en}}"
    browser.find_element(By.ID, "wpSave").click()
    _wait(browser).until(lambda d: d.execute_script(
        "return mw.config.get('wgAction')") == "view")
    page = demo_bot.api(action="query", prop="revisions", rvprop="ids|user|content",
                        rvslots="main", rvlimit="max", rvdir="newer",
                        titles="Advocacy Hub/Newsletter/Subscribers")["query"]["pages"][0]
    revisions = [Revision(r["revid"], r["user"], r["slots"]["main"]["content"])
                 for r in page["revisions"]]
    assert revisions[-1].user == name
    assert revisions[-1].text.rstrip().endswith(
        f"{{{{Advocacy subscriber|user={name}|language=en}}}}")
    # The bot's own reading of the history: the line is the reader's, not a forged one.
    schema = load_schema()
    subs = subscribers(attribute(Attribution(), revisions, schema), schema,
                       "Advocacy Hub/Newsletter/Subscribers")
    assert name in subs.people and subs.people[name].line.author == name
    assert subs.people[name].record.value("language") == "en"
    assert all(line.user != name for line in subs.forged)


def test_every_statistics_bar_is_visible_in_the_browser(demo_bot, browser) -> None:
    """Each chart's bars, the outcome shares included, have a height and a width."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec

    demo_bot.run("index")
    for title in ("Advocacy Hub/Statistics", "Advocacy Hub/Statistics/es"):
        browser.get(demo_bot.wiki.url(title))
        bars = _wait(browser).until(ec.presence_of_all_elements_located(
            (By.CSS_SELECTOR, ".advocacy-bar")))
        sizes = [(b.rect["height"], b.rect["width"]) for b in bars]
        shares = browser.find_elements(By.CSS_SELECTOR, ".advocacy-share .advocacy-bar")
        assert len(shares) >= 2 and len(bars) > 20, title
        assert all(h > 0 and w > 0 for h, w in sizes), (title, sizes)


def _overlaps(a: dict, b: dict) -> bool:
    return not (a["x"] + a["width"] <= b["x"] or b["x"] + b["width"] <= a["x"] or
                a["y"] + a["height"] <= b["y"] or b["y"] + b["height"] <= a["y"])


def test_at_390_px_no_heading_is_under_the_language_bar(demo_bot, browser) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec

    demo_bot.run("index")
    browser.set_window_size(390, 900)
    try:
        for title in ("Advocacy Hub", "Advocacy Hub/es", "Advocacy Hub/Statistics/es",
                      "Advocacy Hub/Cases/es", "Advocacy Hub/Events"):
            browser.get(demo_bot.wiki.url(title))
            bar = _wait(browser).until(ec.presence_of_element_located(
                (By.CSS_SELECTOR, ".advocacy-languages"))).rect
            nav = browser.find_element(By.CSS_SELECTOR, ".advocacy-nav").rect
            headings = browser.find_elements(By.CSS_SELECTOR, ".mw-parser-output h2, "
                                                              ".mw-parser-output h3")
            assert headings, title
            for h in headings:
                assert not _overlaps(bar, h.rect), (title, h.text, bar, h.rect)
                assert h.rect["y"] >= nav["y"] + nav["height"], (title, h.text)
        browser.save_screenshot(str(ARTIFACTS / "events-390px.png"))
    finally:
        browser.set_window_size(1400, 1000)


def test_the_case_side_box_rows_line_up(demo_bot, browser) -> None:
    """No empty paragraph in the box; each row's label and value start on the same line."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec

    demo_bot.run("index")
    browser.get(demo_bot.wiki.url("Advocacy Hub/Cases/BUS v Wikimedia Sverige "
                                  "(offentligkonst.se)"))
    box = _wait(browser).until(ec.presence_of_element_located(
        (By.CSS_SELECTOR, "table.advocacy-case")))
    assert not box.find_elements(By.CSS_SELECTOR, "p"), box.get_attribute("innerHTML")[:500]
    rows = box.find_elements(By.CSS_SELECTOR, "tr")
    assert len(rows) >= 8
    for row in rows:
        cells = row.find_elements(By.CSS_SELECTOR, "th, td")
        if len(cells) == 2:
            assert abs(cells[0].rect["y"] - cells[1].rect["y"]) <= 1, row.text
    assert "Sweden" in box.text and "Freedom of panorama" in box.text
