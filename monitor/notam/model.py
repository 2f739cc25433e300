"""The parsed NOTAM value and the place-code rules that tell FIRs from aerodromes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

# Q-lines in FAA data name the FIR by its 3-letter ARTCC ident (`Q) ZNY/…`); these are the
# ICAO FIR codes they stand for. Contiguous-US centres are "K" + ident; the others are not.
ARTCC_FIRS: dict[str, str] = {
    **{ident: "K" + ident for ident in (
        "ZAB", "ZAK", "ZAU", "ZBW", "ZDC", "ZDV", "ZFW", "ZHU", "ZID", "ZJX", "ZKC", "ZLA",
        "ZLC", "ZMA", "ZME", "ZMP", "ZNY", "ZOA", "ZOB", "ZSE", "ZTL", "ZWY")},
    "ZAN": "PAZA", "ZHN": "PHZH", "ZSU": "TJZS", "ZUA": "PGZU",
}

# FIRs an item A) entry or a parenthesised code may name without saying "FIR": the region
# this service watches (SOURCES.md §19) and the US FIRs that are not "KZ..".
KNOWN_FIRS: frozenset[str] = frozenset({
    "SVZM", "TTZP", "TNCF", "TJZS", "SKED", "MPZL", "SBAZ", "SYGC", "SEFG", "MHCC", "MMFR",
    "MMFO", "PAZA", "PAZN", "PHZH", "PGZU", *ARTCC_FIRS.values(),
})

# Codes found where a FIR is expected that are accountabilities or placeholders, not FIRs.
NOT_FIRS: frozenset[str] = frozenset({"KFDC", "KICZ", "KNMH", "KFIR", "ZZZZ", "XXXX"})


@dataclass(frozen=True)
class Notam:
    """One NOTAM as read from its text; fields the text lacks (or garbles) are None.

    `form` is "icao" (Q)/A)…E) items), "kicz" (the FAA display form of an international
    security NOTAM) or "domestic" (a US `!ACCT NN/NNN …` text). Times are aware UTC.
    """

    form: str
    key: str                      # the Item key, see DESIGN.md
    issuer: str                   # key prefix: KICZ, the Q-line FIR, item A), or accountability
    id: str | None                # "A0012/25", "01/227", "3/9226"; None for header-less FDC texts
    series: str | None            # "A"; None for domestic numbers or a missing series
    number: str | None            # "0012" (ICAO, padded to 4), "227" (domestic)
    year: int | None              # 2025 for "/25" (ICAO numbers only)
    type: str                     # N new, R replacement, C cancellation
    ref: str | None               # the NOTAM replaced or cancelled ("A1234/25")
    fir: str | None               # Q-line FIR (ARTCC idents mapped to their ICAO code)
    qcode: str | None             # "QRTCA"
    traffic: str | None
    purpose: str | None
    scope: str | None
    lower_fl: int | None
    upper_fl: int | None
    lat: float | None
    lon: float | None
    radius_nm: float | None
    locations: tuple[str, ...]    # item A) (or the domestic location), as written
    valid_from: datetime | None
    valid_to: datetime | None
    valid_to_estimated: bool
    permanent: bool
    schedule: str | None          # item D)
    text: str                     # item E), or the free text of the other forms
    lower_limit: str | None       # item F)
    upper_limit: str | None       # item G)
    created: datetime | None      # CREATED: footer
    source: str | None            # SOURCE: footer (originator address)
    part: int | None              # PART n OF m; None once all parts are joined
    parts: int | None
    firs: tuple[str, ...]         # derived: Q FIR, item A) FIRs, "(XXXX)" FIRs in the text
    airports: tuple[str, ...]     # derived: item A) aerodromes (ICAO)
    raw: str = field(default="", repr=False)  # the text as given

    @property
    def ref_key(self) -> str | None:
        """The key of the NOTAM this one replaces or cancels (same issuer)."""
        return f"{self.issuer} {self.ref}" if self.ref else None


_FIELD_COUNT = len(Notam.__dataclass_fields__)  # type: ignore[attr-defined]


def new_notam(values: dict[str, object]) -> Notam:
    """Build a Notam from a new dict of every one of its fields, bypassing the frozen
    `__init__`: the dict becomes the instance dict.

    A frozen dataclass sets each field with its own `object.__setattr__` call; for 37 fields
    that costs more than the rest of a parse (and a dict display beats keyword arguments).
    """
    if len(values) != _FIELD_COUNT:
        missing = set(Notam.__dataclass_fields__) - set(values)  # type: ignore[attr-defined]
        raise TypeError(f"new_notam() needs every field; missing {sorted(missing)}")
    notam = object.__new__(Notam)
    object.__setattr__(notam, "__dict__", values)
    return notam


def fir_code(code: str | None) -> str | None:
    """A Q-line FIR as an ICAO code: ARTCC idents mapped, anything else unchanged."""
    if code is None:
        return None
    return ARTCC_FIRS.get(code, code)


def is_real_fir(code: str) -> bool:
    """A 4-letter FIR code that is not a pseudo code (`EGXX`) or an accountability (`KFDC`)."""
    return (len(code) == 4 and code.isalpha() and not code.endswith("XX")
            and code not in NOT_FIRS)


def is_pseudo_fir(code: str | None) -> bool:
    """`EGXX`-style codes: the NOTAM concerns several FIRs of one state, listed in A)."""
    return code is not None and len(code) == 4 and code.endswith("XX")


def split_places(locations: tuple[str, ...],
                 fir: str | None) -> tuple[list[str], tuple[str, ...]]:
    """Item A) entries as (FIRs, aerodromes).

    Heuristic: an entry is a FIR when it equals the Q-line FIR, when the Q-line FIR is a
    pseudo code (A) then lists the FIRs), when it is a US "KZ.." centre or a known FIR;
    any other 4-letter code is an aerodrome. Codes that are not 4 letters are skipped.
    """
    if len(locations) == 1:  # the usual A): the loop below for one code
        code = locations[0]
        if len(code) != 4 or not code.isalpha() or code in NOT_FIRS:
            return [], ()
        if code == fir or is_pseudo_fir(fir) or code in KNOWN_FIRS or code.startswith("KZ"):
            return ([code] if is_real_fir(code) else []), ()
        return [], locations
    firs: list[str] = []
    airports: list[str] = []
    multi_fir = is_pseudo_fir(fir)
    for code in locations:
        if len(code) != 4 or not code.isalpha() or code in NOT_FIRS:
            continue
        if code == fir or multi_fir or code in KNOWN_FIRS or code.startswith("KZ"):
            if is_real_fir(code):
                firs.append(code)
        else:
            airports.append(code)
    return firs, tuple(sorted(set(airports))) if len(airports) > 1 else tuple(airports)
