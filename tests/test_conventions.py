"""The docs stay true: kinds, commands and config keys in the README match the code."""

from __future__ import annotations

import json
import re
from pathlib import Path

from monitor.cli import cli
from monitor.config import load_config
from monitor.sources import SOURCES

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()


def test_every_registered_kind_has_fixtures_and_a_readme_row() -> None:
    for kind in SOURCES:
        assert f"| `{kind}` |" in README, kind
        fixtures = ROOT / "tests" / "fixtures" / kind
        assert list(fixtures.glob("*.expected.json")), f"{kind} has no expected fixtures"


def test_every_registry_line_names_the_class_of_its_kind() -> None:
    for kind in SOURCES:
        cls = SOURCES[kind]  # imports the module; a wrong line raises TypeError
        assert cls.kind == kind and cls.__module__ == f"monitor.sources.{kind}", kind


def test_a_config_loads_only_the_kinds_it_uses(tmp_path: Path) -> None:
    import subprocess
    import sys

    config = tmp_path / "config.toml"
    config.write_text('[[sources]]\nname = "prn"\nkind = "faa_prn"\n')
    probe = ("import sys; from monitor.config import load_config; load_config(sys.argv[1]); "
             "print(sorted(m for m in sys.modules if m.startswith('monitor.sources.')))")
    done = subprocess.run([sys.executable, "-c", probe, str(config)], capture_output=True,
                          text=True, check=True, cwd=ROOT)
    assert done.stdout.strip() == "['monitor.sources.base', 'monitor.sources.faa_prn']"


def test_every_cli_command_is_in_the_readme() -> None:
    for name, command in cli.commands.items():
        subcommands = getattr(command, "commands", None)
        names = [f"{name} {sub}" for sub in subcommands] if subcommands else [name]
        for full in names:
            assert f"`monitor {full}" in README, full


def test_the_readme_config_example_is_valid(tmp_path: Path) -> None:
    block = re.search(r"## config\.toml\n\n```toml\n(.*?)```", README, re.S)
    assert block
    (tmp_path / "config.toml").write_text(block.group(1))
    (tmp_path / "firs.geojson").write_text(json.dumps({
        "type": "FeatureCollection", "features": [{
            "type": "Feature", "properties": {"icao": "SVZM"},
            "geometry": {"type": "Polygon", "coordinates": [[[-73, 1], [-59, 1], [-59, 16],
                                                              [-73, 16], [-73, 1]]]}}]}))
    config = load_config(tmp_path / "config.toml", env={})
    assert "latam-desk" in config.watchlists


def test_the_shipped_config_is_valid_and_keeps_secrets_in_the_environment() -> None:
    config = load_config(ROOT / "config.toml", env={})
    assert {s.kind for s in config.enabled_sources()} >= {"faa_prn", "easa_czib"}
    assert config.watchlists["latam-desk"].channels
    import tomllib

    raw = tomllib.loads((ROOT / "config.toml").read_text())
    assert raw["channels"] and all(c["url"].startswith("${") for c in raw["channels"])


def test_a_cycle_of_unchanged_pages_loads_no_heavy_library_it_does_not_use(
        tmp_path: Path) -> None:
    import subprocess
    import sys

    config = tmp_path / "config.toml"
    config.write_text(f'[monitor]\ndatabase = "sqlite:///{tmp_path / "m.db"}"\n'
                      '[[sources]]\nname = "tap"\nkind = "airline_page"\n'
                      'url = "https://www.flytap.com/avisos"\nselector = "main .avisos"\n'
                      'airline = "TP"\n')
    subprocess.run([sys.executable, "-m", "monitor", "--config", str(config), "db", "upgrade"],
                   check=True, capture_output=True, cwd=ROOT)
    probe = ("import sys; from monitor import service; from monitor.outbox import sweep; "
             "from monitor.pipeline import run_many; "
             "rt = service.open_runtime(service.load(sys.argv[1]), announce=False); "
             "heavy = {'alembic', 'apprise', 'bs4', 'lxml', 'soupsieve'}; "
             "print(sorted({m.split('.')[0] for m in sys.modules} & heavy))")
    done = subprocess.run([sys.executable, "-c", probe, str(config)], capture_output=True,
                          text=True, check=True, cwd=ROOT)
    assert done.stdout.strip() == "[]"
