"""The HTML report in a real headless Chromium: filter, search, and hostile titles as text."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from spectrace.cli import app

pytestmark = [pytest.mark.browser, pytest.mark.spec("5.5")]

FIXTURES = Path(__file__).parent / "fixtures"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
INSTALL = ("needs Debian's Chromium and its driver: apt-get install -y chromium chromium-driver "
           "(and pip install -e '.[test]' for selenium)")
# Nothing on the network, nothing from a profile: the browser only opens our file.
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--window-size=1280,1000")
SCRIPT_TITLE = '<script>window.__spectrace_xss = "script"</script> Script in a title'
IMG_TITLE = "<img src=x onerror=\"window.__spectrace_xss = 'img'\"> Image in a title"
HOSTILE_SPEC = f"""\
kind: testing-plan
areas:
  - id: "7"
    title: Hostile titles
    cases:
      - id: "7.1"
        title: {json.dumps(SCRIPT_TITLE)}
      - id: "7.2"
        title: {json.dumps(IMG_TITLE)}
"""
CONFIG = """\
title: Gateway Test Coverage Audit
specs:
  - {path: docs/conceptual-model.md, kind: conceptual-model}
  - {path: docs/testing-plan.md, kind: testing-plan}
  - {path: docs/hostile-titles.yaml, kind: testing-plan}
mappings: ["mappings/*.yaml"]
"""
VISIBLE_IDS = """
return Array.from(document.querySelectorAll("tr.case"))
  .filter(function (row) { return row.offsetParent !== null; })
  .map(function (row) { return row.querySelector("td.id").textContent; });
"""


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> tuple[Path, dict]:
    """The gateway fixture plus a spec whose titles try to run code; its HTML and JSON."""
    repo = tmp_path_factory.mktemp("browser") / "gateway"
    shutil.copytree(FIXTURES / "gateway", repo)
    (repo / "docs" / "hostile-titles.yaml").write_text(HOSTILE_SPEC, encoding="utf-8")
    (repo / "spectrace.yaml").write_text(CONFIG, encoding="utf-8")
    runner = CliRunner()
    out = repo / "report.html"
    result = runner.invoke(app, ["report", str(repo), "-o", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    data = json.loads(runner.invoke(app, ["report", str(repo), "-f", "json"]).stdout)
    return out, data


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    webdriver = pytest.importorskip("selenium.webdriver", reason=INSTALL)
    if not (os.access(CHROMIUM, os.X_OK) and os.access(CHROMEDRIVER, os.X_OK)):
        pytest.skip(INSTALL)
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    # Both paths are given, so Selenium Manager has nothing to look up; offline, it cannot.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SE_OFFLINE", "true")
        driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
    driver.set_page_load_timeout(20)
    yield driver
    driver.quit()


def ids_with(data: dict, *statuses: str, words: str = "") -> list[str]:
    return [c["id"] for a in data["areas"] for c in a["cases"]
            if (not statuses or c["status"] in statuses) and words in c["title"].lower()]


def test_filter_and_search_narrow_the_rows(browser, report):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    path, data = report
    browser.get(path.as_uri())
    assert browser.find_element(By.ID, "controls").is_displayed()  # our script ran
    everything = ids_with(data)
    assert browser.execute_script(VISIBLE_IDS) == everything and len(everything) > 15

    status = Select(browser.find_element(By.ID, "status-filter"))
    status.select_by_value("missing")
    missing = ids_with(data, "missing")
    assert browser.execute_script(VISIBLE_IDS) == missing and "7.1" in missing
    assert not browser.find_element(By.ID, "area-1").is_displayed()  # all covered: hidden
    shown = browser.find_element(By.ID, "shown").text
    assert shown == f"{len(missing)} of {len(everything)} cases shown"

    status.select_by_value("all")
    search = browser.find_element(By.ID, "search")
    search.send_keys("router")
    routers = ids_with(data, words="router")
    assert browser.execute_script(VISIBLE_IDS) == routers and len(routers) == 5
    status.select_by_value("covered")
    assert browser.execute_script(VISIBLE_IDS) == ids_with(data, "covered", words="router")
    assert len(ids_with(data, "covered", words="router")) == 4

    status.select_by_value("all")
    search.clear()
    search.send_keys("no such words")
    assert browser.execute_script(VISIBLE_IDS) == []
    assert browser.find_element(By.ID, "no-match").is_displayed()
    search.clear()
    search.send_keys(" ")  # whitespace is no search: every row is back
    assert browser.execute_script(VISIBLE_IDS) == everything


def test_hostile_titles_show_as_text_and_run_nothing(browser, report):
    from selenium.common.exceptions import NoAlertPresentException
    from selenium.webdriver.common.by import By

    path, _ = report
    browser.get(path.as_uri())
    titles = {row.find_element(By.CSS_SELECTOR, "td.id").text:
              row.find_element(By.CSS_SELECTOR, "td.title").text
              for row in browser.find_elements(By.CSS_SELECTOR, "tr.case")}
    assert titles["7.1"] == SCRIPT_TITLE
    assert titles["7.2"] == IMG_TITLE
    assert browser.execute_script("return typeof window.__spectrace_xss") == "undefined"
    assert browser.execute_script("return document.images.length") == 0
    with pytest.raises(NoAlertPresentException):
        browser.switch_to.alert.text  # noqa: B018 - reading it is the check
    # Nothing was fetched: no stylesheet, script, font or image came from anywhere.
    assert browser.execute_script(
        "return performance.getEntriesByType('resource').length") == 0
