"""City pairs that airline notices name ("vuelos entre Bogotá y Caracas", "voos de Lisboa para
Caracas", "BOG-CCS"), as sets of ICAO airports (pure).

A notice that names both ends of a service is about that service: it concerns a route flying
that pair, not every route to one of its places. A pair counts only when both of its ends read as
places: an IATA code in capitals, a city of an airport with an IATA code (airportsdata's English
names), a place of the notice lexicon, or one of the local names below.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache, lru_cache

from monitor.countries import fold

Pair = tuple[frozenset[str], frozenset[str]]

# Local names of cities whose airportsdata name differs (English, or the airport's own town).
LOCAL_NAMES: dict[str, tuple[str, ...]] = {
    "lisboa": ("LPPT",), "oporto": ("LPPR",), "porto": ("LPPR",),
    "nueva york": ("KJFK", "KEWR", "KLGA"), "nova york": ("KJFK", "KEWR", "KLGA"),
    "nova iorque": ("KJFK", "KEWR", "KLGA"), "new york": ("KJFK", "KEWR", "KLGA"),
    "panama": ("MPTO",), "ciudad de panama": ("MPTO",), "cidade do panama": ("MPTO",),
    "panama city": ("MPTO",),
    "buenos aires": ("SAEZ", "SABE"), "ciudad de mexico": ("MMMX",), "mexico": ("MMMX",),
    "la habana": ("MUHA",), "habana": ("MUHA",), "havana": ("MUHA",),
    "curazao": ("TNCC",), "curacao": ("TNCC",), "aruba": ("TNCA",),
    "medellin": ("SKRG", "SKMD"), "roma": ("LIRF", "LIRA"), "londres": ("EGLL", "EGKK"),
    "estambul": ("LTFM",), "istambul": ("LTFM",), "istanbul": ("LTFM",),
    "puerto espana": ("TTPP",), "trinidad": ("TTPP",), "santo domingo": ("MDSD",),
    "sao paulo": ("SBGR", "SBSP", "SBKP"), "rio de janeiro": ("SBGL", "SBRJ"),
}

_FROM_TO = re.compile(  # on folded text: "desde Bogota hacia Caracas", "from Lisbon to Caracas"
    r"(?<!\w)(?:from|desde|de|da|do)\s+(?P<a>[^\n.;:!?]{2,60}?)\s+"
    r"(?:to|a|hacia|para|hasta)\s+(?P<b>[^\n.;:!?]{2,60})")
_BETWEEN = re.compile(  # "entre Bogota y Caracas (CCS)", "between Lisbon and Caracas"
    r"(?<!\w)(?:entre|between)\s+(?P<a>[^\n.;:!?]{2,60}?)\s+(?:y|e|and|&)\s+"
    r"(?P<b>[^\n.;:!?]{2,60})")
_CODES = re.compile(r"(?<![A-Za-z0-9])([A-Z]{3})\s?[-–/]\s?([A-Z]{3})(?![A-Za-z0-9])")
_CODE = re.compile(r"(?<![A-Za-z0-9])[A-Z]{3}(?![A-Za-z0-9])")
_WORD = re.compile(r"[a-z0-9]+")
_LONGEST_NAME = 4      # words


def named_pairs(text: str) -> tuple[Pair, ...]:
    """The city pairs `text` names, each end as the ICAO airports it may mean, in text order."""
    return _named_pairs(text)


@lru_cache(maxsize=4096)
def _named_pairs(text: str) -> tuple[Pair, ...]:
    # The same notices are matched against every watched route: read each text once.
    pairs: list[Pair] = []
    for a, b in _CODES.findall(text):
        ends = (_code_airports(a), _code_airports(b))
        if ends[0] and ends[1]:
            pairs.append(ends)
    folded = fold(text)
    if "(" in text:
        # "Caracas (CCS)": the code in brackets stands beside the name, read them as one.
        folded = re.sub(r"\s*\(([^()]{1,12})\)", "", folded)
    for pattern in (_BETWEEN, _FROM_TO):
        for match in pattern.finditer(folded):
            left = _name_airports(_WORD.findall(match["a"]), from_end=True)
            right = _name_airports(_WORD.findall(match["b"]), from_end=False)
            if left and right and left != right:
                pairs.append((left, right))
    return tuple(dict.fromkeys(pairs))


def _name_airports(words: list[str], *, from_end: bool) -> frozenset[str]:
    """The airports a place name means, read from the end of the words before "and"/"to" or
    from the start of those after it, longest name first."""
    names = _names()
    for size in range(min(_LONGEST_NAME, len(words)), 0, -1):
        name = " ".join(words[-size:] if from_end else words[:size])
        if name in names:
            return names[name]
    return frozenset()


def _code_airports(code: str) -> frozenset[str]:
    from alerts.airports import UnknownAirport, resolve_airport

    try:
        return frozenset({resolve_airport(code).icao})
    except UnknownAirport:
        return frozenset()


@cache
def _names() -> dict[str, frozenset[str]]:
    """Folded place name -> ICAO airports: airportsdata's cities of airports with an IATA code,
    the lexicon's places, the local names above."""
    from alerts.airports import iata_records
    from monitor.lexicon import PLACES

    names: dict[str, set[str]] = {}
    for record in iata_records():
        city = fold(record["city"])
        if city:
            names.setdefault(city, set()).add(record["icao"])
    for table in PLACES.values():
        for place in table:
            for name in _plain(place.names):
                names.setdefault(fold(name), set()).update(place.airports)
    for name, airports in LOCAL_NAMES.items():
        names.setdefault(name, set()).update(airports)
    return {name: frozenset(airports) for name, airports in names.items()}


def _plain(fragments: Iterable[str]) -> Iterable[str]:
    # Lexicon names are pattern fragments; only the plain words are names.
    return (f for f in fragments if re.fullmatch(r"[^\\()\[\]*+?|]+", f))
