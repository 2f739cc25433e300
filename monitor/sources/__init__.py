"""The explicit registry of source kinds: one import and one line per kind."""

from __future__ import annotations

from monitor.sources.base import Source
from monitor.sources.easa_czib import EasaCzib
from monitor.sources.faa_prn import FaaPrn

SOURCES: dict[str, type[Source]] = {cls.kind: cls for cls in (
    FaaPrn,
    EasaCzib,
)}


def source_class(kind: str) -> type[Source]:
    """The class registered for `kind`; KeyError names the known kinds."""
    try:
        return SOURCES[kind]
    except KeyError:
        known = ", ".join(sorted(SOURCES))
        raise KeyError(f"unknown kind '{kind}' (known: {known})") from None
