"""Who hears of what, decided for a whole batch of runs at once (pure).

The rules need what the store knows (who heard of which key, which sources report it, recent
alerts, cancellations and airline warnings): the store loads that once per batch into a
`Knowledge` value, inside the transaction that writes the batch, and `decide` turns every
run's changes into the alerts to write. Deciding the batch as one is what makes the same
hazard from two sources of one run one alert, and one summary per watchlist on a first run.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, time, timedelta
from typing import Any

from alerts.airports import resolve_airport
from alerts.match import Watch, match
from alerts.quiet import release_time
from alerts.render import alert_title, bookings_title, summary_title
from alerts.trips import Suspension, TripWatch, assess, by_cause, suspension_of
from monitor.bookings import Booking, upcoming
from monitor.diff import Change
from monitor.records import NewAlert
from monitor.types import FLIGHT_DISRUPTED, ChangeKind, Item, ItemKind, Severity

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


BOOKINGS_SUFFIX = " (bookings)"   # a booking alert's key: `TP LIS-CCS suspension (bookings)`


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
class RunChanges:
    """One successful run's input to the decision."""

    source: str
    changes: Sequence[Change]
    first_run: bool = False       # no baseline yet: a summary instead of item alerts
    items: Sequence[Item] = ()    # the items of a first run (for its summary)


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
            if _cancelled_flight(change):
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


@dataclass
class Decision:
    """The alerts to write with each run (by the run's position in the batch) and the log
    lines of what was merged or held back."""

    alerts: dict[int, list[NewAlert]] = field(default_factory=dict)
    notes: list[dict[str, Any]] = field(default_factory=list)

    def add(self, run: int, alert: NewAlert) -> None:
        self.alerts.setdefault(run, []).append(alert)


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
      and cleared when the cause ends (`_bookings`).
    """
    batch = _Batch(runs, knowledge, now)
    decision = Decision()
    for index, run in enumerate(runs):
        if run.first_run:
            continue
        for position, change in enumerate(run.changes):
            _decide_change(batch, decision, index, position, run.source, change, watches,
                           desks)
    _summaries(batch, decision, watches, desks)
    _corroborate(batch, decision, watches, desks)
    if trips:
        _bookings(batch, decision, watches, desks, trips)
    return decision


class _Batch:
    """The knowledge plus what the batch itself adds to it as it is decided."""

    def __init__(self, runs: Sequence[RunChanges], knowledge: Knowledge, now: datetime):
        self.runs = runs
        self.knowledge = knowledge
        self.now = now
        # key -> sources of this batch reporting it active after their run
        self.active_now: dict[str, set[str]] = {}
        self.cleared_now: dict[str, set[str]] = {}
        for run in runs:
            for change in run.changes:
                target = self.cleared_now if change.kind.is_all_clear else self.active_now
                target.setdefault(change.item.key, set()).add(run.source)
            if run.first_run:
                for item in run.items:
                    if item.is_active:
                        self.active_now.setdefault(item.key, set()).add(run.source)
        # (watchlist, key, change) -> alert made in this batch (for in-batch twins)
        self.made: dict[tuple[str, str, str], NewAlert] = {}
        self.told_now: dict[str, set[str]] = {}

    def told(self, key: str) -> set[str]:
        return set(self.knowledge.told.get(key, frozenset())) | self.told_now.get(key, set())

    def still_reporting(self, item: Item, source: str) -> list[str]:
        """Other sources that still report the item (for a flight: still disrupted)."""
        found = set()
        for r in self.knowledge.reported.get(item.key, ()):
            if r.source == source or r.source in self.cleared_now.get(item.key, set()):
                continue
            if r.active and (item.kind != ItemKind.FLIGHT or r.status in FLIGHT_DISRUPTED):
                found.add(r.source)
        found |= self.active_now.get(item.key, set()) - {source}
        return sorted(found)

    def superseded_by(self, item: Item, source: str) -> str | None:
        """The key of what took this item's place: another source calls it replaced, or a
        newer entry of the same kind on one of its FIRs appeared in the same source when
        it vanished."""
        for r in self.knowledge.reported.get(item.key, ()):
            if r.source != source and r.status == "replaced":
                return f"a replacement reported by {r.source}"
        if item.kind not in SUPERSEDABLE or not item.firs:
            return None
        gone_after = self.knowledge.last_seen.get((source, item.key))
        firs = set(item.firs)
        for other in self.knowledge.neighbours.get(source, ()):
            if (other.key != item.key and other.kind == item.kind and firs & other.firs
                    and gone_after is not None and other.first_seen_at > gone_after):
                return other.key
        for run in self.runs:
            if run.source != source:
                continue
            for change in run.changes:
                other = change.item
                if (change.kind == ChangeKind.NEW and other.key != item.key
                        and other.kind == item.kind and firs & set(other.firs)):
                    return other.key
        return None

    def twin(self, watchlist: str, key: str, change: str, source: str) -> PriorAlert | None:
        """A recent alert to the watchlist on the same key from another source: the same
        change, or any news when this is the source's first sighting (not news to the desk)."""
        since = self.now - TWIN_WINDOW
        for prior in self.knowledge.prior.get((watchlist, key), ()):
            if (prior.source != source and prior.created_at >= since
                    and (prior.change == change
                         or (change == ChangeKind.NEW and prior.change in NEWS))):
                return prior
        return None


def _decide_change(batch: _Batch, decision: Decision, run: int, position: int, source: str,
                   change: Change, watches: Mapping[str, Watch],
                   desks: Mapping[str, Desk]) -> None:
    item = change.item
    if change.kind == ChangeKind.ESTIMATED_END:
        for wname in sorted(batch.told(item.key) & set(watches)):
            reasons = match(watches[wname], item, ignore_severity=True) or [
                "previously alerted"]
            decision.add(run, _item_alert(batch, source, change, position, wname, reasons,
                                          Severity.ADVISORY, desks[wname], all_clear=False))
        return
    if change.kind.is_all_clear:
        still = batch.still_reporting(item, source)
        if still:  # another source still reports it: an all-clear now would be false
            decision.notes.append({"event": "alert.suppressed", "source": source,
                                   "key": item.key, "change": str(change.kind),
                                   "reason": f"still active in {', '.join(still)}"})
            return
        successor = batch.superseded_by(item, source)
        if successor is not None:  # the hazard goes on under another key: not an all-clear
            decision.notes.append({"event": "alert.suppressed", "source": source,
                                   "key": item.key, "change": str(change.kind),
                                   "reason": f"superseded by {successor}"})
            return
        for wname in sorted(batch.told(item.key) & set(watches)):
            reasons = match(watches[wname], change.previous or item, ignore_severity=True) or [
                "previously alerted"]
            decision.add(run, _item_alert(batch, source, change, position, wname, reasons,
                                          Severity.INFO, desks[wname], all_clear=True))
        return
    for wname, watch in watches.items():
        reasons = match(watch, item)
        if not reasons:
            eased = match(watch, item, ignore_severity=True) if _eased(change, watch) else []
            if eased and wname in batch.told(item.key):
                # Below the threshold now: the desk that heard of it hears it eased.
                decision.add(run, _item_alert(batch, source, change, position, wname, eased,
                                              Severity.INFO, desks[wname], all_clear=True))
            continue
        # One alert per hazard and watchlist in a batch, whatever each source calls it (a
        # NOTAMR's update in one feed is a first sighting on the FAA page).
        mark = (wname, item.key, "news" if change.kind in NEWS else str(change.kind))
        made = batch.made.get(mark)
        if made is not None and made.source != source:
            _cite(made, source)  # the same hazard from two sources of this batch
            decision.notes.append({"event": "alert.merged", "source": source,
                                   "watchlist": wname, "key": item.key, "into": "this run",
                                   "delivered": False})
            continue
        twin = batch.twin(wname, item.key, str(change.kind), source)
        if twin is not None:
            if twin.waiting:  # once delivered, the desk has heard it: nothing to add
                decision.add(run, NewAlert(
                    category="item", source=source, change=str(change.kind),
                    severity=item.severity, title="", data={}, watchlist=wname,
                    item_key=item.key, merge_into=twin.id))
            decision.notes.append({"event": "alert.merged", "source": source,
                                   "watchlist": wname, "key": item.key, "into": twin.id,
                                   "delivered": not twin.waiting})
            continue
        alert = _item_alert(batch, source, change, position, wname, reasons, item.severity,
                            desks[wname], all_clear=False)
        batch.made[mark] = alert
        batch.told_now.setdefault(item.key, set()).add(wname)
        decision.add(run, alert)


def _cite(alert: NewAlert, source: str) -> None:
    sources = alert.data.setdefault("sources", [alert.source])
    if source not in sources:
        sources.append(source)


def _eased(change: Change, watch: Watch) -> bool:
    """An update that took the item from the watchlist's threshold to below it (a travel
    advisory lowered from level 4 to 2, a prohibition replaced by a mere advisory)."""
    before = change.previous
    return (change.kind == ChangeKind.UPDATED and before is not None
            and before.severity >= watch.min_severity > change.item.severity)


def held_until(desk: Desk, severity: Severity, now: datetime) -> datetime | None:
    """Quiet hours hold everything but critical alerts until the window ends."""
    if desk.quiet_hours is None or severity >= Severity.CRITICAL:
        return None
    return release_time(now, desk.quiet_hours, desk.timezone)


def _item_alert(batch: _Batch, source: str, change: Change, position: int, wname: str,
                reasons: list[str], severity: Severity, desk: Desk, *,
                all_clear: bool) -> NewAlert:
    item = change.item
    data: dict[str, Any] = {
        "item": item.to_json(),
        "previous": change.previous.to_json() if change.previous else None,
        "reasons": reasons, "sources": [source]}
    held = held_until(desk, severity, batch.now)
    if held is not None:
        data["held_until"] = held.isoformat()
    return NewAlert(
        category="item", source=source, change=str(change.kind), severity=severity,
        title=alert_title(severity, item.key, item.title, str(change.kind),
                          replaces=item.replaces if change.previous is not None else None,
                          was=change.previous.status if item.flight and change.previous
                          else None),
        data=data, channels=desk.channels, watchlist=wname, item_key=item.key,
        all_clear=all_clear, change_index=position, deliver_at=held)


def _summaries(batch: _Batch, decision: Decision, watches: Mapping[str, Watch],
               desks: Mapping[str, Desk]) -> None:
    """First runs: one 'current situation' message per watchlist for the whole batch, with
    each active item once (citing every source that reports it), leaving out what the
    watchlist already heard of."""
    first = [(index, run) for index, run in enumerate(batch.runs) if run.first_run]
    if not first:
        return
    for wname, watch in watches.items():
        told_before = batch.knowledge.told
        entries: dict[str, dict[str, Any]] = {}
        carrier: int | None = None
        for index, run in first:
            for item in run.items:
                if not item.is_active or wname in told_before.get(item.key, frozenset()):
                    continue
                if wname in batch.told_now.get(item.key, set()):
                    continue
                entry = entries.get(item.key)
                if entry is not None:
                    if run.source not in entry["sources"]:
                        entry["sources"].append(run.source)
                    continue
                reasons = match(watch, item)
                if reasons:
                    entries[item.key] = {"item": item.to_json(), "reasons": reasons,
                                         "sources": [run.source], "_severity": item.severity}
                    carrier = index if carrier is None else carrier
        if not entries or carrier is None:
            continue
        ordered = sorted(entries.values(), key=lambda e: (-int(e["_severity"]),
                                                          e["item"]["key"]))
        top = max(e.pop("_severity") for e in ordered)
        for key in entries:
            batch.told_now.setdefault(key, set()).add(wname)
        decision.add(carrier, NewAlert(
            category="summary", source=batch.runs[carrier].source, change="summary",
            severity=top, title=summary_title(top, len(ordered), wname),
            data={"items": ordered}, channels=desks[wname].channels, watchlist=wname,
            deliver_at=held_until(desks[wname], top, batch.now)))


def _cancelled_flight(change: Change) -> bool:
    item = change.item
    return (item.kind == ItemKind.FLIGHT and not change.kind.is_all_clear
            and item.status == "cancelled")


def watched_route(watch: Watch, item: Item) -> str | None:
    """The watchlist's route a flight flies, by its two airports."""
    if item.flight is None:
        return None
    pair = (item.flight.origin or "", item.flight.destination or "")
    for profile in watch.routes:
        if pair in profile.flight_legs:
            return profile.label
    return None


def _corroborate(batch: _Batch, decision: Decision, watches: Mapping[str, Watch],
                 desks: Mapping[str, Desk]) -> None:
    """Flight cancellations of one airline on one watched route become one suspension alert
    (`TP LIS-CCS suspension`) when two signals agree: two cancelled flights within 48 h (from
    any boards, this batch included), or a cancellation plus a warning from the airline's own
    advisory page. Later cancellations on that route update the suspension instead of
    arriving one by one."""
    groups: dict[tuple[str, str, str], list[tuple[int, NewAlert]]] = {}
    for run, alerts in decision.alerts.items():
        for alert in alerts:
            item = alert.data.get("item") if alert.category == "item" else None
            if (not item or item.get("kind") != ItemKind.FLIGHT or alert.all_clear
                    or item.get("status") != "cancelled" or not alert.watchlist
                    or alert.merge_into is not None):
                continue
            change = batch.runs[run].changes[alert.change_index or 0]
            route = watched_route(watches[alert.watchlist], change.item)
            for airline in item.get("airlines") or []:
                if route:
                    groups.setdefault((alert.watchlist, airline, route), []).append(
                        (run, alert))
    if not groups:
        return
    replaced: set[int] = set()
    since = batch.now - SUSPENSION_WINDOW
    for (wname, airline, route), group in groups.items():
        key = f"{airline} {route} suspension"
        ends = frozenset(resolve_airport(code).icao for code in route.split("-"))
        flights = {a.data["item"]["key"] for _, a in group}
        flights |= {f.key for f in batch.knowledge.cancelled_flights
                    if airline in f.airlines and f.airports == ends and f.changed_at >= since}
        warnings = list(batch.knowledge.airline_warnings.get(airline, ()))
        warnings += _batch_warnings(batch, airline)
        known = _recent_suspension(batch, wname, key)
        if len(flights) < 2 and not warnings and known is None:
            continue
        reasons = [f"airline {airline}", f"route {route}",
                   f"{len(flights)} cancelled flight(s) within 48 h: "
                   f"{', '.join(sorted(flights))}"]
        if warnings:
            reasons.append(f"{airline} advisory: {warnings[0]}")
        change = "updated" if known is not None else "new"
        title = (f"[WARNING] {key}: {airline} suspended {route} "
                 f"({len(flights)} flight(s) cancelled)")
        run, first = group[0]
        sources = sorted({a.source for _, a in group})
        decision.add(run, NewAlert(
            category="item", source=first.source, change=change, severity=Severity.WARNING,
            title=title, watchlist=wname, item_key=key, change_index=first.change_index,
            data={"item": {"key": key, "title": title, "url": first.data["item"].get("url"),
                           "valid_from": None, "valid_to": None, "valid_to_estimated": False,
                           "replaces": None, "cancels": None, "kind": "suspension",
                           "source": first.source, "severity": "warning"},
                  "reasons": reasons, "sources": sources, "flights": sorted(flights)},
            channels=desks[wname].channels,
            deliver_at=held_until(desks[wname], Severity.WARNING, batch.now)))
        replaced |= {id(a) for _, a in group}
        for flight in flights:
            batch.told_now.setdefault(flight, set()).add(wname)
        decision.notes.append({"event": "suspension", "watchlist": wname, "airline": airline,
                               "route": route, "flights": sorted(flights), "change": change})
    for run in list(decision.alerts):
        decision.alerts[run] = [a for a in decision.alerts[run] if id(a) not in replaced]


def _batch_warnings(batch: _Batch, airline: str) -> list[str]:
    """The airline's own warnings that arrive in this batch."""
    found = []
    for run in batch.runs:
        for change in run.changes:
            item = change.item
            if (item.kind == ItemKind.ADVISORY and item.is_active and airline in item.airlines
                    and item.severity >= Severity.WARNING and not change.kind.is_all_clear):
                found.append(item.title)
    return found


def _recent_suspension(batch: _Batch, watchlist: str, key: str) -> PriorAlert | None:
    since = batch.now - SUSPENSION_MEMORY
    for prior in batch.knowledge.prior.get((watchlist, key), ()):
        if prior.created_at >= since:
            return prior
    return None


# -- bookings ------------------------------------------------------------------------------


def _bookings(batch: _Batch, decision: Decision, watches: Mapping[str, Watch],
              desks: Mapping[str, Desk], trips: Mapping[str, TripWatch]) -> None:
    """The watchlists' upcoming bookings against what is known once this batch is written.

    Per watchlist and cause (`alerts.trips`), the bookings hit now are compared with those
    its last booking alert named: the first hit is a new alert, a change of the bookings
    hit (or of the severity) an update naming them all, and the end of the cause, for the
    bookings that were told and are still ahead, an all-clear. The same bookings hit again
    say nothing. A booking whose date passed, or that left the file, drops out quietly.
    """
    world, runs_of = _world(batch)
    suspensions = _suspensions(batch, decision, runs_of)
    # Hazards whose end this batch found to be a replacement (a KICZ NOTAM re-issued): the
    # bookings hear of the successor, and the end is recorded without a message.
    superseded = {note["key"] for note in decision.notes
                  if note.get("event") == "alert.suppressed"
                  and str(note.get("reason", "")).startswith("superseded by")}
    for wname in sorted(trips):
        watch, desk = watches.get(wname), desks.get(wname)
        if watch is None or desk is None:
            continue
        ahead = {b.ident: b for b in upcoming(trips[wname].bookings, batch.now)}
        risks = assess(ahead.values(), world, suspensions, trips[wname].routes,
                       min_severity=watch.min_severity)
        current = by_cause(risks)
        told = {cause: last for (name, cause), last in batch.knowledge.bookings_told.items()
                if name == wname}
        for cause in sorted(set(current) | set(told)):
            last = told.get(cause)
            told_now = (set(last.bookings) & set(ahead)
                        if last is not None and not last.all_clear else set())
            hit = current.get(cause)
            hit_now = {b.ident for b, _ in hit.bookings} if hit is not None else set()
            if hit_now == told_now and (hit is None or last is None
                                        or hit.severity == last.severity):
                continue
            if hit is None or not hit_now:
                assert last is not None
                cleared = [ahead[ident] for ident in sorted(told_now)]
                run = _run_of(runs_of, last.items)
                quiet = replace(desk, channels=()) if cause in superseded else desk
                decision.add(run, _bookings_alert(
                    batch, wname, quiet, run, cause, "withdrawn", Severity.INFO, cause,
                    [(b, "no longer affected") for b in cleared], [], last.items, []))
                continue
            change = "updated" if told_now else "new"
            dropped = [ahead[ident] for ident in sorted(told_now - hit_now)]
            run = _run_of(runs_of, hit.items)
            alert = _bookings_alert(batch, wname, desk, run, cause, change, hit.severity,
                                    hit.label, hit.bookings, dropped, hit.items, hit.sources,
                                    url=hit.url)
            decision.add(run, alert)


def _world(batch: _Batch) -> tuple[list[Item], dict[str, int]]:
    """What the trip rules read: the stored items with this batch's changes applied, and
    the batch position of the first run that touched each key."""
    world = {(item.source, item.key): item for item in batch.knowledge.trip_items}
    runs_of: dict[str, int] = {}
    for index, run in enumerate(batch.runs):
        touched = [c.item for c in run.changes]
        if run.first_run:
            touched += list(run.items)
        for item in touched:
            world[(run.source, item.key)] = item
            runs_of.setdefault(item.key, index)
    return list(world.values()), runs_of


def _suspensions(batch: _Batch, decision: Decision,
                 runs_of: dict[str, int]) -> list[Suspension]:
    """Stored suspension alerts, and those this batch makes (which replace a stored one)."""
    made: dict[str, Suspension] = {}
    for run, alerts in decision.alerts.items():
        for alert in alerts:
            if alert.category == "item" and alert.item_key and (
                    alert.data.get("item") or {}).get("kind") == "suspension":
                found = suspension_of(alert.item_key, alert.data)
                if found is not None:
                    made[found.key] = found
                    runs_of.setdefault(found.key, run)
    stored = [s for s in batch.knowledge.suspensions if s.key not in made]
    return [*stored, *made.values()]


def _run_of(runs_of: Mapping[str, int], keys: Sequence[str]) -> int:
    return min((runs_of[k] for k in keys if k in runs_of), default=0)


def _bookings_alert(batch: _Batch, wname: str, desk: Desk, run: int, cause: str, change: str,
                    severity: Severity, label: str, hit: Sequence[tuple[Booking, str]],
                    dropped: Sequence[Booking], items: Sequence[str], sources: Sequence[str],
                    *, url: str | None = None) -> NewAlert:
    """A booking alert: its data names the bookings by their known columns only."""
    all_clear = change == "withdrawn"
    entries = [{**b.to_json(), "reasons": [] if all_clear else [why]} for b, why in hit]
    data: dict[str, Any] = {
        "cause": cause, "label": label,
        "bookings": entries, "cleared": [b.to_json() for b in dropped],
        "reasons": [f"{b.ident}: {why}" for b, why in hit]
        + [f"{b.ident}: no longer affected" for b in dropped],
        "items": list(items), "sources": list(sources) or [batch.runs[run].source],
        "item": {"key": cause, "title": label, "url": url, "kind": "bookings"}}
    held = held_until(desk, severity, batch.now)
    if held is not None:
        data["held_until"] = held.isoformat()
    return NewAlert(
        category="item", source=batch.runs[run].source, change=change, severity=severity,
        title=bookings_title(severity, len(hit), label, change), data=data,
        channels=desk.channels, watchlist=wname, item_key=f"{cause}{BOOKINGS_SUFFIX}",
        all_clear=all_clear, deliver_at=held)
