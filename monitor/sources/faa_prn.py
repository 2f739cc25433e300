"""FAA "Prohibitions, Restrictions and Notices" page: one item per listed document per country.

Only the linked PDF of a KICZ NOTAM states its validity: `fetch` reads those PDFs (up to
`max_pdfs` per run; a PDF already read only again when its entry is retitled or, after
`pdf_recheck`, when a conditional GET finds it changed; see prn_pdfs) and hands their NOTAM
texts to `parse` as `extra["pdfs"]`, which joins validity, FIRs and the creation time to the
entries.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, cast
from urllib.parse import quote, urljoin, urlsplit, urlunsplit

from bs4 import BeautifulSoup, Tag
from pydantic import Field, field_validator

from monitor import countries
from monitor.durations import parse_duration
from monitor.errors import ParseError
from monitor.sources.base import Fetched, Http, Source, SourceOptions, Validators, require
from monitor.types import Item, ItemKind, Severity

if TYPE_CHECKING:
    from monitor.sources.prn_pdfs import PdfRecord

PAGE_URL = "https://www.faa.gov/air_traffic/publications/us_restrictions"
PAGE_NAME = "the FAA Prohibitions, Restrictions and Notices page"
PDFS = "pdfs"  # the extra holding what the linked KICZ NOTAM PDFs say (see prn_pdfs)


class FaaPrnOptions(SourceOptions):
    """`countries`: country names, region names or ISO codes whose sections become items;
    empty means every section. `max_pdfs`: KICZ NOTAM PDFs read per run at most (0: none);
    `pdf_recheck`: how long a PDF read stays good before a conditional GET asks again."""

    countries: list[str] = Field(default_factory=list)
    # The page listed 22 KICZ NOTAM PDFs in Sept 2026: a first run reads them all, so no desk
    # hears of a validity an hour after the entry itself.
    max_pdfs: int = Field(default=25, ge=0, le=100)
    pdf_recheck: str = "1d"

    @field_validator("pdf_recheck")
    @classmethod
    def _duration(cls, value: str) -> str:
        parse_duration(value)
        return value.strip()

    @field_validator("countries")
    @classmethod
    def _known_places(cls, values: list[str]) -> list[str]:
        unknown = [v for v in values if countries.country_codes(v) is None]
        if unknown:
            raise ValueError(f"unknown country or region: {', '.join(map(repr, unknown))}")
        return [v.strip() for v in values]


@dataclass(frozen=True, slots=True)
class Entry:
    """One `<li>` under a country heading, as the page shows it."""

    section: str         # the heading as written, e.g. "Korea, North"
    anchor: str | None   # the heading's fragment id, e.g. "NKorea"
    title: str           # the normalised <li> text
    href: str | None     # its first real link, as written


class FaaPrn(Source):
    """FAA 'Prohibitions, Restrictions and Notices': one item per listed document per country."""

    kind = "faa_prn"
    Options = FaaPrnOptions
    default_url = PAGE_URL
    expect = ("text/html", "application/xhtml+xml")
    remembers = (PDFS,)  # what the PDFs said, so a new process reads only what changed

    _pdfs: dict[str, PdfRecord] | None = None  # by URL, once read or restored
    # The last page read and its entries: `fetch` reads a changed page to find its PDFs, and
    # the run then parses the same bytes; they are read once.
    _read: tuple[bytes, str, list[Item]] | None = None

    def restore(self, kept: Mapping[str, bytes]) -> None:
        if self._pdfs is None and kept.get(PDFS):
            from monitor.sources import prn_pdfs

            self._pdfs = prn_pdfs.load(kept[PDFS])

    def fetch(self, http: Http, validators: Validators, *, now: datetime) -> Fetched:
        """Conditional GET of the page, then the KICZ NOTAM PDFs that are due."""
        options = cast(FaaPrnOptions, self.options)
        if not options.max_pdfs:
            return super().fetch(http, validators, now=now)
        from monitor.sources import prn_pdfs

        records = self._pdfs or {}
        recheck = parse_duration(options.pdf_recheck)
        waiting = {url: record.title for url, record in records.items()}
        if prn_pdfs.due(waiting, records, now=now, recheck=recheck):
            # PDFs left for this run are read with the page they belong to, changed or not.
            validators = Validators()
        fetched = super().fetch(http, validators, now=now)
        if fetched.not_modified:
            return fetched
        try:
            listed = self.documents(fetched)
        except ParseError:
            return fetched  # `parse` refuses the page and says why
        records = prn_pdfs.read_due(http, listed, records, now=now, recheck=recheck,
                                    limit=options.max_pdfs, source=self.name)
        self._pdfs = records
        return replace(fetched, extra={**fetched.extra, PDFS: prn_pdfs.dump(records)})

    def documents(self, fetched: Fetched) -> dict[str, str]:
        """The KICZ NOTAM documents the page lists (URL -> entry title, in page order)."""
        found: dict[str, str] = {}
        for page in fetched.pages:
            for item in self.parse(page, url=fetched.url):
                if item.kind == ItemKind.NOTAM and item.url and _is_document(item.url):
                    found.setdefault(item.url, item.title)
        return found

    def parse(self, body: bytes, *, url: str,
              extra: Mapping[str, bytes] | None = None) -> list[Item]:
        found = self._entries(body, url)
        pdfs = (extra or {}).get(PDFS)
        return with_notam_texts(found, pdfs) if pdfs else found

    def _entries(self, body: bytes, url: str) -> list[Item]:
        """The page's entries as items, before what their PDFs state."""
        if self._read is not None and self._read[0] is body and self._read[1] == url:
            return list(self._read[2])
        found = self._read_entries(body, url)
        self._read = (body, url, found)
        return list(found)

    def _read_entries(self, body: bytes, url: str) -> list[Item]:
        page_url = url if urlsplit(url).scheme in ("http", "https") else PAGE_URL
        sections = country_sections(body, url=url)
        wanted: list[str] = getattr(self.options, "countries", [])
        wanted_names = {countries.fold(place) for place in wanted}
        wanted_codes = {code for place in wanted for code in countries.country_codes(place) or ()}
        items: dict[str, Item] = {}
        listed: dict[str, list[str]] = {}
        for entries in sections:
            section_items = entry_items(entries, source=self.name, page_url=page_url)
            # A section is wanted by its heading, or through the countries of its FIRs.
            if wanted and countries.fold(entries[0].section) not in wanted_names and not any(
                    wanted_codes.intersection(item.countries) for item in section_items):
                continue
            for entry, item in zip(entries, section_items, strict=True):
                listed.setdefault(item.key, [])
                if entry.section not in listed[item.key]:
                    listed[item.key].append(entry.section)
                items[item.key] = _merged(items[item.key], item) if item.key in items else item
        return [replace(item, body=_listed_under(listed[key])) for key, item in items.items()]


def country_sections(body: bytes, *, url: str = "") -> list[list[Entry]]:
    """The entries under each country heading, in page order; ParseError if the page lost its
    shape (no "Last updated:" footer, no index headings, no country sections)."""
    # lxml refuses NUL and other C0 control characters; no page means them, so drop them.
    text = _CONTROL_CHARS.sub("", body.decode("utf-8", errors="replace"))
    # The footer menus also use <h2>: everything after the date line is not content.
    end = text.find("Last updated:")
    require(end >= 0, "no 'Last updated:' marker", url=url)
    article = _ARTICLE.search(text, 0, end)
    start = article.start() if article else -1
    require(start >= 0, "no <article> before 'Last updated:'", url=url)
    # Parsing from the article on keeps lxml off the ~64 KB of navigation menus above it.
    soup = BeautifulSoup(text[start:end], "lxml")

    headings = [(h, _clean(h.get_text()).casefold()) for h in soup.find_all("h2")]
    require(any("alphabetical list" in t for _, t in headings),
            "no 'Alphabetical List by Country' heading", url=url)
    acronyms = next((h for h, t in headings if "acronyms" in t), None)
    require(acronyms is not None, "no heading on source acronyms before the country sections",
            url=url)

    sections: list[list[Entry]] = []
    current: tuple[str, str | None] | None = None
    seen_acronyms = False
    for element in soup.find_all(["h2", "li"]):
        if element is acronyms:
            seen_acronyms = True
        elif not seen_acronyms:
            continue
        elif element.name == "h2":
            heading = _clean(element.get_text())
            current = (heading, _anchor(element)) if heading else None
            if current:
                sections.append([])
        elif current is not None and element.find_parent("li") is None:
            entry = _entry(element, *current)
            if entry is not None:
                sections[-1].append(entry)
    sections = [entries for entries in sections if entries]
    require(sections, "no country sections with documents after the acronyms heading", url=url)
    return sections


def with_notam_texts(items: list[Item], pdfs: bytes) -> list[Item]:
    """KICZ items with what their PDF's NOTAM states: validity, FIRs and the creation time.
    A text that does not parse, or that is another NOTAM than the entry names, leaves the
    entry as listed."""
    from monitor.notam import parse_notam
    from monitor.sources.prn_pdfs import texts

    by_url = texts(pdfs)
    joined = []
    for item in items:
        text = by_url.get(item.url or "") if item.kind == ItemKind.NOTAM else None
        try:
            notam = parse_notam(text) if text else None
        except ParseError:
            notam = None
        if notam is None or notam.key != item.key:
            joined.append(item)
            continue
        # The countries of the FIRs it adds follow in `Source.parse_fetched` (`derived`).
        joined.append(replace(
            item, firs=tuple(set(item.firs) | set(notam.firs)),
            valid_from=notam.valid_from, valid_to=notam.valid_to,
            valid_to_estimated=notam.valid_to_estimated, published_at=notam.created))
    return joined


def entry_items(entries: list[Entry], *, source: str, page_url: str = PAGE_URL) -> list[Item]:
    """Items for the entries of one country section (a pointer is critical next to an SFAR)."""
    has_sfar = any(_SFAR.search(_dashes(e.title)) for e in entries)
    return [_item(e, source=source, page_url=page_url, section_has_sfar=has_sfar)
            for e in entries]


_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_ARTICLE = re.compile(r"<article\b", re.IGNORECASE)
_KICZ = re.compile(r"\bKICZ\s+(?:NOTAM\s+)?([A-Z]\d{4}/\d{2})\b", re.IGNORECASE)
_SFAR = re.compile(r"(?:\bSFAR\s*\)?|Special Federal Aviation Regulation)\s*(?:No\.?\s*)?"
                   r"(\d{2,3})\b", re.IGNORECASE)
# Bracketed ICAO codes: "(SKED)", "(OSTT FIR)". Pseudo codes such as XX01 hold digits.
_FIR = re.compile(r"\(([A-Z]{4})(?:\s+FIR)?\)")
# Four capital letters in brackets that are not FIRs.
_NOT_FIRS = frozenset({"SFAR", "OFAC", "KICZ", "KFDC", "ICAO", "UNSC", "CZIB", "EASA", "IATA",
                       "NATO", "USAF"})
_DASHES = str.maketrans({"\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-",
                         "\u2014": "-", "\u2015": "-", "\u2212": "-"})
_PDF_MARK = re.compile(r"\s*\(PDF\)$", re.IGNORECASE)


def _item(entry: Entry, *, source: str, page_url: str, section_has_sfar: bool) -> Item:
    text = _dashes(entry.title)
    kicz = _KICZ.search(text)
    sfar = _SFAR.search(text)
    if kicz:
        key, kind = f"KICZ {kicz.group(1).upper()}", ItemKind.NOTAM
    elif sfar:
        key, kind = f"SFAR {sfar.group(1)}", ItemKind.RESTRICTION
    else:
        key, kind = f"{entry.section}: {entry.title}", ItemKind.RESTRICTION
    firs = {code for code in _FIR.findall(text) if code not in _NOT_FIRS}
    heading = countries.country_codes(entry.section)
    places = set(heading) if heading is not None else countries.countries_in_text(entry.section)
    return Item(
        source=source, kind=kind, key=key, title=entry.title,
        severity=_severity(text, is_reference=bool(kicz or sfar),
                           section_has_sfar=section_has_sfar),
        status="active", url=_url(entry, page_url), firs=tuple(firs),
        countries=tuple(places | countries.fir_countries(firs)),
    )


def _severity(text: str, *, is_reference: bool, section_has_sfar: bool) -> Severity:
    folded = text.casefold()
    if "background information" in folded and not is_reference:
        return Severity.INFO  # background notices explain a rule, they do not make one
    if "prohibit" in folded or _SFAR.search(text):
        return Severity.CRITICAL
    if "pointer" in folded and section_has_sfar:
        return Severity.CRITICAL  # a KICZ pointer NOTAM announces the SFAR next to it
    if "advisory" in folded or "potentially hazardous" in folded:
        return Severity.WARNING
    return Severity.INFO


def _entry(li: Tag, section: str, anchor: str | None) -> Entry | None:
    for br in li.find_all("br"):
        br.replace_with(" ")
    title = _PDF_MARK.sub("", _clean(li.get_text()))
    if not title or title.casefold() == "back to top":
        return None
    hrefs = (a.get("href") for a in li.find_all("a"))
    href = next((h.strip() for h in hrefs if isinstance(h, str) and _is_document_link(h)), None)
    return Entry(section=section, anchor=anchor, title=title, href=href)


def _is_document(url: str) -> bool:
    """A linked document of its own, not the page's section anchor."""
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and not parts.fragment


def _is_document_link(href: str) -> bool:
    target = href.strip().casefold()
    return bool(target) and not target.startswith(("#", "mailto:", "javascript:", "tel:"))


def _anchor(heading: Tag) -> str | None:
    marker = heading.find("a", id=True)
    value = marker.get("id") if marker is not None else heading.get("id")
    return (value.strip() or None) if isinstance(value, str) else None


def _url(entry: Entry, page_url: str) -> str:
    """The entry's link made absolute and URL-quoted; the section anchor when it has none."""
    fallback = f"{page_url}#{quote(entry.anchor)}" if entry.anchor else page_url
    if entry.href is None:
        return fallback
    # Relative "media/…" links live under the page's own path, not next to it.
    base = page_url.split("#")[0].split("?")[0].rstrip("/") + "/"
    try:
        parts = urlsplit(urljoin(base, entry.href))
    except ValueError:  # e.g. a malformed IPv6 host; the section anchor still leads there
        return fallback
    return urlunsplit((
        parts.scheme, parts.netloc,
        quote(parts.path, safe="/%:@!$&'()*+,;=~"),  # file names with spaces
        quote(parts.query, safe="/%:@!$&'()*+,;=~?"),
        quote(parts.fragment, safe="/%:@!$&'()*+,;=~?"),
    ))


def _merged(first: Item, again: Item) -> Item:
    """The same reference listed under a second country: one item covering both."""
    return replace(first, firs=first.firs + again.firs,
                   countries=first.countries + again.countries,
                   severity=max(first.severity, again.severity))


def _listed_under(sections: list[str]) -> str:
    names = sections[0] if len(sections) == 1 else (
        ", ".join(sections[:-1]) + " and " + sections[-1])
    return f"Listed under {names} on {PAGE_NAME}."


def _clean(text: str) -> str:
    """One line of text: non-breaking spaces and runs of whitespace become one space."""
    return " ".join(text.split())


def _dashes(text: str) -> str:
    return text.translate(_DASHES)
