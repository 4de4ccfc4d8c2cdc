"""build_network: aggregation, provenance, quarantine, projection."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from intelbench.exceptions import NetworkInputError, SchemaError
from intelbench.network import build_network, parse_dates, project_persons


def _links() -> pd.DataFrame:
    return pd.DataFrame({
        "source": ["P-1", "T-1", "P-2", "P-3", "P-1", "P-4", "P-1", "P-5", "P-1", " P-2 "],
        "target": ["T-1", "P-1", "T-1", "P-3", "P-2", "P-1", "X-9", "T-1", "V-1", "V-1"],
        "source_type": ["person", "phone", "person", "person", "person", "person", "person",
                        "person", "person", "person"],
        "target_type": ["phone", "person", "phone", "person", "person", None, "phone", "phone",
                        "vehicle", "vehicle"],
        "link_type": ["uses", "uses", "uses", "family", "associate", "associate", "uses", "",
                      "uses", "uses"],
        "first_seen": ["2026-01-01", "02/01/2026", "2026-01-05", "2026-01-01", "2026-03-01",
                       "2026-01-01", "2026-01-01", "2026-01-01", "not a date", "2026-02-01"],
        "last_seen": ["2026-01-10", "2026-02-20", "2026-01-04", "2026-01-02", None,
                      "2026-01-02", "2026-01-02", "2026-01-02", "2026-01-02", "2026-02-02"],
        "count": [3, 2, 1, 1, 1, 1, 1, 1, 1, 4],
        "report_urn": ["IR-1", "IR-2", "IR-3", "IR-4", "IR-5", "IR-6", "IR-7", "IR-8", "IR-9",
                       "IR-10"],
        "grade": ["1AP", "2BP", "1AP", "3EP", "2BC", "1AP", "1AP", "1AP", "1AP", "2BP"],
    })


def test_aggregates_both_directions_with_provenance() -> None:
    links = _links()
    before = links.copy()
    G = build_network(links)
    pd.testing.assert_frame_equal(links, before)  # input untouched
    e = G["P-1"]["T-1"]
    assert e["weight"] == 5.0 and e["count"] == 5 and e["n_links"] == 2
    assert e["reports"] == ("IR-1", "IR-2") and e["grades"] == ("1AP", "2BP")
    assert e["link_types"] == ("uses",)
    assert e["first_seen"] == pd.Timestamp("2026-01-01")
    assert e["last_seen"] == pd.Timestamp("2026-02-20")  # 02/01/2026 read day-first
    assert G.nodes["P-1"]["node_type"] == "person" and G.nodes["T-1"]["node_type"] == "phone"
    assert G["P-1"]["P-2"]["last_seen"] is None
    assert G.has_edge("P-2", "V-1")  # ids are stripped


def test_quarantine_reasons_and_counts() -> None:
    G = build_network(_links())
    q = G.graph["quarantine"].set_index("row")["reason"].to_dict()
    assert q == {
        2: "last_seen before first_seen",
        3: "self-link",
        5: "missing target_type",
        7: "missing link_type",
        8: "unparseable first_seen",
    }
    assert G.graph["n_quarantined"] == 5
    assert G.graph["build"].n_used == 5 and G.graph["build"].n_rows == 10
    assert G.graph["build"].reasons["last_seen before first_seen"] == 1
    assert "5 rows set aside" in G.graph["build"]._repr_html_()


def test_node_table_unknown_nodes_and_attributes() -> None:
    nodes = pd.DataFrame({
        "entity_id": ["P-1", "P-2", "T-1", "V-1", "P-3"],
        "entity_type": ["person", "person", "phone", "vehicle", "person"],
        "label": ["<b>Ann</b>", "Bob", "07700 900000", "AB12 CDE", "Cy"],
        "area_code": [None, None, None, "E01", None],
    })
    nominals = pd.DataFrame({"nominal_id": ["P-1"], "dob": ["1990-01-01"]})
    G = build_network(_links(), nodes, nominals=nominals)
    reasons = G.graph["quarantine"]["reason"]
    assert (reasons.str.contains("unknown target node")).sum() == 1
    assert reasons.str.contains("unknown source node").sum() == 2  # P-4, P-5
    assert G.nodes["P-1"]["label"] == "<b>Ann</b>" and G.nodes["P-1"]["dob"] == "1990-01-01"
    assert G.nodes["V-1"]["area_code"] == "E01"
    assert "area_code" not in G.nodes["P-2"]


def test_type_conflicts_and_unknown_types() -> None:
    links = pd.DataFrame({
        "source": ["P-1", "P-1", "P-1", "P-2"], "target": ["T-1", "T-2", "T-3", "T-1"],
        "source_type": ["person", "person", "phone", "spaceship"],
        "target_type": ["phone", "phone", "phone", "phone"], "link_type": "uses",
    })
    G = build_network(links)
    q = G.graph["quarantine"].set_index("row")["reason"].to_dict()
    assert q[2] == "source_type conflicts with other links"
    assert q[3] == "unknown source_type"
    assert G.number_of_edges() == 2


def test_multigraph_and_weight_from_links() -> None:
    links = pd.DataFrame({
        "source": ["A", "A", "A"], "target": ["B", "B", "B"], "source_type": "person",
        "target_type": "person", "link_type": ["family", "associate", "family"],
        "count": [5, 1, 2],
    })
    M = build_network(links, multigraph=True)
    assert isinstance(M, nx.MultiGraph) and M.number_of_edges() == 2
    assert M["A"]["B"]["family"]["count"] == 7
    G = build_network(links, weight_from="links")
    assert G["A"]["B"]["weight"] == 3.0 and G["A"]["B"]["link_types"] == ("associate", "family")
    with pytest.raises(NetworkInputError, match="weight_from"):
        build_network(links, weight_from="calls")


def test_missing_columns_raise_schema_error() -> None:
    with pytest.raises(SchemaError, match="'target'"):
        build_network(pd.DataFrame({"source": ["a"]}))
    with pytest.raises(SchemaError, match="source_type"):
        build_network(pd.DataFrame({"source": ["a"], "target": ["b"]}))


def test_empty_links_give_empty_graph() -> None:
    G = build_network(pd.DataFrame(columns=["source", "target", "source_type", "target_type"]))
    assert G.number_of_nodes() == 0 and G.graph["n_quarantined"] == 0


def test_parse_dates_mixed() -> None:
    parsed, bad = parse_dates(pd.Series(["2026-05-01", "01/05/2026 13:30", "", "31/02/2026"]))
    assert parsed[0] == pd.Timestamp("2026-05-01")
    assert parsed[1] == pd.Timestamp("2026-05-01 13:30")
    assert bad.tolist() == [False, False, False, True]


def test_large_build_is_vectorised() -> None:
    rng = np.random.default_rng(0)
    n = 200_000
    links = pd.DataFrame({
        "source": np.char.add("P-", rng.integers(0, 5000, n).astype(str)),
        "target": np.char.add("T-", rng.integers(0, 5000, n).astype(str)),
        "source_type": "person", "target_type": "phone", "link_type": "calls",
        "first_seen": "2026-01-01", "count": 1,
    })
    G = build_network(links)
    assert G.graph["n_quarantined"] == 0
    assert sum(d["count"] for _, _, d in G.edges(data=True)) == n
    pairs = links.groupby(["source", "target"]).size()
    assert G.number_of_edges() == len(pairs)
    u, v = pairs.index[0]
    assert G[u][v]["count"] == pairs.iloc[0]


def test_davis_projection() -> None:
    D = nx.davis_southern_women_graph()
    for _, d in D.nodes(data=True):
        d["node_type"] = "person" if d["bipartite"] == 0 else "event"
    P = project_persons(D)
    assert P.number_of_nodes() == 18 and P.number_of_edges() == 139
    assert P["Evelyn Jefferson"]["Laura Mandeville"]["weight"] == 6
    women = [v for v, d in D.nodes(data=True) if d["bipartite"] == 0]
    ref = nx.bipartite.weighted_projected_graph(D, women)
    assert all(P[u][v]["weight"] == d["weight"] for u, v, d in ref.edges(data=True))
    assert D.nodes["E1"]["node_type"] == "event"  # input untouched


def test_projection_needs_persons() -> None:
    G = nx.Graph([("a", "b")])
    nx.set_node_attributes(G, "phone", "node_type")
    from intelbench.exceptions import ParameterError

    with pytest.raises(ParameterError, match="person"):
        project_persons(G)
