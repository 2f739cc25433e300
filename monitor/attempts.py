"""Fetching and parsing a batch of sources: the network half of a run, before any decision.

An attempt is what one source's fetch and parse produced, or how they failed. A changed body
whose watched region is the one already parsed (tokens, nonces and banners outside the region
change on every request) is recognised by the region's digest and not parsed at all.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime

from monitor.errors import ParseError
from monitor.records import StateView
from monitor.runtime import Runtime
from monitor.sources.base import Fetched, Http, Region, Validators
from monitor.types import Item

# A region whose text fell below this share of its last good read lost its content (a page
# that now shows only a cookie banner), however short a healthy region may be.
SHRINK_LIMIT = 0.2


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

    @property
    def reobserved(self) -> bool:
        """Nothing new to parse: a 304, or a changed body around an unchanged region."""
        return self.error is None and self.fetched is not None and (
            self.fetched.not_modified or self.unchanged)


def attempt(rt: Runtime, name: str, state: StateView, started: datetime,
            http: Http | None = None) -> Attempt:
    result = Attempt(name, state, started, time.perf_counter())
    source = rt.sources[name]
    try:
        result.fetched = source.fetch(http or rt.http,
                                      Validators(state.etag, state.last_modified), now=started)
        if result.fetched.not_modified:
            return result
        result.region = source.region(result.fetched)
        if result.region is not None and result.region.digest == state.fingerprint:
            result.unchanged = True
            return result
        if result.region is not None:
            check_not_gutted(result.region, state.region_chars, url=result.fetched.url)
        result.items = source.parse_fetched(result.fetched)
    except Exception as exc:  # a parser bug is a failed run, never a crashed scheduler
        result.error = exc
    return result


def check_not_gutted(region: Region, before: int | None, *, url: str = "") -> None:
    """ParseError when the region kept its anchors but lost nearly all its text."""
    if before and region.chars < before * SHRINK_LIMIT:
        raise ParseError(f"layout changed: the watched region shrank from {before} to "
                         f"{region.chars} characters of text", url=url)


def attempt_all(rt: Runtime, names: list[str], states: dict[str, StateView],
                started: datetime, *, workers: int) -> list[Attempt]:
    """Every source's attempt, in `names` order, fetched side by side in threads."""
    if len(names) < 2:  # a scheduled job runs one source: no pool to start
        return [attempt(rt, n, states[n], started) for n in names]
    with ThreadPoolExecutor(max_workers=max(1, min(workers, len(names)))) as pool:
        return list(pool.map(lambda n: attempt(rt, n, states[n], started), names))
