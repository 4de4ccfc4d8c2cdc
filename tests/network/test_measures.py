"""Key-player measures against networkx and the reference values in methods.md B10."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import pytest

import intelbench as ib
from intelbench.exceptions import NetworkInputError, ParameterError
from intelbench.network import (
    betweenness,
    bridges,
    constraint,
    effective_size,
    eigenvector,
    fragmentation,
    key_player_set,
    key_players,
)


@pytest.fixture(scope="module")
def florentine() -> nx.Graph:
    return nx.florentine_families_graph()


@pytest.fixture(scope="module")
def karate() -> nx.Graph:
    return nx.karate_club_graph()


def _weighted_random(seed: int) -> nx.Graph:
    G = nx.gnm_random_graph(200, 600, seed=seed)
    rng = np.random.default_rng(seed)
    for _, _, d in G.edges(data=True):
        d["weight"] = float(rng.integers(1, 6))
    G.add_node("isolate")
    return G


def test_florentine_reference_values(florentine: nx.Graph) -> None:
    kp = key_players(florentine).set_index("node")
    assert kp.loc["Medici", "betweenness"] == pytest.approx(0.5220, abs=5e-5)
    assert kp.loc["Guadagni", "betweenness"] == pytest.approx(0.2546, abs=5e-5)
    assert kp.loc["Albizzi", "betweenness"] == pytest.approx(0.2125, abs=5e-5)
    assert kp.loc["Medici", "degree_centrality"] == pytest.approx(0.4286, abs=5e-5)
    assert kp.loc["Medici", "closeness"] == pytest.approx(0.56, abs=5e-5)
    assert kp.loc["Medici", "eigenvector"] == pytest.approx(0.4303, abs=5e-5)
    assert kp.loc["Medici", "effective_size"] == pytest.approx(5.667, abs=5e-4)
    assert kp.loc["Medici", "constraint"] == pytest.approx(0.2099, abs=5e-5)
    assert set(kp.index[kp["cut_point"]]) == {"Albizzi", "Guadagni", "Medici", "Salviati"}
    assert kp.index[0] == "Medici"


def test_karate_reference_values(karate: nx.Graph) -> None:
    kp = key_players(karate).set_index("node")
    assert kp.loc[0, "betweenness"] == pytest.approx(0.4376, abs=5e-5)
    assert kp.loc[0, "degree_centrality"] == pytest.approx(0.4848, abs=5e-5)
    assert kp.loc[0, "closeness"] == pytest.approx(0.569, abs=5e-4)
    assert kp.loc[33, "betweenness"] == pytest.approx(0.3041, abs=5e-5)
    assert kp.loc[33, "degree_centrality"] == pytest.approx(0.5152, abs=5e-5)
    assert set(kp.index[kp["cut_point"]]) == {0}
    assert kp["core"].max() == 4


@pytest.mark.parametrize("seed", [1, 2])
def test_measures_equal_networkx(seed: int) -> None:
    G = _weighted_random(seed)
    kp = key_players(G).set_index("node")
    ref = {
        "betweenness": nx.betweenness_centrality(G),
        "closeness": nx.closeness_centrality(G),
        "degree_centrality": nx.degree_centrality(G),
        "core": nx.core_number(G),
    }
    for col, values in ref.items():
        expected = pd.Series(values).reindex(kp.index)
        np.testing.assert_allclose(kp[col].astype(float), expected.astype(float), atol=1e-12)
    assert set(kp.index[kp["cut_point"]]) == set(nx.articulation_points(G))
    strength = pd.Series(dict(G.degree(weight="weight"))).reindex(kp.index)
    np.testing.assert_allclose(kp["weighted_degree"], strength)


@pytest.mark.parametrize("weight", [None, "weight"])
def test_burt_measures_equal_networkx(weight: str | None) -> None:
    G = _weighted_random(3)
    c = constraint(G, weight)
    c_ref = pd.Series(nx.constraint(G, weight=weight)).reindex(c.index)
    np.testing.assert_allclose(c, c_ref, atol=1e-12)
    assert np.isnan(c["isolate"])
    e = effective_size(G, weight)
    # networkx 3.6.1's all-nodes sparse path normalises the weighted m_jq by the wrong axis;
    # its per-node path follows Burt's definition, which is what we match.
    e_ref = pd.Series(nx.effective_size(G, nodes=list(G), weight=weight)).reindex(e.index)
    np.testing.assert_allclose(e, e_ref, atol=1e-12)


def test_eigenvector_equals_networkx() -> None:
    G = _weighted_random(4)
    G.remove_node("isolate")
    G = G.subgraph(max(nx.connected_components(G), key=len)).copy()
    ev = eigenvector(G)
    ref = pd.Series(nx.eigenvector_centrality(G, max_iter=2000, tol=1e-12)).reindex(ev.index)
    np.testing.assert_allclose(ev, ref, atol=1e-6)


def test_bridges_listed() -> None:
    G = nx.Graph([(1, 2), (2, 3), (3, 1), (3, 4), (4, 5), (5, 6), (6, 4), (6, 7)])
    b = bridges(G)
    pairs = {frozenset(p) for p in zip(b["source"], b["target"], strict=True)}
    assert pairs == {frozenset((3, 4)), frozenset((6, 7))}
    assert dict(zip(map(frozenset, zip(b.source, b.target, strict=True)), b.pendant,
                    strict=True)) == {frozenset((3, 4)): False, frozenset((6, 7)): True}
    kp = key_players(G).set_index("node")
    assert kp.loc[3, "bridges"] == 1 and kp.loc[6, "bridges"] == 0


def test_sampled_betweenness_interval_covers_exact() -> None:
    G = nx.connected_watts_strogatz_graph(1500, 6, 0.1, seed=7)
    exact = pd.Series(nx.betweenness_centrality(G))
    est = betweenness(G, exact_max=500, k=300, seed=11)
    assert est["sampled"].all()
    diff = (est["betweenness"] - exact.reindex(est.index)).abs()
    covered = (diff <= 2 * est["betweenness_se"]).mean()
    assert covered >= 0.8
    # repeatable with the same seed, different with another
    again = betweenness(G, exact_max=500, k=300, seed=11)
    np.testing.assert_array_equal(est["betweenness"], again["betweenness"])
    other = betweenness(G, exact_max=500, k=300, seed=12)
    assert not np.array_equal(est["betweenness"], other["betweenness"])


def test_key_players_reports_sampling_and_skips() -> None:
    G = nx.connected_watts_strogatz_graph(800, 4, 0.2, seed=1)
    kp = key_players(G, exact_max=300, k=50, seed=3)
    assert kp.attrs["sampled"]["betweenness"]["sources"] == 50
    assert "closeness" in kp.attrs["skipped"]
    assert kp["closeness"].isna().all()
    assert any("sampled" in note for note in kp.attrs["notes"])


def test_empty_graph_says_so() -> None:
    kp = key_players(nx.Graph())
    assert kp.empty and "empty" in kp.attrs["notes"][0]
    assert fragmentation(nx.Graph()) != fragmentation(nx.Graph())  # NaN, not an error
    assert betweenness(nx.Graph()).empty


def test_disconnected_graph_per_component() -> None:
    G = nx.disjoint_union(nx.path_graph(3), nx.complete_graph(4))
    G.add_node("lone")
    kp = key_players(G).set_index("node")
    assert kp.attrs["n_components"] == 3
    assert any("components" in note for note in kp.attrs["notes"])
    ref = nx.closeness_centrality(G)
    for v in G:
        assert kp.loc[v, "closeness"] == pytest.approx(ref[v])
    assert kp.loc["lone", "reason"] == "isolated"
    assert kp.loc["lone", "degree"] == 0
    assert kp.loc[1, "cut_point"]
    assert kp["component_size"].to_dict()["lone"] == 1


def test_tiny_graphs_do_not_divide_by_zero() -> None:
    for G in (nx.Graph([(1, 2)]), nx.empty_graph(1), nx.empty_graph(2)):
        kp = key_players(G)
        assert len(kp) == G.number_of_nodes()
        assert np.isfinite(kp["degree_centrality"]).all()


def test_fragmentation_formula() -> None:
    G = nx.path_graph(5)
    assert fragmentation(G) == 0.0
    # removing the middle leaves two pairs: 1 - (2*1 + 2*1) / (4*3)
    assert fragmentation(G, [2]) == pytest.approx(1 - 4 / 12)
    assert fragmentation(G, [0, 1, 2, 3]) != fragmentation(G, [0, 1, 2, 3])  # one node: NaN
    with pytest.raises(NetworkInputError, match="removed"):
        fragmentation(G, ["nobody"])


def test_key_player_set_greedy() -> None:
    G = nx.barbell_graph(5, 1)  # two cliques joined through node 5
    kp = key_player_set(G, 1)
    assert kp.nodes == [5]
    assert kp.fragmentation == pytest.approx(fragmentation(G, [5]))
    assert kp.baseline == 0.0
    two = key_player_set(G, 2)
    assert two.nodes[0] == 5 and two.fragmentation >= kp.fragmentation
    assert "<table>" in two._repr_html_()
    with pytest.raises(ParameterError, match="k must be"):
        key_player_set(G, 0)


def test_rank_by_and_node_types() -> None:
    G = nx.Graph([("p1", "t1"), ("p2", "t1"), ("p3", "t1"), ("p3", "t2")])
    nx.set_node_attributes(G, {"p1": "person", "p2": "person", "p3": "person",
                               "t1": "phone", "t2": "phone"}, "node_type")
    kp = key_players(G, node_types=["person"], rank_by="betweenness")
    assert set(kp["node_type"]) == {"person"}
    assert kp.loc[0, "node"] == "p3"
    with pytest.raises(ParameterError, match="rank_by"):
        key_players(G, rank_by="charisma")


def test_public_names() -> None:
    assert ib.network.key_players is key_players


def test_analysis_loads_no_plotting_library() -> None:
    import json
    import subprocess
    import sys

    code = (
        "import sys, json, networkx as nx, intelbench as ib\n"
        "K = nx.karate_club_graph()\n"
        "nx.set_node_attributes(K, {v: v % 3 for v in K}, 'g')\n"
        "ib.network.key_players(K, group='g'); ib.network.communities(K, seed=1)\n"
        "print(json.dumps([m for m in ('matplotlib', 'folium', 'ipywidgets') if m in sys.modules]))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == []


def test_igraph_imports_when_matplotlib_is_loaded_but_pyplot_is_not() -> None:
    """Regression: blocking only pyplot made igraph's own import fail."""
    import subprocess
    import sys

    code = (
        "import sys, matplotlib\n"
        "assert 'matplotlib.pyplot' not in sys.modules\n"
        "from intelbench.network._igraph import import_igraph\n"
        "ig = import_igraph()\n"
        "print(ig.Graph.Famous('Zachary').vcount())\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "34"
