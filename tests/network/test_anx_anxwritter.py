"""read_anx on charts written by anxwritter (PyPI), an independent writer checked against ANB 9."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import anxwritter
import networkx as nx
import pandas as pd

from intelbench.network import read_anx, to_anx
from tests.network.test_i2 import assert_same_network


def anxwritter_chart(path: Path) -> Path:
    c = anxwritter.ANXChart()
    c.grades_one = anxwritter.GradeCollection(items=["1", "2", "3"])
    c.grades_two = anxwritter.GradeCollection(items=["A", "B", "C", "D", "E"])
    c.grades_three = anxwritter.GradeCollection(items=["P", "C"])
    c.add_attribute_class(name="Seen", type="datetime", visible=False)
    c.add_icon(id="P-1", type="Person", label="Ann <&> Bob", x=10, y=20,
               attributes={"Seen": datetime(2026, 1, 2, 3, 4, 5), "Age": 41})
    c.add_icon(id="T-1", type="Phone", label="07700 900001")
    c.add_icon(id="V-1", type="Vehicle", label="AB12 CDE", source_ref="IR-9", grade_one=2,
               grade_two=4, grade_three=0)
    c.add_link(from_id="P-1", to_id="T-1", type="uses", date="2026-01-02", source_ref="IR-1",
               grade_one=1, grade_two=0, grade_three=1, attributes={"Calls": 3})
    c.add_link(from_id="P-1", to_id="T-1", type="calls", date="2026-02-03")
    c.add_link(from_id="V-1", to_id="P-1", type="driven by",
               cards=[anxwritter.Card(summary="ANPR", source_ref="IR-2", grade_one=0,
                                      grade_two=1, grade_three=0),
                      anxwritter.Card(summary="Stop check", source_ref="IR-3")])
    c.to_anx(str(path.with_suffix("")))
    return path


def test_reads_an_anxwritter_chart(tmp_path: Path) -> None:
    path = anxwritter_chart(tmp_path / "w.anx")
    assert path.read_bytes()[:2] == b"\xff\xfe"  # anxwritter writes UTF-16
    H = read_anx(path)
    assert {v: d["node_type"] for v, d in H.nodes(data=True)} == {
        "P-1": "person", "T-1": "phone", "V-1": "vehicle"}
    ann = H.nodes["P-1"]
    assert ann["label"] == "Ann <&> Bob" and ann["Age"] == 41
    assert ann["Seen"] == pd.Timestamp("2026-01-02 03:04:05")
    assert H.graph["positions"]["P-1"] == (10.0, 20.0)
    assert H.nodes["V-1"]["reports"] == ("IR-9",) and H.nodes["V-1"]["grades"] == ("3EP",)
    assert "reports" not in ann  # ungraded, unsourced entity: nothing added
    e = H.edges["P-1", "T-1"]  # two links merged
    assert e["link_types"] == ("calls", "uses") and e["count"] == 2 and e["Calls"] == 3
    assert e["first_seen"] == pd.Timestamp("2026-01-02")
    assert e["last_seen"] == pd.Timestamp("2026-02-03")
    assert e["reports"] == ("IR-1",) and e["grades"] == ("2AC",)
    d = H.edges["V-1", "P-1"]
    assert d["link_types"] == ("driven by",)
    # anxwritter marks an ungraded card with its "-" entry (last, not first, in its lists)
    assert d["reports"] == ("IR-2", "IR-3") and d["grades"] == ("1BP", "")
    assert H.graph["anx_notes"] == []


def test_anxwritter_and_to_anx_agree_on_the_same_network(tmp_path: Path) -> None:
    """Write one network with both writers; read back, both give the same network."""
    G = nx.Graph()
    G.add_node("P-1", node_type="person", label="Ann")
    G.add_node("T-1", node_type="phone", label="07700 900001")
    G.add_edge("P-1", "T-1", link_types=("uses",), weight=1.0, count=1, reports=("IR-1",),
               grades=("2AC",), first_seen=pd.Timestamp("2026-01-02"),
               last_seen=pd.Timestamp("2026-01-02"))
    c = anxwritter.ANXChart()
    c.grades_one = anxwritter.GradeCollection(items=["1", "2", "3"])
    c.grades_two = anxwritter.GradeCollection(items=["A", "B", "C", "D", "E"])
    c.grades_three = anxwritter.GradeCollection(items=["P", "C"])
    c.add_icon(id="P-1", type="Person", label="Ann")
    c.add_icon(id="T-1", type="Phone", label="07700 900001")
    # anxwritter takes a digit string as an index, not a name: source grade "2" is index 1
    c.add_link(from_id="P-1", to_id="T-1", type="uses", date="2026-01-02", source_ref="IR-1",
               grade_one=1, grade_two="A", grade_three="C")
    c.to_anx(str(tmp_path / "w"))
    theirs, ours = read_anx(tmp_path / "w.anx"), read_anx(to_anx(G, tmp_path / "o.anx"))
    assert_same_network(G, theirs)
    assert_same_network(G, ours)
