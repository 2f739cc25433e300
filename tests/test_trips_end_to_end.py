"""Bookings end to end: airline pages and a flight board on a local server, a migrated SQLite
file, real Apprise to a local webhook, the CLI as a process. The desk hears which of its
bookings are affected; the travellers' names in the file go nowhere."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from monitor import service
from monitor.outbox import sweep
from monitor.pipeline import run_source
from monitor.runtime import Runtime
from monitor.trip_risks import trips
from tests.conftest import fixture_bytes
from tests.servers import FixtureServer, Webhook

ROOT = Path(__file__).resolve().parents[1]
NAMES = ("Maria Planted-Surname", "Joao Planted-Surname", "Ana Planted-Surname")
BOOKINGS = f"""ref,name,flight,date,origin,destination
EARLY1,{NAMES[0]},TP173,2025-12-10,LIS,CCS
LATE22,{NAMES[1]},TP 173,2026-01-15,LPPT,SVMI
SAFE33,{NAMES[2]},TP101,2025-12-10,LIS,GRU
"""
SUSPENDED = "A TAP suspende os voos TP173 e TP174 entre Lisboa e Caracas até 31 de dezembro."
EXTENDED = ("A TAP prorrogou a suspensão dos voos TP173 e TP174 entre Lisboa e Caracas até 31 "
            "de janeiro.")
RESUMED = "A TAP retoma os voos TP173 e TP174 entre Lisboa e Caracas a partir de 5 de janeiro."


def page(notice: str) -> bytes:
    return f"""<!DOCTYPE html><html lang="pt-PT"><head><title>Avisos | TAP</title></head>
<body><main id="avisos"><h1>Avisos e informações</h1>
<h2>Voos para Caracas</h2><p>{notice}</p>
<p>Os clientes afetados podem alterar a viagem sem custos ou pedir reembolso.</p>
<h2>Bagagem</h2><p>Cada cliente pode levar uma bagagem de mão de até 8 kg.</p>
</main></body></html>""".encode()


def write_config(folder: Path, sources: str, bookings: str = BOOKINGS,
                 settings: str = "") -> Path:
    """A trips desk watching `sources`; `settings`: more `[monitor]` lines."""
    (folder / "bookings.csv").write_text(bookings, encoding="utf-8")
    path = folder / "config.toml"
    path.write_text(f"""
[monitor]
database = "sqlite:///{folder / 'm.db'}"
{settings}

{sources}

[[watchlists]]
name = "trips-desk"
bookings = "bookings.csv"
channels = ["desk"]
""")
    return path


# The desk's channel and TAP's notices page (`desk` and `tap`: their URLs).
TAP_SOURCE = """
[[channels]]
name = "desk"
url = "{desk}"

[[sources]]
name = "tap-page"
kind = "airline_page"
url = "{tap}"
selector = "main#avisos"
airline = "TP"
"""


@pytest.fixture
def tap_desk(tmp_path: Path, server: FixtureServer, webhook: Webhook
             ) -> Iterator[tuple[Runtime, FixtureServer, Webhook]]:
    server.serve("/tap", page(SUSPENDED))
    path = write_config(tmp_path, TAP_SOURCE.format(desk=webhook.apprise_url("desk"),
                                                    tap=server.url("/tap")))
    rt = service.open_runtime(service.load(path), announce=False)
    yield rt, server, webhook
    service.close_runtime(rt)


def read_at(rt: Runtime, source: str, when: datetime) -> None:
    rt.clock = lambda: when
    run_source(rt, source)
    sweep(rt)


def listed(message: dict[str, Any]) -> list[str]:
    """The bookings a message names, by `ref flight date`."""
    lines = [line.removeprefix("- ") for line in message["message"].splitlines()]
    return [line.split(":")[0] for line in lines if line[:6] in ("EARLY1", "LATE22", "SAFE33")]


def everything_stored(database: Path) -> str:
    with sqlite3.connect(database) as db:
        return "\n".join(db.iterdump())


def test_a_suspension_names_the_bookings_it_covers_as_its_end_moves_and_ends(
        tap_desk, capsys) -> None:  # type: ignore[no-untyped-def]
    rt, server, hook = tap_desk
    # Read in November: "até 31 de dezembro" covers the December trip, not January's.
    read_at(rt, "tap-page", datetime(2025, 11, 22, 10, 0, tzinfo=UTC))
    [first] = hook.messages
    assert first["title"] == "[WARNING] 1 booking affected: TP LIS-CCS suspension"
    assert first["type"] == "warning"
    assert listed(first) == ["EARLY1 TP173 2025-12-10"]
    assert ("EARLY1 TP173 2025-12-10: TP: Suspension of flights to Caracas (until 31 Dec)"
            in first["message"])
    hook.clear()

    # The notice re-worded, the same days: an update of the notice, nothing to repeat.
    server.serve("/tap", page(SUSPENDED.replace("suspende", "suspende temporariamente")))
    read_at(rt, "tap-page", datetime(2025, 11, 23, 10, 0, tzinfo=UTC))
    assert hook.messages == []
    logs = capsys.readouterr().out
    assert '"source": "tap-page", "status": "ok", "items": 2, "new": 0, "updated": 1' in logs

    # Extended to 31 January: an update naming the January booking too.
    server.serve("/tap", page(EXTENDED))
    read_at(rt, "tap-page", datetime(2025, 11, 28, 9, 0, tzinfo=UTC))
    [update] = hook.messages
    assert update["title"] == "[WARNING] 2 bookings affected: TP LIS-CCS suspension (updated)"
    assert listed(update) == ["EARLY1 TP173 2025-12-10", "LATE22 TP173 2026-01-15"]
    assert "Change: updated" in update["message"]
    hook.clear()

    rows, _ = trips(rt.config, now=datetime(2025, 11, 29, tzinfo=UTC))
    assert [(r["ref"], r["severity"]) for r in rows] == [
        ("EARLY1", "warning"), ("LATE22", "warning"), ("SAFE33", None)]
    assert rows[1]["items"] == ["TP § Voos para Caracas"]
    assert rows[1]["origin"] == "LPPT" and rows[2]["reasons"] == []

    # The airline announces resumption: an all-clear to both bookings.
    server.serve("/tap", page(RESUMED))
    read_at(rt, "tap-page", datetime(2025, 12, 1, 9, 0, tzinfo=UTC))
    [clear] = hook.messages
    assert clear["title"] == "[INFO] 2 bookings no longer affected: TP LIS-CCS suspension"
    assert clear["type"] == "success"
    assert listed(clear) == ["EARLY1 TP173 2025-12-10", "LATE22 TP173 2026-01-15"]

    # The names in the file's extra column went nowhere: not the database, logs or messages.
    database = Path(rt.config.database_url.removeprefix("sqlite:///"))
    stored = everything_stored(database)
    logs += capsys.readouterr().out
    assert "EARLY1" in stored and '"event": "alert"' in logs
    for name in NAMES:
        for surname in name.split():
            assert surname not in stored and surname not in logs
            assert not any(surname in json.dumps(m) for m in hook.messages)


def eldorado_board(**status_by_number: str) -> bytes:
    data: dict[str, Any] = json.loads(fixture_bytes("eldorado", "departures_1.json"))
    names = {"ONT": "On time", "CNL": "Cancelled"}
    for flight in data["flights"]:
        code = status_by_number.get(flight["airline"]["code"] + flight["number"])
        if code:
            flight["status"] = {"code": code, "en": names[code], "es": names[code]}
    return json.dumps(data).encode()


def test_a_board_cancelling_a_booked_flight_tells_that_booking(
        tmp_path: Path, server: FixtureServer, webhook: Webhook) -> None:
    server.serve("/eldorado/departures", eldorado_board(AV70="ONT"),
                 content_type="application/json")
    path = write_config(tmp_path, f"""
[[channels]]
name = "desk"
url = "{webhook.apprise_url('desk')}"

[[sources]]
name = "bog-board"
kind = "eldorado"
url = "{server.url('/eldorado')}"
cities = ["CCS"]
direction = "departures"
""", bookings="ref,flight,date,origin,destination\n"
              "BOG701,AV70,2025-11-22,BOG,CCS\nBOG702,AV70,2025-11-23,BOG,CCS\n")
    rt = service.open_runtime(service.load(path), announce=False)
    try:
        # 05:00 in Bogotá, before the departures.
        read_at(rt, "bog-board", datetime(2025, 11, 22, 10, 0, tzinfo=UTC))
        assert webhook.messages == []          # AV70 on time: nobody is at risk
        webhook.clear()
        server.serve("/eldorado/departures", eldorado_board(AV70="CNL"),
                     content_type="application/json")
        read_at(rt, "bog-board", datetime(2025, 11, 22, 10, 5, tzinfo=UTC))
        [alert] = webhook.messages
        assert alert["title"] == "[WARNING] 1 booking affected: AV70 2025-11-22 cancelled"
        assert "BOG701 AV70 2025-11-22: flight AV70 cancelled on 2025-11-22" in alert["message"]
        assert "BOG702" not in alert["message"]
    finally:
        service.close_runtime(rt)


def test_a_bookings_file_with_a_bad_date_stops_check_config_and_run_with_the_line(
        tmp_path: Path) -> None:
    bad = BOOKINGS.replace("2026-01-15", "15/01/2026")
    path = write_config(tmp_path, '[[channels]]\nname = "desk"\nurl = ""\n', bad)
    for command in (["check-config"], ["run"], ["trips"]):
        done = subprocess.run([sys.executable, "-m", "monitor", "--config", str(path),
                               *command], capture_output=True, text=True, timeout=120,
                              cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
        assert done.returncode == 2, (command, done.stderr)
        assert done.stderr.strip() == (f"{tmp_path / 'bookings.csv'}: line 3: date: "
                                       "'15/01/2026' is not a date (YYYY-MM-DD)")
        assert "Planted" not in done.stderr + done.stdout


def test_monitor_trips_lists_the_upcoming_bookings_as_json(
        tmp_path: Path, server: FixtureServer, webhook: Webhook) -> None:
    # Until further notice covers every trip to come, however far the wall clock has moved.
    server.serve("/tap", page("A TAP suspende os voos entre Lisboa e Caracas até novo aviso."))
    bookings = ("ref,flight,date,origin,destination,name\n"
                f"FAR1,TP173,2099-03-01,LIS,CCS,{NAMES[0]}\n"
                f"FAR2,TP101,2099-03-02,LIS,GRU,{NAMES[1]}\n"
                f"PAST3,TP173,2001-03-01,LIS,CCS,{NAMES[2]}\n")
    path = write_config(tmp_path, f"""
[[channels]]
name = "desk"
url = "{webhook.apprise_url('desk')}"

[[sources]]
name = "tap-page"
kind = "airline_page"
url = "{server.url('/tap')}"
selector = "main#avisos"
airline = "TP"
""", bookings)
    command = [sys.executable, "-m", "monitor", "--config", str(path)]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    once = subprocess.run([*command, "once"], capture_output=True, text=True, timeout=120,
                          cwd=ROOT, env=env)
    assert once.returncode == 0, once.stderr
    [told] = webhook.messages
    assert told["title"] == "[WARNING] 1 booking affected: TP LIS-CCS suspension"
    done = subprocess.run([*command, "trips", "--json"], capture_output=True, text=True,
                          timeout=120, cwd=ROOT, env=env)
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert rows == [
        {"ref": "FAR1", "flight": "TP173", "date": "2099-03-01", "origin": "LIS",
         "destination": "CCS", "severity": "warning",
         "reasons": ["TP LIS-CCS suspension: TP: Suspension of flights to Caracas "
                     "(until further notice)"],
         "items": ["TP § Voos para Caracas"], "watchlist": "trips-desk"},
        {"ref": "FAR2", "flight": "TP101", "date": "2099-03-02", "origin": "LIS",
         "destination": "GRU", "severity": None, "reasons": [], "items": [],
         "watchlist": "trips-desk"}]
    table = subprocess.run([*command, "trips"], capture_output=True, text=True, timeout=120,
                           cwd=ROOT, env={**env, "COLUMNS": "200"})
    assert table.returncode == 0, table.stderr
    assert "1 of 2 at risk" in table.stdout and "FAR1" in table.stdout
    assert "PAST3" not in table.stdout and "Planted" not in table.stdout + once.stdout


def test_a_changed_bookings_file_is_read_again_and_a_bad_one_keeps_the_last_good_reading(
        tap_desk, capsys) -> None:  # type: ignore[no-untyped-def]
    rt, _, hook = tap_desk
    read_at(rt, "tap-page", datetime(2025, 11, 22, 10, 0, tzinfo=UTC))
    [first] = hook.messages
    assert listed(first) == ["EARLY1 TP173 2025-12-10"]
    hook.clear()
    bookings = rt.config.path.parent / "bookings.csv"

    # A booking added while the monitor runs: told with the next run, though the page is
    # unchanged (an update of the same cause, naming both).
    with bookings.open("a", encoding="utf-8") as csv:
        csv.write("NEW999,Someone Planted-Surname,TP173,2025-12-20,LIS,CCS\n")
    read_at(rt, "tap-page", datetime(2025, 11, 22, 11, 0, tzinfo=UTC))
    [added] = hook.messages
    assert added["title"] == "[WARNING] 2 bookings affected: TP LIS-CCS suspension (updated)"
    assert "NEW999 TP173 2025-12-20: TP: Suspension" in added["message"]
    hook.clear()
    capsys.readouterr()

    # The file turns bad: logged once with its line, the last good reading stays in use.
    bookings.write_text(BOOKINGS + "BAD1,x,TP173,soon,LIS,CCS\n", encoding="utf-8")
    for hour in (12, 13):
        read_at(rt, "tap-page", datetime(2025, 11, 22, hour, 0, tzinfo=UTC))
    logs = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    [invalid] = [line for line in logs if line["event"] == "bookings.invalid"]
    assert invalid["error"] == "line 5: date: 'soon' is not a date (YYYY-MM-DD)"
    assert invalid["watchlist"] == "trips-desk" and invalid["kept"] == 4
    assert hook.messages == []
    assert [len(t.bookings) for t in rt.bookings.current().values()] == [4]
