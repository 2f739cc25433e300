"""What the desk receives: digests, quiet hours, one alert per hazard, honest all-clears."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from monitor import service
from monitor.outbox import sweep
from monitor.pipeline import run_source
from monitor.runtime import Runtime
from tests.conftest import fixture_bytes
from tests.servers import FixtureServer, Webhook

VENEZUELA = re.compile(rb'(<h2 class="more"><a class="ck-anchor" id="venezuela"></a>Venezuela'
                       rb"</h2><ul>).*?(</ul>)", re.S)
ADVISORY = ("KICZ NOTAM A{n:04d}/25 Security - Advisory for Potentially Hazardous Situation in "
            "the Maiquetia Flight Information Region (SVZM)")
PROHIBITION = ("KICZ NOTAM A{n:04d}/25 Security - Prohibition Against Certain Flights in the "
               "Maiquetia Flight Information Region (SVZM)")


def page(*titles: str) -> bytes:
    items = "".join(f'<li><a href="/k/{i}.pdf">{t}</a></li>' for i, t in enumerate(titles))
    body = fixture_bytes("faa_prn", "venezuela_added.html")
    return VENEZUELA.sub(lambda m: m.group(1) + items.encode() + m.group(2), body, count=1)


def runtime(tmp_path: Path, server: FixtureServer, webhook: Webhook, watchlists: str,
            sources: tuple[str, ...] = ("faa-prn",)) -> tuple[Runtime, dict[str, datetime]]:
    source_tables = "".join(f"""
[[sources]]
name = "{name}"
kind = "faa_prn"
url = "{server.url('/' + name)}"
""" for name in sources)
    path = tmp_path / "config.toml"
    path.write_text(f"""
[monitor]
database = "sqlite:///{tmp_path / 'm.db'}"
withdraw_after = 1

[[channels]]
name = "desk"
url = "{webhook.apprise_url('desk')}"

[[channels]]
name = "other"
url = "{webhook.apprise_url('other')}"
{source_tables}
{watchlists}
""")
    for name in sources:
        server.serve("/" + name, fixture_bytes("faa_prn", "baseline.html"))
    rt = service.open_runtime(service.load(path), announce=False)
    clock = {"now": datetime(2025, 11, 21, 15, 0, tzinfo=UTC)}
    rt.clock = lambda: clock["now"]
    for name in sources:
        run_source(rt, name)  # baselines (no summary: the baseline page has no SVZM item)
    return rt, clock


WATCH = """
[[watchlists]]
name = "latam-desk"
firs = ["SVZM"]
channels = ["desk"]
"""


def test_several_alerts_of_one_run_come_as_one_digest(tmp_path, server, webhook) -> None:  # type: ignore[no-untyped-def]
    rt, _ = runtime(tmp_path, server, webhook, WATCH)
    try:
        server.serve("/faa-prn", page(ADVISORY.format(n=12), PROHIBITION.format(n=13),
                                      ADVISORY.format(n=14)))
        run_source(rt, "faa-prn")
        assert sweep(rt).sent == 3
        [digest] = webhook.wait_for(1)
        assert digest["title"] == "[CRITICAL] 3 changes for latam-desk"
        assert digest["type"] == "failure"
        for key in ("A0012/25", "A0013/25", "A0014/25"):
            assert key in digest["message"]
    finally:
        service.close_runtime(rt)


def test_quiet_hours_hold_non_critical_alerts_until_the_window_ends(
        tmp_path, server, webhook) -> None:  # type: ignore[no-untyped-def]
    rt, clock = runtime(tmp_path, server, webhook, WATCH + """quiet_hours = "22:00-07:00"
timezone = "America/Caracas"
""")
    try:
        clock["now"] = datetime(2025, 11, 22, 3, 0, tzinfo=UTC)  # 23:00 in Caracas
        server.serve("/faa-prn", page(ADVISORY.format(n=12)))
        run_source(rt, "faa-prn")
        assert sweep(rt).sent == 0                                 # held
        clock["now"] += timedelta(hours=1)
        server.serve("/faa-prn", page(ADVISORY.format(n=12), ADVISORY.format(n=14),
                                      PROHIBITION.format(n=13)))
        run_source(rt, "faa-prn")
        assert sweep(rt).sent == 1                                 # critical goes at once
        [critical] = webhook.wait_for(1)
        assert critical["title"].startswith("[CRITICAL] KICZ A0013/25")
        clock["now"] = datetime(2025, 11, 22, 11, 0, tzinfo=UTC)   # 07:00 in Caracas
        assert sweep(rt).sent == 2                                 # released together
        released = webhook.wait_for(2)[1]
        assert released["title"] == "[WARNING] 2 changes for latam-desk"
    finally:
        service.close_runtime(rt)


def test_the_same_hazard_from_two_sources_is_one_alert_citing_both(
        tmp_path, server, webhook) -> None:  # type: ignore[no-untyped-def]
    rt, _ = runtime(tmp_path, server, webhook, WATCH, sources=("faa-prn", "faa-prn-mirror"))
    try:
        for name in ("faa-prn", "faa-prn-mirror"):
            server.serve("/" + name, page(ADVISORY.format(n=12)))
            run_source(rt, name)
        assert sweep(rt).sent == 1
        [alert] = webhook.wait_for(1)
        assert "faa-prn, faa-prn-mirror" in alert["message"]
        # The first source drops it, the second still lists it: no all-clear yet.
        server.serve("/faa-prn", page(ADVISORY.format(n=99)))
        run_source(rt, "faa-prn")
        sweep(rt)
        assert [m for m in webhook.messages if "withdrawn" in m["title"]] == []
    finally:
        service.close_runtime(rt)


def test_an_all_clear_goes_only_to_watchlists_that_were_told(tmp_path, server, webhook) -> None:  # type: ignore[no-untyped-def]
    rt, _ = runtime(tmp_path, server, webhook, WATCH + """
[[watchlists]]
name = "critical-only"
firs = ["SVZM"]
min_severity = "critical"
channels = ["other"]
""")
    try:
        server.serve("/faa-prn", page(ADVISORY.format(n=12)))
        run_source(rt, "faa-prn")
        sweep(rt)
        server.serve("/faa-prn", fixture_bytes("faa_prn", "baseline.html"))
        run_source(rt, "faa-prn")
        sweep(rt)
        messages = webhook.wait_for(2)
        assert [(m["path"], m["title"][:26]) for m in messages] == [
            ("/desk", "[WARNING] KICZ A0012/25: S"), ("/desk", "[INFO] KICZ A0012/25: with")]
    finally:
        service.close_runtime(rt)
