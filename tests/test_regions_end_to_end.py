"""A notice page whose bytes change on every request around an unchanged region, end to end:
through a real local HTTP server, a migrated SQLite file and `monitor once`'s batch path."""

from __future__ import annotations

import itertools
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from monitor import service
from monitor.outbox import sweep
from monitor.pipeline import run_many
from monitor.runtime import Runtime
from tests.servers import FixtureServer, Webhook, _reply

NOW = datetime(2025, 11, 22, 10, 0, tzinfo=UTC)
TABLES = ("items", "changes", "alerts", "deliveries", "raw_bodies")
REGION = """<article class="travel-alerts">
<h2 id="venezuela">Vuelos desde y hacia Venezuela</h2>
<p>Avianca suspende sus vuelos entre Bogotá y Caracas hasta el 12 de diciembre.</p>
<p>Los clientes podrán solicitar el reembolso o un cambio de fecha sin penalidad.</p>
<h2>Equipaje</h2><p>Sin cambios en la franquicia de equipaje en vuelos nacionales.</p>
</article>"""
GUTTED = '<article class="travel-alerts"><h2>Alertas</h2><p>Vea más.</p></article>'


class NoisyPage:
    """Serves `region` inside a page whose token, nonce, time and banner change per request,
    without ETag or Last-Modified."""

    def __init__(self, region: str) -> None:
        self.region = region
        self.counter = itertools.count()

    def __call__(self, h: BaseHTTPRequestHandler) -> None:
        n = next(self.counter)
        body = (f'<html><head><meta charset="utf-8"><title>Alertas de viaje</title>'
                f'<meta name="csrf-token" content="tok-{n}-{n * 7919}">'
                f'<script nonce="n{n}">window.t={n};</script></head><body>'
                f'<div class="banner">Oferta {n % 3}</div><main>{self.region}</main>'
                f'<footer>Generado {n} (petición {n})</footer></body></html>')
        _reply(h, 200, body.encode(), "text/html; charset=utf-8")


@pytest.fixture
def noisy(tmp_path: Path, server: FixtureServer, webhook: Webhook
          ) -> Iterator[tuple[Runtime, NoisyPage, Path]]:
    page = NoisyPage(REGION)
    server.serve("/alertas", b"").handler = page
    path = tmp_path / "config.toml"
    path.write_text(f"""
[monitor]
database = "sqlite:///{tmp_path / 'm.db'}"
alert_after_failures = 1

[[channels]]
name = "desk"
url = "{webhook.apprise_url('desk')}"

[[sources]]
name = "avianca-page"
kind = "airline_page"
url = "{server.url('/alertas')}"
selector = "article.travel-alerts"
airline = "AV"

[[watchlists]]
name = "latam-desk"
routes = ["BOG-CCS"]
airlines = ["AV"]
channels = ["desk"]
""")
    rt = service.open_runtime(service.load(path), announce=False)
    rt.clock = lambda: NOW
    yield rt, page, tmp_path / "m.db"
    service.close_runtime(rt)


def counts(db: Path) -> dict[str, int]:
    with sqlite3.connect(db) as conn:
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}


def test_noise_around_an_unchanged_region_is_recorded_as_not_modified(noisy) -> None:  # type: ignore[no-untyped-def]
    rt, page, db = noisy
    [first] = run_many(rt, ["avianca-page"])
    sweep(rt)
    assert first.status == "ok"
    before = counts(db)
    assert before["items"] == 2 and before["raw_bodies"] == 1 and before["deliveries"] >= 1

    for _ in range(3):
        [again] = run_many(rt, ["avianca-page"])
        sweep(rt)
        assert again.status == "not_modified"
    assert counts(db) == before                     # nothing but run rows and state
    assert next(page.counter) == 4                  # every run fetched a new body
    with sqlite3.connect(db) as conn:
        statuses = [r[0] for r in conn.execute("SELECT status FROM runs ORDER BY id")]
    assert statuses == ["ok", "not_modified", "not_modified", "not_modified"]

    # The region itself changes: read again, one update.
    page.region = REGION.replace("12 de diciembre", "15 de enero")
    [changed] = run_many(rt, ["avianca-page"])
    assert changed.status == "ok"
    assert counts(db)["changes"] == before["changes"] + 1


def test_a_gutted_region_fails_as_a_layout_change(noisy) -> None:  # type: ignore[no-untyped-def]
    rt, page, db = noisy
    run_many(rt, ["avianca-page"])
    before = counts(db)
    page.region = GUTTED
    [gutted] = run_many(rt, ["avianca-page"])
    assert gutted.status == "failed"
    assert gutted.error is not None and gutted.error.startswith(
        "layout changed: the watched region shrank from ")
    with sqlite3.connect(db) as conn:
        active = conn.execute("SELECT count(*) FROM items WHERE status = 'active'").fetchone()
    assert active[0] == before["items"]             # nothing withdrawn by a broken page


def test_a_region_that_lost_its_headings_fails_and_recovers(noisy) -> None:  # type: ignore[no-untyped-def]
    rt, page, _ = noisy
    run_many(rt, ["avianca-page"])
    page.region = ('<article class="travel-alerts"><p>Utilizamos cookies propias y de terceros '
                   'para mejorar su experiencia de navegación en nuestro sitio web; al '
                   'continuar acepta su uso y nuestra política de privacidad vigente.</p>'
                   '<p>Consulte el estado de su vuelo y sus reservas en la sección Mis viajes '
                   'de nuestra aplicación móvil o del sitio web de la aerolínea.</p></article>')
    [broken] = run_many(rt, ["avianca-page"])
    assert broken.status == "failed" and broken.error is not None
    assert "holds no heading" in broken.error
    page.region = REGION
    [back] = run_many(rt, ["avianca-page"])
    assert back.status == "not_modified"            # the region of the last good read
