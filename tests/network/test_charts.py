"""link_chart: offline standalone HTML, safe embedding of labels, deterministic layout, limits."""

from __future__ import annotations

import copy
import html
import json
import re
import time
from pathlib import Path

import networkx as nx
import numpy as np
import pytest

from intelbench.exceptions import NetworkInputError, ParameterError
from intelbench.network import chart_layout, link_chart, shortest_paths
from intelbench.network.chart_style import ENTITY_ICONS
from intelbench.network.charts import NODE_STYLES, LinkChart
from tests.offline_scan import external_fetches

EVIL_SCRIPT = "</script><script>window.__pwned=1</script>"
EVIL_IMG = '<img src=x onerror="window.__pwned=1">'
DATA_RE = re.compile(
    r'<script type="application/json" id="ib-chart-data">(.*?)</script>', re.S
)


def small_graph() -> nx.Graph:
    G = nx.Graph()
    G.add_node("P-1", node_type="person", label=EVIL_SCRIPT)
    G.add_node("P-2", node_type="person", label=EVIL_IMG)
    G.add_node("T-1", node_type="phone", label="07700 900001 & co \u2028 \u2029 'q' \"dq\"")
    G.add_node("V-1", node_type="vehicle", label="AB12 CDE")
    G.add_node("A-1", node_type="address", label="1 High St <b>bold</b>")
    G.add_node("O-1", node_type="organisation", label="Acme Ltd")
    G.add_node("E-1", node_type="event", label="Burglary 01/02")
    G.add_node("X-1", label="untyped")
    G.add_edge("P-1", "T-1", weight=5.0, count=5, link_types=("uses_phone",),
               reports=("IR-1", "IR-2"), grades=("1AP", ""), first_seen=None, last_seen=None)
    G.add_edge("P-2", "T-1", weight=1.0, count=1, link_types=("uses_phone",),
               reports=("IR-3",), grades=("3DC",))
    G.add_edge("P-2", "V-1", weight=2.0)
    G.add_edge("V-1", "A-1", weight=1.0)
    G.add_edge("A-1", "O-1", weight=1.0)
    G.add_edge("O-1", "E-1", weight=1.0)
    G.add_node("P-9", node_type="person", label="isolated")
    return G


def embedded(chart: LinkChart) -> dict:
    blobs = DATA_RE.findall(chart.html)
    assert len(blobs) == 1
    return json.loads(blobs[0])


def test_standalone_html_has_no_external_reference(tmp_path: Path) -> None:
    chart = link_chart(small_graph(), seed=3)
    path = chart.save(tmp_path / "chart.html")
    assert external_fetches(path) == []
    text = path.read_text(encoding="utf-8")
    assert "http://" not in text and "https://" not in text and "//cdn" not in text
    assert "<script src" not in text and "<link " not in text
    assert text.count('<div id="ib-root">') == 1 and 'createElement("canvas")' in text
    assert [p.name for p in tmp_path.iterdir()] == ["chart.html"]  # atomic: no temp file left


def test_markup_in_labels_cannot_break_out_and_round_trips() -> None:
    G = small_graph()
    chart = link_chart(G, seed=1)
    # Only our own four script elements exist; the labels never appear raw.
    # data block, layout asset, chart asset, start asset
    assert chart.html.count("<script") == 4
    assert chart.html.count("</script>") == 4
    assert EVIL_IMG not in chart.html and "<b>bold</b>" not in chart.html
    assert "\u2028" not in chart.html and "\u2029" not in chart.html
    data = embedded(chart)
    labels = dict(zip(data["nodes"]["id"], data["nodes"]["label"], strict=True))
    assert labels["P-1"] == EVIL_SCRIPT
    assert labels["P-2"] == EVIL_IMG
    assert labels["T-1"] == G.nodes["T-1"]["label"]
    assert labels["X-1"] == "untyped"
    # the JS puts labels into the page with textContent only
    js = chart.html[chart.html.rindex("<script>"):]
    assert "innerHTML" not in js and "insertAdjacentHTML" not in js and "document.write" not in js


def test_title_is_escaped() -> None:
    chart = link_chart(small_graph(), title="<script>alert(1)</script>")
    assert "<title>&lt;script&gt;alert(1)&lt;/script&gt;</title>" in chart.html


def test_frames_types_and_grades() -> None:
    G = small_graph()
    before = copy.deepcopy(G)
    chart = link_chart(G, seed=0)
    assert nx.utils.graphs_equal(G, before)  # input not modified
    assert len(chart.nodes) == G.number_of_nodes() and len(chart.edges) == G.number_of_edges()
    types = dict(zip(chart.nodes["id"], chart.nodes["node_type"], strict=True))
    assert types["X-1"] == "other" and types["E-1"] == "event"
    data = embedded(chart)
    for t, colour, icon in zip(data["types"], data["typeColours"], data["icons"], strict=True):
        assert colour == NODE_STYLES.get(t, NODE_STYLES["other"])[1]
        assert icon == ENTITY_ICONS.get(t, ENTITY_ICONS["other"])
    row = chart.edges[(chart.edges["source"] == "P-1") & (chart.edges["target"] == "T-1")].iloc[0]
    assert row["reports"] == ("IR-1", "IR-2") and row["grades"] == ("1AP", "")
    # heavier link drawn wider
    idx = {v: i for i, v in enumerate(data["nodes"]["id"])}
    widths = {(data["nodes"]["id"][s], data["nodes"]["id"][t]): w for s, t, w in
              zip(data["edges"]["s"], data["edges"]["t"], data["edges"]["w"], strict=True)}
    assert widths[("P-1", "T-1")] > widths[("V-1", "A-1")]
    assert idx  # every node indexed


def test_layout_deterministic_by_seed() -> None:
    G = nx.connected_watts_strogatz_graph(300, 4, 0.1, seed=2)
    a = chart_layout(G, seed=7)
    b = chart_layout(G, seed=7)
    c = chart_layout(G, seed=8)
    assert a == b
    assert a != c
    xy = np.array(list(a.values()))
    assert np.isfinite(xy).all()
    assert len({tuple(p) for p in xy}) == len(xy)  # no two nodes stacked
    small = nx.path_graph(5)
    assert chart_layout(small, seed=1) == chart_layout(small, seed=1)
    assert link_chart(G, seed=7).html == link_chart(G, seed=7).html


def test_components_are_packed_close() -> None:
    # many components: none is flung far away from the others
    G = nx.disjoint_union_all([nx.cycle_graph(k) for k in range(3, 40)])
    pos = chart_layout(G, seed=0)
    xy = np.array(list(pos.values()))
    span = xy.max(axis=0) - xy.min(axis=0)
    assert span.max() < 60 * np.sqrt(G.number_of_nodes()) * 3


def test_focus_and_radius_draw_the_ego_network() -> None:
    G = nx.path_graph(10)
    chart = link_chart(G, focus=4, radius=2)
    assert set(chart.nodes["id"]) == set(nx.ego_graph(G, 4, radius=2))
    chart = link_chart(G, focus=[0, 9])
    assert set(chart.nodes["id"]) == {0, 1, 8, 9}
    with pytest.raises(NetworkInputError, match="focus"):
        link_chart(G, focus=42)
    with pytest.raises(ParameterError, match="radius"):
        link_chart(G, radius=2)


def test_max_nodes_refuses_with_advice() -> None:
    G = nx.path_graph(50)
    with pytest.raises(ParameterError, match=r"max_nodes=20.*focus=.*radius") as err:
        link_chart(G, max_nodes=20)
    assert "50" in str(err.value)
    assert len(link_chart(G, max_nodes=20, focus=25, radius=3).nodes) == 7


def test_highlight_path_from_shortest_paths() -> None:
    G = small_graph()
    res = shortest_paths(G, "P-1", "E-1")
    chart = link_chart(G, highlight_path=res)
    assert chart.path == res.paths[0] == ["P-1", "T-1", "P-2", "V-1", "A-1", "O-1", "E-1"]
    data = embedded(chart)
    assert [data["nodes"]["id"][i] for i in data["path"]] == chart.path
    assert link_chart(G, highlight_path=["P-2", "V-1"]).path == ["P-2", "V-1"]
    with pytest.raises(NetworkInputError, match="highlight_path"):
        link_chart(G, highlight_path=["P-1", "nobody"])


def test_bad_parameters() -> None:
    with pytest.raises(ParameterError, match="layout"):
        link_chart(nx.path_graph(3), layout="physics")
    with pytest.raises(ParameterError, match="max_nodes"):
        link_chart(nx.path_graph(3), max_nodes=0)


def test_empty_graph_and_multigraph() -> None:
    chart = link_chart(nx.Graph())
    assert len(chart.nodes) == 0 and embedded(chart)["nodes"]["id"] == []
    M = nx.MultiGraph()
    M.add_edge("a", "b", key="uses", link_types=("uses",))
    M.add_edge("a", "b", key="owns", link_types=("owns",))
    chart = link_chart(M)
    assert len(chart.edges) == 2


def test_repr_html_is_an_escaped_srcdoc_iframe() -> None:
    chart = link_chart(small_graph())
    rep = chart._repr_html_()
    assert rep.startswith("<iframe") and 'sandbox="allow-scripts"' in rep
    assert "<script" not in rep  # everything inside srcdoc is escaped
    srcdoc = re.search(r'srcdoc="([^"]*)"', rep)
    assert srcdoc is not None and html.unescape(srcdoc.group(1)) == chart.html


def test_details_option_shows_only_requested_attributes() -> None:
    G = small_graph()
    nx.set_node_attributes(G, {"P-1": "1990-01-01"}, "dob")
    assert "1990-01-01" not in link_chart(G).html
    data = embedded(link_chart(G, details=["dob"]))
    assert data["nodes"]["extra"][data["nodes"]["id"].index("P-1")] == {"dob": "1990-01-01"}


def big_graph(n: int = 5000, m: int = 15000, seed: int = 0) -> nx.Graph:
    G = nx.gnm_random_graph(n, m, seed=seed)
    types = list(NODE_STYLES)[:6]
    rng = np.random.default_rng(seed)
    for v in G:
        G.nodes[v]["node_type"] = types[int(rng.integers(6))]
        G.nodes[v]["label"] = f"Entity {v}"
    for u, v in G.edges():
        G.edges[u, v].update(weight=float(rng.integers(1, 20)), reports=(f"IR-{u}-{v}",),
                             grades=("2BP",), link_types=("associate",))
    return G


def test_5000_nodes_builds_quickly() -> None:
    G = big_graph()
    t0 = time.perf_counter()
    chart = link_chart(G, seed=0)
    elapsed = time.perf_counter() - t0
    print(f"link_chart 5,000 nodes / 15,000 edges: {elapsed:.2f} s, {len(chart.html) / 1e6:.2f} MB")
    assert len(chart.nodes) == 5000 and len(chart.edges) == 15000
    assert elapsed < 60
    assert len(chart.html) < 5_000_000


def test_missing_labels_and_types_fall_back() -> None:
    G = nx.Graph()
    G.add_node(1, label=float("nan"), node_type=float("nan"))
    G.add_node(2, label=None)
    G.add_edge(1, 2)
    chart = link_chart(G)
    assert chart.nodes["label"].tolist() == ["1", "2"]
    assert chart.nodes["node_type"].tolist() == ["other", "other"]


def test_demo_step_writes_chart_tables_and_anx(samples: Path, tmp_path: Path) -> None:
    from types import SimpleNamespace

    from intelbench.demo.network import chart_step as demo_step
    from intelbench.network import read_anx

    ctx = SimpleNamespace(data=samples, out=tmp_path, shared={})
    lines = demo_step(ctx)
    out = tmp_path / "network"
    assert {p.name for p in out.iterdir()} == {"link_chart.html", "anb", "chart.anx"}
    assert external_fetches(out) == []
    html_text = (out / "link_chart.html").read_text(encoding="utf-8")
    data = json.loads(DATA_RE.findall(html_text)[0])
    truth = json.loads((samples / "ocg_truth.json").read_text())
    members = {m for g in truth["groups"] for m in g["members"]}
    assert members <= set(data["nodes"]["id"])
    assert len(data["path"]) >= 2  # leader to a member beyond the cut-point
    H = read_anx(out / "chart.anx")
    assert set(H.nodes) == set(data["nodes"]["id"])
    assert H.number_of_edges() == len(data["edges"]["s"])
    assert any("link_chart.html" in line for line in lines)


def test_drawing_loads_no_plotting_library() -> None:
    import subprocess
    import sys

    code = (
        "import sys, networkx as nx, intelbench as ib, tempfile, os\n"
        "G = nx.connected_watts_strogatz_graph(120, 4, 0.1, seed=1)\n"
        "ib.network.link_chart(G)\n"
        "ib.network.to_anx(G, os.path.join(tempfile.mkdtemp(), 'c.anx'))\n"
        "print(sorted(m for m in ('matplotlib', 'folium', 'ipywidgets') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
