"""Route geometry: airports, great circles, FIRs crossed, NOTAM circles and the reasons given."""

from __future__ import annotations

import math
import subprocess
import sys
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from alerts.airports import (
    Airport,
    UnknownAirport,
    countries_of_icao_prefix,
    country_of_icao_prefix,
    resolve_airport,
)
from alerts.routes import (
    FirBoundaries,
    Route,
    distance_to_segment_nm,
    great_circle_nm,
    load_fir_boundaries,
    parse_route,
    profile_route,
    qline_position,
    route_label,
    route_reasons,
    sample_leg,
)
from monitor.types import Area, Flight, Item, Severity

CCS = (10.60312, -66.99059)
LIS = (38.7813, -9.13592)


# --- helpers ------------------------------------------------------------------------------


def notam(key: str = "SVZM A0622/25", *, area: Area | None = None, firs: tuple[str, ...] = (),
          airports: tuple[str, ...] = (), countries: tuple[str, ...] = ()) -> Item:
    return Item(source="test", kind="notam", key=key, title="test", severity=Severity.WARNING,
                area=area, firs=firs, airports=airports, countries=countries)


def flight_item(number: str, origin: str | None, destination: str | None) -> Item:
    return Item(source="test", kind="flight", key=f"{number} 2025-11-22", title=number,
                flight=Flight(number=number, date="2025-11-22", origin=origin,
                              destination=destination),
                airports=tuple(code for code in (origin, destination) if code))


def destination(point: tuple[float, float], bearing_deg: float,
                distance_nm: float) -> tuple[float, float]:
    """The point reached from `point` along an initial bearing (textbook spherical formula)."""
    phi, lam = math.radians(point[0]), math.radians(point[1])
    theta, delta = math.radians(bearing_deg), distance_nm / 3440.065
    phi2 = math.asin(math.sin(phi) * math.cos(delta)
                     + math.cos(phi) * math.sin(delta) * math.cos(theta))
    lam2 = lam + math.atan2(math.sin(theta) * math.sin(delta) * math.cos(phi),
                            math.cos(delta) - math.sin(phi) * math.sin(phi2))
    return (math.degrees(phi2), math.degrees(lam2))


def bearing(a: tuple[float, float], b: tuple[float, float]) -> float:
    phi1, phi2 = math.radians(a[0]), math.radians(b[0])
    dlam = math.radians(b[1] - a[1])
    return math.degrees(math.atan2(math.sin(dlam) * math.cos(phi2),
                                   math.cos(phi1) * math.sin(phi2)
                                   - math.sin(phi1) * math.cos(phi2) * math.cos(dlam)))


def box(code: str, lon1: float, lat1: float, lon2: float, lat2: float) -> dict:
    ring = [[lon1, lat1], [lon2, lat1], [lon2, lat2], [lon1, lat2], [lon1, lat1]]
    return {"type": "Feature", "properties": {"id": code},
            "geometry": {"type": "Polygon", "coordinates": [ring]}}


@pytest.fixture(scope="module")
def lis_ccs():
    return profile_route(parse_route("LIS-CCS"))


# --- airports -----------------------------------------------------------------------------


@pytest.mark.parametrize(("iata", "icao", "country"), [
    ("CCS", "SVMI", "VE"), ("BOG", "SKBO", "CO"), ("PTY", "MPTO", "PA"), ("GRU", "SBGR", "BR"),
    ("MAD", "LEMD", "ES"), ("LIS", "LPPT", "PT"), ("IST", "LTFM", "TR"), ("POS", "TTPP", "TT"),
    ("CUC", "SKCC", "CO"), ("MAR", "SVMC", "VE"),
])
def test_iata_and_icao_codes_resolve_to_the_same_airport(iata, icao, country):
    by_iata = resolve_airport(iata)
    assert by_iata == resolve_airport(icao) == resolve_airport(f" {icao.lower()} ")
    assert (by_iata.icao, by_iata.iata, by_iata.country) == (icao, iata, country)


@pytest.mark.parametrize(("code", "message"), [
    ("QQQ", "unknown airport code 'QQQ' (no IATA airport of that code in airportsdata)"),
    ("QQQQ", "unknown airport code 'QQQQ' (no ICAO airport of that code in airportsdata)"),
    ("LISBON", "'LISBON' is not an airport code (IATA is 3 letters, ICAO is 4 letters)"),
])
def test_an_unknown_airport_code_is_an_error_naming_the_code(code, message):
    with pytest.raises(UnknownAirport) as caught:
        resolve_airport(code)
    assert str(caught.value) == message
    assert isinstance(caught.value, ValueError)
    assert caught.value.code == code


def test_importing_the_route_module_does_not_load_airportsdata():
    code = "import sys, alerts.routes; sys.exit('airportsdata' in sys.modules)"
    root = Path(__file__).resolve().parents[1]
    assert subprocess.run([sys.executable, "-c", code], cwd=root, check=False).returncode == 0


@pytest.mark.parametrize(("code", "country"), [
    ("SVZM", "VE"), ("SKED", "CO"), ("TTZP", "TT"), ("TNCF", "CW"), ("TNCA", "AW"),
    ("TNCM", "SX"), ("MPZL", "PA"), ("LPPO", "PT"), ("SBAZ", "BR"), ("LEMD", "ES"),
    ("KZMA", "US"), ("TJZS", "PR"), ("SYGC", "GY"), ("LTFM", "TR"), ("OIIX", "IR"),
    ("UMKK", "RU"), ("UMMS", "BY"), ("CZQX", "CA"), ("EGGX", "GB"), ("OJAC", "JO"),
])
def test_icao_prefixes_give_the_country(code, country):
    assert country_of_icao_prefix(code) == country


def test_a_prefix_shared_by_several_territories_has_no_single_country():
    assert country_of_icao_prefix("TNCX") is None
    assert countries_of_icao_prefix("TNCX") == ("CW", "AW", "BQ", "SX")
    assert country_of_icao_prefix("QQQQ") is None
    assert countries_of_icao_prefix("QQQQ") == ()


# --- parsing ------------------------------------------------------------------------------


def test_iata_and_icao_spellings_give_the_same_legs():
    by_iata, by_icao = parse_route("LIS-CCS"), parse_route("LPPT-SVMI")
    assert by_iata.legs == by_icao.legs
    assert [airport.icao for airport in by_iata.airports] == ["LPPT", "SVMI"]
    assert route_label(by_iata) == "LIS-CCS"
    assert route_label(by_icao) == "LPPT-SVMI"
    assert route_label(parse_route(" lis - ccs ")) == "LIS-CCS"
    assert by_iata.firs == ()
    assert by_iata.cruise == (None, None)


def test_a_multi_leg_route_has_one_leg_per_hop():
    route = parse_route("MAD-CCS-BOG")
    assert [(a.icao, b.icao) for a, b in route.legs] == [("LEMD", "SVMI"), ("SVMI", "SKBO")]


def test_a_route_table_declares_firs_and_cruise():
    route = parse_route({"route": "MIA-GRU", "firs": ["KZMA", "tjzs", "SVZM", "SBAZ"],
                         "cruise": "FL300-FL410"})
    assert route == Route(text="MIA-GRU", legs=parse_route("MIA-GRU").legs,
                          firs=("KZMA", "TJZS", "SVZM", "SBAZ"), cruise=(300, 410))


@pytest.mark.parametrize(("spec", "message"), [
    ("LIS-QQQ", "route 'LIS-QQQ': unknown airport code 'QQQ' "
                "(no IATA airport of that code in airportsdata)"),
    ("LISCCS", "route 'LISCCS': expected airport codes joined by '-', "
               "e.g. 'LIS-CCS' or 'MAD-CCS-BOG'"),
    ("LIS--CCS", "route 'LIS--CCS': empty airport code"),
    ("LIS-LPPT", "route 'LIS-LPPT': leg LIS-LPPT starts and ends at the same airport"),
    ({"route": "LIS-CCS", "cruise": "FL300-410"},
     "route 'LIS-CCS': cruise 'FL300-410' is not a flight-level band like 'FL300-FL410'"),
    ({"route": "LIS-CCS", "cruise": 300},
     "route 'LIS-CCS': cruise '300' is not a flight-level band like 'FL300-FL410'"),
    ({"route": "LIS-CCS", "cruise": "FL410-FL300"},
     "route 'LIS-CCS': cruise 'FL410-FL300' has its lower level above its upper level"),
    ({"route": "LIS-CCS", "firs": "SVZM"},
     "route 'LIS-CCS': firs must be a list of ICAO FIR codes, e.g. [\"SVZM\"]"),
    ({"route": "LIS-CCS", "firs": ["SVZ"]},
     "route 'LIS-CCS': 'SVZ' is not an ICAO FIR code (4 letters)"),
    ({"route": "LIS-CCS", "speed": 480, "alt": 1},
     "unknown route key(s) alt, speed (known: route, firs, cruise)"),
    ({"firs": ["SVZM"]}, "a route table needs 'route', a string like 'MIA-GRU'"),
    (42, "a route is a string like 'LIS-CCS' or a table with a 'route' key, not int"),
])
def test_a_bad_route_is_an_error_saying_what_is_wrong(spec, message):
    with pytest.raises(ValueError) as caught:
        parse_route(spec)
    assert str(caught.value) == message


def test_an_unknown_code_in_a_route_is_an_unknown_airport_error():
    with pytest.raises(UnknownAirport) as caught:
        parse_route("MAD-CCS-QQQQ")
    assert caught.value.code == "QQQQ"
    assert "'QQQQ'" in str(caught.value)


# --- great circles ------------------------------------------------------------------------


def test_lisbon_caracas_great_circle_is_about_3511_nm():
    lis, ccs = resolve_airport("LIS"), resolve_airport("CCS")
    # 6,502 km on a mean-radius sphere.
    assert great_circle_nm(lis, ccs) == pytest.approx(3511, rel=0.005)
    assert great_circle_nm(ccs, lis) == pytest.approx(great_circle_nm(lis, ccs))
    assert great_circle_nm((0, 0), (0, 1)) == pytest.approx(60.04, abs=0.01)


@pytest.mark.parametrize("route", ["LIS-CCS", "BOG-CCS", "IST-CCS", "POS-CCS"])
def test_samples_are_never_more_than_20_nm_apart(route):
    a, b = parse_route(route).legs[0]
    samples = sample_leg(a, b)
    assert samples[0] == a.position
    assert samples[-1] == b.position
    gaps = [great_circle_nm(p, q) for p, q in pairwise(samples)]
    assert max(gaps) <= 20.0
    assert sum(gaps) == pytest.approx(great_circle_nm(a, b), rel=1e-9)


def test_samples_lie_on_the_great_circle():
    for point in sample_leg(LIS, CCS, step_nm=100):
        assert distance_to_segment_nm(point, LIS, CCS) < 1e-6


def test_a_multi_leg_profile_samples_every_leg_once(lis_ccs):
    profile = profile_route(parse_route("MAD-CCS-BOG"))
    assert profile.endpoints == ("LEMD", "SVMI", "SKBO")
    assert profile.samples.count(CCS) == 1
    assert max(great_circle_nm(p, q) for p, q in pairwise(profile.samples)) <= 20.0
    assert len(lis_ccs.samples) == math.ceil(great_circle_nm(LIS, CCS) / 20) + 1


def test_distance_to_segment_is_cross_track_within_and_endpoint_distance_beyond():
    middle = sample_leg(LIS, CCS, step_nm=500)[4]
    track = bearing(middle, CCS)
    off_track = destination(middle, track + 90, 300)
    assert distance_to_segment_nm(off_track, LIS, CCS) == pytest.approx(300, abs=0.5)
    assert distance_to_segment_nm(CCS, LIS, CCS) == pytest.approx(0, abs=1e-6)
    past_ccs = destination(CCS, bearing(CCS, LIS) + 180, 80)     # on past the end
    assert distance_to_segment_nm(past_ccs, LIS, CCS) == pytest.approx(
        great_circle_nm(past_ccs, CCS), abs=1e-6)


latitudes = st.floats(min_value=-89.9, max_value=89.9)
longitudes = st.floats(min_value=-180, max_value=180)
points = st.tuples(latitudes, longitudes)


@given(points, points, points)
def test_distance_to_a_segment_is_never_more_than_to_either_end(point, a, b):
    distance = distance_to_segment_nm(point, a, b)
    assert distance >= 0
    assert distance <= great_circle_nm(point, a) + 1e-6
    assert distance <= great_circle_nm(point, b) + 1e-6


# --- NOTAM circles ------------------------------------------------------------------------


def test_a_circle_on_caracas_affects_lisbon_caracas(lis_ccs):
    item = notam(area=Area(lat=CCS[0], lon=CCS[1], radius_nm=50, lower_fl=0, upper_fl=999))
    assert route_reasons(lis_ccs, item) == [
        "route LIS-CCS passes 0 NM from the 50 NM area at 1036N06659W (FL000-FL999)"]


def test_a_circle_300_nm_off_the_track_does_not_affect_the_route(lis_ccs):
    middle = sample_leg(LIS, CCS, step_nm=500)[4]
    lat, lon = destination(middle, bearing(middle, CCS) - 90, 300)
    assert route_reasons(lis_ccs, notam(area=Area(lat, lon, 50, 0, 999))) == []
    assert route_reasons(lis_ccs, notam(area=Area(lat, lon, 310, 0, 999))) == [
        "route LIS-CCS passes 300 NM from the 310 NM area at 2321N03856W (FL000-FL999)"]


def test_a_low_band_away_from_the_endpoints_misses_a_cruise_band():
    profile = profile_route(parse_route({"route": "LIS-CCS", "cruise": "FL300-FL410"}))
    middle = sample_leg(LIS, CCS, step_nm=500)[4]
    low = notam(area=Area(middle[0], middle[1], 20, 0, 100))
    high = notam(area=Area(middle[0], middle[1], 20, 250, 350))
    assert route_reasons(profile, low) == []
    assert route_reasons(profile, high) == [
        "route LIS-CCS passes 0 NM from the 20 NM area at 2740N04143W (FL250-FL350)"]


def test_a_low_band_within_100_nm_of_an_endpoint_affects_a_cruise_band():
    profile = profile_route(parse_route({"route": "LIS-CCS", "cruise": "FL300-FL410"}))
    towards_lisbon = bearing(CCS, LIS)
    near = destination(CCS, towards_lisbon, 60)
    far = destination(CCS, towards_lisbon, 150)
    beside = destination(destination(CCS, towards_lisbon, 110), towards_lisbon + 90, 5)
    assert route_reasons(profile, notam(area=Area(*near, 10, 0, 100))) == [
        "route LIS-CCS passes 0 NM from the 10 NM area at 1114N06612W (FL000-FL100)"]
    assert route_reasons(profile, notam(area=Area(*far, 10, 0, 100))) == []
    # 110 NM out along the track, but its 15 NM radius reaches back inside the 100 NM.
    assert route_reasons(profile, notam(area=Area(*beside, 15, 0, 100))) == [
        "route LIS-CCS passes 5 NM from the 15 NM area at 1142N06529W (FL000-FL100)"]
    departure = destination(LIS, bearing(LIS, CCS), 40)
    assert route_reasons(profile, notam(area=Area(*departure, 5, 0, 50))) != []


def test_a_radius_999_circle_is_left_to_the_fir_rule(lis_ccs):
    item = notam(area=Area(CCS[0], CCS[1], 999, 0, 999))
    assert route_reasons(lis_ccs, item) == []


def test_a_circle_reports_the_nearest_leg_of_a_multi_leg_route():
    profile = profile_route(parse_route("MAD-CCS-BOG"))
    bog = resolve_airport("BOG").position
    past_bog = destination(bog, bearing(bog, CCS) + 180, 30)
    item = notam("SKED A0050/26", area=Area(*past_bog, 40, None, None))
    assert route_reasons(profile, item) == [
        "route MAD-CCS-BOG passes 30 NM from the 40 NM area at 0423N07432W"]


def test_a_circle_affects_the_route_written_either_way(lis_ccs):
    reverse = profile_route(parse_route("CCS-LIS"))
    middle = sample_leg(LIS, CCS, step_nm=500)[4]
    centre = destination(middle, bearing(middle, CCS) + 90, 32)
    item = notam("KICZ A0012/25", area=Area(*centre, 50, 0, 999))
    assert route_reasons(lis_ccs, item) == [
        "route LIS-CCS passes 32 NM from the 50 NM area at 2807N04201W (FL000-FL999)"]
    assert route_reasons(reverse, item) == [
        "route CCS-LIS passes 32 NM from the 50 NM area at 2807N04201W (FL000-FL999)"]


@pytest.mark.parametrize(("lat", "lon", "text"), [
    (10.60312, -66.99059, "1036N06659W"), (-34.8222, -58.5358, "3449S05832W"),
    (51.4706, -0.4619, "5128N00028W"), (1.3502, 103.9940, "0121N10400E"),
    (10.99999, -66.99999, "1100N06700W"), (0.0, 0.0, "0000N00000E"),
])
def test_an_area_centre_is_written_as_a_q_line_writes_it(lat, lon, text):
    assert qline_position(lat, lon) == text


def test_a_circle_near_its_fir_but_off_the_route_does_not_match_by_fir_or_country():
    # The 50 NM restricted area at Caracas (Q-line 1036N06659W050) is 113 NM from the Miami -
    # Sao Paulo great circle: the route crosses SVZM and touches VE, but misses the area.
    profile = profile_route(parse_route({"route": "MIA-GRU", "firs": ["SVZM"]}))
    centre = (10 + 36 / 60, -(66 + 59 / 60))
    assert round(distance_to_segment_nm(centre, resolve_airport("MIA"),
                                        resolve_airport("GRU"))) == 113
    item = notam("SVZM A0601/25", firs=("SVZM",), countries=("VE",), airports=("SVMI",),
                 area=Area(*centre, 50, 0, 999))
    assert route_reasons(profile, item) == []
    wider = notam("SVZM A0601/25", firs=("SVZM",), countries=("VE",),
                  area=Area(*centre, 120, 0, 999))
    assert route_reasons(profile, wider) == [
        "route MIA-GRU passes 113 NM from the 120 NM area at 1036N06659W (FL000-FL999)"]


def test_a_whole_fir_circle_still_matches_by_fir_and_country():
    profile = profile_route(parse_route({"route": "MIA-GRU", "firs": ["SVZM"]}))
    item = notam("SVZM A0590/25", firs=("SVZM",), countries=("VE",),
                 area=Area(7.0, -65.0, 999, 0, 999))
    assert route_reasons(profile, item) == [
        "route MIA-GRU crosses FIR SVZM", "route MIA-GRU touches country VE"]


def test_a_route_without_cruise_flies_an_airliners_band_away_from_its_airports():
    jfk_eze = profile_route(parse_route("JFK-EZE"))
    jfk, eze = resolve_airport("JFK").position, resolve_airport("EZE").position
    middle = sample_leg(jfk, eze, step_nm=1000)[2]
    off_track = destination(middle, bearing(middle, eze) + 90, 12)
    low = notam("SBAZ D0123/25", area=Area(*off_track, 50, 0, 100))
    assert route_reasons(jfk_eze, low) == []          # SFC-FL100, mid-route: below the cruise
    high = notam("SBAZ D0124/25", area=Area(*off_track, 50, 300, 400))
    assert route_reasons(jfk_eze, high) == [
        f"route JFK-EZE passes 12 NM from the 50 NM area at {qline_position(*off_track)} "
        "(FL300-FL400)"]
    beside_eze = destination(eze, bearing(eze, jfk) + 90, 12)
    at_destination = notam("SAEF D0125/25", area=Area(*beside_eze, 50, 0, 100))
    assert route_reasons(jfk_eze, at_destination) == [
        f"route JFK-EZE passes 12 NM from the 50 NM area at {qline_position(*beside_eze)} "
        "(FL000-FL100)"]


def test_a_declared_cruise_band_replaces_the_airliners_band():
    low_cruise = profile_route(parse_route({"route": "JFK-EZE", "cruise": "FL080-FL120"}))
    jfk, eze = resolve_airport("JFK").position, resolve_airport("EZE").position
    middle = sample_leg(jfk, eze, step_nm=1000)[2]
    assert route_reasons(low_cruise, notam(area=Area(*middle, 50, 0, 100))) != []
    assert route_reasons(low_cruise, notam(area=Area(*middle, 50, 300, 400))) == []


# --- FIR boundaries -----------------------------------------------------------------------


def fir_map() -> FirBoundaries:
    return load_fir_boundaries({"type": "FeatureCollection", "features": [
        box("SVZM", -73, 0, -59, 16),                     # around Venezuela
        box("MPZL", -84, 5, -77, 10),                     # Panama: LIS-CCS stays far east
        {"type": "Feature", "properties": {"icao": "lppo", "name": "Santa Maria"},
         "geometry": {"type": "MultiPolygon", "coordinates": [
             [[[-40, 17], [-13, 17], [-13, 45], [-40, 45], [-40, 17]]],
             [[[170, 0], [179, 0], [179, 5], [170, 0]]],
         ]}},
    ]})


def test_a_fir_crossed_by_the_route_is_found_and_one_not_crossed_is_not():
    profile = profile_route(parse_route("LIS-CCS"), fir_map())
    assert profile.firs == ("LPPO", "SVZM")
    assert profile.countries == ("PT", "VE")
    assert route_reasons(profile, notam(firs=("SVZM",))) == ["route LIS-CCS crosses FIR SVZM"]
    assert route_reasons(profile, notam(firs=("MPZL",))) == []


def test_declared_firs_come_first_and_are_not_repeated():
    route = parse_route({"route": "LIS-CCS", "firs": ["SVZM", "TTZP"]})
    assert profile_route(route, fir_map()).firs == ("SVZM", "TTZP", "LPPO")
    assert profile_route(route).firs == ("SVZM", "TTZP")


def test_a_point_in_a_polygon_hole_is_outside_the_fir():
    outer = [[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]]
    hole = [[4, 4], [6, 4], [6, 6], [4, 6], [4, 4]]
    firs = load_fir_boundaries({"type": "FeatureCollection", "features": [
        {"type": "Feature", "id": "XXZZ", "properties": {},
         "geometry": {"type": "Polygon", "coordinates": [outer, hole]}}]})
    assert firs.firs_at((2, 2)) == ("XXZZ",)       # (lat, lon)
    assert firs.firs_at((5, 5)) == ()
    assert firs.firs_at((11, 5)) == ()


def test_features_sharing_a_code_are_one_fir():
    firs = load_fir_boundaries({"type": "FeatureCollection", "features": [
        box("SVZM", -73, 0, -66, 16), box("SVZM", -66, 0, -59, 16)]})
    assert [fir.icao for fir in firs.firs] == ["SVZM"]
    assert firs.firs_at((8, -62)) == ("SVZM",)


@pytest.mark.parametrize(("geojson", "message"), [
    ([], "FIR boundaries: expected a GeoJSON FeatureCollection"),
    ({"type": "FeatureCollection", "features": {}}, "FIR boundaries: 'features' is not a list"),
    ({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {},
                                                 "geometry": None}]},
     "FIR boundaries: features[0]: no ICAO code (property 'icao' or 'id')"),
    ({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"id": "SVZM"},
         "geometry": {"type": "Point", "coordinates": [0, 0]}}]},
     "FIR boundaries: features[0]: geometry type 'Point' is not Polygon or MultiPolygon"),
    ({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"id": "SVZM"},
         "geometry": {"type": "Polygon", "coordinates": [[[0, 0], "x", [1, 1], [0, 0]]]}}]},
     "FIR boundaries: features[0]: a ring is a list of [lon, lat] positions"),
    ({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"id": "SVZM"},
         "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [0, 0]]]}}]},
     "FIR boundaries: features[0]: a ring needs at least 3 distinct positions"),
])
def test_fir_boundaries_of_the_wrong_shape_are_an_error(geojson, message):
    with pytest.raises(ValueError) as caught:
        load_fir_boundaries(geojson)
    assert str(caught.value) == message


# --- airports, countries, flights ---------------------------------------------------------


def test_an_item_at_either_end_reads_as_departure_or_arrival(lis_ccs):
    item = notam(airports=("LPPT", "SVMI"))
    assert route_reasons(lis_ccs, item) == [
        "route LIS-CCS departs from LPPT (PT)", "route LIS-CCS arrives at SVMI (VE)"]
    assert route_reasons(lis_ccs, notam(airports=("SKBO",))) == []


def test_an_endpoint_country_reads_as_the_arrival_and_is_not_repeated(lis_ccs):
    item = notam(airports=("SVMI",), countries=("VE",))
    assert route_reasons(lis_ccs, item) == ["route LIS-CCS arrives at SVMI (VE)"]
    assert route_reasons(lis_ccs, notam(countries=("PT",))) == [
        "route LIS-CCS departs from LPPT (PT)"]
    assert route_reasons(lis_ccs, notam(countries=("CO",))) == []


def test_a_country_of_a_fir_crossed_is_touched():
    route = parse_route({"route": "MIA-GRU", "firs": ["KZMA", "TJZS", "SVZM", "SBAZ"],
                         "cruise": "FL300-FL410"})
    profile = profile_route(route)
    assert profile.countries == ("US", "BR", "PR", "VE")
    item = notam("KICZ A0012/25", firs=("SVZM",), countries=("VE",))
    assert route_reasons(profile, item) == [
        "route MIA-GRU crosses FIR SVZM", "route MIA-GRU touches country VE"]
    assert route_reasons(profile, notam(countries=("BR", "US"))) == [
        "route MIA-GRU departs from KMIA (US)", "route MIA-GRU arrives at SBGR (BR)"]


def test_a_fir_country_table_overrides_the_prefix():
    profile = profile_route(parse_route({"route": "MIA-GRU", "firs": ["TJZS"]}),
                            fir_countries={"TJZS": ["US", "PR"]})
    assert profile.countries == ("US", "BR", "PR")


def test_a_multi_leg_route_stops_at_its_middle_airport():
    profile = profile_route(parse_route("MAD-CCS-BOG"))
    assert route_reasons(profile, notam(airports=("SKBO", "SVMI", "LEMD"))) == [
        "route MAD-CCS-BOG departs from LEMD (ES)", "route MAD-CCS-BOG stops at SVMI (VE)",
        "route MAD-CCS-BOG arrives at SKBO (CO)"]


def test_a_flight_on_the_route_matches_in_either_direction(lis_ccs):
    assert route_reasons(lis_ccs, flight_item("TP170", "LPPT", "SVMI")) == [
        "flight TP170 flies LIS-CCS"]
    assert route_reasons(lis_ccs, flight_item("TP171", "SVMI", "LPPT")) == [
        "flight TP171 flies CCS-LIS"]
    icao_route = profile_route(parse_route("LPPT-SVMI"))
    assert route_reasons(icao_route, flight_item("TP171", "SVMI", "LPPT")) == [
        "flight TP171 flies SVMI-LPPT"]


def test_a_flight_sharing_only_an_airport_does_not_match(lis_ccs):
    assert route_reasons(lis_ccs, flight_item("TP1026", "LPPT", "LEMD")) == []
    assert route_reasons(lis_ccs, flight_item("TP170", None, "SVMI")) == []


def test_a_flight_on_one_leg_of_a_multi_leg_route_matches():
    profile = profile_route(parse_route("MAD-CCS-BOG"))
    assert route_reasons(profile, flight_item("AV8", "SKBO", "SVMI")) == [
        "flight AV8 flies BOG-CCS"]
    assert route_reasons(profile, flight_item("IB6673", "LEMD", "SKBO")) == []


def test_reasons_come_in_a_fixed_order(lis_ccs):
    profile = profile_route(parse_route("LIS-CCS"), fir_map())
    item = notam(firs=("SVZM", "LPPO"), airports=("SVMI",), countries=("VE", "PT"))
    assert route_reasons(profile, item) == [
        "route LIS-CCS arrives at SVMI (VE)",
        "route LIS-CCS crosses FIR LPPO",
        "route LIS-CCS crosses FIR SVZM",
        "route LIS-CCS departs from LPPT (PT)",
    ]


def test_an_item_with_a_small_area_is_matched_by_its_area_alone(lis_ccs):
    profile = profile_route(parse_route("LIS-CCS"), fir_map())
    item = notam(firs=("SVZM", "LPPO"), airports=("SVMI",), countries=("VE", "PT"),
                 area=Area(CCS[0], CCS[1], 50, 0, 999))
    assert route_reasons(profile, item) == [
        "route LIS-CCS passes 0 NM from the 50 NM area at 1036N06659W (FL000-FL999)"]


def test_airport_positions_are_what_the_geometry_uses():
    airport = resolve_airport("CCS")
    assert isinstance(airport, Airport)
    assert airport.position == CCS
    assert great_circle_nm(airport, CCS) == 0
