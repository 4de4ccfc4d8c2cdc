"""Gould–Fernandez brokerage by hand and by brute force; duplicate nominals and merging."""

from __future__ import annotations

import itertools
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from intelbench.exceptions import NetworkInputError, ParameterError
from intelbench.network import (
    ROLES,
    brokerage_roles,
    build_network,
    merge_nominals,
    suggest_duplicates,
)
from intelbench.network.nominals import normalise_name, soundex


def test_brokerage_by_hand_directed() -> None:
    # v in group X. Each two-path a -> v -> b with no a -> b tie:
    #   x1 -> v -> x2 (X, X, X) coordinator;  y1 -> v -> y2 (Y, X, Y) itinerant;
    #   y1 -> v -> x2 (Y, X, X) gatekeeper;   x1 -> v -> y2 (X, X, Y) representative;
    #   y1 -> v -> z1 (Y, X, Z) liaison; x1 -> v -> z1 representative; z1 is only an out-tie.
    G = nx.DiGraph([("x1", "v"), ("y1", "v"), ("v", "x2"), ("v", "y2"), ("v", "z1")])
    nx.set_node_attributes(
        G, {"v": "X", "x1": "X", "x2": "X", "y1": "Y", "y2": "Y", "z1": "Z"}, "grp")
    got = brokerage_roles(G, "grp").loc["v"]
    assert got[list(ROLES)].tolist() == [1, 1, 1, 2, 1]
    # closing y1 -> y2 removes the itinerant path; a reciprocal tie is not a two-path to itself
    G.add_edge("y1", "y2")
    G.add_edge("v", "y1")
    got = brokerage_roles(G, "grp").loc["v"]
    assert got["itinerant"] == 0
    assert got["coordinator"] == 1


def _brute(G: nx.Graph, group: str) -> pd.DataFrame:  # noqa: N803
    D = G if G.is_directed() else G.to_directed()
    out = {v: dict.fromkeys(ROLES, 0) for v in G}
    for v in G:
        for a, b in itertools.product(D.predecessors(v), D.successors(v)):
            if a == b or D.has_edge(a, b):
                continue
            ga, gv, gb = G.nodes[a][group], G.nodes[v][group], G.nodes[b][group]
            role = ("coordinator" if ga == gv == gb else "itinerant" if ga == gb != gv
                    else "gatekeeper" if gb == gv != ga else "representative" if ga == gv != gb
                    else "liaison")
            out[v][role] += 1
    return pd.DataFrame(out).T[list(ROLES)]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_brokerage_equals_brute_force(seed: int) -> None:
    rng = np.random.default_rng(seed)
    D = nx.gnp_random_graph(40, 0.12, seed=seed, directed=True)
    nx.set_node_attributes(D, {v: int(rng.integers(0, 4)) for v in D}, "grp")
    got = brokerage_roles(D, "grp")[list(ROLES)]
    pd.testing.assert_frame_equal(got, _brute(D, "grp").reindex(got.index), check_dtype=False)
    # undirected convention: each open pair once; mixed pairs are both gatekeeper and
    # representative
    U = D.to_undirected()
    got = brokerage_roles(U, "grp")[list(ROLES)]
    ref = _brute(U, "grp").reindex(got.index)
    for role in ("coordinator", "itinerant", "liaison"):
        np.testing.assert_array_equal(got[role], ref[role] // 2)
    np.testing.assert_array_equal(got["gatekeeper"], ref["gatekeeper"])
    np.testing.assert_array_equal(got["gatekeeper"], got["representative"])


def test_brokerage_needs_group() -> None:
    with pytest.raises(ParameterError, match="'ocg'"):
        brokerage_roles(nx.path_graph(3), "ocg")
    assert brokerage_roles(nx.Graph(), "ocg").empty


def test_names_and_soundex() -> None:
    assert soundex("Robert") == soundex("Rupert") == "R163"
    assert soundex("Ashcraft") == "A261" and soundex("Tymczak") == "T522"
    assert soundex("Lee") == "L000" and soundex("") == ""
    assert normalise_name("  MÜLLER-Smith ") == "mullersmith"


def test_suggest_duplicates_reasons() -> None:
    noms = pd.DataFrame({
        "nominal_id": ["P-1", "P-2", "P-3", "P-4", "P-5", "P-6"],
        "surname": ["Smith", "Smyth", "Jones", "JONES", "Brown", "Smith"],
        "forenames": ["John", "J", "Mary Ann", "Mary", "Sam", "John"],
        "dob": ["1990-04-01", "1990-04-01", "1985-03-02", "1985-02-03", "1970-01-01",
                "1961-07-07"],
    })
    links = pd.DataFrame({"source": ["P-5", "P-6"], "target": ["T-1", "T-1"],
                          "source_type": "person", "target_type": "phone"})
    d = suggest_duplicates(noms, links, min_score=0.0).set_index(["id_a", "id_b"])
    assert "same date of birth" in d.loc[("P-1", "P-2"), "reasons"]
    assert "Soundex" in d.loc[("P-1", "P-2"), "reasons"]
    assert "day and month swapped" in d.loc[("P-3", "P-4"), "reasons"]
    assert "different dates of birth" in d.loc[("P-1", "P-6"), "reasons"]
    assert "same phone" in d.loc[("P-5", "P-6"), "reasons"]
    assert d.loc[("P-1", "P-2"), "score"] > d.loc[("P-1", "P-6"), "score"]
    top = suggest_duplicates(noms, links)
    assert (top["score"] >= 0.5).all() and top["score"].is_monotonic_decreasing


def test_suggest_duplicates_on_samples(samples: Any) -> None:
    import json

    noms = pd.read_csv(samples / "nominals.csv", dtype=str)
    links = pd.read_csv(samples / "associations.csv", dtype=str)
    truth = json.loads((samples / "ocg_truth.json").read_text())["duplicates"]
    found = suggest_duplicates(noms, links)
    pairs = {frozenset(p) for p in zip(found["id_a"], found["id_b"], strict=True)}
    hits = [frozenset(p) in pairs for p in truth]
    assert sum(hits) >= len(truth) - 1
    top = {frozenset(p) for p in zip(found["id_a"][:20], found["id_b"][:20], strict=True)}
    assert sum(frozenset(p) in top for p in truth) >= len(truth) - 1


class _FakeAudit:
    def __init__(self) -> None:
        self.entries: list[dict[str, Any]] = []

    def record(self, action: str, **kw: Any) -> dict[str, Any]:
        self.entries.append({"action": action, **kw})
        return self.entries[-1]


class _FakeWs:
    def __init__(self) -> None:
        self.audit = _FakeAudit()


def test_merge_requires_confirmation_and_records() -> None:
    links = pd.DataFrame({
        "source": ["P-1", "P-2", "P-2", "P-1"], "target": ["T-1", "T-1", "V-1", "P-3"],
        "source_type": "person", "target_type": ["phone", "phone", "vehicle", "person"],
        "link_type": ["uses", "calls", "drives", "family"],
        "first_seen": ["2026-01-05", "2026-01-01", "2026-02-01", "2026-01-01"],
        "count": [2, 3, 1, 1], "report_urn": ["IR-1", "IR-2", "IR-3", "IR-4"],
        "grade": ["1AP", "2BP", "3CP", "1AP"],
    })
    G = build_network(links)
    for bad in ("", "   "):
        with pytest.raises(ParameterError, match="confirmed_by"):
            merge_nominals(G, "P-1", "P-2", confirmed_by=bad, reason="same person")
        with pytest.raises(ParameterError, match="reason"):
            merge_nominals(G, "P-1", "P-2", confirmed_by="A. Analyst", reason=bad)
    with pytest.raises(NetworkInputError, match="node_type"):
        merge_nominals(G, "P-1", "T-1", confirmed_by="A. Analyst", reason="x")
    ws = _FakeWs()
    H = merge_nominals(G, "P-1", "P-2", confirmed_by="A. Analyst", reason="custody photo", ws=ws)
    assert "P-2" in G and "P-2" not in H  # input untouched
    e = H["P-1"]["T-1"]
    assert e["count"] == 5 and e["weight"] == 5.0
    assert e["link_types"] == ("calls", "uses") and e["reports"] == ("IR-1", "IR-2")
    assert e["first_seen"] == pd.Timestamp("2026-01-01")
    assert H.has_edge("P-1", "V-1") and H.nodes["P-1"]["merged_from"] == ("P-2",)
    hist = H.graph["history"][-1]
    assert hist["action"] == "COMBINE" and hist["confirmed_by"] == "A. Analyst"
    assert G.graph["history"] == []
    assert ws.audit.entries[0]["action"] == "COMBINE"
    assert ws.audit.entries[0]["justification"] == "custody photo"
    assert ws.audit.entries[0]["detail"]["drop"] == "P-2"
