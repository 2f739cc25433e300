"""The outbox sweeper: claim due deliveries, render, send through Apprise, mark them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from monitor.logs import log
from monitor.records import Claimed
from monitor.runtime import Runtime

DELIVERY_LEASE = timedelta(minutes=5)
RETRY_BASE = timedelta(seconds=30)
RETRY_CAP = timedelta(hours=1)



@dataclass(frozen=True)
class SweepOutcome:
    sent: int = 0
    failed: int = 0
    retrying: int = 0


def sweep(rt: Runtime, *, limit: int = 200) -> SweepOutcome:
    """Send due deliveries: one Apprise call per message and channel, marked right after."""
    now = rt.clock()
    released = rt.store.release_expired(now)
    if released:
        log.warning("delivery.released", count=released,
                    reason="lease expired while sending (a previous process stopped)")
    claimed = rt.store.claim_due(now, owner=rt.owner, lease=DELIVERY_LEASE, limit=limit)
    sent = failed = retrying = 0
    for channel, batch in _messages(rt, claimed):
        ok, error = _deliver(rt, channel, batch)
        ids = [c.id for c in batch]
        done = rt.clock()
        if ok:
            rt.store.mark_sent(ids, done, rt.owner)
            sent += len(ids)
            for c in batch:
                log.info("delivery", channel=channel, alert_id=c.alert_id, status="sent",
                         attempt=c.attempts + 1, batched=len(batch))
            continue
        attempts = max(c.attempts for c in batch) + 1
        give_up = attempts >= rt.config.monitor.delivery_attempts or error == _NO_CHANNEL
        retry_at = None if give_up else done + min(RETRY_BASE * (2 ** (attempts - 1)),
                                                    RETRY_CAP)
        rt.store.mark_failed(ids, done, rt.owner, error=error, retry_at=retry_at)
        for c in batch:
            log.log("delivery", "error" if give_up else "warning", channel=channel,
                    alert_id=c.alert_id, status="failed" if give_up else "retry",
                    attempt=attempts, error=error,
                    next_attempt=retry_at.isoformat() if retry_at else None)
        if give_up:
            failed += len(ids)
        else:
            retrying += len(ids)
    return SweepOutcome(sent, failed, retrying)


_NO_CHANNEL = "channel is no longer configured or has no url"


def _messages(rt: Runtime, claimed: list[Claimed]) -> list[tuple[str, list[Claimed]]]:
    """Group item alerts of one run, watchlist and channel into one digest when asked."""
    groups: dict[tuple[object, ...], list[Claimed]] = {}
    for c in claimed:
        wl = rt.config.watchlists.get(c.watchlist or "")
        if c.category == "item" and c.data.get("held_until"):
            # Released together at the end of quiet hours: one digest per channel.
            key: tuple[object, ...] = ("held", c.channel, c.watchlist, c.data["held_until"])
        elif c.category == "item" and c.run_id is not None and wl is not None and wl.digest:
            key = ("digest", c.channel, c.run_id, c.watchlist)
        else:
            key = ("single", c.id)
        groups.setdefault(key, []).append(c)
    return [(batch[0].channel, batch) for batch in groups.values()]


def _deliver(rt: Runtime, channel_name: str, batch: list[Claimed]) -> tuple[bool, str]:
    channel = rt.config.channels.get(channel_name)
    if channel is None or not channel.enabled:
        return False, _NO_CHANNEL
    # Rendering loads with the first delivery: an unchanged cycle sends nothing.
    from alerts.render import AlertView, notify_type, render, render_digest

    views = [AlertView(c.category, c.change, c.severity, c.title, c.watchlist, c.source,
                       c.data, c.all_clear) for c in batch]
    if len(views) == 1:
        title, body = render(views[0], channel.format)
        kind = notify_type(views[0])
    else:
        title, body = render_digest(views, batch[0].watchlist or "", channel.format)
        top = max(v.severity for v in views)
        kind = ("success" if all(v.all_clear for v in views)
                else notify_type(AlertView("item", "", top, title, None, "", {})))
    result = rt.send(channel.url, title=title, body=body, body_format=channel.format,
                     notify_type=kind, timeout=rt.config.monitor.timeout.total_seconds())
    ok = bool(getattr(result, "ok", False))
    return ok, "" if ok else log.redact(str(getattr(result, "error", "") or "delivery failed"))
