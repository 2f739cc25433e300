"""Quiet hours (pure): when a held, non-critical alert may go out."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from monitor.durations import in_clock_window


def release_time(now: datetime, window: tuple[time, time], timezone: str) -> datetime | None:
    """The end of the quiet window `now` falls in (as an aware UTC datetime), else None.

    The window is local wall-clock time in `timezone` and may wrap past midnight
    (`22:00-07:00`); the end is computed on the local calendar, so DST changes are honoured.
    """
    zone = ZoneInfo(timezone)
    local = now.astimezone(zone)
    if not in_clock_window(local.time(), window):
        return None
    start, end = window
    end_day = local.date()
    if start > end and local.time() >= start:
        end_day += timedelta(days=1)  # 23:30 in a 22:00-07:00 window ends tomorrow
    release = datetime.combine(end_day, end, tzinfo=zone)
    return release.astimezone(now.tzinfo)
