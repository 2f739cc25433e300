"""Provider error envelopes and the keyed JSON GET: every provider's trouble ends as a FetchError
that names the provider and its message, never the key; quota errors rest the source."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

import pytest

from monitor.errors import FetchError
from monitor.http import HttpClient
from monitor.sources.api import QUOTA_BACKOFF, ProviderError, error_envelope, get_json
from monitor.sources.base import Response
from tests.servers import FixtureServer

KEY = "s3cr3t-key-123"


@pytest.mark.parametrize(("body", "message", "quota"), [
    ({"error": {"code": "invalid_access_key", "message": "You have not supplied a valid API "
                "Access Key."}}, "invalid_access_key: You have not supplied a valid API Access "
     "Key.", False),
    ({"error": {"code": 104, "type": "usage_limit_reached", "info": "Your monthly usage limit "
                "has been reached."}}, "usage_limit_reached: Your monthly usage limit has been "
     "reached.", True),
    ({"message": "You have exceeded the MONTHLY quota for Requests on your current plan."},
     "You have exceeded the MONTHLY quota for Requests on your current plan.", True),
    ({"message": "You are not subscribed to this API."}, "You are not subscribed to this API.",
     False),
    ({"title": "Invalid API key", "reason": "UNAUTHORIZED", "detail": "No valid API key",
      "status": 401}, "Invalid API key: No valid API key", False),
    ({"title": "Too many requests", "reason": "TOO_MANY_REQUESTS", "status": 429},
     "Too many requests: TOO_MANY_REQUESTS", True),
    ({"error": "RecordNotFound", "description": "Not found"}, "RecordNotFound: Not found", False),
    ({"errors": [{"title": "Forbidden", "detail": "Access denied"}]}, "Access denied", False),
])
def test_provider_envelopes_are_read(body: dict[str, object], message: str, quota: bool) -> None:
    assert error_envelope(body) == ProviderError(message, quota)


@pytest.mark.parametrize("body", [
    {"data": [], "message": "ok"}, {"departures": [], "arrivals": []}, [], "x", None, {},
    {"message": ""},
])
def test_data_is_not_an_envelope(body: object) -> None:
    assert error_envelope(body, data_keys=("data", "departures", "arrivals")) is None


class FakeHttp:
    """The Http protocol answering one response, as a client that hands errors back would."""

    def __init__(self, response: Response) -> None:
        self.response = response

    def get(self, url: str, *, headers: Mapping[str, str] | None = None,
            params: Mapping[str, str] | None = None, etag: str | None = None,
            last_modified: str | None = None, expect: Sequence[str] = ()) -> Response:
        return self.response

    def post(self, url: str, *, data: Mapping[str, str] | None = None,
             headers: Mapping[str, str] | None = None, expect: Sequence[str] = ()) -> Response:
        raise AssertionError("never posts")


def answer(status: int, body: object) -> FakeHttp:
    raw = json.dumps(body).encode()
    return FakeHttp(Response(url=f"https://api.test/v1/flights?access_key={KEY}", status=status,
                             body=raw, headers={"content-type": "application/json"}))


@pytest.mark.parametrize(("status", "body", "message", "retry"), [
    (401, {"message": "Invalid API key."}, "ADB error (HTTP 401): Invalid API key.", None),
    (403, {"message": "You are not subscribed to this API."},
     "ADB error (HTTP 403): You are not subscribed to this API.", None),
    (429, {"message": "Too many requests"}, "ADB error (HTTP 429): Too many requests",
     QUOTA_BACKOFF),
    (200, {"error": {"code": "usage_limit_reached", "message": "Limit reached."}},
     "ADB error: usage_limit_reached: Limit reached.", QUOTA_BACKOFF),
    (500, {"unexpected": True}, "ADB: HTTP 500", None),
])
def test_error_answers_name_the_provider_message(status: int, body: object, message: str,
                                                 retry: float | None) -> None:
    with pytest.raises(FetchError) as caught:
        get_json(answer(status, body), "https://api.test/v1/flights", provider="ADB",
                 source="adb", data_keys=("data",))
    assert str(caught.value) == message
    assert caught.value.retry_after == retry
    assert (caught.value.source, caught.value.url) == ("adb", "https://api.test/v1/flights")


def test_a_key_echoed_by_the_provider_is_redacted() -> None:
    with pytest.raises(FetchError) as caught:
        get_json(answer(401, {"message": f"Key {KEY} is invalid"}), "https://api.test/v1",
                 provider="ADB", secrets=(KEY,))
    assert KEY not in str(caught.value) and "***" in str(caught.value)


def client() -> HttpClient:
    return HttpClient(user_agent="test-agent/1", timeout=2.0, retries=0, sleep=lambda s: None)


@pytest.mark.parametrize(("status", "hint", "retry"), [
    (401, "the API key was refused", None),
    (403, "the API key may not make this request", None),
    (429, "quota or rate limit reached", QUOTA_BACKOFF),
])
def test_http_errors_from_the_client_say_what_they_mean(server: FixtureServer, status: int,
                                                        hint: str, retry: float | None) -> None:
    server.serve("/v1/flights", b'{"message": "nope"}', status=status,
                 content_type="application/json")
    with client() as http, pytest.raises(FetchError) as caught:
        get_json(http, server.url("/v1/flights"), provider="AviationStack",
                 params={"access_key": KEY}, secrets=(KEY,))
    assert str(caught.value).startswith(f"AviationStack: HTTP {status}")
    assert hint in str(caught.value)
    assert caught.value.retry_after == retry
    assert KEY not in str(caught.value) and KEY not in caught.value.url
    assert caught.value.__cause__ is None


def test_a_retry_after_from_the_server_is_kept(server: FixtureServer) -> None:
    server.serve("/v1/flights", b"{}", status=429, content_type="application/json",
                 headers={"Retry-After": "120"})
    with client() as http, pytest.raises(FetchError) as caught:
        get_json(http, server.url("/v1/flights"), provider="AeroAPI")
    assert caught.value.retry_after == 120


def test_html_instead_of_json_is_blocked_without_the_key_in_the_url(
        server: FixtureServer) -> None:
    server.serve("/v1/flights", b"<html>Access denied</html>")
    with client() as http, pytest.raises(FetchError, match="AviationStack: blocked") as caught:
        get_json(http, server.url("/v1/flights"), provider="AviationStack",
                 params={"access_key": KEY}, secrets=(KEY,))
    assert caught.value.url == server.url("/v1/flights")


def test_a_keyless_site_refusing_is_called_blocked(server: FixtureServer) -> None:
    server.serve("/flights", b"<html>403</html>", status=403)
    with client() as http, pytest.raises(FetchError, match="firewall"):
        get_json(http, server.url("/flights"), provider="El Dorado", keyed=False)
