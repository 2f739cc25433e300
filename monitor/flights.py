"""Flights: provider status tables, local dates, and the one way a flight becomes an Item.

Every flight kind (aerodatabox, aviationstack, flightaware, eldorado) ends here, so the same
flight seen by two providers gets the same key (`"<IATA flight> <local date>"`, e.g.
`"G39511 2025-11-22"`), the same normalised status and the same severity. The local date is
that of the scheduled departure at the origin; a board that gives only the arrival time (an
arrivals board without the other leg) dates the flight by its arrival, which is the same day
for the short daytime routes the desks watch.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from alerts.airports import UnknownAirport, country_of_icao_prefix, resolve_airport
from monitor.countries import fold
from monitor.types import Flight, Item, ItemKind, Severity

STATUSES = ("scheduled", "delayed", "departed", "landed", "diverted", "cancelled",
            "cancelled_probable", "unknown")

SEVERITIES: dict[str, Severity] = {
    "cancelled": Severity.WARNING,
    "cancelled_probable": Severity.ADVISORY,
    "delayed": Severity.ADVISORY,
    "diverted": Severity.ADVISORY,
}

# AeroDataBox `status` [doc]. CanceledUncertain: the expected updates never came.
AERODATABOX: dict[str, str] = {
    "Unknown": "unknown", "Expected": "scheduled", "CheckIn": "scheduled",
    "Boarding": "scheduled", "GateClosed": "scheduled", "Departed": "departed",
    "EnRoute": "departed", "Approaching": "departed", "Delayed": "delayed",
    "Arrived": "landed", "Canceled": "cancelled", "CanceledUncertain": "cancelled_probable",
    "Diverted": "diverted",
}

# AviationStack `flight_status` [doc].
AVIATIONSTACK: dict[str, str] = {
    "scheduled": "scheduled", "active": "departed", "landed": "landed",
    "cancelled": "cancelled", "incident": "unknown", "diverted": "diverted",
}

# El Dorado `status.code`: only the cancellation codes are documented; the rest is read from
# the status text with BOARD_WORDS.
ELDORADO_CODES: dict[str, str] = {"CAN": "cancelled", "CNL": "cancelled"}

# Airport-board wording (El Dorado status text, the Maiquetía board), folded. Mostly [unv]:
# confirm against live boards.
BOARD_WORDS: dict[str, str] = {
    "cancelado": "cancelled", "cancelada": "cancelled", "cancelled": "cancelled",
    "canceled": "cancelled", "cnl": "cancelled", "can": "cancelled",
    "demorado": "delayed", "retrasado": "delayed", "delayed": "delayed", "dly": "delayed",
    "nueva hora": "delayed", "new time": "delayed",
    "despego": "departed", "departed": "departed", "en vuelo": "departed",
    "salio": "departed", "took off": "departed", "airborne": "departed",
    "aterrizo": "landed", "aterrizado": "landed", "landed": "landed", "arrived": "landed",
    "llego": "landed", "en tierra": "landed",
    "desviado": "diverted", "diverted": "diverted",
    "confirmado": "scheduled", "confirmed": "scheduled", "a tiempo": "scheduled",
    "on time": "scheduled", "programado": "scheduled", "scheduled": "scheduled",
    "en hora": "scheduled", "embarcando": "scheduled", "abordando": "scheduled",
    "boarding": "scheduled", "ultimo llamado": "scheduled", "final call": "scheduled",
    "puerta cerrada": "scheduled", "gate closed": "scheduled", "check-in": "scheduled",
}

# A revised or estimated time this late turns a scheduled flight into a delayed one.
DELAY_THRESHOLD = timedelta(minutes=30)

_FLIGHT = re.compile(r"([A-Z0-9]{2})\s*0*(\d{1,4}[A-Z]?)")


@dataclass(frozen=True, slots=True)
class Endpoint:
    """One end of a flight: codes, country and time zone as far as they are known."""

    icao: str | None
    iata: str | None = None
    country: str | None = None
    tz: str | None = None

    @property
    def label(self) -> str:
        return self.iata or self.icao or "?"


def endpoint(*, icao: str | None = None, iata: str | None = None,
             tz: str | None = None) -> Endpoint:
    """An endpoint completed from `airportsdata` (ICAO first, then IATA); unknown codes stay
    as given, with the country of the ICAO prefix when there is one."""
    icao = (icao or "").strip().upper() or None
    iata = (iata or "").strip().upper() or None
    for code in (icao, iata):
        if not code:
            continue
        try:
            airport = resolve_airport(code)
        except UnknownAirport:
            continue
        return Endpoint(icao=airport.icao, iata=airport.iata or iata,
                        country=airport.country or None, tz=tz or airport.tz or None)
    country = country_of_icao_prefix(icao) if icao else None
    return Endpoint(icao=icao, iata=iata, country=country, tz=tz)


def flight_number(text: str | None, airline: str | None = None) -> str | None:
    """`"AV 71"` -> `"AV71"`, `"G3 9511"` -> `"G39511"`, `("AV", "0070")` -> `"AV70"`; None
    when no IATA flight number can be made."""
    raw = "".join((text or "").upper().split())
    code = (airline or "").strip().upper()
    if raw.isdigit() and len(code) == 2:
        raw = code + raw
    match = _FLIGHT.fullmatch(raw)
    if match is None:
        return None
    return match.group(1) + match.group(2)


def local_date(when: datetime, tz: str | None) -> str:
    """The calendar date of `when` in the zone `tz` (UTC when the zone is unknown)."""
    return when.astimezone(_zone(tz)).date().isoformat()


def local_to_utc(text: str, tz: str | None) -> datetime:
    """A wall-clock time at a place (`"2025-11-22 07:15:00"`, or ISO with an offset to ignore)
    as an aware UTC datetime; ValueError when it is not a time."""
    value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    return value.replace(tzinfo=_zone(tz)).astimezone(UTC)


def utc_time(text: str) -> datetime:
    """A provider's UTC or offset time (`"2025-11-22 12:00Z"`, ISO `Z` or `+00:00`) as aware UTC;
    ValueError when it is not one."""
    value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    if value.tzinfo is None:
        raise ValueError(f"time {text!r} has no zone")
    return value.astimezone(UTC)


def is_late(scheduled: datetime | None, revised: datetime | None) -> bool:
    return scheduled is not None and revised is not None and (
        revised - scheduled >= DELAY_THRESHOLD)


def board_status(text: str | None) -> str | None:
    """The normalised status of an airport-board word ("CANCELADO", "Aterrizó"), else None."""
    folded = fold(text or "")
    if not folded:
        return None
    if folded in BOARD_WORDS:
        return BOARD_WORDS[folded]
    return "cancelled" if "cancel" in folded else None


def severity(status: str) -> Severity:
    return SEVERITIES.get(status, Severity.INFO)


def flight_item(*, source: str, number: str, airline: str | None, origin: Endpoint,
                destination: Endpoint, date: str, status: str,
                departure: datetime | None = None, arrival: datetime | None = None,
                url: str | None = None, raw_status: str | None = None) -> Item:
    """The flight Item every flight kind produces.

    `flight.scheduled` is the scheduled departure (UTC), else the scheduled arrival. The body
    names the schedule, and the upstream status only when it maps to `unknown`: a raw status
    that moves within one normalised status (Expected, CheckIn, Boarding) is not a change.
    """
    if status not in STATUSES:
        raise ValueError(f"unknown flight status {status!r}")
    route = f"{origin.label}-{destination.label}"
    lines = [_schedule_line(origin, destination, departure, arrival)]
    if status == "unknown" and raw_status:
        lines.append(f"Upstream status: {raw_status!r}.")
    return Item(
        source=source, kind=ItemKind.FLIGHT, key=f"{number} {date}",
        title=f"{number} {route} {date}: {status}", body="\n".join(lines), url=url,
        severity=severity(status), status=status,
        airports=tuple(e.icao for e in (origin, destination) if e.icao),
        countries=tuple(e.country for e in (origin, destination) if e.country),
        airlines=(airline,) if airline else (),
        flight=Flight(number=number, date=date, origin=origin.icao, destination=destination.icao,
                      scheduled=departure or arrival),
    )


def _schedule_line(origin: Endpoint, destination: Endpoint, departure: datetime | None,
                   arrival: datetime | None) -> str:
    route = f"{origin.label} to {destination.label}"
    if departure is not None:
        return f"Scheduled departure {_local(departure, origin.tz)}, {route}."
    if arrival is not None:
        return f"Scheduled arrival {_local(arrival, destination.tz)}, {route}."
    return f"Flight {route}."


def _local(when: datetime, tz: str | None) -> str:
    local = when.astimezone(_zone(tz))
    stamp = when.astimezone(UTC).strftime("%H:%MZ")
    return f"{local:%Y-%m-%d %H:%M} local ({stamp})" if tz else f"{local:%Y-%m-%d %H:%M}Z"


def _zone(tz: str | None) -> ZoneInfo:
    if tz:
        try:
            return ZoneInfo(tz)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return ZoneInfo("UTC")
