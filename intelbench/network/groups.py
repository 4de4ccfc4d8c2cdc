"""Groups: Louvain and Leiden communities, their stability and their match to known groups.

Known membership is, for example, recorded OCG membership.
"""

# ruff: noqa: N803, N806
from __future__ import annotations

import html
import itertools
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field

import networkx as nx
import numpy as np
import pandas as pd
import scipy.sparse as sp

from intelbench.exceptions import ParameterError
from intelbench.network._igraph import to_igraph

__all__ = [
    "Communities",
    "MembershipComparison",
    "Stability",
    "communities",
    "community_stability",
    "compare_membership",
]

_METHODS = ("leiden", "louvain")


@dataclass(frozen=True)
class Communities:
    """Communities found in a network.

    Attributes
    ----------
    membership : pandas.Series
        Community number per node (0 is the largest community).
    modularity : float
        Newman's modularity Q of the partition (weighted if a weight was used).
    method : str
        ``"leiden"`` or ``"louvain"``.
    seed : int or None
        The seed used.
    """

    membership: pd.Series = field(repr=False)
    modularity: float = float("nan")
    method: str = "leiden"
    seed: int | None = None

    @property
    def n_communities(self) -> int:
        """Number of communities."""
        return int(self.membership.nunique())

    def to_frame(self) -> pd.DataFrame:
        """Return one row per node: ``node`` and ``community``."""
        return pd.DataFrame({"node": self.membership.index, "community": self.membership.values})

    def sizes(self) -> pd.Series:
        """Return the size of each community."""
        return self.membership.value_counts().sort_index()

    def _repr_html_(self) -> str:
        from intelbench._display import count, num

        sizes = ", ".join(count(s) for s in self.sizes().tolist()[:20])
        return (
            f"<p>{html.escape(self.method)} (seed {html.escape(str(self.seed))}): "
            f"{self.n_communities} communities, modularity Q = {num(self.modularity)}; "
            f"sizes {html.escape(sizes)}</p>"
        )


def _renumber(labels: np.ndarray) -> np.ndarray:
    """Renumber labels so that 0 is the largest community (ties by first appearance)."""
    uniq, first, counts = np.unique(labels, return_index=True, return_counts=True)
    order = np.lexsort((first, -counts))
    new = np.empty(len(uniq), dtype=np.int64)
    new[order] = np.arange(len(uniq))
    return new[np.searchsorted(uniq, labels)]


def communities(
    G: nx.Graph,
    method: str = "leiden",
    *,
    seed: int | None = None,
    weight: str | None = "weight",
    resolution: float = 1.0,
) -> Communities:
    """Find communities by modularity: Leiden (leidenalg) or Louvain (networkx).

    Parameters
    ----------
    G : networkx.Graph
        The network (treated as undirected). It is not modified.
    method : {"leiden", "louvain"}
        Algorithm.
    seed : int, optional
        Seed; the same seed gives the same partition.
    weight : str or None
        Edge attribute used as weight (missing values count 1); None for unweighted.
    resolution : float
        Modularity resolution (1 is standard modularity).

    Returns
    -------
    Communities

    Raises
    ------
    ParameterError
        If ``method`` is not one of the allowed values.

    Examples
    --------
    >>> import networkx as nx
    >>> c = ib.network.communities(nx.karate_club_graph(), "louvain", seed=42, weight=None)
    >>> c.n_communities, round(c.modularity, 4)
    (3, 0.3854)
    """
    if method not in _METHODS:
        raise ParameterError(f"method must be one of {_METHODS}; received {method!r}")
    from intelbench.network.measures import _undirected

    U = _undirected(G, weight or "weight")
    nodes = list(U.nodes())
    if not nodes:
        return Communities(pd.Series([], dtype=np.int64), float("nan"), method, seed)
    if U.number_of_edges() == 0:
        labels = np.arange(len(nodes))
    elif method == "louvain":
        parts = nx.community.louvain_communities(
            U, weight=weight, resolution=resolution, seed=seed
        )
        index = {v: i for i, v in enumerate(nodes)}
        labels = np.empty(len(nodes), dtype=np.int64)
        for c, part in enumerate(parts):
            for v in part:
                labels[index[v]] = c
    else:
        from intelbench.network._igraph import import_igraph

        import_igraph()
        import leidenalg

        g, _ = to_igraph(U, nodes, weight=weight)
        part = leidenalg.find_partition(
            g,
            leidenalg.RBConfigurationVertexPartition,
            weights="weight" if weight else None,
            resolution_parameter=resolution,
            seed=0 if seed is None else int(seed) % (2**31),
        )
        labels = np.asarray(part.membership, dtype=np.int64)
    labels = _renumber(labels)
    membership = pd.Series(labels, index=pd.Index(nodes), name="community")
    q = _modularity(U, nodes, labels, weight) if U.number_of_edges() else float("nan")
    return Communities(membership, q, method, seed)


def _modularity(U: nx.Graph, nodes: list[Hashable], labels: np.ndarray, weight: str | None
                ) -> float:
    from intelbench.network._igraph import to_sparse

    A, _ = to_sparse(U, nodes, weight=weight)
    two_m = A.sum()
    k = np.asarray(A.sum(axis=1)).ravel()
    H = sp.csr_matrix((np.ones(len(nodes)), (np.arange(len(nodes)), labels)))
    inside = (H.T @ A @ H).diagonal().sum()
    tot = np.asarray(H.T @ k).ravel()
    return float(inside / two_m - (tot**2).sum() / two_m**2)


# --------------------------------------------------------------------------------------------
# Comparing partitions


def _contingency(a: np.ndarray, b: np.ndarray) -> sp.csr_matrix:
    _, ai = np.unique(a, return_inverse=True)
    _, bi = np.unique(b, return_inverse=True)
    return sp.csr_matrix((np.ones(len(a)), (ai, bi)))


def _ari(a: np.ndarray, b: np.ndarray) -> float:
    """Compute the adjusted Rand index (Hubert & Arabie), equal to sklearn's."""
    n = len(a)
    if n < 2:
        return 1.0
    C = _contingency(a, b)

    def comb2(x: np.ndarray) -> float:
        return float((x * (x - 1) / 2).sum())

    sum_ij = comb2(C.data)
    sum_a = comb2(np.asarray(C.sum(axis=1)).ravel())
    sum_b = comb2(np.asarray(C.sum(axis=0)).ravel())
    expected = sum_a * sum_b / (n * (n - 1) / 2)
    max_index = (sum_a + sum_b) / 2
    if max_index == expected:
        return 1.0
    return (sum_ij - expected) / (max_index - expected)


def _nmi(a: np.ndarray, b: np.ndarray) -> float:
    """Compute normalised mutual information (arithmetic normalisation, sklearn's default)."""
    n = len(a)
    C = _contingency(a, b).tocoo()
    pa = np.asarray(_contingency(a, b).sum(axis=1)).ravel() / n
    pb = np.asarray(_contingency(a, b).sum(axis=0)).ravel() / n
    pij = C.data / n
    mi = float((pij * np.log(pij / (pa[C.row] * pb[C.col]))).sum())
    ha = float(-(pa * np.log(pa)).sum())
    hb = float(-(pb * np.log(pb)).sum())
    if ha == 0 and hb == 0:
        return 1.0
    denom = (ha + hb) / 2
    return max(0.0, mi / denom) if denom > 0 else 0.0


def _as_series(x: Communities | Mapping[Hashable, Hashable] | pd.Series, name: str) -> pd.Series:
    if isinstance(x, Communities):
        return x.membership
    if isinstance(x, pd.Series):
        return x
    if isinstance(x, Mapping):
        return pd.Series(dict(x))
    raise ParameterError(
        f"{name} must be a Communities result, a pandas Series or a dict node -> group; "
        f"received {type(x).__name__}"
    )


@dataclass(frozen=True)
class MembershipComparison:
    """How found communities match known groups.

    Attributes
    ----------
    ari : float
        Adjusted Rand index over the nodes in both (1 = identical, about 0 = chance).
    nmi : float
        Normalised mutual information (arithmetic normalisation).
    n_nodes : int
        Nodes compared (present in both).
    table : pandas.DataFrame
        Per known group: ``known``, ``size``, ``best_found`` community, ``overlap``,
        ``recall`` (share of the known group in that community) and ``precision`` (share of
        that community that is in the known group).
    """

    ari: float
    nmi: float
    n_nodes: int
    table: pd.DataFrame = field(repr=False)

    def to_frame(self) -> pd.DataFrame:
        """Return the per-group table."""
        return self.table.copy()

    def _repr_html_(self) -> str:
        from intelbench._display import count, frame_html, num

        return (
            f"<p>{count(self.n_nodes)} nodes compared: ARI {num(self.ari)}, "
            f"NMI {num(self.nmi)}</p>"
            + frame_html(self.table, percent=["recall", "precision"])
        )


def compare_membership(
    found: Communities | Mapping[Hashable, Hashable] | pd.Series,
    known: Mapping[Hashable, Hashable] | pd.Series,
) -> MembershipComparison:
    """Compare found communities with known membership (ARI, NMI and a per-group table).

    Only nodes present in both are compared; nodes with a missing known group are left out.

    Parameters
    ----------
    found : Communities, pandas.Series or dict
        Node -> community.
    known : pandas.Series or dict
        Node -> known group (e.g. OCG id).

    Returns
    -------
    MembershipComparison

    Examples
    --------
    >>> r = ib.network.compare_membership({1: "a", 2: "a", 3: "b"}, {1: "x", 2: "x", 3: "y"})
    >>> r.ari, r.nmi
    (1.0, 1.0)
    """
    f = _as_series(found, "found")
    k = _as_series(known, "known").dropna()
    common = f.index.intersection(k.index)
    fa = f.reindex(common).to_numpy()
    ka = k.reindex(common).to_numpy()
    fa_codes = pd.factorize(pd.Series(fa, dtype=object))[0]
    ka_codes = pd.factorize(pd.Series(ka, dtype=object))[0]
    n = len(common)
    ari = _ari(ka_codes, fa_codes) if n else float("nan")
    nmi = _nmi(ka_codes, fa_codes) if n else float("nan")
    frame = pd.DataFrame({"known": ka, "found": fa})
    rows = []
    found_sizes = frame["found"].value_counts()
    for grp, sub in frame.groupby("known", sort=True):
        counts = sub["found"].value_counts()
        best = counts.index[0]
        rows.append({
            "known": grp, "size": len(sub), "best_found": best, "overlap": int(counts.iloc[0]),
            "recall": counts.iloc[0] / len(sub),
            "precision": counts.iloc[0] / found_sizes[best],
        })
    table = pd.DataFrame(
        rows, columns=["known", "size", "best_found", "overlap", "recall", "precision"]
    )
    return MembershipComparison(float(ari), float(nmi), n, table)


@dataclass(frozen=True)
class Stability:
    """Stability of communities across seeds.

    Attributes
    ----------
    mean_ari : float
        Mean adjusted Rand index over all pairs of runs (1 = every seed gives the same split).
    pairwise : pandas.DataFrame
        ``seed_a``, ``seed_b``, ``ari`` for every pair of runs.
    node_stability : pandas.Series
        Per node, the mean over pairs of runs of the Jaccard overlap between its community in
        one run and in the other (1 = always with the same companions).
    runs : list of Communities
        The individual results.
    """

    mean_ari: float
    pairwise: pd.DataFrame = field(repr=False)
    node_stability: pd.Series = field(repr=False)
    runs: list[Communities] = field(repr=False)

    def to_frame(self) -> pd.DataFrame:
        """Return one row per node: ``node``, ``stability``."""
        return pd.DataFrame(
            {"node": self.node_stability.index, "stability": self.node_stability.values}
        )

    def _repr_html_(self) -> str:
        from intelbench._display import num as _num

        counts = sorted({r.n_communities for r in self.runs})
        return (
            f"<p>{len(self.runs)} runs: mean pairwise ARI {_num(self.mean_ari)}; "
            f"communities per run {html.escape(str(counts))}</p>"
        )


def community_stability(
    G: nx.Graph,
    seeds: Iterable[int] = range(10),
    method: str = "leiden",
    *,
    weight: str | None = "weight",
    resolution: float = 1.0,
) -> Stability:
    """Run :func:`communities` with several seeds and measure how much the split changes.

    Parameters
    ----------
    G : networkx.Graph
        The network. It is not modified.
    seeds : iterable of int
        Seeds to run (at least two).
    method : {"leiden", "louvain"}
        Algorithm.
    weight : str or None
        Edge weight attribute.
    resolution : float
        Modularity resolution.

    Returns
    -------
    Stability

    Raises
    ------
    ParameterError
        If fewer than two seeds are given.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.disjoint_union(nx.complete_graph(5), nx.complete_graph(5))
    >>> ib.network.community_stability(G, seeds=[1, 2, 3]).mean_ari
    1.0
    """
    seed_list = list(seeds)
    if len(seed_list) < 2:
        raise ParameterError(f"seeds must hold at least two seeds; received {len(seed_list)}")
    runs = [communities(G, method, seed=s, weight=weight, resolution=resolution)
            for s in seed_list]
    nodes = runs[0].membership.index
    labels = [r.membership.reindex(nodes).to_numpy() for r in runs]
    rows = []
    jacc = np.zeros(len(nodes))
    for (i, a), (j, b) in itertools.combinations(enumerate(labels), 2):
        rows.append({"seed_a": seed_list[i], "seed_b": seed_list[j], "ari": _ari(a, b)})
        C = _contingency(a, b).toarray() if len(nodes) < 3000 else None
        if C is not None:
            size_a = C.sum(axis=1)
            size_b = C.sum(axis=0)
            _, ai = np.unique(a, return_inverse=True)
            _, bi = np.unique(b, return_inverse=True)
            inter = C[ai, bi]
            jacc += inter / (size_a[ai] + size_b[bi] - inter)
        else:
            Cs = _contingency(a, b).tocsr()
            size_a = np.asarray(Cs.sum(axis=1)).ravel()
            size_b = np.asarray(Cs.sum(axis=0)).ravel()
            _, ai = np.unique(a, return_inverse=True)
            _, bi = np.unique(b, return_inverse=True)
            inter = np.asarray(Cs[ai, bi]).ravel()
            jacc += inter / (size_a[ai] + size_b[bi] - inter)
    pairwise = pd.DataFrame(rows, columns=["seed_a", "seed_b", "ari"])
    node_stability = pd.Series(jacc / max(len(rows), 1), index=nodes, name="stability")
    mean_ari = float(pairwise["ari"].mean()) if len(nodes) else float("nan")
    return Stability(mean_ari, pairwise, node_stability, runs)
