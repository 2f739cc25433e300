"""One source run end to end: lease, fetch, parse, diff, alerts, one transaction, log line."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from monitor.alerting import health_alert, log_alerts
from monitor.attempts import Attempt, ReturnedError, attempt_all
from monitor.diff import Known, confirm, diff
from monitor.errors import Failure, FetchError, failure_of
from monitor.health import health_alert_due
from monitor.logs import log
from monitor.records import RunChanges, RunRecord, RunStatus
from monitor.runtime import Runtime
from monitor.sources.base import Fetched
from monitor.types import ChangeKind, Severity

if TYPE_CHECKING:
    from monitor.decide import Knowledge, Wants


@dataclass(frozen=True)
class RunOutcome:
    source: str
    status: RunStatus
    error: str | None = None
    alerts: int = 0


def run_source(rt: Runtime, name: str, *, respect_backoff: bool = False) -> RunOutcome:
    """Fetch, parse, diff, match and store one source. Never raises for upstream trouble.

    With `respect_backoff` (the scheduler), a source runs only when it is due: not before
    its interval has passed since the last run by any process sharing the database, nor
    before a failing source's backoff time. An explicit `monitor once` always runs it.
    """
    return run_batch(rt, [name], only_due=respect_backoff)[0]


def run_many(rt: Runtime, names: list[str], *, workers: int = 8) -> list[RunOutcome]:
    """`monitor once`: every named source once, fetched side by side, written together."""
    return run_batch(rt, names, workers=workers)


def run_batch(rt: Runtime, names: list[str], *, workers: int = 8,
              only_due: bool = False) -> list[RunOutcome]:
    """Claim, fetch, parse, diff, decide and write a batch of sources.

    The claims (a lease per source, and with `only_due` its due time) are taken in one
    transaction; the fetches and parses run side by side; then one transaction decides the
    alerts of the whole batch against what the store knows and writes every run (each run
    stays all-or-nothing; an unchanged cycle costs a handful of statements).
    """
    if not names:
        return []
    started = rt.clock()
    kinds = {n: rt.config.sources[n].kind for n in names}
    due = {n: rt.config.sources[n].every for n in names} if only_due else None
    claim = rt.store.claim_sources(kinds, rt.owner, started, rt.config.monitor.lease, due=due)
    outcomes = [_skipped(n) for n in names if n in claim.held_elsewhere]
    outcomes += [_not_due(n, claim.next_due.get(n), resting=n in claim.resting)
                 for n in names if n in claim.not_due]
    leased = [n for n in names if n in claim.states]
    try:
        attempts = attempt_all(rt, leased, claim.states, started, workers=workers)
        # Two queries for the whole batch: all items of the sources that have a new body to
        # diff, the pending ones of those that re-observed the last (a failure needs none).
        parsed = [a.name for a in attempts if a.error is None and not a.reobserved]
        known = rt.store.known_items_many(parsed)
        known |= rt.store.known_items_many([a.name for a in attempts if a.reobserved],
                                           pending_only=True)
        records, runs = [], []
        for a in attempts:
            record, run = _record(rt, a, known.get(a.name, {}))
            records.append(record)
            runs.append(run)
        notes = _commit(rt, records, runs)
    except BaseException:
        rt.store.release_leases(leased, rt.owner)
        raise
    for note in notes:
        log.info(note.pop("event"), **note)
    return outcomes + [_finish(r) for r in records]


def _commit(rt: Runtime, records: list[RunRecord],
            runs: list[RunChanges | None]) -> list[dict[str, object]]:
    """Write the batch; its alerts are decided inside the same transaction, against what
    the store knows at that moment (one writer at a time decides). A bookings file read
    afresh is decided with the next successful run even when nothing changed upstream."""
    trips = rt.bookings.current()
    deciding = [(i, run) for i, run in enumerate(runs) if run is not None
                and (run.changes or run.first_run)]
    if not deciding and trips and rt.bookings.changed:
        deciding = [(i, run) for i, run in enumerate(runs) if run is not None][:1]
    if not deciding:
        rt.store.commit_runs(records, lease_owner=rt.owner)
        return []
    # The rules load, and the watches are built, with the first batch that has something to
    # decide, before the writer row is locked.
    from monitor.decide import Knowledge, decide, wants

    watches, desks = rt.watches, rt.desks
    notes: list[dict[str, object]] = []

    def plan(load: Callable[[Wants], Knowledge]) -> None:
        batch = [run for _, run in deciding]
        needs = wants(batch, watches, trips)
        knowledge = load(needs) if needs.anything else Knowledge()
        decision = decide(batch, knowledge, watches, desks, now=rt.clock(), trips=trips)
        rt.bookings.changed = False
        for position, (index, _) in enumerate(deciding):
            records[index].alerts[:0] = decision.alerts.get(position, [])
        notes.extend(decision.notes)

    rt.store.commit_runs(records, lease_owner=rt.owner, plan=plan)
    return notes


def _record(rt: Runtime, attempt: Attempt,
            known: dict[str, Known]) -> tuple[RunRecord, RunChanges | None]:
    kind = rt.config.sources[attempt.name].kind
    if attempt.error is not None or attempt.fetched is None:
        error = attempt.error or RuntimeError("no fetch")
        return _failure_record(rt, kind, attempt, error), None
    return _success_record(rt, kind, attempt, attempt.fetched, known)


def _not_due(name: str, next_due: datetime | None, *, resting: bool) -> RunOutcome:
    """Run lately (by this or another process), or resting after failures: not yet."""
    status = RunStatus.BACKOFF if resting else RunStatus.NOT_DUE
    log.log("source.run", "debug", source=name, status=status,
            next_attempt=next_due.isoformat() if next_due else None)
    return RunOutcome(name, status)


def _skipped(name: str) -> RunOutcome:
    log.info("source.run", source=name, status=RunStatus.SKIPPED,
             reason="another process is running this source")
    return RunOutcome(name, RunStatus.SKIPPED)


def _finish(record: RunRecord) -> RunOutcome:
    """The log lines of a committed run: its alerts, then the canonical `source.run`."""
    log_alerts(record.alerts)
    created = sum(a.merge_into is None for a in record.alerts)
    if record.status == RunStatus.FAILED:
        log.error("source.run", source=record.source, status=RunStatus.FAILED, error=record.error,
                  items=0, new=0, updated=0, withdrawn=0, alerts=created,
                  duration_ms=record.duration_ms)
        return RunOutcome(record.source, RunStatus.FAILED, error=record.error,
                          alerts=created)
    log.info("source.run", source=record.source, status=record.status, items=record.items,
             new=record.new, updated=record.updated, withdrawn=record.withdrawn,
             alerts=created, duration_ms=record.duration_ms)
    return RunOutcome(record.source, record.status, alerts=created)


def _success_record(rt: Runtime, kind: str, attempt: Attempt, fetched: Fetched,
                    known: dict[str, Known]) -> tuple[RunRecord, RunChanges]:
    name, state, started, items = attempt.name, attempt.state, attempt.started, attempt.items
    now = rt.clock()
    settings = rt.config.monitor
    record = RunRecord(source=name, kind=kind, started_at=started, finished_at=now,
                       status=RunStatus.NOT_MODIFIED if attempt.reobserved else RunStatus.OK,
                       bytes=fetched.size, state_exists=state.exists)
    record.state = {"last_attempt_at": started, "last_success_at": now,
                    "consecutive_failures": 0, "last_error": None,
                    "last_status": record.status, "health_alerted_at": None,
                    "next_due_at": next_due(state.next_due_at, started,
                                            rt.config.sources[name].every)}
    if attempt.reobserved:
        result = confirm(known, now=now, withdraw_after=settings.withdraw_after)
        record.items = state.items_seen
        if not fetched.not_modified:  # new validators (often none) for next time
            record.state.update(etag=fetched.validators.etag,
                                last_modified=fetched.validators.last_modified)
    else:
        result = diff(known, items, now=now, withdraw_after=settings.withdraw_after)
        record.items = len(items)
        record.state.update(items_seen=len(items), etag=fetched.validators.etag,
                            last_modified=fetched.validators.last_modified,
                            baseline_done=True)
        if attempt.region is not None:
            record.state.update(fingerprint=attempt.region.digest,
                                region_chars=attempt.region.chars)
        remembered = rt.sources[name].remembers
        record.raw = [(fetched.url, body, part) for part, body in fetched.extra.items()
                      if part in remembered]
        if result.upserts or not state.baseline_done:
            # The body behind changed items is kept for debugging; bytes that changed
            # around the same items (tokens, timestamps) are not worth a write.
            record.raw[:0] = [(fetched.url, attempt.page, "page")] if attempt.page else []
    record.diff = result
    record.new = sum(c.kind == ChangeKind.NEW for c in result.changes)
    record.updated = sum(c.kind in (ChangeKind.UPDATED, ChangeKind.REINSTATED)
                         for c in result.changes)
    record.withdrawn = sum(c.kind.is_all_clear for c in result.changes)
    first_run = not state.baseline_done and not attempt.reobserved
    run = RunChanges(name, result.changes, first_run=first_run,
                     items=items if first_run else ())
    if state.consecutive_failures >= settings.alert_after_failures or state.health_alerted_at:
        record.alerts.append(health_alert(rt, name, "recovered", Severity.INFO,
                                           f"source {name} recovered after "
                                           f"{state.consecutive_failures} failed run(s)",
                                           all_clear=True))
        log.info("health", source=name, state="recovered",
                 failures=state.consecutive_failures)
    record.duration_ms = int((time.perf_counter() - attempt.t0) * 1000)
    return record, run


def _failure_record(rt: Runtime, kind: str, attempt: Attempt, exc: Exception) -> RunRecord:
    name, state, started, fetched = attempt.name, attempt.state, attempt.started, attempt.fetched
    now = rt.clock()
    settings = rt.config.monitor
    failure = failure_of(exc)
    if failure == Failure.INTERNAL:
        named = exc.type_name if isinstance(exc, ReturnedError) else type(exc).__name__
        error = f"internal error: {named}: {exc}"
    else:
        error = str(exc)
    if failure == Failure.LAYOUT_CHANGED and not error.startswith("layout changed"):
        error = f"layout changed: {error}"
    error = log.redact(error)
    failures = state.consecutive_failures + 1
    record = RunRecord(source=name, kind=kind, started_at=started, finished_at=now,
                       status=RunStatus.FAILED, error=error, bytes=fetched.size if fetched else 0,
                       state_exists=state.exists)
    retry_after = exc.retry_after if isinstance(exc, FetchError) else None
    record.state = {"last_attempt_at": started, "last_failure_at": now,
                    "consecutive_failures": failures, "last_error": error,
                    "last_status": RunStatus.FAILED,
                    "next_due_at": now + backoff_delay(failures, rt.config.sources[name].every,
                                                       retry_after)}
    if fetched is not None and attempt.page is not None:
        record.raw = [(fetched.url, attempt.page, "page")]  # the body that failed to parse
    if health_alert_due(failures=failures, threshold=settings.alert_after_failures,
                        alerted_at=state.health_alerted_at, now=now,
                        repeat=settings.health_repeat):
        label = failure.value
        record.alerts.append(health_alert(
            rt, name, "failing", Severity.WARNING,
            f"source {name} is failing ({label}): {failures} consecutive failed runs; "
            f"last error: {error}", error=error, failures=failures))
        record.state["health_alerted_at"] = now
        log.warning("health", source=name, state="failing", failures=failures, error=error)
    record.duration_ms = int((time.perf_counter() - attempt.t0) * 1000)
    return record


BACKOFF_CAP = timedelta(hours=6)


def _slack(every: timedelta) -> timedelta:
    """How much earlier than a whole interval a source is due again, so that the job that
    fires exactly one interval later (in this process or another) still finds it due."""
    return min(every / 10, timedelta(seconds=30))


def next_due(due: datetime | None, started: datetime, every: timedelta) -> datetime:
    """When a source that ran at `started` is next due. Due times step one interval at a
    time from the last one, so a run that started late (a busy worker) does not push the
    next one back a whole interval; after a long pause (or the first run) the step starts
    afresh: one interval on, less the slack."""
    if due is not None and due + every > started + every / 2:
        return due + every
    return started + every - _slack(every)


def backoff_delay(failures: int, every: timedelta, retry_after: float | None) -> timedelta:
    """How long a failing source rests before the scheduler tries again.

    The first failure keeps the normal interval; each further one doubles it, up to a cap
    (never below the interval itself). A server's Retry-After (a quota) wins when longer.
    """
    delay = every * (2 ** min(failures - 1, 10))
    delay = min(delay, max(BACKOFF_CAP, every))
    if retry_after:
        delay = max(delay, timedelta(seconds=retry_after))
    return delay - _slack(every)


def check_stale(rt: Runtime) -> int:
    """Raise a health alert for sources with no success for `stale_after` (once per repeat)."""
    from monitor.health import health_of

    now = rt.clock()
    raised = 0
    states = rt.store.states()   # one read for every source, every sweep
    for name in rt.sources:
        cfg = rt.config.sources[name]
        state = states.get(name)
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
