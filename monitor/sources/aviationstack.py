"""AviationStack (apilayer) real-time flights for one airport, one flight item per flight.

`GET /v1/flights?access_key=<key>&dep_iata=CCS` (or `arr_iata=`) answers `{"pagination",
"data": [...]}`. Errors come as `{"error": {"code", "type", "message"}}`, sometimes with HTTP
200. The key travels in the query string, so every URL this source hands on is the base URL.
Codeshare listings (`flight.codeshared` set) are skipped.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, cast

from pydantic import SecretStr

from monitor import flights
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

BASE_URL = "https://api.aviationstack.com/v1"
PAGE_LIMIT = "100"   # the most one call returns on the plans that matter here


class AviationStackOptions(AirportFlightOptions):
    """`access_key`: the apilayer key (write `"${AVIATIONSTACK_KEY:-}"`; empty disables the
    source). `local_times`: read `scheduled`/`estimated` as wall-clock times at the airport,
    whatever offset they carry (reported behaviour [unv]; set false if the live service
    turns out to send real UTC)."""

    access_key: SecretStr = SecretStr("")
    local_times: bool = True


class AviationStack(FlightSource):
    """An airport's flights from AviationStack, one call per direction."""

    kind = "aviationstack"
    provider = "AviationStack"
    Options = AviationStackOptions
    default_url = BASE_URL
    data_keys = ("data",)

    def disabled_reason(self) -> str | None:
        if not self._options.access_key.get_secret_value().strip():
            return ("access_key is empty (set it from the environment, "
                    "e.g. \"${AVIATIONSTACK_KEY:-}\")")
        return None

    def fetch(self, http: Http, validators: Validators, *, now: datetime) -> Fetched:
        """`dep_iata` and/or `arr_iata` for the airport; the free plan has ~100 calls a month."""
        options = self._options
        key = options.access_key.get_secret_value().strip()
        iata = options.board_airport().iata or options.airport
        url = f"{self.url.rstrip('/')}/flights"
        pages = []
        for direction in self.directions():
            where = "dep_iata" if direction == "departures" else "arr_iata"
            response = get_json(http, url, provider=self.provider, source=self.name,
                                params={"access_key": key, where: iata, "limit": PAGE_LIMIT},
                                secrets=(key,), data_keys=self.data_keys)
            pages.append(response.body)
        return Fetched(url=url, pages=tuple(pages), extra=self.window_extra(now))

    def rows(self, data: Any, *, url: str, extra: Mapping[str, bytes]) -> list[Row]:
        found: list[Row] = []
        for index, record in enumerate(records(data, "data", url=url)):
            where = f"data[{index}]"
            if not isinstance(record, dict):
                raise layout_changed(f"{where} is not an object", url)
            if value_at(record, "flight", "codeshared") is None:
                found.append((where, "data", record))
        return found

    def scheduled_at(self, board: str, record: dict[str, Any]) -> datetime | None:
        origin, destination = self._endpoints(record)
        if self._at_origin(origin):
            return self._time(record.get("departure"), "scheduled", origin.tz)
        return self._time(record.get("arrival"), "scheduled", destination.tz)

    @property
    def _options(self) -> AviationStackOptions:
        return cast(AviationStackOptions, self.options)

    def flight(self, board: str, record: dict[str, Any]) -> Seen | str:
        airline = text_at(record, "airline", "iata")
        number = (flights.flight_number(text_at(record, "flight", "iata"))
                  or flights.flight_number(text_at(record, "flight", "number"), airline))
        if number is None:
            return "no IATA flight number"
        dep, arr = record.get("departure"), record.get("arrival")
        origin, destination = self._endpoints(record)
        try:
            departure = self._time(dep, "scheduled", origin.tz)
            arrival = self._time(arr, "scheduled", destination.tz)
            estimated = self._time(dep, "estimated", origin.tz)
        except ValueError as exc:
            return str(exc)
        if departure is None:
            return "no departure.scheduled time"
        raw = text_at(record, "flight_status")
        status = flights.AVIATIONSTACK.get(raw or "", "unknown")
        delay = value_at(dep, "delay")
        late = (isinstance(delay, int | float) and not isinstance(delay, bool)
                and delay >= flights.DELAY_THRESHOLD.total_seconds() / 60)
        if status == "scheduled" and (late or flights.is_late(departure, estimated)):
            status = "delayed"
        date = text_at(record, "flight_date") or ""
        if not _is_date(date):
            date = flights.local_date(departure, origin.tz)
        return Seen(item=flights.flight_item(
            source=self.name, number=number, airline=airline or number[:2], origin=origin,
            destination=destination, date=date, status=status, departure=departure,
            arrival=arrival, raw_status=raw),
            at=departure if self._at_origin(origin) else arrival)   # = scheduled_at()

    def _endpoints(self, record: dict[str, Any]) -> tuple[flights.Endpoint, flights.Endpoint]:
        dep, arr = record.get("departure"), record.get("arrival")
        return (flights.endpoint(icao=text_at(dep, "icao"), iata=text_at(dep, "iata"),
                                 tz=text_at(dep, "timezone")),
                flights.endpoint(icao=text_at(arr, "icao"), iata=text_at(arr, "iata"),
                                 tz=text_at(arr, "timezone")))

    def _at_origin(self, origin: flights.Endpoint) -> bool:
        here = self._options.board_airport()
        return here.icao is not None and here.icao == origin.icao

    def _time(self, side: Any, name: str, tz: str | None) -> datetime | None:
        value = text_at(side, name)
        if value is None:
            return None
        try:
            if self._options.local_times:
                return flights.local_to_utc(value, tz)
            return flights.utc_time(value)
        except (ValueError, OverflowError):
            raise ValueError(f"{name} time {value!r} is not an ISO time") from None


def _is_date(text: str) -> bool:
    try:
        datetime.strptime(text, "%Y-%m-%d")
    except ValueError:
        return False
    return True
