"""Opening what the commands need from a config: the store (migrated first), the runtime."""

from __future__ import annotations

from typing import Any

from monitor.config import Config
from monitor.logs import log


def open_store(config: Config, *, migrate: bool = True) -> Any:
    from monitor import db
    from monitor.store import Store

    url = config.database_url
    if migrate:
        db.ensure_current(url)
    return Store(url)


def open_runtime(config: Config, *, migrate: bool = True, announce: bool = True) -> Any:
    from monitor.http import HttpClient
    from monitor.runtime import Runtime, build_sources, build_watches

    store = open_store(config, migrate=migrate)
    http = HttpClient.for_settings(config.monitor)
    sources, disabled = build_sources(config)
    remembering = {name: s.remembers for name, s in sources.items() if s.remembers}
    for name, kept in store.kept_parts(remembering).items():
        sources[name].restore(kept)
    if announce:
        for name, reason in disabled.items():
            log.warning("source.disabled", source=name, reason=reason)
        for name in config.disabled_channels():
            log.warning("channel.disabled", channel=name,
                        reason="empty url; alerts are stored and logged but not sent")
    return Runtime(config=config, store=store, http=http, sources=sources,
                   watches=build_watches(config))


def close_runtime(rt: Any) -> None:
    rt.http.close()
    rt.store.close()
