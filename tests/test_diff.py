"""Pure change detection."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from monitor.diff import Known, diff
from monitor.types import ChangeKind, Item, Severity

NOW = datetime(2025, 11, 22, 12, 0, tzinfo=UTC)


def item(key: str = "KICZ A0012/25", **kw: object) -> Item:
    fields: dict[str, object] = {"source": "faa-prn", "kind": "notam", "key": key,
                                 "title": f"{key} advisory", "severity": Severity.WARNING,
                                 "firs": ("SVZM",)}
    fields.update(kw)
    return Item(**fields)  # type: ignore[arg-type]


def known(*items: Item, missing: int = 0) -> dict[str, Known]:
    return {i.key: Known(i, i.content_hash, missing) for i in items}


def test_a_key_never_seen_before_is_new() -> None:
    result = diff({}, [item()], now=NOW, withdraw_after=2)
    assert [c.kind for c in result.changes] == [ChangeKind.NEW]
    assert [i.key for i in result.upserts] == ["KICZ A0012/25"]


def test_an_unchanged_item_is_no_change_and_writes_nothing() -> None:
    a = item()
    result = diff(known(a), [item()], now=NOW, withdraw_after=2)
    assert result.changes == [] and result.upserts == [] and result.missing == {}


def test_a_changed_title_is_an_update_with_the_previous_version() -> None:
    a = item()
    b = item(title="KICZ A0012/25 advisory, extended")
    [change] = diff(known(a), [b], now=NOW, withdraw_after=2).changes
    assert change.kind == ChangeKind.UPDATED and change.previous == a and change.item == b


def test_a_new_revision_stamp_alone_is_an_update() -> None:
    a = item(revision="2026-01-03")
    [change] = diff(known(a), [item(revision="2026-01-05")], now=NOW, withdraw_after=2).changes
    assert change.kind == ChangeKind.UPDATED


def test_item_is_withdrawn_only_after_two_successful_fetches_without_it() -> None:
    a = item()
    first = diff(known(a), [], now=NOW, withdraw_after=2)
    assert first.changes == [] and first.missing == {a.key: 1}
    second = diff(known(a, missing=1), [], now=NOW, withdraw_after=2)
    [change] = second.changes
    assert change.kind == ChangeKind.WITHDRAWN and change.item.status == "withdrawn"
    assert change.previous == a


def test_an_item_seen_again_resets_its_missing_count() -> None:
    a = item()
    result = diff(known(a, missing=1), [a], now=NOW, withdraw_after=2)
    assert result.changes == [] and result.missing == {a.key: 0}


def test_an_upstream_status_flip_to_withdrawn_is_an_all_clear() -> None:
    a = item(kind="bulletin", key="CZIB 142977")
    b = replace(a, status="withdrawn", severity=Severity.INFO)
    [change] = diff(known(a), [b], now=NOW, withdraw_after=2).changes
    assert change.kind == ChangeKind.WITHDRAWN and change.kind.is_all_clear


def test_a_withdrawn_item_that_turns_active_again_is_reinstated() -> None:
    a = item(kind="bulletin", key="CZIB 1", status="withdrawn", severity=Severity.INFO)
    b = replace(a, status="active", severity=Severity.WARNING)
    [change] = diff(known(a), [b], now=NOW, withdraw_after=2).changes
    assert change.kind == ChangeKind.REINSTATED


def test_an_item_first_seen_already_withdrawn_is_stored_without_a_change() -> None:
    a = item(kind="bulletin", key="CZIB 9", status="withdrawn", severity=Severity.INFO)
    result = diff({}, [a], now=NOW, withdraw_after=2)
    assert result.changes == [] and result.upserts == [a]


def test_a_closed_item_missing_upstream_is_not_withdrawn_again() -> None:
    a = item(status="withdrawn")
    assert diff(known(a), [], now=NOW, withdraw_after=1).changes == []


def test_a_notam_past_its_firm_end_expires() -> None:
    a = item(valid_to=NOW - timedelta(minutes=1))
    b = item(key="KICZ A0013/25", valid_to=NOW - timedelta(minutes=1), valid_to_estimated=True)
    result = diff(known(replace(a, valid_to=NOW + timedelta(days=1)), b), [a, b], now=NOW,
                  withdraw_after=2)
    assert [(c.kind, c.item.key) for c in result.changes] == [
        (ChangeKind.EXPIRED, "KICZ A0012/25"), (ChangeKind.ESTIMATED_END, "KICZ A0013/25")]
    assert result.end_noted == ["KICZ A0013/25"]


def test_other_kinds_never_expire_by_date() -> None:
    a = item(kind="bulletin", key="CZIB 1", valid_to=NOW - timedelta(days=3))
    assert diff(known(a), [a], now=NOW, withdraw_after=2).changes == []


def test_an_estimated_end_is_reported_once() -> None:
    b = item(valid_to=NOW - timedelta(minutes=1), valid_to_estimated=True)
    noted = {b.key: Known(b, b.content_hash, 0, end_noted=True)}
    assert diff(noted, [b], now=NOW, withdraw_after=2).changes == []


def test_a_replacement_notam_is_one_update_and_the_old_one_is_replaced_quietly() -> None:
    old = item("KICZ A0011/25")
    new = item("KICZ A0012/25", replaces="KICZ A0011/25")
    result = diff(known(old), [new], now=NOW, withdraw_after=2)
    [change] = result.changes
    assert change.kind == ChangeKind.UPDATED and change.item == new and change.previous == old
    assert {(i.key, i.status) for i in result.upserts} == {
        ("KICZ A0012/25", "active"), ("KICZ A0011/25", "replaced")}


def test_a_replacement_listed_next_to_the_old_notam_still_replaces_it() -> None:
    old = item("KICZ A0011/25")
    new = item("KICZ A0012/25", replaces="KICZ A0011/25")
    result = diff(known(old), [old, new], now=NOW, withdraw_after=2)
    assert [c.kind for c in result.changes] == [ChangeKind.UPDATED]
    assert ("KICZ A0011/25", "replaced") in {(i.key, i.status) for i in result.upserts}


def test_a_cancellation_notam_cancels_the_one_it_names() -> None:
    live = item("KICZ A0012/25")
    cancel = item("KICZ A0020/25", status="cancelled", cancels="KICZ A0012/25")
    result = diff(known(live), [cancel], now=NOW, withdraw_after=2)
    [change] = result.changes
    assert change.kind == ChangeKind.CANCELLED and change.item.key == "KICZ A0012/25"
    assert change.kind.is_all_clear


def test_a_replacement_of_an_unknown_notam_is_new() -> None:
    new = item("KICZ A0012/25", replaces="KICZ A0011/25")
    assert [c.kind for c in diff({}, [new], now=NOW, withdraw_after=2).changes] == [
        ChangeKind.NEW]


def notice(until: datetime | None, title: str = "TP: Suspension of flights to Caracas",
           **kw: object) -> Item:
    shown = f" (until {until.day} {until:%b})" if until else ""
    return item(key="TP § Voos para Caracas", kind="advisory", source="tap",
                title=kw.pop("shown_title", f"{title}{shown}"), valid_to=until, **kw)


END_DEC = datetime(2025, 12, 31, 23, 59, 59, tzinfo=UTC)
END_JAN = datetime(2026, 1, 31, 23, 59, 59, tzinfo=UTC)


def test_an_extension_is_an_update_whose_title_says_so() -> None:
    before, after = notice(END_DEC), notice(END_JAN)
    result = diff(known(before), [after], now=NOW, withdraw_after=2)
    [change] = result.changes
    assert change.kind == ChangeKind.UPDATED and change.previous == before
    assert change.item.title == ("TP: Suspension of flights to Caracas extended to 31 Jan 2026 "
                                 "(was 31 Dec 2025)")
    assert change.item.valid_to == END_JAN
    # the store keeps the notice as the source gave it, so the next read is no change
    assert result.upserts == [after]
    assert diff(known(after), [notice(END_JAN)], now=NOW, withdraw_after=2).changes == []


def test_an_earlier_end_and_an_open_end_are_said_too() -> None:
    [shorter] = diff(known(notice(END_JAN)), [notice(END_DEC)], now=NOW,
                     withdraw_after=2).changes
    assert shorter.item.title.endswith("shortened to 31 Dec 2025 (was 31 Jan 2026)")
    open_end = notice(None, shown_title="TP: Suspension of flights to Caracas "
                                        "(until further notice)")
    [opened] = diff(known(notice(END_DEC)), [open_end], now=NOW, withdraw_after=2).changes
    assert opened.item.title == ("TP: Suspension of flights to Caracas extended until further "
                                 "notice (was 31 Dec 2025)")
    [dated] = diff(known(open_end), [notice(END_JAN)], now=NOW, withdraw_after=2).changes
    assert dated.item.title.endswith("now until 31 Jan 2026 (was until further notice)")


def test_an_update_that_leaves_the_end_or_concerns_no_notice_keeps_its_title() -> None:
    before = notice(END_DEC, body="a")
    after = notice(END_DEC, body="b")
    [same_end] = diff(known(before), [after], now=NOW, withdraw_after=2).changes
    assert same_end.item == after
    # an end stated for the first time is an update, not an extension
    [first] = diff(known(notice(None)), [notice(END_DEC)], now=NOW, withdraw_after=2).changes
    assert first.item.title == "TP: Suspension of flights to Caracas (until 31 Dec)"
    # a NOTAM's new end is left to its own rules (a NOTAMR)
    a = item(valid_to=END_DEC)
    [notam] = diff(known(a), [item(valid_to=END_JAN)], now=NOW, withdraw_after=2).changes
    assert notam.item.title == a.title
