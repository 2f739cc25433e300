"""The faa_notam_api kind: GeoJSON pages compared whole, which text keys a NOTAM, the structured
fields as fallback, credential headers and pageNum paging against a real local server, and
error replies that fail the run with the service's message and never a key."""

from __future__ import annotations

import contextlib
import json
import os
import re
import subprocess
import sys
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from monitor.errors import FetchError, ParseError
from monitor.http import HttpClient
from monitor.sources.base import Validators
from monitor.sources.faa_notam_api import FaaNotamApi, FaaNotamApiOptions
from monitor.sources.faa_service import RATE_LIMIT_REST
from monitor.types import Area, Item, Severity
from tests.json_mutations import mutated
from tests.regen_expected import bodies, expected_path, make_source
from tests.servers import FixtureServer

KIND = "faa_notam_api"
ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / KIND
PAGE1 = (FIXTURES / "page1.json").read_bytes()
PAGE2 = (FIXTURES / "page2.json").read_bytes()
NOW = datetime(2025, 11, 25, 14, 0, tzinfo=UTC)
PATH = "/notamapi/v1/notams"
CLIENT_ID = "faa-id-5c2e81"
CLIENT_SECRET = "faa-secret-9d04f7"


def source(url: str | None = None, **options: Any) -> FaaNotamApi:
    return FaaNotamApi("faa-notam-api", url, FaaNotamApiOptions(**{
        "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, **options}))


def parse(body: bytes) -> dict[str, Item]:
    src = source()
    return {item.key: item for item in src.parse(body, url=src.url)}


def client() -> HttpClient:
    return HttpClient(user_agent="test-agent/1", timeout=2.0, retries=0, sleep=lambda s: None)


def reply(h: BaseHTTPRequestHandler, body: bytes, status: int = 200) -> None:
    h.send_response(status)
    h.send_header("Content-Type", "application/json")
    h.send_header("Content-Length", str(len(body)))
    h.end_headers()
    h.wfile.write(body)


def query(request: dict[str, Any]) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(request["path"]).query).items()}


def serve_by_page(server: FixtureServer, pages: dict[int, bytes]) -> None:
    """Answer each GET with the page its `pageNum` asks for, whatever the location."""
    def handler(h: BaseHTTPRequestHandler) -> None:
        reply(h, pages[int(query(server.requests[-1])["pageNum"])])
    server.serve(PATH, b"").handler = handler


def feature(body: bytes, index: int) -> dict[str, Any]:
    return json.loads(body)["items"][index]


def page_of(*features: dict[str, Any]) -> bytes:
    return json.dumps({"pageSize": 50, "pageNum": 1, "totalCount": len(features),
                       "totalPages": 1, "items": list(features)}).encode()


# -- parsing -----------------------------------------------------------------------------

@pytest.mark.parametrize("body", [p.name for p in bodies(KIND)])
def test_fixture_parses_to_its_expected_json(body: str) -> None:
    src = make_source(KIND, body)
    expected = json.loads(expected_path(FIXTURES / body).read_text(encoding="utf-8"))
    items = src.parse((FIXTURES / body).read_bytes(), url=src.url)
    assert [item.to_json() for item in items] == expected


def test_parsing_needs_no_credentials() -> None:
    src = FaaNotamApi("faa-notam-api")
    assert [i.key for i in src.parse(PAGE1, url=src.url)] == [
        "KICZ A0012/25", "SVZM A0590/25", "TTZP A0101/25"]


def test_the_kicz_account_keys_the_advisory_by_kicz() -> None:
    kicz = parse(PAGE1)["KICZ A0012/25"]
    assert (kicz.severity, kicz.firs, kicz.countries) == (Severity.WARNING, ("SVZM",), ("VE",))
    assert kicz.published_at == datetime(2025, 11, 21, 18, 8, tzinfo=UTC)   # `issued`


def test_the_icao_translation_gives_replacement_and_estimated_end() -> None:
    items = parse(PAGE1)
    assert items["TTZP A0101/25"].replaces == "TTZP A0087/25"
    svmi = items["SVZM A0590/25"]
    assert svmi.valid_to_estimated and svmi.airports == ("SVMI",)
    # The structured coordinates carry seconds; the Q-line rounds to minutes.
    assert svmi.area == Area(lat=10.6011, lon=-66.9911, radius_nm=5.0, lower_fl=0, upper_fl=999)


def test_a_domestic_notam_is_keyed_by_its_accountability_from_the_local_text() -> None:
    sju = parse(PAGE2)["SJU 11/045"]
    assert (sju.firs, sju.airports, sju.countries) == (("TJZS",), ("TJSJ",), ("PR", "US"))
    assert sju.area is not None and sju.area.radius_nm == 5.0


def test_an_item_without_any_translation_is_built_from_the_structured_fields() -> None:
    tncf = parse(PAGE2)["TNCF A0210/25"]
    assert tncf.severity == Severity.ADVISORY      # QRDCA, military exercises
    assert tncf.valid_from == datetime(2025, 11, 24, 12, 0, tzinfo=UTC)
    assert tncf.valid_to == datetime(2025, 12, 5, 22, 0, tzinfo=UTC)
    assert "SCHEDULE: DLY 1200-2200" in tncf.body and "LIMITS: SFC TO FL600" in tncf.body
    assert tncf.countries == ("AW", "BQ", "CW")


def test_a_domestic_item_without_a_local_text_is_built_from_its_fields() -> None:
    sju = feature(PAGE2, 0)
    sju["properties"]["coreNOTAMData"]["notamTranslation"] = []
    item = parse(page_of(sju))["SJU 11/045"]
    assert item.valid_to == datetime(2025, 11, 25, 10, 0, tzinfo=UTC)
    assert item.title == "SJU 11/045: RWY 08/26 CLSD"


def test_a_permanent_notam_has_no_end() -> None:
    tncf = feature(PAGE2, 1)
    tncf["properties"]["coreNOTAMData"]["notam"]["effectiveEnd"] = "PERM"
    item = parse(page_of(tncf))["TNCF A0210/25"]
    assert item.valid_to is None


def test_a_missing_series_in_the_number_is_read() -> None:
    tncf = feature(PAGE2, 1)
    tncf["properties"]["coreNOTAMData"]["notam"]["number"] = "null0210/25"
    assert "TNCF 0210/25" in parse(page_of(tncf))


@pytest.mark.parametrize(("body", "message"), [
    (b'{"pageNum": 1}', "no 'items' list"),
    (b'{"items": []}', "no 'totalPages' count"),
    (b'{"items": [{}], "totalPages": 1}', "items[0] has no 'properties' object"),
    (b'{"items": [{"properties": {"coreNOTAMData": {"notam": {"number": "A0001/25"}}}}], '
     b'"totalPages": 1}', "has no type, text, classification"),
    (b'{"error": "invalid_client", "message": "Client id or secret not valid"}',
     "FAA NOTAM API error: invalid_client: Client id or secret not valid"),
    (b"<html>captcha</html>", "not JSON"),
])
def test_a_page_that_lost_its_shape_is_a_parse_error(body: bytes, message: str) -> None:
    with pytest.raises(ParseError, match=re.escape(message)):
        parse(body)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400))
def test_random_bytes_raise_only_parse_error(body: bytes) -> None:
    with contextlib.suppress(ParseError):
        parse(body)


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated(json.loads(PAGE2) | {"items": json.loads(PAGE1)["items"][:2]
                                     + json.loads(PAGE2)["items"]}))
def test_mutated_pages_give_items_or_parse_error(body: bytes) -> None:
    try:
        items = parse(body)
    except ParseError:
        return
    assert all(isinstance(item, Item) for item in items.values())


# -- fetching ----------------------------------------------------------------------------

def test_two_pages_are_fetched_by_page_num_with_the_credential_headers(
        server: FixtureServer) -> None:
    serve_by_page(server, {1: PAGE1, 2: PAGE2})
    src = source(server.url(PATH), locations=["SVZM"])
    with client() as http:
        fetched = src.fetch(http, Validators(), now=NOW)
    assert fetched.pages == (PAGE1, PAGE2)
    assert [query(r) for r in server.requests] == [
        {"responseFormat": "geoJson", "icaoLocation": "SVZM", "pageSize": "1000",
         "pageNum": str(n)} for n in (1, 2)]
    for request in server.requests:
        assert request["headers"]["client_id"] == CLIENT_ID
        assert request["headers"]["client_secret"] == CLIENT_SECRET
        assert CLIENT_SECRET not in request["path"]
    assert len(src.parse_fetched(fetched)) == 5


def test_each_location_gets_its_own_request_series(server: FixtureServer) -> None:
    serve_by_page(server, {1: PAGE1, 2: PAGE2})
    with client() as http:
        fetched = source(server.url(PATH), locations=["SVZM", "KICZ", "SJU"]).fetch(
            http, Validators(), now=NOW)
    assert len(fetched.pages) == 6
    assert [(query(r).get("icaoLocation") or query(r)["domesticLocation"], query(r)["pageNum"])
            for r in server.requests] == [("SVZM", "1"), ("SVZM", "2"), ("KICZ", "1"),
                                          ("KICZ", "2"), ("SJU", "1"), ("SJU", "2")]


def test_more_pages_than_max_pages_fails_the_run_rather_than_miss_notams(
        server: FixtureServer) -> None:
    serve_by_page(server, {1: PAGE1, 2: PAGE2})
    with client() as http, pytest.raises(FetchError, match="max_pages = 1"):
        source(server.url(PATH), locations=["SVZM"], max_pages=1).fetch(
            http, Validators(), now=NOW)


def test_refused_credentials_are_a_fetch_error_without_the_keys(server: FixtureServer) -> None:
    server.serve(PATH, json.dumps({"error": "invalid_client",
                                   "message": f"client {CLIENT_ID} not valid"}),
                 status=401, content_type="application/json")
    with client() as http, pytest.raises(FetchError) as raised:
        source(server.url(PATH)).fetch(http, Validators(), now=NOW)
    message = str(raised.value)
    assert message.startswith("FAA NOTAM API: HTTP 401 Unauthorized (credentials refused): "
                              "invalid_client: client *** not valid")
    assert CLIENT_ID not in message and CLIENT_SECRET not in message


def test_an_error_envelope_is_a_fetch_error_with_the_services_message(
        server: FixtureServer) -> None:
    server.serve(PATH, json.dumps({"error": "invalid_client",
                                   "message": f"Client {CLIENT_ID} is not approved"}),
                 content_type="application/json")
    with client() as http, pytest.raises(FetchError) as raised:
        source(server.url(PATH)).fetch(http, Validators(), now=NOW)
    assert str(raised.value) == "FAA NOTAM API error: invalid_client: Client *** is not approved"


@pytest.mark.parametrize(("headers", "rest"), [({"Retry-After": "90"}, 90),
                                                ({}, RATE_LIMIT_REST)])
def test_a_429_carries_retry_after(server: FixtureServer, headers: dict[str, str],
                                   rest: float) -> None:
    server.serve(PATH, json.dumps({"message": "Too many requests"}), status=429,
                 content_type="application/json", headers=headers)
    with client() as http, pytest.raises(FetchError) as raised:
        source(server.url(PATH)).fetch(http, Validators(), now=NOW)
    assert raised.value.retry_after == rest


def test_an_html_page_is_blocked(server: FixtureServer) -> None:
    server.serve(PATH, "<html><body>Access denied</body></html>")
    with client() as http, pytest.raises(FetchError, match="blocked"):
        source(server.url(PATH)).fetch(http, Validators(), now=NOW)


@pytest.mark.parametrize(("options", "missing"), [
    ({"client_id": "", "client_secret": ""}, "client_id and client_secret are empty"),
    ({"client_id": "  ", "client_secret": CLIENT_SECRET}, "client_id is empty"),
    ({"client_id": CLIENT_ID, "client_secret": ""}, "client_secret is empty"),
])
def test_empty_credentials_disable_the_source(options: dict[str, str], missing: str) -> None:
    reason = FaaNotamApi("faa-notam-api", None, FaaNotamApiOptions(**options)).disabled_reason()
    assert reason is not None and reason.startswith(missing)
    assert "FAA_CLIENT_ID" in reason and CLIENT_SECRET not in reason
    assert source().disabled_reason() is None


def test_credentials_stay_out_of_the_options_repr() -> None:
    assert CLIENT_SECRET not in repr(source().options)


def test_monitor_parse_prints_the_items_offline() -> None:
    env = {**os.environ, "HTTPS_PROXY": "http://127.0.0.1:9", "HTTP_PROXY": "http://127.0.0.1:9"}
    proc = subprocess.run([sys.executable, "-m", "monitor", "parse", KIND,
                           str(FIXTURES / "page2.json")], capture_output=True, text=True,
                          cwd=ROOT, timeout=60, env=env)
    assert proc.returncode == 0, proc.stderr
    printed = [json.loads(line) for line in proc.stdout.splitlines()]
    assert printed == json.loads((FIXTURES / "page2.expected.json").read_text())
