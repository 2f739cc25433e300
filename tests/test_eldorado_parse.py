"""The eldorado kind: Bogotá boards filtered to Caracas compared whole, a Caracas flight that
drops off the board, both boards in one fetch, and the airport's firewall answering HTML."""

from __future__ import annotations

import contextlib
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from monitor.errors import FetchError, ParseError
from monitor.http import HttpClient
from monitor.sources.base import Validators
from monitor.sources.eldorado import ElDorado, ElDoradoOptions
from monitor.types import Item, Severity
from tests.regen_expected import bodies, expected_path, make_source
from tests.servers import FixtureServer

KIND = "eldorado"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / KIND
FIRST = (FIXTURES / "departures_1.json").read_bytes()
SECOND = (FIXTURES / "departures_2.json").read_bytes()
NOW = datetime(2025, 11, 22, 12, 0, tzinfo=UTC)
ARRIVALS = json.dumps({"flights": [
    {"airline": {"code": "AV", "name": "AVIANCA"}, "number": "71", "flighttype": "I",
     "status": {"code": "CNL", "en": "Cancelled", "es": "Cancelado"},
     "city": {"code": "CCS", "en": "Caracas", "es": "Caracas"}, "gate": "", "terminal": "1",
     "claim": "", "scheduleDate": "2025-11-22 11:40:00", "estimatedDate": "",
     "actualDate": ""}]}).encode()


def source(url: str | None = None, **options: Any) -> ElDorado:
    return ElDorado("eldorado-ccs", url, ElDoradoOptions(**{"cities": ["CCS"], **options}))


def parse(body: bytes, extra: dict[str, bytes] | None = None, **options: Any) -> dict[str, Item]:
    src = source(**options)
    return {i.key: i for i in src.parse(body, url=src.url, extra=extra)}


def client() -> HttpClient:
    return HttpClient(user_agent="test-agent/1", timeout=2.0, retries=0, sleep=lambda s: None)


@pytest.mark.parametrize("body", [p.name for p in bodies(KIND)])
def test_fixture_parses_to_its_expected_json(body: str) -> None:
    src = make_source(KIND, body)
    expected = json.loads(expected_path(FIXTURES / body).read_text(encoding="utf-8"))
    items = src.parse((FIXTURES / body).read_bytes(), url=src.url)
    assert [item.to_json() for item in items] == expected


def test_only_caracas_flights_are_kept_and_cnl_is_a_cancellation() -> None:
    items = parse(FIRST)
    assert list(items) == ["AV70 2025-11-22", "P57304 2025-11-22", "4C5262 2025-11-22",
                           "AV72 2025-11-22"]
    av70 = items["AV70 2025-11-22"]
    assert (av70.status, av70.severity) == ("cancelled", Severity.WARNING)
    assert av70.title == "AV70 BOG-CCS 2025-11-22: cancelled"
    assert (av70.airports, av70.countries, av70.airlines) == (
        ("SKBO", "SVMI"), ("CO", "VE"), ("AV",))
    assert av70.flight is not None
    assert av70.flight.scheduled == datetime(2025, 11, 22, 12, 15, tzinfo=UTC)   # 07:15 Bogotá
    assert items["4C5262 2025-11-22"].status == "cancelled"       # CAN
    assert items["AV72 2025-11-22"].status == "delayed"          # boarding, estimated +45 min


def test_a_caracas_flight_that_drops_off_the_board_is_simply_absent() -> None:
    first, second = parse(FIRST), parse(SECOND)
    assert set(first) - set(second) == {"P57304 2025-11-22"}
    assert all(second[k] == first[k] for k in second)


def test_without_a_cities_filter_every_flight_is_kept() -> None:
    items = parse(FIRST, cities=[])
    assert items["LA2472 2025-11-22"].status == "delayed"
    assert items["AV8520 2025-11-22"].status == "departed"
    assert items["AV8274 2025-11-22"].countries == ("CO",)


def test_the_arrivals_board_travels_as_extra_with_both_directions() -> None:
    items = parse(FIRST, extra={"arrivals": ARRIVALS})
    arrival = items["AV71 2025-11-22"]
    assert arrival.title == "AV71 CCS-BOG 2025-11-22: cancelled"
    assert arrival.url == "https://eldorado.aero/vuelos/llegadas"
    only_arrivals = parse(ARRIVALS, direction="arrivals")
    assert list(only_arrivals) == ["AV71 2025-11-22"]


def test_the_older_endpoint_shape_is_read_too() -> None:
    older = json.dumps({"data": {"departures": json.loads(FIRST)["flights"],
                                 "arrivals": json.loads(ARRIVALS)["flights"]}}).encode()
    assert "AV71 2025-11-22" in parse(older) and "AV70 2025-11-22" in parse(older)


def test_fetch_reads_both_boards_with_the_site_as_referer(server: FixtureServer) -> None:
    server.serve("/api/v2/flights/departures", FIRST, content_type="application/json")
    server.serve("/api/v2/flights/arrivals", ARRIVALS, content_type="application/json")
    src = source(server.url("/api/v2/flights"), window="7h")
    with client() as http:
        fetched = src.fetch(http, Validators(), now=NOW)
    assert fetched.pages == (FIRST,) and fetched.extra["arrivals"] == ARRIVALS
    assert all(r["headers"]["Referer"] == "https://eldorado.aero/" for r in server.requests)
    # The window (10:00Z-19:00Z) leaves out AV72 (20:45Z).
    assert [i.key for i in src.parse_fetched(fetched)] == [
        "AV70 2025-11-22", "P57304 2025-11-22", "4C5262 2025-11-22", "AV71 2025-11-22"]


def test_the_firewall_answering_html_is_blocked(server: FixtureServer) -> None:
    server.serve("/api/v2/flights/departures", b"<html><title>Attention Required</title></html>")
    with client() as http, pytest.raises(FetchError, match="El Dorado: blocked"):
        source(server.url("/api/v2/flights"), direction="departures").fetch(
            http, Validators(), now=NOW)


def test_a_firewall_403_says_so(server: FixtureServer) -> None:
    server.serve("/api/v2/flights/departures", b"<html>denied</html>", status=403)
    with client() as http, pytest.raises(FetchError, match="blocked by a firewall"):
        source(server.url("/api/v2/flights")).fetch(http, Validators(), now=NOW)


def test_the_source_needs_no_key() -> None:
    assert source().disabled_reason() is None


def test_cities_are_iata_codes() -> None:
    assert ElDoradoOptions(cities=["ccs"]).cities == ["CCS"]
    with pytest.raises(ValidationError, match="IATA airport codes"):
        ElDoradoOptions(cities=["Caracas"])


@pytest.mark.parametrize(("body", "reason"), [
    (b"<html>", "not JSON"),
    (b'{"vuelos": []}', "no 'flights' list"),
    (b'{"data": {"salidas": []}}', "no 'data.departures'"),
    (b'{"flights": [[]]}', "is not an object"),
    (b'{"flights": [{"airline": {"code": "AV"}, "number": "70", "city": {"code": "CCS"},'
     b' "scheduleDate": "ayer"}]}', "not a local time"),
    (b'{"flights": [{"airline": {"code": "AV"}, "number": "70", "city": {"code": "CCS"}}]}',
     "no scheduleDate"),
])
def test_a_body_without_its_shape_is_a_parse_error(body: bytes, reason: str) -> None:
    with pytest.raises(ParseError, match=reason):
        parse(body)


def test_an_unreadable_arrivals_board_is_a_parse_error() -> None:
    with pytest.raises(ParseError, match="arrivals board is not JSON"):
        parse(FIRST, extra={"arrivals": b"<html>"})


@settings(deadline=None, max_examples=150)
@given(st.binary(max_size=2000))
def test_random_bytes_either_parse_or_raise_parse_error(body: bytes) -> None:
    with contextlib.suppress(ParseError):
        parse(body)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=25),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
        st.sampled_from(["airline", "code", "number", "status", "en", "es", "city",
                         "scheduleDate", "estimatedDate"]), inner, max_size=5),
    max_leaves=30,
)


@settings(deadline=None, max_examples=200)
@given(st.lists(JSON_VALUES, max_size=4))
def test_arbitrary_records_either_parse_or_raise_parse_error(rows: list[Any]) -> None:
    with contextlib.suppress(ParseError):
        parse(json.dumps({"flights": rows}).encode(), cities=[])
