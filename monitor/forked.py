"""Work shared with a forked child process: the child runs its part and sends it back.

Python runs one thread at a time, so CPU-bound work (parsing a large NOTAM file, a few
thousand HTTP exchanges in `monitor once`) uses a second core only from a second process.
A fork shares the parent's prepared state (config, sources) at no cost; the child writes
what it makes down a pipe and leaves with `os._exit`, never touching the parent's files,
database connections or buffered output.
"""

from __future__ import annotations

import contextlib
import gc
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterable


def spare_core() -> bool:
    """A forked child would run beside this process: `os.fork` exists, a second core is ours,
    and no other thread runs (a fork copies only the calling one)."""
    if not hasattr(os, "fork") or threading.active_count() > 1:
        return False
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return cores > 1


class Child:
    """A forked child running `work`; `result()` waits for it and gives what it wrote.

    OSError when no process can be forked: callers then do all the work themselves.
    """

    def __init__(self, work: Callable[[], Iterable[bytes]]) -> None:
        import fcntl  # (where os.fork exists, so does fcntl)

        for stream in (sys.stdout, sys.stderr):  # else the child would write it out again
            with contextlib.suppress(Exception):
                stream.flush()
        reader, writer = os.pipe()
        with contextlib.suppress(AttributeError, OSError):  # Linux: 1 MiB, not 64 KiB, a write
            fcntl.fcntl(writer, fcntl.F_SETPIPE_SZ, 1 << 20)  # type: ignore[attr-defined]
        gc.freeze()  # the child's collections then leave the shared pages alone (no copies)
        try:
            self.pid = os.fork()
        except OSError:  # no process to be had (EAGAIN, ENOMEM): the caller works alone
            gc.unfreeze()
            os.close(reader)
            os.close(writer)
            raise
        if self.pid == 0:  # the child: leaves by os._exit, never back into the caller's code
            code = 1
            try:
                os.close(reader)
                with open(writer, "wb", buffering=0) as pipe:
                    for chunk in work():
                        pipe.write(chunk)
                code = 0
            finally:
                os._exit(code)
        gc.unfreeze()
        os.close(writer)
        self._chunks: list[bytes] = []
        # A thread drains the pipe meanwhile, so the child never waits for this process.
        self._drain = threading.Thread(target=self._read, args=(reader,),
                                       name="forked-child-pipe", daemon=True)
        self._drain.start()
        self._status: int | None = None

    def result(self) -> list[bytes] | None:
        """What the child wrote, once it has exited; None unless it exited 0."""
        if self._status is None:
            _, self._status = os.waitpid(self.pid, 0)
        self._drain.join()
        return self._chunks if self._status == 0 else None

    def kill(self) -> None:
        """Stop the child now (its result is then None)."""
        if self._status is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)

    def _read(self, reader: int) -> None:
        with open(reader, "rb", buffering=0) as pipe:
            while chunk := pipe.read(1 << 20):
                self._chunks.append(chunk)
