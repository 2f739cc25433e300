"""Durations as written in config.toml (`30s`, `15m`, `1h`, `1d`, `1h30m`) and clock times."""

from __future__ import annotations

import re
from datetime import time, timedelta

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_PART = re.compile(r"(\d+(?:\.\d+)?)([smhdw])")
_WHOLE = re.compile(r"(?:\d+(?:\.\d+)?[smhdw])+")
_CLOCK = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)")


def parse_duration(text: str, *, allow_zero: bool = False) -> timedelta:
    """`1h30m` -> 5400 s. ValueError with the offending text otherwise."""
    raw = str(text).strip().lower()
    if raw.startswith("-"):
        raise ValueError(f"negative duration '{text}'")
    if not _WHOLE.fullmatch(raw):
        raise ValueError(f"invalid duration '{text}' (use e.g. 30s, 15m, 1h, 1d)")
    seconds = sum(float(n) * _UNITS[u] for n, u in _PART.findall(raw))
    if seconds <= 0 and not allow_zero:
        raise ValueError(f"duration must be positive, got '{text}'")
    return timedelta(seconds=seconds)


def format_duration(value: timedelta) -> str:
    """The shortest exact spelling: 3600 s -> `1h`, 90 s -> `1m30s`."""
    seconds = int(value.total_seconds())
    if seconds == 0:
        return "0s"
    parts = []
    for unit in ("d", "h", "m", "s"):
        n, seconds = divmod(seconds, _UNITS[unit])
        if n:
            parts.append(f"{n}{unit}")
    return "".join(parts)


def parse_clock_window(text: str) -> tuple[time, time]:
    """`22:00-07:00` -> (22:00, 07:00); the window may wrap past midnight."""
    raw = str(text).strip()
    start, sep, end = raw.partition("-")
    m1, m2 = _CLOCK.fullmatch(start.strip()), _CLOCK.fullmatch(end.strip())
    if not sep or not m1 or not m2:
        raise ValueError(f"invalid time window '{text}' (use HH:MM-HH:MM)")
    t1 = time(int(m1.group(1)), int(m1.group(2)))
    t2 = time(int(m2.group(1)), int(m2.group(2)))
    if t1 == t2:
        raise ValueError(f"empty time window '{text}'")
    return t1, t2


def in_clock_window(value: time, window: tuple[time, time]) -> bool:
    start, end = window
    if start < end:
        return start <= value < end
    return value >= start or value < end
