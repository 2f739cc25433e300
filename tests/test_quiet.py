"""Quiet hours."""

from __future__ import annotations

from datetime import UTC, datetime, time

from alerts.quiet import release_time

WINDOW = (time(22, 0), time(7, 0))


def test_outside_the_window_nothing_is_held() -> None:
    # 15:00 in Bogotá (UTC-5) is 20:00Z.
    assert release_time(datetime(2025, 11, 22, 20, 0, tzinfo=UTC), WINDOW,
                        "America/Bogota") is None


def test_late_evening_is_held_until_the_next_morning_local_time() -> None:
    # 23:30 in Bogotá = 04:30Z next day; release at 07:00 Bogotá = 12:00Z.
    now = datetime(2025, 11, 23, 4, 30, tzinfo=UTC)
    assert release_time(now, WINDOW, "America/Bogota") == datetime(2025, 11, 23, 12, 0,
                                                                    tzinfo=UTC)


def test_early_morning_is_held_until_the_same_morning() -> None:
    now = datetime(2025, 11, 23, 8, 0, tzinfo=UTC)  # 03:00 in Bogotá
    assert release_time(now, WINDOW, "America/Bogota") == datetime(2025, 11, 23, 12, 0,
                                                                    tzinfo=UTC)


def test_a_daytime_window_and_dst() -> None:
    lunch = (time(12, 0), time(13, 0))
    now = datetime(2026, 3, 29, 10, 30, tzinfo=UTC)  # 12:30 in Madrid, first day of CEST
    assert release_time(now, lunch, "Europe/Madrid") == datetime(2026, 3, 29, 11, 0, tzinfo=UTC)
