"""The parsers against real recorded bodies, read in place from the shared folder (never copied
into the repository); skipped where that folder is absent."""

from __future__ import annotations

from pathlib import Path

import pytest

from monitor.sources.easa_czib import LIST_URL, EasaCzib
from monitor.sources.faa_prn import FaaPrn
from monitor.types import Item, Severity

REAL = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "real"

pytestmark = pytest.mark.skipif(not REAL.is_dir(),
                                reason=f"no real recorded bodies at {REAL}")


def by_key(items: list[Item]) -> dict[str, Item]:
    return {item.key: item for item in items}


@pytest.fixture(scope="module")
def prn() -> dict[str, Item]:
    source = FaaPrn("faa-prn")
    body = (REAL / "faa_prn" / "2026-09-25_00.html").read_bytes()
    return by_key(source.parse(body, url=source.url))


@pytest.fixture(scope="module")
def czib() -> dict[str, Item]:
    source = EasaCzib("easa-czib")
    export = (REAL / "easa_czib" / "2026-09-25_00.json").read_bytes()
    feed = (REAL / "easa_czib" / "2026-09-25_01.xml").read_bytes()
    return by_key(source.parse(export, url=source.url, extra={"feed": feed}))


def test_prn_page_gives_one_item_per_country_section_entry(prn: dict[str, Item]) -> None:
    # The page holds 104 <li data-list-item-id>; 49 of them are the index links above the
    # country sections, the other 55 are documents, each under a distinct key.
    assert len(prn) == 55
    assert all(item.status == "active" and item.source == "faa-prn" for item in prn.values())
    assert all(item.url and item.url.startswith("https://") and " " not in item.url
               for item in prn.values())


def test_prn_neighbour_advisories(prn: dict[str, Item]) -> None:
    colombia = prn["KICZ A0050/26"]
    assert (colombia.kind, colombia.severity) == ("notam", Severity.WARNING)
    assert (colombia.firs, colombia.countries) == (("SKED",), ("CO",))
    for key, fir in [("KICZ A0051/26", "SEFG"), ("KICZ A0054/26", "MHCC"),
                     ("KICZ A0048/26", "MPZL"), ("KICZ A0053/26", "MMFR"),
                     ("KICZ A0047/26", "MMFO")]:
        assert (prn[key].severity, prn[key].firs) == (Severity.WARNING, (fir,))
    assert prn["KICZ A0052/26"].firs == ()   # the "No FIR" pseudo code XX01


def test_prn_prohibitions_are_critical(prn: dict[str, Item]) -> None:
    assert prn["KICZ A0046/26"].severity == Severity.CRITICAL          # Haiti
    sfar = prn["SFAR 117"]
    assert (sfar.severity, sfar.firs, sfar.countries) == (Severity.CRITICAL, ("OIIX",), ("IR",))
    assert prn["KICZ A0011/24"].severity == Severity.CRITICAL          # the Tehran pointer
    assert prn["KICZ A0004/22"].firs == ("UKBU", "UKBV", "UKDV", "UKFV", "UKLV", "UKOV")
    assert prn["SFAR 115"].url.endswith("/media/SFAR%20115%20Sanaa%20FIR.pdf")


def test_prn_page_of_september_2026_has_no_venezuela(prn: dict[str, Item]) -> None:
    assert not [item for item in prn.values()
                if "VE" in item.countries or "SVZM" in item.firs
                or "venezuela" in item.title.casefold()]


def test_czib_export_and_feed(czib: dict[str, Item]) -> None:
    assert len(czib) == 33
    assert sum(item.status == "active" for item in czib.values()) == 15
    assert all(item.severity == (Severity.WARNING if item.status == "active" else Severity.INFO)
               for item in czib.values())
    # Every bulletin is in the feed: all have a page link and a number.
    assert all(item.url != LIST_URL for item in czib.values())
    assert all(item.title.startswith(("CZIB 20", "SIB 20")) for item in czib.values())
    assert all(item.countries for item in czib.values())


def test_czib_venezuela_bulletin_is_withdrawn(czib: dict[str, Item]) -> None:
    item = czib["CZIB 142977"]
    assert item.title == "CZIB 2026-01-R2: Venezuela and neighbouring airspace"
    assert (item.status, item.severity) == ("withdrawn", Severity.INFO)
    assert (item.countries, item.firs) == (("VE",), ("SVZM",))
    assert item.url == "https://www.easa.europa.eu/domains/air-operations/czibs/2026-01-r2"


def test_czib_country_field_variants(czib: dict[str, Item]) -> None:
    assert czib["CZIB 143899"].countries == ("AE", "BH", "KW", "OM", "QA")
    assert czib["CZIB 22434"].countries == ("KP",)
    assert czib["CZIB 65355"].countries == ("KE",)
    assert czib["CZIB 20597"].countries == ("SS",)
    assert czib["CZIB 20600"].title == "SIB 2014-21-R1: Airspace of Eastern Ukraine"
