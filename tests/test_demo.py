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


def test_the_demo_tells_the_whole_synthetic_story_and_exits_0() -> None:
    out = io.StringIO()

    assert run_demo(out, step_delay=0) == 0

    text = out.getvalue()
    assert text.startswith("airspace-monitor demo: SYNTHETIC data")
    assert "SYNTHETIC demo data" in text.splitlines()[-2]
    story = [
        "2025-11-21 17:43Z  FAA publishes KICZ A0012/25 (advisory, Maiquetía FIR)",
        "-> desk: [WARNING] KICZ A0012/25: Security - United States of America Advisory",
        "-> desk: [WARNING] CZIB 142977: CZIB 2026-01: Venezuela",
        "-> ops: [WARNING] health easa-czib: source easa-czib is failing",
        "-> desk: [WARNING] CZIB 142977: updated: CZIB 2026-01-R1",
        "-> ops: [INFO] health easa-czib: source easa-czib recovered",
        "-> desk: [INFO] CZIB 142977: withdrawn",
        "(No all-clear yet: an item is withdrawn only after two successful reads without it.)",
        "-> desk: [INFO] KICZ A0012/25: withdrawn",
        "The latam-desk Atom feed (`monitor feed latam-desk`) now lists 5 alert(s).",
        "Done: 8 step(s), 7 notification(s) delivered, all as expected.",
    ]
    positions = [text.find(line) for line in story]
    assert -1 not in positions, [line for line, at in zip(story, positions, strict=True)
                                 if at == -1]
    # The CZIB revision and the recovery arrive in the same step, in either order.
    assert positions[:3] == sorted(positions[:3]) and positions[6:] == sorted(positions[6:])
    assert '"event"' not in text  # the pipeline's JSON log stays out of the story


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
        assert all(e.channel in ("desk", "ops") for e in step.expect), step.headline
    assert [s.at for s in timeline.steps] == sorted(s.at for s in timeline.steps)
