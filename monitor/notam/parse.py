"""NOTAM texts to `Notam` values: ICAO items, the FAA KICZ display form and US domestic texts.

Tolerant by design (SOURCES.md §7.1 "Tolerance rules"): a field that cannot be read becomes
None and never sinks the NOTAM. ParseError is raised only when a text cannot be identified
at all: no header, no `Q)` line, no `!` accountability, no `KICZ <number>`.

Written for throughput (a full FAA download is tens of thousands of NOTAMs): regexes are
compiled once, anchored or led by a literal so the engine can skip ahead, and cheap
substring tests guard the rarer paths.
"""

from __future__ import annotations

import itertools
import re
from datetime import datetime

from monitor.errors import ParseError
from monitor.notam import fields
from monitor.notam.model import KNOWN_FIRS, Notam, fir_code, new_notam, split_places

_ID = r"[A-Z]?\d{1,4}/\d{2,4}"
_HEADER = re.compile(
    rf"[ \t]*(?P<id>{_ID})[ \t]+NOTAM(?P<op>[NRC])(?![A-Z])[ \t]*(?P<ref>{_ID}(?![\d/]))?")
_DISPLAY_HEAD = re.compile(
    r"(?P<issuer>KICZ|KFDC|KNMH)[ \t]+(?P<id>[A-Z]\d{1,4}/\d{2})(?![\d/])"
    r"(?:\s*NOTAM(?P<op>[NRC])?(?![A-Z])(?:[ \t]+(?P<ref>[A-Z]\d{1,4}/\d{2})(?![\d/]))?)?"
    r"[\s.…—–-]*")
_DOMESTIC = re.compile(
    rf"!(?P<acct>[A-Z0-9]{{2,5}})[ \t]+(?P<id>{_ID})(?![\d/])[ \t]+"
    r"(?P<loc>[A-Z0-9]{2,5})(?![A-Z0-9])[ \t]*")
# A line where a new NOTAM starts: a header, a `!` text, a KICZ display text, or a `Q)` line.
# Led by a literal newline so the engine jumps from line to line.
START = re.compile(
    rf"\n[ \t]*(?:\(?[ \t]*{_ID}[ \t]+NOTAM[NRC](?![A-Z])"
    rf"|!(?=[A-Z0-9]{{2,5}}[ \t]+{_ID})"
    r"|(?:KICZ|KFDC|KNMH)[ \t]+[A-Z]\d{1,4}/\d{2}(?!\d)"
    r"|(?P<q>\(?[ \t]*Q\)))")
_BACK_TO_BACK = re.compile(rf"\)[ \t]*(?=\([ \t]*(?:{_ID}[ \t]+NOTAM[NRC]|Q\)))")
# ")(" or ") (", found from the "(": led by a literal, the engine jumps from one "(" to the
# next, and "(" is rarer in NOTAMs than ")" (every item label has one).
_BACK_TO_BACK_HINT = re.compile(r"\((?:(?<=\)\()|(?<=\) \())")
# For `cut_notam_file`, on the file as read: a blank line ("\n\n" or "\r\n\r\n"), the hint
# above, and what `_BACK_TO_BACK` needs at least.
_BLANK_BYTES = re.compile(rb"\n\r?\n")
_BACK_TO_BACK_HINT_BYTES = re.compile(_BACK_TO_BACK_HINT.pattern.encode())
_LOOSE_BACK_TO_BACK_BYTES = re.compile(rb"\)[ \t]*\(")
_QE_LABEL = re.compile(r"\s[QE]\)")
BLANK_LINES = re.compile(r"\n[ \t]*\n\s*")
_ITEM_LINE = re.compile(r"\n[ \t]*[QE]\)")

_B_VALUE = re.compile(r"\s*(?:(\d{10})|(WIE))")
_C_VALUE = re.compile(r"\s*(?:(\d{10})[ \t]*(EST)?|(PERM)|(UFN))")
# A footer line is `CREATED:` or `SOURCE:` at the start of a line, only blanks before it.
# Found by its colon, the word then read before it: a pattern led by `^` in MULTILINE mode is
# tried at every character, one led by the two words at every C and S. A colon takes the
# rest of its line, as the word's pattern would: a word after it is within the line.
_FOOTER_COLON = re.compile(r":(.*)")
KICZ_TEXT = re.compile(r"SECURITY[\s.…\-—]*UNITED\s+STATES")
_DATE = r"\d{1,2}\s+[A-Z]{3}\s+\d{2}:\d{2}(?:\s+UTC)?\s+\d{4}"
_DISPLAY_FOOTER = re.compile(
    rf"(?:(?<![A-Z0-9])(?P<lo>[A-Z0-9]+)\s*[-—–]\s*(?P<hi>[A-Z0-9]+)\s*:\s*)?"
    rf"(?P<from>{_DATE}|WIE)\s+UNTIL\s+"
    rf"(?P<to>{_DATE}|\d{{10}}(?:\s?EST)?|PERM|UFN)\.?"
    rf"(?:\s*CREATED:\s*(?P<created>{_DATE}))?")
_DOMESTIC_VALIDITY = re.compile(r"(?<!\S)(\d{10})-(?:(\d{10})([ \t]?EST)?|(PERM))\s*$")


def parse_notam(text: str) -> Notam:
    """Parse one NOTAM text (ICAO, KICZ display or US domestic form).

    A text holding every part of a multi-part NOTAM (`PART 1 OF 2 … END PART 2 OF 2`) gives
    one Notam with the parts joined. Raises ParseError naming the line or item that failed.
    """
    chunks = split_notams(text, at_blank_lines=False)
    if not chunks:
        raise ParseError("empty NOTAM text")
    if len(chunks) == 1:
        return parse_chunk(chunks[0])
    joined = join_parts([parse_chunk(chunk) for chunk in chunks])
    if len(joined) != 1:
        firsts = ", ".join(repr(c.split("\n", 1)[0][:40]) for c in chunks[:3])
        raise ParseError(f"text holds {len(chunks)} NOTAMs ({firsts}…); "
                         "use parse_notam_items for a file of NOTAMs")
    return joined[0]


def split_notams(text: str, *, at_blank_lines: bool = True) -> list[str]:
    """Split a file of NOTAMs (blank-line separated, or parenthesised back to back).

    A NOTAM starts at a line holding a header (`A1234/25 NOTAMN`, `07/025 NOTAMR`), a `!`
    domestic text, a `KICZ <number>` display text, or a `Q)` line that does not belong to the
    header just above it; in a file, also after a blank line. With `at_blank_lines=False`
    (one NOTAM's text, as the FAA APIs return it) an empty line inside E) stays in E).
    """
    text = "\n" + newlines(text)
    if back_to_back_hint(text):
        text = _BACK_TO_BACK.sub(")\n", text)
    starts: list[int] = []
    header_open = False  # the last start was a header: its own Q) line may follow
    for match in START.finditer(text):
        pos = match.start() + 1
        if match.group("q") is not None:
            if header_open and not _QE_LABEL.search(text, starts[-1], pos):
                header_open = False
                continue
            header_open = False
        else:
            header_open = True
        starts.append(pos)
    cuts = starts
    if at_blank_lines:
        blanks = [m.end() for m in BLANK_LINES.finditer(text)]
        if blanks:
            cuts = sorted({*starts, *blanks})
    if not cuts or text[:cuts[0]].strip():
        cuts.insert(0, 0)
    cuts.append(len(text))
    return [chunk for start, end in itertools.pairwise(cuts)
            if (chunk := text[start:end].strip())]


def notam_file_cuts(data: bytes, pieces: int, *, first_share: float | None = None) -> list[int]:
    """A file of NOTAMs as read (UTF-8) in up to `pieces` parts of about equal size (or the
    first about `first_share` of the file, the others equal), each a run of whole NOTAMs, for
    processes to parse apart: decoded (`errors="replace"`) and split by `split_notams`, the
    parts give one after the other the texts of the whole file, and parsed, its items.

    A part starts right after a blank line, at a line that starts a NOTAM with a header (not
    a `Q)` line, which might belong to the header above) and holds no "PART" before the next
    blank line (no multi-part NOTAM is cut). The file stays whole when one part would not
    see back-to-back NOTAMs that the whole file shows (`split_notams` looks for them only
    in a text holding ")(" or ") (").

    Given as the places of the cuts: the start of each part, then the end of the file.
    """
    first = len(data) // pieces if first_share is None else int(len(data) * first_share)
    cuts = [0]
    for piece in range(1, pieces):
        near = first + (len(data) - first) * (piece - 1) // max(1, pieces - 1)
        cut = _cut_after(data, max(cuts[-1], near))
        if cut is None:
            break
        cuts.append(cut)
    cuts.append(len(data))
    view = memoryview(data)  # the parts looked at where they lie, not copied
    parts = [view[start:end] for start, end in itertools.pairwise(cuts)]
    hinted = [_BACK_TO_BACK_HINT_BYTES.search(part) is not None for part in parts]
    if any(hinted) and any(_LOOSE_BACK_TO_BACK_BYTES.search(part)
                           for part, hint in zip(parts, hinted, strict=True) if not hint):
        return [0, len(data)]
    return cuts


def cut_notam_file(data: bytes, pieces: int, *, first_share: float | None = None) -> list[bytes]:
    """`data` cut where `notam_file_cuts` says: a file of NOTAMs in up to `pieces` runs of
    whole NOTAMs, for processes to parse apart."""
    cuts = notam_file_cuts(data, pieces, first_share=first_share)
    return [data[start:end] for start, end in itertools.pairwise(cuts)]


def parse_chunk(text: str) -> Notam:
    """Parse one NOTAM already split out of a file (see `split_notams`)."""
    text = newlines(text).strip()
    if not text:
        raise ParseError("empty NOTAM text")
    first = text[0]
    if first == "!":
        return _parse_domestic(text)
    if first == "K":
        head = _DISPLAY_HEAD.match(text)
        if head is not None:
            rest = text[head.end():]
            if rest[:2] in ("Q)", "E)") or _ITEM_LINE.search(rest):
                return _parse_icao(rest, head=(head["id"], head["op"] or "N", head["ref"]),
                                   issuer=head["issuer"], raw=text)
            return _parse_display(text, head)
    return _parse_icao(text)


def join_parts(notams: list[Notam]) -> list[Notam]:
    """Join consecutive parts of one multi-part NOTAM (same key, `PART n OF m`) into one."""
    out: list[Notam] = []
    group: list[Notam] = []
    for notam in notams:
        if (group and notam.part is not None and notam.key == group[0].key
                and notam.parts == group[0].parts):
            group.append(notam)
            continue
        if group:
            out.append(_join(group))
            group = []
        if notam.part is None:
            out.append(notam)
        else:
            group = [notam]
    if group:
        out.append(_join(group))
    return out


# --- the three forms -------------------------------------------------------------------

def _parse_icao(text: str, *, head: tuple[str, str, str | None] | None = None,
                issuer: str | None = None, raw: str | None = None) -> Notam:
    raw = raw or text
    if text[0] == "(":
        text = text[1:].lstrip()
    created = source = None
    if "CREATED:" in text or "SOURCE:" in text:
        text, created, source = strip_footers(text)
    part = parts = None
    if "PART" in text:
        found = fields.PART.search(text)
        if found is not None:
            part, parts = int(found[1]), int(found[2])
        text = fields.drop_end_part(text).rstrip()
    body = text
    if head is None:
        match = _HEADER.match(text)
        if match is not None:
            head = match.groups()  # (id, op, ref)
            body = text[match.end():]
        elif not text.startswith("Q)"):
            raise ParseError(
                f"line 1 {_first_line(text)!r}: not a NOTAM (expected a header such as "
                "'A1234/25 NOTAMN', a 'Q)' line, '!LAX 01/227 …' or 'KICZ A0012/25')")
    items = fields.items(body)
    if items == fields.NO_ITEMS:
        raise ParseError(f"{_first_line(text)!r}: no Q), A) or E) item after the header")
    q, a, b, c, d, e, f, g = items
    raw_id, op, raw_ref = head if head is not None else (None, "N", None)

    (q_fir, qcode, traffic, purpose, scope, lower_fl, upper_fl,
     lat, lon, radius) = fields.qline(q) if q is not None else fields.NO_QLINE
    fir = fir_code(q_fir)
    locations: tuple[str, ...] = ()
    if a is not None:
        locations = fields.locations(a)
    valid_from = valid_to = None
    estimated = permanent = False
    schedule = fields.clean_line(d) if d is not None else None
    if b is not None:
        found = _B_VALUE.match(b)
        if found is not None:
            # WIE: with immediate effect, i.e. from creation when a footer says when.
            valid_from = fields.stamp(found[1]) if found[1] else created
    if c is not None:
        found = _C_VALUE.match(c)
        if found is not None:
            if found[1]:
                valid_to, estimated = fields.stamp(found[1]), found[2] is not None
            permanent = found[3] is not None
            if schedule is None and found.end() < len(c.rstrip()):
                # The D) label was lost: the schedule trails the C) value.
                schedule = fields.clean_line(c[found.end():])
    if schedule == "-":
        schedule = None
    text_e = fields.clean_text(e if e is not None else "")
    lower_limit = fields.clean_line(f) if f is not None else None
    upper_limit = fields.clean_line(g) if g is not None else None

    if issuer is None:
        if (q_fir == "KICZ" or "KICZ" in locations
                or (text_e.startswith("SECURITY") and KICZ_TEXT.match(text_e))):
            issuer = "KICZ"  # US international security NOTAMs are keyed by KICZ
        else:
            issuer = fir or (locations[0] if locations else None)
    nid, series, number, year, domestic = fields.split_id(raw_id)
    if nid is None and not text_e:
        raise ParseError(f"{_first_line(text)!r}: a text without a header needs an E) item")
    if nid is None:
        # Header-less (FDC) texts carry no number: a digest of the content stands in for it.
        digest = fields.digest(issuer or "", " ".join(locations), b or "", c or "", text_e)
        key = f"{issuer or 'FDC'} #{digest}"
    elif domestic:
        # FDC numbers are `Y/NNNN`; other domestic numbers belong to the location's ident.
        issuer = "FDC" if nid[1] == "/" else _domestic_account(locations, fir)
        key = f"{issuer} {nid}"
    elif issuer is None:
        raise ParseError(f"{nid}: no Q) FIR and no A) location to name its issuer")
    else:
        key = f"{issuer} {nid}"
    a_firs, airports = split_places(locations, fir)
    return new_notam({
        "form": "icao", "key": key, "issuer": issuer or "FDC", "id": nid, "series": series,
        "number": number, "year": year, "type": op,
        "ref": fields.split_id(raw_ref)[0] if raw_ref else None, "fir": fir, "qcode": qcode,
        "traffic": traffic, "purpose": purpose, "scope": scope, "lower_fl": lower_fl,
        "upper_fl": upper_fl, "lat": lat, "lon": lon, "radius_nm": radius, "locations": locations,
        "valid_from": valid_from, "valid_to": valid_to, "valid_to_estimated": estimated,
        "permanent": permanent, "schedule": schedule, "text": text_e, "lower_limit": lower_limit,
        "upper_limit": upper_limit, "created": created, "source": source, "part": part,
        "parts": parts, "firs": fields.firs_of(fir, a_firs, text_e), "airports": airports,
        "raw": raw})


def _parse_display(text: str, head: re.Match[str]) -> Notam:
    issuer = head["issuer"]
    body = text[head.end():]
    valid_from = valid_to = created = None
    estimated = permanent = False
    lower_limit = upper_limit = None
    until = body.rfind("UNTIL")
    footer = _DISPLAY_FOOTER.search(body, max(0, until - 64)) if until >= 0 else None
    if footer is not None:
        body = body[:footer.start()]
        lower_limit, upper_limit = footer["lo"], footer["hi"]
        created = fields.display_time(footer["created"]) if footer["created"] else None
        start, end = footer["from"], footer["to"]
        valid_from = created if start == "WIE" else fields.display_time(start)
        if end == "PERM":
            permanent = True
        elif end != "UFN":
            if end[2].isdigit():  # the compact form, "UNTIL 1511051600"
                valid_to, estimated = fields.stamp(end[:10]), end.endswith("EST")
            else:
                valid_to = fields.display_time(end)
    # Reposts of the same advisory differ in "SECURITY..UNITED" against "SECURITY…UNITED".
    text_e = fields.clean_text(body.replace("…", ".."))
    part = parts = None
    if "PART" in text_e:
        found = fields.PART.search(text_e)
        if found is not None:
            part, parts = int(found[1]), int(found[2])
    nid, series, number, year, _domestic = fields.split_id(head["id"])
    ref = head["ref"]
    return new_notam({
        "form": "kicz", "key": f"{issuer} {nid}", "issuer": issuer, "id": nid, "series": series,
        "number": number, "year": year, "type": head["op"] or "N",
        "ref": fields.split_id(ref)[0] if ref else None, "fir": None, "qcode": None,
        "traffic": None, "purpose": None, "scope": None,
        "lower_fl": fields.flight_level(lower_limit), "upper_fl": fields.flight_level(upper_limit),
        "lat": None, "lon": None, "radius_nm": None, "locations": (), "valid_from": valid_from,
        "valid_to": valid_to, "valid_to_estimated": estimated, "permanent": permanent,
        "schedule": None, "text": text_e, "lower_limit": lower_limit, "upper_limit": upper_limit,
        "created": created, "source": None, "part": part, "parts": parts,
        "firs": fields.firs_of(None, [], text_e), "airports": (), "raw": text})


def _parse_domestic(text: str) -> Notam:
    head = _DOMESTIC.match(text)
    if head is None:
        raise ParseError(f"line 1 {_first_line(text)!r}: expected a US domestic NOTAM "
                         "'!<accountability> <number> <location> <text> <start>-<end>'")
    body = text[head.end():]
    body = fields.drop_end_part(body)
    part = parts = None
    if body.startswith("PART"):
        found = fields.PART.match(body)
        if found is not None:
            part, parts = int(found[1]), int(found[2])
            body = body[found.end():]
    body = body.rstrip()
    valid_from = valid_to = None
    estimated = permanent = False
    validity = _DOMESTIC_VALIDITY.search(body, max(0, len(body) - 40))
    if validity is not None:
        body = body[:validity.start()]
        valid_from = fields.stamp(validity[1])
        if validity[2]:
            valid_to, estimated = fields.stamp(validity[2]), validity[3] is not None
        permanent = validity[4] is not None
    acct, location = head["acct"], head["loc"]
    nid, series, number, year, _domestic = fields.split_id(head["id"])
    text_e = fields.clean_text(body)
    firs: list[str] = []
    airports: tuple[str, ...] = ()
    if location in KNOWN_FIRS or location.startswith("KZ") or fir_code(location) != location:
        firs.append(fir_code(location) or location)
    elif len(location) == 4 and location.isalpha():
        airports = (location,)  # an ICAO location (`!ESSA V0478/22 ESSA`); FAA idents are not
    return new_notam({
        "form": "domestic", "key": f"{acct} {nid}", "issuer": acct, "id": nid, "series": series,
        "number": number, "year": year, "type": "N", "ref": None, "fir": None, "qcode": None,
        "traffic": None, "purpose": None, "scope": None, "lower_fl": None, "upper_fl": None,
        "lat": None, "lon": None, "radius_nm": None, "locations": (location,),
        "valid_from": valid_from, "valid_to": valid_to, "valid_to_estimated": estimated,
        "permanent": permanent, "schedule": None, "text": text_e, "lower_limit": None,
        "upper_limit": None, "created": None, "source": None, "part": part, "parts": parts,
        "firs": fields.firs_of(None, firs, text_e), "airports": airports, "raw": text})


# --- items and fields ------------------------------------------------------------------

def _domestic_account(locations: tuple[str, ...], fir: str | None) -> str:
    """The `!` accountability of a US domestic number written in ICAO form (heuristic).

    `A) KLAX` -> `LAX`, `A) PHNL` -> `HNL`: US airport NOTAMs are accountable to the
    airport's FAA ident. Centre NOTAMs can differ (`!FTW 02/053 ZFW`), which this cannot know.
    """
    code = locations[0] if locations else (fir or "FDC")
    if len(code) == 4 and code[0] in "KP":
        return code[1:]
    return code


def strip_footers(text: str) -> tuple[str, datetime | None, str | None]:
    """The text without its footer lines (`CREATED: …`, `SOURCE: …`, each line emptied, the
    end right-stripped), the last CREATED time and the first word of the last SOURCE."""
    created = source = None
    kept: list[str] = []
    end = 0
    for match in _FOOTER_COLON.finditer(text):
        colon = match.start()
        if colon >= 7 and text.startswith("CREATED", colon - 7):
            word = colon - 7
        elif colon >= 6 and text.startswith("SOURCE", colon - 6):
            word = colon - 6
        else:
            continue
        line = text.rfind("\n", 0, word) + 1
        if text[line:word].strip(" \t"):
            continue  # within a line
        value = match[1].strip()
        if word == colon - 7:
            created = fields.created_time(value)
        elif value:
            source = value.split()[0]
        kept.append(text[end:line])
        end = match.end()
    kept.append(text[end:])
    return "".join(kept).rstrip(), created, source


def _cut_after(data: bytes, near: int, tries: int = 1000) -> int | None:
    """The first place from `near` on where `cut_notam_file` may cut (see there)."""
    blank = _BLANK_BYTES.search(data, near)
    while blank is not None and tries:
        cut = blank.end()
        # `split_notams` cuts at the end of every blank line and at every NOTAM start: here
        # both, whatever came before (a header start does not depend on the lines above).
        # Bytes end to end in "\n" decode as they do in the whole file.
        eol = data.find(b"\n", cut)
        line = newlines(data[cut - 1:eol if eol >= 0 else len(data)].decode(
            "utf-8", errors="replace"))
        if len(line) > 1 and not line[1].isspace():
            start = START.match(line)
            if start is not None and start.group("q") is None:
                after = _BLANK_BYTES.search(data, cut)
                if b"PART" not in data[cut:after.start() if after else len(data)]:
                    return cut
        blank = _BLANK_BYTES.search(data, blank.start() + 1)
        tries -= 1
    return None


def back_to_back_hint(text: str) -> bool:
    """`")(" in text or ") (" in text`, in one pass (")" is frequent: `in` is slow here)."""
    return _BACK_TO_BACK_HINT.search(text) is not None


def newlines(text: str) -> str:
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def _first_line(text: str) -> str:
    return text.split("\n", 1)[0].strip()[:60]


def _join(group: list[Notam]) -> Notam:
    if len(group) == 1:
        return group[0]
    ordered = sorted(group, key=lambda n: n.part or 0)
    first = ordered[0]
    complete = [n.part for n in ordered] == list(range(1, (first.parts or 0) + 1))
    return new_notam({  # dataclasses.replace, without the frozen __init__
        **first.__dict__,
        "text": "\n".join(n.text for n in ordered if n.text),
        "raw": "\n".join(n.raw for n in ordered),
        "part": None if complete else first.part,
        "firs": tuple(sorted({f for n in ordered for f in n.firs})),
        "created": first.created or next((n.created for n in ordered if n.created), None),
    })
