"""FAA NOTAM API v1 (external-api.faa.gov): GeoJSON pages of NOTAMs per ICAO location.

`GET /notamapi/v1/notams?icaoLocation=SVZM&pageSize=1000&pageNum=N` with the `client_id` and
`client_secret` headers issued at api.faa.gov; pages run from 1 to `totalPages`, one series per
location. Features become Items in monitor.sources.notam_geojson.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, cast

from pydantic import Field

from monitor.errors import Failure, FetchError, ParseError
from monitor.sources.api import JSON_TYPES, decode_json, error_envelope, layout_changed
from monitor.sources.base import Fetched, Http, Source, Validators
from monitor.sources.faa_service import SEARCH_PAGE, CredentialOptions, get_json
from monitor.sources.notam_geojson import feature_items
from monitor.types import Item

API_URL = "https://external-api.faa.gov/notamapi/v1/notams"
SERVICE = "FAA NOTAM API"


class FaaNotamApiOptions(CredentialOptions):
    """`locations`: ICAO (or 3-letter domestic) locations, one request series each;
    `page_size`: NOTAMs a page (the API allows 1000); `max_pages`: pages read per location
    before the run fails rather than miss NOTAMs (a missed NOTAM would read as withdrawn)."""

    page_size: int = Field(default=1000, ge=1, le=1000)
    max_pages: int = Field(default=10, ge=1, le=100)


class FaaNotamApi(Source):
    """NOTAMs for the configured locations from the FAA NOTAM API v1, paged by `pageNum`."""

    kind = "faa_notam_api"
    Options = FaaNotamApiOptions
    default_url = API_URL
    expect = JSON_TYPES

    @property
    def _options(self) -> FaaNotamApiOptions:
        return cast(FaaNotamApiOptions, self.options)

    def disabled_reason(self) -> str | None:
        return self._options.missing('"${FAA_CLIENT_ID:-}" and "${FAA_CLIENT_SECRET:-}"')

    def fetch(self, http: Http, validators: Validators, *, now: datetime) -> Fetched:
        options = self._options
        client_id, client_secret = options.credentials()
        headers = {"client_id": client_id, "client_secret": client_secret,
                   "Accept": "application/json"}
        pages: list[bytes] = []
        for location in options.locations:
            page_num = 1
            while True:
                # `KIAD` is an ICAO location, `IAD` a domestic one (SOURCES.md §5).
                where = "domesticLocation" if len(location) == 3 else "icaoLocation"
                params = {"responseFormat": "geoJson", where: location,
                          "pageSize": str(options.page_size), "pageNum": str(page_num)}
                body, data = get_json(http, self.url, service=SERVICE, source=self.name,
                                      headers=headers, params=params,
                                      secrets=(client_id, client_secret), data_keys=("items",))
                items, total_pages = _page(data, url=self.url)
                pages.append(body)
                if not items or page_num >= total_pages:
                    break
                if page_num >= options.max_pages:
                    raise FetchError(f"{SERVICE}: {location} has {total_pages} pages of "
                                     f"{options.page_size}, more than max_pages = "
                                     f"{options.max_pages}; raise max_pages",
                                     source=self.name, url=self.url, failure=Failure.TOO_LARGE)
                page_num += 1
        return Fetched(url=self.url, pages=tuple(pages))

    def parse(self, body: bytes, *, url: str,
              extra: Mapping[str, bytes] | None = None) -> list[Item]:
        data = decode_json(body, what=f"the {SERVICE} page", url=url)
        items, _total = _page(data, url=url)
        return feature_items(items, where="items", source=self.name, link=SEARCH_PAGE, url=url)


def _page(data: Any, *, url: str) -> tuple[list[Any], int]:
    """The Features and `totalPages` of one page; ParseError when they are missing."""
    if not isinstance(data, dict):
        raise layout_changed(f"the {SERVICE} page is not a JSON object", url)
    if "items" not in data:
        envelope = error_envelope(data)
        if envelope is not None:
            raise ParseError(f"{SERVICE} error: {envelope.message}", url=url)
    items, total = data.get("items"), data.get("totalPages")
    if not isinstance(items, list):
        raise layout_changed(f"no 'items' list in the {SERVICE} page", url)
    if not isinstance(total, int) or isinstance(total, bool) or total < 0:
        raise layout_changed(f"no 'totalPages' count in the {SERVICE} page", url)
    return items, total
