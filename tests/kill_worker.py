"""A monitor process for the crash-safety test: runs cycles until killed.

Usage: python -m tests.kill_worker CONFIG CLOCK_OFFSET_SECONDS CYCLES
The clock offset lets each restart see the leases of its killed predecessor as expired,
as a restart after the lease time would.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta

from monitor import service
from monitor.outbox import sweep
from monitor.pipeline import run_source


def main() -> None:
    path, offset, cycles = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
    config = service.load(path)
    rt = service.open_runtime(config, announce=False)
    shift = timedelta(seconds=offset)
    rt.clock = lambda: datetime.now(UTC) + shift
    for _ in range(cycles):
        run_source(rt, "faa-prn")
        sweep(rt)
    sweep(rt)
    service.close_runtime(rt)


if __name__ == "__main__":
    main()
