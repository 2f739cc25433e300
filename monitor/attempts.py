"""Fetching and parsing a batch of sources: the network half of a run, before any decision.

An attempt is what one source's fetch and parse produced, or how they failed. A changed body
whose watched region is the one already parsed (tokens, nonces and banners outside the region
change on every request) is recognised by the region's digest and not parsed at all, and its
body is let go at once; a page that was parsed (or failed) is kept packed, for the run to
store: a batch never holds its pages until the commit.

A large batch on a machine with more than one core goes to a process pool (the standard
library's), one process per core: each builds its own HTTP client and the sources it is
given, fetches side by side in threads, and hands back small results (for an unchanged region
its digest, length and validators). A host paced by `host_gap` stays in one process. This
process waits, then decides and writes everything; a pool process that dies, or cannot start,
costs its sources a second fetch here, never a silent gap.
"""

from __future__ import annotations

import gc
import os
import pickle
import sys
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from monitor.errors import ParseError
from monitor.logs import log
from monitor.records import PackedBody, StateView
from monitor.sources.base import Fetched, Http, Region, Source, Validators
from monitor.types import Item

if TYPE_CHECKING:
    from monitor.config import Config, MonitorSettings, SourceConfig
    from monitor.runtime import Runtime

# A region whose text fell below this share of its last good read lost its content (a page
# that now shows only a cookie banner), however short a healthy region may be.
SHRINK_LIMIT = 0.2
# From this many sources a batch is worth a pool (a process starts in ~10-30 ms).
POOL_FROM = 64
MAX_PROCESSES = 4
# Sources per task of a pool process when no host is paced (results come back in parts,
# so a process never holds a whole share's pages before handing them over).
TASK_SIZE = 50


@dataclass
class Attempt:
    """What fetching and parsing one source produced (or how it failed)."""

    name: str
    state: StateView
    started: datetime
    t0: float
    fetched: Fetched | None = None
    items: list[Item] = field(default_factory=list)
    error: Exception | None = None
    region: Region | None = None
    unchanged: bool = False      # the watched region is the one already parsed: same items
    page: PackedBody | None = None   # the first page parsed (or failed), packed to be kept

    @property
    def reobserved(self) -> bool:
        """Nothing new to parse: a 304, or a changed body around an unchanged region."""
        return self.error is None and self.fetched is not None and (
            self.fetched.not_modified or self.unchanged)


class ReturnedError(Exception):
    """An error raised in a pool process that cannot travel back as itself (pickling would
    lose or break it): its type's name and its message, for the run's `error`."""

    def __init__(self, type_name: str, message: str) -> None:
        self.type_name = type_name
        super().__init__(type_name, message)

    def __str__(self) -> str:
        return str(self.args[1])


def attempt_source(source: Source, http: Http, state: StateView,
                   started: datetime) -> Attempt:
    """Fetch one source and parse what changed; every failure is caught into the attempt."""
    result = Attempt(source.name, state, started, time.perf_counter())
    try:
        result.fetched = source.fetch(http, Validators(state.etag, state.last_modified),
                                      now=started)
        if result.fetched.not_modified:
            return result
        result.region = source.region(result.fetched)
        if result.region is not None and result.region.digest == state.fingerprint:
            result.unchanged = True
            result.fetched = result.fetched.lightened()   # neither parsed nor stored
            return result
        if result.region is not None:
            check_not_gutted(result.region, state.region_chars, url=result.fetched.url)
        result.items = source.parse_fetched(result.fetched)
    except Exception as exc:  # a parser bug is a failed run, never a crashed scheduler
        result.error = exc
    if result.fetched is not None and result.fetched.pages:
        # Parsed or failed: the run may keep the page; a batch holds it packed.
        result.page = PackedBody.of(result.fetched.pages[0])
        result.fetched = result.fetched.lightened(keep_extra=True)
    return result


def check_not_gutted(region: Region, before: int | None, *, url: str = "") -> None:
    """ParseError when the region kept its anchors but lost nearly all its text."""
    if before and region.chars < before * SHRINK_LIMIT:
        raise ParseError(f"layout changed: the watched region shrank from {before} to "
                         f"{region.chars} characters of text", url=url)


def attempt_all(rt: Runtime, names: list[str], states: dict[str, StateView],
                started: datetime, *, workers: int) -> list[Attempt]:
    """Every source's attempt, in `names` order: fetched side by side in threads, and for a
    large batch on several cores, by a pool of processes (the runtime's, else one started
    for this batch)."""
    if process_count(len(names)) < 2:  # a scheduled job's one source among them
        return _in_threads(rt.sources, rt.http, names, states, started, workers=workers)
    if rt.pool is not None and not rt.pool.spent:
        return rt.pool.attempts(rt, names, states, started, workers=workers)
    pool = FetchPool.start(rt.config, names)
    try:
        return pool.attempts(rt, names, states, started, workers=workers)
    finally:
        pool.close()


def process_count(sources: int) -> int:
    """How many processes fetch a batch: one per usable core (up to MAX_PROCESSES) from
    POOL_FROM sources on, else this one."""
    if sources < POOL_FROM:
        return 1
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, MAX_PROCESSES, sources // (POOL_FROM // 2)))


def _in_threads(sources: Mapping[str, Source], http: Http, names: Sequence[str],
                states: Mapping[str, StateView], started: datetime, *,
                workers: int) -> list[Attempt]:
    if len(names) < 2:
        return [attempt_source(sources[n], http, states[n], started) for n in names]
    with ThreadPoolExecutor(max_workers=max(1, min(workers, len(names)))) as pool:
        return list(pool.map(lambda n: attempt_source(sources[n], http, states[n], started),
                             names))


def host_shares(names: Sequence[str], hosts: Mapping[str, str],
                count: int) -> list[list[str]]:
    """`names` cut into `count` shares, every host's sources in one share (whole hosts, the
    largest first, each to the smallest share so far), each share in `names` order."""
    by_host: dict[str, list[str]] = {}
    for name in names:
        by_host.setdefault(hosts[name], []).append(name)
    cut: list[list[str]] = [[] for _ in range(count)]
    for group in sorted(by_host.values(), key=len, reverse=True):
        min(cut, key=len).extend(group)
    order = {name: i for i, name in enumerate(names)}
    return [sorted(share, key=order.__getitem__) for share in cut]


class FetchPool:
    """The processes that fetch and parse a large batch, started before the batch is claimed:
    while this process opens the store and claims the sources, they load what fetching needs
    and build their clients and sources. This process waits for their results (it keeps its
    memory for them and the commit); attempts come back in `names` order."""

    def __init__(self, executor: ProcessPoolExecutor, processes: int) -> None:
        self._executor = executor
        self.processes = processes
        self.spent = False    # its batch fetched (or the pool closed): no more tasks

    @classmethod
    def start(cls, config: Config, names: Sequence[str]) -> FetchPool:
        import multiprocessing

        processes = process_count(len(names))
        configs = [config.sources[n] for n in names if n in config.sources]
        # The processes load the HTTP stack themselves, while this one opens the store and
        # claims the batch: the batch waits for the claim, not for httpx's import.
        # A forked process would write out again what this one has not flushed yet.
        sys.stdout.flush()
        sys.stderr.flush()
        # What exists now lives as long as the process: neither the collector here nor the
        # forked processes need walk it again (gc.freeze's use).
        gc.freeze()
        context = (multiprocessing.get_context("fork") if sys.platform == "linux"
                   else multiprocessing.get_context())
        executor = ProcessPoolExecutor(max_workers=processes, mp_context=context,
                                       initializer=_start_process,
                                       initargs=(config.monitor, configs, config.secrets,
                                                 log.fmt))
        executor.submit(_started)   # the processes start now, not at the first batch
        return cls(executor, processes)

    def attempts(self, rt: Runtime, names: list[str], states: dict[str, StateView],
                 started: datetime, *, workers: int) -> list[Attempt]:
        paced = rt.config.monitor.host_gap.total_seconds() > 0
        if paced:  # one task per share: every paced host in one process
            hosts = {n: urlsplit(rt.sources[n].url).netloc.lower() for n in names}
            tasks = [share for share in host_shares(names, hosts, self.processes) if share]
        else:      # small tasks to whichever process is free: results come back in parts
            tasks = _chunks(names, TASK_SIZE)
        kept = rt.kept
        log.info("batch.processes", processes=self.processes, sources=len(names))
        # `workers` fetches at a time in all, as one process would make them.
        each = max(1, -(-workers // self.processes))
        futures = []
        for task in tasks:
            try:
                future: Future[list[Attempt]] | None = self._executor.submit(
                    _attempt_task, [states[n] for n in task],
                    {n: kept[n] for n in task if n in kept}, started, each)
            except Exception:  # the pool broke already: fetched here below
                future = None
            futures.append((task, future))
        gc.freeze()  # what this process loaded meanwhile (the store's modules) stays too
        found: dict[str, Attempt] = {}
        for task, future in futures:
            try:
                if future is None:
                    raise BrokenProcessPool("the pool broke before this task was given")
                for a in future.result():
                    found[a.name] = a
            except Exception as exc:  # a process died or could not start: fetch it here
                log.warning("batch.process_lost", sources=len(task),
                            error=f"{type(exc).__name__}: {exc}")
                for a in _in_threads(rt.sources, rt.http, task, states, started,
                                     workers=workers):
                    found[a.name] = a
        # A pool serves one batch: its processes exit while this one writes the batch.
        self._executor.shutdown(wait=False)
        self.spent = True
        return [found[n] for n in names]

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)
        self.spent = True


def _chunks(names: list[str], size: int) -> list[list[str]]:
    return [names[i:i + size] for i in range(0, len(names), size)]


@dataclass
class _Process:
    """What a pool process builds once: its HTTP client, the sources it may be given, and
    the threads that fetch its tasks (kept from task to task, not started and joined for
    each)."""

    http: Http
    sources: dict[str, Source]
    restored: set[str] = field(default_factory=set)
    threads: ThreadPoolExecutor | None = None   # made by the first task (a pool serves one
                                                # batch: every task asks for as many)


_process: _Process | None = None


def _start_process(settings: MonitorSettings, configs: list[SourceConfig],
                   secrets: frozenset[str], log_format: str) -> None:
    """Pool initializer: the process's own client and sources, from the validated config."""
    global _process
    from monitor.http import HttpClient, load_transport
    from monitor.sources import source_class

    log.add_secrets(secrets)
    log.configure(fmt=log_format)
    sources = {cfg.name: source_class(cfg.kind)(cfg.name, cfg.url, cfg.options)
               for cfg in configs}
    _process = _Process(http=HttpClient.for_settings(settings), sources=sources)
    load_transport()   # before the first task, not during its first fetch


def _started() -> None:
    """The first task: its submission starts the pool's processes."""


def _attempt_task(states: list[StateView], kept: Mapping[str, Mapping[str, bytes]],
                  started: datetime, workers: int) -> list[Attempt]:
    """A pool task: these sources' attempts, their errors made fit to travel back (their
    pages are packed already). `kept`: the stored parts of sources that remember some,
    handed over the first time they come."""
    process = _process
    if process is None:
        raise RuntimeError("pool process not started")
    for name, parts in kept.items():
        if name not in process.restored:
            process.sources[name].restore(parts)
            process.restored.add(name)
    if process.threads is None:
        process.threads = ThreadPoolExecutor(max_workers=workers)
    done = list(process.threads.map(
        lambda state: attempt_source(process.sources[state.name], process.http, state, started),
        states))
    for a in done:
        a.error = _portable(a.error)
    return done


def _portable(error: Exception | None) -> Exception | None:
    """The error itself when it survives pickling as itself, else a ReturnedError."""
    if error is None:
        return None
    try:
        back = pickle.loads(pickle.dumps(error))
    except Exception:  # it does not travel: its name and message do
        back = None
    if type(back) is type(error) and str(back) == str(error):
        return error
    return ReturnedError(type(error).__name__, str(error))
