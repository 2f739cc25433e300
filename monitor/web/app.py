"""The board's ASGI app (Starlette): the page, its JSON, the Atom feeds; GET only.

Safety: every page is rendered with Jinja2 autoescaping and a strict Content-Security-Policy
(scripts and styles from this origin only, nothing inline, no other origin contacted); the
optional `serve_token` guards every path; no endpoint writes anything.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Awaitable, Callable, MutableMapping
from datetime import timedelta
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

from jinja2 import Environment, PackageLoader
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from monitor.durations import parse_duration
from monitor.errors import MonitorError, UsageError
from monitor.web.board import SEVERITIES, safe_link, validity
from monitor.web.snapshot import Reader

STATIC = Path(__file__).parent / "static"
TOKEN_COOKIE = "monitor_board"
REFRESH_SECONDS = 60
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
       "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; "
       "frame-ancestors 'none'")
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
]

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]


def create_app(reader: Reader, *, token: str = "", banner: str = "") -> Any:
    """The board over `reader`'s database. With `token`, every request must carry it."""
    pages = _templates()
    fir_attribution = _fir_attribution(reader)

    async def index(request: Request) -> Response:
        watchlist = request.query_params.get("watchlist")
        window = _duration(request.query_params.get("since"), reader.alerts_window)
        board = await run_in_threadpool(reader.board, watchlist, alerts_window=window)
        route_text = (request.query_params.get("route") or "").strip()
        answer = None
        if route_text:
            answer = await run_in_threadpool(_route_answer, reader, route_text)
        html = pages.get_template("board.html").render(
            board=board, banner=banner, route_text=route_text, answer=answer,
            refresh=REFRESH_SECONDS, since=request.query_params.get("since") or "",
            severities=SEVERITIES, config_name=reader.config.path.name,
            fir_attribution=fir_attribution)
        return HTMLResponse(html, headers={"cache-control": "no-store"})

    async def api_status(request: Request) -> Response:
        return _json(await run_in_threadpool(reader.status))

    async def api_route(request: Request) -> Response:
        text = (request.query_params.get("route") or "").strip()
        if not text:
            return _json({"error": "route: missing (e.g. ?route=LIS-CCS)"}, 400)
        try:
            rows, unreliable = await run_in_threadpool(reader.route, text)
        except UsageError as exc:
            return _json({"error": str(exc)}, 400)
        return _with_caveat(rows, unreliable)   # exactly `monitor route --json`'s objects

    async def api_alerts(request: Request) -> Response:
        try:
            since = parse_duration(request.query_params.get("since") or "24h")
        except ValueError as exc:
            return _json({"error": f"since: {exc}"}, 400)
        watchlist = request.query_params.get("watchlist") or None
        try:
            rows = await run_in_threadpool(reader.alerts, since, watchlist)
        except UsageError as exc:
            return _json({"error": str(exc)}, 400)
        return _json(rows)

    async def api_trips(request: Request) -> Response:
        watchlist = request.query_params.get("watchlist") or None
        try:
            rows, unreliable = await run_in_threadpool(reader.trips, watchlist)
        except MonitorError as exc:
            return _json({"error": str(exc)}, 400)
        return _with_caveat(rows, unreliable)   # `monitor trips --json`'s objects

    async def feed(request: Request) -> Response:
        name = request.path_params["watchlist"]
        if name not in reader.config.watchlists:
            return Response(f"no watchlist {name}\n", 404, media_type="text/plain")
        xml = await run_in_threadpool(reader.feed, name)
        return Response(xml, media_type="application/atom+xml; charset=utf-8",
                        headers={"cache-control": "no-cache"})

    routes = [
        Route("/", index, methods=["GET"]),
        Route("/api/status", api_status, methods=["GET"]),
        Route("/api/route", api_route, methods=["GET"]),
        Route("/api/alerts", api_alerts, methods=["GET"]),
        Route("/api/trips", api_trips, methods=["GET"]),
        Route("/feeds/{watchlist}.atom", feed, methods=["GET"]),
        Mount("/static", app=StaticFiles(directory=STATIC), name="static"),
    ]
    app = Starlette(routes=routes)
    return Guard(app, token=token)


class Guard:
    """ASGI middleware: read-only methods, the access token, the security headers."""

    def __init__(self, app: Any, *, token: str = "") -> None:
        self.app = app
        self.token = token

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: MutableMapping[str, Any]) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *SECURITY_HEADERS]
            await send(message)

        if scope["method"] not in ("GET", "HEAD"):
            await _plain(405, "the board is read-only: GET only\n", send_with_headers,
                         [(b"allow", b"GET, HEAD")])
            return
        if self.token:
            verdict = self._check(scope)
            if verdict == "redirect":
                await self._drop_token_from_url(scope, send_with_headers)
                return
            if verdict != "ok":
                await _plain(401, "access token required: open the board once as "
                                  "/?token=<serve_token>\n", send_with_headers)
                return
        await self.app(scope, receive, send_with_headers)

    def _check(self, scope: Scope) -> str:
        headers = dict(scope.get("headers") or [])
        bearer = headers.get(b"authorization", b"").decode("latin-1")
        if bearer.startswith("Bearer ") and self._same(bearer[7:]):
            return "ok"
        cookie = SimpleCookie(headers.get(b"cookie", b"").decode("latin-1"))
        if TOKEN_COOKIE in cookie and self._same(cookie[TOKEN_COOKIE].value):
            return "ok"
        query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
        if "token" in query and self._same(query["token"]):
            return "redirect"
        return "denied"

    def _same(self, offered: str) -> bool:
        return hmac.compare_digest(offered.encode(), self.token.encode())

    async def _drop_token_from_url(self, scope: Scope, send: Send) -> None:
        """`/?token=...` once: a cookie from then on, and the token leaves the address bar."""
        query = [(k, v) for k, v in parse_qsl(scope.get("query_string", b"").decode("latin-1"))
                 if k != "token"]
        location = scope["path"] + (f"?{urlencode(query)}" if query else "")
        cookie = (f"{TOKEN_COOKIE}={self.token}; Path=/; HttpOnly; SameSite=Strict")
        await _plain(303, "", send, [(b"location", location.encode("latin-1")),
                                     (b"set-cookie", cookie.encode("latin-1"))])


async def _plain(status: int, text: str, send: Send,
                 headers: list[tuple[bytes, bytes]] | None = None) -> None:
    body = text.encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                            (b"content-length", str(len(body)).encode()),
                            (b"cache-control", b"no-store"), *(headers or [])]})
    await send({"type": "http.response.body", "body": body})


def _route_answer(reader: Reader, text: str) -> dict[str, Any]:
    try:
        rows, unreliable = reader.route(text)
    except UsageError as exc:
        return {"error": str(exc), "rows": [], "unreliable": []}
    return {"error": None, "rows": rows, "unreliable": unreliable}


def _duration(text: str | None, default: timedelta) -> timedelta:
    if not text:
        return default
    try:
        return parse_duration(text)
    except ValueError:
        return default


def _with_caveat(rows: Any, unreliable: list[str]) -> Response:
    """`rows` as JSON; the sources not read lately (the "Not a full picture" line the command
    prints on stderr) travel in a header."""
    headers = {"x-not-full-picture": ", ".join(unreliable)} if unreliable else {}
    return _json(rows, headers=headers)


def _json(value: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    body = json.dumps(value, ensure_ascii=False, indent=2).encode()
    return Response(body, status, media_type="application/json",
                    headers={"cache-control": "no-store", **(headers or {})})


def _templates() -> Environment:
    from monitor.reports import not_full_picture

    env = Environment(loader=PackageLoader("monitor.web", "templates"), autoescape=True,
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["when"] = _when
    env.filters["link"] = safe_link
    env.filters["validity"] = validity
    env.globals["not_full_picture"] = not_full_picture
    return env


def _fir_attribution(reader: Reader) -> str:
    if reader.config.geo.fir_boundaries:
        return f"FIR boundaries: {reader.config.geo.fir_boundaries}."
    from alerts.firs import ATTRIBUTION

    return f"{ATTRIBUTION}."


def _when(value: str | None) -> str:
    """`2025-11-21T17:43:00Z` -> `2025-11-21 17:43Z`."""
    if not value:
        return "-"
    return value.replace("T", " ")[:16] + "Z" if len(value) >= 16 else value
