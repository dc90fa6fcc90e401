"""The reviewer's page in a real browser: Debian's chromium, driven by Selenium through
chromium-driver, against a real ``screening serve --store`` on 127.0.0.1 started here. A
reviewer logs in with the keyboard, opens the case from the queue, decides its hit, sees it
leave the queue, and the next screening shows the disposition. A screenshot of the case page
is kept in the test's directory (``SCREENING_SCREENSHOTS`` names another directory to keep it).

Skipped when chromium, chromium-driver or selenium is missing (``.ci/run`` installs them)."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from helpers.review import near_miss
from screening.service import new_key

webdriver = pytest.importorskip("selenium.webdriver")
By = pytest.importorskip("selenium.webdriver.common.by").By
Keys = pytest.importorskip("selenium.webdriver.common.keys").Keys
WebDriverWait = pytest.importorskip("selenium.webdriver.support.wait").WebDriverWait

CHROMIUM = shutil.which("chromium")
DRIVER = shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None or DRIVER is None, reason="chromium and chromium-driver are not installed"
)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    tmp = tmp_path_factory.mktemp("review-browser")
    reviewer, line = new_key("carol", ["review", "screen"])
    port = _free_port()
    env = {**os.environ, "SCREENING_API_KEYS": line, "PYTHONPATH": os.pathsep.join(sys.path)}
    env.pop("SCREENING_STORE", None)
    command = [sys.executable, "-m", "screening", "serve", "--host", "127.0.0.1"]
    command += ["--port", str(port), "--store", f"sqlite:///{tmp / 'review.db'}"]
    log = tmp / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/readyz").status_code == 200:
                break
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    else:
        process.kill()
        raise AssertionError(log.read_text(errors="replace"))
    try:
        yield {"url": url, "key": reviewer, "dir": tmp}
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"):
        options.add_argument(flag)
    options.add_argument("--window-size=1280,1400")
    service = webdriver.ChromeService(executable_path=DRIVER)
    driver = webdriver.Chrome(options=options, service=service)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


def _screen(served: dict[str, Any], tx: dict[str, Any]) -> dict[str, Any]:
    r = httpx.post(
        f"{served['url']}/v1/screen",
        json=tx,
        headers={"Authorization": f"Bearer {served['key']}"},
        timeout=30,
    )
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


def _type(driver: Any, *keys: str) -> None:
    """Keys sent to whatever has the focus, as a keyboard user types."""
    webdriver.ActionChains(driver).send_keys(*keys).perform()


def _wait_for_url(driver: Any, page: str) -> None:
    """Wait (up to 15 s) until the browser shows ``page`` (with any query): keys sent by an
    action chain do not wait for the navigation they cause."""
    deadline = time.monotonic() + 15
    while driver.current_url.split("?")[0] != page:
        assert time.monotonic() < deadline, f"still on {driver.current_url}, not {page}"
        time.sleep(0.05)
    WebDriverWait(driver, 15).until(
        lambda d: d.execute_script("return document.readyState") == "complete"
    )


def _focused(driver: Any) -> Any:
    return driver.switch_to.active_element


def test_a_reviewer_decides_a_case_in_the_browser(served: dict[str, Any], browser: Any) -> None:
    tx = near_miss("tx-browser")
    assert _screen(served, tx)["outcome"] == "review"
    url = served["url"]

    browser.get(f"{url}/review")
    assert browser.current_url == f"{url}/review/login"
    # The key field has the focus on arrival; Enter submits the form.
    assert _focused(browser).get_attribute("id") == "key"
    _type(browser, served["key"], Keys.ENTER)
    _wait_for_url(browser, f"{url}/review")
    assert browser.current_url == f"{url}/review"
    assert "Signed in as carol" in browser.find_element(By.CSS_SELECTOR, "header").text
    rows = browser.find_elements(By.CSS_SELECTOR, "table.cases tbody tr")
    assert len(rows) == 1
    assert "tx-browser" in rows[0].text
    case_id = rows[0].find_element(By.TAG_NAME, "a").text

    # Filtering by a list the case is not on empties the queue; its own list keeps it.
    browser.get(f"{url}/review?list=Entity+List&sort=newest")
    assert len(browser.find_elements(By.CSS_SELECTOR, "table.cases tbody tr a")) == 1
    browser.get(f"{url}/review?outcome=block")
    assert browser.find_elements(By.CSS_SELECTOR, "table.cases tbody tr a") == []
    browser.get(f"{url}/review")

    browser.find_element(By.LINK_TEXT, case_id).click()
    assert browser.current_url == f"{url}/review/cases/{case_id}"
    text = browser.find_element(By.TAG_NAME, "main").text
    for shown in ("ZTEC Corporation", "ZTE Corporation", "Entity List", "15 CFR 744.11"):
        assert shown in text, shown
    alignment = browser.find_element(By.CSS_SELECTOR, "table.alignment")
    assert "Name alignment" in alignment.text
    # The style sheet applied (no CSP violation): the outcome badge has its colour.
    badge = browser.find_element(By.CSS_SELECTOR, ".hit .outcome.review")
    assert badge.value_of_css_property("background-color") != "rgba(0, 0, 0, 0)"

    # The form by keyboard: its controls are labelled, and Tab moves through them in order.
    radio = browser.find_element(By.CSS_SELECTOR, "input[value=false_positive]")
    label = browser.find_element(By.CSS_SELECTOR, f"label[for='{radio.get_attribute('id')}']")
    assert "False positive" in label.text
    radio.send_keys(Keys.SPACE)
    assert radio.is_selected()
    _type(browser, Keys.TAB)  # a radio group is one tab stop: on to the reason
    assert _focused(browser).get_attribute("name") == "reason"
    _type(browser, "A different company: other address and registration.")
    _type(browser, Keys.TAB)
    assert _focused(browser).get_attribute("name") == "expires"
    for _ in range(4):  # a date field is a tab stop per part (month, day, year)
        _type(browser, Keys.TAB)
        if _focused(browser).get_attribute("name") != "expires":
            break
    submit = _focused(browser)
    assert submit.text == "Record decision"
    outline = submit.value_of_css_property("outline-style")
    assert outline not in ("none", ""), "the focused button shows its focus"
    shot = Path(os.environ.get("SCREENING_SCREENSHOTS") or served["dir"]) / "review-case.png"
    browser.save_screenshot(str(shot))
    assert shot.stat().st_size > 10_000
    _type(browser, Keys.ENTER)

    _wait_for_url(browser, f"{url}/review")
    assert browser.current_url.startswith(f"{url}/review?decided=")
    assert "false_positive" in browser.find_element(By.ID, "decided").text
    assert browser.find_elements(By.CSS_SELECTOR, "table.cases tbody tr a") == []

    again = _screen(served, tx)
    assert again["outcome"] == "clear"
    (hit,) = again["hits"]
    assert hit["disposition"]["reviewer"] == "carol"
    assert hit["disposition"]["reason"] == "A different company: other address and registration."
