"""`monitor serve` in a real browser: Debian's headless Chromium driven through chromedriver.

One database filled through the real pipeline (a local fixture server), one `monitor serve`
process and one browser session for the whole module. Set BOARD_SCREENSHOT=docs/board.png to
refresh the README's screenshot from the first test.
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from monitor import service
from tests.conftest import fixture_bytes
from tests.servers import FixtureServer, Webhook

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None or CHROMEDRIVER is None,
    reason="Chromium and chromedriver not installed (Debian: apt-get install chromium "
           "chromium-driver; `make test` installs them where it can)")

PRN = "/air_traffic/publications/us_restrictions"
CZIB = "/czibs/export-json"
FEED = "/czibs/feed.xml"
NOTAMS = "/notamSearch/search"
TAP = "/tap/avisos"
IBERIA = "/iberia/avisos"
PLANTED = "<img src=x onerror=\"document.title='pwned';window.pwned=1\">"
WAIT = 15.0

# A Caracas danger area, 50 NM around 1036N06659W, in the FAA NOTAM Search JSON shape.
DANGER_AREA = {
    "facilityDesignator": "SVZM", "notamNumber": "A0612/25", "featureName": "International",
    "icaoId": "SVZM", "status": "Active", "keyword": "INTERNATIONAL",
    "icaoMessage": "A0612/25 NOTAMN\nQ) SVZM/QRDCA/IV/BO/W/000/250/1036N06659W050\n"
                   "A) SVZM B) 2511250000 C) 2912312359\n"
                   "E) DANGER AREA ACTIVE WITHIN 50NM OF 1036N06659W. MILITARY EXERCISES.\n"
                   "F) SFC G) FL250",
}


def tap_page(heading: str) -> str:
    return f"""<!DOCTYPE html><html><head><title>Avisos TAP</title></head><body>
<article class="avisos"><h2>Avisos de viagem</h2>
<h3>{heading}</h3>
<p>Devido à situação no espaço aéreo da Venezuela, a TAP cancela os voos entre Lisboa e Caracas
até nova informação. Os clientes podem alterar a reserva sem custos ou pedir o reembolso.</p>
<p>Mais informações no nosso centro de ajuda. Esta medida aplica-se a todas as reservas.</p>
</article></body></html>"""


def write_config(folder: Path, server: FixtureServer, webhook: Webhook) -> Path:
    path = folder / "config.toml"
    path.write_text(f"""
[monitor]
database = "sqlite:///{folder / 'monitor.db'}"
ops_channels = ["ops"]
alert_after_failures = 1
fetch_retries = 0

[[channels]]
name = "desk-latam"
url = "{webhook.apprise_url('desk')}"
format = "markdown"

[[channels]]
name = "ops"
url = "{webhook.apprise_url('ops')}"
format = "text"

[[sources]]
name = "faa-prn"
kind = "faa_prn"
url = "{server.url(PRN)}"

[[sources]]
name = "easa-czib"
kind = "easa_czib"
url = "{server.url(CZIB)}"
feed_url = "{server.url(FEED)}"

[[sources]]
name = "faa-notam-search"
kind = "faa_notam_search"
url = "{server.url(NOTAMS)}"
locations = ["SVZM"]

[[sources]]
name = "tap-notices"
kind = "airline_page"
url = "{server.url(TAP)}"
selector = "article.avisos"
airline = "TP"

[[sources]]
name = "iberia-notices"
kind = "airline_page"
url = "{server.url(IBERIA)}"
selector = "article.avisos"
airline = "IB"

[[watchlists]]
name = "latam-desk"
routes = ["GRU-CCS", "LIS-CCS", {{ route = "MIA-GRU", firs = ["SVZM"], cruise = "FL300-FL410" }}]
airlines = ["G3", "AV", "TP"]
firs = ["SVZM"]
airports = ["SVMI"]
countries = ["VE"]
min_severity = "advisory"
channels = ["desk-latam"]

[[watchlists]]
name = "madrid-desk"
routes = ["MAD-CCS", "MAD-BOG"]
airlines = ["IB"]
min_severity = "warning"
channels = []
""", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def board(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The database filled through the real pipeline, and `monitor serve` serving it."""
    folder = tmp_path_factory.mktemp("board")
    server, webhook = FixtureServer().start(), Webhook().start()
    server.serve(PRN, fixture_bytes("faa_prn", "venezuela_added.html"))
    server.serve(CZIB, fixture_bytes("easa_czib", "active.json"),
                 content_type="application/json")
    server.serve(FEED, fixture_bytes("easa_czib", "feed.xml"),
                 content_type="application/rss+xml")
    server.serve(NOTAMS, json.dumps({"notamList": [DANGER_AREA], "startRecordCount": 1,
                                     "endRecordCount": 1, "totalNotamCount": 1, "error": ""}),
                 content_type="application/json")
    server.serve(TAP, tap_page("Voos de e para Caracas"))
    server.serve(IBERIA, "maintenance", status=503, content_type="text/plain")
    config_path = write_config(folder, server, webhook)
    config = service.load(config_path)
    assert service.once(config, []) == 1        # iberia-notices fails; the others read fine
    process = subprocess.Popen(
        [sys.executable, "-m", "monitor", "--config", str(config_path), "serve", "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "MONITOR_DATABASE": ""})
    try:
        url = _started(process)
        yield {"url": url, "config": config, "server": server, "folder": folder}
    finally:
        process.terminate()
        process.wait(timeout=10)
        server.stop()
        webhook.stop()


@pytest.fixture(scope="module")
def browser(board: dict[str, Any]) -> Iterator[Any]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM  # type: ignore[assignment]
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1440,1100",
                 "--disable-dev-shm-usage", "--no-first-run", "--disable-extensions",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-default-apps", "--force-device-scale-factor=1"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    driver.set_page_load_timeout(30)
    try:
        driver.get(board["url"] + "?watchlist=latam-desk")
        _until(driver, lambda d: d.execute_script(
            "const m = document.getElementById('map');"
            "return m.dataset.world === 'drawn' && m.dataset.drawn === '3';"))
        yield driver
    finally:
        driver.quit()


def test_the_board_lists_the_kicz_warning_for_the_latam_desk(board, browser, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    card = browser.find_element(By.CSS_SELECTOR, '#hazards li.card[data-key="KICZ A0012/25"]')
    assert "sev-warning" in card.get_attribute("class")
    assert "WARNING" in card.find_element(By.CSS_SELECTOR, ".badge").text
    assert "Maiquetia Flight Information Region" in card.text
    assert "FIR SVZM" in card.text                    # why it matches
    assert "source faa-prn" in card.text
    assert card.find_element(By.CSS_SELECTOR, ".validity").text == (
        "no validity given: until withdrawn")      # the FAA page gives no end time
    czib = browser.find_element(By.CSS_SELECTOR, '#hazards li.card[data-key="CZIB 142977"]')
    assert czib.find_element(By.CSS_SELECTOR, ".validity").text == (
        "valid 2026-01-03 00:00Z to 2026-02-16 23:59Z")
    tab = browser.find_element(By.CSS_SELECTOR, ".tab.current")
    assert tab.text.startswith("latam-desk")
    shot = Path(os.environ.get("BOARD_SCREENSHOT") or tmp_path / "board.png")
    # The whole page, as tall as it is, without resizing the window (the map stays as drawn).
    width, height = browser.execute_script(
        "const e = document.documentElement; return [e.clientWidth, e.scrollHeight];")
    picture = browser.execute_cdp_cmd("Page.captureScreenshot", {
        "format": "png", "captureBeyondViewport": True,
        "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1}})
    shot.write_bytes(base64.b64decode(picture["data"]))
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_map_highlights_svzm_draws_the_routes_and_the_notam_circle(browser) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    highlighted = browser.find_elements(By.CSS_SELECTOR, "#map path.fir-active.fir-SVZM")
    assert highlighted, "SVZM is not highlighted"
    assert float(highlighted[0].get_attribute("fill-opacity")) > 0.1
    routes = browser.find_elements(By.CSS_SELECTOR, "#map path.route")
    assert {r.get_attribute("class").split("route-")[1].split()[0] for r in routes} == {
        "GRU-CCS", "LIS-CCS", "MIA-GRU"}
    # Great circles: curved on the map, so more than one straight segment each.
    assert all(r.get_attribute("d").count("L") >= 2 for r in routes)
    assert browser.find_elements(By.CSS_SELECTOR, "#map path.notam-circle")
    labels = {e.text for e in browser.find_elements(By.CSS_SELECTOR, ".map-label")}
    assert {"LIS", "CCS", "GRU", "MIA"} <= labels


def test_a_failing_source_is_marked_and_the_picture_is_not_full(browser) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    row = browser.find_element(By.CSS_SELECTOR, '#sources tr[data-source="iberia-notices"]')
    assert row.find_element(By.CSS_SELECTOR, ".health").text == "failing"
    assert "HTTP 503" in browser.find_element(By.ID, "sources").text
    ok = browser.find_element(By.CSS_SELECTOR, '#sources tr[data-source="faa-prn"] .health')
    assert ok.text == "ok"
    warning = browser.find_element(By.ID, "not-full-picture").text
    assert warning.startswith("Not a full picture: iberia-notices")


def test_the_route_box_answers_like_monitor_route(board, browser) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    expected, _ = service.route(board["config"], "LIS-CCS")
    box = browser.find_element(By.ID, "route-input")
    box.clear()
    box.send_keys("lis-ccs")
    browser.find_element(By.CSS_SELECTOR, "#route-form button").click()
    _until(browser, lambda d: d.find_element(By.ID, "route-answer")
           .get_attribute("data-route") == "LIS-CCS")
    hits = browser.find_elements(By.CSS_SELECTOR, "#route-answer li.route-hit")
    assert [h.get_attribute("data-key") for h in hits] == [r["key"] for r in expected]
    assert "KICZ A0012/25" in [h.get_attribute("data-key") for h in hits]
    answer = browser.find_element(By.ID, "route-answer").text
    assert "route LIS-CCS" in answer
    assert "Not a full picture: iberia-notices" in answer
    assert browser.current_url.endswith("?watchlist=latam-desk")   # answered in place

    box.clear()
    box.send_keys("LIS-XQZ")
    browser.find_element(By.CSS_SELECTOR, "#route-form button").click()
    _until(browser, lambda d: d.find_element(By.ID, "route-answer")
           .get_attribute("data-route") == "LIS-XQZ")
    assert "XQZ" in browser.find_element(By.CSS_SELECTOR, "#route-answer .error").text


def test_a_planted_notice_title_shows_as_text_and_runs_nothing(board, browser) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    # The airline edits its page while the board is open: a run writes, the board reads.
    board["server"].serve(TAP, tap_page(PLANTED.replace("<", "&lt;").replace(">", "&gt;")
                                        + " Voos para Caracas"))
    assert service.once(board["config"], ["tap-notices"]) == 0
    browser.get(board["url"] + "?watchlist=latam-desk")
    _until(browser, lambda d: d.execute_script(
        "return document.getElementById('map').dataset.drawn === '3';"))
    key = f"TP § {PLANTED} Voos para Caracas"
    card = browser.find_element(By.CSS_SELECTOR, "#hazards li.card[data-key]"
                                "[data-key^='TP § <img']")
    assert card.get_attribute("data-key") == key
    assert PLANTED in card.text                          # shown as text
    assert PLANTED in browser.find_element(By.ID, "alerts").text
    assert browser.find_elements(By.CSS_SELECTOR, "img[src='x']") == []
    assert browser.execute_script("return window.pwned === undefined") is True
    assert browser.title != "pwned"
    # The map's tooltips carry item keys too: text there as well.
    browser.execute_script("document.querySelector('#map path.fir-SVZM')"
                           ".dispatchEvent(new MouseEvent('mouseover', {bubbles: true}))")
    assert browser.find_elements(By.CSS_SELECTOR, "img[src='x']") == []
    # The refresh parses the page again and swaps sections in: still nothing runs.
    browser.execute_script("window.dispatchEvent(new Event('board:refresh'));")
    _until(browser, lambda d: "refreshed" in _text(d, "refreshed"))
    assert PLANTED in browser.find_element(By.ID, "hazards").text
    assert browser.find_elements(By.CSS_SELECTOR, "img[src='x']") == []
    assert browser.execute_script("return window.pwned === undefined") is True


def test_the_board_refreshes_itself_without_a_reload(board, browser) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    browser.execute_script("window.stayed = 1;")
    board["server"].serve(IBERIA, "still down", status=500, content_type="text/plain")
    assert service.once(board["config"], ["iberia-notices"]) == 1
    # Refresh now rather than after a minute: the same function the timer calls.
    browser.execute_script("document.getElementById('refreshed').textContent = '';")
    browser.execute_script("window.dispatchEvent(new Event('board:refresh'));")
    _until(browser, lambda d: "refreshed" in _text(d, "refreshed"))
    assert browser.execute_script("return window.stayed") == 1
    assert "HTTP 500" in browser.find_element(By.ID, "sources").text


def test_no_request_left_127_0_0_1_and_the_csp_held(board, browser) -> None:  # type: ignore[no-untyped-def]
    entries = browser.execute_script(
        "return performance.getEntries().map(e => e.name)"
        ".filter(n => /^[a-z]+:/.test(n));")
    assert entries, "no performance entries"
    origin = board["url"].rstrip("/")
    outside = [e for e in entries if not e.startswith(origin + "/")]
    assert outside == []
    assert any(e.endswith("/static/vendor/leaflet/leaflet.js") for e in entries)
    assert any(e.endswith("countries-50m.json") for e in entries)
    # Every request of the session, from the first page load on (Chrome's network log).
    requested = [event["params"]["request"]["url"] for event in
                 (json.loads(entry["message"])["message"]
                  for entry in browser.get_log("performance"))
                 if event["method"] == "Network.requestWillBeSent"]
    assert len(requested) > len(entries)
    assert [u for u in requested if not u.startswith(origin + "/")] == []
    logs = browser.get_log("browser")
    problems = [entry["message"] for entry in logs
                if (entry["level"] == "SEVERE" or "Content Security Policy" in entry["message"])
                and "route=LIS-XQZ" not in entry["message"]]   # the 400 the route box showed
    assert problems == []


def _started(process: subprocess.Popen[str]) -> str:
    """The board's address from its `serve.started` log line (it listens on a free port)."""
    deadline = time.monotonic() + WAIT
    assert process.stdout is not None
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            if process.poll() is not None:
                raise AssertionError(f"monitor serve exited: {process.stderr.read()}")  # type: ignore[union-attr]
            continue
        found = re.search(r'"event": "serve.started", "url": "([^"]+)"', line)
        if found:
            return found.group(1)
    raise AssertionError("monitor serve did not start")


def _text(driver: Any, element_id: str) -> str:
    """An element's text read in one step (a refresh may replace the element meanwhile)."""
    return str(driver.execute_script(
        "const n = document.getElementById(arguments[0]); return n ? n.textContent : '';",
        element_id))


def _until(driver: Any, condition: Any, timeout: float = WAIT) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, timeout, poll_frequency=0.05).until(condition)
