"""The faa_nms kind: a reply compared whole, and the OAuth2 token against a real local token
endpoint that counts its calls: reused until it nearly expires, renewed after, renewed once
when a data call answers 401; error replies fail the run with no secret in the message."""

from __future__ import annotations

import base64
import contextlib
import json
import re
from datetime import UTC, datetime, timedelta
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
from monitor.sources.faa_nms import TOKEN_MARGIN, FaaNms, FaaNmsOptions
from monitor.types import Item, Severity
from tests.json_mutations import mutated
from tests.regen_expected import bodies, expected_path, make_source
from tests.servers import FixtureServer

KIND = "faa_nms"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / KIND
NOTAMS = (FIXTURES / "notams.json").read_bytes()
TOKEN = (FIXTURES / "token.json").read_bytes()
NOW = datetime(2025, 12, 16, 15, 0, tzinfo=UTC)
TOKEN_PATH = "/v1/auth/token"
NOTAMS_PATH = "/nmsapi/v1/notams"
CLIENT_ID = "nms-id-3b71e0"
CLIENT_SECRET = "nms-secret-a8c5d2"


def source(url: str | None = None, **options: Any) -> FaaNms:
    return FaaNms("faa-nms", url, FaaNmsOptions(**{
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


class Nms:
    """A local NMS: a token endpoint handing out numbered tokens, and a data endpoint that
    accepts only the latest one (or answers 401 for the next `refuse` calls)."""

    def __init__(self, server: FixtureServer, *, expires_in: object = "1799") -> None:
        self.server = server
        self.tokens: list[str] = []
        self.refuse = 0
        self.expires_in = expires_in
        server.serve(TOKEN_PATH, b"").handler = self._token
        server.serve(NOTAMS_PATH, b"").handler = self._notams

    @property
    def url(self) -> str:
        return self.server.base

    def calls(self, path: str) -> list[dict[str, Any]]:
        return [r for r in self.server.requests if urlsplit(r["path"]).path == path]

    def _token(self, h: BaseHTTPRequestHandler) -> None:
        self.tokens.append(f"token-{len(self.tokens) + 1}")
        reply(h, json.dumps({"access_token": self.tokens[-1], "token_type": "Bearer",
                             "expires_in": self.expires_in}).encode())

    def _notams(self, h: BaseHTTPRequestHandler) -> None:
        if self.refuse > 0:
            self.refuse -= 1
            reply(h, b'{"message": "Unauthorized"}', status=401)
            return
        reply(h, NOTAMS)


# -- parsing -----------------------------------------------------------------------------

@pytest.mark.parametrize("body", [p.name for p in bodies(KIND)])
def test_fixture_parses_to_its_expected_json(body: str) -> None:
    src = make_source(KIND, body)
    expected = json.loads(expected_path(FIXTURES / body).read_text(encoding="utf-8"))
    items = src.parse((FIXTURES / body).read_bytes(), url=src.url)
    assert [item.to_json() for item in items] == expected


def test_the_replacement_advisory_names_the_notam_it_replaces() -> None:
    kicz = parse(NOTAMS)["KICZ A0015/25"]
    assert (kicz.replaces, kicz.severity, kicz.countries) == ("KICZ A0012/25", Severity.WARNING,
                                                              ("VE",))


def test_an_fdc_notam_is_keyed_by_its_local_text_not_its_template_translation() -> None:
    fdc = parse(NOTAMS)["FDC 5/8812"]
    # The ICAO translation says C) 2612052359, a year off; the structured end is right.
    assert fdc.valid_to == datetime(2025, 12, 5, 23, 59, tzinfo=UTC)
    assert (fdc.firs, fdc.countries, fdc.severity) == (("TJZS",), ("PR", "US"),
                                                        Severity.ADVISORY)


@pytest.mark.parametrize(("body", "message"), [
    (TOKEN, "no 'status': 'Success' with a 'data.geojson' list"),
    (b'{"status": "Success", "data": {}}', "no 'status': 'Success' with a 'data.geojson' list"),
    (b'{"status": "Error", "message": "Invalid location"}', "NMS error: Invalid location"),
    (b'{"status": "Success", "data": {"geojson": [{"type": "Feature"}]}}',
     "data.geojson[0] has no 'properties' object"),
])
def test_a_reply_that_lost_its_shape_is_a_parse_error(body: bytes, message: str) -> None:
    with pytest.raises(ParseError, match=re.escape(message)):
        parse(body)


def test_an_empty_success_reply_is_no_notams() -> None:
    assert parse(b'{"status": "Success", "data": {"geojson": []}}') == {}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400))
def test_random_bytes_raise_only_parse_error(body: bytes) -> None:
    with contextlib.suppress(ParseError):
        parse(body)


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated(json.loads(NOTAMS)))
def test_mutated_replies_give_items_or_parse_error(body: bytes) -> None:
    try:
        items = parse(body)
    except ParseError:
        return
    assert all(isinstance(item, Item) for item in items.values())


# -- the token and the data calls ---------------------------------------------------------

def test_the_token_is_requested_with_basic_auth_and_sent_as_a_bearer(
        server: FixtureServer) -> None:
    nms = Nms(server)
    src = source(nms.url, locations=["SVZM", "KICZ"])
    with client() as http:
        fetched = src.fetch(http, Validators(), now=NOW)
    assert fetched.pages == (NOTAMS, NOTAMS)
    [token_call] = nms.calls(TOKEN_PATH)
    basic = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
    assert token_call["method"] == "POST"
    assert token_call["headers"]["Authorization"] == f"Basic {basic}"
    assert parse_qs(token_call["body"].decode()) == {"grant_type": ["client_credentials"]}
    data_calls = nms.calls(NOTAMS_PATH)
    assert [parse_qs(urlsplit(r["path"]).query) for r in data_calls] == [
        {"location": ["SVZM"]}, {"location": ["KICZ"]}]
    for call in data_calls:
        assert call["headers"]["Authorization"] == "Bearer token-1"
        assert call["headers"]["nmsResponseFormat"] == "GEOJSON"
    assert [i.key for i in src.parse_fetched(fetched)] == [
        "KICZ A0015/25", "SVZM A0590/25", "FDC 5/8812"]


def test_the_token_is_reused_until_it_nearly_expires(server: FixtureServer) -> None:
    nms = Nms(server)
    src = source(nms.url, locations=["SVZM"])
    lifetime = timedelta(seconds=1799)
    with client() as http:
        src.fetch(http, Validators(), now=NOW)
        src.fetch(http, Validators(), now=NOW + timedelta(minutes=15))
        src.fetch(http, Validators(), now=NOW + lifetime - TOKEN_MARGIN - timedelta(seconds=1))
        assert len(nms.calls(TOKEN_PATH)) == 1
        src.fetch(http, Validators(), now=NOW + lifetime - TOKEN_MARGIN)   # about to expire
        assert len(nms.calls(TOKEN_PATH)) == 2
        src.fetch(http, Validators(), now=NOW + lifetime + timedelta(minutes=5))
    assert len(nms.calls(TOKEN_PATH)) == 2
    assert [c["headers"]["Authorization"] for c in nms.calls(NOTAMS_PATH)] == [
        "Bearer token-1"] * 3 + ["Bearer token-2"] * 2


def test_a_numeric_expires_in_is_read_too(server: FixtureServer) -> None:
    nms = Nms(server, expires_in=600)
    src = source(nms.url, locations=["SVZM"])
    with client() as http:
        src.fetch(http, Validators(), now=NOW)
        src.fetch(http, Validators(), now=NOW + timedelta(minutes=8))
        assert len(nms.calls(TOKEN_PATH)) == 1
        src.fetch(http, Validators(), now=NOW + timedelta(minutes=9))
    assert len(nms.calls(TOKEN_PATH)) == 2


def test_a_token_without_a_lifetime_serves_one_run(server: FixtureServer) -> None:
    nms = Nms(server, expires_in=None)
    src = source(nms.url, locations=["SVZM", "KICZ"])
    with client() as http:
        src.fetch(http, Validators(), now=NOW)
        src.fetch(http, Validators(), now=NOW + timedelta(seconds=1))
    assert len(nms.calls(TOKEN_PATH)) == 2 * 2  # no lifetime: never trusted past its own use


def test_a_401_on_a_data_call_renews_the_token_once(server: FixtureServer) -> None:
    nms = Nms(server)
    src = source(nms.url, locations=["SVZM"])
    with client() as http:
        src.fetch(http, Validators(), now=NOW)
        nms.refuse = 1   # the token was revoked upstream before its time
        fetched = src.fetch(http, Validators(), now=NOW + timedelta(minutes=1))
    assert fetched.pages == (NOTAMS,)
    assert len(nms.calls(TOKEN_PATH)) == 2
    assert [c["headers"]["Authorization"] for c in nms.calls(NOTAMS_PATH)] == [
        "Bearer token-1", "Bearer token-1", "Bearer token-2"]


def test_a_second_401_fails_the_run(server: FixtureServer) -> None:
    nms = Nms(server)
    nms.refuse = 5
    with client() as http, pytest.raises(FetchError, match="NMS: HTTP 401") as raised:
        source(nms.url, locations=["SVZM"]).fetch(http, Validators(), now=NOW)
    assert (len(nms.calls(TOKEN_PATH)), len(nms.calls(NOTAMS_PATH))) == (2, 2)
    assert "token-" not in str(raised.value)


def test_a_refused_token_request_is_a_fetch_error_without_the_secret(
        server: FixtureServer) -> None:
    server.serve(TOKEN_PATH, json.dumps({"error": "invalid_client"}), status=401,
                 content_type="application/json")
    with client() as http, pytest.raises(FetchError) as raised:
        source(server.base).fetch(http, Validators(), now=NOW)
    message = str(raised.value)
    assert message.startswith("NMS token endpoint: HTTP 401")
    assert "client_id/client_secret refused" in message
    assert CLIENT_ID not in message and CLIENT_SECRET not in message
    assert server.hits(NOTAMS_PATH) == 0


def test_an_oauth_error_body_is_a_fetch_error_with_its_description(
        server: FixtureServer) -> None:
    server.serve(TOKEN_PATH, json.dumps({"error": "invalid_client",
                                         "error_description": "Bad client credentials"}),
                 content_type="application/json")
    with client() as http, pytest.raises(FetchError, match=re.escape(
            "NMS token endpoint error: invalid_client: Bad client credentials")):
        source(server.base).fetch(http, Validators(), now=NOW)


def test_a_token_reply_without_access_token_is_a_layout_change(server: FixtureServer) -> None:
    server.serve(TOKEN_PATH, '{"token_type": "Bearer"}', content_type="application/json")
    with client() as http, pytest.raises(ParseError, match="no access_token"):
        source(server.base).fetch(http, Validators(), now=NOW)


def test_an_error_status_is_a_fetch_error_with_the_message(server: FixtureServer) -> None:
    nms = Nms(server)
    server.serve(NOTAMS_PATH, json.dumps({"status": "Error", "message": "Invalid location"}),
                 content_type="application/json")
    with client() as http, pytest.raises(FetchError, match="NMS error: Invalid location"):
        source(nms.url).fetch(http, Validators(), now=NOW)


def test_a_429_carries_retry_after(server: FixtureServer) -> None:
    nms = Nms(server)
    server.serve(NOTAMS_PATH, "{}", status=429, content_type="application/json",
                 headers={"Retry-After": "180"})
    with client() as http, pytest.raises(FetchError) as raised:
        source(nms.url).fetch(http, Validators(), now=NOW)
    assert raised.value.retry_after == 180


def test_the_url_is_the_api_base() -> None:
    src = source("https://api-staging.cgifederal-aim.com/")
    assert src.token_url == "https://api-staging.cgifederal-aim.com/v1/auth/token"
    assert src.notams_url == "https://api-staging.cgifederal-aim.com/nmsapi/v1/notams"


def test_empty_credentials_disable_the_source() -> None:
    empty = FaaNmsOptions(client_id="", client_secret="")
    reason = FaaNms("faa-nms", None, empty).disabled_reason()
    assert reason is not None and reason.startswith("client_id and client_secret are empty")
    assert "FAA_NMS_CLIENT_ID" in reason
    assert source().disabled_reason() is None
