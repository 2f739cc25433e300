"""The status board's bookings: `/api/trips` answers what `monitor trips --json` prints, the
page lists a watchlist's bookings with their risk, and the names in the file never show."""

from __future__ import annotations

from pathlib import Path

import httpx

from monitor import service
from monitor.trip_risks import trips
from monitor.web.app import create_app
from monitor.web.snapshot import Reader
from tests.servers import FixtureServer, Webhook
from tests.test_board_app import running

NOTICE = """<html><body><main id="avisos"><h1>Avisos</h1>
<h2>Voos para Caracas</h2>
<p>A TAP suspende os voos entre Lisboa e Caracas até novo aviso.</p>
</main></body></html>"""


def test_the_board_shows_each_watchlist_s_bookings_and_their_risk(
        tmp_path: Path, server: FixtureServer, webhook: Webhook) -> None:
    server.serve("/tap", NOTICE)
    (tmp_path / "bookings.csv").write_text(
        "ref,flight,date,origin,destination,name\n"
        "FAR1,TP173,2099-03-01,LIS,CCS,Maria Planted-Surname\n"
        "FAR2,TP101,2099-03-02,LIS,GRU,Joao Planted-Surname\n", encoding="utf-8")
    path = tmp_path / "config.toml"
    path.write_text(f"""
[monitor]
database = "sqlite:///{tmp_path / 'm.db'}"

[[channels]]
name = "desk"
url = "{webhook.apprise_url('desk')}"

[[sources]]
name = "tap-page"
kind = "airline_page"
url = "{server.url('/tap')}"
selector = "main#avisos"
airline = "TP"

[[watchlists]]
name = "trips-desk"
bookings = "bookings.csv"
channels = ["desk"]

[[watchlists]]
name = "plain-desk"
countries = ["VE"]
""", encoding="utf-8")
    config = service.load(path)
    assert service.once(config, []) == 0
    with running(create_app(Reader(config))) as base, httpx.Client(base_url=base) as http:
        answer = http.get("/api/trips", params={"watchlist": "trips-desk"})
        assert answer.status_code == 200
        assert answer.json() == trips(config, "trips-desk")[0]
        assert [(r["ref"], r["severity"]) for r in answer.json()] == [
            ("FAR1", "warning"), ("FAR2", None)]
        assert http.get("/api/trips").json() == answer.json()

        page = http.get("/", params={"watchlist": "trips-desk"}).text
        assert 'id="trips"' in page and "1 of 2 at risk" in page
        assert "FAR1 TP173 2099-03-01" in page and "TP LIS-CCS suspension" in page
        assert "Planted" not in page
        # A watchlist without bookings has no bookings panel.
        assert 'id="trips"' not in http.get("/", params={"watchlist": "plain-desk"}).text

        for wrong in ("nobody", "plain-desk"):
            refused = http.get("/api/trips", params={"watchlist": wrong})
            assert refused.status_code == 400 and wrong in refused.json()["error"]

        # A bookings file that turns bad: the board says so and shows the rest.
        (tmp_path / "bookings.csv").write_text(
            "ref,flight,date,origin,destination\nFAR1,TP173,someday,LIS,CCS\n")
        page = http.get("/", params={"watchlist": "trips-desk"})
        assert page.status_code == 200 and "line 2: date: &#39;someday&#39;" in page.text
        assert http.get("/api/trips").status_code == 400
