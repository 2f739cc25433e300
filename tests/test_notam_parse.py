"""The NOTAM text parser: fixtures compared whole, then the rules behind each field.

The fixtures in tests/fixtures/notam/ are written by hand in the real formats (ICAO items,
the FAA KICZ display form, US domestic `!` texts); only the KICZ A0012/25 advisory is the
published US government text. After an intended change, regenerate the expected files with
`python tests/test_notam_parse.py` and review the diff.
"""

from __future__ import annotations

import json
import sys
from dataclasses import FrozenInstanceError
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from monitor.errors import ParseError
from monitor.notam import (
    QCODE_RULES,
    TEXT_RULES,
    classify,
    parse_notam,
    parse_notam_items,
    split_notams,
    stamp,
    to_item,
    two_digit_year,
)
from monitor.types import Item, Severity

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "notam"
SOURCE = "notam"


def fixture_names() -> list[str]:
    return sorted(p.stem for p in FIXTURES.glob("*.txt"))


def fixture_text(name: str) -> str:
    # newline="" keeps the CRLF fixture's line endings as written
    with open(FIXTURES / f"{name}.txt", encoding="utf-8", newline="") as handle:
        return handle.read()


def items_json(text: str) -> list[dict[str, Any]]:
    return [item.to_json() for item in parse_notam_items(text, source=SOURCE)]


def item(text: str) -> Item:
    return to_item(parse_notam(text), source=SOURCE)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


KICZ_A0012 = fixture_text("kicz_display").split("\n\n")[0]


# --- fixtures, whole ------------------------------------------------------------------------

@pytest.mark.parametrize("name", fixture_names())
def test_fixture_parses_to_its_expected_json(name: str) -> None:
    expected = json.loads((FIXTURES / f"{name}.expected.json").read_text(encoding="utf-8"))
    assert items_json(fixture_text(name)) == expected


def test_every_fixture_has_an_expected_file_and_no_expected_file_is_orphaned() -> None:
    texts = {p.stem for p in FIXTURES.glob("*.txt")}
    expected = {p.name.removesuffix(".expected.json") for p in FIXTURES.glob("*.expected.json")}
    assert texts == expected


@pytest.mark.parametrize("name", fixture_names())
def test_whitespace_reformatting_gives_identical_items(name: str) -> None:
    text = fixture_text(name).replace("\r\n", "\n")
    variants = [
        text.replace("\n", "\r\n"),                                  # CRLF
        text.replace("\n", "  \n"),                                  # trailing spaces
        text.replace(" ", "  "),                                     # doubled spaces
        "\n\n" + text.replace("\n\n", "\n\n\n") + "\n\n",            # extra blank lines
    ]
    original = items_json(text)
    for variant in variants:
        assert items_json(variant) == original


# --- the KICZ advisory that started it ------------------------------------------------------

def test_kicz_a0012_advisory_display_text_gives_the_contract_item() -> None:
    [advisory] = parse_notam_items(KICZ_A0012, source=SOURCE)
    assert advisory.key == "KICZ A0012/25"
    assert advisory.kind == "notam"
    assert advisory.severity == Severity.WARNING
    assert advisory.status == "active"
    assert advisory.firs == ("SVZM",)
    assert advisory.valid_from == utc(2025, 11, 21, 17, 43)
    assert advisory.valid_to == utc(2026, 2, 19, 23, 59)
    assert advisory.published_at == utc(2025, 11, 21, 18, 8)
    assert advisory.title == (
        "KICZ A0012/25: SECURITY..UNITED STATES OF AMERICA ADVISORY FOR POTENTIALLY "
        "HAZARDOUS SITUATION IN THE MAIQUETIA FLIGHT INFORMATION REGION (SVZM)")
    assert advisory.body.startswith("SECURITY..UNITED STATES OF AMERICA ADVISORY")
    assert advisory.body.endswith("+1 (202) 267-3333\nLIMITS: SFC TO UNL")


def test_kicz_display_form_reads_number_limits_and_times() -> None:
    notam = parse_notam(KICZ_A0012)
    assert (notam.form, notam.issuer, notam.id, notam.series, notam.number, notam.year) == (
        "kicz", "KICZ", "A0012/25", "A", "0012", 2025)
    assert (notam.lower_limit, notam.upper_limit, notam.lower_fl, notam.upper_fl) == (
        "SFC", "UNL", 0, 999)


def test_kicz_reposts_with_ellipsis_or_double_dots_give_the_same_item() -> None:
    dots = KICZ_A0012.replace("NOTAM…SECURITY…UNITED", "NOTAMN SECURITY..UNITED")
    assert item(dots) == item(KICZ_A0012)


def test_kicz_display_variants_perm_ufn_compact_end_and_dashes() -> None:
    perm, compact, ufn = split_notams(fixture_text("kicz_display"))[1:]
    prohibition = parse_notam(perm)
    assert prohibition.permanent and prohibition.valid_to is None
    assert (prohibition.lower_limit, prohibition.upper_limit, prohibition.upper_fl) == (
        "SFC", "FL999", 999)
    assert item(perm).severity == Severity.CRITICAL
    replacement = parse_notam(compact)
    assert replacement.valid_to == utc(2026, 3, 31, 23, 59) and replacement.valid_to_estimated
    assert (replacement.type, replacement.ref, replacement.upper_fl) == ("R", "A0901/26", 260)
    assert item(compact).replaces == "KICZ A0901/26"
    wie = parse_notam(ufn)
    assert wie.valid_from == wie.created == utc(2026, 1, 6, 14, 38)
    assert wie.valid_to is None and not wie.permanent
    assert wie.firs == ("TNCF",)


def test_kicz_advisory_in_icao_form_is_keyed_by_kicz_not_by_its_fir() -> None:
    advisory = items_json(fixture_text("kicz_icao"))[0]
    assert advisory["key"] == "KICZ A0012/25"
    assert advisory["firs"] == ["SVZM"]
    assert advisory["airports"] == []  # A) SVZM is the FIR itself
    assert advisory["severity"] == "warning"


def test_a_partial_kicz_text_without_validity_still_parses() -> None:
    notam = parse_notam("KICZ A0013/19\nSECURITY..UNITED STATES OF AMERICA PROHIBITION FOR "
                        "VENEZUELA\nALL FLIGHT OPERATIONS ... ARE PROHIBITED UNTIL FURTHER AD")
    assert notam.key == "KICZ A0013/19"
    assert (notam.valid_from, notam.valid_to) == (None, None)
    assert classify(notam)[0] == Severity.CRITICAL


# --- ICAO layout ----------------------------------------------------------------------------

def test_icao_header_items_and_q_line_are_read() -> None:
    notam = parse_notam(fixture_text("icao_basic").split("\n\n")[0])
    assert (notam.form, notam.id, notam.series, notam.number, notam.year, notam.type) == (
        "icao", "A0412/25", "A", "0412", 2025, "N")
    assert (notam.fir, notam.qcode, notam.traffic, notam.purpose, notam.scope) == (
        "SVZM", "QMRLC", "IV", "NBO", "A")
    assert (notam.lower_fl, notam.upper_fl, notam.lat, notam.lon, notam.radius_nm) == (
        0, 999, 10.6, -66.9833, 5.0)
    assert notam.locations == ("SVMI",)
    assert (notam.valid_from, notam.valid_to) == (utc(2025, 11, 24, 3), utc(2025, 11, 24, 9))
    assert notam.text == "RWY 10/28 CLSD DUE WIP"
    assert notam.key == "SVZM A0412/25"


def test_notams_are_frozen_values_equal_across_parses() -> None:
    text = fixture_text("icao_basic").split("\n\n")[0]
    notam = parse_notam(text)
    assert notam == parse_notam(text) and hash(notam) == hash(parse_notam(text))
    with pytest.raises(FrozenInstanceError):
        notam.key = "changed"  # type: ignore[misc]


def test_items_on_one_line_or_one_per_line_give_the_same_item() -> None:
    one_line = ("(A0501/25 NOTAMN Q) MPZL/QMRLC/IV/NBO/A/000/999/0904N07923W005 A) MPTO "
                "B) 2512020400 C) 2512020900 E) RWY 03R/21L CLSD. F) SFC G) UNL)")
    many = ("A0501/25 NOTAMN\nQ) MPZL/QMRLC/IV/NBO/A/000/999/0904N07923W005\nA) MPTO\n"
            "B) 2512020400\nC) 2512020900\nE) RWY 03R/21L\nCLSD.\nF) SFC\nG) UNL")
    assert item(one_line) == item(many)
    assert item(one_line).body == "RWY 03R/21L CLSD.\nLIMITS: SFC TO UNL"


def test_padded_q_fields_are_stripped_and_empty_ones_are_none() -> None:
    notam = parse_notam("(A0007/26 NOTAMN\nQ) KZMA/QRRCA//////\nA) KZMA\nB) 2601042100\n"
                        "C) 2601050100\nE) AIRSPACE W-465A ACT)")
    assert (notam.fir, notam.qcode, notam.traffic, notam.purpose, notam.scope) == (
        "KZMA", "QRRCA", None, None, None)
    assert (notam.lower_fl, notam.upper_fl, notam.lat, notam.radius_nm) == (None,) * 4
    assert item("A0001/25 NOTAMN\nQ) TNCF / QOBCE / IV / M  / AE / 000 / 004 / "
                "1208N06858W001\nA) TNCC B) 2512030600\nE) CRANE").area is not None


@pytest.mark.parametrize(("q_line", "expected"), [
    ("TNCF/QOBCE/IV/M  /AE/000/004", ("QOBCE", "IV", "M", "AE", 0, 4, None, None, None)),
    ("SKED/QWLLW/IV/BO /W /000/9990445N07405W010",
     ("QWLLW", "IV", "BO", "W", 0, 999, 4.75, -74.0833, 10.0)),
    ("FQBE/QWLPW/IV/NBO/W/000/012 2555S03234E005",
     ("QWLPW", "IV", "NBO", "W", 0, 12, -25.9167, 32.5667, 5.0)),
    ("SKED/undefined/NBO/A/000/999/0442N07408W005",
     (None, None, "NBO", "A", 0, 999, 4.7, -74.1333, 5.0)),
    ("MPZL/QWMLW/IV/BO/W/000/050/085930N0793300W005",
     ("QWMLW", "IV", "BO", "W", 0, 50, 8.9917, -79.55, 5.0)),
    ("KFIR/QXXXX/I/NBO/A/000/999/latNlongW025", ("QXXXX", "I", "NBO", "A", 0, 999, None, None,
                                                 None)),
    ("DAAA/QMRXX/IV/NBO/A/000/999/", ("QMRXX", "IV", "NBO", "A", 0, 999, None, None, None)),
    ("ZZZZ/QMRXX/IV/NBO/A/000/999/9999N99999W005",
     ("QMRXX", "IV", "NBO", "A", 0, 999, None, None, None)),
])
def test_damaged_q_lines_keep_what_can_be_read(q_line: str, expected: tuple[object, ...]) -> None:
    notam = parse_notam(f"A0001/25 NOTAMN\nQ) {q_line}\nA) ZZZZ B) 2512010000\nE) TEXT")
    assert (notam.qcode, notam.traffic, notam.purpose, notam.scope, notam.lower_fl,
            notam.upper_fl, notam.lat, notam.lon, notam.radius_nm) == expected


def test_e_text_may_hold_a_and_b_labels_of_its_own() -> None:
    first, second = (parse_notam(t) for t in split_notams(fixture_text("icao_e_labels")))
    assert first.text.splitlines()[1:3] == [
        "A) REPOSITIONING FLIGHTS SHALL FILE ROUTE UL780 (SEE F) BELOW).",
        "B) FLIGHTS TO SVMI SHALL CONTACT BOGOTA CONTROL 10 MIN PRIOR TO ENTRY."]
    assert (first.locations, first.valid_from) == (("SKED",), utc(2025, 12, 1))
    assert (first.lower_limit, first.upper_limit) == ("SFC", "UNL")
    assert second.text.endswith("FOR A) UAS FLIGHTS, B) PARACHUTE DROPS.")
    assert (second.lower_limit, second.upper_limit) == ("GND", "FL100")


@pytest.mark.parametrize(("c_item", "valid_to", "estimated", "permanent"), [
    ("C) 2212311400 EST", utc(2022, 12, 31, 14), True, False),
    ("C) 2404231909EST", utc(2024, 4, 23, 19, 9), True, False),
    ("C) 2404231909", utc(2024, 4, 23, 19, 9), False, False),
    ("C) PERM", None, False, True),
    ("C) UFN", None, False, False),
    ("C) 2412312400", utc(2025, 1, 1), False, False),
    ("C) 2413312359", None, False, False),
])
def test_end_of_validity_est_perm_and_ufn(c_item: str, valid_to: datetime | None,
                                          estimated: bool, permanent: bool) -> None:
    notam = parse_notam(f"A0001/22 NOTAMN\nQ) ESAA/QMRLC/IV/NBO/A/000/999/5939N01755E005\n"
                        f"A) ESSA B) 2211141300 {c_item}\nE) RWY 01L/19R CLSD")
    assert (notam.valid_to, notam.valid_to_estimated, notam.permanent) == (
        valid_to, estimated, permanent)
    assert item(f"A0001/22 NOTAMN\nQ) ESAA/QMRLC/IV/NBO/A/000/999/5939N01755E005\nA) ESSA "
                f"B) 2211141300 {c_item}\nE) X").valid_to_estimated is estimated


def test_wie_start_takes_the_created_time() -> None:
    notam = parse_notam("A1218/12 NOTAMN\nQ) KZAK/QXXXX/////\nA) KZAK B) WIE C) UFN\n"
                        "E) ATTENTION OPERATORS.\nCREATED: 03 Aug 2012 10:00:00")
    assert notam.valid_from == notam.created == utc(2012, 8, 3, 10)
    assert notam.valid_to is None


def test_notamr_replaces_and_notamc_cancels_the_referenced_key_of_the_same_issuer() -> None:
    new, replacement, cancellation, _ = (item(t) for t in split_notams(
        fixture_text("icao_basic")))
    assert (new.replaces, new.cancels, new.status) == (None, None, "active")
    assert (replacement.replaces, replacement.cancels) == ("SVZM A0398/25", None)
    assert (cancellation.cancels, cancellation.replaces) == ("SVZM A0415/25", None)
    assert cancellation.status == "cancelled"
    assert cancellation.severity == Severity.INFO
    assert cancellation.title.startswith("SVZM A0416/25: cancels SVZM A0415/25: ")


def test_notamr_without_a_reference_replaces_nothing() -> None:
    notam = parse_notam("12/322 NOTAMR \nQ) KZNY/QMXLC/IV/M/A/000/999/4038N07346W005 \n"
                        "A) KJFK \nB) 2212311009 \nC) 2312312300 \nE) TWY Z CLSD")
    assert (notam.type, notam.ref, item(notam.raw).replaces) == ("R", None, None)


def test_header_variants_missing_series_short_number_domestic_and_fdc() -> None:
    texts = split_notams(fixture_text("icao_headers"))
    keys = [parse_notam(t).key for t in texts]
    assert keys[:4] == ["SVZM 0611/25", "TTZP B0017/25", "MIA 07/025", "MIA 11/305"]
    no_series = parse_notam(texts[0])
    assert (no_series.series, no_series.number, no_series.year) == (None, "0611", 2025)
    domestic = parse_notam(texts[2])
    assert (domestic.id, domestic.issuer, domestic.year) == ("07/025", "MIA", None)
    assert parse_notam(texts[3]).fir == "KZMA"  # Q) ZMA: the ARTCC ident maps to its FIR


def test_header_less_fdc_text_is_keyed_by_a_stable_content_digest() -> None:
    fdc = split_notams(fixture_text("icao_headers"))[4]
    notam = parse_notam(fdc)
    assert notam.id is None and notam.key.startswith("KZMA #")
    assert parse_notam("  " + fdc.replace("\n", " \r\n")).key == notam.key
    assert parse_notam(fdc.replace("RWY 9", "RWY 27")).key != notam.key


def test_us_domestic_texts_are_keyed_by_accountability_and_number() -> None:
    texts = split_notams(fixture_text("us_domestic"))
    notams = [parse_notam(t) for t in texts]
    assert [n.key for n in notams] == ["MIA 11/042", "SJU 11/105", "STT 10/003", "FDC 5/4321",
                                       "FDC 5/7702", "FDC 5/7702", "TJSJ V0412/25"]
    est, perm = notams[1], notams[2]
    assert (est.valid_to, est.valid_to_estimated) == (utc(2025, 12, 21, 23, 59), True)
    assert (perm.valid_from, perm.valid_to, perm.permanent) == (
        utc(2025, 10, 3, 5, 45), None, True)
    assert notams[0].text == "RWY 09/27 CLSD"
    assert notams[3].firs == ("KZMA",)


def test_the_design_examples_of_domestic_keys() -> None:
    assert parse_notam("!LAX 01/227 LAX TWY AA CLSD 2401240830-2407032100").key == "LAX 01/227"
    fdc = parse_notam("!FDC 3/9226 LAX ODP LOS ANGELES INTL 2309121913-2404231913EST")
    assert (fdc.key, fdc.valid_to_estimated) == ("FDC 3/9226", True)
    adk = parse_notam("!ADK 03/001 ADK NAV NDB OUT OF SERVICE 1503030545-PERM")
    assert (adk.valid_from, adk.permanent) == (utc(2015, 3, 3, 5, 45), True)


def test_a_domestic_text_without_validity_still_parses() -> None:
    notam = parse_notam("!FDC 2/8646 ZFW TX.. DUE TO THE LACK OF TERRAIN DATA")
    assert (notam.key, notam.valid_from, notam.firs) == ("FDC 2/8646", None, ("KZFW",))


# --- parts, footers, splitting --------------------------------------------------------------

def test_parts_of_one_notam_are_joined_and_a_lone_part_says_so() -> None:
    lone, joined = parse_notam_items(fixture_text("icao_multipart"), source=SOURCE)
    assert "PART 2 OF 3" in lone.body.splitlines()
    assert joined.key == "TJZS A0301/26"
    assert "SUBJECT TO ATC FLOW CONTROL. EXPECT DELAYS" in joined.body
    assert "PART 1 OF 2" not in joined.body and "END PART" not in joined.body
    domestic = [i for i in parse_notam_items(fixture_text("us_domestic"), source=SOURCE)
                if i.key == "FDC 5/7702"]
    assert len(domestic) == 1 and "SQUAWK" in domestic[0].body


def test_parse_notam_joins_a_text_that_holds_every_part() -> None:
    text = fixture_text("us_domestic").split("\n\n")[4]
    notam = parse_notam(text)
    assert (notam.key, notam.part, notam.parts) == ("FDC 5/7702", None, 2)


def test_created_and_source_footers_are_read_and_kept_out_of_the_text() -> None:
    notam = parse_notam(fixture_text("icao_multipart").split("\n\n")[0])
    assert (notam.created, notam.source) == (utc(2025, 12, 1, 6, 10), "MPTOYNYX")
    assert (notam.part, notam.parts) == (2, 3)
    assert "CREATED" not in notam.text and "END PART" not in (notam.upper_limit or "")
    assert notam.schedule == ("DEC 01 SR MINUS15-1900, 08-12 15-19 0530-2100, DEC 22 29 "
                              "0530-1400")


def test_split_handles_blank_lines_back_to_back_wrappers_and_q_lines() -> None:
    assert len(split_notams(fixture_text("back_to_back"))) == 3
    assert len(split_notams(fixture_text("icao_headers"))) == 5
    blank_inside_e = ("A0001/25 NOTAMN\nQ) EDGG/QFAXX/IV/NBO/A/000/999/5002N00834E005\n"
                      "A) EDDF B) 2505240716 C) PERM\nE) AD EDDF\n\nGEMIL FLIP VAD SUSPENDED.")
    assert parse_notam(blank_inside_e).text == "AD EDDF\n\nGEMIL FLIP VAD SUSPENDED."
    assert len(split_notams(blank_inside_e, at_blank_lines=False)) == 1
    assert len(split_notams(blank_inside_e)) == 2  # in a file, a blank line ends a NOTAM
    assert split_notams("") == [] and split_notams("\n \n") == []


def test_a_blank_file_gives_no_items() -> None:
    assert parse_notam_items("\n\n", source=SOURCE) == []


# --- places ---------------------------------------------------------------------------------

def test_item_a_fir_entries_are_firs_and_the_rest_are_aerodromes() -> None:
    multi_fir = parse_notam(split_notams(fixture_text("pivot_years"))[0])
    assert (multi_fir.fir, multi_fir.firs, multi_fir.airports) == (
        "EGXX", ("EGPX", "EGTT"), ())  # EGXX: a pseudo code, A) lists the FIRs
    aerodrome = parse_notam(split_notams(fixture_text("icao_basic"))[0])
    assert (aerodrome.firs, aerodrome.airports) == (("SVZM",), ("SVMI",))
    named = parse_notam(split_notams(fixture_text("icao_headers"))[0])
    assert named.locations == ("SVMI",)  # "(SIMON BOLIVAR INTL)" is a name, not a code


def test_fir_codes_in_parentheses_count_only_with_fir_context() -> None:
    base = "A0001/25 NOTAMN\nQ) KFDC/QXXXX/IV/NBO/E/000/999/\nA) KZMA B) 2512010000\nE) "
    assert item(base + "ADVISORY FOR THE SAN JUAN FIR (TJZS).").firs == ("KZMA", "TJZS")
    assert item(base + "CRANE (NOTE) NEAR (ABCD) ROAD.").firs == ("KZMA",)
    assert item(base + "REFER TO MAIQUETIA (SVZM).").firs == ("KZMA", "SVZM")  # known FIR
    assert item(base + "SEE (EGXX FIR).").firs == ("KZMA",)  # pseudo codes are never FIRs


def test_countries_are_those_of_the_firs_and_airlines_are_left_empty() -> None:
    assert (item(KICZ_A0012).countries, item(KICZ_A0012).airlines) == (("VE",), ())
    unknown_fir = item("A0001/25 NOTAMN\nQ) ZZZQ/QXXXX/IV/NBO/E/000/999/\nA) ZZZQ "
                       "B) 2512010000\nE) TEXT.")
    assert unknown_fir.firs == ("ZZZQ",) and unknown_fir.countries == ()


# --- severity -------------------------------------------------------------------------------

@pytest.mark.parametrize(("index", "severity", "why"), [
    (0, Severity.ADVISORY, "GNSS interference"),
    (1, Severity.ADVISORY, "military activity"),
    (2, Severity.CRITICAL, "prohibition"),
    (3, Severity.CRITICAL, "closed to all traffic"),
    (4, Severity.ADVISORY, "prohibition (local facility QMXLC)"),
    (5, Severity.WARNING, "security advisory"),
    (6, Severity.INFO, "no rule matched"),  # "DO NOT USE" is not a closure
    (7, Severity.INFO, "no rule matched"),
])
def test_severity_rules(index: int, severity: Severity, why: str) -> None:
    notam = parse_notam(split_notams(fixture_text("severity"))[index])
    assert classify(notam) == (severity, why)


def test_q_code_alone_can_raise_the_severity() -> None:
    notam = parse_notam("A0001/25 NOTAMN\nQ) SVZM/QRDCA/IV/BO/W/000/100/0800N06600W020\n"
                        "A) SVZM B) 2512010000 C) 2512020000\nE) AREA SVD-1 IN USE.")
    assert classify(notam) == (Severity.ADVISORY, "danger area activated (QRDCA)")


def test_a_state_ban_that_never_says_prohibit_is_critical() -> None:
    notam = parse_notam(
        "B2760/22 NOTAMR B1699/22\nQ) ESAA/QFAXX/IV/NBO/A /000/999/5504N01446E005\n"
        "A) EKRN B) 2208301222 C) 2211302359 EST\nE) NO AIRCRAFT OWNED, CHARTERED OR\n"
        "OPERATED BY CITIZENS OF THE STATE CONCERNED SHALL ENTER, EXIT OR OVERFLY THE AIRSPACE.")
    assert classify(notam) == (Severity.CRITICAL, "no aircraft shall enter")


def test_severity_tables_are_ordered_from_most_to_least_severe() -> None:
    severities = [rule.severity for rule in TEXT_RULES]
    assert severities == sorted(severities, reverse=True)
    for subject, condition in QCODE_RULES:
        assert len(subject) == 2 and subject.isupper()
        assert condition == "*" or (len(condition) == 2 and condition.isupper())


# --- title and body -------------------------------------------------------------------------

def test_titles_are_one_line_trimmed_at_a_word_boundary() -> None:
    for text in split_notams("\n\n".join(fixture_text(n) for n in fixture_names())):
        title = item(text).title
        assert "\n" not in title and len(title) <= 160
        if not title.startswith("KICZ"):
            assert len(title) <= 140
        if title.endswith("…"):
            assert not title[-2].isspace()
    long = item("A0001/25 NOTAMN\nQ) SVZM/QXXXX/IV/NBO/E/000/999/\nA) SVZM B) 2512010000\n"
                "E) " + "WORD " * 60)
    assert long.title.endswith("WORD…") and len(long.title) <= 140


# --- years and times ------------------------------------------------------------------------

@pytest.mark.parametrize(("yy", "year"), [(0, 2000), (25, 2025), (79, 2079), (80, 1980),
                                          (91, 1991), (99, 1999)])
def test_two_digit_years_pivot_at_80(yy: int, year: int) -> None:
    assert two_digit_year(yy) == year
    assert stamp(f"{yy:02d}01011200") == utc(year, 1, 1, 12)


def test_pivot_years_in_numbers_and_items() -> None:
    notams = [parse_notam(t) for t in split_notams(fixture_text("pivot_years"))]
    assert [n.year for n in notams] == [1980, 2079, 2000, 1999]
    assert notams[3].valid_from == utc(1999, 12, 31, 23)
    assert notams[3].valid_to == utc(2000, 1, 1, 1)


@pytest.mark.parametrize("value", ["", "25010112", "2501011200X", "2513011200", "250101256O",
                                   "²501011200"])
def test_unreadable_stamps_are_none(value: str) -> None:
    assert stamp(value) is None


# --- errors ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "message"), [
    ("", "empty NOTAM text"),
    ("hello world", "line 1 'hello world': not a NOTAM"),
    ("A1234/25 NOTAMN\nno items here", "'A1234/25 NOTAMN': no Q), A) or E) item"),
    ("!LAX", "line 1 '!LAX': expected a US domestic NOTAM"),
    ("A1234/25 NOTAMN\nE) TEXT WITHOUT A PLACE", "A1234/25: no Q) FIR and no A) location"),
    ("Q) KZMA/QXXXX/I/NBO/A/000/999/\nA) KMIA", "a text without a header needs an E) item"),
])
def test_parse_errors_name_the_line_or_item_that_failed(text: str, message: str) -> None:
    with pytest.raises(ParseError, match=message.replace(")", r"\)").replace("(", r"\(")):
        parse_notam(text)


def test_a_file_with_an_unreadable_notam_names_it_by_index_and_first_line() -> None:
    good = split_notams(fixture_text("icao_basic"))[0]
    text = f"{good}\n\nGARBLED LINE\nMORE\n\n{good}"
    with pytest.raises(ParseError, match=r"NOTAM 2 of 3 \('GARBLED LINE'\): line 1"):
        parse_notam_items(text, source=SOURCE)


def test_parse_notam_refuses_a_text_with_two_different_notams() -> None:
    with pytest.raises(ParseError, match="holds 2 NOTAMs"):
        parse_notam(fixture_text("icao_basic").split("\n\n(")[0])


def test_parse_notam_items_carries_source_and_url() -> None:
    [advisory] = parse_notam_items(KICZ_A0012, source="faa-notam-search", url="https://x.test/")
    assert (advisory.source, advisory.url) == ("faa-notam-search", "https://x.test/")


def regenerate() -> None:
    """Rewrite every *.expected.json from the current parser (review the diff afterwards)."""
    for name in fixture_names():
        target = FIXTURES / f"{name}.expected.json"
        rendered = json.dumps(items_json(fixture_text(name)), indent=2, ensure_ascii=False) + "\n"
        changed = not target.exists() or target.read_text(encoding="utf-8") != rendered
        target.write_text(rendered, encoding="utf-8")
        print(f"{'updated' if changed else 'same   '} {target.name}")


if __name__ == "__main__":
    sys.exit(regenerate())
