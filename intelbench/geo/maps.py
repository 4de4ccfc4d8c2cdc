"""Offline folium maps of points, grids, hotspots, density and areas, with context.

:func:`map` draws any mix of layers with a legend, a layer control, the marking banner top
and bottom, and reference layers (roads, buildings, place names) beneath the analysis. The
page works with no network: Leaflet comes from XStatic-Leaflet and is inlined, folium's other
CDN assets are removed, and there is no tile layer unless a force's internal tile server is
named. Every string the caller supplies (titles, column names, values, attribution) travels
in one script-safe JSON payload and is drawn as text, never parsed as HTML or as a template.
Above ``max_points`` points, or for maps meant for sharing, points are aggregated to a grid.
folium is imported only when a map is drawn; :func:`intelbench.geo.print_map` draws the same
layers as a static print layout with matplotlib.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from intelbench.exceptions import ParameterError, SchemaError
from intelbench.geo._mapcontext import (
    add_labels,
    add_reference,
    area_label_frame,
    load_reference,
    name_column,
    place_label_frame,
)
from intelbench.geo._maplayers import (
    _DENSITY,
    _SEQ,
    HOTSPOT_COLOURS,
    Builder,
    add_contours,
    add_polygons,
    aggregate,
    classes,
    column_title,
    geo,
    num,
    p_text,
    popup_spec,
    project,
    ramp,
    range_labels,
    round6,
    text,
    to_wgs84,
)
from intelbench.geo.reference import as_references, check_tiles

__all__ = ["DEFAULT_MARKING", "HOTSPOT_COLOURS", "HOTSPOT_NAMES", "MapResult", "map"]

#: The banner of a map made without ``marking=``: a working copy inside the force.
DEFAULT_MARKING = "OFFICIAL-SENSITIVE | working copy - not for dissemination"
#: How the Gi* classes read in legends and popups.
HOTSPOT_NAMES = {
    "hot 99%": "Hot spot, 99% confidence",
    "hot 95%": "Hot spot, 95% confidence",
    "hot 90%": "Hot spot, 90% confidence",
    "cold 90%": "Cold spot, 90% confidence",
    "cold 95%": "Cold spot, 95% confidence",
    "cold 99%": "Cold spot, 99% confidence",
}
_PER_KM2 = {"per_m2": 1e6, "per_km2": 1.0, "per_ha": 100.0}


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
    marking : str
        The banner shown top and bottom.
    """

    html: str
    layers: list[str]
    notes: list[str] = field(default_factory=list)
    marking: str = DEFAULT_MARKING
    title: str | None = None
    source: str | None = None
    printable: dict[str, Any] = field(default_factory=dict)

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


def _extent(frames: list[Any]) -> tuple[float, float, float, float] | None:
    """Bounds of the given layers in EPSG:27700 (None if nothing has a location)."""
    boxes = []
    for f in frames:
        if f is None or not len(f):
            continue
        g = f.to_crs(27700) if f.crs is not None and f.crs.to_epsg() != 27700 else f
        b = np.asarray(g.total_bounds, dtype=float)
        if np.all(np.isfinite(b)):
            boxes.append(b)
    if not boxes:
        return None
    m = np.vstack(boxes)
    return (float(m[:, 0].min()), float(m[:, 1].min()), float(m[:, 2].max()),
            float(m[:, 3].max()))


def _density_bands(kde: Any, k: int, notes: list[str]) -> tuple[Any, str]:
    """Bands of a density surface in incidents per km², with round class breaks."""
    units = str(getattr(kde, "units", ""))
    factor = _PER_KM2.get(units)
    if units == "per_cell":
        factor = 1e6 / float(kde.cell_size) ** 2
    if factor is None or not hasattr(kde, "values"):
        return kde.to_polygons(k=k), ""
    vals = np.asarray(kde.values, dtype=float).ravel() * factor
    vals = vals[np.isfinite(vals) & (vals > 0)]
    if not vals.size:
        raise SchemaError("kde: the surface is zero everywhere; there is nothing to map")
    floor = 0.02 * float(vals.max())
    qs = np.quantile(vals[vals >= floor], np.linspace(0, 1, int(k) + 1)[:-1])
    levels = np.unique([float(f"{q:.2g}") for q in qs])
    levels = levels[levels > 0]
    notes.append(f"density: cells under {num(float(levels[0]), 2)} incidents per km² "
                 "(the kernel's tails) not shaded")
    polys = kde.to_polygons(levels=levels / factor)
    polys = polys.assign(lower=polys["lower"] * factor, upper=polys["upper"] * factor)
    return polys, " per km²"


def _band_labels(lower: Sequence[float], upper: Sequence[float], unit: str) -> list[str]:
    out = []
    for lo, hi in zip(lower, upper):
        if not np.isfinite(hi):
            out.append(f"{num(lo, 2)} or more{unit}")
        else:
            out.append(f"{num(lo, 2)} to {num(hi, 2)}{unit}")
    return out


def _hotspot_popup(h: Any, labels: np.ndarray) -> dict[str, Any]:
    fields: dict[str, Sequence[Any]] = {}
    count = (h["count"].to_numpy(dtype=float) if "count" in h.columns
             else np.full(len(h), np.nan))
    if "count" in h.columns:
        fields["Incidents in cell"] = [None if not np.isfinite(c) else int(c) for c in count]
    if "gi_star" in h.columns:
        fields["Gi* z-score"] = [f"{z:.2f}" for z in h["gi_star"].to_numpy(dtype=float)]
    if "p_value" in h.columns:
        fields["p-value"] = [p_text(p) for p in h["p_value"].to_numpy(dtype=float)]
    if "q_value" in h.columns:
        fields["q-value (FDR)"] = [p_text(q) for q in h["q_value"].to_numpy(dtype=float)]
    notes: list[str | None] = []
    for lab, c in zip(labels, count):
        if lab.startswith("hot") and c == 0:
            notes.append("No incidents in this cell; hot because of its neighbours.")
        elif lab.startswith("cold") and c > 0:
            notes.append("Fewer incidents here and around it than across the area.")
        else:
            notes.append(None)
    return popup_spec(fields, [HOTSPOT_NAMES[v] for v in labels], notes)


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
    label: str | bool | None = None,
    reference: Any = None,
    tiles: str | None = None,
    attribution: str | None = None,
    marking: str = DEFAULT_MARKING,
    source: str | None = None,
    for_sharing: bool = False,
    max_points: int = 10_000,
    cell_size: float | None = None,
    title: str | None = None,
) -> MapResult:
    """Draw an offline map of points, grids, hotspots, density and areas, with context.

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
        act as the basemap. Their names are drawn as labels (see ``label``).
    boundary : GeoDataFrame, optional
        An outline (force, sector) drawn on top of the areas.
    value : str, optional
        Column of ``areas`` to shade (for example a rate per 1,000 residents).
    scheme : {"quantiles", "natural_breaks", "fisher_jenks", "equal_interval"}
        mapclassify scheme for grids and areas.
    k : int
        Number of classes.
    popup : sequence of str, optional
        Columns of ``points`` to show in popups (those present in ``areas`` are used there
        too); shown as text.
    tooltip : str, optional
        Column of ``points`` shown on hover (and of ``areas`` if present there), as text.
    label : str or bool, optional
        Column of ``areas`` whose values label the polygons (default: the first of
        ``area_name``, ``name``, ``lsoa_name``, ... present); ``False`` for no labels.
    reference : path, Reference, GeoDataFrame, TileServer or a list of them, optional
        Context drawn beneath the analysis: GeoPackages a force supplies (roads, buildings,
        places; read clipped to the map's extent, see :func:`read_reference`), place frames
        (``name``, ``kind``, e.g. from :func:`area_places`) or a force's internal
        :class:`TileServer`. There is never a default tile server.
    tiles : str, optional
        An internal tile URL template (``https://tiles.force.local/{z}/{x}/{y}.png``), the same
        as ``reference=TileServer(tiles, attribution)``.
    attribution : str, optional
        Attribution for ``tiles`` (shown as text).
    marking : str
        The banner drawn top and bottom of the page (default :data:`DEFAULT_MARKING`).
    source : str, optional
        Data source, shown with the production date at the bottom left and on print layouts.
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
        ``.html``, ``.save(path)``, ``.layers`` and ``.notes`` (print it with
        :func:`intelbench.geo.print_map`); shows inline in notebooks through an
        ``<iframe srcdoc>``.

    Raises
    ------
    CRSError
        A layer has no CRS.
    SchemaError
        Nothing to draw, or a layer of the wrong kind.
    ParameterError
        An empty marking, a bad tile URL or reference.

    Examples
    --------
    >>> import geopandas as gpd
    >>> pts = gpd.GeoDataFrame({"ref": ["<script>x</script>"]},
    ...                        geometry=gpd.points_from_xy([430000], [430000]), crs=27700)
    >>> m = ib.geo.map(points=pts, popup=["ref"])
    >>> m.layers
    ['Points (1)']
    >>> "<script>x" in m.html, "https://cdn" in m.html, m.marking in m.html
    (False, False, True)
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
    if not isinstance(marking, str) or not marking.strip():
        raise ParameterError("marking: every map carries a marking banner; give its text "
                             f"(e.g. {DEFAULT_MARKING!r}), received {marking!r}")
    refs, server = as_references(reference)
    if tiles is not None:
        if server is not None:
            raise ParameterError("give the tile server once: tiles= or reference=TileServer")
        check_tiles(tiles)
    elif server is not None:
        tiles, attribution = server.url, server.attribution

    b = Builder()
    printable: dict[str, Any] = {"layers": [], "labels": [], "reference": []}
    layers_given = [x for x in (points, grid, hotspots, areas, boundary) if x is not None]
    for x in layers_given:
        geo(x, "layer", notes)
    kde_frame = None if kde is None or hasattr(kde, "to_polygons") else kde
    extent = _extent([*layers_given, kde_frame] if kde_frame is not None else layers_given)
    if extent is None and kde is not None and hasattr(kde, "to_frame"):
        extent = _extent([kde.to_frame(drop_zero=True)])
    ref_layers = load_reference(refs, extent, notes) if refs else []
    if ref_layers:
        add_reference(b, ref_layers)
        printable["reference"] = ref_layers
    label_frames = []
    item: dict[str, Any]

    if areas is not None:
        a = geo(areas, "areas", notes)
        name_col = name_column(a, label)
        if name_col is not None and name_col not in a.columns:
            raise SchemaError(f"label={name_col!r}: not a column of areas; got "
                              f"{[str(c) for c in a.columns]}")
        heading = a[name_col].tolist() if name_col else None
        tips = ([text(v) for v in a[tooltip].tolist()]
                if tooltip and tooltip in a.columns else None)
        if value is not None:
            if value not in a.columns:
                raise SchemaError(f"value={value!r}: not a column of areas")
            vals = a[value].to_numpy(dtype=float)
            cls, bins = classes(vals, k, scheme)
            colors = ramp(_SEQ, len(bins))
            cols = [c for c in (popup or []) if c in a.columns]
            fields = {str(c): a[c].tolist() for c in cols if c != name_col}
            fields[str(value)] = [None if not np.isfinite(v) else num(float(v)) for v in vals]
            ok = np.isfinite(vals)
            cls_l: list[int | None] = [int(c) if o else None for c, o in zip(cls, ok)]
            add_polygons(b, a, f"Areas: {column_title(value)}", cls_l, colors,
                         popup_spec(fields, heading), opacity=0.6, stroke="#555555",
                         tooltip=tips, fill=None)
            lo = float(np.nanmin(vals)) if ok.any() else 0.0
            whole = bool(ok.any()) and bool(np.all(vals[ok] == np.round(vals[ok])))
            item = {"title": f"Areas: {column_title(value)}",
                    "items": list(zip(colors, range_labels(bins, lo, integer=whole)))}
            b.legend.append(item)
            printable["layers"].append({"frame": a, "colors": [
                colors[c] if c is not None else "none" for c in cls_l], "alpha": 0.6,
                "edge": "#555555", "legend": item})
        else:
            fields = {str(c): a[c].tolist() for c in (popup or []) if c in a.columns}
            pop = popup_spec(fields, heading) if (fields or heading) else None
            add_polygons(b, a, "Areas", [None] * len(a), [], pop, opacity=0,
                         stroke="#777777", weight=1, tooltip=tips)
            printable["layers"].append({"frame": a, "colors": ["none"] * len(a), "alpha": 1.0,
                                        "edge": "#777777", "legend": None})
        if name_col:
            label_frames.append(("Area names", area_label_frame(a, name_col)))

    if boundary is not None:
        bd = geo(boundary, "boundary", notes)
        add_polygons(b, bd, "Boundary", [None] * len(bd), [], None, opacity=0,
                     stroke="#222222", weight=2.5)
        printable["layers"].append({"frame": bd, "colors": ["none"] * len(bd), "alpha": 1.0,
                                    "edge": "#222222", "width": 1.6, "legend": {
                                        "title": "Outlines", "line": True,
                                        "items": [("#222222", "Boundary")]}})

    if kde is not None:
        unit = ""
        if hasattr(kde, "to_polygons"):
            polys, unit = _density_bands(kde, k, notes)
        else:
            polys = kde
            u = str((getattr(kde, "attrs", {}) or {}).get("density", {}).get("units", ""))
            unit = " per km²" if u == "per_km2" else ""
        polys = geo(polys, "kde", notes)
        if len(polys) and polys.geom_type.isin(["LineString", "MultiLineString"]).all():
            add_contours(b, polys, unit)
            polys = polys.iloc[0:0]
    if kde is not None and len(polys):
        band = (polys["band"].to_numpy(dtype=int) if "band" in polys.columns
                else np.arange(len(polys)))
        colors = ramp(_DENSITY, int(band.max()) + 1) if len(band) else []
        pop = None
        if {"lower", "upper"} <= set(polys.columns):
            labels = _band_labels(polys["lower"], polys["upper"], unit)
            items = [(colors[int(bn)], lab) for bn, lab in zip(band, labels)]
            pop = popup_spec({"Density": labels})
        else:
            items = [(colors[int(bn)], f"band {int(bn) + 1}") for bn in band]
        add_polygons(b, polys, "Density (KDE)", band.tolist(), colors, pop, opacity=0.55,
                     weight=0.0)
        item = {"title": "Density (KDE)", "items": items,
                "subtitle": "incidents per km²" if unit else None}
        b.legend.append(item)
        printable["layers"].append({"frame": polys, "colors": [colors[int(x)] for x in band],
                                    "alpha": 0.6, "edge": "none", "legend": item})

    if grid is not None:
        g = geo(grid, "grid", notes)
        if "count" not in g.columns:
            raise SchemaError("grid: expected a 'count' column")
        g = g[g["count"].to_numpy() > 0]
        cls, bins = classes(g["count"].to_numpy(dtype=float), k, scheme)
        colors = ramp(_SEQ, len(bins))
        add_polygons(b, g, "Grid counts", cls.tolist(), colors,
                     popup_spec({"Incidents in cell": g["count"].tolist()}),
                     opacity=0.65, weight=0.3)
        item = {"title": "Incidents per cell",
                "items": list(zip(colors, range_labels(bins, 1.0, integer=True)))}
        b.legend.append(item)
        printable["layers"].append({"frame": g, "colors": [colors[c] for c in cls],
                                    "alpha": 0.7, "edge": "none", "legend": item})

    if hotspots is not None:
        h = geo(hotspots, "hotspots", notes)
        labels = h["hotspot"].astype(str).str.lower().to_numpy()
        keep = np.isin(labels, list(HOTSPOT_COLOURS))
        h, labels = h[keep], labels[keep]
        order = [c for c in HOTSPOT_COLOURS if c in set(labels)]
        cls = np.array([order.index(v) for v in labels], dtype=int)
        add_polygons(b, h, "Hotspots (Gi*)", cls.tolist(), [HOTSPOT_COLOURS[c] for c in order],
                     _hotspot_popup(h, labels), opacity=0.7, weight=0.3)
        item = {"title": "Hotspots (Gi*)",
                "items": [(HOTSPOT_COLOURS[c], HOTSPOT_NAMES[c]) for c in order]}
        b.legend.append(item)
        printable["layers"].append({"frame": h, "colors": [HOTSPOT_COLOURS[v] for v in labels],
                                    "alpha": 0.8, "edge": "none", "legend": item})
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
            add_polygons(b, cells, name, cls.tolist(), colors,
                         popup_spec({"Incidents in cell": cells["count"].tolist()}),
                         opacity=0.65, weight=0.3)
            item = {"title": f"Incidents per {size:g} m cell",
                    "items": list(zip(colors, range_labels(bins, 1.0, integer=True)))}
            b.legend.append(item)
            printable["layers"].append({"frame": cells, "colors": [colors[c] for c in cls],
                                        "alpha": 0.7, "edge": "none", "legend": item})
        else:
            ll = to_wgs84(p)
            spec: dict[str, Any] = {"lat": round6(ll.geometry.y), "lon": round6(ll.geometry.x),
                                    "radius": 4 if len(p) < 2000 else 3, "color": "#b2182b"}
            if popup:
                spec["popup"] = popup_spec({str(c): p[c].tolist() for c in popup})
            if tooltip:
                spec["tooltip"] = [text(v) for v in p[tooltip].tolist()]
            b.add(f"Points ({len(p):,})", "points", spec, ll)
            item = {"title": "Points", "items": [("#b2182b", f"{len(p):,} located")]}
            printable["layers"].append({"frame": p, "colors": ["#b2182b"] * len(p),
                                        "alpha": 0.8, "edge": "none", "legend": item})

    places = place_label_frame(ref_layers)
    if places is not None:
        add_labels(b, "Place names", places)
        printable["labels"].append(places)
    for name, frame in label_frames:
        add_labels(b, name, frame)
        printable["labels"].append(frame)
    src = source
    ref_src = "; ".join(r.source for r in ref_layers if r.source)
    today = dt.date.today().isoformat()
    line = " | ".join(x for x in (f"Source: {src}" if src else "",
                                  f"Context: {ref_src}" if ref_src else "",
                                  f"Produced {today}") if x)
    page = b.finish(title=title, tiles=tiles, attribution=attribution, marking=marking,
                    source=line)
    printable["source"] = line
    return MapResult(html=page, layers=b.layers, notes=notes, marking=marking, title=title,
                     source=src, printable=printable)
