"""The NOTAM text inside a KICZ NOTAM PDF (the only pypdf importer).

The FAA's Prohibitions, Restrictions and Notices page links each KICZ NOTAM to a PDF that
shows it in the display form (SOURCES.md §7.3): `KICZ A0012/25 NOTAM…SECURITY…` lines, then
a footer `SFC-UNL: 21 NOV 17:43 UTC 2025 UNTIL 19 FEB 23:59 UTC 2026. CREATED: …`. Only the
PDF states the validity; this module returns that text for the NOTAM parser. Pure: bytes in,
text out, `UnreadablePdf` saying why when there is none.
"""

from __future__ import annotations

import io
import logging
import re

# The NOTAM sits on the first page; a long prohibition may run onto a few more.
MAX_PAGES = 4
# A display NOTAM is a few kilobytes; anything longer is not the NOTAM alone.
MAX_CHARS = 16_000

_PDF_MAGIC = b"%PDF-"
_START = re.compile(r"\bKICZ\s+(?:NOTAM\s+)?[A-Z]\d{4}/\d{2}(?![\d/])")
# The page's link titles say "KICZ NOTAM A0050/26"; the NOTAM parser reads "KICZ A0050/26".
_NOTAM_FIRST = re.compile(r"KICZ\s+NOTAM\s+([A-Z]\d{4}/\d{2})")
_CREATED = re.compile(r"CREATED:\s*\d{1,2}\s+[A-Z]{3}\s+\d{2}:\d{2}(?:\s+UTC)?\s+\d{4}")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f]+")

# pypdf reports damaged files through `logging`; with no handler configured Python would
# print those to stderr. The monitor logs one warning of its own per unreadable PDF instead.
logging.getLogger("pypdf").addHandler(logging.NullHandler())


class UnreadablePdf(ValueError):
    """The document gave no NOTAM text; the message says why, for an operator."""


def notam_text(pdf: bytes) -> str:
    """The KICZ NOTAM in `pdf`, from its `KICZ <number>` header to the end of its
    `CREATED:` footer (or of the text read), one line per line shown."""
    # The header may follow a little junk (a byte-order mark, a proxy's prefix), never more.
    if _PDF_MAGIC not in pdf[:1024]:
        raise UnreadablePdf(f"not a PDF (starts {pdf[:16]!r})")
    text = _page_texts(pdf)
    start = _START.search(text)
    if start is None:
        raise UnreadablePdf("no KICZ NOTAM text in the PDF")
    text = text[start.start():]
    head = _NOTAM_FIRST.match(text)
    if head is not None:
        text = f"KICZ {head[1]} NOTAM{text[head.end():]}"
    end = _CREATED.search(text)
    if end is not None:
        text = text[:end.end()]
    return text[:MAX_CHARS]


def _page_texts(pdf: bytes) -> str:
    from pypdf import PdfReader  # ~60 ms to import: only when a PDF is read

    lines: list[str] = []
    try:
        reader = PdfReader(io.BytesIO(pdf))
        if reader.is_encrypted:
            reader.decrypt("")  # an owner password alone still lets anyone read the text
        for page in reader.pages[:MAX_PAGES]:
            page_text = page.extract_text() or ""
            lines.extend(_clean_lines(page_text))
            if "CREATED:" in page_text:
                break
    except Exception as exc:  # pypdf raises many kinds of error for a damaged file
        raise UnreadablePdf(f"damaged PDF ({type(exc).__name__}: {exc})"[:200]) from None
    return "\n".join(lines)


def _clean_lines(text: str) -> list[str]:
    """Lines with runs of (non-breaking) spaces made one space; blank lines dropped."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    cleaned = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return [line for line in cleaned if line]
