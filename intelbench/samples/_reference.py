"""Synthetic reference layers for Northshire: a road network and place names (issue 15).

Writes ``reference.gpkg`` with ``roads`` (``class`` as in OS OpenMap Local: Motorway, A Road,
B Road, Minor Road, Local Street; ``name``) and ``places`` (``name``, ``type``: Town,
Village, Hamlet), so maps of the sample force look as they will with a force's OS data.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry import LineString, Point

from intelbench.samples._area import CRS, Geography
from intelbench.samples._vocab import SECTORS

__all__ = ["build_reference", "write_reference"]

_START = ["Ash", "Brack", "Cold", "Elm", "Fern", "Har", "Kings", "Lang", "Mor", "Nether",
          "Oak", "Red", "Shel", "Thorn", "Up", "West", "Whit", "Wood", "Bur", "Stan"]
_END = ["by", "ton", "ley", "field", "thorpe", "well", "ford", "ham", "wick", "dale", "holme",
        "stead"]


def _wiggle(rng: np.random.Generator, a: np.ndarray, b: np.ndarray, n: int = 12,
            amp: float = 0.06) -> np.ndarray:
    """Points from a to b with a smooth sideways bend (roads are not straight)."""
    t = np.linspace(0.0, 1.0, n)
    d = b - a
    normal = np.array([-d[1], d[0]]) / (np.hypot(*d) or 1.0)
    bend = np.sin(np.pi * t) * rng.normal(0, amp) * np.hypot(*d)
    bend += np.sin(2 * np.pi * t) * rng.normal(0, amp / 3) * np.hypot(*d)
    return a + t[:, None] * d + bend[:, None] * normal


def build_reference(rng: np.random.Generator, geo: Geography) -> tuple[gpd.GeoDataFrame,
                                                                       gpd.GeoDataFrame]:
    """Roads and places of the sample force, in EPSG:27700, clipped to a margin round it."""
    boundary = geo.boundary.geometry.iloc[0]
    minx, miny, maxx, maxy = boundary.bounds
    towns = np.array([c for _, c, _, _ in SECTORS])
    roads: list[dict[str, object]] = []
    places: list[dict[str, object]] = []
    for (name, _, _, _), c in zip(SECTORS, towns):
        places.append({"name": name, "type": "Town", "geometry": Point(c)})
    # villages: spread over the rural part, away from the towns
    villages: list[np.ndarray] = []
    while len(villages) < 22:
        p = np.array([rng.uniform(minx, maxx), rng.uniform(miny, maxy)])
        if not boundary.contains(Point(p)):
            continue
        if np.hypot(*(towns - p).T).min() < 3500:
            continue
        if villages and np.hypot(*(np.array(villages) - p).T).min() < 2500:
            continue
        villages.append(p)
    used: set[str] = set()
    for k, p in enumerate(villages):
        while True:
            nm = str(rng.choice(_START)) + str(rng.choice(_END))
            if nm not in used:
                used.add(nm)
                break
        places.append({"name": nm, "type": "Village" if k < 15 else "Hamlet",
                       "geometry": Point(p)})
    # motorway across the force, west to east, passing south of Oldcaster
    west = np.array([minx - 3000, towns[0][1] - 5200])
    east = np.array([maxx + 3000, towns[3][1] + 2500])
    roads.append({"class": "Motorway", "name": "M62",
                  "geometry": LineString(_wiggle(rng, west, east, 24, 0.02))})
    # A roads between the towns and out to the edges
    pairs = [(0, 1), (0, 2), (0, 3), (1, 3)]
    for n, (i, j) in enumerate(pairs, start=1):
        roads.append({"class": "A Road", "name": f"A6{n}0",
                      "geometry": LineString(_wiggle(rng, towns[i], towns[j]))})
    for n, (i, dx, dy) in enumerate([(2, -1, 0.4), (1, 0.3, 1), (3, 1, -0.3), (0, -0.2, -1)]):
        a = towns[i]
        b = a + np.array([dx, dy]) * 20000
        roads.append({"class": "A Road", "name": f"A5{n + 1}",
                      "geometry": LineString(_wiggle(rng, a, b))})
    # B roads from each village to the nearest town or village
    pts = np.vstack([towns, np.array(villages)])
    for k, p in enumerate(villages):
        d = np.hypot(*(pts - p).T)
        d[len(towns) + k] = np.inf
        j = int(np.argmin(d))
        cls = "B Road" if k < 15 else "Minor Road"
        roads.append({"class": cls, "name": f"B{6200 + k}" if cls == "B Road" else "",
                      "geometry": LineString(_wiggle(rng, p, pts[j], 8, 0.08))})
    # town streets: a bent grid of minor roads and local streets round each town centre
    for (_, c, spread, _), tn in zip(SECTORS, range(len(SECTORS))):
        r = 1.8 * spread
        step = 420.0 if tn == 0 else 500.0
        for off in np.arange(-r, r + 1, step):
            for horizontal in (True, False):
                half = np.sqrt(max(r * r - off * off, 0.0))
                if half < step:
                    continue
                if horizontal:
                    a, b = np.array([c[0] - half, c[1] + off]), np.array([c[0] + half, c[1] + off])
                else:
                    a, b = np.array([c[0] + off, c[1] - half]), np.array([c[0] + off, c[1] + half])
                main = abs(off) < step * 0.6 or int(round(off / step)) % 3 == 0
                roads.append({"class": "Minor Road" if main else "Local Street", "name": "",
                              "geometry": LineString(_wiggle(rng, a, b, 10, 0.03))})
    frame = gpd.GeoDataFrame(roads, geometry="geometry", crs=CRS)
    frame["geometry"] = shapely.set_precision(frame.geometry.values, 1.0)
    clip = shapely.box(minx - 2000, miny - 2000, maxx + 2000, maxy + 2000)
    frame["geometry"] = frame.geometry.intersection(clip)
    frame = frame[~frame.geometry.is_empty].reset_index(drop=True)
    place_frame = gpd.GeoDataFrame(places, geometry="geometry", crs=CRS)
    return frame, place_frame


def write_reference(rng: np.random.Generator, geo: Geography, out: Path) -> list[Path]:
    """Write ``reference.gpkg`` (layers ``roads`` and ``places``) and return its path."""
    import pyogrio

    roads, places = build_reference(rng, geo)
    path = out / "reference.gpkg"
    path.unlink(missing_ok=True)
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": "2026-01-01T00:00:00.000Z"})
    try:
        pyogrio.write_dataframe(roads, path, layer="roads", driver="GPKG")
        pyogrio.write_dataframe(places, path, layer="places", driver="GPKG")
    finally:
        pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": None})
    return [path]
