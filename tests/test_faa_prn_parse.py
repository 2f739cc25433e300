"""The FAA PRN parser: fixtures compared whole, the rules behind each field, broken pages
refused."""

from __future__ import annotations

import contextlib
import json
import re
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from monitor.errors import ParseError
from monitor.sources.faa_prn import PAGE_URL, FaaPrn, FaaPrnOptions
from monitor.types import Item, Severity

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "faa_prn"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def parse(body: bytes, **options: object) -> list[Item]:
    source = FaaPrn("faa-prn", options=FaaPrnOptions(**options))
    return source.parse(body, url=source.url)


def by_key(items: list[Item]) -> dict[str, Item]:
    return {item.key: item for item in items}


BASELINE = fixture("baseline.html")
VENEZUELA = fixture("venezuela_added.html")


@pytest.mark.parametrize("name", ["baseline", "venezuela_added"])
def test_fixture_parses_to_its_expected_json(name: str) -> None:
    expected = json.loads((FIXTURES / f"{name}.expected.json").read_text(encoding="utf-8"))
    assert [item.to_json() for item in parse(fixture(f"{name}.html"))] == expected


def test_venezuela_advisory_is_a_warning_notam_for_the_maiquetia_fir() -> None:
    item = by_key(parse(VENEZUELA))["KICZ A0012/25"]
    assert item.kind == "notam"
    assert item.severity == Severity.WARNING
    assert item.status == "active"
    assert item.firs == ("SVZM",)
    assert item.countries == ("VE",)
    assert item.source == "faa-prn"
    assert item.title.startswith("KICZ NOTAM A0012/25 Security - United States of America Advisory")
    assert item.url == (f"{PAGE_URL}/venezuela/KICZ_ADVISORY_NOTAM_A0012_25_SVZM.pdf")
    assert item.body == ("Listed under Venezuela on the FAA Prohibitions, Restrictions and "
                         "Notices page.")
    assert (item.valid_from, item.valid_to, item.published_at) == (None, None, None)


def test_adding_the_venezuela_section_adds_exactly_its_one_item() -> None:
    before = by_key(parse(BASELINE))
    after = by_key(parse(VENEZUELA))
    assert set(after) - set(before) == {"KICZ A0012/25"}
    assert all(after[key] == item for key, item in before.items())
    assert not any("VE" in item.countries for item in before.values())


def test_every_list_entry_under_a_country_heading_is_one_item() -> None:
    items = parse(BASELINE)
    sections = re.split(rb"<hr>", BASELINE, maxsplit=1)[1].split(b"Last updated:")[0]
    assert len(items) == sections.count(b"<li")
    assert not any("Back to top" in item.title for item in items)


def test_sfar_and_the_pointer_next_to_it_are_critical() -> None:
    items = by_key(parse(BASELINE))
    sfar = items["SFAR 117"]
    assert (sfar.kind, sfar.severity) == ("restriction", Severity.CRITICAL)
    assert sfar.firs == ("OIIX",)
    assert sfar.countries == ("IR",)
    pointer = items["KICZ A0011/24"]
    assert (pointer.kind, pointer.severity) == ("notam", Severity.CRITICAL)


def test_prohibition_is_critical_and_background_notice_is_info() -> None:
    items = by_key(parse(BASELINE))
    assert items["KICZ A0046/26"].severity == Severity.CRITICAL
    background = items["Haiti: FAA Background Information Regarding U.S. Civil Aviation Haiti"]
    assert (background.kind, background.severity) == ("restriction", Severity.INFO)
    assert background.countries == ("HT",)


def test_colombia_advisory_is_a_warning_with_its_fir() -> None:
    item = by_key(parse(BASELINE))["KICZ A0050/26"]
    assert (item.severity, item.firs, item.countries) == (Severity.WARNING, ("SKED",), ("CO",))


def test_pseudo_fir_codes_and_bracketed_acronyms_are_not_firs() -> None:
    items = by_key(parse(BASELINE))
    assert items["KICZ A0052/26"].firs == ()          # "(XX01)"
    assert items["KICZ A0052/26"].countries == ()     # Pacific Ocean is no country
    assert items["SFAR 119"].firs == ("OAKX",)        # "(SFAR)" and "(FIR)" are not codes


def test_region_heading_gives_no_country() -> None:
    item = by_key(parse(BASELINE))["KICZ A0016/20"]
    assert (item.countries, item.severity) == ((), Severity.WARNING)


def test_heading_variants_map_to_countries() -> None:
    items = by_key(parse(BASELINE))
    assert items["SFAR 79"].countries == ("KP",)      # "Korea, North&nbsp;"
    assert items["KICZ A0003/24"].title == "KICZ NOTAM A0003/24 — Security — Pyongyang Pointer"
    assert items["KICZ A0003/24"].key.startswith("KICZ")


def test_links_are_absolute_and_quoted() -> None:
    items = by_key(parse(BASELINE))
    assert items["SFAR 115"].url == f"{PAGE_URL}/media/SFAR%20115%20Sanaa%20FIR.pdf"
    # relative "media/…" lives under the page path
    assert items["KICZ A0016/20"].url == (
        f"{PAGE_URL}/media/KICZ_A0016-20_Advisory_NOTAM-Persian_Gulf_and_Gulf_of_Oman.pdf")
    assert items["KICZ A0016/20"].title.endswith("Gulf of Oman")   # no trailing "(PDF)"
    us = [item for key, item in items.items() if key.startswith("United States:")]
    assert us[0].url == "https://www.faa.gov/media/82391"


def test_text_around_a_citation_link_stays_in_the_title() -> None:
    key = "Canada: 14 CFR 91.707 Flights between Canada and the United States"
    item = by_key(parse(BASELINE))[key]
    assert item.url == ("https://law.justia.com/cfr/title14/14-2.0.1.3.10.html"
                        "#14:2.0.1.3.10.8.7.6")
    assert item.countries == ("CA",)


def test_same_notam_under_two_countries_is_one_item_with_both() -> None:
    venezuela_li = re.search(rb'<li class="more"><a href="[^"]*A0012_25_SVZM.pdf">.*?</li>',
                             VENEZUELA).group(0)
    body = VENEZUELA.replace(b'<h2 class="more"><a class="ck-anchor" id="colombia"></a>Colombia'
                             b'</h2><ul>',
                             b'<h2 class="more"><a class="ck-anchor" id="colombia"></a>Colombia'
                             b'</h2><ul>' + venezuela_li, 1)
    items = parse(body)
    merged = [item for item in items if item.key == "KICZ A0012/25"]
    assert len(merged) == 1
    assert merged[0].countries == ("CO", "VE")
    assert merged[0].firs == ("SVZM",)
    assert merged[0].body.startswith("Listed under Colombia and Venezuela on")
    assert len(items) == len(parse(VENEZUELA))


def test_countries_option_keeps_only_the_named_sections() -> None:
    items = parse(VENEZUELA, countries=["VE", "Colombia"])
    assert {item.key for item in items} == {
        "KICZ A0012/25", "KICZ A0050/26",
        "Colombia: FAA Background Information Regarding Airspace Risks Within the Eastern "
        "Pacific Ocean Region",
    }


def test_countries_option_accepts_any_spelling_of_a_country() -> None:
    for spelling in ("North Korea", "Korea North", "kp", "Democratic People's Republic of Korea"):
        assert {item.key for item in parse(BASELINE, countries=[spelling])} == {
            "SFAR 79", "KICZ A0003/24"}


def test_countries_option_accepts_a_region_heading() -> None:
    keys = {item.key for item in parse(BASELINE, countries=["Pacific Ocean"])}
    assert "KICZ A0052/26" in keys
    assert len(keys) == 2


def test_unknown_country_or_option_is_a_configuration_error() -> None:
    with pytest.raises(ValidationError, match="Narnia"):
        FaaPrnOptions(countries=["Narnia"])
    with pytest.raises(ValidationError):
        FaaPrnOptions.model_validate({"country": ["VE"]})


def test_redesigned_page_is_refused() -> None:
    redesigned = fixture("layout_changed.html")
    with pytest.raises(ParseError, match="layout changed: no 'Last updated:' marker"):
        parse(redesigned)
    # Even with its date line back, accordion panels are no country sections.
    dated = redesigned.replace(b"Page last reviewed:", b"Last updated:")
    with pytest.raises(ParseError, match="layout changed: no country sections"):
        parse(dated)


ACRONYMS = b"The following acronyms are used to identify sources of information:"
NO_SECTIONS = re.sub(rb"<hr>.*?(?=\s*</div>\s*<div class=\"supplemental)", b"<hr>", BASELINE,
                     count=1, flags=re.DOTALL)


@pytest.mark.parametrize(("body", "reason"), [
    (BASELINE.replace(b"Last updated:", b"Updated on"), "Last updated"),
    (BASELINE.replace(ACRONYMS, b"Sources"), "acronyms"),
    (BASELINE.replace(b"Alphabetical List by Country", b"Countries"), "Alphabetical"),
    (NO_SECTIONS, "no country sections"),
    (BASELINE.replace(b"<article", b"<section").replace(b"</article>", b"</section>"),
     "article"),
    (b"", "Last updated"),
    (b"\x00\xff\xfe garbage \x89PNG\r\n", "Last updated"),
    ((FIXTURES.parent / "easa_czib" / "active.json").read_bytes(), "Last updated"),
])
def test_page_without_its_anchors_is_a_parse_error(body: bytes, reason: str) -> None:
    assert body != BASELINE
    with pytest.raises(ParseError, match=reason) as caught:
        parse(body)
    assert str(caught.value).startswith("layout changed: ")
    assert caught.value.url == PAGE_URL


@settings(deadline=None, max_examples=150)
@given(st.binary(max_size=3000))
def test_random_bytes_either_parse_or_raise_parse_error(body: bytes) -> None:
    with contextlib.suppress(ParseError):
        parse(body)


TOKENS = [b"<h2>", b"</h2>", b"<ul>", b"</ul>", b"<li>", b"</li>", b"<a href=\"", b"\">",
          b"Last updated:", b"<article>", b"(SVZM)", b"KICZ NOTAM A0001/26", b"SFAR", b"&nbsp;",
          b"\xc3", b"\x00", b"<!--", b"<hr>", b"(XX01)", b"[::1"]


@st.composite
def mutated(draw: st.DrawFn, original: bytes) -> bytes:
    body = bytearray(original)
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(body)))
        action = draw(st.sampled_from(["delete", "insert", "token"]))
        if action == "delete":
            del body[at:at + draw(st.integers(1, 400))]
        elif action == "insert":
            body[at:at] = draw(st.binary(min_size=1, max_size=40))
        else:
            body[at:at] = draw(st.sampled_from(TOKENS))
    return bytes(body)


@settings(deadline=None, max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(mutated(VENEZUELA))
def test_mutated_page_either_parses_or_raises_parse_error(body: bytes) -> None:
    try:
        items = parse(body)
    except ParseError:
        return
    assert items
    assert all(item.url and " " not in item.url for item in items)


# --- the linked KICZ NOTAM PDFs (fetch hands their texts over as extra["pdfs"]) ---------

A0012_URL = f"{PAGE_URL}/venezuela/KICZ_ADVISORY_NOTAM_A0012_25_SVZM.pdf"
A0050_URL = f"{PAGE_URL}/colombia/KICZ_ADVISORY_NOTAM_A0050_26_SKED.pdf"


def pdfs_extra(texts: dict[str, str]) -> dict[str, bytes]:
    return {"pdfs": json.dumps({url: {"text": text} for url, text in texts.items()}).encode()}


def parse_with(body: bytes, texts: dict[str, str], **options: object) -> list[Item]:
    source = FaaPrn("faa-prn", options=FaaPrnOptions(**options))
    return source.parse(body, url=source.url, extra=pdfs_extra(texts))


def test_the_pdf_states_the_validity_and_creation_time_of_its_entry() -> None:
    from monitor.sources.kicz_pdf import notam_text

    text = notam_text((FIXTURES / "pdf" / "KICZ_A0012_25.pdf").read_bytes())
    joined = by_key(parse_with(VENEZUELA, {A0012_URL: text}))
    item = joined["KICZ A0012/25"]
    assert item.to_json()["valid_from"] == "2025-11-21T17:43:00Z"
    assert item.to_json()["valid_to"] == "2026-02-19T23:59:00Z"
    assert item.to_json()["published_at"] == "2025-11-21T18:08:00Z"
    assert (item.valid_to_estimated, item.firs, item.countries) == (False, ("SVZM",), ("VE",))
    # Everything else is as listed, and the other entries are untouched.
    plain = by_key(parse(VENEZUELA))
    assert replace(item, valid_from=None, valid_to=None, published_at=None) == plain[item.key]
    assert all(joined[key] == plain[key] for key in plain if key != "KICZ A0012/25")


def test_a_permanent_notam_has_a_start_and_no_end() -> None:
    from monitor.sources.kicz_pdf import notam_text

    text = notam_text((FIXTURES / "pdf" / "KICZ_A0050_26.pdf").read_bytes())
    item = by_key(parse_with(BASELINE, {A0050_URL: text}))["KICZ A0050/26"]
    assert (item.to_json()["valid_from"], item.valid_to) == ("2026-03-04T19:30:00Z", None)


def test_the_pdf_adds_a_fir_the_entry_title_does_not_name() -> None:
    from tests.make_kicz_pdfs import A0012_25

    untitled = VENEZUELA.replace(b"Maiquetia Flight Information Region (SVZM)</a>",
                                 b"Maiquetia Flight Information Region</a>", 1)
    assert by_key(parse(untitled))["KICZ A0012/25"].firs == ()
    item = by_key(parse_with(untitled, {A0012_URL: A0012_25}))["KICZ A0012/25"]
    assert (item.firs, item.countries) == (("SVZM",), ("VE",))


@pytest.mark.parametrize("text", [
    "KICZ A0015/25 NOTAM…SECURITY…ADVISORY (SVZM)\n"
    "SFC-UNL: 16 DEC 12:00 UTC 2025 UNTIL 19 FEB 23:59 UTC 2026",   # another NOTAM
    "THE PAGE YOU REQUESTED COULD NOT BE FOUND",                     # no NOTAM at all
    "",
])
def test_a_text_that_is_not_the_entrys_notam_leaves_the_entry_as_listed(text: str) -> None:
    assert parse_with(VENEZUELA, {A0012_URL: text}) == parse(VENEZUELA)


@pytest.mark.parametrize("document", [b"not json", b"[1, 2]", b'{"x": 3}', b"{}",
                                      json.dumps({A0012_URL: {"text": 7}}).encode()])
def test_a_damaged_pdfs_document_leaves_every_entry_as_listed(document: bytes) -> None:
    source = FaaPrn("faa-prn")
    assert source.parse(VENEZUELA, url=source.url, extra={"pdfs": document}) == parse(VENEZUELA)
