"""Readers for single NOTAM fields: item labels, the Q-line, numbers, times, FIR codes.

Pure functions on strings; unreadable values come back as None, never as an exception.
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime, timedelta

from monitor.notam.model import KNOWN_FIRS, is_real_fir

_RANK = {"Q": 0, "A": 1, "B": 2, "C": 3, "D": 4, "E": 5, "F": 6, "G": 7}
# After E) a label only counts at a line start, or when its value looks like a height limit.
_LIMIT_VALUE = re.compile(r"[ \t]*(?:GND|SFC|UNL|FL[ \t]?\d|\d[\d ,.]{0,12}(?:FT|M)\b)")

# The Q-line with every field in place (fields after the code may be empty), matched from
# the start of the Q) value to the end of its first line; anything else goes through the
# field-by-field reader.
_QLINE = re.compile(
    r"[ \t]*([A-Z]{3,4})[ \t]*/[ \t]*(Q[A-Z]{4})[ \t]*/[ \t]*(IV|I|V|K)?[ \t]*/[ \t]*"
    r"([NBOMK]{1,4})?[ \t]*/[ \t]*([AEWK]{1,3})?[ \t]*/[ \t]*(\d{3})?[ \t]*/[ \t]*(\d{3})?"
    r"[ \t]*/[ \t]*(?:(\d{2})(\d{2})([NS])(\d{3})(\d{2})([EW])(\d{3}))?[^\S\n]*(?:\n|\Z)")
# The usual layout, Q) first and no ")" between the labels up to E): read in one match.
_USUAL_LABELS = re.compile(
    r"[ \t\n]*Q\)([^)]*[ \t\n])(?:A\)([^)]*[ \t\n]))?(?:B\)([^)]*[ \t\n]))?"
    r"(?:C\)([^)]*[ \t\n]))?(?:D\)([^)]*[ \t\n]))?E\)")
_FIR_FIELD = re.compile(r"[A-Z]{3,4}")
_QCODE = re.compile(r"Q[A-Z]{4}")
_PURPOSE = re.compile(r"[NBOMK]{1,4}")
_SCOPE = re.compile(r"[AEWK]{1,3}")
_FL = re.compile(r"\d{3}")
_COORD_LIKE = re.compile(r"\d{4}.*[NS]")
_MERGED_UPPER = re.compile(r"(\d{3})\s*(\d{4}.*[NS].*)")
_COORDS = re.compile(
    r"(\d{2})(\d{2})(\d{2}(?:\.\d+)?)?([NS])\s*(\d{3})(\d{2})(\d{2}(?:\.\d+)?)?([EW])\s*(\d{1,3})?")
_LOC = re.compile(r"[A-Z][A-Z0-9]{2,3}")
_LOC_SEPARATORS = str.maketrans("/,\t\n", "    ")
PART = re.compile(r"PART\s+(\d{1,2})\s+OF\s+(\d{1,2})\b")
END_PART = re.compile(r"^[ \t]*END[ \t]+PART[ \t]+\d+[ \t]+OF[ \t]+\d+[ \t]*$", re.M)
END_PART_HINT = re.compile(r"END[ \t]+PART")  # led by a literal: a quick "maybe" for END_PART
# END_PART from where END_PART_HINT found "END" (the blanks before it checked apart).
_END_PART_REST = re.compile(r"END[ \t]+PART[ \t]+\d+[ \t]+OF[ \t]+\d+[ \t]*(?=\n|\Z)")
_CREATED = re.compile(
    r"(\d{1,2})\s+([A-Za-z]{3})[A-Za-z]*\s+(?:(\d{4})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?"
    r"|(\d{1,2}):(\d{2})(?:\s+UTC)?\s+(\d{4}))")
PAREN_CODE = re.compile(r"\(([A-Z]{4})(\s+FIR)?\)")
_FIR_CONTEXT = re.compile(r"\b(?:FIR|UIR|FLIGHT\s+INFORMATION\s+REGION)\b")
_DISPLAY_TIME = re.compile(r"(\d{1,2})\s+([A-Z]{3})\s+(\d{2}):(\d{2})(?:\s+UTC)?\s+(\d{4})")
_MONTHS = {m: i for i, m in enumerate(
    ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"), 1)}


def two_digit_year(yy: int) -> int:
    """Century pivot for two-digit years (SOURCES.md §0): 80-99 -> 19yy, 00-79 -> 20yy."""
    return 1900 + yy if yy >= 80 else 2000 + yy


def stamp(value: str) -> datetime | None:
    """`YYMMDDHHMM` (UTC) as an aware datetime; 2400 is the end of the day; junk -> None."""
    if len(value) != 10 or not value.isdecimal():
        return None
    n = int(value)  # one int() and integer arithmetic beat five slices
    yy, hour, minute = n // 100_000_000, n // 100 % 100, n % 100
    year = 1900 + yy if yy >= 80 else 2000 + yy
    try:
        if hour == 24 and minute == 0:
            return datetime(year, n // 1_000_000 % 100, n // 10_000 % 100,
                            tzinfo=UTC) + timedelta(days=1)
        # tzinfo passed by position: datetime() parses keywords slowly
        return datetime(year, n // 1_000_000 % 100, n // 10_000 % 100, hour, minute, 0, 0, UTC)
    except ValueError:
        return None


# The Q) … G) values in label order, None for a label not found.
ItemValues = tuple[str | None, str | None, str | None, str | None, str | None, str | None,
                   str | None, str | None]
NO_ITEMS: ItemValues = (None,) * 8  # type: ignore[assignment]


def items(body: str) -> ItemValues:
    """The Q) … G) values, labels taken in order only (E) text may itself hold `A)`).

    A label is a letter and `)` at the start of the text or after whitespace; after E) only
    F)/G) count, and only at a line start or before a height ("F) SFC G) UNL").
    """
    usual = _USUAL_LABELS.match(body)
    if usual is not None:
        # Only these labels hold a ")" before E): the scan below would find just them.
        q, a, b, c, d = usual.groups()
        start = usual.end()
        limits = limit_labels(body, start)
        if not limits:
            return q, a, b, c, d, body[start:], None, None
        (letter, at), *more = limits
        e = body[start:at]
        if not more:
            value = body[at + 2:]
            return (q, a, b, c, d, e, value, None) if letter == "F" else (
                q, a, b, c, d, e, None, value)
        g_at = more[0][1]  # F) then G)
        return q, a, b, c, d, e, body[at + 2:g_at], body[g_at + 2:]
    found: list[tuple[str, int]] = []
    rank = -1
    close = body.find(")")
    while close > 0:
        new_rank = _RANK.get(body[close - 1], -1)
        if new_rank > rank and (close == 1 or body[close - 2] in " \t\n"):
            found.append((body[close - 1], close - 1))
            rank = new_rank
            if rank == 5:
                break
        close = body.find(")", close + 1)
    if rank == 5:  # after E): look for F) and G) only, not at every parenthesis of the text
        found.extend(limit_labels(body, found[-1][1] + 2))
    values: dict[str, str] = {}
    for i, (letter, start) in enumerate(found):
        end = found[i + 1][1] if i + 1 < len(found) else len(body)
        values[letter] = body[start + 2:end]
    get = values.get
    return get("Q"), get("A"), get("B"), get("C"), get("D"), get("E"), get("F"), get("G")


# (fir, qcode, traffic, purpose, scope, lower_fl, upper_fl, lat, lon, radius_nm)
QFields = tuple[str | None, str | None, str | None, str | None, str | None, int | None,
                int | None, float | None, float | None, float | None]
NO_QLINE: QFields = (None,) * 10  # type: ignore[assignment]


def qline(value: str) -> QFields:
    """Q) FIR/CODE/TRAFFIC/PURPOSE/SCOPE/LOWER/UPPER/COORDS, padded and damaged forms read."""
    whole = _QLINE.match(value)
    if whole is not None:
        (fir, qcode, traffic, purpose, scope, lower, upper,
         lat_d, lat_m, ns, lon_d, lon_m, ew, radius) = whole.groups()
        lower_fl = int(lower) if lower else None
        upper_fl = int(upper) if upper else None
        if lat_d is not None:
            lat_minutes, lon_minutes = int(lat_m), int(lon_m)
            # round(degrees + minutes / 60, 4) in integers, a third of the cost: 10000 * m / 60
            # is a whole number of thirds, never a half, so both round the same way.
            lat = (int(lat_d) * 10000 + (lat_minutes * 500 + 1) // 3) / 10000
            lon = (int(lon_d) * 10000 + (lon_minutes * 500 + 1) // 3) / 10000
            if lat_minutes < 60 and lon_minutes < 60 and lat <= 90 and lon <= 180:
                return (fir, qcode, traffic, purpose, scope, lower_fl, upper_fl,
                        -lat if ns == "S" else lat, -lon if ew == "W" else lon,
                        float(int(radius)))
        return fir, qcode, traffic, purpose, scope, lower_fl, upper_fl, None, None, None
    fields = [f.strip() for f in value.split("\n", 1)[0].split("/")]
    fir = fields[0] if _FIR_FIELD.fullmatch(fields[0]) else None
    rest = fields[1:]
    qcode = None
    if rest:
        code = rest.pop(0).replace(" ", "")
        qcode = code if _QCODE.fullmatch(code) else None
    if rest and len(rest) <= 5:
        merged = _MERGED_UPPER.fullmatch(rest[-1])  # "/000/9991347S03347E005": a lost slash
        if merged is not None:
            rest[-1:] = [merged[1], merged[2]]
    if len(rest) < 6:  # fields lost: numbers and coordinates keep their place from the end
        if rest and _COORD_LIKE.match(rest[-1]):
            rest = [""] * (6 - len(rest)) + rest
        else:
            rest = [""] * (5 - len(rest)) + rest + [""]
    traffic, purpose, scope, lower, upper, coords = rest[:6]
    lat = lon = radius = None
    found = _COORDS.fullmatch(coords) if coords else None
    if found is not None:
        lat = _degrees(found[1], found[2], found[3], 90, found[4] == "S")
        lon = _degrees(found[5], found[6], found[7], 180, found[8] == "W")
        if lat is None or lon is None:
            lat = lon = None
        elif found[9]:
            radius = float(int(found[9]))
    return (fir, qcode,
            traffic if traffic in ("I", "V", "IV", "K") else None,
            purpose if _PURPOSE.fullmatch(purpose) else None,
            scope if _SCOPE.fullmatch(scope) else None,
            int(lower) if _FL.fullmatch(lower) else None,
            int(upper) if _FL.fullmatch(upper) else None,
            lat, lon, radius)


def locations(value: str) -> tuple[str, ...]:
    """Item A) codes from `EGTT EGPX`, `EGTT/EGPX`, `DNAW (AKWA IBOM …)`, `LSAS PART 2 OF 3`."""
    if "PART" in value:
        found = PART.search(value)
        if found is not None:
            value = value[:found.start()]
    if "(" in value:
        value = value.split("(", 1)[0]
    single = value.strip()
    if len(single) == 4 and single.isalpha() and single.isupper():  # one aerodrome or FIR
        return (single,)
    return tuple(t for t in value.translate(_LOC_SEPARATORS).split() if _LOC.fullmatch(t))


def split_id(
        raw: str | None) -> tuple[str | None, str | None, str | None, int | None, bool]:
    """(id, series, number, year, domestic) from a NOTAM number as written.

    ICAO `A1234/25` (3-digit numbers padded to 4, series optional); US domestic `MM/NNN` and
    FDC `Y/NNNN` numbers are kept as written and have no year.
    """
    if raw is None:
        return None, None, None, None, False
    number, _, yy = raw.partition("/")
    if not number[0].isdigit():
        series, digits = number[0], number[1:]
    else:
        series, digits = None, number
    if series is None and ((len(digits) == 2 and len(yy) == 3)
                           or (len(digits) == 1 and len(yy) == 4)):
        return raw, None, yy, None, True
    if len(yy) != 2:
        return raw, series, digits, None, False
    if len(digits) < 4:
        digits = digits.zfill(4)
        raw = f"{series or ''}{digits}/{yy}"
    return raw, series, digits, two_digit_year(int(yy)), False


def firs_of(q_fir: str | None, a_firs: list[str], text: str) -> tuple[str, ...]:
    """The FIRs a NOTAM names: the Q-line FIR (unless a pseudo code), the item A) FIRs, and
    `(XXXX)` or `(XXXX FIR)` codes in the text that a nearby "FIR"/"FLIGHT INFORMATION
    REGION" or the known-FIR table vouches for (a bare `(NOTE)` is not a FIR)."""
    if not a_firs and "(" not in text:  # the usual case: the Q-line FIR alone
        return (q_fir,) if q_fir is not None and is_real_fir(q_fir) else ()
    firs = set(a_firs)
    if q_fir is not None and is_real_fir(q_fir):
        firs.add(q_fir)
    if "(" in text:
        for match in PAREN_CODE.finditer(text):
            code = match[1]
            if is_real_fir(code) and (match[2] or code in KNOWN_FIRS or _FIR_CONTEXT.search(
                    text, max(0, match.start() - 40), match.start())):
                firs.add(code)
    if len(firs) < 2:
        return tuple(firs)
    return tuple(sorted(firs))


def created_time(value: str) -> datetime | None:
    """`11 Apr 2022 06:10:00` (distributor footer) or `21 NOV 18:08 UTC 2025` (KICZ)."""
    found = _CREATED.search(value)
    if found is None:
        return None
    month = _MONTHS.get(found[2].upper(), 0)
    try:
        if found[3]:
            return datetime(int(found[3]), month, int(found[1]), int(found[4]),
                            int(found[5]), int(found[6] or 0), 0, UTC)
        return datetime(int(found[9]), month, int(found[1]), int(found[7]), int(found[8]),
                        0, 0, UTC)
    except ValueError:
        return None


def display_time(value: str) -> datetime | None:
    """KICZ display time `21 NOV 17:43 UTC 2025` (the `UTC` is sometimes left out)."""
    found = _DISPLAY_TIME.fullmatch(value)
    if found is None:
        return None
    try:
        return datetime(int(found[5]), _MONTHS.get(found[2], 0), int(found[1]), int(found[3]),
                        int(found[4]), 0, 0, UTC)
    except ValueError:
        return None


def flight_level(limit: str | None) -> int | None:
    """`SFC`/`GND` -> 0, `UNL` -> 999, `FL260` -> 260; anything else -> None."""
    if limit in ("SFC", "GND"):
        return 0
    if limit == "UNL":
        return 999
    if limit and limit.startswith("FL") and limit[2:].isdigit():
        return int(limit[2:])
    return None


def clean_text(value: str) -> str:
    """E) text: END PART lines, a trailing DUPE and the AFTN wrapper's `)` removed."""
    value = drop_end_part(value)
    if " \n" in value or "\t" in value:
        value = "\n".join([line.rstrip() for line in value.split("\n")])
    text = value.strip()
    if text.endswith("DUPE") and (len(text) == 4 or text[-5].isspace()):
        text = text[:-4].rstrip()
    return unwrap(text)


def drop_end_part(text: str) -> str:
    """`END PART n OF m` lines emptied: `END_PART.sub("", text)`, read where "END PART"
    occurs (END_PART is tried at every character, and "PART" is common: DEPARTURE)."""
    if "PART" not in text or "END" not in text:
        return text
    kept: list[str] = []
    end = 0
    for hint in END_PART_HINT.finditer(text):
        line = text.rfind("\n", 0, hint.start()) + 1
        if line < end or text[line:hint.start()].strip(" \t"):
            continue  # within a line
        found = _END_PART_REST.match(text, hint.start())
        if found is not None:
            kept.append(text[end:line])
            end = found.end()
    if not kept:
        return text
    kept.append(text[end:])
    return "".join(kept)


def clean_line(value: str) -> str | None:
    """A one-line item value (D, F, G): whitespace collapsed, wrapper `)` dropped."""
    text = unwrap(" ".join(value.split()))
    return text or None


def unwrap(text: str) -> str:
    """Drop the AFTN wrapper's closing `)` when it leaves the parentheses unbalanced."""
    if text.endswith(")") and text.count(")") > text.count("("):
        return text[:-1].rstrip()
    return text


def digest(*parts: str) -> str:
    """8 hex digits over the whitespace-collapsed parts: equal for reformatted texts."""
    canonical = "|".join([" ".join(p.split()) for p in parts])
    return hashlib.blake2b(canonical.encode(), digest_size=4).hexdigest()


def limit_labels(body: str, pos: int) -> list[tuple[str, int]]:
    """F) and G) after E): at a line start, before a height, or G) anywhere after F)."""
    found: list[tuple[str, int]] = []
    for letter, label in (("F", "F)"), ("G", "G)")):
        start = body.find(label, pos)
        while start > 0:
            if body[start - 1] in " \t\n" and (
                    (found and letter == "G") or _label_at_line_start(body, start)
                    or _LIMIT_VALUE.match(body, start + 2) is not None):
                found.append((letter, start))
                pos = start + 2
                break
            start = body.find(label, start + 2)
    return found


def _label_at_line_start(body: str, start: int) -> bool:
    i = start - 1
    while i >= 0 and body[i] in " \t":  # only spaces may stand between a newline and a label
        i -= 1
    return i < 0 or body[i] == "\n"


def _degrees(deg: str, minutes: str, seconds: str | None, limit: int,
             negative: bool) -> float | None:
    d, m = int(deg), int(minutes)
    s = float(seconds) if seconds else 0.0
    if m >= 60 or s >= 60:
        return None
    value = round(d + m / 60 + s / 3600, 4)
    if value > limit:
        return None
    return -value if negative else value
