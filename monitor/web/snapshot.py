"""The board's reading of the database: the service's `status`, `route` and `alerts` answers
for one watchlist at one moment, and the map's fixed shapes, prepared once per process."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cached_property
from typing import TYPE_CHECKING, Any

from monitor import service
from monitor.config import Config
from monitor.types import iso
from monitor.web.board import (
    Hazard,
    RouteLine,
    active_firs,
    board_alerts,
    circles,
    fir_features,
    firs_crossed,
    health_counts,
    route_line,
    watchlist_hazards,
)

if TYPE_CHECKING:
    from alerts.match import Watch


@dataclass(frozen=True)
class Geography:
    """What never changes while the process runs: routes on the map and FIR polygons."""

    routes: dict[str, list[RouteLine]]       # watchlist -> its routes
    shown_firs: dict[str, list[str]]         # watchlist -> its FIRs and those its routes cross
    fir_shapes: tuple[Any, ...] = ()         # FirShape values (icao, polygons as lon/lat)


@dataclass(frozen=True)
class Board:
    """One watchlist's page at one moment."""

    now: str
    watchlist: str | None
    watchlists: list[dict[str, Any]]
    hazards: list[Hazard]
    sources: list[dict[str, Any]]
    health: dict[str, int]
    unreliable: list[str]
    alerts: list[dict[str, Any]]
    alerts_since: str
    channels: list[dict[str, Any]]
    map: dict[str, Any] = field(default_factory=dict)
    trips: list[dict[str, Any]] | None = None   # `monitor trips` rows; None: no bookings
    trips_error: str | None = None              # a bookings file that cannot be read now


@dataclass
class Reader:
    """Reads boards for the app; `clock` and `alerts_window` are the demo's to set."""

    config: Config
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    alerts_window: timedelta = timedelta(hours=24)

    # Built once for every board this reader serves.
    @cached_property
    def geography(self) -> Geography:
        return build_geography(self.config)

    @cached_property
    def watches(self) -> dict[str, Watch]:
        from monitor.runtime import build_watches

        return build_watches(self.config)

    def status(self) -> dict[str, Any]:
        return service.status(self.config, self.clock(), watches=self.watches)

    def route(self, text: str) -> tuple[list[dict[str, Any]], list[str]]:
        return service.route(self.config, text, self.clock())

    def alerts(self, since: timedelta, watchlist: str | None) -> list[dict[str, Any]]:
        return service.alerts(self.config, since, watchlist, self.clock())

    def feed(self, watchlist: str) -> bytes:
        return service.feed(self.config, watchlist, now=self.clock())

    def trips(self, watchlist: str | None) -> tuple[list[dict[str, Any]], list[str]]:
        return service.trips(self.config, watchlist, self.clock())

    def board(self, watchlist: str | None, *, alerts_window: timedelta | None = None) -> Board:
        now = self.clock()
        window = alerts_window or self.alerts_window
        status = service.status(self.config, now, watches=self.watches)
        known = {w["name"]: w for w in status["watchlists"]}
        if watchlist not in known:
            watchlist = next(iter(known), None)
        hazards: list[Hazard] = []
        # Alerts as far back as the store keeps them: an item's latest alert may be old.
        history = service.alerts(self.config, max(window, self.config.monitor.retention),
                                 None, now)
        if watchlist is not None:
            labels = [line.label for line in self.geography.routes.get(watchlist, [])]
            hazards = watchlist_hazards(service.watchlist_items(
                self.config, watchlist, watches=self.watches), labels)
        trips, trips_error = self._trips_of(watchlist)
        return Board(
            now=iso(now) or "", watchlist=watchlist, watchlists=status["watchlists"],
            hazards=hazards, sources=status["sources"],
            health=health_counts(status["sources"]),
            unreliable=status["unreliable_sources"],
            alerts=board_alerts(history, watchlist, iso(now - window) or ""),
            alerts_since=iso(now - window) or "",
            channels=[{"name": c.name, "format": c.format, "enabled": c.enabled}
                      for c in self.config.channels.values()],
            map=self.map_for(watchlist, hazards), trips=trips, trips_error=trips_error)

    def _trips_of(self, watchlist: str | None) -> tuple[list[dict[str, Any]] | None, str | None]:
        """The watchlist's upcoming bookings with their risk, when it has a bookings file."""
        from monitor.errors import MonitorError

        wanted = self.config.watchlists.get(watchlist or "")
        if wanted is None or not wanted.bookings:
            return None, None
        try:
            return self.trips(watchlist)[0], None
        except MonitorError as exc:  # the file turned bad: the rest of the board still shows
            return [], str(exc)

    def map_for(self, watchlist: str | None, hazards: list[Hazard]) -> dict[str, Any]:
        geo = self.geography
        lines = geo.routes.get(watchlist or "", [])
        lit = active_firs(hazards)
        return {
            "routes": [{"label": r.label, "points": [list(p) for p in r.points]}
                       for r in lines],
            "airports": list({a["icao"]: a for r in lines for a in r.airports}.values()),
            "firs": fir_features(geo.fir_shapes, lit, geo.shown_firs.get(watchlist or "", [])),
            "circles": circles(hazards),
            "boundaries": bool(geo.fir_shapes),
        }


def build_geography(config: Config) -> Geography:
    """Great circles of every watched route, and the FIR polygons the board can draw."""
    from alerts.routes import parse_route, sample_leg
    from monitor.runtime import fir_boundaries

    boundaries = fir_boundaries(config)
    routes: dict[str, list[RouteLine]] = {}
    shown: dict[str, list[str]] = {}
    for watch in config.watchlists.values():
        lines, declared = [], []
        for entry in watch.routes:
            text = entry if isinstance(entry, str) else entry.route
            declared += [] if isinstance(entry, str) else entry.firs
            route = parse_route(text)
            lines.append(route_line(text.upper(), route.airports, sample_leg))
        routes[watch.name] = lines
        crossed = [fir for line in lines for fir in
                   (firs_crossed(line.points, boundaries) if boundaries else [])]
        shown[watch.name] = list(dict.fromkeys([*watch.firs, *declared, *crossed]))
    return Geography(routes=routes, shown_firs=shown,
                     fir_shapes=tuple(boundaries.firs) if boundaries else ())
