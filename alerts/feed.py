"""A watchlist's alerts as an Atom 1.0 feed (RFC 4287): pure, alerts in, XML bytes out."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol
from urllib.parse import quote

from alerts.render import AlertView, change_is_all_clear, render
from monitor.types import Severity, iso

ATOM_NS = "http://www.w3.org/2005/Atom"
# Tag URIs (RFC 4151) never change with the host a feed is served from, so readers keep
# their read/unread state when the feed moves.
TAG_AUTHORITY = "tag:airspace-monitor,2025"
GENERATOR = "airspace-monitor"


class FeedAlert(Protocol):
    """What a feed entry needs of a stored alert (`monitor.records.AlertListing` fits)."""

    @property
    def id(self) -> int: ...
    @property
    def created_at(self) -> datetime: ...
    @property
    def category(self) -> str: ...
    @property
    def watchlist(self) -> str | None: ...
    @property
    def source(self) -> str: ...
    @property
    def change(self) -> str: ...
    @property
    def severity(self) -> Severity: ...
    @property
    def title(self) -> str: ...
    @property
    def data(self) -> Mapping[str, Any]: ...


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One alert as a feed entry, for callers that do not read it from the store."""

    id: int
    created_at: datetime
    category: str
    watchlist: str | None
    source: str
    change: str
    severity: Severity
    title: str
    data: Mapping[str, Any]


def feed_id(watchlist: str) -> str:
    return f"{TAG_AUTHORITY}:watchlist/{quote(watchlist, safe='')}"


def entry_id(alert_id: int) -> str:
    return f"{TAG_AUTHORITY}:alert/{alert_id}"


def render_atom(watchlist: str, alerts: Sequence[FeedAlert], *, now: datetime,
                feed_url: str | None = None) -> bytes:
    """The watchlist's feed, newest alert first.

    `updated` is the newest alert's time, so rendering the same alerts twice gives the same
    bytes; `now` only dates a feed that has no entries yet.
    """
    ordered = sorted(alerts, key=lambda a: (a.created_at, a.id), reverse=True)
    # A default namespace written as an attribute keeps ElementTree's global prefix map alone.
    feed = ET.Element("feed", {"xmlns": ATOM_NS})
    _text(feed, "id", feed_id(watchlist))
    _text(feed, "title", f"Airspace alerts for {watchlist}")
    _text(feed, "subtitle", f"Warnings, restrictions and all-clears matched by the "
                            f"{watchlist} watchlist")
    _text(feed, "updated", iso(ordered[0].created_at if ordered else now) or "")
    author = ET.SubElement(feed, "author")
    _text(author, "name", GENERATOR)
    _text(feed, "generator", GENERATOR)
    if feed_url:
        ET.SubElement(feed, "link", {"rel": "self", "type": "application/atom+xml",
                                     "href": _clean(feed_url)})
    for alert in ordered:
        _entry(feed, alert)
    ET.indent(feed, space="  ")
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True) + b"\n"


def _entry(feed: ET.Element, alert: FeedAlert) -> None:
    entry = ET.SubElement(feed, "entry")
    stamp = iso(alert.created_at) or ""
    _text(entry, "id", entry_id(alert.id))
    _text(entry, "title", alert.title)
    _text(entry, "updated", stamp)
    _text(entry, "published", stamp)
    item = alert.data.get("item") or {}
    if item.get("url"):
        ET.SubElement(entry, "link", {"rel": "alternate", "href": _clean(str(item["url"]))})
    severity = Severity(alert.severity)
    ET.SubElement(entry, "category", {"term": severity.label, "label": severity.name,
                                      "scheme": f"{TAG_AUTHORITY}:severity"})
    _text(entry, "summary", _summary(alert), type="text")
    view = AlertView(alert.category, alert.change, severity, alert.title, alert.watchlist,
                     alert.source, alert.data, change_is_all_clear(alert.change))
    _, body = render(view, "html")
    # type="html": the markup travels escaped as text, which every reader unescapes.
    _text(entry, "content", body, type="html")


def _summary(alert: FeedAlert) -> str:
    if alert.category == "summary":
        count = len(alert.data.get("items") or [])
        return f"First reading of {alert.source}: {count} active item(s) match."
    reasons = "; ".join(alert.data.get("reasons") or [])
    text = f"{alert.change.capitalize()} ({alert.source})"
    return f"{text}: {reasons}" if reasons else text


def _text(parent: ET.Element, tag: str, value: str, **attrs: str) -> ET.Element:
    node = ET.SubElement(parent, tag, attrs)
    node.text = _clean(value)
    return node


# Characters XML 1.0 cannot carry at all (upstream pages do contain stray control bytes).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _clean(text: str) -> str:
    return _NOT_XML.sub("", text)
