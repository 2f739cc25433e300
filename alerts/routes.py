"""Route geometry: watched routes, great circles, FIRs crossed, and why an item affects a route.

Everything here is pure spherical geometry on a mean-radius Earth (good to a few tenths of a
percent, plenty for "does this hazard touch this route"). A route is profiled once
(`profile_route`); `route_reasons` then only does set look-ups and, for items with a NOTAM
circle, a few dot products per leg, because it runs for every item x watched route.

How an item is matched depends on what it says about where it applies:
- a NOTAM circle smaller than a FIR: by geometry only (the great circle passes within the
  radius, at a level the route flies there), never by the FIR or country the NOTAM names;
- an airline notice naming a city pair ("entre Bogotá y Caracas"): by that pair only;
- anything else (a whole FIR, a country, an airport): by FIRs crossed, countries touched and
  endpoint airports.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from alerts.airports import Airport, UnknownAirport, resolve_airport
from alerts.icao_prefixes import countries_of_icao_prefix
from monitor.types import Area, Flight, Item

EARTH_RADIUS_NM = 3440.065          # mean Earth radius, 6371.009 km / 1852 m
SAMPLE_STEP_NM = 20.0               # the longest gap between two samples of a leg
TERMINAL_NM = 100.0                 # climb/descent: all levels this close to each endpoint
AIRLINER_CRUISE = (250, 450)        # a route without `cruise`: where airliners cruise
WHOLE_FIR_RADIUS_NM = 999.0         # Q-line radius 999: the whole FIR, matched by FIR code
ROUTE_KEYS = ("route", "firs", "cruise")

Point = tuple[float, float]         # (lat, lon) in degrees
Band = tuple[int | None, int | None]  # (lower FL, upper FL); None is unbounded

_CRUISE = re.compile(r"\s*FL(\d{3})\s*-\s*FL(\d{3})\s*", re.IGNORECASE)
_FIR_CODE = re.compile(r"[A-Z]{4}")
_Vec = tuple[float, float, float]


@dataclass(frozen=True, slots=True)
class Route:
    """A watched route: the text as written, its legs, declared FIRs and cruise band."""

    text: str
    legs: tuple[tuple[Airport, Airport], ...]
    firs: tuple[str, ...] = ()
    cruise: Band = (None, None)

    @property
    def airports(self) -> tuple[Airport, ...]:
        """Every airport in route order; an airport visited twice appears twice."""
        return (self.legs[0][0], *(leg[1] for leg in self.legs))


@dataclass(frozen=True, slots=True)
class FirShape:
    """One FIR's polygons; each polygon is its rings of (lon, lat) vertices, outer ring first."""

    icao: str
    polygons: tuple[tuple[tuple[tuple[float, float], ...], ...], ...]
    bbox: tuple[float, float, float, float]   # min lon, min lat, max lon, max lat
    # Airspace over international waters that a state controls (New York Oceanic): a route
    # crossing it crosses the FIR but not the state's territory.
    oceanic: bool = False

    def contains(self, point: Point) -> bool:
        lat, lon = point
        min_lon, min_lat, max_lon, max_lat = self.bbox
        if not (min_lon <= lon <= max_lon and min_lat <= lat <= max_lat):
            return False
        # Even-odd rule over all rings of a polygon, so holes come out right.
        return any(sum(_ray_crossings(ring, lon, lat) for ring in polygon) % 2 == 1
                   for polygon in self.polygons)


@dataclass(frozen=True, slots=True)
class FirBoundaries:
    """FIR polygons from a GeoJSON FeatureCollection (see `load_fir_boundaries`)."""

    firs: tuple[FirShape, ...]
    # FIRs by 10-degree cell of their bounding box: a point is tested against the few FIRs
    # of its cell instead of all of them (hundreds, for the world).
    _cells: dict[tuple[int, int], tuple[FirShape, ...]] = field(
        init=False, repr=False, compare=False, default_factory=dict)

    def __post_init__(self) -> None:
        cells: dict[tuple[int, int], list[FirShape]] = {}
        for fir in self.firs:
            min_lon, min_lat, max_lon, max_lat = fir.bbox
            for row in range(_cell(min_lat), _cell(max_lat) + 1):
                for column in range(_cell(min_lon), _cell(max_lon) + 1):
                    cells.setdefault((row, column), []).append(fir)
        self._cells.update((key, tuple(shapes)) for key, shapes in cells.items())

    def firs_at(self, point: Point) -> tuple[str, ...]:
        """The ICAO codes of the FIRs containing a (lat, lon) point, in the order given."""
        return tuple(dict.fromkeys(fir.icao for fir in self._shapes_at(point)))

    def territorial_firs_at(self, point: Point) -> tuple[str, ...]:
        """`firs_at`, leaving out the FIRs whose oceanic part alone holds the point."""
        return tuple(dict.fromkeys(fir.icao for fir in self._shapes_at(point)
                                   if not fir.oceanic))

    def _shapes_at(self, point: Point) -> list[FirShape]:
        candidates = self._cells.get((_cell(point[0]), _cell(point[1])), ())
        return [fir for fir in candidates if fir.contains(point)]


def _cell(degrees: float) -> int:
    return math.floor(degrees / 10.0)


@dataclass(frozen=True, slots=True)
class _Leg:
    """A leg as unit vectors: start, end, the normal of its great circle and the tangent at
    the start (normal x start), so along- and cross-track angles are two dot products."""

    start: _Vec
    end: _Vec
    normal: _Vec | None    # None when the great circle is undefined (same or antipodal points)
    tangent: _Vec
    length: float          # radians


@dataclass(frozen=True, slots=True)
class RouteProfile:
    """What `route_reasons` needs about one route, computed once by `profile_route`."""

    route: Route
    label: str
    samples: tuple[Point, ...]
    firs: tuple[str, ...]           # FIRs crossed: declared first, then found, in route order
    countries: tuple[str, ...]      # endpoint countries first, then the FIRs' countries
    endpoints: tuple[str, ...]      # ICAO codes in route order, each once
    # Precomputed look-ups: (code, reason) in the order reasons are reported.
    airport_reasons: tuple[tuple[str, str], ...] = field(repr=False, default=())
    fir_reasons: tuple[tuple[str, str], ...] = field(repr=False, default=())
    country_reasons: tuple[tuple[str, str], ...] = field(repr=False, default=())
    flight_legs: Mapping[tuple[str, str], str] = field(repr=False, default_factory=dict)
    leg_shapes: tuple[_Leg, ...] = field(repr=False, default=())
    cruise: tuple[int, int] = AIRLINER_CRUISE   # away from the airports; near them, every level


def parse_route(spec: str | Mapping[str, Any]) -> Route:
    """A route from a watchlist entry: "LIS-CCS", "LPPT-SVMI", "MAD-CCS-BOG", or a table
    {route = "MIA-GRU", firs = [...], cruise = "FL300-FL410"}.

    Raises ValueError (UnknownAirport for an unknown code) with a message naming the problem.
    """
    if isinstance(spec, str):
        return Route(text=spec, legs=_parse_legs(spec))
    if not isinstance(spec, Mapping):
        raise ValueError(f"a route is a string like 'LIS-CCS' or a table with a 'route' key, "
                         f"not {type(spec).__name__}")
    unknown = sorted(str(key) for key in spec if key not in ROUTE_KEYS)
    if unknown:
        raise ValueError(f"unknown route key(s) {', '.join(unknown)} "
                         f"(known: {', '.join(ROUTE_KEYS)})")
    text = spec.get("route")
    if not isinstance(text, str):
        raise ValueError("a route table needs 'route', a string like 'MIA-GRU'")
    return Route(text=text, legs=_parse_legs(text), firs=_parse_firs(text, spec.get("firs")),
                 cruise=_parse_cruise(text, spec.get("cruise")))


def route_label(route: Route) -> str:
    """The route as its codes were written, upper case: "LIS-CCS", "LPPT-SVMI"."""
    return "-".join(_written_codes(route.text))


def great_circle_nm(a: Point | Airport, b: Point | Airport) -> float:
    """Great-circle distance in nautical miles."""
    return _angle(_vec(*_point(a)), _vec(*_point(b))) * EARTH_RADIUS_NM


def sample_leg(a: Point | Airport, b: Point | Airport,
               step_nm: float = SAMPLE_STEP_NM) -> list[Point]:
    """Points along the great circle from a to b, both ends included, at most step_nm apart."""
    if not step_nm > 0:
        raise ValueError(f"step_nm must be positive, not {step_nm}")
    start, end = _vec(*_point(a)), _vec(*_point(b))
    length = _angle(start, end)
    if length < 1e-12:
        return [_point(a), _point(b)]
    if math.pi - length < 1e-9:
        raise ValueError("antipodal points: the great circle between them is undefined")
    count = max(1, math.ceil(length * EARTH_RADIUS_NM / step_nm))
    points = [_point(a)]
    for i in range(1, count):
        f = i / count
        # Spherical linear interpolation: exact points on the great circle.
        wa = math.sin((1 - f) * length) / math.sin(length)
        wb = math.sin(f * length) / math.sin(length)
        points.append(_latlon(tuple(wa * s + wb * e for s, e in zip(start, end, strict=True))))
    points.append(_point(b))
    return points


def distance_to_segment_nm(point: Point, a: Point | Airport, b: Point | Airport) -> float:
    """Distance from a point to the great-circle segment a-b, in NM.

    Cross-track distance where the point's along-track position falls within the segment,
    else the distance to the nearer end.
    """
    leg = _leg(_point(a), _point(b))
    return _arc_distance(_vec(*point), leg, 0.0, leg.length) * EARTH_RADIUS_NM


def load_fir_boundaries(geojson: Mapping[str, Any]) -> FirBoundaries:
    """FIR polygons from a parsed GeoJSON FeatureCollection.

    Each feature is a Polygon or MultiPolygon whose ICAO code is the property `icao` or `id`
    (else the feature's own `id`); features sharing a code are merged. The point-in-polygon
    test is planar ray casting on (lon, lat): a FIR that crosses the antimeridian must be split
    into parts on either side of it, as published FIR datasets do. Raises ValueError naming the
    feature when the shape is wrong.
    """
    if not isinstance(geojson, Mapping) or geojson.get("type") != "FeatureCollection":
        raise ValueError("FIR boundaries: expected a GeoJSON FeatureCollection")
    features = geojson.get("features")
    if not isinstance(features, list):
        raise ValueError("FIR boundaries: 'features' is not a list")
    polygons: dict[tuple[str, bool], list[tuple[tuple[tuple[float, float], ...], ...]]] = {}
    for index, feature in enumerate(features):
        where = f"FIR boundaries: features[{index}]"
        if not isinstance(feature, Mapping) or feature.get("type") != "Feature":
            raise ValueError(f"{where}: not a GeoJSON Feature")
        icao = _feature_code(feature, where)
        oceanic = (feature.get("properties") or {}).get("oceanic") in (True, 1, "1", "true")
        polygons.setdefault((icao, oceanic), []).extend(
            _feature_polygons(feature.get("geometry"), where))
    shapes = []
    for (icao, oceanic), parts in polygons.items():
        lons = [lon for polygon in parts for lon, _ in polygon[0]]
        lats = [lat for polygon in parts for _, lat in polygon[0]]
        shapes.append(FirShape(icao=icao, polygons=tuple(parts),
                               bbox=(min(lons), min(lats), max(lons), max(lats)),
                               oceanic=oceanic))
    return FirBoundaries(firs=tuple(shapes))


def profile_route(route: Route, firs: FirBoundaries | None = None, *,
                  fir_countries: Mapping[str, Sequence[str]] | None = None) -> RouteProfile:
    """Everything about a route that does not depend on the item: samples, FIRs crossed,
    countries touched, and the reason strings. Compute once per route and reuse.

    FIRs crossed are the declared ones, then those whose polygons contain a sample (samples
    are at most 20 NM apart, so a FIR corner clipped by less than that can be missed).
    `fir_countries` maps a FIR code to its countries where the ICAO prefix is not enough.
    """
    label = route_label(route)
    codes = _written_codes(route.text)
    samples: list[Point] = []
    for a, b in route.legs:
        leg_samples = sample_leg(a, b)
        samples.extend(leg_samples[1:] if samples else leg_samples)
    crossed = list(route.firs)
    territorial = list(route.firs)   # the FIRs whose states' territory the route crosses
    if firs is not None:
        for point in samples:
            crossed.extend(firs.firs_at(point))
            territorial.extend(firs.territorial_firs_at(point))
    fir_codes = tuple(dict.fromkeys(crossed))

    stops = route.airports
    airport_reasons: list[tuple[str, str, str]] = []     # (icao, country, reason)
    for index, airport in enumerate(stops):
        verb = ("departs from" if index == 0 else
                "arrives at" if index == len(stops) - 1 else "stops at")
        where = f"{airport.icao} ({airport.country})" if airport.country else airport.icao
        airport_reasons.append((airport.icao, airport.country, f"route {label} {verb} {where}"))
    endpoint_countries = [country for _, country, _ in airport_reasons if country]
    fir_country_codes = [country for fir in dict.fromkeys(territorial)
                         for country in _fir_countries(fir, fir_countries)]
    countries = tuple(dict.fromkeys([*endpoint_countries, *fir_country_codes]))
    # An endpoint country reads as the arrival or departure; any other as touched.
    country_reasons = [(country, reason) for _, country, reason in airport_reasons if country]
    country_reasons += [(country, f"route {label} touches country {country}")
                        for country in countries if country not in endpoint_countries]

    flight_legs: dict[tuple[str, str], str] = {}
    for (a, b), code_a, code_b in zip(route.legs, codes, codes[1:], strict=False):
        for origin in _codes_of(a):
            for destination in _codes_of(b):
                flight_legs.setdefault((origin, destination), f"{code_a}-{code_b}")
                flight_legs.setdefault((destination, origin), f"{code_b}-{code_a}")

    lower, upper = route.cruise
    return RouteProfile(
        route=route, label=label, samples=tuple(samples), firs=fir_codes, countries=countries,
        endpoints=tuple(dict.fromkeys(airport.icao for airport in stops)),
        airport_reasons=tuple((icao, reason) for icao, _, reason in airport_reasons),
        fir_reasons=tuple((fir, f"route {label} crosses FIR {fir}") for fir in fir_codes),
        country_reasons=tuple(country_reasons),
        flight_legs=flight_legs,
        leg_shapes=tuple(_leg(a.position, b.position) for a, b in route.legs),
        cruise=AIRLINER_CRUISE if lower is None or upper is None else (lower, upper),
    )


def route_reasons(profile: RouteProfile, item: Item) -> list[str]:
    """Why an item affects a route, one human sentence per reason; [] when it does not.

    A flight item matches only when it flies one of the route's legs, in either direction
    (its airports alone would match every flight using the same airport). An item with a
    NOTAM circle smaller than a FIR matches only when the route passes through the circle at
    a level it flies there. An airline notice naming city pairs matches only a route flying one
    of them. Other items match on endpoint airports, FIRs crossed and countries touched.
    Order: airports (or the city pair), FIRs, countries, each in route order; no duplicates.
    """
    if item.flight is not None:
        return _flight_reasons(profile, item.flight)
    if item.area is not None and item.area.radius_nm < WHOLE_FIR_RADIUS_NM:
        circle = _area_reason(profile, item.area)
        return [circle] if circle else []
    reasons: list[str] = []
    pairs = _notice_pairs(item)
    if pairs:
        reasons += _pair_reasons(profile, pairs)
    elif item.airports:
        reasons += [reason for icao, reason in profile.airport_reasons if icao in item.airports]
    if item.firs:
        reasons += [reason for fir, reason in profile.fir_reasons if fir in item.firs]
    if item.countries and not pairs:
        reasons += [reason for country, reason in profile.country_reasons
                    if country in item.countries]
    return list(dict.fromkeys(reasons))


# --- parsing helpers ----------------------------------------------------------------------


def _parse_legs(text: str) -> tuple[tuple[Airport, Airport], ...]:
    codes = _written_codes(text)
    if len(codes) < 2:
        raise ValueError(f"route '{text}': expected airport codes joined by '-', "
                         "e.g. 'LIS-CCS' or 'MAD-CCS-BOG'")
    if "" in codes:
        raise ValueError(f"route '{text}': empty airport code")
    airports = []
    for code in codes:
        try:
            airports.append(resolve_airport(code))
        except UnknownAirport as exc:
            raise UnknownAirport(exc.code, f"route '{text}': {exc}") from None
    legs = tuple(pairwise(airports))
    for (a, b), code_a, code_b in zip(legs, codes, codes[1:], strict=False):
        if a.icao == b.icao:
            raise ValueError(f"route '{text}': leg {code_a}-{code_b} starts and ends at the "
                             "same airport")
    return legs


def _parse_firs(text: str, value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str) or not isinstance(value, Sequence):
        raise ValueError(f"route '{text}': firs must be a list of ICAO FIR codes, "
                         "e.g. [\"SVZM\"]")
    firs = []
    for code in value:
        fir = code.strip().upper() if isinstance(code, str) else ""
        if not _FIR_CODE.fullmatch(fir):
            raise ValueError(f"route '{text}': '{code}' is not an ICAO FIR code (4 letters)")
        firs.append(fir)
    return tuple(dict.fromkeys(firs))


def _parse_cruise(text: str, value: Any) -> Band:
    if value is None:
        return (None, None)
    match = _CRUISE.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        raise ValueError(f"route '{text}': cruise '{value}' is not a flight-level band "
                         "like 'FL300-FL410'")
    lower, upper = int(match[1]), int(match[2])
    if lower > upper:
        raise ValueError(f"route '{text}': cruise '{value}' has its lower level above its "
                         "upper level")
    return (lower, upper)


def _written_codes(text: str) -> list[str]:
    return [code.strip().upper() for code in text.split("-")]


def _codes_of(airport: Airport) -> tuple[str, ...]:
    return (airport.icao, airport.iata) if airport.iata else (airport.icao,)


def _fir_countries(fir: str, table: Mapping[str, Sequence[str]] | None) -> Iterable[str]:
    if table is not None and fir in table:
        return table[fir]
    return countries_of_icao_prefix(fir)


def _feature_code(feature: Mapping[str, Any], where: str) -> str:
    properties = feature.get("properties") or {}
    if not isinstance(properties, Mapping):
        raise ValueError(f"{where}: 'properties' is not an object")
    for value in (properties.get("icao"), properties.get("id"), feature.get("id")):
        if isinstance(value, str) and value.strip():
            return value.strip().upper()
    raise ValueError(f"{where}: no ICAO code (property 'icao' or 'id')")


def _feature_polygons(geometry: Any, where: str
                      ) -> list[tuple[tuple[tuple[float, float], ...], ...]]:
    if not isinstance(geometry, Mapping):
        raise ValueError(f"{where}: no geometry")
    kind, coordinates = geometry.get("type"), geometry.get("coordinates")
    if kind == "Polygon":
        return [_polygon(coordinates, where)]
    if kind == "MultiPolygon" and isinstance(coordinates, list):
        return [_polygon(polygon, f"{where}.polygon[{i}]")
                for i, polygon in enumerate(coordinates)]
    raise ValueError(f"{where}: geometry type '{kind}' is not Polygon or MultiPolygon")


def _polygon(rings: Any, where: str) -> tuple[tuple[tuple[float, float], ...], ...]:
    if not isinstance(rings, list) or not rings:
        raise ValueError(f"{where}: a polygon is a non-empty list of rings")
    parsed = []
    for ring in rings:
        try:
            vertices = tuple((float(position[0]), float(position[1])) for position in ring)
        except (TypeError, ValueError, IndexError, KeyError):
            raise ValueError(f"{where}: a ring is a list of [lon, lat] positions") from None
        if len(set(vertices)) < 3:
            raise ValueError(f"{where}: a ring needs at least 3 distinct positions")
        parsed.append(vertices)
    return tuple(parsed)


# --- geometry helpers ---------------------------------------------------------------------


def _area_reason(profile: RouteProfile, area: Area) -> str | None:
    lower = 0 if area.lower_fl is None else area.lower_fl
    upper = 999 if area.upper_fl is None else area.upper_fl
    at_cruise = lower <= profile.cruise[1] and profile.cruise[0] <= upper
    centre = _vec(area.lat, area.lon)
    radius = area.radius_nm / EARTH_RADIUS_NM
    terminal = TERMINAL_NM / EARTH_RADIUS_NM
    nearest: float | None = None
    for leg in profile.leg_shapes:
        distance = _arc_distance(centre, leg, 0.0, leg.length)
        if distance > radius or (nearest is not None and distance >= nearest):
            continue
        # Away from the endpoints the route is at cruise; near them it passes every level.
        if not (at_cruise or leg.length <= 2 * terminal
                or _arc_distance(centre, leg, 0.0, terminal) <= radius
                or _arc_distance(centre, leg, leg.length - terminal, leg.length) <= radius):
            continue
        nearest = distance
    if nearest is None:
        return None
    band = ("" if area.lower_fl is None and area.upper_fl is None
            else f" (FL{lower:03d}-FL{upper:03d})")
    return (f"route {profile.label} passes {round(nearest * EARTH_RADIUS_NM)} NM from the "
            f"{area.radius_nm:g} NM area at {qline_position(area.lat, area.lon)}{band}")


def qline_position(lat: float, lon: float) -> str:
    """A position as a NOTAM Q-line writes it, to the minute: 10.6031, -66.9906 -> 1036N06659W."""
    def part(value: float, width: int, signs: str) -> str:
        minutes = round(abs(value) * 60)
        return f"{minutes // 60:0{width}d}{minutes % 60:02d}{signs[value < 0]}"
    return part(lat, 2, "NS") + part(lon, 3, "EW")


def _notice_pairs(item: Item) -> tuple[tuple[frozenset[str], frozenset[str]], ...]:
    """The city pairs an airline notice names (other items name none)."""
    if not item.airlines:
        return ()
    from alerts.city_pairs import named_pairs

    return named_pairs(f"{item.title}\n{item.body}")


def _pair_reasons(profile: RouteProfile,
                  pairs: tuple[tuple[frozenset[str], frozenset[str]], ...]) -> list[str]:
    """A leg, or the whole route, flying a named pair in either direction."""
    stops = profile.route.airports
    spans = [*profile.route.legs, *([(stops[0], stops[-1])] if len(stops) > 2 else [])]
    reasons = []
    for a, b in spans:
        if any((a.icao in one and b.icao in other) or (b.icao in one and a.icao in other)
               for one, other in pairs):
            written = profile.flight_legs.get((a.icao, b.icao)) or profile.label
            reasons.append(f"route {profile.label} flies {written}, a city pair the notice names")
    return reasons


def _flight_reasons(profile: RouteProfile, flight: Flight) -> list[str]:
    origin = (flight.origin or "").upper()
    destination = (flight.destination or "").upper()
    leg = profile.flight_legs.get((origin, destination))
    return [f"flight {flight.number} flies {leg}"] if leg else []


def _arc_distance(p: _Vec, leg: _Leg, start: float, end: float) -> float:
    """Angle from p to the part of the leg between along-track angles start and end."""
    if leg.normal is None:
        return min(_angle(p, leg.start), _angle(p, leg.end))
    cross_track = math.asin(max(-1.0, min(1.0, _dot(p, leg.normal))))
    along_track = math.atan2(_dot(p, leg.tangent), _dot(p, leg.start))
    if start <= along_track <= end:
        return abs(cross_track)
    # Off the arc: the nearest point is one of its ends (distance grows away from the foot).
    return min(_angle(p, _along(leg, start)), _angle(p, _along(leg, end)))


def _leg(a: Point, b: Point) -> _Leg:
    start, end = _vec(*a), _vec(*b)
    normal = _cross(start, end)
    size = math.sqrt(_dot(normal, normal))
    if size < 1e-12:
        return _Leg(start, end, None, start, _angle(start, end))
    unit = (normal[0] / size, normal[1] / size, normal[2] / size)
    return _Leg(start, end, unit, _cross(unit, start), _angle(start, end))


def _along(leg: _Leg, angle: float) -> _Vec:
    if angle == 0.0:
        return leg.start
    if angle == leg.length:
        return leg.end
    c, s = math.cos(angle), math.sin(angle)
    return (c * leg.start[0] + s * leg.tangent[0], c * leg.start[1] + s * leg.tangent[1],
            c * leg.start[2] + s * leg.tangent[2])


def _ray_crossings(ring: tuple[tuple[float, float], ...], lon: float, lat: float) -> int:
    crossings = 0
    x1, y1 = ring[-1]
    for x2, y2 in ring:
        if (y1 > lat) != (y2 > lat) and lon < x1 + (lat - y1) * (x2 - x1) / (y2 - y1):
            crossings += 1
        x1, y1 = x2, y2
    return crossings


def _point(value: Point | Airport) -> Point:
    if isinstance(value, Airport):
        return value.position
    return (float(value[0]), float(value[1]))


def _vec(lat: float, lon: float) -> _Vec:
    phi, lam = math.radians(lat), math.radians(lon)
    return (math.cos(phi) * math.cos(lam), math.cos(phi) * math.sin(lam), math.sin(phi))


def _latlon(v: Sequence[float]) -> Point:
    x, y, z = v
    return (math.degrees(math.atan2(z, math.hypot(x, y))), math.degrees(math.atan2(y, x)))


def _angle(a: _Vec, b: _Vec) -> float:
    # atan2 of |a x b| and a.b stays accurate for tiny and near-antipodal angles alike.
    c = _cross(a, b)
    return math.atan2(math.sqrt(_dot(c, c)), _dot(a, b))


def _dot(a: Sequence[float], b: Sequence[float]) -> float:
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]


def _cross(a: _Vec, b: _Vec) -> _Vec:
    return (a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0])
