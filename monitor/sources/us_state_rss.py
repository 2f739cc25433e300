"""US State Department travel advisories: the RSS feed, one advisory item per country.

The feed (`travel.state.gov/_res/rss/TAsTWs.xml`) holds one `<item>` per destination, titled
`Venezuela - Level 4: Do Not Travel`. The level is the news for a travel desk: 4 is a warning,
3 an advisory, 1 and 2 information; a falling level reaches the desks that heard of the
higher one as an all-clear (the pipeline's rule for an update below a watchlist's threshold).
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import cast

from pydantic import field_validator

from monitor import countries
from monitor.plaintext import plain_lines
from monitor.sources.api import layout_changed
from monitor.sources.base import Source, SourceOptions, require
from monitor.types import Item, ItemKind, Severity

FEED_URL = "https://travel.state.gov/_res/rss/TAsTWs.xml"
BODY_LIMIT = 4000  # characters of the advisory text kept in an item body
# monitor.http.XML_TYPES, repeated (the sources package does not import monitor.http).
XML_TYPES = ("application/xml", "text/xml", "application/rss+xml", "application/atom+xml")

# Severity by advisory level (names of levels 1-3 vary; the number is what is read).
LEVELS: dict[int, Severity] = {4: Severity.WARNING, 3: Severity.ADVISORY, 2: Severity.INFO,
                               1: Severity.INFO}

_LEVEL = re.compile(r"Level\s+(\d+)\s*:\s*([^.<]+)", re.IGNORECASE)


class UsStateRssOptions(SourceOptions):
    """`countries`: ISO alpha-2 codes of the destinations to keep (default: every one)."""

    countries: list[str] | None = None

    @field_validator("countries")
    @classmethod
    def _iso(cls, values: list[str] | None) -> list[str] | None:
        if values is None:
            return None
        codes = [v.strip().upper() for v in values]
        unknown = [c for c in codes if countries.country_code(c) is None]
        if unknown:
            raise ValueError(f"unknown ISO country code(s): {', '.join(unknown)}")
        return codes


class UsStateRss(Source):
    """The State Department's travel advisories feed: one item per destination."""

    kind = "us_state_rss"
    Options = UsStateRssOptions
    default_url = FEED_URL
    expect = XML_TYPES

    def parse(self, body: bytes, *, url: str,
              extra: Mapping[str, bytes] | None = None) -> list[Item]:
        wanted = cast(UsStateRssOptions, self.options).countries
        items: dict[str, Item] = {}
        for index, entry in enumerate(feed_items(body, url=url)):
            item = advisory_item(entry, index=index, source=self.name, url=url)
            if wanted is None or set(item.countries) & set(wanted):
                items.setdefault(item.key, item)
        return list(items.values())


def feed_items(body: bytes, *, url: str = "") -> list[dict[str, str]]:
    """The `<item>` entries as {title, link, pubDate, description}; ParseError if the feed
    lost its shape (no RSS channel, or a channel without a single item)."""
    from lxml import etree  # loaded when a body is read, not for a 304

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=False)  # network bytes: no entities, DTD or network
    try:
        root = etree.fromstring(body, parser=parser)
    except (etree.LxmlError, ValueError) as exc:
        raise layout_changed(f"the feed is not XML ({exc.__class__.__name__})", url) from exc
    channel = root.find("channel") if root.tag == "rss" else None
    if channel is None:
        raise layout_changed(f"no RSS channel (root element <{root.tag}>)", url)
    entries = [{field: (node.findtext(field) or "").strip()
                for field in ("title", "link", "pubDate", "description")}
               for node in channel.iter("item")]
    # The real feed lists some 200 destinations: an empty one is broken, not all clear.
    require(entries, "the feed holds no <item>", url=url)
    return entries


def advisory_item(entry: Mapping[str, str], *, index: int, source: str, url: str) -> Item:
    """The advisory item of one feed entry (see the module docstring for the levels)."""
    title = " ".join(html.unescape(entry["title"]).split())
    require(title, f"item {index + 1} has no title", url=url)
    name = title.split(" - ", 1)[0].strip()
    codes = _countries(name)
    found = _LEVEL.search(title)
    level = int(found[1]) if found else 0
    severity = LEVELS.get(level, Severity.INFO)  # no level read: information
    key = f"US-DOS {codes[0]}" if len(codes) == 1 else f"US-DOS {name}"
    link = entry["link"] if entry["link"].startswith(("https://", "http://")) else None
    return Item(
        source=source, kind=ItemKind.ADVISORY, key=key, title=title, severity=severity,
        status="active", body=plain_lines(entry["description"], BODY_LIMIT), url=link or url,
        countries=codes, published_at=_published(entry["pubDate"], index, url),
        revision=f"level {level}" if level else "")


def _countries(name: str) -> tuple[str, ...]:
    """ISO codes of a destination name ("Venezuela"; "Israel, the West Bank and Gaza")."""
    code = countries.country_code(name)
    if code is not None:
        return (code,)
    return tuple(sorted(countries.countries_in_text(name)))


def _published(value: str, index: int, url: str) -> datetime | None:
    if not value:
        return None
    try:
        stamp = parsedate_to_datetime(value)
    except (TypeError, ValueError) as exc:
        raise layout_changed(f"item {index + 1} has an unreadable pubDate {value!r}",
                              url) from exc
    return stamp.astimezone(UTC) if stamp.tzinfo else stamp.replace(tzinfo=UTC)
