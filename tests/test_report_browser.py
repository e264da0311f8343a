"""report.html in a real browser (headless Chromium through selenium): filters and family
links work offline.  Skipped cleanly where Chromium or its driver is absent (.ci/run installs
Debian's chromium and chromium-driver)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

webdriver = pytest.importorskip("selenium.webdriver")

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not (CHROMIUM and DRIVER), reason="chromium and chromium-driver are not installed"
    ),
]


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    import planparse
    from planparse.pipeline import analyze

    out = tmp_path_factory.mktemp("report") / "out"
    analyze([planparse.sample_path()], out, quiet=True)
    return out / "report.html"


@pytest.fixture(scope="module")
def browser():
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--window-size=1280,2000",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    yield driver
    driver.quit()


def _rows(browser):
    from selenium.webdriver.common.by import By

    return [
        [cell.text for cell in row.find_elements(By.TAG_NAME, "td")]
        for row in browser.find_elements(By.CSS_SELECTOR, "#items tbody tr")
    ]


def _count(browser) -> int:
    from selenium.webdriver.common.by import By

    return int(browser.find_element(By.ID, "item-count").text.split()[0])


def test_the_page_is_self_contained(report):
    page = report.read_text("utf-8")
    assert "http://" not in page.replace("http://www.w3.org", "") and "https://cdn" not in page
    assert page.count("data:image/png;base64,") >= 3  # the plots are in the page


def test_filters_narrow_the_item_table(report, browser, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    browser.get(report.as_uri())
    assert "90 plans" in browser.find_element(By.ID, "summary").text
    everything = _count(browser)
    assert everything > 1000 and len(_rows(browser)) == 500
    Select(browser.find_element(By.ID, "domain-filter")).select_by_visible_text("维权")
    rights = _rows(browser)
    assert 0 < _count(browser) < everything and {row[2] for row in rights} == {"维权"}
    search = browser.find_element(By.ID, "text-filter")
    search.send_keys("妇女")
    found = _rows(browser)
    assert found and all("妇女" in row[3] and row[2] == "维权" for row in found)
    search.clear()
    search.send_keys(" ")  # an input event with an empty query
    Select(browser.find_element(By.ID, "domain-filter")).select_by_value("")
    plan = Select(browser.find_element(By.ID, "plan-filter"))
    plan.select_by_index(3)
    chosen = plan.first_selected_option.text
    assert {row[0] for row in _rows(browser)} == {chosen}
    outlines = browser.find_elements(By.CSS_SELECTOR, "#plan-outlines details")
    assert len(outlines) == 90
    browser.save_screenshot(str(tmp_path / "report.png"))
    assert (tmp_path / "report.png").stat().st_size > 10_000
    if os.environ.get("PLANPARSE_SCREENSHOT"):  # docs/report.png is made this way
        plan.select_by_index(0)
        browser.find_element(By.ID, "text-filter").send_keys("家庭")
        browser.save_screenshot(os.environ["PLANPARSE_SCREENSHOT"])


def test_a_family_link_opens_its_pairs_in_the_copy_paste_report(report, browser):
    from selenium.webdriver.common.by import By

    browser.get(report.as_uri())
    link = browser.find_element(By.CSS_SELECTOR, "#families a.family")
    family = link.get_attribute("href").rsplit("#", 1)[1]
    link.click()
    assert browser.current_url.endswith(f"copy_paste.html#{family}")
    anchor = browser.find_element(By.ID, family)
    pair = anchor.find_element(By.XPATH, "following-sibling::div[@class='pair'][1]")
    assert f"family {family.split('-')[1]}" in pair.text
    assert "copy-paste report" in browser.title
