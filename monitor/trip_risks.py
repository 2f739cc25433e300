"""The trips answer: every upcoming booking of the watchlists' bookings files with its risk,
read from the store at one moment (the rules are `alerts.trips`')."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from monitor.config import Config
from monitor.errors import ConfigError, UsageError
from monitor.queries import known_watchlist, unreliable_sources


def trips(config: Config, watchlist: str | None = None,
          now: datetime | None = None) -> tuple[list[dict[str, Any]], list[str]]:
    """`monitor trips`: one row per upcoming booking (`ref`, `flight`, `date`, `origin`,
    `destination`, `severity` or None, `reasons`, `items`, `watchlist`), highest severity
    first; and the enabled sources not read lately (their hazards are missing here)."""
    from alerts.trips import assess, risk_order
    from monitor.bookings import upcoming
    from monitor.opening import open_store

    now = now or datetime.now(UTC)
    names = _watchlists(config, watchlist)
    bookings = {name: _read(config, name) for name in names}
    store = open_store(config)
    try:
        items = [stored.item for stored in store.active_items()]
        suspensions = store.suspensions(now)
        unreliable = unreliable_sources(config, store, now)
    finally:
        store.close()
    routes = _routes(config, {b.route for found in bookings.values() for b in found})
    rows = []
    for name, found in bookings.items():
        risks = assess(upcoming(found, now), items, suspensions, routes,
                       min_severity=config.watchlists[name].min_severity)
        rows += [(risk, name) for risk in risks]
    rows.sort(key=lambda row: (risk_order(row[0]), row[1]))
    return [{**risk.to_json(), "watchlist": name} for risk, name in rows], unreliable


def _watchlists(config: Config, watchlist: str | None) -> list[str]:
    if watchlist is None:
        return [w.name for w in config.watchlists.values() if w.bookings]
    known_watchlist(config, watchlist)
    if not config.watchlists[watchlist].bookings:
        raise UsageError(f"watchlist '{watchlist}' has no bookings file "
                         "(set bookings = \"bookings.csv\" in its [[watchlists]] table)")
    return [watchlist]


def _read(config: Config, name: str) -> Any:
    """The watchlist's bookings as the file reads now (it may have changed since start)."""
    from monitor.bookings import BookingsError, read_bookings

    path = config.path.parent / (config.watchlists[name].bookings or "")
    try:
        return read_bookings(path.read_bytes())
    except OSError as exc:
        raise ConfigError(str(config.path), f"watchlists.{name}.bookings",
                          f"cannot read {path}: {exc.strerror or exc}") from None
    except BookingsError as exc:
        raise ConfigError(str(path), f"line {exc.line}" if exc.line else "",
                          exc.problem) from None


def _routes(config: Config, labels: set[str]) -> dict[str, Any]:
    if not labels:
        return {}
    from monitor.runtime import fir_boundaries, route_profile

    firs = fir_boundaries(config)
    return {label: route_profile(label, firs) for label in sorted(labels)}
