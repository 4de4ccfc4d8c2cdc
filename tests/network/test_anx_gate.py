"""An ANB chart as a product of the dissemination gate, with the marking in its summary."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from intelbench import gate
from intelbench.gate.sanitise import KnownTerms
from intelbench.gate.writers import Marking
from intelbench.network import AnxChart, read_anx
from tests.gate._support import make_workspace

POLICE = gate.Recipient("DS Analyst", "Southshire Police", "POLICE_FORCE")
KNOWN = KnownTerms(names=("Kyle Barrow",))


def chart() -> AnxChart:
    G = nx.Graph()
    G.add_node("P-0042", node_type="person", label="Kyle Barrow")
    G.add_node("T-0001", node_type="phone", label="Burner phone")
    G.add_edge("P-0042", "T-0001", link_types=("uses",), weight=3.0, count=3,
               reports=("IR-2026-000001", "IR-2026-000002"), grades=("1AP", "2BC"))
    return AnxChart(G, title="Phone of interest", classification="OFFICIAL-SENSITIVE",
                    handling="C", handling_conditions="Not to be shared beyond police forces")


def request(tmp_path: Path, ws: Any, **kw: Any) -> dict[str, Any]:
    base = dict(to=POLICE, purpose="Identify the phones of a burglary group",
                basis="Prevent crime and bring offenders to justice",
                necessity="Needed to link the phone to the group; minimum fields only",
                path=tmp_path / "out", fmt="xlsx", ws=ws, known=KNOWN, confirm_flagged=True,
                acknowledge_conditions=True)
    base.update(kw)
    return base


def test_anx_chart_is_a_product_the_gate_takes() -> None:
    c = chart()
    p = gate.as_product(c)
    assert p.kind == "graph" and p.title == "Phone of interest"
    assert p.classification == "OFFICIAL-SENSITIVE" and p.handling == "C"
    assert p.cited_reports == ("IR-2026-000001", "IR-2026-000002")


def test_gate_checks_and_records_the_chart(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path / "ws")
    (tmp_path / "out").mkdir()
    rec = gate.disseminate(chart(), **request(tmp_path, ws))
    assert rec.doc["product_kind"] == "graph" and rec.doc["classification"] == "OFFICIAL-SENSITIVE"
    assert rec.doc["cited_reports"] == ["IR-2026-000001", "IR-2026-000002"]
    assert "Kyle Barrow" not in rec.path.read_bytes().decode("latin-1")


def test_sanitised_chart_written_as_anx_with_the_marking(tmp_path: Path) -> None:
    """What the gate's .anx writer would do: sanitised network + marking of the disclosure."""
    ws = make_workspace(tmp_path / "ws")
    (tmp_path / "out").mkdir()
    c = chart()
    dry = gate.disseminate(c, dry_run=True, **request(tmp_path, ws))
    assert dry.ok, dry.problems
    marking = Marking(dry.classification, dry.handling, dry.conditions, dry.ref, POLICE.label,
                      c.title, tuple(dry.caveats))
    sanitised = AnxChart(dry.preview, title=c.title)
    path = sanitised.write(tmp_path / "chart.anx", marking=marking)
    text = path.read_text(encoding="utf-8")
    assert "Kyle Barrow" not in text
    root = ET.parse(path).getroot()
    fields = {f.get("Type"): f.get("Field") for f in root.iter("Field")}
    assert fields["SummaryFieldTitle"] == "OFFICIAL-SENSITIVE - Phone of interest"
    assert fields["SummaryFieldCategory"] == "OFFICIAL-SENSITIVE"
    assert "Handling code C: Not to be shared beyond police forces" in fields[
        "SummaryFieldComments"]
    props = {p.get("Name"): p.get("Value") for p in root.iter("CustomProperty")}
    assert props["Dissemination reference"] == dry.ref
    assert read_anx(path).number_of_edges() == 1


def test_the_gate_writes_the_chart_as_anx_with_its_marking(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path / "ws")
    (tmp_path / "out").mkdir()
    rec = gate.disseminate(chart(), **request(tmp_path, ws, fmt="anx"))
    assert rec.path.suffix == ".anx" and rec.fmt == "anx"
    assert "Kyle Barrow" not in rec.path.read_text(encoding="utf-8")
    root = ET.parse(rec.path).getroot()
    fields = {f.get("Type"): f.get("Field") for f in root.iter("Field")}
    assert fields["SummaryFieldCategory"] == "OFFICIAL-SENSITIVE"
    props = {p.get("Name"): p.get("Value") for p in root.iter("CustomProperty")}
    assert props["Dissemination reference"] == rec.ref
    assert read_anx(rec.path).number_of_edges() == 1
    assert gate.register(ws)["fmt"].tolist()[-1] == "anx"


@pytest.mark.parametrize("classification", ["OFFICIAL", "SECRET"])
def test_chart_classification_reaches_the_gate(classification: str) -> None:
    c = chart()
    c.classification = classification
    assert gate.as_product(c).classification == classification
