"""The geography of Northshire: boundary, small areas (Voronoi cells), sectors, map points."""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import MultiPoint, Polygon

from intelbench.samples._vocab import PLACE_LABELS, SECTORS, street_names

__all__ = ["CRS", "Geography", "build_geography"]

CRS = "EPSG:27700"
_CENTRE = (445000.0, 344000.0)
_HALF = (15500.0, 12800.0)


@dataclass
class Geography:
    boundary: gpd.GeoDataFrame
    areas: gpd.GeoDataFrame
    sectors: gpd.GeoDataFrame
    points: pd.DataFrame  # point_id, easting, northing, label, area_code, area_name, sector


def _boundary(rng: np.random.Generator) -> Polygon:
    theta = np.linspace(0.0, 2 * np.pi, 96, endpoint=False)
    c, s = np.cos(theta), np.sin(theta)
    p = 5.0  # superellipse exponent: rectangle-ish with rounded corners
    r = (np.abs(c) ** p / _HALF[0] ** p + np.abs(s) ** p / _HALF[1] ** p) ** (-1.0 / p)
    noise = np.zeros_like(theta)
    for k in (2, 3, 5, 7, 11):
        noise += rng.normal(0, 0.035 / np.sqrt(k)) * np.cos(k * theta + rng.uniform(0, 2 * np.pi))
    r = r * (1.0 + noise)
    xy = np.column_stack([_CENTRE[0] + r * c, _CENTRE[1] + r * s]).round(1)
    return shapely.make_valid(Polygon(xy))


def _seeds(rng: np.random.Generator, boundary: Polygon, n: int) -> np.ndarray:
    weights = np.array([w for *_, w in SECTORS])
    pts: list[tuple[float, float]] = []
    minx, miny, maxx, maxy = boundary.bounds
    while len(pts) < n:
        if rng.random() < 0.72:
            k = int(rng.choice(len(SECTORS), p=weights / weights.sum()))
            (cx, cy), spread = SECTORS[k][1], SECTORS[k][2]
            x, y = rng.normal(cx, spread), rng.normal(cy, spread)
        else:
            x, y = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        if not boundary.contains(shapely.Point(x, y)):
            continue
        if pts:
            d = np.hypot(np.array(pts)[:, 0] - x, np.array(pts)[:, 1] - y).min()
            if d < 250.0:
                continue
        pts.append((round(x, 1), round(y, 1)))
    return np.array(pts)


def _points_in(rng: np.random.Generator, poly: Polygon, n: int) -> np.ndarray:
    minx, miny, maxx, maxy = poly.bounds
    out = np.empty((0, 2))
    while len(out) < n:
        cand = np.column_stack(
            [rng.uniform(minx, maxx, 4 * n + 8), rng.uniform(miny, maxy, 4 * n + 8)]
        )
        inside = shapely.contains_xy(poly, cand[:, 0], cand[:, 1])
        out = np.vstack([out, cand[inside]])
    return out[:n].round(0)


def build_geography(rng: np.random.Generator, n_areas: int = 220) -> Geography:
    boundary = _boundary(rng)
    seeds = _seeds(rng, boundary, n_areas)
    cells = shapely.voronoi_polygons(MultiPoint(seeds), extend_to=boundary, ordered=True)
    geoms = shapely.intersection(np.asarray(shapely.get_parts(cells)), boundary)
    # each Voronoi cell is convex, so the clipped cell is one polygon
    geoms = np.array([g if g.geom_type == "Polygon" else max(g.geoms, key=lambda p: p.area)
                      for g in geoms])
    centres = np.array([c for _, c, _, _ in SECTORS])
    d = np.hypot(seeds[:, None, 0] - centres[None, :, 0], seeds[:, None, 1] - centres[None, :, 1])
    sector_idx = d.argmin(axis=1)
    # order like ONS codes: by sector, then north to south, west to east
    order = np.lexsort((seeds[:, 0].round(-2), -seeds[:, 1].round(-2), sector_idx))
    names = [s[0] for s in SECTORS]
    rows = []
    per_sector: dict[int, int] = {}
    for rank, i in enumerate(order, start=1):
        k = int(sector_idx[i])
        j = per_sector.get(k, 0)
        per_sector[k] = j + 1
        residents = int(np.clip(rng.normal(1560, 230), 1000, 3000))
        households = int(round(residents / rng.uniform(2.15, 2.55)))
        rows.append(
            {
                "area_code": f"E0190{rank:04d}",
                "area_name": f"{names[k]} {j // 5 + 1:03d}{'ABCDE'[j % 5]}",
                "sector": names[k],
                "residents": residents,
                "households": households,
                "geometry": geoms[i],
            }
        )
    areas = gpd.GeoDataFrame(rows, geometry="geometry", crs=CRS)
    sectors = areas.dissolve(by="sector", as_index=False)[["sector", "geometry"]]
    sectors = sectors.set_index("sector").loc[names].reset_index()
    bnd = gpd.GeoDataFrame({"name": ["Northshire"]}, geometry=[boundary], crs=CRS)
    points = _map_points(rng, areas)
    return Geography(boundary=bnd, areas=areas, sectors=sectors, points=points)


def _map_points(rng: np.random.Generator, areas: gpd.GeoDataFrame) -> pd.DataFrame:
    """Anonymisation map points (street centres and public places), about 14 per area."""
    streets = street_names(rng, 700)
    frames = []
    for rec in areas.itertuples():
        n = int(rng.integers(9, 20))
        xy = _points_in(rng, rec.geometry, n)
        # a handful of streets per area, so neighbouring points share names
        local = [streets[i] for i in rng.choice(len(streets), size=5, replace=False)]
        labels = [
            PLACE_LABELS[int(rng.integers(len(PLACE_LABELS)))]
            if rng.random() < 0.18
            else local[int(rng.integers(len(local)))]
            for _ in range(n)
        ]
        frames.append(
            pd.DataFrame(
                {
                    "easting": xy[:, 0],
                    "northing": xy[:, 1],
                    "label": labels,
                    "area_code": rec.area_code,
                    "area_name": rec.area_name,
                    "sector": rec.sector,
                }
            )
        )
    pts = pd.concat(frames, ignore_index=True)
    pts.insert(0, "point_id", np.arange(len(pts)))
    return pts
