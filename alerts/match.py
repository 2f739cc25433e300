"""Watchlist matching (pure): does an item concern a watchlist, and why."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

from alerts.routes import RouteProfile, route_reasons
from monitor.types import Item, Severity


@dataclass(frozen=True)
class Watch:
    """A watchlist reduced to what matching needs, with route geometry precomputed."""

    name: str
    min_severity: Severity = Severity.ADVISORY
    routes: Sequence[RouteProfile] = ()
    airlines: frozenset[str] = frozenset()
    firs: frozenset[str] = frozenset()
    airports: frozenset[str] = frozenset()      # ICAO
    countries: frozenset[str] = frozenset()
    keywords: Sequence[str] = ()
    bookings: bool = False      # a bookings file: a watch target of its own (alerts.trips)
    _keyword_patterns: tuple[re.Pattern[str], ...] = field(default=(), repr=False)

    def __post_init__(self) -> None:
        patterns = tuple(re.compile(rf"(?<!\w){re.escape(fold(k))}(?!\w)") for k in self.keywords)
        object.__setattr__(self, "_keyword_patterns", patterns)

    @property
    def has_selectors(self) -> bool:
        return bool(self.routes or self.airlines or self.firs or self.airports
                    or self.countries or self.keywords or self.bookings)


def match(watch: Watch, item: Item, *, ignore_severity: bool = False) -> list[str]:
    """The reasons `item` concerns `watch` (empty: it does not).

    Every selector that hits adds a reason. A watchlist with no selectors at all watches
    everything at or above its minimum severity. Airline items are special: when the
    watchlist names airlines, an item of another airline does not concern it; and when it
    names routes, a flight must fly one of them. Routes follow `route_reasons`: a NOTAM area
    smaller than a FIR by geometry only, an airline notice naming a city pair by that pair;
    the watchlist's own FIRs, airports and countries name whatever lies in them.
    """
    if not ignore_severity and item.severity < watch.min_severity:
        return []
    if not watch.has_selectors:
        return [f"severity {item.severity.label} or higher"]
    if item.flight is not None:
        return _match_flight(watch, item)
    if item.airlines and watch.airlines and not watch.airlines.intersection(item.airlines):
        return []  # another airline's notice: a desk that names its airlines is not told
    # The watchlist's own selectors first (short, exact), then what the route geometry found.
    reasons = [f"airline {c}" for c in item.airlines if c in watch.airlines]
    reasons += [f"FIR {c}" for c in item.firs if c in watch.firs]
    reasons += [f"airport {c}" for c in item.airports if c in watch.airports]
    reasons += [f"country {c}" for c in item.countries if c in watch.countries]
    if watch._keyword_patterns:
        text = fold(f"{item.title}\n{item.body}")
        reasons += [f"keyword {k}" for k, p in zip(watch.keywords, watch._keyword_patterns,
                                                    strict=True) if p.search(text)]
    for profile in watch.routes:
        reasons.extend(route_reasons(profile, item))
    return list(dict.fromkeys(reasons))


def _match_flight(watch: Watch, item: Item) -> list[str]:
    airline_hits = [f"airline {c}" for c in item.airlines if c in watch.airlines]
    if watch.airlines and not airline_hits:
        return []
    if watch.routes:
        route_hits = [r for p in watch.routes for r in route_reasons(p, item)]
        if not route_hits:
            return []
        return list(dict.fromkeys(airline_hits + route_hits))
    place_hits = [f"airport {c}" for c in item.airports if c in watch.airports]
    place_hits += [f"country {c}" for c in item.countries if c in watch.countries]
    if (watch.airports or watch.countries) and not place_hits:
        return []
    reasons = airline_hits + place_hits
    return list(dict.fromkeys(reasons))


def fold(text: str) -> str:
    """Accent- and case-insensitive form: `Maiquetía` -> `maiquetia`, Turkish `ı` -> `i`."""
    decomposed = unicodedata.normalize("NFKD", text.replace("ı", "i"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
