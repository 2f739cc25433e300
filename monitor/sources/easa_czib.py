"""EASA Conflict Zone Information Bulletins: the JSON export, joined to the RSS feed for links.

The export holds every bulletin (active and withdrawn) but no page links and no CZIB numbers;
the feed has both, keyed by the same Drupal node id. The feed is optional: without it items
link to the list page and titles carry only the bulletin name.
Source: European Union Aviation Safety Agency (EASA), Conflict Zone Information Bulletins.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from urllib.parse import urlsplit

from lxml import etree

from monitor import countries
from monitor.errors import FetchError, ParseError
from monitor.logs import log
from monitor.plaintext import plain_lines
from monitor.sources.base import Fetched, Http, Source, SourceOptions, Validators, require
from monitor.types import Item, ItemKind, Severity

LIST_URL = "https://www.easa.europa.eu/en/domains/air-operations/czibs"
EXPORT_URL = f"{LIST_URL}/export-json?page&_format=json"
FEED_URL = f"{LIST_URL}/feed.xml"


class EasaCzibOptions(SourceOptions):
    """`feed_url`: the RSS feed giving page links and CZIB numbers ("" = do not fetch it);
    `list_url`: where items link when the feed has no entry for them."""

    feed_url: str = FEED_URL
    list_url: str = LIST_URL


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """What the RSS feed adds to one bulletin."""

    link: str | None      # the bulletin's page, when the feed gives a usable absolute URL
    number: str | None    # "CZIB 2026-01-R2", from the page slug
    description: str      # plain text, usually empty


class EasaCzib(Source):
    """EASA CZIBs: one bulletin item per export entry, active or withdrawn."""

    kind = "easa_czib"
    Options = EasaCzibOptions
    default_url = EXPORT_URL
    expect = ("application/json",)
    remembers = ("feed",)  # a fresh process bridges a feed outage with the stored feed

    _last_feed: bytes | None = None

    def restore(self, kept: Mapping[str, bytes]) -> None:
        if self._last_feed is None and kept.get("feed"):
            self._last_feed = kept["feed"]

    def fetch(self, http: Http, validators: Validators, *, now: datetime) -> Fetched:
        """Conditional GET of the export, then a best-effort GET of the feed."""
        fetched = super().fetch(http, validators, now=now)
        feed_url = getattr(self.options, "feed_url", "")
        if fetched.not_modified or not feed_url:
            return fetched
        try:
            feed = http.get(feed_url, expect=_FEED_TYPES)
        except FetchError as exc:
            # The feed only adds links and numbers; the export alone is a complete answer.
            # The last good feed keeps titles and links stable (no false "updated" alerts).
            log.warning("source.partial", source=self.name, part="feed",
                        error=str(exc), fallback="last feed" if self._last_feed else "list page")
            if self._last_feed is None:
                return fetched
            return replace(fetched, extra={**fetched.extra, "feed": self._last_feed})
        self._last_feed = feed.body
        return replace(fetched, extra={**fetched.extra, "feed": feed.body})

    def parse(self, body: bytes, *, url: str,
              extra: Mapping[str, bytes] | None = None) -> list[Item]:
        feed = feed_entries((extra or {}).get("feed"))
        list_url = getattr(self.options, "list_url", LIST_URL) or LIST_URL
        items: dict[str, Item] = {}
        for index, zone in enumerate(export_entries(body, url=url)):
            item = _item(zone, index=index, source=self.name, feed=feed, list_url=list_url,
                         url=url)
            items.setdefault(item.key, item)
        return list(items.values())


def export_entries(body: bytes, *, url: str = "") -> list[Mapping[str, object]]:
    """The `conflict_zones` entries of the JSON export; ParseError if the shape is wrong."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError) as exc:
        raise _layout_changed(f"the export is not JSON ({exc.__class__.__name__})",
                              url) from exc
    zones = data.get("conflict_zones") if isinstance(data, dict) else None
    if not isinstance(zones, list):
        raise _layout_changed("no 'conflict_zones' list in the export", url)
    # The real export lists dozens of bulletins, withdrawn ones included: empty means broken.
    require(zones, "'conflict_zones' is empty", url=url)
    for index, zone in enumerate(zones):
        require(isinstance(zone, dict), f"conflict_zones[{index}] is not an object", url=url)
        missing = [key for key in _REQUIRED if key not in zone]
        require(not missing, f"conflict_zones[{index}] has no {', '.join(missing)}", url=url)
    return zones


def feed_entries(feed: bytes | None) -> dict[str, FeedEntry]:
    """Feed entries by node id; a missing or malformed feed gives {} (it is optional)."""
    if not feed:
        return {}
    try:
        root = etree.fromstring(feed, parser=_xml_parser())
    except (etree.LxmlError, ValueError):
        return {}
    entries: dict[str, FeedEntry] = {}
    for item in root.iter("item"):
        # The guid reads "142977 on Sat, 03 Jan 2026 00:00:00 +0200": the node id comes first.
        nid = re.match(r"\s*(\d+)\b", item.findtext("guid") or "")
        if nid is None:
            continue
        link = _absolute_link(item.findtext("link") or "")
        entries.setdefault(nid.group(1), FeedEntry(
            link=link, number=_number(link) if link else None,
            description=plain_lines(item.findtext("description") or "")))
    return entries


_REQUIRED = ("Nid", "name", "status")
_STATUSES = {"active": "active", "withdrawn": "withdrawn"}
_FEED_TYPES = ("application/rss+xml", "application/xml", "text/xml")
_ISSUED = re.compile(r"\s*(\d{4})-(\d{2})-(\d{2})")
_UNTIL = re.compile(r"\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*")
_UPDATED = re.compile(r'datetime="([^"]+)"')
# Slugs vary: 2026-01-r2, czib-2026-08-r1, czib-2026-07r2, czib-2022-01r14, 2025-03,
# and an old safety information bulletin, sib-2014-21r1.
_SLUG = re.compile(r"(?:(czib|sib)-)?(\d{4}-\d{2})-?(r\d+)?", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")


def _item(zone: Mapping[str, object], *, index: int, source: str,
          feed: Mapping[str, FeedEntry], list_url: str, url: str) -> Item:
    where = f"conflict_zones[{index}]"
    nid = _field(zone, "Nid", where, url)
    require(nid, f"{where} has an empty Nid", url=url)
    status = _STATUSES.get(_field(zone, "status", where, url).strip().casefold())
    if status is None:
        raise _layout_changed(f"{where} has an unknown status {zone.get('status')!r}", url)
    name = " ".join(html.unescape(_field(zone, "name", where, url)).split())
    entry = feed.get(nid)

    # `country` may be empty (Venezuela, Kenya), HTML-escaped with a trailing space, or a
    # comma-separated list; a country name may itself hold a comma ("Korea, North"), so the
    # whole field is scanned rather than split.
    country_field = html.unescape(_field(zone, "country", where, url))
    area_countries, area_firs = countries.named_area(name)
    firs = area_firs | countries.firs_in_text(name)
    places = (countries.countries_in_text(country_field) | countries.countries_in_text(name)
              | area_countries | countries.fir_countries(firs))

    updated = _UPDATED.search(_field(zone, "updated", where, url))
    valid_until = _field(zone, "valid_until_date", where, url).strip()
    return Item(
        source=source, kind=ItemKind.BULLETIN, key=f"CZIB {nid}",
        title=f"{entry.number}: {name}" if entry and entry.number else (name or f"CZIB {nid}"),
        body=_body(_field(zone, "field_easa_valid_until_descr", where, url), valid_until,
                   entry.description if entry else ""),
        url=entry.link if entry and entry.link else list_url,
        severity=Severity.WARNING if status == "active" else Severity.INFO,
        status=status, firs=tuple(firs), countries=tuple(places),
        valid_from=_issued(_field(zone, "issued_date", where, url), where, url),
        valid_to=_until(valid_until, where, url),
        published_at=_updated(updated.group(1) if updated else "", where, url),
        # A revision moves `updated` or the end date; either must read as a change.
        revision=f"{updated.group(1) if updated else ''}|{valid_until}",
    )


def _field(zone: Mapping[str, object], key: str, where: str, url: str) -> str:
    value = zone.get(key)
    if value is None:
        return ""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        raise _layout_changed(f"{where}.{key} is not a string", url)
    return value.strip() if key == "Nid" else value


def _issued(value: str, where: str, url: str) -> datetime | None:
    """The calendar date of issue at 00:00Z: the stamp is server-local midnight, and a literal
    conversion would move it to the previous day."""
    if not value.strip():
        return None
    match = _ISSUED.match(value)
    if match is None:
        raise _layout_changed(f"{where}.issued_date {value!r} is not an ISO date", url)
    return _date(int(match[1]), int(match[2]), int(match[3]), 0, 0, f"{where}.issued_date", url)


def _until(value: str, where: str, url: str) -> datetime | None:
    """DD/MM/YYYY, valid to the end of that day (23:59Z)."""
    if not value:
        return None
    match = _UNTIL.fullmatch(value)
    if match is None:
        raise _layout_changed(f"{where}.valid_until_date {value!r} is not DD/MM/YYYY", url)
    return _date(int(match[3]), int(match[2]), int(match[1]), 23, 59,
                 f"{where}.valid_until_date", url)


def _updated(value: str, where: str, url: str) -> datetime | None:
    if not value:
        return None
    try:
        stamp = datetime.fromisoformat(value)
        return stamp.astimezone(UTC) if stamp.tzinfo else stamp.replace(tzinfo=UTC)
    except (ValueError, OverflowError) as exc:
        raise _layout_changed(f"{where}.updated {value!r} is not an ISO time", url) from exc


def _date(year: int, month: int, day: int, hour: int, minute: int, where: str,
          url: str) -> datetime:
    try:
        return datetime(year, month, day, hour, minute, tzinfo=UTC)
    except ValueError as exc:
        raise _layout_changed(f"{where} is not a calendar date", url) from exc


def _body(description_html: str, valid_until: str, feed_description: str) -> str:
    """Plain text: the validity sentence ("Valid until 16/02/2026, unless reviewed earlier."),
    then whatever the feed says about the bulletin."""
    validity = " ".join(html.unescape(_TAG.sub(" ", description_html)).split())
    validity = re.sub(r"^(?:valid\s+)?until\s+", "", validity, flags=re.IGNORECASE)
    if not validity and valid_until:
        validity = f"{valid_until}."
    lines = [f"Valid until {validity}"] if validity else []
    if feed_description:
        lines.append(feed_description)
    return "\n".join(lines)


def _absolute_link(text: str) -> str | None:
    """An absolute http(s) link as written. The channel link and xml:base are malformed
    ("…/endomains/…"), so relative links are not resolved against them."""
    link = text.strip()
    try:
        parts = urlsplit(link)
    except ValueError:
        return None
    return link if parts.scheme in ("http", "https") and parts.netloc else None


def _number(link: str) -> str | None:
    """"CZIB 2026-01-R2" from a page link ending in a known slug shape, else None."""
    slug = urlsplit(link).path.rstrip("/").rsplit("/", 1)[-1]
    match = _SLUG.fullmatch(slug)
    if match is None:
        return None
    prefix = "SIB" if (match[1] or "").casefold() == "sib" else "CZIB"
    revision = f"-{match[3].upper()}" if match[3] else ""
    return f"{prefix} {match[2]}{revision}"


def _xml_parser() -> etree.XMLParser:
    # Network bytes: no entity expansion, no DTD, no network access.
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                           huge_tree=False)


def _layout_changed(message: str, url: str) -> ParseError:
    return ParseError(f"layout changed: {message}" + (f" ({url})" if url else ""), url=url)
