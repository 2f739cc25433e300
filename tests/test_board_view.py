"""What the board shows, from plain values (monitor.web.board is pure)."""

from __future__ import annotations

from typing import Any

from alerts.airports import resolve_airport
from alerts.routes import FirBoundaries, FirShape, great_circle_nm, sample_leg
from monitor.web.board import (
    Hazard,
    active_firs,
    board_alerts,
    circles,
    fir_features,
    firs_crossed,
    route_line,
    safe_link,
    unwrap,
    validity,
    watchlist_hazards,
)


def row(key: str, severity: str, reasons: list[str], source: str = "faa-prn",
        **item: Any) -> dict[str, Any]:
    full = {"key": key, "valid_from": None, "valid_to": None, "valid_to_estimated": False,
            "firs": [], "area": None, **item}
    return {"severity": severity, "key": key, "source": source, "title": f"{key} title",
            "reasons": reasons, "valid_to": full["valid_to"], "url": item.get("url"),
            "item": full}


def test_hazards_are_the_watchlists_items_one_per_key_citing_every_source() -> None:
    rows = [
        row("AV § closed", "critical", ["country VE", "airline AV"], source="avianca",
            valid_to="2025-12-12T23:59:59Z"),
        row("KICZ A0012/25", "warning", ["FIR SVZM", "route LIS-CCS crosses FIR SVZM",
                                         "route GRU-CCS crosses FIR SVZM"],
            firs=["SVZM"], url="https://www.faa.gov/a.pdf"),
        row("KICZ A0012/25", "warning", ["FIR SVZM", "route GRU-CCS crosses FIR SVZM"],
            source="notams", firs=["SVZM"]),
        row("CZIB 1", "warning", ["country VE"], source="easa",
            valid_to="2026-02-16T23:59:00Z", url="javascript:alert(1)"),
    ]
    hazards = watchlist_hazards(rows, ["LIS-CCS", "GRU-CCS", "MAD-CCS"])
    assert [h.key for h in hazards] == ["AV § closed", "CZIB 1", "KICZ A0012/25"]
    closed, czib, kicz = hazards
    assert kicz.reasons == ("FIR SVZM", "route LIS-CCS crosses FIR SVZM",
                            "route GRU-CCS crosses FIR SVZM")
    assert kicz.sources == ("faa-prn", "notams")
    assert kicz.routes == ("LIS-CCS", "GRU-CCS")
    assert kicz.link == "https://www.faa.gov/a.pdf" and czib.link is None
    # Matched by the watchlist's own rules (a country, an airline): still its full validity.
    assert closed.routes == () and closed.reasons == ("country VE", "airline AV")
    assert validity(closed) == "valid until 2025-12-12 23:59Z"
    assert czib.valid_to == "2026-02-16T23:59:00Z"


def test_only_http_links_become_links() -> None:
    assert safe_link("https://www.faa.gov/x.pdf") == "https://www.faa.gov/x.pdf"
    assert safe_link("http://example.org/a?b=1") == "http://example.org/a?b=1"
    for bad in ("javascript:alert(1)", " JavaScript:alert(1)", "data:text/html,<b>x</b>",
                "file:///etc/passwd", "//evil.example/x", "https://", None, 42):
        assert safe_link(bad) is None, bad


def test_validity_reads_like_a_desk_would_say_it() -> None:
    def hazard(**kw: Any) -> Hazard:
        return Hazard(key="k", severity="warning", title="t", sources=(), reasons=(), **kw)

    assert validity(hazard(valid_from="2025-11-21T17:43:00Z", valid_to="2026-02-19T23:59:00Z")
                    ) == "valid 2025-11-21 17:43Z to 2026-02-19 23:59Z"
    assert validity(hazard(valid_to="2026-02-19T23:59:00Z", valid_to_estimated=True)
                    ) == "valid until 2026-02-19 23:59Z (estimated)"
    assert validity(hazard(valid_from="2025-11-21T17:43:00Z")
                    ) == "valid from 2025-11-21 17:43Z, no end given"
    assert validity(hazard()) == "no validity given: until withdrawn"


def test_a_route_line_follows_the_great_circle_through_its_airports() -> None:
    lis, ccs, bog = (resolve_airport(c) for c in ("LIS", "CCS", "BOG"))
    line = route_line("LIS-CCS-BOG", [lis, ccs, bog], sample_leg, step_nm=60)
    assert line.points[0] == (lis.lat, lis.lon) and line.points[-1] == (bog.lat, bog.lon)
    assert (ccs.lat, ccs.lon) in line.points                      # through the stop, once
    assert len(line.points) == len(set(line.points))
    gaps = [great_circle_nm(a, b) for a, b in zip(line.points, line.points[1:], strict=False)]
    assert max(gaps) <= 60.0 + 1e-6
    assert [a["icao"] for a in line.airports] == ["LPPT", "SVMI", "SKBO"]


def test_a_line_over_the_antimeridian_stays_one_line() -> None:
    assert unwrap([(0, 170), (1, 179), (2, -179), (3, -170)]) == (
        (0, 170), (1, 179), (2, 181), (3, 190))
    assert unwrap([(0, -170), (1, 175)]) == ((0, -170), (1, -185))
    nrt, sfo = resolve_airport("NRT"), resolve_airport("SFO")
    line = route_line("NRT-SFO", [nrt, sfo], sample_leg)
    assert all(abs(b[1] - a[1]) < 10 for a, b in zip(line.points, line.points[1:], strict=False))


SQUARE = FirShape("SVZM", polygons=((((-70.0, 8.0), (-60.0, 8.0), (-60.0, 15.0), (-70.0, 15.0),
                                      (-70.0, 8.0)),),), bbox=(-70.0, 8.0, -60.0, 15.0))
OTHER = FirShape("TTZP", polygons=((((-60.0, 8.0), (-55.0, 8.0), (-55.0, 15.0), (-60.0, 15.0),
                                     (-60.0, 8.0)),),), bbox=(-60.0, 8.0, -55.0, 15.0))


def test_firs_with_active_items_are_lit_and_a_small_notam_circle_is_drawn_instead() -> None:
    fir_wide = Hazard(key="KICZ A0012/25", severity="warning", title="t", sources=(),
                      reasons=(), firs=("SVZM",))
    whole = Hazard(key="SVZM A1/25", severity="advisory", title="t", sources=(), reasons=(),
                   firs=("SVZM",), area={"lat": 10, "lon": -66, "radius_nm": 999})
    small = Hazard(key="SVZM A2/25", severity="advisory", title="t", sources=(), reasons=(),
                   firs=("SVZM",), area={"lat": 10.6, "lon": -66.98, "radius_nm": 50,
                                         "lower_fl": 0, "upper_fl": 250})
    lit = active_firs([fir_wide, whole, small])
    assert lit == {"SVZM": ["KICZ A0012/25", "SVZM A1/25"]}
    assert circles([fir_wide, whole, small]) == [
        {"key": "SVZM A2/25", "severity": "advisory", "lat": 10.6, "lon": -66.98,
         "radius_nm": 50, "lower_fl": 0, "upper_fl": 250}]
    features = fir_features([SQUARE, OTHER], lit, shown=["TTZP"])["features"]
    assert [(f["properties"]["icao"], f["properties"]["active"]) for f in features] == [
        ("TTZP", False), ("SVZM", True)]                    # the lit one drawn on top
    assert features[1]["properties"]["keys"] == ["KICZ A0012/25", "SVZM A1/25"]
    assert features[1]["geometry"]["coordinates"][0][0][1] == [-60.0, 8.0]
    assert fir_features([SQUARE, OTHER], {}, shown=[])["features"] == []


def test_firs_crossed_in_the_order_met() -> None:
    boundaries = FirBoundaries(firs=(SQUARE, OTHER))
    assert firs_crossed([(10.0, -65.0), (10.0, -57.0), (10.0, -50.0)], boundaries) == [
        "SVZM", "TTZP"]
    assert firs_crossed([(10.0, -65.0 + 360)], boundaries) == ["SVZM"]   # unwrapped longitude


def test_the_board_lists_the_watchlists_alerts_and_the_operators() -> None:
    rows = [{"watchlist": "latam-desk", "created_at": "2025-11-22T10:00:00Z"},
            {"watchlist": None, "created_at": "2025-11-22T09:00:00Z"},
            {"watchlist": "madrid-desk", "created_at": "2025-11-22T08:00:00Z"},
            {"watchlist": "latam-desk", "created_at": "2025-11-20T08:00:00Z"}]
    assert board_alerts(rows, "latam-desk", "2025-11-21T00:00:00Z") == rows[:2]
