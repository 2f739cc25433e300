"""Composition: turns a config file into a running monitor. The CLI and the board ask it
everything; the read-only answers, feeds, probes and `monitor parse` live in their own
modules and are reached through here."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from monitor.config import Config, load_config
from monitor.errors import UsageError
from monitor.feeds import feed, write_feeds
from monitor.logs import log
from monitor.opening import close_runtime, open_runtime, open_store
from monitor.parse_command import parse_file, print_parsed
from monitor.probes import notify_test, record
from monitor.queries import (
    SourceStatus,
    WatchlistStatus,
    alerts,
    route,
    route_firs,
    status,
    watchlist_items,
)
from monitor.trip_risks import trips

__all__ = [
    "SourceStatus", "WatchlistStatus", "alerts", "close_runtime", "feed", "load", "notify_test",
    "once", "open_runtime", "open_store", "parse_file", "print_parsed", "prune", "record",
    "route", "route_firs", "serve", "status", "trips", "watchlist_items", "write_feeds",
]


ONCE_WORKERS = 8


def load(path: str | Path) -> Config:
    """Load the config and teach the logger its secrets and format."""
    config = load_config(path)
    log.add_secrets(config.secrets)
    log.configure(fmt=config.monitor.log_format)
    return config


def once(config: Config, names: list[str]) -> int:
    """Run the named (default: all enabled) sources once, deliver what is due. Exit code."""
    from monitor.records import RunStatus

    unknown = [n for n in names if n not in config.sources]
    if unknown:
        raise UsageError(f"unknown source(s): {', '.join(unknown)} "
                           f"(configured: {', '.join(config.sources) or 'none'})")
    selected = names or [s.name for s in config.enabled_sources()]
    # A large batch's process pool starts before the store and runs' modules load.
    rt = open_runtime(config, batch=selected)
    try:
        from monitor.outbox import sweep
        from monitor.pipeline import run_many

        runnable = []
        for name in selected:
            if name in rt.sources:
                runnable.append(name)
            else:
                log.warning("source.skipped", source=name, reason="disabled")
        outcomes = run_many(rt, runnable, workers=ONCE_WORKERS)
        failed = sum(o.status == RunStatus.FAILED for o in outcomes)
        sweep(rt)
        write_feeds(config)
        return 1 if failed else 0
    finally:
        close_runtime(rt)


def serve(config: Config, stop: threading.Event | None = None) -> None:
    """`monitor run`: the scheduler in the foreground until a signal (or `stop`)."""
    from monitor.outbox import sweep
    from monitor.pipeline import check_stale, run_source
    from monitor.scheduler import run_forever

    rt = open_runtime(config)

    def run_job(name: str) -> None:
        try:
            outcome = run_source(rt, name, respect_backoff=True)
            if outcome.alerts:  # deliver at once; retries are the sweeper job's
                sweep(rt)
                write_feeds(config)
        except Exception as exc:  # the store itself failed: log, keep the scheduler alive
            log.error("job.failed", source=name, error=log.redact(f"{type(exc).__name__}: {exc}"))

    def sweep_job() -> None:
        try:
            check_stale(rt)
            sweep(rt)
        except Exception as exc:
            log.error("sweep.failed", error=log.redact(f"{type(exc).__name__}: {exc}"))

    def maintain_job() -> None:
        try:
            prune(config, store=rt.store)
        except Exception as exc:
            log.error("prune.failed", error=log.redact(f"{type(exc).__name__}: {exc}"))

    jobs = {name: (config.sources[name].every, config.sources[name].jitter)
            for name in rt.sources}
    try:
        run_forever(jobs=jobs, run_job=run_job, sweep=sweep_job, maintain=maintain_job,
                    stop=stop)
    finally:
        close_runtime(rt)


def prune(config: Config, *, store: Any = None, vacuum: bool = False,
          now: datetime | None = None) -> dict[str, int]:
    """Apply `retention`: old runs, finished deliveries, raw bodies and closed items go."""
    now = now or datetime.now(UTC)
    own = store is None
    store = store or open_store(config)
    try:
        counts = store.prune(now - config.monitor.retention)
        if vacuum:
            store.vacuum()
    finally:
        if own:
            store.close()
    log.info("prune", retention_days=config.monitor.retention.days, vacuum=vacuum, **counts)
    return counts
