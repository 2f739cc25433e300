"""A batch being decided: the store's knowledge plus what the batch itself adds to it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from alerts.quiet import release_time
from monitor.decide.values import (
    NEWS,
    SUPERSEDABLE,
    TWIN_WINDOW,
    Desk,
    Knowledge,
    PriorAlert,
)
from monitor.records import NewAlert, RunChanges
from monitor.types import FLIGHT_DISRUPTED, ChangeKind, Item, ItemKind, Severity


class Batch:
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


def held_until(desk: Desk, severity: Severity, now: datetime) -> datetime | None:
    """Quiet hours hold everything but critical alerts until the window ends."""
    if desk.quiet_hours is None or severity >= Severity.CRITICAL:
        return None
    return release_time(now, desk.quiet_hours, desk.timezone)
