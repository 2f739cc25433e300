"""`monitor demo`: a bundled SYNTHETIC timeline replayed offline through the real pipeline.

A local HTTP server on 127.0.0.1 plays the FAA and EASA sites, the airlines' notice pages and
Bogotá El Dorado's departures board; a local webhook plays the travel desk and the operators.
Each step of `demo_data/timeline.toml` runs every source through fetch, parse, diff, match, the
SQLite store and Apprise, exactly as `monitor once` would.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
import textwrap
import threading
import time
import tomllib
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import urlsplit

from monitor.errors import MonitorError
from monitor.logs import log

POLL_GAP = timedelta(hours=1)       # between the polls of one step ("two hourly polls")
DELIVERY_WAIT = 5.0                 # seconds to wait for an expected notification
# Pacing in step_delay units: about a minute for the bundled timeline at the default delay
# (15 steps, 16 notifications).
PAUSE_PER_MESSAGE = 1.5
PAUSE_AFTER_STEP = 1.5
WIDTH = 100
ROUTE_PREFIX = "route:"      # "route:<name>": the URL of one route of the local server
SITE_PREFIX = "site:"        # "site:/path": a base URL on the local server (kinds that add paths)

BANNER = """\
airspace-monitor demo: SYNTHETIC data
  A replay of a made-up timeline modelled on the Venezuela airspace warnings of
  Nov 2025 - Feb 2026. Every page, bulletin, airline notice, flight and date below
  is SYNTHETIC: served by this demo from 127.0.0.1, not fetched from the FAA, EASA,
  the airlines or the airport, and not a record of what they published. The pipeline
  itself is the real one: parse, diff, match the {watchlist} watchlist, SQLite store,
  Apprise delivery to a local webhook.
"""

FOOTER = """\
Reminder: everything above was SYNTHETIC demo data replayed on 127.0.0.1;
no real source was contacted and no real notification was sent.
"""


@dataclass(frozen=True, slots=True)
class Expected:
    """A notification a step must produce: the channel and the start of its title."""

    channel: str
    title: str


@dataclass(frozen=True, slots=True)
class Route:
    path: str
    content_type: str


@dataclass(frozen=True, slots=True)
class Step:
    """One moment of the story: what the sites serve now, and what must be delivered."""

    at: datetime
    headline: str
    serve: Mapping[str, str]            # route name -> body file, kept for later steps
    fail: Mapping[str, int]             # route name -> HTTP status, this step only
    polls: int
    expect: tuple[Expected, ...]
    note: str = ""
    requires: tuple[str, ...] = ()      # source kinds the step needs


@dataclass(frozen=True, slots=True)
class Timeline:
    routes: Mapping[str, Route]
    sources: tuple[Mapping[str, Any], ...]      # [[sources]] tables, `route:` URLs
    watchlists: tuple[Mapping[str, Any], ...]   # [[watchlists]] tables, as in config.toml
    steps: tuple[Step, ...]
    data: Traversable                           # where the body files are


def run_demo(out: TextIO, *, step_delay: float = 1.0, steps: int | None = None,
             serve: bool = False) -> int:
    """Replay the bundled timeline (the first `steps` steps); 0 when every expected
    notification arrived, 1 otherwise. With `serve`, the run's status board stays open
    (`monitor serve` on a free port) until Ctrl-C."""
    return play(load_timeline(), out, step_delay=step_delay, steps=steps, serve=serve)


def load_timeline(data: Traversable | None = None) -> Timeline:
    """Read and check `timeline.toml` (bundled with the package unless `data` is given)."""
    data = data or files("monitor").joinpath("demo_data")
    try:
        raw = tomllib.loads(data.joinpath("timeline.toml").read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise MonitorError(f"demo timeline: cannot read timeline.toml: {exc}") from None
    try:
        routes = {str(r["name"]): Route(str(r["path"]), str(r["content_type"]))
                  for r in raw.get("routes", [])}
        steps = tuple(_step(i, s, routes, data) for i, s in enumerate(raw.get("steps", [])))
    except (KeyError, TypeError, ValueError) as exc:
        raise MonitorError(f"demo timeline: malformed entry ({type(exc).__name__}: {exc})"
                           ) from None
    if not steps:
        raise MonitorError("demo timeline: no [[steps]]")
    return Timeline(routes=routes, sources=tuple(raw.get("sources", [])),
                    watchlists=tuple(raw.get("watchlists", [])), steps=steps, data=data)


def play(timeline: Timeline, out: TextIO, *, step_delay: float = 1.0, steps: int | None = None,
         serve: bool = False,
         delivery_wait: float = DELIVERY_WAIT) -> int:
    """Run `timeline` through the pipeline and print the story to `out`."""
    from monitor.sources import SOURCES

    kinds = set(SOURCES)
    # Airline and flight steps wait for their source kinds; until then they are left out.
    sources = [s for s in timeline.sources if set(s.get("requires", ())) <= kinds]
    chosen = [s for s in timeline.steps if set(s.requires) <= kinds][:steps]
    watchlist = str(timeline.watchlists[0]["name"]) if timeline.watchlists else "-"
    saved_stream, saved_fmt = log.stream, log.fmt
    with contextlib.ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="monitor-demo-")))
        log_file = stack.enter_context((tmp / "monitor.log").open("w", encoding="utf-8"))
        stack.callback(_restore_log, saved_stream, saved_fmt)
        # The pipeline's JSON lines go to the temp dir; the demo prints the story instead.
        log.configure(stream=log_file, fmt="json")
        stack.enter_context(_env_without("MONITOR_DATABASE"))
        site = stack.enter_context(_Site(timeline))
        inbox = stack.enter_context(_Inbox())
        config_path = _write_config(tmp, site, inbox, sources, timeline.watchlists)
        out.write(BANNER.format(watchlist=watchlist) + "\n")
        problems, delivered = _play_steps(config_path, chosen, site, inbox, out,
                                          step_delay=step_delay, delivery_wait=delivery_wait)
        if chosen and timeline.watchlists:
            _print_feed(config_path, watchlist, chosen, out)
        log_file.flush()
        if problems:
            out.write(f"Done with problems: {problems} expected notification(s) or source "
                      f"run(s) went wrong. Pipeline errors:\n")
            for line in _log_problems(tmp / "monitor.log"):
                out.write(f"    {line}\n")
        else:
            out.write(f"Done: {len(chosen)} step(s), {delivered} notification(s) delivered, "
                      f"all as expected.\n")
        if serve and chosen:
            _serve_board(config_path, watchlist, chosen, out)
        out.write(FOOTER)
    return 1 if problems else 0


# -- playing ---------------------------------------------------------------------------------

def _play_steps(config_path: Path, steps: Sequence[Step], site: _Site, inbox: _Inbox,
                out: TextIO, *, step_delay: float, delivery_wait: float) -> tuple[int, int]:
    from monitor import service
    from monitor.config import load_config
    from monitor.outbox import sweep
    from monitor.pipeline import run_source

    config = load_config(config_path, env={})
    rt = service.open_runtime(config, announce=False)
    problems = delivered = 0
    try:
        for index, step in enumerate(steps):
            out.write(_wrap(step.headline, f"{step.at:%Y-%m-%d %H:%MZ}  ", " " * 19))
            site.apply(step)
            _pause(step_delay, out)
            for poll in range(step.polls):
                at = step.at + poll * POLL_GAP
                rt.clock = lambda at=at: at  # simulated time: alerts carry the story's dates
                for name in rt.sources:
                    outcome = run_source(rt, name)
                    if outcome.status == "failed" and not step.fail:
                        problems += 1
                        out.write(f"  !! source {name} failed: {outcome.error}\n")
                sweep(rt)
            messages, missing = inbox.collect(step.expect, timeout=delivery_wait)
            for message in messages:
                _print_message(message, out)
                _pause(step_delay * PAUSE_PER_MESSAGE, out)
            for expected in missing:
                out.write(f"  !! expected on {expected.channel}: {expected.title}... "
                          f"(did not arrive)\n")
            if step.note:
                out.write(_wrap(f"({step.note})", "  ", "   "))
            if not messages and not step.note:
                out.write("  (no notification)\n")
            out.write("\n")
            problems += len(missing)
            delivered += len(messages)
            if index < len(steps) - 1:
                _pause(step_delay * PAUSE_AFTER_STEP, out)
    finally:
        service.close_runtime(rt)
    return problems, delivered


def _print_message(message: Mapping[str, Any], out: TextIO) -> None:
    out.write(_wrap(f"{message['channel']}: {message.get('title', '')}", "  -> ", "       "))
    for line in str(message.get("message", "")).splitlines():
        out.write(_wrap(line, "       ", "         ") if line.strip() else "\n")


def _wrap(text: str, first: str, rest: str) -> str:
    if "://" in text:  # a link stays on one line, where a terminal can open it
        return f"{first}{text}\n"
    return textwrap.fill(text, width=WIDTH, initial_indent=first, subsequent_indent=rest,
                         break_long_words=False, break_on_hyphens=False) + "\n"


def _print_feed(config_path: Path, watchlist: str, steps: Sequence[Step], out: TextIO) -> None:
    from monitor import service
    from monitor.config import load_config

    config = load_config(config_path, env={})
    end = steps[-1].at + steps[-1].polls * POLL_GAP
    atom = service.feed(config, watchlist, since=end - steps[0].at, now=end)
    count = len(ET.fromstring(atom).findall("{http://www.w3.org/2005/Atom}entry"))
    out.write(f"The {watchlist} Atom feed (`monitor feed {watchlist}`) now lists "
              f"{count} alert(s).\n")


BOARD_BANNER = ("SYNTHETIC demo data replayed on 127.0.0.1 by `monitor demo`, shown as of the "
                "end of its story ({end:%Y-%m-%d %H:%MZ}).")


def _serve_board(config_path: Path, watchlist: str, steps: Sequence[Step], out: TextIO) -> None:
    """The status board over the demo's database, at the story's last moment, until Ctrl-C."""
    from monitor.config import load_config
    from monitor.web.server import run_board
    from monitor.web.snapshot import Reader

    config = load_config(config_path, env={})
    end = steps[-1].at + steps[-1].polls * POLL_GAP
    reader = Reader(config, clock=lambda: end, alerts_window=end - steps[0].at)

    def announce(url: str) -> None:
        out.write(f"\nThe status board of this run: {url}?watchlist={watchlist}\n"
                  f"(monitor serve, read-only; Ctrl-C to stop)\n")
        out.flush()

    run_board(config, port=0, reader=reader, banner=BOARD_BANNER.format(end=end),
              announce=announce)
    out.write("Board stopped.\n")


def _pause(seconds: float, out: TextIO) -> None:
    if seconds > 0:
        out.flush()
        time.sleep(seconds)


def _log_problems(path: Path) -> list[str]:
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        with contextlib.suppress(ValueError):
            if json.loads(line).get("level") in ("warning", "error"):
                lines.append(line)
    return lines[-10:]


def _restore_log(stream: TextIO | None, fmt: str) -> None:
    log.stream = stream
    log.fmt = fmt


@contextlib.contextmanager
def _env_without(name: str) -> Iterator[None]:
    """MONITOR_DATABASE would point the demo at the operator's real database."""
    saved = os.environ.pop(name, None)
    try:
        yield
    finally:
        if saved is not None:
            os.environ[name] = saved


# -- the timeline ----------------------------------------------------------------------------

def _step(index: int, raw: Mapping[str, Any], routes: Mapping[str, Route],
          data: Traversable) -> Step:
    where = f"demo timeline: steps[{index}]"
    at, headline = raw["at"], str(raw["headline"])
    if not isinstance(at, datetime) or at.tzinfo is None:
        raise MonitorError(f"{where}.at: expected a UTC date-time such as 2025-11-21T17:43:00Z")
    serve = {str(k): str(v) for k, v in raw.get("serve", {}).items()}
    fail = {str(k): int(v) for k, v in raw.get("fail", {}).items()}
    for route in [*serve, *fail]:
        if route not in routes:
            raise MonitorError(f"{where}: unknown route '{route}' (known: {', '.join(routes)})")
    for body in serve.values():
        if not data.joinpath(body).is_file():
            raise MonitorError(f"{where}.serve: no body file '{body}'")
    expect = tuple(Expected(str(e["channel"]), str(e["title"])) for e in raw.get("expect", []))
    return Step(at=at, headline=headline, serve=serve, fail=fail,
                polls=int(raw.get("polls", 1)), expect=expect, note=str(raw.get("note", "")),
                requires=tuple(raw.get("requires", ())))


def _write_config(folder: Path, site: _Site, inbox: _Inbox, sources: Sequence[Mapping[str, Any]],
                  watchlists: Sequence[Mapping[str, Any]]) -> Path:
    lines = [
        "# SYNTHETIC demo configuration written by `monitor demo`: every URL is on 127.0.0.1.",
        "[monitor]",
        'database = "sqlite:///demo.db"',
        'ops_channels = ["ops"]',
        "alert_after_failures = 2",
        "withdraw_after = 2",
        "fetch_retries = 0",
        'timeout = "10s"',
        "",
    ]
    for channel in ("desk", "ops"):
        lines += ["[[channels]]", f"name = {_toml(channel)}", f"url = {_toml(inbox.url(channel))}",
                  'format = "text"', ""]
    for source in sources:
        lines.append("[[sources]]")
        for key, value in source.items():
            if key == "requires":
                continue
            if isinstance(value, str) and value.startswith(ROUTE_PREFIX):
                value = site.url(value.removeprefix(ROUTE_PREFIX))
            elif isinstance(value, str) and value.startswith(SITE_PREFIX):
                value = site.base_url() + value.removeprefix(SITE_PREFIX)
            lines.append(f"{key} = {_toml(value)}")
        lines.append("")
    for watch in watchlists:
        lines.append("[[watchlists]]")
        lines += [f"{key} = {_toml(value)}" for key, value in watch.items()]
        lines.append("")
    path = folder / "config.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value)  # a JSON string is a valid TOML basic string
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    raise MonitorError(f"demo timeline: cannot write {value!r} into config.toml")


# -- the local sites -------------------------------------------------------------------------

class _Site:
    """The stand-in for every upstream: serves each route's current body, with an ETag."""

    def __init__(self, timeline: Timeline) -> None:
        self._timeline = timeline
        self._by_path = {r.path: name for name, r in timeline.routes.items()}
        self._bodies: dict[str, bytes] = {}
        self._fail: dict[str, int] = {}
        self._lock = threading.Lock()
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                site._answer(self)

            def log_message(self, *args: Any) -> None:
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True

    def url(self, route: str) -> str:
        if route not in self._timeline.routes:
            raise MonitorError(f"demo timeline: unknown route '{route}'")
        return self.base_url() + self._timeline.routes[route].path

    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_port}"

    def apply(self, step: Step) -> None:
        with self._lock:
            for route, body in step.serve.items():
                self._bodies[route] = self._timeline.data.joinpath(body).read_bytes()
            self._fail = dict(step.fail)

    def _answer(self, h: BaseHTTPRequestHandler) -> None:
        name = self._by_path.get(urlsplit(h.path).path)
        with self._lock:
            body = self._bodies.get(name or "")
            failing = self._fail.get(name or "")
        if name is None or body is None:
            _reply(h, 404, b"not found", "text/plain")
        elif failing:
            _reply(h, failing, b"Service Unavailable", "text/plain")
        else:
            etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
            if h.headers.get("If-None-Match") == etag:
                _reply(h, 304, b"", None, {"ETag": etag})
            else:
                _reply(h, 200, body, self._timeline.routes[name].content_type, {"ETag": etag})

    def __enter__(self) -> _Site:
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


class _Inbox:
    """The desk and the operators: a webhook that Apprise's json:// posts to."""

    def __init__(self) -> None:
        self._messages: list[dict[str, Any]] = []
        self._cond = threading.Condition()
        inbox = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                try:
                    payload = json.loads(self.rfile.read(length) or b"{}")
                except ValueError:
                    _reply(self, 400, b"not JSON", "text/plain")
                    return
                with inbox._cond:
                    inbox._messages.append({"channel": urlsplit(self.path).path.strip("/"),
                                            **payload})
                    inbox._cond.notify_all()
                _reply(self, 200, b"", None)

            def log_message(self, *args: Any) -> None:
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True

    def url(self, channel: str) -> str:
        return f"json://127.0.0.1:{self._httpd.server_port}/{channel}"

    def collect(self, expect: Sequence[Expected], *, timeout: float
                ) -> tuple[list[dict[str, Any]], list[Expected]]:
        """Everything received since the last call, and what is still missing after waiting
        up to `timeout` for it (Apprise returns once the post is answered, so this is rare)."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while (missing := _missing(expect, self._messages)) and \
                    (left := deadline - time.monotonic()) > 0:
                self._cond.wait(left)
            messages, self._messages = self._messages, []
        return messages, missing

    def __enter__(self) -> _Inbox:
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


def _missing(expect: Sequence[Expected], messages: Sequence[Mapping[str, Any]]) -> list[Expected]:
    return [e for e in expect
            if not any(m["channel"] == e.channel and str(m.get("title", "")).startswith(e.title)
                       for m in messages)]


def _reply(h: BaseHTTPRequestHandler, status: int, body: bytes, content_type: str | None,
           headers: Mapping[str, str] | None = None) -> None:
    h.send_response(status)
    if content_type:
        h.send_header("Content-Type", content_type)
    for key, value in (headers or {}).items():
        h.send_header(key, value)
    h.send_header("Content-Length", str(len(body)))
    h.end_headers()
    if body and status != 304:
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            h.wfile.write(body)
