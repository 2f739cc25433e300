"""What a run needs, built once from the configuration: sources, watches, the shared clients."""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from alerts.deliver import send
from monitor.config import Config
from monitor.countries import FIRS
from monitor.logs import log
from monitor.sources import source_class
from monitor.sources.base import Http, Source
from monitor.store import Store

if TYPE_CHECKING:
    from alerts.match import Watch
    from alerts.routes import FirBoundaries, RouteProfile
    from alerts.trips import TripWatch
    from monitor.attempts import FetchPool
    from monitor.decide import Desk


@dataclass
class Runtime:
    """What a run needs: configuration, the store, the HTTP client and the sources; the
    watches and desks the alert rules read are built when a batch first has something to
    decide (an unchanged cycle loads no rule and profiles no route)."""

    config: Config
    store: Store
    http: Http
    sources: dict[str, Source]
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    owner: str = field(default_factory=lambda: f"{socket.gethostname()}:{os.getpid()}")
    send: Callable[..., object] = send
    pool: FetchPool | None = None    # processes for a large batch (`monitor once`)
    # The stored parts the sources were restored with at start (`Source.remembers`), for
    # the pool's processes to restore theirs with.
    kept: dict[str, dict[str, bytes]] = field(default_factory=dict)
    bookings: BookingFiles = field(init=False)

    def __post_init__(self) -> None:
        self.bookings = BookingFiles(self.config)

    @cached_property
    def watches(self) -> dict[str, Watch]:
        return build_watches(self.config)

    @cached_property
    def desks(self) -> dict[str, Desk]:
        return build_desks(self.config)

    def channels_for(self, names: Iterable[str]) -> list[str]:
        return enabled_channels(self.config, names)


class BookingFiles:
    """The watchlists' bookings files, re-read when one changes (its modification time or
    size), with their routes' geometry. A file that turns bad while the monitor runs is
    logged once (`bookings.invalid`, its line and column) and its last good reading kept:
    never half a file. `changed` is set by a new reading, for the next batch to decide on."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.paths = {w.name: config.path.parent / w.bookings
                      for w in config.watchlists.values() if w.bookings}
        self.changed = bool(self.paths)
        self._read: dict[str, tuple[int, int]] = {}
        self._refused: dict[str, object] = {}
        self._trips: dict[str, TripWatch] = {}
        self._routes: dict[str, RouteProfile] = {}
        self._firs: FirBoundaries | None = None

    def current(self) -> dict[str, TripWatch]:
        """Each watchlist's bookings as last read well (one stat per file and call)."""
        for name, path in self.paths.items():
            try:
                stat = path.stat()
            except OSError as exc:
                self._refuse(name, path, ("missing",), f"cannot read: {exc.strerror or exc}")
                continue
            signature = (stat.st_mtime_ns, stat.st_size)
            if self._read.get(name) != signature:
                self._load(name, path, signature)
        return dict(self._trips)

    def _load(self, name: str, path: Path, signature: tuple[int, int]) -> None:
        from alerts.trips import TripWatch
        from monitor.bookings import BookingsError, read_bookings

        try:
            bookings = read_bookings(path.read_bytes())
        except OSError as exc:
            self._refuse(name, path, signature, f"cannot read: {exc.strerror or exc}")
            return
        except BookingsError as exc:
            self._refuse(name, path, signature, str(exc))
            return
        self._trips[name] = TripWatch(bookings, {b.route: self._route(b.route)
                                                 for b in bookings})
        self._read[name] = signature
        self._refused.pop(name, None)
        self.changed = True
        log.info("bookings.read", watchlist=name, bookings=len(bookings))

    def _refuse(self, name: str, path: Path, signature: object, problem: str) -> None:
        if self._refused.get(name) != signature:
            self._refused[name] = signature
            log.error("bookings.invalid", watchlist=name, file=path.name, error=problem,
                      kept=len(self._trips[name].bookings) if name in self._trips else 0)

    def _route(self, label: str) -> RouteProfile:
        """A booking's route, profiled as `monitor route` does (once per route)."""
        if label not in self._routes:
            if self._firs is None:
                self._firs = fir_boundaries(self.config)
            self._routes[label] = route_profile(label, self._firs)
        return self._routes[label]


def route_profile(spec: str | Mapping[str, Any], firs: FirBoundaries | None) -> RouteProfile:
    """A route written as in config.toml (`LIS-CCS`, or a table), profiled as the
    watchlists, `monitor route`, the board and the booking rules read it. ValueError for a
    route that does not parse."""
    from alerts.routes import parse_route, profile_route

    return profile_route(parse_route(spec), firs, fir_countries=FIR_COUNTRIES)


def enabled_channels(config: Config, names: Iterable[str]) -> list[str]:
    """Only enabled channels get outbox rows; alerts for the others are stored and logged."""
    return [n for n in names if n in config.channels and config.channels[n].enabled]


def build_desks(config: Config) -> dict[str, Desk]:
    from monitor.decide import Desk

    return {w.name: Desk(channels=tuple(enabled_channels(config, w.channels)),
                         quiet_hours=w.quiet_hours, timezone=w.timezone)
            for w in config.watchlists.values()}



def build_sources(config: Config) -> tuple[dict[str, Source], dict[str, str]]:
    """Instantiate enabled sources; those that cannot run as configured are set aside."""
    ready: dict[str, Source] = {}
    disabled: dict[str, str] = {}
    for cfg in config.sources.values():
        if not cfg.enabled:
            continue
        source = source_class(cfg.kind)(cfg.name, cfg.url, cfg.options)
        reason = source.disabled_reason()
        if reason:
            disabled[cfg.name] = reason
        else:
            ready[cfg.name] = source
    return ready, disabled


# FIRs whose states the ICAO prefix alone does not tell (e.g. TNCF: CW, AW and BQ).
FIR_COUNTRIES = {code: fir.countries for code, fir in FIRS.items()}


def fir_boundaries(config: Config) -> FirBoundaries:
    """The `[geo] fir_boundaries` polygons when configured (validated at config load), else
    the FIR boundaries shipped with the package (approximate, read once per process)."""
    from alerts.routes import load_fir_boundaries

    if not config.geo.fir_boundaries:
        from alerts.firs import shipped_fir_boundaries

        return shipped_fir_boundaries()
    path = config.path.parent / config.geo.fir_boundaries
    return load_fir_boundaries(json.loads(path.read_text(encoding="utf-8")))


def build_watches(config: Config) -> dict[str, Watch]:
    from alerts.airports import resolve_airport
    from alerts.match import Watch

    # Read only when some watchlist has a route to place on it.
    firs = fir_boundaries(config) if any(w.routes for w in config.watchlists.values()) else None
    watches = {}
    for w in config.watchlists.values():
        routes = [route_profile(r if isinstance(r, str) else r.model_dump(exclude_none=True),
                                firs) for r in w.routes]
        watches[w.name] = Watch(
            name=w.name, min_severity=w.min_severity, routes=routes,
            airlines=frozenset(w.airlines), firs=frozenset(w.firs),
            airports=frozenset(resolve_airport(a).icao for a in w.airports),
            countries=frozenset(w.countries), keywords=tuple(w.keywords),
            bookings=bool(w.bookings))
    return watches
