"""Airline notices and flight boards end to end: suspensions, corroboration, all-clears."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from monitor import service
from monitor.outbox import sweep
from monitor.pipeline import run_source
from monitor.runtime import Runtime
from tests.conftest import fixture_bytes
from tests.servers import FixtureServer, Webhook

NOW = datetime(2025, 11, 22, 10, 0, tzinfo=UTC)   # 05:00 in Bogotá, before the departures
BOARD = json.loads(fixture_bytes("eldorado", "departures_1.json"))


def board(**status_by_number: str) -> bytes:
    """The El Dorado departures board with the given flights' status codes changed."""
    data: dict[str, Any] = copy.deepcopy(BOARD)
    names = {"ONT": "On time", "CNL": "Cancelled"}
    for flight in data["flights"]:
        code = status_by_number.get(flight["airline"]["code"] + flight["number"])
        if code:
            flight["status"] = {"code": code, "en": names[code], "es": names[code]}
    return json.dumps(data).encode()


@pytest.fixture
def desk(tmp_path: Path, server: FixtureServer, webhook: Webhook
         ) -> tuple[Runtime, FixtureServer, Webhook]:
    server.serve("/eldorado/departures", board(AV70="ONT", **{"4C5262": "ONT"}),
                 content_type="application/json")
    server.serve("/avianca", fixture_bytes("airline_page", "avianca_1_suspended.html"))
    path = tmp_path / "config.toml"
    path.write_text(f"""
[monitor]
database = "sqlite:///{tmp_path / 'm.db'}"
withdraw_after = 2

[[channels]]
name = "desk"
url = "{webhook.apprise_url('desk')}"

[[channels]]
name = "madrid"
url = "{webhook.apprise_url('madrid')}"

[[sources]]
name = "bog-board"
kind = "eldorado"
url = "{server.url('/eldorado')}"
cities = ["CCS"]
direction = "departures"

[[sources]]
name = "avianca-page"
kind = "airline_page"
url = "{server.url('/avianca')}"
selector = "article.travel-alerts"
airline = "AV"

[[watchlists]]
name = "latam-desk"
routes = ["BOG-CCS"]
airlines = ["AV"]
channels = ["desk"]

[[watchlists]]
name = "madrid-desk"
routes = ["MAD-CCS"]
airlines = ["IB"]
channels = ["madrid"]
""")
    rt = service.open_runtime(service.load(path), announce=False)
    rt.clock = lambda: NOW
    run_source(rt, "bog-board")
    run_source(rt, "avianca-page")
    sweep(rt)
    yield rt, server, webhook
    service.close_runtime(rt)


def titles(hook: Webhook, path: str = "/desk") -> list[str]:
    return [m["title"] for m in hook.messages if m["path"] == path]


def test_a_cancellation_backed_by_the_airline_notice_is_one_suspension_alert(desk) -> None:  # type: ignore[no-untyped-def]
    rt, server, hook = desk
    # The baseline: the board's delayed AV72 and the Avianca notice for Venezuela.
    assert sorted(titles(hook)) == [
        "[ADVISORY] Current situation for latam-desk: 1 active item",
        "[WARNING] Current situation for latam-desk: 1 active item"]
    hook.clear()

    server.serve("/eldorado/departures", board(AV70="CNL", **{"4C5262": "CNL"}),
                 content_type="application/json")
    run_source(rt, "bog-board")
    sweep(rt)
    assert titles(hook) == ["[WARNING] AV BOG-CCS suspension: AV suspended BOG-CCS "
                            "(1 flight(s) cancelled)"]
    body = hook.messages[0]["message"]
    assert "AV70 2025-11-22" in body and "AV advisory" in body
    assert "4C5262" not in body    # LATAM Colombia is not a watched airline

    # A re-rendered notice page (new cookie banner, timestamp) is not a change.
    hook.clear()
    server.serve("/avianca", fixture_bytes("airline_page", "avianca_1_rerender.html"))
    run_source(rt, "avianca-page")
    sweep(rt)
    assert titles(hook) == []

    # The suspension is extended ("hasta el 15 de enero"): an update of the same notice.
    server.serve("/avianca", fixture_bytes("airline_page", "avianca_2_extended.html"))
    run_source(rt, "avianca-page")
    sweep(rt)
    [extended] = titles(hook)
    assert extended.startswith("[WARNING] AV § Vuelos desde y hacia Venezuela: updated")
    hook.clear()

    # The flight operates again: an all-clear to the desk that heard of the suspension.
    server.serve("/eldorado/departures", board(AV70="ONT"), content_type="application/json")
    run_source(rt, "bog-board")
    sweep(rt)
    [resumed] = hook.messages
    assert resumed["title"].startswith("[INFO] AV70 2025-11-22: BOG-CCS 2025-11-22: ")
    assert "(was cancelled)" in resumed["title"] and resumed["type"] == "success"

    # The airline lifts its suspension: an all-clear for the notice section.
    hook.clear()
    server.serve("/avianca", fixture_bytes("airline_page", "avianca_3_resumed.html"))
    run_source(rt, "avianca-page")
    sweep(rt)
    assert any(t.startswith("[INFO] AV § Vuelos desde y hacia Venezuela: withdrawn")
               for t in titles(hook))
    assert titles(hook, "/madrid") == []   # nothing for airlines or routes nobody watches


def test_two_cancellations_without_a_notice_also_make_a_suspension(desk) -> None:  # type: ignore[no-untyped-def]
    rt, server, hook = desk
    server.serve("/avianca", fixture_bytes("airline_page", "avianca_3_resumed.html"))
    run_source(rt, "avianca-page")                   # no active Avianca warning any more
    sweep(rt)
    hook.clear()
    server.serve("/eldorado/departures", board(AV70="CNL"), content_type="application/json")
    run_source(rt, "bog-board")
    sweep(rt)
    [single] = titles(hook)                          # one cancellation: a flight alert
    assert single.startswith("[WARNING] AV70 2025-11-22: BOG-CCS 2025-11-22: cancelled "
                             "(was scheduled)")
    rt.clock = lambda: NOW + timedelta(hours=1)
    hook.clear()
    flights = json.loads(board(AV70="CNL"))
    extra = copy.deepcopy(next(f for f in flights["flights"] if f["number"] == "70"))
    extra["number"] = "74"
    flights["flights"].append(extra)                 # a second AV cancellation to Caracas
    server.serve("/eldorado/departures", json.dumps(flights).encode(),
                 content_type="application/json")
    run_source(rt, "bog-board")
    sweep(rt)
    assert titles(hook) == ["[WARNING] AV BOG-CCS suspension: AV suspended BOG-CCS "
                            "(2 flight(s) cancelled)"]


def test_a_flight_that_vanishes_before_departure_is_probably_cancelled(desk) -> None:  # type: ignore[no-untyped-def]
    rt, server, hook = desk
    hook.clear()
    flights = json.loads(board(AV70="ONT"))
    flights["flights"] = [f for f in flights["flights"] if f["number"] != "70"]
    server.serve("/eldorado/departures", json.dumps(flights).encode(),
                 content_type="application/json")
    run_source(rt, "bog-board")
    sweep(rt)
    assert titles(hook) == []                        # once missing: not yet
    run_source(rt, "bog-board")
    sweep(rt)
    [probable] = titles(hook)
    assert probable.startswith("[ADVISORY] AV70 2025-11-22: BOG-CCS 2025-11-22: "
                               "cancelled_probable (was scheduled)")
