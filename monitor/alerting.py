"""Alerts that are not decided from a batch's changes: source health, and their log lines.

Item alerts, summaries, suspensions and bookings are decided for a whole batch in
`monitor.decide`.
"""

from __future__ import annotations

from collections.abc import Iterable

from monitor.logs import log
from monitor.records import AlertCategory, NewAlert
from monitor.runtime import Runtime
from monitor.types import Severity


def health_alert(rt: Runtime, source: str, state: str, severity: Severity, message: str,
                  *, all_clear: bool = False, **data: object) -> NewAlert:
    return NewAlert(
        category=AlertCategory.HEALTH, source=source, change=state, severity=severity,
        title=f"[{severity.name}] health {source}: {message.split(':')[0]}"[:200],
        data={"message": message, "source": source, "state": state, **data},
        channels=rt.channels_for(rt.config.monitor.ops_channels),
        item_key=f"health {source}", all_clear=all_clear)


def log_alerts(alerts: Iterable[NewAlert]) -> None:
    for a in alerts:
        if a.merge_into is not None:
            continue
        log.info("alert", source=a.source, watchlist=a.watchlist, key=a.item_key,
                 category=a.category, change=a.change, severity=a.severity.label,
                 title=a.title, channels=list(a.channels))
