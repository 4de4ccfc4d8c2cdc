"""Geographic and temporal analysis for problem profiles: where and when.

Every helper takes a GeoDataFrame (or frame) first and returns new objects; inputs are never
mutated. folium and matplotlib load only inside the functions that draw.
"""

from __future__ import annotations

# --- geotime ---
from intelbench.geo.maps import MapResult, map
from intelbench.geo.repeat import (
    NearRepeatResult,
    RepeatVictimisation,
    near_repeat,
    repeat_victimisation,
)
from intelbench.geo.temporal import aoristic, plot_day_hour, trends

__all__ = [
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
]
