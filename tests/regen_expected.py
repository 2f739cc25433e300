"""Regenerate the expected JSON next to each parser fixture, so intended changes show as diffs.

Usage: python tests/regen_expected.py [KIND ...]    (default: every kind in FIXTURES)

Each body `tests/fixtures/<kind>/<name>.<ext>` gets `<name>.expected.json`: a JSON array of the
items the parser returns, in contract form (Item.to_json). Review the diff before committing.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from monitor.sources import source_class
from monitor.sources.base import Source

FIXTURES_DIR = Path(__file__).resolve().parent / "fixtures"


@dataclass(frozen=True)
class Setup:
    """The url and options a fixture body is parsed with."""

    url: str | None = None         # None: the kind's default url
    options: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class FixtureSet:
    """How the fixtures of one source kind are parsed."""

    source: str                    # the source name the items carry
    pattern: str                   # which files in tests/fixtures/<kind>/ are response bodies
    extra: dict[str, str] = field(default_factory=dict)  # extra bodies: name -> file alongside
    failing: tuple[str, ...] = ()  # bodies that must raise ParseError (they have no expected file)
    # Url and options by file-name prefix (the longest matching prefix wins; "" for all).
    setups: dict[str, Setup] = field(default_factory=dict)

    def setup(self, name: str) -> Setup:
        prefixes = [p for p in self.setups if name.startswith(p)]
        return self.setups[max(prefixes, key=len)] if prefixes else Setup()


AVIANCA = "https://www.avianca.com/es/informacion-y-ayuda/alertas-de-viaje/"
GOL = "https://www.voegol.com.br/pt/informacoes/avisos"

FIXTURES: dict[str, FixtureSet] = {
    "faa_prn": FixtureSet(source="faa-prn", pattern="*.html", failing=("layout_changed.html",)),
    "easa_czib": FixtureSet(source="easa-czib", pattern="*.json", extra={"feed": "feed.xml"}),
    "airline_page": FixtureSet(
        source="airline-page", pattern="*.html", failing=("avianca_layout_changed.html",),
        setups={"avianca_": Setup(AVIANCA, {"selector": "article.travel-alerts",
                                             "airline": "AV"}),
                "gol_": Setup(GOL, {"selector": "#conteudo", "airline": "G3",
                                    "heading_selector": "h2, h3"})}),
    "zendesk_article": FixtureSet(source="zendesk-article", pattern="*.json",
                                  failing=("not_found.json",),
                                  setups={"": Setup(options={"airline": "CM"})}),
    "aerodatabox": FixtureSet(source="aerodatabox", pattern="*.json",
                              failing=("error_401.json", "error_quota.json"),
                              setups={"": Setup(options={"airport": "CCS"})}),
    "aviationstack": FixtureSet(source="aviationstack", pattern="*.json",
                                failing=("error_401.json", "error_usage_limit.json"),
                                setups={"": Setup(options={"airport": "CCS"})}),
    "flightaware": FixtureSet(source="flightaware", pattern="*.json",
                              failing=("error_401.json",),
                              setups={"": Setup(options={"airport": "SVMI"})}),
    "eldorado": FixtureSet(source="eldorado", pattern="*.json",
                           setups={"": Setup(options={"cities": ["CCS"]})}),
    "faa_notam_search": FixtureSet(source="faa-notam-search", pattern="*.json",
                                   failing=("error.json",)),
    "faa_notam_api": FixtureSet(source="faa-notam-api", pattern="*.json"),
    "faa_nms": FixtureSet(source="faa-nms", pattern="*.json", failing=("token.json",)),
    "us_state_rss": FixtureSet(source="us-state-dept", pattern="*.*",
                               failing=("empty_channel.xml", "maintenance.html")),
    "uk_fcdo": FixtureSet(source="fcdo-venezuela", pattern="*.json",
                          failing=("not_travel_advice.json", "no_alert_status.json")),
}


def bodies(kind: str) -> list[Path]:
    """The fixture bodies of a kind that parse, sorted by name."""
    spec = FIXTURES[kind]
    folder = FIXTURES_DIR / kind
    return sorted(p for p in folder.glob(spec.pattern)
                  if not p.name.endswith(".expected.json") and p.name not in spec.failing
                  and p.name not in spec.extra.values())


def expected_path(body: Path) -> Path:
    return body.with_name(f"{body.name.split('.')[0]}.expected.json")


def parse_fixture(kind: str, body: Path) -> list[dict[str, Any]]:
    """The items of one fixture body, as contract JSON."""
    spec = FIXTURES[kind]
    source = make_source(kind, body.name)
    extra = {name: (body.parent / file).read_bytes() for name, file in spec.extra.items()}
    items = source.parse(body.read_bytes(), url=source.url, extra=extra or None)
    return [item.to_json() for item in items]


def make_source(kind: str, name: str) -> Source:
    """The source a fixture body of `kind` named `name` is parsed with."""
    spec = FIXTURES[kind]
    setup = spec.setup(name)
    cls = source_class(kind)
    return cls(spec.source, setup.url, cls.Options.model_validate(setup.options))


def render(items: list[dict[str, Any]]) -> str:
    return json.dumps(items, indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str]) -> int:
    kinds = argv or list(FIXTURES)
    unknown = [k for k in kinds if k not in FIXTURES]
    if unknown:
        print(f"unknown kind(s): {', '.join(unknown)} (known: {', '.join(FIXTURES)})",
              file=sys.stderr)
        return 2
    for kind in kinds:
        for body in bodies(kind):
            target = expected_path(body)
            text = render(parse_fixture(kind, body))
            changed = not target.exists() or target.read_text(encoding="utf-8") != text
            target.write_text(text, encoding="utf-8")
            print(f"{'updated' if changed else 'same   '} {target.relative_to(FIXTURES_DIR)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
