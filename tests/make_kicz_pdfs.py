"""Writes the KICZ NOTAM PDFs under tests/fixtures/faa_prn/pdf/ (run it to regenerate them).

Each PDF is written by hand here: one page object per page, the standard Helvetica font in
WinAnsi encoding, and a content stream that shows the NOTAM one text line per line, in the
display layout of SOURCES.md §7.3. KICZ A0012/25 is the advisory as reposted in Nov 2025 (a
US government work); the other texts are constructed in the same layout and say so below.

    .venv/bin/python tests/make_kicz_pdfs.py
"""

from __future__ import annotations

from pathlib import Path

OUT = Path(__file__).resolve().parent / "fixtures" / "faa_prn" / "pdf"

A0012_25 = """\
KICZ A0012/25 NOTAM…SECURITY…UNITED STATES OF AMERICA ADVISORY FOR POTENTIALLY
HAZARDOUS SITUATION IN THE MAIQUETIA FLIGHT INFORMATION REGION (SVZM)
OPERATORS ARE ADVISED TO EXERCISE CAUTION WHEN OPERATING IN THE MAIQUETIA FLIGHT
INFORMATION REGION (SVZM FIR) AT ALL ALTITUDES DUE TO THE WORSENING SECURITY
SITUATION AND HEIGHTENED MILITARY ACTIVITY IN OR AROUND VENEZUELA. THREATS COULD
POSE A POTENTIAL RISK TO AIRCRAFT AT ALL ALTITUDES, INCLUDING DURING OVERFLIGHT, THE
ARRIVAL AND DEPARTURE PHASES OF FLIGHT, AND/OR AIRPORTS AND AIRCRAFT ON THE
GROUND.
REFER TO THE BACKGROUND INFORMATION NOTICE FOR ADDITIONAL INFORMATION ON THREAT
CONCERNS FOR U.S. CIVIL AVIATION OPERATIONS IN THE AFFECTED AIRSPACE AT HTTPS://
WWW.FAA.GOV/AIR_TRAFFIC/PUBLICATIONS/US_RESTRICTIONS.
PROVIDE AT LEAST 72-HOUR ADVANCE NOTICE OF PLANNED FLIGHTS TO THE FAA AT
FAAWATCH@FAA.GOV WITH SPECIFIC FLIGHT DETAILS.
REPORT ANY SAFETY/SECURITY INCIDENTS OBSERVED/EXPERIENCED WHILE OPERATING IN THE
AFFECTED AIRSPACE TO THE FAA’S WASHINGTON OPERATIONS CENTER AT +1 (202) 267-3333
SFC-UNL: 21 NOV 17:43 UTC 2025 UNTIL 19 FEB 23:59 UTC 2026. CREATED: 21 NOV 18:08 UTC 2025
"""

# Constructed: the same advisory re-issued under its number with a later end, as a revised
# PDF at the same address would show it.
A0012_25_REVISED = A0012_25.replace(
    "SFC-UNL: 21 NOV 17:43 UTC 2025 UNTIL 19 FEB 23:59 UTC 2026. CREATED: 21 NOV 18:08 UTC 2025",
    "SFC-UNL: 21 NOV 17:43 UTC 2025 UNTIL 19 MAY 23:59 UTC 2026. CREATED: 16 FEB 09:15 UTC 2026")

# Constructed in the same layout for the Colombia entry of the PRN page (KICZ A0050/26), its
# footer on a second page.
A0050_26 = """\
KICZ A0050/26 NOTAM…SECURITY…UNITED STATES OF AMERICA ADVISORY FOR POTENTIALLY
HAZARDOUS SITUATION IN THE OVERWATER AREAS ABOVE THE PACIFIC OCEAN IN THE BOGOTA
FLIGHT INFORMATION REGION (SKED)
OPERATORS ARE ADVISED TO EXERCISE CAUTION WHEN OPERATING IN THE OVERWATER AREAS
ABOVE THE PACIFIC OCEAN IN THE BOGOTA FLIGHT INFORMATION REGION (SKED FIR) AT ALL
ALTITUDES DUE TO HEIGHTENED MILITARY ACTIVITY.
REPORT ANY SAFETY/SECURITY INCIDENTS TO THE FAA’S WASHINGTON OPERATIONS CENTER AT
+1 (202) 267-3333
\f
SFC-UNL: 04 MAR 19:30 UTC 2026 UNTIL PERM. CREATED: 04 MAR 19:41 UTC 2026
"""

# Constructed: a background notice, a PDF with no NOTAM in it.
BACKGROUND = """\
FAA BACKGROUND INFORMATION REGARDING U.S. CIVIL AVIATION
VENEZUELA
THIS NOTICE GIVES BACKGROUND TO THE ADVISORY NOTAM FOR THE MAIQUETIA FLIGHT
INFORMATION REGION. IT IS NOT ITSELF A NOTAM.
"""

FIXTURES = {
    "KICZ_A0012_25.pdf": A0012_25,
    "KICZ_A0012_25_revised.pdf": A0012_25_REVISED,
    "KICZ_A0050_26.pdf": A0050_26,
    "background.pdf": BACKGROUND,
}


def pdf_document(text: str) -> bytes:
    """A PDF showing `text`, one text line per line; a form feed starts a new page."""
    pages = [[line for line in page.split("\n") if line] for page in text.split("\f")]
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"",  # the page tree, once the page objects are numbered
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    kids = []
    for lines in pages:
        page_number, content_number = len(objects) + 1, len(objects) + 2
        kids.append(f"{page_number} 0 R".encode())
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
                       b"/Resources << /Font << /F1 3 0 R >> >> "
                       b"/Contents " + str(content_number).encode() + b" 0 R >>")
        shown = b"".join(b"(" + _pdf_string(line) + b") Tj T*\n" for line in lines)
        stream = b"BT\n/F1 9 Tf\n11 TL\n40 750 Td\n" + shown + b"ET\n"
        objects.append(b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n"
                       + stream + b"endstream")
    objects[1] = (b"<< /Type /Pages /Kids [" + b" ".join(kids) + b"] /Count "
                  + str(len(kids)).encode() + b" >>")

    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += (f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\n"
            f"startxref\n{xref}\n%%EOF\n").encode()
    return bytes(out)


def _pdf_string(line: str) -> bytes:
    raw = line.encode("cp1252")  # WinAnsi: "…" and "’" are single bytes there
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, text in FIXTURES.items():
        (OUT / name).write_bytes(pdf_document(text))
        print(OUT / name)


if __name__ == "__main__":
    main()
