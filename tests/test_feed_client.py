"""The board's Atom feeds read by a real feed client (feedparser) over HTTP."""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import feedparser
import pytest

from monitor import service
from monitor.web.app import create_app
from monitor.web.snapshot import Reader
from tests.conftest import fixture_bytes
from tests.servers import FixtureServer, Webhook
from tests.test_board_app import running

PRN = "/air_traffic/publications/us_restrictions"
TAP = "/tap"
PLANTED = "<img src=x onerror=alert(1)> Voos para Caracas"


def tap_page(heading: str) -> str:
    escaped = heading.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f"""<html><head><title>TAP</title></head><body><article class="avisos">
<h2>Avisos</h2><h3>{escaped}</h3>
<p>Devido à situação no espaço aéreo da Venezuela, a TAP cancela os voos entre Lisboa e
Caracas até nova informação. Os clientes podem alterar a reserva sem custos.</p>
<p>Mais informações no nosso centro de ajuda; a medida aplica-se a todas as reservas.</p>
</article></body></html>"""


@pytest.fixture(scope="module")
def feed_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    folder: Path = tmp_path_factory.mktemp("feeds")
    server, webhook = FixtureServer().start(), Webhook().start()
    server.serve(PRN, fixture_bytes("faa_prn", "baseline.html"))
    server.serve(TAP, tap_page("Voos para Lisboa"))
    (folder / "config.toml").write_text(f"""
[monitor]
database = "sqlite:///{folder / 'monitor.db'}"
fetch_retries = 0

[[channels]]
name = "desk"
url = "{webhook.apprise_url('desk')}"

[[sources]]
name = "faa-prn"
kind = "faa_prn"
url = "{server.url(PRN)}"

[[sources]]
name = "tap-notices"
kind = "airline_page"
url = "{server.url(TAP)}"
selector = "article.avisos"
airline = "TP"

[[watchlists]]
name = "latam-desk"
routes = ["LIS-CCS"]
firs = ["SVZM"]
countries = ["VE"]
channels = ["desk"]
""", encoding="utf-8")
    config = service.load(folder / "config.toml")
    service.once(config, [])                                   # first readings
    server.serve(PRN, fixture_bytes("faa_prn", "venezuela_added.html"))
    server.serve(TAP, tap_page(PLANTED))
    service.once(config, [])                                   # KICZ A0012/25, TAP's notice
    try:
        with running(create_app(Reader(config))) as base:
            yield {"config": config, "base": base}
    finally:
        server.stop()
        webhook.stop()


def test_a_feed_reader_sees_every_alert_with_its_title_link_and_time(feed_site) -> None:  # type: ignore[no-untyped-def]
    config, base = feed_site["config"], feed_site["base"]
    parsed = feedparser.parse(f"{base}/feeds/latam-desk.atom")
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert parsed.status == 200
    assert parsed.feed.title == "Airspace alerts for latam-desk"

    alerts = service.alerts(config, timedelta(days=30), "latam-desk")
    assert len(alerts) >= 2
    assert [e.title for e in parsed.entries] == [a["title"] for a in alerts]
    assert [e.id for e in parsed.entries] == [
        f"tag:airspace-monitor,2025:alert/{a['id']}" for a in alerts]
    assert [_stamp(e.updated_parsed) for e in parsed.entries] == [
        a["created_at"] for a in alerts]
    assert _stamp(parsed.feed.updated_parsed) == alerts[0]["created_at"]

    kicz = next(e for e in parsed.entries if e.title.startswith("[WARNING] KICZ A0012/25: "))
    rows, _ = service.route(config, "LIS-CCS")
    url = next(r["url"] for r in rows if r["key"] == "KICZ A0012/25")
    assert url.endswith("/venezuela/KICZ_ADVISORY_NOTAM_A0012_25_SVZM.pdf")
    assert kicz.link == url
    assert kicz.tags[0].term == "warning"
    assert "FIR SVZM" in kicz.summary


def test_a_planted_title_reaches_the_reader_as_plain_text(feed_site) -> None:  # type: ignore[no-untyped-def]
    parsed = feedparser.parse(f"{feed_site['base']}/feeds/latam-desk.atom")
    [planted] = [e for e in parsed.entries if "Voos para Caracas" in e.title]
    assert planted.title.startswith(f"[WARNING] TP § {PLANTED}: ")
    assert planted.title_detail.type == "text/plain"


def _stamp(parsed: Any) -> str:
    """feedparser's UTC struct_time back to the monitor's ISO form."""
    from datetime import UTC, datetime

    return datetime.fromtimestamp(calendar.timegm(parsed), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
