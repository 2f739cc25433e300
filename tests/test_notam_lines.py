"""`notam_json_pieces` (what `monitor parse notam` prints) writes, for every text, the lines
the Items of `parse_notam_items` write: NOTAMs in the usual ICAO layout straight from the
parse, the others through the general reader.

Checked on the hand-written fixtures, on edge cases of the usual layout written here, on the
recorded real texts in ../shared (when present) and on damaged fixtures (hypothesis).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from monitor.countries import derived
from monitor.errors import ParseError
from monitor.notam import iter_notam_items, notam_json_pieces, split_notams
from monitor.notam.lines import _PIECE, _block_batches, _line, _one_notam, usual_line
from monitor.notam.parse import BLANK_LINES, newlines
from tests.test_notam_properties import SETTINGS, mutated

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "notam"
REAL = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "real"

USUAL = """A0501/25 NOTAMN
Q) MPZL/QMRLC/IV/NBO/A/000/999/0904N07923W005
A) MPTO B) 2512020400 C) 2512020900
E) RWY 03R/21L CLSD."""


def general_lines(text: str) -> str:
    """The lines as the Items write them, or the error."""
    try:
        return "".join(derived(item).to_json_line() + "\n"
                       for item in iter_notam_items(text, source="notam"))
    except ParseError as exc:
        return f"ParseError: {exc}"


def written_lines(text: str) -> str:
    try:
        return "".join(notam_json_pieces(text, source="notam"))
    except ParseError as exc:
        return f"ParseError: {exc}"


def variant(**changes: str) -> str:
    """USUAL with some of its pieces replaced."""
    text = USUAL
    for old, new in changes.items():
        text = text.replace(old.replace("_", " "), new, 1)
    return text


# Each an edge of what the usual reader takes, or of what it must leave to the general one.
EDGES = {
    "usual": USUAL,
    "wrapped": f"({USUAL})",
    "wrapped, spaced": f"( {USUAL} )",
    "replacement": USUAL.replace("NOTAMN", "NOTAMR A0500/25"),
    "cancellation": USUAL.replace("NOTAMN", "NOTAMC A500/25"),
    "new with a reference": USUAL.replace("NOTAMN", "NOTAMN A0500/25"),
    "short number": USUAL.replace("A0501/25", "A51/25"),
    "four-digit year": USUAL.replace("A0501/25", "A0501/2025"),
    "no series": USUAL.replace("A0501/25", "0501/25"),
    "domestic number": USUAL.replace("A0501/25", "06/330"),
    "glued Q": USUAL.replace("NOTAMN\n", "NOTAMN"),
    "Q on the header line": USUAL.replace("NOTAMN\n", "NOTAMN "),
    "padded Q-line": USUAL.replace("IV/NBO/A/", "IV /NBO /A  /"),
    "empty Q fields": USUAL.replace("IV/NBO/A/", "//M//"),
    "no flight levels": USUAL.replace("000/999/", "//"),
    "no coordinates": USUAL.replace("0904N07923W005", ""),
    "south and east": USUAL.replace("0904N07923W005", "0904S07923E005"),
    "zero south": USUAL.replace("0904N07923W005", "0000S00000W005"),
    "minutes 60": USUAL.replace("0904N07923W005", "0960N07923W005"),
    "latitude 91": USUAL.replace("0904N07923W005", "9100N07923W005"),
    "longitude 180": USUAL.replace("0904N07923W005", "0904N18000W999"),
    "three-letter FIR": USUAL.replace("MPZL/", "ZNY/"),
    "pseudo FIR": USUAL.replace("MPZL/", "EGXX/").replace("A) MPTO", "A) EGTT EGPX"),
    "two locations": USUAL.replace("A) MPTO", "A) MPZL MPTO"),
    "location is the FIR": USUAL.replace("A) MPTO", "A) MPZL"),
    "KICZ location": USUAL.replace("A) MPTO", "A) KICZ"),
    "KICZ FIR": USUAL.replace("MPZL/", "KICZ/"),
    "US security text": USUAL.replace("RWY 03R/21L CLSD.", "SECURITY..UNITED STATES ADVISORY"),
    "placeholder location": USUAL.replace("A) MPTO", "A) ZZZZ"),
    "location with a name": USUAL.replace("A) MPTO", "A) MPTO (TOCUMEN)"),
    "B on its own line": USUAL.replace(" B)", "\nB)").replace(" C)", "\nC)"),
    "WIE": USUAL.replace("2512020400", "WIE"),
    "2400 start": USUAL.replace("2512020400", "2512022400"),
    "2400 end": USUAL.replace("2512020900", "2512022400"),
    "2401 end": USUAL.replace("2512020900", "2512022401"),
    "minute 60": USUAL.replace("2512020900", "2512020960"),
    "29 February, leap year": USUAL.replace("2512020900", "2402291200"),
    "29 February, common year": USUAL.replace("2512020900", "2502291200"),
    "31 April": USUAL.replace("2512020900", "2504310000"),
    "31 December": USUAL.replace("2512020900", "2512312359"),
    "month 13": USUAL.replace("2512020900", "2513010000"),
    "day 00": USUAL.replace("2512020900", "2512000000"),
    "1999": USUAL.replace("2512020400", "9912312300"),
    "estimated": USUAL.replace("2512020900", "2512020900 EST"),
    "estimated, glued": USUAL.replace("2512020900", "2512020900EST"),
    "estimated, more": USUAL.replace("2512020900", "2512020900 ESTIMATED"),
    "permanent": USUAL.replace("2512020900", "PERM"),
    "until further notice": USUAL.replace("2512020900", "UFN"),
    "eleven digits": USUAL.replace("2512020900", "25120209001"),
    "schedule": USUAL.replace("\nE)", "\nD) DAILY 0400-0900\nE)"),
    "schedule on two lines": USUAL.replace("\nE)", "\nD) DEC 02 03\n0400-0900\nE)"),
    "dash schedule": USUAL.replace("\nE)", "\nD) -\nE)"),
    "empty schedule": USUAL.replace("\nE)", "\nD)\nE)"),
    "schedule after C": USUAL.replace("2512020900", "2512020900 DAILY 0400-0900"),
    "limits": USUAL + "\nF) SFC G) FL100",
    "limits on lines": USUAL + "\nF) GND\nG) 14800FT AMSL",
    "lower limit": USUAL + "\nF) SFC",
    "upper limit": USUAL + "\nG) UNL",
    "F in the text": USUAL.replace("CLSD.", "CLSD (SEE F) BELOW)."),
    "labels in the text": USUAL.replace("CLSD.", "CLSD:\nA) TWY A.\nB) TWY B."),
    "FIR in the text": USUAL.replace("CLSD.", "CLSD IN MAIQUETIA FIR (SVZM)."),
    "parenthesis in the text": USUAL.replace("CLSD.", "CLSD (WIP)."),
    "closing parenthesis": f"({USUAL}\n)",
    "opening parenthesis alone": f"(\n{USUAL})",
    "NOTAM in the text": USUAL.replace("CLSD.", "CLSD. REF NOTAM A0400/25."),
    "header in the text": USUAL.replace("CLSD.", "CLSD.\nA0400/25 NOTAMC A0300/25"),
    "Q-line in the text": USUAL.replace("CLSD.", "CLSD.\nQ) MPZL/QMRLC/IV/NBO/A/000/999/"),
    "KICZ line in the text": USUAL.replace("CLSD.", "CLSD.\nKICZ A0012/25 SEE THERE"),
    "domestic line in the text": USUAL.replace("CLSD.", "CLSD.\n!PTY 12/345 PTY SEE THERE"),
    "header in the schedule": USUAL.replace("\nE)", "\nD) DAILY\nA0400/25 NOTAMN\nE)"),
    "KICZ line in the schedule": USUAL.replace("\nE)", "\nD) DAILY\nKICZ A0012/25 X\nE)"),
    "Q-line after the footers": USUAL + "\nCREATED: 01 Dec 2025 06:10:00\nQ) MPZL/QMRLC",
    "header after an END PART line": USUAL.replace("A) MPTO", "A) MPTO PART 2 OF 2")
    + "\nEND PART 2 OF 2\nA0400/25 NOTAMN",
    "DUPE": USUAL + " DUPE",
    "trailing spaces": USUAL.replace("CLSD.", "CLSD.  \nREST OF TEXT\t"),
    # fields.firs_of looks 40 characters back for "FIR": trailing spaces are cut first.
    "FIR before trailing spaces": USUAL.replace("CLSD.", "CLSD IN FIR" + " " * 38 + "\n(ABCD)."),
    "colon at the end": USUAL.replace("CLSD.", "CLSD:"),
    "empty E": USUAL.replace("RWY 03R/21L CLSD.", ""),
    "long text": USUAL.replace("CLSD.", "CLSD " + "DUE TO WORKS " * 20),
    "created footer": USUAL + "\nCREATED: 01 Dec 2025 06:10:00\nSOURCE: MPTOYNYX",
    "created footer, KICZ form": USUAL + "\nCREATED: 21 NOV 18:08 UTC 2025",
    "bad created footer": USUAL + "\nCREATED: 31 Feb 2025 06:10:00",
    "source footer alone": USUAL + "\nSOURCE: MPTOYNYX",
    "footer in the middle": USUAL.replace("\nE)", "\nCREATED: 01 Dec 2025 06:10:00\nE)"),
    "footer word in the text": USUAL.replace("CLSD.", "CLSD. SOURCE: AIP."),
    "footer with WIE": USUAL.replace("2512020400", "WIE") + "\nCREATED: 01 Dec 2025 06:10:00",
    "part in the text": USUAL.replace("CLSD.", "CLSD PART 1 OF 2."),
    "last part": USUAL.replace("A) MPTO", "A) MPTO PART 2 OF 2") + "\nEND PART 2 OF 2",
    "part with footers": USUAL.replace("A) MPTO", "A) MPTO PART 2 OF 3")
    + "\nEND PART 2 OF 3\nCREATED: 01 Dec 2025 06:10:00\nSOURCE: MPTOYNYX",
    "part": USUAL.replace("A) MPTO", "A) MPTO PART 1 OF 2"),
    "END PART line": USUAL + "\nEND PART 100 OF 200",
    "departure": USUAL.replace("CLSD.", "CLSD FOR DEPARTURE."),
    "prohibited": USUAL.replace("RWY 03R/21L CLSD.", "AIRSPACE CLSD TO ALL TRAFFIC."),
    "quote and backslash": USUAL.replace("CLSD.", 'CLSD "NOW" \\ OK.'),
    "non-ASCII": USUAL.replace("CLSD.", "CLSD … ÑANDÚ."),
    "other digits": USUAL.replace("2512020900", "251202090٣"),
    "CRLF": USUAL.replace("\n", "\r\n"),
}


@pytest.mark.parametrize("text", list(EDGES.values()), ids=list(EDGES))
def test_an_edge_of_the_usual_layout_is_written_as_its_item(text: str) -> None:
    assert written_lines(text) == general_lines(text)


def test_the_usual_layout_is_read_straight_from_the_text() -> None:
    # Not all through the general reader (which would make the tests above pass trivially).
    taken = [name for name, text in EDGES.items()
             if all(usual_line(chunk, "notam") is not None for chunk in split_notams(text))]
    assert len(taken) > 40
    assert {"usual", "wrapped", "replacement", "padded Q-line", "two locations",
            "limits", "schedule", "29 February, leap year"} <= set(taken)
    assert {"created footer", "END PART line"} <= set(taken)
    assert not {"WIE", "2400 end", "part", "KICZ FIR", "domestic number",
                "other digits"} & set(taken)


def test_a_file_of_edges_is_written_as_its_items() -> None:
    for separator in ("\n\n", "\n", "\n \n\n"):
        text = separator.join(EDGES.values())
        assert written_lines(text) == general_lines(text)


def test_parts_around_usual_notams_are_joined_in_order() -> None:
    first = USUAL.replace("A) MPTO", "A) MPTO PART 1 OF 2")
    second = USUAL.replace("A) MPTO", "A) MPTO PART 2 OF 2").replace("CLSD.", "REOPENS LATER.")
    other = USUAL.replace("A0501/25", "A0502/25")
    for texts in ([other, first, second, other], [first, other, second], [other, second],
                  [first, first, other]):
        text = "\n\n".join(texts)
        assert written_lines(text) == general_lines(text)


def test_a_part_alone_is_written_as_its_item() -> None:
    def part(n: int, of: int, number: str = "A0501") -> str:
        return (USUAL.replace("A0501", number).replace("A) MPTO", f"A) MPTO PART {n} OF {of}")
                + f"\nEND PART {n} OF {of}\nCREATED: 01 Dec 2025 06:10:00")
    other = USUAL.replace("A0501", "A0502")
    cases = [[part(2, 3), other], [other, part(2, 3), other], [other, part(2, 3)],
             [part(3, 3), part(1, 3)], [part(1, 3), part(1, 3, "A0503"), other],
             [part(1, 2), part(2, 2)], [part(2, 2), other], [other, part(1, 2), part(2, 2)],
             [part(1, 2), other, part(2, 2), other], [part(2, 3), "NOT A NOTAM", other],
             [part(2, 3), part(2, 3, "A0503").replace("\nA) ", "\nA) (", 1), other]]
    for texts in cases:
        text = "\n\n".join(texts)
        assert written_lines(text) == general_lines(text)
    written = written_lines("\n\n".join([part(2, 3), other]))
    assert json.loads(written.splitlines()[0])["body"].endswith("PART 2 OF 3")


def test_parts_across_the_pieces_are_joined() -> None:
    first = USUAL.replace("A) MPTO", "A) MPTO PART 1 OF 2")
    second = USUAL.replace("A) MPTO", "A) MPTO PART 2 OF 2").replace("CLSD.", "REOPENS LATER.")
    others = [USUAL.replace("A0501", f"A{n:04}") for n in range(_PIECE - 1)]
    for texts in ([*others, first, second], [*others, first], [*others, first, second, USUAL],
                  [*others, first, USUAL, second]):
        text = "\n\n".join(texts)
        assert written_lines(text) == general_lines(text)


def test_a_header_and_its_items_across_the_pieces_are_read_together() -> None:
    # Blank-line separated, but split_notams reads the Q) line by the header above it.
    others = [USUAL.replace("A0501", f"A{n:04}") for n in range(_PIECE - 1)]
    header, items = USUAL.split("\n", 1)
    items = items.replace("Q) ", "B) 2512020400\nQ) ", 1)
    for texts in ([*others, header, items], [*others[:-1], header, items],
                  [*others, f"({header}", f"{items})", USUAL]):
        text = "\n\n".join(texts)
        assert written_lines(text) == general_lines(text)


def test_an_unreadable_notam_is_named_as_the_general_reader_names_it() -> None:
    text = "\n\n".join([USUAL, "NOT A NOTAM AT ALL", USUAL])
    written = written_lines(text)
    assert written.startswith("ParseError: NOTAM 2 of 3 ('NOT A NOTAM AT ALL')")
    assert written == general_lines(text)
    text = "\n\n".join([USUAL] * 2500 + ["NOT A NOTAM AT ALL"])
    assert written_lines(text).startswith("ParseError: NOTAM 2501 of 2501 ('NOT A NOTAM")
    assert written_lines(text) == general_lines(text)


def test_pieces_end_each_line_and_hold_every_item() -> None:
    count = 2 * _PIECE + _PIECE // 4
    text = "\n\n".join([USUAL.replace("A0501", f"A{n:04}") for n in range(count)])
    pieces = list(notam_json_pieces(text, source="notam"))
    assert len(pieces) == 3 and all(piece.endswith("}\n") for piece in pieces)
    lines = "".join(pieces).splitlines()
    assert [json.loads(line)["key"] for line in lines] == [f"MPZL A{n:04}/25"
                                                            for n in range(count)]


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("*.txt")), ids=lambda p: p.name)
def test_a_fixture_file_is_written_as_its_items(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert written_lines(text) == general_lines(text)


def real_texts() -> list[str]:
    if not REAL.is_dir():
        return []
    texts: list[str] = []
    for path in sorted((REAL / "notam_texts").glob("avwx_*.txt")):
        texts += split_notams(path.read_text(encoding="utf-8"))
    texts += [p.read_text(encoding="utf-8")
              for p in sorted((REAL / "notam_texts" / "pynotam").glob("*.txt"))]
    for path in sorted((REAL / "faa_notam_search").glob("*.json")):
        texts += [r["icaoMessage"] for r in json.loads(path.read_text())["notamList"]]
    for path in sorted((REAL / "faa_notam_api").glob("*.json")):
        for feature in json.loads(path.read_text())["items"]:
            core = feature["properties"]["coreNOTAMData"]
            texts += [t["formattedText"] for t in core.get("notamTranslation", [])
                      if t.get("formattedText")]
    return texts


@pytest.mark.skipif(not REAL.is_dir(), reason=f"real recorded data not present at {REAL}")
def test_every_real_text_is_written_as_its_item() -> None:
    texts = real_texts()
    different = [text[:60] for text in texts if written_lines(text) != general_lines(text)]
    assert not different
    assert written_lines("\n\n".join(texts)) == general_lines("\n\n".join(texts))


@SETTINGS
@given(mutated())
def test_a_damaged_notam_is_written_as_its_item(text: str) -> None:
    assert written_lines(text) == general_lines(text)


@SETTINGS
@given(st.lists(mutated(), min_size=2, max_size=5),
       st.sampled_from(["\n\n", "\n", ")\n(", ") (", "\r\n\r\n"]))
def test_a_damaged_file_is_written_as_its_items(notams: list[str], separator: str) -> None:
    text = separator.join(notams)
    assert written_lines(text) == general_lines(text)


@SETTINGS
@given(st.lists(mutated(), min_size=1, max_size=3), st.sampled_from(["\n", "\n\n", ")\n("]))
def test_a_block_is_read_at_once_only_when_it_holds_one_notam(notams: list[str],
                                                              separator: str) -> None:
    """The block reader (`_line(..., block=True)`) tests `_one_notam` where the match tells
    it where to look: it must leave the blocks `_one_notam` leaves."""
    text = newlines(separator.join(notams))
    for block in filter(None, map(str.strip, BLANK_LINES.split(text))):
        alone = _line(block, '"notam"') if _one_notam(block) else None
        assert _line(block, '"notam"', block=True) == alone


@SETTINGS
@given(st.lists(st.sampled_from(["\n", "\n\n", " ", "\t", "\u2003", "X", "Y Z", "\n \n",
                                 "\n\t\n"]), max_size=40).map("".join),
       st.integers(min_value=0, max_value=12))
def test_blocks_split_a_span_at_a_time_are_the_file_s_blocks(text: str, span: int) -> None:
    blocks = [block for block in map(str.strip, BLANK_LINES.split(text)) if block]
    batches = list(_block_batches(text, span))
    assert [block for batch in batches for block in batch] == blocks
    assert all(len(batch) == _PIECE for batch in batches[:-1])


def test_blocks_come_in_batches_of_a_piece() -> None:
    text = "\n\n".join(f"N{n}" for n in range(2 * _PIECE + 3))
    assert [len(batch) for batch in _block_batches(text, 10)] == [_PIECE, _PIECE, 3]


BLANKS = [" ", "  ", "\n", "\t", "\x0b", "\x0c", "\x1c", "\x85", "\xa0", "\u2003", "\u2028",
          "\u3000", " \n"]


@SETTINGS
@given(st.lists(st.sampled_from(["RWY", "CLSD", "(SVZM)", "…", ".", *BLANKS]), min_size=1,
                max_size=12).map("".join))
def test_an_e_text_with_any_blanks_is_summed_up_as_the_general_reader_does(e: str) -> None:
    """The summary's blanks collapsed to single spaces: quickly when they are spaces and
    newlines alone, else word by word, as the general reader does."""
    text = USUAL.replace("RWY 03R/21L CLSD.", f"RWY {e} END")
    assert written_lines(text) == general_lines(text)
