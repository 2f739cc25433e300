"""The aviationstack kind: a Caracas departures body compared whole, local wall-clock times, the
key kept out of every URL and message, and apilayer's error envelopes (even with HTTP 200)."""

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
from monitor.sources.api import QUOTA_BACKOFF
from monitor.sources.aviationstack import AviationStack, AviationStackOptions
from monitor.sources.base import Validators
from monitor.types import Item, Severity
from tests.regen_expected import bodies, expected_path, make_source
from tests.servers import FixtureServer

KIND = "aviationstack"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / KIND
DEPARTURES = (FIXTURES / "ccs_departures.json").read_bytes()
NOW = datetime(2025, 11, 22, 12, 0, tzinfo=UTC)
KEY = "avs-0123456789abcdef"


def source(url: str | None = None, **options: Any) -> AviationStack:
    return AviationStack("aviationstack-ccs", url,
                         AviationStackOptions(**{"airport": "CCS", **options}))


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


def test_the_gol_cancellation_matches_the_other_providers_key() -> None:
    gol = parse(DEPARTURES)["G39511 2025-11-22"]
    assert (gol.status, gol.severity) == ("cancelled", Severity.WARNING)
    assert gol.flight is not None
    # 23:40 Caracas wall clock, whatever the "+00:00" says [unv].
    assert gol.flight.scheduled == datetime(2025, 11, 23, 3, 40, tzinfo=UTC)


def test_times_can_be_read_as_utc_when_the_service_sends_real_utc() -> None:
    gol = parse(DEPARTURES, local_times=False)["G39511 2025-11-22"]
    assert gol.flight is not None
    assert gol.flight.scheduled == datetime(2025, 11, 22, 23, 40, tzinfo=UTC)


def test_statuses_delays_and_codeshares() -> None:
    items = parse(DEPARTURES)
    assert {k: i.status for k, i in items.items()} == {
        "G39511 2025-11-22": "cancelled", "CM221 2025-11-22": "delayed",
        "AV73 2025-11-22": "departed", "CM219 2025-11-22": "landed",
        "9V1402 2025-11-22": "unknown", "BW301 2025-11-22": "scheduled"}
    assert "Upstream status: 'incident'." in items["9V1402 2025-11-22"].body


def test_fetch_asks_one_call_per_direction_with_the_key_in_the_query(
        server: FixtureServer) -> None:
    server.serve("/v1/flights", DEPARTURES, content_type="application/json")
    src = source(server.url("/v1"), access_key=KEY)
    with client() as http:
        fetched = src.fetch(http, Validators(), now=NOW)
    queries = [parse_qs(urlsplit(r["path"]).query) for r in server.requests]
    assert [q.get("dep_iata", q.get("arr_iata")) for q in queries] == [["CCS"], ["CCS"]]
    assert all(q["access_key"] == [KEY] for q in queries)
    assert len(fetched.pages) == 2
    assert KEY not in fetched.url and fetched.url == server.url("/v1/flights")
    assert src.parse_fetched(fetched)


@pytest.mark.parametrize(("fixture", "status", "message", "retry"), [
    ("error_usage_limit.json", 200, "usage_limit_reached: Your monthly usage limit has been "
     "reached", QUOTA_BACKOFF),
    ("error_401.json", 200, "invalid_access_key: You have not supplied a valid API Access Key",
     None),
    ("error_401.json", 401, "AviationStack: HTTP 401 Unauthorized (the API key was refused)",
     None),
])
def test_error_answers_are_fetch_errors_naming_the_provider(
        server: FixtureServer, fixture: str, status: int, message: str,
        retry: float | None) -> None:
    server.serve("/v1/flights", (FIXTURES / fixture).read_bytes(), status=status,
                 content_type="application/json")
    with client() as http, pytest.raises(FetchError) as caught:
        source(server.url("/v1"), access_key=KEY, direction="departures").fetch(
            http, Validators(), now=NOW)
    assert message in str(caught.value)
    assert caught.value.retry_after == retry
    assert KEY not in str(caught.value) and KEY not in caught.value.url


def test_an_error_body_given_to_the_parser_is_a_parse_error() -> None:
    with pytest.raises(ParseError, match="usage_limit_reached"):
        parse((FIXTURES / "error_usage_limit.json").read_bytes())


def test_an_empty_key_disables_the_source() -> None:
    assert "access_key is empty" in (source().disabled_reason() or "")
    assert source(access_key=KEY).disabled_reason() is None


@pytest.mark.parametrize(("body", "reason"), [
    (b"not json", "not JSON"),
    (b'{"pagination": {}}', "no 'data' list"),
    (b'{"data": [1]}', "data\\[0\\] is not an object"),
    (b'{"data": [{"flight": {"iata": "G39511"}, "departure": {"scheduled": "soon"}}]}',
     "not an ISO time"),
    (b'{"data": [{"flight": {"iata": "G39511"}}]}', "no departure.scheduled"),
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
        st.sampled_from(["flight_date", "flight_status", "departure", "arrival", "airline",
                         "flight", "iata", "icao", "timezone", "scheduled", "estimated", "delay",
                         "number", "codeshared"]), inner, max_size=5),
    max_leaves=30,
)


@settings(deadline=None, max_examples=200)
@given(st.lists(JSON_VALUES, max_size=4))
def test_arbitrary_records_either_parse_or_raise_parse_error(rows: list[Any]) -> None:
    with contextlib.suppress(ParseError):
        parse(json.dumps({"data": rows}).encode())


def test_a_401_carries_the_providers_own_message(server: FixtureServer) -> None:
    server.serve("/v1/flights", (FIXTURES / "error_401.json").read_bytes(), status=401,
                 content_type="application/json")
    with client() as http, pytest.raises(FetchError) as caught:
        source(server.url("/v1"), access_key=KEY, direction="departures").fetch(
            http, Validators(), now=NOW)
    assert "HTTP 401" in str(caught.value)
    assert "You have not supplied a valid API Access Key" in str(caught.value)
