"""Requests to the FAA NOTAM services: one JSON exchange, its errors named after the service.

The shared client raises `FetchError("HTTP 401 Unauthorized")` and the like; here such errors
get the service's name, what the status means for it and the service's own words when the
error body is a JSON envelope; an envelope in a 200 answer is a FetchError naming the
service's message too; and a 429 always carries `retry_after` (the
server's Retry-After, else RATE_LIMIT_REST) so the pipeline rests the source. Credentials and
tokens never reach a message: every message passes `redact` with them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from pydantic import Field, SecretStr, field_validator

from monitor.errors import Failure, FetchError
from monitor.sources.api import JSON_TYPES, decode_json, error_envelope, redact
from monitor.sources.base import Http, Response, SourceOptions

# The FAA services limit requests per minute, not per month: a short rest, not a day off.
RATE_LIMIT_REST = 15 * 60.0
SEARCH_PAGE = "https://notams.aim.faa.gov/notamSearch/nsapp.html#/"
DEFAULT_LOCATIONS = ("SVZM", "KICZ")

_LOCATION = re.compile(r"[A-Z0-9]{3,5}")


class LocationOptions(SourceOptions):
    """`locations`: the designators asked for, one request (series) each."""

    locations: list[str] = Field(default_factory=lambda: list(DEFAULT_LOCATIONS))

    @field_validator("locations")
    @classmethod
    def _designators(cls, values: list[str]) -> list[str]:
        cleaned = [v.strip().upper() for v in values]
        bad = [v for v in cleaned if not _LOCATION.fullmatch(v)]
        if bad:
            raise ValueError(f"not a location designator: {', '.join(map(repr, bad))}")
        if not cleaned:
            raise ValueError("at least one location is needed")
        return list(dict.fromkeys(cleaned))


class CredentialOptions(LocationOptions):
    """`client_id`/`client_secret`: write `"${FAA_CLIENT_ID:-}"`; empty disables the source."""

    client_id: SecretStr = SecretStr("")
    client_secret: SecretStr = SecretStr("")

    def credentials(self) -> tuple[str, str]:
        return (self.client_id.get_secret_value().strip(),
                self.client_secret.get_secret_value().strip())

    def missing(self, variables: str) -> str | None:
        """Why the source cannot run (no credentials), else None."""
        client_id, client_secret = self.credentials()
        if client_id and client_secret:
            return None
        empty = " and ".join(n for n, v in (("client_id", client_id),
                                              ("client_secret", client_secret)) if not v)
        verb = "are" if " and " in empty else "is"
        return f"{empty} {verb} empty (set them from the environment, e.g. {variables})"


def get_json(http: Http, url: str, *, service: str, source: str = "",
             headers: Mapping[str, str] | None = None, params: Mapping[str, str] | None = None,
             secrets: Iterable[str] = (), data_keys: Iterable[str] = (),
             hints: Mapping[int, str] | None = None) -> tuple[bytes, Any]:
    """One JSON GET: the body and its decoded value, or a FetchError naming the service."""
    return _exchange(lambda: http.get(url, headers=headers, params=params, expect=JSON_TYPES),
                     service=service, source=source, url=url, secrets=secrets,
                     data_keys=data_keys, hints=hints)


def post_json(http: Http, url: str, *, service: str, source: str = "",
              data: Mapping[str, str] | None = None, headers: Mapping[str, str] | None = None,
              secrets: Iterable[str] = (), data_keys: Iterable[str] = (),
              hints: Mapping[int, str] | None = None) -> tuple[bytes, Any]:
    """One form POST answered in JSON, like `get_json`."""
    return _exchange(lambda: http.post(url, data=data, headers=headers, expect=JSON_TYPES),
                     service=service, source=source, url=url, secrets=secrets,
                     data_keys=data_keys, hints=hints)


def envelope_message(data: object, *, data_keys: Iterable[str] = (),
                     status: int | None = None) -> tuple[str, bool] | None:
    """(message, is_quota) of an error body, or None when the body looks like data.

    OAuth2 token endpoints answer `{"error": "invalid_client", "error_description": ...}`;
    other shapes are the common provider envelopes (monitor.sources.api).
    """
    keys = tuple(data_keys)
    if isinstance(data, dict) and not any(key in data for key in keys):
        error, detail = data.get("error"), data.get("error_description")
        if isinstance(error, str) and isinstance(detail, str):
            return " ".join(f"{error}: {detail}".split()), status == 429
    envelope = error_envelope(data, data_keys=keys, status=status)
    if envelope is None:
        return None
    return envelope.message, envelope.quota


def service_error(message: str, *, status: int | None = None, source: str = "", url: str = "",
                  secrets: Iterable[str] = (), retry_after: float | None = None,
                  quota: bool = False, failure: Failure | None = None) -> FetchError:
    """A FetchError with secrets redacted; a quota or a 429 carries `retry_after`."""
    if quota or status == 429:
        retry_after = retry_after or RATE_LIMIT_REST
    return FetchError(redact(message, [s for s in secrets if s]), status=status,
                      source=source, url=url, retry_after=retry_after, failure=failure)


def looks_like_html(body: bytes) -> bool:
    """A captcha or firewall page: markup where JSON was expected (whatever the header said)."""
    head = body[:512].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<meta",
                            b"<script", b"<form", b"<title"))


def _exchange(send: Callable[[], Response], *, service: str, source: str, url: str,
              secrets: Iterable[str], data_keys: Iterable[str],
              hints: Mapping[int, str] | None) -> tuple[bytes, Any]:
    hidden = tuple(s for s in secrets if s)
    try:
        response = send()
    except FetchError as exc:
        hint = (hints or {}).get(exc.status or 0) or _HINTS.get(exc.status or 0)
        message = f"{service}: {exc}" + (f" ({hint})" if hint else "")
        said = envelope_message(_json_or_none(exc.body), status=exc.status)
        if said is not None:
            message = f"{message}: {said[0]}"  # the service's own words after the status
        blocked = "blocked" in (hints or {}).get(exc.status or 0, "")
        failure = (Failure.PROVIDER if said is not None
                   else Failure.BLOCKED if blocked else exc.failure)
        raise service_error(message, status=exc.status, source=source or exc.source, url=url,
                            secrets=hidden, retry_after=exc.retry_after,
                            quota=said is not None and said[1], failure=failure) from None
    if looks_like_html(response.body):
        raise service_error(f"{service}: blocked: got an HTML page where JSON was expected "
                            "(captcha or firewall)", status=response.status, source=source,
                            url=url, secrets=hidden, failure=Failure.BLOCKED)
    data = decode_json(response.body, what=f"the {service} reply", url=url)
    error = envelope_message(data, data_keys=data_keys, status=response.status)
    if error is not None:
        message, quota = error
        raise service_error(f"{service} error: {message}", status=response.status,
                            source=source, url=url, secrets=hidden, quota=quota)
    return response.body, data


def _json_or_none(body: bytes) -> Any:
    if body[:1] not in (b"{", b"["):
        return None
    try:
        return json.loads(body)
    except (ValueError, RecursionError):
        return None


_HINTS = {401: "credentials refused", 403: "refused: credentials without access, or blocked",
          429: "rate limited"}
