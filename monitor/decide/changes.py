"""Per change and watchlist: news once per hazard, honest all-clears, eased items."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from alerts.match import Watch, match
from alerts.render import alert_title
from monitor.decide.batch import Batch, held_until
from monitor.decide.values import NEWS, Decision, Desk
from monitor.diff import Change
from monitor.records import NewAlert
from monitor.types import ChangeKind, Severity


def decide_change(batch: Batch, decision: Decision, run: int, position: int, source: str,
                  change: Change, watches: Mapping[str, Watch],
                  desks: Mapping[str, Desk]) -> None:
    item = change.item
    if change.kind == ChangeKind.ESTIMATED_END:
        for wname in sorted(batch.told(item.key) & set(watches)):
            reasons = match(watches[wname], item, ignore_severity=True) or [
                "previously alerted"]
            decision.add(run, item_alert(batch, source, change, position, wname, reasons,
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
            decision.superseded.add(item.key)
            decision.notes.append({"event": "alert.suppressed", "source": source,
                                   "key": item.key, "change": str(change.kind),
                                   "reason": f"superseded by {successor}"})
            return
        for wname in sorted(batch.told(item.key) & set(watches)):
            reasons = match(watches[wname], change.previous or item, ignore_severity=True) or [
                "previously alerted"]
            decision.add(run, item_alert(batch, source, change, position, wname, reasons,
                                         Severity.INFO, desks[wname], all_clear=True))
        return
    for wname, watch in watches.items():
        reasons = match(watch, item)
        if not reasons:
            eased = match(watch, item, ignore_severity=True) if _eased(change, watch) else []
            if eased and wname in batch.told(item.key):
                # Below the threshold now: the desk that heard of it hears it eased.
                decision.add(run, item_alert(batch, source, change, position, wname, eased,
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
        alert = item_alert(batch, source, change, position, wname, reasons, item.severity,
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


def item_alert(batch: Batch, source: str, change: Change, position: int, wname: str,
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
