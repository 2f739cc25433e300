"""Shared fixtures: real local servers, migrated SQLite files, config files on disk."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from monitor.logs import log
from tests.servers import FixtureServer, Webhook

FIXTURES = Path(__file__).parent / "fixtures"
REAL = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "real"


@pytest.fixture
def server() -> Iterator[FixtureServer]:
    srv = FixtureServer().start()
    yield srv
    srv.stop()


@pytest.fixture
def webhook() -> Iterator[Webhook]:
    hook = Webhook().start()
    yield hook
    hook.stop()


@pytest.fixture(autouse=True)
def _quiet_log() -> None:
    """Each test starts with the JSON log on (captured) stdout and no secrets learned."""
    log.configure(fmt="json", level="info")
    log.stream = None
    log._secrets = ()


def fixture_bytes(*parts: str) -> bytes:
    return FIXTURES.joinpath(*parts).read_bytes()
