"""Country and region names, ISO 3166-1 alpha-2 codes, and the FIRs that matter to the monitor.

Upstreams name places in many ways ("Korea, North", "Democratic People's Republic of Korea",
"Curaçao", "Persian Gulf and Gulf of Oman"); items carry ISO alpha-2 codes and ICAO FIR codes.
Everything here is data plus small lookups; names are compared folded (see `fold`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import replace
from functools import cache, lru_cache
from typing import NamedTuple

from monitor.types import Item

# ISO 3166-1 alpha-2 -> names; the first name is the one shown to people.
COUNTRIES: dict[str, tuple[str, ...]] = {
    "AD": ("Andorra",),
    "AE": ("United Arab Emirates", "UAE"),
    "AF": ("Afghanistan",),
    "AG": ("Antigua and Barbuda", "Antigua & Barbuda"),
    "AI": ("Anguilla",),
    "AL": ("Albania",),
    "AM": ("Armenia",),
    "AO": ("Angola",),
    "AR": ("Argentina",),
    "AS": ("American Samoa",),
    "AT": ("Austria",),
    "AU": ("Australia",),
    "AW": ("Aruba",),
    "AZ": ("Azerbaijan",),
    "BA": ("Bosnia and Herzegovina", "Bosnia & Herzegovina"),
    "BB": ("Barbados",),
    "BD": ("Bangladesh",),
    "BE": ("Belgium",),
    "BF": ("Burkina Faso",),
    "BG": ("Bulgaria",),
    "BH": ("Bahrain",),
    "BI": ("Burundi",),
    "BJ": ("Benin",),
    "BM": ("Bermuda",),
    "BN": ("Brunei", "Brunei Darussalam"),
    "BO": ("Bolivia", "Plurinational State of Bolivia", "Bolivia (Plurinational State of)"),
    "BQ": ("Bonaire", "Caribbean Netherlands", "Bonaire, Sint Eustatius and Saba"),
    "BR": ("Brazil", "Brasil"),
    "BS": ("Bahamas", "The Bahamas"),
    "BT": ("Bhutan",),
    "BW": ("Botswana",),
    "BY": ("Belarus",),
    "BZ": ("Belize",),
    "CA": ("Canada",),
    "CD": ("Democratic Republic of the Congo", "DR Congo", "Congo, Democratic Republic of the",
           "Congo (Democratic Republic of the)", "Congo-Kinshasa"),
    "CF": ("Central African Republic",),
    "CG": ("Republic of the Congo", "Congo", "Congo-Brazzaville", "Congo, Republic of the"),
    "CH": ("Switzerland",),
    "CI": ("Côte d'Ivoire", "Ivory Coast"),
    "CK": ("Cook Islands",),
    "CL": ("Chile",),
    "CM": ("Cameroon",),
    "CN": ("China", "People's Republic of China"),
    "CO": ("Colombia",),
    "CR": ("Costa Rica",),
    "CU": ("Cuba",),
    "CV": ("Cabo Verde", "Cape Verde"),
    "CW": ("Curaçao",),
    "CY": ("Cyprus",),
    "CZ": ("Czechia", "Czech Republic"),
    "DE": ("Germany",),
    "DJ": ("Djibouti",),
    "DK": ("Denmark",),
    "DM": ("Dominica",),
    "DO": ("Dominican Republic",),
    "DZ": ("Algeria",),
    "EC": ("Ecuador",),
    "EE": ("Estonia",),
    "EG": ("Egypt",),
    "EH": ("Western Sahara",),
    "ER": ("Eritrea",),
    "ES": ("Spain",),
    "ET": ("Ethiopia",),
    "FI": ("Finland",),
    "FJ": ("Fiji",),
    "FK": ("Falkland Islands",),
    "FM": ("Micronesia", "Federated States of Micronesia"),
    "FO": ("Faroe Islands",),
    "FR": ("France",),
    "GA": ("Gabon",),
    "GB": ("United Kingdom", "Great Britain"),
    "GD": ("Grenada",),
    "GE": ("Georgia",),
    "GF": ("French Guiana",),
    "GH": ("Ghana",),
    "GI": ("Gibraltar",),
    "GL": ("Greenland",),
    "GM": ("Gambia", "The Gambia"),
    "GN": ("Guinea",),
    "GP": ("Guadeloupe",),
    "GQ": ("Equatorial Guinea",),
    "GR": ("Greece",),
    "GT": ("Guatemala",),
    "GU": ("Guam",),
    "GW": ("Guinea-Bissau",),
    "GY": ("Guyana",),
    "HK": ("Hong Kong",),
    "HN": ("Honduras",),
    "HR": ("Croatia",),
    "HT": ("Haiti",),
    "HU": ("Hungary",),
    "ID": ("Indonesia",),
    "IE": ("Ireland",),
    "IL": ("Israel",),
    "IN": ("India",),
    "IQ": ("Iraq",),
    "IR": ("Iran", "Islamic Republic of Iran", "Iran (Islamic Republic of)"),
    "IS": ("Iceland",),
    "IT": ("Italy",),
    "JM": ("Jamaica",),
    "JO": ("Jordan",),
    "JP": ("Japan",),
    "KE": ("Kenya",),
    "KG": ("Kyrgyzstan",),
    "KH": ("Cambodia",),
    "KI": ("Kiribati",),
    "KM": ("Comoros",),
    "KN": ("Saint Kitts and Nevis", "St Kitts and Nevis"),
    "KP": ("North Korea", "Korea, North", "Korea North", "Democratic People's Republic of Korea",
           "Korea (Democratic People's Republic of)", "Korea, Democratic People's Republic of",
           "DPRK"),
    "KR": ("South Korea", "Korea, South", "Korea South", "Republic of Korea",
           "Korea (Republic of)", "Korea, Republic of"),
    "KW": ("Kuwait",),
    "KY": ("Cayman Islands",),
    "KZ": ("Kazakhstan",),
    "LA": ("Laos", "Lao People's Democratic Republic"),
    "LB": ("Lebanon",),
    "LC": ("Saint Lucia", "St Lucia"),
    "LI": ("Liechtenstein",),
    "LK": ("Sri Lanka",),
    "LR": ("Liberia",),
    "LS": ("Lesotho",),
    "LT": ("Lithuania",),
    "LU": ("Luxembourg",),
    "LV": ("Latvia",),
    "LY": ("Libya",),
    "MA": ("Morocco",),
    "MC": ("Monaco",),
    "MD": ("Moldova", "Republic of Moldova"),
    "ME": ("Montenegro",),
    "MG": ("Madagascar",),
    "MH": ("Marshall Islands",),
    "MK": ("North Macedonia",),
    "ML": ("Mali",),
    "MM": ("Myanmar", "Burma"),
    "MN": ("Mongolia",),
    "MO": ("Macao", "Macau"),
    "MP": ("Northern Mariana Islands",),
    "MQ": ("Martinique",),
    "MR": ("Mauritania",),
    "MS": ("Montserrat",),
    "MT": ("Malta",),
    "MU": ("Mauritius",),
    "MV": ("Maldives",),
    "MW": ("Malawi",),
    "MX": ("Mexico",),
    "MY": ("Malaysia",),
    "MZ": ("Mozambique",),
    "NA": ("Namibia",),
    "NC": ("New Caledonia",),
    "NE": ("Niger",),
    "NG": ("Nigeria",),
    "NI": ("Nicaragua",),
    "NL": ("Netherlands", "The Netherlands"),
    "NO": ("Norway",),
    "NP": ("Nepal",),
    "NR": ("Nauru",),
    "NZ": ("New Zealand",),
    "OM": ("Oman",),
    "PA": ("Panama", "Panamá"),
    "PE": ("Peru",),
    "PF": ("French Polynesia",),
    "PG": ("Papua New Guinea",),
    "PH": ("Philippines",),
    "PK": ("Pakistan",),
    "PL": ("Poland",),
    "PR": ("Puerto Rico",),
    "PS": ("Palestine", "State of Palestine"),
    "PT": ("Portugal",),
    "PW": ("Palau",),
    "PY": ("Paraguay",),
    "QA": ("Qatar",),
    "RE": ("Réunion",),
    "RO": ("Romania",),
    "RS": ("Serbia",),
    "RU": ("Russia", "Russian Federation"),
    "RW": ("Rwanda",),
    "SA": ("Saudi Arabia",),
    "SB": ("Solomon Islands",),
    "SC": ("Seychelles",),
    "SD": ("Sudan",),
    "SE": ("Sweden",),
    "SG": ("Singapore",),
    "SI": ("Slovenia",),
    "SK": ("Slovakia",),
    "SL": ("Sierra Leone",),
    "SM": ("San Marino",),
    "SN": ("Senegal",),
    "SO": ("Somalia",),
    "SR": ("Suriname",),
    "SS": ("South Sudan",),
    "ST": ("São Tomé and Príncipe", "Sao Tome and Principe"),
    "SV": ("El Salvador",),
    "SX": ("Sint Maarten",),
    "SY": ("Syria", "Syrian Arab Republic"),
    "SZ": ("Eswatini", "Swaziland"),
    "TC": ("Turks and Caicos Islands",),
    "TD": ("Chad",),
    "TG": ("Togo",),
    "TH": ("Thailand",),
    "TJ": ("Tajikistan",),
    "TL": ("Timor-Leste", "East Timor"),
    "TM": ("Turkmenistan",),
    "TN": ("Tunisia",),
    "TO": ("Tonga",),
    "TR": ("Türkiye", "Turkey"),
    "TT": ("Trinidad and Tobago", "Trinidad & Tobago"),
    "TV": ("Tuvalu",),
    "TW": ("Taiwan",),
    "TZ": ("Tanzania", "United Republic of Tanzania"),
    "UA": ("Ukraine",),
    "UG": ("Uganda",),
    "US": ("United States", "United States of America"),
    "UY": ("Uruguay",),
    "UZ": ("Uzbekistan",),
    "VA": ("Holy See", "Vatican City"),
    "VC": ("Saint Vincent and the Grenadines", "St Vincent and the Grenadines"),
    "VE": ("Venezuela", "Bolivarian Republic of Venezuela", "Venezuela (Bolivarian Republic of)"),
    "VG": ("British Virgin Islands",),
    "VI": ("US Virgin Islands", "United States Virgin Islands"),
    "VN": ("Vietnam", "Viet Nam"),
    "VU": ("Vanuatu",),
    "WS": ("Samoa",),
    "YE": ("Yemen",),
    "YT": ("Mayotte",),
    "ZA": ("South Africa",),
    "ZM": ("Zambia",),
    "ZW": ("Zimbabwe",),
}

# Regions and waters that upstreams use as headings or names. They are not countries: a region
# heading contributes only the countries listed here (often none); FIRs add the rest.
REGIONS: dict[str, tuple[str, ...]] = {
    "Persian Gulf and Gulf of Oman": (),
    "Persian Gulf": (),
    "Gulf of Oman": (),
    "Middle East": (),
    "Pacific Ocean": (),
    "Eastern Pacific Ocean": (),
    "Central America": (),
    "Caribbean": (),
    "Gulf of Mexico": (),
    "Gulf of California": (),
    "Sea of Japan": (),
    "Black Sea": (),
    "Red Sea": (),
}


class Fir(NamedTuple):
    """An ICAO flight information region: its usual name and the states whose airspace it holds."""

    name: str
    countries: tuple[str, ...]


# The FIRs the monitor meets (PRN page, CZIBs, routes to and around Venezuela). Pseudo codes
# such as XX01 ("No FIR") are deliberately absent.
FIRS: dict[str, Fir] = {
    # Venezuela and its neighbours
    "SVZM": Fir("Maiquetía", ("VE",)),
    "SKED": Fir("Bogotá", ("CO",)),
    "SKEC": Fir("Barranquilla", ("CO",)),
    "TTZP": Fir("Piarco", ("TT",)),
    # The Curaçao FIR holds the airspace of the three ABC islands.
    "TNCF": Fir("Curaçao", ("AW", "BQ", "CW")),
    # San Juan is US airspace over Puerto Rico (its own ISO code): match either.
    "TJZS": Fir("San Juan", ("PR", "US")),
    "SYGC": Fir("Georgetown", ("GY",)),
    "SMPM": Fir("Paramaribo", ("SR",)),
    "SOOO": Fir("Rochambeau", ("GF",)),
    "SBAZ": Fir("Amazônica", ("BR",)),
    "SBRE": Fir("Recife", ("BR",)),
    "SBBS": Fir("Brasília", ("BR",)),
    "SBAO": Fir("Atlântico", ("BR",)),
    "MPZL": Fir("Panamá", ("PA",)),
    "SEFG": Fir("Guayaquil", ("EC",)),
    # The Central American FIR (run by COCESNA) spans the airspace of six states.
    "MHCC": Fir("Central America", ("BZ", "CR", "GT", "HN", "NI", "SV")),
    "MMFR": Fir("Mexico", ("MX",)),
    "MMFO": Fir("Mazatlán Oceanic", ("MX",)),
    "MDCS": Fir("Santo Domingo", ("DO",)),
    "MTEG": Fir("Port-au-Prince", ("HT",)),
    "MKJK": Fir("Kingston", ("JM",)),
    "MUFH": Fir("Havana", ("CU",)),
    "KZMA": Fir("Miami", ("US",)),
    "KZHU": Fir("Houston", ("US",)),
    "KZNY": Fir("New York", ("US",)),
    "KZWY": Fir("New York Oceanic", ("US",)),
    # Middle East and Asia
    "OIIX": Fir("Tehran", ("IR",)),
    "ORBB": Fir("Baghdad", ("IQ",)),
    "OSTT": Fir("Damascus", ("SY",)),
    "OLBB": Fir("Beirut", ("LB",)),
    "OJAC": Fir("Amman", ("JO",)),
    "LLLL": Fir("Tel Aviv", ("IL",)),
    "OEJD": Fir("Jeddah", ("SA",)),
    "OBBB": Fir("Bahrain", ("BH",)),
    "OKAC": Fir("Kuwait", ("KW",)),
    "OTDF": Fir("Doha", ("QA",)),
    "OMAE": Fir("Emirates", ("AE",)),
    "OOMM": Fir("Muscat", ("OM",)),
    "OYSC": Fir("Sana'a", ("YE",)),
    "OAKX": Fir("Kabul", ("AF",)),
    "OPKR": Fir("Karachi", ("PK",)),
    "OPLR": Fir("Lahore", ("PK",)),
    "ZKKP": Fir("Pyongyang", ("KP",)),
    "LTAA": Fir("Ankara", ("TR",)),
    "LTBB": Fir("Istanbul", ("TR",)),
    # Europe
    "UMMV": Fir("Minsk", ("BY",)),
    "UKBV": Fir("Kyiv", ("UA",)),
    "UKBU": Fir("Kyiv UIR", ("UA",)),
    "UKLV": Fir("Lviv", ("UA",)),
    "UKDV": Fir("Dnipro", ("UA",)),
    "UKFV": Fir("Simferopol", ("UA",)),
    "UKOV": Fir("Odesa", ("UA",)),
    "UUWV": Fir("Moscow", ("RU",)),
    "UWWW": Fir("Samara", ("RU",)),
    "URRV": Fir("Rostov-na-Donu", ("RU",)),
    # Africa
    "HLLL": Fir("Tripoli", ("LY",)),
    "HECC": Fir("Cairo", ("EG",)),
    "HSSS": Fir("Khartoum", ("SD",)),
    "HJJJ": Fir("Juba", ("SS",)),
    "HAAA": Fir("Addis Ababa", ("ET",)),
    "HKNA": Fir("Nairobi", ("KE",)),
    "HCSM": Fir("Mogadishu", ("SO",)),
}

# Names of areas that upstreams publish without (complete) country data, e.g. EASA bulletins
# whose `country` field is empty: name -> (countries, FIRs).
NAMED_AREAS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # CZIB 2026-01: all levels of the Maiquetía FIR; which neighbouring airspace is meant is
    # only on the detail page, so the neighbours stay out rather than be guessed.
    "Venezuela and neighbouring airspace": (("VE",), ("SVZM",)),
    # CZIB 2026-02: the same reasoning; Iran's FIR is certain, the neighbours are not.
    "Iran and neighbouring airspace": (("IR",), ("OIIX",)),
    "Airspace of Kenya": (("KE",), ("HKNA",)),
}


def fold(text: str) -> str:
    """Text folded for matching: no accents or apostrophes, case-folded, one kind of dash."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    # Dotless ı has no decomposition; Turkish names would otherwise never match.
    folded = bare.casefold().replace("ı", "i").translate(_PUNCTUATION)
    return " ".join(folded.split())


def country_code(name: str) -> str | None:
    """The ISO alpha-2 code for a country name or code, else None (regions are not countries)."""
    text = name.strip()
    if len(text) == 2 and text.upper() in COUNTRIES:
        return text.upper()
    return _country_index().get(fold(text))


def country_codes(name: str) -> tuple[str, ...] | None:
    """Countries a country or region name stands for (a region may give ()), None if unknown."""
    code = country_code(name)
    if code is not None:
        return (code,)
    return _region_index().get(fold(name))


def country_name(code: str) -> str:
    """The display name for an ISO alpha-2 code (the code itself when unknown)."""
    names = COUNTRIES.get(code.upper())
    return names[0] if names else code.upper()


def countries_in_text(text: str) -> set[str]:
    """ISO codes of every country named in free text; region names contribute their countries.

    Longer names win ("South Sudan" is not also "Sudan", "Gulf of Oman" is not "Oman").
    """
    found: set[str] = set()
    for match in _name_pattern().finditer(fold(text)):
        found.update(_name_codes()[match.group(0)])
    return found


def fir_countries(codes: Iterable[str]) -> set[str]:
    """ISO codes of the states whose airspace the given FIRs hold (unknown FIRs add nothing)."""
    found: set[str] = set()
    for code in codes:
        fir = FIRS.get(code.strip().upper())
        if fir is not None:
            found.update(fir.countries)
    return found


def derived(item: Item) -> Item:
    """The item with the fields its other fields imply: the countries whose airspace its FIRs
    hold are among its countries.

    The one place these are derived: every kind's items pass through here before the store
    keeps them (`Source.parse_fetched`), and `monitor parse` prints them the same way. A
    parser may fill them as it builds the item (`countries_of_firs`): nothing is left to add.
    """
    if not item.firs:  # most items: nothing to add
        return item
    found = countries_of_firs(item.firs)
    if item.countries == found or not found or set(found).issubset(item.countries):
        return item
    return replace(item, countries=(*item.countries, *found))


@lru_cache(maxsize=4096)
def countries_of_firs(firs: tuple[str, ...]) -> tuple[str, ...]:
    """`fir_countries` as a sorted tuple, the form Item keeps codes in (a file of NOTAMs
    names the same few FIR combinations again and again: each is looked up once)."""
    return tuple(sorted(fir_countries(firs)))


def firs_in_text(text: str) -> set[str]:
    """FIR codes named in free text: "Pyongyang Flight Information Region", "FIR Maiquetia",
    or a known code written in capitals ("ZKKP/Pyongyang FIR")."""
    found = {code for code in re.findall(r"\b[A-Z]{4}\b", text) if code in FIRS}
    for match in _fir_pattern().finditer(fold(text)):
        found.add(_fir_codes()[match.group("before") or match.group("after")])
    return found


def named_area(name: str) -> tuple[set[str], set[str]]:
    """(countries, FIRs) of a known area name, else two empty sets."""
    countries, firs = _area_index().get(fold(name), ((), ()))
    return set(countries), set(firs)


# Apostrophes vanish ("Sana’a" = "Sanaa"), every dash becomes "-".
_PUNCTUATION = str.maketrans({
    "'": None, "\u2018": None, "\u2019": None, "\u02bc": None, "`": None,
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-",
})


@cache
def _country_index() -> dict[str, str]:
    return {fold(name): code for code, names in COUNTRIES.items() for name in names}


@cache
def _region_index() -> dict[str, tuple[str, ...]]:
    return {fold(name): codes for name, codes in REGIONS.items()}


@cache
def _area_index() -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    return {fold(name): value for name, value in NAMED_AREAS.items()}


@cache
def _fir_codes() -> dict[str, str]:
    return {fold(fir.name): code for code, fir in FIRS.items()}


@cache
def _fir_pattern() -> re.Pattern[str]:
    names = "|".join(re.escape(name) for name in sorted(_fir_codes(), key=len, reverse=True))
    return re.compile(rf"(?<![a-z0-9])(?P<before>{names})\s+(?:flight information regions?|firs?)\b"
                      rf"|\bfir\s+(?P<after>{names})(?![a-z0-9])")


@cache
def _name_codes() -> dict[str, tuple[str, ...]]:
    codes: dict[str, tuple[str, ...]] = dict(_region_index())
    codes.update((name, (code,)) for name, code in _country_index().items())
    return codes


@cache
def _name_pattern() -> re.Pattern[str]:
    # Longest first, so the alternation prefers "papua new guinea" over "guinea".
    names = sorted(_name_codes(), key=len, reverse=True)
    alternation = "|".join(re.escape(name) for name in names)
    return re.compile(rf"(?<![a-z0-9])(?:{alternation})(?![a-z0-9])")
