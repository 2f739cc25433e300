"""The bookings file: read whole or refused with the line and column, extra columns dropped."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from monitor.bookings import Booking, BookingsError, read_bookings, upcoming

HEADER = "ref,flight,date,origin,destination\n"


def problem(text: str) -> str:
    with pytest.raises(BookingsError) as caught:
        read_bookings(text)
    return str(caught.value)


def test_rows_are_read_with_flight_numbers_and_airports_normalised() -> None:
    [first, second] = read_bookings(HEADER + "ABC123,TP 173,2026-01-10,lis,CCS\n"
                                             "XYZ9,tp0174,2026-01-12,SVMI,LPPT\n")
    assert first == Booking(ref="ABC123", flight="TP173", date=date(2026, 1, 10), origin="LIS",
                            destination="CCS", origin_icao="LPPT", destination_icao="SVMI",
                            route="LIS-CCS", origin_tz="Europe/Lisbon")
    assert (second.flight, second.origin_icao, second.destination_icao, second.route) == (
        "TP174", "SVMI", "LPPT", "CCS-LIS")
    assert (first.airline, first.route, first.flight_key, first.ident) == (
        "TP", "LIS-CCS", "TP173 2026-01-10", "ABC123 TP173 2026-01-10")


def test_extra_columns_are_dropped_and_columns_may_come_in_any_order() -> None:
    text = ("Name,Destination,REF,date,flight,origin,notes\n"
            "Maria Planted,CCS,R1,2026-01-10,TP173,LIS,window seat\n")
    [booking] = read_bookings(text.encode("utf-8-sig"))
    assert booking.to_json() == {"ref": "R1", "flight": "TP173", "date": "2026-01-10",
                                 "origin": "LIS", "destination": "CCS"}
    assert "Maria" not in repr(booking) and "window" not in repr(booking)


def test_semicolon_files_blank_lines_and_exact_repeats_are_fine() -> None:
    text = ("ref;flight;date;origin;destination\n"
            "R1;TP173;2026-01-10;LIS;CCS\n\nR1;TP173;2026-01-10;LIS;CCS\n")
    assert len(read_bookings(text)) == 1


def test_a_bad_date_names_the_line_and_the_column() -> None:
    text = HEADER + "R1,TP173,2026-01-10,LIS,CCS\n" + "R2,TP173,10/01/2026,LIS,CCS\n"
    assert problem(text) == "line 3: date: '10/01/2026' is not a date (YYYY-MM-DD)"
    assert problem(HEADER + "R1,TP173,2026-02-30,LIS,CCS\n").startswith("line 2: date:")


@pytest.mark.parametrize(("row", "expected"), [
    ("R1,173,2026-01-10,LIS,CCS", "line 2: flight: '173' is not an IATA flight number"),
    ("R1,TP173,2026-01-10,XXX,CCS", "line 2: origin: unknown airport code 'XXX'"),
    ("R1,TP173,2026-01-10,LIS,LPPT", "line 2: destination: the same airport as origin"),
    (",TP173,2026-01-10,LIS,CCS", "line 2: ref: empty"),
    ("R1,TP173,2026-01-10,LIS", "line 2: 4 fields where the header has 5"),
])
def test_each_column_is_checked(row: str, expected: str) -> None:
    assert problem(HEADER + row + "\n").startswith(expected)


def test_a_row_out_of_place_is_refused_without_quoting_other_columns() -> None:
    # An unquoted comma in a name shifts the cells: refused by the count, nothing quoted.
    text = "name,ref,flight,date,origin,destination\nSilva, Maria,R1,TP173,2026-01-10,LIS,CCS\n"
    message = problem(text)
    assert message == "line 2: 7 fields where the header has 6"
    assert "Maria" not in message and "Silva" not in message


def test_the_header_must_name_every_column() -> None:
    assert problem("ref,flight,origin,destination\n") == (
        "line 1: header: missing column(s) date (needed: ref,flight,date,origin,destination)")
    assert problem("").startswith("empty file")
    with pytest.raises(BookingsError, match="not UTF-8 text"):
        read_bookings(b"ref,flight\xff\n")


def test_past_trips_drop_out_by_the_origin_s_local_date() -> None:
    bookings = read_bookings(HEADER + "R1,AV70,2025-11-21,BOG,CCS\n"
                                      "R2,AV70,2025-11-22,BOG,CCS\n")
    # 03:00 UTC on 22 Nov is still 21 Nov in Bogotá: the 21 Nov trip is still ahead.
    early = datetime(2025, 11, 22, 3, 0, tzinfo=UTC)
    assert [b.ref for b in upcoming(bookings, early)] == ["R1", "R2"]
    later = datetime(2025, 11, 22, 6, 0, tzinfo=UTC)
    assert [b.ref for b in upcoming(bookings, later)] == ["R2"]
