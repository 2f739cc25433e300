"""Derived item fields: what `monitor parse` prints is what a source run stores.

Countries follow from FIRs (`countries.derived`) for every kind; `monitor parse` (a real
process) and a run of the real pipeline against a local server must give the same items.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest

from monitor import service
from monitor.countries import countries_of_firs, derived
from monitor.types import Item, parse_iso
from tests.regen_expected import FIXTURES as KINDS
from tests.regen_expected import bodies
from tests.servers import FixtureServer

ROOT = Path(__file__).resolve().parents[1]
NOTAMS = ROOT / "tests" / "fixtures" / "notam"


def monitor_parse(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "monitor", "parse", *args],
                          capture_output=True, text=True, cwd=ROOT, timeout=120,
                          env={**os.environ, "PYTHONWARNINGS": "ignore"})


def printed(proc: subprocess.CompletedProcess[str]) -> dict[str, dict[str, Any]]:
    assert proc.returncode == 0, proc.stderr
    return {item["key"]: item for item in map(json.loads, proc.stdout.splitlines())}


# --- the rule -------------------------------------------------------------------------------

def test_the_countries_of_an_items_firs_are_added_once() -> None:
    item = Item(source="s", kind="notam", key="k", title="t", firs=("SVZM", "TNCF"))
    assert derived(item).countries == ("AW", "BQ", "CW", "VE")
    assert derived(derived(item)) == derived(item)
    kept = replace(item, countries=("CO",))
    assert derived(kept).countries == ("AW", "BQ", "CO", "CW", "VE")  # none taken away


def test_an_item_without_known_firs_is_left_as_it_is() -> None:
    item = Item(source="s", kind="flight", key="k", title="t", countries=("CO",))
    assert derived(item) is item
    unknown = replace(item, firs=("ZZZQ",))
    assert derived(unknown) is unknown and countries_of_firs(("ZZZQ",)) == ()


# --- monitor parse notam ---------------------------------------------------------------------

def test_parse_notam_prints_the_countries_of_kicz_a0012(tmp_path: Path) -> None:
    text = (NOTAMS / "kicz_display.txt").read_text(encoding="utf-8").split("\n\n")[0]
    assert text.startswith("KICZ A0012/25")
    path = tmp_path / "a0012.txt"
    path.write_text(text, encoding="utf-8")
    item = printed(monitor_parse("notam", str(path)))["KICZ A0012/25"]
    assert item["firs"] == ["SVZM"] and item["countries"] == ["VE"]


# --- every kind: monitor parse against a run of the pipeline ----------------------------------

# How each kind is configured against the local server and how its body is handed to
# `monitor parse` (--set, --extra). Paths: the body, and for easa_czib the feed.
RUNS: dict[str, dict[str, Any]] = {
    "faa_prn": {"options": {}},
    "easa_czib": {"options": {}, "extra": {"feed": "feed.xml"}},
    "airline_page": {"names": ("avianca_1_suspended.html", "gol_1_suspended.html")},
    "zendesk_article": {"options": {"airline": "CM"}},
    "us_state_rss": {"options": {}},
    "uk_fcdo": {"options": {}},
    # Offset-paged: the run reads both pages, as `monitor parse` does one page at a time.
    "faa_notam_search": {"options": {"locations": ["SVZM"]}, "names": ("page1.json",),
                         "pages": {0: "page1.json", 3: "page2.json"}},
}


def kind_cases() -> list[tuple[str, Path]]:
    cases = []
    for kind, how in RUNS.items():
        found = bodies(kind)
        names = how.get("names")
        cases += [(kind, body) for body in found if names is None or body.name in names]
    return cases


def airline_options(name: str) -> dict[str, Any]:
    return KINDS["airline_page"].setup(name).options


def toml_value(value: Any) -> str:
    return json.dumps(value)  # JSON strings, numbers, lists of strings are TOML too


@pytest.mark.parametrize(("kind", "body"), kind_cases(),
                         ids=lambda v: v.name if isinstance(v, Path) else v)
def test_parse_prints_what_a_source_run_stores(tmp_path: Path, server: FixtureServer,
                                               kind: str, body: Path) -> None:
    how = RUNS[kind]
    options = dict(how.get("options") or airline_options(body.name))
    content_type = {".json": "application/json", ".xml": "application/rss+xml",
                    ".html": "text/html; charset=utf-8"}[body.suffix]
    route = server.serve("/body", body.read_bytes(), content_type=content_type)
    pages: dict[int, str] = how.get("pages") or {0: body.name}
    if len(pages) > 1:
        route.handler = lambda h: answer_by_offset(h, server, body.parent, pages)
    parse_args = [kind, str(body)]
    for label, file in (how.get("extra") or {}).items():
        server.serve(f"/{label}", (body.parent / file).read_bytes(),
                     content_type="application/rss+xml")
        options[f"{label}_url"] = server.url(f"/{label}")
        parse_args += ["--extra", f"{label}={body.parent / file}"]
    for key, value in options.items():
        if not key.endswith("_url"):
            parse_args += ["--set", f"{key}={json.dumps(value)}"]
    url = server.url("/body")
    if kind == "uk_fcdo":  # the url names the country; the body is Venezuela's
        server.serve("/api/content/foreign-travel-advice/venezuela", body.read_bytes(),
                     content_type=content_type)
        url = server.url("/api/content/foreign-travel-advice/venezuela")
    lines = "\n".join(f"{key} = {toml_value(value)}" for key, value in options.items())
    config = tmp_path / "config.toml"
    config.write_text(f'[monitor]\ndatabase = "sqlite:///{tmp_path / "m.db"}"\n'
                      f"fetch_retries = 0\n\n[[sources]]\nname = \"src\"\nkind = \"{kind}\"\n"
                      f'url = "{url}"\nevery = "1h"\n{lines}\n')
    loaded = service.load(config)
    assert service.once(loaded, ["src"]) == 0
    store = service.open_store(loaded)
    try:
        stored = {key: known.item.to_json() for key, known in store.known_items("src").items()}
    finally:
        store.close()
    parsed: dict[str, dict[str, Any]] = {}
    for page in pages.values():  # the same key twice keeps the first, as a run does
        parse_args[1] = str(body.parent / page)
        parsed = {**printed(monitor_parse(*parse_args)), **parsed}
    for item in parsed.values():
        item["source"] = "src"  # `monitor parse` names the source after the kind
        item["url"] = None
    for item in stored.values():
        item["url"] = None  # the run's url is the local server's, the parse's the file
    now = datetime.now(UTC)
    for key, item in stored.items():
        ended = parse_iso(item["valid_to"])
        if item["status"] == "expired" and ended is not None and ended < now and key in parsed:
            # A firm end that passed before the run: the run's lifecycle, not the parse.
            item["status"] = parsed[key]["status"]
    assert stored and parsed == stored


def answer_by_offset(h: BaseHTTPRequestHandler, server: FixtureServer, folder: Path,
                     pages: dict[int, str]) -> None:
    """The page the POSTed form's `offset` asks for, as the NOTAM Search service answers."""
    form = parse_qs(server.requests[-1]["body"].decode())
    body = (folder / pages[int(form["offset"][0])]).read_bytes()
    h.send_response(200)
    h.send_header("Content-Type", "application/json;charset=UTF-8")
    h.send_header("Content-Length", str(len(body)))
    h.end_headers()
    h.wfile.write(body)
