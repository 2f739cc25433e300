"""Claims: a lease per source run (and its due time), and the writer row of the decisions.

Every lease is taken one way: make sure its row exists, then one conditional UPDATE that
rechecks the holder (free, expired or ours). Two processes racing for a lease both run that
UPDATE; the database lets one win (a row lock on PostgreSQL, the write lock on SQLite).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from monitor.models import Lease, SourceState
from monitor.records import StateView
from monitor.store.base import STATE_COLUMNS, StoreBase, state_view

WRITER = "writer"        # the row whose lock serialises the decisions of batches
_FREE = datetime(1970, 1, 1, tzinfo=UTC)


def lease_name(source: str) -> str:
    return f"source:{source}"


@dataclass
class Claim:
    """The outcome of claiming a batch: what we may run, and why the rest is left."""

    states: dict[str, StateView] = field(default_factory=dict)
    held_elsewhere: set[str] = field(default_factory=set)
    not_due: set[str] = field(default_factory=set)
    resting: set[str] = field(default_factory=set)    # not due because it keeps failing
    next_due: dict[str, datetime] = field(default_factory=dict)

    def wait(self, name: str, next_due: datetime, failures: int) -> None:
        """`name` is not due until `next_due` (resting, when it keeps failing)."""
        self.not_due.add(name)
        self.next_due[name] = next_due
        if failures:
            self.resting.add(name)


class Leases(StoreBase):
    def claim_sources(self, kinds: dict[str, str], owner: str, now: datetime, ttl: timedelta,
                      *, due: dict[str, timedelta] | None = None) -> Claim:
        """Lease every source of `kinds` that no other process runs, and read its state, in
        one transaction. With `due` (the scheduler), a source whose next due time (kept in
        the database, set by whichever process ran it last) lies ahead is left alone, so
        several workers on one database fetch each source once per interval."""
        claim = Claim()
        names = list(kinds)
        with self._session.begin() as s:
            if due is not None:  # a source not due costs one read and no write
                names = _maybe_due(s, names, now, claim)
            taken = take_leases(s, [lease_name(n) for n in names], owner, now, ttl)
            mine = [n for n in names if lease_name(n) in taken]
            claim.held_elsewhere = set(names) - set(mine)
            rows = {r.name: r for r in s.execute(select(*STATE_COLUMNS).where(
                SourceState.name.in_(mine)))}
            for n in mine:
                row = rows.get(n)
                if due is not None and row is not None and row.next_due_at is not None \
                        and row.next_due_at > now:  # another process ran it meanwhile
                    claim.wait(n, row.next_due_at, row.consecutive_failures)
                    continue
                claim.states[n] = state_view(row) if row is not None else StateView(
                    name=n, kind=kinds[n], exists=False)
            if claim.not_due:
                _release(s, [lease_name(n) for n in claim.not_due], owner)
        return claim

    def release_leases(self, sources: Iterable[str], owner: str) -> None:
        with self._session.begin() as s:
            _release(s, [lease_name(n) for n in sources], owner)


def _maybe_due(s: Session, names: list[str], now: datetime, claim: Claim) -> list[str]:
    """The sources that may be due (checked again under the lease: another process may
    have run one meanwhile); the others go to `claim.not_due` at once."""
    rows = s.execute(select(SourceState.name, SourceState.next_due_at,
                            SourceState.consecutive_failures).where(
        SourceState.name.in_(names), SourceState.next_due_at > now)).all()
    for name, next_due, failures in rows:
        claim.wait(name, next_due, failures)
    return [n for n in names if n not in claim.not_due]


def take_leases(s: Session, names: list[str], owner: str, now: datetime,
                ttl: timedelta) -> set[str]:
    """The leases of `names` now ours (free, expired or already ours before)."""
    if not names:
        return set()
    _ensure_rows(s, names)
    taken = s.execute(update(Lease).where(
        Lease.name.in_(names), or_(Lease.owner == owner, Lease.expires_at < now))
        .values(owner=owner, expires_at=now + ttl).returning(Lease.name)).scalars().all()
    return set(taken)


def lock_writer(s: Session, now: datetime) -> None:
    """Lock the writer row for the rest of the transaction (the first write of it, so that
    SQLite takes its write lock before anything is read)."""
    locked = s.execute(update(Lease).where(Lease.name == WRITER)
                       .values(expires_at=now)).rowcount
    if not locked:
        _ensure_rows(s, [WRITER], expires_at=now)
        s.execute(update(Lease).where(Lease.name == WRITER).values(expires_at=now))


def _ensure_rows(s: Session, names: list[str], *, expires_at: datetime = _FREE) -> None:
    rows = [{"name": n, "owner": "", "expires_at": expires_at} for n in names]
    dialect = s.get_bind().dialect.name
    # Executed with a list of parameters: one cached statement, not one with a VALUES row
    # per source compiled afresh for every batch.
    # Each dialect's module is loaded only where it is in use.
    if dialect == "postgresql":
        from sqlalchemy.dialects import postgresql

        s.execute(postgresql.insert(Lease.__table__).on_conflict_do_nothing(), rows)
    elif dialect == "sqlite":
        from sqlalchemy.dialects import sqlite

        s.execute(sqlite.insert(Lease.__table__).on_conflict_do_nothing(), rows)
    else:  # others: insert what is missing (a racing twin then fails the transaction)
        have = set(s.scalars(select(Lease.name).where(Lease.name.in_(names))))
        missing = [r for r in rows if r["name"] not in have]
        if missing:
            s.execute(Lease.__table__.insert(), missing)


def _release(s: Session, names: list[str], owner: str) -> None:
    if names:
        s.execute(delete(Lease).where(Lease.name.in_(names), Lease.owner == owner))
