"""The kept record of the PRN page's KICZ PDFs: which are due, and the JSON that keeps them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from monitor.sources.prn_pdfs import PdfRecord, due, dump, load, texts

NOW = datetime(2025, 11, 21, 18, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def test_due_puts_the_most_needed_first_and_leaves_fresh_reads_alone() -> None:
    records = {
        "stale-old": PdfRecord("t", checked_at=NOW - 3 * DAY, text="x"),
        "ok": PdfRecord("t", checked_at=NOW - timedelta(hours=2), text="x"),
        "failed": PdfRecord("t", checked_at=NOW - timedelta(hours=2), error="HTTP 503"),
        "failed-just-now": PdfRecord("t", checked_at=NOW - timedelta(minutes=5), error="x"),
        "retitled": PdfRecord("old title", checked_at=NOW, text="x"),
        "stale": PdfRecord("t", checked_at=NOW - 2 * DAY, text="x"),
        "listed": PdfRecord("t"),
    }
    listed = dict.fromkeys([*records, "new"], "t")
    assert due(listed, records, now=NOW, recheck=DAY) == [
        "listed", "new", "retitled", "failed", "stale-old", "stale"]


def test_a_failed_read_is_retried_no_later_than_the_recheck() -> None:
    records = {"a": PdfRecord("t", checked_at=NOW - timedelta(minutes=20), error="x")}
    assert due({"a": "t"}, records, now=NOW, recheck=timedelta(minutes=15)) == ["a"]
    assert due({"a": "t"}, records, now=NOW, recheck=DAY) == []


def test_the_document_round_trips_and_is_the_same_bytes_for_the_same_records() -> None:
    records = {
        "https://x/b.pdf": PdfRecord("B", checked_at=NOW, etag='"e"', sha256="ab", text="T…"),
        "https://x/a.pdf": PdfRecord("A"),
    }
    raw = dump(records)
    assert load(raw) == records
    assert dump(dict(reversed(records.items()))) == raw
    assert texts(raw) == {"https://x/b.pdf": "T…"}


@pytest.mark.parametrize("raw", [None, b"", b"nonsense", b"[]", b'"x"', b"{" * 100_000])
def test_a_missing_or_damaged_document_is_an_empty_record(raw: bytes | None) -> None:
    assert load(raw) == {}


def test_a_hand_written_document_needs_only_the_texts() -> None:
    raw = b'{"https://x/a.pdf": {"text": "KICZ A0012/25"}, "https://x/b.pdf": "KICZ A0050/26",' \
          b' "https://x/c.pdf": {"checked_at": "yesterday"}, "https://x/d.pdf": 3}'
    assert texts(raw) == {"https://x/a.pdf": "KICZ A0012/25", "https://x/b.pdf": "KICZ A0050/26"}
    assert "https://x/c.pdf" not in load(raw)  # a damaged entry is read again
