"""Airline notices naming a city pair concern the routes flying it, not every route to one end."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from alerts.city_pairs import named_pairs
from alerts.routes import parse_route, profile_route, route_reasons
from monitor.types import Item, Severity

FIXTURES = Path(__file__).parent / "fixtures" / "airline_page"


def avianca_venezuela_notice() -> Item:
    """The Avianca section as the airline_page parser reads it from its fixture."""
    rows = json.loads((FIXTURES / "avianca_1_suspended.expected.json").read_text("utf-8"))
    row = next(r for r in rows if r["key"] == "AV § Vuelos desde y hacia Venezuela")
    assert "entre Bogotá y Caracas" in row["body"] and row["airports"] == ["SVMI"]
    return Item(source=row["source"], kind=row["kind"], key=row["key"], title=row["title"],
                body=row["body"], severity=Severity.parse(row["severity"]),
                airlines=tuple(row["airlines"]), airports=tuple(row["airports"]),
                countries=tuple(row["countries"]))


def notice(body: str, *, airports: tuple[str, ...] = ("SVMI",)) -> Item:
    return Item(source="airline-page", kind="advisory", key="TP § Venezuela", title="TP: aviso",
                body=body, severity=Severity.WARNING, airlines=("TP",), airports=airports,
                countries=("VE",))


@pytest.mark.parametrize(("text", "pairs"), [
    ("Avianca suspende sus vuelos entre Bogotá y Caracas (CCS) hasta el 12 de diciembre.",
     [({"SKBO"}, {"SVMI"})]),
    ("A TAP cancela os voos de Lisboa para Caracas até 30 de novembro.", [({"LPPT"}, {"SVMI"})]),
    ("Flights between Bogota and Maiquetía are suspended.", [({"SKBO"}, {"SVMI"})]),
    ("Cancelled: LIS-CCS and CCS-LIS on 22 Nov.", [({"LPPT"}, {"SVMI"}), ({"SVMI"}, {"LPPT"})]),
    ("Vuelos desde y hacia Venezuela", []),
    ("Suspendemos los vuelos a Caracas a partir del 1 de diciembre.", []),
    ("Los vuelos a Aruba (AUA) y Curazao (CUR) operan con normalidad.", []),
])
def test_the_pairs_a_notice_names(text, pairs):
    assert [(set(a), set(b)) for a, b in named_pairs(text)] == pairs


def test_a_city_with_several_airports_means_each_of_them():
    [(miami, caracas)] = named_pairs("Flights between Miami and Caracas are suspended.")
    assert {"KMIA", "KOPF"} <= miami and caracas == {"SVMI"}
    item = notice("Flights between Miami and Caracas are suspended.")
    assert route_reasons(profile_route(parse_route("MIA-CCS")), item) == [
        "route MIA-CCS flies MIA-CCS, a city pair the notice names"]


def test_a_notice_naming_bogota_caracas_concerns_that_route_not_lisbon_caracas():
    item = avianca_venezuela_notice()
    assert route_reasons(profile_route(parse_route("LIS-CCS")), item) == []
    assert route_reasons(profile_route(parse_route("CCS-BOG")), item) == [
        "route CCS-BOG flies CCS-BOG, a city pair the notice names"]
    assert route_reasons(profile_route(parse_route("SKBO-SVMI")), item) == [
        "route SKBO-SVMI flies SKBO-SVMI, a city pair the notice names"]


def test_a_pair_on_one_leg_or_between_the_ends_of_a_multi_leg_route():
    item = avianca_venezuela_notice()
    assert route_reasons(profile_route(parse_route("MAD-CCS-BOG")), item) == [
        "route MAD-CCS-BOG flies CCS-BOG, a city pair the notice names"]
    assert route_reasons(profile_route(parse_route("BOG-PTY-CCS")), item) == [
        "route BOG-PTY-CCS flies BOG-PTY-CCS, a city pair the notice names"]
    assert route_reasons(profile_route(parse_route("MAD-BOG")), item) == []


def test_a_notice_naming_one_place_still_concerns_every_route_to_it():
    item = notice("A TAP suspende os voos para Caracas até 30 de novembro.")
    assert route_reasons(profile_route(parse_route("LIS-CCS")), item) == [
        "route LIS-CCS arrives at SVMI (VE)"]
    assert route_reasons(profile_route(parse_route("OPO-CCS")), item) == [
        "route OPO-CCS arrives at SVMI (VE)"]


def test_a_pair_of_places_not_read_as_places_leaves_the_airport_rule():
    # "Xanadu" is no airport's city: the sentence names no pair, the airport rule applies.
    item = notice("Vuelos entre Xanadu y Caracas suspendidos.")
    assert route_reasons(profile_route(parse_route("LIS-CCS")), item) == [
        "route LIS-CCS arrives at SVMI (VE)"]


def test_a_state_notice_is_never_read_for_pairs():
    # Only airline notices name services; a NOTAM's "between A and B" is no city pair.
    item = Item(source="faa-prn", kind="notam", key="SVZM A0700/25", title="Routes",
                body="ATS routes between Bogota and Caracas closed", severity=Severity.WARNING,
                airports=("SVMI",))
    assert route_reasons(profile_route(parse_route("LIS-CCS")), item) == [
        "route LIS-CCS arrives at SVMI (VE)"]
