"""Retention: old history goes, active items and what all-clears need stay."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from monitor import service
from monitor.outbox import sweep
from monitor.pipeline import run_source
from tests.conftest import fixture_bytes
from tests.servers import FixtureServer, Webhook

T0 = datetime(2025, 11, 21, 18, 0, tzinfo=UTC)
ROOT = Path(__file__).resolve().parents[1]


def test_prune_keeps_active_items_and_their_alerts(tmp_path: Path, server: FixtureServer,
                                                    webhook: Webhook) -> None:
    server.serve("/prn", fixture_bytes("faa_prn", "baseline.html"))
    path = tmp_path / "config.toml"
    path.write_text(f"""
[monitor]
database = "sqlite:///{tmp_path / 'm.db'}"
retention = "30d"
withdraw_after = 1

[[channels]]
name = "desk"
url = "{webhook.apprise_url('desk')}"

[[sources]]
name = "faa-prn"
kind = "faa_prn"
url = "{server.url('/prn')}"

[[watchlists]]
name = "w"
firs = ["SVZM"]
channels = ["desk"]
""")
    config = service.load(path)
    rt = service.open_runtime(config, announce=False)
    clock = {"now": T0}
    rt.clock = lambda: clock["now"]
    try:
        run_source(rt, "faa-prn")                       # baseline
        server.serve("/prn", fixture_bytes("faa_prn", "venezuela_added.html"))
        clock["now"] = T0 + timedelta(days=1)
        run_source(rt, "faa-prn")                       # KICZ A0012/25 new -> alert
        sweep(rt)
        server.serve("/prn", fixture_bytes("faa_prn", "layout_changed.html"))
        clock["now"] = T0 + timedelta(days=2)
        run_source(rt, "faa-prn")                       # a failed run with its raw body
        before = rt.store.row_counts()
        counts = service.prune(config, store=rt.store, now=T0 + timedelta(days=60))
        after = rt.store.row_counts()
        assert counts["runs"] == 3 and after["runs"] == 0
        assert counts["deliveries"] == 1
        # The active PRN items stay, and so does the alert about KICZ A0012/25: a later
        # all-clear must still find the watchlist that was told.
        assert after["items"] == before["items"]
        assert "KICZ A0012/25" in {a.item_key for a in rt.store.recent_alerts(
            T0, watchlist="w")}
        service.prune(config, store=rt.store, vacuum=True, now=T0 + timedelta(days=60))
    finally:
        service.close_runtime(rt)


def test_db_vacuum_command(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(f'[monitor]\ndatabase = "sqlite:///{tmp_path / "m.db"}"\n')
    proc = subprocess.run([sys.executable, "-m", "monitor", "--config", str(path), "db",
                           "vacuum"], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[-1].startswith("pruned 0 deliveries")


def test_prune_keeps_the_last_booking_alert_of_each_cause(tmp_path: Path, server: FixtureServer,
                                                          webhook: Webhook) -> None:
    """A booking alert's key is its cause, never an item's: without its last alert, the next
    reading of a cause still in force would tell the desk again as if it were new."""
    from tests.test_trips_end_to_end import SUSPENDED, TAP_SOURCE, page, write_config

    path = write_config(tmp_path, TAP_SOURCE.format(desk=webhook.apprise_url("desk"),
                                                    tap=server.url("/tap")),
                        settings='retention = "2d"')
    server.serve("/tap", page(SUSPENDED))
    config = service.load(path)
    rt = service.open_runtime(config, announce=False)
    try:
        rt.clock = lambda: datetime(2025, 11, 22, 10, 0, tzinfo=UTC)
        run_source(rt, "tap-page")
        sweep(rt)
        [told] = webhook.messages
        assert told["title"] == "[WARNING] 1 booking affected: TP LIS-CCS suspension"
        webhook.clear()
        service.prune(config, store=rt.store, now=datetime(2025, 11, 26, tzinfo=UTC))
        # The notice re-worded, the suspension unchanged: nothing new for the desk.
        server.serve("/tap", page(SUSPENDED.replace("suspende", "suspende temporariamente")))
        rt.clock = lambda: datetime(2025, 11, 27, 10, 0, tzinfo=UTC)
        run_source(rt, "tap-page")
        sweep(rt)
        assert webhook.messages == []
        kept = [a.item_key for a in rt.store.recent_alerts(datetime(2025, 11, 1, tzinfo=UTC),
                                                          watchlist="trips-desk")]
        assert kept.count("TP LIS-CCS suspension (bookings)") == 1
    finally:
        service.close_runtime(rt)
