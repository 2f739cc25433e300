"""The plain values the store reads and writes: source states, runs to commit, alerts, claims.

Kept apart from `monitor.store` so that the pure modules (health rules, alerting, the pipeline's
types) can name them without loading SQLAlchemy.
"""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from monitor.diff import Change, Diff
from monitor.types import Item, Severity

BOOKINGS_SUFFIX = " (bookings)"   # a booking alert's key: `TP LIS-CCS suspension (bookings)`


class RunStatus(StrEnum):
    """How a source run ended (`source.run`'s `status`), or why it did not happen."""

    OK = "ok"
    NOT_MODIFIED = "not_modified"   # a 304, or a new body around the same watched region
    FAILED = "failed"
    SKIPPED = "skipped"             # another process holds the source's lease
    NOT_DUE = "not_due"             # run lately, by this process or another
    BACKOFF = "backoff"             # resting after failures


class AlertCategory(StrEnum):
    ITEM = "item"          # a change of an item, a suspension or bookings
    SUMMARY = "summary"    # the current situation on a source's first run
    HEALTH = "health"      # a source failing, stale or recovered (to the ops channels)
    TEST = "test"          # `monitor notify-test`


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"    # claimed by a sweeper, under its lease
    SENT = "sent"
    FAILED = "failed"      # given up after `delivery_attempts`


@dataclass(frozen=True, slots=True)
class StateView:
    name: str
    kind: str
    etag: str | None = None
    last_modified: str | None = None
    last_attempt_at: datetime | None = None
    last_success_at: datetime | None = None
    last_failure_at: datetime | None = None
    consecutive_failures: int = 0
    last_error: str | None = None
    last_status: str | None = None
    baseline_done: bool = False
    health_alerted_at: datetime | None = None
    next_due_at: datetime | None = None
    items_seen: int = 0          # items in the last body parsed (a 304 still has them)
    fingerprint: str | None = None   # digest of the watched region last parsed
    region_chars: int | None = None  # that region's text length
    exists: bool = True          # False: no row yet (the source never ran)


@dataclass(frozen=True, slots=True)
class NewAlert:
    """An alert to write with its run; `change_index` points into the run's diff changes."""

    category: str
    source: str
    change: str
    severity: Severity
    title: str
    data: dict[str, Any]
    channels: Sequence[str] = ()
    watchlist: str | None = None
    item_key: str | None = None
    all_clear: bool = False
    change_index: int | None = None
    deliver_at: datetime | None = None
    merge_into: int | None = None    # instead of a new alert: cite this source in that one


@dataclass(frozen=True, slots=True)
class PackedBody:
    """A body to keep in `raw_bodies`, compressed as soon as it is read (a batch of changed
    pages would otherwise hold every page until its commit): its digest, size and gzip."""

    sha256: str
    size: int
    gzipped: bytes

    @classmethod
    def of(cls, body: bytes) -> PackedBody:
        return cls(hashlib.sha256(body).hexdigest(), len(body),
                   gzip.compress(body, compresslevel=5))


@dataclass(frozen=True)
class RunChanges:
    """One successful run's input to the alert decision (`monitor.decide`)."""

    source: str
    changes: Sequence[Change]
    first_run: bool = False       # no baseline yet: a summary instead of item alerts
    items: Sequence[Item] = ()    # the items of a first run (for its summary)


@dataclass(slots=True)
class RunRecord:
    """Everything one source run writes, committed in one transaction."""

    source: str
    kind: str
    started_at: datetime
    finished_at: datetime
    status: RunStatus
    error: str | None = None
    items: int = 0
    new: int = 0
    updated: int = 0
    withdrawn: int = 0
    duration_ms: int = 0
    bytes: int = 0
    diff: Diff | None = None
    alerts: list[NewAlert] = field(default_factory=list)
    state: dict[str, Any] = field(default_factory=dict)     # SourceState columns to set
    raw: list[tuple[str, bytes | PackedBody, str]] = field(default_factory=list)  # url, body, part
    state_exists: bool = False       # the source_state row is there (update, not insert)

    @property
    def plain(self) -> bool:
        """Nothing but a run row and a state update (the common unchanged poll)."""
        d = self.diff
        return (self.state_exists and not self.alerts and not self.raw
                and (d is None or not (d.changes or d.upserts or d.missing or d.end_noted)))


@dataclass(frozen=True, slots=True)
class Claimed:
    """A delivery this process now owns, with what is needed to render and send it."""

    id: int
    channel: str
    attempts: int
    alert_id: int
    run_id: int | None
    category: str
    watchlist: str | None
    source: str
    change: str
    severity: Severity
    all_clear: bool
    title: str
    data: dict[str, Any]
    created_at: datetime


@dataclass(frozen=True, slots=True)
class AlertListing:
    id: int
    created_at: datetime
    category: str
    watchlist: str | None
    source: str
    item_key: str | None
    change: str
    severity: Severity
    title: str
    data: dict[str, Any]
    deliveries: dict[str, str]       # channel -> status


@dataclass(frozen=True, slots=True)
class StoredItem:
    item: Item
    first_seen_at: datetime
    changed_at: datetime
