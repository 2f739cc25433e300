"""The EASA CZIB parser: export + feed fixtures compared whole, field rules, the optional feed,
and refusal of exports that lost their shape."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from monitor.errors import FetchError, ParseError
from monitor.sources.base import Response, Validators
from monitor.sources.easa_czib import EXPORT_URL, FEED_URL, LIST_URL, EasaCzib, EasaCzibOptions
from monitor.types import Item, Severity

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "easa_czib"
ACTIVE = (FIXTURES / "active.json").read_bytes()
WITHDRAWN = (FIXTURES / "withdrawn.json").read_bytes()
FEED = (FIXTURES / "feed.xml").read_bytes()
NOW = datetime(2026, 1, 20, 12, 0, tzinfo=UTC)


def parse(body: bytes, feed: bytes | None = FEED, **options: Any) -> list[Item]:
    source = EasaCzib("easa-czib", options=EasaCzibOptions(**options))
    return source.parse(body, url=source.url, extra={"feed": feed} if feed is not None else None)


def by_key(items: list[Item]) -> dict[str, Item]:
    return {item.key: item for item in items}


def export(*zones: Mapping[str, str]) -> bytes:
    return json.dumps({"conflict_zones": list(zones)}).encode()


def zone(**fields: str) -> dict[str, str]:
    base = json.loads(ACTIVE)["conflict_zones"][1]   # 142977, Venezuela, Active
    return {**base, **fields}


@pytest.mark.parametrize("name", ["active", "withdrawn"])
def test_fixture_parses_to_its_expected_json(name: str) -> None:
    expected = json.loads((FIXTURES / f"{name}.expected.json").read_text(encoding="utf-8"))
    body = (FIXTURES / f"{name}.json").read_bytes()
    assert [item.to_json() for item in parse(body)] == expected


def test_active_venezuela_bulletin() -> None:
    item = by_key(parse(ACTIVE))["CZIB 142977"]
    assert item.kind == "bulletin"
    assert item.source == "easa-czib"
    assert item.title == "CZIB 2026-01-R2: Venezuela and neighbouring airspace"
    assert item.url == "https://www.easa.europa.eu/domains/air-operations/czibs/2026-01-r2"
    assert (item.status, item.severity) == ("active", Severity.WARNING)
    assert item.countries == ("VE",)        # the export's `country` is empty: the name says it
    assert item.firs == ("SVZM",)
    assert item.body == "Valid until 16/02/2026, unless reviewed earlier."
    # The calendar date of issue, not midnight +0200 converted (which is the day before).
    assert item.valid_from == datetime(2026, 1, 3, tzinfo=UTC)
    assert item.valid_to == datetime(2026, 2, 16, 23, 59, tzinfo=UTC)
    assert item.published_at == datetime(2026, 1, 16, 16, 5, 12, tzinfo=UTC)


def test_withdrawal_is_an_info_change_with_a_new_revision() -> None:
    before = by_key(parse(ACTIVE))["CZIB 142977"]
    after = by_key(parse(WITHDRAWN))["CZIB 142977"]
    assert (after.status, after.severity) == ("withdrawn", Severity.INFO)
    assert after.published_at == datetime(2026, 2, 16, 9, 39, 27, tzinfo=UTC)
    assert after.revision != before.revision
    assert after.content_hash != before.content_hash
    unchanged = {k: v for k, v in by_key(parse(WITHDRAWN)).items() if k != "CZIB 142977"}
    assert all(by_key(parse(ACTIVE))[k] == v for k, v in unchanged.items())


def test_revision_changes_with_the_end_date_alone() -> None:
    first = parse(export(zone()))[0]
    extended = parse(export(zone(valid_until_date="16/03/2026")))[0]
    assert first.revision != extended.revision


def test_country_field_forms() -> None:
    items = by_key(parse(ACTIVE))
    assert items["CZIB 22434"].countries == ("KP",)       # "…People&#039;s Republic of Korea "
    assert items["CZIB 22434"].firs == ("ZKKP",)          # "Pyongyang Flight Information Region"
    assert items["CZIB 142082"].countries == ("IL", "IQ", "IR", "JO", "LB")
    assert items["CZIB 20597"].countries == ("SS",)       # South Sudan is not also Sudan
    assert items["CZIB 20602"].firs == ("OYSC",)          # "Sana’a Flight Information Region"
    assert items["CZIB 143048"].countries == ("IR",)      # empty field, name table


def test_country_names_with_commas_are_not_split_apart() -> None:
    item = parse(export(zone(country="Korea, North, Mali", name="Two places")))[0]
    assert item.countries == ("KP", "ML")


def test_withdrawn_bulletins_without_an_end_date_have_none() -> None:
    item = by_key(parse(ACTIVE))["CZIB 20600"]
    assert (item.valid_to, item.status, item.severity) == (None, "withdrawn", Severity.INFO)
    assert item.title == "SIB 2014-21-R1: Airspace of Eastern Ukraine"
    assert item.body.startswith("Appendix 1\nSource: Ukraine AIP SUP\n")  # &amp;nbsp; undone


def test_validity_sentence_variants() -> None:
    items = by_key(parse(ACTIVE))
    assert items["CZIB 20602"].body == "Valid until 30/04/2026, unless reviewed earlier."
    assert items["CZIB 20589"].body == "Valid until 30/04/2026 - unless reviewed earlier."
    assert items["CZIB 20597"].body == "Valid until 31/01/2025."   # no description, a date


def test_bulletin_missing_from_the_feed_links_to_the_list_page() -> None:
    item = by_key(parse(ACTIVE))["CZIB 20589"]
    assert (item.url, item.title) == (LIST_URL, "Airspace of Somalia")


@pytest.mark.parametrize("feed", [
    None, b"", b"<html><body>Access denied</body></html>", b"<rss><channel><item>",
    b"\x00\x01garbage", FEED[: len(FEED) // 2],
])
def test_without_a_usable_feed_items_link_to_the_list_page(feed: bytes | None) -> None:
    items = parse(ACTIVE, feed=feed)
    assert len(items) == len(parse(ACTIVE))
    names = {zone["Nid"]: zone["name"] for zone in json.loads(ACTIVE)["conflict_zones"]}
    assert {item.url for item in items} == {LIST_URL}
    assert {item.key: item.title for item in items} == {
        f"CZIB {nid}": name for nid, name in names.items()}


def test_list_page_option_is_the_fallback_link() -> None:
    items = parse(ACTIVE, feed=None, list_url="https://example.org/czibs")
    assert {item.url for item in items} == {"https://example.org/czibs"}


def test_relative_feed_links_are_not_resolved_against_the_malformed_base() -> None:
    feed = FEED.replace(b"<link>https://www.easa.europa.eu/domains/air-operations/czibs/2026-01-r2",
                        b"<link>2026-01-r2")
    item = by_key(parse(ACTIVE, feed=feed))["CZIB 142977"]
    assert (item.url, item.title) == (LIST_URL, "Venezuela and neighbouring airspace")


def test_feed_entities_are_not_expanded() -> None:
    feed = (b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b'<rss><channel><item><title>t</title><link>https://e.example/czib-2026-01-r2</link>'
            b'<description>&x;</description><guid>142977 on x</guid></item></channel></rss>')
    item = by_key(parse(ACTIVE, feed=feed))["CZIB 142977"]
    assert "root:" not in item.body


ZONE = json.loads(ACTIVE)["conflict_zones"][0]


@pytest.mark.parametrize(("body", "reason"), [
    (b"", "not JSON"),
    (b"<!DOCTYPE html><html><body>Request blocked</body></html>", "not JSON"),
    (b"\xff\xfe\x00garbage", "not JSON"),
    (b"[" * 100_000, "not JSON"),
    (b'{"conflict_zones": []}', "empty"),
    (b'{"zones": [{}]}', "conflict_zones"),
    (b'{"conflict_zones": {"Nid": "1"}}', "conflict_zones"),
    (b"[]", "conflict_zones"),
    (b'{"conflict_zones": ["142977"]}', "not an object"),
    (export({k: v for k, v in ZONE.items() if k != "Nid"}), "Nid"),
    (export({**ZONE, "Nid": ""}), "empty Nid"),
    (export({**ZONE, "status": "Archived"}), "unknown status"),
    (export({**ZONE, "valid_until_date": "2026-10-31"}), "DD/MM/YYYY"),
    (export({**ZONE, "valid_until_date": "31/02/2026"}), "calendar date"),
    (export({**ZONE, "issued_date": "March 2017"}), "ISO date"),
    (export({**ZONE, "updated": '<time datetime="yesterday">'}), "ISO time"),
    (export({**ZONE, "name": ["Mali"]}), "not a string"),
])
def test_export_without_its_shape_is_a_parse_error(body: bytes, reason: str) -> None:
    with pytest.raises(ParseError, match=reason) as caught:
        parse(body)
    assert str(caught.value).startswith("layout changed: ")
    assert caught.value.url == EXPORT_URL


@settings(deadline=None, max_examples=150)
@given(st.binary(max_size=2000))
def test_random_bytes_either_parse_or_raise_parse_error(body: bytes) -> None:
    with contextlib.suppress(ParseError):
        parse(body)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                max_size=4),
    max_leaves=20,
)
FIELDS = st.sampled_from(["Nid", "issued_date", "valid_until_date", "field_easa_valid_until_descr",
                          "name", "status", "country", "coordinates", "updated"])


@settings(deadline=None, max_examples=200)
@given(st.lists(st.dictionaries(FIELDS, JSON_VALUES | st.text(max_size=40)), max_size=4))
def test_arbitrary_entries_either_parse_or_raise_parse_error(zones: list[dict[str, Any]]) -> None:
    with contextlib.suppress(ParseError):
        parse(json.dumps({"conflict_zones": zones}).encode())


@st.composite
def mutated(draw: st.DrawFn, original: bytes, tokens: Sequence[bytes]) -> bytes:
    body = bytearray(original)
    for _ in range(draw(st.integers(1, 5))):
        at = draw(st.integers(0, len(body)))
        action = draw(st.sampled_from(["delete", "insert", "token"]))
        if action == "delete":
            del body[at:at + draw(st.integers(1, 200))]
        elif action == "insert":
            body[at:at] = draw(st.binary(min_size=1, max_size=20))
        else:
            body[at:at] = draw(st.sampled_from(tokens))
    return bytes(body)


JSON_TOKENS = [b'"', b",", b"{", b"}", b"[", b"]", b"\\u0000", b"null", b"\\/", b"0", b"Active",
               b"Withdrawn", b"+0200", b"31\\/02\\/2026"]
XML_TOKENS = [b"<item>", b"</item>", b"<guid>", b"</guid>", b"<link>", b"</link>", b"&amp;",
              b"&x;", b"<![CDATA[", b"]]>", b"142977 on", b"\xc3", b"http://[::1"]


@settings(deadline=None, max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(mutated(ACTIVE, JSON_TOKENS))
def test_mutated_export_either_parses_or_raises_parse_error(body: bytes) -> None:
    try:
        items = parse(body)
    except ParseError:
        return
    assert items


@settings(deadline=None, max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(mutated(FEED, XML_TOKENS))
def test_a_broken_feed_never_fails_the_source(feed: bytes) -> None:
    items = parse(ACTIVE, feed=feed)
    assert [item.key for item in items] == [item.key for item in parse(ACTIVE)]
    assert all(item.url for item in items)


class FakeHttp:
    """The Http protocol, answering from a table; an exception in the table is raised."""

    def __init__(self, answers: Mapping[str, Response | Exception]) -> None:
        self.answers = answers
        self.calls: list[tuple[str, str | None]] = []

    def get(self, url: str, *, headers: Mapping[str, str] | None = None,
            params: Mapping[str, str] | None = None, etag: str | None = None,
            last_modified: str | None = None, expect: Sequence[str] = ()) -> Response:
        self.calls.append((url, etag))
        answer = self.answers[url]
        if isinstance(answer, Exception):
            raise answer
        return answer

    def post(self, url: str, *, data: Mapping[str, str] | None = None,
             headers: Mapping[str, str] | None = None, expect: Sequence[str] = ()) -> Response:
        raise AssertionError("the CZIB source never posts")


def ok(url: str, body: bytes, **headers: str) -> Response:
    return Response(url=url, status=200, body=body, headers=headers)


def test_fetch_brings_the_feed_along_for_the_parser() -> None:
    http = FakeHttp({EXPORT_URL: ok(EXPORT_URL, ACTIVE, etag='"v1"'), FEED_URL: ok(FEED_URL, FEED)})
    source = EasaCzib("easa-czib")
    fetched = source.fetch(http, Validators(), now=NOW)
    assert fetched.pages == (ACTIVE,)
    assert fetched.extra == {"feed": FEED}
    assert fetched.validators.etag == '"v1"'
    assert source.parse_fetched(fetched) == parse(ACTIVE)


def test_fetch_without_the_feed_still_succeeds() -> None:
    http = FakeHttp({EXPORT_URL: ok(EXPORT_URL, ACTIVE),
                     FEED_URL: FetchError("HTTP 503", source="easa-czib", url=FEED_URL)})
    source = EasaCzib("easa-czib")
    fetched = source.fetch(http, Validators(), now=NOW)
    assert "feed" not in fetched.extra
    assert {item.url for item in source.parse_fetched(fetched)} == {LIST_URL}


def test_fetch_failure_of_the_export_is_the_source_failure() -> None:
    http = FakeHttp({EXPORT_URL: FetchError("timeout", url=EXPORT_URL),
                     FEED_URL: ok(FEED_URL, FEED)})
    with pytest.raises(FetchError, match="timeout"):
        EasaCzib("easa-czib").fetch(http, Validators(), now=NOW)


def test_unchanged_export_skips_the_feed() -> None:
    http = FakeHttp({EXPORT_URL: Response(url=EXPORT_URL, status=304, body=b"", headers={},
                                          not_modified=True)})
    fetched = EasaCzib("easa-czib").fetch(http, Validators(etag='"v1"'), now=NOW)
    assert fetched.not_modified
    assert http.calls == [(EXPORT_URL, '"v1"')]


def test_empty_feed_url_turns_the_feed_off() -> None:
    http = FakeHttp({EXPORT_URL: ok(EXPORT_URL, ACTIVE)})
    source = EasaCzib("easa-czib", options=EasaCzibOptions(feed_url=""))
    assert source.fetch(http, Validators(), now=NOW).extra == {}
    assert [url for url, _ in http.calls] == [EXPORT_URL]
