"""Notice validity: the days a notice states, in four languages, settled into dates and times."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from monitor import notice_dates
from monitor.notice_dates import Validity, covers, day_label, infer_year

READ_ON = datetime(2025, 11, 22, 18, 20, tzinfo=UTC)   # the fetch (or the page's stamp)


def day_start(y: int, m: int, d: int) -> datetime:
    return datetime(y, m, d, 0, 0, 0, tzinfo=UTC)


def day_end(y: int, m: int, d: int) -> datetime:
    return datetime(y, m, d, 23, 59, 59, tzinfo=UTC)


@pytest.mark.parametrize(("text", "valid_from", "valid_to"), [
    # es
    ("Suspendemos los vuelos hasta el 31 de diciembre.", None, day_end(2025, 12, 31)),
    ("hasta el miércoles 31 de diciembre de 2025", None, day_end(2025, 12, 31)),
    ("Vuelos cancelados del 24 al 28 de noviembre.", day_start(2025, 11, 24),
     day_end(2025, 11, 28)),
    ("Suspensión desde el 29 de noviembre de 2025 hasta el 14 de febrero de 2026.",
     day_start(2025, 11, 29), day_end(2026, 2, 14)),
    ("Iberia suspende sus vuelos a partir del 24 de noviembre y hasta nuevo aviso.",
     day_start(2025, 11, 24), None),
    ("Vuelos cancelados entre el 1 y el 3 de diciembre.", day_start(2025, 12, 1),
     day_end(2025, 12, 3)),
    ("Vuelos cancelados hasta el 12/12/2025.", None, day_end(2025, 12, 12)),
    # pt
    ("A GOL suspende os voos até 15 de janeiro.", None, day_end(2026, 1, 15)),
    ("Voos cancelados de 24 a 28 de novembro.", day_start(2025, 11, 24), day_end(2025, 11, 28)),
    ("Suspensão de 29 de novembro de 2025 a 14 de fevereiro de 2026.",
     day_start(2025, 11, 29), day_end(2026, 2, 14)),
    ("Voos suspensos a partir de 29 de novembro até 10 de janeiro.", day_start(2025, 11, 29),
     day_end(2026, 1, 10)),
    # en
    ("Flights are suspended until 12 December.", None, day_end(2025, 12, 12)),
    ("Flights suspended until January 15, 2026.", None, day_end(2026, 1, 15)),
    ("Flights cancelled from 24 to 28 November.", day_start(2025, 11, 24),
     day_end(2025, 11, 28)),
    ("Flights suspended from November 29 until January 15.", day_start(2025, 11, 29),
     day_end(2026, 1, 15)),
    ("Service suspended between 20 December 2025 and 5 January 2026.",
     day_start(2025, 12, 20), day_end(2026, 1, 5)),
    # tr, suffixes after apostrophes
    ("Seferler 15 Ocak'a kadar askıya alındı.", None, day_end(2026, 1, 15)),
    ("Seferler 24-28 Kasım tarihleri arasında iptal edilmiştir.", day_start(2025, 11, 24),
     day_end(2025, 11, 28)),
    ("Seferler 29 Kasım'dan 14 Şubat 2026'ya kadar askıya alındı.", day_start(2025, 11, 29),
     day_end(2026, 2, 14)),
])
def test_phrases_in_four_languages_give_the_days_they_state(
        text: str, valid_from: datetime | None, valid_to: datetime | None) -> None:
    validity = notice_dates.read(text, reference=READ_ON)
    assert validity is not None
    assert (validity.valid_from, validity.valid_to) == (valid_from, valid_to)


@pytest.mark.parametrize("text", [
    "Vuelos suspendidos hasta nuevo aviso.", "Voos suspensos até novo aviso.",
    "Flights are suspended until further notice.", "Seferler ikinci bir duyuruya kadar iptal.",
    "Os voos para Caracas estão suspensos até nova ordem.",
    "Operaciones a Caracas suspendidas hasta nueva orden.",
])
def test_until_further_notice_leaves_the_end_open(text: str) -> None:
    assert notice_dates.read(text, reference=READ_ON) == Validity(open_ended=True)


@pytest.mark.parametrize(("text", "reference", "valid_to"), [
    # read in November, January is next year's
    ("até 15 de janeiro", datetime(2025, 11, 22, tzinfo=UTC), day_end(2026, 1, 15)),
    # read just after the new year, "31 December" is the one just gone, not next year's
    ("hasta el 31 de diciembre", datetime(2026, 1, 5, tzinfo=UTC), day_end(2025, 12, 31)),
    # read in May, "31 December" lies ahead
    ("until 31 December", datetime(2026, 5, 10, tzinfo=UTC), day_end(2026, 12, 31)),
    # well past (more than PAST_REACH before the reference): the next one
    ("hasta el 12 de marzo", datetime(2025, 11, 22, tzinfo=UTC), day_end(2026, 3, 12)),
    # a little past: a notice left up after its end keeps its year
    ("until 12 December", datetime(2026, 1, 20, tzinfo=UTC), day_end(2025, 12, 12)),
])
def test_a_day_without_a_year_rolls_into_the_next_year_only_when_well_past(
        text: str, reference: datetime, valid_to: datetime) -> None:
    validity = notice_dates.read(text, reference=reference)
    assert validity is not None and validity.valid_to == valid_to


def test_a_range_across_the_new_year_takes_the_first_day_from_the_year_before() -> None:
    validity = notice_dates.read("desde el 20 de diciembre hasta el 10 de enero",
                                 reference=datetime(2026, 1, 2, tzinfo=UTC))
    assert validity == Validity(date(2025, 12, 20), date(2026, 1, 10))


def test_a_written_year_wins_over_the_reference() -> None:
    validity = notice_dates.read("hasta el 15 de enero de 2027", reference=READ_ON)
    assert validity == Validity(last_day=date(2027, 1, 15))


def test_without_a_reference_only_written_years_count() -> None:
    assert notice_dates.read("hasta el 31 de diciembre", reference=None) is None
    assert notice_dates.read("hasta el 31 de diciembre de 2025", reference=None) == Validity(
        last_day=date(2025, 12, 31))
    # the first day leans on the last one's year
    assert notice_dates.read("del 24 de noviembre al 5 de enero de 2026",
                             reference=None) == Validity(date(2025, 11, 24), date(2026, 1, 5))


def test_29_february_only_in_a_leap_year() -> None:
    assert infer_year(2, 29, date(2027, 11, 1)) == date(2028, 2, 29)
    assert infer_year(2, 29, date(2025, 11, 1)) is None
    assert notice_dates.read("hasta el 29 de febrero de 2026", reference=READ_ON) is None


def test_no_stated_day_is_none() -> None:
    assert notice_dates.read("Los vuelos operan con normalidad.", reference=READ_ON) is None
    assert notice_dates.read("hasta el 32 de diciembre", reference=READ_ON) is None


def test_a_first_day_after_the_last_is_dropped() -> None:
    validity = notice_dates.read("del 20 de enero de 2026 al 10 de enero de 2026",
                                 reference=READ_ON)
    assert validity == Validity(last_day=date(2026, 1, 10))


@pytest.mark.parametrize(("validity", "day", "covered"), [
    (Validity(last_day=date(2026, 1, 31)), date(2026, 1, 10), True),
    (Validity(last_day=date(2026, 1, 31)), date(2026, 1, 31), True),
    (Validity(last_day=date(2026, 1, 31)), date(2026, 2, 10), False),
    (Validity(date(2025, 11, 24), date(2025, 11, 28)), date(2025, 11, 23), False),
    (Validity(date(2025, 11, 24), open_ended=True), date(2027, 6, 1), True),
    (Validity(date(2025, 11, 24), open_ended=True), date(2025, 11, 20), False),
])
def test_covers_compares_calendar_days(validity: Validity, day: date, covered: bool) -> None:
    assert validity.covers(day) is covered
    assert covers(validity.valid_from, validity.valid_to, day) is covered


def test_an_item_end_of_day_covers_its_whole_day() -> None:
    # a booking departing late on the last local day is still covered
    assert covers(None, day_end(2026, 1, 31), date(2026, 1, 31))
    assert not covers(None, day_end(2026, 1, 31), date(2026, 2, 1))
    assert covers(None, None, date(2030, 1, 1))     # unstated or open: every day


def test_day_labels() -> None:
    assert day_label(day_end(2026, 1, 31)) == "31 Jan 2026"
    assert day_label(day_start(2025, 11, 24)) == "24 Nov 2025"
    assert day_label(datetime(2026, 2, 19, 23, 59, tzinfo=UTC)) == "19 Feb 2026 23:59 UTC"
