"""Notification titles and bodies per channel format."""

from __future__ import annotations

from alerts.render import (
    DIGEST_TOP,
    AlertView,
    alert_title,
    notify_type,
    render,
    render_digest,
)
from monitor.types import Severity

ITEM = {"source": "faa-prn", "kind": "notam", "key": "KICZ A0012/25",
        "title": "KICZ NOTAM A0012/25 Security - Advisory for Potentially Hazardous Situation "
                 "in the Maiquetia Flight Information Region (SVZM)",
        "url": "https://www.faa.gov/x.pdf", "valid_from": "2025-11-21T17:43:00Z",
        "valid_to": "2026-02-19T23:59:00Z", "valid_to_estimated": False, "replaces": None,
        "cancels": None, "severity": "warning"}


def view(change: str = "new", severity: Severity = Severity.WARNING, **kw: object) -> AlertView:
    title = alert_title(severity, ITEM["key"], ITEM["title"], change)  # type: ignore[arg-type]
    fields: dict[str, object] = {
        "category": "item", "change": change, "severity": severity, "title": title,
        "watchlist": "latam-desk", "source": "faa-prn",
        "data": {"item": ITEM, "reasons": ["route LIS-CCS arrives at SVMI (VE)", "FIR SVZM"],
                 "sources": ["faa-prn"]}}
    fields.update(kw)
    return AlertView(**fields)  # type: ignore[arg-type]


def test_the_title_starts_with_the_severity_and_names_the_key_once() -> None:
    title = view().title
    assert title.startswith("[WARNING] KICZ A0012/25: ")
    assert title.count("A0012/25") == 1
    assert "Maiquetia" in title and "(SVZM)" in title


def test_an_all_clear_title_says_what_happened() -> None:
    title = alert_title(Severity.INFO, "KICZ A0012/25", ITEM["title"], "withdrawn")  # type: ignore[arg-type]
    assert title.startswith("[INFO] KICZ A0012/25: withdrawn: ")


def test_the_body_names_watchlist_change_reasons_validity_source_and_link() -> None:
    for fmt in ("text", "markdown", "html"):
        _, body = render(view(), fmt)
        for needle in ("latam-desk", "new", "route LIS-CCS arrives at SVMI (VE)",
                       "2025-11-21T17:43:00Z", "2026-02-19T23:59:00Z", "faa-prn",
                       "https://www.faa.gov/x.pdf"):
            assert needle in body, (fmt, needle)
    _, html_body = render(view(), "html")
    assert "<li>" in html_body and "<a href=" in html_body


def test_notify_types_follow_severity_and_all_clear() -> None:
    assert notify_type(view(severity=Severity.CRITICAL)) == "failure"
    assert notify_type(view()) == "warning"
    assert notify_type(view(severity=Severity.ADVISORY)) == "info"
    assert notify_type(view("withdrawn", Severity.INFO, all_clear=True)) == "success"


def test_a_digest_counts_and_summarises_instead_of_cutting_mid_line() -> None:
    views = [view(severity=Severity.CRITICAL if i == 0 else Severity.WARNING)
             for i in range(DIGEST_TOP + 5)]
    title, body = render_digest(views, "latam-desk", "markdown")
    assert title == f"[CRITICAL] {DIGEST_TOP + 5} changes for latam-desk"
    assert f"{DIGEST_TOP + 5} new" in body
    assert "and 5 more" in body


NOTICE = {"source": "tap", "kind": "advisory", "key": "TP § Voos para Caracas",
          "title": "TP: Suspension of flights to Caracas (until 31 Dec)", "url": None,
          "valid_from": None, "valid_to": "2025-12-31T23:59:59Z", "valid_to_estimated": False,
          "replaces": None, "cancels": None, "severity": "warning"}


def valid_line(**item: object) -> str:
    data = {"item": {**NOTICE, **item}, "reasons": ["airline TP"], "sources": ["tap"]}
    _, body = render(view(data=data), "text")
    return next(line for line in body.splitlines() if line.startswith("Valid: "))


def test_a_notice_shows_its_validity_instead_of_not_stated() -> None:
    assert valid_line() == "Valid: until 2025-12-31T23:59:59Z"
    assert valid_line(valid_from="2025-11-24T00:00:00Z", valid_to="2025-11-28T23:59:59Z") == (
        "Valid: 2025-11-24T00:00:00Z to 2025-11-28T23:59:59Z")
    assert valid_line(valid_from="2025-11-24T00:00:00Z", valid_to=None,
                      title="TP: Suspension of flights to Caracas (until further notice)") == (
        "Valid: from 2025-11-24T00:00:00Z until further notice")
    assert valid_line(valid_to=None, title="TP: Suspension of flights to Caracas (until "
                                           "further notice)") == "Valid: until further notice"
    assert valid_line(valid_to=None, title="TP: Voos para Caracas") == (
        "Valid: not stated by the source")
