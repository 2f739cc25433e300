"""Operator logs: JSON lines or text; secrets never reach them, names always do."""

from __future__ import annotations

import io
import json

import pytest

from monitor.logs import REDACTED, EventLog
from monitor.secrets import mask, url_credentials, url_password, whole_values


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


DESK_TOKEN = "c2VjcmV0LWRlc2stdG9rZW4x"
DESK_URL = f"json://desk:{DESK_TOKEN}@127.0.0.1:8025/hook/desk"


def test_a_user_name_path_part_or_host_stays_readable_in_names() -> None:
    out = io.StringIO()
    log = EventLog(out)
    log.add_secrets(whole_values([DESK_URL]) | url_credentials(DESK_URL))
    log.info("delivery", channel="desk", watchlist="latam-desk", ok=True)
    log.warning("source.run", source="faa-prn", error="HTTP 500 from http://127.0.0.1:8025/hook")
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    assert records[0]["channel"] == "desk" and records[0]["watchlist"] == "latam-desk"
    assert records[1]["error"] == "HTTP 500 from http://127.0.0.1:8025/hook"


def test_a_channel_url_is_masked_whole_and_its_password_wherever_it_appears() -> None:
    out = io.StringIO()
    log = EventLog(out)
    log.add_secrets(whole_values([DESK_URL]) | url_credentials(DESK_URL))
    log.error("delivery", channel="desk", error=f"failed posting to {DESK_URL}",
              detail=f"basic auth desk:{DESK_TOKEN} refused")
    record = json.loads(out.getvalue())
    assert record["error"] == f"failed posting to {REDACTED}"
    assert record["detail"] == f"basic auth desk:{REDACTED} refused"


def test_words_are_never_registered_as_secrets() -> None:
    out = io.StringIO()
    log = EventLog(out)
    log.add_secrets(["desk", "json", "15m", "hook"])
    log.info("alert", watchlist="latam-desk", channel="desk", every="15m")
    assert REDACTED not in out.getvalue()


@pytest.mark.parametrize(("url", "secret", "readable"), [
    (DESK_URL, {DESK_TOKEN}, ["desk", "hook", "127.0.0.1", "8025"]),
    ("tgram://123456789:AAHdKx9Zq0vWmT3bR7/987654321", {"AAHdKx9Zq0vWmT3bR7"}, []),
    ("slack://T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7FQ/#desk",
     {"T1JJ3T3L2", "A1BRTD4JD", "TIiajkdnlazkcOXrIdevi7FQ"}, ["desk"]),
    ("mailtos://ops:app-password@gmail.com?to=desk@example.org", {"app-password"},
     ["ops", "gmail.com", "desk@example.org"]),
    ("json://hooks.example.org/monitor?token=Xk29fa81Qm", {"Xk29fa81Qm"},
     ["hooks.example.org", "monitor"]),
    ("pover://uQiRzpo4DXghDmr9QzzfQu27cmVRsG@azGDORePK8gMaC0QOYAMyEEuzJnyUi",
     {"uQiRzpo4DXghDmr9QzzfQu27cmVRsG", "azGDORePK8gMaC0QOYAMyEEuzJnyUi"}, []),
    ("json://user:p%40ss-w0rd@hooks.example.org/", {"p%40ss-w0rd", "p@ss-w0rd"}, ["user"]),
])
def test_credential_parts_of_urls_are_secret_and_names_are_not(
        url: str, secret: set[str], readable: list[str]) -> None:
    found = url_credentials(url)
    assert secret <= found
    for word in readable:
        assert word not in found and mask(f"[{word}]", found) == f"[{word}]", word


def test_a_database_url_hides_only_its_password() -> None:
    url = "postgresql+psycopg://monitor:dbpass99@db.internal:5432/pytest-42/monitor2025"
    assert url_password(url) == {"dbpass99"}
    assert url_password("sqlite:////var/lib/monitor-2025/monitor.db") == set()


def test_the_schedulers_own_warnings_are_json_lines_of_the_same_stream(
        capsys: pytest.CaptureFixture[str]) -> None:
    import logging

    from monitor import scheduler

    scheduler._log_through_ours()
    logging.getLogger("apscheduler.executors.default").warning(
        'Run time of job "faa-prn" was missed by %s', "0:00:13")
    logging.getLogger("apscheduler.scheduler").info("Added job")   # below warning: quiet
    out, err = capsys.readouterr()
    [record] = [json.loads(line) for line in out.splitlines()]
    assert record["event"] == "scheduler" and record["level"] == "warning"
    assert record["message"] == 'Run time of job "faa-prn" was missed by 0:00:13'
    assert err == ""
