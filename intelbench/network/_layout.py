"""Deterministic link-chart layouts in pixel units (shared by the HTML chart and ANX export)."""

# ruff: noqa: N803, N806  (G for graphs, as in networkx)

from __future__ import annotations

import math
import random
from collections.abc import Hashable

import networkx as nx
import numpy as np

from intelbench.exceptions import ParameterError

__all__ = ["LAYOUTS", "chart_layout"]

#: Layout algorithms :func:`chart_layout` accepts.
LAYOUTS = ("auto", "fr", "drl", "spring", "circle")

_SMALL = 60  # networkx spring layout below this many nodes with layout="auto"
_LARGE = 1500  # fewer Fruchterman-Reingold iterations above this many nodes (time)
_SPREAD_MAX = 800  # push overlapping nodes apart in components up to this size
_MIN_DIST = 34.0  # pixels between node centres after spreading


def _component_coords(
    n: int, pairs: dict[tuple[int, int], float], layout: str, seed: int, weighted: bool
) -> np.ndarray:
    """Unit-free coordinates of one connected component (nodes 0..n-1)."""
    if n == 1:
        return np.zeros((1, 2))
    if layout == "circle" or n <= 3:
        angles = np.linspace(0.0, 2 * math.pi, n, endpoint=False) + math.pi / 2
        return np.column_stack([np.cos(angles), np.sin(angles)])
    if layout == "spring":
        H = nx.Graph()
        H.add_nodes_from(range(n))
        H.add_weighted_edges_from((a, b, math.log1p(w)) for (a, b), w in pairs.items())
        pos = nx.spring_layout(H, seed=seed, weight="weight" if weighted else None)
        return np.array([pos[i] for i in range(n)], dtype=float)
    from intelbench.network._igraph import import_igraph

    ig = import_igraph()

    edges = list(pairs)
    g = ig.Graph(n=n, edges=edges)
    weights = [math.log1p(pairs[e]) for e in edges] if weighted else None
    start = np.random.default_rng(seed).uniform(-math.sqrt(n), math.sqrt(n), size=(n, 2)).tolist()
    ig.set_random_number_generator(random.Random(seed))
    try:
        if layout == "fr":
            lay = g.layout_fruchterman_reingold(
                seed=start, weights=weights, niter=500 if n <= _LARGE else 250
            )
        else:
            lay = g.layout_drl(seed=start, weights=weights)
    finally:
        ig.set_random_number_generator(random)
    return np.asarray(lay.coords, dtype=float)


def _fit_box(coords: np.ndarray, side: float) -> np.ndarray:
    """Centre ``coords`` and scale them into a square of ``side`` pixels."""
    pts = np.nan_to_num(coords) - np.nan_to_num(coords).mean(axis=0)
    span = float(np.abs(pts).max()) if len(pts) > 1 else 0.0
    if span == 0.0 or not math.isfinite(span):
        return np.zeros_like(pts)
    return np.asarray(pts / span * side / 2.0)


def _spread(pts: np.ndarray, min_dist: float, iters: int = 60) -> np.ndarray:
    """Push apart points closer than ``min_dist`` pixels (so discs and labels have room).

    Each pass moves both points of every too-close pair half the shortfall apart along the
    line between them; coincident points are separated along a fixed direction per pair.
    Deterministic; used on components of up to ``_SPREAD_MAX`` nodes.
    """
    n = len(pts)
    if n < 2:
        return pts
    out = pts.astype(float).copy()
    iu, ju = np.triu_indices(n, 1)
    angle = (np.arange(len(iu)) * 2.399963) % (2 * math.pi)  # golden-angle fallbacks
    fallback = np.column_stack([np.cos(angle), np.sin(angle)])
    for _ in range(iters):
        d = out[ju] - out[iu]
        dist = np.hypot(d[:, 0], d[:, 1])
        close = dist < min_dist
        if not close.any():
            break
        unit = np.where(dist[:, None] > 1e-9, d / np.maximum(dist, 1e-9)[:, None], fallback)
        push = (min_dist - dist) * close * 0.5
        move = unit * push[:, None]
        delta = np.zeros_like(out)
        np.add.at(delta, ju, move)
        np.add.at(delta, iu, -move)
        out += delta * 0.6
    return out


def _pack(sizes: list[float], gap: float = 40.0) -> list[tuple[float, float]]:
    """Shelf-pack squares (largest first, as given) into rows; return their centres."""
    total = math.sqrt(sum((s + gap) ** 2 for s in sizes))
    width = max(max(sizes, default=0.0) + gap, total * 1.15)
    centres = []
    x = y = row_h = 0.0
    for s in sizes:
        if x > 0 and x + s > width:
            x, y, row_h = 0.0, y + row_h + gap, 0.0
        centres.append((x + s / 2, y + s / 2))
        x += s + gap
        row_h = max(row_h, s)
    return centres


def chart_layout(
    G: nx.Graph, *, layout: str = "auto", seed: int = 0, weight: str | None = "weight"
) -> dict[Hashable, tuple[float, float]]:
    """Compute a deterministic 2-D layout in pixel units for a link chart or ANX export.

    Parameters
    ----------
    G : networkx.Graph
        The network. It is not modified.
    layout : {"auto", "fr", "drl", "spring", "circle"}
        Components of up to 800 nodes are then spread so that no two node centres are closer
    than 34 pixels (room for the icon and its label).
    ``"fr"`` igraph Fruchterman-Reingold (500 iterations, 250 above 1,500 nodes), ``"drl"``
        igraph DrL (slow here: about 50 s for 5,000 nodes), ``"spring"`` networkx spring
        layout, ``"circle"`` a circle. ``"auto"`` picks spring below 60 nodes, else
        Fruchterman-Reingold.
    seed : int
        Random seed; the same seed gives the same layout.
    weight : str or None
        Edge attribute that pulls linked nodes closer (``None`` for unweighted).

    Returns
    -------
    dict
        Node -> (x, y) in pixels, centred on the origin.

    Raises
    ------
    ParameterError
        If ``layout`` is not one of :data:`LAYOUTS`.

    Examples
    --------
    >>> import networkx as nx
    >>> pos = ib.network.charts.chart_layout(nx.path_graph(4), seed=1)
    >>> pos == ib.network.charts.chart_layout(nx.path_graph(4), seed=1)
    True
    """
    if layout not in LAYOUTS:
        raise ParameterError(f"layout must be one of {LAYOUTS}; got {layout!r}")
    nodes = list(G.nodes())
    n = len(nodes)
    if n == 0:
        return {}
    if layout == "auto":
        layout = "spring" if n < _SMALL else "fr"
    index = {v: i for i, v in enumerate(nodes)}
    pairs: dict[tuple[int, int], float] = {}
    for u, v, d in G.edges(data=True):
        a, b = index[u], index[v]
        if a == b:
            continue
        key = (a, b) if a < b else (b, a)
        w = d.get(weight, 1.0) if weight else 1.0
        try:
            wf = float(w)
        except (TypeError, ValueError):
            wf = 1.0
        pairs[key] = pairs.get(key, 0.0) + (wf if np.isfinite(wf) and wf > 0 else 1.0)
    components = sorted(
        (sorted(c, key=index.__getitem__) for c in nx.connected_components(nx.Graph(G))),
        key=lambda c: (-len(c), index[c[0]]),
    )
    boxes, sides = [], []
    for k, comp in enumerate(components):
        local = {index[v]: i for i, v in enumerate(comp)}
        sub = {(local[a], local[b]): w for (a, b), w in pairs.items() if a in local}
        side = max(40.0, 80.0 * math.sqrt(len(comp))) if len(comp) > 1 else 0.0
        coords = _component_coords(len(comp), sub, layout, seed + k, weight is not None)
        box = _fit_box(coords, side)
        if 2 < len(comp) <= _SPREAD_MAX:
            box = _spread(box, _MIN_DIST)
            half = float(np.abs(box).max()) if len(box) else 0.0
            side = max(side, 2 * half)
        boxes.append(box)
        sides.append(side)
    centres = _pack(sides)
    px = np.zeros((n, 2))
    for comp, box, (cx, cy) in zip(components, boxes, centres, strict=True):
        for i, v in enumerate(comp):
            px[index[v]] = box[i] + (cx, cy)
    px -= px.mean(axis=0)
    return {v: (round(float(px[i, 0]), 2), round(float(px[i, 1]), 2)) for i, v in enumerate(nodes)}
