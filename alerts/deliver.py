"""The Apprise sender (the only Apprise importer): one call per channel, so each result is known."""

from __future__ import annotations

import logging
from dataclasses import dataclass

_NOTIFY_TYPES = ("info", "success", "warning", "failure")
_FORMATS = ("text", "markdown", "html")


@dataclass(frozen=True, slots=True)
class SendResult:
    ok: bool
    error: str | None = None


def send(url: str, *, title: str, body: str, body_format: str = "markdown",
         notify_type: str = "info", timeout: float = 30.0) -> SendResult:
    """Deliver one message to one Apprise URL. Never raises for delivery problems.

    The error text comes from Apprise's own per-service log and may mention the host, so the
    caller redacts it before logging; the URL itself is never part of the message.
    """
    import apprise

    _quiet_apprise()
    if notify_type not in _NOTIFY_TYPES:
        raise ValueError(f"unknown notify type {notify_type}")
    if body_format not in _FORMATS:
        raise ValueError(f"unknown body format {body_format}")
    asset = apprise.AppriseAsset(secure_logging=True)
    apobj = apprise.Apprise(asset=asset)
    if not apobj.add(url):
        return SendResult(False, "the channel URL is not a valid Apprise URL")
    try:
        result = apobj.notify(body=body, title=title, notify_type=notify_type,
                              body_format=body_format, timeout=timeout)
    except Exception as exc:  # a plugin bug must not take the sweeper down
        return SendResult(False, f"{type(exc).__name__}: {exc}")
    if result:
        return SendResult(True)
    return SendResult(False, _failure_text(result))


def _failure_text(result: object) -> str:
    status = getattr(getattr(result, "status", None), "name", "FAILURE")
    messages: list[str] = []
    for service in result:  # type: ignore[attr-defined]
        if service:
            continue
        for entry in service.logs():
            if entry.level in ("WARNING", "ERROR") and entry.message not in messages:
                messages.append(entry.message)
    detail = "; ".join(messages[-3:])
    return f"apprise {status.lower()}" + (f": {detail}" if detail else "")


_quieted = False


def _quiet_apprise() -> None:
    """Apprise logs through `logging`; keep it off the operator's JSON stream (we log results)."""
    global _quieted
    if not _quieted:
        logger = logging.getLogger("apprise")
        logger.addHandler(logging.NullHandler())
        logger.propagate = False
        _quieted = True
