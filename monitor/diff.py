"""Pure change detection: what one successful fetch means against what the store knows."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from monitor.types import CLOSED_STATUSES, ChangeKind, Item, ItemKind


@dataclass(frozen=True, slots=True)
class Known:
    """The store's view of one item: its latest version and how many good runs missed it."""

    item: Item
    content_hash: str
    missing_runs: int = 0


@dataclass(frozen=True, slots=True)
class Change:
    kind: ChangeKind
    item: Item                    # the version after the change
    previous: Item | None = None  # the version before (None for new)


@dataclass(frozen=True, slots=True)
class Diff:
    changes: list[Change] = field(default_factory=list)
    upserts: list[Item] = field(default_factory=list)        # items to write (new or changed)
    seen_unchanged: list[str] = field(default_factory=list)  # keys seen again as they were
    missing: dict[str, int] = field(default_factory=dict)    # key -> missing_runs after this run


_CLOSING = {"withdrawn": ChangeKind.WITHDRAWN, "cancelled": ChangeKind.CANCELLED,
            "expired": ChangeKind.EXPIRED, "replaced": ChangeKind.WITHDRAWN}


def diff(known: Mapping[str, Known], seen: Sequence[Item], *, now: datetime,
         withdraw_after: int) -> Diff:
    """Compare one successful fetch with the store.

    - a key never seen before is `new` (an item first seen already closed is stored quietly);
    - a changed content hash is `updated`, or the matching all-clear when the status closed,
      or `reinstated` when a closed item is active again;
    - an active item missing from `withdraw_after` successful fetches in a row is `withdrawn`;
    - a NOTAM whose firm end time has passed is `expired`.
    Only call this for a fetch that succeeded: a failed run must never withdraw anything.
    """
    result = Diff()
    seen_keys: set[str] = set()
    for raw in seen:
        item = _expire(raw, now)
        seen_keys.add(item.key)
        before = known.get(item.key)
        if before is None:
            result.upserts.append(item)
            if item.is_active:
                result.changes.append(Change(ChangeKind.NEW, item))
            continue
        if before.content_hash == item.content_hash:
            result.seen_unchanged.append(item.key)
            if before.missing_runs:
                result.missing[item.key] = 0
            continue
        result.upserts.append(item)
        result.missing[item.key] = 0
        kind = _transition(before.item, item)
        if kind is not None:
            result.changes.append(Change(kind, item, before.item))
    for key, before in known.items():
        if key in seen_keys:
            continue
        if not before.item.is_active:
            continue
        expired = _expire(before.item, now)
        if not expired.is_active:
            result.upserts.append(expired)
            result.changes.append(Change(ChangeKind.EXPIRED, expired, before.item))
            continue
        missing = before.missing_runs + 1
        result.missing[key] = missing
        if missing >= withdraw_after:
            gone = replace(before.item, status="withdrawn")
            result.upserts.append(gone)
            result.changes.append(Change(ChangeKind.WITHDRAWN, gone, before.item))
    return result


def confirm(known: Mapping[str, Known], *, now: datetime, withdraw_after: int) -> Diff:
    """A `304 Not Modified` re-observes the last body: whatever was missing from it is missing
    once more (so a server with validators still withdraws), and end times still pass."""
    result = Diff()
    for key, before in known.items():
        if not before.item.is_active:
            continue
        expired = _expire(before.item, now)
        if not expired.is_active:
            result.upserts.append(expired)
            result.changes.append(Change(ChangeKind.EXPIRED, expired, before.item))
        elif before.missing_runs:
            missing = before.missing_runs + 1
            result.missing[key] = missing
            if missing >= withdraw_after:
                gone = replace(before.item, status="withdrawn")
                result.upserts.append(gone)
                result.changes.append(Change(ChangeKind.WITHDRAWN, gone, before.item))
    return result


def _transition(before: Item, after: Item) -> ChangeKind | None:
    was_active, is_active = before.is_active, after.is_active
    if was_active and not is_active:
        return _CLOSING.get(after.status, ChangeKind.WITHDRAWN)
    if not was_active and is_active:
        return ChangeKind.REINSTATED
    if not was_active and not is_active:
        return None  # a closed item edited upstream is nobody's news
    return ChangeKind.UPDATED


def _expire(item: Item, now: datetime) -> Item:
    """A NOTAM past a firm end time is expired; an estimated end is left to the NOTAM rules."""
    if (item.kind == ItemKind.NOTAM and item.status not in CLOSED_STATUSES
            and item.valid_to is not None and not item.valid_to_estimated
            and item.valid_to <= now):
        return replace(item, status="expired")
    return item
