"""From `Notam` to the DESIGN.md Item: severity rules, title and body, whole-file parsing."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from typing import NamedTuple

from monitor.countries import countries_of_firs
from monitor.errors import ParseError
from monitor.notam.model import Notam
from monitor.notam.parse import join_parts, parse_chunk, split_notams
from monitor.types import Area, Item, Severity, normalised_item

TITLE_LIMIT = 140
KICZ_TITLE_LIMIT = 160

_CRITICAL, _WARNING, _ADVISORY, _INFO = (
    Severity.CRITICAL, Severity.WARNING, Severity.ADVISORY, Severity.INFO)


class TextRule(NamedTuple):
    """One severity rule on the E) text (upper case, whitespace collapsed to single spaces).

    `triggers`: groups of substrings; every group must have one present (a cheap test that
    rules out most NOTAMs). `patterns`: then one of these regexes must match, when given.
    Each pattern starts with a literal (a word boundary, when needed, is checked after it),
    so the regex engine jumps from one occurrence of that literal to the next.
    """

    severity: Severity
    why: str
    triggers: tuple[tuple[str, ...], ...]
    patterns: tuple[str, ...] = ()


_GNSS_TROUBLE = r"\b[^.]{0,60}?\b(?:INTERFERENCE|JAMMING|JAMMED|SPOOFING|UNREL\w*" \
    r"|OUTAGES?|DEGRADED|DENIAL|TESTING)\b"
_AREA_ACTIVE = r" AREA\b[^.]{0,80}?\b(?:ACT|ACTIVE|ACTIVATED)\b"
_SHALL_ENTER = r"\b[^.]{0,300}?\bSHALL (?:ENTER|OVERFLY|OPERATE)"

# Severity from the E) text: the first rule that matches wins, so rules run from the most to
# the least severe. Q-codes do not reliably describe the content (Denmark's ban on Russian
# aircraft was coded QFAXX), so the text is always read. A bare "DO NOT USE" is not a
# closure (procedure NOTAMs use it), and "EXERCISE CAUTION" is not an exercise.
TEXT_RULES: tuple[TextRule, ...] = (
    TextRule(_CRITICAL, "prohibition", (("PROHIBIT",),)),
    TextRule(_CRITICAL, "not permitted", (("NOT PERMITTED",),), (r"NOT PERMITTED\b",)),
    TextRule(_CRITICAL, "do not operate", (("DO NOT OPERATE",),), (r"DO NOT OPERATE\b",)),
    TextRule(_CRITICAL, "closed to all traffic", (("TO ALL", "FOR ALL"), ("CLSD", "CLOSED")),
             (r"CLSD (?:FOR|TO) ALL\b", r"CLOSED (?:FOR|TO) ALL\b")),
    TextRule(_CRITICAL, "airspace closed", (("FIR", "UIR", "AIRSPACE"), ("CLSD", "CLOSED")),
             tuple(rf"{space} (?:IS |WILL BE )?(?:CLSD|CLOSED)\b"
                   for space in ("FIR", "UIR", "AIRSPACE"))),
    TextRule(_CRITICAL, "no aircraft shall enter", (("NO AIRCRAFT", "NO ACFT"), ("SHALL",)),
             (r"NO AIRCRAFT" + _SHALL_ENTER, r"NO ACFT" + _SHALL_ENTER)),
    TextRule(_WARNING, "potentially hazardous situation", (("POTENTIALLY HAZARDOUS",),)),
    TextRule(_WARNING, "security advisory", (("SECURITY",), ("ADVISORY", "EXERCISE CAUTION"))),
    TextRule(_ADVISORY, "GNSS interference", (("GNSS", "GPS", "JAMMING", "SPOOFING"),),
             (r"GNSS" + _GNSS_TROUBLE, r"GPS" + _GNSS_TROUBLE, r"JAMMING\b", r"SPOOFING\b")),
    TextRule(_ADVISORY, "danger or restricted area active", (("AREA",), ("ACT",)),
             (r"DANGER" + _AREA_ACTIVE, r"RESTRICTED" + _AREA_ACTIVE,
              r"TEMPO(?:RARY)? (?:RESERVED|SEGREGATED|RESTRICTED)" + _AREA_ACTIVE)),
    TextRule(_ADVISORY, "military activity",
             (("MIL", "EXERCISE", "FIRING", "FRNG", "MISSILE", "ROCKET", "GUNFIRE", "SAM"),),
             (r"MIL(?:ITARY)? (?:EXER\w*|ACTIVITY|ACT|OPS|OPERATIONS|TRAINING|FLIGHTS?)\b",
              r"EXERCISES?\b(?! CAUTION)", r"FIRING\b", r"FRNG\b", r"MISSILE\b", r"ROCKET\b",
              r"GUNFIRE\b", r"SAM\b(?<![A-Z]SAM)")),
    TextRule(_ADVISORY, "unmanned aircraft", (("UNMANNED", "UAS"),),
             (r"UNMANNED", r"UAS\b(?<![A-Z]UAS)")),
)

# Severity from the Q-code subject (2nd-3rd letters) and condition (4th-5th); "*" is any
# condition. Looked up as (subject, condition), then (subject, "*").
QCODE_RULES: dict[tuple[str, str], tuple[Severity, str]] = {
    ("AF", "LC"): (_CRITICAL, "FIR closed"),
    ("FA", "LC"): (_CRITICAL, "aerodrome closed"),
    ("RP", "CA"): (_CRITICAL, "prohibited area activated"),
    ("RA", "CA"): (_ADVISORY, "airspace reservation activated"),
    ("RD", "CA"): (_ADVISORY, "danger area activated"),
    ("RM", "CA"): (_ADVISORY, "military operating area activated"),
    ("RR", "CA"): (_ADVISORY, "restricted area activated"),
    ("RT", "CA"): (_ADVISORY, "temporary restricted area activated"),
    ("GA", "*"): (_ADVISORY, "GNSS aerodrome services"),
    ("GW", "*"): (_ADVISORY, "GNSS area-wide services"),
    ("GA", "AK"): (_INFO, "GNSS resumed normal operation"),
    ("GW", "AK"): (_INFO, "GNSS resumed normal operation"),
    ("WE", "*"): (_ADVISORY, "exercises"),
    ("WM", "*"): (_ADVISORY, "missile, gun or rocket firing"),
    ("WU", "*"): (_ADVISORY, "unmanned aircraft"),
}

# "Prohibited" or "closed" in a NOTAM about one runway, taxiway, light, navaid, frequency or
# obstacle (Q subjects M., L., I., N., C., OB, OL) is a local restriction, not an airspace
# closure: capped at advisory.
_LOCAL_SUBJECT_LETTERS = frozenset("MLINC")
_LOCAL_SUBJECTS = frozenset({"OB", "OL"})

# Every rule needs one of its first-group triggers: most texts hold none and stop here.
# (A trigger holding another, as FIRING holds FIR, adds nothing to this test.)
_FIRST_TRIGGERS = {trigger for rule in TEXT_RULES for trigger in rule.triggers[0]}
_GATE = tuple(sorted(t for t in _FIRST_TRIGGERS
                     if not any(other != t and other in t for other in _FIRST_TRIGGERS)))
_FIR_PAREN = re.compile(r"\([A-Z]{4}(?: FIR)?\)")
# NOTAMs parsed before they become items: each stage's code then stays warm in the CPU's
# caches, a sixth faster than taking one NOTAM at a time through every stage.
_BATCH = 200
_RULE_SUBJECTS = frozenset(subject for subject, _ in QCODE_RULES)  # most Q-codes have no rule


def parse_notam_items(text: str, *, source: str, url: str | None = None) -> list[Item]:
    """Every NOTAM in a text file as an Item (parts of one NOTAM are joined).

    Raises ParseError naming the NOTAM that could not be read, by index and first line.
    A blank text holds no NOTAM and gives [].
    """
    return list(iter_notam_items(text, source=source, url=url))


def iter_notam_items(text: str, *, source: str, url: str | None = None) -> Iterator[Item]:
    """`parse_notam_items`, one Item at a time: a caller that writes them out need not hold
    them all. The ParseError comes after the items of the NOTAMs before the one it names."""
    chunks = split_notams(text)
    del text  # the chunks hold what is needed of it: no second copy is kept meanwhile
    parts: list[Notam] = []  # consecutive parts of one NOTAM, waiting for the rest
    for start in range(0, len(chunks), _BATCH):
        notams: list[Notam] = []
        error = None
        try:
            for chunk in chunks[start:start + _BATCH]:
                notams.append(parse_chunk(chunk))
        except ParseError as exc:
            error = exc
        for notam in notams:
            if notam.part is None and not parts:
                # Items are made as the NOTAMs come: a file's worth of Notams is never held.
                yield to_item(notam, source=source, url=url)
                continue
            parts.append(notam)
            if notam.part is None or notam.part == notam.parts:
                for joined in join_parts(parts):
                    yield to_item(joined, source=source, url=url)
                parts = []
        if error is not None:
            index = start + len(notams)
            first = chunks[index].split("\n", 1)[0].strip()[:60]
            raise ParseError(f"NOTAM {index + 1} of {len(chunks)} ({first!r}): {error}",
                             source=source, url=url or "") from error
    for joined in join_parts(parts):
        yield to_item(joined, source=source, url=url)


def to_item(notam: Notam, *, source: str, url: str | None = None) -> Item:
    """The DESIGN.md item for one NOTAM (kind "notam"; a NOTAMC is "cancelled")."""
    summary = " ".join(notam.text.split())
    heading = summary or " ".join(notam.raw.split())
    limit = TITLE_LIMIT
    if notam.issuer == "KICZ":
        # KICZ titles stop after the first FIR code: "… FLIGHT INFORMATION REGION (SVZM)";
        # that heading may run a little past the usual limit rather than lose the code.
        fir = _FIR_PAREN.search(summary)
        if fir is not None:
            heading, limit = summary[:fir.end()], KICZ_TITLE_LIMIT
    op, key = notam.type, notam.key
    ref_key = notam.ref_key
    if op == "C" and ref_key:
        title = f"{key}: cancels {ref_key}: {heading}"
    else:
        title = f"{key}: {heading}"
    area = None
    lat, lon, radius = notam.lat, notam.lon, notam.radius_nm
    if radius is not None and lat is not None and lon is not None:
        area = Area(lat, lon, radius, notam.lower_fl, notam.upper_fl)  # by position: faster
    # The parser's firs/airports are sorted code tuples and its times UTC: Item's
    # normalisation would change nothing. Arguments by position, in field order: keywords
    # would cost a third of the call. Countries: those `countries.derived` would add.
    return normalised_item(
        source, "notam", key, trim(title.rstrip(": "), limit),  # source, kind, key, title
        severity_of(op, notam.qcode, summary.upper())[0],  # severity
        "cancelled" if op == "C" else "active",  # status
        _body(notam, summary or heading), url,  # body, url
        notam.firs, notam.airports, countries_of_firs(notam.firs), (), None,  # ..., flight
        notam.valid_from, notam.valid_to, notam.valid_to_estimated,
        ref_key if op == "R" else None, ref_key if op == "C" else None,  # replaces, cancels
        area, notam.created)  # area, published_at


def classify(notam: Notam) -> tuple[Severity, str]:
    """Severity and the rule that gave it (TEXT_RULES and QCODE_RULES above).

    A NOTAMC is an all-clear: info. Otherwise the higher of the text and Q-code severities,
    with a text-only "critical" capped at advisory for local-facility Q subjects.
    """
    return severity_of(notam.type, notam.qcode, " ".join(notam.text.upper().split()))


def trim(text: str, limit: int = TITLE_LIMIT) -> str:
    """One line of at most `limit` characters, cut at a word boundary with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    if cut < limit // 2:
        cut = limit - 1
    return text[:cut].rstrip(" ,.;:-") + "…"


def severity_of(op: str, qcode: str | None, text: str) -> tuple[Severity, str]:
    """`classify` from a NOTAM's type (N, R, C), Q-code and E) text (upper case, whitespace
    collapsed to single spaces)."""
    if op == "C":
        return _INFO, "cancellation"
    text_sev, text_why = _text_severity(text)
    q_sev, q_why, local = _Q_RULES.get(qcode) or _q_rule(qcode)
    if text_sev == _CRITICAL and q_sev < _CRITICAL and local:
        return _ADVISORY, f"{text_why} (local facility {qcode or ''})"
    if q_sev > text_sev:
        return q_sev, f"{q_why} ({qcode or ''})"
    return text_sev, text_why or "no rule matched"


def severity_level(op: str, qcode: str | None, text: str) -> Severity:
    """`severity_of(op, qcode, text)[0]`, without the words saying why (an item line prints
    only the level)."""
    return _INFO if op == "C" else _with_q_rule(_text_severity(text)[0], qcode)


def _with_q_rule(text_sev: Severity, qcode: str | None) -> Severity:
    """The level of a NOTAM that is no cancellation, from its text's: the higher of that and
    its Q-code's, a critical text capped at advisory for a local facility."""
    q_sev, _, local = _Q_RULES.get(qcode) or _q_rule(qcode)
    if text_sev == _CRITICAL and q_sev < _CRITICAL and local:
        return _ADVISORY
    return q_sev if q_sev > text_sev else text_sev


def _q_rule(qcode: str | None) -> tuple[Severity, str, bool]:
    """The Q-code's rule (its severity and why; info and "" without one) and whether its
    subject is a local facility. Kept: a file holds few distinct codes."""
    code = qcode or ""
    subject = code[1:3]
    q_sev, q_why = _INFO, ""
    if subject in _RULE_SUBJECTS:
        q_rule = QCODE_RULES.get((subject, code[3:5])) or QCODE_RULES.get((subject, "*"))
        if q_rule is not None:
            q_sev, q_why = q_rule
    rule = q_sev, q_why, subject[:1] in _LOCAL_SUBJECT_LETTERS or subject in _LOCAL_SUBJECTS
    if len(_Q_RULES) >= 10_000:
        _Q_RULES.clear()
    _Q_RULES[qcode] = rule
    return rule


_Q_RULES: dict[str | None, tuple[Severity, str, bool]] = {}


def severity_levels(ops: list[str], qcodes: list[str | None],
                    texts: list[str]) -> list[Severity]:
    """`severity_level(op, qcode, text)` for each NOTAM of a list, the texts read together:
    each gate is looked for once in all of them (joined), not once in each."""
    return [_INFO if op == "C" else _with_q_rule(
                _masked_severity(mask, text)[0] if mask else _INFO, qcode)  # most: no gate
            for op, qcode, text, mask in zip(ops, qcodes, texts, _gate_masks(texts),
                                             strict=True)]


def _text_severity(text: str) -> tuple[Severity, str]:
    """The severity of the first of TEXT_RULES the text meets, trying only the rules a gate
    it holds lets through (most texts hold none)."""
    return _masked_severity(_gate_masks([text])[0], text)


def _masked_severity(mask: int, text: str) -> tuple[Severity, str]:
    """`_text_severity` of a text whose gates let through the rules of `mask`."""
    if not mask:
        return _INFO, ""
    return _first_met(_MASK_PLACES.get(mask) or _mask_places(mask), text)


def _gate_masks(texts: list[str]) -> list[int]:
    """For each text, the rules its gates let through, as bits (1 << place in TEXT_RULES).
    The gates are found in the texts joined by a newline (which no text holds: whitespace
    is collapsed), one `find` per occurrence: a call per gate and text costs more than the
    search itself. A gate found across a joint would only add rules to try, which the text
    itself then refutes."""
    joined = "\n".join(texts)
    ends: list[int] = []  # where each text's joint (or the end) is
    end = -1
    for text in texts:
        end += len(text) + 1
        ends.append(end)
    masks = [0] * len(texts)
    for gate, mask in _GATE_MASKS:
        found = joined.find(gate)
        while found >= 0:
            at = bisect_right(ends, found)  # the text holding it: the first ending after it
            masks[at] |= mask
            found = joined.find(gate, ends[at] + 1)
    return masks


def _first_met(places: tuple[int, ...], text: str) -> tuple[Severity, str]:
    """The severity of the first rule of TEXT_RULES, among those at `places`, that the text
    meets."""
    for place in places:
        rule, searches = _RULES[place]
        for group in rule.triggers:  # plain loops: this runs once per NOTAM
            for trigger in group:
                if trigger in text:
                    break
            else:
                break
        else:
            if not searches:
                return rule.severity, rule.why
            for lead, search in searches:
                if lead in text and search(text):
                    return rule.severity, rule.why
    return _INFO, ""


def _lead(pattern: str) -> str:
    """The literal a pattern starts with (a match holds it): up to the first special
    character, less the character a quantifier after it may take away; "" for a pattern
    with an alternative outside parentheses (whose match need not start so)."""
    if _top_level_bar(pattern):
        return ""
    for at, char in enumerate(pattern):
        if char in "\\.^$*+?{}[]()|":
            return pattern[:at - 1] if char in "*?{" else pattern[:at]
    return pattern


def _top_level_bar(pattern: str) -> bool:
    """Whether a `|` stands outside every group and character class of the pattern."""
    depth = 0
    in_class = escaped = False
    for char in pattern:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            return True
    return False


def _mask_places(mask: int) -> tuple[int, ...]:
    places = tuple(place for place in range(len(TEXT_RULES)) if mask >> place & 1)
    _MASK_PLACES[mask] = places  # at most one per set of rules: a few thousand
    return places


# Each rule with the `search` methods of its compiled patterns, each after the literal the
# pattern starts with: `lead in text` costs a tenth of a search that finds nothing.
_RULES = tuple((rule, tuple((_lead(p), re.compile(p).search) for p in rule.patterns))
               for rule in TEXT_RULES)
# Each gate with the rules that have a first-group trigger holding it, as bits (1 << place
# in TEXT_RULES): a text can meet a rule only when it holds one of the rule's gates. And
# the places of each set of bits met so far.
_GATE_MASKS = tuple((gate, sum(1 << place for place, rule in enumerate(TEXT_RULES)
                               if any(gate in trigger for trigger in rule.triggers[0])))
                    for gate in _GATE)
_MASK_PLACES: dict[int, tuple[int, ...]] = {}


def _body(notam: Notam, text: str) -> str:
    """The E) text on one line, then the schedule and the vertical limits when given."""
    lines = [text]
    if notam.part is not None:
        lines.append(f"PART {notam.part} OF {notam.parts}")  # the other parts were not given
    if notam.schedule:
        lines.append(f"SCHEDULE: {notam.schedule}")
    lower, upper = notam.lower_limit, notam.upper_limit
    if lower and upper:
        lines.append(f"LIMITS: {lower} TO {upper}")
    elif lower or upper:
        lines.append(f"LOWER LIMIT: {lower}" if lower else f"UPPER LIMIT: {upper}")
    return "\n".join(lines)
