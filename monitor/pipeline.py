"""One source run end to end (fetch, parse, diff, match, store) and the outbox sweeper."""

from __future__ import annotations

import json
import os
import socket
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from alerts.deliver import send
from alerts.match import Watch, match
from alerts.quiet import release_time
from alerts.render import AlertView, alert_title, notify_type, render, render_digest, summary_title
from alerts.routes import FirBoundaries
from monitor.config import Config, WatchlistConfig
from monitor.countries import FIRS
from monitor.diff import Change, Known, confirm, diff
from monitor.errors import FetchError, ParseError
from monitor.health import failure_label, health_alert_due
from monitor.logs import log
from monitor.sources import source_class
from monitor.sources.base import Fetched, Http, Source, Validators
from monitor.store import Claimed, NewAlert, RunRecord, StateView, Store
from monitor.types import FLIGHT_DISRUPTED, ChangeKind, Item, ItemKind, Severity

DELIVERY_LEASE = timedelta(minutes=5)
RETRY_BASE = timedelta(seconds=30)
RETRY_CAP = timedelta(hours=1)


@dataclass
class Runtime:
    """What a run needs: configuration, the store, the HTTP client and the prepared watches."""

    config: Config
    store: Store
    http: Http
    sources: dict[str, Source]
    watches: dict[str, Watch]
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    owner: str = field(default_factory=lambda: f"{socket.gethostname()}:{os.getpid()}")
    send: Callable[..., object] = send

    def channels_for(self, names: Iterable[str]) -> list[str]:
        """Only enabled channels get outbox rows; alerts for the others are stored and logged."""
        return [n for n in names if n in self.config.channels and self.config.channels[n].enabled]


@dataclass(frozen=True)
class RunOutcome:
    source: str
    status: str
    error: str | None = None
    alerts: int = 0


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


def fir_boundaries(config: Config) -> FirBoundaries | None:
    """The `[geo] fir_boundaries` polygons, when configured (validated at config load)."""
    from alerts.routes import load_fir_boundaries

    if not config.geo.fir_boundaries:
        return None
    path = config.path.parent / config.geo.fir_boundaries
    return load_fir_boundaries(json.loads(path.read_text(encoding="utf-8")))


def build_watches(config: Config) -> dict[str, Watch]:
    from alerts.airports import resolve_airport
    from alerts.routes import parse_route, profile_route

    firs = fir_boundaries(config)
    watches = {}
    for w in config.watchlists.values():
        routes = [profile_route(parse_route(r if isinstance(r, str) else
                                            r.model_dump(exclude_none=True)), firs,
                                fir_countries=FIR_COUNTRIES)
                  for r in w.routes]
        watches[w.name] = Watch(
            name=w.name, min_severity=w.min_severity, routes=routes,
            airlines=frozenset(w.airlines), firs=frozenset(w.firs),
            airports=frozenset(resolve_airport(a).icao for a in w.airports),
            countries=frozenset(w.countries), keywords=tuple(w.keywords))
    return watches


def run_source(rt: Runtime, name: str, *, respect_backoff: bool = False) -> RunOutcome:
    """Fetch, parse, diff, match and store one source. Never raises for upstream trouble.

    With `respect_backoff` (the scheduler), a source that keeps failing is left alone until
    its backoff time; an explicit `monitor once` always runs it.
    """
    started = rt.clock()
    if respect_backoff:
        due = rt.store.state(name)
        if due is not None and due.next_due_at is not None and started < due.next_due_at:
            log.log("source.run", "debug", source=name, status="backoff",
                    next_attempt=due.next_due_at.isoformat())
            return RunOutcome(name, "backoff")
    state = rt.store.begin_run(name, rt.config.sources[name].kind, rt.owner, started,
                               _lease_ttl(rt))
    if state is None:
        return _skipped(name)
    try:
        attempt = _attempt(rt, name, state, started)
        known = (rt.store.known_items(name, pending_only=attempt.fetched.not_modified)
                 if attempt.fetched is not None and attempt.error is None else {})
        record = _record(rt, attempt, known)
        rt.store.commit_run(record, lease_owner=rt.owner)
    except BaseException:
        # The run's transaction did not happen (it also releases the lease): free the source.
        rt.store.release_lease(f"source:{name}", rt.owner)
        raise
    return _finish(record)


def run_many(rt: Runtime, names: list[str], *, workers: int = 8) -> list[RunOutcome]:
    """`monitor once`: every named source once, fetched side by side, written together.

    Leases and states are taken in one transaction, the fetches and parses run in a thread
    pool, and every run's rows are committed in one transaction at the end (each run stays
    all-or-nothing; an unchanged cycle costs a handful of statements, not a few per source).
    """
    if not names:
        return []
    started = rt.clock()
    kinds = {n: rt.config.sources[n].kind for n in names}
    states = rt.store.begin_runs(kinds, rt.owner, started, _lease_ttl(rt))
    outcomes = [_skipped(n) for n in names if n not in states]
    leased = [n for n in names if n in states]
    try:
        with ThreadPoolExecutor(max_workers=max(1, min(workers, len(leased)))) as pool:
            attempts = list(pool.map(lambda n: _attempt(rt, n, states[n], started), leased))
        unchanged = [a.name for a in attempts
                     if a.error is None and a.fetched is not None and a.fetched.not_modified]
        pending = rt.store.known_items_many(unchanged)
        records = []
        for a in attempts:
            if a.error is None and a.fetched is not None and not a.fetched.not_modified:
                known = rt.store.known_items(a.name)
            else:
                known = pending.get(a.name, {})
            records.append(_record(rt, a, known))
        rt.store.commit_runs(records, lease_owner=rt.owner)
    except BaseException:
        for n in leased:
            rt.store.release_lease(f"source:{n}", rt.owner)
        raise
    return outcomes + [_finish(r) for r in records]


@dataclass
class _Attempt:
    """What fetching and parsing one source produced (or how it failed)."""

    name: str
    state: StateView
    started: datetime
    t0: float
    fetched: Fetched | None = None
    items: list[Item] = field(default_factory=list)
    error: Exception | None = None


def _attempt(rt: Runtime, name: str, state: StateView, started: datetime) -> _Attempt:
    attempt = _Attempt(name, state, started, time.perf_counter())
    source = rt.sources[name]
    try:
        attempt.fetched = source.fetch(rt.http, Validators(state.etag, state.last_modified),
                                       now=started)
        if not attempt.fetched.not_modified:
            attempt.items = source.parse_fetched(attempt.fetched)
    except Exception as exc:  # a parser bug is a failed run, never a crashed scheduler
        attempt.error = exc
    return attempt


def _record(rt: Runtime, attempt: _Attempt, known: dict[str, Known]) -> RunRecord:
    kind = rt.config.sources[attempt.name].kind
    if attempt.error is not None or attempt.fetched is None:
        return _failure_record(rt, kind, attempt, attempt.error or RuntimeError("no fetch"))
    return _success_record(rt, kind, attempt, attempt.fetched, known)


def _lease_ttl(rt: Runtime) -> timedelta:
    return max(rt.config.monitor.timeout * 6, timedelta(minutes=5))


def _skipped(name: str) -> RunOutcome:
    log.info("source.run", source=name, status="skipped",
             reason="another process is running this source")
    return RunOutcome(name, "skipped")


def _finish(record: RunRecord) -> RunOutcome:
    """The log lines of a committed run: its alerts, then the canonical `source.run`."""
    _log_alerts(record.alerts)
    created = sum(a.merge_into is None for a in record.alerts)
    if record.status == "failed":
        log.error("source.run", source=record.source, status="failed", error=record.error,
                  items=0, new=0, updated=0, withdrawn=0, alerts=created,
                  duration_ms=record.duration_ms)
        return RunOutcome(record.source, "failed", error=record.error, alerts=created)
    log.info("source.run", source=record.source, status=record.status, items=record.items,
             new=record.new, updated=record.updated, withdrawn=record.withdrawn,
             alerts=created, duration_ms=record.duration_ms)
    return RunOutcome(record.source, record.status, alerts=created)


def _success_record(rt: Runtime, kind: str, attempt: _Attempt, fetched: Fetched,
                    known: dict[str, Known]) -> RunRecord:
    name, state, started, items = attempt.name, attempt.state, attempt.started, attempt.items
    now = rt.clock()
    settings = rt.config.monitor
    record = RunRecord(source=name, kind=kind, started_at=started, finished_at=now,
                       status="not_modified" if fetched.not_modified else "ok",
                       bytes=fetched.size, state_exists=state.exists)
    record.state = {"last_attempt_at": started, "last_success_at": now,
                    "consecutive_failures": 0, "last_error": None,
                    "last_status": record.status, "health_alerted_at": None,
                    "next_due_at": None}
    if fetched.not_modified:
        result = confirm(known, now=now, withdraw_after=settings.withdraw_after)
        record.items = state.items_seen
    else:
        result = diff(known, items, now=now, withdraw_after=settings.withdraw_after)
        record.items = len(items)
        record.state.update(items_seen=len(items), etag=fetched.validators.etag,
                            last_modified=fetched.validators.last_modified,
                            baseline_done=True)
        record.raw = [(fetched.url, page) for page in fetched.pages[:1]]
    record.diff = result
    record.new = sum(c.kind == ChangeKind.NEW for c in result.changes)
    record.updated = sum(c.kind in (ChangeKind.UPDATED, ChangeKind.REINSTATED)
                         for c in result.changes)
    record.withdrawn = sum(c.kind.is_all_clear for c in result.changes)
    if state.baseline_done:
        record.alerts += _corroborate(rt, name, _change_alerts(rt, name, result.changes), now)
    elif not fetched.not_modified:
        record.alerts += _summary_alerts(rt, name, known, items, now)
    if state.consecutive_failures >= settings.alert_after_failures or state.health_alerted_at:
        record.alerts.append(_health_alert(rt, name, "recovered", Severity.INFO,
                                           f"source {name} recovered after "
                                           f"{state.consecutive_failures} failed run(s)",
                                           all_clear=True))
        log.info("health", source=name, state="recovered",
                 failures=state.consecutive_failures)
    record.duration_ms = int((time.perf_counter() - attempt.t0) * 1000)
    return record


def _failure_record(rt: Runtime, kind: str, attempt: _Attempt, exc: Exception) -> RunRecord:
    name, state, started, fetched = attempt.name, attempt.state, attempt.started, attempt.fetched
    now = rt.clock()
    settings = rt.config.monitor
    if isinstance(exc, FetchError | ParseError):
        error = str(exc)
    else:
        error = f"internal error: {type(exc).__name__}: {exc}"
    if isinstance(exc, ParseError) and not error.startswith("layout changed"):
        error = f"layout changed: {error}"
    error = log.redact(error)
    failures = state.consecutive_failures + 1
    record = RunRecord(source=name, kind=kind, started_at=started, finished_at=now,
                       status="failed", error=error, bytes=fetched.size if fetched else 0,
                       state_exists=state.exists)
    retry_after = exc.retry_after if isinstance(exc, FetchError) else None
    record.state = {"last_attempt_at": started, "last_failure_at": now,
                    "consecutive_failures": failures, "last_error": error,
                    "last_status": "failed",
                    "next_due_at": now + backoff_delay(failures, rt.config.sources[name].every,
                                                       retry_after)}
    if fetched is not None and fetched.pages:
        record.raw = [(fetched.url, fetched.pages[0])]  # keep the body that failed to parse
    if health_alert_due(failures=failures, threshold=settings.alert_after_failures,
                        alerted_at=state.health_alerted_at, now=now,
                        repeat=settings.health_repeat):
        label = failure_label(error)
        record.alerts.append(_health_alert(
            rt, name, "failing", Severity.WARNING,
            f"source {name} is failing ({label}): {failures} consecutive failed runs; "
            f"last error: {error}", error=error, failures=failures))
        record.state["health_alerted_at"] = now
        log.warning("health", source=name, state="failing", failures=failures, error=error)
    record.duration_ms = int((time.perf_counter() - attempt.t0) * 1000)
    return record


BACKOFF_CAP = timedelta(hours=6)


def backoff_delay(failures: int, every: timedelta, retry_after: float | None) -> timedelta:
    """How long a failing source rests before the scheduler tries again.

    The first failure keeps the normal interval; each further one doubles it, up to a cap
    (never below the interval itself). A server's Retry-After (a quota) wins when longer.
    """
    delay = every * (2 ** min(failures - 1, 10))
    delay = min(delay, max(BACKOFF_CAP, every))
    if retry_after:
        delay = max(delay, timedelta(seconds=retry_after))
    # Leave a little slack so the job that fires exactly one interval later still runs.
    return delay - min(every / 10, timedelta(seconds=30))


def check_stale(rt: Runtime) -> int:
    """Raise a health alert for sources with no success for `stale_after` (once per repeat)."""
    from monitor.health import health_of

    now = rt.clock()
    raised = 0
    for name in rt.sources:
        cfg = rt.config.sources[name]
        state = rt.store.state(name)
        if state is None or state.last_success_at is None:
            continue
        stale_after = rt.config.monitor.stale_after_for(cfg.every)
        if health_of(state, now=now, stale_after=stale_after) != "stale":
            continue
        if not health_alert_due(failures=1, threshold=1, alerted_at=state.health_alerted_at,
                                now=now, repeat=rt.config.monitor.health_repeat):
            continue
        age = now - state.last_success_at
        alert = _health_alert(rt, name, "stale", Severity.WARNING,
                              f"source {name} is stale: no successful run for "
                              f"{int(age.total_seconds() // 60)} min "
                              f"(expected every {int(cfg.every.total_seconds() // 60)} min)",
                              last_success=state.last_success_at.isoformat())
        rt.store.add_alerts([alert], now)
        rt.store.update_state(name, cfg.kind, health_alerted_at=now)
        _log_alerts([alert])
        log.warning("health", source=name, state="stale",
                    last_success=state.last_success_at.isoformat())
        raised += 1
    return raised


TWIN_WINDOW = timedelta(hours=24)


def _change_alerts(rt: Runtime, source: str, changes: list[Change]) -> list[NewAlert]:
    alerts: list[NewAlert] = []
    now = rt.clock()
    for index, change in enumerate(changes):
        item = change.item
        if change.kind == ChangeKind.ESTIMATED_END:
            told = (rt.store.alerted_watchlists(source, item.key)
                    | rt.store.summarised_watchlists(item.key))
            for wname in sorted(told & set(rt.watches)):
                reasons = match(rt.watches[wname], item, ignore_severity=True) or [
                    "previously alerted"]
                alerts.append(_item_alert(rt, source, change, index, wname, reasons,
                                          Severity.ADVISORY, all_clear=False))
            continue
        if change.kind.is_all_clear:
            still = rt.store.other_active_sources(
                item.key, source,
                statuses=sorted(FLIGHT_DISRUPTED) if item.kind == ItemKind.FLIGHT else None)
            if still:
                # Another source still reports it: an all-clear now would be false.
                log.info("alert.suppressed", source=source, key=item.key,
                         change=str(change.kind), reason=f"still active in {', '.join(still)}")
                continue
            told = (rt.store.alerted_watchlists(source, item.key)
                    | rt.store.summarised_watchlists(item.key))
            for wname in sorted(told & set(rt.watches)):
                before = change.previous or item
                reasons = match(rt.watches[wname], before, ignore_severity=True) or [
                    "previously alerted"]
                alerts.append(_item_alert(rt, source, change, index, wname, reasons,
                                          Severity.INFO, all_clear=True))
            continue
        for wname, watch in rt.watches.items():
            reasons = match(watch, item)
            if not reasons:
                continue
            twin = rt.store.twin_alert(wname, item.key, str(change.kind), source,
                                       now - TWIN_WINDOW)
            if twin is not None:
                # The same hazard from another source: one alert citing both, not two.
                twin_id, waiting = twin
                if waiting:  # once delivered, the desk has heard it: nothing to add
                    alerts.append(NewAlert(
                        category="item", source=source, change=str(change.kind),
                        severity=item.severity, title="", data={}, watchlist=wname,
                        item_key=item.key, merge_into=twin_id))
                log.info("alert.merged", source=source, watchlist=wname, key=item.key,
                         into=twin_id, delivered=not waiting)
                continue
            alerts.append(_item_alert(rt, source, change, index, wname, reasons,
                                      item.severity, all_clear=False))
    return alerts


SUSPENSION_WINDOW = timedelta(hours=48)
SUSPENSION_MEMORY = timedelta(days=7)


def _corroborate(rt: Runtime, source: str, alerts: list[NewAlert],
                 now: datetime) -> list[NewAlert]:
    """Flight cancellations of one airline on one watched route become one suspension alert
    (`TP LIS-CCS suspension`) when two signals agree: two cancelled flights within 48 h, or a
    cancellation plus a warning from the airline's own advisory page. Later cancellations on
    that route update the suspension instead of arriving one by one."""
    groups: dict[tuple[str, str, str], list[NewAlert]] = {}
    for alert in alerts:
        item = alert.data.get("item") if alert.category == "item" else None
        if (not item or item.get("kind") != ItemKind.FLIGHT or alert.all_clear
                or item.get("status") != "cancelled" or not alert.watchlist):
            continue
        route = _watched_route(rt.watches[alert.watchlist], item)
        for airline in item.get("airlines") or []:
            if route:
                groups.setdefault((alert.watchlist, airline, route), []).append(alert)
    if not groups:
        return alerts
    replaced: set[int] = set()
    extra: list[NewAlert] = []
    for (wname, airline, route), group in groups.items():
        key = f"{airline} {route} suspension"
        ends = set(route.split("-"))
        flights = {a.data["item"]["key"] for a in group}
        recent = rt.store.recent_cancelled_flights(airline, now - SUSPENSION_WINDOW)
        flights |= {k for k, airports in recent if _same_route(airports, ends, rt)}
        advisory = rt.store.airline_warnings(airline)
        known = rt.store.twin_alert(wname, key, "new", "", now - SUSPENSION_MEMORY,
                                    any_source=True)
        if len(flights) < 2 and not advisory and known is None:
            continue
        reasons = [f"airline {airline}", f"route {route}",
                   f"{len(flights)} cancelled flight(s) within 48 h: "
                   f"{', '.join(sorted(flights))}"]
        if advisory:
            reasons.append(f"{airline} advisory: {advisory[0]}")
        wl = rt.config.watchlists[wname]
        change = "updated" if known is not None else "new"
        title = (f"[WARNING] {key}: {airline} suspended {route} "
                 f"({len(flights)} flight(s) cancelled)")
        first = group[0]
        extra.append(NewAlert(
            category="item", source=source, change=change, severity=Severity.WARNING,
            title=title, watchlist=wname, item_key=key, change_index=first.change_index,
            data={"item": {"key": key, "title": title, "url": first.data["item"].get("url"),
                           "valid_from": None, "valid_to": None, "valid_to_estimated": False,
                           "replaces": None, "cancels": None, "kind": "suspension",
                           "source": source, "severity": "warning"},
                  "reasons": reasons, "sources": [source], "flights": sorted(flights)},
            channels=rt.channels_for(wl.channels),
            deliver_at=_held_until(rt, wl, Severity.WARNING)))
        replaced |= {id(a) for a in group}
        log.info("suspension", watchlist=wname, airline=airline, route=route,
                 flights=sorted(flights), change=change)
    return [a for a in alerts if id(a) not in replaced] + extra


def _watched_route(watch: Watch, item: dict[str, object]) -> str | None:
    flight = item.get("flight") or {}
    pair = (str(flight.get("origin") or ""), str(flight.get("destination") or ""))  # type: ignore[union-attr]
    for profile in watch.routes:
        if pair in profile.flight_legs:
            return profile.label
    return None


def _same_route(airports: tuple[str, ...], ends: set[str], rt: Runtime) -> bool:
    """Do a flight's two ICAO airports match a route written in IATA or ICAO codes?"""
    from alerts.airports import resolve_airport

    wanted = {resolve_airport(code).icao for code in ends}
    return set(airports) == wanted


def _item_alert(rt: Runtime, source: str, change: Change, index: int, wname: str,
                reasons: list[str], severity: Severity, *, all_clear: bool) -> NewAlert:
    item = change.item
    wl: WatchlistConfig = rt.config.watchlists[wname]
    data: dict[str, object] = {
        "item": item.to_json(),
        "previous": change.previous.to_json() if change.previous else None,
        "reasons": reasons, "sources": [source]}
    held = _held_until(rt, wl, severity)
    if held is not None:
        data["held_until"] = held.isoformat()
    return NewAlert(
        category="item", source=source, change=str(change.kind), severity=severity,
        title=alert_title(severity, item.key, item.title, str(change.kind),
                          replaces=item.replaces if change.previous is not None else None,
                          was=change.previous.status if item.flight and change.previous
                          else None),
        data=data,
        channels=rt.channels_for(wl.channels), watchlist=wname, item_key=item.key,
        all_clear=all_clear, change_index=index, deliver_at=held)


def _held_until(rt: Runtime, wl: WatchlistConfig, severity: Severity) -> datetime | None:
    """Quiet hours hold everything but critical alerts until the window ends."""
    if wl.quiet_hours is None or severity >= Severity.CRITICAL:
        return None
    return release_time(rt.clock(), wl.quiet_hours, wl.timezone)


def _summary_alerts(rt: Runtime, source: str, known: dict[str, Known], items: list[Item],
                    now: datetime) -> list[NewAlert]:
    """First successful run: one 'current situation' message per watchlist with matches."""
    alerts = []
    active = [i for i in items if i.is_active]
    for wname, watch in rt.watches.items():
        entries = [(i, r) for i in active if (r := match(watch, i))]
        if not entries:
            continue
        entries.sort(key=lambda e: (-int(e[0].severity), e[0].key))
        top = max(i.severity for i, _ in entries)
        wl = rt.config.watchlists[wname]
        alerts.append(NewAlert(
            category="summary", source=source, change="summary", severity=top,
            title=summary_title(top, len(entries), wname),
            data={"items": [{"item": i.to_json(), "reasons": r} for i, r in entries]},
            channels=rt.channels_for(wl.channels), watchlist=wname,
            deliver_at=_held_until(rt, wl, top)))
    return alerts


def _health_alert(rt: Runtime, source: str, state: str, severity: Severity, message: str,
                  *, all_clear: bool = False, **data: object) -> NewAlert:
    return NewAlert(
        category="health", source=source, change=state, severity=severity,
        title=f"[{severity.name}] health {source}: {message.split(':')[0]}"[:200],
        data={"message": message, "source": source, "state": state, **data},
        channels=rt.channels_for(rt.config.monitor.ops_channels),
        item_key=f"health {source}", all_clear=all_clear)


def _log_alerts(alerts: Iterable[NewAlert]) -> None:
    for a in alerts:
        if a.merge_into is not None:
            continue
        log.info("alert", source=a.source, watchlist=a.watchlist, key=a.item_key,
                 category=a.category, change=a.change, severity=a.severity.label,
                 title=a.title, channels=list(a.channels))


# -- the outbox sweeper ---------------------------------------------------------------------

@dataclass(frozen=True)
class SweepOutcome:
    sent: int = 0
    failed: int = 0
    retrying: int = 0


def sweep(rt: Runtime, *, limit: int = 200) -> SweepOutcome:
    """Send due deliveries: one Apprise call per message and channel, marked right after."""
    now = rt.clock()
    released = rt.store.release_expired(now)
    if released:
        log.warning("delivery.released", count=released,
                    reason="lease expired while sending (a previous process stopped)")
    claimed = rt.store.claim_due(now, owner=rt.owner, lease=DELIVERY_LEASE, limit=limit)
    sent = failed = retrying = 0
    for channel, batch in _messages(rt, claimed):
        ok, error = _deliver(rt, channel, batch)
        ids = [c.id for c in batch]
        done = rt.clock()
        if ok:
            rt.store.mark_sent(ids, done, rt.owner)
            sent += len(ids)
            for c in batch:
                log.info("delivery", channel=channel, alert_id=c.alert_id, status="sent",
                         attempt=c.attempts + 1, batched=len(batch))
            continue
        attempts = max(c.attempts for c in batch) + 1
        give_up = attempts >= rt.config.monitor.delivery_attempts or error == _NO_CHANNEL
        retry_at = None if give_up else done + min(RETRY_BASE * (2 ** (attempts - 1)),
                                                    RETRY_CAP)
        rt.store.mark_failed(ids, done, rt.owner, error=error, retry_at=retry_at)
        for c in batch:
            log.log("delivery", "error" if give_up else "warning", channel=channel,
                    alert_id=c.alert_id, status="failed" if give_up else "retry",
                    attempt=attempts, error=error,
                    next_attempt=retry_at.isoformat() if retry_at else None)
        if give_up:
            failed += len(ids)
        else:
            retrying += len(ids)
    return SweepOutcome(sent, failed, retrying)


_NO_CHANNEL = "channel is no longer configured or has no url"


def _messages(rt: Runtime, claimed: list[Claimed]) -> list[tuple[str, list[Claimed]]]:
    """Group item alerts of one run, watchlist and channel into one digest when asked."""
    groups: dict[tuple[object, ...], list[Claimed]] = {}
    for c in claimed:
        wl = rt.config.watchlists.get(c.watchlist or "")
        if c.category == "item" and c.data.get("held_until"):
            # Released together at the end of quiet hours: one digest per channel.
            key: tuple[object, ...] = ("held", c.channel, c.watchlist, c.data["held_until"])
        elif c.category == "item" and c.run_id is not None and wl is not None and wl.digest:
            key = ("digest", c.channel, c.run_id, c.watchlist)
        else:
            key = ("single", c.id)
        groups.setdefault(key, []).append(c)
    return [(batch[0].channel, batch) for batch in groups.values()]


def _deliver(rt: Runtime, channel_name: str, batch: list[Claimed]) -> tuple[bool, str]:
    channel = rt.config.channels.get(channel_name)
    if channel is None or not channel.enabled:
        return False, _NO_CHANNEL
    views = [AlertView(c.category, c.change, c.severity, c.title, c.watchlist, c.source,
                       c.data, c.all_clear) for c in batch]
    if len(views) == 1:
        title, body = render(views[0], channel.format)
        kind = notify_type(views[0])
    else:
        title, body = render_digest(views, batch[0].watchlist or "", channel.format)
        top = max(v.severity for v in views)
        kind = ("success" if all(v.all_clear for v in views)
                else notify_type(AlertView("item", "", top, title, None, "", {})))
    result = rt.send(channel.url, title=title, body=body, body_format=channel.format,
                     notify_type=kind, timeout=rt.config.monitor.timeout.total_seconds())
    ok = bool(getattr(result, "ok", False))
    return ok, "" if ok else log.redact(str(getattr(result, "error", "") or "delivery failed"))
