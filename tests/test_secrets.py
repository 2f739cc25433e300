"""Secrets planted in the environment never reach any output, log or error message."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import fixture_bytes
from tests.servers import FixtureServer, Webhook

ROOT = Path(__file__).resolve().parents[1]
DESK_TOKEN = "deskTOKEN7f3a9c1e"
OPS_TOKEN = "opsTOKEN0b8d2e44"
DEAD_HOST = "secret-host-5d1c.invalid"
API_KEY = "apikey-91e7c3d2b4"


def test_a_full_cycle_leaks_no_secret(tmp_path: Path, server: FixtureServer,
                                      webhook: Webhook) -> None:
    server.serve("/prn", fixture_bytes("faa_prn", "venezuela_added.html"))
    server.serve("/czib", "<html>captcha</html>", status=403)  # a failing source
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

[[watchlists]]
name = "w"
firs = ["SVZM"]
channels = ["desk", "dead"]
""")
    env = {**os.environ,
           "DESK_URL": webhook.apprise_url(DESK_TOKEN),
           "OPS_URL": webhook.apprise_url(OPS_TOKEN),
           "DEAD_URL": f"json://{DEAD_HOST}/",
           "CONTACT_KEY": API_KEY}

    def run(*args: str) -> str:
        proc = subprocess.run([sys.executable, "-m", "monitor", "--config", str(config), *args],
                              capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
        return proc.stdout + proc.stderr

    outputs = [run("check-config"), run("once"), run("once"), run("status"),
               run("status", "--json"), run("alerts", "--json"), run("notify-test"),
               run("notify-test", "dead")]
    messages = webhook.wait_for(3)
    assert any(m["path"] == f"/{DESK_TOKEN}" for m in messages)   # deliveries did happen
    assert any(m["path"] == f"/{OPS_TOKEN}" for m in messages)    # and the health alert
    everything = "\n".join(outputs)
    assert "source.run" in everything and "delivery" in everything
    for secret in (DESK_TOKEN, OPS_TOKEN, DEAD_HOST, API_KEY):
        assert secret not in everything, secret
