"""The error hierarchy: every failure the operator sees names what, where and why."""

from __future__ import annotations

from enum import StrEnum


class Failure(StrEnum):
    """What kind of failure a run met, in the operator's words (health alerts say it)."""

    BLOCKED = "blocked"                # a captcha, a firewall, a page where data was expected
    HTTP_STATUS = "HTTP error"         # the server answered with an error status
    TRANSPORT = "unreachable"          # no answer: connection, timeout, redirects, bad URL
    TOO_LARGE = "too large"            # over the body cap or the page limit
    PROVIDER = "provider error"        # the provider's own error (invalid key, quota)
    LAYOUT_CHANGED = "layout changed"  # the response lost the shape its parser expects
    INTERNAL = "internal error"        # a bug of ours: the run failed, the monitor goes on


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
                 body: bytes = b"", failure: Failure | None = None) -> None:
        self.source = source
        self.url = url
        self.retry_after = retry_after
        self.status = status      # the HTTP status, when the server answered
        self.body = body          # the start of an error body (a provider's error envelope)
        self.failure = failure or (Failure.HTTP_STATUS if status else Failure.TRANSPORT)
        super().__init__(message)


class ParseError(MonitorError):
    """A response does not have the shape its parser expects ("layout changed")."""

    def __init__(self, message: str, *, source: str = "", url: str = "",
                 failure: Failure = Failure.LAYOUT_CHANGED) -> None:
        self.source = source
        self.url = url
        self.failure = failure
        super().__init__(message)


class UsageError(MonitorError):
    """The command line names something that does not exist (a kind, source, channel)."""


def failure_of(exc: BaseException) -> Failure:
    """The kind of a run's failure: what the error says it is, else a bug of ours."""
    if isinstance(exc, FetchError | ParseError):
        return exc.failure
    return Failure.INTERNAL
