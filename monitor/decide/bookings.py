"""The watchlists' bookings at risk, told per cause."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from alerts.match import Watch
from alerts.render import bookings_title
from alerts.trips import Suspension, TripWatch, assess, by_cause, suspension_of
from monitor.bookings import Booking, upcoming
from monitor.decide.batch import Batch, held_until
from monitor.decide.values import Decision, Desk
from monitor.records import BOOKINGS_SUFFIX, NewAlert
from monitor.types import Item, Severity


def bookings_pass(batch: Batch, decision: Decision, watches: Mapping[str, Watch],
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
    superseded = decision.superseded
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


def _world(batch: Batch) -> tuple[list[Item], dict[str, int]]:
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


def _suspensions(batch: Batch, decision: Decision,
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


def _bookings_alert(batch: Batch, wname: str, desk: Desk, run: int, cause: str, change: str,
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
