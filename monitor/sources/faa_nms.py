"""FAA NOTAM Management Service (NMS) API: GeoJSON NOTAMs per location, behind OAuth2.

A client-credentials token from `POST {base}/v1/auth/token` (Basic auth, form
`grant_type=client_credentials`; `expires_in` in seconds, a string or a number) is kept on the
source until TOKEN_MARGIN before it expires. Data: `GET {base}/nmsapi/v1/notams?location=X` with
`Authorization: Bearer` and `nmsResponseFormat: GEOJSON`, answered
`{"status": "Success", "data": {"geojson": [Feature…]}}` (the Features of API v1). A 401 on a
data call means the token was revoked early: it is dropped and the call retried once.
"""

from __future__ import annotations

import base64
import math
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any, cast

from monitor.errors import FetchError, ParseError
from monitor.sources.api import JSON_TYPES, decode_json, layout_changed
from monitor.sources.base import Fetched, Http, Source, SourceOptions, Validators
from monitor.sources.faa_service import (
    SEARCH_PAGE,
    CredentialOptions,
    get_json,
    post_json,
    service_error,
)
from monitor.sources.notam_geojson import feature_items
from monitor.types import Item

NMS_URL = "https://api-nms.aim.faa.gov"
TOKEN_PATH = "/v1/auth/token"          # not under /nmsapi
NOTAMS_PATH = "/nmsapi/v1/notams"
SERVICE = "NMS"
TOKEN_MARGIN = timedelta(seconds=60)
MAX_TOKEN_LIFETIME = 24 * 3600


class FaaNmsOptions(CredentialOptions):
    """`locations`: one data call each; `client_id`/`client_secret`: the NMS client
    credentials (write `"${FAA_NMS_CLIENT_ID:-}"`; empty disables the source)."""


class FaaNms(Source):
    """NOTAMs for the configured locations from the FAA NMS API (OAuth2 client credentials)."""

    kind = "faa_nms"
    Options = FaaNmsOptions
    default_url = NMS_URL
    expect = JSON_TYPES

    def __init__(self, name: str, url: str | None = None,
                 options: SourceOptions | None = None) -> None:
        super().__init__(name, url, options)
        self._token: str | None = None
        self._token_until: datetime | None = None

    @property
    def _options(self) -> FaaNmsOptions:
        return cast(FaaNmsOptions, self.options)

    @property
    def token_url(self) -> str:
        return self.url.rstrip("/") + TOKEN_PATH

    @property
    def notams_url(self) -> str:
        return self.url.rstrip("/") + NOTAMS_PATH

    def disabled_reason(self) -> str | None:
        return self._options.missing('"${FAA_NMS_CLIENT_ID:-}" and "${FAA_NMS_CLIENT_SECRET:-}"')

    def fetch(self, http: Http, validators: Validators, *, now: datetime) -> Fetched:
        pages = tuple(self._notams(http, location, now=now)
                      for location in self._options.locations)
        return Fetched(url=self.notams_url, pages=pages)

    def parse(self, body: bytes, *, url: str,
              extra: Mapping[str, bytes] | None = None) -> list[Item]:
        data = decode_json(body, what=f"the {SERVICE} reply", url=url)
        features = geojson_features(data, url=url)
        return feature_items(features, where="data.geojson", source=self.name,
                             link=SEARCH_PAGE, url=url)

    def token(self, http: Http, *, now: datetime) -> str:
        """The cached token while it has more than TOKEN_MARGIN left, else a new one."""
        if self._token is not None and self._token_until is not None and now < self._token_until:
            return self._token
        client_id, client_secret = self._options.credentials()
        basic = base64.b64encode(f"{client_id}:{client_secret}".encode()).decode("ascii")
        _body, data = post_json(
            http, self.token_url, service=f"{SERVICE} token endpoint", source=self.name,
            data={"grant_type": "client_credentials"},
            headers={"Authorization": f"Basic {basic}", "Accept": "application/json"},
            secrets=(client_id, client_secret, basic), data_keys=("access_token",),
            hints={401: "client_id/client_secret refused"})
        token = data.get("access_token") if isinstance(data, dict) else None
        if not isinstance(token, str) or not token.strip():
            raise layout_changed(f"the {SERVICE} token reply has no access_token",
                                 self.token_url)
        lifetime = _seconds(data.get("expires_in"))
        self._token = token.strip()
        # Without a lifetime the token is not kept: it serves the call that asked for it.
        self._token_until = now + timedelta(seconds=lifetime) - TOKEN_MARGIN if lifetime else now
        return self._token

    def forget_token(self) -> None:
        self._token = self._token_until = None

    def _notams(self, http: Http, location: str, *, now: datetime) -> bytes:
        try:
            return self._notams_once(http, location, now=now)
        except FetchError as exc:
            if exc.status != 401:
                raise
        self.forget_token()  # revoked or expired early: one new token, one retry
        return self._notams_once(http, location, now=now)

    def _notams_once(self, http: Http, location: str, *, now: datetime) -> bytes:
        token = self.token(http, now=now)
        secrets = (token, *self._options.credentials())
        body, data = get_json(
            http, self.notams_url, service=SERVICE, source=self.name,
            params={"location": location},
            headers={"Authorization": f"Bearer {token}", "nmsResponseFormat": "GEOJSON",
                     "Accept": "application/json"},
            secrets=secrets, data_keys=("data",), hints={401: "token refused"})
        status = data.get("status") if isinstance(data, dict) else None
        if isinstance(status, str) and status != "Success":
            raise service_error(f"{SERVICE} error: {_message(data) or status}",
                                source=self.name, url=self.notams_url, secrets=secrets)
        geojson_features(data, url=self.notams_url)
        return body


def geojson_features(data: Any, *, url: str = "") -> list[Any]:
    """`data.geojson` of a Success reply; ParseError for an error reply or another shape."""
    if not isinstance(data, dict):
        raise layout_changed(f"the {SERVICE} reply is not a JSON object", url)
    status = data.get("status")
    if isinstance(status, str) and status != "Success":
        raise ParseError(f"{SERVICE} error: {_message(data) or status}", url=url)
    inner = data.get("data")
    features = inner.get("geojson") if isinstance(inner, dict) else None
    if status != "Success" or not isinstance(features, list):
        raise layout_changed(f"no 'status': 'Success' with a 'data.geojson' list in the "
                             f"{SERVICE} reply", url)
    return features


def _message(data: Mapping[str, Any]) -> str:
    for key in ("message", "error", "errorMessage", "description"):
        value = data.get(key)
        if isinstance(value, str) and value.strip():
            return " ".join(value.split())
    errors = data.get("errors")
    if isinstance(errors, list) and errors:
        first = errors[0]
        if isinstance(first, dict):
            first = first.get("message") or first.get("detail") or first.get("title")
        if isinstance(first, str) and first.strip():
            return " ".join(first.split())
    return ""


def _seconds(value: object) -> int:
    """`expires_in` as whole seconds ("1799" or 1799), at most a day; anything else 0."""
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return 0
    return max(0, min(int(value), MAX_TOKEN_LIFETIME))
