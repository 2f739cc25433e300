"""Which bookings are at risk and why, and the booking alerts of the batch decision, on plain
data."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, time

from alerts.firs import shipped_fir_boundaries
from alerts.match import Watch
from alerts.trips import Suspension, TripWatch, assess, by_cause, ranked, suspension_of
from monitor.bookings import read_bookings
from monitor.decide import Desk, Knowledge, RunChanges, ToldBookings, decide, wants
from monitor.diff import Change
from monitor.runtime import route_profile
from monitor.types import ChangeKind, Flight, Item, ItemKind, Severity

NOW = datetime(2025, 11, 22, 12, 0, tzinfo=UTC)
BOOKINGS = read_bookings("""ref,flight,date,origin,destination
EARLY1,TP173,2025-12-10,LIS,CCS
LATE22,TP173,2026-01-15,LIS,CCS
BACK33,TP174,2025-12-12,CCS,LIS
OTHER4,TP101,2025-12-10,LIS,GRU
""")
EARLY, LATE, BACK, OTHER = BOOKINGS
ROUTES = {label: route_profile(label, shipped_fir_boundaries())
          for label in ("LIS-CCS", "CCS-LIS", "LIS-GRU")}


def notice(text: str = "A TAP suspende os voos entre Lisboa e Caracas até 31 de dezembro.",
           *, until: str | None = "2025-12-31", **changes: object) -> Item:
    item = Item(source="tap-page", kind=ItemKind.ADVISORY, key="TP § Voos para Caracas",
                title="TP: Suspension of flights to Caracas (until 31 Dec)", body=text,
                severity=Severity.WARNING, airports=("SVMI",), countries=("VE",),
                airlines=("TP",), url="https://www.flytap.com/avisos",
                valid_to=datetime.fromisoformat(f"{until}T23:59:59+00:00") if until else None)
    return replace(item, **changes)  # type: ignore[arg-type]


def flight(number: str, day: str, status: str, source: str = "lis-board") -> Item:
    severity = {"cancelled": Severity.WARNING, "delayed": Severity.ADVISORY,
                "cancelled_probable": Severity.ADVISORY}.get(status, Severity.INFO)
    return Item(source=source, kind=ItemKind.FLIGHT, key=f"{number} {day}",
                title=f"{number} LIS-CCS {day}: {status}", severity=severity, status=status,
                airports=("LPPT", "SVMI"), airlines=(number[:2],),
                flight=Flight(number=number, date=day, origin="LPPT", destination="SVMI"))


def kicz(until: str = "2026-02-19T23:59:00+00:00", **changes: object) -> Item:
    item = Item(source="faa-prn", kind=ItemKind.NOTAM, key="KICZ A0012/25",
                title="Advisory for Potentially Hazardous Situation (SVZM)",
                severity=Severity.WARNING, firs=("SVZM",), countries=("VE",),
                valid_from=datetime(2025, 11, 21, 17, 43, tzinfo=UTC),
                valid_to=datetime.fromisoformat(until))
    return replace(item, **changes)  # type: ignore[arg-type]


def risks_of(items: list[Item], suspensions: tuple[Suspension, ...] = (),
             min_severity: Severity = Severity.INFO) -> dict[str, list[str]]:
    risks = assess(BOOKINGS, items, suspensions, ROUTES, min_severity=min_severity)
    return {r.booking.ref: r.reasons for r in risks if r.hits}


# -- the rules -------------------------------------------------------------------------------

def test_a_notice_until_31_december_covers_the_december_trip_and_not_the_january_one() -> None:
    assert risks_of([notice()]) == {
        "EARLY1": ["TP LIS-CCS suspension: TP: Suspension of flights to Caracas (until 31 Dec)"],
        "BACK33": ["TP CCS-LIS suspension: TP: Suspension of flights to Caracas (until 31 Dec)"]}


def test_until_further_notice_covers_every_trip_on_the_route() -> None:
    assert set(risks_of([notice(until=None)])) == {"EARLY1", "LATE22", "BACK33"}


def test_a_notice_naming_another_city_pair_or_of_another_airline_does_not_hit() -> None:
    porto = notice("A TAP suspende os voos entre Porto e Caracas até 31 de dezembro.")
    assert risks_of([porto]) == {}
    assert risks_of([notice(airlines=("AV",))]) == {}
    assert risks_of([notice(status="withdrawn")]) == {}
    assert risks_of([notice(severity=Severity.INFO)]) == {}


def test_a_notice_naming_only_the_country_hits_the_trips_there() -> None:
    venezuela = notice("A TAP suspende os voos para a Venezuela.", airports=())
    assert set(risks_of([venezuela])) == {"EARLY1", "BACK33"}


def test_the_booked_flight_cancelled_on_its_date_hits_that_booking_only() -> None:
    items = [flight("TP173", "2025-12-10", "cancelled"),
             flight("TP173", "2025-12-11", "cancelled"),
             flight("TP174", "2025-12-12", "scheduled")]
    assert risks_of(items) == {"EARLY1": [
        "TP173 2025-12-10 cancelled: flight TP173 cancelled on 2025-12-10"]}
    [risk] = [r for r in assess(BOOKINGS, items, (), ROUTES) if r.hits]
    assert risk.severity == Severity.WARNING and risk.items == ["TP173 2025-12-10"]


def test_a_delay_is_an_advisory_and_the_worst_report_of_two_sources_wins() -> None:
    items = [flight("TP173", "2025-12-10", "delayed"),
             flight("TP173", "2025-12-10", "cancelled_probable", source="ccs-board")]
    [risk] = [r for r in assess(BOOKINGS, items, (), ROUTES) if r.hits]
    assert risk.severity == Severity.ADVISORY
    assert risk.hits[0].sources == ("ccs-board", "lis-board")
    assert risks_of(items, min_severity=Severity.WARNING) == {}


def test_a_suspension_alert_stands_from_its_first_cancelled_day_while_a_flight_is_cancelled(
        ) -> None:
    suspension = suspension_of("TP LIS-CCS suspension",
                               {"flights": ["TP173 2025-12-09", "TP173 2025-12-11"]})
    assert suspension is not None and suspension.airports == frozenset({"LPPT", "SVMI"})
    cancelled = [flight("TP173", "2025-12-09", "cancelled"),
                 flight("TP173", "2025-12-11", "cancelled")]
    hit = risks_of(cancelled, (suspension,))
    assert set(hit) == {"EARLY1", "LATE22", "BACK33"}
    assert hit["LATE22"] == ["TP LIS-CCS suspension: TP LIS-CCS suspension: 2 flight(s) "
                             "cancelled since 2025-12-09"]
    resumed = [flight("TP173", "2025-12-09", "scheduled"),
               flight("TP173", "2025-12-11", "scheduled")]
    assert risks_of(resumed, (suspension,)) == {}
    assert suspension_of("TP § Voos suspension", {}) is None


def test_an_airspace_hazard_on_the_route_hits_the_trips_within_its_validity() -> None:
    hit = risks_of([kicz()])
    assert set(hit) == {"EARLY1", "LATE22", "BACK33"}   # not LIS-GRU
    assert hit["EARLY1"] == ["KICZ A0012/25: route LIS-CCS crosses FIR SVZM; route LIS-CCS "
                             "arrives at SVMI (VE) (valid to 2026-02-19 23:59Z)"]
    ends_early = kicz("2025-12-11T00:00:00+00:00")
    assert set(risks_of([ends_early])) == {"EARLY1"}
    estimated = replace(ends_early, valid_to_estimated=True)  # an estimated end is no end
    assert set(risks_of([estimated])) == {"EARLY1", "LATE22", "BACK33"}
    assert risks_of([kicz()], min_severity=Severity.CRITICAL) == {}


def test_causes_group_the_bookings_and_risks_rank_highest_first() -> None:
    items = [notice(until=None), kicz(severity=Severity.CRITICAL),
             flight("TP101", "2025-12-10", "delayed")]
    risks = assess(BOOKINGS, items, (), ROUTES)
    assert [r.booking.ref for r in ranked(risks)] == ["EARLY1", "BACK33", "LATE22", "OTHER4"]
    causes = by_cause(risks)
    assert sorted(causes) == ["KICZ A0012/25", "TP CCS-LIS suspension", "TP LIS-CCS suspension",
                              "TP101 2025-12-10"]
    assert [b.ref for b, _ in causes["TP LIS-CCS suspension"].bookings] == ["EARLY1", "LATE22"]
    row = next(r for r in risks if r.booking.ref == "OTHER4").to_json()
    assert row == {"ref": "OTHER4", "flight": "TP101", "date": "2025-12-10", "origin": "LIS",
                   "destination": "GRU", "severity": "advisory",
                   "reasons": ["TP101 2025-12-10 delayed: flight TP101 delayed on 2025-12-10"],
                   "items": ["TP101 2025-12-10"]}
    assert next(r for r in assess(BOOKINGS, [], (), ROUTES)).to_json()["severity"] is None


# -- booking alerts in the batch decision ----------------------------------------------------

WATCHES = {"desk": Watch(name="desk", bookings=True)}
DESKS = {"desk": Desk(channels=("desk",))}
TRIPS = {"desk": TripWatch(BOOKINGS, ROUTES)}


def run(*changes: Change, source: str = "tap-page") -> RunChanges:
    return RunChanges(source, changes)


def booking_alerts(decision):  # type: ignore[no-untyped-def]
    return [a for alerts in decision.alerts.values() for a in alerts
            if a.item_key and a.item_key.endswith(" (bookings)")]


def told(alert, id_: int = 1) -> dict[tuple[str, str], ToldBookings]:  # type: ignore[no-untyped-def]
    """What the store would load back from an alert just made."""
    named = frozenset(f"{b['ref']} {b['flight']} {b['date']}" for b in alert.data["bookings"])
    return {(alert.watchlist, alert.data["cause"]): ToldBookings(
        id_, named, alert.all_clear, alert.severity, alert.data["label"],
        tuple(alert.data["items"]))}


def test_a_suspension_notice_tells_the_bookings_it_covers_then_updates_then_clears() -> None:
    first = decide([run(Change(ChangeKind.NEW, notice()))], Knowledge(), WATCHES, DESKS,
                   now=NOW, trips=TRIPS)
    outbound, inbound = sorted(booking_alerts(first), key=lambda a: a.item_key)
    assert inbound.title == "[WARNING] 1 booking affected: TP LIS-CCS suspension"
    assert [b["ref"] for b in inbound.data["bookings"]] == ["EARLY1"]
    assert inbound.data["reasons"] == [
        "EARLY1 TP173 2025-12-10: TP: Suspension of flights to Caracas (until 31 Dec)"]
    assert inbound.category == "item" and inbound.channels == ("desk",)
    assert inbound.item_key == "TP LIS-CCS suspension (bookings)"
    assert outbound.title == "[WARNING] 1 booking affected: TP CCS-LIS suspension"
    knowledge = Knowledge(trip_items=(notice(),), bookings_told={**told(inbound),
                                                                  **told(outbound, 2)})

    # The same notice read again: nothing new to say.
    again = decide([run(Change(ChangeKind.UPDATED, notice(body="re-worded")))], knowledge,
                   WATCHES, DESKS, now=NOW, trips=TRIPS)
    assert booking_alerts(again) == []

    # Extended to 31 January: the later booking is hit too, an update naming both.
    extended = notice(until="2026-01-31")
    second = decide([run(Change(ChangeKind.UPDATED, extended, notice()))], knowledge,
                    WATCHES, DESKS, now=NOW, trips=TRIPS)
    [update] = booking_alerts(second)
    assert update.title == "[WARNING] 2 bookings affected: TP LIS-CCS suspension (updated)"
    assert update.change == "updated"
    assert [b["ref"] for b in update.data["bookings"]] == ["EARLY1", "LATE22"]
    knowledge = replace(knowledge, trip_items=(extended,),
                        bookings_told={**knowledge.bookings_told, **told(update, 3)})

    # Resumption: an all-clear to the bookings that were told, on both routes.
    resumed = replace(extended, status="withdrawn", severity=Severity.INFO)
    third = decide([run(Change(ChangeKind.WITHDRAWN, resumed, extended))], knowledge,
                   WATCHES, DESKS, now=NOW, trips=TRIPS)
    clears = sorted(booking_alerts(third), key=lambda a: a.title)
    assert [a.title for a in clears] == [
        "[INFO] 1 booking no longer affected: TP CCS-LIS suspension",
        "[INFO] 2 bookings no longer affected: TP LIS-CCS suspension"]
    assert all(a.all_clear and a.change == "withdrawn" for a in clears)
    assert [b["ref"] for b in clears[1].data["bookings"]] == ["EARLY1", "LATE22"]


def test_a_shortened_suspension_updates_with_the_booking_no_longer_affected() -> None:
    wide = notice(until=None)
    made = booking_alerts(decide([run(Change(ChangeKind.NEW, wide))], Knowledge(), WATCHES,
                                 DESKS, now=NOW, trips=TRIPS))
    knowledge = Knowledge(trip_items=(wide,),
                          bookings_told={k: v for a in made for k, v in told(a).items()})
    shorter = notice()
    [update] = booking_alerts(decide([run(Change(ChangeKind.UPDATED, shorter, wide))],
                                     knowledge, WATCHES, DESKS, now=NOW, trips=TRIPS))
    assert [b["ref"] for b in update.data["bookings"]] == ["EARLY1"]
    assert [b["ref"] for b in update.data["cleared"]] == ["LATE22"]
    assert update.data["reasons"][-1] == "LATE22 TP173 2026-01-15: no longer affected"


def test_a_cancelled_flight_on_a_board_hits_its_booking_and_a_past_trip_drops_quietly() -> None:
    cancelled = flight("TP173", "2025-12-10", "cancelled")
    decision = decide([run(Change(ChangeKind.UPDATED, cancelled,
                                  flight("TP173", "2025-12-10", "scheduled")),
                           source="lis-board")], Knowledge(), WATCHES, DESKS, now=NOW,
                      trips=TRIPS)
    [alert] = booking_alerts(decision)
    assert alert.title == "[WARNING] 1 booking affected: TP173 2025-12-10 cancelled"
    assert alert.source == "lis-board"
    # After the trip's date, the flight's end is no all-clear: the booking has left.
    later = datetime(2025, 12, 12, tzinfo=UTC)
    knowledge = Knowledge(bookings_told=told(alert))
    gone = decide([run(Change(ChangeKind.RESUMED, flight("TP173", "2025-12-10", "scheduled"),
                              cancelled), source="lis-board")], knowledge, WATCHES, DESKS,
                  now=later, trips=TRIPS)
    assert booking_alerts(gone) == []


def test_quiet_hours_hold_booking_alerts_like_any_other() -> None:
    quiet = {"desk": Desk(channels=("desk",), quiet_hours=(time(10, 0), time(14, 0)))}
    [alert, _] = booking_alerts(decide([run(Change(ChangeKind.NEW, notice()))], Knowledge(),
                                       WATCHES, quiet, now=NOW, trips=TRIPS))
    assert alert.deliver_at == datetime(2025, 11, 22, 14, 0, tzinfo=UTC)
    assert alert.data["held_until"] == "2025-11-22T14:00:00+00:00"


def test_a_bookings_only_watchlist_gets_no_item_alerts_and_wants_the_trip_facts() -> None:
    decision = decide([run(Change(ChangeKind.NEW, kicz()), source="faa-prn")], Knowledge(),
                      WATCHES, DESKS, now=NOW, trips=TRIPS)
    assert all(a.item_key.endswith(" (bookings)") for a in decision.alerts[0])
    needs = wants([run(Change(ChangeKind.NEW, kicz()))], WATCHES, TRIPS)
    assert needs.trip_watchlists == {"desk"} and "TP173 2025-12-10" in needs.trip_flights
    assert needs.trip_severity == Severity.ADVISORY and needs.anything


def test_a_booking_alert_renders_a_line_per_booking_alone_and_in_a_digest() -> None:
    from alerts.render import AlertView, render, render_digest

    [alert] = [a for a in booking_alerts(decide(
        [run(Change(ChangeKind.NEW, notice(until=None)))], Knowledge(), WATCHES, DESKS,
        now=NOW, trips=TRIPS)) if a.item_key == "TP LIS-CCS suspension (bookings)"]
    view = AlertView(alert.category, alert.change, alert.severity, alert.title,
                     alert.watchlist, alert.source, alert.data)
    title, body = render(view, "text")
    assert title == "[WARNING] 2 bookings affected: TP LIS-CCS suspension"
    assert body.splitlines() == [
        "TP LIS-CCS suspension", "Watchlist: desk", "Change: new",
        "EARLY1 TP173 2025-12-10: TP: Suspension of flights to Caracas (until 31 Dec)",
        "LATE22 TP173 2026-01-15: TP: Suspension of flights to Caracas (until 31 Dec)",
        "Source: tap-page", "Link: https://www.flytap.com/avisos"]
    _, html = render(view, "html")
    assert "<li><b>EARLY1 TP173 2025-12-10:</b> TP: Suspension" in html
    other = AlertView("item", "new", Severity.WARNING, "[WARNING] KICZ A0012/25: Advisory",
                      "desk", "faa-prn", {"item": kicz().to_json(), "reasons": ["FIR SVZM"]})
    digest_title, digest = render_digest([view, other], "desk", "markdown")
    assert digest_title == "[WARNING] 2 changes for desk"
    assert "**\\[WARNING\\] 2 bookings affected: TP LIS-CCS suspension**" in digest
    assert "- LATE22 TP173 2026-01-15: TP: Suspension" in digest


def test_a_hazard_re_issued_under_a_new_key_moves_the_bookings_without_an_all_clear() -> None:
    old = kicz()
    made = booking_alerts(decide([run(Change(ChangeKind.NEW, old), source="faa-prn")],
                                 Knowledge(), WATCHES, DESKS, now=NOW, trips=TRIPS))
    [told_old] = [a for a in made if a.data["cause"] == "KICZ A0012/25"]
    knowledge = Knowledge(trip_items=(old,), bookings_told=told(told_old))
    gone = Change(ChangeKind.WITHDRAWN, replace(old, status="withdrawn"), old)
    successor = Change(ChangeKind.NEW, kicz(key="KICZ A0015/25"))
    decision = decide([run(gone, successor, source="faa-prn")], knowledge, WATCHES, DESKS,
                      now=NOW, trips=TRIPS)
    alerts = {a.data["cause"]: a for a in booking_alerts(decision)}
    assert alerts["KICZ A0015/25"].title == "[WARNING] 3 bookings affected: KICZ A0015/25"
    assert alerts["KICZ A0015/25"].channels == ("desk",)
    ended = alerts["KICZ A0012/25"]
    assert ended.all_clear and ended.channels == ()    # recorded, not sent


def test_a_flight_flying_again_clears_its_booking_by_the_flight_s_name() -> None:
    cancelled = flight("TP173", "2025-12-10", "cancelled")
    [alert] = booking_alerts(decide([run(Change(ChangeKind.NEW, cancelled),
                                         source="lis-board")], Knowledge(), WATCHES, DESKS,
                                    now=NOW, trips=TRIPS))
    flying = Change(ChangeKind.RESUMED, flight("TP173", "2025-12-10", "scheduled"), cancelled)
    [clear] = booking_alerts(decide([run(flying, source="lis-board")],
                                    Knowledge(trip_items=(cancelled,),
                                              bookings_told=told(alert)),
                                    WATCHES, DESKS, now=NOW, trips=TRIPS))
    assert clear.title == "[INFO] 1 booking no longer affected: TP173 2025-12-10"
    assert clear.data["reasons"] == ["EARLY1 TP173 2025-12-10: no longer affected"]
