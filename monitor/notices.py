"""Airline notices: an HTML region split into headed sections, normalised, read with the lexicon.

Shared by the `airline_page` and `zendesk_article` kinds. Normalisation is what keeps a re-render
from reading as a change: scripts, navigation, cookie banners and hidden elements go, whitespace
collapses, text is NFKC, and "last updated" stamps, render timestamps and copyright years are cut
before anything is compared.
"""

from __future__ import annotations

import re
import unicodedata
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from bs4 import BeautifulSoup, NavigableString, Tag, XMLParsedAsHTMLWarning
from bs4.element import CData

from monitor import countries, lexicon, notice_dates
from monitor.errors import ParseError
from monitor.page_noise import BLOCKS, CONTROL_BYTES, CONTROL_CHARS, NOISE_TAGS, noise_attributes
from monitor.types import Item, ItemKind, Severity

BODY_LIMIT = 4000           # characters of section text kept in an item body
INTRO = "(intro)"           # the heading given to text before the first heading


@dataclass(frozen=True, slots=True)
class Section:
    """One headed block of a notice region, normalised."""

    heading: str            # "" for the text before the first heading
    text: str               # normalised lines
    anchor: str | None = None   # the heading's id, for a link
    past: bool = False      # under a "Past travel advisory"-style heading
    level: int = 0          # h1..h6 -> 1..6, other heading elements 7, text before any 0


def soup(body: bytes | str) -> BeautifulSoup:
    """Parse HTML leniently (lxml), whatever the declared encoding."""
    body = (body.translate(None, CONTROL_BYTES) if isinstance(body, bytes)
            else CONTROL_CHARS.sub("", body))
    with warnings.catch_warnings():
        # A page that looks like XML is still read as HTML: the selector decides, not bs4.
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        return BeautifulSoup(body, "lxml")


def sections(region: Tag, heading_selector: str) -> list[Section]:
    """The region's sections, split at every element `heading_selector` matches, in page order.

    Text before the first heading is a section of its own (heading ""), kept only if it holds
    text; a heading without text of its own that only heads deeper headings is dropped. A
    heading that the lexicon reads as history ("Past travel advisory", "Avisos anteriores")
    marks itself and the deeper headings after it as past, until a heading of the
    same or a higher level.
    """
    matched = [h for h in region.select(heading_selector) if h is not region]
    drop_noise(region, keep={id(h) for h in matched})
    matched = [h for h in matched if not h.decomposed]
    nested = {id(node) for h in matched for node in h.descendants}
    headings = [h for h in matched if id(h) not in nested]   # a heading inside a heading
    heading_ids = {id(h) for h in headings}
    inside_heading = {id(node) for h in headings for node in h.descendants}
    for block in region.find_all(BLOCKS):
        if id(block) not in inside_heading:
            block.insert_before(_Break("\n"))
            block.insert_after(_Break("\n"))

    found: list[Section] = []
    heading, anchor, past, level, lines = "", None, False, 0, []
    past_level: int | None = None
    for node in region.descendants:
        if isinstance(node, Tag) and id(node) in heading_ids:
            found.append(Section(heading, normalise("".join(lines)), anchor, past, level))
            heading = heading_text(node)
            anchor = _anchor(node)
            level = _level(node)
            if past_level is not None and level <= past_level:
                past_level = None
            if past_level is None and lexicon.is_past_heading(heading):
                past_level = level
            past, lines = past_level is not None, []
        elif isinstance(node, _Break):
            lines.append("\n")
        elif _is_text(node) and id(node) not in inside_heading:
            # Line breaks in the HTML source are spaces; only blocks make lines.
            lines.append(_SPACES.sub(" ", str(node)))
    found.append(Section(heading, normalise("".join(lines)), anchor, past, level))
    # A heading with no text of its own that heads deeper ones is a container, not a notice.
    return [s for i, s in enumerate(found) if s.text or (
        s.heading and not (i + 1 < len(found) and found[i + 1].level > s.level))]


def check_layout(found: list[Section], *, selector: str, heading_selector: str,
                 min_chars: int | None = None, url: str = "") -> None:
    """ParseError when a notice region lost its structure: not one heading left in it (a
    page that now holds only a cookie wall or a search box), or, when the source asks for
    it, fewer than `min_chars` characters of text. Shortness alone is no verdict: a region
    with two brief notices is a healthy one; a region gutted against its own recent reads
    is caught by its history (`monitor.attempts.check_not_gutted`)."""
    where = f" ({url})" if url else ""
    if not any(s.heading for s in found):
        raise ParseError(f"layout changed: selector {selector!r} holds no heading "
                         f"({heading_selector}){where}", url=url)
    size = sum(len(s.heading) + len(s.text) for s in found)
    if min_chars and size < min_chars:
        raise ParseError(f"layout changed: selector {selector!r} holds {size} characters of "
                         f"text (fewer than min_chars {min_chars}){where}", url=url)


def drop_noise(root: Tag, keep: set[int] | frozenset[int] = frozenset()) -> None:
    """Remove what is never notice content: code, navigation, cookie banners, hidden parts.
    Elements whose id() is in `keep` stay (a heading may be a `<button>` in an accordion)."""
    for tag in root.find_all(True):
        if tag.decomposed or id(tag) in keep:
            continue
        if tag.name in NOISE_TAGS or _is_noise(tag):
            tag.decompose()


def normalise(text: str) -> str:
    """Notice text as compared and shown: NFKC, one line per block, spaces collapsed, cookie
    lines and volatile stamps removed."""
    text = unicodedata.normalize("NFKC", text).replace("\r", "\n")
    lines = []
    for raw in text.split("\n"):
        line = " ".join(_volatile(raw).split())
        if line and not _is_noise_line(line):
            lines.append(line)
    return "\n".join(lines)


def heading_text(tag: Tag) -> str:
    """A heading as a key part: NFKC, spaces collapsed, no trailing colon."""
    text = " ".join(unicodedata.normalize("NFKC", tag.get_text(" ")).split())
    return text.strip(" :·|-–—")


def notice_items(found: Iterable[Section], *, source: str, airline: str, key_prefix: str,
                 url: str | None, intro_title: str | None = None,
                 places: Iterable[str] | None = None,
                 published_at: datetime | None = None,
                 reference: datetime | None = None) -> list[Item]:
    """One advisory item per section, classified with the lexicon.

    - cancellation or suspension naming a watched place: warning, active;
    - resumption naming a watched place: info, withdrawn (the diff makes it an all-clear);
    - delays naming a watched place: advisory, active;
    - anything else, and every section under a "past" heading: info (past ones expired).
    Keys are `<key_prefix> § <heading>`; a repeated heading gets " (2)", " (3)" ...
    A current cancellation or suspension carries the days it states as `valid_from` and
    `valid_to` (monitor.notice_dates), years settled against `reference`: the notice's date
    when the page states one, else the time of the fetch.
    """
    wanted = tuple(places) if places is not None else None
    items: list[Item] = []
    seen: dict[str, int] = {}
    for section in found:
        heading = section.heading or INTRO
        reading = lexicon.read(section.heading, section.text, places=wanted)
        name = f"{heading}" if not section.past else f"{heading} (past)"
        seen[name] = seen.get(name, 0) + 1
        key = f"{key_prefix} § {name}" + (f" ({seen[name]})" if seen[name] > 1 else "")
        shown = section.heading or intro_title or heading
        severity, status = _severity_status(reading, past=section.past)
        validity = (notice_dates.resolve(reading.span, reference=reference)
                    if reading.span is not None and reading.disrupted and not section.past
                    else None)
        items.append(Item(
            source=source, kind=ItemKind.ADVISORY, key=key,
            title=_title(airline, shown, reading, past=section.past),
            body=_body(shown, section.text), url=_link(url, section.anchor),
            severity=severity, status=status, airlines=(airline,),
            airports=tuple(a for p in reading.places for a in p.airports),
            countries=tuple(p.country for p in reading.places),
            valid_from=validity.valid_from if validity else None,
            valid_to=validity.valid_to if validity else None,
            published_at=published_at,
        ))
    return items


def page_date(region: Tag) -> datetime | None:
    """The latest date a "last updated" stamp in the region states ("Última actualización:
    22/11/2025 14:03", "Atualizado em 22 de novembro de 2025"), as 00:00 UTC of that day; None
    without one. Only the day counts: it dates the notices when their days carry no year."""
    found = [day for match in _STAMP.finditer(region.get_text(" "))
             if (day := _stamp_day(match.group(0))) is not None]
    return datetime.combine(max(found), notice_dates.START_OF_DAY) if found else None


_VERDICT_LABELS = {
    lexicon.Signal.CANCELLATION: "Cancellation of flights to",
    lexicon.Signal.SUSPENSION: "Suspension of flights to",
    lexicon.Signal.RESUMPTION: "Resumption of flights to",
    lexicon.Signal.DELAY: "Delays on flights to",
}
# Month names and abbreviations (es, pt, en) from the lexicon, longest first so that the
# alternation takes whole words.
_MONTHS = "|".join(sorted({name for language in ("es", "pt", "en")
                           for names in lexicon.MONTHS[language] for name in names},
                          key=len, reverse=True))
_DATE = (r"(?:\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{4}-\d{2}-\d{2}"
         rf"|\d{{1,2}}(?:\s+de)?\s+(?:{_MONTHS})\.?(?:\s+de)?(?:,?\s+\d{{4}})?"
         rf"|(?:{_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?)")
_ZONE = r"(?:UTC|GMT|Z|VET|BRT|COT|EST|EDT|WET|WEST|CET|CEST|hora local|local time)"
_TIME = (r"(?:\d{1,2}[:h]\d{2}(?::\d{2})?(?:\s*(?:[ap]\.?m\.?|hrs?\b|h\b))?"
         rf"(?:\s*\(?{_ZONE}\)?)?)")
# "Última actualización: 22/11/2025 14:03", "Atualizado em 22 de novembro de 2025 às 14h03",
# "Last updated on November 22, 2025 at 2:03 pm", "Son güncelleme: 22.11.2025". The phrase goes
# only with a date or time after it: "hemos actualizado la información" is content.
_STAMP = re.compile(
    r"(?:últim[ao]\s+(?:actualizaci[oó]n|atualiza[cç][aã]o|modificaci[oó]n)|actualizad[oa]|"
    r"atualizad[oa]|last\s+(?:updated|modified|reviewed)|updated|page\s+generated|"
    r"son\s+g[uü]ncelle(?:me|nme)(?:\s+tarihi)?)"
    r"(?:\s|:|,|-|\bon\b|\bel\b|\bem\b|\ben\b|\ba\s+las\b|\bàs\b|\bat\b)*"
    r"(?:(?:lunes|martes|miércoles|jueves|viernes|sábado|domingo|monday|tuesday|wednesday|"
    r"thursday|friday|saturday|sunday|segunda|terça|quarta|quinta|sexta)[-a-zçá]*,?\s*)?"
    rf"(?:{_DATE}(?:\s*(?:,|a\s+las|às|at|-)?\s*{_TIME})?|{_TIME})",
    re.IGNORECASE)
# Render stamps: ISO timestamps, clock times with seconds, and copyright lines.
_RENDER = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?"
                     r"|\b\d{1,2}:\d{2}:\d{2}\b|(?:©|\(c\)|copyright)\s*\d{4}(?:\s*[-–]\s*\d{4})?",
                     re.IGNORECASE)
_SPACES = re.compile(r"\s+")
_NUMERIC_DAY = re.compile(r"\b(?P<a>\d{1,2})[/.-](?P<b>\d{1,2})[/.-](?P<year>\d{4}|\d{2})\b")
_ISO_DAY = re.compile(r"\b(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})\b")
_ENGLISH_STAMP = re.compile(r"last|updated|page", re.IGNORECASE)
_COOKIE_LINE = re.compile(r"\bcookies?\b|\bçerez", re.IGNORECASE)


def _stamp_day(stamp: str) -> date | None:
    """The day in one stamp. Numeric days are day first, except after an English phrase
    ("Last updated 11/22/2025"), where the month comes first; a number above 12 settles it."""
    numeric = _NUMERIC_DAY.search(stamp)
    if numeric is not None:
        first, second, year = (int(numeric[n]) for n in ("a", "b", "year"))
        year += 2000 if year < 100 else 0
        if first > 12 or second > 12:
            month_first = second > 12
        else:
            month_first = bool(_ENGLISH_STAMP.match(stamp.strip()))
        day, month = (second, first) if month_first else (first, second)
    elif (iso_day := _ISO_DAY.search(stamp)) is not None:
        year, month, day = (int(iso_day[n]) for n in ("year", "month", "day"))
    else:
        written = lexicon.written_day(stamp)
        if written is None or written.year is None:
            return None
        year, month, day = written.year, written.month, written.day
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _severity_status(reading: lexicon.Reading, *, past: bool) -> tuple[Severity, str]:
    if past:
        return Severity.INFO, "expired"
    if not reading.places:
        return Severity.INFO, "active"
    if reading.disrupted:
        return Severity.WARNING, "active"
    if reading.verdict is lexicon.Signal.RESUMPTION:
        return Severity.INFO, "withdrawn"
    if reading.verdict is lexicon.Signal.DELAY:
        return Severity.ADVISORY, "active"
    return Severity.INFO, "active"


def _title(airline: str, heading: str, reading: lexicon.Reading, *, past: bool) -> str:
    if past:
        return f"{airline}: {heading} (past advisory)"
    if reading.verdict is None or not reading.places:
        return f"{airline}: {heading}"
    until = f" (until {reading.until})" if reading.until and reading.disrupted else ""
    return f"{airline}: {_VERDICT_LABELS[reading.verdict]} {_place_names(reading.places)}{until}"


def _place_names(places: tuple[lexicon.Place, ...]) -> str:
    """"Caracas", "Caracas and Maracaibo"; a country is named only when no city of it is."""
    cities = {p.country for p in places if p.name != countries.country_name(p.country)}
    names = list(dict.fromkeys(p.name for p in places
                               if p.name != countries.country_name(p.country)
                               or p.country not in cities))
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _body(heading: str, text: str) -> str:
    body = f"{heading}\n{text}" if text else heading
    return body if len(body) <= BODY_LIMIT else body[:BODY_LIMIT - 1].rstrip() + "…"


def _link(url: str | None, anchor: str | None) -> str | None:
    if not url or not anchor or not url.startswith(("http://", "https://")):
        return url
    return f"{url.split('#')[0]}#{anchor}"


def _volatile(line: str) -> str:
    return _RENDER.sub(" ", _STAMP.sub(" ", line))


def _is_noise_line(line: str) -> bool:
    return bool(_COOKIE_LINE.search(line))


def _is_noise(tag: Tag) -> bool:
    return noise_attributes(tag.attrs or {})


class _Break(NavigableString):
    """A line break put around block elements before the text is collected."""


def _is_text(node: object) -> bool:
    # Comments, doctypes and processing instructions are NavigableStrings too.
    return type(node) in (NavigableString, CData)


def _anchor(tag: Tag) -> str | None:
    value = tag.get("id")
    if not value:
        marker = tag.find(attrs={"id": True})
        value = marker.get("id") if isinstance(marker, Tag) else None
    return value.strip() or None if isinstance(value, str) else None


def _level(tag: Tag) -> int:
    """h1..h6 -> 1..6; any other heading element ranks below them."""
    name = tag.name or ""
    return int(name[1]) if re.fullmatch(r"h[1-6]", name) else 7
