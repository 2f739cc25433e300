"""JSON-lines (or text) event logging for operators, with secrets redacted on the way out."""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any, TextIO

from monitor.secrets import MASK, MIN_LENGTH

_LEVELS = {"debug": 10, "info": 20, "warning": 30, "error": 40}
REDACTED = MASK


class EventLog:
    """One line per event: `{"ts": ..., "level": ..., "event": ..., **fields}`."""

    def __init__(self, stream: TextIO | None = None, fmt: str = "json",
                 level: str = "info") -> None:
        self.stream = stream
        self.fmt = fmt
        self.min_level = _LEVELS[level]
        self._secrets: tuple[str, ...] = ()
        self._lock = threading.Lock()

    def configure(self, *, fmt: str | None = None, stream: TextIO | None = None,
                  level: str | None = None) -> None:
        if fmt is not None:
            self.fmt = fmt
        if stream is not None:
            self.stream = stream
        if level is not None:
            self.min_level = _LEVELS[level]

    def add_secrets(self, secrets: Iterable[str]) -> None:
        """Values that must never appear in a log line (see monitor.secrets for which ones).
        Strings shorter than MIN_LENGTH are words, not secrets, and are never masked."""
        fresh = {s for s in secrets if len(s) >= MIN_LENGTH}
        # A JSON line escapes quotes and backslashes: redact the escaped spelling too.
        fresh |= {json.dumps(s, ensure_ascii=False)[1:-1] for s in fresh}
        merged = set(self._secrets) | fresh
        # Longest first, so a URL is replaced whole before a token inside it.
        self._secrets = tuple(sorted(merged, key=len, reverse=True))

    def redact(self, text: str) -> str:
        for secret in self._secrets:
            if secret in text:
                text = text.replace(secret, REDACTED)
        return text

    def log(self, event: str, level: str = "info", **fields: Any) -> None:
        if _LEVELS[level] < self.min_level:
            return
        ts = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
        record = {"ts": ts, "level": level, "event": event, **fields}
        if self.fmt == "json":
            line = json.dumps(record, ensure_ascii=False, default=str)
        else:
            rest = " ".join(f"{k}={_text_value(v)}" for k, v in fields.items())
            line = f"{ts} {level.upper():7} {event} {rest}".rstrip()
        line = self.redact(line)
        stream = self.stream or sys.stdout
        with self._lock:
            stream.write(line + "\n")
            stream.flush()

    def info(self, event: str, **fields: Any) -> None:
        self.log(event, "info", **fields)

    def warning(self, event: str, **fields: Any) -> None:
        self.log(event, "warning", **fields)

    def error(self, event: str, **fields: Any) -> None:
        self.log(event, "error", **fields)


def _text_value(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    return json.dumps(text) if " " in text else text


log = EventLog()
