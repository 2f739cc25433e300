"""Pure change detection: what one successful fetch means against what the store knows."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from monitor.notice_dates import OPEN_END, day_label
from monitor.types import CLOSED_STATUSES, FLIGHT_DISRUPTED, ChangeKind, Item, ItemKind, Severity


@dataclass(frozen=True, slots=True)
class Known:
    """The store's view of one item: its latest version, how many good runs missed it, and
    whether its estimated end was already reported."""

    item: Item
    content_hash: str
    missing_runs: int = 0
    end_noted: bool = False


@dataclass(frozen=True, slots=True)
class Change:
    """One change to report. `item` is the version after the change, except that the title of
    a notice whose stated end moved says so (`validity_note`); the store keeps the item as
    the source gave it."""

    kind: ChangeKind
    item: Item                    # the version after the change
    previous: Item | None = None  # the version before (None for new)


@dataclass(frozen=True, slots=True)
class Diff:
    changes: list[Change] = field(default_factory=list)
    upserts: list[Item] = field(default_factory=list)        # items to write (new or changed)
    seen_unchanged: list[str] = field(default_factory=list)  # keys seen again as they were
    missing: dict[str, int] = field(default_factory=dict)    # key -> missing_runs after this run
    end_noted: list[str] = field(default_factory=list)       # keys whose EST end was reported


def diff(known: Mapping[str, Known], seen: Sequence[Item], *, now: datetime,
         withdraw_after: int) -> Diff:
    """Compare one successful fetch with the store.

    - a key never seen before is `new` (an item first seen already closed is stored quietly);
    - a changed content hash is `updated`, or the matching all-clear when the status closed,
      or `reinstated` when a closed item is active again;
    - a replacement NOTAM (NOTAMR) is one `updated` of the hazard it replaces, which becomes
      `replaced` quietly; a cancellation (NOTAMC) makes the NOTAM it names `cancelled`;
    - an active item missing from `withdraw_after` successful fetches in a row is `withdrawn`;
    - a NOTAM whose firm end time has passed is `expired`; one whose *estimated* end passed is
      reported once (`estimated_end`) and stays active until replaced or cancelled.
    Only call this for a fetch that succeeded: a failed run must never withdraw anything.
    """
    result = Diff()
    successors = {i.replaces: i for i in seen if i.replaces and i.is_active}
    cancellers = {i.cancels: i for i in seen if i.cancels}
    seen_keys: set[str] = set()
    for raw in seen:
        item = _settle(raw, successors, cancellers, now)
        seen_keys.add(item.key)
        before = known.get(item.key)
        if before is None:
            result.upserts.append(item)
            if item.is_active:
                result.changes.append(_arrival(item, known))
            continue
        if before.content_hash != item.content_hash:
            result.upserts.append(item)
            kind = _transition(before.item, item)
            if kind is not None:
                result.changes.append(Change(kind, _retitled(kind, before.item, item),
                                             before.item))
        else:
            result.seen_unchanged.append(item.key)
        if before.missing_runs:
            result.missing[item.key] = 0
        _note_estimated_end(before, item, now, result)
    for key, before in known.items():
        if key in seen_keys or not before.item.is_active:
            continue
        if key in cancellers:
            gone = replace(before.item, status="cancelled")
            result.upserts.append(gone)
            result.changes.append(Change(ChangeKind.CANCELLED, gone, before.item))
        elif key in successors:
            result.upserts.append(replace(before.item, status="replaced"))  # news: successor
        else:
            _absent(before, now, withdraw_after, result)
    return result


def confirm(known: Mapping[str, Known], *, now: datetime, withdraw_after: int) -> Diff:
    """A `304 Not Modified` re-observes the last body: whatever was missing from it is missing
    once more (so a server with validators still withdraws), and end times still pass."""
    result = Diff()
    for before in known.values():
        if not before.item.is_active:
            continue
        if before.missing_runs:
            _absent(before, now, withdraw_after, result)
            continue
        expired = _expire(before.item, now)
        if not expired.is_active:
            result.upserts.append(expired)
            result.changes.append(Change(ChangeKind.EXPIRED, expired, before.item))
        else:
            _note_estimated_end(before, before.item, now, result)
    return result


def validity_note(before: Item, after: Item) -> str | None:
    """What an update did to a notice's stated end, for its title: `extended to 31 Jan 2026
    (was 31 Dec 2025)`, `shortened to ...`, `extended until further notice (was ...)`, `now
    until 31 Jan 2026 (was until further notice)`; None when the end stayed or is not known
    on both sides."""
    old, new = _stated_end(before), _stated_end(after)
    if old is None or new is None or old == new:
        return None
    if isinstance(old, datetime) and isinstance(new, datetime):
        word = "extended" if new > old else "shortened"
        return f"{word} to {day_label(new)} (was {day_label(old)})"
    if isinstance(old, datetime):
        return f"extended {OPEN_END} (was {day_label(old)})"
    assert isinstance(new, datetime)
    return f"now until {day_label(new)} (was {OPEN_END})"


def _retitled(kind: ChangeKind, before: Item, after: Item) -> Item:
    """An updated advisory whose stated end moved, titled with what moved: "AV: Suspension of
    flights to Caracas extended to 15 Jan 2026 (was 12 Dec 2025)"."""
    if kind != ChangeKind.UPDATED or after.kind != ItemKind.ADVISORY:
        return after
    note = validity_note(before, after)
    if note is None:
        return after
    return replace(after, title=f"{_UNTIL_SUFFIX.sub('', after.title)} {note}")


def _stated_end(item: Item) -> datetime | str | None:
    """An item's end: its `valid_to`, OPEN_END when its title says so, else None (unknown)."""
    if item.valid_to is not None:
        return item.valid_to
    return OPEN_END if item.title.endswith(f"({OPEN_END})") else None


# The "(until 12 Dec)" a notice title ends with (monitor.notices): the note replaces it.
_UNTIL_SUFFIX = re.compile(r"\s*\(until [^()]*\)$")


def _settle(item: Item, successors: Mapping[str, Item], cancellers: Mapping[str, Item],
            now: datetime) -> Item:
    """The status an item really has, given the rest of the same fetch and the clock."""
    if item.key in cancellers and item.is_active:
        return replace(item, status="cancelled")
    if item.key in successors and successors[item.key].key != item.key and item.is_active:
        return replace(item, status="replaced")
    return _expire(item, now)


def _arrival(item: Item, known: Mapping[str, Known]) -> Change:
    """A first sighting: new, or (NOTAMR) the update of the hazard it replaces."""
    previous = known.get(item.replaces) if item.replaces else None
    if previous is not None and previous.item.is_active:
        return Change(ChangeKind.UPDATED, item, previous.item)
    return Change(ChangeKind.NEW, item)


def _absent(before: Known, now: datetime, withdraw_after: int, result: Diff) -> None:
    if before.item.kind == ItemKind.FLIGHT:
        _flight_absent(before, now, withdraw_after, result)
        return
    expired = _expire(before.item, now)
    if not expired.is_active:
        result.upserts.append(expired)
        result.changes.append(Change(ChangeKind.EXPIRED, expired, before.item))
        return
    missing = before.missing_runs + 1
    result.missing[before.item.key] = missing
    if missing >= withdraw_after:
        gone = replace(before.item, status="withdrawn")
        result.upserts.append(gone)
        result.changes.append(Change(ChangeKind.WITHDRAWN, gone, before.item))


def _flight_absent(before: Known, now: datetime, withdraw_after: int, result: Diff) -> None:
    """A flight gone from a board that still parses: before its departure that is how some
    boards show a cancellation (Maiquetía hid them); after it, the flight just left the window."""
    item = before.item
    flight = item.flight
    upcoming = (flight is not None and flight.scheduled is not None and flight.scheduled > now
                and item.status in ("scheduled", "delayed"))
    if not upcoming:
        result.upserts.append(replace(item, status="withdrawn"))  # quietly out of view
        return
    missing = before.missing_runs + 1
    result.missing[item.key] = missing
    if missing >= withdraw_after:
        probable = replace(item, status="cancelled_probable", severity=Severity.ADVISORY,
                           title=_flight_title(item, "cancelled_probable"),
                           body=f"{item.body}\nNo longer listed by the source "
                                f"({missing} polls) before its scheduled time.".strip())
        result.upserts.append(probable)
        result.changes.append(Change(ChangeKind.UPDATED, probable, item))


def _flight_title(item: Item, status: str) -> str:
    head, sep, _ = item.title.rpartition(": ")
    return f"{head}: {status}" if sep else f"{item.title}: {status}"


def _note_estimated_end(before: Known, item: Item, now: datetime, result: Diff) -> None:
    if (not before.end_noted and item.is_active and item.kind == ItemKind.NOTAM
            and item.valid_to_estimated and item.valid_to is not None and item.valid_to <= now):
        result.changes.append(Change(ChangeKind.ESTIMATED_END, item, before.item))
        result.end_noted.append(item.key)


def _transition(before: Item, after: Item) -> ChangeKind | None:
    if after.kind == ItemKind.FLIGHT and before.status != "withdrawn":
        if before.status in FLIGHT_DISRUPTED and after.status not in FLIGHT_DISRUPTED:
            return ChangeKind.RESUMED
        return ChangeKind.UPDATED
    was_active, is_active = before.is_active, after.is_active
    if was_active and not is_active:
        if after.status == "replaced":
            return None  # the replacement NOTAM carries the news
        return {"cancelled": ChangeKind.CANCELLED,
                "expired": ChangeKind.EXPIRED}.get(after.status, ChangeKind.WITHDRAWN)
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
