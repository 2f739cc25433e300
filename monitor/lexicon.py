"""The notice lexicon: disruption and resumption wording, stated days and watched places, as data.

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

# "from" phrases: the date that follows is when a suspension begins; groups as in UNTIL.
SINCE: dict[str, tuple[str, ...]] = {
    "es": (r"(desde|a partir de(l)?|a contar de(l)?) (el )?(día )?(\w+ )?(?P<day>\d{1,2})( de)? "
           r"(?P<month>{month})( de(l)? (?P<year>\d{4}))?",),
    "pt": (r"(desde|a partir d[eo]) (o )?(dia )?(?P<day>\d{1,2})( de)? (?P<month>{month})"
           r"( de (?P<year>\d{4}))?",),
    "en": (r"(from|since|starting|beginning|as of|effective) (on )?(the )?(\w+,? )?"
           r"(?P<day>\d{1,2})(st|nd|rd|th)?( of)? (?P<month>{month})\.?(,? (?P<year>\d{4}))?",
           r"(from|since|starting|beginning|as of|effective) (on )?(\w+,? )?(?P<month>{month})\.? "
           r"(?P<day>\d{1,2})(st|nd|rd|th)?(,? (?P<year>\d{4}))?"),
    # "29 Kasım'dan itibaren", "29 Kasım 2025'ten", "29 Kasım tarihinden itibaren".
    "tr": (r"(?P<day>\d{1,2}) (?P<month>{month})( (?P<year>\d{4}))?\w* (tarihinden )?itibaren",
           r"(?P<day>\d{1,2}) (?P<month>{month})( (?P<year>\d{4}))?(dan|den|tan|ten)"),
}

# Both ends in one phrase: "del 24 al 28 de noviembre", "de 29 de novembro de 2025 a 14 de
# fevereiro de 2026", "from 24 to 28 November", "24-28 Kasım". The first day is `day1` (with
# `month1` and `year1` when written; else the second day's month); the last day as in UNTIL.
RANGE: dict[str, tuple[str, ...]] = {
    "es": (r"(del?|desde( el)?|entre( el)?) (día )?(\w+ )?(?P<day1>\d{1,2})"
           r"( de (?P<month1>{month})( de(l)? (?P<year1>\d{4}))?)? (al?|y( el)?|hasta( el)?) "
           r"(día )?(\w+ )?(?P<day>\d{1,2})( de)? (?P<month>{month})( de(l)? (?P<year>\d{4}))?",
           r"(?P<day1>\d{1,2}) ?- ?(?P<day>\d{1,2})( de)? (?P<month>{month})( de(l)? "
           r"(?P<year>\d{4}))?"),
    "pt": (r"(de|do|desde( o)?|entre) (dia )?(?P<day1>\d{1,2})( de (?P<month1>{month})"
           r"( de (?P<year1>\d{4}))?)? (a|ao|e|at[eé]( o)?) (dia )?(?P<day>\d{1,2})( de)? "
           r"(?P<month>{month})( de (?P<year>\d{4}))?",
           r"(?P<day1>\d{1,2}) ?- ?(?P<day>\d{1,2})( de)? (?P<month>{month})( de "
           r"(?P<year>\d{4}))?"),
    "en": (r"(from|between) (the )?(?P<day1>\d{1,2})(st|nd|rd|th)?( (of )?(?P<month1>{month})\.?"
           r"(,? (?P<year1>\d{4}))?)? (to|until|through|till|and) (the )?(?P<day>\d{1,2})"
           r"(st|nd|rd|th)?( of)? (?P<month>{month})\.?(,? (?P<year>\d{4}))?",
           r"(from|between) (?P<month1>{month})\.? (?P<day1>\d{1,2})(st|nd|rd|th)?"
           r"(,? (?P<year1>\d{4}))? (to|until|through|till|and) ((?P<month>{month})\.? )?"
           r"(?P<day>\d{1,2})(st|nd|rd|th)?(,? (?P<year>\d{4}))?",
           r"(?P<month1>{month})\.? (?P<day1>\d{1,2}) ?- ?(?P<day>\d{1,2})(,? (?P<year>\d{4}))?",
           r"(?P<day1>\d{1,2}) ?- ?(?P<day>\d{1,2}) (?P<month>{month})\.?(,? (?P<year>\d{4}))?"),
    "tr": (r"(?P<day1>\d{1,2})( (?P<month1>{month}))? ?- ?(?P<day>\d{1,2}) (?P<month>{month})\w*"
           r"( (?P<year>\d{4})\w*)?",),
}

# A full date as pages write it in "last updated" stamps: "22 de noviembre de 2025",
# "November 22, 2025", "22 Kasım 2025".
WRITTEN_DAY: dict[str, tuple[str, ...]] = {
    "es": (r"(?P<day>\d{1,2}) de (?P<month>{month}) de(l)? (?P<year>\d{4})",),
    "pt": (r"(?P<day>\d{1,2}) de (?P<month>{month}) de (?P<year>\d{4})",),
    "en": (r"(?P<day>\d{1,2})(st|nd|rd|th)?( of)? (?P<month>{month})\.?,? (?P<year>\d{4})",
           r"(?P<month>{month})\.? (?P<day>\d{1,2})(st|nd|rd|th)?,? (?P<year>\d{4})"),
    "tr": (r"(?P<day>\d{1,2}) (?P<month>{month}) (?P<year>\d{4})",),
}

# Open-ended suspensions, shown as "until further notice".
UNTIL_FURTHER_NOTICE: dict[str, tuple[str, ...]] = {
    "es": (r"hasta nuevo aviso", r"hasta nueva orden"),
    "pt": (r"até novo aviso", r"até segunda ordem", r"até nova ordem"),
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
class StatedDay:
    """A day as a notice writes it; `year` only when the notice gives one."""

    day: int
    month: int
    year: int | None = None

    @property
    def label(self) -> str:
        """"12 Dec", "15 Jan 2026"."""
        head = f"{self.day} {MONTH_LABELS[self.month - 1]}"
        return f"{head} {self.year}" if self.year is not None else head


@dataclass(frozen=True, slots=True)
class Span:
    """The days a notice states: its first and last day as written, or an open end."""

    start: StatedDay | None = None
    end: StatedDay | None = None
    open_ended: bool = False      # "until further notice": no last day

    @property
    def states_end(self) -> bool:
        return self.end is not None or self.open_ended

    @property
    def label(self) -> str | None:
        """The end as titles show it: "12 Dec", "15 Jan 2026", "further notice", or None."""
        if self.open_ended:
            return FURTHER_NOTICE
        return self.end.label if self.end is not None else None


FURTHER_NOTICE = "further notice"


@dataclass(frozen=True, slots=True)
class Reading:
    """What one notice section says, as the lexicon reads it."""

    signals: frozenset[Signal]
    verdict: Signal | None        # CANCELLATION, SUSPENSION, RESUMPTION, DELAY or None
    until: str | None             # "12 Dec", "15 Jan 2026", "further notice"
    places: tuple[Place, ...]
    span: Span | None = None      # the days a disruption covers, as written

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
    stated = None
    if verdict in (Signal.CANCELLATION, Signal.SUSPENSION):
        stated = _disruption_span(deciding, units)
    return Reading(signals=frozenset(found), verdict=verdict,
                   until=stated.label if stated else None,
                   places=places_in(f"{heading}\n{text}", places), span=stated)


def signals(text: str) -> set[Signal]:
    """Every signal whose terms occur in `text` (any language)."""
    folded = fold(text)
    found = {signal for signal, pattern in _signal_patterns().items() if pattern.search(folded)}
    if until(text) is not None:
        found.add(Signal.EXTENSION)
    return found


def until(text: str) -> str | None:
    """The end an "until" phrase announces in `text`: "12 Dec", "15 Jan 2026", "further
    notice", or None."""
    folded = fold(text)
    if _further_notice().search(folded):
        return FURTHER_NOTICE
    end = _first_day(_until_patterns(), folded) if _HAS_DIGIT.search(folded) else None
    return end.label if end is not None else None


def span(text: str) -> Span | None:
    """The days one sentence states, years as written: a range ("del 24 al 28 de noviembre"),
    a start ("desde el 29 de noviembre", "a partir de"), an end ("hasta el 31 de diciembre")
    or an open end ("hasta nuevo aviso"); None when it states none."""
    folded = fold(text)
    open_ended = bool(_further_notice().search(folded))
    if not _HAS_DIGIT.search(folded):   # every day phrase has a number: most sentences none
        return Span(open_ended=True) if open_ended else None
    start = end = None
    for language, pattern in _range_patterns():
        for match in pattern.finditer(folded):
            found = _range(language, match)
            if found is not None:
                start, end = found
                break
        if end is not None:
            break
    if end is None and not open_ended:
        end = _first_day(_until_patterns(), folded)
    if start is None:
        start = _first_day(_since_patterns(), folded)
    if open_ended:
        end = None
    if start is None and end is None and not open_ended:
        return None
    return Span(start=start, end=end, open_ended=open_ended)


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


def written_day(text: str) -> StatedDay | None:
    """The first full date written out with a month name in `text` ("22 de noviembre de
    2025"), or None."""
    return _first_day(_date_patterns("written"), fold(text))


def _disruption_span(deciding: str, units: Sequence[str]) -> Span | None:
    """The end the deciding sentence gives, else the first one the section gives; the start
    from the same sentence as the end, else from the deciding one."""
    chosen = span(deciding)
    if chosen is not None and chosen.states_end:
        return chosen
    other = next((s for s in map(span, units) if s is not None and s.states_end), None)
    if other is None:
        return chosen
    if other.start is None and chosen is not None:
        return Span(start=chosen.start, end=other.end, open_ended=other.open_ended)
    return other


def _first_day(patterns: Iterable[tuple[str, re.Pattern[str]]],
               folded: str) -> StatedDay | None:
    for language, pattern in patterns:
        for match in pattern.finditer(folded):
            day = _stated_day(language, match["day"], match["month"], match["year"])
            if day is not None:
                return day
    return None


def _range(language: str, match: re.Match[str]) -> tuple[StatedDay, StatedDay] | None:
    groups = match.groupdict()
    month = groups.get("month") or groups.get("month1")
    end = _stated_day(language, match["day"], month, match["year"])
    start = _stated_day(language, match["day1"], groups.get("month1") or month,
                        groups.get("year1"))
    return (start, end) if start is not None and end is not None else None


def _stated_day(language: str, day_text: str, month_text: str | None,
                year_text: str | None) -> StatedDay | None:
    day = int(day_text)
    month = _month_number(language, month_text) if month_text else None
    if month is None or not 1 <= day <= _DAYS_IN_MONTH[month - 1]:
        return None
    return StatedDay(day, month, int(year_text) if year_text else None)


_HAS_DIGIT = re.compile(r"\d")
# The most days a month can have (29 February is checked against the year when one is known).
_DAYS_IN_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


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


def _until_patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    return _date_patterns("until")


def _since_patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    return _date_patterns("since")


def _range_patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    return _date_patterns("range")


@cache
def _date_patterns(table: str) -> tuple[tuple[str, re.Pattern[str]], ...]:
    """The compiled date phrases of one table, `{month}` filled with the language's months."""
    # Folding leaves group names alone: they are plain ASCII.
    tables = {"until": UNTIL, "since": SINCE, "range": RANGE, "written": WRITTEN_DAY}
    patterns = []
    for language, fragments in tables[table].items():
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
