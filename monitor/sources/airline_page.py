"""Airline advisory pages: one region of a page, one advisory item per headed section.

No airline publishes a feed of suspensions; extensions edit an existing notice in place ("hasta
el 12 de diciembre" becomes "hasta el 15 de enero"), so the text of each section is what is
compared, after the normalisation in `monitor.notices`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, cast

from pydantic import Field, field_validator

from monitor import lexicon, regions
from monitor.lexicon import airline_code
from monitor.selectors import css_selector
from monitor.sources.base import Fetched, Region, Source, SourceOptions, fetched_time
from monitor.types import Item

if TYPE_CHECKING:
    from bs4 import Tag

# monitor.http.HTML_TYPES (not imported: monitor.http imports the sources package).
HTML_TYPES = ("text/html", "application/xhtml+xml")


class AirlinePageOptions(SourceOptions):
    """`selector`: CSS selector of the notice region (first match); `airline`: IATA code;
    `heading_selector`: what splits the region into sections; `places`: desk keys of the place
    table (default every desk); `min_chars`: a region shorter than this is a layout change
    (off unless set: a short region of brief notices is a healthy one)."""

    selector: str
    airline: str
    heading_selector: str = "h1,h2,h3,h4"
    places: list[str] | None = None
    min_chars: int | None = Field(default=None, ge=0)

    @field_validator("selector", "heading_selector")
    @classmethod
    def _css(cls, value: str) -> str:
        return css_selector(value)

    @field_validator("airline")
    @classmethod
    def _iata(cls, value: str) -> str:
        return airline_code(value)

    @field_validator("places")
    @classmethod
    def _desks(cls, values: list[str] | None) -> list[str] | None:
        return place_keys(values)


class AirlinePage(Source):
    """One CSS region of an airline's advisory page, split into sections by headings."""

    kind = "airline_page"
    Options = AirlinePageOptions
    expect = HTML_TYPES

    def region(self, fetched: Fetched) -> Region | None:
        """The notice region's digest, read with lxml (no BeautifulSoup tree of the page),
        with the page's title, the options, the URL and the day of the fetch (a notice's
        "hasta el 31 de diciembre" takes its year from it when the page has no stamp)."""
        options = cast(AirlinePageOptions, self.options)
        xpath = regions.selector_xpath(options.selector)
        if xpath is None or len(fetched.pages) != 1:
            return None      # a selector only soupsieve reads: every changed body is parsed
        tree = regions.html_tree(fetched.pages[0])
        found = regions.select(tree, xpath, options.selector)
        if found is None:
            raise regions.matched_nothing(options.selector, fetched.url)
        return regions.html_region(found, options.heading_selector, self.kind, self.url,
                                   fetched.url, options.model_dump_json(),
                                   regions.title(tree), regions.fetch_day(fetched))

    def parse(self, body: bytes, *, url: str,
              extra: Mapping[str, bytes] | None = None) -> list[Item]:
        from monitor import notices  # bs4: loaded once a region is read, not for a 304

        options = cast(AirlinePageOptions, self.options)
        region, title = _region(body, options.selector, url)
        found = notices.sections(region, options.heading_selector)
        notices.check_layout(found, selector=options.selector,
                             heading_selector=options.heading_selector,
                             min_chars=options.min_chars, url=url)
        return notices.notice_items(
            found, source=self.name, airline=options.airline, key_prefix=options.airline,
            url=url, intro_title=title or None, places=options.places,
            reference=notices.page_date(region) or fetched_time(extra))


def _region(body: bytes, selector: str, url: str) -> tuple[Tag, str]:
    """The selected region as a BeautifulSoup tag, and the page's title.

    lxml selects the region and BeautifulSoup reads only its markup; a selector cssselect
    cannot express, or a region that cannot stand alone (a table row), is read from a
    BeautifulSoup tree of the whole page."""
    from bs4 import Tag

    from monitor import notices

    xpath = regions.selector_xpath(selector)
    if xpath is not None:
        tree = regions.html_tree(body)
        found = regions.select(tree, xpath, selector)
        if found is None:
            raise regions.matched_nothing(selector, url)
        markup = regions.markup(found)
        if markup is not None:
            alone = notices.soup(markup)
            region = next((c for c in (alone.body or alone).children if isinstance(c, Tag)),
                          None)
            if region is not None:
                return region, regions.title(tree)
    page = notices.soup(body)
    selected = page.select_one(selector)
    if selected is None:
        raise regions.matched_nothing(selector, url)
    title = page.title.get_text(" ") if page.title else ""
    return selected, " ".join(title.split())


def place_keys(values: list[str] | None) -> list[str] | None:
    """Desk keys of the place table (`monitor.lexicon.PLACES`), upper-cased and checked."""
    if values is None:
        return None
    keys = [v.strip().upper() for v in values]
    unknown = [k for k in keys if k not in lexicon.PLACES]
    if unknown:
        known = ", ".join(sorted(lexicon.PLACES))
        raise ValueError(f"unknown place table {', '.join(unknown)} (known: {known})")
    return keys
