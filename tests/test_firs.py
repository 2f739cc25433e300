"""The FIR boundaries shipped in the package: where they come from, what they say."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alerts.airports import resolve_airport
from alerts.firs import shipped_fir_boundaries, shipped_geojson
from alerts.routes import parse_route, profile_route

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "alerts" / "data"
VATSPY = ROOT.parent / "shared" / "data" / "fir_boundaries"


@pytest.fixture(scope="module")
def firs():
    return shipped_fir_boundaries()


def test_the_licence_and_attribution_sit_next_to_the_data():
    attribution = (DATA / "firs.ATTRIBUTION").read_text("utf-8")
    assert "VATSpy Data Project" in attribution
    assert "Creative Commons Attribution-ShareAlike 4.0" in attribution
    assert "not for navigation" in attribution and "simplified" in attribution
    assert "Attribution-ShareAlike 4.0 International" in (DATA / "firs.LICENSE").read_text("utf-8")
    readme = (ROOT / "README.md").read_text("utf-8")
    assert ("FIR boundaries: VATSpy Data Project, CC BY-SA 4.0, simplified; approximate, "
            "not for navigation") in " ".join(readme.split())


def test_the_package_declares_the_data_files():
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    assert "data/*" in project["tool"]["setuptools"]["package-data"]["alerts"]


def test_the_shipped_file_stays_small():
    assert (DATA / "firs.geojson.gz").stat().st_size < 200_000


def test_one_feature_per_icao_fir_and_no_sub_sectors(firs):
    features = shipped_geojson()["features"]
    codes = [f["properties"]["icao"] for f in features if not f["properties"].get("oceanic")]
    assert len(codes) == len(set(codes)) > 300
    assert all(len(code) == 4 and code.isalpha() for code in codes)
    assert {"SVZM", "SBAZ", "KZMA", "LPPO", "TTZP", "TNCF", "SKED", "OIIX", "LGGG"} <= set(codes)
    # The parts the source marks oceanic are a second feature of their FIR (at most one).
    oceanic = [f["properties"]["icao"] for f in features if f["properties"].get("oceanic")]
    assert len(oceanic) == len(set(oceanic)) and {"KZNY", "SBAO", "KZAK"} <= set(oceanic)
    names = {f["properties"]["icao"]: f["properties"]["name"]
             for f in shipped_geojson()["features"]}
    assert names["SVZM"] == "Maiquetia"


@pytest.mark.parametrize(("airport", "fir"), [
    ("CCS", "SVZM"), ("POS", "TTZP"), ("CUR", "TNCF"), ("AUA", "TNCF"), ("BOG", "SKED"),
    ("MIA", "KZMA"), ("LIS", "LPPC"), ("GRU", "SBBS"), ("EZE", "SAEF"),
])
def test_airports_lie_in_their_fir(firs, airport, fir):
    assert fir in firs.firs_at(resolve_airport(airport).position)


def test_a_sub_sector_reaching_beyond_the_fir_counts_as_the_fir(firs):
    # KZMA-OCN, Miami's oceanic part, reaches past the KZMA feature north of Hispaniola, and
    # BIRD-N, Reykjavik's northern part, past BIRD over Greenland.
    assert "KZMA" in firs.firs_at((20.4175, -71.0197))
    assert "BIRD" in firs.firs_at((77.0, -37.75))


@pytest.mark.parametrize(("route", "crossed"), [
    ("MIA-GRU", ("KZMA", "MUFH", "MTEG", "MKJK", "TNCF", "SVZM", "SBAZ", "SBBS")),
    ("LIS-CCS", ("LPPC", "LPPO", "KZNY", "TTZP", "SVZM")),
    ("MAD-LIS", ("LECM", "LPPC")),
])
def test_great_circles_cross_the_firs_they_cross(firs, route, crossed):
    assert profile_route(parse_route(route), firs).firs == crossed


@pytest.mark.parametrize(("route", "svzm"), [
    ("MIA-GRU", True), ("JFK-EZE", True), ("LIS-CCS", True),
    ("MIA-BOG", False), ("JFK-GRU", False), ("MAD-LIS", False),
])
def test_which_great_circles_cross_svzm(firs, route, svzm):
    assert ("SVZM" in profile_route(parse_route(route), firs).firs) is svzm


def test_the_shipped_boundaries_are_read_once(firs):
    assert shipped_fir_boundaries() is firs


def test_commands_that_place_no_route_never_read_them():
    # Reading costs milliseconds (bench/fir_load.py); a run without routes pays none of it.
    probe = ("import alerts.routes, alerts.firs, monitor.runtime, monitor.service; "
             "print(alerts.firs.shipped_fir_boundaries.cache_info().currsize)")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          check=True, cwd=ROOT)
    assert done.stdout.strip() == "0"


@pytest.mark.skipif(not VATSPY.is_dir(), reason="../shared/data/fir_boundaries is not here")
def test_the_script_derives_the_shipped_files_from_the_vatspy_data(tmp_path):
    pytest.importorskip("shapely", reason="the derivation script needs shapely")
    subprocess.run([sys.executable, str(ROOT / "scripts" / "derive_fir_boundaries.py"),
                    "--source", str(VATSPY), "--out", str(tmp_path)],
                   check=True, capture_output=True, cwd=ROOT)
    for name in ("firs.LICENSE", "firs.ATTRIBUTION"):
        assert (tmp_path / name).read_bytes() == (DATA / name).read_bytes()
    derived = json.loads(gzip.decompress((tmp_path / "firs.geojson.gz").read_bytes()))
    shipped = shipped_geojson()
    assert [f["properties"] for f in derived["features"]] == [
        f["properties"] for f in shipped["features"]]
    # The same polygons and rings; vertices may move by a rounding step with another GEOS.
    def rings(collection):
        return [[len(polygon) for polygon in f["geometry"]["coordinates"]]
                for f in collection["features"]]
    assert rings(derived) == rings(shipped)


@settings(max_examples=300, deadline=None)
@given(lat=st.floats(-89.9, 89.9), lon=st.floats(-180, 180))
def test_the_cell_index_finds_what_testing_every_fir_finds(lat, lon):
    firs = shipped_fir_boundaries()
    assert firs.firs_at((lat, lon)) == tuple(dict.fromkeys(
        fir.icao for fir in firs.firs if fir.contains((lat, lon))))


def test_the_users_boundaries_win_over_the_shipped_ones(tmp_path):
    from monitor.config import load_config
    from monitor.runtime import build_watches, fir_boundaries

    watchlist = '[[watchlists]]\nname = "desk"\nroutes = ["LIS-CCS"]\n'
    plain = tmp_path / "plain.toml"
    plain.write_text(watchlist)
    assert fir_boundaries(load_config(plain)) is shipped_fir_boundaries()
    assert build_watches(load_config(plain))["desk"].routes[0].firs == (
        "LPPC", "LPPO", "KZNY", "TTZP", "SVZM")
    ring = [[-73, 0], [-59, 0], [-59, 16], [-73, 16], [-73, 0]]
    (tmp_path / "mine.geojson").write_text(json.dumps({
        "type": "FeatureCollection", "features": [{
            "type": "Feature", "properties": {"icao": "XVEN"},
            "geometry": {"type": "Polygon", "coordinates": [ring]}}]}))
    mine = tmp_path / "mine.toml"
    mine.write_text(f'[geo]\nfir_boundaries = "mine.geojson"\n{watchlist}')
    assert [fir.icao for fir in fir_boundaries(load_config(mine)).firs] == ["XVEN"]
    assert build_watches(load_config(mine))["desk"].routes[0].firs == ("XVEN",)


def test_crossing_an_oceanic_fir_touches_no_state_territory(firs):
    from monitor.runtime import route_profile

    def profile(route: str):  # type: ignore[no-untyped-def]
        return route_profile(route, firs)

    atlantic = profile("LIS-CCS")       # New York Oceanic only, far from the United States
    assert "KZNY" in atlantic.firs and "US" not in atlantic.countries
    assert "US" in profile("JFK-LHR").countries     # departs from the US, of course
    assert "US" in profile("BOS-BDA").countries     # New York's landward part (KZNY)
    crossing = next(r for f, r in atlantic.fir_reasons if f == "KZNY")
    assert crossing == "route LIS-CCS crosses FIR KZNY"
