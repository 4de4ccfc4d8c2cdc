"""Northshire's population table by area and its police beats (issue 14, section 3).

The population table (``population.csv``: ``area_code``, ``residents``, ``households``) is
the census-style table an analyst joins to LSOAs by code; it holds the figures of the areas
layer. The beats (``beats.gpkg``, layer ``beats``: ``beat_code``, ``beat_name``) are Voronoi
cells of their own seeds, clipped to the force boundary, so that their edges cut across the
small areas: re-aggregating LSOA figures to beats has to split areas.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["build_beats", "population_table", "write_beats"]

N_BEATS = 18
#: the GeoPackage timestamp of every sample layer, so the same seed gives the same bytes
#: (the value samples/__init__.py uses; not imported from there, which would be a cycle)
_GPKG_DATE = "2026-01-01T00:00:00Z"


def build_beats(rng: np.random.Generator, geo: Any, n_beats: int = N_BEATS) -> Any:
    """Police beats: Voronoi cells of random seeds in the boundary, clipped to it."""
    import geopandas as gpd
    import shapely

    boundary = geo.boundary.geometry.iloc[0]
    x0, y0, x1, y1 = boundary.bounds
    seeds: list[tuple[float, float]] = []
    while len(seeds) < n_beats:
        x, y = rng.uniform(x0, x1), rng.uniform(y0, y1)
        if boundary.contains(shapely.Point(x, y)):
            seeds.append((round(x, 1), round(y, 1)))
    pts = np.array(sorted(seeds, key=lambda p: (-round(p[1], -3), p[0])))
    cells = shapely.voronoi_polygons(shapely.MultiPoint(pts), extend_to=boundary, ordered=True)
    geoms = shapely.intersection(np.asarray(shapely.get_parts(cells)), boundary)
    return gpd.GeoDataFrame(
        {"beat_code": [f"NB{k:02d}" for k in range(1, len(pts) + 1)],
         "beat_name": [f"Beat {k}" for k in range(1, len(pts) + 1)]},
        geometry=list(geoms), crs=geo.areas.crs)


def population_table(geo: Any) -> Any:
    """Residents and households by area code (the figures of the areas layer)."""
    return geo.areas[["area_code", "residents", "households"]].reset_index(drop=True)


def write_beats(rng: np.random.Generator, geo: Any, out: Path) -> list[Path]:
    """Write ``population.csv`` and ``beats.gpkg`` into ``out``; return their paths."""
    import pyogrio

    table = out / "population.csv"
    population_table(geo).to_csv(table, index=False, lineterminator="\n")
    gpkg = out / "beats.gpkg"
    gpkg.unlink(missing_ok=True)
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": _GPKG_DATE})
    try:
        pyogrio.write_dataframe(build_beats(rng, geo), gpkg, layer="beats", driver="GPKG")
    finally:
        pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": None})
    return [table, gpkg]
