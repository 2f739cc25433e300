"""State travel advisories: the US State Department feed and GOV.UK's FCDO advice.

Fixtures are compared whole; then the field rules, the refusals of bodies that lost their
shape, and end to end through a local server, a migrated SQLite file and Apprise to a local
webhook: a raised level is a warning to the desk, a lowered one its all-clear.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor import service
from monitor.errors import ParseError
from monitor.sources.uk_fcdo import UkFcdo
from monitor.sources.us_state_rss import UsStateRss, UsStateRssOptions
from monitor.types import Severity
from tests.regen_expected import bodies, expected_path, make_source
from tests.servers import FixtureServer, Webhook

ROOT = Path(__file__).resolve().parent / "fixtures"
RSS = (ROOT / "us_state_rss" / "advisories.xml").read_bytes()
FCDO = (ROOT / "uk_fcdo" / "venezuela.json").read_bytes()


@pytest.mark.parametrize(("kind", "body"), [(k, p.name) for k in ("us_state_rss", "uk_fcdo")
                                            for p in bodies(k)])
def test_fixture_parses_to_its_expected_json(kind: str, body: str) -> None:
    src = make_source(kind, body)
    path = ROOT / kind / body
    expected = json.loads(expected_path(path).read_text(encoding="utf-8"))
    assert [item.to_json() for item in src.parse(path.read_bytes(), url=src.url)] == expected


@pytest.mark.parametrize(("kind", "name"), [
    ("us_state_rss", "empty_channel.xml"), ("us_state_rss", "maintenance.html"),
    ("uk_fcdo", "not_travel_advice.json"), ("uk_fcdo", "no_alert_status.json")])
def test_bodies_that_lost_their_shape_are_layout_changes(kind: str, name: str) -> None:
    src = make_source(kind, name)
    with pytest.raises(ParseError, match=r"^layout changed: "):
        src.parse((ROOT / kind / name).read_bytes(), url=src.url)


def test_the_level_sets_the_severity_and_the_country_the_key() -> None:
    items = {i.key: i for i in UsStateRss("us-state").parse(RSS, url="")}
    venezuela = items["US-DOS VE"]
    assert (venezuela.title, venezuela.severity) == ("Venezuela - Level 4: Do Not Travel",
                                                     Severity.WARNING)
    assert venezuela.countries == ("VE",) and venezuela.url.endswith("destination.ven.html")
    assert "Caracas" in venezuela.body and "<p>" not in venezuela.body
    assert [items[k].severity for k in ("US-DOS CO", "US-DOS MX", "US-DOS CA")] == [
        Severity.ADVISORY, Severity.INFO, Severity.INFO]
    # No single level and no single country: keyed by the name, still an item.
    mixed = items["US-DOS Mainland China, Hong Kong & Macau"]
    assert mixed.severity == Severity.INFO and mixed.countries == ("CN", "HK", "MO")


def test_the_feed_types_are_the_http_clients() -> None:
    from monitor.http import XML_TYPES

    assert UsStateRss.expect == XML_TYPES  # repeated there: sources do not import monitor.http


def test_countries_keep_only_the_destinations_asked_for() -> None:
    src = UsStateRss("us-state", options=UsStateRssOptions(countries=["ve", "CO"]))
    assert sorted(i.key for i in src.parse(RSS, url="")) == ["US-DOS CO", "US-DOS VE"]
    with pytest.raises(ValueError, match="QQ"):
        UsStateRssOptions(countries=["QQ"])


def test_fcdo_advice_is_read_from_the_strictest_alert_status() -> None:
    [item] = UkFcdo("fcdo-venezuela").parse(FCDO, url="")
    assert (item.key, item.severity, item.countries) == ("FCDO venezuela", Severity.WARNING,
                                                         ("VE",))
    assert item.title == "Venezuela: the FCDO advises against all travel"
    assert item.body.startswith("Latest update: information on flight cancellations")
    assert item.url == "https://www.gov.uk/foreign-travel-advice/venezuela"
    parts = json.loads(FCDO)
    parts["details"]["alert_status"] = ["avoid_all_travel_to_parts", "some_new_status"]
    [eased] = UkFcdo("fcdo-venezuela").parse(json.dumps(parts).encode(), url="")
    assert eased.severity == Severity.ADVISORY and eased.title.endswith("all travel to parts")


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=300) | st.sampled_from([RSS, FCDO]).flatmap(
    lambda body: st.integers(0, len(body)).map(lambda cut: body[:cut])))
def test_broken_bodies_only_ever_raise_parse_error(body: bytes) -> None:
    for src in (UsStateRss("us-state"), UkFcdo("fcdo")):
        with contextlib.suppress(ParseError):  # anything else fails the test
            src.parse(body, url="")


# --- end to end ---------------------------------------------------------------------------

def write_config(tmp_path: Path, server: FixtureServer, webhook: Webhook) -> Path:
    text = f"""
[monitor]
database = "sqlite:///{tmp_path / 'monitor.db'}"
fetch_retries = 0

[[channels]]
name = "desk"
url = "{webhook.apprise_url('desk')}"
format = "text"

[[sources]]
name = "us-state"
kind = "us_state_rss"
url = "{server.url('/rss')}"

[[sources]]
name = "fcdo-venezuela"
kind = "uk_fcdo"
url = "{server.url('/fcdo')}"

[[watchlists]]
name = "latam-desk"
routes = ["LIS-CCS"]
min_severity = "warning"
channels = ["desk"]
"""
    path = tmp_path / "config.toml"
    path.write_text(text)
    return path


def level(body: bytes, country: str, old: str, new: str) -> bytes:
    return body.replace(f"{country} - {old}".encode(), f"{country} - {new}".encode())


def test_a_raised_level_warns_the_route_desk_and_a_lowered_one_is_its_all_clear(
        tmp_path: Path, server: FixtureServer, webhook: Webhook) -> None:
    colombia_4 = level(RSS, "Colombia", "Level 3: Reconsider Travel", "Level 4: Do Not Travel")
    server.serve("/rss", RSS, content_type="application/rss+xml")
    server.serve("/fcdo", FCDO, content_type="application/json")
    config = service.load(write_config(tmp_path, server, webhook))

    assert service.once(config, []) == 0  # first reading: one situation summary in all
    [first] = webhook.wait_for(1)
    assert "Current situation for latam-desk" in first["title"]
    assert "US-DOS VE" in first["message"] and "FCDO venezuela" in first["message"]

    assert service.once(config, []) == 0  # nothing changed: nothing sent
    server.serve("/rss", colombia_4, content_type="application/rss+xml")
    assert service.once(config, ["us-state"]) == 0  # Colombia is not on LIS-CCS: not told
    assert len(webhook.messages) == 1

    lowered = level(colombia_4, "Venezuela", "Level 4: Do Not Travel",
                    "Level 2: Exercise Increased Caution")
    server.serve("/rss", lowered, content_type="application/rss+xml")
    assert service.once(config, ["us-state"]) == 0
    [eased] = webhook.wait_for(2)[1:]
    assert eased["title"].startswith("[INFO] US-DOS VE: updated: Venezuela - Level 2")
    assert eased["type"] == "success"  # an all-clear, below the desk's min_severity
    assert "route LIS-CCS" in eased["message"]

    raised = level(lowered, "Venezuela", "Level 2: Exercise Increased Caution",
                   "Level 4: Do Not Travel")
    server.serve("/rss", raised, content_type="application/rss+xml")
    assert service.once(config, ["us-state"]) == 0
    [warned] = webhook.wait_for(3)[2:]
    assert warned["title"].startswith("[WARNING] US-DOS VE: updated: Venezuela - Level 4")
    assert warned["type"] == "warning"
