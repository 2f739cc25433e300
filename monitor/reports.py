"""Human-readable tables for the CLI (rich), from the plain reports of monitor.service."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from monitor.config import Config
from monitor.durations import format_duration


def print_status(report: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    sources = Table(title="Sources")
    for col in ("source", "kind", "health", "last success", "failures", "active items"):
        sources.add_column(col)
    for s in report["sources"]:
        health = {"ok": "[green]ok[/]", "failing": "[red]failing[/]",
                  "stale": "[yellow]stale[/]"}.get(s["health"], s["health"])
        sources.add_row(s["name"], s["kind"], health, s["last_success"] or "-",
                        str(s["consecutive_failures"]), str(s["active_items"]))
    console.print(sources)
    for s in report["sources"]:
        if s["last_error"] and s["health"] == "failing":
            console.print(f"[red]{s['name']}[/]: {s['last_error']}", markup=True,
                          highlight=False)
    watch = Table(title="Watchlists")
    for col in ("watchlist", "active items", "highest severity"):
        watch.add_column(col)
    for w in report["watchlists"]:
        watch.add_row(w["name"], str(w["active_items"]), w["highest_severity"] or "-")
    console.print(watch)
    _caveat(console, report.get("unreliable_sources") or [])


def not_full_picture(unreliable: list[str]) -> str:
    """The caveat under a view that may be missing hazards: some sources are not being read."""
    return (f"Not a full picture: {', '.join(unreliable)} failing, stale or never read; "
            "their hazards are missing here.")


def _caveat(console: Any, unreliable: list[str]) -> None:
    if unreliable:
        console.print(f"[yellow]{not_full_picture(unreliable)}[/]", highlight=False)


def print_alerts(rows: list[dict[str, Any]]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    if not rows:
        console.print("no alerts in that window")
        return
    table = Table(title="Alerts")
    for col in ("time", "watchlist", "title", "why", "deliveries"):
        table.add_column(col, overflow="fold")
    for r in rows:
        deliveries = ", ".join(f"{c}: {s}" for c, s in sorted(r["deliveries"].items())) or "-"
        table.add_row(r["created_at"], r["watchlist"] or "(ops)", r["title"],
                      "; ".join(r["reasons"]) or "-", deliveries)
    console.print(table)


def print_route(route: str, rows: list[dict[str, Any]], unreliable: list[str], *,
                firs: Sequence[str] = (), shipped_firs: bool = False) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    if firs:
        where = " (approximate boundaries, not for navigation)" if shipped_firs else ""
        console.print(f"{route.upper()} crosses the FIRs {', '.join(firs)}{where}",
                      highlight=False)
    if not rows:
        console.print(f"no active hazard known to affect {route}")
        _caveat(console, unreliable)  # an empty list is no all-clear while sources are down
        return
    table = Table(title=f"Active hazards affecting {route}")
    for col in ("severity", "key", "title", "why", "valid to", "source"):
        table.add_column(col, overflow="fold")
    for r in rows:
        table.add_row(r["severity"].upper(), r["key"], r["title"], "; ".join(r["reasons"]),
                      r["valid_to"] or "-", r["source"])
    console.print(table)
    _caveat(console, unreliable)


def print_trips(rows: list[dict[str, Any]], unreliable: list[str]) -> None:
    """`monitor trips`: one line per upcoming booking, highest risk first."""
    from rich.console import Console
    from rich.table import Table

    console = Console()
    if not rows:
        console.print("no upcoming bookings")
        _caveat(console, unreliable)
        return
    at_risk = sum(r["severity"] is not None for r in rows)
    table = Table(title=f"Upcoming bookings: {at_risk} of {len(rows)} at risk")
    several = len({r["watchlist"] for r in rows}) > 1
    for col in ("risk", "ref", "flight", "date", "route", "why",
                *(("watchlist",) if several else ())):
        table.add_column(col, overflow="fold")
    for r in rows:
        risk = r["severity"].upper() if r["severity"] else "-"
        table.add_row(risk, r["ref"], r["flight"], r["date"],
                      f"{r['origin']}-{r['destination']}", "; ".join(r["reasons"]) or "-",
                      *((r["watchlist"],) if several else ()))
    console.print(table)
    _caveat(console, unreliable)


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
