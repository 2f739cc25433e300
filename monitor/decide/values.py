"""The plain values of a batch decision: what the store knows, what each run brings,
what the rules decide."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any

from alerts.trips import Suspension
from monitor.records import NewAlert
from monitor.types import ChangeKind, Item, ItemKind, Severity

TWIN_WINDOW = timedelta(hours=24)          # the same hazard from another source: cite it


SUSPENSION_WINDOW = timedelta(hours=48)    # two cancellations within this make a suspension


SUSPENSION_MEMORY = timedelta(days=7)      # a suspension alert is updated, not repeated


# Kinds whose entry can give way to a newer entry on the same FIR (a KICZ NOTAM re-issued).
SUPERSEDABLE = frozenset({ItemKind.NOTAM, ItemKind.RESTRICTION, ItemKind.BULLETIN})


NEWS = frozenset({ChangeKind.NEW, ChangeKind.UPDATED, ChangeKind.REINSTATED})


@dataclass(frozen=True, slots=True)
class Desk:
    """A watchlist's delivery settings: its enabled channels and quiet hours."""

    channels: tuple[str, ...] = ()
    quiet_hours: tuple[time, time] | None = None
    timezone: str = "UTC"


@dataclass(frozen=True, slots=True)
class PriorAlert:
    """A stored item alert the rules look back on."""

    id: int
    watchlist: str
    key: str
    change: str
    source: str
    created_at: datetime
    waiting: bool                 # deliveries still pending: a citation can still be added


@dataclass(frozen=True, slots=True)
class Reported:
    """One source's stored item for a key."""

    source: str
    status: str
    active: bool


@dataclass(frozen=True, slots=True)
class Neighbour:
    """An active stored item of the same source, for telling a replacement from an end."""

    key: str
    kind: str
    firs: frozenset[str]
    first_seen_at: datetime


@dataclass(frozen=True, slots=True)
class CancelledFlight:
    key: str
    airlines: frozenset[str]
    airports: frozenset[str]      # ICAO
    changed_at: datetime


@dataclass(frozen=True, slots=True)
class ToldBookings:
    """The last booking alert of a watchlist on one cause: which bookings it named as
    affected (`ref flight date`), or that it was an all-clear."""

    id: int
    bookings: frozenset[str]
    all_clear: bool
    severity: Severity
    label: str
    items: tuple[str, ...] = ()


@dataclass(frozen=True)
class Knowledge:
    """What the store knows that the rules need, loaded once for a batch."""

    told: Mapping[str, frozenset[str]] = field(default_factory=dict)   # key -> watchlists
    reported: Mapping[str, tuple[Reported, ...]] = field(default_factory=dict)  # key ->
    prior: Mapping[tuple[str, str], tuple[PriorAlert, ...]] = field(default_factory=dict)
    last_seen: Mapping[tuple[str, str], datetime] = field(default_factory=dict)  # (src, key)
    neighbours: Mapping[str, tuple[Neighbour, ...]] = field(default_factory=dict)  # source ->
    cancelled_flights: tuple[CancelledFlight, ...] = ()
    airline_warnings: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # For the watchlists with bookings: the stored items the trip rules read (the bookings'
    # flights, airline notices, airspace hazards), recent suspension alerts, and the last
    # booking alert per (watchlist, cause).
    trip_items: tuple[Item, ...] = ()
    suspensions: tuple[Suspension, ...] = ()
    bookings_told: Mapping[tuple[str, str], ToldBookings] = field(default_factory=dict)


@dataclass(frozen=True)
class Wants:
    """What a batch needs the store to look up (nothing for an unchanged cycle)."""

    keys: frozenset[str]
    suspension_keys: frozenset[str]
    cleared: frozenset[tuple[str, str]]       # (source, key) of all-clears
    flights: bool                             # cancellations to corroborate
    trip_watchlists: frozenset[str] = frozenset()   # watchlists with bookings
    trip_flights: frozenset[str] = frozenset()      # the bookings' flight keys
    trip_severity: Severity = Severity.CRITICAL     # the lowest min_severity among them

    @property
    def anything(self) -> bool:
        return bool(self.keys or self.suspension_keys or self.trip_watchlists)


@dataclass
class Decision:
    """The alerts to write with each run (by the run's position in the batch) and the log
    lines of what was merged or held back."""

    alerts: dict[int, list[NewAlert]] = field(default_factory=dict)
    notes: list[dict[str, Any]] = field(default_factory=list)
    superseded: set[str] = field(default_factory=set)   # keys whose end was a replacement

    def add(self, run: int, alert: NewAlert) -> None:
        self.alerts.setdefault(run, []).append(alert)
