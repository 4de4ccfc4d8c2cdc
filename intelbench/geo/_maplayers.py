"""Layer builders for maps.py: classification, compact polygon specs, aggregation, folium glue.

Private; folium and branca are imported only inside the functions that build a map.
"""

from __future__ import annotations

import functools
import html
import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from intelbench.exceptions import CRSError, ParameterError, SchemaError
from intelbench.geo._events import BNG
from intelbench.geo._mapassets import offline_html, script_json

__all__ = [
    "HOTSPOT_COLOURS",
    "Builder",
    "add_contours",
    "add_polygons",
    "aggregate",
    "classes",
    "esc",
    "feature_collection",
    "geo",
    "popup_html",
    "project",
    "ramp",
    "range_labels",
    "round6",
    "to_wgs84",
]

#: Fill colours of the Gi* classes (ArcGIS-like: red hot, blue cold).
HOTSPOT_COLOURS = {
    "hot 99%": "#d7191c",
    "hot 95%": "#fc8d59",
    "hot 90%": "#fec980",
    "cold 90%": "#c7e3f0",
    "cold 95%": "#91bfdb",
    "cold 99%": "#2c7bb6",
}
_SEQ = ["#ffffb2", "#fed976", "#feb24c", "#fd8d3c", "#f03b20", "#bd0026", "#800026"]
_DENSITY = ["#f2f0f7", "#dadaeb", "#bcbddc", "#9e9ac8", "#807dba", "#6a51a3", "#4a1486"]
_NICE_CELLS = [25, 50, 100, 150, 200, 250, 500, 1000, 2000, 5000, 10000, 20000]


def esc(value: Any) -> str:
    """HTML-escape one data value; '/' too, so no data can spell a URL in the page."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float):
        value = f"{value:,.4g}"
    return html.escape(str(value), quote=True).replace("/", "&#47;")


def popup_html(frame: pd.DataFrame, columns: Sequence[str]) -> list[str]:
    cols = list(columns)
    labels = [esc(c) for c in cols]
    values = [frame[c].tolist() for c in cols]
    out = []
    for k in range(len(frame)):
        rows = "".join(
            f"<tr><th>{lab}</th><td>{esc(vals[k])}</td></tr>" for lab, vals in zip(labels, values)
        )
        out.append(f"<table class='ib-popup'>{rows}</table>")
    return out


def geo(obj: Any, name: str, notes: list[str]) -> Any:
    import geopandas as gpd

    if not isinstance(obj, gpd.GeoDataFrame):
        raise SchemaError(f"{name}: expected a GeoDataFrame, received {type(obj).__name__}")
    if obj.crs is None:
        raise CRSError(f"{name}: the GeoDataFrame has no CRS; set one before mapping")
    return obj


def project(gdf: Any, name: str, notes: list[str]) -> Any:
    """Return the frame in a projected CRS (EPSG:27700 if it was in degrees)."""
    if gdf.crs.is_geographic:
        notes.append(f"{name}: projected from {gdf.crs.to_string()} to {BNG} for binning")
        return gdf.to_crs(BNG)
    return gdf


def to_wgs84(gdf: Any) -> Any:
    """Return the frame in EPSG:4326 for display."""
    return gdf.to_crs("EPSG:4326")


def round6(a: np.ndarray) -> list[float]:
    return np.round(np.asarray(a, dtype=float), 6).tolist()


def classes(values: np.ndarray, k: int, scheme: str) -> tuple[np.ndarray, list[float]]:
    """Class index per value and upper bounds, from mapclassify (k reduced to the data)."""
    v = np.asarray(values, dtype=float)
    finite = np.isfinite(v)
    uniq = np.unique(v[finite])
    if uniq.size == 0:
        return np.zeros(v.size, dtype=int), [0.0]
    k = int(min(k, uniq.size))
    if k < 2:
        return np.zeros(v.size, dtype=int), [float(uniq[-1])]
    if scheme == "quantiles":  # same bins as mapclassify.Quantiles, without its import cost
        bins_q = np.unique(np.quantile(v[finite], np.linspace(0, 1, k + 1)[1:]))
        cls_q = np.searchsorted(bins_q, v, side="left").clip(0, len(bins_q) - 1)
        return cls_q, bins_q.tolist()
    schemes = {"quantiles": "Quantiles", "natural_breaks": "NaturalBreaks",
               "fisher_jenks": "FisherJenks", "equal_interval": "EqualInterval"}
    if scheme not in schemes:
        raise ParameterError(f"scheme must be one of {sorted(schemes)}, received {scheme!r}")
    import mapclassify

    clf = getattr(mapclassify, schemes[scheme])(v[finite], k=k)
    bins = np.asarray(clf.bins, dtype=float)
    cls = np.searchsorted(bins, v, side="left").clip(0, len(bins) - 1)
    return cls, bins.tolist()


def range_labels(bins: list[float], lowest: float, *, integer: bool = False) -> list[str]:
    """Legend labels per class; counts read "1", "2", "3 to 6"."""
    labels, lo = [], lowest
    for b in bins:
        if integer:
            labels.append(f"{int(lo):,}" if int(lo) >= int(b) else f"{int(lo):,} to {int(b):,}")
            lo = math.floor(b) + 1
        else:
            labels.append(f"{lo:,.4g} to {b:,.4g}")
            lo = b
    return labels


def ramp(palette: list[str], n: int) -> list[str]:
    """``n`` colours spread over the palette, darkest last."""
    if n <= 1:
        return [palette[len(palette) // 2]]
    idx = np.round(np.linspace(0, len(palette) - 1, n)).astype(int)
    return [palette[i] for i in idx]


def _rings_spec(gdf_ll: Any) -> dict[str, Any]:
    """Flat lat/lon arrays of polygon exteriors with offsets (compact for many cells)."""
    import shapely

    rings = shapely.get_exterior_ring(np.asarray(gdf_ll.geometry.values))
    counts = shapely.get_num_coordinates(rings)
    xy = shapely.get_coordinates(rings)
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(int).tolist()
    return {"lat": round6(xy[:, 1]), "lon": round6(xy[:, 0]), "offsets": offsets}


def feature_collection(gdf_ll: Any, cls: Sequence[int | None], popups: list[str] | None,
                        tooltips: list[str] | None) -> dict[str, Any]:
    import shapely

    feats = []
    geoms = shapely.set_precision(np.asarray(gdf_ll.geometry.values), 1e-6)
    for k, g in enumerate(geoms):
        if g is None or g.is_empty:
            continue
        props: dict[str, Any] = {"c": cls[k]}
        if popups is not None:
            props["p"] = popups[k]
        if tooltips is not None:
            props["t"] = tooltips[k]
        feats.append({"type": "Feature", "properties": props,
                      "geometry": shapely.geometry.mapping(g)})
    return {"type": "FeatureCollection", "features": feats}


def _auto_cell(xy: np.ndarray) -> float:
    span = float(np.max(np.ptp(xy, axis=0))) if len(xy) else 0.0
    for c in _NICE_CELLS:
        if span / c <= 150:
            return float(c)
    return float(_NICE_CELLS[-1])


def aggregate(gdf: Any, cell: float | None) -> tuple[Any, float]:
    import geopandas as gpd
    import shapely

    xy = shapely.get_coordinates(np.asarray(gdf.geometry.values))
    size = float(cell) if cell is not None else _auto_cell(xy)
    if not size > 0:
        raise ParameterError(f"cell_size must be positive metres (25-5000), received {cell!r}")
    x0 = math.floor(xy[:, 0].min() / size) * size
    y0 = math.floor(xy[:, 1].min() / size) * size
    ix = ((xy[:, 0] - x0) // size).astype(np.int64)
    iy = ((xy[:, 1] - y0) // size).astype(np.int64)
    key, count = np.unique(iy * (int(ix.max()) + 1) + ix, return_counts=True)
    cx = key % (int(ix.max()) + 1)
    cy = key // (int(ix.max()) + 1)
    minx, miny = x0 + cx * size, y0 + cy * size
    geoms = shapely.box(minx, miny, minx + size, miny + size)
    return gpd.GeoDataFrame({"count": count}, geometry=geoms, crs=gdf.crs), size


@functools.cache
def _layer_class() -> Any:
    from branca.element import Element, Figure, MacroElement

    class RawScript(Element):
        """Script text added as is: never compiled as a Jinja template (data may hold '{{')."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self._text = text

        def render(self, **kwargs: Any) -> str:
            return self._text

    class IBLayer(MacroElement):
        def __init__(self, kind: str, spec: Any, target: str | None = None) -> None:
            super().__init__()
            self._name = "IBLayer"
            self.kind = kind
            self.spec = script_json(spec)
            self._target = target

        def render(self, **kwargs: Any) -> str:
            figure = self.get_root()
            if not isinstance(figure, Figure) or self._parent is None:
                raise SchemaError("map layer: not attached to a map")
            target = self._target or self._parent.get_name()
            js = f"IB.{self.kind}({target}, {self.spec});"
            figure.script.add_child(RawScript(js), name=self.get_name())
            return ""

    return IBLayer


class Builder:
    def __init__(self, tiles: str | None, attribution: str | None) -> None:
        import folium

        self.folium = folium
        self.m = folium.Map(tiles=None, prefer_canvas=True, control_scale=True, zoomSnap=0.25,
                            attributionControl=bool(tiles))
        if tiles:
            folium.TileLayer(tiles=tiles, attr=attribution or "internal tiles",
                             name="Basemap", overlay=False).add_to(self.m)
        self.layers: list[str] = []
        self.legend: list[dict[str, Any]] = []
        self.bounds: list[np.ndarray] = []
        self.layer_cls = _layer_class()

    def add(self, name: str, kind: str, spec: dict[str, Any], gdf_ll: Any) -> None:
        fg = self.folium.FeatureGroup(name=name, show=True)
        fg.add_child(self.layer_cls(kind, spec))
        fg.add_to(self.m)
        self.layers.append(name)
        if len(gdf_ll):
            self.bounds.append(np.asarray(gdf_ll.total_bounds, dtype=float))

    def finish(self, title: str | None, tiles: str | None) -> str:
        if self.bounds:
            b = np.vstack(self.bounds)
            self.m.fit_bounds([[float(b[:, 1].min()), float(b[:, 0].min())],
                               [float(b[:, 3].max()), float(b[:, 2].max())]])
        if self.legend:
            self.m.add_child(self.layer_cls("legend", self.legend, self.m.get_name()))
        if title:
            self.m.add_child(self.layer_cls("title", title, self.m.get_name()))
        self.folium.LayerControl(collapsed=False).add_to(self.m)
        return offline_html(self.m.get_root().render(), allowed_tiles=tiles)


def add_polygons(b: Builder, gdf: Any, name: str, cls: np.ndarray, colors: list[str],
                  fields: dict[str, Sequence[Any]] | None, *, opacity: float,
                  stroke: str | None = None, weight: float = 0.5) -> None:
    import shapely

    ll = to_wgs84(gdf)
    geoms = np.asarray(ll.geometry.values)
    simple = bool(len(geoms)) and bool(
        np.all(shapely.get_type_id(geoms) == 3)
        and np.all(shapely.get_num_interior_rings(geoms) == 0)
    )
    if simple:
        spec = _rings_spec(ll)
        spec.update({"cls": np.asarray(cls, dtype=int).tolist(), "colors": colors,
                     "opacity": opacity, "stroke": stroke, "weight": weight})
        if fields:
            spec["fields"] = [esc(f) for f in fields]
            spec["values"] = [[esc(v) for v in vals] for vals in fields.values()]
        b.add(name, "rings", spec, ll)
        return
    popups = None
    if fields:
        frame = pd.DataFrame({k: list(v) for k, v in fields.items()})
        popups = popup_html(frame, list(fields))
    data = feature_collection(ll, np.asarray(cls, dtype=int).tolist(), popups, None)
    b.add(name, "geojson", {"data": data, "colors": colors, "opacity": opacity,
                            "stroke": stroke, "weight": weight, "fill": None}, ll)


def add_contours(b: Builder, lines: Any) -> None:
    """Density contour lines (``level`` column), darker for higher levels."""
    levels = (lines["level"].to_numpy(dtype=float) if "level" in lines.columns
              else np.arange(len(lines), dtype=float))
    rank = np.argsort(np.argsort(levels))
    colors = ramp(_DENSITY[2:], len(lines))
    ll = to_wgs84(lines)
    tips = [esc(f"density {v:,.3g}") for v in levels]
    data = feature_collection(ll, rank.tolist(), None, tips)
    b.add("Density contours", "geojson", {"data": data, "colors": colors, "opacity": 0,
                                          "stroke": None, "weight": 2, "fill": None}, ll)
    b.legend.append({"title": "Density contours",
                     "items": [(colors[r], f"{v:,.3g}") for r, v in zip(rank, levels)]})


