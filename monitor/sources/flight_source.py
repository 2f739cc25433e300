"""What the flight-status kinds share: options, the time window, and a parse that filters.

Each kind turns its provider's records into `Seen` flights (the item plus the time at the
board's airport); the shared `parse` keeps the first of repeated keys, applies the `airlines`
filter and the window, and refuses a body that lost its shape. The window travels from `fetch`
(which knows `now`) to `parse` (which stays pure) as `extra["window"]`; without it, as in
`monitor parse`, nothing is dropped for time.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, ClassVar, Literal, cast

from pydantic import Field, field_validator

from alerts.airports import UnknownAirport, resolve_airport
from monitor import flights, regions
from monitor.durations import parse_duration
from monitor.lexicon import airline_code
from monitor.sources.api import JSON_TYPES, decode_json, error_envelope, layout_changed
from monitor.sources.base import Fetched, Region, Source, SourceOptions
from monitor.types import Item, iso, parse_iso

# How far back a board is read: a flight cancelled an hour ago is still news.
LOOKBACK = timedelta(hours=2)
DIRECTIONS = ("departures", "arrivals")


class FlightOptions(SourceOptions):
    """`direction`: departures | arrivals | both; `window`: how far ahead to look, a duration
    such as "12h" (providers with a shorter limit are capped); `airlines`: IATA codes to keep
    (empty: all)."""

    direction: Literal["departures", "arrivals", "both"] = "both"
    window: str = "12h"
    airlines: list[str] = Field(default_factory=list)

    @field_validator("window")
    @classmethod
    def _duration(cls, value: str) -> str:
        parse_duration(value)
        return value.strip()

    @field_validator("airlines")
    @classmethod
    def _codes(cls, values: list[str]) -> list[str]:
        return [airline_code(v) for v in values]

    @property
    def window_length(self) -> timedelta:
        return parse_duration(self.window)


class AirportFlightOptions(FlightOptions):
    """`airport`: the board's airport, IATA or ICAO (e.g. "CCS" or "SVMI")."""

    airport: str

    @field_validator("airport")
    @classmethod
    def _known(cls, value: str) -> str:
        try:
            resolve_airport(value)
        except UnknownAirport as exc:
            raise ValueError(str(exc)) from None
        return value.strip().upper()

    def board_airport(self) -> flights.Endpoint:
        """The board's airport, completed from its IATA or ICAO code."""
        code = self.airport
        return flights.endpoint(icao=code if len(code) == 4 else None,
                                iata=code if len(code) == 3 else None)


# One relevant record of a body: where it sits (for messages), its board, the record.
Row = tuple[str, str, dict[str, Any]]


@dataclass(frozen=True, slots=True)
class Seen:
    """One flight as a board shows it: the item and the scheduled time at the board's airport."""

    item: Item
    at: datetime | None


class FlightSource(Source):
    """Base of the flight kinds: `flights()` reads one decoded body; the rest is shared."""

    provider: ClassVar[str]
    expect = JSON_TYPES
    # Top-level keys of a body that holds data (anything else may be an error envelope).
    data_keys: ClassVar[tuple[str, ...]] = ()

    def parse(self, body: bytes, *, url: str,
              extra: Mapping[str, bytes] | None = None) -> list[Item]:
        seen, problems = self.flights(self.data(body, url=url), url=url, extra=extra or {})
        if problems and not seen:
            # Records that are all unreadable mean the format changed, not a quiet airport.
            raise layout_changed(f"no readable flight in the {self.provider} response: "
                                 f"{problems[0]}", url)
        window = read_window((extra or {}).get("window"))
        airlines = set(cast(FlightOptions, self.options).airlines)
        items: dict[str, Item] = {}
        for flight in seen:
            item = flight.item
            if airlines and not airlines.intersection(item.airlines):
                continue
            if window and flight.at is not None and not window[0] <= flight.at <= window[1]:
                continue
            items.setdefault(item.key, item)
        return list(items.values())

    def region(self, fetched: Fetched) -> Region:
        """What decides the items, before any is built: every relevant record (canonical
        JSON, in order), whether its time lies in the window, the options and the URL.

        `chars` is 0: a board's size follows the hour (a quiet night is not a layout change),
        so only its shape is judged."""
        window = read_window(fetched.extra.get("window"))
        parts = [self.kind, self.url, fetched.url, self.options.model_dump_json()]
        for page in fetched.pages:
            data = self.data(page, url=fetched.url)
            for _, board, record in self.rows(data, url=fetched.url, extra=fetched.extra):
                parts += [board, json.dumps(record, sort_keys=True, ensure_ascii=False,
                                            separators=(",", ":")),
                          self._placed(board, record, window)]
        return Region(digest=regions.digest(*parts), chars=0)

    def data(self, body: bytes, *, url: str) -> Any:
        """The decoded body; ParseError when it is not JSON or is the provider's error."""
        data = decode_json(body, what=f"the {self.provider} response", url=url)
        envelope = error_envelope(data, data_keys=self.data_keys)
        if envelope is not None:
            raise layout_changed(f"the body is an error from {self.provider}, not flights "
                                 f"({envelope.message})", url)
        return data

    def flights(self, data: Any, *, url: str,
                extra: Mapping[str, bytes]) -> tuple[list[Seen], list[str]]:
        """The flights of one decoded body, and a description of each unreadable record."""
        seen: list[Seen] = []
        problems: list[str] = []
        for where, board, record in self.rows(data, url=url, extra=extra):
            flight = self.flight(board, record)
            if isinstance(flight, str):
                problems.append(f"{where}: {flight}")
            else:
                seen.append(flight)
        return seen, problems

    def rows(self, data: Any, *, url: str, extra: Mapping[str, bytes]) -> list[Row]:
        """The records the items come from, as (where, board, record): codeshares and
        unwatched places left out. Raise ParseError (`layout_changed`) when the body itself
        has the wrong shape."""
        raise NotImplementedError

    def flight(self, board: str, record: dict[str, Any]) -> Seen | str:
        """One record as a flight, or what makes it unreadable."""
        raise NotImplementedError

    def scheduled_at(self, board: str, record: dict[str, Any]) -> datetime | None:
        """The record's time at the board's airport (what the window is applied to), as
        `flight` reads it; ValueError when it is malformed."""
        raise NotImplementedError

    def _placed(self, board: str, record: dict[str, Any],
                window: tuple[datetime, datetime] | None) -> str:
        if window is None:
            return ""
        try:
            at = self.scheduled_at(board, record)
        except ValueError:
            return "?"
        return "" if at is None else "in" if window[0] <= at <= window[1] else "out"

    def directions(self) -> tuple[str, ...]:
        wanted = cast(FlightOptions, self.options).direction
        return DIRECTIONS if wanted == "both" else (wanted,)

    def window(self, now: datetime) -> tuple[datetime, datetime]:
        return now - LOOKBACK, now + cast(FlightOptions, self.options).window_length

    def window_extra(self, now: datetime) -> dict[str, bytes]:
        start, end = self.window(now)
        return {"window": f"{iso(start)}/{iso(end)}".encode()}


def read_window(raw: bytes | None) -> tuple[datetime, datetime] | None:
    """`extra["window"]` (`"<start>/<end>"`, ISO UTC) back as datetimes; None if absent/bad."""
    if not raw:
        return None
    try:
        start, end = raw.decode("ascii").split("/")
        first, last = parse_iso(start), parse_iso(end)
    except (UnicodeDecodeError, ValueError):
        return None
    return (first, last) if first and last else None


def records(data: Any, key: str, *, url: str, required: bool = True) -> list[Any]:
    """`data[key]` when it is a list; ParseError naming the key when `required` and it is not."""
    value = data.get(key) if isinstance(data, dict) else None
    if isinstance(value, list):
        return value
    if required or value is not None:
        raise layout_changed(f"no {key!r} list in the response", url)
    return []


def value_at(record: Any, *path: str) -> Any:
    """`record[path[0]][path[1]]...`, None where a step is missing or not an object."""
    value = record
    for step in path:
        if not isinstance(value, dict):
            return None
        value = value.get(step)
    return value


def text_at(record: Any, *path: str) -> str | None:
    """A string (or number) field as stripped text; None when absent or empty."""
    value = value_at(record, *path)
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return str(value)
    return value.strip() or None if isinstance(value, str) else None


def first_text(record: Any, paths: Iterable[Sequence[str]]) -> str | None:
    return next((t for t in (text_at(record, *p) for p in paths) if t), None)
