"""Airports by IATA or ICAO code, resolved from the `airportsdata` tables."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from alerts.icao_prefixes import countries_of_icao_prefix, country_of_icao_prefix

__all__ = [
    "Airport",
    "UnknownAirport",
    "countries_of_icao_prefix",
    "country_of_icao_prefix",
    "iata_records",
    "resolve_airport",
]

_IATA = re.compile(r"[A-Z]{3}")
_ICAO = re.compile(r"[A-Z]{4}")


class UnknownAirport(ValueError):
    """A code that is not an IATA or ICAO airport code known to airportsdata."""

    def __init__(self, code: str, message: str | None = None) -> None:
        self.code = code
        super().__init__(message or f"unknown airport code '{code}'")


@dataclass(frozen=True, slots=True)
class Airport:
    """One airport: codes, place, ISO 3166-1 alpha-2 country, position and time zone."""

    icao: str
    iata: str | None
    name: str
    city: str
    country: str
    lat: float
    lon: float
    tz: str

    @property
    def position(self) -> tuple[float, float]:
        return (self.lat, self.lon)


def resolve_airport(code: str) -> Airport:
    """The airport for an IATA (3 letters) or ICAO (4 letters) code, any case.

    Raises UnknownAirport (a ValueError) naming the code when it is malformed or unknown.
    """
    normalised = code.strip().upper()
    if _IATA.fullmatch(normalised):
        record = _tables()[1].get(normalised)
        kind = "IATA"
    elif _ICAO.fullmatch(normalised):
        record = _tables()[0].get(normalised)
        kind = "ICAO"
    else:
        raise UnknownAirport(code, f"'{code}' is not an airport code "
                                   "(IATA is 3 letters, ICAO is 4 letters)")
    if record is None:
        raise UnknownAirport(code, f"unknown airport code '{normalised}' "
                                   f"(no {kind} airport of that code in airportsdata)")
    return _airport(record)


def iata_records() -> Iterable[Mapping[str, Any]]:
    """Every airport that has an IATA code, as airportsdata's records (icao, city, ...)."""
    return _tables()[1].values()


@cache
def _tables() -> tuple[dict[str, Any], dict[str, Any]]:
    """The ICAO and IATA tables, read once on first use.

    Imported here, not at module level: loading takes a noticeable fraction of a second and
    most CLI commands never resolve an airport.
    """
    import airportsdata

    return airportsdata.load("ICAO"), airportsdata.load("IATA")


def _airport(record: Mapping[str, Any]) -> Airport:
    return Airport(
        icao=record["icao"],
        iata=record.get("iata") or None,
        name=record.get("name") or "",
        city=record.get("city") or "",
        country=record.get("country") or country_of_icao_prefix(record["icao"]) or "",
        lat=float(record["lat"]),
        lon=float(record["lon"]),
        tz=record.get("tz") or "",
    )
