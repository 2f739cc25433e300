"""The board's HTTP side over a database filled by the real pipeline: its JSON is the CLI's,
it only reads, it asks for the token when one is set, and it never shows a secret."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from click.testing import CliRunner

from monitor import service
from monitor.cli import cli
from monitor.web.app import create_app
from monitor.web.snapshot import Reader
from tests.conftest import fixture_bytes
from tests.servers import FixtureServer, Webhook

PRN = "/air_traffic/publications/us_restrictions"
BROKEN = "/broken"
TOKEN = "board-token-0123456789abcdef"


def write_config(folder: Path, server: FixtureServer, webhook: Webhook,
                 token_line: str = "") -> Path:
    path = folder / "config.toml"
    path.write_text(f"""
[monitor]
database = "sqlite:///{folder / 'monitor.db'}"
fetch_retries = 0
{token_line}

[[channels]]
name = "desk"
url = "{webhook.apprise_url('desk-secret-path')}"

[[sources]]
name = "faa-prn"
kind = "faa_prn"
url = "{server.url(PRN)}"

[[sources]]
name = "broken"
kind = "faa_prn"
url = "{server.url(BROKEN)}"

[[watchlists]]
name = "latam-desk"
routes = ["LIS-CCS"]
firs = ["SVZM"]
channels = ["desk"]
""", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    folder = tmp_path_factory.mktemp("board-app")
    server, webhook = FixtureServer().start(), Webhook().start()
    server.serve(PRN, fixture_bytes("faa_prn", "baseline.html"))
    server.serve(BROKEN, "down", status=500, content_type="text/plain")
    config = service.load(write_config(folder, server, webhook))
    service.once(config, [])
    server.serve(PRN, fixture_bytes("faa_prn", "venezuela_added.html"))
    service.once(config, ["faa-prn"])
    try:
        yield {"config": config, "folder": folder, "server": server, "webhook": webhook}
    finally:
        server.stop()
        webhook.stop()


@contextlib.contextmanager
def running(app: Any) -> Iterator[str]:
    """The app on a real uvicorn server on 127.0.0.1 (in a thread), its base URL."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    server = uvicorn.Server(uvicorn.Config(app, log_config=None, access_log=False,
                                           lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


@pytest.fixture(scope="module")
def base(filled: dict[str, Any]) -> Iterator[str]:
    with running(create_app(Reader(filled["config"]))) as url:
        yield url


def test_the_json_is_what_the_commands_print(filled, base) -> None:  # type: ignore[no-untyped-def]
    config = filled["config"]
    with httpx.Client(base_url=base) as http:
        status = http.get("/api/status").json()
        assert status == service.status(config)
        assert status["unreliable_sources"] == ["broken"]

        answer = http.get("/api/route", params={"route": "LIS-CCS"})
        rows, unreliable = service.route(config, "LIS-CCS")
        assert answer.json() == rows
        assert "KICZ A0012/25" in [r["key"] for r in rows]
        assert answer.headers["x-not-full-picture"] == ", ".join(unreliable) == "broken"

        alerts = http.get("/api/alerts", params={"since": "24h", "watchlist": "latam-desk"})
        assert alerts.json() == service.alerts(config, timedelta(hours=24), "latam-desk")
        assert any(a["key"] == "KICZ A0012/25" for a in alerts.json())
        everyone = http.get("/api/alerts").json()
        assert everyone == service.alerts(config, timedelta(hours=24), None)


def test_bad_questions_get_a_400_with_the_commands_message(base) -> None:  # type: ignore[no-untyped-def]
    with httpx.Client(base_url=base) as http:
        unknown = http.get("/api/route", params={"route": "LIS-XQZ"})
        assert unknown.status_code == 400 and "XQZ" in unknown.json()["error"]
        assert http.get("/api/route").status_code == 400
        watchlist = http.get("/api/alerts", params={"watchlist": "nobody"})
        assert watchlist.status_code == 400
        assert watchlist.json()["error"].startswith("unknown watchlist 'nobody'")
        assert http.get("/api/alerts", params={"since": "5 mins"}).status_code == 400
        assert http.get("/feeds/nobody.atom").status_code == 404


def test_the_feed_is_monitor_feeds(filled, base) -> None:  # type: ignore[no-untyped-def]
    with httpx.Client(base_url=base) as http:
        served = http.get("/feeds/latam-desk.atom")
    assert served.headers["content-type"].startswith("application/atom+xml")
    assert served.content == service.feed(filled["config"], "latam-desk")


def test_nothing_can_be_written_and_every_answer_carries_the_policy(filled, base) -> None:  # type: ignore[no-untyped-def]
    before = service.alerts(filled["config"], timedelta(days=1), None)
    with httpx.Client(base_url=base) as http:
        for method in ("POST", "PUT", "PATCH", "DELETE"):
            for path in ("/", "/api/status", "/api/route?route=LIS-CCS", "/static/board.js"):
                answer = http.request(method, path)
                assert answer.status_code == 405, (method, path)
                assert answer.headers["allow"] == "GET, HEAD"
        for path in ("/", "/api/status", "/static/board.js", "/nowhere", "/feeds/latam-desk.atom"):
            policy = http.get(path).headers["content-security-policy"]
            assert "script-src 'self';" in policy and "default-src 'none'" in policy
            assert "unsafe-inline" not in policy
    assert service.alerts(filled["config"], timedelta(days=1), None) == before


def test_the_boards_own_scripts_never_write_html() -> None:
    """Upstream strings reach the page as text: no HTML-writing DOM call in the board's JS."""
    static = Path(__file__).resolve().parents[1] / "monitor" / "web" / "static"
    scripts = sorted(static.glob("*.js"))
    assert [p.name for p in scripts] == ["board-map.js", "board.js"]
    for script in scripts:
        code = script.read_text(encoding="utf-8")
        for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(",
                     "new Function"):
            assert sink not in code, f"{script.name} uses {sink}"


def test_the_page_never_shows_a_channel_url(filled, base) -> None:  # type: ignore[no-untyped-def]
    with httpx.Client(base_url=base) as http:
        page = http.get("/", params={"watchlist": "latam-desk"}).text
        status = http.get("/api/status").text
    assert "desk-secret-path" not in page + status
    assert "url set" in page
    assert "KICZ A0012/25" in page
    assert "<script>" not in page and " on" + "error=" not in page


def test_the_page_answers_a_route_without_javascript(base) -> None:  # type: ignore[no-untyped-def]
    with httpx.Client(base_url=base) as http:
        page = http.get("/", params={"watchlist": "latam-desk", "route": "LIS-CCS"}).text
    answer = page.split('id="route-answer"', 1)[1].split("</section>", 1)[0]
    assert "KICZ A0012/25" in answer
    assert "Not a full picture: broken" in answer


def test_with_a_token_every_path_asks_for_it(filled, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("BOARD_TOKEN", TOKEN)
    path = write_config(filled["folder"], filled["server"], filled["webhook"],
                        'serve_token = "${BOARD_TOKEN}"')
    config = service.load(path)
    assert TOKEN in config.secrets
    with running(create_app(Reader(config), token=config.monitor.serve_token)) as url, \
            httpx.Client(base_url=url) as http:
        for where in ("/", "/api/status", "/feeds/latam-desk.atom", "/static/board.js"):
            assert http.get(where).status_code == 401, where
        assert http.get("/api/status", headers={"authorization": "Bearer nope"}
                        ).status_code == 401
        assert http.get("/api/status", headers={"authorization": f"Bearer {TOKEN}"}
                        ).status_code == 200
        first = http.get("/", params={"watchlist": "latam-desk", "token": TOKEN})
        assert first.status_code == 303
        assert first.headers["location"] == "/?watchlist=latam-desk"   # the token leaves the URL
        assert "HttpOnly" in first.headers["set-cookie"]
        page = http.get("/", params={"watchlist": "latam-desk"})      # the cookie from now on
        assert page.status_code == 200 and "KICZ A0012/25" in page.text
        assert TOKEN not in page.text


def test_a_short_token_is_a_configuration_error(filled, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("BOARD_TOKEN", "short")
    path = write_config(filled["folder"], filled["server"], filled["webhook"],
                        'serve_token = "${BOARD_TOKEN}"')
    result = CliRunner().invoke(cli, ["--config", str(path), "serve", "--port", "0"])
    assert result.exit_code == 2
    assert result.output.strip().endswith(
        "monitor.serve_token: too short: at least 16 characters")


def test_an_unknown_serve_key_is_a_configuration_error(filled) -> None:  # type: ignore[no-untyped-def]
    path = write_config(filled["folder"], filled["server"], filled["webhook"],
                        'serve_tokens = "x"')
    result = CliRunner().invoke(cli, ["--config", str(path), "serve"])
    assert result.exit_code == 2
    assert "monitor.serve_tokens" in result.output


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'monitor.db'}"
        return
    from tests.postgres import Unavailable, postgres_server

    try:
        with postgres_server() as url:
            yield url
    except Unavailable as exc:
        pytest.skip(str(exc))


def test_the_board_reads_while_a_run_writes(database, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    server, webhook = FixtureServer().start(), Webhook().start()
    try:
        server.serve(PRN, fixture_bytes("faa_prn", "baseline.html"))
        server.serve(BROKEN, fixture_bytes("faa_prn", "baseline.html"))
        monkeypatch.setenv("MONITOR_DATABASE", database)
        config = service.load(write_config(tmp_path, server, webhook))
        assert service.once(config, []) == 0
        answers: list[int] = []
        done = threading.Event()
        with running(create_app(Reader(config))) as url:

            def read_all_the_time() -> None:
                with httpx.Client(base_url=url, timeout=30) as http:
                    while not done.is_set():
                        for path in ("/?watchlist=latam-desk", "/api/status",
                                     "/api/route?route=LIS-CCS"):
                            answers.append(http.get(path).status_code)

            reader = threading.Thread(target=read_all_the_time)
            reader.start()
            try:
                server.serve(PRN, fixture_bytes("faa_prn", "venezuela_added.html"))
                for _ in range(3):                     # new, then unchanged twice
                    assert service.once(config, []) == 0
            finally:
                done.set()
                reader.join(30)
            page = httpx.get(f"{url}/?watchlist=latam-desk").text
        assert len(answers) >= 3 and set(answers) == {200}
        assert 'data-key="KICZ A0012/25"' in page
    finally:
        server.stop()
        webhook.stop()
