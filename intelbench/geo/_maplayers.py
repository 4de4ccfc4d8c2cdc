"""Layer builders for maps.py: classification, compact polygon specs, aggregation, folium glue.

Private; folium and branca are imported only inside the functions that build a map.
"""

from __future__ import annotations

import functools
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
    "feature_collection",
    "geo",
    "num",
    "p_text",
    "popup_spec",
    "project",
    "ramp",
    "column_title",
    "range_labels",
    "round6",
    "text",
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


def text(value: Any) -> str | None:
    """One data value as display text (None for missing); numbers rounded to what matters."""
    if value is None:
        return None
    if isinstance(value, float | np.floating):
        return None if math.isnan(value) else num(float(value))
    if isinstance(value, int | np.integer) and not isinstance(value, bool):
        return f"{int(value):,}"
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return str(value)


def num(v: float, sig: int = 3) -> str:
    """A number for people: thousands separated, ``sig`` significant figures, no exponent.

    >>> num(0.0070913), num(12345.6), num(3.0), num(0.1364)
    ('0.00709', '12,346', '3', '0.136')
    """
    if not math.isfinite(v):
        return "n/a"
    if v == 0:
        return "0"
    if abs(v) >= 10 ** (sig - 1):
        return f"{v:,.0f}"
    digits = sig - 1 - math.floor(math.log10(abs(v)))
    out = f"{round(v, digits):,.{max(digits, 0)}f}"
    return out.rstrip("0").rstrip(".") if "." in out else out


def p_text(p: float) -> str:
    """A p-value to sensible precision: ``< 0.001`` below a thousandth."""
    if not math.isfinite(p):
        return "not tested"
    if p < 0.001:
        return "< 0.001"
    return f"{p:.3f}"


def popup_spec(fields: dict[str, Sequence[Any]], heading: Sequence[Any] | None = None,
               note: Sequence[str | None] | None = None) -> dict[str, Any]:
    """Popup data drawn as text by the page: labels, values per field, heading and note."""
    out: dict[str, Any] = {"fields": [column_title(str(f)) for f in fields],
                           "values": [[text(v) for v in vals] for vals in fields.values()]}
    if heading is not None:
        out["heading"] = [text(v) for v in heading]
    if note is not None:
        out["note"] = list(note)
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
    """Legend labels per class; counts read "1", "2", "3 to 6".

    Examples
    --------
    >>> range_labels([0.0, 0.506, 28.1], 0.0)
    ['0', 'over 0 to 0.506', '0.506 to 28.1']
    >>> range_labels([1.0, 2.0, 6.0], 1.0, integer=True)
    ['1', '2', '3 to 6']"""
    labels: list[str] = []
    lo, single = lowest, False
    for b in bins:
        if integer:
            labels.append(f"{int(lo):,}" if int(lo) >= int(b) else f"{int(lo):,} to {int(b):,}")
            lo = math.floor(b) + 1
        else:  # a class whose ends read the same is that one value ("0", not "0 to 0")
            over = "over " if single else ""
            single = num(lo) == num(b)
            labels.append(num(b) if single else f"{over}{num(lo)} to {num(b)}")
            lo = b
    return labels


def column_title(column: str) -> str:
    """A column name as a legend reads it: ``count_per_km2`` -> ``count per km²``.

    Examples
    --------
    >>> column_title("count_per_km2"), column_title("rate_per_1000")
    ('count per km²', 'rate per 1000')
    """
    return str(column).replace("km2", "km²").replace("_", " ")


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


def feature_collection(gdf_ll: Any, cls: Sequence[int | None]) -> dict[str, Any]:
    """GeoJSON of the features with their class ``c`` and row index ``i`` (for popups)."""
    import shapely

    feats = []
    geoms = shapely.set_precision(np.asarray(gdf_ll.geometry.values), 1e-6)
    for k, g in enumerate(geoms):
        if g is None or g.is_empty:
            continue
        props: dict[str, Any] = {"c": cls[k], "i": k}
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
def _drawer() -> Any:
    from branca.element import Element, Figure, MacroElement

    class RawScript(Element):
        """Script text added as is: never compiled as a Jinja template (data may hold '{{')."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self._text = text

        def render(self, **kwargs: Any) -> str:
            return self._text

    class Drawer(MacroElement):
        """Adds ``IB.draw(map, payload)`` to the page's script, after the map is created."""

        def __init__(self, payload: str) -> None:
            super().__init__()
            self._name = "IBDraw"
            self._payload = payload

        def render(self, **kwargs: Any) -> str:
            figure = self.get_root()
            if not isinstance(figure, Figure) or self._parent is None:
                raise SchemaError("map layer: not attached to a map")
            js = f"IB.draw({self._parent.get_name()}, {self._payload});"
            figure.script.add_child(RawScript(js), name=self.get_name())
            return ""

    return Drawer


class Builder:
    """Collects the layers of a map as one JSON payload, drawn by ``IB.draw`` in the page.

    folium only provides the page and the Leaflet map; no user string reaches a folium
    template, so nothing is compiled by Jinja and nothing is written as HTML.
    """

    def __init__(self) -> None:
        self.specs: list[dict[str, Any]] = []
        self.layers: list[str] = []
        self.legend: list[dict[str, Any]] = []
        self.bounds: list[np.ndarray] = []

    def add(self, name: str, kind: str, spec: dict[str, Any], gdf_ll: Any, *,
            show: bool = True, fit: bool = True) -> None:
        self.specs.append({"name": str(name), "kind": kind, "spec": spec, "show": show})
        self.layers.append(str(name))
        if fit and len(gdf_ll):
            self.bounds.append(np.asarray(gdf_ll.total_bounds, dtype=float))

    def finish(self, *, title: str | None, tiles: str | None, attribution: str | None,
               marking: str | None, source: str | None) -> str:
        import folium

        m = folium.Map(tiles=None, prefer_canvas=True, control_scale=True, zoomSnap=0.25,
                       attributionControl=bool(tiles))
        bounds = None
        if self.bounds:
            b = np.vstack(self.bounds)
            bounds = [[float(b[:, 1].min()), float(b[:, 0].min())],
                      [float(b[:, 3].max()), float(b[:, 2].max())]]
        payload = {"layers": self.specs, "legend": self.legend, "title": title,
                   "marking": marking, "source": source, "bounds": bounds,
                   "tiles": ({"url": tiles, "attribution": attribution or "internal tiles"}
                             if tiles else None)}
        m.add_child(_drawer()(script_json(payload)))
        return offline_html(m.get_root().render(), allowed_tiles=tiles)


def _simple(geoms: np.ndarray) -> bool:
    import shapely

    return bool(len(geoms)) and bool(
        np.all(shapely.get_type_id(geoms) == 3)
        and np.all(shapely.get_num_interior_rings(geoms) == 0)
    )


def add_polygons(b: Builder, gdf: Any, name: str, cls: Sequence[int | None], colors: list[str],
                 popup: dict[str, Any] | None, *, opacity: float, stroke: str | None = None,
                 weight: float = 0.5, tooltip: list[str | None] | None = None,
                 pane: str | None = None, fill: str | None = None, show: bool = True,
                 fit: bool = True) -> None:
    ll = to_wgs84(gdf)
    geoms = np.asarray(ll.geometry.values)
    style = {"colors": colors, "opacity": opacity, "stroke": stroke, "weight": weight,
             "fill": fill, "pane": pane, "popup": popup, "tooltip": tooltip}
    cls_list = [None if c is None else int(c) for c in cls]
    if _simple(geoms):
        spec = _rings_spec(ll)
        spec.update(style)
        spec["cls"] = cls_list
        b.add(name, "rings", spec, ll, show=show, fit=fit)
        return
    data = feature_collection(ll, cls_list)
    b.add(name, "geojson", {"data": data, **style}, ll, show=show, fit=fit)


def add_contours(b: Builder, lines: Any, unit: str) -> None:
    """Density contour lines (``level`` column), darker for higher levels."""
    levels = (lines["level"].to_numpy(dtype=float) if "level" in lines.columns
              else np.arange(len(lines), dtype=float))
    rank = np.argsort(np.argsort(levels))
    colors = ramp(_DENSITY[2:], len(lines))
    ll = to_wgs84(lines)
    tips = [f"density {num(v)}{unit}" for v in levels]
    data = feature_collection(ll, rank.tolist())
    b.add("Density contours", "geojson", {"data": data, "colors": colors, "opacity": 0,
                                          "stroke": None, "weight": 2, "fill": None,
                                          "tooltip": tips}, ll)
    b.legend.append({"title": "Density contours", "line": True,
                     "items": [(colors[r], f"{num(v)}{unit}") for r, v in zip(rank, levels)]})
