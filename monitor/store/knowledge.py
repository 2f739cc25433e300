"""Loading what the alert rules need for one batch, inside the batch's transaction."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session

from alerts.trips import HAZARD_KINDS, Suspension, suspension_of
from monitor.decide import (
    BOOKINGS_SUFFIX,
    SUPERSEDABLE,
    SUSPENSION_MEMORY,
    SUSPENSION_WINDOW,
    TWIN_WINDOW,
    CancelledFlight,
    Knowledge,
    Neighbour,
    PriorAlert,
    Reported,
    ToldBookings,
    Wants,
)
from monitor.models import AlertRow, DeliveryRow, ItemRow
from monitor.records import AlertCategory, DeliveryStatus
from monitor.types import Item, ItemKind, Severity, item_from_json

_CHUNK = 500  # keys per IN (...) list


def load_knowledge(s: Session, wants: Wants, now: datetime) -> Knowledge:
    keys = sorted(wants.keys)
    trips: dict[str, Any] = {}
    if wants.trip_watchlists:
        suspensions = recent_suspensions(s, now)
        flights = wants.trip_flights | {f for x in suspensions for f in x.flights}
        trips = {"trip_items": _trip_items(s, flights, wants.trip_severity),
                 "suspensions": suspensions,
                 "bookings_told": _bookings_told(s, wants.trip_watchlists)}
    return Knowledge(
        told=_told(s, keys),
        reported=_reported(s, keys),
        prior=_prior(s, sorted(wants.keys | wants.suspension_keys), now),
        last_seen=_last_seen(s, wants.cleared),
        neighbours=_neighbours(s, {source for source, _ in wants.cleared}),
        cancelled_flights=_cancelled_flights(s, now) if wants.flights else (),
        airline_warnings=_airline_warnings(s) if wants.flights else {},
        **trips,
    )


def _chunks(values: Sequence[str]) -> Iterator[Sequence[str]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start:start + _CHUNK]


def _told(s: Session, keys: Sequence[str]) -> dict[str, frozenset[str]]:
    """Watchlists that heard of each key: by an alert of their own, or inside a situation
    summary or a suspension (which counted the flight)."""
    told: dict[str, set[str]] = {}
    for chunk in _chunks(keys):
        for key, watchlist in s.execute(select(AlertRow.item_key, AlertRow.watchlist).where(
                AlertRow.item_key.in_(chunk), AlertRow.category == AlertCategory.ITEM,
                AlertRow.all_clear.is_(False), AlertRow.watchlist.is_not(None)).distinct()):
            told.setdefault(key, set()).add(watchlist)
    wanted = set(keys)
    for watchlist, data in s.execute(select(AlertRow.watchlist, AlertRow.data).where(
            AlertRow.watchlist.is_not(None), or_(AlertRow.category == AlertCategory.SUMMARY,
                                                 AlertRow.item_key.like("% suspension")))):
        parsed = json.loads(data)
        listed = {e["item"]["key"] for e in parsed.get("items", [])}
        for key in (listed | set(parsed.get("flights", []))) & wanted:
            told.setdefault(key, set()).add(watchlist)
    return {key: frozenset(names) for key, names in told.items()}


def _reported(s: Session, keys: Sequence[str]) -> dict[str, tuple[Reported, ...]]:
    found: dict[str, list[Reported]] = {}
    for chunk in _chunks(keys):
        for key, source, status, active in s.execute(select(
                ItemRow.key, ItemRow.source, ItemRow.status, ItemRow.active).where(
                ItemRow.key.in_(chunk)).order_by(ItemRow.source)):
            found.setdefault(key, []).append(Reported(source, status, bool(active)))
    return {key: tuple(rows) for key, rows in found.items()}


def _prior(s: Session, keys: Sequence[str],
           now: datetime) -> dict[tuple[str, str], tuple[PriorAlert, ...]]:
    since = now - max(TWIN_WINDOW, SUSPENSION_MEMORY)
    waiting = exists().where(DeliveryRow.alert_id == AlertRow.id,
                             DeliveryRow.status == DeliveryStatus.PENDING)
    found: dict[tuple[str, str], list[PriorAlert]] = {}
    for chunk in _chunks(keys):
        for row in s.execute(select(
                AlertRow.id, AlertRow.watchlist, AlertRow.item_key, AlertRow.change,
                AlertRow.source, AlertRow.created_at, waiting.label("waiting")).where(
                AlertRow.item_key.in_(chunk), AlertRow.category == AlertCategory.ITEM,
                AlertRow.watchlist.is_not(None), AlertRow.created_at >= since)
                .order_by(AlertRow.id.desc())):
            found.setdefault((row.watchlist, row.item_key), []).append(PriorAlert(
                row.id, row.watchlist, row.item_key, row.change, row.source, row.created_at,
                bool(row.waiting)))
    return {pair: tuple(rows) for pair, rows in found.items()}


def _last_seen(s: Session, cleared: Iterable[tuple[str, str]]) -> dict[tuple[str, str], datetime]:
    by_source: dict[str, list[str]] = {}
    for source, key in cleared:
        by_source.setdefault(source, []).append(key)
    found = {}
    for source, keys in by_source.items():
        for chunk in _chunks(keys):
            for key, seen in s.execute(select(ItemRow.key, ItemRow.last_seen_at).where(
                    ItemRow.source == source, ItemRow.key.in_(chunk))):
                found[(source, key)] = seen
    return found


def _neighbours(s: Session, sources: set[str]) -> dict[str, tuple[Neighbour, ...]]:
    """Active items of the sources that cleared something, of the kinds that can take
    another entry's place."""
    if not sources:
        return {}
    found: dict[str, list[Neighbour]] = {}
    for source, key, kind, data, first_seen in s.execute(select(
            ItemRow.source, ItemRow.key, ItemRow.kind, ItemRow.data, ItemRow.first_seen_at)
            .where(ItemRow.source.in_(sorted(sources)), ItemRow.active.is_(True),
                   ItemRow.kind.in_(sorted(SUPERSEDABLE)))):
        firs = frozenset(json.loads(data).get("firs") or ())
        if firs:
            found.setdefault(source, []).append(Neighbour(key, kind, firs, first_seen))
    return {source: tuple(rows) for source, rows in found.items()}


def _cancelled_flights(s: Session, now: datetime) -> tuple[CancelledFlight, ...]:
    since = now - SUSPENSION_WINDOW - timedelta(hours=1)
    flights = []
    for key, data, changed_at in s.execute(select(ItemRow.key, ItemRow.data, ItemRow.changed_at)
                                           .where(ItemRow.kind == ItemKind.FLIGHT,
                                                  ItemRow.status == "cancelled",
                                                  ItemRow.changed_at >= since)):
        item: dict[str, Any] = json.loads(data)
        flights.append(CancelledFlight(key, frozenset(item.get("airlines") or ()),
                                       frozenset(item.get("airports") or ()), changed_at))
    return tuple(flights)


def _airline_warnings(s: Session) -> dict[str, tuple[str, ...]]:
    """Titles of the airlines' own active advisories at warning or above."""
    found: dict[str, list[str]] = {}
    for data in s.scalars(select(ItemRow.data).where(
            ItemRow.kind == ItemKind.ADVISORY, ItemRow.active.is_(True),
            ItemRow.severity >= int(Severity.WARNING))):
        item = json.loads(data)
        for airline in item.get("airlines") or ():
            found.setdefault(airline, []).append(item["title"])
    return {airline: tuple(titles) for airline, titles in found.items()}


def recent_suspensions(s: Session, now: datetime) -> tuple[Suspension, ...]:
    """Suspension alerts of the last SUSPENSION_MEMORY, the latest word on each."""
    latest: dict[str, Suspension] = {}
    for key, data in s.execute(select(AlertRow.item_key, AlertRow.data).where(
            AlertRow.category == AlertCategory.ITEM, AlertRow.item_key.like("% suspension"),
            AlertRow.created_at >= now - SUSPENSION_MEMORY).order_by(AlertRow.id)):
        found = suspension_of(key, json.loads(data))
        if found is not None:
            latest[key] = found
    return tuple(latest.values())


def _trip_items(s: Session, flights: Iterable[str], severity: Severity) -> tuple[Item, ...]:
    """What the trip rules read: the flights of these keys (any status), the airlines' own
    active notices at warning or above, and active airspace hazards from `severity` up."""
    found = []
    for chunk in _chunks(sorted(flights)):
        found += s.scalars(select(ItemRow.data).where(ItemRow.kind == ItemKind.FLIGHT,
                                                      ItemRow.key.in_(chunk)))
    found += s.scalars(select(ItemRow.data).where(
        ItemRow.kind == ItemKind.ADVISORY, ItemRow.active.is_(True),
        ItemRow.severity >= int(Severity.WARNING)))
    found += s.scalars(select(ItemRow.data).where(
        ItemRow.kind.in_(sorted(HAZARD_KINDS)), ItemRow.active.is_(True),
        ItemRow.severity >= int(severity)))
    return tuple(item_from_json(json.loads(data)) for data in found)


def _bookings_told(s: Session, watchlists: Iterable[str]
                   ) -> dict[tuple[str, str], ToldBookings]:
    """The last booking alert per watchlist and cause."""
    told: dict[tuple[str, str], ToldBookings] = {}
    for row in s.execute(select(
            AlertRow.id, AlertRow.watchlist, AlertRow.item_key, AlertRow.all_clear,
            AlertRow.severity, AlertRow.data).where(
            AlertRow.watchlist.in_(sorted(watchlists)),
            AlertRow.item_key.like(f"%{BOOKINGS_SUFFIX}")).order_by(AlertRow.id)):
        data = json.loads(row.data)
        named = frozenset(f"{b['ref']} {b['flight']} {b['date']}"
                          for b in data.get("bookings") or [])
        cause = row.item_key.removesuffix(BOOKINGS_SUFFIX)
        told[(row.watchlist, cause)] = ToldBookings(
            id=row.id, bookings=named, all_clear=bool(row.all_clear),
            severity=Severity(row.severity), label=str(data.get("label") or cause),
            items=tuple(data.get("items") or ()))
    return told
