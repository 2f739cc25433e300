"""`monitor route` with no [geo]: the shipped FIR boundaries, NOTAM areas matched by geometry,
airline notices by the city pair they name. A real migrated SQLite database filled by
`monitor once` from a local server."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, fixture_bytes
from tests.servers import FixtureServer

ROOT = Path(__file__).resolve().parents[1]
PRN = "/air_traffic/publications/us_restrictions"
SEARCH = "/notamSearch/search"


def notam_record(designator: str, number: str, message: str) -> dict:
    """One NOTAM Search record in the service's shape, taken from the project's own fixture."""
    page = json.loads((FIXTURES / "faa_notam_search" / "page1.json").read_bytes())
    record = dict(page["notamList"][0])
    record.update(facilityDesignator=designator, icaoId=designator, notamNumber=number,
                  startDate="11/25/2025 0400", endDate="12/31/2027 2359", icaoMessage=message,
                  traditionalMessageFrom4thWord=message.split("E) ", 1)[1][:100])
    return record


# A 50 NM restricted area at Caracas (113 NM from the Miami - Sao Paulo great circle), a
# SFC-FL100 danger area 12 NM off New York - Buenos Aires in the middle of the route, and the
# same danger area 12 NM from Ezeiza.
NOTAMS = [
    notam_record("SVZM", "A0601/25", "A0601/25 NOTAMN\n"
                 "Q) SVZM/QRRCA/IV/BO/W/000/999/1036N06659W050\n"
                 "A) SVZM B) 2511250400 C) 2712312359\n"
                 "E) RESTRICTED AREA ACTIVATED RADIUS 50NM CENTRED ON 1036N06659W.\n"
                 "F) SFC G) UNL"),
    notam_record("SVZM", "A0602/25", "A0602/25 NOTAMN\n"
                 "Q) SVZM/QRDCA/IV/BO/W/000/100/1028N06722W050\n"
                 "A) SVZM B) 2511250400 C) 2712312359\n"
                 "E) DANGER AREA ACTIVATED RADIUS 50NM CENTRED ON 1028N06722W.\n"
                 "F) SFC G) FL100"),
    notam_record("SAEF", "A0603/25", "A0603/25 NOTAMN\n"
                 "Q) SAEF/QRDCA/IV/BO/W/000/100/3447S05818W050\n"
                 "A) SAEF B) 2511250400 C) 2712312359\n"
                 "E) DANGER AREA ACTIVATED RADIUS 50NM CENTRED ON 3447S05818W.\n"
                 "F) SFC G) FL100"),
]


def monitor(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "monitor", *args], capture_output=True,
                          text=True, cwd=ROOT, timeout=60, env=dict(os.environ))


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, ...]:
    """A config without [geo] and its database after one run of every source."""
    server = FixtureServer().start()
    try:
        server.serve(PRN, fixture_bytes("faa_prn", "venezuela_added.html"))
        page = {"startRecordCount": 1, "endRecordCount": len(NOTAMS),
                "totalNotamCount": len(NOTAMS), "error": "", "notamList": NOTAMS,
                "searchDateTime": "2025-11-25 14:02:10"}
        server.serve(SEARCH, json.dumps(page).encode(), content_type="application/json")
        server.serve("/avianca", fixture_bytes("airline_page", "avianca_1_suspended.html"))
        folder = tmp_path_factory.mktemp("route-geometry")
        config = folder / "config.toml"
        config.write_text(f"""
[monitor]
database = "sqlite:///monitor.db"
fetch_retries = 0

[[sources]]
name = "faa-prn"
kind = "faa_prn"
url = "{server.url(PRN)}"

[[sources]]
name = "notams"
kind = "faa_notam_search"
url = "{server.url(SEARCH)}"
locations = ["SVZM"]

[[sources]]
name = "avianca-page"
kind = "airline_page"
url = "{server.url('/avianca')}"
selector = "article.travel-alerts"
airline = "AV"
""")
        args = ("--config", str(config))
        assert monitor(*args, "db", "upgrade").returncode == 0
        done = monitor(*args, "once")
        assert done.returncode == 0, done.stderr
        return args
    finally:
        server.stop()


def route(args: tuple[str, ...], text: str) -> dict[str, list[str]]:
    proc = monitor(*args, "route", text, "--json")
    assert proc.returncode == 0, proc.stderr
    return {row["key"]: row["reasons"] for row in map(json.loads, proc.stdout.splitlines())}


@pytest.mark.parametrize("text", ["MIA-GRU", "JFK-EZE"])
def test_a_route_whose_great_circle_crosses_svzm_lists_the_svzm_advisory(filled, text):
    assert route(filled, text)["KICZ A0012/25"] == [f"route {text} crosses FIR SVZM",
                                                     f"route {text} touches country VE"]


@pytest.mark.parametrize("text", ["MIA-BOG", "JFK-GRU", "MAD-LIS"])
def test_a_route_that_stays_out_of_svzm_does_not_list_it(filled, text):
    assert "KICZ A0012/25" not in route(filled, text)


def test_the_route_report_names_the_firs_crossed(filled):
    proc = monitor(*filled, "route", "LIS-CCS")
    assert proc.returncode == 0, proc.stderr
    assert "LIS-CCS crosses the FIRs LPPC, LPPO, KZNY, TTZP, SVZM" in proc.stdout
    assert "approximate" in proc.stdout


def test_a_small_area_off_the_route_is_not_listed_for_its_fir(filled):
    assert "SVZM A0601/25" not in route(filled, "MIA-GRU")
    assert route(filled, "MIA-CCS")["SVZM A0601/25"] == [
        "route MIA-CCS passes 0 NM from the 50 NM area at 1036N06659W (FL000-FL999)"]


def test_a_low_area_concerns_a_route_near_its_airports_only(filled):
    hazards = route(filled, "JFK-EZE")
    assert "SVZM A0602/25" not in hazards            # SFC-FL100 under the cruise, mid-route
    assert hazards["SAEF A0603/25"] == [
        "route JFK-EZE passes 12 NM from the 50 NM area at 3447S05818W (FL000-FL100)"]


def test_an_airline_notice_naming_a_city_pair_concerns_that_pair_only(filled):
    key = "AV § Vuelos desde y hacia Venezuela"
    assert key not in route(filled, "LIS-CCS")
    assert route(filled, "BOG-CCS")[key] == [
        "route BOG-CCS flies BOG-CCS, a city pair the notice names"]
