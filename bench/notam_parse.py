"""NOTAM parser throughput: texts to Items in-process, and through `monitor parse notam`.

    python bench/notam_parse.py [--count N] [--runs R] [--cli] [--real]

The corpus is the hand-written fixtures in tests/fixtures/notam/ repeated to at least
`--count` NOTAMs (default 100,000). `--real` also times the recorded texts in
../shared/fixtures/real when that folder is present; `--cli` times the command line on the
same corpora (output to /dev/null), minus its start-up time measured on an empty file, and
reports the peak RSS of its processes (the parse may fork a second one). Every figure is the
best of `--runs`.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from monitor.notam import parse_notam_items, split_notams  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "notam"
REAL = ROOT.parent / "shared" / "fixtures" / "real"
MONITOR = ROOT / ".venv" / "bin" / "monitor"
RSS_UNIT = 1024 * 1024 if sys.platform == "darwin" else 1024  # ru_maxrss: bytes on macOS, KiB


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=100_000, help="NOTAMs in the corpus")
    parser.add_argument("--runs", type=int, default=3, help="timed runs; the best is kept")
    parser.add_argument("--cli", action="store_true", help="also time `monitor parse notam`")
    parser.add_argument("--real", action="store_true", help="also time the real texts")
    args = parser.parse_args(argv)
    # The command line is timed as installed: with the project's bytecode.
    subprocess.run([sys.executable, "-m", "compileall", "-q", "monitor", "alerts",
                    "migrations"], cwd=ROOT, check=True)

    texts = fixture_texts()
    corpus, count = build_corpus(texts, args.count)
    print(f"corpus: {count:,} NOTAMs from {len(texts)} fixture texts, "
          f"{len(corpus) / 1e6:.1f} MB")
    in_process("fixtures", corpus, count, args.runs)
    if args.cli:
        command_line("fixtures", corpus, count, args.runs)
    if args.real:
        real = real_texts()
        if real:
            real_corpus, real_count = build_corpus(real, args.count)
            print(f"real corpus: {real_count:,} NOTAMs from {len(real)} recorded texts")
            in_process("real", real_corpus, real_count, args.runs)
            if args.cli:
                command_line("real", real_corpus, real_count, args.runs)
        else:
            print(f"real: skipped, no recorded data at {REAL}")
    return 0


def fixture_texts() -> list[str]:
    return [notam for path in sorted(FIXTURES.glob("*.txt"))
            for notam in split_notams(path.read_text(encoding="utf-8"))]


def real_texts() -> list[str]:
    """The recorded NOTAM texts, as test_notam_real.py reads them."""
    if not REAL.is_dir():
        return []
    texts: list[str] = []
    for path in sorted((REAL / "notam_texts").glob("avwx_*.txt")):
        texts += split_notams(path.read_text(encoding="utf-8"))
    texts += [p.read_text(encoding="utf-8").strip()
              for p in sorted((REAL / "notam_texts" / "pynotam").glob("*.txt"))]
    for path in sorted((REAL / "faa_notam_search").glob("*.json")):
        texts += [r["icaoMessage"] for r in json.loads(path.read_text())["notamList"]]
    for path in sorted((REAL / "faa_notam_api").glob("*.json")):
        for feature in json.loads(path.read_text())["items"]:
            for t in feature["properties"]["coreNOTAMData"].get("notamTranslation", []):
                if t["type"] == "ICAO":  # LOCAL_FORMAT parts would be joined, skewing the count
                    texts.append(t["formattedText"])
    return [t.replace("\r\n", "\n").strip() for t in texts]


def build_corpus(texts: list[str], count: int) -> tuple[str, int]:
    """The texts repeated, blank-line separated, to at least `count` NOTAMs."""
    copies = -(-count // len(texts))
    corpus = "\n\n".join(texts * copies) + "\n"
    return corpus, len(split_notams(corpus))


def in_process(label: str, corpus: str, count: int, runs: int) -> None:
    rss_before = peak_rss_mb()
    best = min(timed(lambda: parse_notam_items(corpus, source="notam")) for _ in range(runs))
    items = len(parse_notam_items(corpus, source="notam"))
    print(f"{label}: {count / best:,.0f} NOTAMs/s in-process "
          f"({best:.2f} s for {count:,} NOTAMs, {items:,} items, best of {runs}); "
          f"peak RSS {peak_rss_mb():.0f} MB (was {rss_before:.0f} MB before parsing)")


def command_line(label: str, corpus: str, count: int, runs: int) -> None:
    if not MONITOR.exists():
        print(f"cli: skipped, {MONITOR} not found (install the project into .venv first)")
        return
    with tempfile.TemporaryDirectory() as tmp:
        empty, full = Path(tmp) / "empty.txt", Path(tmp) / "corpus.txt"
        empty.write_text("")
        full.write_text(corpus)
        try:
            startup = min(run_cli(empty)[0] for _ in range(3))
            timings = [run_cli(full) for _ in range(runs)]
        except CliFailed as exc:
            print(f"{label} cli: `monitor parse notam` failed, nothing timed: {exc}")
            return
    total = min(seconds for seconds, _ in timings)
    work = max(total - startup, 1e-9)
    print(f"{label} cli: {count / work:,.0f} NOTAMs/s through `monitor parse notam` "
          f"({total:.2f} s total, {startup:.2f} s start-up subtracted, best of {runs}); "
          f"peak RSS {max(rss for _, rss in timings):.0f} MB")


class CliFailed(Exception):
    """The command line exited non-zero or could not run."""


# Runs the command from a small process of its own and prints "seconds maxrss exitcode": a
# child forked from this one would count this process's pages in its peak RSS until exec.
_RUNNER = """
import os, subprocess, sys, time
start = time.perf_counter()
proc = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
stderr = proc.stderr.read()
_, status, usage = os.wait4(proc.pid, 0)
print(time.perf_counter() - start, usage.ru_maxrss, os.waitstatus_to_exitcode(status))
sys.stderr.buffer.write(stderr)
"""


def run_cli(path: Path) -> tuple[float, float]:
    """(seconds, peak RSS in MB of the command and the processes it waited for)."""
    try:
        done = subprocess.run([sys.executable, "-c", _RUNNER, str(MONITOR), "parse", "notam",
                               str(path)], check=False, capture_output=True, text=True,
                              cwd=ROOT, env={**os.environ, "PYTHONWARNINGS": "ignore"})
    except OSError as exc:
        raise CliFailed(str(exc)) from exc
    try:
        seconds, maxrss, code = done.stdout.split()
    except ValueError:
        raise CliFailed(f"no timing from the runner: {done.stderr.strip()[-200:]}") from None
    if int(code) != 0:
        message = (done.stderr.strip().splitlines() or ["(no message)"])[-1]
        raise CliFailed(f"exit {code} on {path.name}: {message}")
    return float(seconds), int(maxrss) / RSS_UNIT


def timed(work: Callable[[], object]) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / RSS_UNIT


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
