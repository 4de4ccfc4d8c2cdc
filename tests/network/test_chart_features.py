"""Link chart features without a browser: styles, importance, attributes, layouts, widget."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest

from intelbench.exceptions import DocumentNotFoundError, ParameterError
from intelbench.gate.roles import declared_roles
from intelbench.gate.writers import Marking
from intelbench.network import link_chart
from intelbench.network._chart_render import DEFAULT_MARKING
from intelbench.network.chart_attrs import annotate_for_chart
from intelbench.network.chart_layouts import (
    LAYOUT_KIND,
    ChartLayout,
    load_chart_layout,
    save_chart_layout,
)
from intelbench.network.chart_style import ENTITY_ICONS, ICON_TYPES, icon_svg, link_label
from intelbench.network.chart_widget import ChartSession, chart_widget
from tests._identity import open_as
from tests.network.test_charts import DATA_RE, small_graph

HOSTILE = ["<img src=x onerror=alert(1)>", "{{7*7}}", "</script><script>alert(2)</script>"]


def data_of(html_text: str) -> dict:
    return json.loads(DATA_RE.findall(html_text)[0])


def typed_graph() -> nx.Graph:
    G = nx.Graph()
    for v, t in [("P-1", "person"), ("P-2", "person"), ("P-3", "person"), ("T-1", "phone"),
                 ("V-1", "vehicle"), ("A-1", "address")]:
        G.add_node(v, node_type=t, label=f"Label {v}")
    G.add_edge("P-1", "P-2", link_types=("co_offending", "associate"), weight=2.0,
               reports=("IR-1",), grades=("1AP",))
    G.add_edge("P-2", "P-3", link_types=("family",), weight=1.0)
    G.add_edge("P-1", "T-1", link_types=("uses_phone",), weight=1.0)
    G.add_edge("P-1", "V-1", link_types=("uses_vehicle",), weight=1.0)
    G.add_edge("P-3", "A-1", link_types=("resides_at",), weight=1.0)
    G.add_edge("T-1", "P-3", link_types=("calls",), weight=5.0)
    return G


def test_every_required_entity_type_has_an_icon() -> None:
    wanted = {"person", "phone", "vehicle", "address", "location", "organisation", "ocg",
              "account"}
    assert wanted <= set(ICON_TYPES)
    # distinct drawings, all plain path data (no URL, no markup)
    assert len({ENTITY_ICONS[t] for t in wanted}) == len(wanted)
    for t in wanted:
        d = ENTITY_ICONS[t]
        assert d[0] == "M" and "<" not in d and "/" not in d and "url" not in d.lower()
        svg = icon_svg(t)
        assert svg.startswith("<svg") and "http" not in svg and "href" not in svg


def test_links_are_labelled_by_what_they_are_not_by_grade() -> None:
    chart = link_chart(typed_graph(), seed=1)
    data = chart.data
    labels = [s["label"] for s in data["linkStyles"]]
    assert set(labels) == {"co-offender", "associate", "family", "uses phone", "drives",
                           "lives at", "calls"}
    # the primary style of a multi-type link is the most telling type
    ids = data["nodes"]["id"]
    pairs = {(ids[s], ids[t]): st for s, t, st in
             zip(data["edges"]["s"], data["edges"]["t"], data["edges"]["st"], strict=True)}
    assert data["linkStyles"][pairs[("P-1", "P-2")]]["label"] == "co-offender"
    # dashes differ between kinds of link, and grades stay in the evidence arrays only
    dashes = {s["label"]: tuple(s["dash"]) for s in data["linkStyles"]}
    assert dashes["associate"] == () and dashes["uses phone"] != () and dashes["lives at"] != ()
    assert "1AP" not in labels
    assert link_label("resides_at") == "lives at" and link_label("uses_vehicle") == "drives"


def test_importance_orders_labels_by_score_then_degree() -> None:
    G = typed_graph()
    nx.set_node_attributes(G, {"P-3": 0.9, "P-2": 0.5}, "score")
    data = link_chart(G, seed=1).data
    ids = data["nodes"]["id"]
    order = [ids[i] for i in data["nodes"]["order"]]
    assert order[:2] == ["P-3", "P-2"]
    # without a score: degree first (P-1 has 4 links)
    order = [ids[i] for i in link_chart(typed_graph(), seed=1).data["nodes"]["order"]]
    assert order[0] == "P-1"
    # an explicit mapping wins over the attribute
    data = link_chart(G, seed=1, importance={"A-1": 5.0}).data
    assert data["nodes"]["id"][data["nodes"]["order"][0]] == "A-1"


def test_attributes_for_conditional_formatting() -> None:
    G = annotate_for_chart(typed_graph(), membership={"P-1": "Crew A", "P-2": "Crew A",
                                                      "P-3": "Crew B"})
    data = link_chart(G, seed=1, colour_by="ocg").data
    ocg = data["attrs"]["ocg"]
    assert ocg["title"] == "OCG" and ocg["values"] == ["Crew A", "Crew B"]
    ids = data["nodes"]["id"]
    codes = dict(zip(ids, ocg["codes"], strict=True))
    assert codes["P-1"] == codes["P-2"] == 0 and codes["P-3"] == 1 and codes["T-1"] == -1
    assert data["colourBy"] == "ocg"
    assert link_chart(G, seed=1, colour_by="nonsense").data["colourBy"] == ""
    assert "role" not in data["attrs"]  # only attributes some node carries


def test_annotate_for_chart_from_the_analysis() -> None:
    G = typed_graph()
    kp = pd.DataFrame({"node": ["P-1", "P-2"], "score": [0.7, 0.1]})

    class FakeOCG:
        members = pd.DataFrame({"group": ["G1", "G1"], "node": ["P-1", "P-2"],
                                "roles": ["leader", "broker, cut-point"]})

    class FakeCommunities:
        membership = pd.Series({"P-1": 0, "P-2": 0, "P-3": 1})

    H = annotate_for_chart(G, key_players=kp, ocg=FakeOCG(), communities=FakeCommunities())
    assert H.nodes["P-1"] == {"node_type": "person", "label": "Label P-1", "score": 0.7,
                              "ocg": "G1", "role": "leader", "community": "Community 0"}
    assert H.nodes["P-2"]["role"] == "broker"
    assert "score" not in G.nodes["P-1"]  # input untouched


def test_marking_banner_text() -> None:
    assert link_chart(small_graph()).data["marking"] == DEFAULT_MARKING
    m = Marking("OFFICIAL-SENSITIVE", "P", "", "DISS-1", "Team", "T")
    assert link_chart(small_graph(), marking=m).data["marking"] == m.banner
    with pytest.raises(ParameterError, match="marking"):
        link_chart(small_graph(), marking="  ")


def test_hostile_strings_are_data_never_markup() -> None:
    G = nx.Graph()
    for i, s in enumerate(HOSTILE):
        G.add_node(f"N{i}", label=s, node_type=s, ocg=s)
    G.add_edge("N0", "N1", link_types=(HOSTILE[2],), reports=(HOSTILE[0],), grades=(HOSTILE[1],))
    chart = link_chart(G, seed=1, title=HOSTILE[2], marking=HOSTILE[0],
                       saved_layout={"notes": {"N0": HOSTILE[2]}})
    page = chart.html
    # data, layout, chart, start
    assert page.count("<script") == 4 and page.count("</script>") == 4
    assert "<img" not in page and "alert(2)</script>" not in page
    data = data_of(page)
    assert data["title"] == HOSTILE[2] and data["marking"] == HOSTILE[0]
    assert data["attrs"]["ocg"]["values"] == sorted(HOSTILE)
    assert data["layout"]["notes"] == {str(data["nodes"]["id"].index("N0")): HOSTILE[2]}


def test_chart_layout_round_trip_through_the_workspace(tmp_path: Path) -> None:
    ws = open_as("A. Analyst", tmp_path / "ws", role="ANALYST")
    G = typed_graph()
    first = link_chart(G, seed=1)
    lay = ChartLayout(
        positions={**first.layout.positions, "P-1": (999.0, -50.0)},
        pinned=("P-1",), hidden=("A-1",), notes={"P-2": "seen at the address 3/2"},
    )
    assert save_chart_layout(ws, "op-larch", lay) == 1
    assert save_chart_layout(ws, "op-larch", lay.to_doc()) == 2
    back = load_chart_layout(ws, "op-larch")
    assert back == lay
    assert ws.get(LAYOUT_KIND, "op-larch")["pinned"] == ["P-1"]
    chart = link_chart(G, seed=1, saved_layout=back)
    x, y = chart.nodes.set_index("id").loc["P-1", ["x", "y"]]
    assert (x, y) == (999.0, -50.0)
    ids = chart.data["nodes"]["id"]
    assert [ids[i] for i in chart.data["layout"]["pinned"]] == ["P-1"]
    assert [ids[i] for i in chart.data["layout"]["hidden"]] == ["A-1"]
    assert chart.layout.notes == {"P-2": "seen at the address 3/2"}
    # a node the saved layout does not know is laid out; the others keep their places
    G.add_edge("P-1", "P-9")
    chart = link_chart(G, seed=1, saved_layout=back)
    assert chart.nodes.set_index("id").loc["P-1", "x"] == 999.0
    assert "P-9" in set(chart.nodes["id"])
    with pytest.raises(DocumentNotFoundError):
        load_chart_layout(ws, "nope")


def test_chart_layout_refuses_bad_documents() -> None:
    with pytest.raises(ParameterError, match="P-1"):
        ChartLayout.from_doc({"positions": {"P-1": ["a", 2]}})
    with pytest.raises(ParameterError, match="finite"):
        ChartLayout.from_doc({"positions": {"P-1": [float("nan"), 2]}})
    with pytest.raises(ParameterError, match="pinned"):
        ChartLayout.from_doc({"pinned": "P-1"})
    with pytest.raises(ParameterError, match="mapping"):
        ChartLayout.from_doc(["P-1"])  # type: ignore[arg-type]


def test_session_protocol_selection_and_layout() -> None:
    G = annotate_for_chart(typed_graph(), membership={"P-1": "Crew A"})
    nx.set_node_attributes(G, {"P-1": 0.4}, "score")
    s = ChartSession(link_chart(G, seed=1))
    (reply,) = s.receive({"type": "ready"})
    assert reply["type"] == "data" and reply["data"]["nodes"]["id"] == s.chart.data["nodes"]["id"]
    assert s.receive({"type": "selection", "ids": ["P-1", "nobody", "T-1"]}) == []
    frame = s.selected
    assert frame["id"].tolist() == ["P-1", "T-1"]
    assert frame.loc[0, "ocg"] == "Crew A" and frame.loc[0, "score"] == 0.4
    assert declared_roles(frame)["id"] == "identifier"
    assert "x" not in frame.columns
    assert s.select("P-2") == {"type": "select", "ids": ["P-2"]}
    assert s.selected["id"].tolist() == ["P-2"]
    with pytest.raises(ParameterError, match="nobody"):
        s.select(["nobody"])
    s.receive({"type": "layout", "layout": {"positions": {"P-1": [1, 2]}, "pinned": ["P-1"],
                                            "hidden": [], "notes": {"P-1": "lead"}}})
    assert s.layout_state.pinned == ("P-1",) and s.layout_state.notes == {"P-1": "lead"}
    # junk from the browser is ignored, not raised
    for junk in (None, "x", {"type": "layout", "layout": {"positions": {"a": "b"}}},
                 {"type": "selection", "ids": "P-1"}):
        assert s.receive(junk) == []
    assert s.layout_state.pinned == ("P-1",)
    # the ready reply carries the current selection so a re-opened view shows it
    assert s.receive({"type": "ready"})[0]["selected"] == ["P-2"]


def test_widget_state_holds_no_chart_data(tmp_path: Path) -> None:
    G = typed_graph()
    G.nodes["P-1"]["label"] = "Zebedee UNIQUENAME"
    w = chart_widget(link_chart(G, seed=1))
    state = json.dumps(w.get_state(), default=str)
    assert "Zebedee" not in state and "UNIQUENAME" not in state and "P-1" not in state
    assert "mountLinkChart" in w.get_state()["_esm"]
    sent: list[dict] = []
    w.send = lambda msg, buffers=None: sent.append(msg)  # type: ignore[method-assign]
    w._on_msg(w, {"type": "ready"}, [])
    assert sent[0]["type"] == "data"
    w._on_msg(w, {"type": "selection", "ids": ["P-1"]}, [])
    assert w.selected["label"].tolist() == ["Zebedee UNIQUENAME"]
    w.selected = ["T-1", "V-1"]
    assert sent[-1] == {"type": "select", "ids": ["T-1", "V-1"]}
    # nothing about the selection went into the widget state either
    assert "T-1" not in json.dumps(w.get_state(), default=str)
    ws = open_as("A. Analyst", tmp_path / "ws", role="ANALYST")
    w._on_msg(w, {"type": "layout", "layout": {"positions": {"P-1": [5, 6]}, "pinned": ["P-1"]}},
              [])
    assert w.save_layout(ws, "chart-1") == 1
    assert load_chart_layout(ws, "chart-1").positions == {"P-1": (5.0, 6.0)}


def test_anywidget_is_imported_only_when_a_widget_is_made() -> None:
    code = (
        "import sys, networkx as nx\n"
        "import intelbench.network.chart_widget as cw, intelbench.network.charts as ch\n"
        "before = 'anywidget' in sys.modules or 'ipywidgets' in sys.modules\n"
        "w = cw.chart_widget(ch.link_chart(nx.path_graph(3)))\n"
        "print(before, 'anywidget' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "True"]


def test_page_and_widget_carry_the_relayout_script_and_the_seed() -> None:
    from intelbench.gate.assets import is_asset
    from intelbench.network._chart_render import widget_esm

    chart = link_chart(small_graph(), seed=5)
    assert chart.data["seed"] == 5
    import intelbench.network

    assets = Path(intelbench.network.__file__).parent / "_chart_assets"
    layout_js = (assets / "linkchart_layout.js").read_text("utf-8")
    assert "function layout(G, kind, opts)" in layout_js
    bodies = re.findall(r"<script>\n(.*?)</script>", chart.html, flags=re.S)
    assert len(bodies) == 3 and all(is_asset(b) for b in bodies)
    assert bodies[0].strip() == layout_js.strip()
    assert layout_js.strip() in widget_esm()
    assert ".ib-relayout" not in layout_js and '"ib-relayout"' in widget_esm()
