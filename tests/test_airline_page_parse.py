"""The airline_page parser: Spanish and Portuguese notice pages compared whole, a re-render that
must not read as a change, a suspension extended then lifted, and pages that lost their shape."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from monitor.errors import ParseError
from monitor.sources.airline_page import AirlinePage, AirlinePageOptions
from monitor.types import Item, Severity
from tests.regen_expected import FIXTURES as SETS
from tests.regen_expected import bodies, expected_path, make_source

KIND = "airline_page"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / KIND
AVIANCA_URL = "https://www.avianca.com/es/informacion-y-ayuda/alertas-de-viaje/"
VENEZUELA_AV = "AV § Vuelos desde y hacia Venezuela"
VENEZUELA_G3 = "G3 § Voos para Caracas (Venezuela)"


def parse(name: str, body: bytes | None = None) -> dict[str, Item]:
    source = make_source(KIND, name)
    raw = body if body is not None else (FIXTURES / name).read_bytes()
    return {item.key: item for item in source.parse(raw, url=source.url)}


def avianca(body: bytes, **options: Any) -> list[Item]:
    source = AirlinePage("airline-page", AVIANCA_URL, AirlinePageOptions(
        **{"selector": "article.travel-alerts", "airline": "AV", **options}))
    return source.parse(body, url=AVIANCA_URL)


@pytest.mark.parametrize("body", [p.name for p in bodies(KIND)])
def test_fixture_parses_to_its_expected_json(body: str) -> None:
    expected = json.loads(expected_path(FIXTURES / body).read_text(encoding="utf-8"))
    assert [item.to_json() for item in parse(body).values()] == expected


def test_a_re_render_with_other_cookies_stamps_and_whitespace_is_equal() -> None:
    first = parse("avianca_1_suspended.html")
    again = parse("avianca_1_rerender.html")
    assert first == again
    assert [i.content_hash for i in first.values()] == [i.content_hash for i in again.values()]


@pytest.mark.parametrize(("airline", "key", "until"), [
    ("avianca", VENEZUELA_AV, "12 Dec"), ("gol", VENEZUELA_G3, "12 Dec")])
def test_a_caracas_suspension_is_a_warning_for_svmi_and_venezuela(airline: str, key: str,
                                                                   until: str) -> None:
    item = parse(f"{airline}_1_suspended.html")[key]
    code = key[:2]
    assert item.title == f"{code}: Suspension of flights to Caracas (until {until})"
    assert (item.severity, item.status, item.kind) == (Severity.WARNING, "active", "advisory")
    assert (item.airlines, item.airports, item.countries, item.firs) == (
        (code,), ("SVMI",), ("VE",), ())


@pytest.mark.parametrize(("airline", "key"), [("avianca", VENEZUELA_AV), ("gol", VENEZUELA_G3)])
def test_an_extension_changes_the_same_item_and_stays_a_warning(airline: str, key: str) -> None:
    before = parse(f"{airline}_1_suspended.html")[key]
    after = parse(f"{airline}_2_extended.html")[key]
    assert after.title.endswith("(until 15 Jan 2026)")
    assert (after.severity, after.status) == (Severity.WARNING, "active")
    assert after.content_hash != before.content_hash


@pytest.mark.parametrize(("airline", "key"), [("avianca", VENEZUELA_AV), ("gol", VENEZUELA_G3)])
def test_a_resumption_of_the_same_section_is_an_all_clear(airline: str, key: str) -> None:
    item = parse(f"{airline}_3_resumed.html")[key]
    assert item.title == f"{key[:2]}: Resumption of flights to Caracas"
    assert (item.severity, item.status, item.is_active) == (Severity.INFO, "withdrawn", False)


def test_the_suspension_section_appears_as_one_new_item() -> None:
    baseline = parse("gol_0_baseline.html")
    suspended = parse("gol_1_suspended.html")
    assert set(suspended) - set(baseline) == {VENEZUELA_G3}
    assert all(suspended[k] == baseline[k] for k in baseline)


def test_other_sections_are_info_items_the_airline_watchlists_still_see() -> None:
    items = parse("avianca_1_suspended.html")
    others = [i for k, i in items.items() if k != VENEZUELA_AV]
    assert {i.severity for i in others} == {Severity.INFO}
    assert all(i.airlines == ("AV",) and i.status == "active" for i in others)


def test_section_links_point_at_the_heading_anchor() -> None:
    assert parse("avianca_1_suspended.html")[VENEZUELA_AV].url == f"{AVIANCA_URL}#venezuela"


def test_a_selector_that_matches_nothing_is_a_layout_change() -> None:
    body = (FIXTURES / "avianca_layout_changed.html").read_bytes()
    with pytest.raises(ParseError, match=r"^layout changed: selector 'article.travel-alerts' "
                                         r"matched nothing") as caught:
        avianca(body)
    assert caught.value.url == AVIANCA_URL
    assert "avianca_layout_changed.html" in SETS[KIND].failing


# Two brief notices: 185 characters of text, a healthy region however short.
SHORT_NOTICES = """<html><head><title>Alertas de viaje</title></head><body><nav>Inicio</nav>
<article class="travel-alerts">
<h2>Venezuela</h2><p>Suspendemos los vuelos entre Bogotá y Caracas hasta el 12 de diciembre.</p>
<h2>Equipaje</h2><p>Sin cambios en la franquicia de equipaje para todos los vuelos nacionales e
internacionales, hoy.</p></article></body></html>""".encode()


def test_a_short_region_of_two_brief_notices_parses() -> None:
    items = {i.key: i for i in avianca(SHORT_NOTICES)}
    assert sum(len(i.body) for i in items.values()) - len(items) == 185   # heading\ntext
    assert set(items) == {"AV § Venezuela", "AV § Equipaje"}
    assert items["AV § Venezuela"].severity == Severity.WARNING


def test_a_region_that_lost_all_its_headings_is_a_layout_change() -> None:
    body = (b"<html><body><article class='travel-alerts'><p>Utilizamos cookies propias y de "
            b"terceros para mejorar su experiencia.</p><p>Buscar</p></article></body></html>")
    with pytest.raises(ParseError, match=r"^layout changed: selector 'article.travel-alerts' "
                                         r"holds no heading \(h1,h2,h3,h4\)"):
        avianca(body)


def test_min_chars_is_a_layout_check_only_when_set() -> None:
    with pytest.raises(ParseError, match=r"185 characters of text \(fewer than min_chars 200\)"):
        avianca(SHORT_NOTICES, min_chars=200)
    assert len(avianca(SHORT_NOTICES, min_chars=185)) == 2


def test_places_option_limits_the_watched_places() -> None:
    body = (FIXTURES / "avianca_1_suspended.html").read_bytes()
    assert {i.key for i in avianca(body, places=["ve"]) if i.severity == Severity.WARNING} == {
        VENEZUELA_AV}


@pytest.mark.parametrize(("options", "problem"), [
    ({"airline": "AV"}, "selector"),
    ({"selector": "main"}, "airline"),
    ({"selector": "main", "airline": "AVA"}, "2-character IATA"),
    ({"selector": "main[", "airline": "AV"}, "invalid CSS selector"),
    ({"selector": "main", "airline": "AV", "places": ["XX"]}, "unknown place table XX"),
    ({"selector": "main", "airline": "AV", "colour": "red"}, "colour"),
])
def test_bad_options_are_configuration_errors(options: dict[str, Any], problem: str) -> None:
    with pytest.raises(ValidationError, match=problem):
        AirlinePageOptions.model_validate(options)


@settings(deadline=None, max_examples=150)
@given(st.binary(max_size=3000))
def test_random_bytes_either_parse_or_raise_parse_error(body: bytes) -> None:
    with contextlib.suppress(ParseError):
        avianca(body, min_chars=0)


@st.composite
def mutated(draw: st.DrawFn, original: bytes) -> bytes:
    body = bytearray(original)
    tokens = [b"<h2>", b"</h2>", b"<article class='travel-alerts'>", b"</article>", b"<", b">",
              b"&", b"&#0;", b"\xc3", b"hasta el 12 de", b"<!--", b"<![CDATA[", b"<h2 id=''>"]
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(body)))
        action = draw(st.sampled_from(["delete", "insert", "token"]))
        if action == "delete":
            del body[at:at + draw(st.integers(1, 400))]
        elif action == "insert":
            body[at:at] = draw(st.binary(min_size=1, max_size=20))
        else:
            body[at:at] = draw(st.sampled_from(tokens))
    return bytes(body)


@settings(deadline=None, max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(mutated((FIXTURES / "avianca_1_suspended.html").read_bytes()))
def test_mutated_pages_either_parse_or_raise_parse_error(body: bytes) -> None:
    try:
        items = avianca(body)
    except ParseError:
        return
    assert items and all(i.airlines == ("AV",) for i in items)


def test_the_page_kind_expects_the_clients_html_types() -> None:
    from monitor.http import HTML_TYPES

    assert AirlinePage.expect == HTML_TYPES


def test_control_characters_in_a_page_are_dropped_not_fatal() -> None:
    body = (FIXTURES / "avianca_1_suspended.html").read_bytes()
    damaged = body.replace(b"<meta charset=", b"<meta charset=\x00", 1).replace(b"<h2", b"\x01<h2")
    keys = {i.key for i in avianca(damaged)}
    assert VENEZUELA_AV in keys
