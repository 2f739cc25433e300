"""Secrets planted in the environment never reach any output, log or error message, and the
words around them (watchlist and channel names) are never masked in their place."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import fixture_bytes
from tests.servers import FixtureServer, Webhook

ROOT = Path(__file__).resolve().parents[1]
DESK_PASSWORD = "deskTOKEN7f3a9c1e"
OPS_TOKEN = "opsTOKEN0b8d2e44"
DEAD_HOST = "secret-host-5d1c.invalid"
API_KEY = "apikey-91e7c3d2b4"
ADB_KEY = "adbKEY4e1f0a9c7d55"


def desk_url(webhook: Webhook) -> str:
    """The shape that used to hide names: the user name `desk` is also a channel's name, a
    word of a watchlist's name and a path part."""
    port = webhook.apprise_url().split(":")[2].split("/")[0]
    return f"json://desk:{DESK_PASSWORD}@127.0.0.1:{port}/hook/desk"


def write_config(tmp_path: Path, server: FixtureServer) -> Path:
    config = tmp_path / "config.toml"
    config.write_text(f"""
[monitor]
database = "sqlite:///{tmp_path / 'm.db'}"
ops_channels = ["ops"]
alert_after_failures = 1
user_agent = "monitor-test (${{CONTACT_KEY}})"
fetch_retries = 0

[[channels]]
name = "desk"
url = "${{DESK_URL}}"

[[channels]]
name = "ops"
url = "${{OPS_URL}}"

[[channels]]
name = "dead"
url = "${{DEAD_URL}}"

[[sources]]
name = "faa-prn"
kind = "faa_prn"
url = "{server.url('/prn')}"

[[sources]]
name = "easa-czib"
kind = "easa_czib"
url = "{server.url('/czib')}"
feed_url = ""

[[sources]]
name = "ccs-board"
kind = "aerodatabox"
url = "{server.url('/adb')}"
airport = "CCS"
api_key = "${{ADB_KEY}}"

[[watchlists]]
name = "latam-desk"
firs = ["SVZM"]
routes = ["LIS-CCS"]
channels = ["desk", "dead"]
""")
    return config


def runner(config: Path, env: dict[str, str]):  # type: ignore[no-untyped-def]
    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "monitor", "--config", str(config), *args],
                              capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
    return run


def environment(webhook: Webhook) -> dict[str, str]:
    return {**os.environ,
            "DESK_URL": desk_url(webhook),
            "OPS_URL": webhook.apprise_url(OPS_TOKEN),
            "DEAD_URL": f"json://{DEAD_HOST}/",
            "CONTACT_KEY": API_KEY,
            "ADB_KEY": ADB_KEY}


def test_check_config_names_the_watchlist_and_channel_next_to_a_url_user_name(
        tmp_path: Path, server: FixtureServer, webhook: Webhook) -> None:
    run = runner(write_config(tmp_path, server), environment(webhook))

    done = run("check-config")

    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert "  desk: markdown, url set" in lines
    assert any(line.startswith("  latam-desk: min advisory;") and line.endswith(
        "channels desk, dead") for line in lines), done.stdout
    assert "***" not in done.stdout and DESK_PASSWORD not in done.stdout


def test_json_logs_of_a_real_delivery_name_the_channel_and_the_watchlist(
        tmp_path: Path, server: FixtureServer, webhook: Webhook) -> None:
    server.serve("/prn", fixture_bytes("faa_prn", "venezuela_added.html"))
    config = write_config(tmp_path, server)
    config.write_text(config.read_text().replace('channels = ["desk", "dead"]',
                                                 'channels = ["desk"]'))
    run = runner(config, environment(webhook))

    done = run("once", "faa-prn")

    assert done.returncode == 0, done.stdout + done.stderr
    [message] = webhook.wait_for(1)
    assert message["path"] == "/hook/desk"  # the URL reached Apprise intact
    records = [json.loads(line) for line in done.stdout.splitlines()]
    deliveries = [r for r in records if r["event"] == "delivery"]
    alerts = [r for r in records if r["event"] == "alert"]
    assert deliveries and {r["channel"] for r in deliveries} == {"desk"}
    assert alerts and {r["watchlist"] for r in alerts} == {"latam-desk"}
    assert all(r["channels"] == ["desk"] for r in alerts)
    assert DESK_PASSWORD not in done.stdout + done.stderr


def test_a_full_cycle_leaks_no_secret(tmp_path: Path, server: FixtureServer,
                                      webhook: Webhook) -> None:
    server.serve("/prn", fixture_bytes("faa_prn", "venezuela_added.html"))
    server.serve("/czib", "<html>captcha</html>", status=403)  # a failing source
    # A provider that quotes the key it refuses: its words reach the run's error, the key not.
    server.serve("/adb/flights/airports/iata/CCS",
                 json.dumps({"message": f"Invalid API key {ADB_KEY} for this endpoint"}),
                 status=401, content_type="application/json")
    run = runner(write_config(tmp_path, server), environment(webhook))

    results = [run("check-config"), run("once"), run("once"), run("status"),
               run("status", "--json"), run("alerts"), run("alerts", "--json"),
               run("route", "LIS-CCS"), run("feed", "latam-desk"), run("notify-test"),
               run("notify-test", "dead")]

    messages = webhook.wait_for(3)
    assert any(m["path"] == "/hook/desk" for m in messages)      # deliveries did happen
    assert any(m["path"] == f"/{OPS_TOKEN}" for m in messages)    # and the health alert
    everything = "\n".join(r.stdout + r.stderr for r in results)
    assert "source.run" in everything and "delivery" in everything
    assert "Invalid API key" in everything          # the provider's words, for the operator
    assert '"watchlist": "latam-desk"' in everything and '"channel": "desk"' in everything
    for secret in (DESK_PASSWORD, OPS_TOKEN, DEAD_HOST, API_KEY, ADB_KEY):
        assert secret not in everything, secret
