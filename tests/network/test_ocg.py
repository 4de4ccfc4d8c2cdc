"""OCG mapping on hand-built cases and on the planted ground truth of the sample force."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import networkx as nx
import pandas as pd
import pytest

import intelbench as ib
from intelbench.exceptions import ParameterError
from intelbench.network import (
    HarmModel,
    build_network,
    communities,
    compare_membership,
    key_players,
    map_ocgs,
    merge_nominals,
)


@pytest.fixture(scope="module")
def sample(samples: Path) -> dict[str, Any]:
    links = pd.read_csv(samples / "associations.csv", dtype=str)
    nodes = pd.read_csv(samples / "entities.csv", dtype=str)
    nominals = pd.read_csv(samples / "nominals.csv", dtype=str)
    truth = json.loads((samples / "ocg_truth.json").read_text())
    G = build_network(links, nodes, nominals=nominals)
    membership = {m: g["name"] for g in truth["groups"] for m in g["members"]}
    return {"G": G, "truth": truth, "membership": membership, "links": links}


def test_sample_quarantine_matches_planted_bad_links(sample: dict[str, Any]) -> None:
    G, truth = sample["G"], sample["truth"]
    q = G.graph["quarantine"]
    planted = truth["bad_links"]["rows"]
    assert G.graph["n_quarantined"] == len(planted)
    # truth counts file lines (header is line 1)
    assert sorted(q["row"] + 2) == sorted(r["line"] for r in planted)
    assert G.graph["build"].n_used == truth["links"]["good_rows"]


def test_sample_ocg_roles_recovered(sample: dict[str, Any]) -> None:
    G, truth = sample["G"], sample["truth"]
    m = map_ocgs(G, membership=sample["membership"], seed=1)
    groups = m.groups.set_index("group")
    for g in truth["groups"]:
        row = groups.loc[g["name"]]
        assert row["leader"] == g["leader"], g["name"]
        assert g["cut_point"] in row["cut_points"], g["name"]
        assert row["n_members"] == len(g["members"])
    broker = truth["broker"]["person"]
    home = sample["membership"][broker]
    assert groups.loc[home, "brokers"][0] == broker
    roles = m.members.set_index("node")
    assert "broker" in roles.loc[broker, "roles"]
    assert roles.loc[truth["groups"][0]["leader"], "roles"].startswith("leader")


def test_sample_leader_tops_key_players_within_group(sample: dict[str, Any]) -> None:
    G = sample["G"]
    social = G.subgraph([v for v, t in G.nodes(data="node_type") if t == "person"]).copy()
    nx.set_node_attributes(social, sample["membership"], "ocg")
    kp = key_players(social, group="ocg", seed=1)
    for g in sample["truth"]["groups"]:
        top = kp[(kp["group"] == g["name"]) & (kp["group_rank"] == 1)]
        assert top["node"].tolist() == [g["leader"]]
    cuts = set(kp.loc[kp["cut_point"], "node"])
    assert {g["cut_point"] for g in sample["truth"]["groups"]} <= cuts
    broker = kp.set_index("node").loc[sample["truth"]["broker"]["person"]]
    assert broker["brokerage_gatekeeper"] > 0 and broker["brokerage_representative"] > 0


def test_sample_communities_find_the_groups(sample: dict[str, Any]) -> None:
    G = sample["G"]
    social = G.subgraph([v for v, t in G.nodes(data="node_type") if t == "person"])
    c = communities(social, "leiden", seed=1)
    r = compare_membership(c, sample["membership"])
    assert (r.table["recall"] >= 0.6).all()


def test_sample_merge_with_workspace(sample: dict[str, Any], tmp_path: Path) -> None:
    keep, drop = sample["truth"]["duplicates"][0]
    ws = ib.Workspace(tmp_path / "ws", analyst="A. Analyst", role="ANALYST")
    H = merge_nominals(sample["G"], keep, drop, confirmed_by="A. Analyst",
                       reason="same DOB and address; confirmed from custody record", ws=ws)
    assert drop not in H and drop in sample["G"]
    entries = ws.audit.entries(action="COMBINE")
    assert len(entries) == 1 and ws.audit.verify()


def _toy() -> nx.Graph:
    G = nx.Graph([("A", "B"), ("A", "C"), ("A", "D"), ("B", "C"), ("D", "E"), ("E", "X"),
                  ("A", "ADDR"), ("B", "ADDR2"), ("X", "ADDR3"), ("C", "EV")])
    types = {v: "person" for v in "ABCDEX"} | {"ADDR": "address", "ADDR2": "address",
                                               "ADDR3": "address", "EV": "event"}
    nx.set_node_attributes(G, types, "node_type")
    nx.set_node_attributes(G, {"ADDR": "E01", "ADDR2": "E02", "ADDR3": "E09", "EV": "E02"},
                           "area_code")
    nx.set_node_attributes(G, {"A": "G1", "B": "G1", "C": "G1", "D": "G1", "E": "G1",
                               "X": "G2"}, "ocg")
    nx.set_node_attributes(G, {"A": 2, "B": 1}, "firearms")
    G.nodes["A"]["label"] = "<script>alert(1)</script>"
    return G


def test_areas_partners_and_harm() -> None:
    partners = {"E01": "North CSP", "E02": ["North CSP", "Housing"], "E09": "South CSP"}
    m = map_ocgs(_toy(), partners=partners)
    g1 = m.groups.set_index("group").loc["G1"]
    assert g1["areas"] == ["E02", "E01"]  # E02 via an address and an event
    assert g1["partners"] == ["Housing", "North CSP"]
    feats = m.features.set_index("group").loc["G1"]
    assert feats["members"] == 5 and feats["reach"] == 2 and feats["activity"] == 1
    assert feats["network"] == 1  # X is outside G1
    model = HarmModel(weights={"members": 1.0}, caps={"members": 5.0},
                      bands=((50.0, "1a"), (0.0, "3c")))
    strict = map_ocgs(_toy(), harm=model).groups.set_index("group")
    assert strict.loc["G1", "harm_score"] == 100.0 and strict.loc["G1", "band"] == "1a"
    assert strict.loc["G1", "management_level"] == "national"
    assert strict.loc["G2", "harm_score"] == 20.0 and strict.loc["G2", "band"] == "3c"
    assert strict.loc["G2", "management_level"] == "local"
    guns = HarmModel(weights={"firearms": 1.0}, caps={"firearms": 6.0})
    assert map_ocgs(_toy(), harm=guns).features.set_index("group").loc["G1", "firearms"] == 3
    with pytest.raises(ParameterError, match="bands"):
        HarmModel(bands=((0.0, "low"), (50.0, "high")))
    with pytest.raises(ParameterError, match="caps"):
        HarmModel(weights={"violence": 1.0})


def test_not_for_dissemination_needs_justification() -> None:
    m = map_ocgs(_toy())
    for bad in ("", "because", None):
        with pytest.raises(ParameterError, match="justification"):
            m.mark_not_for_dissemination("G1", bad)  # type: ignore[arg-type]
        with pytest.raises(ParameterError, match="justification"):
            map_ocgs(_toy(), not_for_dissemination={"G1": bad})  # type: ignore[dict-item]
    why = "live covert operation; disclosure would compromise a CHIS"
    marked = m.mark_not_for_dissemination("G1", why)
    row = marked.groups.set_index("group").loc["G1"]
    assert row["not_for_dissemination"] and row["nfd_justification"] == why
    assert not m.groups.set_index("group").loc["G1", "not_for_dissemination"]
    with pytest.raises(ParameterError, match="group"):
        m.mark_not_for_dissemination("G9", why)
    with pytest.raises(ParameterError, match="not_for_dissemination"):
        map_ocgs(_toy(), not_for_dissemination={"G9": why})


def test_html_is_escaped_and_frames() -> None:
    m = map_ocgs(_toy())
    page = m._repr_html_()
    assert "<script>" not in page
    assert m.to_frame().shape[0] == 2
    members = m.members.set_index("node")
    assert members.loc["A", "roles"] == "leader; cut-point"
    assert members.loc["D", "roles"] == "cut-point"
    assert "&lt;script&gt;" in pd.DataFrame({"x": [members.loc["A", "label"]]}).to_html()


def test_membership_inputs() -> None:
    G = _toy()
    found = map_ocgs(G, membership=None, seed=2)
    assert any("candidate groups" in n for n in found.notes)
    with pytest.raises(ParameterError, match="membership"):
        map_ocgs(G, membership="gang")
    with pytest.raises(ParameterError, match="membership"):
        map_ocgs(G, membership=42)
    with pytest.raises(ParameterError, match="analysis"):
        map_ocgs(G, analysis="vibes")
    series = pd.Series({"A": "G1", "B": "G1", "C": "G1"})
    assert map_ocgs(G, membership=series).groups["n_members"].tolist() == [3]
