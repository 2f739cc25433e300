"""First runs: one 'current situation' message per watchlist for the whole batch."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from alerts.match import Watch, match
from alerts.render import summary_title
from monitor.decide.batch import Batch, held_until
from monitor.decide.values import Decision, Desk
from monitor.records import NewAlert


def summaries(batch: Batch, decision: Decision, watches: Mapping[str, Watch],
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
