"""One source run end to end: lease, fetch, parse, diff, alerts, one transaction, log line."""

from __future__ import annotations

import pickle
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from monitor import forked
from monitor.alerting import change_alerts, corroborate, health_alert, log_alerts, summary_alerts
from monitor.diff import Known, confirm, diff
from monitor.errors import FetchError, ParseError
from monitor.health import failure_label, health_alert_due
from monitor.logs import log
from monitor.records import RunRecord, StateView
from monitor.runtime import Runtime
from monitor.sources.base import Fetched, Http, Validators
from monitor.types import ChangeKind, Item, Severity


@dataclass(frozen=True)
class RunOutcome:
    source: str
    status: str
    error: str | None = None
    alerts: int = 0



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


# From this many sources a `monitor once` fetches and parses half of them in a forked second
# process (when a second core is free): HTTP exchanges and HTML parsing are CPU work that one
# Python process does one thread at a time.
FORK_AT = 64


def run_many(rt: Runtime, names: list[str], *, workers: int = 8,
             processes: int | None = None) -> list[RunOutcome]:
    """`monitor once`: every named source once, fetched side by side, written together.

    Leases and states are taken in one transaction, the fetches and parses run in a thread
    pool (two processes of one, with `processes=2`, the default from `FORK_AT` sources on a
    machine with a spare core), and every run's rows are committed in one transaction at the
    end by this process (each run stays all-or-nothing; an unchanged cycle costs a handful of
    statements, not a few per source).
    """
    if not names:
        return []
    started = rt.clock()
    kinds = {n: rt.config.sources[n].kind for n in names}
    states = rt.store.begin_runs(kinds, rt.owner, started, _lease_ttl(rt))
    outcomes = [_skipped(n) for n in names if n not in states]
    leased = [n for n in names if n in states]
    try:
        if processes is None:
            processes = 2 if len(leased) >= FORK_AT and forked.spare_core() else 1
        attempts = _attempt_all(rt, leased, states, started, workers=workers,
                                processes=processes)
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


def _attempt(rt: Runtime, name: str, state: StateView, started: datetime,
             http: Http | None = None) -> _Attempt:
    attempt = _Attempt(name, state, started, time.perf_counter())
    source = rt.sources[name]
    try:
        attempt.fetched = source.fetch(http or rt.http,
                                       Validators(state.etag, state.last_modified), now=started)
        if not attempt.fetched.not_modified:
            attempt.items = source.parse_fetched(attempt.fetched)
    except Exception as exc:  # a parser bug is a failed run, never a crashed scheduler
        attempt.error = exc
    return attempt


def _attempt_all(rt: Runtime, names: list[str], states: dict[str, StateView],
                 started: datetime, *, workers: int, processes: int) -> list[_Attempt]:
    """Every source's attempt, in `names` order; with two processes a forked child makes the
    attempts of its share and pickles them back (its HTTP client is its own). A child that
    fails in any way leaves its share to this process, fetched again."""

    def attempt_share(share: list[str], http: Http) -> list[_Attempt]:
        with ThreadPoolExecutor(max_workers=max(1, min(workers, len(share)))) as pool:
            return list(pool.map(lambda n: _attempt(rt, n, states[n], started, http), share))

    fresh = getattr(rt.http, "fresh", None)
    # One child at most: a second core is what there is to win (more would only contend).
    shares = _shares(rt, names, min(processes, 2) if fresh is not None else 1)
    if len(shares) < 2:
        return attempt_share(names, rt.http)
    mine, theirs = shares
    try:
        child = forked.Child(lambda: _pickled(attempt_share(theirs, fresh())))  # type: ignore[misc]
    except OSError as exc:
        log.warning("once.fork_failed", error=str(exc), sources=len(names))
        return attempt_share(names, rt.http)
    try:
        attempts = attempt_share(mine, rt.http)
    except BaseException:
        child.kill()
        child.result()
        raise
    sent = child.result()
    attempts += (pickle.loads(b"".join(sent)) if sent is not None
                 else attempt_share(theirs, rt.http))
    order = {n: i for i, n in enumerate(names)}
    return sorted(attempts, key=lambda a: order[a.name])


def _shares(rt: Runtime, names: list[str], count: int) -> list[list[str]]:
    """`deal` with the hosts of the sources when requests to one host are paced."""
    paced = rt.config.monitor.host_gap > timedelta(0)
    hosts = {n: urlsplit(rt.sources[n].url).netloc for n in names} if paced else None
    return deal(names, count, hosts=hosts)


def deal(names: list[str], count: int, *,
         hosts: dict[str, str] | None = None) -> list[list[str]]:
    """`names` dealt into up to `count` non-empty shares of about equal size. With `hosts`
    (name -> host: requests to a host are paced, and each process paces only its own) the
    sources of one host stay in one share."""
    if count < 2 or len(names) < 2:
        return [names]
    if hosts is None:
        return [share for share in (names[i::count] for i in range(count)) if share]
    by_host: dict[str, list[str]] = {}
    for name in names:
        by_host.setdefault(hosts[name], []).append(name)
    shares: list[list[str]] = [[] for _ in range(count)]
    for group in sorted(by_host.values(), key=len, reverse=True):
        min(shares, key=len).extend(group)
    return [share for share in shares if share]


def _pickled(attempts: list[_Attempt]) -> list[bytes]:
    """The attempts as one pickle; an error that would not come back as itself travels as a
    `_ChildFailure` of the same type name and message."""
    for attempt in attempts:
        error = attempt.error
        if error is None:
            continue
        try:
            back = pickle.loads(pickle.dumps(error))
            same = type(back) is type(error) and str(back) == str(error)
        except Exception:
            same = False
        if not same:
            attempt.error = _ChildFailure(type(error).__name__, str(error))
    return [pickle.dumps(attempts, protocol=pickle.HIGHEST_PROTOCOL)]


class _ChildFailure(Exception):
    """An unexpected error raised in the forked child, by its type's name and its message."""

    def __init__(self, type_name: str, message: str) -> None:
        super().__init__(type_name, message)
        self.type_name = type_name
        self.message = message

    def __str__(self) -> str:
        return self.message


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
    log_alerts(record.alerts)
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
        record.raw = [(fetched.url, page, "page") for page in fetched.pages[:1]]
        remembered = rt.sources[name].remembers
        record.raw += [(fetched.url, body, part) for part, body in fetched.extra.items()
                       if part in remembered]
    record.diff = result
    record.new = sum(c.kind == ChangeKind.NEW for c in result.changes)
    record.updated = sum(c.kind in (ChangeKind.UPDATED, ChangeKind.REINSTATED)
                         for c in result.changes)
    record.withdrawn = sum(c.kind.is_all_clear for c in result.changes)
    if state.baseline_done:
        record.alerts += corroborate(rt, name, change_alerts(rt, name, result.changes), now)
    elif not fetched.not_modified:
        record.alerts += summary_alerts(rt, name, known, items, now)
    if state.consecutive_failures >= settings.alert_after_failures or state.health_alerted_at:
        record.alerts.append(health_alert(rt, name, "recovered", Severity.INFO,
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
        kind_of = exc.type_name if isinstance(exc, _ChildFailure) else type(exc).__name__
        error = f"internal error: {kind_of}: {exc}"
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
        record.raw = [(fetched.url, fetched.pages[0], "page")]  # the body that failed to parse
    if health_alert_due(failures=failures, threshold=settings.alert_after_failures,
                        alerted_at=state.health_alerted_at, now=now,
                        repeat=settings.health_repeat):
        label = failure_label(error)
        record.alerts.append(health_alert(
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
        alert = health_alert(rt, name, "stale", Severity.WARNING,
                              f"source {name} is stale: no successful run for "
                              f"{int(age.total_seconds() // 60)} min "
                              f"(expected every {int(cfg.every.total_seconds() // 60)} min)",
                              last_success=state.last_success_at.isoformat())
        rt.store.add_alerts([alert], now)
        rt.store.update_state(name, cfg.kind, health_alerted_at=now)
        log_alerts([alert])
        log.warning("health", source=name, state="stale",
                    last_success=state.last_success_at.isoformat())
        raised += 1
    return raised
