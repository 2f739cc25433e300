"""Source health: backoff of failing sources, stale sources, health-alert repetition."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from monitor import service
from monitor.outbox import sweep
from monitor.pipeline import backoff_delay, check_stale, run_source
from tests.conftest import fixture_bytes
from tests.servers import FixtureServer, Webhook

PRN = "/prn"
T0 = datetime(2025, 11, 21, 18, 0, tzinfo=UTC)


def test_backoff_doubles_per_failure_up_to_a_cap_and_honours_retry_after() -> None:
    hour = timedelta(hours=1)
    delays = [backoff_delay(n, hour, None) for n in (1, 2, 3, 4, 10)]
    assert delays[0] < delays[1] < delays[2] < delays[3]
    assert delays[0] >= hour - timedelta(seconds=30)
    assert delays[-1] <= timedelta(hours=6)
    assert backoff_delay(1, hour, 12 * 3600) >= timedelta(hours=11)


@pytest.fixture
def runtime(tmp_path: Path, server: FixtureServer, webhook: Webhook):  # type: ignore[no-untyped-def]
    server.serve(PRN, fixture_bytes("faa_prn", "baseline.html"))
    path = tmp_path / "config.toml"
    path.write_text(f"""
[monitor]
database = "sqlite:///{tmp_path / 'm.db'}"
ops_channels = ["ops"]
alert_after_failures = 2
stale_after = "3x"
health_repeat = "6h"
fetch_retries = 0

[[channels]]
name = "ops"
url = "{webhook.apprise_url('ops')}"

[[sources]]
name = "faa-prn"
kind = "faa_prn"
url = "{server.url(PRN)}"
every = "1h"
""")
    rt = service.open_runtime(service.load(path), announce=False)
    clock = {"now": T0}
    rt.clock = lambda: clock["now"]
    yield rt, clock, server, webhook
    service.close_runtime(rt)


def test_a_failing_source_rests_before_the_scheduler_tries_again(runtime) -> None:  # type: ignore[no-untyped-def]
    rt, clock, server, _ = runtime
    server.serve(PRN, "down", status=500, content_type="text/plain")
    assert run_source(rt, "faa-prn", respect_backoff=True).status == "failed"
    assert run_source(rt, "faa-prn", respect_backoff=True).status == "backoff"
    assert run_source(rt, "faa-prn").status == "failed"     # `monitor once` always runs it
    # Two failures: the next try waits two intervals, then four.
    clock["now"] = T0 + timedelta(minutes=119)
    assert run_source(rt, "faa-prn", respect_backoff=True).status == "backoff"
    clock["now"] = T0 + timedelta(minutes=120)
    assert run_source(rt, "faa-prn", respect_backoff=True).status == "failed"
    clock["now"] = T0 + timedelta(minutes=120 + 239)
    assert run_source(rt, "faa-prn", respect_backoff=True).status == "backoff"
    server.serve(PRN, fixture_bytes("faa_prn", "baseline.html"))
    clock["now"] = T0 + timedelta(days=1)
    assert run_source(rt, "faa-prn", respect_backoff=True).status == "ok"
    # Back to its interval: due again one hour on (less a little slack), not before.
    due = clock["now"] + timedelta(minutes=59, seconds=30)
    assert rt.store.state("faa-prn").next_due_at == due
    clock["now"] = due - timedelta(seconds=1)
    assert run_source(rt, "faa-prn", respect_backoff=True).status == "not_due"
    clock["now"] = due
    assert run_source(rt, "faa-prn", respect_backoff=True).status == "ok"


def test_a_stale_source_raises_one_health_alert_per_repeat(runtime) -> None:  # type: ignore[no-untyped-def]
    rt, clock, _, hook = runtime
    assert run_source(rt, "faa-prn").status == "ok"
    clock["now"] = T0 + timedelta(hours=2)
    assert check_stale(rt) == 0
    clock["now"] = T0 + timedelta(hours=3, minutes=1)
    assert check_stale(rt) == 1
    assert check_stale(rt) == 0
    sweep(rt)
    [message] = hook.wait_for(1)
    assert message["title"].startswith("[WARNING] health faa-prn: source faa-prn is stale")
    clock["now"] = T0 + timedelta(hours=9, minutes=2)
    assert check_stale(rt) == 1  # health_repeat passed and it is still stale
    status = service.status(rt.config, now=clock["now"])
    assert status["sources"][0]["health"] == "stale"


def test_a_long_outage_repeats_the_health_alert_at_most_every_health_repeat(runtime) -> None:  # type: ignore[no-untyped-def]
    rt, clock, server, hook = runtime
    server.serve(PRN, "down", status=503, content_type="text/plain")
    for minutes in (0, 60, 120, 180, 240):
        clock["now"] = T0 + timedelta(minutes=minutes)
        run_source(rt, "faa-prn")
    clock["now"] = T0 + timedelta(hours=7)
    run_source(rt, "faa-prn")
    sweep(rt)
    messages = hook.wait_for(2)
    assert [m["title"].split(":")[0] for m in messages] == ["[WARNING] health faa-prn"] * 2
    assert "HTTP 503" in messages[0]["message"]


def test_a_health_alert_names_the_kind_of_failure(runtime) -> None:  # type: ignore[no-untyped-def]
    rt, clock, server, hook = runtime
    for minutes, (body, status, kind) in enumerate([
            ("<html>Please solve this CAPTCHA</html>", 403, "blocked"),
            ("down", 503, "HTTP error"),
            ("<html><body><p>maintenance</p></body></html>", 200, "layout changed")]):
        server.serve(PRN, body, status=status, content_type="text/html")
        hook.clear()
        for attempt in range(3):  # alert_after_failures, from a fresh source each time
            clock["now"] = T0 + timedelta(days=minutes, minutes=attempt)
            run_source(rt, "faa-prn")
        sweep(rt)
        [message] = hook.wait_for(1)
        assert f"is failing ({kind})" in message["message"], message["message"]
        server.serve(PRN, fixture_bytes("faa_prn", "baseline.html"))
        clock["now"] += timedelta(minutes=5)
        run_source(rt, "faa-prn")  # recovered: the next outage alerts afresh
        sweep(rt)
