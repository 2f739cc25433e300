"""The shared HTTP client against a real local server: validators, caps, types, retries."""

from __future__ import annotations

import socket
from http.server import BaseHTTPRequestHandler

import pytest

from monitor.errors import FetchError
from monitor.http import HTML_TYPES, JSON_TYPES, HttpClient
from tests.servers import FixtureServer


def client(**kwargs: object) -> HttpClient:
    options: dict[str, object] = {"user_agent": "test-agent/1", "timeout": 2.0,
                                  "backoff": 0.01, "sleep": lambda s: None}
    options.update(kwargs)
    return HttpClient(**options)  # type: ignore[arg-type]


def test_a_304_is_not_modified_and_validators_are_sent(server: FixtureServer) -> None:
    server.serve("/page", "<html>hi</html>", etag='"v1"')
    with client() as http:
        first = http.get(server.url("/page"), expect=HTML_TYPES)
        assert first.body == b"<html>hi</html>" and first.headers["etag"] == '"v1"'
        second = http.get(server.url("/page"), etag='"v1"', expect=HTML_TYPES)
    assert second.not_modified and second.body == b""
    assert server.requests[1]["headers"]["If-None-Match"] == '"v1"'
    assert server.requests[0]["headers"]["User-Agent"] == "test-agent/1"


def test_a_body_over_the_cap_fails_the_fetch(server: FixtureServer) -> None:
    server.serve("/big", b"x" * 200_000, content_type="text/html")
    with client(max_body=50_000) as http, pytest.raises(FetchError, match="byte cap"):
        http.get(server.url("/big"))


def test_a_streamed_body_without_length_is_capped_too(server: FixtureServer) -> None:
    def chunked(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        h.send_header("Transfer-Encoding", "chunked")
        h.end_headers()
        chunk = b"y" * 16_384
        try:
            for _ in range(20):
                h.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            h.wfile.write(b"0\r\n\r\n")
        except OSError:
            pass  # the client hung up, as it should

    server.serve("/stream", b"").handler = chunked
    with client(max_body=50_000) as http, pytest.raises(FetchError, match="byte cap"):
        http.get(server.url("/stream"))


def test_an_html_page_where_json_was_expected_is_blocked(server: FixtureServer) -> None:
    server.serve("/api", "<html><body>captcha</body></html>", content_type="text/html")
    with client() as http, pytest.raises(FetchError, match="blocked"):
        http.get(server.url("/api"), expect=JSON_TYPES)


def test_a_wrong_content_type_is_a_fetch_error(server: FixtureServer) -> None:
    server.serve("/api", b"\x89PNG", content_type="image/png")
    with client() as http, pytest.raises(FetchError, match="unexpected content type 'image/png'"):
        http.get(server.url("/api"), expect=JSON_TYPES)


def test_server_errors_are_retried_then_reported(server: FixtureServer) -> None:
    server.serve("/flaky", "oops", status=503, content_type="text/plain")
    with client(retries=2) as http, pytest.raises(FetchError, match="HTTP 503"):
        http.get(server.url("/flaky"))
    assert server.hits("/flaky") == 3


def test_a_retry_after_is_honoured(server: FixtureServer) -> None:
    waits: list[float] = []
    calls = {"n": 0}

    def once_busy(h: BaseHTTPRequestHandler) -> None:
        calls["n"] += 1
        status, body = (429, b"slow down") if calls["n"] == 1 else (200, b"{}")
        h.send_response(status)
        h.send_header("Retry-After", "7")
        h.send_header("Content-Type", "application/json")
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)

    server.serve("/api", b"").handler = once_busy
    with client(sleep=waits.append) as http:
        assert http.get(server.url("/api"), expect=JSON_TYPES).body == b"{}"
    assert waits == [7.0]


def test_client_errors_are_not_retried(server: FixtureServer) -> None:
    server.serve("/gone", "no", status=404, content_type="text/plain")
    with client() as http, pytest.raises(FetchError, match="HTTP 404"):
        http.get(server.url("/gone"))
    assert server.hits("/gone") == 1


def test_a_captcha_403_says_so(server: FixtureServer) -> None:
    server.serve("/p", "<html>please solve this captcha</html>", status=403)
    with client() as http, pytest.raises(FetchError, match="captcha"):
        http.get(server.url("/p"))


def test_a_hanging_server_times_out(server: FixtureServer) -> None:
    server.serve("/slow", "late", delay=1.5)
    with client(timeout=0.3, retries=0) as http, pytest.raises(FetchError, match="timeout"):
        http.get(server.url("/slow"))


def test_a_redirect_loop_is_a_fetch_error(server: FixtureServer) -> None:
    server.serve("/a", "", status=302, headers={"Location": "/b"})
    server.serve("/b", "", status=302, headers={"Location": "/a"})
    with client() as http, pytest.raises(FetchError, match="too many redirects"):
        http.get(server.url("/a"))


def test_a_connection_reset_mid_body_is_a_fetch_error(server: FixtureServer) -> None:
    def reset(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        h.send_header("Content-Length", "100000")
        h.end_headers()
        h.wfile.write(b"<html>" + b"z" * 1000)
        h.wfile.flush()
        h.connection.shutdown(socket.SHUT_RDWR)
        h.close_connection = True

    server.serve("/reset", b"").handler = reset
    with client(retries=0) as http, pytest.raises(FetchError, match="connection failed"):
        http.get(server.url("/reset"))


def test_nothing_listening_is_a_fetch_error() -> None:
    with client(retries=0) as http, pytest.raises(FetchError, match="connection failed"):
        http.get("http://127.0.0.1:9/")


def _failure(http: HttpClient, url: str, **kwargs: object) -> str:
    with pytest.raises(FetchError) as caught:
        http.get(url, **kwargs)  # type: ignore[arg-type]
    return str(caught.value.failure)


def test_every_fetch_failure_says_what_kind_it_is(server: FixtureServer) -> None:
    from monitor.errors import Failure

    server.serve("/gone", "gone", status=404, content_type="text/plain")
    server.serve("/captcha", "<html>Please solve this CAPTCHA</html>", status=403)
    server.serve("/html", "<html>who are you</html>")
    server.serve("/big", b"x" * 200_000, content_type="text/html")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{s.getsockname()[1]}/"
    with client(max_body=50_000, retries=0) as http:
        assert _failure(http, server.url("/gone")) == Failure.HTTP_STATUS
        assert _failure(http, server.url("/captcha")) == Failure.BLOCKED
        assert _failure(http, server.url("/html"), expect=JSON_TYPES) == Failure.BLOCKED
        assert _failure(http, server.url("/big")) == Failure.TOO_LARGE
        assert _failure(http, closed) == Failure.TRANSPORT
