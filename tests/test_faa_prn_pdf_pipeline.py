"""The PRN page with its KICZ NOTAM PDFs end to end: local server -> migrated SQLite -> Apprise
-> local webhook. The desk reads the validity the PDF states; an unchanged PDF is not fetched
again, a changed one is; a broken one costs one warning and nothing else."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from monitor import service
from monitor.config import Config
from monitor.store import Store
from tests.conftest import FIXTURES, fixture_bytes
from tests.servers import FixtureServer, Webhook

PRN = "/air_traffic/publications/us_restrictions"
A0012 = f"{PRN}/venezuela/KICZ_ADVISORY_NOTAM_A0012_25_SVZM.pdf"
A0050 = f"{PRN}/colombia/KICZ_ADVISORY_NOTAM_A0050_26_SKED.pdf"
VALIDITY = "2025-11-21T17:43:00Z to 2026-02-19T23:59:00Z"
# While the advisory is in force (after its end it would arrive already expired).
NOV_21 = datetime(2025, 11, 21, 18, 30, tzinfo=UTC)


def pdf(name: str) -> bytes:
    return (FIXTURES / "faa_prn" / "pdf" / name).read_bytes()


def write_config(tmp_path: Path, server: FixtureServer, webhook: Webhook) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(f"""
[monitor]
database = "sqlite:///{tmp_path / 'monitor.db'}"
withdraw_after = 2
fetch_retries = 0

[[channels]]
name = "desk"
url = "{webhook.apprise_url('desk')}"
format = "markdown"

[[sources]]
name = "faa-prn"
kind = "faa_prn"
url = "{server.url(PRN)}"
every = "1h"
countries = ["VE", "CO"]

[[watchlists]]
name = "latam-desk"
firs = ["SVZM"]
countries = ["VE"]
min_severity = "advisory"
channels = ["desk"]
""")
    return path


@pytest.fixture
def setup(tmp_path: Path, server: FixtureServer, webhook: Webhook) -> Config:
    server.serve(PRN, fixture_bytes("faa_prn", "baseline.html"), etag='"prn-1"')
    server.serve(A0050, pdf("KICZ_A0050_26.pdf"), content_type="application/pdf",
                 etag='"a0050-1"')
    server.serve(A0012, pdf("KICZ_A0012_25.pdf"), content_type="application/pdf",
                 etag='"a0012-1"')
    return service.load(write_config(tmp_path, server, webhook))


def once(config: Config, at: datetime) -> str:
    """`monitor once faa-prn` at a given time: a new runtime (what a new process restores from
    the store), one run, the deliveries that are due; the run's status."""
    from monitor.outbox import sweep
    from monitor.pipeline import run_many

    rt = service.open_runtime(config, announce=False)
    try:
        rt.clock = lambda: at
        [outcome] = run_many(rt, ["faa-prn"])
        sweep(rt)
        return outcome.status
    finally:
        service.close_runtime(rt)


def stored(config: Config) -> dict:
    store = Store(config.database_url)
    try:
        return {s.item.key: s.item for s in store.active_items()}
    finally:
        store.close()


def log_lines(out: str) -> list[dict]:
    return [json.loads(line) for line in out.splitlines() if line.startswith("{")]


def test_the_desk_reads_the_validity_the_pdf_states_and_unchanged_pdfs_are_not_fetched_again(
        setup: Config, server: FixtureServer, webhook: Webhook) -> None:
    config = setup
    assert once(config, NOV_21) == "ok"  # baseline: Colombia only
    assert stored(config)["KICZ A0050/26"].to_json()["valid_from"] == "2026-03-04T19:30:00Z"
    assert webhook.messages == []  # nothing for this desk in Colombia

    # The Venezuela advisory appears: its PDF is read in the same run, the alert says when.
    server.serve(PRN, fixture_bytes("faa_prn", "venezuela_added.html"), etag='"prn-2"')
    assert once(config, NOV_21 + timedelta(hours=1)) == "ok"
    [alert] = webhook.wait_for(1)
    assert alert["title"].startswith("[WARNING] KICZ A0012/25: ")
    assert VALIDITY in alert["message"]
    assert "not stated" not in alert["message"]
    item = stored(config)["KICZ A0012/25"]
    assert item.to_json()["published_at"] == "2025-11-21T18:08:00Z"
    assert (item.firs, item.countries) == (("SVZM",), ("VE",))
    assert (server.hits(A0050), server.hits(A0012)) == (1, 1)

    # The page changes around them (a new process each time): the PDFs are not asked again,
    # and what they said stays (no "updated" for a validity that went missing).
    server.serve(PRN, fixture_bytes("faa_prn", "venezuela_added.html") + b"\n", etag='"prn-3"')
    assert once(config, NOV_21 + timedelta(hours=2)) == "ok"
    assert once(config, NOV_21 + timedelta(hours=3)) == "not_modified"
    assert (server.hits(A0050), server.hits(A0012)) == (1, 1)
    assert server.requests[-1]["headers"].get("If-None-Match") == '"prn-3"'
    assert stored(config)["KICZ A0012/25"] == item
    assert len(webhook.messages) == 1


def test_a_pdf_revised_upstream_is_read_again_at_its_recheck(
        setup: Config, server: FixtureServer, webhook: Webhook) -> None:
    config = setup
    server.serve(PRN, fixture_bytes("faa_prn", "venezuela_added.html"), etag='"prn-2"')
    assert once(config, NOV_21) == "ok"  # first run: a summary
    assert VALIDITY in webhook.wait_for(1)[0]["message"]

    # A day later the reads are due for a check: conditional GETs, answered 304.
    assert once(config, NOV_21 + timedelta(days=1, hours=1)) == "ok"
    pdf_requests = [r for r in server.requests if r["path"] in (A0012, A0050)]
    assert [r["headers"].get("If-None-Match") for r in pdf_requests] == [
        None, None, '"a0050-1"', '"a0012-1"']
    assert len(webhook.messages) == 1

    # The PDF is revised at the same address: the next check reads it, the desk hears.
    server.serve(A0012, pdf("KICZ_A0012_25_revised.pdf"), content_type="application/pdf",
                 etag='"a0012-2"')
    assert once(config, NOV_21 + timedelta(days=2, hours=2)) == "ok"
    [update] = webhook.wait_for(2)[1:]
    assert update["title"].startswith("[WARNING] KICZ A0012/25: ")
    assert "2025-11-21T17:43:00Z to 2026-05-19T23:59:00Z" in update["message"]
    assert stored(config)["KICZ A0012/25"].to_json()["valid_to"] == "2026-05-19T23:59:00Z"


def test_a_broken_pdf_costs_one_warning_and_the_run_stays_ok(
        setup: Config, server: FixtureServer, webhook: Webhook,
        capsys: pytest.CaptureFixture[str]) -> None:
    config = setup
    server.serve(A0012, b"<html>Service unavailable</html>", content_type="text/html")
    server.serve(PRN, fixture_bytes("faa_prn", "venezuela_added.html"), etag='"prn-2"')
    assert once(config, NOV_21) == "ok"
    server.serve(PRN, fixture_bytes("faa_prn", "venezuela_added.html") + b"\n", etag='"prn-3"')
    assert once(config, NOV_21 + timedelta(hours=2)) == "ok"

    lines = log_lines(capsys.readouterr().out)
    assert [r["status"] for r in lines if r["event"] == "source.run"] == ["ok", "ok"]
    [warning] = [r for r in lines if r["level"] == "warning"]
    assert (warning["event"], warning["part"]) == ("source.partial", "pdf")
    assert warning["url"] == server.url(A0012)
    [summary] = webhook.wait_for(1)
    assert "KICZ A0012/25" in summary["message"]
    assert "not stated by the source" in summary["message"]  # the entry as listed
    assert stored(config)["KICZ A0050/26"].valid_from is not None
