"""Load and validate config.toml: `${VAR}` expansion, durations, per-kind source options.

Every problem becomes a ConfigError reading `file: key.path: what is wrong`.
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import time, timedelta
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
)

from monitor.durations import parse_clock_window, parse_duration
from monitor.errors import ConfigError
from monitor.secrets import mask, url_credentials, url_password, whole_values
from monitor.sources.base import SourceOptions
from monitor.types import Severity

DEFAULT_USER_AGENT = "airspace-monitor/0.1 (+https://example.org/contact)"
_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-(.*?))?\}")
_NAME = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_SOURCE_KEYS = {"name", "kind", "url", "every", "jitter", "enabled"}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


def _duration(value: Any, *, allow_zero: bool = False) -> timedelta:
    if isinstance(value, timedelta):
        return value
    if not isinstance(value, str):
        raise ValueError(f"expected a duration string such as '1h', got {value!r}")
    return parse_duration(value, allow_zero=allow_zero)


class MonitorSettings(_Strict):
    database: str = "sqlite:///monitor.db"
    user_agent: str = DEFAULT_USER_AGENT
    log_format: Literal["json", "text"] = "json"
    ops_channels: list[str] = Field(default_factory=list)
    alert_after_failures: int = Field(default=3, ge=1)
    withdraw_after: int = Field(default=2, ge=1)
    feed_dir: str | None = None
    stale_after: str = "3x"
    health_repeat: timedelta = timedelta(hours=6)
    retention: timedelta = timedelta(days=90)
    timeout: timedelta = timedelta(seconds=30)
    max_body: int = Field(default=10_000_000, ge=1024)
    fetch_retries: int = Field(default=2, ge=0, le=10)
    host_gap: timedelta = timedelta(0)
    delivery_attempts: int = Field(default=8, ge=1)
    serve_token: str = ""       # `monitor serve` asks for it when set (write it as ${VAR})
    lease: timedelta = timedelta(minutes=5)   # a run not finished by then is taken over

    @field_validator("health_repeat", "retention", "timeout", "lease", mode="before")
    @classmethod
    def _durations(cls, value: Any) -> timedelta:
        return _duration(value)

    @field_validator("host_gap", mode="before")
    @classmethod
    def _gap(cls, value: Any) -> timedelta:
        return _duration(value, allow_zero=True)

    @field_validator("stale_after")
    @classmethod
    def _stale(cls, value: str) -> str:
        if re.fullmatch(r"\d+(\.\d+)?x", value):
            if float(value[:-1]) <= 0:
                raise ValueError(f"must be positive, got '{value}'")
            return value
        parse_duration(value)
        return value

    def stale_after_for(self, every: timedelta) -> timedelta:
        """`3x` is three of the source's intervals; otherwise a fixed duration."""
        if self.stale_after.endswith("x"):
            return every * float(self.stale_after[:-1])
        return parse_duration(self.stale_after)


class ChannelConfig(_Strict):
    name: str
    url: str = ""
    format: Literal["text", "markdown", "html"] = "markdown"

    @property
    def enabled(self) -> bool:
        return bool(self.url)


class SourceConfig(_Strict):
    name: str
    kind: str
    url: str | None = None
    every: timedelta = timedelta(hours=1)
    jitter: timedelta = timedelta(0)
    enabled: bool = True
    options: SourceOptions = Field(default_factory=SourceOptions)

    @field_validator("every", mode="before")
    @classmethod
    def _every(cls, value: Any) -> timedelta:
        return _duration(value)

    @field_validator("jitter", mode="before")
    @classmethod
    def _jitter(cls, value: Any) -> timedelta:
        return _duration(value, allow_zero=True)


class RouteSpec(_Strict):
    """A route as written in a watchlist; geometry is resolved by alerts.routes."""

    route: str
    firs: list[str] = Field(default_factory=list)
    cruise: str | None = None


class WatchlistConfig(_Strict):
    name: str
    routes: list[str | RouteSpec] = Field(default_factory=list)
    airlines: list[str] = Field(default_factory=list)
    firs: list[str] = Field(default_factory=list)
    airports: list[str] = Field(default_factory=list)
    countries: list[str] = Field(default_factory=list)
    keywords: list[str] = Field(default_factory=list)
    min_severity: Severity = Severity.ADVISORY
    channels: list[str] = Field(default_factory=list)
    digest: bool = True
    quiet_hours: tuple[time, time] | None = None
    timezone: str = "UTC"
    bookings: str | None = None     # a CSV of booked flights, relative to this file

    @field_validator("min_severity", mode="before")
    @classmethod
    def _severity(cls, value: Any) -> Severity:
        if isinstance(value, Severity):
            return value
        if not isinstance(value, str):
            raise ValueError(f"expected a severity name, got {value!r}")
        return Severity.parse(value)

    @field_validator("airlines")
    @classmethod
    def _airlines(cls, values: list[str]) -> list[str]:
        for v in values:
            if not re.fullmatch(r"[A-Z0-9]{2}", v.upper()):
                raise ValueError(f"'{v}' is not an IATA airline code (two characters)")
        return sorted({v.upper() for v in values})

    @field_validator("firs")
    @classmethod
    def _firs(cls, values: list[str]) -> list[str]:
        for v in values:
            if not re.fullmatch(r"[A-Z]{4}", v.upper()):
                raise ValueError(f"'{v}' is not an ICAO FIR code (four letters)")
        return sorted({v.upper() for v in values})

    @field_validator("countries")
    @classmethod
    def _countries(cls, values: list[str]) -> list[str]:
        for v in values:
            if not re.fullmatch(r"[A-Z]{2}", v.upper()):
                raise ValueError(f"'{v}' is not an ISO 3166-1 alpha-2 country code")
        return sorted({v.upper() for v in values})

    @field_validator("quiet_hours", mode="before")
    @classmethod
    def _quiet(cls, value: Any) -> Any:
        if value is None or isinstance(value, tuple):
            return value
        if not isinstance(value, str):
            raise ValueError(f"expected 'HH:MM-HH:MM', got {value!r}")
        return parse_clock_window(value)

    @field_validator("timezone")
    @classmethod
    def _tz(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone '{value}'") from None
        return value


class GeoConfig(_Strict):
    fir_boundaries: str | None = None


class _Document(_Strict):
    monitor: MonitorSettings = Field(default_factory=MonitorSettings)
    channels: list[ChannelConfig] = Field(default_factory=list)
    sources: list[SourceConfig] = Field(default_factory=list)
    watchlists: list[WatchlistConfig] = Field(default_factory=list)
    geo: GeoConfig = Field(default_factory=GeoConfig)


@dataclass(frozen=True)
class Config:
    """The validated configuration plus where it came from and which values are secret."""

    path: Path
    monitor: MonitorSettings
    channels: dict[str, ChannelConfig]
    sources: dict[str, SourceConfig]
    watchlists: dict[str, WatchlistConfig]
    geo: GeoConfig
    database_url: str = ""  # `monitor.database` or MONITOR_DATABASE, checked and resolved
    secrets: frozenset[str] = field(default_factory=frozenset)

    def enabled_sources(self) -> list[SourceConfig]:
        return [s for s in self.sources.values() if s.enabled]

    def disabled_channels(self) -> list[str]:
        return [c.name for c in self.channels.values() if not c.enabled]


def default_config_path() -> Path:
    return Path(os.environ.get("MONITOR_CONFIG") or "config.toml")


def load_config(path: str | Path, env: Mapping[str, str] | None = None) -> Config:
    """Read, expand and validate a config file. Raises ConfigError."""
    path = Path(path)
    env = os.environ if env is None else env
    label = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(label, "", "file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(label, "", f"cannot read: {exc}") from None
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(label, "", f"TOML syntax error: {exc}") from None
    from_env: set[str] = set()
    try:
        expanded = _expand(raw, env, from_env, label, "")
        return _validate(expanded, label, path, env, frozenset(from_env))
    except ConfigError as exc:
        # A problem may quote (repr) the value it rejects; one from the environment stays hidden.
        hidden = whole_values(from_env)
        hidden |= {repr(value)[1:-1] for value in hidden}
        raise ConfigError(exc.file, exc.key, mask(exc.problem, hidden)) from None


def _expand(value: Any, env: Mapping[str, str], secrets: set[str], label: str, key: str) -> Any:
    """Substitute `${VAR}` / `${VAR:-default}`; values that came from the environment are secret."""
    if isinstance(value, dict):
        return {k: _expand(v, env, secrets, label, f"{key}.{k}" if key else k)
                for k, v in value.items()}
    if isinstance(value, list):
        return [_expand(v, env, secrets, label, f"{key}[{i}]") for i, v in enumerate(value)]
    if not isinstance(value, str) or "${" not in value:
        return value

    def substitute(m: re.Match[str]) -> str:
        name, default = m.group(1), m.group(2)
        if name in env:
            found = env[name]
            if found:
                secrets.add(found)
            return found
        if default is None:
            raise ConfigError(label, key, f"environment variable {name} is not set "
                                          f"(write ${{{name}:-}} for an empty default)")
        return default

    result = _VAR.sub(substitute, value)
    if "${" in result and _VAR.search(value) is None:
        raise ConfigError(label, key, "malformed ${VAR} reference")
    return result


def _validate(raw: dict[str, Any], label: str, path: Path, env: Mapping[str, str],
              from_env: frozenset[str]) -> Config:
    from monitor.sources import SOURCES  # each kind's module loads when it is looked up

    sources_raw = raw.get("sources", [])
    if not isinstance(sources_raw, list):
        raise ConfigError(label, "sources", "must be an array of tables ([[sources]])")
    prepared = []
    for i, entry in enumerate(sources_raw):
        if not isinstance(entry, dict):
            raise ConfigError(label, f"sources[{i}]", "must be a table")
        kind = entry.get("kind")
        if kind is None:
            raise ConfigError(label, f"sources[{i}].kind", "missing (the source kind)")
        if not isinstance(kind, str) or kind not in SOURCES:
            known = ", ".join(sorted(SOURCES))
            raise ConfigError(label, f"sources[{i}].kind",
                              f"unknown kind {kind!r} (known: {known})")
        if not entry.get("url") and SOURCES[kind].default_url is None:
            raise ConfigError(label, f"sources[{i}].url",
                              f"missing (kind {kind} has no default url)")
        common = {k: v for k, v in entry.items() if k in _SOURCE_KEYS}
        extra = {k: v for k, v in entry.items() if k not in _SOURCE_KEYS}
        if "options" in extra:
            raise ConfigError(label, f"sources[{i}].options",
                              "kind options sit inline in the [[sources]] table")
        try:
            common["options"] = SOURCES[kind].Options.model_validate(extra)
        except ValidationError as exc:
            key, problem = _describe(exc, f"sources[{i}]")
            raise ConfigError(label, key, problem) from None
        prepared.append(common)
    document = {**raw, "sources": prepared}
    try:
        parsed = _Document.model_validate(document)
    except ValidationError as exc:
        key, problem = _describe(exc, "")
        raise ConfigError(label, key, problem) from None
    _check_references(parsed, label)
    _check_places(parsed, label)
    _check_bookings(parsed, label)
    _check_web_urls(parsed, label)
    database_url = _checked_database_url(parsed.monitor.database, env, label, path)
    return Config(
        path=path, monitor=parsed.monitor,
        channels={c.name: c for c in parsed.channels},
        sources={s.name: s for s in parsed.sources},
        watchlists={w.name: w for w in parsed.watchlists},
        geo=parsed.geo,
        database_url=database_url,
        secrets=frozenset(_secrets(parsed, from_env, database_url)),
    )


def _secrets(doc: _Document, from_env: frozenset[str], database_url: str) -> set[str]:
    """Whole values (from the environment, secret options such as API keys, the board's
    token, channel URLs) and the credential parts of the channel and database URLs; see
    monitor.secrets."""
    holders: list[BaseModel] = [doc.monitor, *(s.options for s in doc.sources)]
    keys = [value.get_secret_value() for holder in holders
            for value in dict(holder).values() if isinstance(value, SecretStr)]
    urls = [c.url for c in doc.channels if c.url]
    keys.append(doc.monitor.serve_token)
    found = whole_values([*from_env, *keys, *urls]) | url_password(database_url)
    for url in urls:
        found |= url_credentials(url)
    return found


def _check_references(doc: _Document, label: str) -> None:
    """Names are kebab-case and unique per section; channel references exist."""
    for section in ("channels", "sources", "watchlists"):
        seen: set[str] = set()
        for i, entry in enumerate(getattr(doc, section)):
            if not _NAME.fullmatch(entry.name):
                raise ConfigError(label, f"{section}[{i}].name",
                                  f"'{entry.name}' is not a kebab-case name")
            if entry.name in seen:
                raise ConfigError(label, f"{section}[{i}].name", f"duplicate name '{entry.name}'")
            seen.add(entry.name)
    channels = {c.name for c in doc.channels}
    for i, w in enumerate(doc.watchlists):
        for j, c in enumerate(w.channels):
            if c not in channels:
                raise ConfigError(label, f"watchlists[{i}].channels[{j}]",
                                  f"unknown channel '{c}'")
    for j, c in enumerate(doc.monitor.ops_channels):
        if c not in channels:
            raise ConfigError(label, f"monitor.ops_channels[{j}]", f"unknown channel '{c}'")


def _check_web_urls(doc: _Document, label: str) -> None:
    """A source's `url` and its kind's `*_url` options are web pages the monitor fetches or
    links to: http(s) with a host (an empty option means "none")."""
    for i, source in enumerate(doc.sources):
        named = [("url", source.url or "")]
        named += [(k, v) for k, v in dict(source.options).items()
                  if k.endswith("_url") and isinstance(v, str)]
        for key, value in named:
            problem = _web_url_problem(value) if value else None
            if problem:
                raise ConfigError(label, f"sources[{i}].{key}", problem)


def _web_url_problem(url: str) -> str | None:
    """Why `url` is not an http(s) address the HTTP client can fetch, else None."""
    try:
        split = urlsplit(url)
        split.port  # noqa: B018 - parses the port, raising ValueError when it is not one
    except ValueError:
        return f"not a valid URL: {url!r}"
    if split.scheme.lower() not in ("http", "https"):
        return f"expected an http:// or https:// URL, got {url!r}"
    host = split.hostname or ""
    if not host or any(c.isspace() for c in split.netloc):
        return f"no valid host in {url!r}"
    return None


def _checked_database_url(configured: str, env: Mapping[str, str], label: str,
                          path: Path) -> str:
    """The database URL in use (MONITOR_DATABASE wins), which SQLAlchemy must be able to open:
    parsed, its dialect and driver loadable, without connecting."""
    from monitor.db import database_url_problem

    override = env.get("MONITOR_DATABASE") or ""
    url = resolve_database_url(override or configured, path.parent)
    problem = database_url_problem(url)
    if problem:
        where = "set by MONITOR_DATABASE: " if override else ""
        raise ConfigError(label, "monitor.database", where + problem)
    return url


def _check_places(doc: _Document, label: str) -> None:
    """Airport codes and routes must resolve (airportsdata), else the desk watches nothing."""
    if not doc.geo.fir_boundaries and not any(w.airports or w.routes for w in doc.watchlists):
        return   # nothing to place: the geography modules stay unloaded
    from alerts.airports import UnknownAirport, resolve_airport
    from alerts.routes import load_fir_boundaries, parse_route

    if doc.geo.fir_boundaries:
        geo_path = Path(label).parent / doc.geo.fir_boundaries
        try:
            load_fir_boundaries(json.loads(geo_path.read_text(encoding="utf-8")))
        except OSError as exc:
            raise ConfigError(label, "geo.fir_boundaries",
                              f"cannot read {geo_path}: {exc.strerror or exc}") from None
        except ValueError as exc:
            raise ConfigError(label, "geo.fir_boundaries", f"not FIR polygons: {exc}") from None
    for i, w in enumerate(doc.watchlists):
        for j, code in enumerate(w.airports):
            try:
                resolve_airport(code)
            except UnknownAirport as exc:
                raise ConfigError(label, f"watchlists[{i}].airports[{j}]", str(exc)) from None
        for j, spec in enumerate(w.routes):
            try:
                parse_route(spec if isinstance(spec, str) else spec.model_dump(exclude_none=True))
            except ValueError as exc:
                raise ConfigError(label, f"watchlists[{i}].routes[{j}]", str(exc)) from None


def _check_bookings(doc: _Document, label: str) -> None:
    """A watchlist's bookings file is read and checked whole: a bad row is an error naming
    the file and the line (`bookings.csv: line 7: date: ...`), never half a file."""
    if not any(w.bookings for w in doc.watchlists):
        return
    from monitor.bookings import BookingsError, read_bookings

    for i, w in enumerate(doc.watchlists):
        if w.bookings is None:
            continue
        path = Path(label).parent / w.bookings
        try:
            read_bookings(path.read_bytes())
        except OSError as exc:
            raise ConfigError(label, f"watchlists[{i}].bookings",
                              f"cannot read {path}: {exc.strerror or exc}") from None
        except BookingsError as exc:
            raise ConfigError(str(path), f"line {exc.line}" if exc.line else "",
                              exc.problem) from None


_BRANCH_LABELS = {"str", "constrained-str"}


def _describe(exc: ValidationError, prefix: str) -> tuple[str, str]:
    """The first pydantic error as (key.path, problem) in config.toml terms."""
    errors = exc.errors()
    # A union (a route string or table) reports one error per branch: prefer the table's.
    error = next((e for e in errors if not _BRANCH_LABELS & set(map(str, e["loc"]))), errors[0])
    key = prefix
    for part in error["loc"]:
        if isinstance(part, int):
            key += f"[{part}]"
        elif part in _BRANCH_LABELS or part == "RouteSpec":
            continue  # pydantic union branch labels are not config keys
        else:
            key += f".{part}" if key else str(part)
    problem = _problem_text(error)
    return key, problem


def _problem_text(error: Mapping[str, Any]) -> str:
    kind = error.get("type", "")
    given = error.get("input")
    if kind == "extra_forbidden":
        return "unknown key"
    if kind == "missing":
        return "missing (required)"
    message = str(error.get("msg", "invalid value"))
    message = message.removeprefix("Value error, ")
    if kind.endswith(("_type", "_parsing")) or kind == "literal_error":
        return f"{message[0].lower()}{message[1:]}, got {given!r}"
    return message


def resolve_database_url(url: str, base: Path) -> str:
    """Relative SQLite paths are relative to the config file, so `make run` and a service
    unit started from another directory use the same database."""
    prefix = "sqlite:///"
    if url.startswith(prefix) and not url.startswith(prefix + "/"):
        rest = url[len(prefix):]
        if rest and rest != ":memory:" and not rest.startswith(":"):
            return prefix + str((base / rest).resolve())
    return url
