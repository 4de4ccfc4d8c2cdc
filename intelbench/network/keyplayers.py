"""Key-player sets (Borgatti 2006, KPP-Neg): fragmentation and a greedy set."""

# ruff: noqa: N803, N806
from __future__ import annotations

import html
import math
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd
import scipy.sparse as sp

from intelbench.exceptions import ParameterError
from intelbench.network._igraph import to_igraph, to_sparse
from intelbench.network.measures import _require_nodes, _undirected, betweenness

__all__ = ["KeyPlayerSet", "fragmentation", "key_player_set"]


# --------------------------------------------------------------------------------------------
# Key-player sets (Borgatti 2006, KPP-Neg)


def _fragmentation_from_labels(labels: np.ndarray) -> float:
    n = len(labels)
    if n < 2:
        return float("nan")
    sizes = np.bincount(labels).astype(float)
    return float(1.0 - (sizes * (sizes - 1)).sum() / (n * (n - 1)))


def _components_without(A: sp.csr_matrix, removed: np.ndarray) -> np.ndarray:
    from scipy.sparse.csgraph import connected_components

    keep = np.ones(A.shape[0], dtype=bool)
    keep[removed] = False
    sub = A[keep][:, keep]
    _, labels = connected_components(sub, directed=False)
    return np.asarray(labels)


def fragmentation(G: nx.Graph, removed: Iterable[Hashable] = ()) -> float:
    """Borgatti's fragmentation F of the network left after removing ``removed``.

    ``F = 1 - sum_k s_k (s_k - 1) / (n (n - 1))`` where ``s_k`` are the component sizes and
    ``n`` the number of nodes left: 0 when everyone can still reach everyone, 1 when nobody
    can reach anybody. With fewer than two nodes left F is undefined and NaN is returned.

    Parameters
    ----------
    G : networkx.Graph
        The network (treated as undirected). It is not modified.
    removed : iterable of node
        The nodes taken out.

    Returns
    -------
    float
        Fragmentation in [0, 1], or NaN if fewer than two nodes remain.

    Raises
    ------
    NetworkInputError
        If a removed node is not in ``G``.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.path_graph(5)
    >>> ib.network.fragmentation(G), ib.network.fragmentation(G, [2])
    (0.0, 0.6666666666666667)
    """
    gone = _require_nodes(G, removed, "removed")
    A, nodes = to_sparse(_undirected(G), weight=None)
    index = {v: i for i, v in enumerate(nodes)}
    labels = _components_without(A, np.asarray([index[v] for v in gone], dtype=np.int64))
    return _fragmentation_from_labels(labels)


@dataclass(frozen=True)
class KeyPlayerSet:
    """A greedy KPP-Neg key-player set.

    Attributes
    ----------
    nodes : list
        The chosen nodes in the order they were picked.
    fragmentation : float
        F after removing all of them.
    baseline : float
        F of the intact network.
    steps : pandas.DataFrame
        One row per pick: ``step``, ``node``, ``fragmentation`` after that pick.
    candidates : int
        How many candidate nodes were tried at each step.
    """

    nodes: list[Hashable]
    fragmentation: float
    baseline: float
    steps: pd.DataFrame = field(repr=False)
    candidates: int = 0

    def to_frame(self) -> pd.DataFrame:
        """Return the picks, step by step."""
        return self.steps.copy()

    def _repr_html_(self) -> str:
        from intelbench._display import num

        rows = "".join(
            f"<tr><td>{r.step}</td><td>{html.escape(str(r.node))}</td>"
            f"<td>{num(r.fragmentation)}</td></tr>"
            for r in self.steps.itertuples()
        )
        return (
            f"<p>Removing {len(self.nodes)} key player(s) raises fragmentation from "
            f"{num(self.baseline)} to {num(self.fragmentation)}.</p>"
            f"<table><tr><th>step</th><th>node</th><th>F</th></tr>{rows}</table>"
        )


def key_player_set(
    G: nx.Graph, k: int, *, candidates: int | None = None, seed: int | None = None
) -> KeyPlayerSet:
    """Greedy set of ``k`` nodes whose removal fragments the network most (KPP-Neg).

    At each step the node that most increases :func:`fragmentation` is added. On graphs with
    more than 500 nodes only the ``candidates`` most central nodes (betweenness, plus every
    cut-point) are tried at each step.

    Parameters
    ----------
    G : networkx.Graph
        The network (treated as undirected). It is not modified.
    k : int
        Size of the set (1 <= k < number of nodes).
    candidates : int, optional
        Number of candidates on large graphs (default 100).
    seed : int, optional
        Seed for sampled betweenness on very large graphs.

    Returns
    -------
    KeyPlayerSet

    Raises
    ------
    ParameterError
        If ``k`` is out of range.

    Examples
    --------
    >>> import networkx as nx
    >>> kp = ib.network.key_player_set(nx.barbell_graph(4, 1), 1)
    >>> kp.nodes, round(kp.fragmentation, 3)
    ([4], 0.571)
    """
    U = _undirected(G)
    A, nodes = to_sparse(U, weight=None)
    n = len(nodes)
    if not 1 <= k < max(n, 1):
        raise ParameterError(f"k must be between 1 and {max(n - 1, 1)}; received {k!r}")
    if n <= 500:
        pool = np.arange(n)
    else:
        top = candidates or 100
        g, _ = to_igraph(U, nodes)
        btw = betweenness(U, seed=seed)["betweenness"].reindex(nodes).to_numpy()
        cut = np.asarray(g.articulation_points(), dtype=np.int64)
        pool = np.unique(np.r_[np.argsort(-btw)[:top], cut])
    chosen: list[int] = []
    rows: list[dict[str, Any]] = []
    baseline = _fragmentation_from_labels(_components_without(A, np.zeros(0, dtype=np.int64)))
    for step in range(1, k + 1):
        best, best_f = -1, -1.0
        for c in pool:
            if c in chosen:
                continue
            f = _fragmentation_from_labels(
                _components_without(A, np.asarray([*chosen, c], dtype=np.int64))
            )
            f = -1.0 if math.isnan(f) else f
            if f > best_f:
                best, best_f = int(c), f
        if best < 0:
            break
        chosen.append(best)
        rows.append({"step": step, "node": nodes[best], "fragmentation": best_f})
    return KeyPlayerSet(
        nodes=[nodes[i] for i in chosen],
        fragmentation=float(rows[-1]["fragmentation"]) if rows else baseline,
        baseline=baseline,
        steps=pd.DataFrame(rows, columns=["step", "node", "fragmentation"]),
        candidates=len(pool),
    )
