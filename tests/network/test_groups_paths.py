"""Communities, stability, membership comparison, paths, ego networks and dated networks."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

from intelbench.exceptions import NetworkInputError, ParameterError
from intelbench.network import (
    build_network,
    communities,
    community_stability,
    compare_membership,
    ego_network,
    network_as_of,
    shortest_paths,
)


@pytest.mark.parametrize("method", ["louvain", "leiden"])
def test_karate_modularity_in_range(method: str) -> None:
    K = nx.karate_club_graph()
    c = communities(K, method, seed=42, weight=None)
    assert 0.37 <= c.modularity <= 0.42
    parts = [set(c.membership.index[c.membership == i]) for i in range(c.n_communities)]
    assert c.modularity == pytest.approx(nx.community.modularity(K, parts, weight=None))
    again = communities(K, method, seed=42, weight=None)
    pd.testing.assert_series_equal(c.membership, again.membership)
    assert c.sizes().iloc[0] == c.sizes().max()  # community 0 is the largest
    assert "modularity" in c._repr_html_()


def test_louvain_matches_reference_figure() -> None:
    c = communities(nx.karate_club_graph(), "louvain", seed=42, weight=None)
    assert c.n_communities == 3 and round(c.modularity, 4) == 0.3854


def test_communities_bad_method_and_empty() -> None:
    with pytest.raises(ParameterError, match="method"):
        communities(nx.karate_club_graph(), "girvan")
    empty = communities(nx.Graph())
    assert empty.membership.empty
    lonely = communities(nx.empty_graph(3))
    assert lonely.n_communities == 3


def test_stability_and_comparison() -> None:
    G = nx.planted_partition_graph(4, 15, 0.6, 0.02, seed=3)
    s = community_stability(G, seeds=range(4))
    assert len(s.pairwise) == 6 and 0.9 <= s.mean_ari <= 1.0
    assert s.node_stability.between(0, 1).all() and len(s.to_frame()) == 60
    with pytest.raises(ParameterError, match="seeds"):
        community_stability(G, seeds=[1])
    known = {v: v // 15 for v in G}
    r = compare_membership(s.runs[0], known)
    assert r.ari > 0.9 and r.n_nodes == 60
    assert (r.table["recall"] > 0.8).all()


def test_ari_nmi_equal_sklearn() -> None:
    rng = np.random.default_rng(5)
    a = rng.integers(0, 5, 300)
    b = a.copy()
    b[:120] = rng.integers(0, 7, 120)
    r = compare_membership(dict(enumerate(b)), dict(enumerate(a)))
    assert r.ari == pytest.approx(adjusted_rand_score(a, b), abs=1e-12)
    assert r.nmi == pytest.approx(normalized_mutual_info_score(a, b), abs=1e-12)


@pytest.fixture(scope="module")
def evidence_graph() -> nx.Graph:
    links = pd.DataFrame({
        "source": ["P-1", "P-2", "P-1", "V-1", "P-3", "P-4"],
        "target": ["T-1", "T-1", "V-1", "P-3", "P-2", "P-5"],
        "source_type": ["person", "person", "person", "vehicle", "person", "person"],
        "target_type": ["phone", "phone", "vehicle", "person", "person", "person"],
        "link_type": ["uses", "uses", "drives", "drives", "associate", "family"],
        "first_seen": ["2025-01-01", "2025-06-01", "2025-02-01", "2025-03-01", "2026-01-01",
                       "2025-01-01"],
        "last_seen": ["2025-03-01", "2025-07-01", "2025-12-01", "2025-04-01", "2026-02-01",
                      "2025-02-01"],
        "report_urn": ["IR-1", "IR-2", "IR-3", "IR-4", "IR-5", "IR-6"],
        "grade": ["1AP", "2BP", "3CP", "1BP", "2AC", "1AP"],
    })
    return build_network(links)


def test_shortest_paths_with_evidence(evidence_graph: nx.Graph) -> None:
    r = shortest_paths(evidence_graph, "P-1", "P-3", k=3)
    assert r.paths[0] == ["P-1", "V-1", "P-3"]
    assert ["P-1", "T-1", "P-2", "P-3"] in r.paths and len(r.paths) == 2
    first = r.hops[r.hops["path"] == 0]
    assert first["reports"].tolist() == [("IR-3",), ("IR-4",)]
    assert first["grades"].tolist() == [("3CP",), ("1BP",)]
    assert first["first_seen"].iloc[0] == pd.Timestamp("2025-02-01")
    assert "2 path(s)" in r.message


def test_no_path_and_bad_nodes(evidence_graph: nx.Graph) -> None:
    r = shortest_paths(evidence_graph, "P-1", "P-4")
    assert r.paths == [] and "different components" in r.message
    with pytest.raises(NetworkInputError, match="not in the graph"):
        shortest_paths(evidence_graph, "P-1", "P-404")
    with pytest.raises(ParameterError, match="k must"):
        shortest_paths(evidence_graph, "P-1", "P-3", k=0)


def test_ego_network(evidence_graph: nx.Graph) -> None:
    E = ego_network(evidence_graph, "P-1", radius=1)
    assert set(E) == {"P-1", "T-1", "V-1"}
    assert E.graph["ego"] == "P-1" and E["P-1"]["T-1"]["reports"] == ("IR-1",)
    E2 = ego_network(evidence_graph, "P-1", radius=2)
    assert set(E2) == {"P-1", "T-1", "V-1", "P-2", "P-3"}
    E.nodes["P-1"]["label"] = "changed"
    assert evidence_graph.nodes["P-1"]["label"] == "P-1"
    with pytest.raises(ParameterError, match="radius"):
        ego_network(evidence_graph, "P-1", radius=0)


def test_network_as_of(evidence_graph: nx.Graph) -> None:
    H = network_as_of(evidence_graph, "2025-03-15")
    assert {frozenset(e) for e in H.edges()} == {
        frozenset(("P-1", "T-1")), frozenset(("P-1", "V-1")), frozenset(("V-1", "P-3")),
        frozenset(("P-4", "P-5"))}
    active = network_as_of(evidence_graph, "15/03/2025", active=True)
    assert {frozenset(e) for e in active.edges()} == {
        frozenset(("P-1", "V-1")), frozenset(("V-1", "P-3"))}
    assert network_as_of(evidence_graph, "2024-01-01").number_of_nodes() == 0
    assert network_as_of(evidence_graph, "2024-01-01", keep_isolates=True).number_of_nodes() == 7
    with pytest.raises(ParameterError, match="date"):
        network_as_of(evidence_graph, "the day after")
