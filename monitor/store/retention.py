"""Retention: pruning old history and compacting the SQLite file."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, or_, select, update

from monitor.models import AlertRow, DeliveryRow, ItemRow, Lease, RawBody, Run
from monitor.records import BOOKINGS_SUFFIX, AlertCategory, DeliveryStatus
from monitor.store.base import StoreBase


class Retention(StoreBase):
    def prune(self, before: datetime) -> dict[str, int]:
        """Drop history older than `before`: runs, finished deliveries, raw bodies, closed items
        and their alerts. Never an active item, an alert about one (an all-clear must still
        find its watchlists), a situation summary, the last booking alert of a cause, or
        anything not yet delivered."""
        counts: dict[str, int] = {}
        with self._session.begin() as s:
            counts["deliveries"] = s.execute(delete(DeliveryRow).where(
                DeliveryRow.status.in_((DeliveryStatus.SENT, DeliveryStatus.FAILED)),
                DeliveryRow.created_at < before)).rowcount or 0
            unfinished = select(DeliveryRow.alert_id)
            active = select(ItemRow.key).where(ItemRow.active.is_(True))
            # A booking alert's key names its cause, never an item: its last alert is what
            # the bookings rules remember the cause by (without it, told again as new).
            last_per_cause = select(func.max(AlertRow.id)).where(
                AlertRow.item_key.like(f"%{BOOKINGS_SUFFIX}")).group_by(
                AlertRow.watchlist, AlertRow.item_key)
            counts["alerts"] = s.execute(delete(AlertRow).where(
                AlertRow.created_at < before, AlertRow.category != AlertCategory.SUMMARY,
                AlertRow.id.not_in(unfinished), AlertRow.id.not_in(last_per_cause),
                or_(AlertRow.item_key.is_(None), AlertRow.item_key.not_in(active)))).rowcount or 0
            # The newest body of each part stays however old (a new process falls back on
            # it), detached first from its run, whose deletion would take it along.
            newest = select(func.max(RawBody.id)).group_by(RawBody.source, RawBody.part)
            old_runs = select(Run.id).where(Run.started_at < before)
            s.execute(update(RawBody).where(RawBody.id.in_(newest), RawBody.run_id.in_(old_runs))
                      .values(run_id=None))
            counts["raw_bodies"] = s.execute(delete(RawBody).where(
                RawBody.fetched_at < before, RawBody.id.not_in(newest))).rowcount or 0
            counts["runs"] = s.execute(delete(Run).where(Run.started_at < before)).rowcount or 0
            counts["items"] = s.execute(delete(ItemRow).where(
                ItemRow.active.is_(False), ItemRow.changed_at < before)).rowcount or 0
            s.execute(delete(Lease).where(Lease.expires_at < before))
        return counts

    def vacuum(self) -> None:
        """Give freed pages back to the file system (SQLite); other databases do their own."""
        if self.engine.dialect.name != "sqlite":
            return
        raw = self.engine.raw_connection()  # VACUUM cannot run inside a transaction
        try:
            cursor = raw.cursor()
            cursor.execute("VACUUM")
            cursor.close()
        finally:
            raw.close()
