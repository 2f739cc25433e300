"""JSON APIs as the sources see them: decoding, provider error envelopes, and one keyed GET.

Providers answer trouble in their own JSON: RapidAPI `{"message": ...}`, apilayer (AviationStack)
`{"error": {"code", "type", "message"}}` even with HTTP 200, AeroAPI `{"title", "reason",
"detail", "status"}`, Zendesk `{"error": "RecordNotFound", "description": ...}`. A fetch turns
them into a FetchError naming the provider's message (a quota one carries `retry_after`, so the
pipeline rests the source); a parser handed one raises ParseError. API keys never appear in a
message or in an error's URL.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from monitor.errors import Failure, FetchError, ParseError
from monitor.sources.base import Http, Response
from monitor.types import parse_iso

# monitor.http.JSON_TYPES, repeated: importing monitor.http here would be circular (it imports
# monitor.sources.base, and the sources package imports every kind). A test keeps them equal.
JSON_TYPES = ("application/json", "application/geo+json", "text/json")

# How long a source rests after a quota answer: monthly plans do not refill within the hour.
QUOTA_BACKOFF = 6 * 3600.0

_QUOTA_WORDS = re.compile(r"quota|usage.limit|rate.limit|too many requests|exceeded|"
                          r"limit reached", re.IGNORECASE)
_HTTP_STATUS = re.compile(r"^HTTP (\d{3})\b")
_HINTS_KEYED = {401: "the API key was refused", 403: "the API key may not make this request",
                429: "quota or rate limit reached"}
_HINTS_OPEN = {401: "the site asks for credentials", 403: "refused or blocked by a firewall",
               429: "rate limited"}
REDACTED = "***"


@dataclass(frozen=True, slots=True)
class ProviderError:
    """An error a provider wrote into a JSON body."""

    message: str
    quota: bool = False


def decode_json(body: bytes, *, what: str, url: str = "") -> Any:
    """The decoded body; ParseError ("layout changed: <what> is not JSON") otherwise."""
    try:
        return json.loads(body)
    except (ValueError, RecursionError) as exc:
        raise layout_changed(f"{what} is not JSON ({exc.__class__.__name__})", url) from exc


def error_envelope(data: object, *, data_keys: Iterable[str] = (),
                   status: int | None = None) -> ProviderError | None:
    """The provider error a decoded body holds, or None when it looks like data.

    A body holding any of `data_keys` is data even if it also carries a message.
    """
    if not isinstance(data, dict) or any(key in data for key in data_keys):
        return None
    error = data.get("error")
    if isinstance(error, dict):        # apilayer: {"error": {"code", "type", "message"|"info"}}
        label = _text(error.get("type")) or _text(error.get("code"))
        text = _text(error.get("message")) or _text(error.get("info"))
        message = ": ".join(p for p in (label, text) if p) or "unspecified error"
    elif isinstance(error, str):       # Zendesk: {"error": "RecordNotFound", "description"}
        detail = _text(data.get("description")) or _text(data.get("message"))
        message = f"{error}: {detail}" if detail else error
    elif isinstance(data.get("title"), str) and ("detail" in data or "reason" in data):
        # AeroAPI: {"title", "reason", "detail", "status"}
        detail = _text(data.get("detail")) or _text(data.get("reason"))
        message = f"{data['title']}: {detail}" if detail else data["title"]
        status = status or (data["status"] if isinstance(data.get("status"), int) else None)
    elif isinstance(data.get("message"), str) and data["message"].strip():   # RapidAPI
        message = data["message"]
    elif isinstance(data.get("errors"), list) and data["errors"]:
        first = data["errors"][0]
        message = (_text(first.get("detail")) or _text(first.get("title")) or _text(first)
                   if isinstance(first, dict) else _text(first)) or "unspecified error"
    else:
        return None
    message = " ".join(message.split())
    return ProviderError(message=message,
                         quota=status == 429 or bool(_QUOTA_WORDS.search(message)))


def get_json(http: Http, url: str, *, provider: str, source: str = "",
             headers: Mapping[str, str] | None = None, params: Mapping[str, str] | None = None,
             secrets: Iterable[str] = (), data_keys: Iterable[str] = (),
             keyed: bool = True) -> Response:
    """One JSON GET: HTTP errors, HTML instead of JSON and error envelopes become FetchErrors
    that name the provider and its message, never a secret. `url` must not hold a key (pass
    keys in `headers` or `params`)."""
    hidden = tuple(s for s in secrets if s)
    try:
        response = http.get(url, headers=headers, params=params, expect=JSON_TYPES)
    except FetchError as exc:
        # Re-raised without the original: its URL may carry a key given in `params`.
        raise _client_error(exc, provider=provider, source=source, url=url, secrets=hidden,
                            keyed=keyed) from None
    if response.status >= 400 or response.body[:1] in (b"{", b"["):
        try:
            data = json.loads(response.body)
        except (ValueError, RecursionError):
            data = None
        envelope = error_envelope(data, data_keys=data_keys, status=response.status)
        if envelope is None and response.status >= 400:
            raise FetchError(f"{provider}: HTTP {response.status}", source=source, url=url,
                             retry_after=QUOTA_BACKOFF if response.status == 429 else None,
                             status=response.status)
        if envelope is not None:
            raise provider_fetch_error(envelope, provider=provider, source=source, url=url,
                                       status=response.status, secrets=hidden)
    return response


def provider_fetch_error(error: ProviderError, *, provider: str, source: str = "", url: str = "",
                         status: int | None = None, secrets: Iterable[str] = (),
                         retry_after: float | None = None) -> FetchError:
    """The FetchError for a provider's error message (quota: `retry_after` >= QUOTA_BACKOFF)."""
    where = f" (HTTP {status})" if status and status != 200 else ""
    message = redact(f"{provider} error{where}: {error.message}", secrets)
    if error.quota:
        retry_after = max(retry_after or 0.0, QUOTA_BACKOFF)
    return FetchError(message, source=source, url=url, retry_after=retry_after,
                      status=status, failure=Failure.PROVIDER)


def layout_changed(message: str, url: str = "") -> ParseError:
    return ParseError(f"layout changed: {message}" + (f" ({url})" if url else ""), url=url)


def iso_time(value: object, where: str, url: str = "") -> datetime | None:
    """An ISO 8601 time field (`Z` or an offset) in UTC; None when absent or empty.
    ParseError naming `where` when it is not a string or not a time."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise layout_changed(f"{where} is not a string", url)
    try:
        return parse_iso(value.strip())
    except (ValueError, OverflowError) as exc:
        raise layout_changed(f"{where} {value!r} is not an ISO time", url) from exc


def redact(text: str, secrets: Iterable[str]) -> str:
    for secret in secrets:
        if secret:
            text = text.replace(secret, REDACTED)
    return text


def _client_error(exc: FetchError, *, provider: str, source: str, url: str,
                  secrets: tuple[str, ...], keyed: bool) -> FetchError:
    """The shared client's error, named after the provider, with what its status means here."""
    text = str(exc)
    match = _HTTP_STATUS.match(text)
    status = exc.status or (int(match.group(1)) if match else None)
    hint = (_HINTS_KEYED if keyed else _HINTS_OPEN).get(status or 0)
    message = f"{provider}: {text}" + (f" ({hint})" if hint else "")
    retry_after = exc.retry_after
    envelope = _envelope_of(exc.body, status)
    failure = exc.failure
    if envelope is not None:
        failure = Failure.PROVIDER
        # The provider's own words (invalid key, plan restricted, quota) after the status.
        message = f"{message}: {envelope.message}"
        if envelope.quota:
            retry_after = max(retry_after or 0.0, QUOTA_BACKOFF)
    if status == 429 and keyed and not retry_after:
        retry_after = QUOTA_BACKOFF   # no Retry-After: assume the plan's quota is spent
    return FetchError(redact(message, secrets), source=source or exc.source, url=url,
                      retry_after=retry_after, status=status, failure=failure)


def _envelope_of(body: bytes, status: int | None) -> ProviderError | None:
    if body[:1] not in (b"{", b"["):
        return None
    try:
        return error_envelope(json.loads(body), status=status or 0)
    except (ValueError, RecursionError):
        return None


def _text(value: object) -> str:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return ""
