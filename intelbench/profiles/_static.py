"""Static (printable) pictures of profile figures: matplotlib only, no browser, no network."""

from __future__ import annotations

import io
from typing import Any

import pandas as pd

from intelbench.exceptions import ProfileError
from intelbench.network.node_types import NODE_TYPES, OTHER_COLOUR
from intelbench.profiles._parts import FigureItem, figure_kind

__all__ = ["figure_png", "static_figure"]

_TYPE_COLOURS = {t: n.colour for t, n in NODE_TYPES.items()}


def _simple_polygons(gdf: Any) -> bool:
    import shapely

    geoms = gdf.geometry.values
    return bool(len(geoms)) and bool(
        (shapely.get_type_id(geoms) == 3).all()
        and (shapely.get_num_interior_rings(geoms) == 0).all())


def _fast_polygons(fig: Any, ax: Any, gdf: Any, column: str) -> None:
    """Shade many simple polygons (grid cells) as one PolyCollection (vectorised)."""
    import numpy as np
    import shapely
    from matplotlib.collections import PolyCollection

    ext = shapely.get_exterior_ring(gdf.geometry.values)
    coords, idx = shapely.get_coordinates(ext, return_index=True)
    verts = np.split(coords, np.flatnonzero(np.diff(idx)) + 1)
    values = np.ma.masked_invalid(pd.to_numeric(gdf[column], errors="coerce").to_numpy(float))
    dense = len(verts) > 2000  # grid lines would hide the shading
    pc = PolyCollection(verts, array=values, cmap="OrRd", edgecolors="face" if dense else "#666",
                        linewidths=0 if dense else 0.2)
    ax.add_collection(pc)
    ax.set_xlim(coords[:, 0].min(), coords[:, 0].max())
    ax.set_ylim(coords[:, 1].min(), coords[:, 1].max())
    ax.set_aspect("equal")
    fig.colorbar(pc, ax=ax, shrink=0.7, label=column)


def _geo_figure(gdf: Any, column: str | None, title: str) -> Any:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(7, 6))
    ax = fig.add_subplot(1, 1, 1)
    if column is not None and column not in gdf.columns:
        raise ProfileError(f"figure {title!r} column: expected one of "
                           f"{', '.join(map(str, gdf.columns))}; got {column!r}")
    if column is not None and _simple_polygons(gdf):
        _fast_polygons(fig, ax, gdf, column)
    elif column is not None:
        gdf.plot(ax=ax, column=column, legend=True, cmap="OrRd", edgecolor="#666",
                 linewidth=0.2)
    else:
        gdf.plot(ax=ax, facecolor="none", edgecolor="#333", linewidth=0.5)
    ax.set_axis_off()
    ax.set_title(title)
    return fig


def _link_figure(chart: Any, title: str) -> Any:
    """Draw a link chart from its laid-out nodes and edges; persons labelled by id only."""
    from matplotlib.figure import Figure

    nodes, edges = chart.nodes, chart.edges
    for col in ("id", "x", "y"):
        if col not in nodes.columns:
            raise ProfileError(f"figure {title!r}: link chart nodes need column {col!r}; got "
                               f"{', '.join(map(str, nodes.columns))}")
    fig = Figure(figsize=(7, 6))
    ax = fig.add_subplot(1, 1, 1)
    pos = {str(r.id): (float(r.x), -float(r.y)) for r in nodes.itertuples()}
    for r in edges.itertuples():
        a, b = pos.get(str(r.source)), pos.get(str(r.target))
        if a is not None and b is not None:
            ax.plot([a[0], b[0]], [a[1], b[1]], color="#999", linewidth=0.6, zorder=1)
    types = nodes["node_type"].astype(str) if "node_type" in nodes else None
    colours = ([_TYPE_COLOURS.get(t, OTHER_COLOUR) for t in types] if types is not None
               else "#1f77b4")
    ax.scatter([p[0] for p in pos.values()], [p[1] for p in pos.values()], s=40, c=colours,
               zorder=2, edgecolors="white", linewidths=0.5)
    if types is not None and len(nodes) <= 80:
        for r, t in zip(nodes.itertuples(), types, strict=True):
            if t == "person":  # ids only: labels may hold names and never go on a picture
                x, y = pos[str(r.id)]
                ax.annotate(str(r.id), (x, y), fontsize=6, xytext=(3, 3),
                            textcoords="offset points")
    if types is not None:
        for t in sorted(set(types)):
            ax.scatter([], [], c=_TYPE_COLOURS.get(t, OTHER_COLOUR), label=t, s=30)
        ax.legend(loc="lower right", fontsize=7, frameon=False)
    ax.set_axis_off()
    ax.set_title(title)
    return fig


def _print_layout(obj: Any, title: str, marking: str | None) -> Any:
    """The map's print layout (title, legend, scale bar, north arrow, marking, source)."""
    from intelbench.geo.print_layout import print_map

    return print_map(obj, title=title, marking=marking or None)


def static_figure(item: FigureItem, marking: str | None = None) -> Any:
    """A matplotlib Figure for printing a profile figure.

    An interactive map from ``ib.geo.map`` prints as its print layout (the same layers with
    their reference layers, legend, scale bar, north arrow, marking, source and date), in
    place of a GeoDataFrame given as ``static=``; only a matplotlib ``static=`` replaces it.
    A Gi* hotspot table prints by class, not as raw z-scores. A timeline prints as its
    static picture. Print layouts and timelines carry ``marking`` (the profile's), not the
    marking the map or timeline was made with.

    Raises
    ------
    ProfileError
        For an interactive map that has no print layout and no ``static=``.
    """
    static_kind = None if item.static is None else figure_kind(item.static)
    if (static_kind != "matplotlib" and figure_kind(item.obj) == "map"
            and hasattr(item.obj, "printable")):
        return _print_layout(item.obj, item.title, marking)  # not the GeoDataFrame static=
    if static_kind is None and figure_kind(item.obj) == "timeline":
        from intelbench.profiles._live import remarked

        return remarked(item, marking).obj.figure() if marking else item.obj.figure()
    src = item.static if item.static is not None else item.obj
    kind = figure_kind(src)
    if kind == "matplotlib":
        return src
    if kind == "geotable" and "hotspot" in src.columns:
        return _print_layout(src, item.title, marking)
    if kind == "geotable":
        return _geo_figure(src, item.column, item.title)
    if kind == "link_chart":
        return _link_figure(src, item.title)
    raise ProfileError(
        f"figure {item.title!r}: an interactive map cannot be printed offline unless it comes "
        "from ib.geo.map (which has a print layout); give FigureItem(static=...) a matplotlib "
        "Figure or the GeoDataFrame it shows"
    )


def figure_png(item: FigureItem, dpi: int = 110, marking: str | None = None) -> bytes:
    """PNG bytes of :func:`static_figure` (metadata holds no personal data)."""
    fig = static_figure(item, marking)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": "intelbench"},
                bbox_inches="tight")
    return buf.getvalue()
