"""Browser tests of the link chart in Chromium (file:// URL, every non-local request blocked).

Label overlap is measured from the labels the chart drew: each label's text and position is
read back and its ink box measured again with ``measureText`` on a fresh canvas, and a label
counts as overlapping when its box intersects any other drawn label's box.
"""

from __future__ import annotations

import json
import statistics
import time
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import pytest

from intelbench.demo.cli import DemoContext
from intelbench.demo.network import demo_chart_graph
from intelbench.network import link_chart
from intelbench.network.chart_layouts import ChartLayout, load_chart_layout, save_chart_layout
from intelbench.network.chart_widget import ChartSession
from tests._identity import open_as
from tests.browser._widget_stub import drag_node, mount_widget
from tests.network.test_charts import EVIL_IMG, EVIL_SCRIPT, big_graph, small_graph

pytestmark = pytest.mark.browser

HOSTILE = ["<img src=x onerror=alert(1)>", "{{7*7}}", "</script><script>alert(2)</script>"]

MEASURE_JS = """() => {
  const c = document.createElement('canvas').getContext('2d');
  c.textAlign = 'left'; c.textBaseline = 'top';
  return intelbenchChart.labels.map((l) => {
    c.font = l.font;
    const m = c.measureText(l.text);
    return [l.x - m.actualBoundingBoxLeft, l.y - m.actualBoundingBoxAscent,
            l.x + m.actualBoundingBoxRight, l.y + m.actualBoundingBoxDescent, l.kind, l.text];
  });
}"""


def open_chart(page: Any, path: Path, timeout: float = 60_000) -> float:
    t0 = time.perf_counter()
    page.goto(path.resolve().as_uri(), timeout=timeout)
    page.wait_for_function("window.intelbenchChart && intelbenchChart.ready", timeout=timeout)
    return time.perf_counter() - t0


def overlaps(page: Any) -> tuple[int, int, list[Any]]:
    """(labels drawn, labels overlapping another drawn label, the boxes)."""
    boxes = page.evaluate(MEASURE_JS)
    arr = np.array([b[:4] for b in boxes], dtype=float).reshape(-1, 4)
    x0, y0, x1, y1 = arr.T
    inter = ((x0[:, None] < x1[None, :]) & (x1[:, None] > x0[None, :])
             & (y0[:, None] < y1[None, :]) & (y1[:, None] > y0[None, :]))
    np.fill_diagonal(inter, False)
    return len(boxes), int(inter.any(axis=1).sum()), boxes


@pytest.fixture(scope="module")
def demo(samples: Path) -> tuple[nx.Graph, dict[str, Any]]:
    graph, members, path, title = demo_chart_graph(
        DemoContext(data=samples, out=Path("unused"), shared={}))
    kwargs = {"focus": members, "radius": 1, "seed": 1, "highlight_path": path or None,
              "title": title, "colour_by": "ocg"}
    return graph, kwargs


def test_demo_chart_labels_do_not_overlap_at_fit_and_zoomed(
    guarded_page: Any, blocked_requests: list[str], page_errors: list[str], tmp_path: Path,
    demo: tuple[nx.Graph, dict[str, Any]],
) -> None:
    graph, kwargs = demo
    chart = link_chart(graph, **kwargs)
    assert "Planted" not in chart.title
    path = chart.save(tmp_path / "demo.html")
    open_chart(guarded_page, path)
    n = guarded_page.evaluate("intelbenchChart.nodeCount")
    top = str(chart.data["nodes"]["id"][chart.data["nodes"]["order"][0]])
    figures = []
    for step, zoom in (("Fit", None), ("zoom x2.5", 2.5), ("zoom x6.25", 2.5)):
        if zoom is None:
            guarded_page.evaluate("intelbenchChart.fit()")
        else:
            guarded_page.evaluate(f"intelbenchChart.zoom({zoom}, {json.dumps(top)})")
        drawn, over, boxes = overlaps(guarded_page)
        nodes = sum(1 for b in boxes if b[4] == "node")
        figures.append((step, drawn, nodes, over))
        print(f"demo chart ({n} nodes) at {step}: {drawn} labels drawn ({nodes} entity, "
              f"{drawn - nodes} link), {over} overlap another ({over / max(drawn, 1):.1%})")
        assert drawn >= 15, f"{step}: too few labels drawn to read the chart ({drawn})"
        assert over <= 0.05 * drawn, f"{step}: {over} of {drawn} labels overlap"
    assert figures[0][2] >= 30  # at Fit the most important entities are named
    # zooming in names entities that had no room at Fit
    assert figures[2][2] > 0
    # links are labelled with what they are, never with grades
    link_texts = {t for f in (guarded_page.evaluate("intelbenchChart.labels"),) for t in
                  (x["text"] for x in f if x["kind"] == "link")}
    assert link_texts and all(not any(ch.isdigit() for ch in t) for t in link_texts)
    # the rest appear on hover: an unlabelled entity is hovered
    guarded_page.evaluate("intelbenchChart.fit()")
    drawn = guarded_page.evaluate("intelbenchChart.labels")
    named = {b["id"] for b in drawn if b["kind"] == "node"}
    unnamed = next(str(v) for v in chart.data["nodes"]["id"] if str(v) not in named)
    x, y = guarded_page.evaluate(f"intelbenchChart.screenPos({json.dumps(unnamed)})")
    guarded_page.mouse.move(x, y)
    guarded_page.wait_for_function(f"intelbenchChart.hovered() === {json.dumps(unnamed)}")
    assert page_errors == []
    assert blocked_requests == []


def test_icons_legend_links_and_marking(
    guarded_page: Any, blocked_requests: list[str], page_errors: list[str], tmp_path: Path,
) -> None:
    G = small_graph()
    path = link_chart(G, seed=1, marking="OFFICIAL-SENSITIVE | TEST-REF").save(
        tmp_path / "chart.html")
    open_chart(guarded_page, path)
    api = guarded_page.evaluate(
        "({n: intelbenchChart.nodeCount, drawn: intelbenchChart.drawnNodes,"
        " m: intelbenchChart.edgeCount, e: intelbenchChart.drawnEdges})"
    )
    assert api == {"n": G.number_of_nodes(), "drawn": G.number_of_nodes(),
                   "m": G.number_of_edges(), "e": G.number_of_edges()}
    banners = guarded_page.locator(".ib-marking")
    assert banners.all_text_contents() == ["OFFICIAL-SENSITIVE | TEST-REF"] * 2
    top, bottom = (banners.nth(i).bounding_box() for i in range(2))
    assert top["y"] < 5 and bottom["y"] + bottom["height"] > 1000 - 5  # top and bottom edges
    legend = guarded_page.locator(".ib-legend-types li").all_text_contents()
    assert any("person (3)" in t for t in legend) and any("other (1)" in t for t in legend)
    assert guarded_page.locator(".ib-legend-types canvas.ib-icon").count() == len(legend)
    links = guarded_page.locator(".ib-legend-links li").all_text_contents()
    assert any("uses phone (2)" in t for t in links)
    # each entity is drawn as an icon: white pictogram pixels inside its coloured disc, and
    # the pictograms of different types differ
    guarded_page.evaluate("intelbenchChart.zoom(3, 'P-2')")
    masks = {}
    for node in ("P-2", "T-1", "V-1"):
        guarded_page.evaluate(f"intelbenchChart.zoom(1, '{node}')")
        masks[node] = guarded_page.evaluate(
            """(id) => {
              const [x, y] = intelbenchChart.screenPos(id);
              const cv = intelbenchChart.root.querySelector('canvas.ib-canvas');
              const r = cv.getBoundingClientRect(), d = window.devicePixelRatio || 1;
              const px = cv.getContext('2d').getImageData(Math.round((x - r.left - 8) * d),
                Math.round((y - r.top - 8) * d), Math.round(16 * d), Math.round(16 * d)).data;
              const mask = [];
              for (let i = 0; i < px.length; i += 4)
                mask.push(px[i] > 240 && px[i + 1] > 240 && px[i + 2] > 240 ? 1 : 0);
              return mask;
            }""", node)
    for node, mask in masks.items():
        share = sum(mask) / len(mask)
        assert 0.05 < share < 0.8, f"{node}: {share:.0%} white: no icon drawn on the disc"
    assert masks["P-2"] != masks["T-1"] != masks["V-1"]
    assert page_errors == []
    assert blocked_requests == []


def test_markup_label_shows_as_text(
    guarded_page: Any, blocked_requests: list[str], page_errors: list[str], tmp_path: Path
) -> None:
    path = link_chart(small_graph(), seed=1).save(tmp_path / "chart.html")
    open_chart(guarded_page, path)
    x, y = guarded_page.evaluate("intelbenchChart.screenPos('P-2')")
    guarded_page.mouse.click(x, y)
    assert guarded_page.evaluate("intelbenchChart.selected") == "P-2"
    details = guarded_page.locator(".ib-details")
    assert details.locator("h2").text_content() == EVIL_IMG
    assert details.locator("img").count() == 0
    guarded_page.evaluate("intelbenchChart.select('P-1')")
    assert details.locator("h2").text_content() == EVIL_SCRIPT
    assert details.locator("script").count() == 0
    text = guarded_page.evaluate("intelbenchChart.detailsText()")
    # grade and source references are in the details pane, with the link's kind in words
    assert "IR-1  [1AP]" in text and "IR-2" in text and "07700 900001" in text
    assert "uses phone" in text
    guarded_page.fill(".ib-search", "onerror")
    assert guarded_page.locator(".ib-results button").all_text_contents() == [
        EVIL_IMG + " (person)"]
    assert guarded_page.locator(".ib-results img").count() == 0
    assert guarded_page.evaluate("typeof window.__pwned") == "undefined"
    assert page_errors == []
    assert blocked_requests == []


def test_hostile_strings_run_no_script_and_open_no_dialog(
    guarded_page: Any, blocked_requests: list[str], page_errors: list[str], tmp_path: Path
) -> None:
    dialogs: list[str] = []

    def on_dialog(d: Any) -> None:
        dialogs.append(d.message)
        d.dismiss()

    guarded_page.on("dialog", on_dialog)
    G = nx.Graph()
    for i, s in enumerate(HOSTILE):
        G.add_node(f"N{i}", label=s, node_type=s, ocg=s, role=s, community=s)
    G.add_edge("N0", "N1", link_types=(HOSTILE[2],), reports=(HOSTILE[0],), grades=(HOSTILE[1],))
    G.add_edge("N1", "N2", link_types=(HOSTILE[0],))
    chart = link_chart(G, seed=1, title=HOSTILE[2], marking=HOSTILE[0], details=["ocg"],
                       saved_layout={"notes": {"N0": HOSTILE[2]}})
    open_chart(guarded_page, chart.save(tmp_path / "evil.html"))
    assert guarded_page.locator(".ib-title").text_content() == HOSTILE[2]
    assert guarded_page.title() == HOSTILE[2]
    assert guarded_page.locator(".ib-marking").first.text_content() == HOSTILE[0]
    # exercise every place a string is shown: details, notes, search, legend, hover, colour
    for node in ("N0", "N1", "N2"):
        guarded_page.evaluate(f"intelbenchChart.select('{node}')")
        x, y = guarded_page.evaluate(f"intelbenchChart.screenPos('{node}')")
        guarded_page.mouse.move(x, y)
    guarded_page.fill(".ib-note", HOSTILE[0] + HOSTILE[1])
    guarded_page.click(".ib-note-save")
    note = guarded_page.locator(".ib-note-text").text_content()
    assert note == "Note: " + HOSTILE[0] + HOSTILE[1]
    for attr in ("ocg", "role", "community"):
        guarded_page.select_option(".ib-colour-by", attr)
    for kind in ("grouped", "radial"):  # re-layout by the hostile group values
        guarded_page.select_option(".ib-layout-kind", kind)
        guarded_page.click(".ib-relayout")
        guarded_page.wait_for_function("!intelbenchChart.animating()")
    guarded_page.fill(".ib-search", "{{")
    text = guarded_page.locator("#ib-root").text_content()
    assert "{{7*7}}" in text and "49" not in text and HOSTILE[0] in text
    assert guarded_page.locator("img").count() == 0
    # the page's own data, layout code, chart code and start
    assert guarded_page.locator("script").count() == 4
    guarded_page.wait_for_timeout(300)
    assert dialogs == []
    assert page_errors == []
    assert blocked_requests == []


def test_path_highlighting_and_navigation(
    guarded_page: Any, blocked_requests: list[str], page_errors: list[str], tmp_path: Path
) -> None:
    G = small_graph()
    path = link_chart(G, seed=1, highlight_path=["P-2", "V-1"]).save(tmp_path / "chart.html")
    open_chart(guarded_page, path)
    assert guarded_page.evaluate("intelbenchChart.path") == ["P-2", "V-1"]
    expected = nx.shortest_path(G, "P-1", "E-1")
    assert guarded_page.evaluate("intelbenchChart.pathBetween('P-1', 'E-1')") == expected
    assert guarded_page.evaluate("intelbenchChart.pathBetween('P-1', 'P-9')") == []
    guarded_page.check(".ib-path-mode")
    for node in ("T-1", "A-1"):
        x, y = guarded_page.evaluate(f"intelbenchChart.screenPos('{node}')")
        guarded_page.mouse.click(x, y)
    assert guarded_page.evaluate("intelbenchChart.path") == nx.shortest_path(G, "T-1", "A-1")
    assert "Path (3 links)" in guarded_page.locator(".ib-details").text_content()
    before = guarded_page.evaluate("intelbenchChart.view()")
    guarded_page.click(".ib-zoom-in")
    guarded_page.wait_for_function(f"intelbenchChart.view().scale > {before['scale']}")
    box = guarded_page.locator(".ib-canvas").bounding_box()
    guarded_page.mouse.move(box["x"] + 20, box["y"] + 20)
    guarded_page.mouse.down()
    guarded_page.mouse.move(box["x"] + 120, box["y"] + 70, steps=5)
    guarded_page.mouse.up()
    after = guarded_page.evaluate("intelbenchChart.view()")
    assert after["tx"] - before["tx"] != 0 and after["ty"] - before["ty"] != 0
    assert page_errors == []
    assert blocked_requests == []


def test_drag_pin_hide_expand_note_colour_and_layout_restored(
    guarded_page: Any, blocked_requests: list[str], page_errors: list[str], tmp_path: Path
) -> None:
    G = small_graph()
    nx.set_node_attributes(G, {"P-1": "Crew A", "P-2": "Crew A", "T-1": "Crew B"}, "ocg")
    chart = link_chart(G, seed=1)
    open_chart(guarded_page, chart.save(tmp_path / "chart.html"))
    # drag a node: it moves and is pinned
    start = guarded_page.evaluate("intelbenchChart.layoutState().positions['V-1']")
    x, y = guarded_page.evaluate("intelbenchChart.screenPos('V-1')")
    scale = guarded_page.evaluate("intelbenchChart.view().scale")
    guarded_page.mouse.move(x, y)
    guarded_page.mouse.down()
    guarded_page.mouse.move(x + 60, y + 40, steps=6)
    guarded_page.mouse.up()
    state = guarded_page.evaluate("intelbenchChart.layoutState()")
    assert state["pinned"] == ["V-1"]
    moved = np.array(state["positions"]["V-1"]) - np.array(start)
    assert np.allclose(moved, [60 / scale, 40 / scale], atol=0.5)
    assert guarded_page.evaluate("intelbenchChart.view().scale") == scale  # no pan, no zoom
    # hide a node's neighbours, then expand them again
    x, y = guarded_page.evaluate("intelbenchChart.screenPos('T-1')")
    guarded_page.mouse.click(x, y)
    guarded_page.click(".ib-hide-nb")
    assert sorted(guarded_page.evaluate("intelbenchChart.layoutState().hidden")) == ["P-1", "P-2"]
    assert guarded_page.evaluate("intelbenchChart.drawnNodes") == G.number_of_nodes() - 2
    guarded_page.click(".ib-expand")
    assert guarded_page.evaluate("intelbenchChart.hiddenCount()") == 0
    guarded_page.evaluate("intelbenchChart.hide(['E-1'])")
    # a note on the node
    guarded_page.fill(".ib-note", "Seen with P-2 at the garage, 3 Feb")
    guarded_page.click(".ib-note-save")
    assert "Seen with P-2" in guarded_page.locator(".ib-note-text").text_content()
    # conditional formatting by OCG: the legend says so and the colours follow the groups
    guarded_page.select_option(".ib-colour-by", "ocg")
    assert "Colour: OCG" in guarded_page.locator(".ib-legend").text_content()
    colours = {v: guarded_page.evaluate(f"intelbenchChart.pixelColour('{v}')")
               for v in ("P-1", "P-2", "T-1", "V-1")}
    assert colours["P-1"] == colours["P-2"] != colours["T-1"] != colours["V-1"]
    # save to the workspace and restore into a new chart
    state = guarded_page.evaluate("intelbenchChart.layoutState()")
    ws = open_as("A. Analyst", tmp_path / "ws", role="ANALYST")
    save_chart_layout(ws, "small-chart", ChartLayout.from_doc(state))
    restored = link_chart(G, seed=1, saved_layout=load_chart_layout(ws, "small-chart"))
    open_chart(guarded_page, restored.save(tmp_path / "restored.html"))
    again = guarded_page.evaluate("intelbenchChart.layoutState()")
    assert again["pinned"] == ["V-1"] and again["hidden"] == ["E-1"]
    assert again["notes"] == {"T-1": "Seen with P-2 at the garage, 3 Feb"}
    assert again["positions"]["V-1"] == pytest.approx(state["positions"]["V-1"], abs=0.11)
    assert page_errors == []
    assert blocked_requests == []


def _first_draws(page: Any, path: Path, runs: int = 5) -> tuple[list[float], list[float]]:
    """First-draw times (the draw call) and times to the first frame produced, in ms."""
    firsts, painted = [], []
    for _ in range(runs):
        open_chart(page, path, timeout=120_000)
        page.wait_for_function("intelbenchChart.paintedMs !== null", timeout=120_000)
        s = page.evaluate("({f: intelbenchChart.firstRenderMs, p: intelbenchChart.paintedMs})")
        firsts.append(s["f"])
        painted.append(s["p"])
    return firsts, painted


def geometric_graph(n: int, m: int, seed: int = 1) -> tuple[nx.Graph, dict[int, tuple]]:
    """A graph whose links are short, as in a laid-out chart, with its positions (pixels)."""
    radius = float(np.sqrt(2 * m / (np.pi * n * n)))
    G = nx.random_geometric_graph(n, radius, seed=seed)
    types = ["person", "phone", "vehicle", "address"]
    pos = {}
    for v in G:
        x, y = G.nodes[v].pop("pos")
        pos[v] = (x * 60 * np.sqrt(n), y * 60 * np.sqrt(n))
        G.nodes[v].update(node_type=types[v % 4], label=f"Entity {v}")
    for u, v in G.edges():
        G.edges[u, v]["link_types"] = ("associate",)
    return G, pos


@pytest.mark.timed
def test_5000_and_20000_node_charts_draw_fast(
    guarded_page: Any, blocked_requests: list[str], page_errors: list[str], tmp_path: Path
) -> None:
    G = big_graph()
    path = link_chart(G, seed=0).save(tmp_path / "big.html")
    firsts, painted = _first_draws(guarded_page, path)
    assert guarded_page.evaluate("intelbenchChart.drawnNodes") == 5000
    redraw_ms = guarded_page.evaluate(
        "(() => { const t = performance.now(); for (let i = 0; i < 5; i++)"
        " intelbenchChart.redraw(); return (performance.now() - t) / 5; })()"
    )
    print(f"5,000 nodes / 15,000 links: first draw best {min(firsts):.0f} ms, median "
          f"{statistics.median(firsts):.0f} ms (runs {[round(f) for f in firsts]}); first frame "
          f"best {min(painted):.0f} ms, median {statistics.median(painted):.0f} ms; "
          f"redraw {redraw_ms:.0f} ms")
    # target 100 ms; the best of five runs (the machine is shared), with margin
    assert min(firsts) < 150
    guarded_page.evaluate("intelbenchChart.zoom(12)")
    assert guarded_page.evaluate("intelbenchChart.drawnLabels") > 0
    # 20,000 nodes (positions given: the draw is timed, not the Python layout)
    H, pos = geometric_graph(20_000, 60_000)
    path = link_chart(H, positions=pos, max_nodes=20_000).save(tmp_path / "huge.html")
    firsts, painted = _first_draws(guarded_page, path)
    print(f"20,000 nodes / {H.number_of_edges():,} links: first draw best {min(firsts):.0f} ms, "
          f"median {statistics.median(firsts):.0f} ms (runs {[round(f) for f in firsts]}); "
          f"first frame best {min(painted):.0f} ms, median {statistics.median(painted):.0f} ms")
    assert guarded_page.evaluate("intelbenchChart.drawnNodes") == 20_000
    assert min(firsts) < 1500  # target 1 s, best of five, with margin
    assert page_errors == []
    assert blocked_requests == []


def test_widget_selection_round_trip_with_a_stub_model(
    guarded_page: Any, blocked_requests: list[str], page_errors: list[str],
) -> None:
    """The widget's ES module in Chromium, driven by a stub anywidget model.

    No Jupyter kernel runs here: the stub model carries messages between the page and the
    Python half of the widget (:class:`ChartSession`), so both halves of the protocol are
    the real code and only the transport is stubbed.
    """
    G = small_graph()
    session = ChartSession(link_chart(G, seed=1))
    pump = mount_widget(guarded_page, session)

    assert guarded_page.evaluate("stub.sent")[0] == {"type": "ready"}
    pump()  # ready -> data: the chart mounts inside the widget element
    guarded_page.wait_for_function("el.intelbenchChart && el.intelbenchChart.ready")
    assert guarded_page.locator("#host .ib-marking").count() == 2
    # select in the chart (a real click, Ctrl-click adds): Python sees it as a frame
    for node, ctrl in (("P-2", False), ("V-1", True)):
        x, y = guarded_page.evaluate(f"el.intelbenchChart.screenPos('{node}')")
        if ctrl:
            guarded_page.keyboard.down("Control")
        guarded_page.mouse.click(x, y)
        if ctrl:
            guarded_page.keyboard.up("Control")
    pump()
    frame = session.selected
    assert frame["id"].tolist() == ["P-2", "V-1"]
    assert frame["label"].tolist() == [EVIL_IMG, "AB12 CDE"]
    # select from Python: the chart highlights it
    msg = session.select(["T-1", "A-1"])
    guarded_page.evaluate("(m) => stub.deliver(m)", msg)
    assert guarded_page.evaluate("el.intelbenchChart.selectedIds()") == ["T-1", "A-1"]
    # the last id given is the one whose details show (as text: the label holds markup)
    assert guarded_page.locator("#host .ib-details h2").text_content() == "1 High St <b>bold</b>"
    # a drag in the chart sends the layout back to Python
    drag_node(guarded_page, "O-1")
    pump()
    assert session.layout_state.pinned == ("O-1",)
    assert guarded_page.evaluate("typeof window.__pwned") == "undefined"
    assert page_errors == []
    assert blocked_requests == []
