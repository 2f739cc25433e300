"""From changes to alerts: which watchlists hear of what, summaries, suspensions, health."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from alerts.match import Watch, match
from alerts.quiet import release_time
from alerts.render import alert_title, summary_title
from monitor.config import WatchlistConfig
from monitor.diff import Change, Known
from monitor.logs import log
from monitor.records import NewAlert
from monitor.runtime import Runtime
from monitor.types import FLIGHT_DISRUPTED, ChangeKind, Item, ItemKind, Severity

TWIN_WINDOW = timedelta(hours=24)


def change_alerts(rt: Runtime, source: str, changes: list[Change]) -> list[NewAlert]:
    """One alert per change and watchlist that it concerns. All-clears and estimated ends go
    only to the watchlists that were told about the item; an all-clear waits while another
    source still reports the item; the same hazard from another source is cited, not resent."""
    alerts: list[NewAlert] = []
    now = rt.clock()
    for index, change in enumerate(changes):
        item = change.item
        if change.kind == ChangeKind.ESTIMATED_END:
            for wname in sorted(_told(rt, source, item.key) & set(rt.watches)):
                reasons = match(rt.watches[wname], item, ignore_severity=True) or [
                    "previously alerted"]
                alerts.append(_item_alert(rt, source, change, index, wname, reasons,
                                          Severity.ADVISORY, all_clear=False))
            continue
        if change.kind.is_all_clear:
            still = rt.store.other_active_sources(
                item.key, source,
                statuses=sorted(FLIGHT_DISRUPTED) if item.kind == ItemKind.FLIGHT else None)
            if still:
                # Another source still reports it: an all-clear now would be false.
                log.info("alert.suppressed", source=source, key=item.key,
                         change=str(change.kind), reason=f"still active in {', '.join(still)}")
                continue
            for wname in sorted(_told(rt, source, item.key) & set(rt.watches)):
                before = change.previous or item
                reasons = match(rt.watches[wname], before, ignore_severity=True) or [
                    "previously alerted"]
                alerts.append(_item_alert(rt, source, change, index, wname, reasons,
                                          Severity.INFO, all_clear=True))
            continue
        told: set[str] | None = None  # read only for an update that eased the severity
        for wname, watch in rt.watches.items():
            reasons = match(watch, item)
            if not reasons:
                if _eased(change, watch):
                    if told is None:
                        told = _told(rt, source, item.key)
                    eased = match(watch, item, ignore_severity=True)
                    if wname in told and eased:
                        # Below the threshold now: the desk that heard of it hears it eased.
                        alerts.append(_item_alert(rt, source, change, index, wname, eased,
                                                  Severity.INFO, all_clear=True))
                continue
            twin = rt.store.twin_alert(wname, item.key, str(change.kind), source,
                                       now - TWIN_WINDOW)
            if twin is not None:
                # The same hazard from another source: one alert citing both, not two.
                twin_id, waiting = twin
                if waiting:  # once delivered, the desk has heard it: nothing to add
                    alerts.append(NewAlert(
                        category="item", source=source, change=str(change.kind),
                        severity=item.severity, title="", data={}, watchlist=wname,
                        item_key=item.key, merge_into=twin_id))
                log.info("alert.merged", source=source, watchlist=wname, key=item.key,
                         into=twin_id, delivered=not waiting)
                continue
            alerts.append(_item_alert(rt, source, change, index, wname, reasons,
                                      item.severity, all_clear=False))
    return alerts


def _told(rt: Runtime, source: str, key: str) -> set[str]:
    """Watchlists that heard of the item: by an alert of their own or inside a summary (a
    situation summary, a suspension): all-clears and later news go to them."""
    return rt.store.alerted_watchlists(source, key) | rt.store.summarised_watchlists(key)


def _eased(change: Change, watch: Watch) -> bool:
    """An update that took the item from the watchlist's threshold to below it (a travel
    advisory lowered from level 4 to 2, a prohibition replaced by a mere advisory)."""
    before = change.previous
    return (change.kind == ChangeKind.UPDATED and before is not None
            and before.severity >= watch.min_severity > change.item.severity)


SUSPENSION_WINDOW = timedelta(hours=48)
SUSPENSION_MEMORY = timedelta(days=7)


def corroborate(rt: Runtime, source: str, alerts: list[NewAlert],
                 now: datetime) -> list[NewAlert]:
    """Flight cancellations of one airline on one watched route become one suspension alert
    (`TP LIS-CCS suspension`) when two signals agree: two cancelled flights within 48 h, or a
    cancellation plus a warning from the airline's own advisory page. Later cancellations on
    that route update the suspension instead of arriving one by one."""
    groups: dict[tuple[str, str, str], list[NewAlert]] = {}
    for alert in alerts:
        item = alert.data.get("item") if alert.category == "item" else None
        if (not item or item.get("kind") != ItemKind.FLIGHT or alert.all_clear
                or item.get("status") != "cancelled" or not alert.watchlist):
            continue
        route = _watched_route(rt.watches[alert.watchlist], item)
        for airline in item.get("airlines") or []:
            if route:
                groups.setdefault((alert.watchlist, airline, route), []).append(alert)
    if not groups:
        return alerts
    replaced: set[int] = set()
    extra: list[NewAlert] = []
    for (wname, airline, route), group in groups.items():
        key = f"{airline} {route} suspension"
        ends = set(route.split("-"))
        flights = {a.data["item"]["key"] for a in group}
        recent = rt.store.recent_cancelled_flights(airline, now - SUSPENSION_WINDOW)
        flights |= {k for k, airports in recent if _same_route(airports, ends, rt)}
        advisory = rt.store.airline_warnings(airline)
        known = rt.store.twin_alert(wname, key, "new", "", now - SUSPENSION_MEMORY,
                                    any_source=True)
        if len(flights) < 2 and not advisory and known is None:
            continue
        reasons = [f"airline {airline}", f"route {route}",
                   f"{len(flights)} cancelled flight(s) within 48 h: "
                   f"{', '.join(sorted(flights))}"]
        if advisory:
            reasons.append(f"{airline} advisory: {advisory[0]}")
        wl = rt.config.watchlists[wname]
        change = "updated" if known is not None else "new"
        title = (f"[WARNING] {key}: {airline} suspended {route} "
                 f"({len(flights)} flight(s) cancelled)")
        first = group[0]
        extra.append(NewAlert(
            category="item", source=source, change=change, severity=Severity.WARNING,
            title=title, watchlist=wname, item_key=key, change_index=first.change_index,
            data={"item": {"key": key, "title": title, "url": first.data["item"].get("url"),
                           "valid_from": None, "valid_to": None, "valid_to_estimated": False,
                           "replaces": None, "cancels": None, "kind": "suspension",
                           "source": source, "severity": "warning"},
                  "reasons": reasons, "sources": [source], "flights": sorted(flights)},
            channels=rt.channels_for(wl.channels),
            deliver_at=_held_until(rt, wl, Severity.WARNING)))
        replaced |= {id(a) for a in group}
        log.info("suspension", watchlist=wname, airline=airline, route=route,
                 flights=sorted(flights), change=change)
    return [a for a in alerts if id(a) not in replaced] + extra


def _watched_route(watch: Watch, item: dict[str, object]) -> str | None:
    flight = item.get("flight") or {}
    pair = (str(flight.get("origin") or ""), str(flight.get("destination") or ""))  # type: ignore[union-attr]
    for profile in watch.routes:
        if pair in profile.flight_legs:
            return profile.label
    return None


def _same_route(airports: tuple[str, ...], ends: set[str], rt: Runtime) -> bool:
    """Do a flight's two ICAO airports match a route written in IATA or ICAO codes?"""
    from alerts.airports import resolve_airport

    wanted = {resolve_airport(code).icao for code in ends}
    return set(airports) == wanted


def _item_alert(rt: Runtime, source: str, change: Change, index: int, wname: str,
                reasons: list[str], severity: Severity, *, all_clear: bool) -> NewAlert:
    item = change.item
    wl: WatchlistConfig = rt.config.watchlists[wname]
    data: dict[str, object] = {
        "item": item.to_json(),
        "previous": change.previous.to_json() if change.previous else None,
        "reasons": reasons, "sources": [source]}
    held = _held_until(rt, wl, severity)
    if held is not None:
        data["held_until"] = held.isoformat()
    return NewAlert(
        category="item", source=source, change=str(change.kind), severity=severity,
        title=alert_title(severity, item.key, item.title, str(change.kind),
                          replaces=item.replaces if change.previous is not None else None,
                          was=change.previous.status if item.flight and change.previous
                          else None),
        data=data,
        channels=rt.channels_for(wl.channels), watchlist=wname, item_key=item.key,
        all_clear=all_clear, change_index=index, deliver_at=held)


def _held_until(rt: Runtime, wl: WatchlistConfig, severity: Severity) -> datetime | None:
    """Quiet hours hold everything but critical alerts until the window ends."""
    if wl.quiet_hours is None or severity >= Severity.CRITICAL:
        return None
    return release_time(rt.clock(), wl.quiet_hours, wl.timezone)


def summary_alerts(rt: Runtime, source: str, known: dict[str, Known], items: list[Item],
                    now: datetime) -> list[NewAlert]:
    """First successful run: one 'current situation' message per watchlist with matches."""
    alerts = []
    active = [i for i in items if i.is_active]
    for wname, watch in rt.watches.items():
        entries = [(i, r) for i in active if (r := match(watch, i))]
        if not entries:
            continue
        entries.sort(key=lambda e: (-int(e[0].severity), e[0].key))
        top = max(i.severity for i, _ in entries)
        wl = rt.config.watchlists[wname]
        alerts.append(NewAlert(
            category="summary", source=source, change="summary", severity=top,
            title=summary_title(top, len(entries), wname),
            data={"items": [{"item": i.to_json(), "reasons": r} for i, r in entries]},
            channels=rt.channels_for(wl.channels), watchlist=wname,
            deliver_at=_held_until(rt, wl, top)))
    return alerts


def health_alert(rt: Runtime, source: str, state: str, severity: Severity, message: str,
                  *, all_clear: bool = False, **data: object) -> NewAlert:
    return NewAlert(
        category="health", source=source, change=state, severity=severity,
        title=f"[{severity.name}] health {source}: {message.split(':')[0]}"[:200],
        data={"message": message, "source": source, "state": state, **data},
        channels=rt.channels_for(rt.config.monitor.ops_channels),
        item_key=f"health {source}", all_clear=all_clear)


def log_alerts(alerts: Iterable[NewAlert]) -> None:
    for a in alerts:
        if a.merge_into is not None:
            continue
        log.info("alert", source=a.source, watchlist=a.watchlist, key=a.item_key,
                 category=a.category, change=a.change, severity=a.severity.label,
                 title=a.title, channels=list(a.channels))


# -- the outbox sweeper ---------------------------------------------------------------------
