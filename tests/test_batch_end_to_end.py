"""One alert per hazard across a batch, end to end: a local FAA page and NOTAM search service,
a migrated SQLite file, `monitor once`'s batch and `monitor run`'s overlapping jobs, and real
Apprise posting to a local webhook."""

from __future__ import annotations

import copy
import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from monitor import service
from monitor.outbox import sweep
from monitor.pipeline import run_many, run_source
from monitor.runtime import Runtime
from tests.conftest import fixture_bytes
from tests.servers import FixtureServer, Webhook
from tests.test_delivery_policies import ADVISORY, page
from tests.test_notam_lifecycle import ISSUED, PATH, PIARCO, REPLACED, search_page

DAY = datetime(2025, 11, 21, 18, 30, tzinfo=UTC)
KICZ_12 = ADVISORY.format(n=12)
KICZ_15 = ADVISORY.format(n=15)


def config_text(tmp_path: Path, server: FixtureServer, webhook: Webhook) -> str:
    return f"""
[monitor]
database = "sqlite:///{tmp_path / 'm.db'}"
withdraw_after = 2
fetch_retries = 0

[[channels]]
name = "desk"
url = "{webhook.apprise_url('desk')}"
format = "markdown"

[[sources]]
name = "faa-prn"
kind = "faa_prn"
url = "{server.url('/prn')}"

[[sources]]
name = "notam-search"
kind = "faa_notam_search"
url = "{server.url(PATH)}"
locations = ["KICZ"]

[[watchlists]]
name = "latam-desk"
firs = ["SVZM"]
channels = ["desk"]
"""


@pytest.fixture
def desk(tmp_path: Path, server: FixtureServer, webhook: Webhook) -> Iterator[Runtime]:
    path = tmp_path / "config.toml"
    path.write_text(config_text(tmp_path, server, webhook))
    rt = service.open_runtime(service.load(path), announce=False)
    rt.clock = lambda: DAY
    yield rt
    service.close_runtime(rt)


def serve(server: FixtureServer, prn: bytes, *records: dict[str, Any]) -> None:
    server.serve("/prn", prn)
    server.serve(PATH, search_page(*records), content_type="application/json;charset=UTF-8")


def deliver(rt: Runtime, hook: Webhook) -> list[dict[str, Any]]:
    hook.clear()
    sent = sweep(rt).sent
    return hook.wait_for(sent) if sent else []


def baseline(rt: Runtime, server: FixtureServer, hook: Webhook) -> None:
    serve(server, fixture_bytes("faa_prn", "baseline.html"), PIARCO)
    assert {o.status for o in run_many(rt, ["faa-prn", "notam-search"])} == {"ok"}
    assert deliver(rt, hook) == []


def test_the_same_hazard_from_two_sources_of_one_run_is_one_alert_citing_both(
        desk: Runtime, server: FixtureServer, webhook: Webhook) -> None:
    baseline(desk, server, webhook)
    serve(server, page(KICZ_12), PIARCO, ISSUED)
    desk.clock = lambda: DAY + timedelta(hours=1)
    run_many(desk, ["faa-prn", "notam-search"])
    [message] = deliver(desk, webhook)
    assert message["title"].startswith("[WARNING] KICZ A0012/25")
    assert "faa-prn" in message["message"] and "notam-search" in message["message"]
    [alert] = [a for a in desk.store.recent_alerts(DAY) if a.item_key == "KICZ A0012/25"]
    assert alert.data["sources"] == ["faa-prn", "notam-search"]


def test_a_new_desk_gets_one_summary_for_all_its_sources(
        desk: Runtime, server: FixtureServer, webhook: Webhook) -> None:
    serve(server, page(KICZ_12), PIARCO, ISSUED)
    run_many(desk, ["faa-prn", "notam-search"])
    [summary] = deliver(desk, webhook)
    assert summary["title"] == "[WARNING] Current situation for latam-desk: 1 active item"


def test_overlapping_jobs_of_monitor_run_decide_one_after_the_other(
        desk: Runtime, server: FixtureServer, webhook: Webhook) -> None:
    baseline(desk, server, webhook)
    serve(server, page(KICZ_12), PIARCO, ISSUED)
    # Both answers arrive together, so both jobs reach their decision at the same moment.
    for route in server.routes.values():
        route.delay = 0.3
    desk.clock = lambda: DAY + timedelta(hours=1)
    start = threading.Barrier(2)

    def job(name: str) -> None:
        start.wait()
        run_source(desk, name, respect_backoff=False)

    threads = [threading.Thread(target=job, args=(n,)) for n in ("faa-prn", "notam-search")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    [message] = deliver(desk, webhook)
    assert message["title"].startswith("[WARNING] KICZ A0012/25")
    [alert] = [a for a in desk.store.recent_alerts(DAY) if a.item_key == "KICZ A0012/25"]
    assert sorted(alert.data["sources"]) == ["faa-prn", "notam-search"]


def test_a_replaced_advisory_is_not_cleared_while_its_successor_goes_on(
        desk: Runtime, server: FixtureServer, webhook: Webhook) -> None:
    baseline(desk, server, webhook)
    serve(server, page(KICZ_12), PIARCO, ISSUED)
    desk.clock = lambda: DAY + timedelta(hours=1)
    run_many(desk, ["faa-prn", "notam-search"])
    assert len(deliver(desk, webhook)) == 1
    # A0015/25 replaces A0012/25 in the NOTAM feed; on the page its entry takes the old one's
    # place. One message about the successor, then nothing, and never an all-clear.
    serve(server, page(KICZ_15), PIARCO, REPLACED)
    sent = []
    for hours in (2, 3, 4):
        desk.clock = lambda h=hours: DAY + timedelta(days=25, hours=h)  # type: ignore[misc]
        run_many(desk, ["faa-prn", "notam-search"])
        sent += deliver(desk, webhook)
    assert [m["title"][:24] for m in sent] == ["[WARNING] KICZ A0015/25:"]
    assert not any(m["type"] == "success" for m in sent)
    [alert] = [a for a in desk.store.recent_alerts(DAY) if a.item_key == "KICZ A0015/25"]
    assert sorted(alert.data["sources"]) == ["faa-prn", "notam-search"]
    statuses = {k: v.item.status for k, v in desk.store.known_items("faa-prn").items()}
    assert statuses["KICZ A0012/25"] == "withdrawn"


def test_the_page_alone_says_nothing_when_a_new_entry_takes_the_old_ones_place(
        tmp_path: Path, server: FixtureServer, webhook: Webhook) -> None:
    path = tmp_path / "config.toml"
    path.write_text(config_text(tmp_path, server, webhook))
    rt = service.open_runtime(service.load(path), announce=False)
    try:
        rt.clock = lambda: DAY
        server.serve("/prn", fixture_bytes("faa_prn", "baseline.html"))
        run_source(rt, "faa-prn")
        server.serve("/prn", page(KICZ_12))
        rt.clock = lambda: DAY + timedelta(hours=1)
        run_source(rt, "faa-prn")
        assert len(deliver(rt, webhook)) == 1
        server.serve("/prn", page(KICZ_15))
        sent = []
        for hours in (2, 3, 4):
            rt.clock = lambda h=hours: DAY + timedelta(days=25, hours=h)  # type: ignore[misc]
            run_source(rt, "faa-prn")
            sent += deliver(rt, webhook)
        assert [m["title"][:24] for m in sent] == ["[WARNING] KICZ A0015/25:"]
    finally:
        service.close_runtime(rt)


BOARD = json.loads(fixture_bytes("eldorado", "departures_1.json"))


def board(cancelled: str) -> bytes:
    """The El Dorado board with AV70 and AV72 on time, but `cancelled` cancelled."""
    data: dict[str, Any] = copy.deepcopy(BOARD)
    for flight in data["flights"]:
        number = flight["airline"]["code"] + flight["number"]
        if number in ("AV70", "AV72"):
            code, name = ("CNL", "Cancelled") if number == cancelled else ("ONT", "On time")
            flight["status"] = {"code": code, "en": name, "es": name}
    return json.dumps(data).encode()


def test_two_boards_cancelling_one_airline_on_one_route_in_one_run_are_one_suspension(
        tmp_path: Path, server: FixtureServer, webhook: Webhook) -> None:
    boards = "".join(f"""
[[sources]]
name = "{name}"
kind = "eldorado"
url = "{server.url('/' + name)}"
cities = ["CCS"]
direction = "departures"
""" for name in ("bog-board", "bog-board-b"))
    path = tmp_path / "config.toml"
    path.write_text(f"""
[monitor]
database = "sqlite:///{tmp_path / 'm.db'}"

[[channels]]
name = "desk"
url = "{webhook.apprise_url('desk')}"
{boards}
[[watchlists]]
name = "latam-desk"
routes = ["BOG-CCS"]
airlines = ["AV"]
channels = ["desk"]
""")
    rt = service.open_runtime(service.load(path), announce=False)
    try:
        rt.clock = lambda: datetime(2025, 11, 22, 10, 0, tzinfo=UTC)
        for name in ("bog-board", "bog-board-b"):
            server.serve(f"/{name}/departures", board(""), content_type="application/json")
        run_many(rt, ["bog-board", "bog-board-b"])
        deliver(rt, webhook)
        server.serve("/bog-board/departures", board("AV70"), content_type="application/json")
        server.serve("/bog-board-b/departures", board("AV72"),
                     content_type="application/json")
        rt.clock = lambda: datetime(2025, 11, 22, 10, 30, tzinfo=UTC)
        run_many(rt, ["bog-board", "bog-board-b"])
        [message] = deliver(rt, webhook)
        assert message["title"].startswith("[WARNING] AV BOG-CCS suspension")
        [alert] = [a for a in rt.store.recent_alerts(datetime(2025, 11, 22, tzinfo=UTC))
                   if a.item_key == "AV BOG-CCS suspension"]
        assert alert.data["flights"] == ["AV70 2025-11-22", "AV72 2025-11-22"]
    finally:
        service.close_runtime(rt)
