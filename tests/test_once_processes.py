"""`monitor once` over many sources fetches half of them in a forked second process.

What it records must be what one process records: the same outcomes, items, states and log
lines, failures included; a child that dies leaves its share to the parent.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import pytest

from monitor import pipeline, service
from monitor.pipeline import FORK_AT, deal, run_many
from monitor.sources import SOURCES
from monitor.sources.airline_page import AirlinePage
from monitor.sources.base import Fetched, Http, Validators
from monitor.types import Item
from tests.servers import FixtureServer

ROOT = Path(__file__).resolve().parents[1]
PARENT = os.getpid()


def page(index: int, revision: int = 0) -> str:
    return (f"<html><head><title>Notices {index}</title></head><body><div id='notices'>"
            f"<h2>Operations to Caracas</h2><p>Flights to Caracas operate normally "
            f"(notice {index}, revision {revision}).</p>"
            f"<h2>Baggage</h2><p>Allowances are unchanged on all routes.</p></div></body></html>")


def write_config(folder: Path, server: FixtureServer, pages: int,
                 extra: str = "", host_gap: str = "0s") -> Path:
    lines = [f'[monitor]\ndatabase = "sqlite:///{folder / "monitor.db"}"\nfetch_retries = 0\n'
             f'host_gap = "{host_gap}"\n']
    for i in range(pages):
        server.serve(f"/p/{i}", page(i), etag=f'"p{i}-0"')
        lines.append(f'[[sources]]\nname = "page-{i}"\nkind = "airline_page"\n'
                     f'url = "{server.url(f"/p/{i}")}"\nselector = "#notices"\nairline = "XX"\n'
                     'min_chars = 10\n')
    server.serve("/broken", "upstream trouble", status=500, content_type="text/plain")
    server.serve("/moved", "<html><body><p>We moved our notices.</p></body></html>")
    lines.append(f'[[sources]]\nname = "broken"\nkind = "airline_page"\nurl = '
                 f'"{server.url("/broken")}"\nselector = "#notices"\nairline = "XX"\n')
    lines.append(f'[[sources]]\nname = "moved"\nkind = "airline_page"\nurl = '
                 f'"{server.url("/moved")}"\nselector = "#notices"\nairline = "XX"\n')
    lines.append(extra)
    lines.append('[[watchlists]]\nname = "desk"\nkeywords = ["Caracas"]\n'
                 'min_severity = "info"\n')
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "config.toml"
    path.write_text("\n".join(lines))
    return path


def cycle(config_path: Path, processes: int) -> dict[str, object]:
    """One run_many over every source; what the store then holds, minus times and ids."""
    config = service.load(config_path)
    rt = service.open_runtime(config, announce=False)
    try:
        names = [s.name for s in config.enabled_sources()]
        outcomes = run_many(rt, names, processes=processes)
        states = rt.store.states()
        items = rt.store.active_items()
    finally:
        service.close_runtime(rt)
    return {
        "outcomes": {o.source: (o.status, o.error, o.alerts) for o in outcomes},
        "states": {n: (s.etag, s.consecutive_failures, s.last_error, s.last_status,
                       s.items_seen) for n, s in states.items()},
        "items": sorted(json.dumps(i.item.to_json(), sort_keys=True) for i in items),
    }


def test_two_processes_record_what_one_process_records(tmp_path: Path,
                                                       server: FixtureServer) -> None:
    one = write_config(tmp_path / "one", server, 12)
    two = write_config(tmp_path / "two", server, 12)
    first = cycle(one, processes=1), cycle(two, processes=2)
    assert first[0] == first[1]
    outcomes = first[1]["outcomes"]
    assert outcomes["broken"][:2] == ("failed", "HTTP 500 Internal Server Error")
    assert outcomes["moved"][0] == "failed" and "layout changed" in outcomes["moved"][1]
    assert outcomes["page-7"][0] == "ok" and len(first[1]["items"]) == 24
    server.serve("/p/3", page(3, revision=1), etag='"p3-1"')  # one page changes
    second = cycle(one, processes=1), cycle(two, processes=2)
    assert second[0] == second[1]
    statuses = {n: o[0] for n, o in second[1]["outcomes"].items()}
    assert statuses["page-3"] == "ok" and statuses["page-4"] == "not_modified"
    assert any("revision 1" in i for i in second[1]["items"])


class _Unpicklable(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.callback = lambda: None  # a lambda does not pickle


class _FailingPage(AirlinePage):
    """An airline page whose parser has a bug that raises an unpicklable error."""

    kind = "failing_page"

    def parse(self, body: bytes, *, url: str,
              extra: Mapping[str, bytes] | None = None) -> list[Item]:
        raise _Unpicklable("the parser tripped over a table")


class _DyingPage(AirlinePage):
    """An airline page whose fetch ends any process but the test's own."""

    kind = "dying_page"

    def fetch(self, http: Http, validators: Validators, *, now: object) -> Fetched:
        if os.getpid() != PARENT:
            os._exit(7)
        return super().fetch(http, validators, now=now)  # type: ignore[arg-type]


@pytest.fixture
def extra_kinds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(SOURCES, "failing_page", _FailingPage)
    monkeypatch.setitem(SOURCES, "dying_page", _DyingPage)


def extra_source(kind: str, name: str, server: FixtureServer) -> str:
    return (f'[[sources]]\nname = "{name}"\nkind = "{kind}"\nurl = "{server.url("/p/0")}"\n'
            'selector = "#notices"\nairline = "XX"\nmin_chars = 10\n')


@pytest.mark.usefixtures("extra_kinds")
def test_an_error_that_cannot_travel_back_keeps_its_type_name_and_message(
        tmp_path: Path, server: FixtureServer) -> None:
    extra = "".join(extra_source("failing_page", f"bug-{i}", server) for i in range(2))
    result = cycle(write_config(tmp_path, server, 4, extra), processes=2)
    for name in ("bug-0", "bug-1"):  # one of them ran in the child
        status, error, _ = result["outcomes"][name]  # type: ignore[index]
        assert (status, error) == ("failed",
                                   "internal error: _Unpicklable: the parser tripped over a table")


@pytest.mark.usefixtures("extra_kinds")
def test_a_child_that_dies_leaves_its_share_to_the_parent(tmp_path: Path,
                                                         server: FixtureServer) -> None:
    extra = "".join(extra_source("dying_page", f"dying-{i}", server) for i in range(4))
    result = cycle(write_config(tmp_path, server, 6, extra), processes=2)
    statuses = {n: o[0] for n, o in result["outcomes"].items()}  # type: ignore[attr-defined]
    assert statuses.pop("broken") == "failed" and statuses.pop("moved") == "failed"
    assert set(statuses.values()) == {"ok"}, statuses


def test_sources_are_dealt_evenly_and_one_host_stays_in_one_share_when_paced() -> None:
    names = [f"s{i}" for i in range(7)]
    assert deal(names, 2) == [["s0", "s2", "s4", "s6"], ["s1", "s3", "s5"]]
    assert deal(names, 1) == [names] and deal(["s0"], 2) == [["s0"]]
    hosts = {n: ("faa.gov" if i < 4 else f"airline{i}.com") for i, n in enumerate(names)}
    shares = deal(names, 2, hosts=hosts)
    assert sorted(map(sorted, shares)) == [["s0", "s1", "s2", "s3"], ["s4", "s5", "s6"]]
    one_host = dict.fromkeys(names, "faa.gov")
    assert deal(names, 2, hosts=one_host) == [names]


def test_monitor_once_over_many_sources_forks_and_records_every_run(
        tmp_path: Path, server: FixtureServer) -> None:
    if not hasattr(os, "fork") or len(os.sched_getaffinity(0)) < 2:
        pytest.skip("one core, or os.fork missing: `monitor once` stays in one process here")
    config = write_config(tmp_path, server, FORK_AT)
    env = {**os.environ, "MONITOR_CONFIG": str(config)}
    runs = []
    for _ in range(2):
        proc = subprocess.run([sys.executable, "-m", "monitor", "once"], capture_output=True,
                              text=True, cwd=ROOT, env=env, timeout=120)
        assert proc.returncode == 1, proc.stderr  # "broken" and "moved" fail
        lines = [json.loads(line) for line in proc.stdout.splitlines()]
        runs.append({r["source"]: r["status"] for r in lines if r["event"] == "source.run"})
    assert len(runs[0]) == FORK_AT + 2
    assert {runs[0][f"page-{i}"] for i in range(FORK_AT)} == {"ok"}
    assert {runs[1][f"page-{i}"] for i in range(FORK_AT)} == {"not_modified"}
    assert runs[1]["broken"] == runs[1]["moved"] == "failed"
    agents = {r["headers"].get("User-Agent") for r in server.requests}
    assert len(agents) == 1  # the child's client is configured as the parent's
    assert pipeline.FORK_AT <= FORK_AT


def test_when_no_process_can_be_forked_one_process_does_it_all(
        tmp_path: Path, server: FixtureServer, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    def no_fork() -> int:
        raise BlockingIOError(11, "Resource temporarily unavailable")

    one = cycle(write_config(tmp_path / "one", server, 6), processes=1)
    monkeypatch.setattr(os, "fork", no_fork)
    alone = cycle(write_config(tmp_path / "two", server, 6), processes=2)
    assert alone == one
    warnings = [json.loads(line) for line in capsys.readouterr().out.splitlines()
                if "once.fork_failed" in line]
    assert len(warnings) == 1 and "temporarily unavailable" in warnings[0]["error"]
