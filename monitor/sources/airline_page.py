"""Airline advisory pages: one region of a page, one advisory item per headed section.

No airline publishes a feed of suspensions; extensions edit an existing notice in place ("hasta
el 12 de diciembre" becomes "hasta el 15 de enero"), so the text of each section is what is
compared, after the normalisation in `monitor.notices`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import cast

from pydantic import Field, field_validator

from monitor import lexicon
from monitor.errors import ParseError
from monitor.lexicon import airline_code
from monitor.selectors import css_selector
from monitor.sources.base import Source, SourceOptions, require
from monitor.types import Item

MIN_REGION_CHARS = 200
# monitor.http.HTML_TYPES (not imported: monitor.http imports the sources package).
HTML_TYPES = ("text/html", "application/xhtml+xml")


class AirlinePageOptions(SourceOptions):
    """`selector`: CSS selector of the notice region (first match); `airline`: IATA code;
    `heading_selector`: what splits the region into sections; `places`: desk keys of the place
    table (default every desk); `min_chars`: a region shorter than this is a layout change."""

    selector: str
    airline: str
    heading_selector: str = "h1,h2,h3,h4"
    places: list[str] | None = None
    min_chars: int = Field(default=MIN_REGION_CHARS, ge=0)

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

    def parse(self, body: bytes, *, url: str,
              extra: Mapping[str, bytes] | None = None) -> list[Item]:
        from monitor import notices  # bs4 and lxml: loaded once a page is read, not for a 304

        options = cast(AirlinePageOptions, self.options)
        page = notices.soup(body)
        region = page.select_one(options.selector)
        if region is None:
            raise ParseError(f"layout changed: selector {options.selector!r} matched nothing"
                             + (f" ({url})" if url else ""), url=url)
        found = notices.sections(region, options.heading_selector)
        size = sum(len(s.heading) + len(s.text) for s in found)
        require(size >= options.min_chars,
                f"selector {options.selector!r} holds {size} characters of text "
                f"(fewer than {options.min_chars})", url=url)
        title = page.title.get_text(" ") if page.title else ""
        return notices.notice_items(
            found, source=self.name, airline=options.airline, key_prefix=options.airline,
            url=url, intro_title=" ".join(title.split()) or None, places=options.places)


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
