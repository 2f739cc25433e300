"""The KICZ NOTAM PDFs of the FAA PRN page: which to read this run, reading them, and the
record of what was read, kept between runs and processes as one JSON document.

The document maps each listed PDF's URL to what the last read found:

    {"https://www.faa.gov/…/KICZ_ADVISORY_NOTAM_A0012_25_SVZM.pdf": {
        "title": "KICZ NOTAM A0012/25 Security - …",   # the page entry when it was read
        "checked_at": "2025-11-21T18:10:02Z",          # null: listed, not read yet
        "etag": "\"5e1f…\"", "last_modified": "Fri, 21 Nov 2025 18:09:00 GMT",
        "sha256": "…", "text": "KICZ A0012/25 NOTAM…", "error": null}}

It travels as `Fetched.extra["pdfs"]` (the parser takes the texts from it) and the store
keeps it as the source's remembered part. A hand-written `{url: {"text": …}}` is enough
for `monitor parse`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from datetime import datetime, timedelta

from monitor.errors import FetchError, ParseError
from monitor.logs import log
from monitor.sources.base import Http
from monitor.types import iso, parse_iso

# A failed read is tried again after this long at most (a passing outage, a fixed file).
RETRY_FAILED = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class PdfRecord:
    """What the last read of one PDF found (or that it was listed and not read yet)."""

    title: str
    checked_at: datetime | None = None
    etag: str | None = None
    last_modified: str | None = None
    sha256: str | None = None
    text: str | None = None       # the NOTAM text of the last good read
    error: str | None = None      # why the last read failed (the text of an earlier one stays)


def load(raw: bytes | None) -> dict[str, PdfRecord]:
    """The records of a kept document; a missing or damaged one is an empty record (every
    PDF is then read again, within the per-run limit)."""
    try:
        data = json.loads(raw) if raw else {}
    except (ValueError, RecursionError):
        return {}
    if not isinstance(data, dict):
        return {}
    records = {}
    for url, entry in data.items():
        if isinstance(entry, str):
            entry = {"text": entry}
        if not isinstance(entry, dict):
            continue
        try:
            checked = entry.get("checked_at")
            records[url] = PdfRecord(
                title=_text(entry.get("title")) or "",
                checked_at=parse_iso(checked) if isinstance(checked, str) else None,
                etag=_text(entry.get("etag")), last_modified=_text(entry.get("last_modified")),
                sha256=_text(entry.get("sha256")), text=_text(entry.get("text")),
                error=_text(entry.get("error")))
        except ValueError:
            continue
    return records


def dump(records: Mapping[str, PdfRecord]) -> bytes:
    """The document, byte for byte the same for the same records (the store keeps a new
    version only when it differs)."""
    data = {url: {**asdict(record), "checked_at": iso(record.checked_at)}
            for url, record in sorted(records.items())}
    return json.dumps(data, ensure_ascii=False, sort_keys=True).encode()


def texts(raw: bytes | None) -> dict[str, str]:
    """URL -> NOTAM text, for the parser."""
    return {url: record.text for url, record in load(raw).items() if record.text}


def due(listed: Mapping[str, str], records: Mapping[str, PdfRecord], *, now: datetime,
        recheck: timedelta) -> list[str]:
    """The listed PDFs (URL -> entry title, in page order) to read now, most needed first:
    never read, retitled on the page, failed a while ago, then read longer than `recheck`
    ago (oldest first)."""
    fresh, retitled, failed, stale = [], [], [], []
    for url, title in listed.items():
        record = records.get(url)
        if record is None or record.checked_at is None:
            fresh.append(url)
        elif record.title != title:
            retitled.append(url)
        elif record.error and now - record.checked_at >= min(recheck, RETRY_FAILED):
            failed.append(url)
        elif now - record.checked_at >= recheck:
            stale.append(url)
    stale.sort(key=lambda url: records[url].checked_at or now)
    return fresh + retitled + failed + stale


def read_due(http: Http, listed: Mapping[str, str], records: Mapping[str, PdfRecord], *,
             now: datetime, recheck: timedelta, limit: int,
             source: str) -> dict[str, PdfRecord]:
    """The records of the listed PDFs after reading up to `limit` of those due (the rest
    wait for later runs). A PDF that cannot be read keeps what an earlier read found and is
    logged once, as one `source.partial` warning; a connection failure ends this run's
    reading (the host is likely down)."""
    kept = {url: records.get(url) or PdfRecord(title=title) for url, title in listed.items()}
    for url in due(listed, kept, now=now, recheck=recheck)[:limit]:
        record, connection_lost = read_one(http, url, kept[url], title=listed[url], now=now,
                                           source=source)
        kept[url] = record
        if connection_lost:
            break
    return kept


def read_one(http: Http, url: str, before: PdfRecord, *, title: str, now: datetime,
             source: str) -> tuple[PdfRecord, bool]:
    """One PDF read, conditionally when an earlier read left validators; and whether the
    connection failed (no HTTP answer at all)."""
    try:
        response = http.get(url, etag=before.etag, last_modified=before.last_modified)
    except FetchError as exc:
        return _failed(before, str(exc), url=url, title=title, now=now,
                       source=source), exc.status is None
    if response.not_modified:
        return replace(before, title=title, checked_at=now), False
    read = replace(before, title=title, checked_at=now, etag=response.headers.get("etag"),
                   last_modified=response.headers.get("last-modified"),
                   sha256=hashlib.sha256(response.body).hexdigest())
    if read.sha256 == before.sha256 and before.text and not before.error:
        return read, False  # the same bytes again: the same text
    try:
        text = notam_text(response.body)
    except ValueError as exc:
        return _failed(read, str(exc), url=url, title=title, now=now, source=source), False
    except Exception as exc:  # a reader bug on odd bytes costs this PDF, never the page
        return _failed(read, f"unreadable ({type(exc).__name__}: {exc})"[:200], url=url,
                       title=title, now=now, source=source), False
    return replace(read, text=text, error=None), False


def notam_text(pdf: bytes) -> str:
    """The PDF's NOTAM text, checked to be one the NOTAM parser reads; ValueError if not."""
    from monitor.notam import parse_notam
    from monitor.sources.kicz_pdf import notam_text as pdf_notam_text

    text = pdf_notam_text(pdf)
    try:
        parse_notam(text)
    except ParseError as exc:
        raise ValueError(f"no NOTAM the parser reads ({exc})") from None
    return text


def _failed(record: PdfRecord, error: str, *, url: str, title: str, now: datetime,
            source: str) -> PdfRecord:
    if error != record.error:  # once per failure, not once per run it lasts
        log.warning("source.partial", source=source, part="pdf", url=url, error=error,
                    fallback="last read" if record.text else "entry as listed")
    return replace(record, title=title, checked_at=now, error=error)


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None
