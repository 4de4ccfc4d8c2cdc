"""read_anx on charts it did not write: both linking dialects, UTF-16, pyanx and anxwritter."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pandas as pd
import pytest

from intelbench.exceptions import NetworkInputError
from intelbench.network import build_network, read_anx, to_anx
from tests.network.test_i2 import assert_same_network, graph

DATA = Path(__file__).resolve().parents[1] / "data" / "anx"


def to_reference_dialect(src: Path, dest: Path, encoding: str) -> Path:
    """Rewrite a to_anx chart so links name ChartItem@Id (End1Reference/End2Reference)."""
    root = ET.parse(src).getroot()
    root.set("IdReferenceLinking", "true")
    item_of = {}
    for ci in root.iter("ChartItem"):
        ent = ci.find("End/Entity")
        if ent is not None:
            item_of[ent.attrib.pop("EntityId")] = ci.get("Id")
    for link in root.iter("Link"):
        link.set("End1Reference", item_of[link.attrib.pop("End1Id")])
        link.set("End2Reference", item_of[link.attrib.pop("End2Id")])
    declared = encoding.removesuffix("-le")  # UTF-16 without a byte-order mark is still UTF-16
    text = f"<?xml version='1.0' encoding='{declared}'?>\n" + ET.tostring(root, encoding="unicode")
    dest.write_bytes(text.encode(encoding))
    return dest


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16", "utf-16-le"])
def test_reference_dialect_and_encodings_round_trip(tmp_path: Path, encoding: str) -> None:
    G = graph()
    G.add_node("O-1", node_type="organisation", label="Acme Ltd – Ünïcode")
    path = to_reference_dialect(to_anx(G, tmp_path / "c.anx"), tmp_path / "r.anx", encoding)
    text = path.read_bytes()
    assert b"End1Reference" in text.replace(b"\x00", b"") and b"End1Id" not in text
    if encoding == "utf-16-le":
        assert text[:2] == b"<\x00"  # no byte-order mark
    assert_same_network(G, read_anx(path))


def test_hand_made_reference_dialect_utf16_with_attributes_grades_and_cards() -> None:
    path = DATA / "reference_dialect.anx"
    assert path.read_bytes()[:2] == b"\xff\xfe"
    H = read_anx(path)
    assert set(H.nodes) == {"P-1", "T-1", "P-2"}
    ann = H.nodes["P-1"]
    assert ann["label"] == "Ann Zoë Ørsted" and ann["node_type"] == "person"
    assert ann["Date of birth"] == pd.Timestamp("1990-04-01") and ann["Suspect"] is True
    assert ann["Nickname"] == "Annie & co"
    assert H.nodes["T-1"]["node_type"] == "mobile phone"  # not a workbench type: kept as named
    call = H.edges["P-1", "T-1"]  # the link 'C3' the old reader could not resolve
    assert call["link_types"] == ("Telephone Call",) and call["Calls"] == 14
    assert call["first_seen"] == pd.Timestamp("2026-03-04 21:15")
    assert call["reports"] == ("IR-2026-000009",) and call["grades"] == ("2CC",)
    assoc = H.edges["P-2", "P-1"]  # cards win over the item's grade; index 0 is the first grade
    assert assoc["reports"] == ("IR-2026-000010", "IR-2026-000011")
    assert assoc["grades"] == ("1AP", "")
    assert H.graph["anx_notes"] == [
        "link 'C5': card 'No source' has no SourceReference; not kept as a report"]
    assert H.graph["positions"]["P-2"] == (100.0, 150.0)


def test_hand_made_pyanx_style_chart() -> None:
    H = read_anx(DATA / "pyanx_style.anx")
    assert {v: d["node_type"] for v, d in H.nodes(data=True)} == {
        "Tyrion": "person", "Tywin": "person", "Cersei": "woman"}
    # End1Id/End2Id name the identity; the generic type "Link" gives way to the label
    assert H.edges["Tywin", "Tyrion"]["link_types"] == ("Father of",)
    assert H.edges["Cersei", "Tyrion"]["link_types"] == ("Sister of",)
    assert H.edges["Cersei", "Tyrion"]["first_seen"] == pd.Timestamp("2026-02-01 09:00")
    assert H.edges["Tywin", "Cersei"]["link_types"] == ("Link",)  # no label: the type it has
    assert H.nodes["Cersei"]["date"] == pd.Timestamp("2026-01-05 10:30")
    assert "date" not in H.nodes["Tyrion"] and "description" not in H.nodes["Tyrion"]


def test_reads_charts_of_the_earlier_workbench_export(tmp_path: Path) -> None:
    """Before the IB prefix and ANB's own fields, the export wrote plain-named text attributes."""
    xml = """<Chart><AttributeClassCollection>
      <AttributeClass Id="AC1" Name="Node type" Type="AttText"/>
      <AttributeClass Id="AC2" Name="Weight" Type="AttNumber"/>
      <AttributeClass Id="AC3" Name="Grades" Type="AttText"/>
      <AttributeClass Id="AC4" Name="Report URNs" Type="AttText"/>
      <AttributeClass Id="AC5" Name="First seen" Type="AttText"/></AttributeClassCollection>
      <ChartItemCollection>
      <ChartItem Label="Ann" Description="Main subject"><End><Entity EntityId="1" Identity="P-1">
        <Icon><IconStyle Type="Person"/></Icon></Entity></End><AttributeCollection>
        <Attribute AttributeClassReference="AC1" Value="person"/></AttributeCollection></ChartItem>
      <ChartItem Label="x"><End><Entity EntityId="2" Identity="T-1"/></End></ChartItem>
      <ChartItem Label="uses" Description="Seen twice"><Link End1Id="1" End2Id="2">
        <LinkStyle Type="uses"/></Link><AttributeCollection>
        <Attribute AttributeClass="Weight" Value="2.5"/>
        <Attribute AttributeClass="Grades" Value="B2; "/>
        <Attribute AttributeClass="Report URNs" Value="IR-1; IR-2"/>
        <Attribute AttributeClass="First seen" Value="2026-01-03"/></AttributeCollection>
      </ChartItem>
    </ChartItemCollection></Chart>"""
    (tmp_path / "old.anx").write_text(xml, encoding="utf-8")
    H = read_anx(tmp_path / "old.anx")
    assert H.nodes["P-1"]["node_type"] == "person"
    assert H.nodes["P-1"]["description"] == "Main subject"
    e = H.edges["P-1", "T-1"]
    assert e["weight"] == 2.5 and e["reports"] == ("IR-1", "IR-2") and e["grades"] == ("B2", "")
    assert e["first_seen"] == pd.Timestamp("2026-01-03") and e["description"] == "Seen twice"


def test_links_to_missing_entities_are_named(tmp_path: Path) -> None:
    text = (DATA / "reference_dialect.anx").read_bytes().decode("utf-16")
    bad = tmp_path / "bad.anx"
    bad.write_text(text.replace('End2Reference="C2"', 'End2Reference="C9"'), encoding="utf-16")
    with pytest.raises(NetworkInputError, match=r"'C3'.*End2Reference='C9' names no entity"):
        read_anx(bad)
    bad.write_text(text.replace('End1Reference="C1" End2Reference="C2"', ""), encoding="utf-16")
    with pytest.raises(NetworkInputError, match="neither End1Id nor End1Reference"):
        read_anx(bad)
    bad.write_text(text.replace('GradeTwoIndex="2" GradeThreeIndex="1"',
                                'GradeTwoIndex="7" GradeThreeIndex="1"'), encoding="utf-16")
    with pytest.raises(NetworkInputError, match=r"GradeTwoIndex='7' is not an index into GradeTwo"):
        read_anx(bad)


def test_grades_without_a_grading_system_are_noted(tmp_path: Path) -> None:
    xml = """<Chart><ChartItemCollection>
      <ChartItem Id="a"><End><Entity EntityId="1" Identity="A"/></End></ChartItem>
      <ChartItem Id="b"><End><Entity EntityId="2" Identity="B"/></End></ChartItem>
      <ChartItem Id="l" SourceReference="IR-1" GradeOneIndex="2">
        <Link End1Id="1" End2Id="2"><LinkStyle Type="Call"/></Link></ChartItem>
    </ChartItemCollection></Chart>"""
    (tmp_path / "g.anx").write_text(xml, encoding="utf-8")
    H = read_anx(tmp_path / "g.anx")
    assert H.edges["A", "B"]["reports"] == ("IR-1",) and H.edges["A", "B"]["grades"] == ("",)
    assert "no grading system" in H.graph["anx_notes"][0]


def test_sample_force_through_the_reference_dialect(samples: Path, tmp_path: Path) -> None:
    links = pd.read_csv(samples / "associations.csv", dtype=str)
    nodes = pd.read_csv(samples / "entities.csv", dtype=str)
    G = build_network(links, nodes)
    src = to_anx(G, tmp_path / "s.anx", positions={v: (0.0, 0.0) for v in G})
    assert_same_network(G, read_anx(to_reference_dialect(src, tmp_path / "r.anx", "utf-16")))
