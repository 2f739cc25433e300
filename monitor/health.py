"""Source health (pure): ok, failing, stale or never, and when to raise or repeat an alert."""

from __future__ import annotations

from datetime import datetime, timedelta

from monitor.records import StateView


def health_of(state: StateView | None, *, now: datetime, stale_after: timedelta) -> str:
    if state is None or (state.last_success_at is None and state.consecutive_failures == 0):
        return "never"
    if state.consecutive_failures > 0:
        return "failing"
    if state.last_success_at is not None and now - state.last_success_at > stale_after:
        return "stale"
    return "ok"


def health_alert_due(*, failures: int, threshold: int, alerted_at: datetime | None,
                     now: datetime, repeat: timedelta) -> bool:
    """Once at the threshold, then at most every `repeat` while it stays broken."""
    if failures < threshold:
        return False
    return alerted_at is None or now - alerted_at >= repeat
