"""Plain, frozen domain values: items seen upstream, severities, changes."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import IntEnum, StrEnum
from typing import Any


class Severity(IntEnum):
    """Ordered so that `item.severity >= watchlist.min_severity` reads right."""

    INFO = 0
    ADVISORY = 1
    WARNING = 2
    CRITICAL = 3

    @property
    def label(self) -> str:
        return self._name_.lower()  # `.name` is a descriptor lookup; items print one each

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            names = ", ".join(s.label for s in cls)
            raise ValueError(f"unknown severity '{text}' (one of: {names})") from None


class ItemKind(StrEnum):
    NOTAM = "notam"
    RESTRICTION = "restriction"
    BULLETIN = "bulletin"
    ADVISORY = "advisory"
    FLIGHT = "flight"


# Statuses after which an item is no longer a hazard (an all-clear when they are reached).
CLOSED_STATUSES = frozenset({"cancelled", "expired", "withdrawn", "replaced"})
NOTICE_STATUSES = frozenset({"active", *CLOSED_STATUSES})
FLIGHT_DISRUPTED = frozenset({"cancelled", "cancelled_probable"})
FLIGHT_STATUSES = frozenset({
    "scheduled", "delayed", "departed", "landed", "diverted",
    "cancelled", "cancelled_probable", "unknown",
})


class ChangeKind(StrEnum):
    NEW = "new"
    UPDATED = "updated"
    WITHDRAWN = "withdrawn"
    CANCELLED = "cancelled"
    EXPIRED = "expired"
    REINSTATED = "reinstated"
    ESTIMATED_END = "estimated_end"    # a NOTAM's EST end passed with no replacement seen
    RESUMED = "resumed"                # a cancelled flight is scheduled again

    @property
    def is_all_clear(self) -> bool:
        return self in (ChangeKind.WITHDRAWN, ChangeKind.CANCELLED, ChangeKind.EXPIRED,
                        ChangeKind.RESUMED)


@dataclass(frozen=True, slots=True)
class Area:
    """A NOTAM Q-line circle: centre, radius and flight-level band."""

    lat: float
    lon: float
    radius_nm: float
    lower_fl: int | None = None
    upper_fl: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {"lat": self.lat, "lon": self.lon, "radius_nm": self.radius_nm,
                "lower_fl": self.lower_fl, "upper_fl": self.upper_fl}


@dataclass(frozen=True, slots=True)
class Flight:
    """One flight on one local date."""

    number: str
    date: str                      # local date, YYYY-MM-DD
    origin: str | None = None      # ICAO
    destination: str | None = None  # ICAO
    scheduled: datetime | None = None

    def to_json(self) -> dict[str, Any]:
        return {"number": self.number, "date": self.date, "origin": self.origin,
                "destination": self.destination, "scheduled": iso(self.scheduled)}


@dataclass(frozen=True, slots=True)
class Item:
    """One thing a source reports (a NOTAM, a PRN entry, a bulletin, a notice, a flight).

    Code lists are normalised on construction (upper case, deduplicated, sorted) so two
    parses of the same upstream record are equal and hash the same.
    """

    source: str
    kind: str
    key: str
    title: str
    severity: Severity = Severity.INFO
    status: str = "active"
    body: str = ""
    url: str | None = None
    firs: tuple[str, ...] = ()
    airports: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    airlines: tuple[str, ...] = ()
    flight: Flight | None = None
    valid_from: datetime | None = None
    valid_to: datetime | None = None
    valid_to_estimated: bool = False
    replaces: str | None = None
    cancels: str | None = None
    area: Area | None = None
    published_at: datetime | None = None
    # Not part of the JSON contract: extra text that identifies a revision (e.g. EASA's
    # `updated` stamp) so a change upstream is seen even when title and body are equal.
    revision: str = field(default="", compare=True)

    def __post_init__(self) -> None:
        for name in ("firs", "airports", "countries", "airlines"):
            values = getattr(self, name)
            object.__setattr__(self, name, codes(values))
        for name in ("valid_from", "valid_to", "published_at"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, utc(value))
        object.__setattr__(self, "severity", Severity(self.severity))

    def to_json(self) -> dict[str, Any]:
        """The item JSON of DESIGN.md, keys in contract order."""
        return {
            "source": self.source, "kind": self.kind, "key": self.key,
            "title": self.title, "body": self.body, "url": self.url,
            "severity": self.severity.label, "status": self.status,
            "firs": list(self.firs), "airports": list(self.airports),
            "countries": list(self.countries), "airlines": list(self.airlines),
            "flight": self.flight.to_json() if self.flight else None,
            "valid_from": iso(self.valid_from), "valid_to": iso(self.valid_to),
            "valid_to_estimated": self.valid_to_estimated,
            "replaces": self.replaces, "cancels": self.cancels,
            "area": self.area.to_json() if self.area else None,
            "published_at": iso(self.published_at),
        }

    def to_json_line(self) -> str:
        """`json.dumps(self.to_json(), ensure_ascii=False)`, built without the dict.

        The command line prints an item per NOTAM of a file, and the generic encoder costs
        several times this. A value of a type the contract does not expect goes through that
        same encoder, so the text is byte for byte the same.
        """
        source, kind, key, title, body, status = (
            self.source, self.kind, self.key, self.title, self.body, self.status)
        url, replaces, cancels, flight, area = (
            self.url, self.replaces, self.cancels, self.flight, self.area)
        return "".join((
            '{"source": ', _encode_str(source) if source.__class__ is str else _json(source),
            ', "kind": ', _encode_str(kind) if kind.__class__ is str else _json(kind),
            ', "key": ', _encode_str(key) if key.__class__ is str else _json(key),
            ', "title": ', _encode_str(title) if title.__class__ is str else _json(title),
            ', "body": ', _encode_str(body) if body.__class__ is str else _json(body),
            ', "url": ', "null" if url is None else _json(url),
            ', "severity": "', self.severity.label,  # a lower-case name: nothing to escape
            '", "status": ', _encode_str(status) if status.__class__ is str else _json(status),
            ', "firs": ', json_codes(self.firs), ', "airports": ', json_codes(self.airports),
            ', "countries": ', json_codes(self.countries),
            ', "airlines": ', json_codes(self.airlines),
            ', "flight": ', _json(flight.to_json()) if flight else "null",
            ', "valid_from": ', json_time(self.valid_from),
            ', "valid_to": ', json_time(self.valid_to),
            ', "valid_to_estimated": ', _json(self.valid_to_estimated),
            ', "replaces": ', "null" if replaces is None else _json(replaces),
            ', "cancels": ', "null" if cancels is None else _json(cancels),
            ', "area": ', _json_area(area) if area else "null",
            ', "published_at": ', json_time(self.published_at), "}",
        ))

    @property
    def content_hash(self) -> str:
        """What a change is measured on: every contract field plus the revision stamp."""
        payload = self.to_json()
        payload["revision"] = self.revision
        raw = json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()
        return hashlib.sha256(raw).hexdigest()[:32]

    @property
    def is_active(self) -> bool:
        """Still in view: a notice not closed; a flight not gone from the window (a cancelled
        flight is very much in view: its status is the news)."""
        if self.kind == ItemKind.FLIGHT:
            return self.status != "withdrawn"
        return self.status not in CLOSED_STATUSES


# Item's slot setters, in field order: calling them beats `object.__setattr__` by name.
(_set_source, _set_kind, _set_key, _set_title, _set_severity, _set_status, _set_body, _set_url,
 _set_firs, _set_airports, _set_countries, _set_airlines, _set_flight, _set_valid_from,
 _set_valid_to, _set_valid_to_estimated, _set_replaces, _set_cancels, _set_area,
 _set_published_at, _set_revision) = (
    Item.__dict__[name].__set__ for name in Item.__dataclass_fields__)  # type: ignore[attr-defined]


def normalised_item(
        source: str, kind: str, key: str, title: str, severity: Severity = Severity.INFO,
        status: str = "active", body: str = "", url: str | None = None,
        firs: tuple[str, ...] = (), airports: tuple[str, ...] = (),
        countries: tuple[str, ...] = (), airlines: tuple[str, ...] = (),
        flight: Flight | None = None, valid_from: datetime | None = None,
        valid_to: datetime | None = None, valid_to_estimated: bool = False,
        replaces: str | None = None, cancels: str | None = None, area: Area | None = None,
        published_at: datetime | None = None, revision: str = "") -> Item:
    """`Item(...)` for values already in the form `Item.__post_init__` gives them.

    The caller vouches for that form: code tuples as `codes()` returns them (upper case,
    stripped, deduplicated, sorted), datetimes aware with `tzinfo=UTC`, `severity` a
    Severity. Parsers that build their values that way (monitor.notam) skip the checks,
    which cost more than the rest of making an item.
    """
    item = object.__new__(Item)
    _set_source(item, source)
    _set_kind(item, kind)
    _set_key(item, key)
    _set_title(item, title)
    _set_severity(item, severity)
    _set_status(item, status)
    _set_body(item, body)
    _set_url(item, url)
    _set_firs(item, firs)
    _set_airports(item, airports)
    _set_countries(item, countries)
    _set_airlines(item, airlines)
    _set_flight(item, flight)
    _set_valid_from(item, valid_from)
    _set_valid_to(item, valid_to)
    _set_valid_to_estimated(item, valid_to_estimated)
    _set_replaces(item, replaces)
    _set_cancels(item, cancels)
    _set_area(item, area)
    _set_published_at(item, published_at)
    _set_revision(item, revision)
    return item


def item_from_json(data: dict[str, Any], *, revision: str = "") -> Item:
    """Rebuild an Item from its contract JSON (as kept in the store)."""
    flight = data.get("flight")
    area = data.get("area")
    return Item(
        source=data["source"], kind=data["kind"], key=data["key"], title=data["title"],
        body=data.get("body") or "", url=data.get("url"),
        severity=Severity.parse(data["severity"]), status=data["status"],
        firs=tuple(data.get("firs") or ()), airports=tuple(data.get("airports") or ()),
        countries=tuple(data.get("countries") or ()),
        airlines=tuple(data.get("airlines") or ()),
        flight=Flight(number=flight["number"], date=flight["date"], origin=flight.get("origin"),
                      destination=flight.get("destination"),
                      scheduled=parse_iso(flight.get("scheduled"))) if flight else None,
        valid_from=parse_iso(data.get("valid_from")), valid_to=parse_iso(data.get("valid_to")),
        valid_to_estimated=bool(data.get("valid_to_estimated")),
        replaces=data.get("replaces"), cancels=data.get("cancels"),
        area=Area(**area) if area else None,
        published_at=parse_iso(data.get("published_at")),
        revision=revision,
    )


def codes(values: Any) -> tuple[str, ...]:
    """Upper-cased, deduplicated, sorted code tuple."""
    return tuple(sorted({str(v).strip().upper() for v in values if str(v).strip()}))


def utc(value: datetime) -> datetime:
    """An aware UTC datetime; naive values are taken to be UTC already."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def iso(value: datetime | None) -> str | None:
    """ISO 8601 UTC with `Z`, seconds precision."""
    if value is None:
        return None
    if value.tzinfo is not UTC:
        value = utc(value)
    if value.year >= 1000:  # strftime pads no year to 4 digits; the isoformats are much faster
        return f"{value.date().isoformat()}T{value.time().isoformat()[:8]}Z"
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso(value: str | None) -> datetime | None:
    if not value:
        return None
    return utc(datetime.fromisoformat(value.replace("Z", "+00:00")))


# --- the item JSON line (Item.to_json_line) ---------------------------------------------

_encode_json = json.JSONEncoder(ensure_ascii=False).encode  # = json.dumps(v, ensure_ascii=False)
_encode_str = json.encoder.encode_basestring  # type: ignore[attr-defined]
json_string = _encode_str  # a str as json.dumps(value, ensure_ascii=False) writes it


def _json(value: Any) -> str:
    if value.__class__ is str:
        return _encode_str(value)  # type: ignore[no-any-return]
    if value is None:
        return "null"
    if value is True:
        return "true"
    return "false" if value is False else _encode_json(value)


def json_codes(values: tuple[str, ...]) -> str:
    """A code tuple as the item JSON writes it."""
    if not values:
        return "[]"
    if len(values) == 1:
        return "[" + _json(values[0]) + "]"
    return "[" + ", ".join([_json(v) for v in values]) + "]"


def json_time(value: datetime | None) -> str:
    """A time as the item JSON writes it (`iso`, quoted), or null."""
    if value is None:
        return "null"
    if value.tzinfo is UTC and value.year >= 1000:  # iso(value), without its checks
        return f'"{value.date().isoformat()}T{value.time().isoformat()[:8]}Z"'
    return '"' + iso(value) + '"'  # type: ignore[operator]


def _json_area(area: Area) -> str:
    lat, lon, radius, lower, upper = (area.lat, area.lon, area.radius_nm, area.lower_fl,
                                      area.upper_fl)
    # json writes floats and ints with their repr, and NaN/Infinity (x - x != 0) otherwise
    if (lat.__class__ is float and lon.__class__ is float and radius.__class__ is float
            and lat - lat == 0.0 and lon - lon == 0.0 and radius - radius == 0.0
            and (lower is None or lower.__class__ is int)
            and (upper is None or upper.__class__ is int)):
        return (f'{{"lat": {lat!r}, "lon": {lon!r}, "radius_nm": {radius!r}, '
                f'"lower_fl": {"null" if lower is None else repr(lower)}, '
                f'"upper_fl": {"null" if upper is None else repr(upper)}}}')
    return _encode_json(area.to_json())
