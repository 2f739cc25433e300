"""Flights, whichever provider saw them: numbers, local dates, statuses, severities, and the one
Item shape that lets two providers' reports of a flight share a key."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from monitor import flights
from monitor.types import Flight, Severity


@pytest.mark.parametrize(("text", "airline", "number"), [
    ("AV 71", None, "AV71"), ("G3 9511", None, "G39511"), ("TP170", None, "TP170"),
    ("70", "AV", "AV70"), ("0070", "AV", "AV70"), ("AV0070", None, "AV70"),
    ("4C 5262", None, "4C5262"), ("tp 170", None, "TP170"), ("TAP170", None, None),
    ("", "AV", None), (None, None, None), ("70", None, None),
])
def test_flight_numbers_lose_spaces_and_leading_zeros(text: str | None, airline: str | None,
                                                      number: str | None) -> None:
    assert flights.flight_number(text, airline) == number


def test_the_local_date_is_the_date_at_the_airport() -> None:
    late_evening = datetime(2025, 11, 23, 3, 40, tzinfo=UTC)   # 23:40 in Caracas on the 22nd
    assert flights.local_date(late_evening, "America/Caracas") == "2025-11-22"
    assert flights.local_date(late_evening, "Europe/Lisbon") == "2025-11-23"
    assert flights.local_date(late_evening, None) == "2025-11-23"
    assert flights.local_date(late_evening, "Not/AZone") == "2025-11-23"


def test_wall_clock_and_utc_times() -> None:
    assert flights.local_to_utc("2025-11-22 07:15:00", "America/Bogota") == datetime(
        2025, 11, 22, 12, 15, tzinfo=UTC)
    # AviationStack's offset is ignored: the wall clock is local [unv].
    assert flights.local_to_utc("2025-11-22T23:40:00+00:00", "America/Caracas") == datetime(
        2025, 11, 23, 3, 40, tzinfo=UTC)
    assert flights.utc_time("2025-11-22 12:00Z") == datetime(2025, 11, 22, 12, tzinfo=UTC)
    with pytest.raises(ValueError, match="no zone"):
        flights.utc_time("2025-11-22 12:00")


def test_a_revised_time_half_an_hour_late_is_a_delay() -> None:
    at = datetime(2025, 11, 22, 12, tzinfo=UTC)
    assert flights.is_late(at, at.replace(minute=30))
    assert not flights.is_late(at, at.replace(minute=29))
    assert not flights.is_late(at, None)


@pytest.mark.parametrize(("word", "status"), [
    ("CANCELADO", "cancelled"), ("Cancelled", "cancelled"), ("CNL", "cancelled"),
    ("Vuelo cancelado por clima", "cancelled"), ("DEMORADO", "delayed"), ("Aterrizó", "landed"),
    ("DESPEGÓ", "departed"), ("A TIEMPO", "scheduled"), ("Desviado", "diverted"),
    ("Próximamente", None), ("", None),
])
def test_board_words(word: str, status: str | None) -> None:
    assert flights.board_status(word) == status


@pytest.mark.parametrize(("status", "severity"), [
    ("cancelled", Severity.WARNING), ("cancelled_probable", Severity.ADVISORY),
    ("delayed", Severity.ADVISORY), ("diverted", Severity.ADVISORY),
    ("scheduled", Severity.INFO), ("departed", Severity.INFO), ("landed", Severity.INFO),
    ("unknown", Severity.INFO),
])
def test_severity_follows_the_status(status: str, severity: Severity) -> None:
    assert flights.severity(status) == severity


def test_every_provider_table_maps_to_a_flight_status() -> None:
    for table in (flights.AERODATABOX, flights.AVIATIONSTACK, flights.ELDORADO_CODES,
                  flights.BOARD_WORDS):
        assert set(table.values()) <= set(flights.STATUSES)


def test_endpoints_are_completed_from_the_airport_tables() -> None:
    ccs = flights.endpoint(iata="ccs")
    assert (ccs.icao, ccs.iata, ccs.country, ccs.tz) == ("SVMI", "CCS", "VE", "America/Caracas")
    unknown = flights.endpoint(icao="SVZZ", iata="ZZZ")
    assert (unknown.icao, unknown.country, unknown.label) == ("SVZZ", "VE", "ZZZ")


def test_the_flight_item() -> None:
    item = flights.flight_item(
        source="adb", number="TP170", airline="TP", origin=flights.endpoint(icao="SVMI"),
        destination=flights.endpoint(iata="LIS"), date="2025-11-23", status="cancelled",
        departure=datetime(2025, 11, 23, 10, 35, tzinfo=UTC))
    assert item.key == "TP170 2025-11-23"
    assert item.title == "TP170 CCS-LIS 2025-11-23: cancelled"
    assert (item.kind, item.severity, item.status) == ("flight", Severity.WARNING, "cancelled")
    assert (item.airports, item.countries, item.airlines, item.firs) == (
        ("LPPT", "SVMI"), ("PT", "VE"), ("TP",), ())
    assert item.flight == Flight("TP170", "2025-11-23", "SVMI", "LPPT",
                                 datetime(2025, 11, 23, 10, 35, tzinfo=UTC))
    assert (item.valid_from, item.valid_to) == (None, None)
    assert item.body == "Scheduled departure 2025-11-23 06:35 local (10:35Z), CCS to LIS."
    with pytest.raises(ValueError, match="unknown flight status"):
        flights.flight_item(source="a", number="TP170", airline="TP", origin=item_end(),
                            destination=item_end(), date="2025-11-23", status="gone")


def item_end() -> flights.Endpoint:
    return flights.endpoint(icao="SVMI")


def test_raw_statuses_show_only_when_unknown() -> None:
    def body(status: str) -> str:
        return flights.flight_item(
            source="a", number="CM221", airline="CM", origin=item_end(),
            destination=flights.endpoint(iata="PTY"), date="2025-11-22", status=status,
            raw_status="Boarding").body
    assert "Boarding" not in body("scheduled")
    assert "Upstream status: 'Boarding'." in body("unknown")
