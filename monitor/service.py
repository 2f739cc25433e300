"""Composition: turns a config file into a running monitor, and answers the CLI's questions."""

from __future__ import annotations

import itertools
import json
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, BinaryIO, TextIO

from monitor.config import Config, load_config
from monitor.errors import MonitorError, UsageError
from monitor.logs import log

ONCE_WORKERS = 8


def load(path: str | Path) -> Config:
    """Load the config and teach the logger its secrets and format."""
    config = load_config(path)
    log.add_secrets(config.secrets)
    log.configure(fmt=config.monitor.log_format)
    return config


def open_store(config: Config, *, migrate: bool = True) -> Any:
    from monitor import db
    from monitor.store import Store

    url = config.database_url
    if migrate:
        db.ensure_current(url)
    return Store(url)


def open_runtime(config: Config, *, migrate: bool = True, announce: bool = True) -> Any:
    from monitor.http import HttpClient
    from monitor.runtime import Runtime, build_sources, build_watches

    store = open_store(config, migrate=migrate)
    settings = config.monitor
    http = HttpClient(user_agent=settings.user_agent, timeout=settings.timeout.total_seconds(),
                      max_body=settings.max_body, retries=settings.fetch_retries,
                      host_gap=settings.host_gap.total_seconds())
    sources, disabled = build_sources(config)
    remembering = {name: s.remembers for name, s in sources.items() if s.remembers}
    for name, kept in store.kept_parts(remembering).items():
        sources[name].restore(kept)
    if announce:
        for name, reason in disabled.items():
            log.warning("source.disabled", source=name, reason=reason)
        for name in config.disabled_channels():
            log.warning("channel.disabled", channel=name,
                        reason="empty url; alerts are stored and logged but not sent")
    return Runtime(config=config, store=store, http=http, sources=sources,
                   watches=build_watches(config))


def close_runtime(rt: Any) -> None:
    rt.http.close()
    rt.store.close()


def once(config: Config, names: list[str]) -> int:
    """Run the named (default: all enabled) sources once, deliver what is due. Exit code."""
    from monitor.outbox import sweep
    from monitor.pipeline import run_many

    unknown = [n for n in names if n not in config.sources]
    if unknown:
        raise UsageError(f"unknown source(s): {', '.join(unknown)} "
                           f"(configured: {', '.join(config.sources) or 'none'})")
    rt = open_runtime(config)
    try:
        selected = names or [s.name for s in config.enabled_sources()]
        runnable = []
        for name in selected:
            if name in rt.sources:
                runnable.append(name)
            else:
                log.warning("source.skipped", source=name, reason="disabled")
        outcomes = run_many(rt, runnable, workers=ONCE_WORKERS)
        failed = sum(o.status == "failed" for o in outcomes)
        sweep(rt)
        write_feeds(config)
        return 1 if failed else 0
    finally:
        close_runtime(rt)


def serve(config: Config, stop: threading.Event | None = None) -> None:
    """`monitor run`: the scheduler in the foreground until a signal (or `stop`)."""
    from monitor.outbox import sweep
    from monitor.pipeline import check_stale, run_source
    from monitor.scheduler import run_forever

    rt = open_runtime(config)

    def run_job(name: str) -> None:
        try:
            outcome = run_source(rt, name, respect_backoff=True)
            if outcome.alerts:  # deliver at once; retries are the sweeper job's
                sweep(rt)
                write_feeds(config)
        except Exception as exc:  # the store itself failed: log, keep the scheduler alive
            log.error("job.failed", source=name, error=log.redact(f"{type(exc).__name__}: {exc}"))

    def sweep_job() -> None:
        try:
            check_stale(rt)
            sweep(rt)
        except Exception as exc:
            log.error("sweep.failed", error=log.redact(f"{type(exc).__name__}: {exc}"))

    def maintain_job() -> None:
        try:
            prune(config, store=rt.store)
        except Exception as exc:
            log.error("prune.failed", error=log.redact(f"{type(exc).__name__}: {exc}"))

    jobs = {name: (config.sources[name].every, config.sources[name].jitter)
            for name in rt.sources}
    try:
        run_forever(jobs=jobs, run_job=run_job, sweep=sweep_job, maintain=maintain_job,
                    stop=stop)
    finally:
        close_runtime(rt)


def prune(config: Config, *, store: Any = None, vacuum: bool = False,
          now: datetime | None = None) -> dict[str, int]:
    """Apply `retention`: old runs, finished deliveries, raw bodies and closed items go."""
    now = now or datetime.now(UTC)
    own = store is None
    store = store or open_store(config)
    try:
        counts = store.prune(now - config.monitor.retention)
        if vacuum:
            store.vacuum()
    finally:
        if own:
            store.close()
    log.info("prune", retention_days=config.monitor.retention.days, vacuum=vacuum, **counts)
    return counts


# -- reports -------------------------------------------------------------------------------

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


def status(config: Config, now: datetime | None = None) -> dict[str, Any]:
    from alerts.match import match
    from monitor.runtime import build_watches

    now = now or datetime.now(UTC)
    store = open_store(config)
    try:
        active = store.active_items()
        sources = _source_statuses(config, store, now)
        watchlists = []
        for name, watch in build_watches(config).items():
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


def _unreliable(sources: list[SourceStatus]) -> list[str]:
    """Enabled sources not read lately: zero matches only mean "all clear" without them."""
    return sorted(s.name for s in sources
                  if s.enabled and s.health in ("failing", "stale", "never"))


def alerts(config: Config, since: timedelta, watchlist: str | None,
           now: datetime | None = None) -> list[dict[str, Any]]:
    now = now or datetime.now(UTC)
    if watchlist and watchlist not in config.watchlists:
        raise UsageError(f"unknown watchlist '{watchlist}' "
                           f"(configured: {', '.join(config.watchlists) or 'none'})")
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


def notify_test(config: Config, channel: str | None) -> list[tuple[str, bool, str]]:
    """Send a test message to one channel (or all enabled ones) right now, through the outbox."""
    from monitor.outbox import sweep
    from monitor.records import NewAlert
    from monitor.types import Severity

    if channel and channel not in config.channels:
        raise UsageError(f"unknown channel '{channel}' "
                           f"(configured: {', '.join(config.channels) or 'none'})")
    names = [channel] if channel else list(config.channels)
    enabled = [n for n in names if config.channels[n].enabled]
    if not enabled:
        raise MonitorError("no channel with a url to test (set the channel's url, e.g. through "
                           "its ${VAR} in the environment)")
    rt = open_runtime(config, announce=False)
    try:
        now = rt.clock()
        alert = NewAlert(
            category="test", source="monitor", change="test", severity=Severity.INFO,
            title="[INFO] test notification from the airspace monitor",
            data={"message": "If you can read this, the channel works.",
                  "sent_at": _iso(now)}, channels=enabled)
        ids = rt.store.add_alerts([alert], now)
        sweep(rt)
        rows = rt.store.recent_alerts(now - timedelta(seconds=1))
        states = next((a.deliveries for a in rows if a.id == ids[0]), {})
        return [(n, states.get(n) == "sent", states.get(n, "unknown")) for n in enabled]
    finally:
        close_runtime(rt)


def record(config: Config, name: str, out: Path, now: datetime | None = None) -> list[Path]:
    """Fetch one source live and save the raw bodies, for building fixtures."""
    from monitor.http import HttpClient
    from monitor.runtime import build_sources
    from monitor.sources.base import Validators

    if name not in config.sources:
        raise UsageError(f"unknown source '{name}' "
                           f"(configured: {', '.join(config.sources) or 'none'})")
    cfg = config.sources[name]
    sources, disabled = build_sources(config)
    if name in disabled:
        raise MonitorError(f"source {name} is disabled: {disabled[name]}")
    from monitor.sources import source_class

    source = sources.get(name) or source_class(cfg.kind)(cfg.name, cfg.url, cfg.options)
    now = now or datetime.now(UTC)
    stamp = now.strftime("%Y-%m-%dT%H%M%SZ")
    out.mkdir(parents=True, exist_ok=True)
    settings = config.monitor
    with HttpClient(user_agent=settings.user_agent, timeout=settings.timeout.total_seconds(),
                    max_body=settings.max_body) as http:
        fetched = source.fetch(http, Validators(), now=now)
    written = []
    for i, page in enumerate(fetched.pages):
        path = out / f"{name}_{stamp}_{i:02d}{_suffix(page)}"
        path.write_bytes(page)
        written.append(path)
    for label, body in fetched.extra.items():
        path = out / f"{name}_{stamp}_{label}{_suffix(body)}"
        path.write_bytes(body)
        written.append(path)
    meta = out / f"{name}_{stamp}.meta.json"
    meta.write_text(json.dumps({"source": name, "kind": cfg.kind, "url": fetched.url,
                                "fetched_at": _iso(now),
                                "files": [p.name for p in written]}, indent=2) + "\n")
    return [*written, meta]


def _suffix(body: bytes) -> str:
    head = body.lstrip()[:1]
    if head in (b"{", b"["):
        return ".json"
    if body.lstrip()[:5].lower() == b"<?xml" or b"<rss" in body[:500]:
        return ".xml"
    if head == b"<":
        return ".html"
    return ".txt"


def _iso(value: datetime | None) -> str | None:
    from monitor.types import iso

    return iso(value)


def parse_file(kind: str, path: Path, settings: list[str],
               extras: list[str]) -> list[Any]:
    """`monitor parse`: a saved body through one kind's parser, offline."""
    from pydantic import ValidationError

    from monitor.sources import SOURCES

    source_name = kind.replace("_", "-")
    if kind != "notam" and kind not in SOURCES:
        known = ", ".join(sorted([*SOURCES, "notam"]))
        raise UsageError(f"unknown kind '{kind}' (known: {known})")
    body = _read(path)
    if kind == "notam":
        return list(_notam_items(_text(body), source=source_name))
    cls = SOURCES[kind]
    options: dict[str, Any] = {}
    for pair in settings:
        key, sep, value = pair.partition("=")
        if not sep:
            raise UsageError(f"--set {pair}: expected key=value")
        field = cls.Options.model_fields.get(key.strip())
        wants_list = field is not None and "list" in str(field.annotation)
        options[key.strip()] = _option_value(value, wants_list)
    try:
        parsed_options = cls.Options.model_validate(options)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        raise UsageError(f"--set {where}: {err['msg']}") from None
    extra: dict[str, bytes] = {}
    for pair in extras:
        label, sep, file = pair.partition("=")
        if not sep:
            raise UsageError(f"--extra {pair}: expected name=FILE")
        extra[label.strip()] = _read(Path(file))
    source = cls(source_name, None if cls.default_url else f"file://{path.resolve()}",
                 parsed_options)
    from monitor.sources.base import Fetched

    # The way a run parses what it fetched: the items print as the store keeps them.
    return source.parse_fetched(Fetched(source.url or "", pages=(body,), extra=extra))


def print_parsed(kind: str, path: Path, settings: list[str], extras: list[str], *,
                 out: TextIO) -> None:
    """`monitor parse`: `parse_file`'s items written to `out` as JSON, one object per line.

    The text is `json.dumps(item.to_json(), ensure_ascii=False)`'s, written once every item
    is made (a failure prints nothing). A large NOTAM file is parsed in several processes
    where the machine has the cores (`_notam_json`).
    """
    if kind != "notam":
        pieces: Iterable[str | bytes] = list(_json_pieces(parse_file(kind, path, settings,
                                                                     extras)))
    else:
        pieces = _notam_json(path, source="notam")
    binary = _utf8_buffer(out)
    for piece in pieces:
        if isinstance(piece, str):
            out.write(piece)
        elif binary is not None:  # UTF-8 already: not decoded to be encoded again
            out.flush()
            binary.write(piece)
        else:
            out.write(piece.decode("utf-8", "surrogatepass"))


# A NOTAM file from this size is parsed in parts by a process pool: starting the workers
# costs some tens of milliseconds, a MB of NOTAMs (some 5,000) takes 0.15 s.
NOTAM_PROCESSES_AT = 1_000_000
NOTAM_PROCESSES_MAX = 4
_PIECE = 2_000  # items per piece of printed text


def _notam_json(path: Path, *, source: str, processes: int | None = None) -> list[bytes]:
    """The item JSON lines of a NOTAM file, in UTF-8.

    A large file is cut into runs of whole NOTAMs (`cut_notam_file`), one per process (by
    default one per core, at most NOTAM_PROCESSES_MAX); this process parses the first while
    a process pool parses the others. When a part fails, the whole file is parsed again here,
    so the error names the NOTAM by its place in the file, as one process names it.
    """
    from monitor.notam import cut_notam_file

    data = _read(path)
    if processes is None:
        processes = min(_cores(), NOTAM_PROCESSES_MAX)
    parts = (cut_notam_file(data, processes)
             if processes > 1 and len(data) >= NOTAM_PROCESSES_AT else [data])
    if len(parts) < 2:
        return _notam_part_json(data, source)
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    from monitor.errors import ParseError

    del data  # the parts hold it
    first, rest = parts[0], parts[1:]
    try:
        with ProcessPoolExecutor(max_workers=len(rest)) as pool:
            others = [pool.submit(_notam_part_json, part, source) for part in rest]
            pieces = _notam_part_json(first, source)
            for other in others:
                pieces += other.result()
        return pieces
    except (ParseError, BrokenProcessPool, OSError):  # a NOTAM unread, or no worker to be had
        return _notam_part_json(b"".join(parts), source)


def _notam_part_json(data: bytes, source: str) -> list[bytes]:
    """The item JSON lines, in UTF-8, of a file of NOTAMs (or a run of whole NOTAMs of one)."""
    return list(_utf8_pieces(_notam_items(_text(data), source=source)))


def _notam_items(text: str, *, source: str) -> Iterator[Any]:
    """The items of a file of NOTAMs, with their derived fields as a NOTAM source's are."""
    from monitor.countries import derived
    from monitor.notam import iter_notam_items

    return map(derived, iter_notam_items(text, source=source))


def _cores() -> int:
    """The CPU cores this process may run on."""
    import os

    affinity = getattr(os, "sched_getaffinity", None)
    return len(affinity(0)) if affinity is not None else os.cpu_count() or 1


def _text(data: bytes) -> str:
    return data.decode("utf-8", errors="replace")


def _json_pieces(items: Iterable[Any]) -> Iterator[str]:
    """Item JSON lines joined into pieces of `_PIECE` lines (no single copy of all the text).

    The items of a piece are taken first, then written: one stage at a time is faster.
    """
    taken = iter(items)
    while batch := list(itertools.islice(taken, _PIECE)):
        lines = [item.to_json_line() for item in batch]
        lines.append("")
        yield "\n".join(lines)


def _utf8_pieces(items: Iterable[Any]) -> Iterator[bytes]:
    # Encoded piece by piece: text with one "…" takes 2 bytes a character, its UTF-8 about 1.
    for piece in _json_pieces(items):
        yield piece.encode("utf-8", "surrogatepass")


def _utf8_buffer(out: TextIO) -> BinaryIO | None:
    """The binary stream under `out` when `out` writes UTF-8 (and "\n" as it is)."""
    import codecs
    import os

    try:
        utf8 = codecs.lookup(out.encoding).name == "utf-8"
    except (AttributeError, LookupError, TypeError):
        return None
    buffer = getattr(out, "buffer", None)
    return buffer if utf8 and os.linesep == "\n" else None


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise MonitorError(f"{path}: cannot read: {exc.strerror or exc}") from None


def _option_value(text: str, wants_list: bool) -> Any:
    """`--set countries=VE,CO` -> a list; JSON literals (numbers, true, ["a"]) as JSON."""
    try:
        value = json.loads(text)
    except ValueError:
        value = text
    if wants_list and not isinstance(value, list):
        return [v.strip() for v in str(value).split(",") if v.strip()]
    return value


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
        unreliable = _unreliable(_source_statuses(config, store, now or datetime.now(UTC)))
    finally:
        store.close()
    hits = [(s.item, reasons) for s in active if (reasons := match(watch, s.item))]
    hits.sort(key=lambda h: (-int(h[0].severity), h[0].key, h[0].source))
    rows = [{"severity": item.severity.label, "key": item.key, "source": item.source,
             "title": item.title, "reasons": reasons, "valid_to": item.to_json()["valid_to"],
             "url": item.url, "item": item.to_json()} for item, reasons in hits]
    return rows, unreliable


def route_firs(config: Config, text: str) -> tuple[str, ...]:
    """The FIRs a route crosses, in route order, on the configured or shipped boundaries."""
    return _route_profile(config, text).firs


def _route_profile(config: Config, text: str) -> Any:
    from alerts.routes import parse_route, profile_route
    from monitor.runtime import FIR_COUNTRIES, fir_boundaries

    try:
        parsed = parse_route(text)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    return profile_route(parsed, fir_boundaries(config), fir_countries=FIR_COUNTRIES)


# -- Atom feeds ------------------------------------------------------------------------------

FEED_MAX_ENTRIES = 200  # a feed is a recent-changes view; `monitor alerts` has the rest


def feed(config: Config, watchlist: str, *, since: timedelta = timedelta(days=30),
         now: datetime | None = None) -> bytes:
    """`monitor feed`: the watchlist's alerts of the last `since` as an Atom feed."""
    _known_watchlist(config, watchlist)
    now = now or datetime.now(UTC)
    store = open_store(config)
    try:
        return _feed_bytes(store, watchlist, since=since, now=now)
    finally:
        store.close()


def write_feeds(config: Config, now: datetime | None = None) -> list[Path]:
    """Rewrite `<feed_dir>/<watchlist>.xml` for every watchlist, when `feed_dir` is set.

    Each file is replaced atomically, so a web server or reader never sees half a feed.
    """
    if not config.monitor.feed_dir:
        return []
    folder = config.path.parent / config.monitor.feed_dir  # an absolute feed_dir wins
    folder.mkdir(parents=True, exist_ok=True)
    now = now or datetime.now(UTC)
    store = open_store(config, migrate=False)
    written: list[Path] = []
    try:
        for name in config.watchlists:
            target = folder / f"{name}.xml"
            _replace_atomically(target, _feed_bytes(store, name, since=timedelta(days=30),
                                                    now=now))
            written.append(target)
    finally:
        store.close()
    return written


def _known_watchlist(config: Config, watchlist: str) -> None:
    if watchlist not in config.watchlists:
        raise UsageError(f"unknown watchlist '{watchlist}' "
                         f"(configured: {', '.join(config.watchlists) or 'none'})")


def _feed_bytes(store: Any, watchlist: str, *, since: timedelta, now: datetime) -> bytes:
    from alerts.feed import render_atom

    rows = store.recent_alerts(now - since, watchlist, limit=FEED_MAX_ENTRIES)
    return render_atom(watchlist, rows, now=now)


def _replace_atomically(target: Path, content: bytes) -> None:
    import os
    import tempfile

    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)  # mkstemp creates 0600; a feed is meant to be served
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
