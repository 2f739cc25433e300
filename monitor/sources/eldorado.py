"""Bogotá El Dorado (BOG/SKBO) public flight boards, one flight item per flight.

`GET https://api.eldorado.aero/api/v2/flights/departures` (or `/arrivals`), keyless, with the
site as Referer, answers `{"flights": [...]}`; `city.code` is the IATA code of the other
airport and times are America/Bogota wall-clock. The v2 records do not say which board they
come from: with `direction = "both"` the departures body is the page and the arrivals body
travels as `extra["arrivals"]`. The older `{"data": {"departures", "arrivals"}}` shape is read
too.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any, cast

from pydantic import Field, field_validator

from monitor import flights
from monitor.sources.api import decode_json, get_json, layout_changed
from monitor.sources.base import Fetched, Http, Validators
from monitor.sources.flight_source import (
    FlightOptions,
    FlightSource,
    Row,
    Seen,
    records,
    text_at,
)

BASE_URL = "https://api.eldorado.aero/api/v2/flights"
REFERER = "https://eldorado.aero/"
BOARD_PAGES = {"departures": "https://eldorado.aero/vuelos/salidas",
               "arrivals": "https://eldorado.aero/vuelos/llegadas"}
BOGOTA = "SKBO"
_IATA = re.compile(r"[A-Z]{3}")


class ElDoradoOptions(FlightOptions):
    """`cities`: IATA codes of the other airport to keep (`city.code`, e.g. ["CCS"]; empty:
    every flight)."""

    cities: list[str] = Field(default_factory=list)

    @field_validator("cities")
    @classmethod
    def _iata(cls, values: list[str]) -> list[str]:
        codes = [v.strip().upper() for v in values]
        bad = [c for c in codes if not _IATA.fullmatch(c)]
        if bad:
            raise ValueError(f"cities are IATA airport codes, got {', '.join(map(repr, bad))}")
        return codes


class ElDorado(FlightSource):
    """El Dorado's departures and/or arrivals boards, filtered to the watched cities."""

    kind = "eldorado"
    provider = "El Dorado"
    Options = ElDoradoOptions
    default_url = BASE_URL
    data_keys = ("flights", "data")

    def fetch(self, http: Http, validators: Validators, *, now: datetime) -> Fetched:
        base = self.url.rstrip("/")
        bodies = {direction: get_json(http, f"{base}/{direction}", provider=self.provider,
                                      source=self.name, headers={"Referer": REFERER},
                                      data_keys=self.data_keys, keyed=False).body
                  for direction in self.directions()}
        extra = self.window_extra(now)
        if len(bodies) == 2:
            extra["arrivals"] = bodies["arrivals"]
            return Fetched(url=f"{base}/departures", pages=(bodies["departures"],), extra=extra)
        (direction, body), = bodies.items()
        return Fetched(url=f"{base}/{direction}", pages=(body,), extra=extra)

    def rows(self, data: Any, *, url: str, extra: Mapping[str, bytes]) -> list[Row]:
        boards: list[tuple[str, list[Any]]] = []
        if isinstance(data, dict) and isinstance(data.get("data"), dict):
            older = data["data"]   # {"data": {"departures": [...], "arrivals": [...]}}
            boards = [(d, records(older, d, url=url, required=False)) for d in
                      ("departures", "arrivals")]
            if not any(isinstance(older.get(d), list) for d in ("departures", "arrivals")):
                raise layout_changed("no 'data.departures' or 'data.arrivals' list", url)
        else:
            page = "arrivals" if self._options.direction == "arrivals" else "departures"
            boards = [(page, records(data, "flights", url=url))]
            if "arrivals" in extra and self._options.direction == "both":
                more = decode_json(extra["arrivals"], what="the arrivals board", url=url)
                boards.append(("arrivals", records(more, "flights", url=url)))
        cities = set(self._options.cities)
        found: list[Row] = []
        for board, rows in boards:
            for index, record in enumerate(rows):
                where = f"{board}[{index}]"
                if not isinstance(record, dict):
                    raise layout_changed(f"{where} is not an object", url)
                if not cities or _city(record) in cities:
                    found.append((where, board, record))
        return found

    def scheduled_at(self, board: str, record: dict[str, Any]) -> datetime | None:
        return _time(record, "scheduleDate", flights.endpoint(icao=BOGOTA).tz)

    @property
    def _options(self) -> ElDoradoOptions:
        return cast(ElDoradoOptions, self.options)

    def flight(self, board: str, record: dict[str, Any]) -> Seen | str:
        here = flights.endpoint(icao=BOGOTA)
        city, departing = _city(record), board == "departures"
        airline = text_at(record, "airline", "code")
        number = flights.flight_number(text_at(record, "number"), airline)
        if number is None:
            return f"no IATA flight number in {text_at(record, 'number')!r}"
        if not city:
            return "no city.code"
        other = flights.endpoint(iata=city)
        origin, destination = (here, other) if departing else (other, here)
        try:
            scheduled = _time(record, "scheduleDate", here.tz)
            estimated = _time(record, "estimatedDate", here.tz)
        except ValueError as exc:
            return str(exc)
        if scheduled is None:
            return "no scheduleDate"
        raw = text_at(record, "status", "code")
        status = (flights.ELDORADO_CODES.get((raw or "").upper())
                  or flights.board_status(text_at(record, "status", "en"))
                  or flights.board_status(text_at(record, "status", "es"))
                  or flights.board_status(raw) or "unknown")
        if status == "scheduled" and flights.is_late(scheduled, estimated):
            status = "delayed"
        shown = " / ".join(t for t in (raw, text_at(record, "status", "en")) if t) or None
        return Seen(item=flights.flight_item(
            source=self.name, number=number, airline=airline or number[:2], origin=origin,
            destination=destination, date=flights.local_date(scheduled, here.tz),
            status=status, departure=scheduled if departing else None,
            arrival=None if departing else scheduled,
            url=BOARD_PAGES["departures" if departing else "arrivals"], raw_status=shown),
            at=scheduled)


def _city(record: dict[str, Any]) -> str:
    return (text_at(record, "city", "code") or "").upper()


def _time(record: dict[str, Any], name: str, tz: str | None) -> datetime | None:
    """"YYYY-MM-DD HH:MM:SS" Bogotá wall-clock as UTC; an empty field is None."""
    value = text_at(record, name)
    if value is None:
        return None
    try:
        return flights.local_to_utc(value, tz)
    except (ValueError, OverflowError):
        raise ValueError(f"{name} {value!r} is not a local time") from None
