"""Opening what the commands need from a config: the store (migrated first), the runtime."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any, cast

from monitor.config import Config, MonitorSettings
from monitor.logs import log
from monitor.sources.base import Response


def open_store(config: Config, *, migrate: bool = True) -> Any:
    from monitor import db
    from monitor.store import Store

    url = config.database_url
    if migrate:
        db.ensure_current(url)
    return Store(url)


class SharedClient:
    """The process's HTTP client, built at its first request: a batch that a process pool
    fetches needs none here (nor httpx's import and CA bundle)."""

    def __init__(self, settings: MonitorSettings) -> None:
        self._settings = settings
        self._client: Any = None
        self._lock = threading.Lock()

    def _built(self) -> Any:
        with self._lock:
            if self._client is None:
                from monitor.http import HttpClient

                self._client = HttpClient.for_settings(self._settings)
            return self._client

    def get(self, url: str, **options: Any) -> Response:
        return cast(Response, self._built().get(url, **options))

    def post(self, url: str, **options: Any) -> Response:
        return cast(Response, self._built().post(url, **options))

    def close(self) -> None:
        if self._client is not None:
            self._client.close()


def open_runtime(config: Config, *, migrate: bool = True, announce: bool = True,
                 batch: Sequence[str] = ()) -> Any:
    """The runtime of a config. `batch`: the sources a `monitor once` is about to run; when
    they are many, their process pool starts first, and readies itself while this process
    loads the store and its modules."""
    from monitor.attempts import FetchPool, process_count

    pool = FetchPool.start(config, batch) if process_count(len(batch)) > 1 else None
    try:
        return _runtime(config, migrate=migrate, announce=announce, pool=pool)
    except BaseException:
        if pool is not None:
            pool.close()
        raise


def _runtime(config: Config, *, migrate: bool, announce: bool, pool: Any) -> Any:
    from monitor.runtime import Runtime, build_sources

    store = open_store(config, migrate=migrate)
    http = SharedClient(config.monitor)
    sources, disabled = build_sources(config)
    remembering = {name: s.remembers for name, s in sources.items() if s.remembers}
    kept = store.kept_parts(remembering)
    for name, parts in kept.items():
        sources[name].restore(parts)
    if announce:
        for name, reason in disabled.items():
            log.warning("source.disabled", source=name, reason=reason)
        for name in config.disabled_channels():
            log.warning("channel.disabled", channel=name,
                        reason="empty url; alerts are stored and logged but not sent")
    return Runtime(config=config, store=store, http=http, sources=sources, pool=pool,
                   kept=kept)


def close_runtime(rt: Any) -> None:
    if rt.pool is not None:
        rt.pool.close()
    rt.http.close()
    rt.store.close()
