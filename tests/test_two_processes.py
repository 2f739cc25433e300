"""Two `monitor run` processes on one SQLite file: no source fetched twice at the same time,
no notification sent twice."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler
from pathlib import Path

from tests.servers import FixtureServer, Webhook
from tests.test_crash_safety import prn_page

ROOT = Path(__file__).resolve().parents[1]


def test_two_processes_share_one_database_safely(tmp_path: Path, server: FixtureServer,
                                                  webhook: Webhook) -> None:
    lock = threading.Lock()
    state = {"in_flight": 0, "max_in_flight": 0, "fetches": 0}

    def slow_growing(h: BaseHTTPRequestHandler) -> None:
        with lock:
            state["in_flight"] += 1
            state["max_in_flight"] = max(state["max_in_flight"], state["in_flight"])
            state["fetches"] += 1
            body = prn_page(state["fetches"])
        time.sleep(0.3)  # widen the window in which a second fetch could overlap
        h.send_response(200)
        h.send_header("Content-Type", "text/html; charset=utf-8")
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)
        with lock:
            state["in_flight"] -= 1

    server.serve("/prn", b"").handler = slow_growing
    config = tmp_path / "config.toml"
    config.write_text(f"""
[monitor]
database = "sqlite:///{tmp_path / 'm.db'}"
fetch_retries = 0

[[channels]]
name = "desk"
url = "{webhook.apprise_url('desk')}"

[[sources]]
name = "faa-prn"
kind = "faa_prn"
url = "{server.url('/prn')}"
every = "1s"

[[watchlists]]
name = "w"
firs = ["SVZM"]
digest = false
channels = ["desk"]
""")
    subprocess.run([sys.executable, "-m", "monitor", "--config", str(config), "db", "upgrade"],
                   cwd=ROOT, check=True, capture_output=True, timeout=60)
    procs = [subprocess.Popen([sys.executable, "-m", "monitor", "--config", str(config), "run"],
                              cwd=ROOT, env=dict(os.environ), stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(2)]
    try:
        deadline = time.monotonic() + 60
        while state["fetches"] < 12 and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        outputs = []
        for p in procs:
            p.send_signal(signal.SIGTERM)
        for p in procs:
            out, err = p.communicate(timeout=30)
            outputs.append(out)
            assert p.returncode == 0, err
    assert state["fetches"] >= 12
    assert state["max_in_flight"] == 1
    # Both processes competed for the source (one ran it, the other found it leased)...
    assert all('"event": "source.run"' in out for out in outputs)
    assert any('"status": "skipped"' in out for out in outputs)
    # ...and every notification arrived exactly once.
    titles = Counter(m["title"] for m in webhook.messages)
    assert titles and max(titles.values()) == 1, titles.most_common(3)
