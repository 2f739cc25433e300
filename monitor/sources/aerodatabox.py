"""AeroDataBox airport flight boards (FIDS) through RapidAPI, cancelled flights included.

`GET /flights/airports/{icao|iata}/{code}?withCancelled=true&...` with the `x-rapidapi-key`
header answers `{"departures": [...], "arrivals": [...]}`. Each record's `movement` is the
requested airport's side (its `airport` is the other end); with `withLeg=true` records may carry
`departure` and `arrival` instead, so both shapes are read. Codeshare listings are skipped so a
flight appears once, under its operator.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any, cast

from pydantic import SecretStr

from monitor import flights
from monitor.sources.api import get_json, layout_changed
from monitor.sources.base import Fetched, Http, Validators
from monitor.sources.flight_source import (
    LOOKBACK,
    AirportFlightOptions,
    FlightSource,
    Row,
    Seen,
    records,
    text_at,
    value_at,
)

BASE_URL = "https://aerodatabox.p.rapidapi.com"
RAPIDAPI_HOST = "aerodatabox.p.rapidapi.com"
MAX_WINDOW = timedelta(hours=12)   # the FIDS endpoint spans at most 12 h per call
_DIRECTION = {"both": "Both", "departures": "Departure", "arrivals": "Arrival"}


class AeroDataBoxOptions(AirportFlightOptions):
    """`api_key`: the RapidAPI key (write `"${ADB_KEY:-}"`; empty disables the source)."""

    api_key: SecretStr = SecretStr("")


class AeroDataBox(FlightSource):
    """An airport's departures and arrivals from AeroDataBox, one flight item per flight."""

    kind = "aerodatabox"
    provider = "AeroDataBox"
    Options = AeroDataBoxOptions
    default_url = BASE_URL
    data_keys = ("departures", "arrivals")

    def disabled_reason(self) -> str | None:
        if not self._options.api_key.get_secret_value().strip():
            return "api_key is empty (set it from the environment, e.g. \"${ADB_KEY:-}\")"
        return None

    def fetch(self, http: Http, validators: Validators, *, now: datetime) -> Fetched:
        """One FIDS call from 2 h back to the window's end (at most 12 h in all)."""
        options = self._options
        key = options.api_key.get_secret_value().strip()
        code = options.airport
        # The call starts LOOKBACK before now; its span (lookback included) is capped at 12 h.
        span = min(LOOKBACK + options.window_length, MAX_WINDOW)
        params = {
            "offsetMinutes": str(-int(LOOKBACK.total_seconds() // 60)),
            "durationMinutes": str(int(span.total_seconds() // 60)),
            "withLeg": "true", "direction": _DIRECTION[options.direction],
            "withCancelled": "true", "withCodeshared": "true", "withCargo": "false",
            "withPrivate": "false", "withLocation": "false",
        }
        code_type = "icao" if len(code) == 4 else "iata"
        url = f"{self.url.rstrip('/')}/flights/airports/{code_type}/{code}"
        response = get_json(http, url, provider=self.provider, source=self.name,
                            headers={"x-rapidapi-key": key, "x-rapidapi-host": RAPIDAPI_HOST},
                            params=params, secrets=(key,), data_keys=self.data_keys)
        return Fetched(url=url, pages=(response.body,), extra=self.window_extra(now))

    def rows(self, data: Any, *, url: str, extra: Mapping[str, bytes]) -> list[Row]:
        if not isinstance(data, dict) or not any(k in data for k in self.data_keys):
            raise layout_changed("no 'departures' or 'arrivals' list in the response", url)
        found: list[Row] = []
        for board in self.data_keys:
            for index, record in enumerate(records(data, board, url=url, required=False)):
                where = f"{board}[{index}]"
                if not isinstance(record, dict):
                    raise layout_changed(f"{where} is not an object", url)
                if text_at(record, "codeshareStatus") != "IsCodeshared":
                    found.append((where, board, record))
        return found

    def scheduled_at(self, board: str, record: dict[str, Any]) -> datetime | None:
        if isinstance(record.get("movement"), dict):
            return _time(record["movement"], "scheduledTime")
        return _time(value_at(record, "departure" if board == "departures" else "arrival"),
                     "scheduledTime")

    @property
    def _options(self) -> AeroDataBoxOptions:
        return cast(AeroDataBoxOptions, self.options)

    def flight(self, board: str, record: dict[str, Any]) -> Seen | str:
        here = self._options.board_airport()
        airline = text_at(record, "airline", "iata")
        number = flights.flight_number(text_at(record, "number"), airline)
        if number is None:
            return f"no IATA flight number in {text_at(record, 'number')!r}"
        departing = board == "departures"
        if isinstance(record.get("movement"), dict):
            movement = record["movement"]
            other = _endpoint(value_at(movement, "airport"), fallback=None)
            sides = (movement, None) if departing else (None, movement)
            origin, destination = (here, other) if departing else (other, here)
        elif isinstance(record.get("departure"), dict) or isinstance(record.get("arrival"), dict):
            sides = (value_at(record, "departure"), value_at(record, "arrival"))
            origin = _endpoint(value_at(sides[0], "airport"), fallback=here if departing else None)
            destination = _endpoint(value_at(sides[1], "airport"),
                                    fallback=None if departing else here)
        else:
            return "no 'movement' (or 'departure'/'arrival') object"
        try:
            departure = _time(sides[0], "scheduledTime")
            arrival = _time(sides[1], "scheduledTime")
            revised = _time(sides[0] if departing else sides[1], "revisedTime")
        except ValueError as exc:
            return str(exc)
        at = departure if departing else arrival    # = scheduled_at(board, record)
        if at is None:
            return "no scheduled time"
        raw = text_at(record, "status")
        status = flights.AERODATABOX.get(raw or "", "unknown")
        if status == "scheduled" and flights.is_late(at, revised):
            status = "delayed"
        date = (flights.local_date(departure, origin.tz) if departure
                else flights.local_date(at, destination.tz))
        item = flights.flight_item(
            source=self.name, number=number, airline=airline or number[:2], origin=origin,
            destination=destination, date=date, status=status, departure=departure,
            arrival=arrival, raw_status=raw)
        return Seen(item=item, at=at)


def _endpoint(airport: Any, *, fallback: flights.Endpoint | None) -> flights.Endpoint:
    icao, iata = text_at(airport, "icao"), text_at(airport, "iata")
    if not icao and not iata:
        return fallback or flights.Endpoint(icao=None)
    return flights.endpoint(icao=icao, iata=iata, tz=text_at(airport, "timeZone"))


def _time(side: Any, name: str) -> datetime | None:
    """`side[name].utc` ("2025-11-22 12:00Z") as aware UTC; ValueError when malformed."""
    value = text_at(side, name, "utc")
    if value is None:
        return None
    try:
        return flights.utc_time(value)
    except (ValueError, OverflowError):
        raise ValueError(f"{name}.utc {value!r} is not a UTC time") from None
