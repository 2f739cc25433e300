"""A KICZ advisory's life through notamSearch, end to end: local search service -> real store ->
real Apprise -> local webhook. Issued: one warning; replaced: one update that says so;
cancelled: one all-clear; an unchanged poll: nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest

from monitor import service
from monitor.outbox import sweep
from monitor.pipeline import run_source
from monitor.runtime import Runtime
from monitor.store import Store
from tests.servers import FixtureServer, Webhook

PATH = "/notamSearch/search"
SOURCE = "faa-notam-search"
ADVISORY = ("SECURITY..UNITED STATES OF AMERICA ADVISORY FOR POTENTIALLY HAZARDOUS SITUATION "
            "IN THE\nMAIQUETIA FLIGHT INFORMATION REGION (SVZM)\nOPERATORS ARE ADVISED TO "
            "EXERCISE CAUTION WHEN OPERATING IN THE MAIQUETIA FLIGHT\nINFORMATION REGION "
            "(SVZM FIR) AT ALL ALTITUDES.")


def record(designator: str, number: str, text: str, *, issued: str) -> dict[str, Any]:
    """A search record as notamSearch lists it (the fields the kind reads, and a few more)."""
    return {"facilityDesignator": designator, "icaoId": designator, "notamNumber": number,
            "featureName": "International", "issueDate": issued, "startDate": issued,
            "endDate": "02/19/2026 2359", "source": "USNS", "sourceType": "I",
            "icaoMessage": text, "traditionalMessage": " ", "plainLanguageMessage": " ",
            "traditionalMessageFrom4thWord": text.split("E) ", 1)[-1][:60] + "...",
            "transactionID": hash(text) % 10**8, "cancelledOrExpired": False,
            "status": "Active", "keyword": "INTERNATIONAL"}


PIARCO = record("TTZP", "A0101/25",
                "A0101/25 NOTAMN\nQ) TTZP/QMRLC/IV/NBO/A/000/999/1036N06121W005\n"
                "A) TTPP B) 2511200000 C) 2606302359\nE) RWY 10/28 CLSD DUE WIP",
                issued="11/19/2025 1200")
ISSUED = record("KICZ", "A0012/25",
                "A0012/25 NOTAMN\nQ) SVZM/QXXXX/IV/NBO/E/000/999/\n"
                f"A) SVZM B) 2511211743 C) 2602192359\nE) {ADVISORY}\nF) SFC G) UNL",
                issued="11/21/2025 1808")
REPLACED = record("KICZ", "A0015/25",
                  "A0015/25 NOTAMR A0012/25\nQ) SVZM/QXXXX/IV/NBO/E/000/999/\n"
                  f"A) SVZM B) 2512161420 C) 2602192359\nE) {ADVISORY}\nF) SFC G) UNL",
                  issued="12/16/2025 1420")
# The cancellation's text does not say KICZ: the designator keys it.
CANCELLED = record("KICZ", "A0002/26",
                   "A0002/26 NOTAMC A0015/25\nQ) SVZM/QXXXX/IV/NBO/E/000/999/\n"
                   "A) SVZM B) 2601101200\nE) ADVISORY WITHDRAWN",
                   issued="01/10/2026 1200")


def search_page(*records: dict[str, Any]) -> bytes:
    return json.dumps({"notamList": list(records), "startRecordCount": 1 if records else 0,
                       "endRecordCount": len(records), "totalNotamCount": len(records),
                       "filteredResultCount": 0, "criteriaCaption": " Location search",
                       "searchDateTime": "2025-11-25 14:02:10", "linkedLocationCaption": "",
                       "error": "", "requestID": 0}).encode()


@pytest.fixture
def runtime(tmp_path: Path, server: FixtureServer, webhook: Webhook) -> Iterator[Runtime]:
    config = tmp_path / "config.toml"
    config.write_text(f"""
[monitor]
database = "sqlite:///{tmp_path / 'monitor.db'}"
withdraw_after = 2
fetch_retries = 0

[[channels]]
name = "desk"
url = "{webhook.apprise_url('desk')}"
format = "markdown"

[[sources]]
name = "{SOURCE}"
kind = "faa_notam_search"
url = "{server.url(PATH)}"
every = "30m"
locations = ["SVZM", "KICZ"]

[[watchlists]]
name = "latam-desk"
firs = ["SVZM"]
min_severity = "advisory"
channels = ["desk"]
""")
    rt = service.open_runtime(service.load(config), announce=False)
    rt.clock = lambda: datetime(2025, 11, 25, 14, 0, tzinfo=UTC)
    yield rt
    service.close_runtime(rt)


def poll(rt: Runtime, server: FixtureServer, hook: Webhook, *records: dict[str, Any],
         at: datetime) -> list[dict[str, Any]]:
    """Serve one result page, run the source once at `at`, deliver: what this poll sent."""
    hook.clear()
    server.serve(PATH, search_page(*records), content_type="application/json;charset=UTF-8")
    rt.clock = lambda: at
    assert run_source(rt, SOURCE).status == "ok"
    sent = sweep(rt).sent
    return hook.wait_for(sent) if sent else []


def test_a_kicz_advisory_is_issued_replaced_and_cancelled(
        runtime: Runtime, server: FixtureServer, webhook: Webhook) -> None:
    day = datetime(2025, 11, 20, 12, 0, tzinfo=UTC)

    # 0. Baseline: the first good poll sends a situation summary, not per-item alerts; the
    #    Piarco runway NOTAM matches no watchlist, so nothing at all goes out.
    assert poll(runtime, server, webhook, PIARCO, at=day) == []
    assert [query_offset(r) for r in server.requests] == ["0"]

    # 1. KICZ A0012/25 is issued: one WARNING naming the Maiquetía FIR.
    [issued] = poll(runtime, server, webhook, PIARCO, ISSUED, at=day + timedelta(days=2))
    assert issued["title"].startswith("[WARNING] KICZ A0012/25: SECURITY..UNITED STATES")
    assert "(SVZM)" in issued["title"]
    assert issued["type"] == "warning"
    for needle in ("latam-desk", "new", "SVZM", SOURCE):
        assert needle in issued["message"]

    # 2. Unchanged: nothing.
    assert poll(runtime, server, webhook, PIARCO, ISSUED, at=day + timedelta(days=3)) == []

    # 3. A0015/25 replaces A0012/25 (which leaves the list): one update that says so.
    replace_day = datetime(2025, 12, 16, 15, 0, tzinfo=UTC)
    [replaced] = poll(runtime, server, webhook, PIARCO, REPLACED, at=replace_day)
    assert replaced["title"].startswith("[WARNING] KICZ A0015/25: replaces A0012/25")
    assert replaced["type"] == "warning"

    # 4. A NOTAMC cancels A0015/25: one all-clear.
    cancel_day = datetime(2026, 1, 10, 13, 0, tzinfo=UTC)
    [cleared] = poll(runtime, server, webhook, PIARCO, CANCELLED, at=cancel_day)
    assert cleared["title"].startswith("[INFO] KICZ A0015/25: cancelled")
    assert cleared["type"] == "success"

    # 5. Unchanged again, twice (past withdraw_after): nothing more.
    for hours in (1, 2):
        later = cancel_day + timedelta(hours=hours)
        assert poll(runtime, server, webhook, PIARCO, CANCELLED, at=later) == []

    store = Store(runtime.config.database_url)
    try:
        statuses = {key: known.item.status for key, known in store.known_items(SOURCE).items()
                    if key.startswith("KICZ")}
    finally:
        store.close()
    assert statuses == {"KICZ A0012/25": "replaced", "KICZ A0015/25": "cancelled",
                        "KICZ A0002/26": "cancelled"}


def query_offset(request: dict[str, Any]) -> str:
    return parse_qs(request["body"].decode())["offset"][0]
