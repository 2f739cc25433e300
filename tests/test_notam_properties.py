"""Any text given to the NOTAM parser either parses or raises ParseError, the same way twice.

Valid NOTAMs from the hand-written fixtures are damaged at random (deletions, insertions of
NOTAM-ish fragments, swapped characters, truncation) and fed to the parser and to the
whole-file reader; nothing but ParseError may come out. The severity reader, which tries
only the rules whose gate word a text holds, meets the rule a plain reading in order meets;
footer and END PART lines are dropped as the line patterns drop them.
"""

from __future__ import annotations

import contextlib
import re
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from monitor.errors import ParseError
from monitor.notam import TEXT_RULES, fields, parse_notam, parse_notam_items, split_notams, to_item
from monitor.notam.item import (
    QCODE_RULES,
    _lead,
    severity_level,
    severity_levels,
    severity_of,
)
from monitor.notam.parse import strip_footers
from monitor.types import Severity

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "notam"
VALID = [notam for path in sorted(FIXTURES.glob("*.txt"))
         for notam in split_notams(path.read_text(encoding="utf-8"))]
FRAGMENTS = ["A) ", "B) ", "C) ", "D) ", "E) ", "F) ", "G) ", "Q) ", "(", ")", "/", "//",
             "\n", "\r\n", "\n\n", " ", "EST", "PERM", "UFN", "WIE", "NOTAMN ", "NOTAMR A0001/25",
             "NOTAMC ", "!", "KICZ ", "PART 1 OF 2", "END PART 2 OF 2", "CREATED: ", "UNTIL ",
             "SFC-UNL: ", "2513012400", "9912312359", "0000000000", "…", "—", "²", "٣",
             "\x00", "SECURITY..", "(SVZM)", "QRTCA", "5939N01755E005"]
SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


@st.composite
def mutated(draw: st.DrawFn) -> str:
    text = draw(st.sampled_from(VALID))
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        kind = draw(st.sampled_from(["delete", "insert", "swap", "truncate", "junk"]))
        if not text:
            break
        i = draw(st.integers(min_value=0, max_value=len(text) - 1))
        if kind == "delete":
            j = draw(st.integers(min_value=i, max_value=min(len(text), i + 40)))
            text = text[:i] + text[j:]
        elif kind == "insert":
            text = text[:i] + draw(st.sampled_from(FRAGMENTS)) + text[i:]
        elif kind == "swap" and len(text) > 1:
            j = draw(st.integers(min_value=0, max_value=len(text) - 1))
            chars = list(text)
            chars[i], chars[j] = chars[j], chars[i]
            text = "".join(chars)
        elif kind == "truncate":
            text = text[:i]
        else:
            text = text[:i] + draw(st.text(max_size=12)) + text[i:]
    return text


def _parse_or_refuse(text: str) -> object:
    try:
        notam = parse_notam(text)
    except ParseError:
        return "ParseError"
    return to_item(notam, source="prop")


@SETTINGS
@given(mutated())
def test_a_damaged_notam_parses_or_raises_parse_error(text: str) -> None:
    _parse_or_refuse(text)


@SETTINGS
@given(st.lists(mutated(), min_size=1, max_size=4))
def test_a_damaged_file_parses_or_raises_parse_error(notams: list[str]) -> None:
    with contextlib.suppress(ParseError):
        parse_notam_items("\n\n".join(notams), source="prop")


@SETTINGS
@given(st.text(max_size=300))
def test_any_text_parses_or_raises_parse_error(text: str) -> None:
    _parse_or_refuse(text)


@SETTINGS
@given(mutated())
def test_parsing_is_deterministic(text: str) -> None:
    assert _parse_or_refuse(text) == _parse_or_refuse(text)


def _first_rule_met(text: str) -> tuple[object, str]:
    """TEXT_RULES tried one after the other, every trigger and pattern read: the plain form
    of what the severity reader does."""
    for rule in TEXT_RULES:
        if all(any(trigger in text for trigger in group) for group in rule.triggers) and (
                not rule.patterns or any(re.search(p, text) for p in rule.patterns)):
            return rule.severity, rule.why
    return Severity.INFO, ""


WORDS = sorted({t for rule in TEXT_RULES for group in rule.triggers for t in group}
               | {"CLSD", "CLOSED", "ACTIVE", "ACT", "SHALL ENTER", "INTERFERENCE", "SAMPLE",
                  "USUAS", "FIRST", "CAUTION", "RWY", "(SVZM)", ".", " ", "DANGER", "IS"})


@SETTINGS
@given(st.lists(st.sampled_from(WORDS), max_size=12), st.sampled_from(VALID))
def test_the_severity_reader_meets_the_first_rule_a_text_meets(words: list[str],
                                                               notam: str) -> None:
    for text in (" ".join(words), " ".join(notam.upper().split()) + " " + " ".join(words)):
        assert severity_of("N", None, text) == _first_rule_met(text) or (
            _first_rule_met(text) == (Severity.INFO, "")
            and severity_of("N", None, text) == (Severity.INFO, "no rule matched"))


QCODES = [None, "", "Q", "QMRLC", "QOBCE", "QLRAS", "QCAAS", "QNVAS", "QIIAS", *(
    f"Q{subject}{'XX' if condition == '*' else condition}" for subject, condition in QCODE_RULES)]


@SETTINGS
@given(st.lists(st.sampled_from(WORDS), max_size=12), st.sampled_from(QCODES),
       st.sampled_from("NRC"))
def test_the_severity_level_is_the_severity_reader_s(words: list[str], qcode: str | None,
                                                     op: str) -> None:
    text = " ".join(words)
    assert severity_level(op, qcode, text) == severity_of(op, qcode, text)[0]


TEXTS = st.lists(st.sampled_from(WORDS), max_size=12).map(" ".join)


@SETTINGS
@given(st.lists(st.tuples(TEXTS, st.sampled_from(QCODES), st.sampled_from("NRC")), max_size=40))
def test_severities_read_together_are_each_text_s(notams: list[tuple[str, str | None, str]]
                                                  ) -> None:
    """The gates are looked for in the texts joined: a gate across a joint (a text ending
    "...NO", the next starting "ACFT...") must not change a text's level."""
    texts = [text for text, _, _ in notams]
    qcodes = [qcode for _, qcode, _ in notams]
    ops = [op for _, _, op in notams]
    assert severity_levels(ops, qcodes, texts) == [
        severity_level(op, qcode, text) for op, qcode, text in zip(ops, qcodes, texts,
                                                                    strict=True)]


FOOTER_LINE = re.compile(r"^[ \t]*(CREATED|SOURCE):(.*)$", re.M)  # as a line-wise pattern reads
LINE_BITS = ["CREATED: 01 Dec 2025 06:10:00", "SOURCE: MPTOYNYX EXTRA", "SOURCE:", "CREATED:x",
             "END PART 2 OF 3", "END  PART 10 OF 12  ", " END\tPART 1 OF 2", "X END PART 1 OF 2",
             "END PART 1 OF 2 X", "END PART ١ OF 2", "E) TEXT", "  ", "\t", "SOURCE: CREATED: 1",
             "CREATEDSOURCE: y", "END PART", "PART 1 OF 2", "DEPARTURE", "(", ")"]


@SETTINGS
@given(st.lists(st.tuples(st.sampled_from(LINE_BITS), st.sampled_from(["", "\n", " ", "\n  "])),
                max_size=8))
def test_footer_and_end_part_lines_are_dropped_as_line_patterns_drop_them(
        bits: list[tuple[str, str]]) -> None:
    text = "".join(bit + after for bit, after in bits)
    created = source = None
    for match in FOOTER_LINE.finditer(text):
        value = match[2].strip()
        if match[1] == "CREATED":
            created = fields.created_time(value)
        elif value:
            source = value.split()[0]
    assert strip_footers(text) == (FOOTER_LINE.sub("", text).rstrip(), created, source)
    assert fields.drop_end_part(text) == fields.END_PART.sub("", text)


LEAD_PATTERNS = [r"NOT PERMITTED\b", r"CLSD (?:FOR|TO) ALL\b", r"EXERCISES?\b(?! CAUTION)",
                 r"MIL(?:ITARY)? (?:OPS|ACT)", r"AREA|ZONE", r"RWY(?:S)? CLSD|TWY", r"AB[|]C",
                 r"GNSS\b[^.]{0,20}?\bJAM", r"XY{2}Z", *(p for rule in TEXT_RULES
                                                       for p in rule.patterns)]


@SETTINGS
@given(st.lists(st.sampled_from(["AREA", "ZONE", "TWY", "RWY", "RWYS", "CLSD", "TO", "ALL",
                                 "AB|C", "XYYZ", "EXERCISE", "EXERCISES", "MIL", "MILITARY",
                                 "OPS", "GNSS", "JAM", "NOT", "PERMITTED", " ", "."]),
                max_size=10).map(" ".join))
def test_a_pattern_matches_only_a_text_holding_its_lead(text: str) -> None:
    """A rule's pattern is searched only when its lead is in the text: a text it matches
    must hold its lead (none for a pattern with an alternative outside parentheses)."""
    for pattern in LEAD_PATTERNS:
        if re.search(pattern, text):
            assert _lead(pattern) in text, (pattern, _lead(pattern))
    assert _lead(r"AREA|ZONE") == "" and _lead(r"CLSD (?:FOR|TO) ALL\b") == "CLSD "
