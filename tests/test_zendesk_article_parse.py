"""The zendesk_article parser: Copa's advisory article compared whole, blocks read like airline
notices, edits of one block leaving the others alone, and errors through a real local server."""

from __future__ import annotations

import contextlib
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.errors import FetchError, ParseError
from monitor.http import JSON_TYPES, HttpClient
from monitor.sources.base import Validators
from monitor.sources.zendesk_article import ZendeskArticle, ZendeskArticleOptions
from monitor.types import Item, Severity
from tests.regen_expected import bodies, expected_path, make_source
from tests.servers import FixtureServer

KIND = "zendesk_article"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / KIND
SUSPENDED = (FIXTURES / "copa_1_suspended.json").read_bytes()
EXTENDED = (FIXTURES / "copa_2_extended.json").read_bytes()
NOW = datetime(2025, 12, 4, 12, 0, tzinfo=UTC)
VENEZUELA = "CM 19971793423767 § Venezuela"
PATH = "/api/v2/help_center/es/articles/19971793423767.json"


def parse(body: bytes) -> dict[str, Item]:
    source = ZendeskArticle("zendesk-article", options=ZendeskArticleOptions(airline="CM"))
    return {item.key: item for item in source.parse(body, url=source.url)}


def client() -> HttpClient:
    return HttpClient(user_agent="test-agent/1", timeout=2.0, retries=0, sleep=lambda s: None)


@pytest.mark.parametrize("body", [p.name for p in bodies(KIND)])
def test_fixture_parses_to_its_expected_json(body: str) -> None:
    source = make_source(KIND, body)
    expected = json.loads(expected_path(FIXTURES / body).read_text(encoding="utf-8"))
    items = source.parse((FIXTURES / body).read_bytes(), url=source.url)
    assert [item.to_json() for item in items] == expected


def test_the_venezuela_block_is_a_warning_linked_to_its_heading() -> None:
    item = parse(SUSPENDED)[VENEZUELA]
    assert item.title == "CM: Suspension of flights to Caracas (until 12 Dec)"
    assert (item.severity, item.status) == (Severity.WARNING, "active")
    assert (item.airlines, item.airports, item.countries) == (("CM",), ("SVMI",), ("VE",))
    assert item.url == ("https://help.copaair.com/hc/es/articles/19971793423767-Current-travel-"
                        "advisory#h_01HZ3K9V8Q")


def test_blocks_under_the_past_heading_are_history() -> None:
    past = parse(SUSPENDED)["CM 19971793423767 § Venezuela (past)"]
    assert (past.severity, past.status, past.is_active) == (Severity.INFO, "expired", False)


def test_an_edit_of_one_block_changes_only_that_block() -> None:
    before, after = parse(SUSPENDED), parse(EXTENDED)
    assert after[VENEZUELA].title.endswith("(until 15 Jan 2026)")
    assert after[VENEZUELA].content_hash != before[VENEZUELA].content_hash
    # `edited_at` moved for the whole article: the other blocks must still compare equal.
    assert {k: v for k, v in after.items() if k != VENEZUELA} == {
        k: v for k, v in before.items() if k != VENEZUELA}


def test_text_before_the_first_heading_is_named_after_the_article() -> None:
    intro = parse(SUSPENDED)["CM 19971793423767 § (intro)"]
    assert intro.title == "CM: Aviso de viaje vigente"
    assert intro.published_at == datetime(2024, 5, 10, 14, 3, 22, tzinfo=UTC)


@pytest.mark.parametrize(("body", "reason"), [
    (b"<html>blocked</html>", "not JSON"),
    (b'{"articles": []}', "no 'article' object"),
    (b'{"article": {"id": 1}}', "no 'body' text"),
    (b'{"article": {"id": 1, "body": "   "}}', "holds no text"),
    (b'{"article": {"body": "<p>x</p>"}}', "no 'id'"),
    (b'{"article": {"id": 1, "body": "<p>x</p>", "created_at": "ayer"}}', "ISO time"),
    (b'{"error": "RecordNotFound", "description": "Not found"}', "RecordNotFound: Not found"),
])
def test_an_article_without_its_shape_is_a_parse_error(body: bytes, reason: str) -> None:
    with pytest.raises(ParseError, match=reason):
        parse(body)


def test_fetch_reads_the_article_json(server: FixtureServer) -> None:
    server.serve(PATH, SUSPENDED, content_type="application/json; charset=utf-8", etag='"a1"')
    source = ZendeskArticle("copa", server.url(PATH), ZendeskArticleOptions(airline="CM"))
    with client() as http:
        fetched = source.fetch(http, Validators(), now=NOW)
        again = source.fetch(http, fetched.validators, now=NOW)
    assert [i.key for i in source.parse_fetched(fetched)] == list(parse(SUSPENDED))
    assert fetched.pages == (SUSPENDED,)
    assert again.not_modified


def test_a_json_error_envelope_is_a_fetch_error_with_the_message(server: FixtureServer) -> None:
    server.serve(PATH, b'{"error": "Forbidden", "description": "You do not have access"}',
                 content_type="application/json")
    source = ZendeskArticle("copa", server.url(PATH), ZendeskArticleOptions(airline="CM"))
    with client() as http, pytest.raises(FetchError, match="Forbidden: You do not have access"):
        source.fetch(http, Validators(), now=NOW)


def test_an_html_page_instead_of_json_is_blocked(server: FixtureServer) -> None:
    server.serve(PATH, b"<html><body>Checking your browser</body></html>")
    source = ZendeskArticle("copa", server.url(PATH), ZendeskArticleOptions(airline="CM"))
    with client() as http, pytest.raises(FetchError, match="blocked"):
        source.fetch(http, Validators(), now=NOW)


def test_the_sources_expect_the_same_json_types_as_the_client() -> None:
    from monitor.sources import api

    assert api.JSON_TYPES == JSON_TYPES
    assert ZendeskArticle.expect == JSON_TYPES


@settings(deadline=None, max_examples=150)
@given(st.binary(max_size=2000))
def test_random_bytes_either_parse_or_raise_parse_error(body: bytes) -> None:
    with contextlib.suppress(ParseError):
        parse(body)


@settings(deadline=None, max_examples=150)
@given(st.text(max_size=400), st.one_of(st.integers(), st.text(max_size=10), st.none()))
def test_any_article_body_either_parses_or_raises_parse_error(html: str,
                                                              article_id: object) -> None:
    body = json.dumps({"article": {"id": article_id, "body": html}}).encode()
    with contextlib.suppress(ParseError):
        parse(body)
