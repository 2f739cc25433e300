"""The command line: one function per command, no logic (that lives in monitor.service)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, NoReturn

import click

from monitor.errors import ConfigError, MonitorError, ParseError, UsageError


class _Group(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ConfigError as exc:
            _fail(str(exc), 2, prefix="")
        except UsageError as exc:
            _fail(str(exc), 2)
        except ParseError as exc:
            _fail(f"parse error: {exc}", 1)
        except MonitorError as exc:
            _fail(str(exc), 1)


def _fail(message: str, code: int, prefix: str = "monitor: ") -> NoReturn:
    from monitor.logs import log

    click.echo(f"{prefix}{log.redact(message)}", err=True)
    sys.exit(code)


def _config(ctx: click.Context) -> Any:
    from monitor import service

    return service.load(ctx.obj["config"])


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--config", "config_path", type=click.Path(path_type=Path), default=None,
              help="config file (default: $MONITOR_CONFIG, else ./config.toml)")
@click.version_option(package_name="airspace-monitor", prog_name="monitor")
@click.pass_context
def cli(ctx: click.Context, config_path: Path | None) -> None:
    """Watch airspace warnings, NOTAMs and airline cancellations; alert travel desks."""
    from monitor.config import default_config_path

    ctx.obj = {"config": config_path or default_config_path()}


@cli.command()
@click.pass_context
def run(ctx: click.Context) -> None:
    """Migrate the database, then run the scheduler until SIGINT/SIGTERM."""
    from monitor import service

    service.serve(_config(ctx))


@cli.command()
@click.argument("names", nargs=-1)
@click.pass_context
def once(ctx: click.Context, names: tuple[str, ...]) -> None:
    """Run the named sources (default: all enabled) once, deliver due notifications, exit."""
    from monitor import service

    sys.exit(service.once(_config(ctx), list(names)))


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
@click.pass_context
def status(ctx: click.Context, as_json: bool) -> None:
    """Health of every source and what every watchlist currently matches."""
    from monitor import reports, service

    report = service.status(_config(ctx))
    if as_json:
        click.echo(json.dumps(report, indent=2))
    else:
        reports.print_status(report)


@cli.command()
@click.option("--since", default="24h", show_default=True, help="how far back (e.g. 2h, 7d)")
@click.option("--watchlist", default=None, help="only this watchlist")
@click.option("--json", "as_json", is_flag=True, help="one JSON object per line")
@click.pass_context
def alerts(ctx: click.Context, since: str, watchlist: str | None, as_json: bool) -> None:
    """Recent alerts and their delivery state."""
    from monitor import reports, service
    from monitor.durations import parse_duration

    try:
        window = parse_duration(since)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--since") from None
    rows = service.alerts(_config(ctx), window, watchlist)
    if as_json:
        for row in rows:
            click.echo(json.dumps(row, ensure_ascii=False))
    else:
        reports.print_alerts(rows)


@cli.command()
@click.argument("kind")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--set", "settings", multiple=True, metavar="KEY=VALUE",
              help="a kind option, e.g. --set countries=VE,CO")
@click.option("--extra", "extras", multiple=True, metavar="NAME=FILE",
              help="a secondary body, e.g. --extra feed=feed.xml for easa_czib")
def parse(kind: str, file: Path, settings: tuple[str, ...], extras: tuple[str, ...]) -> None:
    """Parse a saved response body offline; print one item JSON object per line."""
    from monitor import service

    service.print_parsed(kind, file, list(settings), list(extras), out=sys.stdout)


@cli.command("route")
@click.argument("route_text", metavar="ROUTE")
@click.option("--json", "as_json", is_flag=True, help="one JSON object per line")
@click.pass_context
def route_(ctx: click.Context, route_text: str, as_json: bool) -> None:
    """Active hazards affecting ROUTE (e.g. LIS-CCS, LPPT-SVMI), with the reasons."""
    from monitor import reports, service

    config = _config(ctx)
    rows, unreliable = service.route(config, route_text)
    if as_json:
        for row in rows:
            click.echo(json.dumps(row, ensure_ascii=False))
        if unreliable:  # stdout stays one hazard a line; the caveat goes where people look
            click.echo(reports.not_full_picture(unreliable), err=True)
    else:
        reports.print_route(route_text, rows, unreliable,
                            firs=service.route_firs(config, route_text),
                            shipped_firs=not config.geo.fir_boundaries)


@cli.command()
@click.option("--watchlist", default=None, help="only this watchlist's bookings")
@click.option("--json", "as_json", is_flag=True, help="one JSON object per line")
@click.pass_context
def trips(ctx: click.Context, watchlist: str | None, as_json: bool) -> None:
    """Every upcoming booking with its risk and reasons, highest severity first."""
    from monitor import reports, service

    rows, unreliable = service.trips(_config(ctx), watchlist)
    if as_json:
        for row in rows:
            click.echo(json.dumps(row, ensure_ascii=False))
        if unreliable:
            click.echo(reports.not_full_picture(unreliable), err=True)
    else:
        reports.print_trips(rows, unreliable)


@cli.command()
@click.argument("watchlist")
@click.option("--out", type=click.Path(path_type=Path), default=None,
              help="write to FILE instead of standard output")
@click.option("--since", default="30d", show_default=True, help="how far back")
@click.pass_context
def feed(ctx: click.Context, watchlist: str, out: Path | None, since: str) -> None:
    """The watchlist's alerts as an Atom feed."""
    from monitor import service
    from monitor.durations import parse_duration

    try:
        window = parse_duration(since)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--since") from None
    xml = service.feed(_config(ctx), watchlist, since=window)
    if out is None:
        sys.stdout.buffer.write(xml)
    else:
        out.write_bytes(xml)


@cli.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="address to listen on (anything but loopback: set serve_token)")
@click.option("--port", default=8080, show_default=True, type=click.IntRange(0, 65535),
              help="port (0: any free port, logged in serve.started)")
@click.pass_context
def serve_(ctx: click.Context, host: str, port: int) -> None:
    """The read-only status board: a web page with a map, and its JSON and Atom feeds."""
    from monitor.web.server import run_board

    run_board(_config(ctx), host=host, port=port)


@cli.command()
@click.option("--fast", is_flag=True, help="no pauses between the steps")
@click.option("--serve", is_flag=True, help="then keep the run's status board open until Ctrl-C")
def demo(fast: bool, serve: bool) -> None:
    """Replay a bundled, synthetic Nov 2025 - Feb 2026 timeline through a local server and a
    local webhook, printing each notification (no network, no configuration)."""
    from monitor.demo import run_demo

    sys.exit(run_demo(sys.stdout, step_delay=0.0 if fast else 1.0, serve=serve))


@cli.command("check-config")
@click.pass_context
def check_config(ctx: click.Context) -> None:
    """Validate the configuration and print a summary."""
    from monitor import reports

    reports.print_config(_config(ctx))


@cli.command("notify-test")
@click.argument("channel", required=False)
@click.pass_context
def notify_test(ctx: click.Context, channel: str | None) -> None:
    """Send a test notification to CHANNEL (default: every channel with a url)."""
    from monitor import service

    results = service.notify_test(_config(ctx), channel)
    for name, ok, state in results:
        click.echo(f"{name}: {'sent' if ok else 'NOT sent (' + state + ')'}")
    if not all(ok for _, ok, _ in results):
        sys.exit(1)


@cli.group()
def db() -> None:
    """Database maintenance."""


@db.command()
@click.pass_context
def upgrade(ctx: click.Context) -> None:
    """Apply the database migrations."""
    from monitor import service

    config = _config(ctx)
    service.open_store(config, migrate=True).close()
    click.echo("database is up to date")


@db.command()
@click.pass_context
def vacuum(ctx: click.Context) -> None:
    """Prune history older than `retention`, then compact the SQLite file."""
    from monitor import service

    counts = service.prune(_config(ctx), vacuum=True)
    click.echo("pruned " + ", ".join(f"{n} {table}" for table, n in counts.items()))


@cli.command()
@click.argument("name")
@click.option("--out", type=click.Path(path_type=Path), default=Path("recorded"),
              show_default=True, help="directory to write the bodies to")
@click.pass_context
def record(ctx: click.Context, name: str, out: Path) -> None:
    """Fetch one source live and save its raw body (for fixtures)."""
    from monitor import service

    for path in service.record(_config(ctx), name, out):
        click.echo(str(path))


# Start-up builds tens of thousands of long-lived objects (config models, SQLAlchemy's
# tables, the sources); with the default thresholds (700, 10, 10) the cycle collector rescans
# them dozens of times before the first fetch. Young-generation passes every 25,000
# allocations still find the cycles a long `monitor run` makes, a thirtieth as often.
GC_THRESHOLDS = (25_000, 20, 20)


def main() -> NoReturn:
    import gc

    gc.set_threshold(*GC_THRESHOLDS)
    try:
        cli(prog_name="monitor")
        code: object = 0
    except SystemExit as done:
        code = done.code
    # A reader that stopped early (`monitor parse notam big.txt | head -1`): click turns the
    # failed write into exit 1, but what is still buffered would fail again when Python
    # flushes at exit. As the signal module's "Note on SIGPIPE" advises, the rest goes to
    # /dev/null and the exit code is 1.
    stdout = sys.__stdout__
    try:
        if stdout is not None:
            stdout.flush()
    except BrokenPipeError:
        import os

        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stdout.fileno())  # type: ignore[union-attr]
        code = 1
    sys.exit(code)
