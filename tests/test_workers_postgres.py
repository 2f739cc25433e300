"""Several `monitor run` workers on one PostgreSQL database: the documented way past one
machine. Each source is fetched once per interval by whichever worker finds it due, the same
hazard from many sources is one alert, every alert is delivered, and the sources of a worker
killed mid-run are taken over once its lease expires."""

from __future__ import annotations

import contextlib
import itertools
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.postgres import Unavailable, postgres_server
from tests.servers import FixtureServer, Webhook
from tests.test_notam_lifecycle import ADVISORY, PIARCO, record, search_page

ROOT = Path(__file__).resolve().parents[1]
SOURCES = 300
EVERY = 10.0          # seconds
WITH_ADVISORY = range(0, SOURCES, 30)   # ten sources that will all report KICZ A0012/25
SLOW = "s-7"          # a source whose first answer hangs until its worker is killed
# These workers run on the real clock: an advisory valid from a month ago for a year.
ISSUED = record("KICZ", "A0012/25",
                "A0012/25 NOTAMN\nQ) SVZM/QXXXX/IV/NBO/E/000/999/\n"
                f"A) SVZM B) {(datetime.now(UTC) - timedelta(days=30)):%y%m%d%H%M} "
                f"C) {(datetime.now(UTC) + timedelta(days=365)):%y%m%d%H%M}\n"
                f"E) {ADVISORY}\nF) SFC G) UNL", issued="11/21/2025 1808")


@pytest.fixture(scope="module")
def pg_url() -> Iterator[str]:
    try:
        with postgres_server() as url:
            yield url
    except Unavailable as exc:
        pytest.skip(str(exc))


def test_three_workers_share_three_hundred_sources(pg_url: str, tmp_path: Path,
                                                   server: FixtureServer,
                                                   webhook: Webhook) -> None:
    lock = threading.Lock()
    fetches: dict[str, list[float]] = {}
    advisory = threading.Event()
    slow_arrived = threading.Event()
    release_slow = threading.Event()

    def answer(h: BaseHTTPRequestHandler) -> None:
        name = h.path.split("/")[1]
        with lock:
            fetches.setdefault(name, []).append(time.monotonic())
            first = len(fetches[name]) == 1
        if name == SLOW and first:
            slow_arrived.set()
            release_slow.wait(30)   # the worker fetching it is killed meanwhile
        index = int(name[2:])
        records = [PIARCO, ISSUED] if advisory.is_set() and index in WITH_ADVISORY else [PIARCO]
        body = search_page(*records)
        with contextlib.suppress(OSError):  # a killed worker hung up
            h.send_response(200)
            h.send_header("Content-Type", "application/json;charset=UTF-8")
            h.send_header("Content-Length", str(len(body)))
            h.end_headers()
            h.wfile.write(body)

    tables = "".join(f"""
[[sources]]
name = "s-{i}"
kind = "faa_notam_search"
url = "{server.url(f'/s-{i}/search')}"
every = "{int(EVERY)}s"
locations = ["KICZ"]
""" for i in range(SOURCES))
    for i in range(SOURCES):
        server.serve(f"/s-{i}/search", b"").handler = answer
    config = tmp_path / "config.toml"
    config.write_text(f"""
[monitor]
database = "{pg_url}"
fetch_retries = 0
timeout = "20s"
lease = "6s"

[[channels]]
name = "desk"
url = "{webhook.apprise_url('desk')}"
{tables}
[[watchlists]]
name = "latam-desk"
firs = ["SVZM"]
digest = false
channels = ["desk"]
""")
    env = dict(os.environ)
    subprocess.run([sys.executable, "-m", "monitor", "--config", str(config), "db", "upgrade"],
                   cwd=ROOT, check=True, capture_output=True, timeout=120, env=env)
    workers = [subprocess.Popen([sys.executable, "-m", "monitor", "--config", str(config),
                                 "run"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, text=True) for _ in range(3)]
    engine = create_engine(pg_url)
    killed = None
    try:
        assert slow_arrived.wait(60), "the slow source was never fetched"
        with engine.connect() as c:
            owner = c.execute(text("SELECT owner FROM leases WHERE name = :n"),
                              {"n": f"source:{SLOW}"}).scalar_one()
        pid = int(owner.rsplit(":", 1)[1])
        killed = next(w for w in workers if w.pid == pid)
        killed.send_signal(signal.SIGKILL)
        killed.wait(10)
        killed_at = time.monotonic()
        release_slow.set()
        # Every source has had its first run: now ten of them report the advisory.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and len(fetches) < SOURCES:
            time.sleep(0.2)
        advisory.set()
        advised_at = time.monotonic()
        # Three more intervals for everyone (a slow machine takes longer; bounded).
        deadline = advised_at + 3 * EVERY + 60
        while time.monotonic() < deadline:
            with lock:
                if min(sum(t > advised_at for t in times) for times in fetches.values()) >= 3:
                    break
            time.sleep(0.5)
        with lock:
            taken_over = [t for t in fetches[SLOW][1:] if t > killed_at]
            observed = {name: list(times) for name, times in fetches.items()}
    finally:
        for w in workers:
            if w.poll() is None:
                w.send_signal(signal.SIGTERM)
        errors = [w.communicate(timeout=60)[1] for w in workers if w is not killed]
    alive = [w for w in workers if w is not killed]
    assert all(w.returncode == 0 for w in alive), errors

    # Each source once per interval, whichever worker found it due: no two fetches less than
    # half an interval apart (due times step by whole intervals, so a late run is followed
    # by one on time), and no more fetches than intervals went by.
    assert len(observed) == SOURCES
    gaps = [b - a for times in observed.values() for a, b in itertools.pairwise(times)]
    assert min(gaps) >= EVERY / 2 - 0.5, sorted(gaps)[:5]
    for name, times in observed.items():
        assert len(times) <= (times[-1] - times[0]) / EVERY + 2, (name, times)
        assert sum(t > advised_at for t in times) >= 3, name
    # The killed worker's source was run again by another once its lease expired.
    assert taken_over, "the slow source was not taken over"
    # Ten sources reported KICZ A0012/25: one alert, cited by all of them, delivered once.
    with engine.connect() as c:
        rows = c.execute(text("SELECT id, data FROM alerts WHERE item_key = 'KICZ A0012/25'"
                              " AND category = 'item'")).all()
        pending = c.execute(text("SELECT count(*) FROM deliveries WHERE status != 'sent'")
                            ).scalar_one()
    engine.dispose()
    assert len(rows) == 1
    titles = Counter(m["title"] for m in webhook.messages)
    assert [t for t in titles if "KICZ A0012/25" in t] and max(titles.values()) == 1
    assert pending == 0
