"""The reviewer's page (GET /, GET /rules) in a real headless Chromium against a real gate.

Debian's ``chromium`` and ``chromium-driver`` drive the page through Selenium: type a message,
see the highlights land on the matched words, open a finding, apply fixes until the decision is
allow, undo, switch to English, search the rules, give a token, record a verdict. A screenshot
of the page with a violating message is saved under build/ for a person to look at.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from http_server import Server, page_assets, start_server
from selenium import webdriver
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import Select, WebDriverWait

from linter.packs.loader import load_pack, pack_files, shipped_pack_dir

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
NO_CHROMIUM = (
    "the browser tests need Debian's chromium and chromium-driver "
    "(/usr/bin/chromium, /usr/bin/chromedriver); .ci/run installs them"
)
BUILD = Path(__file__).resolve().parents[1] / "build"
#: Abuse (a safe fix: delete it) and a threat (an unsafe fix: a replacement sentence).
VIOLATING = "【安信消费金融】张先生，你这个老赖，今天不还，明天派人上门。"
AFTER_SAFE = "【安信消费金融】张先生，今天不还，明天派人上门。"
ALL_FIXED = "【安信消费金融】张先生，今天不还，我司将通过官方客服电话与您联系。"
UNSIGNED = "张先生，您的账单已逾期，请及时还款。"
TOKEN = "page-test-token-0123456789abcdef"
#: Waiting for a condition to be reached, not a speed: generous on a busy 2-core machine.
WAIT_SECONDS = 60
#: every rule of the shipped packs (the page lists them all, selected or not)
RULES = sum(len(load_pack(p).spec.rules) for p in pack_files([shipped_pack_dir()]))
ALL_SHOWN = f"{RULES} / {RULES}"


def chrome(tmp: Path) -> WebDriver:
    if not (os.access(CHROMIUM, os.X_OK) and os.access(CHROMEDRIVER, os.X_OK)):
        pytest.skip(NO_CHROMIUM)
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={tmp}",
        "--window-size=1280,800",
        "--lang=zh-CN",
    ):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    viewport(driver, 1280, 800)
    return driver


def viewport(driver: WebDriver, width: int, height: int) -> None:
    """The page's own size (the window's, less nothing): what a screenshot shows."""
    metrics = {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False}
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    srv = start_server(tmp_path_factory.mktemp("page_gate"))
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebDriver]:
    driver = chrome(tmp_path_factory.mktemp("chromium_profile"))
    yield driver
    driver.quit()


@pytest.fixture()
def page(browser: WebDriver, server: Server) -> WebDriver:
    viewport(browser, 1280, 800)
    browser.get(server.url + "/")
    wait(browser, lambda d: d.find_element(By.ID, "message").is_displayed(), "the page")
    return browser


def wait(driver: WebDriver, condition: Any, what: str) -> Any:
    """Poll ``condition`` until it holds; a view re-rendered between two polls (an element
    gone stale) is polled again, not a failure."""
    return WebDriverWait(
        driver,
        WAIT_SECONDS,
        poll_frequency=0.05,
        ignored_exceptions=(NoSuchElementException, StaleElementReferenceException),
    ).until(condition, f"gave up waiting for {what}")


def put_message(driver: WebDriver, text: str) -> None:
    """What a paste does: the box gets the text and fires one input event."""
    driver.execute_script(
        "const box = document.getElementById('message'); box.value = arguments[0];"
        "box.dispatchEvent(new Event('input', {bubbles: true}));",
        text,
    )


def shown_answer(driver: WebDriver, text: str) -> str:
    """Wait until the page shows the gate's answer for ``text``; its decision."""
    wait(
        driver,
        lambda d: (
            d.find_element(By.ID, "message-view").text == text
            and d.find_element(By.ID, "decision").get_attribute("data-decision")
            and not d.find_element(By.ID, "status").text
        ),
        f"the answer for a {len(text)}-character message",
    )
    return str(driver.find_element(By.ID, "decision").get_attribute("data-decision"))


def lint(server: Server, text: str) -> dict[str, Any]:
    with server.client() as client:
        answer = client.post("/v1/lint", json={"text": text})
    assert answer.status_code == 200
    return dict(answer.json())


def highlighted(driver: WebDriver, index: int) -> list[WebElement]:
    return [
        e
        for e in driver.find_elements(By.CSS_SELECTOR, "#message-view [data-v]")
        if str(index) in str(e.get_attribute("data-v")).split()
    ]


def finding_item(driver: WebDriver, rule: str) -> WebElement:
    return driver.find_element(By.CSS_SELECTOR, f'#finding-list li[data-rule="{rule}"]')


def test_the_page_and_its_assets_are_served_without_a_token(tmp_path: Path):
    """No browser needed: the routes, their headers and their metrics labels."""
    srv = start_server(tmp_path, env={"MSGLINT_API_TOKENS": TOKEN})
    try:
        with httpx.Client(base_url=srv.url) as client:
            for path in ("/", "/rules"):
                answer = client.get(path)
                assert answer.status_code == 200 and "text/html" in answer.headers["content-type"]
                assert "default-src 'self'" in answer.headers["content-security-policy"]
                # the favicon is an empty data: URL, so the browser asks for no /favicon.ico
                assets = [url for url in page_assets(answer.text) if url != "data:,"]
                assert assets and all(url.startswith("/ui/") for url in assets)
                assert all(client.get(url).status_code == 200 for url in assets)
            assert client.get("/ui/nothing.js").status_code == 404
            assert client.get("/ui/index.html").status_code == 404  # only the listed assets
            assert client.get("/v1/rules").status_code == 401
            metrics = client.get("/metrics").text
    finally:
        srv.stop()
    assert 'endpoint="/ui/{file}"' in metrics and 'endpoint="/rules"' in metrics
    assert 'endpoint="/"' in metrics


# ---- checking a message --------------------------------------------------------------------


def test_highlights_sit_on_the_matched_words(page: WebDriver, server: Server):
    put_message(page, VIOLATING)
    assert shown_answer(page, VIOLATING) == "block"
    answer = lint(server, VIOLATING)
    matched = [v["matched"] for v in answer["violations"]]
    assert {"你这个老赖", "派人上门"} <= set(matched)
    for i, v in enumerate(answer["violations"]):
        spans = highlighted(page, i)
        assert "".join(s.text for s in spans) == v["matched"]
        assert all(f"sev-{v['severity']}" in str(s.get_attribute("class")) for s in spans)
    items = page.find_elements(By.CSS_SELECTOR, "#finding-list > li")
    assert [i.get_attribute("data-rule") for i in items] == [
        v["rule"] for v in answer["violations"]
    ]
    assert "禁止发送" in page.find_element(By.ID, "decision").text


def test_a_highlight_opens_its_finding(page: WebDriver, server: Server):
    put_message(page, VIOLATING)
    shown_answer(page, VIOLATING)
    answer = lint(server, VIOLATING)
    index, threat = next(
        (i, v) for i, v in enumerate(answer["violations"]) if v["matched"] == "派人上门"
    )
    highlighted(page, index)[0].click()
    detail = page.find_element(By.ID, "detail")
    wait(page, lambda d: detail.is_displayed(), "the finding's detail")
    assert detail.find_element(By.CSS_SELECTOR, ".d-rule").text == threat["rule"] == "ZH-THR-002"
    assert detail.find_element(By.CSS_SELECTOR, ".d-category").text == "威胁恐吓 / Threat"
    assert detail.find_element(By.CSS_SELECTOR, ".d-message").text == threat["message"]
    basis = [li.text for li in detail.find_elements(By.CSS_SELECTOR, ".d-basis li")]
    assert basis == threat["basis"]
    fix = detail.find_element(By.CSS_SELECTOR, ".d-fix")
    assert threat["fix"]["description"] in fix.text
    assert fix.find_element(By.CSS_SELECTOR, ".replacement").text == threat["fix"]["replacement"]
    assert "selected" in str(highlighted(page, index)[0].get_attribute("class"))


def test_fixes_clear_the_message_and_undo_brings_it_back(page: WebDriver):
    put_message(page, VIOLATING)
    assert shown_answer(page, VIOLATING) == "block"
    page.find_element(By.ID, "apply-safe").click()
    assert shown_answer(page, AFTER_SAFE) == "block"  # the threat's fix is unsafe: not applied
    assert page.find_element(By.ID, "message").get_property("value") == AFTER_SAFE
    finding_item(page, "ZH-THR-002").find_element(By.CSS_SELECTOR, "button.apply").click()
    assert shown_answer(page, ALL_FIXED) == "allow"
    assert page.find_elements(By.CSS_SELECTOR, "#message-view [data-v]") == []
    assert "可以发送" in page.find_element(By.ID, "decision").text
    page.find_element(By.ID, "undo").click()
    assert shown_answer(page, AFTER_SAFE) == "block"
    page.find_element(By.ID, "undo").click()
    assert shown_answer(page, VIOLATING) == "block"
    assert page.find_element(By.ID, "message").get_property("value") == VIOLATING
    assert not page.find_element(By.ID, "undo").is_enabled()


def test_a_missing_signature_is_marked_where_it_belongs(page: WebDriver, server: Server):
    put_message(page, UNSIGNED)
    shown_answer(page, UNSIGNED)
    answer = lint(server, UNSIGNED)
    index, missing = next(
        (i, v) for i, v in enumerate(answer["violations"]) if v["rule"] == "ZH-ID-001"
    )
    assert missing["start"] == missing["end"] == 0
    (marker,) = highlighted(page, index)
    assert "point" in str(marker.get_attribute("class")) and marker.text == ""
    # the marker stands before the first character of the message
    assert page.execute_script(
        "return document.getElementById('message-view').firstChild === arguments[0]", marker
    )
    marker.click()
    assert page.find_element(By.CSS_SELECTOR, "#detail .d-rule").text == "ZH-ID-001"
    assert finding_item(page, "ZH-ID-001").is_displayed()


def test_the_context_selectors_change_the_judgement(page: WebDriver):
    text = "【XX银行】您的账单已逾期，请及时还款。"
    put_message(page, text)
    assert shown_answer(page, text) == "allow"
    page.execute_script(
        "const s = document.getElementById('send-at'); s.value = '2026-11-28T23:30';"
        "s.dispatchEvent(new Event('change'));"
    )
    wait(page, lambda d: d.find_elements(By.CSS_SELECTOR, "#finding-list li.finding"), "a finding")
    rules = [
        e.get_attribute("data-rule") for e in page.find_elements(By.CSS_SELECTOR, "li.finding")
    ]
    assert any(r and r.startswith("ZH-TIME") for r in rules), rules
    page.execute_script("document.getElementById('send-at').value = ''")


def test_english_is_one_click_away(page: WebDriver):
    put_message(page, VIOLATING)
    shown_answer(page, VIOLATING)
    assert page.find_element(By.ID, "tab-rules").text == "规则"
    page.find_element(By.ID, "lang-toggle").click()
    assert page.find_element(By.ID, "tab-rules").text == "Rules"
    assert page.find_element(By.ID, "decision").text.startswith("Decision: Block")
    assert page.execute_script("return document.documentElement.lang") == "en"
    assert "Threat / 威胁恐吓" in finding_item(page, "ZH-THR-002").text
    page.find_element(By.ID, "lang-toggle").click()
    assert page.find_element(By.ID, "tab-rules").text == "规则"


# ---- the rules page --------------------------------------------------------------------------


def test_the_rules_page_lists_every_rule_and_search_filters(browser: WebDriver, server: Server):
    with server.client() as client:
        rules = client.get("/v1/rules").json()["rules"]
    assert len(rules) == RULES
    browser.get(server.url + "/rules")
    wait(browser, lambda d: d.find_element(By.ID, "rule-count").text == ALL_SHOWN, "all rules")
    items = browser.find_elements(By.CSS_SELECTOR, "#rule-list > li")
    assert [i.get_attribute("data-rule") for i in items] == [r["id"] for r in rules]
    search = browser.find_element(By.ID, "rule-search")
    search.send_keys("ZH-THR")
    threats = [r for r in rules if r["id"].startswith("ZH-THR")]
    wait(
        browser,
        lambda d: d.find_element(By.ID, "rule-count").text == f"{len(threats)} / {RULES}",
        "a filter",
    )
    visible = [i.get_attribute("data-rule") for i in items if i.is_displayed()]
    assert visible == [r["id"] for r in threats] and 0 < len(visible) < RULES
    search.clear()
    search.send_keys("老赖")  # the Chinese explanation is searched too
    slurs = [r["id"] for r in rules if "老赖" in r["message"]["zh"]]
    shown = f"{len(slurs)} / {RULES}"
    wait(browser, lambda d: d.find_element(By.ID, "rule-count").text == shown, "老赖")
    assert [i.get_attribute("data-rule") for i in items if i.is_displayed()] == slurs
    slur = next(i for i in items if i.get_attribute("data-rule") == "ZH-ABU-001")
    slur.find_element(By.CSS_SELECTOR, ".f-head").click()
    with server.client() as client:
        detail = client.get(f"/v1/rules/{slur.get_attribute('data-rule')}").json()
    wait(browser, lambda d: slur.find_elements(By.CSS_SELECTOR, ".d-basis li"), "the rule's detail")
    assert [li.text for li in slur.find_elements(By.CSS_SELECTOR, ".d-basis li")] == detail["basis"]
    triggers = slur.find_elements(By.CSS_SELECTOR, ".ex-trigger li")
    assert len(triggers) == len(detail["examples"]["trigger"])


# ---- offline, screenshots ------------------------------------------------------------------


def test_the_page_loads_nothing_from_outside_the_server(page: WebDriver, server: Server):
    put_message(page, VIOLATING)
    shown_answer(page, VIOLATING)
    page.find_element(By.ID, "tab-rules").click()
    wait(page, lambda d: d.find_element(By.ID, "rule-count").text == ALL_SHOWN, "the rules")
    urls = page.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    assert any(u.endswith("/ui/app.js") for u in urls) and any("/v1/lint" in u for u in urls)
    outside = [u for u in urls if not u.startswith(server.url + "/")]
    assert outside == []
    with httpx.Client(base_url=server.url) as client:
        csp = client.get("/").headers["content-security-policy"]
    assert "default-src 'self'" in csp


def test_screenshots_at_1280_and_at_a_narrow_window(page: WebDriver, server: Server):
    BUILD.mkdir(exist_ok=True)
    put_message(page, VIOLATING)
    shown_answer(page, VIOLATING)
    highlighted(page, 1)[0].click()
    assert page.execute_script("return [window.innerWidth, window.innerHeight]") == [1280, 800]
    wide = BUILD / "reviewer-page.png"
    assert page.save_screenshot(str(wide)) and wide.stat().st_size > 10_000
    # side by side at 1280: the findings list is to the right of the message
    view = page.find_element(By.ID, "message-view").rect
    listing = page.find_element(By.ID, "finding-list").rect
    assert listing["x"] >= view["x"] + view["width"]
    viewport(page, 400, 800)
    wait(page, lambda d: d.execute_script("return window.innerWidth") == 400, "a narrow window")
    narrow = BUILD / "reviewer-page-narrow.png"
    assert page.save_screenshot(str(narrow)) and narrow.stat().st_size > 5_000
    # one column, and nothing wider than the window
    listing = page.find_element(By.ID, "finding-list").rect
    view = page.find_element(By.ID, "message-view").rect
    assert listing["y"] > view["y"]
    assert page.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")


# ---- tokens ----------------------------------------------------------------------------------


def test_the_page_asks_for_a_token_and_keeps_it_in_memory(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
):
    driver = chrome(tmp_path_factory.mktemp("chromium_token"))  # skips without chromium
    try:
        srv = start_server(tmp_path, env={"MSGLINT_API_TOKENS": TOKEN})
    except BaseException:
        driver.quit()
        raise
    try:
        with httpx.Client(base_url=srv.url) as client:
            assert client.get("/").status_code == 200  # the page and its assets need no token
            assert client.get("/ui/app.js").status_code == 200
            assert client.get("/v1/rules").status_code == 401
        driver.get(srv.url + "/")
        wait(driver, lambda d: d.find_element(By.ID, "message").is_displayed(), "the page")
        put_message(driver, VIOLATING)
        box = driver.find_element(By.ID, "token-box")
        wait(driver, lambda d: box.is_displayed(), "the token prompt")
        field = driver.find_element(By.ID, "token-input")
        assert field.get_attribute("type") == "password"
        field.send_keys(TOKEN)
        driver.find_element(By.ID, "token-submit").click()
        assert shown_answer(driver, VIOLATING) == "block"
        assert not box.is_displayed()
        stored = driver.execute_script(
            "return [localStorage.length, sessionStorage.length, document.cookie]"
        )
        assert stored == [0, 0, ""]
        driver.find_element(By.ID, "tab-rules").click()  # the rules call carries it too
        wait(driver, lambda d: d.find_element(By.ID, "rule-count").text == ALL_SHOWN, "rules")
    finally:
        driver.quit()
        srv.stop()
    assert "老赖" not in srv.log_text()  # the message text is never logged


# ---- verdicts ----------------------------------------------------------------------------


def test_a_finding_marked_wrong_is_counted_in_the_stats(page: WebDriver, server: Server):
    with server.client() as client:
        probe = client.post("/v1/feedback", json={}, headers={"X-Msglint-Reviewer": "probe"})
    if probe.status_code == 404:
        pytest.xfail("needs /v1/feedback from the verdict store branch")
    put_message(page, VIOLATING)
    shown_answer(page, VIOLATING)
    page.find_element(By.ID, "reviewer").send_keys("李审核")
    item = finding_item(page, "ZH-ABU-001")
    item.find_element(By.CSS_SELECTOR, "input.note").send_keys("quoted, not said")
    item.find_element(By.CSS_SELECTOR, "button.fb-wrong").click()
    status = item.find_element(By.CSS_SELECTOR, ".fb-status")
    wait(page, lambda d: status.get_attribute("data-ok") == "1", "the verdict to be stored")
    Select(page.find_element(By.ID, "missed-category")).select_by_value("threat")
    page.find_element(By.ID, "missed-send").click()
    said = page.find_element(By.ID, "status")
    wait(page, lambda d: said.get_attribute("data-ok") == "1", "the miss to be stored")
    with server.client() as client:
        stats = client.get("/v1/stats").json()
    assert stats["missed"].get("threat", 0) >= 1
    (row,) = [r for r in stats["rules"] if r["rule"] == "ZH-ABU-001"]
    assert row["wrong"] >= 1 and row["reviewed"] >= 1
    page.find_element(By.ID, "tab-stats").click()
    cell = (By.CSS_SELECTOR, '#stats tr[data-rule="ZH-ABU-001"] .n-wrong')
    # the view may render twice (its own fetch, then the refresh): read the cell fresh each poll
    shown = wait(page, lambda d: d.find_element(*cell).text.strip(), "the stats view")
    expected = str(row["wrong"])
    what = f"the stats view to show {expected} wrong (it first showed {shown})"
    assert wait(page, lambda d: d.find_element(*cell).text.strip() == expected, what)
    assert "老赖" not in server.log_text()
