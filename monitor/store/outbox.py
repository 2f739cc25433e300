"""The outbox's queries: claim due deliveries, mark them sent or failed, free stale claims."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update

from monitor.models import AlertRow, DeliveryRow
from monitor.records import Claimed, DeliveryStatus
from monitor.store.base import StoreBase
from monitor.types import Severity


class Outbox(StoreBase):
    def claim_due(self, now: datetime, *, owner: str, lease: timedelta,
                  limit: int = 100) -> list[Claimed]:
        """Atomically move due pending deliveries to `sending` under a lease we own."""
        due = select(DeliveryRow.id).where(
            DeliveryRow.status == DeliveryStatus.PENDING, DeliveryRow.next_attempt_at <= now
        ).order_by(DeliveryRow.id).limit(limit)
        with self._session.begin() as s:
            # One UPDATE with the status re-checked: two sweepers never claim the same row.
            claimed = s.execute(update(DeliveryRow).where(
                DeliveryRow.id.in_(due.scalar_subquery()),
                DeliveryRow.status == DeliveryStatus.PENDING)
                .values(status=DeliveryStatus.SENDING, lease_until=now + lease, claimed_by=owner,
                ).returning(DeliveryRow.id)).scalars().all()
        if not claimed:
            return []
        with self._session() as s:
            rows = s.execute(select(DeliveryRow, AlertRow).join(
                AlertRow, AlertRow.id == DeliveryRow.alert_id).where(
                DeliveryRow.id.in_(claimed)).order_by(DeliveryRow.id)).all()
            return [Claimed(d.id, d.channel, d.attempts, a.id, a.run_id, a.category,
                            a.watchlist, a.source, a.change, Severity(a.severity), a.all_clear,
                            a.title, json.loads(a.data), a.created_at) for d, a in rows]

    def mark_sent(self, ids: Sequence[int], now: datetime, owner: str) -> None:
        with self._session.begin() as s:
            s.execute(update(DeliveryRow).where(DeliveryRow.id.in_(ids),
                                                DeliveryRow.claimed_by == owner)
                      .values(status=DeliveryStatus.SENT, sent_at=now, lease_until=None,
                              attempts=DeliveryRow.attempts + 1, last_error=None))

    def mark_failed(self, ids: Sequence[int], now: datetime, owner: str, *, error: str,
                    retry_at: datetime | None) -> None:
        """Back to pending for a retry at `retry_at`, or `failed` for good when None."""
        values: dict[str, Any] = {"attempts": DeliveryRow.attempts + 1, "last_error": error,
                                  "lease_until": None}
        if retry_at is None:
            values["status"] = DeliveryStatus.FAILED
        else:
            values.update(status=DeliveryStatus.PENDING, next_attempt_at=retry_at)
        with self._session.begin() as s:
            s.execute(update(DeliveryRow).where(DeliveryRow.id.in_(ids),
                                                DeliveryRow.claimed_by == owner).values(**values))

    def release_expired(self, now: datetime) -> int:
        """Deliveries whose sender died mid-send go back to pending (at-least-once)."""
        with self._session.begin() as s:
            result = s.execute(update(DeliveryRow).where(
                DeliveryRow.status == DeliveryStatus.SENDING, DeliveryRow.lease_until < now)
                .values(status=DeliveryStatus.PENDING, lease_until=None, claimed_by=None))
            return result.rowcount or 0  # type: ignore[attr-defined]
