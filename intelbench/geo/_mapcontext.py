"""Context for maps.py: reference layers (roads, buildings, places) and name labels.

Private. Every layer here goes into the reference pane beneath the analysis, or into the label
pane above it; labels are drawn by priority in the page with no two overlapping.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from intelbench.geo._maplayers import Builder, add_polygons, round6, to_wgs84
from intelbench.geo.reference import PLACE_KINDS, ROAD_CLASSES, Reference, read_reference

__all__ = ["NAME_COLUMNS", "add_labels", "add_reference", "area_label_frame", "load_reference",
           "name_column", "place_label_frame"]

#: Columns that hold an area's name, tried in this order when ``label`` is not given.
NAME_COLUMNS = ("area_name", "name", "lsoa_name", "LSOA21NM", "LSOA11NM", "lsoa11nm",
                "ward_name", "WD22NM", "beat", "sector")
_M_PER_PX_Z0 = 156543.03392  # metres per pixel at zoom 0 on the equator (Web Mercator)


def name_column(frame: Any, label: str | bool | None) -> str | None:
    """The column whose values label the areas (``label=False`` for none)."""
    if label is False:
        return None
    if isinstance(label, str):
        return label
    for c in NAME_COLUMNS:
        if c in frame.columns and not pd.api.types.is_numeric_dtype(frame[c]):
            return c
    return None


def load_reference(refs: list[Any], extent: tuple[float, float, float, float] | None,
                   notes: list[str]) -> list[Reference]:
    """Read paths (clipped to ``extent`` plus a margin) and clip given references."""
    out = []
    box = None
    if extent is not None:
        pad = 0.08 * max(extent[2] - extent[0], extent[3] - extent[1], 1000.0)
        box = (extent[0] - pad, extent[1] - pad, extent[2] + pad, extent[3] + pad)
    for r in refs:
        if isinstance(r, Path):
            r = read_reference(r, bbox=box)
        elif box is not None:
            r = r.clip(box)
        if box is not None and isinstance(r, Reference):
            r = r.clip(box)
        n = {k: (0 if getattr(r, k) is None else len(getattr(r, k)))
             for k in ("roads", "buildings", "places")}
        notes.append(f"reference: {n['roads']} roads, {n['buildings']} buildings, "
                     f"{n['places']} places" + (f" from {r.source}" if r.source else ""))
        out.append(r)
    return out


def _lines_spec(gdf_ll: Any) -> dict[str, Any]:
    import shapely

    geoms = np.asarray(gdf_ll.geometry.values)
    parts, idx = shapely.get_parts(geoms, return_index=True)
    counts = shapely.get_num_coordinates(parts)
    xy = shapely.get_coordinates(parts)
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(int).tolist()
    return {"lat": round6(xy[:, 1]), "lon": round6(xy[:, 0]), "offsets": offsets,
            "part_of": idx.tolist()}


def add_reference(b: Builder, refs: list[Reference]) -> None:
    """Buildings and roads beneath the analysis (reference pane); places are labels."""
    blds = [r.buildings for r in refs if r.buildings is not None and len(r.buildings)]
    if blds:
        g = pd.concat(blds, ignore_index=True)
        g = g[g.geom_type.isin(["Polygon", "MultiPolygon"])]
        add_polygons(b, g, "Buildings", [0] * len(g), ["#d9d4cc"], None, opacity=0.9,
                     stroke="#c4beb4", weight=0.4, pane="ibRef", fit=False)
    roads = [r.roads for r in refs if r.roads is not None and len(r.roads)]
    if roads:
        g = pd.concat(roads, ignore_index=True)
        g = g[g.geom_type.isin(["LineString", "MultiLineString"])]
        order = list(ROAD_CLASSES)
        rank = g["road_class"].map({c: i for i, c in enumerate(order)}).fillna(len(order) - 1)
        g = g.assign(_rank=rank.to_numpy()).sort_values("_rank", ascending=False)
        ll = to_wgs84(g)
        spec = _lines_spec(ll)
        part_of = np.asarray(spec.pop("part_of"), dtype=int)
        cls = g["_rank"].to_numpy(dtype=int)[part_of]
        names = g["name"].fillna("").astype(str).to_numpy()[part_of]
        spec.update({
            "cls": cls.tolist(), "pane": "ibRef",
            "styles": [{"color": ROAD_CLASSES[c][0], "weight": ROAD_CLASSES[c][1],
                        "minzoom": ROAD_CLASSES[c][2]} for c in order],
            "tooltip": [n or None for n in names.tolist()],
        })
        b.add("Roads", "lines", spec, ll, fit=False)
        b.legend.append({"title": "Roads", "line": True,
                         "items": [(ROAD_CLASSES[c][0], c.replace("_", " ").replace(
                             "a road", "A road").replace("b road", "B road"))
                                   for c in order if c in set(g["road_class"])]})


def _min_zoom(width_m: np.ndarray, height_m: np.ndarray, chars: np.ndarray,
              lat: np.ndarray) -> np.ndarray:
    """Zoom at which a polygon is wide enough on screen for its label."""
    mpp0 = _M_PER_PX_Z0 * np.cos(np.radians(lat))
    need_w = (chars * 6.0 + 8.0) * mpp0 / np.maximum(width_m, 1.0)
    need_h = 16.0 * mpp0 / np.maximum(height_m, 1.0)
    return np.round(np.log2(np.maximum(need_w, need_h)), 2)


def area_label_frame(areas: Any, column: str) -> Any:
    """Label points (inside each polygon) with text, class ``area`` and a minimum zoom."""
    import geopandas as gpd
    import shapely

    a = areas[areas[column].notna() & ~areas.geometry.is_empty]
    proj = a.to_crs(27700) if a.crs.is_geographic else a
    b = shapely.bounds(np.asarray(proj.geometry.values))
    pts = proj.geometry.representative_point()
    ll = gpd.GeoSeries(pts, crs=proj.crs).to_crs(4326)
    texts = a[column].astype(str).to_numpy()
    chars = np.array([len(t) for t in texts], dtype=float)
    z = _min_zoom(b[:, 2] - b[:, 0], b[:, 3] - b[:, 1], chars, ll.y.to_numpy())
    return gpd.GeoDataFrame({"text": texts, "cls": "area", "minzoom": z},
                            geometry=pts.values, crs=proj.crs)


def add_labels(b: Builder, name: str, frame: Any) -> None:
    """A label layer from ``text``, ``cls`` and ``minzoom`` columns, largest first."""
    if frame is None or not len(frame):
        return
    prio = {k: i for i, k in enumerate(("city", "district", "town", "village", "suburb",
                                        "hamlet", "area"))}
    f = frame.assign(_p=frame["cls"].map(prio).fillna(len(prio)))
    f = f.sort_values(["_p", "minzoom"], kind="stable")
    ll = to_wgs84(f)
    b.add(name, "labels", {"text": f["text"].astype(str).tolist(),
                           "cls": f["cls"].astype(str).tolist(),
                           "minzoom": [float(v) if math.isfinite(v) else 30.0
                                       for v in f["minzoom"]],
                           "lat": round6(ll.geometry.y), "lon": round6(ll.geometry.x)},
          ll, fit=False)


def place_label_frame(refs: list[Reference]) -> Any:
    """Place names of the references as label points."""
    import geopandas as gpd

    frames = [r.places for r in refs if r.places is not None and len(r.places)]
    if not frames:
        return None
    p = pd.concat(frames, ignore_index=True)
    return gpd.GeoDataFrame({"text": p["name"].astype(str), "cls": p["kind"].astype(str),
                             "minzoom": p["kind"].map(PLACE_KINDS).fillna(12.0).astype(float)},
                            geometry=p.geometry.values, crs=p.crs)
