"""Centrality, structural holes, cut-points and key-player sets, computed with igraph and scipy.

Values equal networkx's (normalised, unweighted paths) where networkx has the measure; the
tests check this on the Florentine families and the karate club. The heavy measures switch to
sampling or are skipped above documented size thresholds, and the result says which.
"""

# ruff: noqa: N803, N806
from __future__ import annotations

import math
from collections.abc import Hashable, Iterable
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd
import scipy.sparse as sp

from intelbench.exceptions import NetworkInputError, ParameterError
from intelbench.network._igraph import simple_graph, to_igraph, to_sparse

__all__ = [
    "EXACT_MAX_NODES",
    "LARGE_GRAPH_EDGES",
    "betweenness",
    "bridges",
    "constraint",
    "effective_size",
    "eigenvector",
    "key_players",
]

#: Betweenness and closeness are exact up to this many nodes, sampled (betweenness) or
#: skipped (closeness) above it.
EXACT_MAX_NODES = 5000

#: Above this many edges, Burt's measures are skipped when a node has so many neighbours that
#: the two-step products would exceed ``MAX_TWO_PATHS`` (reported in the result).
LARGE_GRAPH_EDGES = 2_000_000
MAX_TWO_PATHS = 60_000_000


def _undirected(G: nx.Graph, weight: str = "weight") -> nx.Graph:
    H = simple_graph(G, weight)
    if H.is_directed():
        U = nx.Graph()
        U.add_nodes_from(H.nodes(data=True))
        for u, v, d in H.edges(data=True):
            w = float(d.get(weight, 1.0) or 1.0)
            if U.has_edge(u, v):
                U[u][v][weight] += w
            else:
                U.add_edge(u, v, **{weight: w})
        return U
    return H


def betweenness(
    G: nx.Graph,
    *,
    exact_max: int = EXACT_MAX_NODES,
    k: int = 200,
    batches: int = 10,
    seed: int | None = None,
) -> pd.DataFrame:
    """Normalised betweenness centrality, exact or sampled with an error estimate.

    Exact values equal ``networkx.betweenness_centrality(G)`` (unweighted, normalised by
    ``(n-1)(n-2)/2`` on undirected graphs) and are computed with igraph. Above ``exact_max``
    nodes, ``k`` source nodes are drawn at random (``seed``) and split into ``batches`` equal
    batches; each batch gives an unbiased estimate (Brandes & Pich 2007), the estimate is their
    mean and ``betweenness_se`` is the standard error of that mean.

    Parameters
    ----------
    G : networkx.Graph
        The network (directed graphs are treated as undirected; multi-edges collapsed).
    exact_max : int
        Largest graph computed exactly.
    k : int
        Number of sampled sources above ``exact_max``.
    batches : int
        Number of batches the sources are split into for the error estimate (at least 2).
    seed : int, optional
        Seed for the source sample.

    Returns
    -------
    pandas.DataFrame
        Indexed by node: ``betweenness``, ``betweenness_se`` (0 when exact) and ``sampled``.

    Examples
    --------
    >>> import networkx as nx
    >>> b = ib.network.betweenness(nx.florentine_families_graph())
    >>> round(float(b.loc["Medici", "betweenness"]), 4)
    0.522
    """
    if batches < 2:
        raise ParameterError(f"batches must be at least 2; received {batches!r}")
    if k < batches:
        raise ParameterError(f"k must be at least batches ({batches}); received {k!r}")
    U = _undirected(G)
    g, nodes = to_igraph(U)
    n = len(nodes)
    scale = 2.0 / ((n - 1) * (n - 2)) if n > 2 else 0.0
    if n <= exact_max or k >= n:
        raw = np.asarray(g.betweenness(directed=False), dtype=float) if n else np.zeros(0)
        return pd.DataFrame(
            {"betweenness": raw * scale, "betweenness_se": 0.0, "sampled": False},
            index=pd.Index(nodes),
        )
    rng = np.random.default_rng(seed)
    sources = rng.choice(n, size=k, replace=False)
    parts = np.array_split(sources, batches)
    estimates = np.empty((batches, n))
    for i, part in enumerate(parts):
        sub = np.asarray(g.betweenness(directed=False, sources=part.tolist()), dtype=float)
        estimates[i] = sub * n / len(part)
    est = estimates.mean(axis=0)
    se = estimates.std(axis=0, ddof=1) / math.sqrt(batches)
    return pd.DataFrame(
        {"betweenness": est * scale, "betweenness_se": se * scale, "sampled": True},
        index=pd.Index(nodes),
    )


def _masked_product(
    X: sp.csr_matrix, Y: sp.csr_matrix, mask: sp.csr_matrix, block: int = 20000
) -> sp.csr_matrix:
    """``(X @ Y)`` restricted to the non-zero pattern of ``mask``, in row blocks."""
    n = X.shape[0]
    out = []
    pattern = mask.copy()
    pattern.data = np.ones_like(pattern.data)
    for start in range(0, n, block):
        stop = min(start + block, n)
        prod = (X[start:stop] @ Y).tocsr()
        out.append(prod.multiply(pattern[start:stop]).tocsr())
    if not out:
        return sp.csr_matrix((0, 0))
    return sp.vstack(out).tocsr()


def _p_matrix(A: sp.csr_matrix) -> tuple[sp.csr_matrix, np.ndarray]:
    """Row-normalised mutual weights (Burt's p_ij) and the row sums."""
    M = (A + A.T).tocsr()
    M.setdiag(0)
    M.eliminate_zeros()
    s = np.asarray(M.sum(axis=1)).ravel()
    inv = np.divide(1.0, s, out=np.zeros_like(s), where=s > 0)
    return sp.diags(inv) @ M, s


def constraint(G: nx.Graph, weight: str | None = None) -> pd.Series:
    """Burt's constraint of every node, equal to ``networkx.constraint``.

    Computed with sparse matrices: ``c_i = sum_j (p_ij + sum_q p_iq p_qj)^2`` over the
    neighbours ``j`` of ``i``. Isolated nodes get NaN, as in networkx.

    Parameters
    ----------
    G : networkx.Graph
        The network.
    weight : str, optional
        Edge attribute used as tie strength; None for unweighted.

    Returns
    -------
    pandas.Series
        Constraint per node (name ``constraint``).

    Examples
    --------
    >>> import networkx as nx
    >>> round(float(ib.network.constraint(nx.florentine_families_graph())["Medici"]), 4)
    0.2099
    """
    A, nodes = to_sparse(simple_graph(G, weight or "weight"), weight=weight, symmetric=False)
    P, s = _p_matrix(A)
    indirect = _masked_product(P, P, P)
    local = P + indirect
    local.data = local.data**2
    c = np.asarray(local.sum(axis=1)).ravel()
    c[s == 0] = np.nan
    return pd.Series(c, index=pd.Index(nodes), name="constraint")


def effective_size(G: nx.Graph, weight: str | None = None) -> pd.Series:
    """Burt's effective size of every node, equal to ``networkx.effective_size``.

    ``e_i = sum_j (1 - sum_q p_iq m_jq)`` over neighbours ``j`` of ``i``, where ``m_jq`` is
    ``j``'s tie to ``q`` divided by ``j``'s strongest tie. Unweighted, this is Borgatti's
    ``n - 2t/n``. Isolated nodes get NaN.

    Parameters
    ----------
    G : networkx.Graph
        The network.
    weight : str, optional
        Edge attribute used as tie strength; None for unweighted.

    Returns
    -------
    pandas.Series
        Effective size per node (name ``effective_size``).

    Examples
    --------
    >>> import networkx as nx
    >>> round(float(ib.network.effective_size(nx.florentine_families_graph())["Medici"]), 3)
    5.667
    """
    A, nodes = to_sparse(simple_graph(G, weight or "weight"), weight=weight, symmetric=False)
    P, s = _p_matrix(A)
    Mu = (A + A.T).tocsr()
    Mu.setdiag(0)
    Mu.eliminate_zeros()
    mx = Mu.max(axis=1).toarray().ravel()
    inv = np.divide(1.0, mx, out=np.zeros_like(mx), where=mx > 0)
    M = (sp.diags(inv) @ Mu).tocsr()
    red = _masked_product(P, M.T.tocsr(), P)
    deg = np.diff(P.indptr).astype(float)
    e = deg - np.asarray(red.sum(axis=1)).ravel()
    e[s == 0] = np.nan
    return pd.Series(e, index=pd.Index(nodes), name="effective_size")


def eigenvector(G: nx.Graph) -> pd.Series:
    """Eigenvector centrality (unit Euclidean norm, unweighted), as ``networkx`` computes it.

    On a disconnected graph the leading eigenvector lives on the component with the largest
    eigenvalue; nodes elsewhere get (close to) zero, exactly as in networkx.

    Parameters
    ----------
    G : networkx.Graph
        The network.

    Returns
    -------
    pandas.Series
        Eigenvector centrality per node (name ``eigenvector``).

    Examples
    --------
    >>> import networkx as nx
    >>> round(float(ib.network.eigenvector(nx.florentine_families_graph())["Medici"]), 4)
    0.4303
    """
    A, nodes = to_sparse(_undirected(G), weight=None)
    n = len(nodes)
    if n == 0 or A.nnz == 0:
        return pd.Series(np.zeros(n), index=pd.Index(nodes), name="eigenvector")
    if n < 64:
        vals, vecs = np.linalg.eigh(A.toarray())
        vec = vecs[:, -1]
    else:
        from scipy.sparse.linalg import eigsh

        _, vecs = eigsh(A, k=1, which="LA", tol=1e-10, maxiter=max(1000, 10 * n))
        vec = vecs[:, 0]
    vec = np.abs(vec)
    vec = vec / np.linalg.norm(vec)
    return pd.Series(vec, index=pd.Index(nodes), name="eigenvector")


def bridges(G: nx.Graph) -> pd.DataFrame:
    """List the bridges of ``G``: links whose removal disconnects their component.

    Parameters
    ----------
    G : networkx.Graph
        The network (treated as undirected).

    Returns
    -------
    pandas.DataFrame
        One row per bridge: ``source``, ``target`` and ``pendant`` (True when one end has no
        other link, so removing the bridge only isolates that end).

    Examples
    --------
    >>> import networkx as nx
    >>> ib.network.bridges(nx.Graph([(1, 2), (2, 3), (3, 1), (3, 4)]))
       source  target  pendant
    0       3       4     True
    """
    U = _undirected(G)
    g, nodes = to_igraph(U)
    if len(nodes) == 0:
        return pd.DataFrame(columns=["source", "target", "pendant"])
    ids = g.bridges()
    deg = np.asarray(g.degree())
    rows = []
    for e in ids:
        s, t = g.es[e].tuple
        rows.append((nodes[s], nodes[t], bool(deg[s] == 1 or deg[t] == 1)))
    return pd.DataFrame(rows, columns=["source", "target", "pendant"])


def _closeness(g: Any, n: int, membership: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """Networkx closeness (Wasserman–Faust scaling) from igraph's per-component closeness."""
    raw = np.asarray(g.closeness(normalized=True), dtype=float)
    raw = np.nan_to_num(raw, nan=0.0)
    r = sizes[membership].astype(float)
    return raw * (r - 1) / (n - 1) if n > 1 else np.zeros(n)


def _require_nodes(G: nx.Graph, nodes: Iterable[Hashable], what: str) -> list[Hashable]:
    out = list(nodes)
    missing = [x for x in out if x not in G]
    if missing:
        raise NetworkInputError(
            f"{what}: {len(missing)} node(s) are not in the graph; give node ids present in G"
        )
    return out


# --------------------------------------------------------------------------------------------
# The key-player table

_RANK_COLUMNS = ("degree_centrality", "betweenness", "eigenvector", "weighted_degree")


def key_players(
    G: nx.Graph,
    group: str | None = None,
    *,
    seed: int | None = None,
    node_types: Iterable[str] | None = None,
    weight: str = "weight",
    exact_max: int = EXACT_MAX_NODES,
    k: int = 200,
    rank_by: str = "score",
) -> pd.DataFrame:
    """Rank the nodes of a network, with a short reason on each row.

    Every measure is computed on the whole network (treated as undirected and simple); the
    rows can then be limited to some node types. Paths are unweighted, as in the reference
    values; ``weighted_degree`` sums ``weight``.

    Parameters
    ----------
    G : networkx.Graph
        The network. It is not modified.
    group : str, optional
        Node attribute holding each node's group (e.g. an OCG id). Adds the Gould–Fernandez
        brokerage role counts and ``group_rank`` (rank within the group).
    seed : int, optional
        Seed for sampled betweenness on graphs above ``exact_max`` nodes.
    node_types : iterable of str, optional
        Keep only rows of these node types (e.g. ``["person"]``).
    weight : str
        Edge attribute summed for ``weighted_degree``.
    exact_max : int
        Above this many nodes betweenness is sampled (``k`` sources, with a standard error in
        ``betweenness_se``) and closeness is skipped (the all-pairs cost is n·m).
    k : int
        Sampled sources for large graphs.
    rank_by : str
        Column to rank by; ``"score"`` is the mean percentile of degree, betweenness,
        eigenvector and weighted degree.

    Returns
    -------
    pandas.DataFrame
        One row per node, best first: ``rank``, ``node``, ``node_type``, ``label``,
        ``degree``, ``degree_centrality``, ``weighted_degree``, ``betweenness``
        (``betweenness_se``), ``closeness``, ``eigenvector``, ``core``, ``cut_point``,
        ``bridges`` (non-pendant bridges at the node), ``constraint``, ``effective_size``,
        ``component``, ``component_size``, ``score``, the brokerage columns and
        ``group_rank`` when ``group`` is given, and ``reason``. ``attrs`` holds ``notes``
        (what was sampled, skipped or is per component), ``skipped`` and ``sampled``.

    Raises
    ------
    ParameterError
        If ``rank_by`` is not a column of the result.

    Examples
    --------
    >>> import networkx as nx
    >>> kp = ib.network.key_players(nx.florentine_families_graph())
    >>> kp.loc[0, "node"], bool(kp.loc[0, "cut_point"]), round(float(kp.loc[0, "betweenness"]), 3)
    ('Medici', True, 0.522)
    >>> kp.loc[0, "reason"].split(";")[0]
    'betweenness 0.522 (rank 1 of 15)'
    """
    from intelbench.network.brokerage import ROLES, brokerage_roles

    U = _undirected(G, weight)
    g, nodes = to_igraph(U)
    n, m = len(nodes), g.ecount()
    notes: list[str] = []
    skipped: dict[str, str] = {}
    sampled: dict[str, Any] = {}
    base_cols = [
        "rank", "node", "node_type", "label", "degree", "degree_centrality", "weighted_degree",
        "betweenness", "betweenness_se", "closeness", "eigenvector", "core", "cut_point",
        "bridges", "constraint", "effective_size", "component", "component_size", "score",
    ]
    if n == 0:
        out = pd.DataFrame(columns=[*base_cols, "reason"])
        out.attrs.update({"notes": ["the graph is empty: no key players"], "skipped": {},
                          "sampled": {}})
        return out
    deg = np.asarray(g.degree(), dtype=float)
    A, _ = to_sparse(U, nodes, weight=weight)
    strength = np.asarray(A.sum(axis=1)).ravel()
    comp = g.connected_components()
    membership = np.asarray(comp.membership, dtype=np.int64)
    sizes = np.asarray(comp.sizes(), dtype=np.int64)
    # Components are numbered by size, largest first, so "component 0" is the main one.
    order = np.argsort(-sizes, kind="stable")
    relabel = np.empty_like(order)
    relabel[order] = np.arange(len(order))
    membership, sizes = relabel[membership], sizes[order]
    if len(sizes) > 1:
        notes.append(
            f"the graph has {len(sizes)} components (largest {sizes[0]} of {n} nodes): closeness "
            "is within each component scaled by its size (Wasserman–Faust, as networkx), "
            "eigenvector centrality is concentrated on the component with the largest "
            "eigenvalue, cut-points and bridges are per component"
        )
    frame = pd.DataFrame(index=pd.RangeIndex(n))
    frame["node"] = pd.Series(nodes, dtype=object)
    frame["node_type"] = [U.nodes[v].get("node_type") for v in nodes]
    frame["label"] = [str(U.nodes[v].get("label", v)) for v in nodes]
    frame["degree"] = deg.astype(np.int64)
    frame["degree_centrality"] = deg / (n - 1) if n > 1 else 0.0
    frame["weighted_degree"] = strength
    btw = betweenness(U, exact_max=exact_max, k=k, seed=seed).reindex(nodes)
    frame["betweenness"] = btw["betweenness"].to_numpy()
    frame["betweenness_se"] = btw["betweenness_se"].to_numpy()
    if bool(btw["sampled"].iloc[0]):
        sampled["betweenness"] = {"sources": k, "seed": seed}
        notes.append(
            f"betweenness is estimated from {k} sampled sources (seed {seed}) because the graph "
            f"has more than {exact_max} nodes; betweenness_se is its standard error"
        )
    if n <= exact_max:
        frame["closeness"] = _closeness(g, n, membership, sizes)
    else:
        frame["closeness"] = np.nan
        skipped["closeness"] = f"graph has {n} nodes (> {exact_max}); all-pairs cost n·m"
        notes.append(f"closeness skipped: {skipped['closeness']}")
    frame["eigenvector"] = eigenvector(U).reindex(nodes).to_numpy()
    frame["core"] = np.asarray(g.coreness(), dtype=np.int64)
    cut = np.zeros(n, dtype=bool)
    cut[np.asarray(g.articulation_points(), dtype=np.int64)] = True
    frame["cut_point"] = cut
    nb = np.zeros(n, dtype=np.int64)
    for e in g.bridges():
        s_, t_ = g.es[e].tuple
        if deg[s_] > 1 and deg[t_] > 1:
            nb[s_] += 1
            nb[t_] += 1
    frame["bridges"] = nb
    two_paths = float((deg**2).sum())
    if two_paths <= MAX_TWO_PATHS or m <= LARGE_GRAPH_EDGES:
        frame["constraint"] = constraint(U).reindex(nodes).to_numpy()
        frame["effective_size"] = effective_size(U).reindex(nodes).to_numpy()
    else:
        frame["constraint"] = np.nan
        frame["effective_size"] = np.nan
        skipped["constraint"] = skipped["effective_size"] = (
            f"{two_paths:.0f} two-step paths (> {MAX_TWO_PATHS})"
        )
        notes.append(f"constraint and effective size skipped: {skipped['constraint']}")
    frame["component"] = membership
    frame["component_size"] = sizes[membership]
    pct = pd.DataFrame({c: frame[c].rank(pct=True, method="average") for c in _RANK_COLUMNS})
    frame["score"] = pct.mean(axis=1)
    if group is not None:
        roles = brokerage_roles(U, group).reindex(nodes)
        for r in (*ROLES, "total"):
            frame[f"brokerage_{r}"] = roles[r].to_numpy()
        frame["group"] = [U.nodes[v].get(group) for v in nodes]
        if U.is_directed() is False and G.is_directed():
            notes.append("brokerage counted on the undirected form of the graph")
    if rank_by not in frame.columns:
        raise ParameterError(
            f"rank_by must be 'score' or a measure column ({', '.join(_RANK_COLUMNS)}, ...); "
            f"received {rank_by!r}"
        )
    frame = frame.sort_values([rank_by, "degree"], ascending=False, kind="stable")
    frame = frame.reset_index(drop=True)
    frame["rank"] = np.arange(1, n + 1)
    if group is not None:
        frame["group_rank"] = (
            frame.groupby("group", dropna=False, sort=False).cumcount() + 1
        ).where(frame["group"].notna())
    frame["reason"] = _reasons(frame, n)
    if node_types is not None:
        wanted = set(node_types)
        frame = frame[frame["node_type"].isin(wanted)].reset_index(drop=True)
        notes.append(f"rows limited to node types {sorted(wanted)}; measures use the whole graph")
    cols = [c for c in base_cols if c in frame.columns]
    frame = frame[cols + [c for c in frame.columns if c not in cols and c != "reason"] + ["reason"]]
    frame.attrs.update({"notes": notes, "skipped": skipped, "sampled": sampled,
                        "n_nodes": n, "n_edges": m, "n_components": int(len(sizes))})
    return frame


def _reasons(frame: pd.DataFrame, n: int) -> list[str]:
    """Write a short human reason per row from the measures (most telling first)."""
    b_rank = frame["betweenness"].rank(ascending=False, method="min").to_numpy()
    d_rank = frame["degree"].rank(ascending=False, method="min").to_numpy()
    e_rank = frame["eigenvector"].rank(ascending=False, method="min").to_numpy()
    max_core = int(frame["core"].max()) if n else 0
    top = max(3, math.ceil(0.05 * n))
    has_roles = "brokerage_total" in frame.columns
    out = []
    cols = ["betweenness", "degree", "cut_point", "bridges", "core", "effective_size",
            "constraint", "component_size"]
    role_cols = [c for c in frame.columns if c.startswith("brokerage_") and c != "brokerage_total"]
    values = frame[cols].to_numpy(dtype=object)
    roles = frame[role_cols].to_numpy(dtype=float) if has_roles else None
    for i in range(len(frame)):
        btw, dg, cutp, nbr, core, es, con, csize = values[i]
        parts = []
        if b_rank[i] <= top and btw > 0:
            parts.append(f"betweenness {btw:.3f} (rank {int(b_rank[i])} of {n})")
        if d_rank[i] <= top and dg > 0:
            parts.append(f"{int(dg)} direct links (rank {int(d_rank[i])})")
        if e_rank[i] <= top and dg > 0:
            parts.append("well connected to well-connected nodes (eigenvector)")
        if cutp:
            parts.append("cut-point: removing it splits its component")
        if nbr:
            parts.append(f"on {int(nbr)} bridge(s)")
        if max_core > 1 and core == max_core:
            parts.append(f"in the densest core (k={max_core})")
        if isinstance(es, float) and not math.isnan(es) and es >= 3 and con <= 0.35:
            parts.append(f"spans structural holes (effective size {es:.1f}, constraint {con:.2f})")
        if roles is not None and roles[i].sum() > 0:
            j = int(np.argmax(roles[i]))
            parts.append(f"brokerage: mostly {role_cols[j][10:]} ({int(roles[i][j])} paths)")
        if not parts:
            parts.append(
                "isolated" if dg == 0 else
                f"peripheral: {int(dg)} link(s) in a component of {int(csize)}"
            )
        out.append("; ".join(parts))
    return out
