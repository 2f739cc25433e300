"""One FAA-served NOTAM text to an Item: the text parser plus what the services know besides.

The FAA NOTAM kinds hand over each NOTAM's text next to a few structured fields. The text goes
through monitor.notam; the fields add what a text may lack: that it is a US international
security NOTAM (designator KICZ), when it was issued, and its validity when the text has no
B)/C); the countries of its FIRs come from `countries.derived`, as every kind's do.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime

from monitor import countries
from monitor.errors import ParseError
from monitor.notam import parse_notam, to_item
from monitor.types import Item

# An ICAO header at the start of a text: "A0012/25 NOTAMN", "(A1235/09 NOTAMC A1234/09".
_ICAO_HEADER = re.compile(r"[A-Z]\d{1,4}/\d{2}[ \t]+NOTAM[NRC](?![A-Z])")


def notam_item(text: str, *, source: str, link: str | None, kicz: bool = False) -> Item:
    """The Item for one NOTAM text, countries filled from its FIRs.

    `kicz`: the service says the NOTAM is issued under KICZ, so it is keyed `KICZ <number>`
    (and so are the NOTAMs it replaces or cancels) even when its text does not say so.
    Raises ParseError when the text is not a NOTAM.
    """
    if kicz:
        text = as_kicz(text)
    return with_countries(to_item(parse_notam(text), source=source, url=link))


def as_kicz(text: str) -> str:
    """`A0012/25 NOTAMN …` as `KICZ A0012/25 NOTAMN …`, which the parser keys by KICZ.

    Texts that already start with KICZ (the display form) and texts without an ICAO header
    (domestic `!` texts, header-less FDC texts) are returned unchanged.
    """
    body = text.lstrip()
    if body.startswith("("):
        body = body[1:].lstrip()  # the AFTN bracket; the parser drops the closing one
    return f"KICZ {body}" if _ICAO_HEADER.match(body) else text


def with_countries(item: Item) -> Item:
    """The item with the countries whose airspace its FIRs hold added (`countries.derived`,
    which every kind's items pass through in `parse_fetched`; a NOTAM kind's `parse` already
    gives them so)."""
    return countries.derived(item)


def with_times(item: Item, *, published_at: datetime | None = None,
               valid_from: datetime | None = None, valid_to: datetime | None = None,
               estimated: bool = False, permanent: bool = False,
               authoritative: bool = False) -> Item:
    """The item with the service's times filled in where the text gave none.

    `authoritative`: the service's validity wins over the text's (FAA domestic and FDC
    texts can disagree with the structured fields, which the FAA keeps right). The estimated
    flag of the text stays when both name the same end.
    """
    changes: dict[str, object] = {}
    if item.published_at is None and published_at is not None:
        changes["published_at"] = published_at
    if valid_from is not None and (authoritative or item.valid_from is None):
        changes["valid_from"] = valid_from
    if authoritative and (valid_to is not None or permanent):
        changes["valid_to"] = valid_to
        changes["valid_to_estimated"] = estimated or (
            item.valid_to_estimated and item.valid_to == valid_to)
    elif item.valid_to is None and valid_to is not None:
        changes["valid_to"], changes["valid_to_estimated"] = valid_to, estimated
    changed = {k: v for k, v in changes.items() if getattr(item, k) != v}
    return replace(item, **changed) if changed else item


def parse_first(candidates: list[str], *, source: str, link: str | None, kicz: bool,
                where: str, url: str) -> Item:
    """The item of the first candidate text that reads as a NOTAM.

    Raises ParseError naming `where` and the first text's problem when none does.
    """
    first: ParseError | None = None
    for text in candidates:
        try:
            return notam_item(text, source=source, link=link, kicz=kicz)
        except ParseError as exc:
            first = first or exc
    suffix = f" ({url})" if url else ""
    if first is None:
        raise ParseError(f"layout changed: {where} has no NOTAM text{suffix}", url=url)
    raise ParseError(f"{where}: {first}{suffix}", url=url) from first
