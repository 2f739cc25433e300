"""config.toml loading: expansion, durations, per-kind options and `file: key: problem` errors."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from monitor.config import load_config
from monitor.errors import ConfigError
from monitor.types import Severity

ROOT = Path(__file__).resolve().parents[1]

GOOD = """
[monitor]
database = "sqlite:///x.db"
ops_channels = ["ops"]

[[channels]]
name = "desk"
url = "${DESK_URL:-}"
format = "html"

[[channels]]
name = "ops"
url = "${OPS_URL:-json://127.0.0.1:9/}"

[[sources]]
name = "faa-prn"
kind = "faa_prn"
every = "15m"
jitter = "30s"
countries = ["Venezuela", "CO"]

[[watchlists]]
name = "latam-desk"
routes = ["LIS-CCS", { route = "MIA-GRU", firs = ["SVZM"], cruise = "FL300-FL410" }]
airlines = ["tp"]
firs = ["svzm"]
airports = ["CCS"]
countries = ["ve"]
min_severity = "warning"
channels = ["desk"]
quiet_hours = "22:00-07:00"
timezone = "America/Bogota"
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text)
    return path


def test_a_valid_config_loads_with_durations_severities_and_kind_options(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, GOOD), env={"DESK_URL": "json://secret-host/x"})
    source = config.sources["faa-prn"]
    assert source.every == timedelta(minutes=15)
    assert source.jitter == timedelta(seconds=30)
    assert source.options.countries == ["Venezuela", "CO"]  # type: ignore[attr-defined]
    watch = config.watchlists["latam-desk"]
    assert watch.min_severity == Severity.WARNING
    assert watch.airlines == ["TP"] and watch.firs == ["SVZM"] and watch.countries == ["VE"]
    assert config.channels["desk"].url == "json://secret-host/x"
    assert config.channels["ops"].url == "json://127.0.0.1:9/"
    assert "json://secret-host/x" in config.secrets


def test_an_empty_channel_url_disables_the_channel(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, GOOD), env={})
    assert config.disabled_channels() == ["desk"]


def test_relative_sqlite_paths_are_relative_to_the_config_file(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, GOOD), env={})
    assert config.database_url == f"sqlite:///{tmp_path.resolve()}/x.db"


BROKEN = [
    ("toml syntax", "[monitor\nx = 1", "", "TOML syntax error"),
    ("unknown top key", "[nonsense]\na = 1", "nonsense", "unknown key"),
    ("unknown monitor key", "[monitor]\nbogus = 1", "monitor.bogus", "unknown key"),
    ("wrong type", '[monitor]\nalert_after_failures = "three"', "monitor.alert_after_failures",
     "integer"),
    ("zero threshold", "[monitor]\nwithdraw_after = 0", "monitor.withdraw_after", "greater"),
    ("bad log format", '[monitor]\nlog_format = "xml"', "monitor.log_format", "'xml'"),
    ("bad health_repeat", '[monitor]\nhealth_repeat = "often"', "monitor.health_repeat",
     "invalid duration 'often'"),
    ("bad stale_after", '[monitor]\nstale_after = "0x"', "monitor.stale_after", "positive"),
    ("bad duration", '[[sources]]\nname = "a"\nkind = "faa_prn"\nevery = "5 mins"',
     "sources[0].every", "invalid duration '5 mins'"),
    ("negative interval", '[[sources]]\nname = "a"\nkind = "faa_prn"\nevery = "-5m"',
     "sources[0].every", "negative duration"),
    ("zero interval", '[[sources]]\nname = "a"\nkind = "faa_prn"\nevery = "0s"',
     "sources[0].every", "positive"),
    ("every as number", '[[sources]]\nname = "a"\nkind = "faa_prn"\nevery = 60',
     "sources[0].every", "duration string"),
    ("unknown kind", '[[sources]]\nname = "a"\nkind = "nope"', "sources[0].kind",
     "unknown kind 'nope' (known: "),
    ("missing kind", '[[sources]]\nname = "a"', "sources[0].kind", "missing"),
    ("missing name", '[[sources]]\nkind = "faa_prn"', "sources[0].name", "missing"),
    ("missing url", '[[sources]]\nname = "tap"\nkind = "airline_page"\nselector = "main"\n'
     'airline = "TP"', "sources[0].url", "no default url"),
    ("unknown kind option", '[[sources]]\nname = "a"\nkind = "faa_prn"\ncolour = "red"',
     "sources[0].colour", "unknown key"),
    ("kind option wrong type", '[[sources]]\nname = "a"\nkind = "faa_prn"\ncountries = 5',
     "sources[0].countries", "list"),
    ("enabled not a bool", '[[sources]]\nname = "a"\nkind = "faa_prn"\nenabled = "maybe"',
     "sources[0].enabled", "boolean"),
    ("not kebab-case", '[[sources]]\nname = "FAA PRN"\nkind = "faa_prn"', "sources[0].name",
     "kebab-case"),
    ("duplicate source", '[[sources]]\nname = "a"\nkind = "faa_prn"\n'
     '[[sources]]\nname = "a"\nkind = "easa_czib"', "sources[1].name", "duplicate name 'a'"),
    ("duplicate channel", '[[channels]]\nname = "a"\n[[channels]]\nname = "a"',
     "channels[1].name", "duplicate name"),
    ("bad channel format", '[[channels]]\nname = "a"\nformat = "pdf"', "channels[0].format",
     "'pdf'"),
    ("unset variable", '[[channels]]\nname = "a"\nurl = "${SURELY_UNSET_VAR_123}"',
     "channels[0].url", "SURELY_UNSET_VAR_123 is not set"),
    ("unknown channel", '[[watchlists]]\nname = "w"\nchannels = ["nowhere"]',
     "watchlists[0].channels[0]", "unknown channel 'nowhere'"),
    ("unknown ops channel", '[monitor]\nops_channels = ["ops"]', "monitor.ops_channels[0]",
     "unknown channel 'ops'"),
    ("unknown airport", '[[watchlists]]\nname = "w"\nairports = ["ZZZZ"]',
     "watchlists[0].airports[0]", "unknown airport code 'ZZZZ'"),
    ("unknown route airport", '[[watchlists]]\nname = "w"\nroutes = ["LIS-QQQ"]',
     "watchlists[0].routes[0]", "QQQ"),
    ("bad route syntax", '[[watchlists]]\nname = "w"\nroutes = ["LIS"]',
     "watchlists[0].routes[0]", "LIS"),
    ("bad cruise band", '[[watchlists]]\nname = "w"\nroutes = [{route = "LIS-CCS", '
     'cruise = "high"}]', "watchlists[0].routes[0]", "high"),
    ("unknown route key", '[[watchlists]]\nname = "w"\nroutes = [{route = "LIS-CCS", x = 1}]',
     "watchlists[0].routes[0].x", "unknown key"),
    ("bad severity", '[[watchlists]]\nname = "w"\nmin_severity = "huge"',
     "watchlists[0].min_severity", "unknown severity 'huge'"),
    ("bad airline", '[[watchlists]]\nname = "w"\nairlines = ["TAP"]', "watchlists[0].airlines",
     "IATA airline code"),
    ("bad fir", '[[watchlists]]\nname = "w"\nfirs = ["SV"]', "watchlists[0].firs", "FIR code"),
    ("bad country", '[[watchlists]]\nname = "w"\ncountries = ["VEN"]',
     "watchlists[0].countries", "alpha-2"),
    ("bad quiet hours", '[[watchlists]]\nname = "w"\nquiet_hours = "25:00-07:00"',
     "watchlists[0].quiet_hours", "invalid time window"),
    ("bad time zone", '[[watchlists]]\nname = "w"\ntimezone = "Mars/Base"',
     "watchlists[0].timezone", "unknown time zone"),
    ("sources not an array", 'sources = "faa"', "sources", "array of tables"),
    ("missing fir file", '[geo]\nfir_boundaries = "nowhere.geojson"', "geo.fir_boundaries",
     "cannot read"),
    ("ftp source url", '[[sources]]\nname = "a"\nkind = "faa_prn"\nurl = "ftp://example.org/x"',
     "sources[0].url", "expected an http:// or https:// URL, got 'ftp://example.org/x'"),
    ("words as source url", '[[sources]]\nname = "a"\nkind = "faa_prn"\n'
     'url = "faa us restrictions page"', "sources[0].url",
     "expected an http:// or https:// URL, got 'faa us restrictions page'"),
    ("source url without host", '[[sources]]\nname = "a"\nkind = "faa_prn"\nurl = "https:///x"',
     "sources[0].url", "no valid host in 'https:///x'"),
    ("source url with a bad port", '[[sources]]\nname = "a"\nkind = "faa_prn"\n'
     'url = "https://example.org:http/x"', "sources[0].url", "not a valid URL"),
    ("ftp feed_url", '[[sources]]\nname = "a"\nkind = "easa_czib"\nfeed_url = "ftp://e.org/f"',
     "sources[0].feed_url", "expected an http:// or https:// URL, got 'ftp://e.org/f'"),
    ("words as list_url", '[[sources]]\nname = "a"\nkind = "easa_czib"\n'
     'list_url = "the czib list"', "sources[0].list_url",
     "expected an http:// or https:// URL, got 'the czib list'"),
    ("unknown database dialect", '[monitor]\ndatabase = "nosuchdb://x/y"', "monitor.database",
     "unknown database dialect 'nosuchdb'"),
    ("unknown database driver", '[monitor]\ndatabase = "postgresql+nosuch://u@h/d"',
     "monitor.database", "unknown driver 'nosuch' for database 'postgresql'"),
    ("words as database", '[monitor]\ndatabase = "the monitor db"', "monitor.database",
     "not a SQLAlchemy database URL"),
]


@pytest.mark.parametrize(("text", "key", "problem"), [b[1:] for b in BROKEN],
                         ids=[b[0] for b in BROKEN])
def test_a_broken_config_names_the_file_and_the_key(tmp_path: Path, text: str, key: str,
                                                    problem: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_config(path, env={})
    message = str(caught.value)
    assert message.startswith(f"{path}: {key}: " if key else f"{path}: "), message
    assert problem in message
    assert "\n" not in message


def test_a_missing_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="file not found"):
        load_config(tmp_path / "absent.toml", env={})


@pytest.mark.parametrize("case", ["unknown kind", "bad duration", "unset variable",
                                  "toml syntax", "unknown airport", "ftp source url",
                                  "words as source url", "ftp feed_url", "words as list_url",
                                  "unknown database dialect"])
def test_the_cli_exits_2_with_one_line_and_no_traceback(tmp_path: Path, case: str) -> None:
    text, key, problem = next(b[1:] for b in BROKEN if b[0] == case)
    path = write(tmp_path, text)
    proc = check_config(path)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith(f"{path}: {key}: " if key else f"{path}: ")
    assert problem in lines[0]
    assert "Traceback" not in proc.stderr
    assert proc.stdout == ""


def test_monitor_database_in_the_environment_is_checked_like_the_key(tmp_path: Path) -> None:
    path = write(tmp_path, '[monitor]\ndatabase = "sqlite:///x.db"\n')
    proc = check_config(path, MONITOR_DATABASE="nosuchdb://x/y")
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.strip() == (
        f"{path}: monitor.database: set by MONITOR_DATABASE: unknown database dialect "
        "'nosuchdb' (e.g. sqlite:///monitor.db or postgresql+psycopg://user:password@host/db)")
    config = load_config(path, env={"MONITOR_DATABASE": "sqlite:///other.db"})
    assert config.database_url == f"sqlite:///{tmp_path.resolve()}/other.db"


def test_a_database_driver_that_is_not_installed_is_a_config_error(tmp_path: Path) -> None:
    import importlib.util

    if importlib.util.find_spec("MySQLdb") is not None:
        pytest.skip("mysqlclient is installed here")
    path = write(tmp_path, '[monitor]\ndatabase = "mysql://monitor:pw-4b1d9e77@db.example/m"\n')
    with pytest.raises(ConfigError) as caught:
        load_config(path, env={})
    message = str(caught.value)
    assert message.startswith(f"{path}: monitor.database: the driver of 'mysql' is not installed "
                              "(MySQLdb)")
    assert "pw-4b1d9e77" not in message


def test_known_databases_and_web_urls_pass(tmp_path: Path) -> None:
    path = write(tmp_path, '[monitor]\ndatabase = "postgresql+psycopg://u:p@127.0.0.1:1/db"\n'
                 '[[sources]]\nname = "czib"\nkind = "easa_czib"\nfeed_url = ""\n'
                 'url = "HTTPS://www.easa.europa.eu:443/x?page&_format=json"\n'
                 'list_url = "http://[::1]:8080/czibs"\n')
    config = load_config(path, env={})  # checked without connecting to 127.0.0.1:1
    assert config.database_url == "postgresql+psycopg://u:p@127.0.0.1:1/db"
    assert config.sources["czib"].options.feed_url == ""  # type: ignore[attr-defined]


def test_a_rejected_value_from_the_environment_is_not_quoted(tmp_path: Path) -> None:
    path = write(tmp_path, '[[sources]]\nname = "a"\nkind = "faa_prn"\nurl = "${PRN_URL}"\n')
    with pytest.raises(ConfigError) as caught:
        load_config(path, env={"PRN_URL": "ftp://user:Zq81-secret@example.org/x"})
    assert str(caught.value) == (f"{path}: sources[0].url: expected an http:// or https:// URL, "
                                 "got '***'")


def check_config(path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "monitor", "--config", str(path),
                           "check-config"], capture_output=True, text=True, cwd=ROOT,
                          timeout=60, env={**os.environ, **env})


def test_secrets_are_values_and_url_credentials_never_names(tmp_path: Path) -> None:
    text = GOOD.replace('ops_channels = ["ops"]',
                        'ops_channels = ["ops"]\nserve_token = "board-token-0c4d1e7a9b"')
    path = write(tmp_path, text + '\n[[sources]]\nname = "ccs-board"\nkind = "aerodatabox"\n'
                 'airport = "CCS"\napi_key = "literalKEY5e0c1d9"\n')
    url = "json://desk:pw-71c0e2a9@127.0.0.1:8025/hook/desk"
    config = load_config(path, env={"DESK_URL": url})
    assert {url, "pw-71c0e2a9", "literalKEY5e0c1d9", "board-token-0c4d1e7a9b"} <= config.secrets
    assert not {"desk", "latam-desk", "hook", "127.0.0.1", "127.0.0.1:8025"} & config.secrets


def test_a_rejected_value_with_quotes_from_the_environment_is_not_quoted_either(
        tmp_path: Path) -> None:
    path = write(tmp_path, '[monitor]\nlog_format = "${LOG_FORMAT}"\n')
    with pytest.raises(ConfigError) as caught:
        load_config(path, env={"LOG_FORMAT": "it's-a-s3cret\\path"})
    assert "s3cret" not in str(caught.value) and "***" in str(caught.value)
