"""`monitor demo`: the bundled SYNTHETIC timeline plays through the real pipeline, offline."""

from __future__ import annotations

import io
import os
from dataclasses import replace
from pathlib import Path

import pytest

from monitor.demo import Expected, Step, load_timeline, play, run_demo
from monitor.logs import log
from monitor.sources import SOURCES

# Each step's headline (its start) and the notification titles it must print, in story order.
STORY = [
    ("2025-11-20 12:00Z  The monitor starts", []),
    ("2025-11-21 17:43Z  FAA publishes KICZ A0012/25 (advisory, Maiquetía FIR)", [
        "-> desk: [WARNING] KICZ A0012/25: Security - United States of America Advisory"]),
    ("2025-11-22 11:00Z  Avianca's travel-alerts page", [
        "-> desk: [WARNING] AV § Vuelos desde y hacia Venezuela: AV: Suspension of flights to "
        "Caracas"]),
    ("2025-11-22 12:00Z  Bogotá El Dorado's departures board", [
        "-> desk: [WARNING] AV BOG-CCS suspension: AV suspended BOG-CCS (2 flight(s) cancelled)",
        "(Two cancellations and Avianca's own notice agree: one suspension alert"]),
    ("2025-11-22 18:30Z  Gol (in Portuguese", [
        "-> desk: [WARNING] G3 § Voos para Caracas: G3: Suspension of flights to Caracas",
        "-> desk: [WARNING] TP § Voos de e para Caracas: TP: Cancellation of flights to Caracas"]),
    ("2025-11-24 08:00Z  Iberia suspends Madrid - Caracas", [
        "-> desk: [WARNING] IB § Vuelos Madrid - Caracas: IB: Suspension of flights to Caracas"]),
    ("2025-12-01 12:00Z  Iberia edits the same notice", [
        "-> desk: [WARNING] IB § Vuelos Madrid - Caracas: updated: IB: Suspension of flights"]),
    ("2026-01-03 06:00Z  EASA issues CZIB 2026-01", [
        "-> desk: [WARNING] CZIB 142977: CZIB 2026-01: Venezuela"]),
    ("2026-01-06 09:00Z  EASA's CZIB export answers HTTP 503", [
        "-> ops: [WARNING] health easa-czib: source easa-czib is failing"]),
    ("2026-01-09 15:40Z  EASA is back", [
        "-> desk: [WARNING] CZIB 142977: updated: CZIB 2026-01-R1",
        "-> ops: [INFO] health easa-czib: source easa-czib recovered"]),
    ("2026-01-30 12:00Z  Morning in Bogotá", [
        "-> desk: [WARNING] AV BOG-CCS suspension: AV suspended BOG-CCS (2 flight(s) cancelled)"]),
    ("2026-01-30 20:00Z  Venezuelan airspace is to reopen", [
        "-> desk: [INFO] AV § Vuelos desde y hacia Venezuela: withdrawn: AV: Resumption of "
        "flights to",
        "-> desk: [INFO] AV72 2026-01-30: BOG-CCS 2026-01-30: scheduled (was cancelled)"]),
    ("2026-02-16 09:45Z  EASA withdraws CZIB 2026-01-R1", [
        "-> desk: [INFO] CZIB 142977: withdrawn"]),
    ("2026-02-20 00:00Z  FAA removes the Venezuela section", [
        "(No all-clear yet: an item is withdrawn only after two successful reads without it.)"]),
    ("2026-02-20 01:00Z  Next hourly poll", ["-> desk: [INFO] KICZ A0012/25: withdrawn"]),
]


@pytest.fixture(scope="module")
def story() -> str:
    """The whole bundled demo, played once for the tests that read its story."""
    out = io.StringIO()
    assert run_demo(out, step_delay=0) == 0
    return out.getvalue()


def test_the_demo_tells_the_whole_synthetic_story_and_exits_0(story: str) -> None:
    assert story.startswith("airspace-monitor demo: SYNTHETIC data")
    assert "SYNTHETIC demo data" in story.splitlines()[-2]
    steps = _steps_of(story, [headline for headline, _ in STORY])
    for (headline, lines), printed in zip(STORY, steps, strict=True):
        # Within a step, notifications may arrive in either order.
        missing = [line for line in lines if line not in printed]
        assert not missing, (headline, missing, printed)
    assert story.count("\n  -> ") == 16
    assert "The latam-desk Atom feed (`monitor feed latam-desk`) now lists 14 alert(s)." in story
    assert "Done: 15 step(s), 16 notification(s) delivered, all as expected." in story
    assert '"event"' not in story  # the pipeline's JSON log stays out of the story


def test_cancelled_flights_reach_the_desk_as_one_suspension_alert_not_one_per_flight(
        story: str) -> None:
    titles = [line.strip() for line in story.splitlines() if "-> desk: " in line]
    assert [t for t in titles if "AV BOG-CCS suspension" in t] == [
        "-> desk: [WARNING] AV BOG-CCS suspension: AV suspended BOG-CCS "
        "(2 flight(s) cancelled)"] * 2
    # No alert per cancelled flight, and none for an airline the desk does not watch (4C).
    assert not [t for t in titles if t.startswith(("-> desk: [WARNING] AV70",
                                                   "-> desk: [WARNING] AV72",
                                                   "-> desk: [WARNING] 4C"))]
    # The reinstated flight is an all-clear to the desk that heard of the suspension.
    assert [t for t in titles if t.startswith("-> desk: [INFO] AV72 ")] == [
        "-> desk: [INFO] AV72 2026-01-30: BOG-CCS 2026-01-30: scheduled (was cancelled)"]


def test_without_the_airline_and_flight_kinds_the_faa_and_easa_story_still_plays(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(SOURCES, "airline_page")
    monkeypatch.delitem(SOURCES, "eldorado")
    out = io.StringIO()

    assert run_demo(out, step_delay=0) == 0

    text = out.getvalue()
    assert "Done: 8 step(s), 7 notification(s) delivered, all as expected." in text
    assert "Avianca's travel-alerts page" not in text
    assert "suspension" not in text


def test_a_shortened_demo_plays_only_the_first_steps_and_restores_the_log() -> None:
    out = io.StringIO()

    assert run_demo(out, step_delay=0, steps=2) == 0

    text = out.getvalue()
    assert "[WARNING] KICZ A0012/25: " in text
    assert "CZIB 142977" not in text
    assert "Done: 2 step(s), 1 notification(s) delivered" in text
    assert log.stream is None and log.fmt == "json"


def test_a_notification_that_does_not_arrive_fails_the_demo() -> None:
    timeline = load_timeline()
    steps = list(timeline.steps[:2])
    steps[1] = replace(steps[1], expect=(Expected("desk", "[CRITICAL] KICZ A0012/25"),))
    out = io.StringIO()

    assert play(replace(timeline, steps=tuple(steps)), out, step_delay=0, delivery_wait=0.2) == 1

    text = out.getvalue()
    assert "!! expected on desk: [CRITICAL] KICZ A0012/25... (did not arrive)" in text
    assert "Done with problems" in text
    assert "SYNTHETIC demo data" in text


def test_steps_and_sources_needing_an_unregistered_kind_are_left_out() -> None:
    timeline = load_timeline()
    assert "airline-page-test" not in SOURCES
    airline = Step(at=timeline.steps[1].at, headline="Gol, Avianca and TAP cancel", serve={},
                   fail={}, polls=1, expect=(Expected("desk", "[WARNING] TP170"),),
                   requires=("airline-page-test",))
    source = {"name": "tap-avisos", "kind": "airline-page-test",
              "requires": ["airline-page-test"], "url": "route:faa-prn"}
    shortened = replace(timeline, steps=(*timeline.steps[:2], airline),
                        sources=(*timeline.sources, source))
    out = io.StringIO()

    assert play(shortened, out, step_delay=0) == 0

    assert "Gol, Avianca and TAP cancel" not in out.getvalue()


def test_the_demo_never_touches_the_database_named_in_the_environment(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = tmp_path / "real.db"
    monkeypatch.setenv("MONITOR_DATABASE", f"sqlite:///{real}")

    assert run_demo(io.StringIO(), step_delay=0, steps=2) == 0

    assert not real.exists()
    assert os.environ["MONITOR_DATABASE"] == f"sqlite:///{real}"


def test_the_bundled_timeline_uses_known_routes_kinds_and_channels() -> None:
    timeline = load_timeline()  # checks routes and body files of every step
    for source in timeline.sources:
        assert source["kind"] in SOURCES or source.get("requires"), source["name"]
    assert [w["name"] for w in timeline.watchlists] == ["latam-desk"]
    for step in timeline.steps:
        assert step.at.tzinfo is not None
        # pyproject's package data ships demo_data/*/*: bodies sit one folder deep.
        assert all(body.count("/") == 1 for body in step.serve.values()), step.headline
        assert all(e.channel in ("desk", "ops") for e in step.expect), step.headline
    assert [s.at for s in timeline.steps] == sorted(s.at for s in timeline.steps)


def _steps_of(text: str, headlines: list[str]) -> list[str]:
    """The printed text of each step, found by its headline, in order."""
    starts: list[int] = []
    for headline in headlines:
        at = text.find(headline, starts[-1] + 1 if starts else 0)
        assert at != -1, f"step not printed (or out of order): {headline}"
        starts.append(at)
    return [text[a:b] for a, b in zip(starts, [*starts[1:], len(text)], strict=True)]
