"""Writing runs: items, changes, alerts, deliveries, raw bodies and states, one transaction.

A batch's alerts are decided inside that transaction (`plan`), after the writer row is
locked: two processes, or two jobs of one, never decide against the same picture.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.orm import Session

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
from monitor.records import DeliveryStatus, NewAlert, PackedBody, RunRecord
from monitor.store.base import StoreBase
from monitor.store.leases import lease_name, lock_writer

if TYPE_CHECKING:
    from monitor.decide import Knowledge, Wants

RAW_BODIES_KEPT = 3
Plan = Callable[[Callable[["Wants"], "Knowledge"]], None]


class Runs(StoreBase):
    def commit_runs(self, records: list[RunRecord], *, lease_owner: str,
                    plan: Plan | None = None) -> None:
        """Several runs in one transaction, each releasing its lease. With `plan`, the
        writer row is locked first and `plan` is handed a loader of what the alert rules
        need, to add the batch's alerts to the records before anything is written.
        Plain runs (an unchanged poll, a repeated failure) are written with one statement
        per table for all of them."""
        with self._session.begin() as s:
            if plan is not None:
                # The rules' reads load with the first batch that has something to decide.
                from monitor.store.knowledge import load_knowledge

                now = max(r.finished_at for r in records)
                lock_writer(s, now)
                plan(lambda wants: load_knowledge(s, wants, now))
            plain = [r for r in records if r.plain]
            for record in records:
                if not record.plain:
                    self._write_run(s, record, lease_owner)
            if not plain:
                return
            # Core statements with a list of parameters (one executemany each): the ORM's
            # bulk paths would walk every row through its unit of work first.
            s.execute(insert(Run.__table__), [_run_values(r) for r in plain])
            by_columns: dict[tuple[str, ...], list[dict[str, Any]]] = {}
            for r in plain:
                values = {"kind": r.kind, **r.state}
                by_columns.setdefault(tuple(sorted(values)), []).append(
                    {"key": r.source, **values})
            states = SourceState.__table__
            for columns, rows in by_columns.items():
                s.execute(update(states).where(states.c.name == bindparam("key"))
                          .values({c: bindparam(c) for c in columns}), rows)
            s.execute(delete(Lease).where(
                Lease.name.in_([lease_name(r.source) for r in plain]),
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
            s.execute(delete(Lease).where(Lease.name == lease_name(record.source),
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

    def _keep_raw(self, s: Session, source: str, run_id: int, url: str,
                  body: bytes | PackedBody, now: datetime, part: str = "page") -> None:
        """Keep the last few distinct bodies of each part per source; an unchanged body
        writes nothing."""
        packed = body if isinstance(body, PackedBody) else PackedBody.of(body)
        digest = packed.sha256
        mine = (RawBody.source == source, RawBody.part == part)
        last = s.scalars(select(RawBody.sha256).where(*mine, RawBody.url == url)
                         .order_by(RawBody.id.desc()).limit(1)).first()
        if last == digest:
            return
        s.add(RawBody(source=source, run_id=run_id, fetched_at=now, url=url, part=part,
                      sha256=digest, size=packed.size, body=packed.gzipped))
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


def _run_values(r: RunRecord) -> dict[str, Any]:
    return {"source": r.source, "started_at": r.started_at, "finished_at": r.finished_at,
            "status": r.status, "error": r.error, "items": r.items, "new": r.new,
            "updated": r.updated, "withdrawn": r.withdrawn,
            "alerts": sum(a.merge_into is None for a in r.alerts),
            "duration_ms": r.duration_ms, "bytes": r.bytes}


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
        s.add(DeliveryRow(alert_id=row.id, channel=channel, status=DeliveryStatus.PENDING,
                          attempts=0, next_attempt_at=alert.deliver_at or now, created_at=now))
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
