"""ICAO location-indicator prefixes and the ISO 3166-1 alpha-2 countries they belong to."""

from __future__ import annotations

from collections.abc import Mapping

# Longest prefix wins, so a four-letter entry refines a two-letter one and a two-letter entry
# refines a one-letter one (e.g. UMKK Kaliningrad is RU inside UM Belarus). Territories use
# their own ISO code (TJ -> PR, TI -> VI), as the items' country lists do. A prefix shared by
# several territories lists them all; single indicators are refined where they are known.
ICAO_PREFIXES: Mapping[str, tuple[str, ...]] = {
    # North America and the Atlantic
    "K": ("US",), "PA": ("US",), "PF": ("US",), "PO": ("US",), "PP": ("US",), "PH": ("US",),
    "C": ("CA",), "BG": ("GL",), "BI": ("IS",), "BK": ("XK",),
    "TX": ("BM",), "LF": ("FR",), "LFVP": ("PM",),
    # Mexico, Central America and the Caribbean
    "MM": ("MX",), "MG": ("GT",), "MZ": ("BZ",), "MH": ("HN",), "MS": ("SV",), "MN": ("NI",),
    "MR": ("CR",), "MP": ("PA",), "MU": ("CU",), "MK": ("JM",), "MW": ("KY",), "MY": ("BS",),
    "MB": ("TC",), "MD": ("DO",), "MT": ("HT",), "TJ": ("PR",), "TI": ("VI",), "TU": ("VG",),
    "TQ": ("AI",), "TK": ("KN",), "TA": ("AG",), "TR": ("MS",), "TD": ("DM",), "TL": ("LC",),
    "TV": ("VC",), "TB": ("BB",), "TG": ("GD",), "TT": ("TT",),
    "TF": ("GP", "MQ", "BL", "MF"), "TFFR": ("GP",), "TFFF": ("MQ",), "TFFJ": ("BL",),
    "TFFG": ("MF",),
    "TN": ("CW", "AW", "BQ", "SX"), "TNCC": ("CW",), "TNCF": ("CW",), "TNCA": ("AW",),
    "TNCB": ("BQ",), "TNCE": ("BQ",), "TNCS": ("BQ",), "TNCM": ("SX",),
    # South America
    "SV": ("VE",), "SK": ("CO",), "SE": ("EC",), "SP": ("PE",), "SL": ("BO",), "SC": ("CL",),
    "SA": ("AR",), "SU": ("UY",), "SG": ("PY",), "SY": ("GY",), "SM": ("SR",), "SO": ("GF",),
    "SF": ("FK",), "SB": ("BR",), "SD": ("BR",), "SI": ("BR",), "SJ": ("BR",), "SN": ("BR",),
    "SS": ("BR",), "SW": ("BR",),
    # Europe
    "EB": ("BE",), "ED": ("DE",), "ET": ("DE",), "EE": ("EE",), "EF": ("FI",), "EG": ("GB",),
    "EGJJ": ("JE",), "EGJB": ("GG",), "EGJA": ("GG",), "EGNS": ("IM",), "EH": ("NL",),
    "EI": ("IE",), "EK": ("DK",), "EKVG": ("FO",), "EL": ("LU",), "EN": ("NO",), "EP": ("PL",),
    "ES": ("SE",), "EV": ("LV",), "EY": ("LT",), "LA": ("AL",), "LB": ("BG",), "LC": ("CY",),
    "LD": ("HR",), "LE": ("ES",), "GC": ("ES",), "GE": ("ES",), "LG": ("GR",), "LH": ("HU",),
    "LI": ("IT",), "LJ": ("SI",), "LK": ("CZ",), "LM": ("MT",), "LN": ("MC",), "LO": ("AT",),
    "LP": ("PT",), "LQ": ("BA",), "LR": ("RO",), "LS": ("CH",), "LT": ("TR",), "LU": ("MD",),
    "LW": ("MK",), "LX": ("GI",), "LZ": ("SK",), "LY": ("RS", "ME"), "LYBE": ("RS",),
    "LYNI": ("RS",), "LYKV": ("RS",), "LYPG": ("ME",), "LYTV": ("ME",),
    "U": ("RU",), "UK": ("UA",), "UM": ("BY",), "UMKK": ("RU",), "UB": ("AZ",), "UD": ("AM",),
    "UG": ("GE",), "UA": ("KZ",), "UAF": ("KG",), "UC": ("KG",), "UTA": ("TM",),
    "UTD": ("TJ",), "UTS": ("UZ",), "UTT": ("UZ",),
    # Middle East
    "LL": ("IL",), "LV": ("PS",), "OJ": ("JO",), "OL": ("LB",), "OS": ("SY",), "OR": ("IQ",),
    "OI": ("IR",), "OK": ("KW",), "OE": ("SA",), "OB": ("BH",), "OT": ("QA",), "OM": ("AE",),
    "OO": ("OM",), "OY": ("YE",), "HE": ("EG",), "OA": ("AF",), "OP": ("PK",),
    # Africa
    "GM": ("MA",), "DA": ("DZ",), "DT": ("TN",), "HL": ("LY",), "HS": ("SD", "SS"),
    "HSSS": ("SD",), "HSPN": ("SD",), "HSSJ": ("SS",), "GQ": ("MR",), "GO": ("SN",),
    "GV": ("CV",), "GB": ("GM",), "GU": ("GN",), "GF": ("SL",), "GL": ("LR",), "GA": ("ML",),
    "DF": ("BF",), "DR": ("NE",), "DI": ("CI",), "DG": ("GH",), "DX": ("TG",), "DB": ("BJ",),
    "DN": ("NG",), "FT": ("TD",), "FK": ("CM",), "HA": ("ET",), "HH": ("ER",), "HD": ("DJ",),
    "HC": ("SO",), "HK": ("KE",), "HU": ("UG",), "HT": ("TZ",), "HR": ("RW",), "FZ": ("CD",),
    "FN": ("AO",), "FA": ("ZA",), "FY": ("NA",), "FB": ("BW",), "FV": ("ZW",), "FL": ("ZM",),
    "FQ": ("MZ",), "FM": ("MG",), "FMEE": ("RE",), "FMEP": ("RE",), "FI": ("MU",),
    # Asia and the Pacific
    "VA": ("IN",), "VE": ("IN",), "VI": ("IN",), "VO": ("IN",), "VC": ("LK",), "VG": ("BD",),
    "VN": ("NP",), "VQ": ("BT",), "VR": ("MV",), "VT": ("TH",), "VY": ("MM",), "VD": ("KH",),
    "VL": ("LA",), "VV": ("VN",), "VH": ("HK",), "VM": ("MO",), "Z": ("CN",), "ZK": ("KP",),
    "ZM": ("MN",), "RC": ("TW",), "RJ": ("JP",), "RO": ("JP",), "RK": ("KR",), "RP": ("PH",),
    "WS": ("SG",), "WM": ("MY",), "WB": ("MY",), "WBSB": ("BN",), "WA": ("ID",), "WI": ("ID",),
    "WR": ("ID",), "WP": ("TL",), "Y": ("AU",), "NZ": ("NZ",), "NF": ("FJ",), "NT": ("PF",),
    "NW": ("NC",), "NV": ("VU",), "PG": ("GU",), "PGSN": ("MP",), "AY": ("PG",),
}

_LONGEST_PREFIX = max(len(prefix) for prefix in ICAO_PREFIXES)


def countries_of_icao_prefix(code: str) -> tuple[str, ...]:
    """Every country an ICAO location indicator (airport or FIR) may belong to; () if unknown."""
    code = code.strip().upper()
    for length in range(min(len(code), _LONGEST_PREFIX), 0, -1):
        countries = ICAO_PREFIXES.get(code[:length])
        if countries is not None:
            return countries
    return ()


def country_of_icao_prefix(code: str) -> str | None:
    """The one country of an ICAO location indicator, or None if unknown or shared (TNxx)."""
    countries = countries_of_icao_prefix(code)
    return countries[0] if len(countries) == 1 else None
