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
from tests._identity import open_as


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
    ws = open_as("A. Analyst", tmp_path / "ws", role="ANALYST")
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


def test_areas_partners_and_measured_indicators() -> None:
    partners = {"E01": "North CSP", "E02": ["North CSP", "Housing"], "E09": "South CSP"}
    m = map_ocgs(_toy(), partners=partners)
    g1 = m.groups.set_index("group").loc["G1"]
    assert g1["areas"] == ["E02", "E01"]  # E02 via an address and an event
    assert g1["partners"] == ["Housing", "North CSP"]
    feats = m.features.set_index("group").loc["G1"]
    assert feats["members"] == 5 and feats["areas"] == 2
    assert feats["associates"] == 1 and feats["linked_groups"] == 1  # X, of G2
    ev = m.indicators.set_index(["group", "indicator"])
    assert ev.loc[("G1", "size"), "evidence"] == "5 persons in the group: A, B, C, D, E"
    assert ev.loc[("G1", "linked_groups"), "evidence"].endswith("linked to: G2")


# ------------------------------------------------- issue 19.2: OCG harm, not collection effort
ASSESSED = {"G1": {"violence_weapons": ("firearms", "IR-2026-000041"),
                   "activity_seriousness": {"level": "serious", "evidence": "IR-2026-000057"}}}


def test_harm_is_the_sum_of_indicator_points_banded_on_two_dimensions() -> None:
    """Hand-derived from the default table (see the comments) on the toy network."""
    m = map_ocgs(_toy(), assessments=ASSESSED)
    g = m.groups.set_index("group")
    # G1 measured: size small 1 (5 members), reach local 1 (2 areas), associates few 1 (X),
    # linked_groups one 2 (G2); assessed: firearms 3, serious 2  -> 10 points.
    # range/severity 3 + 2 + 1 = 6 of 15 = 40% -> "2"; capability 1 + 2 + 1 = 4 of 13 -> "b"
    assert g.loc["G1", "harm_score"] == 10.0
    assert g.loc["G1", "range_severity"] == pytest.approx(40.0)
    assert g.loc["G1", "capability_sophistication"] == pytest.approx(400 / 13)
    assert (g.loc["G1", "band"], g.loc["G1", "management_level"]) == ("2b", "regional")
    assert g.loc["G1", "not_assessed"] == ["community_impact", "infiltration", "beyond_force",
                                           "resilience"]
    # G2 (X alone): size 1, reach 1, associates 1 (E), linked_groups 2 (G1) -> 5 points, 3b
    assert (g.loc["G2", "harm_score"], g.loc["G2", "band"]) == (5.0, "3b")
    rows = m.indicators.set_index(["group", "indicator"])
    assert rows.loc[("G1", "violence_weapons"), ["basis", "level", "points", "evidence"]
                    ].tolist() == ["assessed", "firearms", 3.0, "IR-2026-000041"]
    assert rows.loc[("G1", "resilience"), "basis"] == "not assessed"
    assert set(m.indicators["area"]) == set(ib.network.harm.AREAS)
    assert any("lower bound" in n for n in m.notes)
    as_table = pd.DataFrame({"group": ["G1", "G1"],
                             "indicator": ["violence_weapons", "activity_seriousness"],
                             "level": ["firearms", "serious"],
                             "evidence": ["IR-2026-000041", "IR-2026-000057"]})
    assert map_ocgs(_toy(), assessments=as_table).groups.equals(m.groups)


def test_identical_groups_with_different_report_counts_score_the_same_harm() -> None:
    G = nx.Graph()
    for grp, p, reported in (("G1", "a", True), ("G2", "b", False)):
        persons = [f"{p}{i}" for i in range(1, 5)]
        G.add_nodes_from(persons, node_type="person", ocg=grp)
        G.add_node(f"{p}-addr", node_type="address", area_code=f"E{p}1")
        G.add_node(f"{p}-ev", node_type="event", area_code=f"E{p}2")
        links = [(f"{p}1", f"{p}2"), (f"{p}1", f"{p}3"), (f"{p}3", f"{p}4"),
                 (f"{p}1", f"{p}-addr"), (f"{p}2", f"{p}-ev")]
        for k, (u, v) in enumerate(links):
            urns = [f"IR-{p}-{k}-{j}" for j in range(8)] if reported else []
            G.add_edge(u, v, reports=urns)
    same = {g: {"violence_weapons": ("violence", "IR-x"), "resilience": ("some", "IR-y")}
            for g in ("G1", "G2")}
    m = map_ocgs(G, assessments=same)
    g = m.groups.set_index("group")
    assert m.coverage.set_index("group")["reports"].to_dict() == {"G1": 40, "G2": 0}
    assert g.loc["G1", "coverage_reports"] == 40 and g.loc["G2", "coverage_reports"] == 0
    for col in ("harm_score", "range_severity", "capability_sophistication", "band",
                "management_level"):
        assert g.loc["G1", col] == g.loc["G2", col], col
    points = m.indicators.pivot(index="indicator", columns="group", values="points")
    assert (points["G1"] == points["G2"]).all()
    assert "coverage" not in " ".join(m.model.table()["indicator"])  # never an indicator
    assert "intelligence coverage (reports; not harm)" in m._repr_html_()


def test_assessments_need_known_names_and_evidence() -> None:
    G = _toy()
    bad = [
        ({"G1": {"violence_weapons": ("firearms", "")}}, "needs its evidence"),
        ({"G1": {"violence_weapons": ("bazooka", "IR-1")}}, "level must be one of"),
        ({"G1": {"charisma": ("high", "IR-1")}}, "indicator must be one of"),
        ({"G9": {"violence_weapons": ("firearms", "IR-1")}}, "not among the mapped groups"),
        ({"G1": {"size": ("large", "IR-1")}}, "measured from the network"),
        ({"G1": {"violence_weapons": "firearms"}}, "expected \\(level, evidence\\)"),
        (pd.DataFrame({"group": ["G1"], "indicator": ["resilience"]}), "missing column"),
        (pd.DataFrame({"group": ["G1", "G1"], "indicator": ["resilience"] * 2,
                       "level": ["some", "high"], "evidence": ["a", "b"]}),
         "row 1: indicator 'resilience' is assessed twice"),
    ]
    for assessments, message in bad:
        with pytest.raises(ParameterError, match=message):
            map_ocgs(G, assessments=assessments)
    ok = map_ocgs(G, assessments={"G1": {"violence_weapons": ("none", "")}})
    assert ok.indicators.set_index(["group", "indicator"]).loc[
        ("G1", "violence_weapons"), "basis"] == "assessed"  # "none" needs no evidence


def test_indicator_table_and_bands_are_configurable() -> None:
    Indicator = ib.network.harm.Indicator
    model = HarmModel(
        indicators=[Indicator("firearms", "individuals", "range_severity",
                              [("none", 0), ("access", 2), ("use", 4)]),
                    Indicator("crew", "individuals", "capability_sophistication",
                              [("tiny", 0), ("big", 1)], measure="members",
                              thresholds=[(0, "tiny"), (5, "big")])],
        range_bands=[(50, "A"), (0, "B")], capability_bands=[(100, "+"), (0, "-")],
        levels={"A": "tier one", "B": "tier two"})
    g = map_ocgs(_toy(), harm=model,
                 assessments={"G1": {"firearms": ("access", "IR-1")}}).groups.set_index("group")
    assert (g.loc["G1", "harm_score"], g.loc["G1", "band"]) == (3.0, "A+")  # 2/4, 1/1
    assert g.loc["G1", "management_level"] == "tier one"
    assert (g.loc["G2", "harm_score"], g.loc["G2", "band"]) == (0.0, "B-")
    assert list(model.table()["basis"]) == ["assessed", "measured"]
    with pytest.raises(ParameterError, match="range_bands"):
        HarmModel(range_bands=((0.0, "low"), (50.0, "high")))
    with pytest.raises(ParameterError, match="measure must be one of"):
        Indicator("x", "network", "range_severity", [("no", 0), ("yes", 1)], measure="reports",
                  thresholds=[(0, "no")])
    with pytest.raises(ParameterError, match="area must be one of"):
        Indicator("x", "finance", "range_severity", [("no", 0), ("yes", 1)])
    with pytest.raises(ParameterError, match="lowest\\) level must be worth 0"):
        Indicator("x", "network", "range_severity", [("no", 1), ("yes", 2)])
    with pytest.raises(ParameterError, match="capability_sophistication dimension"):
        HarmModel(indicators=[model.indicators[0]])


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
