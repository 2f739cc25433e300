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

FIXTURES_DIR = Path(__file__).resolve().parent / "fixtures"


@dataclass(frozen=True)
class FixtureSet:
    """How the fixtures of one source kind are parsed."""

    source: str                    # the source name the items carry
    pattern: str                   # which files in tests/fixtures/<kind>/ are response bodies
    extra: dict[str, str] = field(default_factory=dict)  # extra bodies: name -> file alongside
    failing: tuple[str, ...] = ()  # bodies that must raise ParseError (they have no expected file)


FIXTURES: dict[str, FixtureSet] = {
    "faa_prn": FixtureSet(source="faa-prn", pattern="*.html", failing=("layout_changed.html",)),
    "easa_czib": FixtureSet(source="easa-czib", pattern="*.json", extra={"feed": "feed.xml"}),
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
    source = source_class(kind)(spec.source)
    extra = {name: (body.parent / file).read_bytes() for name, file in spec.extra.items()}
    items = source.parse(body.read_bytes(), url=source.url, extra=extra or None)
    return [item.to_json() for item in items]


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
