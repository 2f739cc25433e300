"""`monitor demo --serve`: the demo's run stays on a status board until Ctrl-C."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time

import httpx


def test_demo_serve_keeps_the_board_of_its_run_open_until_ctrl_c() -> None:
    process = subprocess.Popen([sys.executable, "-m", "monitor", "demo", "--fast", "--serve"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        assert process.stdout is not None
        url = None
        deadline = time.monotonic() + 90
        while url is None and time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line and process.poll() is not None:
                raise AssertionError(f"demo exited early: {process.stderr.read()}")  # type: ignore[union-attr]
            found = re.search(r"The status board of this run: (http://127\.0\.0\.1:\d+/\S*)", line)
            url = found.group(1) if found else None
        assert url, "the demo did not open its board"
        page = httpx.get(url)
        assert page.status_code == 200
        assert "SYNTHETIC demo data" in page.text
        assert "as of 2026-02-20" in page.text               # the story's clock, not the wall's
        assert "KICZ A0012/25: withdrawn" in page.text       # the run's alerts are listed
        feed = httpx.get(url.split("?")[0] + "feeds/latam-desk.atom")
        assert feed.status_code == 200 and b"<entry>" in feed.content
        process.send_signal(signal.SIGINT)
        rest, errors = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0, errors
    assert "Board stopped." in rest
    assert "no real source was contacted" in rest
    assert "Traceback" not in errors
