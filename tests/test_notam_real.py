"""Every real NOTAM text recorded from FAA and AIS services parses, read in place.

The texts live in ../shared/fixtures/real (never copied into the project): the avwx and
PyNotam text files, the `icaoMessage`/`traditionalMessage` of notamSearch records and the
ICAO and LOCAL_FORMAT translations of NOTAM API v1 items. Where a record also carries
structured fields (number, start, end), the parse must agree with them.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from monitor.errors import ParseError
from monitor.notam import parse_notam, parse_notam_items, split_notams, stamp, to_item
from monitor.notam.model import ARTCC_FIRS

REAL = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "real"
TEXTS = REAL / "notam_texts"

pytestmark = pytest.mark.skipif(not REAL.is_dir(),
                                reason=f"real recorded data not present at {REAL}")

_HEADER = re.compile(r"\A\s*\(?\s*([A-Z]?\d{1,4}/\d{2,4})\s+NOTAM([NRC])")
_DOMESTIC = re.compile(r"\A!(\w+)\s+([A-Z]?\d{1,4}/\d{2,4})\s")
_Q_FIR = re.compile(r"^\s*Q\)\s*([A-Z]{3,4})\s*/", re.M)
_B = re.compile(r"(?<!\S)B\)\s*(\d{10})\b")
_C = re.compile(r"(?<!\S)C\)\s*(\d{10}|PERM)")


def _records(path: Path, key: str) -> list[dict[str, Any]]:
    return json.loads(path.read_text(encoding="utf-8"))[key]


def real_texts() -> list[Any]:
    """(name, text, structured fields or None) for every recorded NOTAM text."""
    if not REAL.is_dir():
        return []
    cases: list[Any] = []
    for path in sorted(TEXTS.glob("avwx_*.txt")):
        for i, text in enumerate(split_notams(path.read_text(encoding="utf-8"))):
            cases.append(pytest.param(text, None, id=f"{path.name}#{i}"))
    for path in sorted((TEXTS / "pynotam").glob("*.txt")):
        cases.append(pytest.param(path.read_text(encoding="utf-8"), None, id=path.name))
    for path in sorted((REAL / "faa_notam_search").glob("*.json")):
        for i, record in enumerate(_records(path, "notamList")):
            fields = {"number": record["notamNumber"], "start": record["startDate"],
                      "end": record["endDate"]}
            cases.append(pytest.param(record["icaoMessage"], fields, id=f"{path.name}#{i}"))
            if record["traditionalMessage"].strip():
                cases.append(pytest.param(record["traditionalMessage"], None,
                                          id=f"{path.name}#{i}-traditional"))
    for path in sorted((REAL / "faa_notam_api").glob("*.json")):
        for i, feature in enumerate(_records(path, "items")):
            core = feature["properties"]["coreNOTAMData"]
            for translation in core.get("notamTranslation", []):
                text = translation.get("formattedText") or translation.get("simpleText")
                fields = {"number": core["notam"]["number"]}
                cases.append(pytest.param(text, fields,
                                          id=f"{path.name}#{i}-{translation['type']}"))
    return cases


def _search_time(value: str) -> datetime | None:
    """notamSearch `MM/DD/YYYY HHMM`, `EST` glued on, or `PERM`."""
    found = re.fullmatch(r"(\d\d)/(\d\d)/(\d{4}) (\d\d)(\d\d)(?:EST)?", value.strip())
    if found is None:
        return None
    month, day, year, hour, minute = (int(g) for g in found.groups())
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


@pytest.mark.parametrize(("text", "fields"), real_texts())
def test_real_notam_text_parses_with_identity_type_fir_and_validity(
        text: str, fields: dict[str, str] | None) -> None:
    notam = parse_notam(text)
    item = to_item(notam, source="real")
    json.dumps(item.to_json())
    assert item.key and item.title and item.body
    assert "\n" not in item.title and len(item.title) <= 160

    header = _HEADER.match(text)
    if header:
        number, op = header.groups()
        assert notam.type == op
        assert notam.id is not None
        assert notam.id.split("/")[1] == number.split("/")[1]
        assert notam.id.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ").lstrip("0") == (
            number.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ").lstrip("0"))
        assert item.key.endswith(notam.id)
    domestic = _DOMESTIC.match(text)
    if domestic:
        assert item.key == f"{domestic[1]} {domestic[2]}"
    q_fir = _Q_FIR.search(text)
    if q_fir and not text.lstrip().startswith(("!", "KICZ")):
        assert notam.fir == ARTCC_FIRS.get(q_fir[1], q_fir[1])
    start = _B.search(text)
    if start and not domestic:
        assert notam.valid_from == stamp(start[1])
    end = _C.search(text)
    if end and not domestic:
        if end[1] == "PERM":
            assert notam.permanent and notam.valid_to is None
        else:
            assert notam.valid_to == stamp(end[1])
    if domestic and re.search(r"\d{10}-(\d{10}|PERM)", text):
        assert notam.valid_from is not None

    if fields:
        # The structured number drops nothing but may print a missing series as "null".
        expected = fields["number"].removeprefix("null")
        if header:
            assert notam.id in (expected, number)
        if "start" in fields:
            assert notam.valid_from == _search_time(fields["start"])
            if fields["end"] == "PERM":
                assert notam.permanent
            else:
                assert notam.valid_to == _search_time(fields["end"])
                assert notam.valid_to_estimated == fields["end"].endswith("EST")


@pytest.mark.parametrize("path", sorted(TEXTS.glob("avwx_*.txt")) if REAL.is_dir() else [],
                         ids=lambda p: p.name)
def test_a_whole_real_text_file_gives_one_item_per_blank_line_block(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    blocks = [b for b in re.split(r"\n\s*\n", text) if b.strip()]
    items = parse_notam_items(text, source="avwx")
    assert len(items) == len(blocks)
    assert all(item.valid_from is not None for item in items)


def test_bare_e_texts_from_the_api_are_refused_not_guessed() -> None:
    """The API's `text` field is item E) alone: no number, no place, so not a NOTAM."""
    for path in sorted((REAL / "faa_notam_api").glob("*.json")):
        for feature in _records(path, "items"):
            text = feature["properties"]["coreNOTAMData"]["notam"]["text"]
            with pytest.raises(ParseError):
                parse_notam(text)


def test_a_real_multi_part_fdc_text_is_one_notam_with_every_part() -> None:
    path = REAL / "faa_notam_api" / "TestNOTAM_2024-01_bdf90ec.json"
    texts = [t.get("simpleText") for f in _records(path, "items")
             for t in f["properties"]["coreNOTAMData"].get("notamTranslation", [])
             if (t.get("simpleText") or "").startswith("!FDC 3/3373")]
    [text] = texts
    notam = parse_notam(text)
    assert (notam.key, notam.part, notam.parts) == ("FDC 3/3373", None, 8)
    assert "END PART" not in notam.text and notam.text.count("HAWTHORNE, CA.") == 8
