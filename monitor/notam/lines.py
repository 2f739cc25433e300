"""NOTAM texts straight to item JSON lines, as `monitor parse notam` prints them.

Most NOTAMs in a file have the usual ICAO layout: a header with a series letter, a Q) line
with its flight levels and circle, A) location codes, B) and C) times, an optional D), E),
optional F)/G) and CREATED/SOURCE footers. Those are read with one regex match and written as
the item's JSON line from the matched fields, with no `Notam` or `Item` made on the way.
Anything else (KICZ and US domestic texts, parts of a NOTAM to join, damaged Q-lines, WIE,
2400, ...) goes through `parse_chunk`, `to_item` and `Item.to_json_line`. Both give the same
line for a text the usual reader takes: it takes only what it reads exactly as the general
reader does, and leaves the rest to it (tests/test_notam_lines.py holds the two to that).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime

from monitor.countries import countries_of_firs, derived
from monitor.errors import ParseError
from monitor.notam import fields
from monitor.notam.item import TITLE_LIMIT, severity_levels, to_item, trim
from monitor.notam.model import Notam, split_places
from monitor.notam.parse import (
    BLANK_LINES,
    KICZ_TEXT,
    START,
    back_to_back_hint,
    join_parts,
    newlines,
    parse_chunk,
    split_notams,
    strip_footers,
)
from monitor.types import Severity, json_codes, json_string, json_time

# ASCII digits only ([0-9], not \d): a text with other digits goes the general way. The
# Q-line as fields.qline reads it whole (padding allowed, the coordinates and both flight
# levels present); B) and C) with hours and minutes in range (2400 goes the general way).
# Blanks are taken possessively (`*+`, `++`): what follows a run of them never starts with
# a blank, so giving one back cannot help, and the engine keeps no place to return to.
_USUAL = re.compile(
    r"(?P<series>[A-Z])(?P<number>[0-9]{1,4})/(?P<yy>[0-9]{2})[ \t]++NOTAM(?P<op>[NRC])(?![A-Z])"
    r"(?:[ \t]++(?P<ref_series>[A-Z])(?P<ref_number>[0-9]{1,4})/(?P<ref_yy>[0-9]{2}))?"
    r"[ \t\n]*+Q\)[ \t]*+(?P<fir>[A-Z]{4})[ \t]*+/[ \t]*+(?P<qcode>Q[A-Z]{4})[ \t]*+/[ \t]*+"
    r"(?:IV|I|V|K)?[ \t]*+/[ \t]*+[NBOMK]{0,4}[ \t]*+/[ \t]*+[AEWK]{0,3}[ \t]*+/[ \t]*+"
    r"(?P<area>[0-9]{3}[ \t]*+/[ \t]*+[0-9]{3}[ \t]*+/[ \t]*+[0-9]{4}[NS][0-9]{5}[EW][0-9]{3})"
    r"[ \t\n]++A\)[ \t]*+(?P<a>[A-Z]{4}(?:[ \t]++[A-Z]{4})*)"
    r"(?:[ \t]++PART[ \t]++[0-9]{1,2}[ \t]++OF[ \t]++[0-9]{1,2})?"
    r"[ \t\n]++B\)[ \t]*+(?P<b_day>[0-9]{6})(?P<b_clock>(?:[01][0-9]|2[0-3])[0-5][0-9])"
    r"[ \t\n]++C\)[ \t]*+(?:(?P<c_day>[0-9]{6})(?P<c_clock>(?:[01][0-9]|2[0-3])[0-5][0-9])"
    r"(?:[ \t]*+(?P<est>EST))?"
    r"|PERM|UFN)[ \t\n]++(?:D\)(?P<d>[^)]*[ \t\n]))?E\)")
_AREA = re.compile(r"([0-9]{3})[ \t]*/[ \t]*([0-9]{3})[ \t]*/[ \t]*"
                   r"([0-9]{2})([0-9]{2})([NS])([0-9]{3})([0-9]{2})([EW])([0-9]{3})")
_PIECE = 200  # lines per piece of printed text: small, so its text and UTF-8 reuse freed memory
# (pieces of 2,000 lines made the kernel hand out a third more fresh pages per file)
_SPAN = 1 << 20  # characters of a file split into blocks at a time (1 MiB: fewer fresh
# pages than 64 KiB or 4 MiB, measured on a 17 MB file)
# What `_line` may take of a NOTAM in parts: no part, a last part (which `iter_notam_items`
# gives alone when no parts wait before it), any part (one no part follows, likewise).
_NO_PARTS, _LAST_PART, _ANY_PART = 0, 1, 2


def notam_json_pieces(text: str, *, source: str) -> Iterator[str]:
    """The item JSON lines of a file of NOTAMs, each ending in "\\n", in pieces of about
    `_PIECE` lines: what `Item.to_json_line` writes for `parse_notam_items(text,
    source=source)`'s items, countries derived. Raises ParseError as `parse_notam_items` does.

    The file is read a blank-line separated block at a time: a block that holds one usual
    NOTAM and nothing `split_notams` would cut it at is written at once; runs of the other
    blocks go through `split_notams` and the readers as a file of their own.
    """
    text = newlines(text)
    if back_to_back_hint(text):  # NOTAMs back to back in parentheses: split the whole file
        yield from _chunk_pieces(split_notams(text), source)
        return
    source_json = json_string(source)
    parts: list[Notam] = []  # consecutive parts of one NOTAM, waiting for the rest
    run: list[str] = []  # consecutive blocks for split_notams, waiting for the rest
    try:
        for batch in _block_batches(text):
            held: dict[str, tuple[str, bool]] = {}
            lines = _lines(batch, source_json, _NO_PARTS, True, held)
            if parts or run or (None in lines
                                and not _lone_parts(lines, batch, source_json, held)):
                lines = _with_general_lines(lines, batch, run, parts, source)
            lines.append("")
            yield "\n".join(lines)
        lines = _run_lines(run, parts, source)
        lines.extend(_item_line(joined, source) for joined in join_parts(parts))
        if lines:
            lines.append("")
            yield "\n".join(lines)
    except ParseError as exc:
        # Named as iter_notam_items names it: by its place among all the file's NOTAMs.
        for _ in _chunk_pieces(split_notams(text), source):
            pass
        raise exc


def _block_batches(text: str, span: int = _SPAN) -> Iterator[list[str]]:
    """The text's blank-line separated blocks (`BLANK_LINES`; stripped, none empty),
    `_PIECE` at a time, split from a span of about `span` characters at a time: the blocks
    of a whole file are never held at once. A span ends at a "\n\n", where `BLANK_LINES`
    splits the whole text too (a blank line, or within the blanks between two blocks)."""
    batch: list[str] = []
    start = 0
    while start < len(text):
        end = text.find("\n\n", start + max(span, 1))  # past `start`: a span is never empty
        if end < 0:
            end = len(text)
        batch += [block for block in map(str.strip, BLANK_LINES.split(text[start:end]))
                  if block]
        start = end
        while len(batch) >= _PIECE:
            yield batch[:_PIECE]
            del batch[:_PIECE]
    if batch:
        yield batch


def _one_notam(block: str) -> bool:
    """Whether `split_notams` starts no NOTAM inside a block that `_line` reads.

    It starts them at a header line, a `!` text, a KICZ, KFDC or KNMH display text and a
    `Q)` line not right under its header; what `_line` reads opens with a header and its
    Q-line. So: the header is on the first line, and no line after the Q-line starts a
    NOTAM. Quickly when the words a start needs are each in the block once (on the header
    line, on the Q-line) or not at all. `_line(..., block=True)` applies this rule where its
    match shows what can hold a start; this plain form is what the tests hold it to.
    """
    header = block.find("NOTAM")
    if header < 0 or block.find("\n", 0, header) >= 0:
        return False
    if (block.count("NOTAM") == 1 and block.count("Q)") == 1 and "!" not in block
            and "KICZ" not in block and "KFDC" not in block and "KNMH" not in block):
        return True
    q_line = block.find("Q)")
    if q_line < 0:
        return False
    q_line_end = block.find("\n", q_line)
    return q_line_end < 0 or START.search(block, q_line_end) is None


def _chunk_pieces(chunks: list[str], source: str) -> Iterator[str]:
    """`notam_json_pieces` for the NOTAM texts `split_notams` cut out of a file."""
    source_json = json_string(source)
    parts: list[Notam] = []
    for start in range(0, len(chunks), _PIECE):
        batch = chunks[start:start + _PIECE]
        lines = _lines(batch, source_json)
        if parts or None in lines:
            lines = _with_chunk_lines(lines, batch, start, len(chunks), parts, source)
        lines.append("")
        yield "\n".join(lines)
    if parts:
        yield "".join(_item_line(joined, source) + "\n" for joined in join_parts(parts))


def _lone_parts(lines: list[str | None], blocks: list[str], source_json: str,
                held: dict[str, tuple[str, bool]]) -> bool:
    """Whether every block left (None) is one part of a NOTAM with no other parts around
    it, its line then put in its place; at the first that is not, False (the batch then goes
    through `_with_general_lines`, which takes the lines put in as usual ones). Nothing may
    wait from the batch before. `held`: the lines `_line` made of parts, as there."""
    at = -1
    last = len(lines) - 1
    while True:
        try:
            at = lines.index(None, at + 1)
        except ValueError:
            return True
        followed = at < last and lines[at + 1] is not None
        part = held.get(blocks[at])
        if part is not None:  # made already: taken when a usual NOTAM follows, or the last
            line = part[0] if followed or part[1] else None
        else:  # None also for a block `_one_notam` does not take
            line = _lone_part_line(blocks[at], source_json, followed=followed)
        if line is None:
            return False
        lines[at] = line


def _lone_part_line(block: str, source_json: str, *, followed: bool) -> str | None:
    """The line of a block read as one part of a NOTAM with no other parts around it: any
    part when a usual NOTAM follows it, else only the last (as `iter_notam_items` gives such
    a part alone); None when it is not one."""
    return _line(block, source_json, _ANY_PART if followed else _LAST_PART, True)


def _with_general_lines(lines: list[str | None], blocks: list[str], run: list[str],
                        parts: list[Notam], source: str) -> list[str]:
    """The lines of a batch of blocks, the runs of those left (None) cut by `split_notams`
    as a file of their own. `run` holds the blocks of a run not yet read (from the batch
    before; left for the batch after: `split_notams` reads a `Q)` line by the header above
    it), `parts` as in `_with_chunk_lines`."""
    out: list[str] = []
    source_json = json_string(source)
    for at, (block, line) in enumerate(zip(blocks, lines, strict=True)):
        if line is None:
            if not run and not parts:
                # One part with no other parts around it: a usual NOTAM follows it.
                line = _lone_part_line(block, source_json, followed=at + 1 < len(lines)
                                       and lines[at + 1] is not None)
                if line is not None:
                    out.append(line)
                    continue
            run.append(block)
            continue
        if run:
            out += _run_lines(run, parts, source)
        if parts:  # a NOTAM that is no part ends the parts before it, as join_parts does
            out.extend(_item_line(joined, source) for joined in join_parts(parts))
            parts.clear()
        out.append(line)
    return out


def _run_lines(run: list[str], parts: list[Notam], source: str) -> list[str]:
    """The lines of a run of blocks, read as a file of their own (the run is emptied)."""
    if not run:
        return []
    chunks = split_notams("\n\n".join(run))
    run.clear()
    return _with_chunk_lines(_lines(chunks, json_string(source)), chunks, 0, len(chunks),
                             parts, source)


def _with_chunk_lines(lines: list[str | None], batch: list[str], start: int, count: int,
                      parts: list[Notam], source: str) -> list[str]:
    """The lines of a batch of NOTAM texts, those the usual reader left (None) read by the
    general one, in the order and with the errors of `iter_notam_items`. `parts` holds the
    parts of a NOTAM not yet joined (from the batch before; left for the batch after)."""
    out: list[str] = []
    for index, (chunk, line) in enumerate(zip(batch, lines, strict=True), start):
        if line is not None:
            if parts:  # a NOTAM that is no part ends the parts before it, as join_parts does
                out.extend(_item_line(joined, source) for joined in join_parts(parts))
                parts.clear()
            out.append(line)
            continue
        try:
            notam = parse_chunk(chunk)
        except ParseError as exc:
            first = chunk.split("\n", 1)[0].strip()[:60]
            raise ParseError(f"NOTAM {index + 1} of {count} ({first!r}): {exc}",
                             source=source, url="") from exc
        if notam.part is None and not parts:
            out.append(_item_line(notam, source))
            continue
        parts.append(notam)
        if notam.part is None or notam.part == notam.parts:
            out.extend(_item_line(joined, source) for joined in join_parts(parts))
            parts.clear()
    return out


def _item_line(notam: Notam, source: str) -> str:
    return derived(to_item(notam, source=source)).to_json_line()


def usual_line(text: str, source: str) -> str | None:
    """The item JSON line of one NOTAM text (as `split_notams` cuts it) in the usual ICAO
    layout, or None for a text that needs the general reader."""
    return _line(text, json_string(source))


def _line(text: str, source_json: str, parts: int = _NO_PARTS, block: bool = False,
          held: dict[str, tuple[str, bool]] | None = None) -> str | None:
    """`usual_line`, the source given as written in JSON. `parts`: whether the text may be
    one part of a NOTAM in several (its line is then that of the part alone). `block`: the
    text is a blank-line separated block, not cut by `split_notams`; None also when
    `_one_notam(text)` is not true (tested here, where the match tells where to look).
    `held`, with `parts` _NO_PARTS: a part's line is kept there (with whether it is the
    last part) under the text as given, for `_lone_parts`, not made twice; None returned."""
    return _lines([text], source_json, parts, block, held)[0]


def _lines(texts: list[str], source_json: str, parts: int = _NO_PARTS, block: bool = False,
           held: dict[str, tuple[str, bool]] | None = None) -> list[str | None]:
    """`_line` for each text, the severities read together (`severity_levels`)."""
    reads = [_read(text, source_json, parts if held is None else _ANY_PART, block)
             for text in texts]
    found = [read for read in reads if read is not None]
    if not found:
        return reads  # type: ignore[return-value]  # all None
    levels = iter(severity_levels([read[2] for read in found], [read[3] for read in found],
                                  [read[4] for read in found]))
    lines: list[str | None] = []
    for text, read in zip(texts, reads, strict=True):
        if read is None:
            lines.append(None)
            continue
        line = f"{read[0]}{_LABELS[next(levels)]}{read[1]}"  # one copy, not two
        if read[5] is not None and held is not None:
            held[text] = line, read[5]
            line = None
        lines.append(line)
    return lines


def _read(text: str, source_json: str, parts: int, block: bool
          ) -> tuple[str, str, str, str, str, bool | None] | None:
    """What `_line` writes of a text: its line before the severity level and after it,
    what the level is read from (the type, the Q-code and the E) text in upper case with
    whitespace collapsed), and for a part whether it is the last (None for no part)."""
    if text[0] == "(":
        rest = text[1:]
        text = rest.lstrip()
        if block and "\n" in rest[:len(rest) - len(text)]:
            return None  # the header is not on the block's first line
    published = "null"
    part = ""
    last = False
    if "CREATED:" in text or "SOURCE:" in text or "PART" in text:
        footed = _footers_and_part(text, parts)
        if footed is None:
            return None
        text, published, part, last = footed
    usual = _USUAL.match(text)
    if usual is None:
        return None
    (series, number, yy, op, ref_series, ref_number, ref_yy, fir, qcode, q_area, a, b_day,
     b_clock, c_day, c_clock, est, d) = usual.groups()
    start = usual.end()
    e = text[start:]
    if block:
        # `_one_notam`: from the header (on the first line) to E) only a D) value may hold a
        # line that starts a NOTAM (footer and END PART lines, dropped above, never start
        # one). Such a line holds one of these words, which E) texts seldom do.
        rest = e if d is None else text[usual.start("d"):]
        if "\n" in rest and ("NOTAM" in rest or "Q)" in rest or "!" in rest or "KICZ" in rest
                             or "KFDC" in rest or "KNMH" in rest) and START.search(rest):
            return None
    limits = ""
    if "F)" in e or "G)" in e:  # `in`, not `find(..., start)`: reading its arguments costs more
        found = _limits(text, start)
        if found:
            e, limits = found
    # fields.clean_text(e), which here (no END PART line) only differs from strip() when
    # these are present
    text_e = e.strip()
    if " \n" in e or "\t" in e or text_e.endswith(("DUPE", ")")):
        text_e = fields.clean_text(e)
    if (not text_e or fir == "KICZ" or "KICZ" in a
            or (text_e[0] == "S" and text_e.startswith("SECURITY") and KICZ_TEXT.match(text_e))):
        return None  # a heading from the raw text, or keyed by KICZ: the general way
    key = f"{fir} {series}{number.zfill(4)}/{yy}"
    # `" ".join(text_e.split())`, which for a text whose only blanks are single spaces
    # and newlines (`isprintable` is false for every other blank) is this, at a third of
    # the cost
    summary = text_e.replace("\n", " ")
    if not summary.isprintable() or "  " in summary:
        summary = " ".join(text_e.split())
    if ref_series is None:
        head = f"{key}: "
        replaces = cancels = "null"
    else:
        ref_key = f'{fir} {ref_series}{ref_number.zfill(4)}/{ref_yy}'
        replaces = f'"{ref_key}"' if op == "R" else "null"
        cancels = f'"{ref_key}"' if op == "C" else "null"
        head = f"{key}: cancels {ref_key}: " if op == "C" else f"{key}: "
    # The summary is written in JSON once, for the title and the body: the rest of them
    # (codes, numbers, words and newlines) is written apart and joined to it.
    summary_json = json_string(summary)
    if summary[-1] == ":" or len(head) + len(summary) > TITLE_LIMIT:
        title_json = json_string(trim((head + summary).rstrip(": "), TITLE_LIMIT))
    else:
        title_json = f'"{head}{summary_json[1:]}'
    more = part
    if d is not None:
        schedule = fields.clean_line(d)
        if schedule is not None and schedule != "-":
            more += "\nSCHEDULE: " + schedule
    if limits:
        more += limits
    body_json = summary_json[:-1] + json_string(more)[1:] if more else summary_json
    # Looked up: a file names the same few places and Q-line circles again and again. Only
    # a "(XXXX)" code in the text can name a FIR besides those of the Q-line and A).
    named = "(" in text_e and fields.PAREN_CODE.search(text_e) is not None
    places = None if named else _PLACES.get((a, fir))
    if places is None:
        places = _places(a, fir, text_e, named)
    area = _AREAS.get(q_area)
    if area is None:
        area = _area(q_area)
    day = _DAYS.get(b_day) or _day(b_day)
    valid_from = day + _CLOCK[b_clock] if day else "null"
    if c_day is None:
        valid_to = "null"
    else:
        day = _DAYS.get(c_day) or _day(c_day)
        valid_to = day + _CLOCK[c_clock] if day else "null"
    before = (f'{{"source": {source_json}, "kind": "notam", "key": "{key}", '
              f'"title": {title_json}, "body": {body_json}, "url": null, "severity": "')
    after = (f'", "status": "{"cancelled" if op == "C" else "active"}", {places}'
             f'"airlines": [], "flight": null, "valid_from": {valid_from}, '
             f'"valid_to": {valid_to}, '
             f'"valid_to_estimated": {"false" if est is None else "true"}, '
             f'"replaces": {replaces}, "cancels": {cancels}, "area": {area}, '
             f'"published_at": {published}}}')
    return before, after, op, qcode, summary.upper(), (last if part else None)


def _footers_and_part(text: str, parts: int) -> tuple[str, str, str, bool] | None:
    """The text as `parse._parse_icao` reads it on (CREATED and SOURCE footer lines and END
    PART lines dropped), the published time as written in JSON, the body's line for
    "PART n OF m" (or "") and whether that is the last part; None for a part that `parts`
    does not let through."""
    published = "null"
    if "CREATED:" in text or "SOURCE:" in text:
        text, created, _source = strip_footers(text)
        published = json_time(created)
    part = ""
    last = False
    if "PART" in text:
        found = fields.PART.search(text)
        if found is not None:
            number, count = int(found[1]), int(found[2])
            last = number == count
            if parts == _NO_PARTS or (parts == _LAST_PART and not last):
                return None
            part = f"\nPART {number} OF {count}"
        text = fields.drop_end_part(text).rstrip()
    return text, published, part, last


def _limits(text: str, start: int) -> tuple[str, str] | None:
    """(E) text, the body's line for F) and G)) when the text has an F) or G) label."""
    limits = fields.limit_labels(text, start)
    if not limits:
        return None
    letter, at = limits[0]
    lower = upper = None
    if len(limits) > 1:  # F) then G)
        g_at = limits[1][1]
        lower = fields.clean_line(text[at + 2:g_at])
        upper = fields.clean_line(text[g_at + 2:])
    elif letter == "F":
        lower = fields.clean_line(text[at + 2:])
    else:
        upper = fields.clean_line(text[at + 2:])
    if lower and upper:
        line = f"\nLIMITS: {lower} TO {upper}"
    elif lower or upper:
        line = f"\nLOWER LIMIT: {lower}" if lower else f"\nUPPER LIMIT: {upper}"
    else:
        line = ""
    return text[start:at], line


# The "firs", "airports" and "countries" members of the line for an A) value and a Q-line
# FIR, when the text holds no "(XXXX)" code (`fields.firs_of` then reads no FIR in it).
_PLACES: dict[tuple[str, str], str] = {}
# The "area" value for the Q-line from the lower flight level to the radius.
_AREAS: dict[str, str] = {}
# '"YYYY-MM-DDT' for a `YYMMDD` date, "" for no date.
_DAYS: dict[str, str] = {}
# 'HH:MM:00Z"' for each `HHMM` _USUAL takes (00:00 to 23:59), the rest of such a time.
_CLOCK = {f"{hour:02}{minute:02}": f'{hour:02}:{minute:02}:00Z"'
          for hour in range(24) for minute in range(60)}
_KEPT = 10_000  # values kept in each of these
_LABELS = {severity: severity.label for severity in Severity}


def _places(a: str, fir: str, text_e: str, named: bool) -> str:
    """`named`: the text holds a "(XXXX)" code, which may name a FIR (not kept then)."""
    a_firs, airports = split_places(tuple(a.split()), fir)
    firs = fields.firs_of(fir, a_firs, text_e)
    places = (f'"firs": {json_codes(firs)}, "airports": {json_codes(airports)}, '
              f'"countries": {json_codes(countries_of_firs(firs))}, ')
    if not named:
        if len(_PLACES) >= _KEPT:
            _PLACES.clear()
        _PLACES[a, fir] = places
    return places


def _area(q_area: str) -> str:
    """As fields.qline reads the Q-line's end and `Area` is written."""
    lower, upper, lat_d, lat_m, ns, lon_d, lon_m, ew, radius = _AREA.fullmatch(q_area).groups()
    lat_minutes, lon_minutes = int(lat_m), int(lon_m)
    # round(degrees + minutes / 60, 4) in integers, as fields.qline computes it
    lat = (int(lat_d) * 10000 + (lat_minutes * 500 + 1) // 3) / 10000
    lon = (int(lon_d) * 10000 + (lon_minutes * 500 + 1) // 3) / 10000
    if lat_minutes < 60 and lon_minutes < 60 and lat <= 90 and lon <= 180:
        area = (f'{{"lat": {-lat if ns == "S" else lat!r}, '
                f'"lon": {-lon if ew == "W" else lon!r}, "radius_nm": {float(int(radius))!r}, '
                f'"lower_fl": {int(lower)!r}, "upper_fl": {int(upper)!r}}}')
    else:
        area = "null"
    if len(_AREAS) >= _KEPT:
        _AREAS.clear()
    _AREAS[q_area] = area
    return area


def _day(date: str) -> str:
    """'"YYYY-MM-DDT' for `YYMMDD` (fields.stamp's century pivot), "" for no such day: with
    an hour and minute in range, the start of `fields.stamp`'s time as `json_time` writes
    it."""
    yy, month, day = int(date[:2]), int(date[2:4]), int(date[4:])
    try:
        written = '"' + datetime(fields.two_digit_year(yy), month, day).date().isoformat() + "T"
    except ValueError:
        written = ""
    if len(_DAYS) >= _KEPT:
        _DAYS.clear()
    _DAYS[date] = written
    return written
