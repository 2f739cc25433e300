"""Every CLI command, run as a real process (`python -m monitor`) against local servers."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, fixture_bytes
from tests.servers import FixtureServer, Webhook

ROOT = Path(__file__).resolve().parents[1]
PRN = "/air_traffic/publications/us_restrictions"
CZIB = "/czibs/export-json"
FEED = "/czibs/feed.xml"
ITEM_FIELDS = ["source", "kind", "key", "title", "body", "url", "severity", "status", "firs",
               "airports", "countries", "airlines", "flight", "valid_from", "valid_to",
               "valid_to_estimated", "replaces", "cancels", "area", "published_at"]


def monitor(*args: str, env: dict[str, str] | None = None,
            timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "monitor", *args], capture_output=True,
                          text=True, cwd=ROOT, timeout=timeout,
                          env={**os.environ, **(env or {})})


@pytest.fixture
def config_file(tmp_path: Path, server: FixtureServer, webhook: Webhook) -> Path:
    server.serve(PRN, fixture_bytes("faa_prn", "venezuela_added.html"))
    server.serve(CZIB, fixture_bytes("easa_czib", "active.json"),
                 content_type="application/json")
    server.serve(FEED, fixture_bytes("easa_czib", "feed.xml"),
                 content_type="application/rss+xml")
    path = tmp_path / "config.toml"
    path.write_text(f"""
[monitor]
database = "sqlite:///monitor.db"
ops_channels = ["ops"]
fetch_retries = 0

[[channels]]
name = "desk"
url = "${{TEST_DESK_URL:-}}"

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
every = "1h"

[[watchlists]]
name = "latam-desk"
routes = ["LIS-CCS"]
firs = ["SVZM"]
channels = ["desk"]
""")
    return path


def test_parse_prints_item_json_in_contract_order() -> None:
    proc = monitor("parse", "faa_prn", str(FIXTURES / "faa_prn" / "venezuela_added.html"))
    assert proc.returncode == 0, proc.stderr
    items = [json.loads(line) for line in proc.stdout.splitlines()]
    assert items and all(list(i) == ITEM_FIELDS for i in items)
    expected = json.loads((FIXTURES / "faa_prn" / "venezuela_added.expected.json").read_text())
    assert items == expected
    venezuela = next(i for i in items if i["key"] == "KICZ A0012/25")
    assert venezuela["severity"] == "warning" and venezuela["firs"] == ["SVZM"]


def test_parse_easa_with_its_feed_and_a_kind_option() -> None:
    proc = monitor("parse", "easa_czib", str(FIXTURES / "easa_czib" / "active.json"),
                   "--extra", f"feed={FIXTURES / 'easa_czib' / 'feed.xml'}")
    assert proc.returncode == 0, proc.stderr
    keys = [json.loads(line)["key"] for line in proc.stdout.splitlines()]
    assert "CZIB 142977" in keys
    only = monitor("parse", "faa_prn", str(FIXTURES / "faa_prn" / "venezuela_added.html"),
                   "--set", "countries=VE")
    assert [json.loads(x)["countries"] for x in only.stdout.splitlines()] == [["VE"]]


def test_parse_a_changed_layout_exits_1_with_a_clear_message() -> None:
    proc = monitor("parse", "faa_prn", str(FIXTURES / "faa_prn" / "layout_changed.html"))
    assert proc.returncode == 1
    assert "layout changed" in proc.stderr and "Traceback" not in proc.stderr
    assert proc.stdout == ""


def test_parse_an_unknown_kind_or_missing_file_fails_cleanly(tmp_path: Path) -> None:
    proc = monitor("parse", "nope", str(tmp_path / "x"))
    assert proc.returncode == 2 and "unknown kind 'nope'" in proc.stderr
    proc = monitor("parse", "faa_prn", str(tmp_path / "absent.html"))
    assert proc.returncode == 1 and "cannot read" in proc.stderr


def test_check_config_summarises_without_printing_secrets(config_file: Path) -> None:
    proc = monitor("--config", str(config_file), "check-config",
                   env={"TEST_DESK_URL": "json://very-secret-host.example/"})
    assert proc.returncode == 0, proc.stderr
    assert "faa-prn: faa_prn, every 1h, enabled" in proc.stdout
    assert "latam-desk" in proc.stdout
    assert "very-secret-host" not in proc.stdout + proc.stderr


def test_db_upgrade_then_once_status_and_alerts(config_file: Path, webhook: Webhook) -> None:
    env = {"TEST_DESK_URL": webhook.apprise_url("desk")}
    args = ("--config", str(config_file))
    assert monitor(*args, "db", "upgrade", env=env).returncode == 0
    assert (config_file.parent / "monitor.db").exists()

    proc = monitor(*args, "once", env=env)
    assert proc.returncode == 0, proc.stderr
    events = [json.loads(line)["event"] for line in proc.stdout.splitlines()]
    assert events.count("source.run") == 2 and "delivery" in events
    # One situation summary for the watchlist, covering both sources' items.
    [summary] = webhook.wait_for(1)
    assert summary["title"] == "[WARNING] Current situation for latam-desk: 2 active items"

    status = json.loads(monitor(*args, "status", "--json", env=env).stdout)
    health = {s["name"]: s["health"] for s in status["sources"]}
    assert health == {"faa-prn": "ok", "easa-czib": "ok"}
    assert status["unreliable_sources"] == []
    [watch] = status["watchlists"]
    assert watch["highest_severity"] == "warning" and "KICZ A0012/25" in watch["keys"]
    assert "faa-prn" in monitor(*args, "status", env=env).stdout  # the human table

    lines = monitor(*args, "alerts", "--since", "1h", "--json", env=env).stdout.splitlines()
    rows = [json.loads(line) for line in lines]
    assert {r["category"] for r in rows} == {"summary"}
    assert all(r["deliveries"] == {"desk": "sent"} for r in rows)
    assert monitor(*args, "alerts", "--watchlist", "latam-desk", env=env).returncode == 0
    bad = monitor(*args, "alerts", "--since", "soon", env=env)
    assert bad.returncode == 2 and "invalid duration" in bad.stderr


def test_once_with_an_unknown_source_name_fails(config_file: Path) -> None:
    proc = monitor("--config", str(config_file), "once", "nope")
    assert proc.returncode == 2 and "unknown source(s): nope" in proc.stderr


def test_once_exits_1_when_a_source_fails(config_file: Path, server: FixtureServer) -> None:
    server.serve(PRN, "gone", status=404, content_type="text/plain")
    proc = monitor("--config", str(config_file), "once", "faa-prn")
    assert proc.returncode == 1
    status = monitor("--config", str(config_file), "status")
    assert "Not a full picture" in status.stdout and "faa-prn" in status.stdout
    run = json.loads(next(line for line in proc.stdout.splitlines() if "source.run" in line))
    assert run["status"] == "failed" and run["error"].startswith("HTTP 404")


def test_notify_test_sends_to_a_channel(config_file: Path, webhook: Webhook) -> None:
    proc = monitor("--config", str(config_file), "notify-test", "ops")
    assert proc.returncode == 0, proc.stderr
    assert "ops: sent" in proc.stdout
    [message] = webhook.wait_for(1)
    assert message["title"].startswith("[INFO] test notification")
    nothing = monitor("--config", str(config_file), "notify-test", "desk")
    assert nothing.returncode == 1 and "no channel with a url" in nothing.stderr


def test_record_saves_the_raw_bodies(config_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "rec"
    proc = monitor("--config", str(config_file), "record", "easa-czib", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    files = sorted(p.name for p in out.iterdir())
    assert any(f.endswith("_00.json") for f in files) and any("_feed" in f for f in files)
    saved = next(p for p in out.iterdir() if p.name.endswith("_00.json"))
    assert saved.read_bytes() == fixture_bytes("easa_czib", "active.json")


def test_run_schedules_sources_and_stops_cleanly_on_sigterm(config_file: Path,
                                                           webhook: Webhook) -> None:
    env = {**os.environ, "TEST_DESK_URL": webhook.apprise_url("desk")}
    proc = subprocess.Popen([sys.executable, "-m", "monitor", "--config", str(config_file),
                             "run"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        webhook.wait_for(2, timeout=30)  # both sources ran at start and summaries went out
    finally:
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    events = [json.loads(line)["event"] for line in out.splitlines()]
    assert events[0] != "source.run" and "monitor.started" in events
    assert events.count("source.run") == 2 and events[-1] == "monitor.stopped"


def test_help_lists_every_command() -> None:
    started = time.monotonic()
    proc = monitor("--help")
    assert proc.returncode == 0
    for command in ("run", "once", "status", "alerts", "parse", "check-config", "notify-test",
                    "db", "record", "route"):
        assert command in proc.stdout
    assert time.monotonic() - started < 30


def test_route_lists_active_hazards_with_reasons(config_file: Path, webhook: Webhook) -> None:
    args = ("--config", str(config_file))
    assert monitor(*args, "once", "faa-prn").returncode == 0
    proc = monitor(*args, "route", "LIS-CCS", "--json")
    assert proc.returncode == 0, proc.stderr
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    top = next(r for r in rows if r["key"] == "KICZ A0012/25")
    assert any("SVMI" in reason or "SVZM" in reason for reason in top["reasons"])
    severities = [r["severity"] for r in rows]
    order = ["critical", "warning", "advisory", "info"]
    assert severities == sorted(severities, key=order.index)
    # ICAO codes, reversed direction: the same hazards.
    same = monitor(*args, "route", "SVMI-LPPT", "--json").stdout.splitlines()
    assert {json.loads(x)["key"] for x in same} == {r["key"] for r in rows}
    assert "KICZ A0012/25" in monitor(*args, "route", "LIS-CCS").stdout
    quiet = monitor(*args, "route", "HEL-OSL")
    assert quiet.returncode == 0 and "no active hazard" in quiet.stdout
    bad = monitor(*args, "route", "LIS-QQQ")
    assert bad.returncode == 2 and "QQQ" in bad.stderr


def test_route_says_when_an_empty_answer_is_not_an_all_clear(config_file: Path,
                                                             webhook: Webhook) -> None:
    args = ("--config", str(config_file))
    assert monitor(*args, "once", "faa-prn").returncode == 0  # easa-czib never read
    quiet = monitor(*args, "route", "HEL-OSL")
    assert "no active hazard" in quiet.stdout
    assert "Not a full picture" in quiet.stdout and "easa-czib" in quiet.stdout
    assert "faa-prn" not in quiet.stdout.split("Not a full picture", 1)[1]
    as_json = monitor(*args, "route", "LIS-CCS", "--json")
    assert all(json.loads(line)["key"] for line in as_json.stdout.splitlines())
    assert "Not a full picture" in as_json.stderr and "easa-czib" in as_json.stderr
    assert monitor(*args, "once").returncode == 0  # every source read: no caveat
    for proc in (monitor(*args, "route", "HEL-OSL"), monitor(*args, "route", "LIS-CCS")):
        assert "Not a full picture" not in proc.stdout + proc.stderr


def test_feed_prints_or_writes_the_watchlist_atom(config_file: Path, webhook: Webhook,
                                                  tmp_path: Path) -> None:
    import xml.etree.ElementTree as ET

    env = {"TEST_DESK_URL": webhook.apprise_url("desk")}
    args = ("--config", str(config_file))
    assert monitor(*args, "once", env=env).returncode == 0
    proc = monitor(*args, "feed", "latam-desk", env=env)
    assert proc.returncode == 0, proc.stderr
    root = ET.fromstring(proc.stdout)
    assert root.tag == "{http://www.w3.org/2005/Atom}feed"
    assert len(root.findall("{http://www.w3.org/2005/Atom}entry")) == 1  # the one summary
    out = tmp_path / "feed.xml"
    assert monitor(*args, "feed", "latam-desk", "--out", str(out), env=env).returncode == 0
    assert ET.parse(out).getroot().tag.endswith("feed")
    assert monitor(*args, "feed", "nope").returncode == 2


def test_demo_tells_the_story_offline() -> None:
    proc = monitor("demo", "--fast", timeout=120)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr
    assert "SYNTHETIC" in proc.stdout
    assert "[WARNING] KICZ A0012/25" in proc.stdout


def test_a_reader_that_stops_early_gets_no_traceback(tmp_path: Path) -> None:
    notams = (ROOT / "tests" / "fixtures" / "notam" / "icao_basic.txt").read_text()
    path = tmp_path / "many.txt"
    path.write_text("\n\n".join([notams] * 3000))
    proc = subprocess.Popen([sys.executable, "-m", "monitor", "parse", "notam", str(path)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
    assert proc.stdout is not None and proc.stdout.readline().startswith(b"{")
    proc.stdout.close()  # like `| head -1`
    _, err = proc.communicate(timeout=60)
    assert proc.returncode in (0, 1) and b"Traceback" not in err, err.decode()


def test_a_profiler_still_gets_to_write_its_results(tmp_path: Path) -> None:
    out = tmp_path / "help.prof"
    proc = subprocess.run([sys.executable, "-m", "cProfile", "-o", str(out), "-m", "monitor",
                           "--help"], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert out.stat().st_size > 0  # the command line exits as Python does: results written
