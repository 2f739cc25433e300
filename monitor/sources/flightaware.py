"""FlightAware AeroAPI v4 airport schedules, one flight item per flight.

`GET /airports/{id}/flights/scheduled_departures` (and `scheduled_arrivals`) with the
`x-apikey` header; pages are chained by `links.next` (a cursor URL relative to the API base),
followed up to `max_pages` per direction because every page is billed. `cancelled: true` only
means FlightAware stopped tracking the flight, so it reads as `cancelled_probable`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any, cast
from urllib.parse import urlsplit

from pydantic import Field, SecretStr

from monitor import flights
from monitor.logs import log
from monitor.sources.api import get_json, layout_changed
from monitor.sources.base import Fetched, Http, Validators
from monitor.sources.flight_source import (
    AirportFlightOptions,
    FlightSource,
    Row,
    Seen,
    records,
    text_at,
    value_at,
)
from monitor.types import iso

BASE_URL = "https://aeroapi.flightaware.com/aeroapi"
MAX_AHEAD = timedelta(days=2)      # `end` may lie at most two days ahead
FLIGHT_PAGE = "https://www.flightaware.com/live/flight/id/"
BOARDS = {"scheduled_departures": "departures", "scheduled_arrivals": "arrivals",
          "departures": "departures", "arrivals": "arrivals"}


class FlightAwareOptions(AirportFlightOptions):
    """`api_key`: the AeroAPI key (write `"${AEROAPI_KEY:-}"`; empty disables the source);
    `max_pages`: pages followed per direction (each one is billed)."""

    api_key: SecretStr = SecretStr("")
    max_pages: int = Field(default=3, ge=1, le=20)


class FlightAware(FlightSource):
    """An airport's scheduled departures and arrivals from AeroAPI, cursor-paged."""

    kind = "flightaware"
    provider = "AeroAPI"
    Options = FlightAwareOptions
    default_url = BASE_URL
    data_keys = tuple(BOARDS)

    def disabled_reason(self) -> str | None:
        if not self._options.api_key.get_secret_value().strip():
            return "api_key is empty (set it from the environment, e.g. \"${AEROAPI_KEY:-}\")"
        return None

    def fetch(self, http: Http, validators: Validators, *, now: datetime) -> Fetched:
        options = self._options
        key = options.api_key.get_secret_value().strip()
        airport = options.board_airport().icao or options.airport
        base = self.url.rstrip("/")
        start, end = self.window(now)
        pages: list[bytes] = []
        for direction in self.directions():
            url = f"{base}/airports/{airport}/flights/scheduled_{direction}"
            params: dict[str, str] | None = {
                "start": iso(start) or "", "end": iso(min(end, now + MAX_AHEAD)) or "",
                "type": "Airline"}
            for page in range(options.max_pages):
                response = get_json(http, url, provider=self.provider, source=self.name,
                                    headers={"x-apikey": key}, params=params, secrets=(key,),
                                    data_keys=self.data_keys)
                pages.append(response.body)
                following = next_page(response.body, base)
                if following is None:
                    break
                if page + 1 == options.max_pages:
                    log.warning("source.partial", source=self.name, part=direction,
                                reason=f"stopped after max_pages={options.max_pages}")
                    break
                url, params = following, None   # the cursor URL carries the query
        return Fetched(url=base, pages=tuple(pages), extra=self.window_extra(now))

    def rows(self, data: Any, *, url: str, extra: Mapping[str, bytes]) -> list[Row]:
        boards = [k for k in BOARDS if isinstance(data, dict) and k in data]
        if not boards:
            raise layout_changed("no 'scheduled_departures' or 'scheduled_arrivals' list "
                                 "in the response", url)
        found: list[Row] = []
        for board in boards:
            for index, record in enumerate(records(data, board, url=url)):
                where = f"{board}[{index}]"
                if not isinstance(record, dict):
                    raise layout_changed(f"{where} is not an object", url)
                found.append((where, board, record))
        return found

    def scheduled_at(self, board: str, record: dict[str, Any]) -> datetime | None:
        if BOARDS[board] == "departures":
            return _time(record, "scheduled_out")
        return _time(record, "scheduled_in") or _time(record, "scheduled_on")

    @property
    def _options(self) -> FlightAwareOptions:
        return cast(FlightAwareOptions, self.options)

    def flight(self, board: str, record: dict[str, Any]) -> Seen | str:
        departing = BOARDS[board] == "departures"
        airline = text_at(record, "operator_iata")
        number = (flights.flight_number(text_at(record, "ident_iata"))
                  or flights.flight_number(text_at(record, "flight_number"), airline))
        if number is None:
            return "no IATA ident"
        origin, destination = _endpoint(record.get("origin")), _endpoint(
            record.get("destination"))
        try:
            times = {name: _time(record, name) for name in (
                "scheduled_out", "estimated_out", "actual_out", "actual_off", "actual_on",
                "actual_in", "scheduled_in", "scheduled_on")}
        except ValueError as exc:
            return str(exc)
        departure = times["scheduled_out"]
        arrival = times["scheduled_in"] or times["scheduled_on"]
        if departure is None:
            return "no scheduled_out time"
        status = _status(record, times)
        fa_id = text_at(record, "fa_flight_id")
        return Seen(item=flights.flight_item(
            source=self.name, number=number, airline=airline or number[:2], origin=origin,
            destination=destination, date=flights.local_date(departure, origin.tz),
            status=status, departure=departure, arrival=arrival,
            url=f"{FLIGHT_PAGE}{fa_id}" if fa_id else None,
            raw_status=text_at(record, "status")),
            at=departure if departing else arrival)   # = scheduled_at(board, record)


def next_page(body: bytes, base: str) -> str | None:
    """The absolute URL of `links.next`, or None on the last page (or an unreadable body)."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        return None
    link = value_at(data, "links", "next")
    if not isinstance(link, str) or not link.strip():
        return None
    link = link.strip()
    try:
        parts, home = urlsplit(link), urlsplit(base)
    except ValueError:
        return None
    if parts.scheme or parts.netloc:
        # The key goes along with every page: never to another host.
        return link if (parts.scheme, parts.netloc) == (home.scheme, home.netloc) else None
    # `links.next` is relative to the API base ("/airports/SVMI/flights/...?cursor=..."),
    # which itself has a path ("/aeroapi").
    return base.rstrip("/") + "/" + link.lstrip("/")


def _status(record: dict[str, Any], times: dict[str, datetime | None]) -> str:
    if record.get("cancelled") is True:
        return "cancelled_probable"   # tracking stopped: corroborate before calling it cancelled
    if record.get("diverted") is True:
        return "diverted"
    if times["actual_on"] or times["actual_in"]:
        return "landed"
    if times["actual_off"] or times["actual_out"]:
        return "departed"
    if flights.is_late(times["scheduled_out"], times["estimated_out"]):
        return "delayed"
    return "scheduled"


def _endpoint(airport: Any) -> flights.Endpoint:
    return flights.endpoint(icao=text_at(airport, "code_icao"), iata=text_at(airport, "code_iata"),
                            tz=text_at(airport, "timezone"))


def _time(record: dict[str, Any], name: str) -> datetime | None:
    value = text_at(record, name)
    if value is None:
        return None
    try:
        return flights.utc_time(value)
    except (ValueError, OverflowError):
        raise ValueError(f"{name} {value!r} is not an ISO time") from None
