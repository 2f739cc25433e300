"""Real local servers for tests: a fixture HTTP server and an Apprise-reachable webhook."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class _Server(ThreadingHTTPServer):
    # socketserver's listen backlog of 5 drops connections opened side by side (a forked
    # `monitor once` opens 16), and each dropped SYN costs a one-second retransmit.
    request_queue_size = 128
    daemon_threads = True


@dataclass
class Route:
    """What the fixture server answers on one path (changeable between requests)."""

    body: bytes = b""
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None           # when set, If-None-Match with it gets a 304
    delay: float = 0.0                # seconds before answering (timeouts)
    handler: Callable[[BaseHTTPRequestHandler], None] | None = None


class FixtureServer:
    """An HTTP server on 127.0.0.1 serving `routes`; counts and records every request."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[dict[str, Any]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                server._answer(self)

            def do_POST(self) -> None:
                server._answer(self)

            def log_message(self, *args: Any) -> None:
                pass

        self._httpd = _Server(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_port}"

    def url(self, path: str) -> str:
        return self.base + path

    def serve(self, path: str, body: bytes | str, **kwargs: Any) -> Route:
        route = Route(body=body.encode() if isinstance(body, str) else body, **kwargs)
        self.routes[path] = route
        return route

    def hits(self, path: str) -> int:
        return sum(1 for r in self.requests if r["path"].split("?")[0] == path)

    def start(self) -> FixtureServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def _answer(self, h: BaseHTTPRequestHandler) -> None:
        length = int(h.headers.get("content-length") or 0)
        payload = h.rfile.read(length) if length else b""
        self.requests.append({"method": h.command, "path": h.path,
                              "headers": dict(h.headers.items()), "body": payload})
        route = self.routes.get(h.path) or self.routes.get(h.path.split("?")[0])
        if route is None:
            _reply(h, 404, b"not found", "text/plain")
            return
        if route.delay:
            time.sleep(route.delay)
        if route.handler is not None:
            route.handler(h)
            return
        if route.etag and h.headers.get("If-None-Match") == route.etag:
            _reply(h, 304, b"", None, {"ETag": route.etag})
            return
        headers = dict(route.headers)
        if route.etag:
            headers["ETag"] = route.etag
        headers.setdefault("Date", formatdate(usegmt=True))
        _reply(h, route.status, route.body, route.content_type, headers)


def _reply(h: BaseHTTPRequestHandler, status: int, body: bytes, ctype: str | None,
           headers: dict[str, str] | None = None) -> None:
    h.send_response(status)
    if ctype:
        h.send_header("Content-Type", ctype)
    for k, v in (headers or {}).items():
        h.send_header(k, v)
    h.send_header("Content-Length", str(len(body)))
    h.end_headers()
    if body and status != 304:
        # The client may hang up first (a size cap, a timeout): that is its right.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            h.wfile.write(body)


class Webhook:
    """A local endpoint Apprise's json:// plugin posts to; records each message received."""

    def __init__(self, fail_first: int = 0) -> None:
        self.messages: list[dict[str, Any]] = []
        self.fail_remaining = fail_first
        self._cond = threading.Condition()
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                raw = self.rfile.read(length)
                with hook._cond:
                    if hook.fail_remaining > 0:
                        hook.fail_remaining -= 1
                        self.send_response(500)
                        self.end_headers()
                        return
                    hook.messages.append({"path": self.path, **json.loads(raw)})
                    hook._cond.notify_all()
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self._httpd = _Server(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    def apprise_url(self, path: str = "") -> str:
        return f"json://127.0.0.1:{self._httpd.server_port}/{path}"

    def start(self) -> Webhook:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def wait_for(self, count: int, timeout: float = 10.0) -> list[dict[str, Any]]:
        """Block until at least `count` messages arrived (never a fixed sleep)."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while len(self.messages) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"expected {count} messages, got "
                                         f"{len(self.messages)}: {self.titles()}")
                self._cond.wait(left)
            return list(self.messages)

    def titles(self) -> list[str]:
        return [m.get("title", "") for m in self.messages]

    def clear(self) -> None:
        with self._cond:
            self.messages.clear()
