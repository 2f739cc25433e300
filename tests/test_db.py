"""The schema exists only through Alembic, and the models agree with the migrations."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from monitor import db
from monitor.models import Base
from monitor.records import NewAlert
from monitor.store import Store
from monitor.types import Severity


def test_migrations_create_exactly_the_models_schema(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'm.db'}"
    db.upgrade(url)
    engine = db.make_engine(url)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []
    assert db.current_revision(engine) == db.head_revision(url) == db.HEAD
    engine.dispose()


def test_upgrade_is_idempotent_and_sqlite_is_tuned(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'm.db'}"
    db.upgrade(url)
    db.upgrade(url)
    engine = db.make_engine(url)
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 30000
    assert {"items", "runs", "changes", "alerts", "deliveries", "source_state", "raw_bodies",
            "leases"} <= set(inspect(engine).get_table_names())
    engine.dispose()


def test_datetimes_come_back_utc_aware(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'm.db'}"
    db.upgrade(url)
    store = Store(url)
    now = datetime(2025, 11, 21, 17, 43, tzinfo=UTC)
    store.add_alerts([NewAlert(category="test", source="t", change="test",
                               severity=Severity.INFO, title="[INFO] t", data={},
                               channels=["c"])], now)
    [row] = store.recent_alerts(datetime(2025, 1, 1, tzinfo=UTC))
    assert row.created_at == now and row.created_at.tzinfo is not None
    store.close()


def test_a_delivery_is_claimed_by_one_owner_only(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'm.db'}"
    db.upgrade(url)
    a, b = Store(url), Store(url)
    now = datetime(2025, 11, 21, tzinfo=UTC)
    a.add_alerts([NewAlert(category="test", source="t", change="test", severity=Severity.INFO,
                           title="[INFO] t", data={}, channels=["c1", "c2"])], now)
    from datetime import timedelta
    first = a.claim_due(now, owner="a", lease=timedelta(minutes=5))
    second = b.claim_due(now, owner="b", lease=timedelta(minutes=5))
    assert len(first) == 2 and second == []
    # The lease expires (the owner died mid-send): the rows go back to pending, once.
    later = now + timedelta(minutes=6)
    assert b.release_expired(later) == 2
    assert len(b.claim_due(later, owner="b", lease=timedelta(minutes=5))) == 2
    a.close()
    b.close()


def test_a_source_lease_is_exclusive_until_it_expires(tmp_path: Path) -> None:
    from datetime import timedelta

    url = f"sqlite:///{tmp_path / 'm.db'}"
    db.upgrade(url)
    store = Store(url)
    now = datetime(2025, 11, 21, tzinfo=UTC)
    ttl = timedelta(minutes=1)
    assert set(store.claim_sources({"x": "faa_prn"}, "p1", now, ttl).states) == {"x"}
    taken = store.claim_sources({"x": "faa_prn", "y": "faa_prn"}, "p2", now, ttl)
    assert set(taken.states) == {"y"} and taken.held_elsewhere == {"x"}
    later = now + timedelta(minutes=2)  # p1's lease expired: taken over
    assert set(store.claim_sources({"x": "faa_prn"}, "p2", later, ttl).states) == {"x"}
    store.release_leases(["x", "y"], "p2")
    assert set(store.claim_sources({"x": "faa_prn"}, "p1", later, ttl).states) == {"x"}
    store.close()


def test_an_existing_database_upgrades_with_its_data(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'm.db'}"
    db.upgrade(url, "0001")
    engine = db.make_engine(url)
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO items (source, key, kind, status, severity, content_hash, revision, "
            "data, first_seen_at, last_seen_at, changed_at, missing_runs) VALUES ('s', 'k', "
            "'notam', 'active', 2, 'h', '', '{}', '2025-11-21 00:00:00', "
            "'2025-11-21 00:00:00', '2025-11-21 00:00:00', 0)"))
    db.upgrade(url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT key, end_noted FROM items")).all() == [("k", 0)]
    engine.dispose()


def test_upgrading_marks_closed_items_out_of_view(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'm.db'}"
    db.upgrade(url, "0003")
    engine = db.make_engine(url)
    rows = [("a", "notam", "active"), ("b", "notam", "withdrawn"), ("c", "flight", "cancelled"),
            ("d", "flight", "withdrawn")]
    with engine.begin() as conn:
        for key, kind, status in rows:
            conn.execute(text(
                "INSERT INTO items (source, key, kind, status, severity, content_hash, revision, "
                "data, first_seen_at, last_seen_at, changed_at, missing_runs) VALUES ('s', :k, "
                ":kind, :st, 2, 'h', '', '{}', '2025-11-21 00:00:00', '2025-11-21 00:00:00', "
                "'2025-11-21 00:00:00', 0)"), {"k": key, "kind": kind, "st": status})
    db.upgrade(url)
    with engine.connect() as conn:
        active = dict(conn.execute(text("SELECT key, active FROM items")).all())
    assert active == {"a": 1, "b": 0, "c": 1, "d": 0}
    engine.dispose()
