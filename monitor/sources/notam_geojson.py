"""FAA NOTAM GeoJSON Features (NOTAM API v1 pages, NMS replies) to Items.

A Feature holds `properties.coreNOTAMData`: the structured `notam` fields and the
`notamTranslation[]` texts (SOURCES.md §5). Which text identifies a NOTAM depends on its
classification: international (and military) NOTAMs by their ICAO text, keyed by the Q-line
FIR; US domestic and FDC NOTAMs by their `!` local-format text, keyed by accountability
(`LAX 01/227`), because their ICAO translations are machine-made and wrong in places
(`NOTAMR` without a reference, `Q) KFIR/…`, `A) locationIndicatorICAO`). A Feature without a
usable text gets one composed from its structured fields. The structured fields then add the
issue time, the Q-line circle (with seconds) and the location's FIR or aerodrome.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from monitor.notam.model import fir_code, is_real_fir, split_places
from monitor.sources.api import layout_changed
from monitor.sources.notam_items import parse_first, with_countries, with_times
from monitor.types import Area, Item

DOMESTIC = frozenset({"DOM", "FDC"})
# Fields the FAA documents as always present; the others may be absent (SOURCES.md §5).
REQUIRED = ("number", "type", "text", "classification")

_COORDINATES = re.compile(r"(\d{2})(\d{2})(\d{2})?([NS])(\d{3})(\d{2})(\d{2})?([EW])")
_NUMBER = re.compile(r"(?:null)?([A-Z]?\d{1,4}/\d{2,4})")  # a missing series reads "null0603/09"


def feature_items(features: object, *, where: str, source: str, link: str | None,
                  url: str = "") -> list[Item]:
    """Items of a list of Features; ParseError naming the first one that lost its shape."""
    if not isinstance(features, list):
        raise layout_changed(f"{where} is not a list", url)
    return [feature_item(feature, where=f"{where}[{index}]", source=source, link=link, url=url)
            for index, feature in enumerate(features)]


def feature_item(feature: object, *, where: str, source: str, link: str | None,
                 url: str = "") -> Item:
    """The Item of one Feature (see the module docstring for which text wins)."""
    core = _member(feature, ("properties", "coreNOTAMData"), where, url)
    notam = core.get("notam")
    if not isinstance(notam, dict):
        raise layout_changed(f"{where}.properties.coreNOTAMData has no 'notam' object", url)
    missing = [key for key in REQUIRED if not isinstance(notam.get(key), str)]
    if missing:
        raise layout_changed(f"{where}.properties.coreNOTAMData.notam has no "
                             f"{', '.join(missing)}", url)
    icao, local = _translations(core.get("notamTranslation"), where, url)
    domestic = _text(notam, "classification").upper() in DOMESTIC
    if domestic:
        candidates = [local, _domestic_text(notam), icao]
    else:
        candidates = [icao, _icao_text(notam), local]
    kicz = "KICZ" in (_text(notam, "accountId"), _text(notam, "location"),
                      _text(notam, "icaoLocation"))
    label = f"{where} ({_text(notam, 'number')})"
    item = parse_first([c for c in candidates if c], source=source, link=link, kicz=kicz,
                       where=label, url=url)
    start, end, permanent = (_time(notam, "effectiveStart"), _time(notam, "effectiveEnd"),
                             _text(notam, "effectiveEnd").upper() == "PERM")
    item = with_times(item, published_at=_time(notam, "issued"), valid_from=start,
                      valid_to=end, permanent=permanent, authoritative=domestic)
    return with_countries(_with_places(item, notam))


def _with_places(item: Item, notam: Mapping[str, Any]) -> Item:
    """The structured circle and the location's FIR or aerodrome added to the text's."""
    affected = fir_code(_text(notam, "affectedFIR").upper() or None)
    firs = [affected] if affected and is_real_fir(affected) else []
    location = _text(notam, "icaoLocation").upper()
    more_firs, airports = split_places((location,), affected) if location else ([], ())
    area = _area(notam) or item.area
    firs = sorted({*item.firs, *firs, *more_firs})
    airports = tuple(sorted({*item.airports, *airports}))
    if (tuple(firs), airports, area) == (item.firs, item.airports, item.area):
        return item
    return replace(item, firs=tuple(firs), airports=airports, area=area)


def _translations(value: object, where: str, url: str) -> tuple[str, str]:
    """The ICAO and the local-format texts (either may be "")."""
    if value is None:
        return "", ""
    if not isinstance(value, list):
        raise layout_changed(f"{where}.properties.coreNOTAMData.notamTranslation is not a list",
                             url)
    icao = local = ""
    for entry in value:
        if not isinstance(entry, dict):
            continue
        kind = entry.get("type")
        if kind == "ICAO" and not icao:
            icao = _text(entry, "formattedText").strip()
        elif kind == "LOCAL_FORMAT" and not local:
            local = _text(entry, "simpleText").strip()
    return icao, local


def _domestic_text(notam: Mapping[str, Any]) -> str:
    """`!<accountability> <number> <location> <text> <start>-<end>` from the fields."""
    account, number = _text(notam, "accountId"), _number(notam)
    location, text = _text(notam, "location"), _text(notam, "text").strip()
    if not (account and number and location and text):
        return ""
    start = _stamp(_time(notam, "effectiveStart"))
    end = "PERM" if _text(notam, "effectiveEnd").upper() == "PERM" else _stamp(
        _time(notam, "effectiveEnd"))
    validity = f" {start}-{end}" if start and end else ""
    return f"!{account} {number} {location} {text}{validity}"


def _icao_text(notam: Mapping[str, Any]) -> str:
    """An ICAO text (header, Q) to G)) from the fields, for Features without one."""
    number, text = _number(notam), _text(notam, "text").strip()
    if not (number and text):
        return ""
    kind = _text(notam, "type").upper()
    lines = [f"{number} NOTAM{kind if kind in ('N', 'R', 'C') else 'N'}"]
    fir, code = _text(notam, "affectedFIR"), _text(notam, "selectionCode")
    if fir and code:
        radius = _text(notam, "radius")
        circle = _text(notam, "coordinates") + (f"{int(radius):03d}" if radius.isdigit() else "")
        fields = (fir, code, *(_text(notam, k) for k in ("traffic", "purpose", "scope",
                                                          "minimumFL", "maximumFL")), circle)
        lines.append("Q) " + "/".join(fields))
    location = _text(notam, "icaoLocation") or _text(notam, "location")
    start = _stamp(_time(notam, "effectiveStart"))
    end = "PERM" if _text(notam, "effectiveEnd").upper() == "PERM" else _stamp(
        _time(notam, "effectiveEnd"))
    lines.append(" ".join(part for part in (f"A) {location}" if location else "",
                                            f"B) {start}" if start else "",
                                            f"C) {end}" if end else "") if part))
    schedule = _text(notam, "schedule").strip()
    if schedule and schedule != "-":
        lines.append(f"D) {schedule}")
    lines.append(f"E) {text}")
    lower, upper = _text(notam, "lowerLimit").strip(), _text(notam, "upperLimit").strip()
    if lower or upper:
        lines.append(" ".join(p for p in (f"F) {lower}" if lower else "",
                                          f"G) {upper}" if upper else "") if p))
    return "\n".join(line for line in lines if line)


def _area(notam: Mapping[str, Any]) -> Area | None:
    """The circle of `coordinates` (seconds allowed) and `radius`; None when damaged."""
    found = _COORDINATES.fullmatch(_text(notam, "coordinates").strip())
    radius = _text(notam, "radius").strip()
    if found is None or not radius.isdigit():
        return None
    lat = _degrees(found[1], found[2], found[3], 90, found[4] == "S")
    lon = _degrees(found[5], found[6], found[7], 180, found[8] == "W")
    if lat is None or lon is None:
        return None
    lower, upper = _text(notam, "minimumFL"), _text(notam, "maximumFL")
    return Area(lat=lat, lon=lon, radius_nm=float(int(radius)),
                lower_fl=int(lower) if lower.isdigit() else None,
                upper_fl=int(upper) if upper.isdigit() else None)


def _degrees(deg: str, minutes: str, seconds: str | None, limit: int,
             negative: bool) -> float | None:
    m, s = int(minutes), int(seconds) if seconds else 0
    if m >= 60 or s >= 60:
        return None
    value = round(int(deg) + m / 60 + s / 3600, 4)
    if value > limit:
        return None
    return -value if negative else value


def _member(value: object, path: tuple[str, ...], where: str, url: str) -> dict[str, Any]:
    here, found = where, value
    for key in path:
        inner = found.get(key) if isinstance(found, dict) else None
        if not isinstance(inner, dict):
            raise layout_changed(f"{here} has no '{key}' object", url)
        here, found = f"{here}.{key}", inner
    if not isinstance(found, dict):
        raise layout_changed(f"{where} is not an object", url)
    return found


def _text(record: Mapping[str, Any], key: str) -> str:
    value = record.get(key)
    return value if isinstance(value, str) else ""


def _number(notam: Mapping[str, Any]) -> str:
    found = _NUMBER.fullmatch(_text(notam, "number").strip())
    return found.group(1) if found else ""


def _time(notam: Mapping[str, Any], key: str) -> datetime | None:
    """ISO with milliseconds and `Z`; `PERM`, empty or junk -> None."""
    value = _text(notam, key).strip()
    if not value or value.upper() == "PERM":
        return None
    try:
        stamp = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if stamp.tzinfo is None:
        return stamp.replace(tzinfo=UTC)
    try:
        return stamp.astimezone(UTC)
    except OverflowError:  # year 1 or 9999 with an offset
        return None


def _stamp(value: datetime | None) -> str:
    return value.strftime("%y%m%d%H%M") if value is not None else ""
