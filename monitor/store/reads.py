"""What the commands and the runs read: items, states, alerts, counts, kept bodies."""

from __future__ import annotations

import gzip
import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import func, or_, select

from monitor.diff import Known
from monitor.models import AlertRow, ChangeRow, DeliveryRow, ItemRow, RawBody, Run, SourceState
from monitor.records import AlertListing, StateView, StoredItem
from monitor.store.base import STATE_COLUMNS, StoreBase, state_view
from monitor.types import Severity, item_from_json

if TYPE_CHECKING:
    from alerts.trips import Suspension


class Reads(StoreBase):
    def known_items(self, source: str, *, pending_only: bool = False) -> dict[str, Known]:
        """What the store knows of a source's items (`known_items_many` for one source)."""
        return self.known_items_many([source], pending_only=pending_only).get(source, {})

    def known_items_many(self, sources: Sequence[str], *,
                         pending_only: bool = False) -> dict[str, dict[str, Known]]:
        """What the store knows of each source's items, in one query. `pending_only`: just
        the active ones whose fate can change without a new body (missing ones, NOTAMs with
        an end time), which is all a re-observed body (a 304) needs."""
        if not sources:
            return {}
        query = select(ItemRow.source, ItemRow.key, ItemRow.data, ItemRow.revision,
                       ItemRow.content_hash, ItemRow.missing_runs, ItemRow.end_noted).where(
            ItemRow.source.in_(list(sources)))
        if pending_only:
            query = query.where(ItemRow.active.is_(True), or_(
                ItemRow.missing_runs > 0, ItemRow.kind == "notam"))
        found: dict[str, dict[str, Known]] = {}
        with self._session() as s:
            for src, key, data, rev, chash, missing, noted in s.execute(query):
                found.setdefault(src, {})[key] = Known(
                    item_from_json(json.loads(data), revision=rev), chash, missing, bool(noted))
        return found

    def suspensions(self, now: datetime) -> tuple[Suspension, ...]:
        """The suspension alerts the booking rules read (as a batch decision loads them)."""
        from monitor.store.knowledge import recent_suspensions

        with self._session() as s:
            return recent_suspensions(s, now)

    def state(self, source: str) -> StateView | None:
        with self._session() as s:
            row = s.get(SourceState, source)
            return state_view(row) if row else None

    def states(self) -> dict[str, StateView]:
        with self._session() as s:
            return {r.name: state_view(r) for r in s.execute(select(*STATE_COLUMNS))}

    def active_items(self, source: str | None = None) -> list[StoredItem]:
        query = select(ItemRow).where(ItemRow.active.is_(True))
        if source:
            query = query.where(ItemRow.source == source)
        with self._session() as s:
            return [StoredItem(item_from_json(json.loads(r.data), revision=r.revision),
                               r.first_seen_at, r.changed_at)
                    for r in s.scalars(query.order_by(ItemRow.source, ItemRow.key))]

    def active_counts(self) -> dict[str, int]:
        with self._session() as s:
            rows = s.execute(select(ItemRow.source, func.count()).where(
                ItemRow.active.is_(True)).group_by(ItemRow.source)).all()
        return dict(rows)  # type: ignore[arg-type]

    def recent_alerts(self, since: datetime, watchlist: str | None = None,
                      limit: int = 500) -> list[AlertListing]:
        query = select(AlertRow).where(AlertRow.created_at >= since)
        if watchlist:
            query = query.where(AlertRow.watchlist == watchlist)
        query = query.order_by(AlertRow.created_at.desc(), AlertRow.id.desc()).limit(limit)
        with self._session() as s:
            alerts = list(s.scalars(query))
            ids = [a.id for a in alerts]
            states: dict[int, dict[str, str]] = {}
            if ids:
                for aid, channel, status in s.execute(select(
                        DeliveryRow.alert_id, DeliveryRow.channel, DeliveryRow.status)
                        .where(DeliveryRow.alert_id.in_(ids))):
                    states.setdefault(aid, {})[channel] = status
        return [AlertListing(a.id, a.created_at, a.category, a.watchlist, a.source, a.item_key,
                             a.change, Severity(a.severity), a.title, json.loads(a.data),
                             states.get(a.id, {})) for a in alerts]

    def delivery_counts(self) -> dict[str, int]:
        with self._session() as s:
            rows = s.execute(select(DeliveryRow.status, func.count())
                             .group_by(DeliveryRow.status)).all()
        return dict(rows)  # type: ignore[arg-type]

    def change_count(self) -> int:
        with self._session() as s:
            return s.scalar(select(func.count()).select_from(ChangeRow)) or 0

    def kept_parts(self, wanted: Mapping[str, Sequence[str]]) -> dict[str, dict[str, bytes]]:
        """The newest kept body of each named part, per source (`{source: [part, ...]}`)."""
        found: dict[str, dict[str, bytes]] = {}
        pairs = {(source, part) for source, parts in wanted.items() for part in parts}
        if not pairs:
            return found
        newest = (select(func.max(RawBody.id)).where(RawBody.source.in_(list(wanted)))
                  .group_by(RawBody.source, RawBody.part))
        with self._session() as s:
            for source, part, body in s.execute(select(
                    RawBody.source, RawBody.part, RawBody.body).where(RawBody.id.in_(newest))):
                if (source, part) in pairs:
                    found.setdefault(source, {})[part] = gzip.decompress(body)
        return found

    def row_counts(self) -> dict[str, int]:
        with self._session() as s:
            return {model.__tablename__: s.scalar(select(func.count()).select_from(model)) or 0
                    for model in (ItemRow, Run, ChangeRow, AlertRow, DeliveryRow, RawBody)}
