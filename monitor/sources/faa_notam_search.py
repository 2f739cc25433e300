"""FAA NOTAM Search (notams.aim.faa.gov/notamSearch): the location search, read page by page.

`POST /notamSearch/search` with the browser form (`searchType=0`, `designatorsForLocation`,
`offset`) and the headers of the search app; 30 records a page, `offset = endRecordCount`
until `totalNotamCount`. The service turns non-browser clients away with captcha pages and
403s (SOURCES.md §4): those are FetchErrors that say "blocked", never a page of nothing.
Each record's full text (`icaoMessage`) goes through the NOTAM parser; the E) excerpt
`traditionalMessageFrom4thWord` is cut at about 300 characters and is never used.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any, cast

from pydantic import Field

from monitor.errors import Failure, FetchError, ParseError
from monitor.sources.api import JSON_TYPES, decode_json, layout_changed
from monitor.sources.base import Fetched, Http, Source, Validators
from monitor.sources.faa_service import SEARCH_PAGE, LocationOptions, looks_like_html, post_json
from monitor.sources.notam_items import parse_first, with_times
from monitor.types import Item

SEARCH_URL = "https://notams.aim.faa.gov/notamSearch/search"
SERVICE = "notamSearch"
# What the search app itself sends; clients without them were refused (SOURCES.md §4).
BROWSER_HEADERS = {
    "Accept": "application/json, text/plain, */*",
    "Content-Type": "application/x-www-form-urlencoded; charset=UTF-8",
    "Origin": "https://notams.aim.faa.gov",
    "Referer": "https://notams.aim.faa.gov/notamSearch/nsapp.html",
}
# The rest of the app's form, sent empty as the app does.
_EMPTY_FORM_FIELDS = ("designatorForAccountable", "notamNumber", "designatorForNotamNumberSearch",
                      "freeFormText", "archiveDate", "archiveDesignator", "filters")

_SEARCH_TIME = re.compile(r"\s*(\d{2})/(\d{2})/(\d{4})\s+(\d{2})(\d{2})\s*(EST)?\s*")
# A US domestic or FDC number after the `!` (`!LAX 01/227`, `!FDC 3/9226`): such NOTAMs are
# keyed by that accountability, which only the `!` text states (DESIGN.md, Item key).
_DOMESTIC_TEXT = re.compile(r"![A-Z0-9]{2,5}\s+\d{1,2}/\d{3,4}\b")


class FaaNotamSearchOptions(LocationOptions):
    """`locations`: designators (airports, FIRs, accountabilities) for one location search;
    `max_pages`: pages read before the run fails rather than miss NOTAMs; `user_agent`: sent
    instead of the monitor's own (the service has refused non-browser clients)."""

    max_pages: int = Field(default=20, ge=1, le=200)
    user_agent: str = ""


class FaaNotamSearch(Source):
    """NOTAMs for the configured locations from the FAA NOTAM Search, offset-paged."""

    kind = "faa_notam_search"
    Options = FaaNotamSearchOptions
    default_url = SEARCH_URL
    expect = JSON_TYPES

    @property
    def _options(self) -> FaaNotamSearchOptions:
        return cast(FaaNotamSearchOptions, self.options)

    def fetch(self, http: Http, validators: Validators, *, now: datetime) -> Fetched:
        options = self._options
        headers = dict(BROWSER_HEADERS)
        if options.user_agent.strip():
            headers["User-Agent"] = options.user_agent.strip()
        pages: list[bytes] = []
        offset = total = 0
        for _ in range(options.max_pages):
            body, data = post_json(http, self.url, service=SERVICE, source=self.name,
                                    data=self.form(offset), headers=headers,
                                    data_keys=("notamList",),
                                    hints={403: "blocked: the service refused this client"})
            envelope = checked_envelope(data, url=self.url, live=True)
            pages.append(body)
            end, total = _counts(envelope, url=self.url)
            if not envelope["notamList"] or end >= total:
                return Fetched(url=self.url, pages=tuple(pages))
            if end <= offset:
                raise layout_changed(f"endRecordCount {end} does not move past offset {offset}",
                                     self.url)
            offset = end
        raise FetchError(f"{SERVICE}: more than max_pages = {options.max_pages} pages "
                         f"({total} NOTAMs); raise max_pages", source=self.name, url=self.url,
                         failure=Failure.TOO_LARGE)

    def form(self, offset: int) -> dict[str, str]:
        """The search form for one page."""
        form = {"searchType": "0",
                "designatorsForLocation": ",".join(self._options.locations),
                "offset": str(offset), "notamsOnly": "false",
                "sortColumns": "5 false", "sortDirection": "true"}
        form.update(dict.fromkeys(_EMPTY_FORM_FIELDS, ""))
        return form

    def parse(self, body: bytes, *, url: str,
              extra: Mapping[str, bytes] | None = None) -> list[Item]:
        envelope = search_envelope(body, url=url)
        searched_at = _search_date(envelope.get("searchDateTime"))
        return [_record_item(record, where=f"notamList[{index}]", source=self.name,
                             searched_at=searched_at, url=url)
                for index, record in enumerate(envelope["notamList"])]


def search_envelope(body: bytes, *, url: str = "") -> dict[str, Any]:
    """The decoded reply, with a `notamList` list; ParseError for anything else (a captcha
    page, a rejected search, a reply that lost its shape)."""
    if looks_like_html(body):
        raise ParseError(f"{SERVICE}: blocked: got an HTML page where JSON was expected "
                         "(captcha or firewall)", url=url, failure=Failure.BLOCKED)
    return checked_envelope(decode_json(body, what=f"the {SERVICE} reply", url=url), url=url)


def checked_envelope(data: object, *, url: str = "", live: bool = False) -> dict[str, Any]:
    """`data` when it is a search reply. A rejected search (`error`) raises FetchError when
    `live` (a fetch), else ParseError; a reply without `notamList` is a layout change."""
    if not isinstance(data, dict):
        raise layout_changed(f"the {SERVICE} reply is not a JSON object", url)
    error = data.get("error")
    if isinstance(error, str) and error.strip():
        message = f"{SERVICE} error: {' '.join(error.split())}"
        raise (FetchError(message, url=url, failure=Failure.PROVIDER) if live
               else ParseError(message, url=url, failure=Failure.PROVIDER))
    if not isinstance(data.get("notamList"), list):
        raise layout_changed(f"no 'notamList' list in the {SERVICE} reply", url)
    return data


def search_time(value: object) -> tuple[datetime | None, bool]:
    """`MM/DD/YYYY HHMM` (UTC), maybe with `EST` glued on: (time, estimated); PERM -> None."""
    found = _SEARCH_TIME.fullmatch(value) if isinstance(value, str) else None
    if found is None:
        return None, False
    month, day, year, hour, minute = (int(found[i]) for i in range(1, 6))
    try:
        return datetime(year, month, day, hour, minute, tzinfo=UTC), found[6] is not None
    except ValueError:
        return None, False


def _record_item(record: object, *, where: str, source: str, searched_at: datetime | None,
                 url: str) -> Item:
    if not isinstance(record, dict):
        raise layout_changed(f"{where} is not an object", url)
    number = _text(record, "notamNumber").strip()
    designators = {_text(record, "facilityDesignator").strip().upper(),
                   _text(record, "icaoId").strip().upper()}
    item = parse_first(_full_texts(record), source=source, link=SEARCH_PAGE,
                       kicz="KICZ" in designators,
                       where=f"{where} ({number or 'no notamNumber'})", url=url)
    start, _ = search_time(record.get("startDate"))
    end, estimated = search_time(record.get("endDate"))
    issued, _ = search_time(record.get("issueDate"))
    item = with_times(item, published_at=issued, valid_from=start, valid_to=end,
                      estimated=estimated)
    if record.get("cancelledOrExpired") is True and item.is_active:
        # The flag does not say which: past a firm end (at search time) it is expired.
        ended = (item.valid_to is not None and not item.valid_to_estimated
                 and searched_at is not None and item.valid_to <= searched_at)
        item = replace(item, status="expired" if ended else "cancelled")
    return item


def _full_texts(record: Mapping[str, Any]) -> list[str]:
    """The record's full texts, best first: the `!` text for US domestic and FDC numbers
    (their key is the accountability), else `icaoMessage`, then `traditionalMessage`."""
    icao = _text(record, "icaoMessage").strip()
    traditional = _text(record, "traditionalMessage").strip()
    if traditional and _DOMESTIC_TEXT.match(traditional):
        return [t for t in (traditional, icao) if t]
    return [t for t in (icao, traditional) if t]


def _counts(envelope: Mapping[str, Any], *, url: str) -> tuple[int, int]:
    end, total = envelope.get("endRecordCount"), envelope.get("totalNotamCount")
    for name, value in (("endRecordCount", end), ("totalNotamCount", total)):
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise layout_changed(f"no '{name}' count in the {SERVICE} reply", url)
    return cast(int, end), cast(int, total)


def _search_date(value: object) -> datetime | None:
    """`searchDateTime`, "2022-11-11 22:08:41" (taken as UTC [unv])."""
    if not isinstance(value, str):
        return None
    try:
        stamp = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return stamp.replace(tzinfo=UTC) if stamp.tzinfo is None else stamp


def _text(record: Mapping[str, Any], key: str) -> str:
    value = record.get(key)
    return value if isinstance(value, str) else ""
