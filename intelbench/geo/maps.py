"""Offline folium maps of points, grids, hotspots, density and areas.

:func:`map` draws any mix of layers with a legend and a layer control. The page works with
no network: Leaflet comes from XStatic-Leaflet and is inlined, folium's other CDN assets are
removed, and there is no tile layer unless an internal tile URL is given (boundary and area
layers act as the basemap). Every popup and tooltip value is HTML-escaped and embedded as
script-safe JSON. Above ``max_points`` points, or for maps meant for sharing, points are
aggregated to a grid. folium is imported only when a map is drawn.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from intelbench.exceptions import ParameterError, SchemaError
from intelbench.geo._maplayers import (
    _DENSITY,
    _SEQ,
    HOTSPOT_COLOURS,
    Builder,
    add_contours,
    add_polygons,
    aggregate,
    classes,
    esc,
    feature_collection,
    geo,
    popup_html,
    project,
    ramp,
    range_labels,
    round6,
    to_wgs84,
)

__all__ = ["HOTSPOT_COLOURS", "MapResult", "map"]


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

    b = Builder(tiles, attribution)

    if areas is not None:
        a = geo(areas, "areas", notes)
        if value is not None:
            if value not in a.columns:
                raise SchemaError(f"value={value!r}: not a column of areas")
            cls, bins = classes(a[value].to_numpy(dtype=float), k, scheme)
            colors = ramp(_SEQ, len(bins))
            cols = [c for c in (popup or []) if c in a.columns] or [
                c for c in a.columns if c != a.geometry.name][:3]
            if value not in cols:
                cols.append(value)
            fields = {c: a[c].tolist() for c in cols}
            add_polygons(b, a, f"Areas: {value}", cls, colors, fields, opacity=0.6,
                          stroke="#555555")
            lo = float(np.nanmin(a[value].to_numpy(dtype=float)))
            b.legend.append({"title": f"Areas: {value}",
                             "items": list(zip(colors, range_labels(bins, lo)))})
        else:
            ll = to_wgs84(a)
            tips = ([esc(v) for v in a[tooltip].tolist()]
                    if tooltip and tooltip in a.columns else None)
            data_fc = feature_collection(ll, [None] * len(ll), None, tips)
            b.add("Areas", "geojson", {"data": data_fc, "colors": [], "opacity": 0,
                                       "stroke": "#777777", "weight": 1, "fill": None}, ll)

    if boundary is not None:
        bd = geo(boundary, "boundary", notes)
        ll = to_wgs84(bd)
        b.add("Boundary", "geojson", {"data": feature_collection(ll, [None] * len(ll), None, None),
                                      "colors": [], "opacity": 0, "stroke": "#222222",
                                      "weight": 2.5, "fill": None}, ll)

    if kde is not None:
        polys = kde.to_polygons(k=k) if hasattr(kde, "to_polygons") else kde
        polys = geo(polys, "kde", notes)
        if len(polys) and polys.geom_type.isin(["LineString", "MultiLineString"]).all():
            add_contours(b, polys)
            polys = polys.iloc[0:0]
    if kde is not None and len(polys):
        band = (polys["band"].to_numpy(dtype=int) if "band" in polys.columns
                else np.arange(len(polys)))
        colors = ramp(_DENSITY, int(band.max()) + 1) if len(band) else []
        kde_fields: dict[str, Sequence[Any]] | None = None
        if {"lower", "upper"} <= set(polys.columns):
            kde_fields = {"density from": polys["lower"].tolist(),
                          "density to": polys["upper"].tolist()}
            items = [(colors[int(bn)], f"{lo:,.3g} to {hi:,.3g}") for bn, lo, hi
                     in zip(band, polys["lower"], polys["upper"])]
        else:
            items = [(colors[int(bn)], f"band {int(bn)}") for bn in band]
        add_polygons(b, polys, "Density (KDE)", band, colors, kde_fields, opacity=0.55,
                      weight=0.0)
        b.legend.append({"title": "Density (KDE)", "items": items})

    if grid is not None:
        g = geo(grid, "grid", notes)
        if "count" not in g.columns:
            raise SchemaError("grid: expected a 'count' column")
        g = g[g["count"].to_numpy() > 0]
        cls, bins = classes(g["count"].to_numpy(dtype=float), k, scheme)
        colors = ramp(_SEQ, len(bins))
        add_polygons(b, g, "Grid counts", cls, colors, {"count": g["count"].tolist()},
                      opacity=0.65, weight=0.3)
        b.legend.append({"title": "Grid counts",
                         "items": list(zip(colors, range_labels(bins, 1.0, integer=True)))})

    if hotspots is not None:
        h = geo(hotspots, "hotspots", notes)
        labels = h["hotspot"].astype(str).str.lower().to_numpy()
        keep = np.isin(labels, list(HOTSPOT_COLOURS))
        h, labels = h[keep], labels[keep]
        order = [c for c in HOTSPOT_COLOURS if c in set(labels)]
        cls = np.array([order.index(v) for v in labels], dtype=int)
        hs_fields: dict[str, Sequence[Any]] = {"class": labels.tolist()}
        for col in ("count", "gi_star", "p_value", "q_value"):
            if col in h.columns:
                hs_fields[col] = np.round(h[col].to_numpy(dtype=float), 4).tolist()
        add_polygons(b, h, "Hotspots (Gi*)", cls, [HOTSPOT_COLOURS[c] for c in order],
                      hs_fields, opacity=0.7, weight=0.3)
        b.legend.append({"title": "Hotspots (Gi*)",
                         "items": [(HOTSPOT_COLOURS[c], c) for c in order]})
        notes.append(f"hotspots: {len(h)} significant cells drawn; not-significant cells left out")

    if points is not None:
        p = geo(points, "points", notes)
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
            proj = project(p, "points", notes)
            cells, size = aggregate(proj, cell_size)
            why = "for sharing" if for_sharing else f"more than {int(max_points):,} points"
            notes.append(f"points: {len(p):,} aggregated to {size:g} m cells ({why})")
            cls, bins = classes(cells["count"].to_numpy(dtype=float), k, scheme)
            colors = ramp(_SEQ, len(bins))
            name = f"Points per {size:g} m cell ({len(p):,})"
            add_polygons(b, cells, name, cls, colors, {"count": cells["count"].tolist()},
                          opacity=0.65, weight=0.3)
            labels = range_labels(bins, 1.0, integer=True)
            b.legend.append({"title": name, "items": list(zip(colors, labels))})
        else:
            ll = to_wgs84(p)
            spec: dict[str, Any] = {"lat": round6(ll.geometry.y), "lon": round6(ll.geometry.x),
                                    "radius": 4 if len(p) < 2000 else 3, "color": "#b2182b"}
            if popup:
                spec["popup"] = popup_html(p, popup)
            if tooltip:
                spec["tooltip"] = [esc(v) for v in p[tooltip].tolist()]
            b.add(f"Points ({len(p):,})", "points", spec, ll)

    page = b.finish(title, tiles)
    return MapResult(html=page, layers=b.layers, notes=notes)
