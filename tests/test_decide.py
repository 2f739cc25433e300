"""The batch decision on plain data: every rule, with the store's knowledge as a value."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, time, timedelta

from alerts.match import Watch
from alerts.routes import parse_route, profile_route
from monitor.decide import (
    CancelledFlight,
    Desk,
    Knowledge,
    Neighbour,
    PriorAlert,
    Reported,
    RunChanges,
    decide,
    wants,
)
from monitor.diff import Change
from monitor.types import ChangeKind, Flight, Item, Severity

NOW = datetime(2025, 11, 22, 12, 0, tzinfo=UTC)
WATCHES = {"latam-desk": Watch(name="latam-desk", firs=frozenset({"SVZM"})),
           "asia-desk": Watch(name="asia-desk", firs=frozenset({"VTBB"}))}
DESKS = {"latam-desk": Desk(channels=("desk",)), "asia-desk": Desk(channels=("asia",))}


def kicz(number: str = "A0012/25", source: str = "faa-prn", **changes: object) -> Item:
    item = Item(source=source, kind="notam", key=f"KICZ {number}",
                title="Advisory for Potentially Hazardous Situation (SVZM)",
                severity=Severity.WARNING, firs=("SVZM",), countries=("VE",))
    return replace(item, **changes)  # type: ignore[arg-type]


def new(item: Item) -> Change:
    return Change(ChangeKind.NEW, item)


def run(source: str, *changes: Change, first_run: bool = False,
        items: tuple[Item, ...] = ()) -> RunChanges:
    return RunChanges(source, changes, first_run=first_run, items=items)


def alerts_of(decision, index: int = 0):  # type: ignore[no-untyped-def]
    return decision.alerts.get(index, [])


# -- the same hazard from two sources --------------------------------------------------------

def test_the_same_key_from_two_sources_of_one_batch_is_one_alert_citing_both() -> None:
    batch = [run("faa-prn", new(kicz())), run("notam-search", new(kicz(source="notam-search")))]
    decision = decide(batch, Knowledge(), WATCHES, DESKS, now=NOW)
    [alert] = alerts_of(decision, 0)
    assert alert.watchlist == "latam-desk" and alert.item_key == "KICZ A0012/25"
    assert alert.data["sources"] == ["faa-prn", "notam-search"]
    assert alerts_of(decision, 1) == []


def test_a_first_sighting_of_what_another_source_updated_in_the_batch_is_not_news() -> None:
    update = Change(ChangeKind.UPDATED, kicz("A0015/25", "notam-search",
                                             replaces="KICZ A0012/25"), kicz())
    batch = [run("notam-search", update), run("faa-prn", new(kicz("A0015/25")))]
    decision = decide(batch, Knowledge(), WATCHES, DESKS, now=NOW)
    [alert] = alerts_of(decision, 0)
    assert alert.change == "updated" and alert.data["sources"] == ["notam-search", "faa-prn"]
    assert alerts_of(decision, 1) == []


def test_a_stored_twin_with_deliveries_waiting_is_cited_and_a_delivered_one_is_not() -> None:
    prior = PriorAlert(7, "latam-desk", "KICZ A0012/25", "new", "faa-prn",
                       NOW - timedelta(hours=1), waiting=True)
    knowledge = Knowledge(prior={("latam-desk", "KICZ A0012/25"): (prior,)})
    decision = decide([run("notam-search", new(kicz(source="notam-search")))], knowledge,
                      WATCHES, DESKS, now=NOW)
    [merge] = alerts_of(decision)
    assert merge.merge_into == 7 and merge.source == "notam-search"
    delivered = replace(prior, waiting=False)
    knowledge = Knowledge(prior={("latam-desk", "KICZ A0012/25"): (delivered,)})
    decision = decide([run("notam-search", new(kicz(source="notam-search")))], knowledge,
                      WATCHES, DESKS, now=NOW)
    assert alerts_of(decision) == []
    assert decision.notes[0]["event"] == "alert.merged" and decision.notes[0]["delivered"]


def test_a_twin_older_than_a_day_or_from_the_same_source_is_no_twin() -> None:
    old = PriorAlert(7, "latam-desk", "KICZ A0012/25", "new", "faa-prn",
                     NOW - timedelta(hours=25), waiting=True)
    mine = replace(old, created_at=NOW, source="notam-search")
    for prior in (old, mine):
        knowledge = Knowledge(prior={("latam-desk", "KICZ A0012/25"): (prior,)})
        decision = decide([run("notam-search", new(kicz(source="notam-search")))], knowledge,
                          WATCHES, DESKS, now=NOW)
        [alert] = alerts_of(decision)
        assert alert.merge_into is None and alert.title.startswith("[WARNING] KICZ A0012/25")


# -- all-clears ------------------------------------------------------------------------------

def withdrawn(item: Item) -> Change:
    return Change(ChangeKind.WITHDRAWN, replace(item, status="withdrawn"), item)


TOLD = {"KICZ A0012/25": frozenset({"latam-desk"})}


def test_an_all_clear_goes_to_the_watchlists_that_were_told_and_no_others() -> None:
    wide = {**WATCHES, "everything": Watch(name="everything")}
    desks = {**DESKS, "everything": Desk()}
    decision = decide([run("faa-prn", withdrawn(kicz()))], Knowledge(told=TOLD), wide, desks,
                      now=NOW)
    [alert] = alerts_of(decision)
    assert alert.watchlist == "latam-desk" and alert.all_clear
    assert alert.severity == Severity.INFO and alert.title.startswith("[INFO] KICZ A0012/25")


def test_an_all_clear_waits_while_another_source_still_reports_the_item() -> None:
    knowledge = Knowledge(told=TOLD, reported={"KICZ A0012/25": (
        Reported("faa-prn", "withdrawn", False), Reported("notam-search", "active", True))})
    decision = decide([run("faa-prn", withdrawn(kicz()))], knowledge, WATCHES, DESKS, now=NOW)
    assert alerts_of(decision) == []
    assert decision.notes[0]["reason"] == "still active in notam-search"


def test_an_all_clear_waits_while_another_source_of_the_batch_reports_the_item_anew() -> None:
    batch = [run("faa-prn", withdrawn(kicz())),
             run("notam-search", Change(ChangeKind.UPDATED, kicz(source="notam-search",
                                                                 title="revised"), kicz()))]
    decision = decide(batch, Knowledge(told=TOLD), WATCHES, DESKS, now=NOW)
    assert alerts_of(decision, 0) == []


def test_two_sources_clearing_the_same_item_in_one_batch_clear_it_once_per_source() -> None:
    knowledge = Knowledge(told=TOLD, reported={"KICZ A0012/25": (
        Reported("faa-prn", "active", True), Reported("notam-search", "active", True))})
    batch = [run("faa-prn", withdrawn(kicz())),
             run("notam-search", withdrawn(kicz(source="notam-search")))]
    decision = decide(batch, knowledge, WATCHES, DESKS, now=NOW)
    cleared = alerts_of(decision, 0) + alerts_of(decision, 1)
    assert cleared and all(a.all_clear for a in cleared)


def test_an_item_replaced_elsewhere_is_superseded_not_cleared() -> None:
    knowledge = Knowledge(told=TOLD, reported={"KICZ A0012/25": (
        Reported("notam-search", "replaced", False),)})
    decision = decide([run("faa-prn", withdrawn(kicz()))], knowledge, WATCHES, DESKS, now=NOW)
    assert alerts_of(decision) == []
    assert decision.notes[0]["reason"].startswith("superseded by")


def test_a_newer_entry_on_the_same_fir_of_the_same_page_supersedes_the_one_that_left() -> None:
    last_seen = NOW - timedelta(hours=2)
    neighbour = Neighbour("KICZ A0015/25", "notam", frozenset({"SVZM"}),
                          first_seen_at=NOW - timedelta(hours=1))
    knowledge = Knowledge(told=TOLD, last_seen={("faa-prn", "KICZ A0012/25"): last_seen},
                          neighbours={"faa-prn": (neighbour,)})
    decision = decide([run("faa-prn", withdrawn(kicz()))], knowledge, WATCHES, DESKS, now=NOW)
    assert alerts_of(decision) == []
    assert decision.notes[0]["reason"] == "superseded by KICZ A0015/25"
    # An entry that was there all along (or sits on another FIR) took no one's place.
    for other in (replace(neighbour, first_seen_at=last_seen - timedelta(days=3)),
                  replace(neighbour, firs=frozenset({"TTZP"}))):
        knowledge = replace(knowledge, neighbours={"faa-prn": (other,)})
        decision = decide([run("faa-prn", withdrawn(kicz()))], knowledge, WATCHES, DESKS,
                          now=NOW)
        [alert] = alerts_of(decision)
        assert alert.all_clear


def test_a_new_entry_in_the_same_read_supersedes_the_one_withdrawn() -> None:
    batch = [run("faa-prn", withdrawn(kicz()), new(kicz("A0015/25")))]
    decision = decide(batch, Knowledge(told=TOLD), WATCHES, DESKS, now=NOW)
    assert [a.item_key for a in alerts_of(decision)] == ["KICZ A0015/25"]
    assert not alerts_of(decision)[0].all_clear


def test_an_update_below_the_threshold_is_an_all_clear_to_the_watchlists_told() -> None:
    eased = Change(ChangeKind.UPDATED, kicz(severity=Severity.INFO), kicz())
    decision = decide([run("faa-prn", eased)], Knowledge(told=TOLD), WATCHES, DESKS, now=NOW)
    [alert] = alerts_of(decision)
    assert alert.all_clear and alert.severity == Severity.INFO
    assert alert.data["reasons"] == ["FIR SVZM"]
    # A watchlist that never heard of it hears nothing.
    assert alerts_of(decide([run("faa-prn", eased)], Knowledge(), WATCHES, DESKS,
                            now=NOW)) == []


def test_an_estimated_end_goes_only_to_the_watchlists_told() -> None:
    ended = Change(ChangeKind.ESTIMATED_END, kicz(valid_to_estimated=True))
    decision = decide([run("faa-prn", ended)], Knowledge(told=TOLD), WATCHES, DESKS, now=NOW)
    [alert] = alerts_of(decision)
    assert alert.severity == Severity.ADVISORY and alert.watchlist == "latam-desk"


# -- summaries -------------------------------------------------------------------------------

def test_first_runs_of_a_batch_give_one_summary_per_watchlist_citing_every_source() -> None:
    prn, search = kicz(), kicz(source="notam-search")
    bangkok = kicz("A0099/25", firs=("VTBB",), countries=("TH",))
    batch = [run("faa-prn", new(prn), new(bangkok), first_run=True, items=(prn, bangkok)),
             run("notam-search", new(search), first_run=True, items=(search,))]
    decision = decide(batch, Knowledge(), WATCHES, DESKS, now=NOW)
    summaries = alerts_of(decision, 0)
    assert sorted(a.watchlist for a in summaries) == ["asia-desk", "latam-desk"]
    latam = next(a for a in summaries if a.watchlist == "latam-desk")
    assert latam.title == "[WARNING] Current situation for latam-desk: 1 active item"
    assert latam.data["items"][0]["sources"] == ["faa-prn", "notam-search"]
    assert alerts_of(decision, 1) == []


def test_a_summary_leaves_out_what_the_watchlist_already_heard_of() -> None:
    item = kicz(source="notam-search")
    batch = [run("notam-search", new(item), first_run=True, items=(item,))]
    assert alerts_of(decide(batch, Knowledge(told=TOLD), WATCHES, DESKS, now=NOW)) == []


# -- quiet hours -----------------------------------------------------------------------------

def test_quiet_hours_hold_all_but_critical_alerts() -> None:
    desks = {**DESKS, "latam-desk": Desk(("desk",), (time(22), time(7)), "America/Bogota")}
    night = datetime(2025, 11, 22, 5, 0, tzinfo=UTC)        # midnight in Bogotá
    [held] = alerts_of(decide([run("faa-prn", new(kicz()))], Knowledge(), WATCHES, desks,
                              now=night))
    assert held.deliver_at == datetime(2025, 11, 22, 12, 0, tzinfo=UTC)
    critical = kicz(severity=Severity.CRITICAL)
    [urgent] = alerts_of(decide([run("faa-prn", new(critical))], Knowledge(), WATCHES, desks,
                                now=night))
    assert urgent.deliver_at is None


# -- suspensions -----------------------------------------------------------------------------

ROUTE_WATCH = {"latam-desk": Watch(
    name="latam-desk", routes=(profile_route(parse_route("BOG-CCS"), None),),
    airlines=frozenset({"AV"}))}
ROUTE_DESKS = {"latam-desk": Desk(channels=("desk",))}


def flight(number: str, source: str = "bog-board", status: str = "cancelled") -> Item:
    return Item(source=source, kind="flight", key=f"AV{number} 2025-11-22",
                title=f"AV{number} BOG-CCS 2025-11-22: {status}", severity=Severity.WARNING,
                status=status, airports=("SKBO", "SVMI"), airlines=("AV",),
                flight=Flight(number=f"AV{number}", date="2025-11-22", origin="SKBO",
                              destination="SVMI"))


def cancelled(item: Item) -> Change:
    return Change(ChangeKind.UPDATED, item, replace(item, status="scheduled"))


def test_two_boards_cancelling_an_airline_on_one_route_in_one_batch_are_one_suspension() -> None:
    batch = [run("bog-board", cancelled(flight("70"))),
             run("bog-board-b", cancelled(flight("72", "bog-board-b")))]
    decision = decide(batch, Knowledge(), ROUTE_WATCH, ROUTE_DESKS, now=NOW)
    [suspension] = alerts_of(decision, 0) + alerts_of(decision, 1)
    assert suspension.item_key == "AV BOG-CCS suspension" and suspension.change == "new"
    assert suspension.data["flights"] == ["AV70 2025-11-22", "AV72 2025-11-22"]
    assert suspension.data["sources"] == ["bog-board", "bog-board-b"]


def test_one_cancellation_alone_is_one_flight_alert() -> None:
    decision = decide([run("bog-board", cancelled(flight("70")))], Knowledge(), ROUTE_WATCH,
                      ROUTE_DESKS, now=NOW)
    [alert] = alerts_of(decision)
    assert alert.item_key == "AV70 2025-11-22"


def test_a_cancellation_with_a_stored_one_or_the_airlines_warning_is_a_suspension() -> None:
    earlier = CancelledFlight("AV72 2025-11-22", frozenset({"AV"}),
                              frozenset({"SKBO", "SVMI"}), NOW - timedelta(hours=3))
    for knowledge in (Knowledge(cancelled_flights=(earlier,)),
                      Knowledge(airline_warnings={"AV": ("Vuelos a Caracas suspendidos",)})):
        decision = decide([run("bog-board", cancelled(flight("70")))], knowledge, ROUTE_WATCH,
                          ROUTE_DESKS, now=NOW)
        [alert] = alerts_of(decision)
        assert alert.item_key == "AV BOG-CCS suspension"
    stale = replace(earlier, changed_at=NOW - timedelta(hours=49))
    decision = decide([run("bog-board", cancelled(flight("70")))],
                      Knowledge(cancelled_flights=(stale,)), ROUTE_WATCH, ROUTE_DESKS, now=NOW)
    assert [a.item_key for a in alerts_of(decision)] == ["AV70 2025-11-22"]


def test_a_later_cancellation_updates_a_known_suspension() -> None:
    known = PriorAlert(3, "latam-desk", "AV BOG-CCS suspension", "new", "bog-board",
                       NOW - timedelta(days=2), waiting=False)
    decision = decide([run("bog-board", cancelled(flight("74")))],
                      Knowledge(prior={("latam-desk", "AV BOG-CCS suspension"): (known,)}),
                      ROUTE_WATCH, ROUTE_DESKS, now=NOW)
    [alert] = alerts_of(decision)
    assert alert.item_key == "AV BOG-CCS suspension" and alert.change == "updated"


# -- what the store is asked ------------------------------------------------------------------

def test_an_unchanged_batch_asks_the_store_nothing() -> None:
    assert not wants([run("faa-prn"), run("bog-board")], WATCHES).anything


def test_a_batch_asks_for_its_keys_its_all_clears_and_its_suspensions() -> None:
    batch = [run("faa-prn", withdrawn(kicz())), run("bog-board", cancelled(flight("70")))]
    needs = wants(batch, ROUTE_WATCH)
    assert needs.keys == {"KICZ A0012/25", "AV70 2025-11-22"}
    assert needs.cleared == {("faa-prn", "KICZ A0012/25")}
    assert needs.suspension_keys == {"AV BOG-CCS suspension"} and needs.flights
