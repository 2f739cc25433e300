"""Every query and transaction (SQLAlchemy stays here, in models.py and db.py)."""

from __future__ import annotations

import gzip
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from monitor.db import make_engine
from monitor.diff import Known
from monitor.models import (
    AlertRow,
    ChangeRow,
    DeliveryRow,
    ItemRow,
    Lease,
    RawBody,
    Run,
    SourceState,
)
from monitor.records import (
    AlertListing,
    Claimed,
    NewAlert,
    RunRecord,
    StateView,
    StoredItem,
)
from monitor.types import Severity, item_from_json

RAW_BODIES_KEPT = 3


class Store:
    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self._session = sessionmaker(self.engine, expire_on_commit=False)

    def close(self) -> None:
        self.engine.dispose()

    # -- reading -------------------------------------------------------------------------

    def known_items(self, source: str, *, pending_only: bool = False) -> dict[str, Known]:
        """What the store knows of a source's items. `pending_only`: just the active ones whose
        fate can change without a new body (missing ones, NOTAMs with an end time)."""
        query = select(ItemRow.key, ItemRow.data, ItemRow.revision, ItemRow.content_hash,
                       ItemRow.missing_runs, ItemRow.end_noted).where(ItemRow.source == source)
        if pending_only:
            query = query.where(ItemRow.active.is_(True), or_(
                ItemRow.missing_runs > 0, ItemRow.kind == "notam"))
        with self._session() as s:
            rows = s.execute(query).all()
        return {key: Known(item_from_json(json.loads(data), revision=rev), chash, missing,
                           bool(noted))
                for key, data, rev, chash, missing, noted in rows}

    def known_items_many(self, sources: list[str]) -> dict[str, dict[str, Known]]:
        """`known_items(pending_only=True)` for many sources in one query."""
        if not sources:
            return {}
        query = select(ItemRow.source, ItemRow.key, ItemRow.data, ItemRow.revision,
                       ItemRow.content_hash, ItemRow.missing_runs, ItemRow.end_noted).where(
            ItemRow.source.in_(sources), ItemRow.active.is_(True),
            or_(ItemRow.missing_runs > 0, ItemRow.kind == "notam"))
        found: dict[str, dict[str, Known]] = {}
        with self._session() as s:
            for src, key, data, rev, chash, missing, noted in s.execute(query):
                found.setdefault(src, {})[key] = Known(
                    item_from_json(json.loads(data), revision=rev), chash, missing, bool(noted))
        return found

    def state(self, source: str) -> StateView | None:
        with self._session() as s:
            row = s.get(SourceState, source)
            return _state_view(row) if row else None

    def states(self) -> dict[str, StateView]:
        with self._session() as s:
            return {r.name: _state_view(r) for r in s.execute(select(*_STATE_COLUMNS))}

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

    def alerted_watchlists(self, source: str, key: str) -> set[str]:
        """Watchlists that were told about this item (an all-clear goes only to them)."""
        with self._session() as s:
            rows = s.scalars(select(AlertRow.watchlist).where(
                AlertRow.item_key == key, AlertRow.source == source,
                AlertRow.category == "item", AlertRow.all_clear.is_(False),
                AlertRow.watchlist.is_not(None)).distinct())
            return {w for w in rows if w}

    def other_active_sources(self, key: str, source: str,
                             statuses: Sequence[str] | None = None) -> list[str]:
        """Other sources that still report this key as active (then it is not all clear);
        with `statuses`, only those reporting one of them (a flight still cancelled)."""
        query = select(ItemRow.source).where(ItemRow.key == key, ItemRow.source != source,
                                             ItemRow.active.is_(True))
        if statuses is not None:
            query = query.where(ItemRow.status.in_(statuses))
        with self._session() as s:
            return list(s.scalars(query.order_by(ItemRow.source)))

    def twin_alert(self, watchlist: str, key: str, change: str, source: str,
                   since: datetime, *, any_source: bool = False) -> tuple[int, bool] | None:
        """A recent alert to `watchlist` about the same key and change from another source
        (from any source, and any change, with `any_source`): (its id, whether it still has
        deliveries waiting)."""
        query = select(AlertRow.id).where(
            AlertRow.watchlist == watchlist, AlertRow.item_key == key,
            AlertRow.category == "item", AlertRow.created_at >= since)
        if not any_source:
            query = query.where(AlertRow.change == change, AlertRow.source != source)
        with self._session() as s:
            row = s.execute(query.order_by(AlertRow.id.desc()).limit(1)).first()
            if row is None:
                return None
            waiting = s.scalar(select(func.count()).select_from(DeliveryRow).where(
                DeliveryRow.alert_id == row[0], DeliveryRow.status == "pending")) or 0
            return row[0], waiting > 0

    def recent_cancelled_flights(self, airline: str,
                                 since: datetime) -> list[tuple[str, tuple[str, ...]]]:
        """(key, airports) of flights of `airline` that turned cancelled since `since`."""
        with self._session() as s:
            rows = s.execute(select(ItemRow.key, ItemRow.data).where(
                ItemRow.kind == "flight", ItemRow.status == "cancelled",
                ItemRow.changed_at >= since)).all()
        found = []
        for key, data in rows:
            item = json.loads(data)
            if airline in item.get("airlines", []):
                found.append((key, tuple(item.get("airports", []))))
        return found

    def airline_warnings(self, airline: str) -> list[str]:
        """Titles of the airline's own active advisories at warning or above."""
        with self._session() as s:
            rows = s.execute(select(ItemRow.data).where(
                ItemRow.kind == "advisory", ItemRow.active.is_(True),
                ItemRow.severity >= int(Severity.WARNING))).scalars().all()
        return [item["title"] for item in map(json.loads, rows)
                if airline in item.get("airlines", [])]

    def summarised_watchlists(self, key: str) -> set[str]:
        """Watchlists told about this key inside another message: a situation summary that
        listed it, or a suspension alert that counted the flight."""
        with self._session() as s:
            rows = s.execute(select(AlertRow.watchlist, AlertRow.data).where(or_(
                AlertRow.category == "summary",
                AlertRow.item_key.like("% suspension")))).all()
        found = set()
        for watchlist, data in rows:
            parsed = json.loads(data)
            if (any(e["item"]["key"] == key for e in parsed.get("items", []))
                    or key in parsed.get("flights", [])):
                found.add(watchlist)
        return found

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

    # -- writing a run -------------------------------------------------------------------

    def commit_run(self, record: RunRecord, *, lease_owner: str | None = None) -> int:
        """Items, changes, alerts, deliveries, raw body, source state and the release of the
        run's lease: one transaction."""
        with self._session.begin() as s:
            return self._write_run(s, record, lease_owner)

    def commit_runs(self, records: list[RunRecord], *, lease_owner: str) -> None:
        """Several runs in one transaction. Plain runs (an unchanged poll, a repeated failure)
        are written with one statement per table for all of them."""
        plain = [r for r in records if r.plain]
        with self._session.begin() as s:
            for record in records:
                if not record.plain:
                    self._write_run(s, record, lease_owner)
            if not plain:
                return
            s.execute(insert(Run), [_run_values(r) for r in plain])
            by_columns: dict[tuple[str, ...], list[dict[str, Any]]] = {}
            for r in plain:
                values = {"kind": r.kind, **r.state}
                by_columns.setdefault(tuple(sorted(values)), []).append(
                    {"name": r.source, **values})
            for rows in by_columns.values():
                s.execute(update(SourceState), rows)  # bulk UPDATE by primary key
            s.execute(delete(Lease).where(
                Lease.name.in_([f"source:{r.source}" for r in plain]),
                Lease.owner == lease_owner))

    def _write_run(self, s: Session, record: RunRecord, lease_owner: str | None) -> int:
        run_id = s.execute(insert(Run).values(**_run_values(record))
                           .returning(Run.id)).scalar_one()
        change_ids = self._apply_diff(s, record, run_id) if record.diff else []
        for alert in record.alerts:
            if alert.merge_into is not None:
                _cite_source(s, alert.merge_into, alert.source)
                continue
            change_id = change_ids[alert.change_index] if alert.change_index is not None \
                else None
            _insert_alert(s, alert, run_id=run_id, change_id=change_id,
                          now=record.finished_at)
        for url, body, part in record.raw:
            self._keep_raw(s, record.source, run_id, url, body, record.finished_at, part)
        columns = {"kind": record.kind, **record.state}
        updated = s.execute(update(SourceState).where(SourceState.name == record.source)
                            .values(**columns)).rowcount
        if not updated:
            s.add(SourceState(name=record.source, **{"consecutive_failures": 0,
                                                     "baseline_done": False, **columns}))
        if lease_owner is not None:
            s.execute(delete(Lease).where(Lease.name == f"source:{record.source}",
                                          Lease.owner == lease_owner))
        return run_id

    def _apply_diff(self, s: Session, record: RunRecord, run_id: int) -> list[int]:
        diff = record.diff
        assert diff is not None
        now = record.finished_at
        touched = {i.key for i in diff.upserts} | set(diff.missing) | set(diff.end_noted)
        rows: dict[str, ItemRow] = {}
        if touched:
            for row in s.scalars(select(ItemRow).where(ItemRow.source == record.source,
                                                       ItemRow.key.in_(touched))):
                rows[row.key] = row
        for item in diff.upserts:
            row = rows.get(item.key)
            data = json.dumps(item.to_json(), ensure_ascii=False)
            if row is None:
                row = ItemRow(source=record.source, key=item.key, first_seen_at=now,
                              missing_runs=0, end_noted=False, active=item.is_active)
                s.add(row)
                rows[item.key] = row
            row.kind, row.status, row.severity = item.kind, item.status, int(item.severity)
            row.active = item.is_active
            row.content_hash, row.revision, row.data = item.content_hash, item.revision, data
            row.last_seen_at = now
            row.changed_at = now
        for key, missing in diff.missing.items():
            if key in rows:
                rows[key].missing_runs = missing
        for key in diff.end_noted:
            rows[key].end_noted = True
        s.flush()
        ids = []
        for change in diff.changes:
            prev = json.dumps(change.previous.to_json()) if change.previous else None
            row = ChangeRow(run_id=run_id, item_id=rows[change.item.key].id,
                            change=str(change.kind), severity=int(change.item.severity),
                            at=now, before=prev)
            s.add(row)
            s.flush()
            ids.append(row.id)
        return ids

    def _keep_raw(self, s: Session, source: str, run_id: int, url: str, body: bytes,
                  now: datetime, part: str = "page") -> None:
        """Keep the last few distinct bodies of each part per source; an unchanged body
        writes nothing."""
        digest = hashlib.sha256(body).hexdigest()
        mine = (RawBody.source == source, RawBody.part == part)
        last = s.scalars(select(RawBody.sha256).where(*mine, RawBody.url == url)
                         .order_by(RawBody.id.desc()).limit(1)).first()
        if last == digest:
            return
        s.add(RawBody(source=source, run_id=run_id, fetched_at=now, url=url, part=part,
                      sha256=digest, size=len(body), body=gzip.compress(body, compresslevel=5)))
        s.flush()
        keep = select(RawBody.id).where(*mine).order_by(RawBody.id.desc()).limit(
            RAW_BODIES_KEPT)
        s.execute(delete(RawBody).where(*mine, RawBody.id.not_in(keep)))

    def add_alerts(self, alerts: Iterable[NewAlert], now: datetime) -> list[int]:
        """Alerts outside a run (a test notification, a stale-source alert)."""
        with self._session.begin() as s:
            return [_insert_alert(s, a, run_id=None, change_id=None, now=now) for a in alerts]

    def update_state(self, source: str, kind: str, **columns: Any) -> None:
        with self._session.begin() as s:
            state = s.get(SourceState, source)
            if state is None:
                state = SourceState(name=source, kind=kind, consecutive_failures=0,
                                    baseline_done=False)
                s.add(state)
            for column, value in columns.items():
                setattr(state, column, value)

    # -- the outbox ----------------------------------------------------------------------

    def claim_due(self, now: datetime, *, owner: str, lease: timedelta,
                  limit: int = 100) -> list[Claimed]:
        """Atomically move due pending deliveries to `sending` under a lease we own."""
        due = select(DeliveryRow.id).where(
            DeliveryRow.status == "pending", DeliveryRow.next_attempt_at <= now
        ).order_by(DeliveryRow.id).limit(limit)
        with self._session.begin() as s:
            # One UPDATE with the status re-checked: two sweepers never claim the same row.
            claimed = s.execute(update(DeliveryRow).where(
                DeliveryRow.id.in_(due.scalar_subquery()), DeliveryRow.status == "pending")
                .values(status="sending", lease_until=now + lease, claimed_by=owner,
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
                      .values(status="sent", sent_at=now, lease_until=None,
                              attempts=DeliveryRow.attempts + 1, last_error=None))

    def mark_failed(self, ids: Sequence[int], now: datetime, owner: str, *, error: str,
                    retry_at: datetime | None) -> None:
        """Back to pending for a retry at `retry_at`, or `failed` for good when None."""
        values: dict[str, Any] = {"attempts": DeliveryRow.attempts + 1, "last_error": error,
                                  "lease_until": None}
        if retry_at is None:
            values["status"] = "failed"
        else:
            values.update(status="pending", next_attempt_at=retry_at)
        with self._session.begin() as s:
            s.execute(update(DeliveryRow).where(DeliveryRow.id.in_(ids),
                                                DeliveryRow.claimed_by == owner).values(**values))

    def release_expired(self, now: datetime) -> int:
        """Deliveries whose sender died mid-send go back to pending (at-least-once)."""
        with self._session.begin() as s:
            result = s.execute(update(DeliveryRow).where(
                DeliveryRow.status == "sending", DeliveryRow.lease_until < now)
                .values(status="pending", lease_until=None, claimed_by=None))
            return result.rowcount or 0  # type: ignore[attr-defined]

    # -- leases --------------------------------------------------------------------------

    def acquire_lease(self, name: str, owner: str, now: datetime, ttl: timedelta) -> bool:
        """Take `name` if free or expired (or already ours); False when another owner holds it."""
        try:
            with self._session.begin() as s:
                return _take_lease(s, name, owner, now, ttl)
        except IntegrityError:
            return False  # another process inserted the same lease a moment before us

    def begin_run(self, source: str, kind: str, owner: str, now: datetime,
                  ttl: timedelta) -> StateView | None:
        """Take the source's run lease and read its state in one transaction.
        None when another process is running the source."""
        try:
            with self._session.begin() as s:
                if not _take_lease(s, f"source:{source}", owner, now, ttl):
                    return None
                row = s.get(SourceState, source)
                return _state_view(row) if row else StateView(name=source, kind=kind,
                                                               exists=False)
        except IntegrityError:
            return None

    def begin_runs(self, kinds: dict[str, str], owner: str, now: datetime,
                   ttl: timedelta) -> dict[str, StateView]:
        """`begin_run` for many sources in one transaction; those leased elsewhere are left
        out of the answer."""
        names = list(kinds)
        lease_names = [f"source:{n}" for n in names]
        with self._session.begin() as s:
            held = {row.name: row for row in s.execute(select(
                Lease.name, Lease.owner, Lease.expires_at).where(Lease.name.in_(lease_names)))}
            mine = [n for n in names if (h := held.get(f"source:{n}")) is None
                    or h.owner == owner or h.expires_at < now]
            fresh = [{"name": f"source:{n}", "owner": owner, "expires_at": now + ttl}
                     for n in mine if f"source:{n}" not in held]
            if fresh:
                s.execute(insert(Lease), fresh)
            taken = [f"source:{n}" for n in mine if f"source:{n}" in held]
            if taken:
                s.execute(update(Lease).where(Lease.name.in_(taken))
                          .values(owner=owner, expires_at=now + ttl))
            # Columns, not ORM objects: a thousand states load in a third of the time.
            rows = {r.name: r for r in s.execute(select(*_STATE_COLUMNS).where(
                SourceState.name.in_(mine)))}
            return {n: _state_view(rows[n]) if n in rows else
                    StateView(name=n, kind=kinds[n], exists=False) for n in mine}

    def release_lease(self, name: str, owner: str) -> None:
        with self._session.begin() as s:
            s.execute(delete(Lease).where(Lease.name == name, Lease.owner == owner))

    # -- retention -----------------------------------------------------------------------

    def prune(self, before: datetime) -> dict[str, int]:
        """Drop history older than `before`: runs, finished deliveries, raw bodies, closed items
        and their alerts. Never an active item, an alert about one (an all-clear must still
        find its watchlists), a situation summary, or anything not yet delivered."""
        counts: dict[str, int] = {}
        with self._session.begin() as s:
            counts["deliveries"] = s.execute(delete(DeliveryRow).where(
                DeliveryRow.status.in_(("sent", "failed")),
                DeliveryRow.created_at < before)).rowcount or 0
            unfinished = select(DeliveryRow.alert_id)
            active = select(ItemRow.key).where(ItemRow.active.is_(True))
            counts["alerts"] = s.execute(delete(AlertRow).where(
                AlertRow.created_at < before, AlertRow.category != "summary",
                AlertRow.id.not_in(unfinished),
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

    def row_counts(self) -> dict[str, int]:
        with self._session() as s:
            return {model.__tablename__: s.scalar(select(func.count()).select_from(model)) or 0
                    for model in (ItemRow, Run, ChangeRow, AlertRow, DeliveryRow, RawBody)}


def _run_values(r: RunRecord) -> dict[str, Any]:
    return {"source": r.source, "started_at": r.started_at, "finished_at": r.finished_at,
            "status": r.status, "error": r.error, "items": r.items, "new": r.new,
            "updated": r.updated, "withdrawn": r.withdrawn,
            "alerts": sum(a.merge_into is None for a in r.alerts),
            "duration_ms": r.duration_ms, "bytes": r.bytes}


def _take_lease(s: Session, name: str, owner: str, now: datetime, ttl: timedelta) -> bool:
    held = s.execute(select(Lease.owner, Lease.expires_at).where(Lease.name == name)).first()
    if held is None:
        s.add(Lease(name=name, owner=owner, expires_at=now + ttl))
        s.flush()
        return True
    if held.owner != owner and held.expires_at >= now:
        return False
    s.execute(update(Lease).where(Lease.name == name).values(owner=owner,
                                                             expires_at=now + ttl))
    return True


def _insert_alert(s: Session, alert: NewAlert, *, run_id: int | None, change_id: int | None,
                  now: datetime) -> int:
    row = AlertRow(run_id=run_id, change_id=change_id, category=alert.category,
                   watchlist=alert.watchlist, source=alert.source, item_key=alert.item_key,
                   change=alert.change, severity=int(alert.severity), all_clear=alert.all_clear,
                   title=alert.title, data=json.dumps(alert.data, ensure_ascii=False),
                   created_at=now)
    s.add(row)
    s.flush()
    for channel in alert.channels:
        s.add(DeliveryRow(alert_id=row.id, channel=channel, status="pending", attempts=0,
                          next_attempt_at=alert.deliver_at or now, created_at=now))
    return row.id


def _cite_source(s: Session, alert_id: int, source: str) -> None:
    row = s.get(AlertRow, alert_id)
    if row is None:
        return
    data = json.loads(row.data)
    sources = data.setdefault("sources", [row.source])
    if source not in sources:
        sources.append(source)
        row.data = json.dumps(data, ensure_ascii=False)


_STATE_COLUMNS = tuple(getattr(SourceState, f) for f in StateView.__dataclass_fields__
                       if f != "exists")


def _state_view(row: Any) -> StateView:
    """A SourceState row (or a row of `_STATE_COLUMNS`) as the plain value runs read."""
    return StateView(
        name=row.name, kind=row.kind, etag=row.etag, last_modified=row.last_modified,
        last_attempt_at=row.last_attempt_at, last_success_at=row.last_success_at,
        last_failure_at=row.last_failure_at,
        consecutive_failures=row.consecutive_failures or 0, last_error=row.last_error,
        last_status=row.last_status, baseline_done=bool(row.baseline_done),
        health_alerted_at=row.health_alerted_at, next_due_at=row.next_due_at,
        items_seen=row.items_seen or 0, fingerprint=row.fingerprint,
        region_chars=row.region_chars, exists=True)
