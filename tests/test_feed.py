"""Atom feeds per watchlist: real pipeline runs on the fixtures, a real store, strict checks."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from alerts.feed import FeedEntry, render_atom
from monitor import service
from monitor.config import Config
from monitor.errors import UsageError
from monitor.outbox import sweep
from monitor.pipeline import run_source
from monitor.runtime import Runtime
from monitor.types import Severity
from tests.conftest import fixture_bytes
from tests.servers import FixtureServer, Webhook

ATOM = "{http://www.w3.org/2005/Atom}"
PRN = "/air_traffic/publications/us_restrictions"
CZIB = "/czibs/export-json"
FEED = "/czibs/feed.xml"

T0 = datetime(2025, 11, 20, 12, 0, tzinfo=UTC)   # first reading of both sources
T1 = datetime(2025, 11, 21, 18, 10, tzinfo=UTC)  # KICZ A0012/25 appears
T2 = datetime(2025, 11, 22, 9, 0, tzinfo=UTC)    # the entry is gone (first run without it)
T3 = datetime(2025, 11, 22, 10, 0, tzinfo=UTC)   # ... second run without it: withdrawn
T4 = datetime(2025, 11, 25, 8, 0, tzinfo=UTC)    # the Venezuela CZIB is withdrawn
NOW = datetime(2025, 11, 26, 0, 0, tzinfo=UTC)


def write_config(tmp_path: Path, server: FixtureServer, webhook: Webhook, *,
                 feed_dir: str | None = "feeds") -> Path:
    feed_line = f'feed_dir = "{feed_dir}"' if feed_dir else ""
    path = tmp_path / "config.toml"
    path.write_text(f"""
[monitor]
database = "sqlite:///{tmp_path / 'monitor.db'}"
ops_channels = ["ops"]
withdraw_after = 2
fetch_retries = 0
{feed_line}

[[channels]]
name = "desk"
url = "{webhook.apprise_url('desk')}"
format = "markdown"

[[channels]]
name = "ops"
url = "{webhook.apprise_url('ops')}"
format = "text"

[[sources]]
name = "faa-prn"
kind = "faa_prn"
url = "{server.url(PRN)}"

[[sources]]
name = "easa-czib"
kind = "easa_czib"
url = "{server.url(CZIB)}"
feed_url = "{server.url(FEED)}"

[[watchlists]]
name = "latam-desk"
routes = ["LIS-CCS"]
firs = ["SVZM"]
countries = ["VE"]
min_severity = "advisory"
channels = ["desk"]

[[watchlists]]
name = "asia-desk"
countries = ["KP"]
channels = ["desk"]
""")
    return path


def run_at(rt: Runtime, at: datetime, *names: str) -> None:
    """One poll of the named sources through the real pipeline, with the clock at `at`."""
    rt.clock = lambda: at
    for name in names:
        assert run_source(rt, name).status in ("ok", "not_modified")
    sweep(rt)


@pytest.fixture
def config(tmp_path: Path, server: FixtureServer, webhook: Webhook) -> Config:
    """A store holding the story of the fixtures: summary, new, withdrawn, CZIB withdrawn."""
    server.serve(PRN, fixture_bytes("faa_prn", "baseline.html"))
    server.serve(CZIB, fixture_bytes("easa_czib", "active.json"),
                 content_type="application/json")
    server.serve(FEED, fixture_bytes("easa_czib", "feed.xml"),
                 content_type="application/rss+xml")
    cfg = service.load(write_config(tmp_path, server, webhook))
    rt = service.open_runtime(cfg, announce=False)
    try:
        run_at(rt, T0, "faa-prn", "easa-czib")
        server.serve(PRN, fixture_bytes("faa_prn", "venezuela_added.html"))
        run_at(rt, T1, "faa-prn")
        server.serve(PRN, fixture_bytes("faa_prn", "baseline.html"))
        run_at(rt, T2, "faa-prn")
        run_at(rt, T3, "faa-prn")
        server.serve(CZIB, fixture_bytes("easa_czib", "withdrawn.json"),
                     content_type="application/json")
        run_at(rt, T4, "easa-czib")
    finally:
        service.close_runtime(rt)
    return cfg


def entries(root: ET.Element) -> list[ET.Element]:
    return root.findall(f"{ATOM}entry")


def text(node: ET.Element, tag: str) -> str:
    found = node.find(f"{ATOM}{tag}")
    assert found is not None, f"<{tag}> missing"
    return found.text or ""


def test_the_feed_is_atom_with_the_required_elements_and_entries_newest_first(
        config: Config) -> None:
    root = ET.fromstring(service.feed(config, "latam-desk", now=NOW))

    assert root.tag == f"{ATOM}feed"
    assert text(root, "id") == "tag:airspace-monitor,2025:watchlist/latam-desk"
    assert "latam-desk" in text(root, "title")
    assert text(root, "updated") == "2025-11-25T08:00:00Z"  # the newest alert, not the clock
    assert text(root.find(f"{ATOM}author"), "name")  # type: ignore[arg-type]

    found = entries(root)
    titles = [text(e, "title") for e in found]
    assert [t.split(":")[0] for t in titles] == [
        "[INFO] CZIB 142977", "[INFO] KICZ A0012/25", "[WARNING] KICZ A0012/25",
        "[WARNING] Current situation for latam-desk"]
    assert titles[0].startswith("[INFO] CZIB 142977: withdrawn")
    assert titles[1].startswith("[INFO] KICZ A0012/25: withdrawn")
    updated = [text(e, "updated") for e in found]
    assert updated == ["2025-11-25T08:00:00Z", "2025-11-22T10:00:00Z",
                       "2025-11-21T18:10:00Z", "2025-11-20T12:00:00Z"]
    ids = [text(e, "id") for e in found]
    assert len(set(ids)) == len(ids)
    assert all(i.startswith("tag:airspace-monitor,2025:alert/") for i in ids)


def test_an_entry_carries_severity_link_and_the_rendered_body(config: Config) -> None:
    root = ET.fromstring(service.feed(config, "latam-desk", now=NOW))
    new = next(e for e in entries(root) if text(e, "title").startswith("[WARNING] KICZ"))

    [category] = new.findall(f"{ATOM}category")
    assert category.get("term") == "warning"
    [link] = new.findall(f"{ATOM}link")
    assert link.get("rel") == "alternate"
    assert link.get("href", "").endswith("KICZ_ADVISORY_NOTAM_A0012_25_SVZM.pdf")
    content = new.find(f"{ATOM}content")
    assert content is not None and content.get("type") == "html"
    assert "<li><b>Watchlist:</b> latam-desk</li>" in (content.text or "")
    assert "FIR SVZM" in text(new, "summary")


def test_ids_and_bytes_are_stable_across_renders_and_later_alerts(
        config: Config, server: FixtureServer) -> None:
    first = service.feed(config, "latam-desk", now=NOW)
    assert service.feed(config, "latam-desk", now=NOW + timedelta(hours=1)) == first

    server.serve(PRN, fixture_bytes("faa_prn", "venezuela_added.html"))
    rt = service.open_runtime(config, announce=False)
    try:
        run_at(rt, NOW, "faa-prn")  # the advisory comes back: one more entry on top
    finally:
        service.close_runtime(rt)
    later = ET.fromstring(service.feed(config, "latam-desk", now=NOW))
    before = [text(e, "id") for e in entries(ET.fromstring(first))]
    after = [text(e, "id") for e in entries(later)]
    assert after[1:] == before
    assert text(entries(later)[0], "title").startswith("[WARNING] KICZ A0012/25: reinstated")


def test_a_watchlist_sees_only_its_own_alerts_within_the_window(config: Config) -> None:
    [asia] = entries(ET.fromstring(service.feed(config, "asia-desk", now=NOW)))
    assert text(asia, "title").startswith("[CRITICAL] Current situation for asia-desk")
    assert "SFAR 79" in (asia.find(f"{ATOM}content").text or "")  # type: ignore[union-attr]
    recent = ET.fromstring(service.feed(config, "latam-desk", since=timedelta(days=2), now=NOW))
    assert len(entries(recent)) == 1


def test_an_unknown_watchlist_is_a_usage_error(config: Config) -> None:
    with pytest.raises(UsageError, match="unknown watchlist 'nope'"):
        service.feed(config, "nope", now=NOW)


def test_write_feeds_writes_one_file_per_watchlist_next_to_the_config(config: Config,
                                                                      tmp_path: Path) -> None:
    written = service.write_feeds(config, now=NOW)

    folder = tmp_path / "feeds"
    assert sorted(written) == [folder / "asia-desk.xml", folder / "latam-desk.xml"]
    assert (folder / "latam-desk.xml").read_bytes() == service.feed(config, "latam-desk",
                                                                    now=NOW)
    assert sorted(p.name for p in folder.iterdir()) == ["asia-desk.xml", "latam-desk.xml"]
    # Nothing changed since: nothing is written (no temporary file left behind either).
    modified = (folder / "latam-desk.xml").stat().st_mtime_ns
    assert service.write_feeds(config, now=NOW) == []
    assert (folder / "latam-desk.xml").stat().st_mtime_ns == modified
    assert sorted(p.name for p in folder.iterdir()) == ["asia-desk.xml", "latam-desk.xml"]
    # A feed that differs from its file is replaced.
    (folder / "asia-desk.xml").write_bytes(b"<feed/>")
    assert service.write_feeds(config, now=NOW) == [folder / "asia-desk.xml"]
    assert (folder / "asia-desk.xml").read_bytes() == service.feed(config, "asia-desk", now=NOW)


def test_an_empty_feed_keeps_its_date_and_is_not_written_again(config: Config,
                                                                tmp_path: Path) -> None:
    folder = tmp_path / "feeds"
    later = NOW + timedelta(days=60)  # the fixture's alerts are past the feed's 30 days
    assert len(service.write_feeds(config, now=later)) == 2
    feeds = sorted(folder.iterdir())
    assert all(entries(ET.fromstring(path.read_bytes())) == [] for path in feeds)
    before = [path.read_bytes() for path in feeds]
    assert service.write_feeds(config, now=later + timedelta(hours=5)) == []
    assert [path.read_bytes() for path in feeds] == before
    assert text(ET.fromstring(feeds[0].read_bytes()), "updated") == "2026-01-25T00:00:00Z"
    # A file without a readable date is written again, dated now.
    feeds[0].write_bytes(b"<feed/>")
    assert service.write_feeds(config, now=later + timedelta(hours=5)) == [feeds[0]]
    assert text(ET.fromstring(feeds[0].read_bytes()), "updated") == "2026-01-25T05:00:00Z"


def test_write_feeds_does_nothing_without_a_feed_dir(tmp_path: Path, server: FixtureServer,
                                                     webhook: Webhook) -> None:
    config = service.load(write_config(tmp_path, server, webhook, feed_dir=None))
    assert service.write_feeds(config, now=NOW) == []
    assert not (tmp_path / "feeds").exists()


def test_an_empty_feed_is_dated_now_and_bad_characters_never_break_the_xml() -> None:
    empty = ET.fromstring(render_atom("latam-desk", [], now=NOW))
    assert text(empty, "updated") == "2025-11-26T00:00:00Z"
    assert entries(empty) == []

    odd = FeedEntry(id=7, created_at=NOW, category="item", watchlist="latam-desk",
                    source="faa-prn", change="new", severity=Severity.ADVISORY,
                    title="[ADVISORY] X 1/25: GNSS \x0b<interference> & more",
                    data={"item": {"title": "GNSS", "url": "https://example.org/?a=1&b=2"},
                          "reasons": ["FIR SVZM"]})
    root = ET.fromstring(render_atom("latam-desk", [odd], now=NOW,
                                     feed_url="https://example.org/feeds/latam-desk.xml"))
    [entry] = entries(root)
    assert text(entry, "title") == "[ADVISORY] X 1/25: GNSS <interference> & more"
    assert text(entry, "id") == "tag:airspace-monitor,2025:alert/7"
    assert entry.find(f"{ATOM}link").get("href") == "https://example.org/?a=1&b=2"  # type: ignore[union-attr]
    [self_link] = root.findall(f"{ATOM}link")
    assert self_link.get("rel") == "self"
