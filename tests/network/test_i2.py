"""i2 Analyst's Notebook exchange: ANB tables and ANX round trips, XML structure and escaping."""

from __future__ import annotations

import copy
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from intelbench.exceptions import NetworkInputError, SchemaError
from intelbench.network import (
    build_network,
    read_anb_tables,
    read_anx,
    to_anb_tables,
    to_anx,
)
from intelbench.network._i2_common import guard_cell, unguard_cell

EDGE_ATTRS = ("weight", "count", "link_types", "first_seen", "last_seen", "reports", "grades")


def links_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "source": ["P-1", "P-1", "P-2", "P-2", "P-3", "P-1", "P-4"],
        "target": ["T-1", "T-1", "T-1", "V-1", "A-1", "P-2", "E-1"],
        "source_type": ["person"] * 7,
        "target_type": ["phone", "phone", "phone", "vehicle", "address", "person", "event"],
        "link_type": ["uses", "uses", "uses", "drives", "resides_at", "associate", "attended"],
        "first_seen": ["2026-01-01", "2026-02-01", "2026-01-05", "2025-12-01", "2026-01-01",
                       "2026-03-01", None],
        "last_seen": ["2026-01-10", "2026-03-01", "2026-01-06", "2026-01-01", "2026-02-01",
                      "2026-03-02", None],
        "count": [3, 2, 1, 1, 1, 4, 1],
        "report_urn": ["IR-1", "IR-2", "IR-3", "IR-4", "IR-5", "IR-6", None],
        "grade": ["1AP", None, "3DC", "2BP", "1AP", "2BC", None],
    })


def nodes_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "entity_id": ["P-1", "P-2", "P-3", "P-4", "T-1", "V-1", "A-1", "E-1", "O-1"],
        "entity_type": ["person", "person", "person", "person", "phone", "vehicle", "address",
                        "event", "organisation"],
        "label": ['Ann "The <Boss>" & co', "Bob; Smith", "</script>", "Dee\u2028x", "07700 900001",
                  "AB12 CDE", "1 High St, Town", "Burglary", "Acme Ltd"],
    })


def graph() -> nx.Graph:
    return build_network(links_frame(), nodes_frame())


def assert_same_network(G: nx.Graph, H: nx.Graph) -> None:  # noqa: N803
    assert set(G.nodes) == set(H.nodes)
    for v in G:
        assert H.nodes[v]["node_type"] == G.nodes[v]["node_type"], v
        assert H.nodes[v]["label"] == G.nodes[v]["label"], v
    assert {frozenset(e) for e in G.edges} == {frozenset(e) for e in H.edges}
    for u, v, d in G.edges(data=True):
        h = H.edges[u, v]
        for key in EDGE_ATTRS:
            a, b = d.get(key), h.get(key)
            if key in ("first_seen", "last_seen"):
                a = None if a is None or pd.isna(a) else pd.Timestamp(a)
                b = None if b is None or pd.isna(b) else pd.Timestamp(b)
            assert a == b, (u, v, key, a, b)


def test_anx_round_trip_preserves_nodes_types_labels_and_evidence(tmp_path: Path) -> None:
    G = graph()
    G.add_node("O-1", node_type="organisation", label="Acme Ltd")  # an entity with no link
    before = copy.deepcopy(G)
    path = to_anx(G, tmp_path / "chart.anx", seed=2)
    assert list(G.nodes(data=True)) == list(before.nodes(data=True))
    assert list(G.edges(data=True)) == list(before.edges(data=True))
    H = read_anx(path)
    assert_same_network(G, H)
    assert H.nodes["O-1"]["node_type"] == "organisation"  # isolated entity kept
    assert H.edges["P-1", "T-1"]["reports"] == ("IR-1", "IR-2", "IR-3")[:2]
    assert H.edges["P-1", "T-1"]["grades"] == ("1AP", "")


def test_anx_structure(tmp_path: Path) -> None:
    G = graph()
    pos = {v: (10.0 * i, -5.0 * i) for i, v in enumerate(G)}
    root = ET.parse(to_anx(G, tmp_path / "c.anx", positions=pos)).getroot()
    assert root.tag == "Chart"
    kids = [c.tag for c in root]
    assert kids.index("AttributeClassCollection") < kids.index("ChartItemCollection")
    assert {"EntityTypeCollection", "LinkTypeCollection"} <= set(kids)
    items = root.findall("ChartItemCollection/ChartItem")
    assert len(items) == G.number_of_nodes() + G.number_of_edges()
    class_ids = {ac.get("Id") for ac in root.iter("AttributeClass")}
    type_names = {lt.get("Name") for lt in root.iter("LinkType")}
    entity_ids = {}
    for ci in items:
        ent = ci.find("End/Entity")
        if ent is not None:
            entity_ids[ent.get("EntityId")] = ent.get("Identity")
            assert [s.get("Type") for s in ent.findall("Icon/IconStyle")][0]
            x, y = pos[ent.get("Identity")]
            assert ci.get("XPosition") == str(round(x))
            assert ci.findall("End")[0].get("Y") == str(round(y))
    for ci in items:
        link = ci.find("Link")
        if link is not None:
            assert link.get("End1Id") in entity_ids and link.get("End2Id") in entity_ids
            assert [st.get("Type") for st in link.findall("LinkStyle")][0] in type_names
        for att in ci.findall("AttributeCollection/Attribute"):
            assert att.get("AttributeClassReference") in class_ids
    assert set(entity_ids.values()) == set(G.nodes)
    # a dated link carries its first-seen date as the ANB item date
    dated = [ci for ci in items if ci.get("DateSet") == "true"]
    assert dated and all(ci.get("DateTime", "").endswith(".000") for ci in dated)


def test_anx_escapes_markup_and_strips_forbidden_characters(tmp_path: Path) -> None:
    G = nx.Graph()
    G.add_node("a", node_type="person", label='<b>x</b> & "y" \x01')
    G.add_node("b", node_type="phone", label="]]> <!-- -->")
    G.add_edge("a", "b", link_types=("uses",), reports=("IR-<1>",), grades=("2&B",))
    path = to_anx(G, tmp_path / "x.anx")
    text = path.read_text(encoding="utf-8")
    assert "<b>" not in text and "<!--" not in text and "\x01" not in text
    H = read_anx(path)
    assert H.nodes["a"]["label"] == '<b>x</b> & "y" \ufffd'
    assert H.nodes["b"]["label"] == "]]> <!-- -->"
    assert H.edges["a", "b"]["reports"] == ("IR-<1>",) and H.edges["a", "b"]["grades"] == ("2&B",)


def test_read_anx_merges_parallel_links_and_rejects_bad_files(tmp_path: Path) -> None:
    xml = """<Chart><ChartItemCollection>
      <ChartItem Label="Ann" XPosition="1"><End X="1" Y="2"><Entity EntityId="1" Identity="P-1">
        <Icon><IconStyle Type="Person"/></Icon></Entity></End></ChartItem>
      <ChartItem Label="Phone"><End X="5" Y="6"><Entity EntityId="2" Identity="T-1">
        <Icon><IconStyle Type="Phone"/></Icon></Entity></End></ChartItem>
      <ChartItem Label="calls" DateSet="true" DateTime="2026-01-02T00:00:00.000">
        <Link End1Id="1" End2Id="2"><LinkStyle Type="calls"/></Link></ChartItem>
      <ChartItem Label="owns"><Link End1Id="2" End2Id="1"><LinkStyle Type="owns"/></Link>
      </ChartItem>
    </ChartItemCollection></Chart>"""
    p = tmp_path / "anb.anx"
    p.write_text(xml, encoding="utf-8")
    H = read_anx(p)
    assert H.nodes["P-1"] == {"node_type": "person", "label": "Ann"}
    assert H.nodes["T-1"]["node_type"] == "phone"
    e = H.edges["P-1", "T-1"]
    assert e["link_types"] == ("calls", "owns") and e["count"] == 2
    assert e["first_seen"] == pd.Timestamp("2026-01-02")
    assert H.graph["positions"]["P-1"] == (1.0, 2.0)
    bad = tmp_path / "bad.anx"
    bad.write_text("<NotAChart/>", encoding="utf-8")
    with pytest.raises(NetworkInputError, match="Chart"):
        read_anx(bad)
    bad.write_text(xml.replace('End2Id="2"', 'End2Id="9"'), encoding="utf-8")
    with pytest.raises(NetworkInputError, match="End2Id='9' names no Entity@EntityId"):
        read_anx(bad)
    bad.write_text("<Chart", encoding="utf-8")
    with pytest.raises(NetworkInputError, match="XML"):
        read_anx(bad)


def test_tables_round_trip_through_build_network(tmp_path: Path) -> None:
    G = graph()
    files = to_anb_tables(G, tmp_path / "anb")
    assert sorted(p.name for p in (tmp_path / "anb").iterdir()) == [
        "entities.csv", "import_mapping.json", "links.csv"]
    links = pd.read_csv(files["links"], dtype=str, keep_default_na=False)
    assert len(links) == G.number_of_edges()  # one row per link
    assert list(links.columns[:3]) == ["entity1_id", "entity1_type", "entity1_label"]
    assert list(links.columns[-3:]) == ["entity2_id", "entity2_type", "entity2_label"]
    row = links[(links["entity1_id"] == "P-1") & (links["entity2_id"] == "T-1")].iloc[0]
    assert row["report_urns"] == "IR-1; IR-2" and row["grade"] == "1AP; "
    assert row["entity1_label"] == 'Ann "The <Boss>" & co'
    back = read_anb_tables(files["entities"], files["links"])
    H = build_network(back, back.attrs["nodes"])
    assert H.graph["n_quarantined"] == 0
    assert_same_network(G, H)


def test_mapping_describes_every_link_column(tmp_path: Path) -> None:
    files = to_anb_tables(graph(), tmp_path)
    mapping = json.loads(files["mapping"].read_text(encoding="utf-8"))
    assert "not an ANB .ximp file" in mapping["about"]
    text = json.dumps(mapping)
    for col in pd.read_csv(files["links"], nrows=0).columns:
        assert col in text, col


def test_sample_force_round_trips(samples: Path, tmp_path: Path) -> None:
    links = pd.read_csv(samples / "associations.csv", dtype=str)
    nodes = pd.read_csv(samples / "entities.csv", dtype=str)
    G = build_network(links, nodes)
    H = read_anx(to_anx(G, tmp_path / "s.anx", positions={v: (0.0, 0.0) for v in G}))
    assert_same_network(G, H)
    f = to_anb_tables(G, tmp_path / "t")
    back = read_anb_tables(f["entities"], f["links"])
    assert_same_network(G, build_network(back, back.attrs["nodes"]))


def test_read_anb_tables_names_missing_columns(tmp_path: Path) -> None:
    (tmp_path / "e.csv").write_text("entity_id,entity_type,label\nP-1,person,Ann\n")
    (tmp_path / "l.csv").write_text("entity1_id,link_type\nP-1,uses\n")
    with pytest.raises(SchemaError, match="entity2_id"):
        read_anb_tables(tmp_path / "e.csv", tmp_path / "l.csv")


FORMULAS = ["=1+2", "+SUM(A1:A2)", "-2+3+cmd|' /C calc'!A0", "@SUM(A1)", "\tx", "\rx", "'=1",
            "''", "'", "=HYPERLINK(\"http://x\")"]


def test_tables_guard_formulas_and_read_back_exactly(tmp_path: Path) -> None:
    G = nx.Graph()
    for i, text in enumerate(FORMULAS):
        G.add_node(text, node_type="person", label=f"{text} label")
        G.add_node(f"T-{i}", node_type="phone", label="+447700900123")
        G.add_edge(text, f"T-{i}", link_types=("=uses",), reports=(f"-IR-{i}",), grades=("1AP",),
                   count=-2, weight=-2.5)
    files = to_anb_tables(G, tmp_path)
    for name in ("entities", "links"):
        raw = pd.read_csv(files[name], dtype=str, keep_default_na=False, encoding="utf-8-sig")
        for col in raw.columns:
            for cell in raw[col]:
                assert cell[:1] not in ("=", "+", "-", "@", "\t", "\r") or cell in (
                    "+447700900123", "-2", "-2.5"), (name, col, cell)
    links = pd.read_csv(files["links"], dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert "'=uses" in set(links["link_type"]) and "+447700900123" in set(links["entity2_label"])
    back = read_anb_tables(files["entities"], files["links"])
    assert set(back["source"]) | set(back["target"]) == set(G.nodes)
    assert set(back["link_type"]) == {"=uses"} and set(back["count"]) == {-2}
    nodes = back.attrs["nodes"]
    assert dict(zip(nodes["entity_id"], nodes["label"], strict=True))["'=1"] == "'=1 label"


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_guard_is_reversed_exactly(text: str) -> None:
    guarded = guard_cell(text)
    assert unguard_cell(guarded) == text
    assert guarded[:1] not in ("=", "+", "-", "@", "\t", "\r") or guarded == text.strip() and (
        guarded.lstrip("+-")[:1].isdigit() or guarded.lstrip("+-")[:1] == ".")


_CELL = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters=";"),
                max_size=12).filter(lambda s: s == s.strip() and s != "")


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(_CELL, _CELL, _CELL), min_size=1, max_size=4,
                unique_by=lambda t: t[0]))
def test_tables_round_trip_any_text(tmp_path_factory: pytest.TempPathFactory,
                                    rows: list[tuple[str, str, str]]) -> None:
    hubs = [f"hub-{i}" for i in range(len(rows))]
    assume(not {r[0] for r in rows} & set(hubs))
    G = nx.Graph()
    for hub, (ident, lab, typ) in zip(hubs, rows, strict=True):
        G.add_node(ident, node_type="person", label=lab)
        G.add_node(hub, node_type="phone", label=lab)
        G.add_edge(ident, hub, link_types=(typ,), reports=(lab,), grades=(typ,))
    files = to_anb_tables(G, tmp_path_factory.mktemp("t"))
    back = read_anb_tables(files["entities"], files["links"])
    nodes = back.attrs["nodes"]
    assert dict(zip(nodes["entity_id"], nodes["label"], strict=True)) == {
        str(v): d["label"] for v, d in G.nodes(data=True)}
    got = {(r.source, r.link_type, r.report_urn, r.grade) for r in back.itertuples()}
    assert got == {(i, t, lab, t) for i, lab, t in rows}
