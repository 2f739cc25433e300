"""`monitor parse`: one kind's parser on a saved body, items printed as JSON lines."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, BinaryIO, TextIO

from monitor.errors import MonitorError, UsageError


def parse_file(kind: str, path: Path, settings: list[str],
               extras: list[str]) -> list[Any]:
    """`monitor parse`: a saved body through one kind's parser, offline."""
    from pydantic import ValidationError

    from monitor.sources import SOURCES

    source_name = kind.replace("_", "-")
    if kind != "notam" and kind not in SOURCES:
        known = ", ".join(sorted([*SOURCES, "notam"]))
        raise UsageError(f"unknown kind '{kind}' (known: {known})")
    body = _read(path)
    if kind == "notam":
        return list(_notam_items(_text(body), source=source_name))
    cls = SOURCES[kind]
    options: dict[str, Any] = {}
    for pair in settings:
        key, sep, value = pair.partition("=")
        if not sep:
            raise UsageError(f"--set {pair}: expected key=value")
        field = cls.Options.model_fields.get(key.strip())
        wants_list = field is not None and "list" in str(field.annotation)
        options[key.strip()] = _option_value(value, wants_list)
    try:
        parsed_options = cls.Options.model_validate(options)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        raise UsageError(f"--set {where}: {err['msg']}") from None
    extra: dict[str, bytes] = {}
    for pair in extras:
        label, sep, file = pair.partition("=")
        if not sep:
            raise UsageError(f"--extra {pair}: expected name=FILE")
        extra[label.strip()] = _read(Path(file))
    source = cls(source_name, None if cls.default_url else f"file://{path.resolve()}",
                 parsed_options)
    from monitor.sources.base import Fetched

    # The way a run parses what it fetched: the items print as the store keeps them.
    return source.parse_fetched(Fetched(source.url or "", pages=(body,), extra=extra))


def print_parsed(kind: str, path: Path, settings: list[str], extras: list[str], *,
                 out: TextIO) -> None:
    """`monitor parse`: `parse_file`'s items written to `out` as JSON, one object per line.

    The text is `json.dumps(item.to_json(), ensure_ascii=False)`'s, written once every item
    is made (a failure prints nothing). A large NOTAM file is parsed in several processes
    where the machine has the cores (`_notam_json`).
    """
    if kind != "notam":
        pieces: Iterable[str | bytes] = list(_json_pieces(parse_file(kind, path, settings,
                                                                     extras)))
    else:
        pieces = _notam_json(path, source="notam")
    binary = _utf8_buffer(out)
    for piece in pieces:
        if isinstance(piece, str):
            out.write(piece)
        elif binary is not None:  # UTF-8 already: not decoded to be encoded again
            out.flush()
            binary.write(piece)
        else:
            out.write(piece.decode("utf-8", "surrogatepass"))

# A NOTAM file from this size is parsed in parts by a process pool: starting its workers
# costs some milliseconds, a MB of NOTAMs (some 7,000) takes 0.1 s.
NOTAM_PROCESSES_AT = 1_000_000
NOTAM_PROCESSES_MAX = 4
_PIECE = 2_000  # items per piece of printed text
# Each worker's part weighs this much less than this process's. A worker starts some
# milliseconds later and writes its lines to a file, this process writes them all: about
# even (measured on 2 cores: 0.9-1.1 alike, 1.2 some 4% slower).
_OWN_WEIGHT = 1.0
_READ_BACK = 1 << 20  # bytes per piece of a worker's lines


def _notam_json(path: Path, *, source: str, processes: int | None = None,
                start_method: str | None = None) -> Iterator[bytes]:
    """The item JSON lines of a NOTAM file, in UTF-8 pieces, all made before the first.

    A large file is cut into runs of whole NOTAMs (`notam_file_cuts`), one per process (by
    default one per core, at most NOTAM_PROCESSES_MAX); this process parses the first while
    a process pool parses the others, each writing its lines to a file in a temporary
    directory (read back in pieces: pickled through a pipe they cost more). When a part
    fails, the whole file is parsed again here, so the error names the NOTAM by its place in
    the file, as one process names it. `start_method`: the pool's (`multiprocessing`'s
    default when None).
    """
    from monitor.notam import notam_file_cuts

    data = _read(path)
    if processes is None:
        processes = min(_cores(), NOTAM_PROCESSES_MAX)
    cuts = (notam_file_cuts(data, processes,
                            first_share=_OWN_WEIGHT / (_OWN_WEIGHT + processes - 1))
            if processes > 1 and len(data) >= NOTAM_PROCESSES_AT else [0, len(data)])
    if len(cuts) < 3:
        yield from _notam_part_json(data, source)
        return
    import multiprocessing
    import tempfile
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    from monitor.errors import ParseError

    # Each part is a view of the file's bytes, not a copy. A forked worker has them as they
    # are; a started one (spawn, forkserver) is sent them, as bytes.
    view = memoryview(data)
    first, *rest = (view[start:end] for start, end in itertools.pairwise(cuts))
    context = multiprocessing.get_context(start_method)
    if context.get_start_method() != "fork":
        rest = [bytes(part) for part in rest]
    with tempfile.TemporaryDirectory(prefix="monitor-parse-") as tmp:
        written = [Path(tmp, f"part-{n}.json") for n in range(len(rest))]
        # The parts go with the pool's processes (a forked process has them already), and
        # this process waits until every worker has its task before it parses its own part:
        # the pool hands tasks over from threads of this process, which get their turns only
        # slowly while it parses (a worker then started some tens of milliseconds late).
        started = context.Semaphore(0)
        try:
            with ProcessPoolExecutor(max_workers=len(rest), mp_context=context,
                                     initializer=_take_parts,
                                     initargs=(rest, started)) as pool:
                others = [pool.submit(_notam_part_file, n, source, to)
                          for n, to in enumerate(written)]
                del rest
                for _ in others:
                    started.acquire(timeout=_START_WAIT)
                pieces = _notam_part_json(first, source)
                for other in others:
                    other.result()
        except (ParseError, BrokenProcessPool, OSError):  # a NOTAM unread, or no worker
            yield from _notam_part_json(data, source)  # raises the error, named in the file
            return
        del data
        yield from pieces
        del pieces
        for to in written:
            with to.open("rb") as lines:
                while piece := lines.read(_READ_BACK):
                    yield piece


_START_WAIT = 1.0   # seconds this process waits at most for a worker to take its task
# In a pool process of `_notam_json`: the parts of the file the pool parses, and the
# semaphore a task releases as it starts.
_pool_parts: list[bytes | memoryview] = []
_pool_started: list[Any] = []


def _take_parts(parts: list[bytes | memoryview], started: Any) -> None:
    """The pool's initializer: keeps the parts for `_notam_part_file`."""
    _pool_parts[:] = parts
    _pool_started[:] = [started]


def _notam_part_file(index: int, source: str, to: Path) -> None:
    """`_notam_part_json` of the pool's part `index`, written to the file `to` piece by
    piece: a worker holds one piece at a time, and its memory serves the next (a failed
    part is parsed again by the caller, so a half-written file is never read)."""
    _pool_started[0].release()
    with to.open("wb") as out:
        out.writelines(_notam_utf8(_pool_parts[index], source))


def _notam_part_json(data: bytes | memoryview, source: str) -> list[bytes]:
    """The item JSON lines, in UTF-8, of a file of NOTAMs (or a run of whole NOTAMs of one):
    written straight from the parsed fields, no Item made, for NOTAMs in the usual layout."""
    return list(_notam_utf8(data, source))


def _notam_utf8(data: bytes | memoryview, source: str) -> Iterator[bytes]:
    """`_notam_part_json`, a piece at a time."""
    from monitor.notam import notam_json_pieces

    # Encoded piece by piece: text with one "…" takes 2 bytes a character, its UTF-8 about 1.
    for piece in notam_json_pieces(_text(data), source=source):
        yield piece.encode("utf-8", "surrogatepass")


def _notam_items(text: str, *, source: str) -> Iterator[Any]:
    """The items of a file of NOTAMs, with their derived fields as a NOTAM source's are."""
    from monitor.countries import derived
    from monitor.notam import iter_notam_items

    return map(derived, iter_notam_items(text, source=source))


def _cores() -> int:
    """The CPU cores this process may run on."""
    import os

    affinity = getattr(os, "sched_getaffinity", None)
    return len(affinity(0)) if affinity is not None else os.cpu_count() or 1


def _text(data: bytes | memoryview) -> str:
    return str(data, "utf-8", errors="replace")


def _json_pieces(items: Iterable[Any]) -> Iterator[str]:
    """Item JSON lines joined into pieces of `_PIECE` lines (no single copy of all the text).

    The items of a piece are taken first, then written: one stage at a time is faster.
    """
    taken = iter(items)
    while batch := list(itertools.islice(taken, _PIECE)):
        lines = [item.to_json_line() for item in batch]
        lines.append("")
        yield "\n".join(lines)


def _utf8_buffer(out: TextIO) -> BinaryIO | None:
    """The binary stream under `out` when `out` writes UTF-8 (and "\n" as it is)."""
    import codecs
    import os

    try:
        utf8 = codecs.lookup(out.encoding).name == "utf-8"
    except (AttributeError, LookupError, TypeError):
        return None
    buffer = getattr(out, "buffer", None)
    return buffer if utf8 and os.linesep == "\n" else None


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise MonitorError(f"{path}: cannot read: {exc.strerror or exc}") from None


def _option_value(text: str, wants_list: bool) -> Any:
    """`--set countries=VE,CO` -> a list; JSON literals (numbers, true, ["a"]) as JSON."""
    try:
        value = json.loads(text)
    except ValueError:
        value = text
    if wants_list and not isinstance(value, list):
        return [v.strip() for v in str(value).split(",") if v.strip()]
    return value
