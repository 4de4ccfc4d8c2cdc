"""Conversion helpers between networkx graphs, igraph graphs and scipy sparse matrices.

networkx stays the user-facing type; igraph and scipy do the heavy lifting. Every helper keeps
an explicit node order (a list) so results can be mapped back to networkx node keys.
"""

# ruff: noqa: N803, N806  (G for graphs and A for matrices, as in networkx)
from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any

import networkx as nx
import numpy as np
import scipy.sparse as sp

__all__ = ["edge_arrays", "import_igraph", "simple_graph", "to_igraph", "to_sparse"]


def import_igraph() -> Any:
    """Import igraph without letting it pull in matplotlib.

    ``igraph.drawing`` imports ``matplotlib.pyplot`` when it is installed, which costs seconds
    and breaks the rule that analysis code loads no plotting library. While igraph is first
    imported, ``matplotlib`` is made unimportable (igraph then falls back to a stub for its own
    plotting, which intelbench never uses); afterwards matplotlib imports normally again.
    """
    import sys

    if "igraph" in sys.modules:
        return sys.modules["igraph"]
    # Block only when matplotlib itself is not loaded yet: igraph catches the ImportError of
    # ``matplotlib`` but not of ``matplotlib.pyplot``, so blocking pyplot alone breaks it.
    blocked = (
        [] if "matplotlib" in sys.modules else ["matplotlib", "matplotlib.pyplot"]
    )
    for m in blocked:
        sys.modules[m] = None  # type: ignore[assignment]
    try:
        import igraph
    finally:
        for m in blocked:
            if sys.modules.get(m, 0) is None:
                del sys.modules[m]
    return igraph


def simple_graph(G: nx.Graph, weight: str = "weight") -> nx.Graph:
    """Return ``G`` as a simple graph (multi-edges summed by ``weight``); ``G`` itself if simple."""
    if not G.is_multigraph():
        return G
    H: nx.Graph = nx.DiGraph() if G.is_directed() else nx.Graph()
    H.graph.update(G.graph)
    H.add_nodes_from(G.nodes(data=True))
    for u, v, data in G.edges(data=True):
        w = float(data.get(weight, 1.0) or 1.0)
        if H.has_edge(u, v):
            H[u][v][weight] += w
            H[u][v]["count"] = H[u][v].get("count", 0) + int(data.get("count", 1) or 1)
        else:
            H.add_edge(u, v, **{weight: w, "count": int(data.get("count", 1) or 1)})
    return H


def edge_arrays(
    G: nx.Graph, nodes: Sequence[Hashable] | None = None, weight: str | None = None
) -> tuple[list[Hashable], np.ndarray, np.ndarray, np.ndarray]:
    """Integer edge arrays (``src``, ``dst``, ``w``) for ``G`` in the order of ``nodes``.

    Self-loops are dropped. Weights default to 1 when ``weight`` is None or missing.
    """
    order = list(G.nodes()) if nodes is None else list(nodes)
    index = {node: i for i, node in enumerate(order)}
    m = G.number_of_edges()
    src = np.empty(m, dtype=np.int64)
    dst = np.empty(m, dtype=np.int64)
    w = np.ones(m, dtype=float)
    i = 0
    if weight is None:
        for u, v in G.edges():
            src[i] = index[u]
            dst[i] = index[v]
            i += 1
    else:
        for u, v, val in G.edges(data=weight, default=1.0):
            src[i] = index[u]
            dst[i] = index[v]
            w[i] = 1.0 if val is None else float(val)
            i += 1
    keep = src != dst
    return order, src[keep], dst[keep], w[keep]


def to_igraph(
    G: nx.Graph, nodes: Sequence[Hashable] | None = None, weight: str | None = None
) -> tuple[Any, list[Hashable]]:
    """Convert ``G`` to an ``igraph.Graph`` (simple, no self-loops) plus the node order.

    Multi-edges are collapsed (weights summed). Edge attribute ``weight`` holds the weights
    when ``weight`` is given.
    """
    ig = import_igraph()
    H = simple_graph(G, weight or "weight")
    order, src, dst, w = edge_arrays(H, nodes, weight)
    g = ig.Graph(n=len(order), edges=np.column_stack([src, dst]).tolist(), directed=H.is_directed())
    if weight is not None:
        g.es["weight"] = w.tolist()
    return g, order


def to_sparse(
    G: nx.Graph,
    nodes: Sequence[Hashable] | None = None,
    weight: str | None = None,
    symmetric: bool | None = None,
) -> tuple[sp.csr_matrix, list[Hashable]]:
    """Adjacency matrix (CSR, float) of ``G`` in the order of ``nodes``; symmetric if undirected."""
    H = simple_graph(G, weight or "weight")
    order, src, dst, w = edge_arrays(H, nodes, weight)
    n = len(order)
    sym = (not H.is_directed()) if symmetric is None else symmetric
    if sym:
        rows = np.concatenate([src, dst])
        cols = np.concatenate([dst, src])
        vals = np.concatenate([w, w])
    else:
        rows, cols, vals = src, dst, w
    A = sp.csr_matrix((vals, (rows, cols)), shape=(n, n))
    A.sum_duplicates()
    return A, order
