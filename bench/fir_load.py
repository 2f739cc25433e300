"""What the shipped FIR boundaries cost: reading them, profiling routes on them, and `monitor
route` end to end.

    python bench/fir_load.py [--runs R]

Each in-process figure is measured in a fresh interpreter (the boundaries are read once per
process), and the best of `--runs` is kept: importing alerts.firs, reading and parsing the
shipped file, profiling six routes (airportsdata's tables included, as `monitor route` pays
them), and the command line `monitor route LIS-CCS` on an empty, migrated SQLite database
without `[geo]`.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MONITOR = ROOT / ".venv" / "bin" / "monitor"
ROUTES = ("MIA-GRU", "JFK-EZE", "MIA-BOG", "JFK-GRU", "MAD-LIS", "LIS-CCS")

PROBE = f"""
import json, time
t0 = time.perf_counter()
import alerts.firs
t1 = time.perf_counter()
firs = alerts.firs.shipped_fir_boundaries()
t2 = time.perf_counter()
from alerts.routes import parse_route, profile_route
for text in {ROUTES!r}:
    profile_route(parse_route(text), firs)
t3 = time.perf_counter()
print(json.dumps({{"import": t1 - t0, "load": t2 - t1, "profile": t3 - t2}}))
"""


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    best: dict[str, float] = {}
    for _ in range(args.runs):
        done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True,
                              check=True, cwd=ROOT)
        for name, seconds in json.loads(done.stdout).items():
            best[name] = min(seconds, best.get(name, seconds))
    size = (ROOT / "alerts" / "data" / "firs.geojson.gz").stat().st_size
    print(f"shipped file: {size / 1024:.0f} KiB")
    print(f"import alerts.firs: {best['import'] * 1000:.1f} ms")
    print(f"read + parse the shipped boundaries: {best['load'] * 1000:.1f} ms")
    print(f"profile {len(ROUTES)} routes (airportsdata included): {best['profile'] * 1000:.1f} ms")
    with tempfile.TemporaryDirectory() as folder:
        config = Path(folder) / "config.toml"
        config.write_text('[monitor]\ndatabase = "sqlite:///m.db"\n')
        subprocess.run([str(MONITOR), "--config", str(config), "db", "upgrade"], check=True,
                       capture_output=True)
        for label, command in (("monitor route LIS-CCS", ["route", "LIS-CCS"]),
                               ("monitor status (no route)", ["status"])):
            times = []
            for _ in range(args.runs):
                started = time.perf_counter()
                subprocess.run([str(MONITOR), "--config", str(config), *command], check=True,
                               capture_output=True)
                times.append(time.perf_counter() - started)
            print(f"{label}: {min(times) * 1000:.0f} ms (best of {args.runs})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
