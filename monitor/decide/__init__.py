"""Who hears of what, decided for a whole batch of runs at once (pure).

The rules need what the store knows (who heard of which key, which sources report it, recent
alerts, cancellations and airline warnings): the store loads that once per batch into a
`Knowledge` value, inside the transaction that writes the batch, and `decide` turns every
run's changes into the alerts to write. Deciding the batch as one is what makes the same
hazard from two sources of one run one alert, and one summary per watchlist on a first run.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from alerts.match import Watch
from alerts.trips import TripWatch
from monitor.decide.batch import Batch, held_until
from monitor.decide.bookings import bookings_pass
from monitor.decide.changes import decide_change
from monitor.decide.summaries import summaries
from monitor.decide.suspensions import cancelled_flight, corroborate, watched_route
from monitor.decide.values import (
    NEWS,
    SUPERSEDABLE,
    SUSPENSION_MEMORY,
    SUSPENSION_WINDOW,
    TWIN_WINDOW,
    CancelledFlight,
    Decision,
    Desk,
    Knowledge,
    Neighbour,
    PriorAlert,
    Reported,
    ToldBookings,
    Wants,
)
from monitor.records import BOOKINGS_SUFFIX, RunChanges
from monitor.types import Severity

__all__ = [
    "BOOKINGS_SUFFIX",
    "NEWS",
    "SUPERSEDABLE",
    "SUSPENSION_MEMORY",
    "SUSPENSION_WINDOW",
    "TWIN_WINDOW",
    "CancelledFlight",
    "Decision",
    "Desk",
    "Knowledge",
    "Neighbour",
    "PriorAlert",
    "Reported",
    "RunChanges",
    "ToldBookings",
    "Wants",
    "decide",
    "held_until",
    "wants",
    "watched_route",
]


def wants(runs: Sequence[RunChanges], watches: Mapping[str, Watch],
          trips: Mapping[str, TripWatch] | None = None) -> Wants:
    keys: set[str] = set()
    cleared: set[tuple[str, str]] = set()
    suspensions: set[str] = set()
    flights = False
    for run in runs:
        for change in run.changes:
            keys.add(change.item.key)
            if change.kind.is_all_clear:
                cleared.add((run.source, change.item.key))
            if cancelled_flight(change):
                flights = True
                for watch in watches.values():
                    route = watched_route(watch, change.item)
                    suspensions |= {f"{a} {route} suspension" for a in change.item.airlines
                                    if route}
        if run.first_run:
            keys |= {i.key for i in run.items if i.is_active}
    trips = {name: trip for name, trip in (trips or {}).items()
             if trip.bookings and name in watches}
    return Wants(frozenset(keys), frozenset(suspensions), frozenset(cleared), flights,
                 trip_watchlists=frozenset(trips),
                 trip_flights=frozenset(b.flight_key for t in trips.values()
                                        for b in t.bookings),
                 trip_severity=min((watches[name].min_severity for name in trips),
                                   default=Severity.CRITICAL))


def decide(runs: Sequence[RunChanges], knowledge: Knowledge, watches: Mapping[str, Watch],
           desks: Mapping[str, Desk], *, now: datetime,
           trips: Mapping[str, TripWatch] | None = None) -> Decision:
    """Every run's changes, decided together. Per change and watchlist:

    - an estimated end goes to the watchlists that were told of the item;
    - an all-clear goes to the watchlists that were told, unless another source (stored or in
      this batch) still reports the item, or a newer entry took its place (superseded);
    - news goes to every watchlist it matches, once per hazard: the same key and change from
      another source in the batch or in the last day is cited in that alert, not resent;
    - an update that takes the item below a told watchlist's threshold is an all-clear to it;
    - first runs give one "current situation" summary per watchlist for the whole batch;
    - cancellations of one airline on a watched route corroborate into a suspension alert;
    - a watchlist's bookings at risk are told per cause, updated when the bookings hit change,
      and cleared when the cause ends (`bookings_pass`).
    """
    batch = Batch(runs, knowledge, now)
    decision = Decision()
    for index, run in enumerate(runs):
        if run.first_run:
            continue
        for position, change in enumerate(run.changes):
            decide_change(batch, decision, index, position, run.source, change, watches,
                          desks)
    summaries(batch, decision, watches, desks)
    corroborate(batch, decision, watches, desks)
    if trips:
        bookings_pass(batch, decision, watches, desks, trips)
    return decision
