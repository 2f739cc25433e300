"""Human-readable tables for the CLI, from the plain reports of monitor.service."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Sequence
from typing import Any

from monitor.config import Config
from monitor.durations import format_duration
from monitor.tables import Cell, Style, paint, render_table

_HEALTH: dict[str, Style] = {"ok": "green", "failing": "red", "stale": "yellow"}
_SEVERITY: dict[str, Style] = {"critical": "red", "warning": "yellow"}


def print_status(report: dict[str, Any]) -> None:
    width, colour = _terminal()
    sources = [[s["name"], s["kind"], Cell(s["health"], _HEALTH.get(s["health"])),
                s["last_success"] or "-", str(s["consecutive_failures"]), str(s["active_items"])]
               for s in report["sources"]]
    print(render_table("Sources", ("source", "kind", "health", "last success", "failures",
                                   "active items"), sources, width=width, colour=colour))
    for s in report["sources"]:
        if s["last_error"] and s["health"] == "failing":
            print(f"{paint(s['name'], 'red', colour=colour)}: {s['last_error']}")
    watch = [[w["name"], str(w["active_items"]), w["highest_severity"] or "-"]
             for w in report["watchlists"]]
    print(render_table("Watchlists", ("watchlist", "active items", "highest severity"), watch,
                       width=width, colour=colour))
    _caveat(report.get("unreliable_sources") or [], colour)


def not_full_picture(unreliable: list[str]) -> str:
    """The caveat under a view that may be missing hazards: some sources are not being read."""
    return (f"Not a full picture: {', '.join(unreliable)} failing, stale or never read; "
            "their hazards are missing here.")


def print_alerts(rows: list[dict[str, Any]]) -> None:
    if not rows:
        print("no alerts in that window")
        return
    width, colour = _terminal()
    table = []
    for r in rows:
        deliveries = ", ".join(f"{c}: {s}" for c, s in sorted(r["deliveries"].items())) or "-"
        table.append([r["created_at"], r["watchlist"] or "(ops)", r["title"],
                      "; ".join(r["reasons"]) or "-", deliveries])
    print(render_table("Alerts", ("time", "watchlist", "title", "why", "deliveries"), table,
                       width=width, colour=colour))


def print_route(route: str, rows: list[dict[str, Any]], unreliable: list[str], *,
                firs: Sequence[str] = (), shipped_firs: bool = False) -> None:
    width, colour = _terminal()
    if firs:
        where = " (approximate boundaries, not for navigation)" if shipped_firs else ""
        print(f"{route.upper()} crosses the FIRs {', '.join(firs)}{where}")
    if not rows:
        print(f"no active hazard known to affect {route}")
        _caveat(unreliable, colour)  # an empty list is no all-clear while sources are down
        return
    table = [[_severity(r["severity"]), r["key"], r["title"], "; ".join(r["reasons"]),
              r["valid_to"] or "-", r["source"]] for r in rows]
    print(render_table(f"Active hazards affecting {route}",
                       ("severity", "key", "title", "why", "valid to", "source"), table,
                       width=width, colour=colour))
    _caveat(unreliable, colour)


def print_trips(rows: list[dict[str, Any]], unreliable: list[str]) -> None:
    """`monitor trips`: one line per upcoming booking, highest risk first."""
    width, colour = _terminal()
    if not rows:
        print("no upcoming bookings")
        _caveat(unreliable, colour)
        return
    at_risk = sum(r["severity"] is not None for r in rows)
    several = len({r["watchlist"] for r in rows}) > 1
    columns = ("risk", "ref", "flight", "date", "route", "why",
               *(("watchlist",) if several else ()))
    table = [[_severity(r["severity"]) if r["severity"] else "-", r["ref"], r["flight"],
              r["date"], f"{r['origin']}-{r['destination']}", "; ".join(r["reasons"]) or "-",
              *((r["watchlist"],) if several else ())] for r in rows]
    print(render_table(f"Upcoming bookings: {at_risk} of {len(rows)} at risk", columns, table,
                       width=width, colour=colour))
    _caveat(unreliable, colour)


def print_config(config: Config) -> None:
    lines = [f"{config.path}: ok",
             f"database: {_redact_url(config.database_url)}",
             f"sources: {len(config.sources)} ({len(config.enabled_sources())} enabled)"]
    for s in config.sources.values():
        state = "enabled" if s.enabled else "disabled"
        lines.append(f"  {s.name}: {s.kind}, every {format_duration(s.every)}, {state}")
    lines.append(f"channels: {len(config.channels)}")
    for c in config.channels.values():
        lines.append(f"  {c.name}: {c.format}, "
                     f"{'url set' if c.enabled else 'no url (disabled)'}")
    lines.append(f"watchlists: {len(config.watchlists)}")
    for w in config.watchlists.values():
        routes = [r if isinstance(r, str) else r.route for r in w.routes]
        parts = [f"routes {', '.join(routes)}" if routes else "",
                 f"airlines {', '.join(w.airlines)}" if w.airlines else "",
                 f"firs {', '.join(w.firs)}" if w.firs else "",
                 f"airports {', '.join(w.airports)}" if w.airports else "",
                 f"countries {', '.join(w.countries)}" if w.countries else "",
                 f"keywords {', '.join(w.keywords)}" if w.keywords else "",
                 f"bookings {w.bookings}" if w.bookings else ""]
        lines.append(f"  {w.name}: min {w.min_severity.label}; "
                     + "; ".join(p for p in parts if p)
                     + f"; channels {', '.join(w.channels) or '-'}")
    from monitor.logs import log

    print(log.redact("\n".join(lines)))


def _redact_url(url: str) -> str:
    """Hide a password in a database URL."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        creds, host = rest.rsplit("@", 1)
        user = creds.split(":", 1)[0]
        return f"{scheme}://{user}:***@{host}"
    return url


def _terminal() -> tuple[int, bool]:
    """The width to fill (COLUMNS, else the terminal's, else 80) and whether to colour: only a
    terminal gets ANSI codes, and never when NO_COLOR is set (https://no-color.org)."""
    colour = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    return shutil.get_terminal_size().columns, colour


def _severity(label: str) -> Cell:
    return Cell(label.upper(), _SEVERITY.get(label.lower()))


def _caveat(unreliable: list[str], colour: bool) -> None:
    if unreliable:
        print(paint(not_full_picture(unreliable), "yellow", colour=colour))
