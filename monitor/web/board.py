"""What the board shows, built from the plain reports of `monitor.service` (pure).

The service answers `status` (keys per watchlist), `route` (full items with reasons, per
route) and `alerts` (titles and reasons per watchlist); a watchlist's hazard list joins the
three. The map's shapes (great circles, FIR polygons, NOTAM circles) are GeoJSON-ready values.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any
from urllib.parse import urlsplit

SEVERITIES = ("critical", "warning", "advisory", "info")
WHOLE_FIR_RADIUS_NM = 999       # a Q-line radius of 999: the whole FIR, drawn as the FIR
GREAT_CIRCLE_STEP_NM = 60.0     # map lines: smooth at any zoom a desk uses, few points


@dataclass(frozen=True, slots=True)
class Hazard:
    """One active item concerning a watchlist, as the board lists it."""

    key: str
    severity: str
    title: str
    sources: tuple[str, ...]
    reasons: tuple[str, ...]
    valid_from: str | None = None
    valid_to: str | None = None
    valid_to_estimated: bool = False
    link: str | None = None             # http(s) only; anything else is not a link
    firs: tuple[str, ...] = ()
    area: Mapping[str, Any] | None = None
    routes: tuple[str, ...] = ()        # the watchlist's routes it affects


@dataclass(frozen=True, slots=True)
class RouteLine:
    """A watched route on the map: its label, great-circle points and airports."""

    label: str
    points: tuple[tuple[float, float], ...]            # (lat, lon), longitudes unwrapped
    airports: tuple[Mapping[str, Any], ...] = field(default=())


def watchlist_hazards(rows: Sequence[Mapping[str, Any]],
                      route_labels: Iterable[str]) -> list[Hazard]:
    """The watchlist's active hazards, highest severity first: `rows` are its matching items
    with its reasons (`service.watchlist_items`, one row per item and source); an item
    reported by several sources is one hazard citing them all, with every reason once. The
    watchlist's routes an item affects are those its reasons name."""
    labels = list(route_labels)
    by_key: dict[str, dict[str, Any]] = {}
    for row in rows:
        entry = by_key.setdefault(row["key"], {"row": row, "sources": [], "reasons": []})
        if _rank(row["severity"]) < _rank(entry["row"]["severity"]):
            entry["row"] = row
        entry["sources"].append(row["source"])
        entry["reasons"].extend(row.get("reasons") or [])
    hazards = []
    for key, entry in by_key.items():
        row, reasons = entry["row"], list(dict.fromkeys(entry["reasons"]))
        item = row.get("item") or {}
        hazards.append(Hazard(
            key=key, severity=row["severity"], title=row["title"],
            sources=tuple(dict.fromkeys(entry["sources"])), reasons=tuple(reasons),
            valid_from=item.get("valid_from"), valid_to=item.get("valid_to"),
            valid_to_estimated=bool(item.get("valid_to_estimated")),
            link=safe_link(row.get("url")), firs=tuple(item.get("firs") or ()),
            area=item.get("area"),
            routes=tuple(label for label in labels
                         if any(r.startswith(f"route {label} ") for r in reasons))))
    hazards.sort(key=lambda h: (_rank(h.severity), h.key))
    return hazards


def validity(hazard: Hazard) -> str:
    """The validity window in a desk's words: "2025-11-21 17:43Z to 2026-02-19 23:59Z"."""
    start, end = _short(hazard.valid_from), _short(hazard.valid_to)
    estimated = " (estimated)" if hazard.valid_to_estimated else ""
    if start and end:
        return f"valid {start} to {end}{estimated}"
    if end:
        return f"valid until {end}{estimated}"
    if start:
        return f"valid from {start}, no end given"
    return "no validity given: until withdrawn"


def safe_link(url: Any) -> str | None:
    """An upstream URL fit for an href: http(s) only (never `javascript:` or `data:`)."""
    if not isinstance(url, str):
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    return url.strip() if parts.scheme in ("http", "https") and parts.netloc else None


def board_alerts(rows: Sequence[Mapping[str, Any]], watchlist: str | None,
                 since: str) -> list[Mapping[str, Any]]:
    """Alerts of the last `since` (ISO time) for the watchlist, and the operators' health
    alerts (they say which sources the watchlist may be missing), newest first."""
    return [r for r in rows if r["created_at"] >= since
            and (r.get("watchlist") in (watchlist, None))]


def route_line(label: str, airports: Sequence[Any],
               sample: Any, step_nm: float = GREAT_CIRCLE_STEP_NM) -> RouteLine:
    """A route's great circle through its airports (`sample(a, b, step_nm)` gives a leg's
    points), with longitudes unwrapped so a line over the antimeridian stays one line."""
    points: list[tuple[float, float]] = []
    for a, b in pairwise(airports):
        leg = sample(a, b, step_nm)
        points.extend(leg if not points else leg[1:])
    seen: dict[str, Mapping[str, Any]] = {}
    for airport in airports:
        seen.setdefault(airport.icao, {"icao": airport.icao, "iata": airport.iata,
                                       "name": airport.name, "lat": airport.lat,
                                       "lon": airport.lon})
    return RouteLine(label=label, points=unwrap(points), airports=tuple(seen.values()))


def unwrap(points: Sequence[tuple[float, float]]) -> tuple[tuple[float, float], ...]:
    """Longitudes made continuous (179 then -179 becomes 179 then 181)."""
    out: list[tuple[float, float]] = []
    shift = 0.0
    for lat, lon in points:
        if out:
            previous = out[-1][1]
            while lon + shift - previous > 180:
                shift -= 360
            while lon + shift - previous < -180:
                shift += 360
        out.append((lat, lon + shift))
    return tuple(out)


def fir_features(shapes: Iterable[Any], active: Mapping[str, Sequence[str]],
                 shown: Iterable[str]) -> dict[str, Any]:
    """A GeoJSON FeatureCollection of the FIRs to draw: those in `shown` and those with
    active items (`active`: FIR -> item keys; these are the highlighted ones)."""
    wanted = set(shown) | set(active)
    features = []
    for shape in shapes:
        if shape.icao not in wanted:
            continue
        keys = sorted(active.get(shape.icao, ()))
        features.append({
            "type": "Feature",
            "properties": {"icao": shape.icao, "active": bool(keys), "keys": keys},
            "geometry": {"type": "MultiPolygon",
                         "coordinates": [[[list(v) for v in ring] for ring in polygon]
                                         for polygon in shape.polygons]}})
    features.sort(key=lambda f: (f["properties"]["active"], f["properties"]["icao"]))
    return {"type": "FeatureCollection", "features": features}


def firs_crossed(points: Iterable[tuple[float, float]], boundaries: Any) -> list[str]:
    """FIRs containing any of the (lat, lon) points, in the order first met."""
    found: dict[str, None] = {}
    for lat, lon in points:
        lon = (lon + 180.0) % 360.0 - 180.0
        for icao in boundaries.firs_at((lat, lon)):
            found.setdefault(icao)
    return list(found)


def active_firs(hazards: Iterable[Hazard]) -> dict[str, list[str]]:
    """FIR -> keys of the hazards in it (a small NOTAM circle does not light its whole FIR)."""
    lit: dict[str, list[str]] = {}
    for hazard in hazards:
        if hazard.area and float(hazard.area.get("radius_nm") or 0) < WHOLE_FIR_RADIUS_NM:
            continue
        for fir in hazard.firs:
            lit.setdefault(fir, []).append(hazard.key)
    return lit


def circles(hazards: Iterable[Hazard]) -> list[dict[str, Any]]:
    """NOTAM circles (Q-line areas smaller than their FIR) to draw."""
    out = []
    for hazard in hazards:
        area = hazard.area
        if not area or float(area.get("radius_nm") or 0) >= WHOLE_FIR_RADIUS_NM:
            continue
        out.append({"key": hazard.key, "severity": hazard.severity, "lat": area["lat"],
                    "lon": area["lon"], "radius_nm": area["radius_nm"],
                    "lower_fl": area.get("lower_fl"), "upper_fl": area.get("upper_fl")})
    return out


def health_counts(sources: Sequence[Mapping[str, Any]]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for source in sources:
        counts[source["health"]] = counts.get(source["health"], 0) + 1
    return counts


def _short(value: str | None) -> str:
    """`2025-11-21T17:43:00Z` -> `2025-11-21 17:43Z`."""
    return f"{value[:10]} {value[11:16]}Z" if value and len(value) >= 16 else (value or "")


def _rank(severity: str) -> int:
    return SEVERITIES.index(severity) if severity in SEVERITIES else len(SEVERITIES)
