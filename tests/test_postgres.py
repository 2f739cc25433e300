"""The same store on PostgreSQL: migrations, one full pipeline cycle, atomic claims."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from monitor import db, service
from monitor.records import NewAlert
from monitor.store import Store
from monitor.types import Severity
from tests.conftest import fixture_bytes
from tests.postgres import Unavailable, postgres_server
from tests.servers import FixtureServer, Webhook


@pytest.fixture(scope="module")
def pg_url() -> Iterator[str]:
    try:
        with postgres_server() as url:
            yield url
    except Unavailable as exc:
        pytest.skip(str(exc))


def test_migrations_and_models_agree_on_postgres(pg_url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from monitor.models import Base

    db.upgrade(pg_url)
    engine = db.make_engine(pg_url)
    with engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    engine.dispose()
    assert diffs == []


def test_a_full_cycle_on_postgres(pg_url: str, tmp_path: Path, server: FixtureServer,
                                  webhook: Webhook, monkeypatch: pytest.MonkeyPatch) -> None:
    server.serve("/prn", fixture_bytes("faa_prn", "baseline.html"))
    path = tmp_path / "config.toml"
    path.write_text(f"""
[monitor]
database = "sqlite:///unused.db"

[[channels]]
name = "desk"
url = "{webhook.apprise_url('desk')}"

[[sources]]
name = "faa-prn-pg"
kind = "faa_prn"
url = "{server.url('/prn')}"

[[watchlists]]
name = "w"
firs = ["SVZM"]
channels = ["desk"]
""")
    monkeypatch.setenv("MONITOR_DATABASE", pg_url)
    config = service.load(path)
    assert config.database_url == pg_url
    assert service.once(config, []) == 0
    server.serve("/prn", fixture_bytes("faa_prn", "venezuela_added.html"))
    assert service.once(config, []) == 0
    [message] = webhook.wait_for(1)
    assert message["title"].startswith("[WARNING] KICZ A0012/25: ")
    assert service.once(config, []) == 0  # unchanged: nothing more
    assert len(webhook.messages) == 1


def test_deliveries_and_leases_are_claimed_once_on_postgres(pg_url: str) -> None:
    db.upgrade(pg_url)
    a, b = Store(pg_url), Store(pg_url)
    now = datetime(2030, 1, 1, tzinfo=UTC)
    try:
        a.add_alerts([NewAlert(category="test", source="pg", change="test",
                               severity=Severity.INFO, title="[INFO] pg", data={},
                               channels=["x", "y"])], now)
        first = a.claim_due(now, owner="a", lease=timedelta(minutes=5))
        second = b.claim_due(now, owner="b", lease=timedelta(minutes=5))
        assert len(first) == 2 and second == []
        ttl = timedelta(minutes=1)
        assert set(a.claim_sources({"pg": "faa_prn"}, "a", now, ttl).states) == {"pg"}
        assert b.claim_sources({"pg": "faa_prn"}, "b", now, ttl).held_elsewhere == {"pg"}
    finally:
        a.close()
        b.close()
