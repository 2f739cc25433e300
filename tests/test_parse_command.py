"""`monitor parse KIND FILE --set ...` works offline for the airline and flight kinds, with the
required options given on the command line; their failing fixtures are refused."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from monitor.errors import ParseError
from monitor.sources import SOURCES
from tests.regen_expected import FIXTURES, bodies, expected_path, make_source

ROOT = Path(__file__).resolve().parents[1]
KINDS = ["airline_page", "zendesk_article", "aerodatabox", "aviationstack", "flightaware",
         "eldorado"]


def monitor(*args: str) -> subprocess.CompletedProcess[str]:
    # No proxy and an unroutable one: a network call would fail the test, not hang it.
    env = {**os.environ, "HTTPS_PROXY": "http://127.0.0.1:9", "HTTP_PROXY": "http://127.0.0.1:9"}
    return subprocess.run([sys.executable, "-m", "monitor", *args], capture_output=True,
                          text=True, cwd=ROOT, timeout=60, env=env)


def settings(options: dict[str, Any]) -> list[str]:
    args = []
    for key, value in options.items():
        text = ",".join(value) if isinstance(value, list) else str(value)
        args += ["--set", f"{key}={text}"]
    return args


@pytest.mark.parametrize("kind", KINDS)
def test_parse_prints_the_expected_items_for_every_kind(kind: str) -> None:
    body = bodies(kind)[0]
    proc = monitor("parse", kind, str(body), *settings(FIXTURES[kind].setup(body.name).options))
    assert proc.returncode == 0, proc.stderr
    printed = [json.loads(line) for line in proc.stdout.splitlines()]
    expected = json.loads(expected_path(body).read_text(encoding="utf-8"))
    if SOURCES[kind].default_url is None:
        # Without a configured url the items link to the file they were parsed from.
        assert all(item.pop("url").startswith("file://") for item in printed)
        for item in expected:
            item.pop("url")
    assert printed == expected


@pytest.mark.parametrize(("kind", "name"), [(k, n) for k in KINDS for n in FIXTURES[k].failing])
def test_failing_fixtures_are_parse_errors(kind: str, name: str) -> None:
    body = ROOT / "tests" / "fixtures" / kind / name
    source = make_source(kind, name)
    with pytest.raises(ParseError, match=r"^layout changed: "):
        source.parse(body.read_bytes(), url=source.url)
    assert not expected_path(body).exists()


def test_a_missing_required_option_is_a_usage_error() -> None:
    body = bodies("airline_page")[0]
    proc = monitor("parse", "airline_page", str(body), "--set", "airline=AV")
    assert proc.returncode == 2
    assert "selector" in proc.stderr and "Traceback" not in proc.stderr


def test_an_error_envelope_exits_1_naming_the_provider_message() -> None:
    body = ROOT / "tests" / "fixtures" / "aviationstack" / "error_usage_limit.json"
    proc = monitor("parse", "aviationstack", str(body), "--set", "airport=CCS")
    assert proc.returncode == 1
    assert "usage_limit_reached" in proc.stderr and "Traceback" not in proc.stderr
