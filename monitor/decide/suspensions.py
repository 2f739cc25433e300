"""Cancellations of one airline on one watched route corroborated into a suspension."""

from __future__ import annotations

from collections.abc import Mapping

from alerts.airports import resolve_airport
from alerts.match import Watch
from monitor.decide.batch import Batch, held_until
from monitor.decide.values import SUSPENSION_MEMORY, SUSPENSION_WINDOW, Decision, Desk, PriorAlert
from monitor.diff import Change
from monitor.records import NewAlert
from monitor.types import Item, ItemKind, Severity


def cancelled_flight(change: Change) -> bool:
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


def corroborate(batch: Batch, decision: Decision, watches: Mapping[str, Watch],
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


def _batch_warnings(batch: Batch, airline: str) -> list[str]:
    """The airline's own warnings that arrive in this batch."""
    found = []
    for run in batch.runs:
        for change in run.changes:
            item = change.item
            if (item.kind == ItemKind.ADVISORY and item.is_active and airline in item.airlines
                    and item.severity >= Severity.WARNING and not change.kind.is_all_clear):
                found.append(item.title)
    return found


def _recent_suspension(batch: Batch, watchlist: str, key: str) -> PriorAlert | None:
    since = batch.now - SUSPENSION_MEMORY
    for prior in batch.knowledge.prior.get((watchlist, key), ()):
        if prior.created_at >= since:
            return prior
    return None
