"""Offline folium maps of points, grids, hotspots, density and areas.

:func:`map` draws any mix of layers with a legend and a layer control. The page works with
no network: Leaflet comes from XStatic-Leaflet and is inlined, folium's other CDN assets are
removed, and there is no tile layer unless an internal tile URL is given (boundary and area
layers act as the basemap). Every popup and tooltip value is HTML-escaped and embedded as
script-safe JSON. Above ``max_points`` points, or for maps meant for sharing, points are
aggregated to a grid. folium is imported only when a map is drawn.
"""

from __future__ import annotations

import functools
import html
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from intelbench.exceptions import CRSError, ParameterError, SchemaError
from intelbench.geo._events import BNG
from intelbench.geo._mapassets import offline_html, script_json

__all__ = ["HOTSPOT_COLOURS", "MapResult", "map"]

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


@dataclass(repr=False)
class MapResult:
    """An offline map: self-contained HTML with Leaflet inlined and no external fetch.

    Attributes
    ----------
    html : str
        The whole page.
    layers : list of str
        Layer names, as listed in the layer control.
    notes : list of str
        What was done (projection, aggregation, points left out).
    """

    html: str
    layers: list[str]
    notes: list[str] = field(default_factory=list)

    def save(self, path: str | Path) -> Path:
        """Write the page to ``path`` (UTF-8) and return the path.

        Parameters
        ----------
        path : str or Path
            Where to write the ``.html`` file.

        Returns
        -------
        Path
            The written file.
        """
        p = Path(path)
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(self.html, encoding="utf-8")
        return p

    def __repr__(self) -> str:
        size = len(self.html.encode("utf-8")) / 1e6
        return f"MapResult(layers={self.layers!r}, html={size:.2f} MB, offline)"

    def _repr_html_(self) -> str:
        doc = html.escape(self.html, quote=True)
        return (
            f'<iframe srcdoc="{doc}" style="width:100%;height:600px;border:none" '
            'sandbox="allow-scripts allow-popups"></iframe>'
        )


def _esc(value: Any) -> str:
    """HTML-escape one data value; '/' too, so no data can spell a URL in the page."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float):
        value = f"{value:,.4g}"
    return html.escape(str(value), quote=True).replace("/", "&#47;")


def _popup_html(frame: pd.DataFrame, columns: Sequence[str]) -> list[str]:
    cols = list(columns)
    labels = [_esc(c) for c in cols]
    values = [frame[c].tolist() for c in cols]
    out = []
    for k in range(len(frame)):
        rows = "".join(
            f"<tr><th>{lab}</th><td>{_esc(vals[k])}</td></tr>" for lab, vals in zip(labels, values)
        )
        out.append(f"<table class='ib-popup'>{rows}</table>")
    return out


def _geo(obj: Any, name: str, notes: list[str]) -> Any:
    import geopandas as gpd

    if not isinstance(obj, gpd.GeoDataFrame):
        raise SchemaError(f"{name}: expected a GeoDataFrame, received {type(obj).__name__}")
    if obj.crs is None:
        raise CRSError(f"{name}: the GeoDataFrame has no CRS; set one before mapping")
    return obj


def _project(gdf: Any, name: str, notes: list[str]) -> Any:
    """Return the frame in a projected CRS (EPSG:27700 if it was in degrees)."""
    if gdf.crs.is_geographic:
        notes.append(f"{name}: projected from {gdf.crs.to_string()} to {BNG} for binning")
        return gdf.to_crs(BNG)
    return gdf


def _ll(gdf: Any) -> Any:
    return gdf.to_crs("EPSG:4326")


def _round(a: np.ndarray) -> list[float]:
    return np.round(np.asarray(a, dtype=float), 6).tolist()


def _classes(values: np.ndarray, k: int, scheme: str) -> tuple[np.ndarray, list[float]]:
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


def _range_labels(bins: list[float], lowest: float, *, integer: bool = False) -> list[str]:
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


def _ramp(palette: list[str], n: int) -> list[str]:
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
    return {"lat": _round(xy[:, 1]), "lon": _round(xy[:, 0]), "offsets": offsets}


def _feature_collection(gdf_ll: Any, cls: Sequence[int | None], popups: list[str] | None,
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


def _aggregate(gdf: Any, cell: float | None) -> tuple[Any, float]:
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


class _Builder:
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


def _add_polygons(b: _Builder, gdf: Any, name: str, cls: np.ndarray, colors: list[str],
                  fields: dict[str, Sequence[Any]] | None, *, opacity: float,
                  stroke: str | None = None, weight: float = 0.5) -> None:
    import shapely

    ll = _ll(gdf)
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
            spec["fields"] = [_esc(f) for f in fields]
            spec["values"] = [[_esc(v) for v in vals] for vals in fields.values()]
        b.add(name, "rings", spec, ll)
        return
    popups = None
    if fields:
        frame = pd.DataFrame({k: list(v) for k, v in fields.items()})
        popups = _popup_html(frame, list(fields))
    data = _feature_collection(ll, np.asarray(cls, dtype=int).tolist(), popups, None)
    b.add(name, "geojson", {"data": data, "colors": colors, "opacity": opacity,
                            "stroke": stroke, "weight": weight, "fill": None}, ll)


def _add_contours(b: _Builder, lines: Any) -> None:
    """Density contour lines (``level`` column), darker for higher levels."""
    levels = (lines["level"].to_numpy(dtype=float) if "level" in lines.columns
              else np.arange(len(lines), dtype=float))
    rank = np.argsort(np.argsort(levels))
    colors = _ramp(_DENSITY[2:], len(lines))
    ll = _ll(lines)
    tips = [_esc(f"density {v:,.3g}") for v in levels]
    data = _feature_collection(ll, rank.tolist(), None, tips)
    b.add("Density contours", "geojson", {"data": data, "colors": colors, "opacity": 0,
                                          "stroke": None, "weight": 2, "fill": None}, ll)
    b.legend.append({"title": "Density contours",
                     "items": [(colors[r], f"{v:,.3g}") for r, v in zip(rank, levels)]})


def map(
    data: Any = None,
    *,
    points: Any = None,
    grid: Any = None,
    hotspots: Any = None,
    kde: Any = None,
    areas: Any = None,
    boundary: Any = None,
    value: str | None = None,
    scheme: str = "quantiles",
    k: int = 5,
    popup: Sequence[str] | None = None,
    tooltip: str | None = None,
    tiles: str | None = None,
    attribution: str | None = None,
    for_sharing: bool = False,
    max_points: int = 10_000,
    cell_size: float | None = None,
    title: str | None = None,
) -> MapResult:
    """Draw an offline map of points, grids, hotspots, density and areas.

    Parameters
    ----------
    data : GeoDataFrame or DensitySurface, optional
        A layer whose kind is recognised: Gi* output (``hotspot`` column) as hotspots, grid
        cells (polygons with ``count``) as a grid, points as points, a density surface
        (anything with ``to_polygons``) as KDE.
    points, grid, hotspots, kde : optional
        The same layers named explicitly.
    areas : GeoDataFrame, optional
        Polygons (wards, LSOAs). With ``value`` they form a choropleth; without, outlines that
        act as the basemap.
    boundary : GeoDataFrame, optional
        An outline (force, sector) drawn on top of the areas.
    value : str, optional
        Column of ``areas`` to shade (for example a rate per 1,000 residents).
    scheme : {"quantiles", "natural_breaks", "fisher_jenks", "equal_interval"}
        mapclassify scheme for grids, areas and KDE bands.
    k : int
        Number of classes.
    popup : sequence of str, optional
        Columns of ``points`` to show in popups (those present in ``areas`` are used there
        too); values are HTML-escaped.
    tooltip : str, optional
        Column of ``points`` shown on hover (and of ``areas`` if present there), escaped.
    tiles : str, optional
        An internal tile URL template (``https://tiles.force.local/{z}/{x}/{y}.png``). The
        default is no tile layer: the map makes no request to any server.
    attribution : str, optional
        Attribution for ``tiles``.
    for_sharing : bool
        A map meant to leave the team: points are always aggregated to a grid and carry no
        popups.
    max_points : int
        Above this many points the points layer is aggregated to a grid automatically.
    cell_size : float, optional
        Cell size in metres for aggregation (default: a round size giving about 150 cells
        across the extent).
    title : str, optional
        Title shown on the map (as text, never HTML).

    Returns
    -------
    MapResult
        ``.html``, ``.save(path)``, ``.layers`` and ``.notes``; shows inline in notebooks
        through an ``<iframe srcdoc>``.

    Raises
    ------
    CRSError
        A layer has no CRS.
    SchemaError
        Nothing to draw, or a layer of the wrong kind.

    Examples
    --------
    >>> import geopandas as gpd
    >>> pts = gpd.GeoDataFrame({"ref": ["<script>x</script>"]},
    ...                        geometry=gpd.points_from_xy([430000], [430000]), crs=27700)
    >>> m = ib.geo.map(points=pts, popup=["ref"])
    >>> m.layers
    ['Points (1)']
    >>> "<script>x" in m.html, "https://cdn" in m.html
    (False, False)
    """
    import geopandas as gpd

    notes: list[str] = []
    if data is not None:
        if hasattr(data, "to_polygons"):
            kde = data if kde is None else kde
        elif isinstance(data, gpd.GeoDataFrame) and "hotspot" in data.columns:
            hotspots = data if hotspots is None else hotspots
        elif isinstance(data, gpd.GeoDataFrame) and len(data) and bool(
            (data.geom_type == "Point").all()
        ):
            points = data if points is None else points
        elif isinstance(data, gpd.GeoDataFrame) and "count" in data.columns:
            grid = data if grid is None else grid
        elif isinstance(data, gpd.GeoDataFrame):
            areas = data if areas is None else areas
        else:
            raise SchemaError(
                "data: expected a GeoDataFrame (points, grid, hotspots, areas) or a density "
                f"surface, received {type(data).__name__}"
            )
    if all(v is None for v in (points, grid, hotspots, kde, areas, boundary)):
        raise SchemaError("map: nothing to draw; pass points, grid, hotspots, kde or areas")
    if int(max_points) < 0:
        raise ParameterError(f"max_points must be >= 0, received {max_points!r}")

    b = _Builder(tiles, attribution)

    if areas is not None:
        a = _geo(areas, "areas", notes)
        if value is not None:
            if value not in a.columns:
                raise SchemaError(f"value={value!r}: not a column of areas")
            cls, bins = _classes(a[value].to_numpy(dtype=float), k, scheme)
            colors = _ramp(_SEQ, len(bins))
            cols = [c for c in (popup or []) if c in a.columns] or [
                c for c in a.columns if c != a.geometry.name][:3]
            if value not in cols:
                cols.append(value)
            fields = {c: a[c].tolist() for c in cols}
            _add_polygons(b, a, f"Areas: {value}", cls, colors, fields, opacity=0.6,
                          stroke="#555555")
            lo = float(np.nanmin(a[value].to_numpy(dtype=float)))
            b.legend.append({"title": f"Areas: {value}",
                             "items": list(zip(colors, _range_labels(bins, lo)))})
        else:
            ll = _ll(a)
            tips = ([_esc(v) for v in a[tooltip].tolist()]
                    if tooltip and tooltip in a.columns else None)
            data_fc = _feature_collection(ll, [None] * len(ll), None, tips)
            b.add("Areas", "geojson", {"data": data_fc, "colors": [], "opacity": 0,
                                       "stroke": "#777777", "weight": 1, "fill": None}, ll)

    if boundary is not None:
        bd = _geo(boundary, "boundary", notes)
        ll = _ll(bd)
        b.add("Boundary", "geojson", {"data": _feature_collection(ll, [None] * len(ll), None, None),
                                      "colors": [], "opacity": 0, "stroke": "#222222",
                                      "weight": 2.5, "fill": None}, ll)

    if kde is not None:
        polys = kde.to_polygons(k=k) if hasattr(kde, "to_polygons") else kde
        polys = _geo(polys, "kde", notes)
        if len(polys) and polys.geom_type.isin(["LineString", "MultiLineString"]).all():
            _add_contours(b, polys)
            polys = polys.iloc[0:0]
    if kde is not None and len(polys):
        band = (polys["band"].to_numpy(dtype=int) if "band" in polys.columns
                else np.arange(len(polys)))
        colors = _ramp(_DENSITY, int(band.max()) + 1) if len(band) else []
        kde_fields: dict[str, Sequence[Any]] | None = None
        if {"lower", "upper"} <= set(polys.columns):
            kde_fields = {"density from": polys["lower"].tolist(),
                          "density to": polys["upper"].tolist()}
            items = [(colors[int(bn)], f"{lo:,.3g} to {hi:,.3g}") for bn, lo, hi
                     in zip(band, polys["lower"], polys["upper"])]
        else:
            items = [(colors[int(bn)], f"band {int(bn)}") for bn in band]
        _add_polygons(b, polys, "Density (KDE)", band, colors, kde_fields, opacity=0.55,
                      weight=0.0)
        b.legend.append({"title": "Density (KDE)", "items": items})

    if grid is not None:
        g = _geo(grid, "grid", notes)
        if "count" not in g.columns:
            raise SchemaError("grid: expected a 'count' column")
        g = g[g["count"].to_numpy() > 0]
        cls, bins = _classes(g["count"].to_numpy(dtype=float), k, scheme)
        colors = _ramp(_SEQ, len(bins))
        _add_polygons(b, g, "Grid counts", cls, colors, {"count": g["count"].tolist()},
                      opacity=0.65, weight=0.3)
        b.legend.append({"title": "Grid counts",
                         "items": list(zip(colors, _range_labels(bins, 1.0, integer=True)))})

    if hotspots is not None:
        h = _geo(hotspots, "hotspots", notes)
        labels = h["hotspot"].astype(str).str.lower().to_numpy()
        keep = np.isin(labels, list(HOTSPOT_COLOURS))
        h, labels = h[keep], labels[keep]
        order = [c for c in HOTSPOT_COLOURS if c in set(labels)]
        cls = np.array([order.index(v) for v in labels], dtype=int)
        hs_fields: dict[str, Sequence[Any]] = {"class": labels.tolist()}
        for col in ("count", "gi_star", "p_value", "q_value"):
            if col in h.columns:
                hs_fields[col] = np.round(h[col].to_numpy(dtype=float), 4).tolist()
        _add_polygons(b, h, "Hotspots (Gi*)", cls, [HOTSPOT_COLOURS[c] for c in order],
                      hs_fields, opacity=0.7, weight=0.3)
        b.legend.append({"title": "Hotspots (Gi*)",
                         "items": [(HOTSPOT_COLOURS[c], c) for c in order]})
        notes.append(f"hotspots: {len(h)} significant cells drawn; not-significant cells left out")

    if points is not None:
        p = _geo(points, "points", notes)
        geoms = p.geometry
        ok = ~(geoms.isna() | geoms.is_empty).to_numpy()
        if (~ok).any():
            notes.append(f"points: {int((~ok).sum())} without a location left out")
        p = p[ok]
        for col in [*(popup or []), *([tooltip] if tooltip else [])]:
            if col not in p.columns:
                raise SchemaError(f"popup/tooltip column {col!r}: not a column of points")
        if len(p) and not bool((p.geom_type == "Point").all()):
            raise SchemaError("points: geometry must be Point")
        if len(p) == 0:
            notes.append("points: no located points to draw")
        elif for_sharing or len(p) > int(max_points):
            proj = _project(p, "points", notes)
            cells, size = _aggregate(proj, cell_size)
            why = "for sharing" if for_sharing else f"more than {int(max_points):,} points"
            notes.append(f"points: {len(p):,} aggregated to {size:g} m cells ({why})")
            cls, bins = _classes(cells["count"].to_numpy(dtype=float), k, scheme)
            colors = _ramp(_SEQ, len(bins))
            name = f"Points per {size:g} m cell ({len(p):,})"
            _add_polygons(b, cells, name, cls, colors, {"count": cells["count"].tolist()},
                          opacity=0.65, weight=0.3)
            labels = _range_labels(bins, 1.0, integer=True)
            b.legend.append({"title": name, "items": list(zip(colors, labels))})
        else:
            ll = _ll(p)
            spec: dict[str, Any] = {"lat": _round(ll.geometry.y), "lon": _round(ll.geometry.x),
                                    "radius": 4 if len(p) < 2000 else 3, "color": "#b2182b"}
            if popup:
                spec["popup"] = _popup_html(p, popup)
            if tooltip:
                spec["tooltip"] = [_esc(v) for v in p[tooltip].tolist()]
            b.add(f"Points ({len(p):,})", "points", spec, ll)

    page = b.finish(title, tiles)
    return MapResult(html=page, layers=b.layers, notes=notes)
