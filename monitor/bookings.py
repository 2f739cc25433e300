"""A desk's bookings file: the CSV read and checked whole, as plain Booking values (pure).

The file has a header and the columns `ref`, `flight`, `date`, `origin` and `destination`, in
any order; other columns are allowed and dropped as the rows are read: they may hold
travellers' names, so no value of theirs is kept, quoted in an error or passed on. A file with
one bad row is refused whole (`BookingsError` names the line and the column), never loaded in
part.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from alerts.airports import UnknownAirport, resolve_airport
from monitor.flights import flight_number

COLUMNS = ("ref", "flight", "date", "origin", "destination")
MAX_BYTES = 5_000_000          # a desk's bookings, not a data warehouse
MAX_REF = 64
_QUOTED = 40                   # at most this much of a bad value is quoted back


class BookingsError(ValueError):
    """A bookings file that cannot be used: `line` (1 is the header; 0 the whole file) and
    what is wrong, e.g. `line 7: date: '10/01/2026' is not a date (YYYY-MM-DD)`."""

    def __init__(self, line: int, problem: str) -> None:
        self.line = line
        self.problem = problem
        super().__init__(f"line {line}: {problem}" if line else problem)


@dataclass(frozen=True, slots=True)
class Booking:
    """One booked flight: the desk's reference, the flight on its local departure date, and
    its two airports as written (upper case) and as ICAO codes."""

    ref: str
    flight: str                  # IATA flight number, "TP173"
    date: date                   # local departure date
    origin: str                  # as written: "LIS" or "LPPT"
    destination: str
    origin_icao: str
    destination_icao: str
    route: str = ""              # "LIS-CCS": IATA codes where the airports have them
    origin_tz: str = ""          # the origin's time zone, for "is it still ahead"

    @property
    def airline(self) -> str:
        return self.flight[:2]

    @property
    def flight_key(self) -> str:
        """The key a flight source gives this flight on this date (`"TP173 2026-01-10"`)."""
        return f"{self.flight} {self.date.isoformat()}"

    @property
    def ident(self) -> str:
        """How the desk names the booking: `ref flight date`."""
        return f"{self.ref} {self.flight} {self.date.isoformat()}"

    def to_json(self) -> dict[str, str]:
        return {"ref": self.ref, "flight": self.flight, "date": self.date.isoformat(),
                "origin": self.origin, "destination": self.destination}


def read_bookings(data: bytes | str) -> tuple[Booking, ...]:
    """Every booking of a bookings file, in file order (exact repeats once). Raises
    BookingsError for the first problem found."""
    if isinstance(data, bytes):
        if len(data) > MAX_BYTES:
            raise BookingsError(0, f"larger than {MAX_BYTES // 1_000_000} MB")
        try:
            text = data.decode("utf-8-sig")  # a spreadsheet's export often starts with a BOM
        except UnicodeDecodeError as exc:
            raise BookingsError(0, f"not UTF-8 text (byte {exc.start})") from None
    else:
        text = data.removeprefix("\ufeff")
    reader = csv.reader(io.StringIO(text, newline=""), _dialect(text))
    try:
        header = next(reader, None)
        if header is None:
            raise BookingsError(0, "empty file (expected a header: "
                                   f"{','.join(COLUMNS)})")
        where = _columns(header, reader.line_num)
        found: dict[Booking, None] = {}
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue  # blank lines
            line = reader.line_num
            if len(row) != len(header):
                # Cells out of place would put one column's value (a name) under another.
                raise BookingsError(line, f"{len(row)} fields where the header has "
                                          f"{len(header)}")
            found.setdefault(_booking({c: row[i] for c, i in where.items()}, line))
    except csv.Error as exc:
        raise BookingsError(reader.line_num, f"not readable as CSV: {exc}") from None
    return tuple(found)


def upcoming(bookings: Iterable[Booking], now: datetime) -> list[Booking]:
    """The bookings whose departure date has not passed at their origin (past trips drop
    out by themselves)."""
    return [b for b in bookings if b.date >= _local_today(now, b.origin_tz)]


def _dialect(text: str) -> type[csv.Dialect]:
    """Comma-separated, or the semicolons and tabs some spreadsheets export."""
    first = text.split("\n", 1)[0]
    if "," not in first:
        for separator in (";", "\t"):
            if separator in first:
                return type("Separated", (csv.excel,), {"delimiter": separator})
    return csv.excel


def _columns(header: list[str], line: int) -> dict[str, int]:
    names = [cell.strip().lower() for cell in header]
    where: dict[str, int] = {}
    for column in COLUMNS:
        positions = [i for i, name in enumerate(names) if name == column]
        if len(positions) > 1:
            raise BookingsError(line, f"header: column '{column}' appears twice")
        if positions:
            where[column] = positions[0]
    missing = [c for c in COLUMNS if c not in where]
    if missing:
        raise BookingsError(line, f"header: missing column(s) {', '.join(missing)} "
                                  f"(needed: {','.join(COLUMNS)})")
    return where


def _booking(cells: dict[str, str], line: int) -> Booking:
    values = {column: cells[column].strip() for column in COLUMNS}
    for column, value in values.items():
        if not value:
            raise BookingsError(line, f"{column}: empty")
    ref = values["ref"]
    if len(ref) > MAX_REF or any(not c.isprintable() for c in ref):
        raise BookingsError(line, f"ref: not a reference (printable, at most {MAX_REF} "
                                  "characters)")
    number = flight_number(values["flight"])
    if number is None or number[:2].isdigit():  # an airline code has a letter
        raise BookingsError(line, f"flight: {_quote(values['flight'])} is not an IATA flight "
                                  "number (e.g. TP173 or TP 173)")
    try:
        day = date.fromisoformat(values["date"])
        if len(values["date"]) != 10:
            raise ValueError
    except ValueError:
        raise BookingsError(line, f"date: {_quote(values['date'])} is not a date "
                                  "(YYYY-MM-DD)") from None
    ends = []
    for column in ("origin", "destination"):
        try:
            ends.append(resolve_airport(values[column]))
        except UnknownAirport as exc:
            raise BookingsError(line, f"{column}: {_clip(str(exc))}") from None
    origin, destination = ends
    if origin.icao == destination.icao:
        raise BookingsError(line, "destination: the same airport as origin")
    return Booking(ref=ref, flight=number, date=day, origin=values["origin"].upper(),
                   destination=values["destination"].upper(), origin_icao=origin.icao,
                   destination_icao=destination.icao,
                   route=f"{origin.iata or origin.icao}-{destination.iata or destination.icao}",
                   origin_tz=origin.tz)


def _local_today(now: datetime, tz: str) -> date:
    try:
        return now.astimezone(ZoneInfo(tz)).date() if tz else now.date()
    except (ZoneInfoNotFoundError, ValueError):
        return now.date()


def _quote(value: str) -> str:
    return repr(_clip(value))


def _clip(value: str) -> str:
    return value if len(value) <= _QUOTED else value[:_QUOTED - 1] + "…"
