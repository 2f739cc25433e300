"""Notice validity: the days an airline notice says a suspension covers, as dates and UTC times.

Notices write days, often without a year ("hasta el 31 de diciembre", "até 15 de janeiro",
"del 24 al 28 de noviembre"); `monitor.lexicon` finds them as written and this module settles
them into calendar days against a reference time: the notice's own date when the page states
one, else the time of the fetch. Everything here is pure; the reference is always passed in.

Time zone rule. A notice's days are the airline's local days, and a page rarely says in which
zone. An item keeps them as UTC days: `valid_from` is 00:00:00Z of the first day, `valid_to`
23:59:59Z of the last day ("until 31 Dec" lasts to the end of 31 Dec). Whoever asks whether a
notice covers a local date (a booking's departure date) compares calendar days (`covers`), not
instants, so the offset never moves a day in or out. Advisories never expire on `valid_to`
(only NOTAMs do, in monitor.diff), so the hours by which 23:59:59Z precedes the end of the day
in the Americas never close a notice early.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from monitor.lexicon import FURTHER_NOTICE, MONTH_LABELS, Span, StatedDay, span

# A day written without a year falls in the year that puts it within this window around the
# reference: from PAST_REACH before it to a year after that. Notices announce ends to come,
# and one left up after its end is rarely left for months, so the window looks ahead further
# than back: read in November, "15 January" is next January; read on 5 January, "31 December"
# is the one just gone; read in May, "31 December" is this year's.
PAST_REACH = timedelta(days=122)
START_OF_DAY = time(0, 0, 0, tzinfo=UTC)
END_OF_DAY = time(23, 59, 59, tzinfo=UTC)
# How a title or a notification says that a notice has no last day.
OPEN_END = f"until {FURTHER_NOTICE}"


@dataclass(frozen=True, slots=True)
class Validity:
    """The days a notice covers. `first_day` None: not stated (it began before it was read);
    `last_day` None: open (`open_ended`, "until further notice") or not stated."""

    first_day: date | None = None
    last_day: date | None = None
    open_ended: bool = False

    @property
    def valid_from(self) -> datetime | None:
        """00:00:00 UTC of the first day (see the time zone rule above)."""
        return datetime.combine(self.first_day, START_OF_DAY) if self.first_day else None

    @property
    def valid_to(self) -> datetime | None:
        """23:59:59 UTC of the last day; None for an open or unstated end."""
        return datetime.combine(self.last_day, END_OF_DAY) if self.last_day else None

    def covers(self, day: date) -> bool:
        """Whether the notice applies on `day` (a local calendar date): "until 31 Jan" covers
        10 Jan and not 10 Feb; an open end covers every day from the first."""
        return ((self.first_day is None or self.first_day <= day)
                and (self.last_day is None or day <= self.last_day))


def read(text: str, *, reference: datetime | None) -> Validity | None:
    """The validity one sentence states, years settled against `reference`; None if it states
    no day and no open end (or only days whose year cannot be settled without a reference)."""
    stated = span(text)
    return resolve(stated, reference=reference) if stated is not None else None


def resolve(stated: Span, *, reference: datetime | None) -> Validity | None:
    """Settle the days of a span into dates.

    The last day takes its written year, else the year `infer_year` gives against the
    reference; the first day takes its written year, else the latest year that keeps it on or
    before the last day (else, with no last day, `infer_year`). A day whose year cannot be
    settled (no year written, no reference, nothing to lean on) is left unstated; a first day
    after the last day is dropped.
    """
    ref = reference.astimezone(UTC).date() if reference is not None else None
    last = _settle(stated.end, ref) if stated.end is not None else None
    first = None
    if stated.start is not None:
        if stated.start.year is None and last is not None:
            first = _on_or_before(stated.start, last)
        else:
            first = _settle(stated.start, ref)
    if first is not None and last is not None and first > last:
        first = None
    if first is None and last is None and not stated.open_ended:
        return None
    return Validity(first_day=first, last_day=None if stated.open_ended else last,
                    open_ended=stated.open_ended)


def infer_year(month: int, day: int, reference: date) -> date | None:
    """The date of `day` `month` that lies in [reference - PAST_REACH, that + 1 year): the
    nearest occurrence, leaning ahead. 29 February takes the nearest leap year in reach, else
    None."""
    earliest = reference - PAST_REACH
    for year in (earliest.year, earliest.year + 1):
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if earliest <= candidate < _year_after(earliest):
            return candidate
    return None


def covers(valid_from: datetime | None, valid_to: datetime | None, day: date) -> bool:
    """Whether an item's validity covers a local calendar date, compared by UTC day (the time
    zone rule above): both ends None covers every day (open or not stated), as does a None end
    on its side."""
    return Validity(first_day=valid_from.astimezone(UTC).date() if valid_from else None,
                    last_day=valid_to.astimezone(UTC).date() if valid_to else None).covers(day)


def day_label(moment: datetime) -> str:
    """"31 Jan 2026" for an end or start of day (UTC), "31 Jan 2026 14:00 UTC" otherwise."""
    moment = moment.astimezone(UTC)
    text = f"{moment.day} {MONTH_LABELS[moment.month - 1]} {moment.year}"
    if moment.timetz() in (START_OF_DAY, END_OF_DAY):
        return text
    return f"{text} {moment:%H:%M} UTC"


def _settle(stated: StatedDay, reference: date | None) -> date | None:
    if stated.year is not None:
        try:
            return date(stated.year, stated.month, stated.day)
        except ValueError:  # 29 February of a common year
            return None
    return infer_year(stated.month, stated.day, reference) if reference is not None else None


def _on_or_before(stated: StatedDay, last: date) -> date | None:
    """The latest `stated` day on or before `last` (a range's first day without a year)."""
    for year in range(last.year, last.year - 5, -1):
        try:
            candidate = date(year, stated.month, stated.day)
        except ValueError:
            continue
        if candidate <= last:
            return candidate
    return None


def _year_after(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28) + timedelta(days=1)
