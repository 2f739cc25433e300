"""The flightaware kind: AeroAPI schedule pages compared whole, cursor paging with a page cap and
the key header through a real local server, and `cancelled: true` read as probable only."""

from __future__ import annotations

import contextlib
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.errors import FetchError, ParseError
from monitor.http import HttpClient
from monitor.sources.base import Validators
from monitor.sources.flightaware import FlightAware, FlightAwareOptions, next_page
from monitor.types import Item, Severity
from tests.regen_expected import bodies, expected_path, make_source
from tests.servers import FixtureServer

KIND = "flightaware"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / KIND
PAGE_1 = (FIXTURES / "svmi_departures_1.json").read_bytes()
PAGE_2 = (FIXTURES / "svmi_departures_2.json").read_bytes()
ARRIVALS = (FIXTURES / "svmi_arrivals.json").read_bytes()
NOW = datetime(2025, 11, 23, 9, 0, tzinfo=UTC)
KEY = "aeroapi-key-xyz"
DEPARTURES_PATH = "/aeroapi/airports/SVMI/flights/scheduled_departures"
ARRIVALS_PATH = "/aeroapi/airports/SVMI/flights/scheduled_arrivals"
CURSOR = "?cursor=7f1e2d9a3c"


def source(url: str | None = None, **options: Any) -> FlightAware:
    return FlightAware("flightaware-svmi", url,
                       FlightAwareOptions(**{"airport": "SVMI", **options}))


def parse(body: bytes, **options: Any) -> dict[str, Item]:
    src = source(**options)
    return {i.key: i for i in src.parse(body, url=src.url)}


def client() -> HttpClient:
    return HttpClient(user_agent="test-agent/1", timeout=2.0, retries=0, sleep=lambda s: None)


@pytest.mark.parametrize("body", [p.name for p in bodies(KIND)])
def test_fixture_parses_to_its_expected_json(body: str) -> None:
    src = make_source(KIND, body)
    expected = json.loads(expected_path(FIXTURES / body).read_text(encoding="utf-8"))
    items = src.parse((FIXTURES / body).read_bytes(), url=src.url)
    assert [item.to_json() for item in items] == expected


def test_cancelled_true_is_only_a_probable_cancellation() -> None:
    tap = parse(PAGE_1)["TP170 2025-11-23"]
    assert (tap.status, tap.severity) == ("cancelled_probable", Severity.ADVISORY)
    assert tap.title == "TP170 CCS-LIS 2025-11-23: cancelled_probable"
    assert tap.url == "https://www.flightaware.com/live/flight/id/TAP170-1763700000-schedule-0001"


def test_flags_and_actual_times_give_the_status() -> None:
    statuses = {k: i.status for body in (PAGE_1, PAGE_2, ARRIVALS)
                for k, i in parse(body).items()}
    assert statuses == {
        "TP170 2025-11-23": "cancelled_probable", "CM221 2025-11-23": "scheduled",
        "AV73 2025-11-23": "departed", "CM225 2025-11-23": "delayed",
        "IB6672 2025-11-22": "diverted", "TP173 2025-11-23": "cancelled_probable",
        "CM222 2025-11-23": "landed"}


def test_flights_without_an_iata_ident_are_left_out() -> None:
    assert not any(k.startswith("YV") for k in parse(PAGE_1))


def test_fetch_follows_the_cursor_and_sends_the_key(server: FixtureServer) -> None:
    server.serve(DEPARTURES_PATH, PAGE_1, content_type="application/json")
    server.serve(DEPARTURES_PATH + CURSOR, PAGE_2, content_type="application/json")
    server.serve(ARRIVALS_PATH, ARRIVALS, content_type="application/json")
    src = source(server.url("/aeroapi"), api_key=KEY, window="13h")
    with client() as http:
        fetched = src.fetch(http, Validators(), now=NOW)
    assert fetched.pages == (PAGE_1, PAGE_2, ARRIVALS)
    assert [r["path"].split("?")[0] for r in server.requests] == [
        DEPARTURES_PATH, DEPARTURES_PATH, ARRIVALS_PATH]
    assert all(r["headers"]["x-apikey"] == KEY for r in server.requests)
    first = parse_qs(urlsplit(server.requests[0]["path"]).query)
    assert first == {"start": ["2025-11-23T07:00:00Z"], "end": ["2025-11-23T22:00:00Z"],
                     "type": ["Airline"]}
    assert server.requests[1]["path"] == DEPARTURES_PATH + CURSOR
    keys = [i.key for i in src.parse_fetched(fetched)]
    assert "CM225 2025-11-23" in keys and "CM222 2025-11-23" in keys
    assert "IB6672 2025-11-22" not in keys   # before the window


def test_paging_stops_at_the_page_cap(server: FixtureServer) -> None:
    server.serve(DEPARTURES_PATH, PAGE_1, content_type="application/json")
    server.serve(DEPARTURES_PATH + CURSOR, PAGE_1, content_type="application/json")
    src = source(server.url("/aeroapi"), api_key=KEY, direction="departures", max_pages=3)
    with client() as http:
        fetched = src.fetch(http, Validators(), now=NOW)
    assert len(fetched.pages) == 3 and server.hits(DEPARTURES_PATH) == 3


@pytest.mark.parametrize(("link", "url"), [
    ("/airports/SVMI/flights/scheduled_departures?cursor=a", "https://api.test/aeroapi/airports/"
     "SVMI/flights/scheduled_departures?cursor=a"),
    ("https://api.test/aeroapi/x?cursor=b", "https://api.test/aeroapi/x?cursor=b"),
    ("https://elsewhere.test/aeroapi/x?cursor=b", None),   # the key never leaves the host
    ("", None), (None, None),
])
def test_next_page_links(link: str | None, url: str | None) -> None:
    body = json.dumps({"links": {"next": link} if link is not None else None}).encode()
    assert next_page(body, "https://api.test/aeroapi") == url


def test_an_error_envelope_is_a_fetch_error(server: FixtureServer) -> None:
    server.serve(DEPARTURES_PATH, (FIXTURES / "error_401.json").read_bytes(), status=401,
                 content_type="application/json")
    with client() as http, pytest.raises(FetchError, match="AeroAPI: HTTP 401") as caught:
        source(server.url("/aeroapi"), api_key=KEY).fetch(http, Validators(), now=NOW)
    assert KEY not in str(caught.value)


def test_an_error_body_given_to_the_parser_is_a_parse_error() -> None:
    with pytest.raises(ParseError, match="Invalid API key: No valid API key"):
        parse((FIXTURES / "error_401.json").read_bytes())


def test_an_empty_key_disables_the_source() -> None:
    assert "api_key is empty" in (source().disabled_reason() or "")
    assert source(api_key=KEY).disabled_reason() is None


@pytest.mark.parametrize(("body", "reason"), [
    (b"{", "not JSON"),
    (b'{"flights": []}', "no 'scheduled_departures'"),
    (b'{"scheduled_departures": {}}', "no 'scheduled_departures' list"),
    (b'{"scheduled_departures": [null]}', "is not an object"),
    (b'{"scheduled_departures": [{"ident_iata": "TP170"}]}', "no scheduled_out"),
    (b'{"scheduled_departures": [{"ident_iata": "TP170", "scheduled_out": "soon"}]}',
     "not an ISO time"),
])
def test_a_body_without_its_shape_is_a_parse_error(body: bytes, reason: str) -> None:
    with pytest.raises(ParseError, match=reason):
        parse(body)


@settings(deadline=None, max_examples=150)
@given(st.binary(max_size=2000))
def test_random_bytes_either_parse_or_raise_parse_error(body: bytes) -> None:
    with contextlib.suppress(ParseError):
        parse(body)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=25),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
        st.sampled_from(["ident_iata", "operator_iata", "flight_number", "origin",
                         "destination", "code_icao", "code_iata", "timezone", "scheduled_out",
                         "estimated_out", "actual_off", "actual_on", "cancelled", "diverted",
                         "fa_flight_id"]), inner, max_size=5),
    max_leaves=30,
)


@settings(deadline=None, max_examples=200)
@given(st.lists(JSON_VALUES, max_size=4))
def test_arbitrary_records_either_parse_or_raise_parse_error(rows: list[Any]) -> None:
    with contextlib.suppress(ParseError):
        parse(json.dumps({"scheduled_departures": rows, "links": None}).encode())
