"""The shared HTTP client (the only httpx importer): timeouts, a streamed size cap, conditional
GET, content-type checks, bounded retries with backoff, Retry-After and per-host pacing."""

from __future__ import annotations

import random
import ssl
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import httpx

from monitor.errors import Failure, FetchError
from monitor.sources.base import Response

if TYPE_CHECKING:
    from monitor.config import MonitorSettings

JSON_TYPES = ("application/json", "application/geo+json", "text/json")
HTML_TYPES = ("text/html", "application/xhtml+xml")
XML_TYPES = ("application/xml", "text/xml", "application/rss+xml", "application/atom+xml")

_RETRY_STATUSES = {500, 502, 503, 504}
ERROR_BODY = 4096   # how much of an error answer travels with the FetchError


def load_transport() -> None:
    """Load what a client's first connection needs (httpx loads httpcore only then): a pool
    process does it while it waits for its first task, not during its first fetch."""
    import httpcore  # noqa: F401


class HttpClient:
    """One client per process, shared by every source (connection reuse, pacing per host)."""

    def __init__(self, *, user_agent: str, timeout: float = 30.0, connect_timeout: float = 10.0,
                 max_body: int = 10_000_000, max_redirects: int = 5, retries: int = 2,
                 backoff: float = 1.0, max_retry_after: float = 60.0, host_gap: float = 0.0,
                 sleep: Callable[[float], None] = time.sleep,
                 tls: ssl.SSLContext | None = None) -> None:
        self.max_body = max_body
        self.retries = retries
        self.backoff = backoff
        self.max_retry_after = max_retry_after
        self.host_gap = host_gap
        self._sleep = sleep
        self._last_request: dict[str, float] = {}
        self._pace_lock = threading.Lock()
        self._tls = tls or httpx.create_ssl_context()
        self._client = httpx.Client(
            verify=self._tls,
            headers={"User-Agent": user_agent, "Accept-Encoding": "gzip, deflate"},
            timeout=httpx.Timeout(timeout, connect=connect_timeout),
            follow_redirects=True, max_redirects=max_redirects,
        )

    @classmethod
    def for_settings(cls, settings: MonitorSettings) -> HttpClient:
        """The client `[monitor]` describes (each process of a run builds its own)."""
        return cls(user_agent=settings.user_agent, timeout=settings.timeout.total_seconds(),
                   max_body=settings.max_body, retries=settings.fetch_retries,
                   host_gap=settings.host_gap.total_seconds())

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get(self, url: str, *, headers: Mapping[str, str] | None = None,
            params: Mapping[str, str] | None = None, etag: str | None = None,
            last_modified: str | None = None, expect: Sequence[str] = ()) -> Response:
        """GET with validators; a 304 comes back as `not_modified`, never as an empty body."""
        merged = dict(headers or {})
        if etag:
            merged["If-None-Match"] = etag
        if last_modified:
            merged["If-Modified-Since"] = last_modified
        return self._request("GET", url, headers=merged, params=params, expect=expect)

    def post(self, url: str, *, data: Mapping[str, str] | None = None,
             headers: Mapping[str, str] | None = None, expect: Sequence[str] = ()) -> Response:
        return self._request("POST", url, headers=dict(headers or {}), data=data, expect=expect)

    def _request(self, method: str, url: str, *, headers: dict[str, str],
                 params: Mapping[str, str] | None = None, data: Mapping[str, str] | None = None,
                 expect: Sequence[str] = ()) -> Response:
        attempt = 0
        while True:
            self._pace(url)
            try:
                response = self._once(method, url, headers=headers, params=params, data=data)
            except FetchError as exc:
                if exc.retry_after is None or attempt >= self.retries:
                    raise
                delay = exc.retry_after
            else:
                if response.status == 304:
                    return Response(url=response.url, status=304, body=b"",
                                    headers=response.headers, not_modified=True)
                if response.status < 400:
                    _check_type(response, expect)
                    return response
                retry_after = _retry_after(response.headers.get("retry-after"))
                retryable = response.status in _RETRY_STATUSES or response.status == 429
                if not retryable or attempt >= self.retries:
                    raise FetchError(_status_message(response), url=url, retry_after=retry_after,
                                     status=response.status, body=response.body[:ERROR_BODY],
                                     failure=_status_failure(response))
                delay = retry_after if retry_after is not None else self._backoff(attempt)
            if delay > self.max_retry_after:
                raise FetchError(f"server asked to retry after {delay:.0f}s", url=url,
                                 retry_after=delay, failure=Failure.HTTP_STATUS)
            attempt += 1
            self._sleep(delay)

    def _once(self, method: str, url: str, *, headers: dict[str, str],
              params: Mapping[str, str] | None, data: Mapping[str, str] | None) -> Response:
        try:
            with self._client.stream(method, url, headers=headers, params=params,
                                     data=data) as r:
                declared = r.headers.get("content-length")
                if declared and declared.isdigit() and int(declared) > self.max_body:
                    raise FetchError(f"body of {int(declared)} bytes exceeds the "
                                     f"{self.max_body} byte cap", url=url,
                                     failure=Failure.TOO_LARGE)
                chunks, size = [], 0
                for chunk in r.iter_bytes():
                    size += len(chunk)
                    if size > self.max_body:
                        # Leaving the `with` closes the connection instead of draining it.
                        raise FetchError(f"body exceeds the {self.max_body} byte cap", url=url,
                                         failure=Failure.TOO_LARGE)
                    chunks.append(chunk)
                return Response(url=str(r.url), status=r.status_code, body=b"".join(chunks),
                                headers={k.lower(): v for k, v in r.headers.items()})
        except httpx.TooManyRedirects:
            raise FetchError("too many redirects", url=url) from None
        except httpx.TimeoutException as exc:
            raise FetchError(f"timeout ({type(exc).__name__})", url=url,
                             retry_after=self._backoff(0)) from None
        except (httpx.TransportError, httpx.DecodingError) as exc:
            raise FetchError(f"connection failed: {type(exc).__name__}: {exc}", url=url,
                             retry_after=self._backoff(0)) from None
        except httpx.InvalidURL as exc:
            raise FetchError(f"invalid url: {exc}", url=url) from None

    def _backoff(self, attempt: int) -> float:
        base = self.backoff * (2 ** attempt)
        return base + random.uniform(0, base / 2)

    def _pace(self, url: str) -> None:
        """Keep at least `host_gap` seconds between two requests to the same host."""
        if self.host_gap <= 0:
            return
        host = urlsplit(url).netloc
        with self._pace_lock:
            now = time.monotonic()
            wait = self._last_request.get(host, 0.0) + self.host_gap - now
            self._last_request[host] = max(now, now + wait)
        if wait > 0:
            self._sleep(wait)


def _check_type(response: Response, expect: Sequence[str]) -> None:
    if not expect:
        return
    ctype = response.content_type
    if ctype in expect:
        return
    if ctype in HTML_TYPES and not any(t in HTML_TYPES for t in expect):
        raise FetchError(f"blocked: got an HTML page where {expect[0]} was expected "
                         "(captcha or firewall)", url=response.url, failure=Failure.BLOCKED)
    if not ctype and response.body[:1] in (b"{", b"[", b"<"):
        return  # no declared type: let the parser judge the bytes
    raise FetchError(f"unexpected content type '{ctype or 'none'}' "
                     f"(expected {', '.join(expect)})", url=response.url,
                     failure=Failure.BLOCKED)


def _status_failure(response: Response) -> Failure:
    if response.status == 403 and b"captcha" in response.body[:20000].lower():
        return Failure.BLOCKED
    return Failure.HTTP_STATUS


def _status_message(response: Response) -> str:
    reason = {400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
              410: "Gone", 429: "Too Many Requests", 500: "Internal Server Error",
              502: "Bad Gateway", 503: "Service Unavailable",
              504: "Gateway Timeout"}.get(response.status, "")
    text = f"HTTP {response.status}" + (f" {reason}" if reason else "")
    if response.status == 403 and b"captcha" in response.body[:20000].lower():
        text += " (blocked by a captcha)"
    return text


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())
