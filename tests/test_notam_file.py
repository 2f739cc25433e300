"""Large NOTAM files: cut into runs of whole NOTAMs, and `monitor parse notam` on them.

A file from `NOTAM_PROCESSES_AT` bytes is parsed in parts by a process pool where there are
cores for it; its output must be the one a single process prints, and an unreadable
NOTAM must be named as one process names it.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from monitor import parse_command
from monitor.countries import derived
from monitor.notam import cut_notam_file, parse_notam_items, split_notams
from monitor.parse_command import NOTAM_PROCESSES_AT

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "notam"


def corpus(size: int) -> bytes:
    """The fixture files end to end (CRLF one included), repeated to at least `size` bytes."""
    whole = b"\n\n".join(p.read_bytes().strip() for p in sorted(FIXTURES.glob("*.txt")))
    return b"\n\n".join([whole] * (size // len(whole) + 1)) + b"\n"


def monitor_parse(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "monitor", "parse", "notam", str(path)],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)


@pytest.mark.parametrize("pieces", [2, 3, 5])
def test_cut_parts_give_the_texts_of_the_whole_file(pieces: int) -> None:
    data = corpus(200_000)
    parts = cut_notam_file(data, pieces)
    assert len(parts) == pieces and b"".join(parts) == data
    texts = [t for part in parts for t in split_notams(part.decode())]
    assert texts == split_notams(data.decode())


@pytest.mark.parametrize(("pieces", "share"), [(2, 0.6), (3, 0.4), (4, 0.3)])
def test_the_first_part_takes_its_share(pieces: int, share: float) -> None:
    data = corpus(400_000)
    parts = cut_notam_file(data, pieces, first_share=share)
    assert len(parts) == pieces and b"".join(parts) == data
    assert abs(len(parts[0]) / len(data) - share) < 0.02
    rest = [len(part) / len(data) for part in parts[1:]]
    assert max(rest) - min(rest) < 0.02
    texts = [t for part in parts for t in split_notams(part.decode())]
    assert texts == split_notams(data.decode())


def test_a_file_of_back_to_back_notams_is_cut_only_where_each_part_sees_them() -> None:
    back_to_back = (FIXTURES / "back_to_back.txt").read_bytes()
    data = b"\n\n".join([back_to_back] * 400)
    parts = cut_notam_file(data, 2)
    texts = [t for part in parts for t in split_notams(part.decode())]
    assert texts == split_notams(data.decode())


def test_parse_notam_on_a_large_file_prints_what_one_process_makes(tmp_path: Path) -> None:
    data = corpus(NOTAM_PROCESSES_AT + 200_000)
    path = tmp_path / "notams.txt"
    path.write_bytes(data)
    proc = monitor_parse(path)
    assert proc.returncode == 0, proc.stderr
    expected = [derived(item).to_json()
                for item in parse_notam_items(data.decode(), source="notam")]
    printed = [json.loads(line) for line in proc.stdout.splitlines()]
    assert len(printed) == len(expected) > 5_000
    assert printed == expected


def test_an_unreadable_notam_in_the_second_half_is_named_by_its_place_in_the_file(
        tmp_path: Path) -> None:
    data = corpus(NOTAM_PROCESSES_AT + 200_000)
    cut = len(data) * 3 // 4
    cut = data.index(b"\n\n", cut) + 2
    broken = data[:cut] + b"XX NOT A NOTAM AT ALL\n\n" + data[cut:]
    path = tmp_path / "notams.txt"
    path.write_bytes(broken)
    proc = monitor_parse(path)
    assert proc.returncode == 1 and proc.stdout == ""
    index = len(split_notams(broken[:cut].decode())) + 1
    total = len(split_notams(broken.decode()))
    assert f"NOTAM {index} of {total} ('XX NOT A NOTAM AT ALL')" in proc.stderr
    assert "Traceback" not in proc.stderr  # the part's error came back, told once, here


@pytest.mark.parametrize("processes", [2, 3])
def test_the_parts_parsed_in_a_process_pool_print_what_one_process_prints(
        tmp_path: Path, processes: int) -> None:
    data = corpus(NOTAM_PROCESSES_AT + 100_000)
    path = tmp_path / "notams.txt"
    path.write_bytes(data)
    assert len(cut_notam_file(data, processes)) == processes  # the pool has work to share
    pieces = parse_command._notam_json(path, source="notam", processes=processes)
    one = parse_command._notam_json(path, source="notam", processes=1)
    assert b"".join(pieces) == b"".join(one)


def test_a_pool_whose_processes_are_started_not_forked_is_sent_the_parts(
        tmp_path: Path) -> None:
    """A forked worker reads its part where the file's bytes lie; a spawned one (the start
    method on macOS and Windows) cannot be given such a view, and is sent a copy."""
    data = corpus(NOTAM_PROCESSES_AT + 100_000)
    path = tmp_path / "notams.txt"
    path.write_bytes(data)
    spawned = parse_command._notam_json(path, source="notam", processes=2, start_method="spawn")
    one = parse_command._notam_json(path, source="notam", processes=1)
    assert b"".join(spawned) == b"".join(one)


def test_the_workers_files_are_gone_once_printed_or_given_up(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = corpus(NOTAM_PROCESSES_AT + 100_000)
    path = tmp_path / "notams.txt"
    path.write_bytes(data)
    work = tmp_path / "tmp"
    work.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(work))  # where the workers' lines go
    one = b"".join(parse_command._notam_json(path, source="notam", processes=1))
    assert b"".join(parse_command._notam_json(path, source="notam", processes=2)) == one
    assert list(work.iterdir()) == []
    pieces = parse_command._notam_json(path, source="notam", processes=2)
    next(pieces)
    assert len(list(work.iterdir())) == 1  # the worker's lines, not yet read back
    pieces.close()  # a reader that stopped early
    assert list(work.iterdir()) == []
