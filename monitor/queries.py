"""The read-only answers: status of sources and watchlists, recent alerts, a route's hazards."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from monitor.config import Config
from monitor.errors import UsageError
from monitor.logs import log
from monitor.opening import open_store

if TYPE_CHECKING:
    from alerts.match import Watch


@dataclass(frozen=True)
class SourceStatus:
    name: str
    kind: str
    enabled: bool
    health: str
    last_success: str | None
    consecutive_failures: int
    active_items: int
    last_error: str | None


@dataclass(frozen=True)
class WatchlistStatus:
    name: str
    active_items: int
    highest_severity: str | None
    keys: list[str]


def status(config: Config, now: datetime | None = None, *,
           watches: Mapping[str, Watch] | None = None) -> dict[str, Any]:
    """`monitor status`. `watches`: the config's, when the caller has built them already."""
    from alerts.match import match
    from monitor.runtime import build_watches

    now = now or datetime.now(UTC)
    store = open_store(config)
    try:
        active = store.active_items()
        sources = _source_statuses(config, store, now)
        watchlists = []
        for name, watch in (watches or build_watches(config)).items():
            hits = [s.item for s in active if match(watch, s.item)]
            top = max((i.severity for i in hits), default=None)
            watchlists.append(WatchlistStatus(name, len(hits), top.label if top is not None
                                              else None, sorted({i.key for i in hits})))
        return {"sources": [s.__dict__ for s in sources],
                "watchlists": [w.__dict__ for w in watchlists],
                "unreliable_sources": _unreliable(sources),
                "deliveries": store.delivery_counts()}
    finally:
        store.close()


def _source_statuses(config: Config, store: Any, now: datetime) -> list[SourceStatus]:
    from monitor.health import health_of
    from monitor.runtime import build_sources

    states = store.states()
    counts = store.active_counts()
    _, disabled = build_sources(config)
    sources = []
    for cfg in config.sources.values():
        state = states.get(cfg.name)
        stale_after = config.monitor.stale_after_for(cfg.every)
        health = health_of(state, now=now, stale_after=stale_after)
        if not cfg.enabled or cfg.name in disabled:
            health = "disabled" if health == "never" else health
        sources.append(SourceStatus(
            cfg.name, cfg.kind, cfg.enabled and cfg.name not in disabled, health,
            _iso(state.last_success_at) if state else None,
            state.consecutive_failures if state else 0, counts.get(cfg.name, 0),
            log.redact(state.last_error) if state and state.last_error else None))
    return sources


def unreliable_sources(config: Config, store: Any, now: datetime) -> list[str]:
    """The enabled sources failing, stale or never read (see `_unreliable`)."""
    return _unreliable(_source_statuses(config, store, now))


def known_watchlist(config: Config, watchlist: str) -> None:
    """UsageError naming the configured watchlists when `watchlist` is not one of them."""
    if watchlist not in config.watchlists:
        raise UsageError(f"unknown watchlist '{watchlist}' "
                         f"(configured: {', '.join(config.watchlists) or 'none'})")


def _unreliable(sources: list[SourceStatus]) -> list[str]:
    """Enabled sources not read lately: zero matches only mean "all clear" without them."""
    return sorted(s.name for s in sources
                  if s.enabled and s.health in ("failing", "stale", "never"))


def alerts(config: Config, since: timedelta, watchlist: str | None,
           now: datetime | None = None) -> list[dict[str, Any]]:
    now = now or datetime.now(UTC)
    if watchlist:
        known_watchlist(config, watchlist)
    store = open_store(config)
    try:
        rows = store.recent_alerts(now - since, watchlist)
    finally:
        store.close()
    return [{"id": a.id, "created_at": _iso(a.created_at), "severity": a.severity.label,
             "category": a.category, "watchlist": a.watchlist, "source": a.source,
             "key": a.item_key, "change": a.change, "title": a.title,
             "reasons": a.data.get("reasons") or [], "deliveries": a.deliveries}
            for a in rows]


def route(config: Config, text: str,
          now: datetime | None = None) -> tuple[list[dict[str, Any]], list[str]]:
    """`monitor route`: active items affecting a route now, highest severity first, and the
    enabled sources not read lately (their hazards are missing from the list)."""
    from alerts.match import Watch, match
    from monitor.types import Severity

    profile = _route_profile(config, text)
    watch = Watch(name=f"route {text}", min_severity=Severity.INFO, routes=[profile])
    store = open_store(config)
    try:
        active = store.active_items()
        unreliable = unreliable_sources(config, store, now or datetime.now(UTC))
    finally:
        store.close()
    hits = [(s.item, reasons) for s in active if (reasons := match(watch, s.item))]
    return _rows(hits), unreliable


def watchlist_items(config: Config, watchlist: str, *,
                    watches: Mapping[str, Watch] | None = None) -> list[dict[str, Any]]:
    """The active items a watchlist's own rules match now, with its reasons (the rows of
    `route`, one per item and source), highest severity first. `watches`: as `status`."""
    from alerts.match import match
    from monitor.runtime import build_watches

    known_watchlist(config, watchlist)
    watch = (watches or build_watches(config))[watchlist]
    store = open_store(config)
    try:
        active = store.active_items()
    finally:
        store.close()
    hits = [(s.item, reasons) for s in active if (reasons := match(watch, s.item))]
    return _rows(hits)


def _rows(hits: list[tuple[Any, list[str]]]) -> list[dict[str, Any]]:
    hits.sort(key=lambda h: (-int(h[0].severity), h[0].key, h[0].source))
    return [{"severity": item.severity.label, "key": item.key, "source": item.source,
             "title": item.title, "reasons": reasons, "valid_to": item.to_json()["valid_to"],
             "url": item.url, "item": item.to_json()} for item, reasons in hits]


def route_firs(config: Config, text: str) -> tuple[str, ...]:
    """The FIRs a route crosses, in route order, on the configured or shipped boundaries."""
    return _route_profile(config, text).firs


def _route_profile(config: Config, text: str) -> Any:
    from monitor.runtime import fir_boundaries, route_profile

    try:
        return route_profile(text, fir_boundaries(config))
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def _iso(value: datetime | None) -> str | None:
    from monitor.types import iso

    return iso(value)
