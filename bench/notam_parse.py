"""NOTAM parser throughput: texts to Items in-process, through `monitor parse notam`, and
side by side with aviconv-notam 0.3.0 on the texts it accepts.

    python bench/notam_parse.py [--count N] [--runs R] [--cli] [--real] [--aviconv]

The corpus is the hand-written fixtures in tests/fixtures/notam/ repeated to at least
`--count` NOTAMs (default 100,000). `--real` also times the recorded texts in
../shared/fixtures/real when that folder is present; `--cli` times the command line on the
same corpora (output to /dev/null), minus its start-up time measured on an empty file, and
reports the peak RSS of its processes (a large file is parsed by a process pool).

`--aviconv` installs aviconv-notam 0.3.0 from PyPI into bench/.venv-aviconv on first use and
times, in the same run: its `aviconv_notam.parser.parse(text)` plus `model_dump_json()` on
every text it accepts, in a process of its own, and `monitor parse notam` on a file of those
same texts; then prints both throughputs and their ratio. aviconv is used as its README says:
`parse` from `aviconv_notam.parser`, one NOTAM per call, without the AFTN parentheses, each
text handed over that way (the file `monitor parse` reads holds the same texts, as many).
Its `aviconv notam parse` prints `model_dump_json(indent=2)`; the compact form timed here is
a little faster for it. aviconv gets the texts already cut apart and writes nothing, in one
process; `monitor parse notam` reads the file, cuts it, writes its lines (to /dev/null) and
uses a process per core: so the figure of `monitor parse notam` in one process (this one,
the same work without the command line) is printed too. Every figure is the best of
`--runs`; the load averages before and after are printed (the figures mean little on a busy
machine). Side by side, the runs of the two alternate, and the ratio of each pair is printed
too.
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

from monitor.notam import notam_json_pieces, parse_notam_items, split_notams  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "notam"
REAL = ROOT.parent / "shared" / "fixtures" / "real"
MONITOR = ROOT / ".venv" / "bin" / "monitor"
AVICONV_VENV = ROOT / "bench" / ".venv-aviconv"
AVICONV = "aviconv-notam==0.3.0"
RSS_UNIT = 1024 * 1024 if sys.platform == "darwin" else 1024  # ru_maxrss: bytes on macOS, KiB


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=100_000, help="NOTAMs in the corpus")
    parser.add_argument("--runs", type=int, default=3, help="timed runs; the best is kept")
    parser.add_argument("--cli", action="store_true", help="also time `monitor parse notam`")
    parser.add_argument("--real", action="store_true", help="also time the real texts")
    parser.add_argument("--aviconv", action="store_true",
                        help=f"also time {AVICONV} side by side with `monitor parse notam`")
    args = parser.parse_args(argv)
    # The command line is timed as installed: with the project's bytecode.
    subprocess.run([sys.executable, "-m", "compileall", "-q", "monitor", "alerts",
                    "migrations"], cwd=ROOT, check=True)

    print(f"load average: {load()}")
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
    if args.aviconv:
        side_by_side("fixtures", texts, args.count, args.runs)
        if args.real and real_texts():
            side_by_side("real", real_texts(), args.count, args.runs)
    print(f"load average: {load()}")
    return 0


def load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg()) + f" ({os.cpu_count()} cores)"


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
# child started from this one would count this process's pages in its peak RSS until exec.
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


def side_by_side(label: str, texts: list[str], count: int, runs: int) -> None:
    """aviconv-notam and `monitor parse notam` on the texts aviconv accepts, in this run.

    The runs alternate, one of aviconv then one of `monitor parse notam`, so that a machine
    slowing down for a while weighs on both alike; the ratio of the bests is printed, and
    the ratio in each pair of runs."""
    python = aviconv_python()
    if python is None or not MONITOR.exists():
        print(f"{label} aviconv: skipped, no {AVICONV} venv or no {MONITOR}")
        return
    bare = [unwrapped(text) for text in texts]
    with tempfile.TemporaryDirectory() as tmp:
        given = Path(tmp) / "texts.json"
        given.write_text(json.dumps(bare))
        empty, full = Path(tmp) / "empty.txt", Path(tmp) / "accepted.txt"
        empty.write_text("")
        theirs: list[tuple[float, float]] = []  # (with JSON, parse only) per run
        ours: list[float] = []
        for run in range(runs):
            done = subprocess.run([str(python), "-c", _AVICONV_RUNNER, str(given), str(count),
                                   "1"], capture_output=True, text=True, check=False)
            if done.returncode != 0:
                print(f"{label} aviconv: failed: {done.stderr.strip()[-300:]}")
                return
            result = json.loads(done.stdout)
            theirs.append((result["with_json"], result["parse_only"]))
            try:
                if run == 0:  # the corpus is known from aviconv's first run
                    accepted = [bare[i] for i in result["accepted"]]
                    if not accepted:
                        print(f"{label} aviconv: accepts none of the {len(bare)} texts")
                        return
                    corpus = "\n\n".join(accepted * -(-count // len(accepted))) + "\n"
                    full.write_text(corpus)
                    notams = len(split_notams(corpus))
                    startup = min(run_cli(empty)[0] for _ in range(3))
                ours.append(notams / max(run_cli(full)[0] - startup, 1e-9))
            except CliFailed as exc:
                print(f"{label} aviconv: `monitor parse notam` failed: {exc}")
                return
    one = notams / min(timed(lambda: sum(map(len, notam_json_pieces(corpus, source="notam"))))
                       for _ in range(runs))
    best_theirs = max(with_json for with_json, _ in theirs)
    best_parse = max(parse_only for _, parse_only in theirs)
    best_ours = max(ours)
    print(f"{label} aviconv: accepts {len(accepted)} of {len(bare)} texts; on "
          f"{result['notams']:,} of them (best of {runs}): {best_theirs:,.0f} NOTAMs/s parsed "
          f"and dumped as JSON ({best_parse:,.0f}/s parse only), one process")
    print(f"{label} monitor parse notam on the same {notams:,} texts: {best_ours:,.0f} NOTAMs/s "
          f"(best of {runs}, {startup:.2f} s start-up subtracted, {_cores()} processes); "
          f"{one:,.0f} NOTAMs/s in one process, without the command line")
    pairs = ", ".join(f"{o / t:.1f}" for o, (t, _) in zip(ours, theirs, strict=True))
    print(f"{label} ratio: {best_ours / best_theirs:.1f}x aviconv-notam with JSON "
          f"({best_ours / best_parse:.1f}x its parse alone); in one process "
          f"{one / best_theirs:.1f}x; run by run: {pairs}")


def _cores() -> int:
    """The processes `monitor parse notam` parses a large file with (one per core, up to 4)."""
    from monitor.parse_command import NOTAM_PROCESSES_MAX

    return min(len(os.sched_getaffinity(0)), NOTAM_PROCESSES_MAX)


def unwrapped(text: str) -> str:
    """The text without the AFTN parentheses around it, as aviconv-notam reads NOTAMs."""
    text = text.strip()
    if text.startswith("(") and text.endswith(")"):
        return text[1:-1].strip()
    return text


def aviconv_python() -> Path | None:
    """The venv's python with aviconv-notam installed, made on first use."""
    python = AVICONV_VENV / "bin" / "python"
    check = [str(python), "-c", "import aviconv_notam.parser"]
    if python.exists() and subprocess.run(check, capture_output=True).returncode == 0:
        return python
    print(f"installing {AVICONV} into {AVICONV_VENV.relative_to(ROOT)} ...", flush=True)
    try:
        subprocess.run([sys.executable, "-m", "venv", str(AVICONV_VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", AVICONV], check=True)
    except (OSError, subprocess.CalledProcessError) as exc:
        print(f"aviconv: could not install {AVICONV}: {exc}")
        return None
    return python if subprocess.run(check, capture_output=True).returncode == 0 else None


# Runs in aviconv's venv: which texts it accepts, then its throughput on them repeated to the
# count (best of runs), parse alone and parse plus the JSON its command line prints.
_AVICONV_RUNNER = """
import json, sys, time
from aviconv_notam.parser import parse
texts = json.load(open(sys.argv[1]))
count, runs = int(sys.argv[2]), int(sys.argv[3])
accepted = []
for i, text in enumerate(texts):
    try:
        parse(text)
    except Exception:
        continue
    accepted.append(i)
corpus = [texts[i] for i in accepted] * -(-count // max(1, len(accepted)))
def best(work):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return len(corpus) / min(times) if corpus else 0.0
def parse_all():
    for text in corpus:
        parse(text)  # nothing kept: a list of every model would time the garbage collector
def parse_and_dump():
    for text in corpus:
        parse(text).model_dump_json()
parse_only = best(parse_all)
with_json = best(parse_and_dump)
print(json.dumps({"accepted": accepted, "notams": len(corpus), "parse_only": parse_only,
                  "with_json": with_json}))
"""


def timed(work: Callable[[], object]) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / RSS_UNIT


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
