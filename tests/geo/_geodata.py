"""Test data for the geostats tests: random patterns and the real Cumbria files."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd


def _find_real() -> Path:
    """../shared/real beside the checkout (a git worktree may sit one level deeper)."""
    here = Path(__file__).resolve()
    for up in here.parents:
        cand = up / "shared" / "real"
        if cand.is_dir():
            return cand
    return here.parents[2].parent / "shared" / "real"


REAL = _find_real()
SERIES_DIR = REAL / "police_uk_series"
CRIMES_CSV = REAL / "police_uk" / "2016-03-cumbria-street.csv"
LSOA_SHP = REAL / "boundaries" / "cumbriaLSOA.shp"


def points(xy: np.ndarray, crs: str | int = 27700, **cols: object) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        dict(cols), geometry=gpd.points_from_xy(xy[:, 0], xy[:, 1]), crs=crs
    )


def clustered(n_uniform: int = 3000, n_cluster: int = 800, seed: int = 0,
              size: float = 5000.0) -> gpd.GeoDataFrame:
    rng = np.random.default_rng(seed)
    xy = np.vstack([
        rng.uniform(0, size, (n_uniform, 2)),
        rng.normal(size * 0.5, size * 0.04, (n_cluster, 2)),
        rng.normal(size * 0.2, size * 0.03, (n_cluster // 2, 2)),
    ])
    return points(xy + 300_000)


def cumbria_crimes(crs: str | int | None = 27700) -> gpd.GeoDataFrame:
    """The real Cumbria street CSV as points (lon/lat projected to 27700 unless crs=None)."""
    df = pd.read_csv(CRIMES_CSV)
    df = df.rename(columns={"Crime type": "crime_type", "LSOA code": "lsoa_code"})
    gdf = gpd.GeoDataFrame(
        df, geometry=gpd.points_from_xy(df["Longitude"], df["Latitude"]), crs="EPSG:4326"
    )
    return gdf if crs is None else gdf.to_crs(crs)


def cumbria_lsoas() -> gpd.GeoDataFrame:
    gdf = gpd.read_file(LSOA_SHP)
    if gdf.crs is None or gdf.crs.to_epsg() != 27700:
        gdf = gdf.set_crs(27700, allow_override=True)
    return gdf
