"""The FIR boundaries shipped with the package: the default when `[geo] fir_boundaries` is unset.

`alerts/data/firs.geojson.gz` is derived from the VATSpy Data Project (CC BY-SA 4.0, see
`alerts/data/firs.ATTRIBUTION`) by `scripts/derive_fir_boundaries.py`: one simplified
MultiPolygon per ICAO FIR with the properties `icao` and `name`. Approximate, not for navigation.
It is read on first use only (about 100 kB compressed, a few milliseconds), so commands that
match no route never pay for it.
"""

from __future__ import annotations

import gzip
import json
from functools import cache
from importlib.resources import files
from typing import Any

from alerts.routes import FirBoundaries, load_fir_boundaries

SHIPPED_NAME = "firs.geojson.gz"
ATTRIBUTION = ("FIR boundaries: VATSpy Data Project, CC BY-SA 4.0, simplified; "
               "approximate, not for navigation")


def shipped_geojson() -> dict[str, Any]:
    """The shipped FeatureCollection as parsed JSON (a fresh copy on every call)."""
    data = files("alerts").joinpath("data", SHIPPED_NAME).read_bytes()
    return json.loads(gzip.decompress(data))


@cache
def shipped_fir_boundaries() -> FirBoundaries:
    """The shipped FIR polygons, parsed once per process."""
    return load_fir_boundaries(shipped_geojson())
