"""The explicit registry of source kinds: one line per kind, naming the module and class.

A kind's module is imported the first time the kind is looked up, so a config that watches
airline pages never loads the NOTAM parser or the flight providers (and a cycle that only
sees `304 Not Modified` answers loads no HTML parser at all).
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, MutableMapping

from monitor.sources.base import Source

# kind -> "module:Class". Adding a kind: its module, one line here, fixtures, a README row.
KINDS: dict[str, str] = {
    "faa_prn": "monitor.sources.faa_prn:FaaPrn",
    "easa_czib": "monitor.sources.easa_czib:EasaCzib",
    "faa_notam_search": "monitor.sources.faa_notam_search:FaaNotamSearch",
    "faa_notam_api": "monitor.sources.faa_notam_api:FaaNotamApi",
    "faa_nms": "monitor.sources.faa_nms:FaaNms",
    "airline_page": "monitor.sources.airline_page:AirlinePage",
    "zendesk_article": "monitor.sources.zendesk_article:ZendeskArticle",
    "aerodatabox": "monitor.sources.aerodatabox:AeroDataBox",
    "aviationstack": "monitor.sources.aviationstack:AviationStack",
    "flightaware": "monitor.sources.flightaware:FlightAware",
    "eldorado": "monitor.sources.eldorado:ElDorado",
    "us_state_rss": "monitor.sources.us_state_rss:UsStateRss",
    "uk_fcdo": "monitor.sources.uk_fcdo:UkFcdo",
}


class Registry(MutableMapping[str, type[Source]]):
    """kind -> Source class, importing a kind's module on first use.

    Iterating, `len` and `in` read the table only; a lookup imports the module and checks
    that the class declares the kind it is registered under.
    """

    def __init__(self, table: dict[str, str]) -> None:
        self._table = dict(table)
        self._loaded: dict[str, type[Source]] = {}

    def __getitem__(self, kind: str) -> type[Source]:
        loaded = self._loaded.get(kind)
        if loaded is not None:
            return loaded
        where = self._table[kind]
        module, _, name = where.partition(":")
        cls = getattr(importlib.import_module(module), name)
        if not (isinstance(cls, type) and issubclass(cls, Source)) or cls.kind != kind:
            raise TypeError(f"{where} is not the Source class of kind {kind!r}")
        self._loaded[kind] = cls
        return cls

    def __setitem__(self, kind: str, cls: type[Source]) -> None:
        self._table[kind] = f"{cls.__module__}:{cls.__qualname__}"
        self._loaded[kind] = cls

    def __delitem__(self, kind: str) -> None:
        del self._table[kind]
        self._loaded.pop(kind, None)

    def __iter__(self) -> Iterator[str]:
        return iter(self._table)

    def __len__(self) -> int:
        return len(self._table)

    def __contains__(self, kind: object) -> bool:
        return kind in self._table


SOURCES = Registry(KINDS)


def source_class(kind: str) -> type[Source]:
    """The class registered for `kind`; KeyError names the known kinds."""
    if kind not in SOURCES:
        known = ", ".join(sorted(SOURCES))
        raise KeyError(f"unknown kind '{kind}' (known: {known})")
    return SOURCES[kind]
