"""The explicit registry of source kinds: one import and one line per kind."""

from __future__ import annotations

from monitor.sources.aerodatabox import AeroDataBox
from monitor.sources.airline_page import AirlinePage
from monitor.sources.aviationstack import AviationStack
from monitor.sources.base import Source
from monitor.sources.easa_czib import EasaCzib
from monitor.sources.eldorado import ElDorado
from monitor.sources.faa_nms import FaaNms
from monitor.sources.faa_notam_api import FaaNotamApi
from monitor.sources.faa_notam_search import FaaNotamSearch
from monitor.sources.faa_prn import FaaPrn
from monitor.sources.flightaware import FlightAware
from monitor.sources.zendesk_article import ZendeskArticle

SOURCES: dict[str, type[Source]] = {cls.kind: cls for cls in (
    FaaPrn,
    EasaCzib,
    FaaNotamSearch,
    FaaNotamApi,
    FaaNms,
    AirlinePage,
    ZendeskArticle,
    AeroDataBox,
    AviationStack,
    FlightAware,
    ElDorado,
)}


def source_class(kind: str) -> type[Source]:
    """The class registered for `kind`; KeyError names the known kinds."""
    try:
        return SOURCES[kind]
    except KeyError:
        known = ", ".join(sorted(SOURCES))
        raise KeyError(f"unknown kind '{kind}' (known: {known})") from None
