"""GOV.UK foreign travel advice (FCDO): one country's advice through the content API.

`GET https://www.gov.uk/api/content/foreign-travel-advice/<slug>` answers the page as JSON;
`details.alert_status` says whether the FCDO advises against travel (all, or all but essential,
to the whole country or to parts of it) and `details.change_description` what the latest
update changed. One source per country; the item is keyed `FCDO <slug>`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from monitor import countries
from monitor.plaintext import plain_lines
from monitor.sources.api import JSON_TYPES, decode_json, iso_time, layout_changed
from monitor.sources.base import Source
from monitor.types import Item, ItemKind, Severity

ADVICE_URL = "https://www.gov.uk/api/content/foreign-travel-advice/venezuela"
PAGE_BASE = "https://www.gov.uk"
SUMMARY_LIMIT = 1500  # characters of the advice summary kept in an item body

# alert_status values, most severe first: (severity, what the FCDO advises).
ALERTS: dict[str, tuple[Severity, str]] = {
    "avoid_all_travel_to_whole_country": (Severity.WARNING, "against all travel"),
    "avoid_all_but_essential_travel_to_whole_country":
        (Severity.WARNING, "against all but essential travel"),
    "avoid_all_travel_to_parts": (Severity.ADVISORY, "against all travel to parts"),
    "avoid_all_but_essential_travel_to_parts":
        (Severity.ADVISORY, "against all but essential travel to parts"),
}


class UkFcdo(Source):
    """One country's FCDO travel advice page, as the GOV.UK content API serves it."""

    kind = "uk_fcdo"
    default_url = ADVICE_URL
    expect = JSON_TYPES

    def parse(self, body: bytes, *, url: str,
              extra: Mapping[str, bytes] | None = None) -> list[Item]:
        page = decode_json(body, what="the content API answer", url=url)
        if not isinstance(page, dict):
            raise layout_changed("the content API answer is not an object", url)
        kind = page.get("document_type")
        if kind is not None and kind != "travel_advice":
            raise layout_changed(f"document_type is {kind!r}, not 'travel_advice'", url)
        details = page.get("details")
        if not isinstance(details, dict):
            raise layout_changed("no 'details' object", url)
        statuses = details.get("alert_status")
        if not isinstance(statuses, list) or not all(isinstance(s, str) for s in statuses):
            raise layout_changed("details.alert_status is not a list of strings", url)
        slug, name, code = _country(page, details, url)
        severity, advice = _advice(statuses)
        title = (f"{name}: the FCDO advises {advice}" if advice
                 else f"{name}: no FCDO advice against travel")
        return [Item(
            source=self.name, kind=ItemKind.ADVISORY, key=f"FCDO {slug}", title=title,
            severity=severity, status="active", body=_body(details),
            url=_page_url(page) or url, countries=(code,) if code else (),
            published_at=iso_time(page.get("public_updated_at"), "public_updated_at", url),
            # Which statuses, not only the worst: "parts" added to "whole country" is news.
            revision=",".join(sorted(statuses)))]


def _country(page: Mapping[str, Any], details: Mapping[str, Any],
             url: str) -> tuple[str, str, str | None]:
    """(slug, display name, ISO alpha-2 code or None) of the country the advice is for."""
    country = details.get("country") if isinstance(details.get("country"), dict) else {}
    base = page.get("base_path") if isinstance(page.get("base_path"), str) else ""
    slug = country.get("slug") if isinstance(country.get("slug"), str) else ""
    slug = slug or base.rstrip("/").rsplit("/", 1)[-1]
    if not slug:
        raise layout_changed("no details.country.slug and no base_path", url)
    name = country.get("name") if isinstance(country.get("name"), str) else ""
    name = " ".join(name.split()) or slug.replace("-", " ").title()
    iso2 = country.get("iso2") if isinstance(country.get("iso2"), str) else ""
    code = (countries.country_code(iso2) if iso2 else None) or countries.country_code(name) \
        or countries.country_code(slug.replace("-", " "))
    return slug, name, code


def _advice(statuses: list[str]) -> tuple[Severity, str]:
    """The most severe advice among the statuses; (info, "") for none (an unknown status is
    kept as written, as an advisory: the FCDO advises something this table does not know)."""
    for status, advice in ALERTS.items():  # the table runs from the strictest advice down
        if status in statuses:
            return advice
    if statuses:
        return Severity.ADVISORY, ", ".join(s.replace("_", " ") for s in statuses)
    return Severity.INFO, ""


def _body(details: Mapping[str, Any]) -> str:
    """What changed (`change_description`), then the advice summary as plain text."""
    lines = []
    change = details.get("change_description")
    if isinstance(change, str) and change.strip():
        lines.append(" ".join(change.split()))
    summary = details.get("summary")
    if isinstance(summary, str) and summary.strip():
        lines.append(plain_lines(summary, SUMMARY_LIMIT))
    return "\n".join(lines)


def _page_url(page: Mapping[str, Any]) -> str | None:
    base = page.get("base_path")
    return f"{PAGE_BASE}{base}" if isinstance(base, str) and base.startswith("/") else None
