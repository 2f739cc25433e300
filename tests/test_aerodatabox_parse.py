"""The aerodatabox kind: a Caracas FIDS body compared whole, both record shapes, the key header
and error envelopes through a real local server, and bodies that lost their shape."""

from __future__ import annotations

import contextlib
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from monitor.errors import FetchError, ParseError
from monitor.http import HttpClient
from monitor.sources.aerodatabox import AeroDataBox, AeroDataBoxOptions
from monitor.sources.api import QUOTA_BACKOFF
from monitor.sources.base import Validators
from monitor.types import Item, Severity
from tests.regen_expected import bodies, expected_path, make_source
from tests.servers import FixtureServer

KIND = "aerodatabox"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / KIND
FIDS = (FIXTURES / "ccs_fids.json").read_bytes()
NOW = datetime(2025, 11, 22, 14, 0, tzinfo=UTC)
KEY = "adb-test-key-42"
PATH = "/flights/airports/iata/CCS"


def source(url: str | None = None, **options: Any) -> AeroDataBox:
    return AeroDataBox("adb-ccs", url, AeroDataBoxOptions(**{"airport": "CCS", **options}))


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


def test_statuses_are_normalised() -> None:
    items = parse(FIDS)
    assert {k: i.status for k, i in items.items()} == {
        "TP170 2025-11-22": "cancelled", "G39511 2025-11-22": "cancelled_probable",
        "CM221 2025-11-22": "scheduled", "AV73 2025-11-22": "departed",
        "P57305 2025-11-22": "delayed",
        "V03120 2025-11-22": "delayed",          # Boarding, but revised 45 min late
        "9V1402 2025-11-22": "unknown", "TP173 2025-11-22": "cancelled",
        "CM222 2025-11-22": "landed", "IB6673 2025-11-22": "diverted",
        "QL1900 2025-11-22": "unknown",
    }
    assert items["TP170 2025-11-22"].severity == Severity.WARNING
    assert items["G39511 2025-11-22"].severity == Severity.ADVISORY


def test_a_late_evening_departure_is_keyed_by_its_local_date() -> None:
    gol = parse(FIDS)["G39511 2025-11-22"]
    assert gol.flight is not None
    assert gol.flight.scheduled == datetime(2025, 11, 23, 3, 40, tzinfo=UTC)
    assert (gol.flight.origin, gol.flight.destination) == ("SVMI", "SBGR")
    assert gol.title == "G39511 CCS-GRU 2025-11-22: cancelled_probable"


def test_codeshare_listings_are_skipped() -> None:
    assert not any(k.startswith("UA") for k in parse(FIDS))


def test_the_airlines_filter_and_the_window() -> None:
    assert set(parse(FIDS, airlines=["tp"])) == {"TP170 2025-11-22", "TP173 2025-11-22"}
    window = {"window": b"2025-11-22T16:00:00Z/2025-11-22T22:00:00Z"}
    assert set(parse(FIDS, extra=window)) == {
        "CM221 2025-11-22", "P57305 2025-11-22", "9V1402 2025-11-22", "TP173 2025-11-22",
        "IB6673 2025-11-22"}


def test_fetch_sends_the_key_header_and_the_window(server: FixtureServer) -> None:
    server.serve(PATH, FIDS, content_type="application/json")
    src = source(server.url(""), api_key=KEY, window="6h", direction="departures")
    with client() as http:
        fetched = src.fetch(http, Validators(), now=NOW)
    request = server.requests[0]
    assert request["headers"]["x-rapidapi-key"] == KEY
    assert request["headers"]["x-rapidapi-host"] == "aerodatabox.p.rapidapi.com"
    query = parse_qs(urlsplit(request["path"]).query)
    assert query["withCancelled"] == ["true"] and query["direction"] == ["Departure"]
    assert query["durationMinutes"] == ["480"] and query["offsetMinutes"] == ["-120"]
    assert KEY not in fetched.url
    assert fetched.extra["window"] == b"2025-11-22T12:00:00Z/2025-11-22T20:00:00Z"
    assert src.parse_fetched(fetched)


def test_the_window_is_capped_at_twelve_hours(server: FixtureServer) -> None:
    server.serve(PATH, FIDS, content_type="application/json")
    with client() as http:
        source(server.url(""), api_key=KEY, window="2d").fetch(http, Validators(), now=NOW)
    assert parse_qs(urlsplit(server.requests[0]["path"]).query)["durationMinutes"] == ["720"]


def test_an_icao_airport_is_asked_for_by_icao(server: FixtureServer) -> None:
    server.serve("/flights/airports/icao/SVMI", FIDS, content_type="application/json")
    with client() as http:
        AeroDataBox("adb", server.url(""), AeroDataBoxOptions(airport="svmi", api_key=KEY)).fetch(
            http, Validators(), now=NOW)
    assert server.hits("/flights/airports/icao/SVMI") == 1


@pytest.mark.parametrize(("fixture", "status", "message", "retry"), [
    ("error_401.json", 401, "Invalid API key", None),
    ("error_quota.json", 429, "exceeded the MONTHLY quota", QUOTA_BACKOFF),
    ("error_quota.json", 200, "exceeded the MONTHLY quota", QUOTA_BACKOFF),
])
def test_error_answers_are_fetch_errors(server: FixtureServer, fixture: str, status: int,
                                        message: str, retry: float | None) -> None:
    server.serve(PATH, (FIXTURES / fixture).read_bytes(), status=status,
                 content_type="application/json")
    with client() as http, pytest.raises(FetchError) as caught:
        source(server.url(""), api_key=KEY).fetch(http, Validators(), now=NOW)
    assert str(caught.value).startswith("AeroDataBox")
    assert caught.value.retry_after == retry
    assert message in str(caught.value)   # the provider's own words, whatever the status
    assert KEY not in str(caught.value)


@pytest.mark.parametrize("fixture", ["error_401.json", "error_quota.json"])
def test_an_error_body_given_to_the_parser_is_a_parse_error(fixture: str) -> None:
    with pytest.raises(ParseError, match="an error from AeroDataBox"):
        parse((FIXTURES / fixture).read_bytes())


def test_an_empty_key_disables_the_source() -> None:
    assert "api_key is empty" in (source(api_key="").disabled_reason() or "")
    assert "api_key is empty" in (source(api_key="  ").disabled_reason() or "")
    assert source(api_key=KEY).disabled_reason() is None
    assert KEY not in repr(source(api_key=KEY).options)


@pytest.mark.parametrize(("options", "problem"), [
    ({}, "airport"), ({"airport": "XXX"}, "unknown airport"), ({"airport": "CCS", "window": "x"},
                                                              "invalid duration"),
    ({"airport": "CCS", "direction": "up"}, "direction"),
    ({"airport": "CCS", "airlines": ["TAP"]}, "2-character IATA"),
])
def test_bad_options_are_configuration_errors(options: dict[str, Any], problem: str) -> None:
    with pytest.raises(ValidationError, match=problem):
        AeroDataBoxOptions.model_validate(options)


@pytest.mark.parametrize(("body", "reason"), [
    (b"<html></html>", "not JSON"),
    (b"[]", "no 'departures' or 'arrivals'"),
    (b'{"flights": []}', "no 'departures' or 'arrivals'"),
    (b'{"departures": {}}', "no 'departures' list"),
    (b'{"departures": ["AV 71"]}', "departures\\[0\\] is not an object"),
    (b'{"departures": [{"number": "AV 71", "status": "Expected"}]}', "no 'movement'"),
    (b'{"departures": [{"number": "AV 71", "movement": {"scheduledTime": {"utc": "noon"}}}]}',
     "not a UTC time"),
    (b'{"departures": [{"number": "?", "movement": {}}]}', "no IATA flight number"),
])
def test_a_body_without_its_shape_is_a_parse_error(body: bytes, reason: str) -> None:
    with pytest.raises(ParseError, match=reason) as caught:
        parse(body)
    assert str(caught.value).startswith("layout changed: ")


def test_a_quiet_board_is_no_flights_not_an_error() -> None:
    assert parse(b'{"departures": [], "arrivals": []}') == {}


def test_one_odd_record_among_good_ones_is_skipped() -> None:
    data = json.loads(FIDS)
    data["departures"].append({"number": "N123AB", "movement": {}})
    assert len(parse(json.dumps(data).encode())) == len(parse(FIDS))


@settings(deadline=None, max_examples=150)
@given(st.binary(max_size=2000))
def test_random_bytes_either_parse_or_raise_parse_error(body: bytes) -> None:
    with contextlib.suppress(ParseError):
        parse(body)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
        st.sampled_from(["movement", "airport", "icao", "iata", "scheduledTime", "utc", "number",
                         "status", "airline", "revisedTime", "departure", "arrival"]),
        inner, max_size=4),
    max_leaves=25,
)


@settings(deadline=None, max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(JSON_VALUES, max_size=4))
def test_arbitrary_records_either_parse_or_raise_parse_error(rows: list[Any]) -> None:
    with contextlib.suppress(ParseError):
        parse(json.dumps({"departures": rows, "arrivals": rows}).encode())


@st.composite
def mutated(draw: st.DrawFn, original: bytes) -> bytes:
    body = bytearray(original)
    tokens = [b'"', b",", b"{", b"}", b"[", b"]", b"null", b"Z", b"-04:00", b"IsCodeshared",
              b"9999-12-31 23:59Z", b"0000"]
    for _ in range(draw(st.integers(1, 5))):
        at = draw(st.integers(0, len(body)))
        action = draw(st.sampled_from(["delete", "insert", "token"]))
        if action == "delete":
            del body[at:at + draw(st.integers(1, 200))]
        elif action == "insert":
            body[at:at] = draw(st.binary(min_size=1, max_size=20))
        else:
            body[at:at] = draw(st.sampled_from(tokens))
    return bytes(body)


@settings(deadline=None, max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(mutated(FIDS))
def test_mutated_bodies_either_parse_or_raise_parse_error(body: bytes) -> None:
    with contextlib.suppress(ParseError):
        parse(body)
