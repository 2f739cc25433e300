"""Reaching out on demand: a test notification per channel, a live recording of a source."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from monitor.config import Config
from monitor.errors import MonitorError, UsageError
from monitor.opening import close_runtime, open_runtime
from monitor.types import iso


def notify_test(config: Config, channel: str | None) -> list[tuple[str, bool, str]]:
    """Send a test message to one channel (or all enabled ones) right now, through the outbox."""
    from monitor.outbox import sweep
    from monitor.records import NewAlert
    from monitor.types import Severity

    if channel and channel not in config.channels:
        raise UsageError(f"unknown channel '{channel}' "
                           f"(configured: {', '.join(config.channels) or 'none'})")
    names = [channel] if channel else list(config.channels)
    enabled = [n for n in names if config.channels[n].enabled]
    if not enabled:
        raise MonitorError("no channel with a url to test (set the channel's url, e.g. through "
                           "its ${VAR} in the environment)")
    rt = open_runtime(config, announce=False)
    try:
        now = rt.clock()
        alert = NewAlert(
            category="test", source="monitor", change="test", severity=Severity.INFO,
            title="[INFO] test notification from the airspace monitor",
            data={"message": "If you can read this, the channel works.",
                  "sent_at": iso(now)}, channels=enabled)
        ids = rt.store.add_alerts([alert], now)
        sweep(rt)
        rows = rt.store.recent_alerts(now - timedelta(seconds=1))
        states = next((a.deliveries for a in rows if a.id == ids[0]), {})
        return [(n, states.get(n) == "sent", states.get(n, "unknown")) for n in enabled]
    finally:
        close_runtime(rt)


def record(config: Config, name: str, out: Path, now: datetime | None = None) -> list[Path]:
    """Fetch one source live and save the raw bodies, for building fixtures."""
    from monitor.http import HttpClient
    from monitor.runtime import build_sources
    from monitor.sources.base import Validators

    if name not in config.sources:
        raise UsageError(f"unknown source '{name}' "
                           f"(configured: {', '.join(config.sources) or 'none'})")
    cfg = config.sources[name]
    sources, disabled = build_sources(config)
    if name in disabled:
        raise MonitorError(f"source {name} is disabled: {disabled[name]}")
    from monitor.sources import source_class

    source = sources.get(name) or source_class(cfg.kind)(cfg.name, cfg.url, cfg.options)
    now = now or datetime.now(UTC)
    stamp = now.strftime("%Y-%m-%dT%H%M%SZ")
    out.mkdir(parents=True, exist_ok=True)
    settings = config.monitor
    with HttpClient(user_agent=settings.user_agent, timeout=settings.timeout.total_seconds(),
                    max_body=settings.max_body) as http:
        fetched = source.fetch(http, Validators(), now=now)
    written = []
    for i, page in enumerate(fetched.pages):
        path = out / f"{name}_{stamp}_{i:02d}{_suffix(page)}"
        path.write_bytes(page)
        written.append(path)
    for label, body in fetched.extra.items():
        path = out / f"{name}_{stamp}_{label}{_suffix(body)}"
        path.write_bytes(body)
        written.append(path)
    meta = out / f"{name}_{stamp}.meta.json"
    meta.write_text(json.dumps({"source": name, "kind": cfg.kind, "url": fetched.url,
                                "fetched_at": iso(now),
                                "files": [p.name for p in written]}, indent=2) + "\n")
    return [*written, meta]


def _suffix(body: bytes) -> str:
    head = body.lstrip()[:1]
    if head in (b"{", b"["):
        return ".json"
    if body.lstrip()[:5].lower() == b"<?xml" or b"<rss" in body[:500]:
        return ".xml"
    if head == b"<":
        return ".html"
    return ".txt"
