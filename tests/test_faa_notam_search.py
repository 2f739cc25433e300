"""The faa_notam_search kind: pages compared whole, full texts rather than excerpts, the KICZ
designator, offset paging and the browser headers against a real local server, and captcha
pages and rejected searches failing the run instead of reading as "no NOTAMs"."""

from __future__ import annotations

import contextlib
import json
import os
import re
import subprocess
import sys
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from monitor.errors import FetchError, ParseError
from monitor.http import HttpClient
from monitor.sources.base import Validators
from monitor.sources.faa_notam_search import FaaNotamSearch, FaaNotamSearchOptions
from monitor.types import Item, Severity
from tests.json_mutations import mutated
from tests.regen_expected import bodies, expected_path, make_source
from tests.servers import FixtureServer

KIND = "faa_notam_search"
ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / KIND
PAGE1 = (FIXTURES / "page1.json").read_bytes()
PAGE2 = (FIXTURES / "page2.json").read_bytes()
NOW = datetime(2025, 11, 25, 14, 0, tzinfo=UTC)
PATH = "/notamSearch/search"


def source(url: str | None = None, **options: Any) -> FaaNotamSearch:
    return FaaNotamSearch("faa-notam-search", url, FaaNotamSearchOptions(**options))


def parse(body: bytes) -> dict[str, Item]:
    src = source()
    return {item.key: item for item in src.parse(body, url=src.url)}


def client() -> HttpClient:
    return HttpClient(user_agent="test-agent/1", timeout=2.0, retries=0, sleep=lambda s: None)


def page_with(record_changes: dict[str, Any], *, index: int = 0,
              body: bytes = PAGE1) -> bytes:
    data = json.loads(body)
    data["notamList"][index].update(record_changes)
    return json.dumps(data).encode()


def reply(h: BaseHTTPRequestHandler, body: bytes, *, status: int = 200,
          content_type: str = "application/json;charset=UTF-8",
          headers: dict[str, str] | None = None) -> None:
    h.send_response(status)
    h.send_header("Content-Type", content_type)
    for name, value in (headers or {}).items():
        h.send_header(name, value)
    h.send_header("Content-Length", str(len(body)))
    h.end_headers()
    h.wfile.write(body)


def serve_by_offset(server: FixtureServer, pages: dict[int, bytes]) -> None:
    """Answer each POST with the page its `offset` asks for, as the service does."""
    def handler(h: BaseHTTPRequestHandler) -> None:
        form = parse_qs(server.requests[-1]["body"].decode())
        reply(h, pages[int(form["offset"][0])])
    server.serve(PATH, b"").handler = handler


def posted_forms(server: FixtureServer) -> list[dict[str, list[str]]]:
    return [parse_qs(r["body"].decode(), keep_blank_values=True) for r in server.requests]


# -- parsing -----------------------------------------------------------------------------

@pytest.mark.parametrize("body", [p.name for p in bodies(KIND)])
def test_fixture_parses_to_its_expected_json(body: str) -> None:
    src = make_source(KIND, body)
    expected = json.loads(expected_path(FIXTURES / body).read_text(encoding="utf-8"))
    items = src.parse((FIXTURES / body).read_bytes(), url=src.url)
    assert [item.to_json() for item in items] == expected


def test_the_kicz_advisory_is_a_warning_for_venezuela() -> None:
    kicz = parse(PAGE1)["KICZ A0012/25"]
    assert (kicz.kind, kicz.severity, kicz.status) == ("notam", Severity.WARNING, "active")
    assert (kicz.firs, kicz.countries) == (("SVZM",), ("VE",))
    assert kicz.valid_from == datetime(2025, 11, 21, 17, 43, tzinfo=UTC)
    assert kicz.valid_to == datetime(2026, 2, 19, 23, 59, tzinfo=UTC)
    assert kicz.published_at == datetime(2025, 11, 21, 18, 8, tzinfo=UTC)  # issueDate
    assert kicz.title.endswith("MAIQUETIA FLIGHT INFORMATION REGION (SVZM)")
    assert kicz.url == "https://notams.aim.faa.gov/notamSearch/nsapp.html#/"


def test_the_full_icao_message_is_parsed_never_the_truncated_excerpt() -> None:
    kicz = parse(PAGE1)["KICZ A0012/25"]
    record = json.loads(PAGE1)["notamList"][0]
    assert record["traditionalMessageFrom4thWord"].endswith("...")
    assert "FAAWATCH@FAA.GOV WITH SPECIFIC FLIGHT DETAILS." in kicz.body
    assert "..." not in kicz.body.replace("SECURITY..UNITED", "")


def test_a_replacement_and_a_cancellation_name_the_notams_they_close() -> None:
    items = parse(PAGE1) | parse(PAGE2)
    assert items["TTZP A0101/25"].replaces == "TTZP A0087/25"
    assert items["TTZP A0101/25"].severity == Severity.ADVISORY  # GNSS interference
    cancel = items["TNCF A0215/25"]
    assert (cancel.cancels, cancel.status, cancel.severity) == ("TNCF A0198/25", "cancelled",
                                                                 Severity.INFO)
    assert cancel.countries == ("AW", "BQ", "CW")  # the Curaçao FIR holds the ABC islands


def test_a_record_without_icao_message_falls_back_to_its_domestic_text() -> None:
    domestic = parse(PAGE2)["ZSU 11/012"]
    assert (domestic.firs, domestic.countries) == (("TJZS",), ("PR", "US"))
    assert domestic.valid_to == datetime(2025, 11, 28, 22, 0, tzinfo=UTC)


def test_a_domestic_number_is_keyed_by_the_accountability_of_its_bang_text() -> None:
    body = page_with({"icaoMessage": "11/012 NOTAMN\nQ) ZSU/QRMCA/IV/BO/W/000/250/\n"
                                     "A) TJZS B) 2511281200 C) 2511282200\nE) AIRSPACE"},
                     index=1, body=PAGE2)
    assert "ZSU 11/012" in parse(body)


def test_the_kicz_designator_keys_a_text_that_does_not_say_kicz() -> None:
    body = page_with({"notamNumber": "A0016/25",
                      "icaoMessage": "A0016/25 NOTAMC A0015/25\nQ) SVZM/QXXXX/IV/NBO/E/000/999/\n"
                                     "A) SVZM B) 2601031200\nE) ADVISORY CANCELLED"})
    cancel = parse(body)["KICZ A0016/25"]
    assert (cancel.cancels, cancel.status) == ("KICZ A0015/25", "cancelled")


def test_cancelled_or_expired_reads_expired_after_a_firm_end_else_cancelled() -> None:
    assert parse(PAGE2)["SVZM A0577/25"].status == "expired"   # ended before searchDateTime
    body = page_with({"cancelledOrExpired": True}, index=0)
    assert parse(body)["KICZ A0012/25"].status == "cancelled"


def test_the_service_times_fill_a_text_without_b_and_c() -> None:
    body = page_with({"icaoMessage": "A0590/25 NOTAMN\nQ) SVZM/QMRLC/IV/NBO/A/000/999/\n"
                                     "A) SVMI\nE) RWY 10/28 CLSD"}, index=1)
    item = parse(body)["SVZM A0590/25"]
    assert item.valid_from == datetime(2025, 11, 25, 4, 0, tzinfo=UTC)
    assert (item.valid_to, item.valid_to_estimated) == (
        datetime(2025, 12, 15, 22, 0, tzinfo=UTC), True)   # endDate "12/15/2025 2200EST"


def test_a_captcha_page_or_a_rejected_search_handed_to_parse_is_a_parse_error() -> None:
    with pytest.raises(ParseError, match="blocked"):
        parse((FIXTURES / "captcha.html").read_bytes())
    with pytest.raises(ParseError, match="Please enter a valid location designator"):
        parse((FIXTURES / "error.json").read_bytes())


@pytest.mark.parametrize(("body", "message"), [
    (b'{"startRecordCount": 1}', "no 'notamList' list"),
    (b"[]", "not a JSON object"),
    (b"", "not JSON"),
    (b'{"notamList": [{"notamNumber": "A0001/25", "icaoMessage": " "}]}', "no NOTAM text"),
    (b'{"notamList": [{"icaoMessage": "HELLO"}]}', "not a NOTAM"),
    (b'{"notamList": ["A0001/25"]}', "notamList[0] is not an object"),
])
def test_a_reply_that_lost_its_shape_is_a_parse_error(body: bytes, message: str) -> None:
    with pytest.raises(ParseError, match=re.escape(message)):
        parse(body)


def test_an_empty_result_is_no_notams() -> None:
    assert parse(b'{"notamList": [], "totalNotamCount": 0, "endRecordCount": 0, '
                 b'"error": ""}') == {}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400))
def test_random_bytes_raise_only_parse_error(body: bytes) -> None:
    with contextlib.suppress(ParseError):
        parse(body)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated(json.loads(PAGE1)))
def test_mutated_replies_give_items_or_parse_error(body: bytes) -> None:
    try:
        items = parse(body)
    except ParseError:
        return
    assert all(isinstance(item, Item) for item in items.values())


# -- fetching ----------------------------------------------------------------------------

def test_pages_are_fetched_by_offset_until_the_total_with_the_browser_headers(
        server: FixtureServer) -> None:
    serve_by_offset(server, {0: PAGE1, 3: PAGE2})
    src = source(server.url(PATH), locations=["svzm", "KICZ"])
    with client() as http:
        fetched = src.fetch(http, Validators(), now=NOW)
    assert fetched.pages == (PAGE1, PAGE2)
    forms = posted_forms(server)
    assert [f["offset"] for f in forms] == [["0"], ["3"]]   # offset = endRecordCount
    assert all(f["searchType"] == ["0"] and f["designatorsForLocation"] == ["SVZM,KICZ"]
               and f["notamsOnly"] == ["false"] for f in forms)
    for request in server.requests:
        headers = {k.lower(): v for k, v in request["headers"].items()}
        assert request["method"] == "POST"
        assert headers["origin"] == "https://notams.aim.faa.gov"
        assert headers["referer"] == "https://notams.aim.faa.gov/notamSearch/nsapp.html"
        assert headers["accept"] == "application/json, text/plain, */*"
        assert headers["content-type"].startswith("application/x-www-form-urlencoded")
        assert headers["user-agent"] == "test-agent/1"
    keys = [item.key for item in src.parse_fetched(fetched)]
    assert keys == ["KICZ A0012/25", "SVZM A0590/25", "TTZP A0101/25", "TNCF A0215/25",
                    "ZSU 11/012", "SVZM A0577/25"]


def test_the_user_agent_option_replaces_the_monitors_own(server: FixtureServer) -> None:
    serve_by_offset(server, {0: PAGE1, 3: PAGE2})
    with client() as http:
        source(server.url(PATH), user_agent="Mozilla/5.0 test").fetch(http, Validators(),
                                                                       now=NOW)
    assert server.requests[0]["headers"]["User-Agent"] == "Mozilla/5.0 test"


@pytest.mark.parametrize("content_type", ["text/html; charset=utf-8", "application/json"])
def test_a_captcha_page_is_a_fetch_error_saying_blocked(server: FixtureServer,
                                                        content_type: str) -> None:
    server.serve(PATH, (FIXTURES / "captcha.html").read_bytes(), content_type=content_type)
    with client() as http, pytest.raises(FetchError, match="blocked"):
        source(server.url(PATH)).fetch(http, Validators(), now=NOW)


def test_a_403_is_reported_as_blocked(server: FixtureServer) -> None:
    server.serve(PATH, (FIXTURES / "captcha.html").read_bytes(), status=403)
    with client() as http, pytest.raises(FetchError, match=r"HTTP 403.*blocked"):
        source(server.url(PATH)).fetch(http, Validators(), now=NOW)


def test_an_error_reply_is_a_fetch_error_with_the_message(server: FixtureServer) -> None:
    server.serve(PATH, (FIXTURES / "error.json").read_bytes(), content_type="application/json")
    with client() as http, pytest.raises(FetchError) as raised:
        source(server.url(PATH)).fetch(http, Validators(), now=NOW)
    assert str(raised.value) == ("notamSearch error: Please enter a valid location "
                                 "designator: SVZX")


def test_a_429_carries_retry_after(server: FixtureServer) -> None:
    server.serve(PATH, "slow down", status=429, content_type="text/plain",
                 headers={"Retry-After": "120"})
    with client() as http, pytest.raises(FetchError) as raised:
        source(server.url(PATH)).fetch(http, Validators(), now=NOW)
    assert raised.value.retry_after == 120


def test_more_pages_than_max_pages_fails_the_run_rather_than_miss_notams(
        server: FixtureServer) -> None:
    serve_by_offset(server, {0: PAGE1, 3: PAGE2})
    with client() as http, pytest.raises(FetchError, match="max_pages = 1"):
        source(server.url(PATH), max_pages=1).fetch(http, Validators(), now=NOW)


def test_an_offset_that_does_not_advance_is_a_layout_change(server: FixtureServer) -> None:
    stuck = json.loads(PAGE1)
    stuck["endRecordCount"] = 0
    serve_by_offset(server, {0: json.dumps(stuck).encode()})
    with client() as http, pytest.raises(ParseError, match="does not move past offset"):
        source(server.url(PATH)).fetch(http, Validators(), now=NOW)


def test_locations_are_validated() -> None:
    with pytest.raises(ValueError, match="not a location designator"):
        FaaNotamSearchOptions(locations=["SVZM", "bad code"])
    with pytest.raises(ValueError, match="at least one location"):
        FaaNotamSearchOptions(locations=[])


def test_monitor_parse_prints_the_items_offline() -> None:
    env = {**os.environ, "HTTPS_PROXY": "http://127.0.0.1:9", "HTTP_PROXY": "http://127.0.0.1:9"}
    proc = subprocess.run([sys.executable, "-m", "monitor", "parse", KIND,
                           str(FIXTURES / "page1.json")], capture_output=True, text=True,
                          cwd=ROOT, timeout=60, env=env)
    assert proc.returncode == 0, proc.stderr
    printed = [json.loads(line) for line in proc.stdout.splitlines()]
    assert printed == json.loads((FIXTURES / "page1.expected.json").read_text())
