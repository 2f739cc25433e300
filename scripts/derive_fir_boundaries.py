"""Derive the FIR boundaries the package ships from the VATSpy data project.

    .venv/bin/pip install shapely   # only this script needs it, never the monitor
    .venv/bin/python scripts/derive_fir_boundaries.py [--source DIR] [--out DIR]

Reads `Boundaries.geojson`, `VATSpy.dat` and `LICENSE` from DIR (default
`../shared/data/fir_boundaries` next to the repository), unions the features of each ICAO FIR
(sub-sectors such as `SBAZ-CE` or `KZMA-OCN` belong to `SBAZ` and `KZMA`; a few ids that are no
FIR are dropped), simplifies them, and writes `alerts/data/firs.geojson.gz` with the licence
and attribution beside it (`--out` writes them elsewhere). The output is deterministic: same
input and shapely version, same bytes.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
from pathlib import Path

from shapely.geometry import MultiPolygon, Polygon, shape
from shapely.ops import unary_union
from shapely.validation import make_valid

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = ROOT.parent / "shared" / "data" / "fir_boundaries"
TARGET = ROOT / "alerts" / "data"
SOURCE_COMMIT = "9f8d09cbdf139063510823f82325ab79c740a4ca"

TOLERANCE_DEG = 0.01      # Douglas-Peucker tolerance, about 1 km: plenty for route checks
DECIMALS = 3              # about 100 m
MIN_HOLE_DEG2 = 0.05      # holes smaller than this are gaps between sub-sectors, not FIRs
# Ids whose code before the "-" is not the ICAO FIR they belong to (VATSpy.dat names it), and
# ids that are no FIR at all (a TMA, a network-wide sector, a whole country).
FIR_OF = {
    "LGMD": "LGGG",       # Makedonia ACC sectors of the Athinai FIR
    "NZZT": "NZZO",       # Auckland Oceanic's Tasman sector
    "ZJSY": "ZJSA",       # Sanya ACC sectors of the Sanya FIR
    "ZWWW": "ZWUQ",       # Urumqi ACC sectors of the Urumqi FIR
    "TEH": "OIIX",        # Tehran ACC sectors of the Tehran FIR
    # New Zealand's domestic sectors make up the Christchurch FIR, NZZC
    "NZAA": "NZZC", "NZAR": "NZZC", "NZCB": "NZZC", "NZCK": "NZZC", "NZCM": "NZZC",
    "NZCS": "NZZC", "NZCT": "NZZC", "NZOH": "NZZC",
}
NOT_A_FIR = {"ADR", "BAIRES", "NAT", "UKR"}
_ICAO = re.compile(r"[A-Z]{4}")


def fir_code(feature_id: str) -> str | None:
    """The ICAO FIR a VATSpy boundary id belongs to, or None when it is no FIR."""
    base = feature_id.split("-", 1)[0].upper()
    if base in NOT_A_FIR:
        return None
    code = FIR_OF.get(base, base)
    return code if _ICAO.fullmatch(code) else None


def fir_names(dat: str) -> dict[str, str]:
    """ICAO FIR -> its name, from the [FIRs] section of VATSpy.dat (first line wins)."""
    names: dict[str, str] = {}
    section = ""
    for line in dat.splitlines():
        line = line.strip()
        if line.startswith("["):
            section = line
            continue
        if section != "[FIRs]" or not line or line.startswith(";"):
            continue
        fields = line.split("|")
        if len(fields) >= 4 and fields[0] == fields[3] and _ICAO.fullmatch(fields[0]):
            names.setdefault(fields[0], fields[1].strip())
    return names


def _polygons(geometry) -> list[Polygon]:
    if isinstance(geometry, Polygon):
        return [geometry]
    if isinstance(geometry, MultiPolygon):
        return list(geometry.geoms)
    # A collection from make_valid: keep its areas, drop stray lines and points.
    return [part for g in getattr(geometry, "geoms", ()) for part in _polygons(g)]


def _rounded(polygon: Polygon) -> list[list[list[float]]]:
    rings = [polygon.exterior] + [hole for hole in polygon.interiors
                                  if Polygon(hole).area >= MIN_HOLE_DEG2]
    out = []
    for ring in rings:
        points: list[list[float]] = []
        for x, y in ring.coords:
            point = [round(x, DECIMALS), round(y, DECIMALS)]
            if not points or points[-1] != point:
                points.append(point)
        if len({tuple(p) for p in points}) >= 3:
            out.append(points)
    return out


def derive(boundaries: dict, dat: str) -> dict:
    """The shipped FeatureCollection: one MultiPolygon per ICAO FIR, sorted by code; a FIR
    with oceanic parts (New York's over the Atlantic) has a second feature marked `oceanic`,
    so that crossing it does not count as crossing the state's territory."""
    parts: dict[tuple[str, bool], list] = {}
    for feature in boundaries["features"]:
        code = fir_code(str(feature["properties"]["id"]))
        if code is not None:
            oceanic = str(feature["properties"].get("oceanic", "0")) == "1"
            parts.setdefault((code, oceanic), []).append(make_valid(shape(feature["geometry"])))
    names = fir_names(dat)
    features = []
    for code, oceanic in sorted(parts):
        merged = unary_union(parts[(code, oceanic)])
        simple = merged.simplify(TOLERANCE_DEG, preserve_topology=True)
        polygons = [rings for p in _polygons(simple) if (rings := _rounded(p))]
        if not polygons:
            print(f"{code}: nothing left after simplifying, skipped", file=sys.stderr)
            continue
        properties: dict = {"icao": code, "name": names.get(code, "")}
        if oceanic:
            properties["oceanic"] = True
        features.append({
            "type": "Feature",
            "properties": properties,
            "geometry": {"type": "MultiPolygon", "coordinates": polygons},
        })
    return {"type": "FeatureCollection", "features": features}


ATTRIBUTION = f"""\
FIR boundaries in firs.geojson.gz: VATSpy Data Project (vatsimnetwork/vatspy-data-project,
commit {SOURCE_COMMIT}), licensed under Creative Commons Attribution-ShareAlike 4.0
International (full text in firs.LICENSE).

Changes made: the features of each ICAO FIR were merged into one (sub-sectors and oceanic parts
such as SBAZ-CE or KZMA-OCN joined to their FIR; the parts the source marks oceanic kept as a
second feature of the FIR with "oceanic": true; a few ids that are no FIR dropped), simplified
(Douglas-Peucker, {TOLERANCE_DEG} degree), rounded to {DECIMALS} decimals and gzip-compressed, by
scripts/derive_fir_boundaries.py. The derived file is under the same licence.

The boundaries are maintained by volunteers for the VATSIM flight-simulation network. They follow
real FIRs closely in most places but are not ICAO or state data: approximate, not for navigation.
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--out", type=Path, default=TARGET)
    args = parser.parse_args(argv)
    boundaries = json.loads((args.source / "Boundaries.geojson").read_text(encoding="utf-8"))
    dat = (args.source / "VATSpy.dat").read_text(encoding="utf-8", errors="replace")
    collection = derive(boundaries, dat)
    text = json.dumps(collection, separators=(",", ":"), ensure_ascii=False)
    args.out.mkdir(parents=True, exist_ok=True)
    target = args.out / "firs.geojson.gz"
    # mtime 0 and no file name in the header: the same input gives the same bytes.
    with target.open("wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw,
                                                 compresslevel=9, mtime=0) as out:
        out.write(text.encode("utf-8"))
    (args.out / "firs.LICENSE").write_bytes((args.source / "LICENSE").read_bytes())
    (args.out / "firs.ATTRIBUTION").write_text(ATTRIBUTION, encoding="utf-8")
    codes = {feature["properties"]["icao"] for feature in collection["features"]}
    print(f"{target}: {len(codes)} FIRs, "
          f"{len(text)} bytes of JSON, {target.stat().st_size} gzip'd")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
