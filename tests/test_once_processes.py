"""`monitor once` over a batch large enough for the process pool records exactly what one
process records (ok, 304, HTTP 500, a layout change, a changed page, an unchanged noisy page);
a pool process that dies costs its sources a second fetch, never a silent gap; an error that
cannot travel back from a pool process still names its type and message.

Through a real local HTTP server, migrated SQLite files and the `monitor` command. The single
process run is `monitor once` pinned to one core (one usable core: no pool)."""

from __future__ import annotations

import json
import os
import secrets
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest

from monitor import service
from monitor.attempts import host_shares
from monitor.pipeline import run_many
from monitor.sources import SOURCES
from monitor.sources.airline_page import AirlinePage
from monitor.sources.base import Fetched, Http, Validators
from tests.servers import FixtureServer, _reply

ROOT = Path(__file__).resolve().parents[1]
CORES = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
pytestmark = pytest.mark.skipif(len(CORES) < 2, reason="needs two usable cores (Linux)")

PLAIN, NOISY, BROKEN, GONE, CHANGED = range(40), range(40, 60), range(60, 63), range(63, 66), \
    range(66, 70)
COUNT = 70                    # above POOL_FROM (64): `monitor once` takes the pool


def region(i: int, version: int = 0) -> str:
    return (f'<div id="notices"><h2>Operations to Caracas</h2><p>Flights to Caracas operate '
            f"normally (notice {i}, revision {version}).</p><h2>Baggage</h2><p>Allowances "
            f"are unchanged on every route.</p></div>")


def page(i: int, version: int = 0) -> str:
    return (f"<html><head><title>Notices {i}</title></head><body><nav>Menu</nav>"
            f"{region(i, version)}<footer>Contact</footer></body></html>")


def noisy(i: int) -> Callable[[BaseHTTPRequestHandler], None]:
    """A page without validators whose token and nonce (of fixed lengths) change per request."""
    def answer(h: BaseHTTPRequestHandler) -> None:
        body = (f'<html><head><title>Notices {i}</title><meta name="csrf" '
                f'content="{secrets.token_hex(16)}"></head><body><div class="promo">'
                f"{secrets.token_hex(8)}</div>{region(i)}</body></html>")
        _reply(h, 200, body.encode(), "text/html; charset=utf-8")
    return answer


@pytest.fixture
def pages(server: FixtureServer) -> FixtureServer:
    for i in PLAIN:
        server.serve(f"/p/{i}", page(i), etag=f'"v{i}"')
    for i in NOISY:
        server.serve(f"/p/{i}", b"").handler = noisy(i)
    for i in BROKEN:
        server.serve(f"/p/{i}", "oops", status=500)
    for i in (*GONE, *CHANGED):
        server.serve(f"/p/{i}", page(i))
    return server


def write_config(folder: Path, server: FixtureServer, *, kind: str = "airline_page",
                 count: int = COUNT) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    lines = [f'[monitor]\ndatabase = "sqlite:///{folder / "m.db"}"\nfetch_retries = 0\n'
             'alert_after_failures = 1\n', '[[channels]]\nname = "desk"\nurl = ""\n']
    for i in range(count):
        lines.append(f'[[sources]]\nname = "page-{i}"\nkind = "{kind}"\n'
                     f'url = "{server.url(f"/p/{i}")}"\nselector = "#notices"\nairline = "XX"\n')
    lines.append('[[watchlists]]\nname = "desk"\ncountries = ["VE"]\nkeywords = ["Caracas"]\n'
                 'min_severity = "info"\nchannels = ["desk"]\n')
    path = folder / "config.toml"
    path.write_text("\n".join(lines))
    return path


def once(config: Path, *, cores: list[int]) -> list[dict[str, Any]]:
    """`monitor once` on the given cores; its log lines."""
    done = subprocess.run([sys.executable, "-m", "monitor", "--config", str(config), "once"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120,
                          preexec_fn=lambda: os.sched_setaffinity(0, cores))
    assert done.returncode in (0, 1), done.stderr[-2000:]
    return [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]


# Columns that differ between any two runs (times, ids, durations), left out of the record.
VARYING = {"id", "run_id", "change_id", "alert_id", "duration_ms", "body", "owner", "at"}


def recorded(db: Path, noisy: set[str]) -> dict[str, list[tuple[Any, ...]]]:
    """What the runs wrote, without times, ids and durations, in a stable order. A noisy
    page kept on its first read differs in its tokens (its digest), not in its size."""
    tables = ("runs", "items", "changes", "alerts", "deliveries", "raw_bodies", "source_state")
    found = {}
    with sqlite3.connect(db) as conn:
        conn.row_factory = sqlite3.Row
        for table in tables:
            rows = []
            for row in conn.execute(f"SELECT * FROM {table}"):
                kept = {k: _stable(row[k]) for k in row.keys()  # noqa: SIM118 - a Row's names
                        if k not in VARYING and not k.endswith("_at")}
                if table == "raw_bodies" and kept["source"] in noisy:
                    del kept["sha256"]
                rows.append(tuple(sorted(kept.items())))
            found[table] = sorted(rows, key=repr)
    return found


def _stable(value: Any) -> Any:
    """JSON columns without the times in them (a run's own clock)."""
    if isinstance(value, str) and value.startswith(("{", "[")):
        try:
            return json.dumps(_untimed(json.loads(value)), sort_keys=True)
        except ValueError:
            return value
    return value


def _untimed(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _untimed(v) for k, v in value.items() if not _is_time(v)}
    if isinstance(value, list):
        return [_untimed(v) for v in value]
    return value


def _is_time(value: Any) -> bool:
    if not isinstance(value, str) or len(value) < 19:
        return False
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def test_two_processes_record_exactly_what_one_does(tmp_path: Path,
                                                    pages: FixtureServer) -> None:
    one = write_config(tmp_path / "one", pages)
    two = write_config(tmp_path / "two", pages)
    first = {"one": once(one, cores=CORES[:1]), "two": once(two, cores=CORES[:2])}
    assert not any(e["event"] == "batch.processes" for e in first["one"])
    assert {"event": "batch.processes", "processes": 2, "sources": COUNT}.items() <= next(
        e for e in first["two"] if e["event"] == "batch.processes").items()

    for i in GONE:      # the region's selector matches nothing any more
        pages.serve(f"/p/{i}", "<html><body><div id='other'>Moved</div></body></html>")
    for i in CHANGED:   # the region's text changes (no validators: a new body)
        pages.serve(f"/p/{i}", page(i, version=1))
    second = {"one": once(one, cores=CORES[:1]), "two": once(two, cores=CORES[:2])}

    statuses = {e["source"]: (e["status"], e.get("error")) for e in second["two"]
                if e["event"] == "source.run"}
    assert len(statuses) == COUNT
    assert {statuses[f"page-{i}"][0] for i in PLAIN} == {"not_modified"}   # 304s
    assert {statuses[f"page-{i}"][0] for i in NOISY} == {"not_modified"}   # same region
    assert {statuses[f"page-{i}"] for i in BROKEN} == {("failed", "HTTP 500 Internal Server "
                                                                  "Error")}
    assert all(statuses[f"page-{i}"][0] == "failed" and "matched nothing" in
               statuses[f"page-{i}"][1] for i in GONE)
    assert {statuses[f"page-{i}"][0] for i in CHANGED} == {"ok"}
    single = {e["source"]: (e["status"], e.get("error")) for e in second["one"]
              if e["event"] == "source.run"}
    assert single == statuses

    noisy_names = {f"page-{i}" for i in NOISY}
    one_db = recorded(tmp_path / "one" / "m.db", noisy_names)
    two_db = recorded(tmp_path / "two" / "m.db", noisy_names)
    assert one_db["changes"] and one_db["alerts"] and one_db["raw_bodies"]
    assert one_db == two_db


class DyingPage(AirlinePage):
    """An airline page whose fetch kills the process it runs in, unless it is `parent`."""

    kind = "test_dying_page"
    parent = 0

    def fetch(self, http: Http, validators: Validators, *, now: datetime) -> Fetched:
        if self.name == "page-5" and os.getpid() != DyingPage.parent:
            os.kill(os.getpid(), signal.SIGKILL)
        return super().fetch(http, validators, now=now)


class OddError(Exception):
    """An error whose constructor pickling cannot call again (two required arguments)."""

    def __init__(self, what: str, where: int) -> None:
        super().__init__(f"{what} at {where}")


class OddPage(AirlinePage):
    """An airline page whose parser raises an error that does not survive pickling."""

    kind = "test_odd_page"

    def parse(self, body: bytes, *, url: str,
              extra: Mapping[str, bytes] | None = None) -> list[Any]:
        if self.name == "page-7":
            raise OddError("bad table", 7)
        return super().parse(body, url=url, extra=extra)


@pytest.fixture
def kinds() -> Iterator[None]:
    for cls in (DyingPage, OddPage):
        SOURCES[cls.kind] = cls
    yield
    for cls in (DyingPage, OddPage):
        del SOURCES[cls.kind]


def run_pool(tmp_path: Path, server: FixtureServer, kind: str) -> dict[str, Any]:
    for i in range(COUNT):
        server.serve(f"/p/{i}", page(i))
    rt = service.open_runtime(service.load(write_config(tmp_path, server, kind=kind)))
    try:
        return {o.source: o for o in run_many(rt, list(rt.sources))}
    finally:
        service.close_runtime(rt)


def test_a_dead_pool_process_costs_its_sources_a_second_fetch_here(
        tmp_path: Path, server: FixtureServer, kinds: None,
        capsys: pytest.CaptureFixture[str]) -> None:
    DyingPage.parent = os.getpid()
    outcomes = run_pool(tmp_path, server, DyingPage.kind)
    assert len(outcomes) == COUNT
    assert {o.status for o in outcomes.values()} == {"ok"}
    lost = [json.loads(line) for line in capsys.readouterr().out.splitlines()
            if '"batch.process_lost"' in line]
    assert lost and all("BrokenProcessPool" in e["error"] for e in lost)
    with sqlite3.connect(tmp_path / "m.db") as conn:
        assert conn.execute("SELECT count(DISTINCT source) FROM items").fetchone()[0] == COUNT


def test_an_error_that_cannot_travel_back_still_names_its_type(
        tmp_path: Path, server: FixtureServer, kinds: None) -> None:
    outcomes = run_pool(tmp_path, server, OddPage.kind)
    assert outcomes["page-7"].status == "failed"
    assert outcomes["page-7"].error == "internal error: OddError: bad table at 7"
    assert {o.status for name, o in outcomes.items() if name != "page-7"} == {"ok"}


def test_paced_hosts_stay_whole_in_one_share() -> None:
    names = [f"s{i}" for i in range(10)]
    hosts = {n: ("a" if i < 5 else "b" if i < 8 else "c") for i, n in enumerate(names)}
    cut = host_shares(names, hosts, 2)
    assert sorted(n for share in cut for n in share) == sorted(names)
    for host in "abc":
        assert sum(any(hosts[n] == host for n in share) for share in cut) == 1
    assert cut == [["s0", "s1", "s2", "s3", "s4"], ["s5", "s6", "s7", "s8", "s9"]]
