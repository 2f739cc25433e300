"""The error hierarchy: every failure the operator sees names what, where and why."""

from __future__ import annotations


class MonitorError(Exception):
    """Root of every error the monitor raises on purpose."""


class ConfigError(MonitorError):
    """config.toml is unreadable or invalid; the message is `file: key.path: problem`."""

    def __init__(self, file: str, key: str, problem: str) -> None:
        self.file = file
        self.key = key
        self.problem = problem
        where = f"{file}: {key}: " if key else f"{file}: "
        super().__init__(f"{where}{problem}")


class FetchError(MonitorError):
    """An upstream could not be read: network error, HTTP error, blocked, too large."""

    def __init__(self, message: str, *, source: str = "", url: str = "",
                 retry_after: float | None = None, status: int | None = None,
                 body: bytes = b"") -> None:
        self.source = source
        self.url = url
        self.retry_after = retry_after
        self.status = status      # the HTTP status, when the server answered
        self.body = body          # the start of an error body (a provider's error envelope)
        super().__init__(message)


class ParseError(MonitorError):
    """A response does not have the shape its parser expects ("layout changed")."""

    def __init__(self, message: str, *, source: str = "", url: str = "") -> None:
        self.source = source
        self.url = url
        super().__init__(message)


class UsageError(MonitorError):
    """The command line names something that does not exist (a kind, source, channel)."""
