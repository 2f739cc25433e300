"""APScheduler wiring (the only APScheduler importer): one job per source plus the sweeper."""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from monitor.logs import log

SWEEP_EVERY = timedelta(seconds=30)
MAINTAIN_EVERY = timedelta(hours=24)


def run_forever(*, jobs: dict[str, tuple[timedelta, timedelta]],
                run_job: Callable[[str], None], sweep: Callable[[], None],
                maintain: Callable[[], None] | None = None,
                stop: threading.Event | None = None, sweep_every: timedelta = SWEEP_EVERY,
                maintain_every: timedelta = MAINTAIN_EVERY,
                install_signals: bool = True) -> None:
    """Run every source job on its interval (first run at once) until SIGINT/SIGTERM or `stop`.

    `jobs` maps a source name to (interval, jitter). Jobs coalesce, never overlap themselves,
    and a run missed by less than one interval still happens.
    """
    from apscheduler.executors.pool import ThreadPoolExecutor
    from apscheduler.schedulers.background import BackgroundScheduler
    from apscheduler.triggers.interval import IntervalTrigger

    _log_through_ours()
    stop = stop or threading.Event()
    workers = max(2, min(8, len(jobs) + 1))
    scheduler = BackgroundScheduler(timezone=UTC,
                                    executors={"default": ThreadPoolExecutor(workers)})
    now = datetime.now(UTC)
    for name, (every, jitter) in jobs.items():
        scheduler.add_job(
            run_job, IntervalTrigger(seconds=every.total_seconds(),
                                     jitter=int(jitter.total_seconds()) or None, timezone=UTC),
            args=[name], id=f"source:{name}", name=name, next_run_time=now,
            coalesce=True, max_instances=1,
            misfire_grace_time=max(1, int(every.total_seconds())))
    scheduler.add_job(sweep, IntervalTrigger(seconds=sweep_every.total_seconds(), timezone=UTC),
                      id="sweeper", coalesce=True, max_instances=1, misfire_grace_time=60)

    if maintain is not None:
        scheduler.add_job(maintain, IntervalTrigger(seconds=maintain_every.total_seconds(),
                                                    timezone=UTC),
                          id="maintenance", coalesce=True, max_instances=1,
                          next_run_time=now + timedelta(minutes=10), misfire_grace_time=3600)

    def _stop(signum: int, _frame: object) -> None:
        log.info("monitor.stopping", signal=signal.Signals(signum).name)
        stop.set()

    if install_signals and threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, _stop)
        signal.signal(signal.SIGTERM, _stop)
    scheduler.start()
    log.info("monitor.started", sources=sorted(jobs), sweep_every_s=int(
        sweep_every.total_seconds()))
    try:
        stop.wait()
    finally:
        # Let running source jobs finish their transaction; nothing new starts.
        scheduler.shutdown(wait=True)
        log.info("monitor.stopped")


class _SchedulerLog(logging.Handler):
    """APScheduler's own warnings (a run missed because every worker was busy, a job that
    raised) as JSON lines of the operator's stream, not bare text on stderr."""

    def emit(self, record: logging.LogRecord) -> None:
        level = "error" if record.levelno >= logging.ERROR else "warning"
        log.log("scheduler", level, message=record.getMessage())


def _log_through_ours() -> None:
    logger = logging.getLogger("apscheduler")
    if not any(isinstance(h, _SchedulerLog) for h in logger.handlers):
        handler = _SchedulerLog(level=logging.WARNING)
        logger.addHandler(handler)
        logger.propagate = False
