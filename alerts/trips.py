"""Which bookings are at risk, and why (pure): a desk's booked flights against what is known.

A booking is at risk when, on its date:
- its flight is cancelled, probably cancelled or delayed (any flight source: the flight item
  of the same number and local date);
- its airline has suspended its route: a suspension alert on the route (cancellations that
  agree, `TP LIS-CCS suspension`) while one of its flights is still cancelled, from the
  first cancelled day on; or the airline's own notice at warning or above naming the route
  (a city pair) or, when it names no pair, one of its airports or their countries, and
  stating days that cover the date ("until further notice" covers every day after it began);
- an airspace hazard (a NOTAM, a state restriction or a conflict-zone bulletin) affects its
  route by the rules of `monitor route` (FIRs crossed, areas near its great circle) and is
  valid on its date (an estimated end is no end).

Every reason belongs to a cause: the flight (`TP173 2026-01-10`), the airline's suspension of
the booking's route (`TP LIS-CCS suspension`, whatever the evidence) or the hazard's key.
Alerts are made per cause, listing the bookings it hits.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from alerts.airports import UnknownAirport, resolve_airport
from alerts.routes import RouteProfile, route_reasons
from monitor.bookings import Booking
from monitor.notice_dates import Validity, covers
from monitor.types import Item, ItemKind, Severity

HAZARD_KINDS = frozenset({ItemKind.NOTAM, ItemKind.RESTRICTION, ItemKind.BULLETIN})
TROUBLE_WORDS = {"cancelled": "cancelled", "cancelled_probable": "probably cancelled",
                 "delayed": "delayed"}
DISRUPTED = frozenset({"cancelled", "cancelled_probable"})
SUSPENSION_SUFFIX = " suspension"


@dataclass(frozen=True)
class TripWatch:
    """A watchlist's bookings with the geometry of their routes (by `Booking.route`)."""

    bookings: tuple[Booking, ...] = ()
    routes: Mapping[str, RouteProfile] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Suspension:
    """A suspension alert (`TP LIS-CCS suspension`) as the trip rules read it."""

    key: str
    airline: str
    airports: frozenset[str]          # ICAO codes of the route's airports
    flights: tuple[str, ...] = ()     # the cancelled flights' keys (`TP173 2025-11-22`)

    @property
    def began(self) -> date | None:
        days = [_flight_day(key) for key in self.flights]
        return min((d for d in days if d is not None), default=None)


@dataclass(frozen=True, slots=True)
class Hit:
    """One cause putting one booking at risk."""

    cause: str
    label: str                        # what a title names: `TP173 2026-01-10 cancelled`
    severity: Severity
    reason: str                       # why, for this booking
    items: tuple[str, ...] = ()       # keys of what says so
    sources: tuple[str, ...] = ()
    url: str | None = None


@dataclass(frozen=True)
class TripRisk:
    """A booking and what puts it at risk, highest severity first (none: not at risk)."""

    booking: Booking
    hits: tuple[Hit, ...] = ()

    @property
    def severity(self) -> Severity | None:
        return max((h.severity for h in self.hits), default=None)

    @property
    def reasons(self) -> list[str]:
        return [f"{h.label}: {h.reason}" for h in self.hits]

    @property
    def items(self) -> list[str]:
        return list(dict.fromkeys(key for h in self.hits for key in h.items))

    def to_json(self) -> dict[str, Any]:
        severity = self.severity
        return {**self.booking.to_json(),
                "severity": severity.label if severity is not None else None,
                "reasons": self.reasons, "items": self.items}


@dataclass
class CauseHits:
    """Every booking one cause hits, for one alert."""

    cause: str
    label: str
    severity: Severity
    bookings: list[tuple[Booking, str]] = field(default_factory=list)   # (booking, reason)
    items: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    url: str | None = None


def assess(bookings: Iterable[Booking], items: Iterable[Item],
           suspensions: Iterable[Suspension], routes: Mapping[str, RouteProfile], *,
           min_severity: Severity = Severity.INFO) -> list[TripRisk]:
    """Each booking with its risks, in the order given. `items` is what is known now (any
    status; several sources may report one key); causes below `min_severity` are left out."""
    known = _Known(items, min_severity)
    standing = [s for s in suspensions if known.stands(s)]
    risks = []
    for booking in bookings:
        hits: dict[str, Hit] = {}
        for hit in (*_flight_hits(booking, known), *_notice_hits(booking, known),
                    *_suspension_hits(booking, standing),
                    *_hazard_hits(booking, known, routes.get(booking.route))):
            if hit.severity >= min_severity:
                hits[hit.cause] = _merge(hits[hit.cause], hit) if hit.cause in hits else hit
        ordered = sorted(hits.values(), key=lambda h: (-int(h.severity), h.cause))
        risks.append(TripRisk(booking, tuple(ordered)))
    return risks


def ranked(risks: Iterable[TripRisk]) -> list[TripRisk]:
    """Highest severity first, then the earliest trip; bookings at no risk last."""
    return sorted(risks, key=risk_order)


def risk_order(risk: TripRisk) -> tuple[int, date, str, str]:
    severity = risk.severity
    return (-int(severity) if severity is not None else 1, risk.booking.date,
            risk.booking.ref, risk.booking.flight)


def by_cause(risks: Iterable[TripRisk]) -> dict[str, CauseHits]:
    """The bookings each cause hits, in booking date order."""
    causes: dict[str, CauseHits] = {}
    for risk in sorted(risks, key=lambda r: (r.booking.date, r.booking.ref, r.booking.flight)):
        for hit in risk.hits:
            entry = causes.get(hit.cause)
            if entry is None:
                entry = causes[hit.cause] = CauseHits(hit.cause, hit.label, hit.severity,
                                                      url=hit.url)
            elif hit.severity > entry.severity:
                entry.severity, entry.label = hit.severity, hit.label
            entry.bookings.append((risk.booking, hit.reason))
            entry.items = list(dict.fromkeys([*entry.items, *hit.items]))
            entry.sources = list(dict.fromkeys([*entry.sources, *hit.sources]))
            entry.url = entry.url or hit.url
    return causes


def suspension_of(key: str, data: Mapping[str, Any]) -> Suspension | None:
    """A stored suspension alert (`TP LIS-CCS suspension` and its data) as a Suspension;
    None for a key of another shape."""
    if not key.endswith(SUSPENSION_SUFFIX):
        return None
    airline, _, route = key.removesuffix(SUSPENSION_SUFFIX).partition(" ")
    try:
        airports = frozenset(resolve_airport(code).icao for code in route.split("-"))
    except UnknownAirport:
        return None
    if len(airline) != 2 or len(airports) < 2:
        return None
    flights = tuple(str(f) for f in data.get("flights") or ())
    return Suspension(key=key, airline=airline, airports=airports, flights=flights)


def suspension_cause(booking: Booking) -> str:
    return f"{booking.airline} {booking.route}{SUSPENSION_SUFFIX}"


# -- the rules ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _OnRoute:
    """A hazard on a route: the days it is valid (by UTC day, as `covers` compares) and the
    hit it makes for any booking on one of them."""

    validity: Validity
    hit: Hit


class _Known:
    """The items by what the rules look them up by."""

    def __init__(self, items: Iterable[Item], min_severity: Severity) -> None:
        self.flights: dict[str, list[Item]] = {}
        self.notices: dict[str, list[Item]] = {}
        self.hazards: dict[str, list[Item]] = {}
        self._on_route: dict[str, list[_OnRoute]] = {}
        for item in items:
            if item.kind == ItemKind.FLIGHT:
                self.flights.setdefault(item.key, []).append(item)
            elif not item.is_active:
                continue
            elif item.kind == ItemKind.ADVISORY and item.airlines:
                if item.severity >= Severity.WARNING:
                    for airline in item.airlines:
                        self.notices.setdefault(airline, []).append(item)
            elif item.kind in HAZARD_KINDS and item.severity >= min_severity:
                self.hazards.setdefault(item.key, []).append(item)

    def on_route(self, profile: RouteProfile) -> list[_OnRoute]:
        """The hazards affecting a route, found once per route: many bookings fly the same
        few routes, and only the validity is left to check per booking."""
        found = self._on_route.get(profile.label)
        if found is None:
            found = []
            for reports in self.hazards.values():
                item = max(reports, key=lambda i: int(i.severity))
                reasons = route_reasons(profile, item)
                if not reasons:
                    continue
                end = None if item.valid_to_estimated else item.valid_to
                found.append(_OnRoute(
                    Validity(first_day=item.valid_from.date() if item.valid_from else None,
                             last_day=end.date() if end else None),
                    Hit(cause=item.key, label=item.key, severity=item.severity,
                        reason=f"{'; '.join(reasons)} ({_valid(item)})", items=(item.key,),
                        sources=_sources(reports), url=item.url)))
            self._on_route[profile.label] = found
        return found

    def stands(self, suspension: Suspension) -> bool:
        """A suspension stands while one of its flights is still reported cancelled."""
        if not suspension.flights:
            return True
        return any(item.status in DISRUPTED for key in suspension.flights
                   for item in self.flights.get(key, ()))


def _flight_hits(booking: Booking, known: _Known) -> Iterable[Hit]:
    troubled = [item for item in known.flights.get(booking.flight_key, ())
                if item.status in TROUBLE_WORDS and _same_leg(item, booking)]
    if not troubled:
        return []
    worst = max(troubled, key=lambda i: (int(i.severity), i.status == "cancelled"))
    words = TROUBLE_WORDS[worst.status]
    return [Hit(cause=booking.flight_key, label=f"{booking.flight_key} {words}",
                severity=worst.severity,
                reason=f"flight {booking.flight} {words} on {booking.date.isoformat()}",
                items=(booking.flight_key,), sources=_sources(troubled), url=worst.url)]


def _notice_hits(booking: Booking, known: _Known) -> Iterable[Hit]:
    hits = []
    for notice in known.notices.get(booking.airline, ()):
        if not _names_trip(notice, booking):
            continue
        if not covers(notice.valid_from, notice.valid_to, booking.date):
            continue
        hits.append(Hit(cause=suspension_cause(booking), label=suspension_cause(booking),
                        severity=notice.severity, reason=notice.title, items=(notice.key,),
                        sources=(notice.source,), url=notice.url))
    return hits


def _suspension_hits(booking: Booking, suspensions: Sequence[Suspension]) -> Iterable[Hit]:
    ends = {booking.origin_icao, booking.destination_icao}
    hits = []
    for suspension in suspensions:
        if suspension.airline != booking.airline or not ends <= suspension.airports:
            continue
        began = suspension.began
        if began is not None and booking.date < began:
            continue
        count = len(suspension.flights)
        since = f" since {began.isoformat()}" if began else ""
        hits.append(Hit(cause=suspension_cause(booking), label=suspension_cause(booking),
                        severity=Severity.WARNING,
                        reason=f"{suspension.key}: {count} flight(s) cancelled{since}",
                        items=(suspension.key,)))
    return hits


def _hazard_hits(booking: Booking, known: _Known,
                 profile: RouteProfile | None) -> Iterable[Hit]:
    if profile is None:
        return []
    return [hazard.hit for hazard in known.on_route(profile)
            if hazard.validity.covers(booking.date)]


def _names_trip(notice: Item, booking: Booking) -> bool:
    """The notice names the booking's city pair; or, naming no pair, one of its airports
    or their countries."""
    from alerts.city_pairs import named_pairs

    ends = (booking.origin_icao, booking.destination_icao)
    pairs = named_pairs(f"{notice.title}\n{notice.body}")
    if pairs:
        a, b = ends
        return any((a in one and b in other) or (b in one and a in other)
                   for one, other in pairs)
    if set(ends) & set(notice.airports):
        return True
    return bool(_countries(ends) & set(notice.countries))


def _countries(icaos: Iterable[str]) -> set[str]:
    found = set()
    for icao in icaos:
        try:
            country = resolve_airport(icao).country
        except UnknownAirport:
            continue
        if country:
            found.add(country)
    return found


def _same_leg(item: Item, booking: Booking) -> bool:
    """A flight number flown on several legs: the item's leg touches the booking's airports."""
    flight = item.flight
    if flight is None or not (flight.origin or flight.destination):
        return True
    return bool({flight.origin, flight.destination}
                & {booking.origin_icao, booking.destination_icao})


def _merge(first: Hit, second: Hit) -> Hit:
    top = first if first.severity >= second.severity else second
    reasons = list(dict.fromkeys([first.reason, second.reason]))
    return Hit(cause=first.cause, label=top.label, severity=top.severity,
               reason="; ".join(reasons),
               items=tuple(dict.fromkeys([*first.items, *second.items])),
               sources=tuple(dict.fromkeys([*first.sources, *second.sources])),
               url=first.url or second.url)


def _sources(items: Iterable[Item]) -> tuple[str, ...]:
    return tuple(sorted({i.source for i in items}))


def _valid(item: Item) -> str:
    end = item.valid_to
    if end is None:
        return "no end stated"
    estimated = " (estimated)" if item.valid_to_estimated else ""
    return f"valid to {_day(end)}{estimated}"


def _day(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%MZ")


def _flight_day(key: str) -> date | None:
    _, _, day = key.rpartition(" ")
    try:
        return date.fromisoformat(day)
    except ValueError:
        return None
