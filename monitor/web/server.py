"""Running the board: uvicorn on one socket until SIGINT/SIGTERM."""

from __future__ import annotations

import contextlib
import ipaddress
import signal
import socket
import threading
from collections.abc import Callable, Iterator
from typing import Any

from monitor.config import Config
from monitor.errors import ConfigError
from monitor.logs import log
from monitor.web.snapshot import Reader

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8080
MIN_TOKEN_CHARS = 16


class _Stopped(Exception):
    """A stop signal arrived; uvicorn has shut down gracefully already."""


def run_board(config: Config, *, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT,
              reader: Reader | None = None, banner: str = "",
              announce: Callable[[str], None] | None = None) -> None:
    """Serve the board until SIGINT/SIGTERM. `port` 0 takes a free port; the address is
    logged (`serve.started`) and passed to `announce`."""
    import uvicorn

    from monitor import service
    from monitor.web.app import create_app

    token = check_token(config)
    if token:
        log.add_secrets([token])
    # One status read before listening: the database answers (and a new one is migrated,
    # as `monitor status` does); from then on the board only reads.
    service.status(config)
    reader = reader or Reader(config)
    _ = reader.geography  # routes and FIR shapes once, before the first page asks
    app = create_app(reader, token=token, banner=banner)
    sock = _bind(host, port)
    url = f"http://{_url_host(host)}:{sock.getsockname()[1]}/"
    if not _loopback(host) and not token:
        log.warning("serve.exposed", host=host,
                    reason="listening beyond this machine without serve_token")
    log.info("serve.started", url=url, token=bool(token))
    if announce:
        announce(url)
    server = uvicorn.Server(uvicorn.Config(app, log_config=None, access_log=False,
                                           lifespan="off", server_header=False))
    with _stop_signals():
        try:
            server.run(sockets=[sock])
        except _Stopped:
            pass
        finally:
            sock.close()
    log.info("serve.stopped", url=url)


def check_token(config: Config) -> str:
    """The configured access token, or "" for none; a short one is a configuration error."""
    token = config.monitor.serve_token
    if token and len(token) < MIN_TOKEN_CHARS:
        raise ConfigError(str(config.path), "monitor.serve_token",
                          f"too short: at least {MIN_TOKEN_CHARS} characters")
    return token


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        from monitor.errors import UsageError

        raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


@contextlib.contextmanager
def _stop_signals() -> Iterator[None]:
    """uvicorn re-raises the signal that stopped it once it is done; it ends the run here
    instead of as a KeyboardInterrupt traceback (SIGINT) or a killed process (SIGTERM)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: Any) -> None:
        raise _Stopped

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
