"""NOTAM text parser: ICAO, FAA KICZ display and US domestic texts to Notams and Items.

`parse_notam(text)` reads one NOTAM, `split_notams(text)` cuts a file into NOTAM texts,
`parse_notam_items(text, source=...)` turns a whole file into DESIGN.md Items
(`iter_notam_items` one at a time; `cut_notam_file` cuts a file into pieces to parse apart,
`notam_file_cuts` says where),
and `to_item(notam, source=...)` converts one parsed NOTAM; `notam_json_pieces` writes a
file's items as JSON lines straight from the parse. All pure; ParseError names what failed.

Rules worth knowing (details next to the code that applies them):
- key: `KICZ <number>` for US international security NOTAMs (text starting `KICZ`, or E)
  starting `SECURITY..UNITED STATES`); else `<Q-line FIR> <number>`, else `<item A> <number>`.
  US domestic `!` texts: `<accountability> <number>`; a domestic number in ICAO form
  (`07/025 NOTAMN … A) KMIA`) takes the location's FAA ident (`MIA 07/025`). Header-less FDC
  texts have no number: `<Q FIR> #<8 hex digest of the content>`.
- firs: the Q-line FIR (3-letter ARTCC idents mapped: ZNY -> KZNY; pseudo codes like EGXX and
  accountabilities like KFDC left out), item A) entries that are FIRs, `(XXXX)`/`(XXXX FIR)`
  codes in the text next to "FIR"/"FLIGHT INFORMATION REGION" or in the known-FIR table.
- airports: item A) 4-letter codes that are not FIRs (model.split_places). countries: those
  of the FIRs, by the rule of `monitor.countries.derived` (the one for every kind).
- severity: item.TEXT_RULES and item.QCODE_RULES; a NOTAMC is info and status "cancelled".
- two-digit years: 80-99 -> 19yy, 00-79 -> 20yy.
"""

from monitor.notam.fields import stamp, two_digit_year
from monitor.notam.item import (
    QCODE_RULES,
    TEXT_RULES,
    classify,
    iter_notam_items,
    parse_notam_items,
    to_item,
)
from monitor.notam.lines import notam_json_pieces
from monitor.notam.model import Notam
from monitor.notam.parse import (
    cut_notam_file,
    join_parts,
    notam_file_cuts,
    parse_notam,
    split_notams,
)

__all__ = [
    "QCODE_RULES",
    "TEXT_RULES",
    "Notam",
    "classify",
    "cut_notam_file",
    "iter_notam_items",
    "join_parts",
    "notam_file_cuts",
    "notam_json_pieces",
    "parse_notam",
    "parse_notam_items",
    "split_notams",
    "stamp",
    "to_item",
    "two_digit_year",
]
