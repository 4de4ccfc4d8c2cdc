"""Print layouts of maps for profiles and DOCX: a static matplotlib page an analyst can brief from.

:func:`print_map` draws the layers of an :func:`intelbench.geo.map` (or a GeoDataFrame) with
their reference layers (roads, buildings, place and area names), a title, a legend, a scale
bar, a north arrow, the marking top and bottom, the data source and the date. matplotlib is
imported only inside the drawing functions; nothing is fetched from anywhere.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import numpy as np

from intelbench.exceptions import SchemaError

__all__ = ["A4_LANDSCAPE", "print_map", "scale_bar_length"]

#: Figure size of an A4 landscape page, in inches.
A4_LANDSCAPE = (11.69, 8.27)
_MARK_RED = "#b00000"
_ROAD_PRINT = {"motorway": 1.6, "a_road": 1.2, "b_road": 0.8, "minor": 0.5, "local": 0.3}


def scale_bar_length(map_width_m: float) -> float:
    """Return a round scale-bar length (1, 2 or 5 × 10^n m) near a fifth of the map width.

    >>> scale_bar_length(31_000), scale_bar_length(4_200), scale_bar_length(120_000)
    (5000.0, 500.0, 20000.0)
    """
    target = max(float(map_width_m), 1.0) / 5.0
    exp = 10.0 ** math.floor(math.log10(target))
    best = exp
    for m in (1.0, 2.0, 5.0, 10.0):
        if m * exp <= target:
            best = m * exp
    return float(best)


def _bng(frame: Any) -> Any:
    if frame.crs is None:
        raise SchemaError("print_map: a layer has no CRS")
    return frame.to_crs(27700) if frame.crs.to_epsg() != 27700 else frame


def _polys(ax: Any, frame: Any, colors: list[str], alpha: float, edge: str,
           width: float = 0.4, z: float = 2) -> None:
    import shapely
    from matplotlib.collections import PolyCollection

    geoms = np.asarray(frame.geometry.values)
    verts, cols = [], []
    for g, c in zip(geoms, colors):
        if g is None or g.is_empty:
            continue
        for part in shapely.get_parts(g):
            if part.geom_type != "Polygon":
                continue
            verts.append(np.asarray(part.exterior.coords)[:, :2])
            cols.append(c)
    if not verts:
        return
    from matplotlib.colors import to_rgba

    faces = [to_rgba(c, alpha) if c != "none" else (0.0, 0.0, 0.0, 0.0) for c in cols]
    pc = PolyCollection(verts, facecolors=faces,
                        edgecolors=edge if edge != "none" else faces,
                        linewidths=width if edge != "none" else 0.3, zorder=z)
    ax.add_collection(pc)


def _lines(ax: Any, frame: Any, color: str, width: float, z: float) -> None:
    import shapely
    from matplotlib.collections import LineCollection

    segs = [np.asarray(p.coords)[:, :2] for g in frame.geometry.values if g is not None
            for p in shapely.get_parts(g) if p.geom_type == "LineString"]
    if segs:
        ax.add_collection(LineCollection(segs, colors=color, linewidths=width, zorder=z,
                                         capstyle="round"))


def _free(box: tuple[float, float, float, float], taken: list[tuple[float, ...]]) -> bool:
    return all(box[2] <= o[0] or box[0] >= o[2] or box[3] <= o[1] or box[1] >= o[3]
               for o in taken)


def _labels(ax: Any, frames: list[Any], extent: tuple[float, float, float, float],
            m_per_pt: float) -> int:
    """Names by priority (places, then areas that are big enough), none overlapping."""
    import matplotlib.patheffects as pe

    style = {"city": (11, "bold", "#111"), "district": (10.5, "bold", "#111"),
             "town": (10, "bold", "#222"), "village": (7.5, "normal", "#333"),
             "suburb": (7, "normal", "#333"), "hamlet": (6.5, "normal", "#444"),
             "area": (5.5, "normal", "#555")}
    order = list(style)
    taken: list[tuple[float, ...]] = []
    drawn = 0
    halo = [pe.withStroke(linewidth=2.2, foreground="white")]
    for f in frames:
        f = _bng(f)
        f = f.assign(_p=f["cls"].map({k: i for i, k in enumerate(order)}).fillna(len(order)))
        for r in f.sort_values(["_p", "minzoom"], kind="stable").itertuples():
            size, weight, colour = style.get(str(r.cls), style["village"])
            x, y = float(r.geometry.x), float(r.geometry.y)
            if not (extent[0] <= x <= extent[2] and extent[1] <= y <= extent[3]):
                continue
            w = 0.58 * size * len(str(r.text)) * m_per_pt / 2
            h = 0.75 * size * m_per_pt
            if r.cls == "area" and w * 2 > getattr(r, "width", 0.0):
                continue
            box = (x - w, y - h, x + w, y + h)
            if not _free(box, taken):
                continue
            taken.append(box)
            if r.cls in ("city", "town", "village", "hamlet", "suburb"):
                ax.plot([x], [y], marker="o", markersize=2.5 if r.cls in ("city", "town") else 1.8,
                        color=colour, zorder=8)
                y += 0.9 * h
            ax.text(x, y, str(r.text), fontsize=size, fontweight=weight, color=colour,
                    ha="center", va="center", zorder=8, path_effects=halo,
                    fontstyle="italic" if r.cls == "area" else "normal", clip_on=True)
            drawn += 1
    return drawn


def _scale_bar(ax: Any, extent: tuple[float, float, float, float]) -> None:
    from matplotlib.patches import Rectangle

    width = extent[2] - extent[0]
    length = scale_bar_length(width)
    x0 = extent[0] + 0.04 * width
    y0 = extent[1] + 0.04 * (extent[3] - extent[1])
    h = 0.012 * (extent[3] - extent[1])
    for i in range(4):
        ax.add_patch(Rectangle((x0 + i * length / 4, y0), length / 4, h, zorder=9,
                               facecolor="#111" if i % 2 == 0 else "white",
                               edgecolor="#111", linewidth=0.6))
    unit = (lambda v: f"{v / 1000:g} km") if length >= 1000 else (lambda v: f"{v:g} m")
    for v in (0.0, length / 2, length):
        ax.text(x0 + v, y0 + 1.6 * h, unit(v) if v else "0", fontsize=7, ha="center",
                va="bottom", zorder=9)


def _north_arrow(ax: Any) -> None:
    ax.annotate("", xy=(0.955, 0.95), xytext=(0.955, 0.86), xycoords="axes fraction",
                arrowprops={"arrowstyle": "-|>,head_width=0.5,head_length=0.9",
                            "color": "#111", "linewidth": 1.6}, zorder=9)
    ax.text(0.955, 0.965, "N", transform=ax.transAxes, ha="center", va="bottom",
            fontsize=12, fontweight="bold", zorder=9)


def _legend(lax: Any, items: list[dict[str, Any]], roads: list[str]) -> None:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles: list[Any] = []
    for it in items:
        handles.append(Patch(facecolor="none", edgecolor="none", label=str(it["title"])))
        for colour, label in it["items"]:
            handles.append(Line2D([], [], color=colour, linewidth=1.6, label=f"  {label}")
                           if it.get("line") else
                           Patch(facecolor=colour, edgecolor="#555", linewidth=0.4,
                                 label=f"  {label}"))
        if it.get("subtitle"):
            handles[-len(it["items"]) - 1].set_label(f"{it['title']} ({it['subtitle']})")
    if roads:
        handles.append(Patch(facecolor="none", edgecolor="none", label="Roads"))
        from intelbench.geo.reference import ROAD_CLASSES

        for c in roads:
            handles.append(Line2D([], [], color=ROAD_CLASSES[c][0],
                                  linewidth=_ROAD_PRINT[c] * 2.2,
                                  label="  " + c.replace("_", " ").replace("a road", "A road")
                                  .replace("b road", "B road")))
    lax.set_axis_off()
    if handles:
        leg = lax.legend(handles=handles, loc="upper left", frameon=False, fontsize=8,
                         handlelength=1.6, title="Legend", title_fontsize=10,
                         alignment="left")
        for t in leg.get_texts():
            if not t.get_text().startswith("  "):
                t.set_fontweight("bold")


def print_map(obj: Any, column: str | None = None, *, title: str | None = None,
              marking: str | None = None, source: str | None = None,
              date: dt.date | str | None = None, reference: Any = None,
              figsize: tuple[float, float] = A4_LANDSCAPE) -> Any:
    """Draw a print layout of a map: title, legend, scale bar, north arrow, marking, source.

    Parameters
    ----------
    obj : MapResult or GeoDataFrame
        A map from :func:`intelbench.geo.map` (its layers and reference layers are drawn),
        or a GeoDataFrame, mapped first with ``ib.geo.map`` (Gi* output as hotspots; with
        ``column``, areas shaded by that column).
    column : str, optional
        For a GeoDataFrame: the column to shade.
    title : str, optional
        Title (default: the map's title).
    marking : str, optional
        Marking printed top and bottom (default: the map's marking).
    source : str, optional
        Data source line (default: the map's source and context line).
    date : date or str, optional
        Production date (default: today).
    reference : optional
        For a GeoDataFrame: reference layers, as ``ib.geo.map(reference=...)``.
    figsize : tuple of float
        Page size in inches (A4 landscape by default).

    Returns
    -------
    matplotlib.figure.Figure
        The page, with ``fig.ib_layout`` naming what was drawn (labels, scale bar length).

    Raises
    ------
    SchemaError
        If there is nothing with a location to draw.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> a = gpd.GeoDataFrame({"area_name": ["North", "South"], "rate": [2.0, 5.0]},
    ...                      geometry=[shapely.box(0, 0, 4000, 4000),
    ...                                shapely.box(0, 4000, 4000, 8000)], crs=27700)
    >>> fig = ib.geo.print_map(a, "rate", title="Rate", source="test", date="2026-01-02")
    >>> fig.ib_layout["scale_bar_m"], fig.ib_layout["marking"].startswith("OFFICIAL")
    (2000.0, True)
    """
    from matplotlib.figure import Figure
    from matplotlib.patches import Rectangle

    if not hasattr(obj, "printable"):
        from intelbench.geo.maps import DEFAULT_MARKING
        from intelbench.geo.maps import map as geo_map

        obj = (geo_map(areas=obj, value=column, reference=reference, title=title,
                       marking=marking or DEFAULT_MARKING, source=source)
               if column is not None else
               geo_map(obj, reference=reference, title=title,
                       marking=marking or DEFAULT_MARKING, source=source))
    spec = obj.printable
    layers = spec.get("layers", [])
    frames = [_bng(ly["frame"]) for ly in layers if len(ly["frame"])]
    if not frames:
        raise SchemaError("print_map: nothing with a location to draw")
    b = np.vstack([np.asarray(f.total_bounds, dtype=float) for f in frames])
    ext = [b[:, 0].min(), b[:, 1].min(), b[:, 2].max(), b[:, 3].max()]
    pad = 0.03 * max(ext[2] - ext[0], ext[3] - ext[1], 500.0)
    ext = [ext[0] - pad, ext[1] - pad, ext[2] + pad, ext[3] + pad]

    fig = Figure(figsize=figsize)
    page_w, page_h = figsize
    mark = marking or getattr(obj, "marking", None) or ""
    band = 0.32 / page_h
    for y0 in (1 - band, 0.0):
        fig.patches.append(Rectangle((0, y0), 1, band, transform=fig.transFigure,
                                     facecolor=_MARK_RED, edgecolor="none", zorder=0))
        fig.text(0.5, y0 + band / 2, mark, color="white", ha="center", va="center",
                 fontsize=10, fontweight="bold")
    ttl = title or getattr(obj, "title", None) or "Map"
    fig.text(0.03, 1 - band - 0.045, ttl, fontsize=15, fontweight="bold", va="center")
    # map frame: fit the extent's aspect into the space left of the legend
    box = (0.03, band + 0.06, 0.72, 1 - 2 * band - 0.14)
    ax = fig.add_axes(box)
    aw, ah = box[2] * page_w, box[3] * page_h
    ew, eh = ext[2] - ext[0], ext[3] - ext[1]
    if ew / eh > aw / ah:
        grow = (ew * ah / aw - eh) / 2
        ext[1], ext[3] = ext[1] - grow, ext[3] + grow
    else:
        grow = (eh * aw / ah - ew) / 2
        ext[0], ext[2] = ext[0] - grow, ext[2] + grow
    ax.set_xlim(ext[0], ext[2])
    ax.set_ylim(ext[1], ext[3])
    ax.set_aspect("equal")
    ax.set_facecolor("#f4f4f0")
    ax.set_xticks([])
    ax.set_yticks([])
    for s in ax.spines.values():
        s.set_linewidth(0.8)
    m_per_pt = (ext[2] - ext[0]) / (aw * 72)

    road_classes: list[str] = []
    for ref in spec.get("reference", []):
        if ref.buildings is not None and len(ref.buildings):
            _polys(ax, _bng(ref.buildings), ["#d9d4cc"] * len(ref.buildings), 0.9, "none", z=1)
        if ref.roads is not None and len(ref.roads):
            roads = _bng(ref.roads)
            for c in reversed(list(_ROAD_PRINT)):
                sel = roads[roads["road_class"] == c]
                if len(sel):
                    from intelbench.geo.reference import ROAD_CLASSES

                    _lines(ax, sel, ROAD_CLASSES[c][0], _ROAD_PRINT[c], 1.5)
                    road_classes.append(c)
    legend_items = []
    for z, ly in enumerate(layers):
        f = _bng(ly["frame"])
        if not len(f):
            continue
        if bool((f.geom_type == "Point").all()):
            ax.scatter(f.geometry.x, f.geometry.y, s=6, c=ly["colors"], alpha=ly["alpha"],
                       zorder=3 + z, linewidths=0)
        else:
            _polys(ax, f, ly["colors"], ly["alpha"], ly.get("edge", "none"),
                   ly.get("width", 0.4), 2 + z)
        if ly.get("legend"):
            legend_items.append(ly["legend"])
    label_frames = []
    for lf in spec.get("labels", []):
        lf = _bng(lf)
        if "cls" in lf.columns and (lf["cls"] == "area").any():
            width = _area_widths(layers, lf)
            lf = lf.assign(width=width)
        label_frames.append(lf)
    # places before area names
    label_frames.sort(key=lambda f: 1 if (f["cls"] == "area").all() else 0)
    n_labels = _labels(ax, label_frames, tuple(ext), m_per_pt)
    _scale_bar(ax, tuple(ext))
    _north_arrow(ax)
    lax = fig.add_axes((0.77, band + 0.06, 0.21, 1 - 2 * band - 0.14))
    _legend(lax, legend_items, [c for c in _ROAD_PRINT if c in road_classes])
    day = date if isinstance(date, str) else (date or dt.date.today()).isoformat()
    src = source or spec.get("source") or ""
    parts = [p for p in str(src).split(" | ") if p and not p.startswith("Produced")]
    line = " | ".join([*parts, f"Produced {day}", "British National Grid (EPSG:27700)"])
    fig.text(0.03, band + 0.02, line, fontsize=7.5, color="#222", va="center")
    layout = {"labels": n_labels, "scale_bar_m": scale_bar_length(ext[2] - ext[0]),
                     "marking": mark, "title": ttl, "source": line,
                     "legend": [it["title"] for it in legend_items], "roads": road_classes}
    fig.ib_layout = layout  # type: ignore[attr-defined]
    return fig


def _area_widths(layers: list[dict[str, Any]], labels: Any) -> np.ndarray:
    """Width in metres of the polygon under each area label (0 if none is found)."""
    import geopandas as gpd

    polys = [_bng(ly["frame"]) for ly in layers if len(ly["frame"])
             and not bool((ly["frame"].geom_type == "Point").all())]
    out = np.zeros(len(labels))
    if not polys:
        return out
    for p in polys:
        j = gpd.sjoin(labels[["geometry"]].reset_index(drop=True), p[["geometry"]],
                      predicate="within", how="inner")
        if len(j):
            b = p.geometry.bounds
            w = (b["maxx"] - b["minx"]).to_numpy()
            pos = p.index.get_indexer(j["index_right"])
            idx = j.index.to_numpy()
            out[idx] = np.maximum(out[idx], w[pos])
            break
    return out
