"""Geographic and temporal analysis for problem profiles: ``ib.geo``.

Every helper takes a GeoDataFrame (or frame) first and returns a new object; inputs are
never modified. Points must carry a CRS; points in degrees are projected to EPSG:27700
(British National Grid) and the result says so in its notes.
"""

from __future__ import annotations

# --- geostats ---
from intelbench.geo.density import DensitySurface, kde
from intelbench.geo.emerging import emerging_hotspots
from intelbench.geo.evaluate import EvaluationResult, evaluate
from intelbench.geo.grid import classify, grid, rates
from intelbench.geo.hotspots import HotspotGrid, getis_ord, hotspot_grid, hotspots
from intelbench.geo.moran import MoranResult, local_moran, moran
from intelbench.geo.pattern import NearestNeighbourResult, RipleyResult, nearest_neighbour, ripley
from intelbench.geo.reaggregate import reaggregate

# isort: split
# --- geotime ---
from intelbench.geo.maps import MapResult, map
from intelbench.geo.print_layout import print_map
from intelbench.geo.reference import Reference, TileServer, area_places, read_reference
from intelbench.geo.repeat import (
    NearRepeatResult,
    RepeatVictimisation,
    near_repeat,
    repeat_victimisation,
)
from intelbench.geo.temporal import aoristic, plot_day_hour, trends

__all__ = [
    # --- geostats ---
    "DensitySurface",
    "EvaluationResult",
    "HotspotGrid",
    "MoranResult",
    "NearestNeighbourResult",
    "RipleyResult",
    "classify",
    "emerging_hotspots",
    "evaluate",
    "getis_ord",
    "grid",
    "hotspot_grid",
    "hotspots",
    "kde",
    "local_moran",
    "moran",
    "nearest_neighbour",
    "rates",
    "reaggregate",
    "ripley",
    # --- geotime ---
    "MapResult",
    "NearRepeatResult",
    "RepeatVictimisation",
    "aoristic",
    "map",
    "near_repeat",
    "plot_day_hour",
    "repeat_victimisation",
    "trends",
    # --- map context and print layouts (issue 15) ---
    "Reference",
    "TileServer",
    "area_places",
    "print_map",
    "read_reference",
]
