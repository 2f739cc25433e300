"""SIGKILL at random moments loses no alert: every one is delivered at least once.

CI runs a short series; MONITOR_KILL_TEST_KILLS=40 runs the full one. The duplicate count
(kills between the webhook accepting and the store recording) is printed for the record.
"""

from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler
from pathlib import Path

from monitor.store import Store
from tests.conftest import fixture_bytes
from tests.servers import FixtureServer, Webhook

ROOT = Path(__file__).resolve().parents[1]
KILLS = int(os.environ.get("MONITOR_KILL_TEST_KILLS", "12"))
VENEZUELA = re.compile(rb'(<h2 class="more"><a class="ck-anchor" id="venezuela"></a>Venezuela'
                       rb"</h2><ul>).*?(</ul>)", re.S)


def prn_page(entries: int) -> bytes:
    """The PRN page with `entries` Venezuela NOTAMs: every fetch finds one more."""
    items = b"".join(
        b'<li><a href="/kicz/A%04d.pdf">KICZ NOTAM A%04d/25 Security - Advisory for Potentially '
        b"Hazardous Situation in the Maiquetia Flight Information Region (SVZM)</a></li>"
        % (n, n) for n in range(1, entries + 1))
    page = fixture_bytes("faa_prn", "venezuela_added.html")
    return VENEZUELA.sub(lambda m: m.group(1) + items + m.group(2), page, count=1)


def test_sigkill_at_random_moments_loses_no_alert(tmp_path: Path, server: FixtureServer,
                                                  webhook: Webhook) -> None:
    fetches = {"n": 0}

    def growing(h: BaseHTTPRequestHandler) -> None:
        fetches["n"] += 1
        body = prn_page(fetches["n"])
        h.send_response(200)
        h.send_header("Content-Type", "text/html; charset=utf-8")
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)

    server.serve("/prn", b"").handler = growing
    config = tmp_path / "config.toml"
    config.write_text(f"""
[monitor]
database = "sqlite:///{tmp_path / 'm.db'}"
fetch_retries = 0
delivery_attempts = 100

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
digest = false
channels = ["desk"]
""")
    rng = random.Random(20251121)
    subprocess.run([sys.executable, "-m", "monitor", "--config", str(config), "db", "upgrade"],
                   cwd=ROOT, check=True, capture_output=True, timeout=60)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    kills = 0
    for restart in range(KILLS):
        worker = subprocess.Popen([sys.executable, "-m", "tests.kill_worker", str(config),
                                   str(restart * 900), "1000"], cwd=ROOT, env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        time.sleep(rng.uniform(0.4, 2.0))  # import time, then somewhere inside a cycle
        if worker.poll() is None:
            worker.send_signal(signal.SIGKILL)
            kills += 1
        worker.wait(timeout=30)
    # A last clean run after the final lease expiry drains the outbox.
    drain = subprocess.run([sys.executable, "-m", "tests.kill_worker", str(config),
                            str(KILLS * 900), "1"], cwd=ROOT, env=env, capture_output=True,
                           text=True, timeout=120)
    assert drain.returncode == 0, drain.stderr

    store = Store(f"sqlite:///{tmp_path / 'm.db'}")
    try:
        assert set(store.delivery_counts()) == {"sent"}
        titles = [a.title for a in store.recent_alerts(since=datetime(2000, 1, 1, tzinfo=UTC),
                                                       limit=100_000)]
    finally:
        store.close()
    received = Counter(m["title"] for m in webhook.messages)
    assert kills >= KILLS // 2, f"only {kills} kills landed"
    assert titles, "the workers produced no alert"
    missing = [t for t in titles if received[t] == 0]
    assert missing == [], f"alerts never delivered: {missing[:5]}"
    duplicates = sum(n - 1 for n in received.values() if n > 1)
    print(f"\nkill test: {kills} kills, {len(titles)} alerts, "
          f"{sum(received.values())} receipts, {duplicates} duplicates")
    # A duplicate needs a kill inside one send: never more than one per kill.
    assert duplicates <= kills
