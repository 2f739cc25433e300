"""The monitor end to end: local fixture server -> real store -> real Apprise -> local webhook."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from monitor import service
from monitor.config import Config
from monitor.store import Store
from tests.conftest import fixture_bytes
from tests.servers import FixtureServer, Webhook

PRN = "/air_traffic/publications/us_restrictions"
CZIB = "/czibs/export-json"
FEED = "/czibs/feed.xml"


def write_config(tmp_path: Path, server: FixtureServer, webhook: Webhook, **extra: str) -> Path:
    text = f"""
[monitor]
database = "sqlite:///{tmp_path / 'monitor.db'}"
ops_channels = ["ops"]
alert_after_failures = {extra.get('alert_after_failures', '3')}
withdraw_after = 2
fetch_retries = 0

[[channels]]
name = "desk"
url = "${{TEST_DESK_URL}}"
format = "markdown"

[[channels]]
name = "ops"
url = "{webhook.apprise_url('ops')}"
format = "text"

[[sources]]
name = "faa-prn"
kind = "faa_prn"
url = "{server.url(PRN)}"
every = "1h"

[[sources]]
name = "easa-czib"
kind = "easa_czib"
url = "{server.url(CZIB)}"
feed_url = "{server.url(FEED)}"
every = "2h"

[[watchlists]]
name = "latam-desk"
routes = ["LIS-CCS"]
firs = ["SVZM"]
countries = ["VE"]
min_severity = "advisory"
channels = ["desk"]
"""
    path = tmp_path / "config.toml"
    path.write_text(text)
    return path


@pytest.fixture
def setup(tmp_path: Path, server: FixtureServer, webhook: Webhook,
          monkeypatch: pytest.MonkeyPatch) -> tuple[Config, FixtureServer, Webhook]:
    monkeypatch.setenv("TEST_DESK_URL", webhook.apprise_url("desk"))
    server.serve(PRN, fixture_bytes("faa_prn", "baseline.html"), etag='"prn-1"')
    server.serve(CZIB, fixture_bytes("easa_czib", "active.json"),
                 content_type="application/json")
    server.serve(FEED, fixture_bytes("easa_czib", "feed.xml"),
                 content_type="application/rss+xml")
    config = service.load(write_config(tmp_path, server, webhook))
    return config, server, webhook


def desk(hook: Webhook) -> list[dict]:
    return [m for m in hook.messages if m["path"] == "/desk"]


def ops(hook: Webhook) -> list[dict]:
    return [m for m in hook.messages if m["path"] == "/ops"]


def changes(config: Config) -> int:
    store = Store(config.database_url)
    try:
        return store.change_count()
    finally:
        store.close()


def test_baseline_new_unchanged_withdrawn_and_bulletin_withdrawal(setup) -> None:  # type: ignore[no-untyped-def]
    config, server, hook = setup

    # 1. First successful runs: no per-item alerts, one situation summary per source with
    #    matching active items (the Venezuela CZIB is active; the PRN page has no Venezuela).
    assert service.once(config, []) == 0
    [summary] = desk(hook)
    assert summary["title"].startswith("[WARNING] Current situation for latam-desk: 1 active")
    assert "CZIB 142977" in summary["message"]

    # 2. A Venezuela KICZ entry appears on the PRN page: one WARNING alert.
    server.serve(PRN, fixture_bytes("faa_prn", "venezuela_added.html"), etag='"prn-2"')
    hook.clear()
    assert service.once(config, ["faa-prn"]) == 0
    [alert] = desk(hook)
    assert alert["title"].startswith("[WARNING] KICZ A0012/25: ")
    assert "Maiquetia" in alert["title"]
    assert alert["type"] == "warning"
    for needle in ("latam-desk", "new", "FIR SVZM", "faa-prn", "Link: http"):
        assert needle in alert["message"]

    # 3. Unchanged poll (answered 304 through the stored ETag): nothing sent, no change rows.
    before = changes(config)
    hook.clear()
    assert service.once(config, ["faa-prn"]) == 0
    assert desk(hook) == []
    assert changes(config) == before
    assert server.requests[-1]["headers"].get("If-None-Match") == '"prn-2"'

    # 4. The entry disappears: withdrawn only after two successful fetches without it.
    server.serve(PRN, fixture_bytes("faa_prn", "baseline.html"), etag='"prn-3"')
    assert service.once(config, ["faa-prn"]) == 0
    assert desk(hook) == []
    assert service.once(config, ["faa-prn"]) == 0
    [clear] = desk(hook)
    assert clear["title"].startswith("[INFO] KICZ A0012/25: withdrawn")
    assert clear["type"] == "success"

    # 5. The EASA bulletin turns Withdrawn: an all-clear to the desk that was told about it.
    hook.clear()
    server.serve(CZIB, fixture_bytes("easa_czib", "withdrawn.json"),
                 content_type="application/json")
    assert service.once(config, ["easa-czib"]) == 0
    [czib] = desk(hook)
    assert czib["title"].startswith("[INFO] CZIB 142977: withdrawn")
    assert czib["type"] == "success"
    assert ops(hook) == []


def test_a_broken_source_raises_one_health_alert_then_a_recovery(setup, capsys) -> None:  # type: ignore[no-untyped-def]
    config, server, hook = setup
    assert service.once(config, []) == 0
    capsys.readouterr()
    server.serve(PRN, fixture_bytes("faa_prn", "layout_changed.html"))
    for _ in range(4):
        assert service.once(config, ["faa-prn"]) == 1
    [health] = ops(hook)
    assert health["title"].startswith("[WARNING] health faa-prn: source faa-prn is failing")
    assert "layout changed" in health["message"]
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    runs = [entry for entry in lines if entry["event"] == "source.run"]
    assert [r["status"] for r in runs] == ["failed"] * 4
    assert all("layout changed" in r["error"] for r in runs)

    # Items are untouched by failures: the store still has the PRN items as active.
    store = Store(config.database_url)
    assert store.active_counts()["faa-prn"] > 0
    store.close()

    server.serve(PRN, fixture_bytes("faa_prn", "baseline.html"))
    assert service.once(config, ["faa-prn"]) == 0
    recovered = ops(hook)[-1]
    assert recovered["title"].startswith("[INFO] health faa-prn: source faa-prn recovered")
    assert recovered["type"] == "success"
    assert desk(hook)[1:] == []  # no withdrawals or news came out of the failures


def test_a_fetch_failure_is_logged_with_its_error_and_other_sources_keep_running(
        setup, capsys) -> None:  # type: ignore[no-untyped-def]
    config, server, _hook = setup
    server.serve(PRN, "down", status=500, content_type="text/plain")
    assert service.once(config, []) == 1
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    runs = {e["source"]: e for e in lines if e["event"] == "source.run"}
    assert runs["faa-prn"]["status"] == "failed" and "HTTP 500" in runs["faa-prn"]["error"]
    assert runs["easa-czib"]["status"] == "ok" and runs["easa-czib"]["items"] > 0
    for field in ("ts", "level", "items", "new", "updated", "withdrawn", "alerts",
                  "duration_ms"):
        assert field in runs["easa-czib"]


def test_the_easa_feed_failing_does_not_fail_the_source(setup) -> None:  # type: ignore[no-untyped-def]
    config, server, hook = setup
    server.serve(FEED, "boom", status=500, content_type="text/plain")
    assert service.once(config, ["easa-czib"]) == 0
    [summary] = desk(hook)
    assert "czibs" in summary["message"]  # links fall back to the CZIB list page


def test_a_failed_delivery_is_retried_later_and_sent_once(setup, tmp_path) -> None:  # type: ignore[no-untyped-def]
    config, _server, hook = setup
    hook.fail_remaining = 1
    assert service.once(config, ["easa-czib"]) == 0
    assert desk(hook) == []
    store = Store(config.database_url)
    assert store.delivery_counts() == {"pending": 1}
    store.close()
    from datetime import UTC, datetime, timedelta

    from monitor.outbox import sweep

    rt = service.open_runtime(config, announce=False)
    rt.clock = lambda: datetime.now(UTC) + timedelta(minutes=5)
    assert sweep(rt).sent == 1
    assert sweep(rt).sent == 0
    service.close_runtime(rt)
    assert len(desk(hook)) == 1


def test_a_feed_outage_in_a_running_monitor_is_not_a_change(setup) -> None:  # type: ignore[no-untyped-def]
    from monitor.pipeline import run_source

    config, server, _hook = setup
    rt = service.open_runtime(config, announce=False)
    try:
        assert run_source(rt, "easa-czib").status == "ok"
        before = changes(config)
        server.serve(CZIB, fixture_bytes("easa_czib", "active.json") + b"\n",
                     content_type="application/json")  # a new body, so it is parsed again
        server.serve(FEED, "down", status=503, content_type="text/plain")
        assert run_source(rt, "easa-czib").status == "ok"
        assert changes(config) == before
    finally:
        service.close_runtime(rt)


def test_a_feed_outage_met_by_a_new_process_falls_back_on_the_stored_feed(setup) -> None:  # type: ignore[no-untyped-def]
    config, server, _hook = setup
    assert service.once(config, ["easa-czib"]) == 0  # a good feed: kept with the run
    before = changes(config)
    shown = {(s.item.key, s.item.title, s.item.url) for s in active(config)}
    assert any(key.startswith("CZIB ") and "/czibs/" in (url or "")
               for key, _title, url in shown)
    server.serve(CZIB, fixture_bytes("easa_czib", "active.json") + b"\n",
                 content_type="application/json")  # a new body, so it is parsed again
    server.serve(FEED, "down", status=503, content_type="text/plain")
    assert service.once(config, ["easa-czib"]) == 0  # `once` again: a new process, no memory
    assert changes(config) == before  # numbers and links from the stored feed: no "updates"
    assert {(s.item.key, s.item.title, s.item.url) for s in active(config)} == shown


def test_the_stored_feed_outlives_retention(setup) -> None:  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime, timedelta

    config, _server, _hook = setup
    assert service.once(config, ["easa-czib"]) == 0
    store = Store(config.database_url)
    try:
        store.prune(datetime.now(UTC) + timedelta(days=365))  # everything is "old"
        kept = store.kept_parts({"easa-czib": ["feed", "page"]})["easa-czib"]
    finally:
        store.close()
    assert kept["feed"] == fixture_bytes("easa_czib", "feed.xml")
    assert kept["page"] == fixture_bytes("easa_czib", "active.json")


def active(config: Config) -> list:  # type: ignore[type-arg]
    store = Store(config.database_url)
    try:
        return store.active_items()
    finally:
        store.close()
