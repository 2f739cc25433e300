"""The notice lexicon: disruption and resumption wording, end dates and watched places, as data.

Airline notices are read in Spanish, Portuguese, English and Turkish. Every table below is plain
data so a desk can add a language, a word or a place without touching the matching code: terms
are regular-expression fragments written as the airlines write them (accents and all) and are
folded (`countries.fold`: no accents, case-folded, dotless ı = i, no apostrophes) before they are
compiled, exactly like the text they are matched against.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cache

from monitor.countries import fold


class Signal(StrEnum):
    """What a notice says about flights."""

    CANCELLATION = "cancellation"
    SUSPENSION = "suspension"
    EXTENSION = "extension"
    RESUMPTION = "resumption"
    DELAY = "delay"


# Signal -> language -> fragments. Plain terms come from airline statements quoted in the press
# (Nov-Dec 2025); the rest is standard vocabulary. Stems end in \w* so that conjugations and
# plurals match ("suspendemos", "suspensão", "suspended").
TERMS: dict[Signal, dict[str, tuple[str, ...]]] = {
    Signal.CANCELLATION: {
        "es": (r"cancel(a|an|ado|ada|ados|adas|amos|ó|aron|ación|aciones)", r"reprogram\w*",
               r"ajustes operacionales", r"motivos operacionales", r"reembolsos?",
               r"cambio de fecha sin (costo|penalidad)"),
        "pt": (r"cancel(a|am|ou|aram|ado|ados|ada|adas|amento|amentos)", r"remarca(r|ção|ções)",
               r"reembolsos?", r"crédito"),
        "en": (r"cancel(l)?ed", r"cancell?ations?", r"cancels?", r"waivers?", r"rebook\w*"),
        "tr": (r"iptal", r"operasyonel nedenlerle"),
    },
    Signal.SUSPENSION: {
        "es": (r"suspen\w*", r"hasta nuevo aviso", r"decisión preventiva", r"revoca(ción)?"),
        "pt": (r"suspen\w*", r"até novo aviso"),
        "en": (r"suspen\w*", r"until further notice", r"travel advisory"),
        "tr": (r"askıya al\w*",),
    },
    Signal.EXTENSION: {
        "es": (r"extiende\w*", r"extender\w*", r"extensión", r"prorrog\w*", r"prórroga",
               r"amplía\w*"),
        "pt": (r"prorrog\w*", r"estend\w*", r"extensão"),
        "en": (r"extend\w*", r"extension"),
        "tr": (r"uzatıl\w*",),
    },
    Signal.RESUMPTION: {
        "es": (r"reanud\w*", r"retom\w*", r"restablec\w*"),
        "pt": (r"retom\w*", r"retomada dos voos"),
        "en": (r"resum(e|es|ed|ing|ption)", r"reinstat\w*", r"restart\w*"),
        "tr": (r"yeniden başla\w*", r"seferler\w* yeniden"),
    },
    Signal.DELAY: {
        "es": (r"retras\w*", r"demora\w*"),
        "pt": (r"atrasos?", r"atrasad\w*"),
        "en": (r"delay\w*",),
        "tr": (r"rötar\w*", r"gecikme\w*"),
    },
}

# "until" phrases: the date that follows is the announced end of a suspension. `{month}` stands
# for the language's month names (MONTHS); a phrase holds the groups `day`, `month` and `year`.
UNTIL: dict[str, tuple[str, ...]] = {
    "es": (r"hasta (el )?(día )?(\w+ )?(?P<day>\d{1,2})( de)? (?P<month>{month})"
           r"( de(l)? (?P<year>\d{4}))?",
           r"hasta (el )?(?P<day>\d{1,2})/(?P<month>\d{1,2})(/(?P<year>\d{4}))?"),
    "pt": (r"até (o )?(dia )?(?P<day>\d{1,2})( de)? (?P<month>{month})( de (?P<year>\d{4}))?",
           r"até (o )?(dia )?(?P<day>\d{1,2})/(?P<month>\d{1,2})(/(?P<year>\d{4}))?"),
    "en": (r"(until|through|till) (the )?(\w+,? )?(?P<day>\d{1,2})(st|nd|rd|th)?( of)? "
           r"(?P<month>{month})\.?(,? (?P<year>\d{4}))?",
           r"(until|through|till) (\w+,? )?(?P<month>{month})\.? (?P<day>\d{1,2})(st|nd|rd|th)?"
           r"(,? (?P<year>\d{4}))?"),
    # Turkish suffixes follow the apostrophe, which folding removes: "15 Ocak 2026'ya kadar".
    "tr": (r"(?P<day>\d{1,2}) (?P<month>{month})\w*( (?P<year>\d{4})\w*)? (tarihine )?kadar",),
}

# Open-ended suspensions, shown as "until further notice".
UNTIL_FURTHER_NOTICE: dict[str, tuple[str, ...]] = {
    "es": (r"hasta nuevo aviso",),
    "pt": (r"até novo aviso", r"até segunda ordem"),
    "en": (r"until further notice",),
    "tr": (r"ikinci bir duyuruya kadar", r"aksi bildirilene kadar"),
}

MONTHS: dict[str, tuple[tuple[str, ...], ...]] = {
    "es": (("enero", "ene"), ("febrero", "feb"), ("marzo", "mar"), ("abril", "abr"),
           ("mayo", "may"), ("junio", "jun"), ("julio", "jul"), ("agosto", "ago"),
           ("septiembre", "setiembre", "sep", "sept", "set"), ("octubre", "oct"),
           ("noviembre", "nov"), ("diciembre", "dic")),
    "pt": (("janeiro", "jan"), ("fevereiro", "fev"), ("março", "mar"), ("abril", "abr"),
           ("maio", "mai"), ("junho", "jun"), ("julho", "jul"), ("agosto", "ago"),
           ("setembro", "set"), ("outubro", "out"), ("novembro", "nov"), ("dezembro", "dez")),
    "en": (("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
           ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
           ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
           ("december", "dec")),
    "tr": (("ocak",), ("şubat",), ("mart",), ("nisan",), ("mayıs",), ("haziran",), ("temmuz",),
           ("ağustos",), ("eylül",), ("ekim",), ("kasım",), ("aralık",)),
}
MONTH_LABELS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
                "Dec")

# Headings under which notices are history ("Past travel advisory" on Copa's help centre).
PAST_HEADINGS: dict[str, tuple[str, ...]] = {
    "es": (r"(avisos|alertas|comunicados|notificaciones)( de viaje)? "
           r"(anteriores|pasad[oa]s|históric[oa]s)",
           r"históric[oa] de (avisos|alertas|comunicados)"),
    "pt": (r"(avisos|alertas|comunicados)( de viagem)? (anteriores|passad[oa]s)",
           r"históric[oa] de (avisos|alertas|comunicados)"),
    "en": (r"(past|previous|earlier|archived|expired) (travel )?"
           r"(advisor\w*|alerts?|notices?|updates?)",),
    "tr": (r"geçmiş (seyahat )?(duyuru\w*|uyarı\w*)",),
}


@dataclass(frozen=True, slots=True)
class Place:
    """A place notices name, and what it means for an item.

    `names` are fragments matched on folded text as whole words; `codes` are IATA/ICAO codes
    matched as whole words in capitals only (so "CCS" matches, the word "mar" does not).
    """

    name: str                     # shown in titles
    country: str                  # ISO 3166-1 alpha-2
    airports: tuple[str, ...]     # ICAO
    names: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()


# Watched places by desk key (`places` option of the notice kinds); add a key for another desk.
# Most specific first: a section naming Caracas and Venezuela reads "to Caracas".
PLACES: dict[str, tuple[Place, ...]] = {
    "VE": (
        Place("Caracas", "VE", ("SVMI",),
              names=("Caracas", "Maiquetía", "Simón Bolívar", r"Karakas\w*"),
              codes=("CCS", "SVMI")),
        Place("Maracaibo", "VE", ("SVMC",), names=("Maracaibo",), codes=("SVMC",)),
        # A notice about "flights to Venezuela" is about its international gateway, Maiquetía.
        Place("Venezuela", "VE", ("SVMI",),
              names=(r"Venezuela\w*", r"venezolan[oa]s?", r"venezuelan[oa]s?"),
              codes=("SVZM",)),
    ),
}


@dataclass(frozen=True, slots=True)
class Reading:
    """What one notice section says, as the lexicon reads it."""

    signals: frozenset[Signal]
    verdict: Signal | None        # CANCELLATION, SUSPENSION, RESUMPTION, DELAY or None
    until: str | None             # "12 Dec", "15 Jan 2026", "further notice"
    places: tuple[Place, ...]

    @property
    def disrupted(self) -> bool:
        return self.verdict in (Signal.CANCELLATION, Signal.SUSPENSION)


def read(heading: str, text: str, *, places: Iterable[str] | None = None) -> Reading:
    """Read a section: its signals, the verdict, the announced end and the watched places.

    The first sentence of the text carrying a cancellation, suspension or resumption word decides
    (announcements lead with the news); the heading decides only when the text has none, because
    airlines edit the text of a notice and leave its heading. In a sentence with both a
    disruption and a resumption word, the resumption wins ("Tras la suspensión, reanudamos ...")
    unless the sentence also sets an end date: that is an extension, and a false all-clear is
    worse than a warning that lingers.
    """
    units = [*sentences(text), heading]
    found: set[Signal] = set()
    for unit in units:
        found |= signals(unit)
    verdict: Signal | None = None
    deciding = ""
    for unit in units:
        unit_signals = signals(unit)
        if unit_signals & _DECISIVE:
            verdict, deciding = _verdict(unit_signals, unit), unit
            break
    if verdict is None and Signal.DELAY in found:
        verdict = Signal.DELAY
    end = None
    if verdict in (Signal.CANCELLATION, Signal.SUSPENSION):
        # The end the deciding sentence gives, else the first one the section gives.
        end = until(deciding) or next((u for u in map(until, units) if u), None)
    return Reading(signals=frozenset(found), verdict=verdict, until=end,
                   places=places_in(f"{heading}\n{text}", places))


def signals(text: str) -> set[Signal]:
    """Every signal whose terms occur in `text` (any language)."""
    folded = fold(text)
    found = {signal for signal, pattern in _signal_patterns().items() if pattern.search(folded)}
    if until(text) is not None:
        found.add(Signal.EXTENSION)
    return found


def until(text: str) -> str | None:
    """The announced end in `text`: "12 Dec", "15 Jan 2026", "further notice", or None."""
    folded = fold(text)
    if _further_notice().search(folded):
        return "further notice"
    for language, pattern in _until_patterns():
        for match in pattern.finditer(folded):
            label = _date_label(language, match)
            if label:
                return label
    return None


def places_in(text: str, keys: Iterable[str] | None = None) -> tuple[Place, ...]:
    """The watched places named in `text`, in table order; `keys` picks desks (default all)."""
    folded = fold(text)
    bare = _strip_marks(text)
    wanted = PLACES if keys is None else {k: PLACES[k] for k in keys}
    found: list[Place] = []
    for table in wanted.values():
        for place in table:
            names, codes = _place_patterns(place)
            if (names and names.search(folded)) or (codes and codes.search(bare)):
                found.append(place)
    return tuple(found)


def airline_code(value: str) -> str:
    """An IATA airline designator, upper-cased: two letters or digits ("TP", "G3", "4C");
    ValueError otherwise."""
    code = value.strip().upper()
    if len(code) != 2 or not code.isalnum() or not code.isascii():
        raise ValueError(f"airline must be a 2-character IATA code, got {value!r}")
    return code


def is_past_heading(heading: str) -> bool:
    """Whether a heading introduces notices that are history ("Past travel advisory")."""
    return bool(_past_pattern().search(fold(heading)))


def sentences(text: str) -> list[str]:
    """Lines and sentences of normalised notice text."""
    parts = _SENTENCE_END.split(text)
    return [p.strip() for p in parts if p and p.strip()]


_DECISIVE = frozenset({Signal.CANCELLATION, Signal.SUSPENSION, Signal.RESUMPTION})
# A sentence ends at . ! ? ; followed by a space, or at a line break ("12.12.2025" stays whole).
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+|\n+")


def _verdict(unit_signals: set[Signal], unit: str) -> Signal:
    disruption = (Signal.CANCELLATION if Signal.CANCELLATION in unit_signals
                  and Signal.SUSPENSION not in unit_signals else Signal.SUSPENSION)
    if Signal.RESUMPTION not in unit_signals:
        return disruption
    if unit_signals & {Signal.CANCELLATION, Signal.SUSPENSION} and until(unit) is not None:
        return disruption
    return Signal.RESUMPTION


def _date_label(language: str, match: re.Match[str]) -> str | None:
    day = int(match["day"])
    month = _month_number(language, match["month"])
    if month is None or not 1 <= day <= 31:
        return None
    year = match["year"]
    return f"{day} {MONTH_LABELS[month - 1]}" + (f" {year}" if year else "")


def _month_number(language: str, word: str) -> int | None:
    if word.isdigit():
        number = int(word)
        return number if 1 <= number <= 12 else None
    for number, names in enumerate(MONTHS[language], start=1):
        if word in (fold(n) for n in names):
            return number
    return None


def _strip_marks(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _compile(fragments: Sequence[str]) -> re.Pattern[str]:
    alternation = "|".join(f"(?:{fold(f)})" for f in fragments)
    return re.compile(rf"(?<!\w)(?:{alternation})(?!\w)")


@cache
def _signal_patterns() -> dict[Signal, re.Pattern[str]]:
    return {signal: _compile([f for fragments in by_language.values() for f in fragments])
            for signal, by_language in TERMS.items()}


@cache
def _further_notice() -> re.Pattern[str]:
    return _compile([f for fragments in UNTIL_FURTHER_NOTICE.values() for f in fragments])


@cache
def _until_patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    # Folding leaves group names alone: they are plain ASCII.
    patterns = []
    for language, fragments in UNTIL.items():
        names = sorted((fold(n) for ns in MONTHS[language] for n in ns), key=len, reverse=True)
        months = "|".join(map(re.escape, names))
        for fragment in fragments:
            folded = _fold_pattern(fragment).replace("{month}", f"(?:{months})")
            patterns.append((language, re.compile(rf"(?<!\w){folded}(?!\w)")))
    return tuple(patterns)


@cache
def _past_pattern() -> re.Pattern[str]:
    return _compile([f for fragments in PAST_HEADINGS.values() for f in fragments])


@cache
def _place_patterns(place: Place) -> tuple[re.Pattern[str] | None, re.Pattern[str] | None]:
    names = _compile(place.names) if place.names else None
    codes = (re.compile(r"(?<![A-Za-z0-9])(?:" + "|".join(map(re.escape, place.codes))
                        + r")(?![A-Za-z0-9])") if place.codes else None)
    return names, codes


def _fold_pattern(fragment: str) -> str:
    """Fold the words of a pattern but keep `(?P<name>...)` group names as written."""
    parts = re.split(r"(\(\?P<\w+>)", fragment)
    return "".join(p if p.startswith("(?P<") else _fold_keeping_spaces(p) for p in parts)


def _fold_keeping_spaces(part: str) -> str:
    # `fold` trims; inside a pattern the spaces at either end of a piece are significant.
    head = part[:len(part) - len(part.lstrip())]
    tail = part[len(part.rstrip()):] if part.strip() else ""
    return head + fold(part) + tail if part.strip() else part
