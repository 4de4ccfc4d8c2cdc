"""Interactive link charts: a precomputed layout drawn on one canvas, standalone and offline.

:func:`link_chart` lays the graph out once in Python (igraph Fruchterman-Reingold or DrL,
networkx spring for tiny graphs; always with ``seed``) and writes one HTML file that holds
its own script, style and data. Nothing is fetched from anywhere: the chart works from a
``file://`` URL, inside a JupyterLab output cell (``<iframe srcdoc>``) and on an offline laptop.
"""

# ruff: noqa: N803, N806  (G for graphs, as in networkx)

from __future__ import annotations

import datetime
import html
import json
import math
import os
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from intelbench.exceptions import NetworkInputError, ParameterError
from intelbench.network._i2_common import _atomic_write, _is_missing, _tuple
from intelbench.network._layout import LAYOUTS, chart_layout
from intelbench.network.node_types import NODE_STYLES

__all__ = ["LAYOUTS", "NODE_STYLES", "LinkChart", "chart_layout", "link_chart"]

@dataclass(frozen=True)
class LinkChart:
    """A standalone interactive link chart.

    Attributes
    ----------
    html : str
        The whole HTML document (script, style and data inlined; no external reference).
    nodes : pandas.DataFrame
        One row per node: ``id``, ``label``, ``node_type``, ``x``, ``y`` (pixels), ``degree``.
    edges : pandas.DataFrame
        One row per link: ``source``, ``target``, ``weight``, ``count``, ``link_types``,
        ``first_seen``, ``last_seen``, ``reports``, ``grades``.
    title : str
        The chart title.
    path : list
        The highlighted path (node ids), if any.
    """

    html: str = field(repr=False)
    nodes: pd.DataFrame = field(repr=False)
    edges: pd.DataFrame = field(repr=False)
    title: str = "Link chart"
    path: list[Hashable] = field(default_factory=list)

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the chart to ``path`` atomically (a temporary file renamed into place).

        Parameters
        ----------
        path : str or path-like
            Destination ``.html`` file; its folder is created if missing.

        Returns
        -------
        Path
            The written file.
        """
        dest = Path(path)
        _atomic_write(dest, self.html.encode("utf-8"))
        return dest

    def _repr_html_(self) -> str:
        doc = html.escape(self.html, quote=True)
        return (
            f'<iframe title="{html.escape(self.title, quote=True)}" srcdoc="{doc}" '
            'sandbox="allow-scripts" style="width:100%;height:640px;border:1px solid #ccc">'
            "</iframe>"
        )

    def __repr__(self) -> str:
        return f"LinkChart({self.title!r}, {len(self.nodes)} nodes, {len(self.edges)} links)"


def _asset(name: str) -> str:
    return resources.files("intelbench.network").joinpath("_chart_assets", name).read_text("utf-8")


def _safe_json(obj: Any) -> str:
    """JSON that can sit inside ``<script type="application/json">`` whatever the strings hold."""
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return (
        text.replace("&", "\\u0026")
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def _date_text(value: Any) -> str:
    if value is None:
        return ""
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    if isinstance(value, datetime.date | np.datetime64):
        ts = pd.Timestamp(value)
        return ts.strftime("%Y-%m-%d") if ts == ts.normalize() else ts.isoformat()
    return str(value)


def _number(value: Any, default: float) -> float:
    try:
        f = float(value)
    except (TypeError, ValueError):
        return default
    return f if math.isfinite(f) else default


def _select(
    G: nx.Graph, focus: Hashable | Sequence[Hashable] | None, radius: int | None
) -> nx.Graph:
    if focus is None:
        if radius is not None:
            raise ParameterError(
                f"radius needs focus (a node or list of nodes); got radius={radius!r}"
            )
        return G
    centres = (
        [focus] if (isinstance(focus, str) or not isinstance(focus, Sequence)) else list(focus)
    )
    missing = [c for c in centres if c not in G]
    if missing:
        raise NetworkInputError(
            f"focus: {len(missing)} node(s) not in the graph (first: {missing[0]!r})"
        )
    r = 1 if radius is None else radius
    if not isinstance(r, int) or r < 0:
        raise ParameterError(f"radius must be a whole number >= 0; got {radius!r}")
    keep: set[Hashable] = set()
    for c in centres:
        keep.update(nx.single_source_shortest_path_length(G, c, cutoff=r))
    return G.subgraph(keep)


def _path_nodes(highlight_path: Any) -> list[Hashable]:
    if highlight_path is None:
        return []
    paths = getattr(highlight_path, "paths", None)  # a network.PathResult
    if paths is not None:
        return list(paths[0]) if paths else []
    return list(highlight_path)


def link_chart(
    G: nx.Graph,
    *,
    focus: Hashable | Sequence[Hashable] | None = None,
    radius: int | None = None,
    highlight_path: Sequence[Hashable] | Any | None = None,
    layout: str = "auto",
    seed: int = 0,
    node_type: str = "node_type",
    label: str = "label",
    weight: str = "weight",
    title: str | None = None,
    max_nodes: int = 5000,
    details: Sequence[str] = (),
    positions: dict[Hashable, tuple[float, float]] | None = None,
) -> LinkChart:
    """Draw an interactive, standalone link chart of an association network.

    Node shapes and colours follow the node type (person circle, phone rounded square,
    vehicle triangle, address house, organisation hexagon, event diamond; see
    :data:`NODE_STYLES`), link width follows ``weight`` and the grades of the reports behind
    each link are written on it when zoomed in. Click a node for its details (links, report
    URNs, grades, first and last seen) with its neighbours highlighted; tick *Path* (or hold
    Shift) and click two nodes to highlight the shortest path; search by label; drag to pan,
    wheel or buttons to zoom. Every label is put on the page as text, never as markup.

    Parameters
    ----------
    G : networkx.Graph
        The network (the :func:`build_network` model). It is not modified.
    focus : node or list of nodes, optional
        Draw only the ego network of these nodes.
    radius : int, optional
        Links out from ``focus`` (default 1 when ``focus`` is given).
    highlight_path : list of nodes or PathResult, optional
        A path to highlight from the start (e.g. from :func:`shortest_paths`).
    layout : {"auto", "fr", "drl", "spring", "circle"}
        Layout algorithm (see :func:`chart_layout`); ignored when ``positions`` is given.
    seed : int
        Random seed of the layout.
    node_type, label, weight : str
        Node attribute holding the type, node attribute holding the label, edge attribute
        holding the weight.
    title : str, optional
        Title shown on the chart.
    max_nodes : int
        Refuse graphs with more nodes than this (browser responsiveness).
    details : sequence of str
        Extra node attributes to show in the details panel (none by default).
    positions : dict, optional
        Precomputed node -> (x, y) pixel positions.

    Returns
    -------
    LinkChart
        ``.html``, ``.save(path)``, ``.nodes``, ``.edges``; displays itself in JupyterLab.

    Raises
    ------
    ParameterError
        If the graph (after ``focus``/``radius``) has more than ``max_nodes`` nodes, or a
        parameter is out of range.
    NetworkInputError
        If ``focus`` or a ``highlight_path`` node is not in the graph.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.Graph()
    >>> G.add_node("P-1", node_type="person", label="Ann <b>")
    >>> G.add_node("T-1", node_type="phone", label="07700 900001")
    >>> G.add_edge("P-1", "T-1", weight=3.0, grades=("B2",), reports=("IR-1",))
    >>> chart = ib.network.link_chart(G, seed=1)
    >>> len(chart.nodes), "Ann <b>" in chart.html, "<script src" in chart.html
    (2, False, False)
    """
    if not isinstance(max_nodes, int) or max_nodes < 1:
        raise ParameterError(f"max_nodes must be a whole number >= 1; got {max_nodes!r}")
    H = _select(G, focus, radius)
    n = H.number_of_nodes()
    if n > max_nodes:
        raise ParameterError(
            f"max_nodes: the chart would have {n} nodes, more than max_nodes={max_nodes}; "
            "draw an ego network with focus=<node id> and radius=1 or 2, or filter the graph "
            "first (e.g. by node type, network_as_of, or a community)"
        )
    path = _path_nodes(highlight_path)
    missing = [v for v in path if v not in H]
    if missing:
        raise NetworkInputError(
            f"highlight_path: {len(missing)} node(s) not in the chart (first: {missing[0]!r})"
        )
    pos = (
        positions
        if positions is not None
        else chart_layout(H, layout=layout, seed=seed, weight=weight)
    )
    nodes = list(H.nodes())
    index = {v: i for i, v in enumerate(nodes)}
    type_names: list[str] = [t for t in NODE_STYLES if t != "other"]
    node_rows = []
    for v in nodes:
        d = H.nodes[v]
        t = d.get(node_type)
        tname = "other" if _is_missing(t) or str(t) == "" else str(t)
        if tname not in type_names:
            type_names.append(tname)
        x, y = pos.get(v, (0.0, 0.0))
        lab = d.get(label)
        node_rows.append(
            {
                "id": v,
                "label": str(v) if _is_missing(lab) else str(lab),
                "node_type": tname,
                "x": float(x),
                "y": float(y),
                "degree": int(H.degree(v)),
            }
        )
    edge_rows = []
    for u, v, d in H.edges(data=True):
        reports = _tuple(d.get("reports"))
        grades = _tuple(d.get("grades"))
        grades = (
            grades + ("",) * (len(reports) - len(grades)) if len(grades) < len(reports) else grades
        )
        edge_rows.append(
            {
                "source": u,
                "target": v,
                "weight": _number(d.get(weight, 1.0), 1.0),
                "count": d.get("count", 1),
                "link_types": _tuple(d.get("link_types")) or ("association",),
                "first_seen": _date_text(d.get("first_seen")),
                "last_seen": _date_text(d.get("last_seen")),
                "reports": reports,
                "grades": grades,
            }
        )
    node_frame = pd.DataFrame(node_rows, columns=["id", "label", "node_type", "x", "y", "degree"])
    edge_frame = pd.DataFrame(
        edge_rows,
        columns=[
            "source",
            "target",
            "weight",
            "count",
            "link_types",
            "first_seen",
            "last_seen",
            "reports",
            "grades",
        ],
    )
    chart_title = title if title is not None else f"Link chart ({n} nodes, {len(edge_rows)} links)"
    data = _chart_data(H, node_frame, edge_frame, index, type_names, path, details)
    page = _render(chart_title, data)
    return LinkChart(html=page, nodes=node_frame, edges=edge_frame, title=chart_title, path=path)


def _chart_data(
    H: nx.Graph,
    nodes: pd.DataFrame,
    edges: pd.DataFrame,
    index: dict[Hashable, int],
    type_names: list[str],
    path: list[Hashable],
    details: Sequence[str],
) -> dict[str, Any]:
    tindex = {t: i for i, t in enumerate(type_names)}
    deg = nodes["degree"].to_numpy(dtype=float) if len(nodes) else np.zeros(0)
    radius = (5.0 + 1.5 * np.sqrt(np.minimum(deg, 30.0))).round(1)
    w = edges["weight"].to_numpy(dtype=float) if len(edges) else np.zeros(0)
    wmax = float(w.max()) if len(w) else 1.0
    # Line width 1..6 px on a square-root scale of the weight, rounded so the canvas can batch.
    widths = (
        (1.0 + 5.0 * np.sqrt(np.clip(w, 0, None) / wmax)).round(0) if wmax > 0 else np.ones(len(w))
    )
    extra: list[dict[str, str] | None] | None = None
    if details:
        extra = []
        for v in nodes["id"]:
            d = H.nodes[v]
            row = {k: str(d[k]) for k in details if k in d and d[k] is not None}
            extra.append(row or None)
    n = len(nodes)
    return {
        "types": type_names,
        "shapes": [NODE_STYLES.get(t, NODE_STYLES["other"])[0] for t in type_names],
        "colours": [NODE_STYLES.get(t, NODE_STYLES["other"])[1] for t in type_names],
        "labelZoom": 0.9 if n > 150 else 0.0,
        "gradeZoom": 1.2 if len(edges) > 100 else 0.0,
        "nodes": {
            "id": [str(v) for v in nodes["id"]],
            "label": nodes["label"].tolist(),
            "t": [tindex[t] for t in nodes["node_type"]],
            "x": nodes["x"].round(1).tolist(),
            "y": nodes["y"].round(1).tolist(),
            "r": radius.tolist(),
            "extra": extra,
        },
        "edges": {
            "s": [index[u] for u in edges["source"]],
            "t": [index[v] for v in edges["target"]],
            "w": [int(x) for x in widths],
            "wt": [round(float(x), 3) for x in w],
            "c": [str(c) for c in edges["count"]],
            "lt": [list(x) for x in edges["link_types"]],
            "fs": edges["first_seen"].tolist(),
            "ls": edges["last_seen"].tolist(),
            "r": [list(x) for x in edges["reports"]],
            "g": [list(x) for x in edges["grades"]],
        },
        "path": [index[v] for v in path],
    }


def _render(title: str, data: dict[str, Any]) -> str:
    t = html.escape(title, quote=True)
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{t}</title>\n<style>\n{_asset('linkchart.css')}</style>\n</head>\n<body>\n"
        '<div id="ib-root">\n<div id="ib-bar">'
        f'<h1 id="ib-title">{t}</h1>'
        '<input id="ib-search" type="search" placeholder="Search labels"'
        ' aria-label="Search labels">'
        '<button id="ib-zoom-in" type="button" title="Zoom in">+</button>'
        '<button id="ib-zoom-out" type="button" title="Zoom out">&minus;</button>'
        '<button id="ib-fit" type="button">Fit</button>'
        '<label><input id="ib-path-mode" type="checkbox"> Path (click two nodes)</label>'
        '<button id="ib-clear" type="button">Clear</button>'
        '<span id="ib-status" role="status"></span></div>\n'
        '<div id="ib-main"><div id="ib-stage"><canvas id="ib-canvas"></canvas></div>'
        '<div id="ib-side"><h3>Legend</h3><ul id="ib-legend"></ul>'
        '<ul id="ib-results"></ul><div id="ib-details"></div></div></div>\n</div>\n'
        f'<script type="application/json" id="ib-chart-data">{_safe_json(data)}</script>\n'
        f"<script>\n{_asset('linkchart.js')}</script>\n</body>\n</html>\n"
    )
