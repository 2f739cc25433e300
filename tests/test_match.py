"""Watchlist matching returns human reasons, or nothing."""

from __future__ import annotations

from alerts.match import Watch, fold, match
from alerts.routes import parse_route, profile_route
from monitor.types import Area, Flight, Item, Severity


def prn(**kw: object) -> Item:
    fields: dict[str, object] = {
        "source": "faa-prn", "kind": "notam", "key": "KICZ A0012/25",
        "title": "KICZ NOTAM A0012/25 Advisory for Potentially Hazardous Situation in the "
                 "Maiquetia Flight Information Region (SVZM)",
        "severity": Severity.WARNING, "firs": ("SVZM",), "countries": ("VE",)}
    fields.update(kw)
    return Item(**fields)  # type: ignore[arg-type]


def watch(**kw: object) -> Watch:
    return Watch(name="latam-desk", **kw)  # type: ignore[arg-type]


def test_fir_country_and_route_reasons_are_listed() -> None:
    w = watch(firs=frozenset({"SVZM"}), countries=frozenset({"VE"}),
              routes=[profile_route(parse_route("LIS-CCS"))])
    reasons = match(w, prn())
    assert "FIR SVZM" in reasons and "country VE" in reasons
    assert any(r.startswith("route LIS-CCS") for r in reasons)


def test_below_min_severity_does_not_match() -> None:
    w = watch(firs=frozenset({"SVZM"}), min_severity=Severity.CRITICAL)
    assert match(w, prn()) == []
    assert match(w, prn(), ignore_severity=True) == ["FIR SVZM"]


def test_an_unrelated_item_does_not_match() -> None:
    w = watch(firs=frozenset({"SVZM"}), airports=frozenset({"SVMI"}))
    assert match(w, prn(key="KICZ A0050/26", firs=("SKED",), countries=("CO",))) == []


def test_keywords_match_whole_words_accent_and_case_insensitively() -> None:
    w = watch(keywords=("Maiquetía",))
    assert match(w, prn()) == ["keyword Maiquetía"]
    assert match(watch(keywords=("GNSS",)), prn(title="GNSSX test")) == []


def test_a_watchlist_without_selectors_watches_everything_at_its_severity() -> None:
    assert match(watch(), prn()) == ["severity warning or higher"]


def test_a_flight_must_fly_a_watched_route_and_be_a_watched_airline() -> None:
    w = watch(airlines=frozenset({"TP"}), routes=[profile_route(parse_route("LIS-CCS"))])
    flight = Item(source="adb", kind="flight", key="TP170 2025-11-22",
                  title="TP170 CCS-LIS", severity=Severity.WARNING, status="cancelled",
                  airlines=("TP",), airports=("LPPT", "SVMI"),
                  flight=Flight("TP170", "2025-11-22", "SVMI", "LPPT"))
    reasons = match(w, flight)
    assert reasons[0] == "airline TP" and len(reasons) >= 2
    other = Item(source="adb", kind="flight", key="TP99 2025-11-22", title="TP99",
                 severity=Severity.WARNING, airlines=("TP",), airports=("LPPT", "SBGR"),
                 flight=Flight("TP99", "2025-11-22", "LPPT", "SBGR"))
    assert match(w, other) == []
    av = Item(source="adb", kind="flight", key="AV1 2025-11-22", title="AV1",
              severity=Severity.WARNING, airlines=("AV",), airports=("LPPT", "SVMI"),
              flight=Flight("AV1", "2025-11-22", "LPPT", "SVMI"))
    assert match(w, av) == []


def test_fold_handles_accents_and_turkish_dotless_i() -> None:
    assert fold("Maiquetía") == "maiquetia"
    assert fold("KARAKAS İptal ı") == "karakas iptal i"


def test_another_airlines_notice_does_not_concern_a_desk_naming_its_airlines() -> None:
    notice = Item(source="av", kind="advisory", key="AV § Venezuela", title="Vuelos a Caracas",
                  severity=Severity.WARNING, airlines=("AV",), airports=("SVMI",))
    iberia = watch(airlines=frozenset({"IB"}), routes=[profile_route(parse_route("MAD-CCS"))])
    assert match(iberia, notice) == []
    anyone = watch(routes=[profile_route(parse_route("MAD-CCS"))])
    assert match(anyone, notice) == ["route MAD-CCS arrives at SVMI (VE)"]


def test_a_watched_route_hears_of_a_small_area_only_when_it_passes_through_it() -> None:
    caracas_area = prn(source="notams", key="SVZM A0601/25", title="Restricted area at Caracas",
                       severity=Severity.ADVISORY, firs=("SVZM",), countries=("VE",),
                       area=Area(10.6, -66.9833, 50, 0, 999))
    declared = profile_route(parse_route({"route": "MIA-GRU", "firs": ["SVZM"]}))
    assert match(watch(routes=[declared]), caracas_area) == []
    to_caracas = profile_route(parse_route("LIS-CCS"))
    assert match(watch(routes=[declared, to_caracas]), caracas_area) == [
        "route LIS-CCS passes 0 NM from the 50 NM area at 1036N06659W (FL000-FL999)"]
    # The desk's own FIR and country selectors still name what lies in them.
    assert match(watch(routes=[declared], firs=frozenset({"SVZM"})), caracas_area) == [
        "FIR SVZM"]


def test_a_watched_route_hears_of_an_airline_notice_only_for_the_pair_it_names() -> None:
    notice = Item(source="avianca-page", kind="advisory", key="AV § Venezuela",
                  title="AV: Suspension of flights to Caracas", severity=Severity.WARNING,
                  body="Avianca suspende sus vuelos entre Bogotá y Caracas (CCS).",
                  airlines=("AV",), airports=("SVMI",), countries=("VE",))
    desk = watch(airlines=frozenset({"AV", "TP"}),
                 routes=[profile_route(parse_route("LIS-CCS"))])
    assert match(desk, notice) == ["airline AV"]      # the airline, not the route
    bogota = watch(routes=[profile_route(parse_route("BOG-CCS"))])
    assert match(bogota, notice) == ["route BOG-CCS flies BOG-CCS, a city pair the notice names"]
    assert match(watch(routes=[profile_route(parse_route("LIS-CCS"))]), notice) == []
