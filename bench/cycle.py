"""Benchmark: the cost of a `monitor once` cycle over many watched pages, against urlwatch.

No network: a local HTTP server serves K generic HTML pages (a notices region of three
sections each), the monitor watches them with the `airline_page` kind and M watchlists, and
urlwatch 2.29 (in its own virtualenv) watches the same pages with a `css` filter on the same
region. Runs alternate between the two tools. Two modes:

- `304`: small pages with an ETag; an unchanged cycle is all 304s.
- `noise`: ~30 KB pages without validators whose bytes outside the region change on every
  request (a CSRF token, a nonce, a timestamp, a rotating banner); the region stays.

    .venv/bin/python bench/cycle.py                      # both modes, K = 1000
    .venv/bin/python bench/cycle.py --mode noise --k 50,200,1000
    .venv/bin/python bench/cycle.py --k 200 --cycles 5 --no-urlwatch
    .venv/bin/python bench/cycle.py --soak 1000          # RSS growth, 10 sources, one process

The monitor runs as `pip install .` leaves it: from a virtualenv of its own under the work
directory, with its runtime dependencies only, as urlwatch runs from its own (`--venv dev`
times the development virtualenv instead, whose test tools add to every start: httpcore, for
one, imports selenium's trio when it is installed).

Prints, per mode and K: wall time per cycle, CPU seconds, peak RSS (of every cycle, the first
included), rows written per unchanged cycle, the 1%-changed cycle, and the ratio to urlwatch's
wall time on the same pages. CPU seconds add up a run's process pool; peak RSS is that of its
largest process (both as `wait4` reports them). The pages are served from this process, on
the same cores as both tools.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEV_PYTHON = ROOT / ".venv" / "bin" / "python"
MONITOR = [str(DEV_PYTHON), "-m", "monitor"]   # set by main() to the venv being timed
TABLES = ("items", "changes", "alerts", "deliveries", "runs", "raw_bodies")
NOISE = "".join(f'<li><a href="/nav/{i}">Navigation entry {i}</a></li>' for i in range(60))
# What makes a noisy page ~30 KB around its region: a long menu and an inline bundle.
MENU = "".join(f'<li class="menu-item"><a href="/destinos/{i}" title="Destino {i}">Destino '
               f"{i}</a></li>" for i in range(220))
BUNDLE = "".join(f"window.__cfg{i}={{a:{i},b:'x{i}'}};" for i in range(310))
BANNERS = ("Vuela a Lisboa desde 399 USD", "Gana millas dobles en diciembre",
           "Nueva ruta Bogotá - Madrid", "Descubre nuestra clase ejecutiva")


class _Server(ThreadingHTTPServer):
    # A listen backlog of 5 (socketserver's default) drops connections opened side by side,
    # and each dropped SYN costs the client a one-second retransmit.
    request_queue_size = 128
    daemon_threads = True


class Pages:
    """K pages; `bump(i)` changes page i (a new section text and a new ETag)."""

    def __init__(self, k: int, *, noise: bool = False) -> None:
        self.versions = [0] * k
        self.noise = noise
        self.served = 0
        pages = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out in two writes: with Nagle's algorithm on, the body of
            # a kept-alive connection waits for the client's delayed ACK (40 ms a request).
            disable_nagle_algorithm = True

            def do_GET(self) -> None:
                index = int(self.path.rsplit("/", 1)[-1])
                pages.served += 1
                etag = None if pages.noise else f'"v{pages.versions[index]}"'
                if etag and self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                body = pages.body(index).encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                if etag:
                    self.send_header("ETag", etag)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = _Server(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def url(self, index: int) -> str:
        return f"http://127.0.0.1:{self.httpd.server_port}/p/{index}"

    def body(self, index: int) -> str:
        version = self.versions[index]
        region = (f'<div id="notices">'
                  f"<h2>Operations to Caracas</h2><p>Flights to Caracas operate normally "
                  f"(notice {index}, revision {version}).</p>"
                  f"<h2>Baggage</h2><p>Allowances are unchanged on all routes.</p>"
                  f"<h2>Contact</h2><p>Call the service centre for help with bookings.</p>"
                  f"</div>")
        if not self.noise:
            return (f"<html><head><title>Travel notices {index}</title></head><body>"
                    f"<nav><ul>{NOISE}</ul></nav>{region}"
                    f"<footer>Last updated 2025-11-22 10:{index % 60:02d}</footer>"
                    f"</body></html>")
        # Per request: a CSRF token, a script nonce, a render time and a rotating banner.
        token, nonce = secrets.token_urlsafe(32), secrets.token_hex(16)
        banner = BANNERS[self.served % len(BANNERS)]
        return (f'<html><head><meta charset="utf-8"><title>Travel notices {index}</title>'
                f'<meta name="csrf-token" content="{token}">'
                f'<script nonce="{nonce}">{BUNDLE}window.renderedAt={time.time()};</script>'
                f'</head><body><div class="promo-banner">{banner}</div>'
                f'<nav><ul>{MENU}</ul></nav><main>{region}'
                f'<form action="/buscar"><input type="hidden" name="csrf" value="{token}">'
                f'<input name="q"></form></main>'
                f"<footer>Rendered {time.strftime('%Y-%m-%d %H:%M:%S')} (nonce {nonce})"
                f"</footer></body></html>")

    def bump(self, index: int) -> None:
        self.versions[index] += 1

    def stop(self) -> None:
        self.httpd.shutdown()


def monitor_config(folder: Path, pages: Pages, k: int, watchlists: int) -> Path:
    lines = [f'[monitor]\ndatabase = "sqlite:///{folder / "bench.db"}"\nfetch_retries = 0\n',
             '[[channels]]\nname = "desk"\nurl = ""\n']
    for i in range(k):
        lines.append(f'[[sources]]\nname = "page-{i}"\nkind = "airline_page"\n'
                     f'url = "{pages.url(i)}"\nselector = "#notices"\nairline = "XX"\n'
                     'min_chars = 10\n')
    firs = ["SVZM", "SKED", "TTZP", "TNCF", "MPZL"]
    for w in range(watchlists):
        lines.append(f'[[watchlists]]\nname = "desk-{w}"\nfirs = ["{firs[w % len(firs)]}"]\n'
                     f'countries = ["VE"]\nkeywords = ["Caracas", "notice {w}"]\n'
                     'min_severity = "info"\nchannels = ["desk"]\n')
    path = folder / "config.toml"
    path.write_text("\n".join(lines))
    return path


def urlwatch_files(folder: Path, pages: Pages, k: int) -> list[str]:
    jobs = "---\n".join(f"name: page-{i}\nurl: {pages.url(i)}\nfilter:\n  - css: '#notices'\n"
                        for i in range(k))
    (folder / "urls.yaml").write_text(jobs)
    (folder / "urlwatch.yaml").write_text(
        "display: {new: false, error: false, unchanged: false, empty-diff: false}\n"
        "report:\n  stdout: {enabled: false}\n  text: {details: false}\n"
        "  html: {diff: unified}\n  markdown: {details: false}\n")
    return ["--urls", str(folder / "urls.yaml"), "--config", str(folder / "urlwatch.yaml"),
            "--cache", str(folder / "cache.db")]


def timed(command: list[str], env: dict[str, str] | None = None) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds, peak RSS in MB) of one child process."""
    started = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            cwd=ROOT, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    stderr = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise SystemExit(f"{command[:3]} failed: {stderr[-500:]}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss // 1024


def row_counts(db: Path) -> dict[str, int]:
    with sqlite3.connect(db) as conn:
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}


def ensure_monitor(folder: Path) -> Path:
    """The `monitor` command of a virtualenv holding the monitor as a user installs it
    (runtime dependencies only, bytecode compiled by pip); reinstalled when the project's
    files are newer. Installed from a copy, so that no build files land in the project."""
    venv = folder / "monitor-venv"
    python, command = venv / "bin" / "python", venv / "bin" / "monitor"
    stamp = venv / ".installed"
    parts = ("monitor", "alerts", "migrations", "pyproject.toml", "README.md")
    newest = max(p.stat().st_mtime for part in parts for p in [ROOT / part, *(
        (ROOT / part).rglob("*") if (ROOT / part).is_dir() else ())])
    if stamp.exists() and stamp.stat().st_mtime >= newest:
        return command
    print("installing the monitor in a separate virtualenv ...", flush=True)
    fresh = not python.exists()
    if fresh:
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    with tempfile.TemporaryDirectory() as copy:
        for part in parts:
            source = ROOT / part
            if source.is_dir():
                shutil.copytree(source, Path(copy) / part,
                                ignore=shutil.ignore_patterns("__pycache__"))
            else:
                shutil.copy2(source, Path(copy) / part)
        subprocess.run([str(python), "-m", "pip", "install", "-q",
                        *(() if fresh else ("--force-reinstall", "--no-deps")), copy],
                       check=True, capture_output=True)
    stamp.touch()
    return command


def ensure_urlwatch(folder: Path) -> list[str] | None:
    venv = folder / "urlwatch-venv"
    exe = venv / "bin" / "urlwatch"
    if not exe.exists():
        print("installing urlwatch 2.29 in a separate virtualenv ...", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        done = subprocess.run([str(venv / "bin" / "pip"), "install", "-q", "urlwatch==2.29",
                               "cssselect", "lxml"], capture_output=True, text=True)
        if done.returncode != 0:
            print(f"urlwatch unavailable: {done.stderr[-300:]}")
            return None
    return [str(exe)]


def bench(k: int, cycles: int, watchlists: int, urlwatch: list[str] | None,
          work: Path, *, mode: str) -> None:
    folder = Path(tempfile.mkdtemp(prefix=f"{mode}-k{k}-", dir=work))
    pages = Pages(k, noise=mode == "noise")
    try:
        config = monitor_config(folder, pages, k, watchlists)
        env = {**os.environ, "MONITOR_CONFIG": str(config)}
        uw_args = urlwatch_files(folder, pages, k) if urlwatch else []
        uw_env = {**os.environ, "HOME": str(folder)}
        first_wall, _, first_rss = timed([*MONITOR, "once"], env)   # the first reading
        if urlwatch:
            timed([*urlwatch, *uw_args], uw_env)             # urlwatch's first reading
        ours, theirs, cpu, rss = [], [], [], []
        theirs_cpu: list[float] = []
        theirs_rss: list[int] = []
        before = row_counts(folder / "bench.db")
        for _ in range(cycles):                              # alternate the two tools
            wall, cpu_s, peak = timed([*MONITOR, "once"], env)
            ours.append(wall)
            cpu.append(cpu_s)
            rss.append(peak)
            if urlwatch:
                uw_wall, uw_cpu, uw_rss = timed([*urlwatch, *uw_args], uw_env)
                theirs.append(uw_wall)
                theirs_cpu.append(uw_cpu)
                theirs_rss.append(uw_rss)
        after = row_counts(folder / "bench.db")
        per_cycle = {t: (after[t] - before[t]) / cycles for t in TABLES}
        for i in range(0, k, 100):                           # 1% of the pages change
            pages.bump(i)
        changed_wall, changed_cpu, changed_rss = timed([*MONITOR, "once"], env)
        size = len(pages.body(0).encode())
        print(f"[{mode}] K={k}, pages of {size / 1000:.0f} KB; first cycle {first_wall:.2f} s, "
              f"peak RSS {first_rss} MB")
        line = (f"K={k:5d}  unchanged cycle: {statistics.median(ours):6.2f} s wall, "
                f"{statistics.median(cpu):5.2f} s CPU, peak RSS {max(rss)} MB; "
                f"1% changed: {changed_wall:5.2f} s, {changed_cpu:5.2f} s CPU, "
                f"{changed_rss} MB; peak RSS of every cycle "
                f"{max(first_rss, changed_rss, *rss)} MB")
        print(line)
        print("         rows per unchanged cycle: "
              + ", ".join(f"{t} {n:g}" for t, n in per_cycle.items()))
        if urlwatch:
            ratio = statistics.median(ours) / statistics.median(theirs)
            print(f"         urlwatch 2.29: {statistics.median(theirs):6.2f} s wall, "
                  f"{statistics.median(theirs_cpu):5.2f} s CPU, peak RSS {max(theirs_rss)} MB "
                  f"per unchanged cycle; monitor/urlwatch = {ratio:.2f}")
    finally:
        pages.stop()


def soak(cycles: int, work: Path) -> None:
    """RSS growth over many unchanged cycles of 10 sources in one process (the scheduler's
    job body: run_source then sweep)."""
    sys.path.insert(0, str(ROOT))
    import gc

    from monitor import service
    from monitor.cli import GC_THRESHOLDS
    from monitor.outbox import sweep
    from monitor.pipeline import run_source

    gc.set_threshold(*GC_THRESHOLDS)  # as `monitor run` has them

    folder = Path(tempfile.mkdtemp(prefix="soak-", dir=work))
    pages = Pages(10)
    try:
        config = service.load(monitor_config(folder, pages, 10, 20))
        service.log.configure(stream=open(os.devnull, "w"))  # noqa: SIM115
        rt = service.open_runtime(config, announce=False)

        def rss_mb() -> float:
            for line in Path("/proc/self/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
            return 0.0

        for _ in range(50):                                  # warm up caches and pools
            for i in range(10):
                run_source(rt, f"page-{i}")
            sweep(rt)
        start = rss_mb()
        t0 = time.perf_counter()
        for _ in range(cycles):
            for i in range(10):
                run_source(rt, f"page-{i}")
            sweep(rt)
        end = rss_mb()
        took = time.perf_counter() - t0
        service.close_runtime(rt)
        print(f"soak: {cycles} unchanged cycles x 10 sources in {took:.1f} s; RSS "
              f"{start:.1f} -> {end:.1f} MB ({(end - start) / start * 100:+.1f}%)")
    finally:
        pages.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--k", default="1000", help="comma-separated page counts")
    parser.add_argument("--mode", default="noise,304",
                        help="comma-separated: noise (no validators, bytes outside the region "
                             "change per request), 304 (ETag, unchanged pages answer 304)")
    parser.add_argument("--cycles", type=int, default=3, help="unchanged cycles per K")
    parser.add_argument("--watchlists", type=int, default=20)
    parser.add_argument("--no-urlwatch", action="store_true")
    parser.add_argument("--soak", type=int, default=0, help="cycles of the RSS soak test")
    parser.add_argument("--work", default=None, help="working directory (default: a temp dir)")
    parser.add_argument("--venv", choices=("install", "dev"), default="install",
                        help="install: the monitor in a virtualenv of its own, as `pip install "
                             ".` leaves it (default); dev: the project's .venv")
    args = parser.parse_args()
    work = Path(args.work or tempfile.mkdtemp(prefix="monitor-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    if args.venv == "dev":
        # Timed with the project's bytecode, as an installed package has its own.
        subprocess.run([str(DEV_PYTHON), "-m", "compileall", "-q", "monitor", "alerts",
                        "migrations"], cwd=ROOT, check=True)
    else:
        MONITOR[:] = [str(ensure_monitor(work))]
    print(f"monitor: {MONITOR[0]}")
    started = time.perf_counter()
    help_wall = min(timed([*MONITOR, "--help"])[0] for _ in range(5))
    print(f"monitor --help: {help_wall:.3f} s (best of 5)")
    if args.soak:
        soak(args.soak, work)
        return
    urlwatch = None if args.no_urlwatch else ensure_urlwatch(work)
    for mode in args.mode.split(","):
        for k in (int(x) for x in args.k.split(",")):
            bench(k, args.cycles, args.watchlists, urlwatch, work, mode=mode.strip())
    print(f"total {time.perf_counter() - started:.0f} s; work dir {work}")


if __name__ == "__main__":
    main()
