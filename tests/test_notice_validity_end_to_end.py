"""Notice validity end to end: an airline page on a local server, a migrated SQLite file, a
local webhook. The days a notice states reach the store and the desk; an extension says so."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from monitor import service
from monitor.outbox import sweep
from monitor.pipeline import run_source
from monitor.runtime import Runtime
from tests.servers import FixtureServer, Webhook

SUSPENDED = "A TAP suspende os voos TP173 e TP174 entre Lisboa e Caracas até 31 de dezembro."
EXTENDED = ("A TAP prorrogou a suspensão dos voos TP173 e TP174 entre Lisboa e Caracas até 31 "
            "de janeiro.")
KEY = "TP § Voos para Caracas"


def page(notice: str, stamp: str = "") -> bytes:
    """A TAP-like notice page: one region of headed notice blocks, no dates unless given."""
    return f"""<!DOCTYPE html><html lang="pt-PT"><head><title>Avisos | TAP</title></head>
<body><main id="avisos"><h1>Avisos e informações</h1>{stamp}
<h2>Voos para Caracas</h2><p>{notice}</p>
<p>Os clientes afetados podem alterar a viagem sem custos ou pedir reembolso.</p>
<h2>Bagagem</h2><p>Cada cliente pode levar uma bagagem de mão de até 8 kg.</p>
</main></body></html>""".encode()


@pytest.fixture
def desk(tmp_path: Path, server: FixtureServer, webhook: Webhook
         ) -> Iterator[tuple[Runtime, FixtureServer, Webhook, Path]]:
    server.serve("/tap", page(SUSPENDED))
    database = tmp_path / "m.db"
    path = tmp_path / "config.toml"
    path.write_text(f"""
[monitor]
database = "sqlite:///{database}"

[[channels]]
name = "desk"
url = "{webhook.apprise_url('desk')}"

[[sources]]
name = "tap-page"
kind = "airline_page"
url = "{server.url('/tap')}"
selector = "main#avisos"
airline = "TP"

[[watchlists]]
name = "lisbon-desk"
routes = ["LIS-CCS"]
airlines = ["TP"]
channels = ["desk"]
""")
    rt = service.open_runtime(service.load(path), announce=False)
    yield rt, server, webhook, database
    service.close_runtime(rt)


def read_at(rt: Runtime, when: datetime) -> None:
    rt.clock = lambda: when
    run_source(rt, "tap-page")
    sweep(rt)


def stored(database: Path) -> dict[str, object]:
    with sqlite3.connect(database) as db:
        (data,) = db.execute("SELECT data FROM items WHERE key = ?", (KEY,)).fetchone()
    return json.loads(data)  # type: ignore[no-any-return]


def test_an_extension_reaches_the_desk_as_an_update_that_says_so(desk) -> None:  # type: ignore[no-untyped-def]
    rt, server, hook, database = desk
    # Read in November: "até 31 de dezembro" is this December, to the end of the day.
    read_at(rt, datetime(2025, 11, 22, 10, 0, tzinfo=UTC))
    [summary] = hook.messages
    assert "Valid: until 2025-12-31T23:59:59Z" in summary["message"]
    assert "not stated" not in summary["message"]
    assert stored(database)["valid_to"] == "2025-12-31T23:59:59Z"
    hook.clear()

    # Read in December: "até 31 de janeiro" rolls into 2026; the update's title says so.
    server.serve("/tap", page(EXTENDED))
    read_at(rt, datetime(2025, 12, 20, 9, 0, tzinfo=UTC))
    [update] = hook.messages
    assert update["title"] == (
        f"[WARNING] {KEY}: updated: TP: Suspension of flights to Caracas extended to "
        "31 Jan 2026 (was 31 Dec 2025)")
    assert "Valid: until 2026-01-31T23:59:59Z" in update["message"]
    item = stored(database)
    assert (item["title"], item["valid_to"]) == (
        "TP: Suspension of flights to Caracas (until 31 Jan)", "2026-01-31T23:59:59Z")
    hook.clear()

    # Read again in January, the same notice is no change (its year stays 2026).
    server.serve("/tap", page(EXTENDED) + b"\n")
    read_at(rt, datetime(2026, 1, 10, 9, 0, tzinfo=UTC))
    assert hook.messages == []
    assert stored(database)["valid_to"] == "2026-01-31T23:59:59Z"


def test_the_page_stamp_dates_the_notice_before_the_fetch_time(desk) -> None:  # type: ignore[no-untyped-def]
    rt, server, hook, database = desk
    # A notice stamped in December 2025 but read long after: its 31 December is 2025's.
    server.serve("/tap", page(SUSPENDED, "<p>Última atualização: 02/12/2025 10:00</p>"))
    read_at(rt, datetime(2026, 6, 1, 9, 0, tzinfo=UTC))
    assert stored(database)["valid_to"] == "2025-12-31T23:59:59Z"
    [summary] = hook.messages
    assert "Valid: until 2025-12-31T23:59:59Z" in summary["message"]
