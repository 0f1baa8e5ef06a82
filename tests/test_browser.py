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
