"""A Zendesk help-centre article through its JSON API (Copa's "Current travel advisory").

`GET https://<host>/api/v2/help_center/<locale>/articles/<id>.json` answers
`{"article": {"id", "title", "body" (HTML), "html_url", "edited_at", ...}}`. New suspensions are
added as new blocks inside the same article, so the body is split at its headings like an
airline page: one advisory item per block, keyed `<airline> <article id> § <heading>`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any, cast

from pydantic import field_validator

from monitor import regions
from monitor.errors import ParseError
from monitor.lexicon import airline_code
from monitor.selectors import css_selector
from monitor.sources.airline_page import place_keys
from monitor.sources.api import (
    JSON_TYPES,
    decode_json,
    error_envelope,
    iso_time,
    layout_changed,
    provider_fetch_error,
)
from monitor.sources.base import (
    Fetched,
    Http,
    Region,
    Source,
    SourceOptions,
    Validators,
    fetched_time,
)
from monitor.types import Item

ARTICLE_URL = "https://help.copaair.com/api/v2/help_center/en-us/articles/19971793423767.json"
PROVIDER = "Zendesk"


class ZendeskArticleOptions(SourceOptions):
    """`airline`: IATA code of the airline whose help centre it is; `heading_selector`: what
    splits the article body into sections; `places`: desk keys of the place table."""

    airline: str
    heading_selector: str = "h1,h2,h3,h4"
    places: list[str] | None = None

    @field_validator("airline")
    @classmethod
    def _iata(cls, value: str) -> str:
        return airline_code(value)

    @field_validator("heading_selector")
    @classmethod
    def _css(cls, value: str) -> str:
        return css_selector(value)

    @field_validator("places")
    @classmethod
    def _desks(cls, values: list[str] | None) -> list[str] | None:
        return place_keys(values)


class ZendeskArticle(Source):
    """One help-centre article, one advisory item per headed block of its body."""

    kind = "zendesk_article"
    Options = ZendeskArticleOptions
    default_url = ARTICLE_URL
    expect = JSON_TYPES

    def fetch(self, http: Http, validators: Validators, *, now: datetime) -> Fetched:
        """Conditional GET; a JSON error envelope (with HTTP 200) is a FetchError."""
        fetched = super().fetch(http, validators, now=now)
        for page in fetched.pages:
            try:
                data = decode_json(page, what="the article")
            except ParseError:
                continue   # not JSON at all: the parser says so, as a layout change
            envelope = error_envelope(data, data_keys=("article",))
            if envelope is not None:
                raise provider_fetch_error(envelope, provider=PROVIDER, source=self.name,
                                           url=self.url)
        return fetched

    def region(self, fetched: Fetched) -> Region | None:
        """The article body read with lxml, with what else its items depend on (id, title,
        link, creation and edit times, the day of the fetch), the options and the URL."""
        if len(fetched.pages) != 1:
            return None
        article = _article(fetched.pages[0], url=fetched.url)
        tree = regions.html_tree(article["body"])
        body = tree.find("body") if tree is not None else None
        if body is None:
            raise layout_changed("the article body holds no text", fetched.url)
        carried = json.dumps([article.get(k) for k in (
            "id", "title", "html_url", "created_at", "edited_at")], default=str)
        return regions.html_region(body, cast(ZendeskArticleOptions, self.options)
                                   .heading_selector, self.kind, self.url, fetched.url,
                                   self.options.model_dump_json(), carried,
                                   regions.fetch_day(fetched))

    def parse(self, body: bytes, *, url: str,
              extra: Mapping[str, bytes] | None = None) -> list[Item]:
        from monitor import notices  # bs4 and lxml: loaded once an article is read

        options = cast(ZendeskArticleOptions, self.options)
        article = _article(body, url=url)
        page = notices.soup(article["body"])
        found = notices.sections(page.body or page, options.heading_selector)
        if not found:
            raise layout_changed("the article body holds no text", url)
        article_id = str(article["id"])
        link = article.get("html_url") if isinstance(article.get("html_url"), str) else None
        title = article.get("title") if isinstance(article.get("title"), str) else None
        items = notices.notice_items(
            found, source=self.name, airline=options.airline,
            key_prefix=f"{options.airline} {article_id}", url=link or url,
            intro_title=" ".join(title.split()) if title else None, places=options.places,
            reference=_edited_at(article) or fetched_time(extra))
        # Every block carries the article's creation time, not `edited_at`: an edit of one
        # block moves `edited_at` for all of them, and that must not read as a change to each.
        created = iso_time(article.get("created_at"), "article.created_at", url)
        return [replace(item, published_at=created) for item in items]


def _edited_at(article: dict[str, Any]) -> datetime | None:
    """When the article was last edited: what its notices' days without a year are read
    against. A missing or odd value leaves that to the fetch time; it never fails the page."""
    try:
        return iso_time(article.get("edited_at"), "article.edited_at")
    except ParseError:
        return None


def _article(body: bytes, *, url: str) -> dict[str, Any]:
    data = decode_json(body, what="the article", url=url)
    envelope = error_envelope(data, data_keys=("article",))
    if envelope is not None:
        raise layout_changed(f"the body is an error from {PROVIDER}, not an article "
                             f"({envelope.message})", url)
    article = data.get("article") if isinstance(data, dict) else None
    if not isinstance(article, dict):
        raise layout_changed("no 'article' object in the response", url)
    if not isinstance(article.get("body"), str):
        raise layout_changed("the article has no 'body' text", url)
    article_id = article.get("id")
    if isinstance(article_id, bool) or not isinstance(article_id, int | str) or not str(
            article_id).strip():
        raise layout_changed("the article has no 'id'", url)
    return article
