"""Atom feeds of a watchlist's alerts: printed, or rewritten after runs into `feed_dir`."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from monitor.config import Config
from monitor.opening import open_store
from monitor.queries import known_watchlist

FEED_MAX_ENTRIES = 200  # a feed is a recent-changes view; `monitor alerts` has the rest
_UPDATED = re.compile(rb"<updated>([^<]{1,40})</updated>")


def feed(config: Config, watchlist: str, *, since: timedelta = timedelta(days=30),
         now: datetime | None = None) -> bytes:
    """`monitor feed`: the watchlist's alerts of the last `since` as an Atom feed."""
    known_watchlist(config, watchlist)
    now = now or datetime.now(UTC)
    store = open_store(config)
    try:
        return _feed_bytes(store, watchlist, since=since, now=now)
    finally:
        store.close()


def write_feeds(config: Config, now: datetime | None = None) -> list[Path]:
    """Rewrite `<feed_dir>/<watchlist>.xml` for every watchlist, when `feed_dir` is set;
    the files written (a feed whose bytes did not change is left alone: an unchanged cycle
    writes nothing).

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
            kept = _read_or_none(target)
            content = _feed_bytes(store, name, since=timedelta(days=30), now=now, kept=kept)
            if content == kept:
                continue
            _replace_atomically(target, content)
            written.append(target)
    finally:
        store.close()
    return written


def _feed_bytes(store: Any, watchlist: str, *, since: timedelta, now: datetime,
                kept: bytes | None = None) -> bytes:
    """The feed; `kept`: the file it replaces, whose date an empty feed keeps (dated `now`,
    it would change, and be written again, on every cycle until its first entry)."""
    from alerts.feed import render_atom

    rows = store.recent_alerts(now - since, watchlist, limit=FEED_MAX_ENTRIES)
    dated = now if rows or kept is None else (_written_date(kept) or now)
    return render_atom(watchlist, rows, now=dated)


def _written_date(feed: bytes) -> datetime | None:
    """The feed-level `updated` of a feed as written (the first one: it comes before the
    entries), or None when it has no such date."""
    found = _UPDATED.search(feed)
    if found is None:
        return None
    try:
        written = datetime.fromisoformat(found[1].decode("ascii"))
    except ValueError:
        return None
    return written.astimezone(UTC) if written.tzinfo is not None else None


def _read_or_none(target: Path) -> bytes | None:
    try:
        return target.read_bytes()
    except OSError:
        return None


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
