"""Notification titles and bodies per channel format (pure): text, markdown or html."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from monitor.notice_dates import OPEN_END
from monitor.types import ChangeKind, Severity

TITLE_MAX = 200          # well inside Apprise's 250-character title default
BODY_BUDGET = 24_000     # Apprise's body_maxlen default is 32768; stay clear of it
DIGEST_TOP = 15          # a digest lists at most this many alerts in full

_CHANGE_WORDS = {
    "new": "New", "updated": "Updated", "withdrawn": "Withdrawn", "cancelled": "Cancelled",
    "expired": "Expired", "reinstated": "Reinstated",
    "estimated_end": "Estimated end passed, no replacement seen",
    "resumed": "Resumed",
}


_TITLE_WORDS = {
    "withdrawn": "withdrawn", "cancelled": "cancelled", "expired": "expired",
    "updated": "updated", "reinstated": "reinstated",
    "estimated_end": "estimated end passed, no replacement seen",
    "resumed": "resumed",
}


@dataclass(frozen=True)
class AlertView:
    """What rendering needs of one stored alert."""

    category: str                 # item | summary | health | test
    change: str
    severity: Severity
    title: str
    watchlist: str | None
    source: str
    data: Mapping[str, Any]
    all_clear: bool = False


def alert_title(severity: Severity, key: str, item_title: str, change: str, *,
                replaces: str | None = None, was: str | None = None) -> str:
    """`[WARNING] KICZ A0012/25: <title>`; changes other than `new` say what happened first.

    A flight's title already ends in its status (`TP170 LIS-CCS 2025-11-22: cancelled`), so a
    flight change adds what it was: `... cancelled (was scheduled)`.
    """
    if was is not None:
        number = key.split(" ", 1)[0]
        text = item_title.removeprefix(number).strip()
        if was != item_title.rpartition(": ")[2]:
            text = f"{text} (was {was})"
        return _clip(f"[{severity.name}] {key}: {text}")
    text = _strip_key(item_title, key)
    word = _TITLE_WORDS.get(change, "")
    if change == "updated" and replaces:
        word = f"replaces {replaces.split(' ', 1)[-1]}"
    if word:
        text = f"{word}: {text}" if text else word
    return _clip(f"[{severity.name}] {key}: {text}" if text else f"[{severity.name}] {key}")


def digest_title(severity: Severity, count: int, watchlist: str) -> str:
    return f"[{severity.name}] {count} changes for {watchlist}"


def bookings_title(severity: Severity, count: int, label: str, change: str) -> str:
    """`[WARNING] 3 bookings affected: TP LIS-CCS suspension`; an update says so, an
    all-clear (`withdrawn`) says the bookings are no longer affected."""
    noun = "booking" if count == 1 else "bookings"
    if change == "withdrawn":
        return _clip(f"[{severity.name}] {count} {noun} no longer affected: {label}")
    updated = " (updated)" if change == "updated" else ""
    return _clip(f"[{severity.name}] {count} {noun} affected: {label}{updated}")


def summary_title(severity: Severity, count: int, watchlist: str) -> str:
    noun = "item" if count == 1 else "items"
    return f"[{severity.name}] Current situation for {watchlist}: {count} active {noun}"


def notify_type(view: AlertView) -> str:
    """Apprise notify type: critical failure, warning warning, all-clear success, else info."""
    if view.all_clear:
        return "success"
    if view.severity >= Severity.CRITICAL:
        return "failure"
    if view.severity >= Severity.WARNING:
        return "warning"
    return "info"


def render(view: AlertView, fmt: str) -> tuple[str, str]:
    """(title, body) for one alert in the channel's format."""
    if view.category == "summary":
        return view.title, _summary_body(view, fmt)
    if view.category in ("health", "test"):
        return view.title, _plain_body(view, fmt)
    return view.title, _fit(_block(view, fmt, heading=False), fmt)


def render_digest(views: Sequence[AlertView], watchlist: str, fmt: str) -> tuple[str, str]:
    """One message for several alerts of one run: counts, then the top alerts in full."""
    ordered = sorted(views, key=lambda v: (-int(v.severity), v.title))
    top = max(v.severity for v in views)
    title = digest_title(top, len(views), watchlist)
    counts: dict[str, int] = {}
    for v in views:
        counts[v.change] = counts.get(v.change, 0) + 1
    summary = ", ".join(f"{n} {c}" for c, n in sorted(counts.items()))
    parts = [_para(f"Watchlist {watchlist}: {summary}.", fmt)]
    shown = ordered[:DIGEST_TOP]
    parts += [_block(v, fmt, heading=True) for v in shown]
    if len(ordered) > len(shown):
        parts.append(_para(f"... and {len(ordered) - len(shown)} more "
                           "(see `monitor alerts` or the watchlist feed).", fmt))
    return title, _fit(_join(parts, fmt), fmt)


def _block(view: AlertView, fmt: str, *, heading: bool) -> str:
    if view.data.get("bookings") is not None:
        return _bookings_block(view, fmt, heading=heading)
    item = view.data.get("item") or {}
    reasons: list[str] = list(view.data.get("reasons") or [])
    change = _CHANGE_WORDS.get(view.change, view.change)
    lines: list[tuple[str, str]] = [
        ("Watchlist", view.watchlist or "-"),
        ("Change", change.lower() + _replaces(item)),
        ("Why", _why(reasons)),
        ("Valid", _validity(item)),
        ("Source", ", ".join(view.data.get("sources") or [view.source])),
    ]
    if item.get("url"):
        lines.append(("Link", item["url"]))
    head = view.title if heading else (item.get("title") or view.title)
    return _section(head, lines, fmt)


BOOKINGS_SHOWN = 50


def _bookings_block(view: AlertView, fmt: str, *, heading: bool) -> str:
    """A booking alert: `ref flight date` per booking and why (or that it is no longer
    affected), then the source and a link."""
    data = view.data
    change = "no longer affected" if view.all_clear else _CHANGE_WORDS.get(
        view.change, view.change).lower()
    lines: list[tuple[str, str]] = [("Watchlist", view.watchlist or "-"), ("Change", change)]
    listed = [(entry, "; ".join(entry.get("reasons") or []) or change)
              for entry in data.get("bookings") or []]
    listed += [(entry, "no longer affected") for entry in data.get("cleared") or []]
    lines += [(_booking_name(entry), why) for entry, why in listed[:BOOKINGS_SHOWN]]
    if len(listed) > BOOKINGS_SHOWN:
        lines.append(("More", f"{len(listed) - BOOKINGS_SHOWN} more booking(s) "
                              "(see `monitor trips`)"))
    lines.append(("Source", ", ".join(data.get("sources") or [view.source])))
    link = (data.get("item") or {}).get("url")
    if link:
        lines.append(("Link", link))
    head = view.title if heading else str(data.get("label") or view.title)
    return _section(head, lines, fmt)


def _booking_name(entry: Mapping[str, Any]) -> str:
    return f"{entry.get('ref')} {entry.get('flight')} {entry.get('date')}"


def _summary_body(view: AlertView, fmt: str) -> str:
    entries = list(view.data.get("items") or [])
    parts = [_para(f"First reading of {view.source} for watchlist {view.watchlist}: "
                   f"{len(entries)} active item(s) match. Later changes are sent one by one.",
                   fmt)]
    for entry in entries[:DIGEST_TOP]:
        item = entry["item"]
        sev = item["severity"].upper()
        lines = [("Why", _why(entry.get("reasons") or [])),
                 ("Valid", _validity(item)), ("Source", item["source"])]
        if item.get("url"):
            lines.append(("Link", item["url"]))
        head = _clip(f"[{sev}] {item['key']}: {_strip_key(item['title'], item['key'])}")
        parts.append(_section(head, lines, fmt))
    if len(entries) > DIGEST_TOP:
        parts.append(_para(f"... and {len(entries) - DIGEST_TOP} more.", fmt))
    return _fit(_join(parts, fmt), fmt)


def _plain_body(view: AlertView, fmt: str) -> str:
    message = str(view.data.get("message") or view.title)
    lines = [(k.replace("_", " ").capitalize(), str(v)) for k, v in view.data.items()
             if k != "message" and v not in (None, "")]
    return _join([_para(message, fmt), _section("", lines, fmt)], fmt)


WHY_SHOWN = 4


def _why(reasons: Sequence[str]) -> str:
    """The reasons a desk reads at a glance; a long list keeps its first few."""
    if not reasons:
        return "-"
    shown = "; ".join(reasons[:WHY_SHOWN])
    more = len(reasons) - WHY_SHOWN
    return f"{shown}; and {more} more" if more > 0 else shown


def _validity(item: Mapping[str, Any]) -> str:
    """The validity window as the item states it: both ends, `until <end>` when only the end is
    known (a notice's "hasta el 31 de diciembre"), `from <start> until further notice` for an
    open end, and "until further notice" for a notice whose title says so and states no day."""
    start, end = item.get("valid_from"), item.get("valid_to")
    if not start and not end:
        if str(item.get("title") or "").endswith(f"({OPEN_END})"):
            return OPEN_END
        return "not stated by the source"
    if not end:
        return f"from {start} {OPEN_END}"
    end_text = end + (" (estimated)" if item.get("valid_to_estimated") else "")
    return f"{start} to {end_text}" if start else f"until {end_text}"


def _replaces(item: Mapping[str, Any]) -> str:
    if item.get("replaces"):
        return f" (replaces {item['replaces']})"
    if item.get("cancels"):
        return f" (cancels {item['cancels']})"
    return ""


def _section(head: str, lines: Sequence[tuple[str, str]], fmt: str) -> str:
    if fmt == "html":
        rows = "".join(f"<li><b>{html.escape(k)}:</b> {_html_value(v)}</li>" for k, v in lines)
        title = f"<p><b>{html.escape(head)}</b></p>" if head else ""
        return f"{title}<ul>{rows}</ul>"
    if fmt == "markdown":
        title = f"**{_md(head)}**\n" if head else ""
        return title + "\n".join(f"- {k}: {_md_value(v)}" for k, v in lines)
    title = f"{head}\n" if head else ""
    return title + "\n".join(f"{k}: {v}" for k, v in lines)


def _para(text: str, fmt: str) -> str:
    if fmt == "html":
        return f"<p>{html.escape(text)}</p>"
    return _md(text) if fmt == "markdown" else text


def _join(parts: Sequence[str], fmt: str) -> str:
    parts = [p for p in parts if p]
    return "".join(parts) if fmt == "html" else "\n\n".join(parts)


def _fit(body: str, fmt: str) -> str:
    """Bodies are summarised upstream; this only guards the hard limit, at a line boundary."""
    if len(body) <= BODY_BUDGET:
        return body
    cut = body.rfind("\n", 0, BODY_BUDGET - 100)
    cut = cut if cut > 0 else BODY_BUDGET - 100
    return body[:cut] + ("<p>(shortened)</p>" if fmt == "html" else "\n(shortened)")


def _html_value(value: str) -> str:
    if value.startswith(("http://", "https://")):
        return f'<a href="{html.escape(value, quote=True)}">{html.escape(value)}</a>'
    return html.escape(value)


_MD_SPECIAL = re.compile(r"([\\`*_\[\]])")


def _md(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", text)


def _md_value(value: str) -> str:
    return value if value.startswith(("http://", "https://")) else _md(value)


def _strip_key(title: str, key: str) -> str:
    """Drop a leading repeat of the key (`KICZ NOTAM A0012/25 Security - ...`)."""
    ident = key.split(" ", 1)[-1]
    pattern = re.compile(rf"^\s*(?:KICZ\s+)?(?:NOTAM\s+)?{re.escape(ident)}\s*[-—–:]?\s*")
    stripped = pattern.sub("", title, count=1) if ident and ident in title[:60] else title
    if stripped.startswith(key):
        stripped = stripped[len(key):].lstrip(" :-—–")
    return stripped.strip() or title.strip()


def _clip(text: str) -> str:
    text = " ".join(text.split())
    if len(text) <= TITLE_MAX:
        return text
    cut = text.rfind(" ", 0, TITLE_MAX - 1)
    return text[: cut if cut > 40 else TITLE_MAX - 1] + "…"


def change_is_all_clear(change: str) -> bool:
    try:
        return ChangeKind(change).is_all_clear
    except ValueError:
        return False
