"""KICZ NOTAM PDFs to NOTAM text: the display layout read back line by line, and every way a
document can fail to hold one said plainly."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from monitor.notam import parse_notam
from monitor.sources.kicz_pdf import UnreadablePdf, notam_text
from tests import make_kicz_pdfs

PDFS = Path(__file__).resolve().parent / "fixtures" / "faa_prn" / "pdf"


def pdf(name: str) -> bytes:
    return (PDFS / name).read_bytes()


def test_the_fixtures_are_what_the_generator_writes() -> None:
    for name, text in make_kicz_pdfs.FIXTURES.items():
        assert pdf(name) == make_kicz_pdfs.pdf_document(text), name


def test_the_venezuela_advisory_reads_back_as_its_display_text() -> None:
    text = notam_text(pdf("KICZ_A0012_25.pdf"))
    assert text == make_kicz_pdfs.A0012_25.strip()
    notam = parse_notam(text)
    assert (notam.key, notam.form, notam.firs) == ("KICZ A0012/25", "kicz", ("SVZM",))
    assert notam.valid_from == datetime(2025, 11, 21, 17, 43, tzinfo=UTC)
    assert notam.valid_to == datetime(2026, 2, 19, 23, 59, tzinfo=UTC)
    assert notam.created == datetime(2025, 11, 21, 18, 8, tzinfo=UTC)
    assert (notam.lower_limit, notam.upper_limit) == ("SFC", "UNL")


def test_a_footer_on_the_second_page_is_read_too() -> None:
    notam = parse_notam(notam_text(pdf("KICZ_A0050_26.pdf")))
    assert notam.key == "KICZ A0050/26"
    assert notam.valid_from == datetime(2026, 3, 4, 19, 30, tzinfo=UTC)
    assert (notam.valid_to, notam.permanent) == (None, True)


def test_text_around_the_notam_is_left_out() -> None:
    document = make_kicz_pdfs.pdf_document(
        "U.S. DEPARTMENT OF TRANSPORTATION\n" + make_kicz_pdfs.A0012_25 + "PAGE 1 OF 1\n")
    text = notam_text(document)
    assert text.startswith("KICZ A0012/25 NOTAM")
    assert text.endswith("CREATED: 21 NOV 18:08 UTC 2025")


@pytest.mark.parametrize(("body", "reason"), [
    (b"<!DOCTYPE html><html><body>Access Denied</body></html>", "not a PDF"),
    (b"", "not a PDF"),
    (b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog", "damaged PDF"),
])
def test_what_is_not_a_readable_pdf_says_why(body: bytes, reason: str) -> None:
    with pytest.raises(UnreadablePdf, match=reason):
        notam_text(body)


def test_a_truncated_pdf_is_damaged() -> None:
    whole = pdf("KICZ_A0012_25.pdf")
    with pytest.raises(UnreadablePdf, match="damaged PDF"):
        notam_text(whole[: len(whole) // 2])


def test_a_pdf_without_a_notam_says_so() -> None:
    with pytest.raises(UnreadablePdf, match="no KICZ NOTAM text"):
        notam_text(pdf("background.pdf"))


def test_a_very_long_document_is_cut() -> None:
    body = make_kicz_pdfs.A0012_25.split("SFC-UNL")[0] + "MORE TEXT\n" * 3000
    text = notam_text(make_kicz_pdfs.pdf_document(body))
    assert text.startswith("KICZ A0012/25") and len(text) == 16_000


def test_a_header_written_as_the_page_titles_it_reads_too() -> None:
    document = make_kicz_pdfs.pdf_document(
        make_kicz_pdfs.A0012_25.replace("KICZ A0012/25 NOTAM…", "KICZ NOTAM A0012/25 …"))
    notam = parse_notam(notam_text(document))
    assert (notam.key, notam.valid_to) == ("KICZ A0012/25",
                                           datetime(2026, 2, 19, 23, 59, tzinfo=UTC))
