"""Paths between subjects with the evidence on each link, ego networks, networks as of a date."""

# ruff: noqa: N803, N806
from __future__ import annotations

import html
import itertools
from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import pandas as pd

from intelbench.exceptions import NetworkInputError, ParameterError

__all__ = ["PathResult", "ego_network", "network_as_of", "shortest_paths"]

_EVIDENCE = ("link_types", "count", "weight", "first_seen", "last_seen", "reports", "grades")


def _check_node(G: nx.Graph, node: Hashable, name: str) -> None:
    if node not in G:
        raise NetworkInputError(
            f"{name}: the node is not in the graph ({G.number_of_nodes()} nodes); give a node id "
            "present in G"
        )


@dataclass(frozen=True)
class PathResult:
    """Short paths between two nodes with the evidence on every link.

    Attributes
    ----------
    source, target : node
        The two ends.
    paths : list of list
        The paths found, shortest first (each a list of nodes).
    hops : pandas.DataFrame
        One row per link of every path: ``path`` (0 = shortest), ``step``, ``source``,
        ``target`` and the link evidence (``link_types``, ``count``, ``weight``,
        ``first_seen``, ``last_seen``, ``reports``, ``grades``).
    message : str
        What was found, in words (e.g. no path because the ends are in different components).
    """

    source: Hashable
    target: Hashable
    paths: list[list[Hashable]]
    hops: pd.DataFrame = field(repr=False)
    message: str = ""

    def to_frame(self) -> pd.DataFrame:
        """Return the hops table."""
        return self.hops.copy()

    def _repr_html_(self) -> str:
        items = "".join(
            "<li>" + " &rarr; ".join(html.escape(str(v)) for v in p) + "</li>" for p in self.paths
        )
        return f"<p>{html.escape(self.message)}</p><ol>{items}</ol>"


def shortest_paths(
    G: nx.Graph, a: Hashable, b: Hashable, k: int = 3, *, weight: str | None = None
) -> PathResult:
    """Find the shortest path and up to ``k`` short simple paths between two nodes, with evidence.

    Parameters
    ----------
    G : networkx.Graph
        The network (built by :func:`build_network`, so links carry their evidence). It is
        not modified.
    a, b : node
        The two subjects.
    k : int
        Maximum number of paths (shortest first; ties in arbitrary but fixed order).
    weight : str, optional
        Edge attribute used as length; None counts hops.

    Returns
    -------
    PathResult
        With no paths and a message saying why when ``a`` cannot reach ``b``.

    Raises
    ------
    NetworkInputError
        If ``a`` or ``b`` is not in the graph.
    ParameterError
        If ``k`` is less than 1.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.Graph()
    >>> G.add_edge("P-1", "T-9", reports=("IR-1",), grades=("1AP",))
    >>> G.add_edge("T-9", "P-2", reports=("IR-2",), grades=("2BP",))
    >>> r = ib.network.shortest_paths(G, "P-1", "P-2")
    >>> r.paths
    [['P-1', 'T-9', 'P-2']]
    >>> r.hops[["step", "source", "target", "reports"]].values.tolist()
    [[1, 'P-1', 'T-9', ('IR-1',)], [2, 'T-9', 'P-2', ('IR-2',)]]
    """
    _check_node(G, a, "a")
    _check_node(G, b, "b")
    if k < 1:
        raise ParameterError(f"k must be at least 1; received {k!r}")
    from intelbench.network._igraph import simple_graph

    H = simple_graph(G)
    U = H.to_undirected(as_view=True) if H.is_directed() else H
    cols = ["path", "step", "source", "target", *_EVIDENCE]
    if a == b:
        return PathResult(a, b, [[a]], pd.DataFrame(columns=cols), "the two ends are the same node")
    if not nx.has_path(U, a, b):
        return PathResult(
            a, b, [], pd.DataFrame(columns=cols),
            "no path: the two nodes are in different components",
        )
    gen = nx.shortest_simple_paths(U, a, b, weight=weight)
    paths = [list(p) for p in itertools.islice(gen, k)]
    rows: list[dict[str, Any]] = []
    for i, p in enumerate(paths):
        for step, (u, v) in enumerate(itertools.pairwise(p), start=1):
            data = U.edges[u, v]
            rows.append({"path": i, "step": step, "source": u, "target": v,
                         **{c: data.get(c) for c in _EVIDENCE}})
    hops = pd.DataFrame(rows, columns=cols)
    lengths = sorted({len(p) - 1 for p in paths})
    msg = (
        f"{len(paths)} path(s) found; the shortest has {len(paths[0]) - 1} link(s)"
        + (f", others {', '.join(map(str, lengths[1:]))}" if len(lengths) > 1 else "")
    )
    return PathResult(a, b, paths, hops, msg)


def ego_network(G: nx.Graph, node: Hashable, radius: int = 1) -> nx.Graph:
    """Return the ego network of ``node``: everything within ``radius`` links, with all attributes.

    Parameters
    ----------
    G : networkx.Graph
        The network. It is not modified.
    node : node
        The centre.
    radius : int
        Number of links out (at least 1).

    Returns
    -------
    networkx.Graph
        A new graph (copy) holding the nodes within ``radius`` and every link among them;
        ``graph["ego"]`` and ``graph["radius"]`` record how it was made.

    Raises
    ------
    NetworkInputError
        If ``node`` is not in the graph.
    ParameterError
        If ``radius`` is less than 1.

    Examples
    --------
    >>> import networkx as nx
    >>> sorted(ib.network.ego_network(nx.path_graph(6), 2, radius=2).nodes())
    [0, 1, 2, 3, 4]
    """
    _check_node(G, node, "node")
    if radius < 1:
        raise ParameterError(f"radius must be at least 1; received {radius!r}")
    E = nx.ego_graph(G, node, radius=radius, undirected=True).copy()
    E.graph = {k: v for k, v in G.graph.items() if k not in ("quarantine", "build")}
    E.graph.update({"ego": node, "radius": radius})
    return E


def network_as_of(
    G: nx.Graph,
    date: Any,
    *,
    active: bool = False,
    undated: str = "keep",
    keep_isolates: bool = False,
) -> nx.Graph:
    """Return the network as it stood on ``date``: links first seen on or before it.

    Parameters
    ----------
    G : networkx.Graph
        The network. It is not modified.
    date : str, datetime or pandas.Timestamp
        The date (ISO 8601 or ``dd/mm/yyyy`` strings are accepted).
    active : bool
        Also drop links whose ``last_seen`` is before ``date`` (links still live on the date).
    undated : {"keep", "drop"}
        What to do with links without a ``first_seen``.
    keep_isolates : bool
        Keep nodes left without links (by default only nodes with a link on the date remain).

    Returns
    -------
    networkx.Graph
        A new graph of the same class; ``graph["as_of"]`` holds the date.

    Raises
    ------
    ParameterError
        If ``date`` cannot be read or ``undated`` is not allowed.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.Graph()
    >>> G.add_edge("a", "b", first_seen=pd.Timestamp("2026-01-01"))
    >>> G.add_edge("b", "c", first_seen=pd.Timestamp("2026-03-01"))
    >>> sorted(ib.network.network_as_of(G, "2026-02-01").edges())
    [('a', 'b')]
    """
    if undated not in ("keep", "drop"):
        raise ParameterError(f"undated must be one of 'keep', 'drop'; received {undated!r}")
    try:
        when = pd.Timestamp(date) if not isinstance(date, str) else pd.to_datetime(
            date, dayfirst="/" in date
        )
    except (ValueError, TypeError):
        raise ParameterError(
            "date must be a date (ISO 8601 or dd/mm/yyyy); the value received could not be read"
        ) from None
    if pd.isna(when):
        raise ParameterError("date must be a date; received a missing value")

    def keep(d: dict[str, Any]) -> bool:
        fs = d.get("first_seen")
        if fs is None or pd.isna(fs):
            return undated == "keep"
        if pd.Timestamp(fs) > when:
            return False
        if active:
            ls = d.get("last_seen")
            if ls is not None and not pd.isna(ls) and pd.Timestamp(ls) < when:
                return False
        return True

    H = G.__class__()
    H.graph.update({k: v for k, v in G.graph.items() if k not in ("quarantine", "build")})
    H.graph["as_of"] = when
    if keep_isolates:
        H.add_nodes_from(G.nodes(data=True))
    edges: list[tuple[Any, ...]]
    if G.is_multigraph():
        edges = [(u, v, key, d) for u, v, key, d in G.edges(keys=True, data=True) if keep(d)]
    else:
        edges = [(u, v, d) for u, v, d in G.edges(data=True) if keep(d)]
    used = {e[0] for e in edges} | {e[1] for e in edges}
    H.add_nodes_from((n, G.nodes[n]) for n in G.nodes if n in used)
    H.add_edges_from(edges)
    return H
