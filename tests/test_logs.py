"""Operator logs: JSON lines or text, and secrets never reach them."""

from __future__ import annotations

import io
import json

from monitor.logs import REDACTED, EventLog


def test_json_lines_carry_ts_level_event_and_fields() -> None:
    out = io.StringIO()
    log = EventLog(out)
    log.info("source.run", source="faa-prn", status="ok", items=31)
    record = json.loads(out.getvalue())
    assert record["event"] == "source.run" and record["level"] == "info"
    assert record["ts"].endswith("Z") and record["items"] == 31


def test_text_format_is_one_readable_line() -> None:
    out = io.StringIO()
    log = EventLog(out, fmt="text")
    log.warning("health", source="faa-prn", error="layout changed: no sections")
    line = out.getvalue()
    assert line.count("\n") == 1
    assert "WARNING" in line and "health" in line and 'error="layout changed: no sections"' in line


def test_secrets_are_redacted_wherever_they_appear() -> None:
    out = io.StringIO()
    log = EventLog(out)
    log.add_secrets(["tgram://123456:ABCDEF/chat", "s3cr3t-token"])
    log.error("delivery", error="failed posting to tgram://123456:ABCDEF/chat",
              detail={"key": "s3cr3t-token"})
    text = out.getvalue()
    assert "ABCDEF" not in text and "s3cr3t-token" not in text
    assert text.count(REDACTED) == 2


def test_levels_below_the_minimum_are_dropped() -> None:
    out = io.StringIO()
    log = EventLog(out, level="warning")
    log.info("quiet")
    log.error("loud")
    assert [json.loads(x)["event"] for x in out.getvalue().splitlines()] == ["loud"]
