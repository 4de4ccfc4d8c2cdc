"""Gould–Fernandez brokerage roles.

A broker ``v`` sits on a two-path ``a -> v -> b`` where ``a`` does not link to ``b`` directly.
Given a group for every node, each open two-path is one of five roles (Gould & Fernandez 1989):

================  =================================  ==================================
role              groups                              idea
================  =================================  ==================================
coordinator       a, v, b all in the same group       brokers inside their own group
itinerant         a and b share a group, v does not   outsider serving one group
                  (also called *consultant*)
gatekeeper        v and b share a group, a does not   controls what enters v's group
representative    a and v share a group, b does not   speaks for v's group outward
liaison           a, v, b all in different groups     links groups it belongs to none of
================  =================================  ==================================

**Undirected graphs.** Each undirected link is a tie in both directions, so an open pair
``{a, b}`` of ``v``'s neighbours is counted once (not twice). A pair in which exactly one end
shares ``v``'s group is both a gatekeeper and a representative path (``a -> v -> b`` and
``b -> v -> a``), so on undirected graphs those two columns are equal. Nodes without a group
value are treated as each being in a group of their own.

The counts are computed without enumerating two-paths: all neighbour pairs are counted from
per-group neighbour counts, and the closed pairs (triangles) are subtracted, so hubs with
thousands of neighbours cost nothing extra.
"""

# ruff: noqa: N803, N806
from __future__ import annotations

from collections.abc import Hashable

import networkx as nx
import numpy as np
import pandas as pd
import scipy.sparse as sp

from intelbench.exceptions import ParameterError

__all__ = ["ROLES", "brokerage_roles"]

#: The five Gould–Fernandez roles, in the usual order.
ROLES: tuple[str, ...] = ("coordinator", "itinerant", "gatekeeper", "representative", "liaison")


def _group_codes(G: nx.Graph, nodes: list[Hashable], group: str) -> np.ndarray:
    values = [G.nodes[n].get(group) for n in nodes]
    if all(v is None for v in values) and len(values) > 0:
        raise ParameterError(
            f"group: no node has the attribute {group!r}; give the name of a node attribute "
            "that holds each node's group (for example an OCG identifier)"
        )
    series = pd.Series(values, dtype=object)
    codes, uniq = pd.factorize(series)
    codes = codes.astype(np.int64)
    missing = codes < 0
    # Nodes without a group each form a group of their own.
    codes[missing] = len(uniq) + np.arange(int(missing.sum()))
    return codes


def _classify(gv: np.ndarray, ga: np.ndarray, gb: np.ndarray) -> np.ndarray:
    """Role index (0..4) of paths a -> v -> b from the group codes."""
    same_a = ga == gv
    same_b = gb == gv
    ab = ga == gb
    role = np.full(len(gv), 4, dtype=np.int64)  # liaison
    role[same_a & same_b] = 0
    role[~same_a & ~same_b & ab] = 1
    role[~same_a & same_b] = 2
    role[same_a & ~same_b] = 3
    return role


def brokerage_roles(G: nx.Graph, group: str) -> pd.DataFrame:
    """Count each node's Gould–Fernandez brokerage roles.

    Parameters
    ----------
    G : networkx.Graph or networkx.DiGraph
        The network (multi-edges are collapsed; self-loops ignored). Direction is used when
        ``G`` is directed; see the module notes for the undirected convention.
    group : str
        Node attribute holding each node's group.

    Returns
    -------
    pandas.DataFrame
        Indexed by node, columns ``coordinator``, ``itinerant``, ``gatekeeper``,
        ``representative``, ``liaison`` and ``total`` (integers). ``G`` is not modified.

    Raises
    ------
    ParameterError
        If no node carries the ``group`` attribute.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.DiGraph([("a", "v"), ("v", "b")])
    >>> nx.set_node_attributes(G, {"a": 1, "v": 2, "b": 2}, "ocg")
    >>> ib.network.brokerage_roles(G, "ocg").loc["v"].tolist()
    [0, 0, 1, 0, 0, 1]
    """
    from intelbench.network._igraph import to_sparse

    nodes = list(G.nodes())
    n = len(nodes)
    cols = [*ROLES, "total"]
    if n == 0:
        return pd.DataFrame(columns=cols, dtype=np.int64)
    g = _group_codes(G, nodes, group)
    directed = G.is_directed()
    A, _ = to_sparse(G, nodes, weight=None, symmetric=not directed)
    A = A.tocsr()
    A.setdiag(0)
    A.eliminate_zeros()
    A.data[:] = 1.0
    n_groups = int(g.max()) + 1
    H = sp.csr_matrix((np.ones(n), (np.arange(n), g)), shape=(n, n_groups))
    rows = np.arange(n)
    counts = np.zeros((n, 5), dtype=np.int64)
    if directed:
        out_g = (A @ H).tocsr()  # out-neighbours of v per group
        in_g = (A.T @ H).tocsr()  # in-neighbours of v per group
        R = A.multiply(A.T).tocsr()  # reciprocal neighbours
        rec_g = (R @ H).tocsr()
        out_tot = np.asarray(A.sum(axis=1)).ravel()
        in_tot = np.asarray(A.sum(axis=0)).ravel()
        out_same = np.asarray(out_g[rows, g]).ravel()
        in_same = np.asarray(in_g[rows, g]).ravel()
        rec_same = np.asarray(rec_g[rows, g]).ravel()
        prod = np.asarray(in_g.multiply(out_g).sum(axis=1)).ravel()  # sum_h in_h * out_h
        rec_all = np.asarray(rec_g.sum(axis=1)).ravel()
        coord = in_same * out_same - rec_same
        itin = (prod - in_same * out_same) - (rec_all - rec_same)
        gate = (in_tot - in_same) * out_same
        rep = in_same * (out_tot - out_same)
        liaison = (in_tot - in_same) * (out_tot - out_same) - (prod - in_same * out_same)
        all_paths = np.column_stack([coord, itin, gate, rep, liaison]).astype(np.int64)
        closed = _closed_directed(A, g)
    else:
        nb_g = (A @ H).tocsr()
        deg = np.asarray(A.sum(axis=1)).ravel()
        same = np.asarray(nb_g[rows, g]).ravel()
        sq = nb_g.copy()
        sq.data = sq.data * (sq.data - 1) / 2
        pairs_within = np.asarray(sq.sum(axis=1)).ravel()  # sum_h C(n_h, 2)
        c_same = same * (same - 1) / 2
        coord = c_same
        itin = pairs_within - c_same
        mixed = same * (deg - same)
        other = deg - same
        liaison = other * (other - 1) / 2 - itin
        all_paths = np.column_stack([coord, itin, mixed, mixed, liaison]).round().astype(np.int64)
        closed = _closed_undirected(A, g)
    counts = all_paths - closed
    frame = pd.DataFrame(counts, index=pd.Index(nodes), columns=list(ROLES))
    frame["total"] = counts.sum(axis=1) if directed else counts.sum(axis=1) - counts[:, 3]
    return frame


def _triangles(A: sp.csr_matrix) -> np.ndarray:
    """All triangles (i < j < k) of the undirected pattern of ``A`` as an (t, 3) array."""
    import igraph as ig

    U = sp.triu(((A + A.T) > 0).astype(np.int8), k=1).tocoo()
    g = ig.Graph(n=A.shape[0], edges=np.column_stack([U.row, U.col]).tolist())
    tri = np.asarray(g.list_triangles(), dtype=np.int64).reshape(-1, 3)
    return tri


def _closed_undirected(A: sp.csr_matrix, g: np.ndarray) -> np.ndarray:
    n = A.shape[0]
    closed = np.zeros((n, 5), dtype=np.int64)
    tri = _triangles(A)
    if len(tri) == 0:
        return closed
    for v_col, a_col, b_col in ((0, 1, 2), (1, 0, 2), (2, 0, 1)):
        v, a, b = tri[:, v_col], tri[:, a_col], tri[:, b_col]
        role = _classify(g[v], g[a], g[b])
        mixed = (role == 2) | (role == 3)
        role = np.where(role == 3, 2, role)
        np.add.at(closed, (v, role), 1)
        np.add.at(closed, (v[mixed], np.full(int(mixed.sum()), 3)), 1)
    return closed


def _closed_directed(A: sp.csr_matrix, g: np.ndarray) -> np.ndarray:
    n = A.shape[0]
    closed = np.zeros((n, 5), dtype=np.int64)
    tri = _triangles(A)
    if len(tri) == 0:
        return closed
    Acoo = A.tocoo()
    edge_keys = np.sort(Acoo.row.astype(np.int64) * n + Acoo.col.astype(np.int64))

    def has(u: np.ndarray, w: np.ndarray) -> np.ndarray:
        key = u * n + w
        pos = np.searchsorted(edge_keys, key)
        pos = np.minimum(pos, len(edge_keys) - 1)
        return np.asarray(edge_keys[pos] == key)

    for a_col, v_col, b_col in ((0, 1, 2), (0, 2, 1), (1, 0, 2), (1, 2, 0), (2, 0, 1), (2, 1, 0)):
        a, v, b = tri[:, a_col], tri[:, v_col], tri[:, b_col]
        path = has(a, v) & has(v, b) & has(a, b)
        if path.any():
            role = _classify(g[v[path]], g[a[path]], g[b[path]])
            np.add.at(closed, (v[path], role), 1)
    return closed
