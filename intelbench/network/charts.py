"""Interactive link charts: a precomputed layout drawn on one canvas, standalone and offline.

:func:`link_chart` lays the graph out once in Python (igraph Fruchterman-Reingold or DrL,
networkx spring for tiny graphs; always with ``seed``) and writes one HTML file that holds
its own script, style and data. Nothing is fetched from anywhere: the chart works from a
``file://`` URL, inside a JupyterLab output cell (``<iframe srcdoc>``) and on an offline laptop.
In JupyterLab, :meth:`LinkChart.widget` shows the same script as a widget whose selection
comes back to Python (:mod:`intelbench.network.chart_widget`).

What the analyst sees: entities as icons by type (:mod:`intelbench.network.chart_style`),
links styled and labelled by what they are, labels placed without overlap with the most
important (key-player score, then degree) first and the rest on hover or zoom, a legend,
colour by OCG, key-player role or community, drag-to-move-and-pin, hide and expand, notes on
nodes and the marking banner at the top and bottom. The arrangement (positions, pins, hidden
nodes, notes) is a :class:`~intelbench.network.chart_layouts.ChartLayout`, saved to and
restored from the workspace.

"Re-layout" lays the shown nodes out again in the page, offline, after the analyst has
dragged, hidden or expanded nodes: *Organic* (force-directed, Barnes-Hut repulsion, starting
from where the nodes are), *Grouped* (one cluster per value of the colour attribute, else
OCG, community or entity type) or *Radial* (rings by links from the selected node, else the
most important one). Pinned nodes do not move, hidden nodes are left where they were, the
chart refits and the labels are placed again. The result depends only on the chart's state
and ``seed``, and it is saved like any other arrangement.
"""

# ruff: noqa: N803, N806  (G for graphs, as in networkx)

from __future__ import annotations

import datetime
import html
import math
import os
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from intelbench.exceptions import NetworkInputError, ParameterError
from intelbench.network._chart_render import DEFAULT_MARKING, chart_data, render_page
from intelbench.network._i2_common import _atomic_write, _is_missing, _tuple
from intelbench.network._layout import LAYOUTS, chart_layout
from intelbench.network.chart_layouts import ChartLayout
from intelbench.network.node_types import NODE_STYLES

__all__ = ["DEFAULT_MARKING", "LAYOUTS", "NODE_STYLES", "LinkChart", "chart_layout", "link_chart"]


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
    data : dict
        The payload the chart script draws (shared by the page and the widget).
    layout : ChartLayout
        The arrangement the chart opens with (positions, pins, hidden nodes, notes).
    """

    html: str = field(repr=False)
    nodes: pd.DataFrame = field(repr=False)
    edges: pd.DataFrame = field(repr=False)
    title: str = "Link chart"
    path: list[Hashable] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict, repr=False)
    layout: ChartLayout = field(default_factory=ChartLayout, repr=False)

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

    def widget(self) -> Any:
        """Return the chart as a JupyterLab widget (anywidget); its selection comes back to Python.

        See :func:`intelbench.network.chart_widget.chart_widget`.
        """
        from intelbench.network.chart_widget import chart_widget

        return chart_widget(self)

    def _repr_html_(self) -> str:
        doc = html.escape(self.html, quote=True)
        return (
            f'<iframe title="{html.escape(self.title, quote=True)}" srcdoc="{doc}" '
            'sandbox="allow-scripts" style="width:100%;height:720px;border:1px solid #ccc">'
            "</iframe>"
        )

    def __repr__(self) -> str:
        return f"LinkChart({self.title!r}, {len(self.nodes)} nodes, {len(self.edges)} links)"


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


def _marking_text(marking: Any) -> str:
    if marking is None:
        return DEFAULT_MARKING
    banner = getattr(marking, "banner", None)
    text = str(banner if banner is not None else marking).strip()
    if not text:
        raise ParameterError("marking must not be empty: a chart always carries its marking")
    return text


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
    positions: Mapping[Hashable, tuple[float, float]] | None = None,
    marking: Any = None,
    importance: str | Mapping[Hashable, Any] | None = None,
    attributes: Sequence[str] = ("ocg", "role", "community"),
    colour_by: str | None = None,
    saved_layout: ChartLayout | Mapping[str, Any] | None = None,
) -> LinkChart:
    """Draw an interactive, standalone link chart of an association network.

    Each entity is an icon on a disc (person, phone, vehicle, address, location,
    organisation, OCG, account, event; :mod:`~intelbench.network.chart_style`), coloured by
    type or by an attribute (OCG, key-player role, community). Links are drawn in the style
    of their type and labelled with what they are ("lives at", "uses phone", "co-offender");
    the grades and report references behind each link are in the details pane. Labels never
    overlap: the most important (``importance``, then degree) are placed first and the rest
    appear on hover or as you zoom in. Click a node for its details, Ctrl-click to add to the
    selection, drag a node to move and pin it, hide a node or its neighbours and expand them
    again, write a note on a node; tick *Path* (or hold Shift) and click two nodes for the
    shortest path; search by label; drag the background to pan, wheel or buttons to zoom.
    The marking banner sits at the top and bottom. Every label is put on the page as text,
    never as markup.

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
        Random seed of the layout (and of a re-layout in the page).
    node_type, label, weight : str
        Node attribute holding the type, node attribute holding the label, edge attribute
        holding the weight.
    title : str, optional
        Title shown on the chart (plain words; it is shown as text).
    max_nodes : int
        Refuse graphs with more nodes than this (browser responsiveness).
    details : sequence of str
        Extra node attributes to show in the details panel (none by default).
    positions : dict, optional
        Precomputed node -> (x, y) pixel positions.
    marking : str or Marking, optional
        The banner at the top and bottom (a gate ``Marking`` gives its ``banner``); by
        default :data:`DEFAULT_MARKING`.
    importance : str or dict, optional
        Which labels win space first: a node attribute (default ``"score"``, the key-player
        score, when nodes carry it) or a node -> score mapping; ties (and charts without a
        score) go by degree.
    attributes : sequence of str
        Node attributes the analyst can colour by (those present on some node).
    colour_by : str, optional
        The attribute coloured by when the chart opens (default: entity type).
    saved_layout : ChartLayout or dict, optional
        An arrangement saved earlier (:func:`~intelbench.network.chart_layouts.load_chart_layout`):
        its positions, pins, hidden nodes and notes are restored; nodes it does not know are
        laid out as usual.

    Returns
    -------
    LinkChart
        ``.html``, ``.save(path)``, ``.widget()``, ``.nodes``, ``.edges``; displays itself in
        JupyterLab.

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
    >>> G.add_edge("P-1", "T-1", weight=3.0, grades=("B2",), reports=("IR-1",),
    ...            link_types=("uses_phone",))
    >>> chart = ib.network.link_chart(G, seed=1)
    >>> len(chart.nodes), "Ann <b>" in chart.html, "<script src" in chart.html
    (2, False, False)
    >>> chart.data["linkStyles"][0]["label"]
    'uses phone'
    """
    if not isinstance(max_nodes, int) or max_nodes < 1:
        raise ParameterError(f"max_nodes must be a whole number >= 1; got {max_nodes!r}")
    marking_text = _marking_text(marking)
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
    saved = (
        None
        if saved_layout is None
        else saved_layout
        if isinstance(saved_layout, ChartLayout)
        else ChartLayout.from_doc(saved_layout)
    )
    restored: dict[str, Any] = saved.for_nodes({str(v): v for v in H}) if saved else {}
    if positions is not None:
        pos: Mapping[Hashable, tuple[float, float]] = positions
    else:
        known = restored.get("positions", {})
        pos = (
            dict(known)
            if known and len(known) == n
            else {**chart_layout(H, layout=layout, seed=seed, weight=weight), **known}
        )
    nodes = list(H.nodes())
    node_rows = []
    for v in nodes:
        d = H.nodes[v]
        t = d.get(node_type)
        tname = "other" if _is_missing(t) or str(t) == "" else str(t)
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
    data = chart_data(
        H,
        node_frame,
        edge_frame,
        title=chart_title,
        marking=marking_text,
        path=path,
        details=details,
        importance=importance,
        attributes=attributes,
        colour_by=colour_by,
        layout=restored,
    )
    data["seed"] = int(seed)  # the seed of a re-layout in the page
    start = ChartLayout(
        positions={str(v): (float(x), float(y))
                   for v, x, y in zip(node_frame["id"], node_frame["x"], node_frame["y"],
                                      strict=True)},
        pinned=tuple(str(v) for v in restored.get("pinned", ())),
        hidden=tuple(str(v) for v in restored.get("hidden", ())),
        notes={str(k): t for k, t in restored.get("notes", {}).items()},
    )
    return LinkChart(
        html=render_page(data),
        nodes=node_frame,
        edges=edge_frame,
        title=chart_title,
        path=path,
        data=data,
        layout=start,
    )
