"""Broken and hostile upstreams, end to end: the run fails with a clear error, nothing is
withdrawn, one health alert after the threshold, a recovery notice after."""

from __future__ import annotations

import json
import socket
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from monitor import service
from monitor.outbox import sweep
from monitor.pipeline import run_source
from tests.conftest import fixture_bytes
from tests.servers import FixtureServer, Webhook

PATH = "/upstream"
BIG = 50 * 1024 * 1024


def _reset_mid_body(h: BaseHTTPRequestHandler) -> None:
    h.send_response(200)
    h.send_header("Content-Type", "application/json")
    h.send_header("Content-Length", "100000")
    h.end_headers()
    h.wfile.write(b'{"conflict_zones": [')
    h.wfile.flush()
    h.connection.shutdown(socket.SHUT_RDWR)


def _big_streamed(h: BaseHTTPRequestHandler) -> None:
    h.send_response(200)
    h.send_header("Content-Type", "application/json")
    h.send_header("Content-Length", str(BIG))
    h.end_headers()
    chunk = b" " * 1_048_576
    try:
        for _ in range(50):
            h.wfile.write(chunk)
    except OSError:
        pass  # the client dropped the connection at its cap


# name -> (kind, how to serve the broken answer, what the error says)
Serve = Callable[[FixtureServer], None]
CASES: dict[str, tuple[str, Serve, str]] = {
    "http 500": ("faa_prn", lambda s: s.serve(PATH, "boom", status=500,
                                              content_type="text/plain"), "HTTP 500"),
    "403 captcha": ("faa_prn", lambda s: s.serve(
        PATH, "<html><form>captcha</form></html>", status=403), "captcha"),
    "timeout": ("faa_prn", lambda s: s.serve(PATH, "late", delay=2.5), "timeout"),
    "reset mid-body": ("easa_czib", lambda s: setattr(s.serve(PATH, b""), "handler",
                                                       _reset_mid_body), "connection failed"),
    "truncated json": ("easa_czib", lambda s: s.serve(
        PATH, fixture_bytes("easa_czib", "active.json")[:500],
        content_type="application/json"), "layout changed"),
    "empty body": ("easa_czib", lambda s: s.serve(PATH, b"", content_type="application/json"),
                   "layout changed"),
    "wrong content type": ("easa_czib", lambda s: s.serve(
        PATH, b"\x89PNG\r\n", content_type="image/png"), "unexpected content type"),
    "html where json expected": ("easa_czib", lambda s: s.serve(
        PATH, "<html>Access denied</html>", content_type="text/html"), "blocked"),
    "50 MB body": ("easa_czib", lambda s: setattr(s.serve(PATH, b""), "handler",
                                                  _big_streamed), "byte cap"),
    "redirect loop": ("faa_prn", lambda s: (
        s.serve(PATH, "", status=302, headers={"Location": "/loop"}),
        s.serve("/loop", "", status=302, headers={"Location": PATH})), "too many redirects"),
    "invalid utf-8": ("easa_czib", lambda s: s.serve(
        PATH, b'{"conflict_zones": ["\xff\xfe\xfa"]}', content_type="application/json"),
        "layout changed"),
    "layout changed": ("faa_prn", lambda s: s.serve(
        PATH, fixture_bytes("faa_prn", "layout_changed.html")), "layout changed"),
}
GOOD = {"faa_prn": ("faa_prn", "baseline.html", "text/html; charset=utf-8"),
        "easa_czib": ("easa_czib", "active.json", "application/json")}


@pytest.mark.parametrize("case", list(CASES))
def test_a_broken_upstream_fails_the_run_and_loses_nothing(
        case: str, tmp_path: Path, server: FixtureServer, webhook: Webhook,
        capsys: pytest.CaptureFixture[str]) -> None:
    kind, serve_broken, error_text = CASES[case]
    folder, good_file, ctype = GOOD[kind]
    server.serve(PATH, fixture_bytes(folder, good_file), content_type=ctype)
    path = tmp_path / "config.toml"
    path.write_text(f"""
[monitor]
database = "sqlite:///{tmp_path / 'm.db'}"
ops_channels = ["ops"]
alert_after_failures = 2
withdraw_after = 1
timeout = "1s"
fetch_retries = 0

[[channels]]
name = "ops"
url = "{webhook.apprise_url('ops')}"

[[sources]]
name = "upstream"
kind = "{kind}"
url = "{server.url(PATH)}"
{'feed_url = ""' if kind == "easa_czib" else ""}
""")
    rt = service.open_runtime(service.load(path), announce=False)
    try:
        assert run_source(rt, "upstream").status == "ok"
        active = rt.store.active_counts()["upstream"]
        capsys.readouterr()

        serve_broken(server)
        outcomes = [run_source(rt, "upstream") for _ in range(3)]
        assert [o.status for o in outcomes] == ["failed"] * 3
        assert all(error_text in (o.error or "") for o in outcomes), outcomes[0].error
        assert rt.store.active_counts()["upstream"] == active   # nothing withdrawn
        logged = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
        runs = [x for x in logged if x["event"] == "source.run"]
        assert [r["status"] for r in runs] == ["failed"] * 3
        sweep(rt)
        [health] = webhook.wait_for(1)
        assert health["title"].startswith("[WARNING] health upstream")

        server.serve(PATH, fixture_bytes(folder, good_file), content_type=ctype)
        assert run_source(rt, "upstream").status == "ok"
        assert rt.store.active_counts()["upstream"] == active
        sweep(rt)
        messages = webhook.wait_for(2)
        assert len(messages) == 2
        assert messages[1]["title"].startswith("[INFO] health upstream")
        assert messages[1]["type"] == "success"
    finally:
        service.close_runtime(rt)
