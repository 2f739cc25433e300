"""The PRN source's fetch of the linked KICZ NOTAM PDFs, against a real local server: what is
read, what is not read again, what a broken document costs (one warning, nothing else)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from monitor.http import HttpClient
from monitor.sources.base import Fetched, Validators
from monitor.sources.faa_prn import FaaPrn, FaaPrnOptions
from monitor.types import Item
from tests.conftest import FIXTURES, fixture_bytes
from tests.servers import FixtureServer

PRN = "/air_traffic/publications/us_restrictions"
A0012 = f"{PRN}/venezuela/KICZ_ADVISORY_NOTAM_A0012_25_SVZM.pdf"
A0050 = f"{PRN}/colombia/KICZ_ADVISORY_NOTAM_A0050_26_SKED.pdf"
PAGE = fixture_bytes("faa_prn", "venezuela_added.html")
NOW = datetime(2025, 11, 21, 18, 10, tzinfo=UTC)


def pdf(name: str) -> bytes:
    return (FIXTURES / "faa_prn" / "pdf" / name).read_bytes()


@pytest.fixture
def http() -> Iterator[HttpClient]:
    with HttpClient(user_agent="test-agent/1", retries=0, timeout=2.0) as client:
        yield client


@pytest.fixture
def prn(server: FixtureServer) -> FixtureServer:
    server.serve(PRN, PAGE, etag='"page-1"')
    server.serve(A0012, pdf("KICZ_A0012_25.pdf"), content_type="application/pdf",
                 etag='"a0012-1"')
    server.serve(A0050, pdf("KICZ_A0050_26.pdf"), content_type="application/pdf",
                 etag='"a0050-1"')
    return server


def source(server: FixtureServer, **options: object) -> FaaPrn:
    return FaaPrn("faa-prn", server.url(PRN),
                  FaaPrnOptions(**{"countries": ["VE", "CO"], **options}))


def items(src: FaaPrn, fetched: Fetched) -> dict[str, Item]:
    return {item.key: item for item in src.parse_fetched(fetched)}


def valid_to(src: FaaPrn, fetched: Fetched, key: str = "KICZ A0012/25") -> str | None:
    return items(src, fetched)[key].to_json()["valid_to"]


def warnings(out: str) -> list[dict]:
    lines = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    return [line for line in lines if line["level"] == "warning"]


def test_the_listed_pdfs_are_read_and_joined(prn: FixtureServer, http: HttpClient) -> None:
    src = source(prn)
    fetched = src.fetch(http, Validators(), now=NOW)
    assert (prn.hits(A0012), prn.hits(A0050)) == (1, 1)
    found = items(src, fetched)
    assert found["KICZ A0012/25"].to_json()["valid_from"] == "2025-11-21T17:43:00Z"
    assert found["KICZ A0012/25"].to_json()["valid_to"] == "2026-02-19T23:59:00Z"
    assert found["KICZ A0050/26"].to_json()["valid_from"] == "2026-03-04T19:30:00Z"
    # Only KICZ entries have a NOTAM behind them: the background notice is not fetched.
    assert {r["path"] for r in prn.requests} == {PRN, A0012, A0050}


def test_at_most_max_pdfs_are_read_per_run_and_the_rest_on_later_runs(
        prn: FixtureServer, http: HttpClient) -> None:
    src = source(prn, max_pdfs=1)
    first = src.fetch(http, Validators(), now=NOW)
    assert (prn.hits(A0050), prn.hits(A0012)) == (1, 0)  # page order: Colombia first
    assert valid_to(src, first) is None

    # The page has not changed, but a PDF is left: the page is read again with it.
    second = src.fetch(http, first.validators, now=NOW + timedelta(hours=1))
    assert not second.not_modified
    assert "If-None-Match" not in prn.requests[-2]["headers"]
    assert (prn.hits(A0050), prn.hits(A0012)) == (1, 1)
    assert valid_to(src, second) == "2026-02-19T23:59:00Z"

    # Nothing left: a conditional GET of the page, answered 304, and no PDF requests.
    third = src.fetch(http, second.validators, now=NOW + timedelta(hours=2))
    assert third.not_modified
    assert prn.requests[-1]["headers"]["If-None-Match"] == '"page-1"'
    assert (prn.hits(A0050), prn.hits(A0012)) == (1, 1)


def test_a_changed_page_does_not_fetch_unchanged_pdfs_again(
        prn: FixtureServer, http: HttpClient) -> None:
    src = source(prn)
    first = src.fetch(http, Validators(), now=NOW)
    prn.serve(PRN, PAGE + b"\n", etag='"page-2"')
    second = src.fetch(http, first.validators, now=NOW + timedelta(hours=1))
    assert (prn.hits(A0012), prn.hits(A0050)) == (1, 1)
    assert items(src, second) == items(src, first)


def test_a_new_process_reads_only_what_the_kept_record_lacks(
        prn: FixtureServer, http: HttpClient) -> None:
    first = source(prn, max_pdfs=1)
    kept = first.fetch(http, Validators(), now=NOW).extra["pdfs"]
    fresh = source(prn)
    fresh.restore({"pdfs": kept})
    fetched = fresh.fetch(http, Validators(), now=NOW + timedelta(minutes=5))
    assert (prn.hits(A0050), prn.hits(A0012)) == (1, 1)  # A0050/26 was read before
    found = items(fresh, fetched)
    assert found["KICZ A0050/26"].valid_from is not None
    assert found["KICZ A0012/25"].valid_from is not None


def test_after_pdf_recheck_a_pdf_is_asked_again_conditionally(
        prn: FixtureServer, http: HttpClient) -> None:
    src = source(prn, pdf_recheck="1d")
    first = src.fetch(http, Validators(), now=NOW)

    # A day later the page is the same, but the reads are due for a check: 304s keep them.
    again = src.fetch(http, first.validators, now=NOW + timedelta(days=1, minutes=1))
    asked = [r for r in prn.requests if r["path"] == A0012]
    assert [r["headers"].get("If-None-Match") for r in asked] == [None, '"a0012-1"']
    assert valid_to(src, again) == "2026-02-19T23:59:00Z"

    # The PDF is revised at the same address: the next check reads the new end.
    prn.serve(A0012, pdf("KICZ_A0012_25_revised.pdf"), content_type="application/pdf",
              etag='"a0012-2"')
    later = src.fetch(http, again.validators, now=NOW + timedelta(days=2, minutes=2))
    assert prn.hits(A0012) == 3
    assert valid_to(src, later) == "2026-05-19T23:59:00Z"
    assert items(src, later)["KICZ A0012/25"].to_json()["published_at"] == "2026-02-16T09:15:00Z"


def test_an_entry_retitled_on_the_page_has_its_pdf_checked_at_once(
        prn: FixtureServer, http: HttpClient) -> None:
    src = source(prn)
    first = src.fetch(http, Validators(), now=NOW)
    prn.serve(PRN, PAGE.replace(b"Potentially Hazardous Situation in the Maiquetia",
                                b"Potentially Hazardous Situation in the Maiquetia (revised)"),
              etag='"page-2"')
    src.fetch(http, first.validators, now=NOW + timedelta(minutes=5))
    assert (prn.hits(A0012), prn.hits(A0050)) == (2, 1)
    assert prn.requests[-1]["headers"].get("If-None-Match") == '"a0012-1"'


@pytest.mark.parametrize("broken", [
    {"body": b"<html><body>Access denied</body></html>", "content_type": "text/html"},
    {"body": b"gone", "status": 404, "content_type": "text/plain"},
    {"body": pdf("KICZ_A0012_25.pdf")[:700], "content_type": "application/pdf"},
    {"body": pdf("background.pdf"), "content_type": "application/pdf"},
])
def test_a_broken_pdf_leaves_its_entry_as_listed_with_one_warning(
        prn: FixtureServer, http: HttpClient, capsys: pytest.CaptureFixture[str],
        broken: dict) -> None:
    prn.serve(A0012, **broken)
    src = source(prn)
    first = src.fetch(http, Validators(), now=NOW)
    found = items(src, first)
    assert (found["KICZ A0012/25"].valid_from, found["KICZ A0012/25"].published_at) == (None,
                                                                                        None)
    assert found["KICZ A0050/26"].valid_from is not None  # the other PDF is read as usual
    [warning] = warnings(capsys.readouterr().out)
    assert (warning["event"], warning["part"], warning["source"]) == ("source.partial", "pdf",
                                                                      "faa-prn")
    assert warning["url"] == prn.url(A0012)
    assert warning["fallback"] == "entry as listed"

    # Tried again after a while, still broken: no second warning, the entry still as listed.
    prn.serve(PRN, PAGE + b"\n", etag='"page-2"')
    again = src.fetch(http, first.validators, now=NOW + timedelta(hours=2))
    assert prn.hits(A0012) == 2
    assert items(src, again) == found
    assert warnings(capsys.readouterr().out) == []


def test_a_pdf_that_breaks_after_a_good_read_keeps_what_was_read(
        prn: FixtureServer, http: HttpClient, capsys: pytest.CaptureFixture[str]) -> None:
    src = source(prn)
    first = src.fetch(http, Validators(), now=NOW)
    prn.serve(A0012, b"unavailable", status=503, content_type="text/plain")
    later = src.fetch(http, first.validators, now=NOW + timedelta(days=2))
    assert prn.hits(A0012) == 2
    assert items(src, later) == items(src, first)
    [warning] = warnings(capsys.readouterr().out)
    assert warning["fallback"] == "last read" and "HTTP 503" in warning["error"]


def test_a_connection_failure_ends_the_pdf_reading_of_the_run(
        prn: FixtureServer, http: HttpClient, capsys: pytest.CaptureFixture[str]) -> None:
    prn.serve(A0050, pdf("KICZ_A0050_26.pdf"), content_type="application/pdf", delay=3.0)
    src = source(prn)
    fetched = src.fetch(http, Validators(), now=NOW)
    assert (prn.hits(A0050), prn.hits(A0012)) == (1, 0)  # A0012/25 waits for the next run
    assert [w["part"] for w in warnings(capsys.readouterr().out)] == ["pdf"]
    assert {item.key for item in src.parse_fetched(fetched)} >= {"KICZ A0012/25"}


def test_max_pdfs_0_reads_no_pdf(prn: FixtureServer, http: HttpClient) -> None:
    src = source(prn, max_pdfs=0)
    fetched = src.fetch(http, Validators(), now=NOW)
    assert fetched.extra == {}
    assert [r["path"] for r in prn.requests] == [PRN]


def test_a_broken_page_reads_no_pdf_and_fails_in_parse(
        prn: FixtureServer, http: HttpClient) -> None:
    from monitor.errors import ParseError

    prn.serve(PRN, fixture_bytes("faa_prn", "layout_changed.html"))
    src = source(prn)
    fetched = src.fetch(http, Validators(), now=NOW)
    assert [r["path"] for r in prn.requests] == [PRN]
    with pytest.raises(ParseError, match="layout changed"):
        src.parse_fetched(fetched)


@pytest.mark.parametrize(("options", "problem"), [
    ({"max_pdfs": -1}, "greater than or equal to 0"),
    ({"max_pdfs": 1000}, "less than or equal to 100"),
    ({"pdf_recheck": "daily"}, "invalid duration"),
])
def test_bad_pdf_options_are_refused(options: dict, problem: str) -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match=problem):
        FaaPrnOptions(**options)


def test_monitor_parse_joins_a_pdfs_document_given_as_extra(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import os
    import subprocess
    import sys

    from monitor.sources.faa_prn import PAGE_URL
    from monitor.sources.kicz_pdf import notam_text

    page = tmp_path / "page.html"
    page.write_bytes(PAGE)
    # What `monitor record faa-prn` saves as faa-prn_<time>_pdfs.json, or written by hand.
    pdfs = tmp_path / "pdfs.json"
    pdfs.write_text(json.dumps({
        f"{PAGE_URL}/venezuela/KICZ_ADVISORY_NOTAM_A0012_25_SVZM.pdf": {
            "text": notam_text(pdf("KICZ_A0012_25.pdf"))}}))
    offline = {**os.environ, "HTTPS_PROXY": "http://127.0.0.1:9", "HTTP_PROXY": "http://127.0.0.1:9"}
    done = subprocess.run([sys.executable, "-m", "monitor", "parse", "faa_prn", str(page),
                           "--extra", f"pdfs={pdfs}"], capture_output=True, text=True,
                          cwd=FIXTURES.parents[1], timeout=60, env=offline, check=True)
    parsed = {item["key"]: item for item in map(json.loads, done.stdout.splitlines())}
    assert parsed["KICZ A0012/25"]["valid_from"] == "2025-11-21T17:43:00Z"
    assert parsed["KICZ A0012/25"]["valid_to"] == "2026-02-19T23:59:00Z"
    assert parsed["KICZ A0012/25"]["published_at"] == "2025-11-21T18:08:00Z"
    assert parsed["KICZ A0050/26"]["valid_from"] is None  # no text given for it


def test_the_real_page_lists_its_kicz_notam_pdfs_within_one_runs_limit() -> None:
    from tests.conftest import REAL

    page = REAL / "faa_prn" / "2026-09-25_00.html"
    if not page.exists():
        pytest.skip("../shared/fixtures/real is not here")
    from monitor.sources.faa_prn import PAGE_URL

    src = FaaPrn("faa-prn")
    listed = src.documents(Fetched(url=PAGE_URL, pages=(page.read_bytes(),)))
    kicz = [i for i in src.parse(page.read_bytes(), url=PAGE_URL) if i.key.startswith("KICZ ")]
    assert len(listed) == len(kicz) == 22
    assert all(url.startswith(f"{PAGE_URL}/") and " " not in url for url in listed)
    assert f"{PAGE_URL}/colombia/KICZ_ADVISORY_NOTAM_A0050_26_SKED.pdf" in listed
    assert len(listed) <= FaaPrnOptions().max_pdfs


def test_a_changed_page_is_read_once_per_run(prn: FixtureServer, http: HttpClient,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """`fetch` reads the page to find its PDFs; the run's parse of the same bytes reuses that
    reading (a PRN page is ~150 KB of HTML), and a different page is read afresh."""
    from monitor.sources import faa_prn

    reads: list[int] = []
    real = faa_prn.country_sections

    def counted(body: bytes, *, url: str = "") -> list[list[faa_prn.Entry]]:
        reads.append(len(body))
        return real(body, url=url)

    monkeypatch.setattr(faa_prn, "country_sections", counted)
    src = source(prn)
    fetched = src.fetch(http, Validators(), now=NOW)
    found = items(src, fetched)
    assert len(reads) == 1 and found["KICZ A0012/25"].valid_to is not None
    assert items(src, fetched) == found            # parsed again: the same items, no reading
    assert len(reads) == 1
    src.parse(fixture_bytes("faa_prn", "baseline.html"), url=prn.url(PRN))
    assert len(reads) == 2
