"""Browser tests of the standalone link chart (file:// URL, every non-local request blocked)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from intelbench.network import link_chart
from tests.network.test_charts import EVIL_IMG, EVIL_SCRIPT, big_graph, small_graph

pytestmark = pytest.mark.browser


def open_chart(page: Any, path: Path, timeout: float = 60_000) -> float:
    t0 = time.perf_counter()
    page.goto(path.resolve().as_uri())
    page.wait_for_function("window.intelbenchChart && intelbenchChart.ready", timeout=timeout)
    return time.perf_counter() - t0


def test_chart_renders_every_node_offline(
    guarded_page: Any, blocked_requests: list[str], page_errors: list[str], tmp_path: Path
) -> None:
    G = small_graph()
    path = link_chart(G, seed=1).save(tmp_path / "chart.html")
    open_chart(guarded_page, path)
    api = guarded_page.evaluate(
        "({n: intelbenchChart.nodeCount, drawn: intelbenchChart.drawnNodes,"
        " m: intelbenchChart.edgeCount, e: intelbenchChart.drawnEdges})"
    )
    assert api == {"n": G.number_of_nodes(), "drawn": G.number_of_nodes(),
                   "m": G.number_of_edges(), "e": G.number_of_edges()}
    legend = guarded_page.locator("#ib-legend li").all_text_contents()
    assert any("person (3)" in t for t in legend) and any("other (1)" in t for t in legend)
    assert page_errors == []
    assert blocked_requests == [], f"non-local requests attempted: {blocked_requests}"


def test_markup_label_shows_as_text(
    guarded_page: Any, blocked_requests: list[str], page_errors: list[str], tmp_path: Path
) -> None:
    path = link_chart(small_graph(), seed=1).save(tmp_path / "chart.html")
    open_chart(guarded_page, path)
    # select by a real click on the node's position on the canvas
    x, y = guarded_page.evaluate("intelbenchChart.screenPos('P-2')")
    guarded_page.mouse.click(x, y)
    assert guarded_page.evaluate("intelbenchChart.selected") == "P-2"
    details = guarded_page.locator("#ib-details")
    assert details.locator("h2").text_content() == EVIL_IMG
    assert details.locator("img").count() == 0
    guarded_page.evaluate("intelbenchChart.select('P-1')")
    assert details.locator("h2").text_content() == EVIL_SCRIPT
    assert details.locator("script").count() == 0
    # neighbour list and link evidence are text too
    text = guarded_page.evaluate("intelbenchChart.detailsText()")
    assert "IR-1  [1AP]" in text and "IR-2" in text and "07700 900001" in text
    # search shows the markup label as a text result
    guarded_page.fill("#ib-search", "onerror")
    assert guarded_page.locator("#ib-results button").all_text_contents() == [
        EVIL_IMG + " (person)"]
    assert guarded_page.locator("#ib-results img").count() == 0
    assert guarded_page.evaluate("typeof window.__pwned") == "undefined"
    assert page_errors == []
    assert blocked_requests == []


def test_path_highlighting_and_navigation(
    guarded_page: Any, blocked_requests: list[str], page_errors: list[str], tmp_path: Path
) -> None:
    G = small_graph()
    path = link_chart(G, seed=1, highlight_path=["P-2", "V-1"]).save(tmp_path / "chart.html")
    open_chart(guarded_page, path)
    assert guarded_page.evaluate("intelbenchChart.path") == ["P-2", "V-1"]  # from Python
    expected = nx.shortest_path(G, "P-1", "E-1")
    assert guarded_page.evaluate("intelbenchChart.pathBetween('P-1', 'E-1')") == expected
    assert guarded_page.evaluate("intelbenchChart.pathBetween('P-1', 'P-9')") == []  # isolated
    # path mode in the UI: tick, click two nodes
    guarded_page.check("#ib-path-mode")
    for node in ("T-1", "A-1"):
        x, y = guarded_page.evaluate(f"intelbenchChart.screenPos('{node}')")
        guarded_page.mouse.click(x, y)
    assert guarded_page.evaluate("intelbenchChart.path") == nx.shortest_path(G, "T-1", "A-1")
    assert "Path (3 links)" in guarded_page.locator("#ib-details").text_content()
    # zoom buttons and drag-to-pan change the view
    before = guarded_page.evaluate("intelbenchChart.view()")
    guarded_page.click("#ib-zoom-in")
    guarded_page.wait_for_function(f"intelbenchChart.view().scale > {before['scale']}")
    box = guarded_page.locator("#ib-canvas").bounding_box()
    guarded_page.mouse.move(box["x"] + 20, box["y"] + 20)
    guarded_page.mouse.down()
    guarded_page.mouse.move(box["x"] + 120, box["y"] + 70, steps=5)
    guarded_page.mouse.up()
    after = guarded_page.evaluate("intelbenchChart.view()")
    assert after["tx"] - before["tx"] != 0 and after["ty"] - before["ty"] != 0
    assert page_errors == []
    assert blocked_requests == []


def test_5000_node_chart_renders_in_reasonable_time(
    guarded_page: Any, blocked_requests: list[str], page_errors: list[str], tmp_path: Path
) -> None:
    G = big_graph()
    path = link_chart(G, seed=0).save(tmp_path / "big.html")
    load_s = open_chart(guarded_page, path, timeout=120_000)
    stats = guarded_page.evaluate(
        "({n: intelbenchChart.nodeCount, drawn: intelbenchChart.drawnNodes,"
        " first: intelbenchChart.firstRenderMs})"
    )
    redraw_ms = guarded_page.evaluate(
        "(() => { const t = performance.now(); for (let i = 0; i < 5; i++)"
        " intelbenchChart.redraw(); return (performance.now() - t) / 5; })()"
    )
    print(f"5,000-node chart: open to ready {load_s:.2f} s, first draw {stats['first']:.0f} ms, "
          f"redraw {redraw_ms:.0f} ms")
    assert stats["n"] == stats["drawn"] == 5000
    assert load_s < 30 and redraw_ms < 1000
    # zoomed in, labels are drawn for the visible nodes
    guarded_page.evaluate("intelbenchChart.zoom(12)")
    assert guarded_page.evaluate("intelbenchChart.drawnLabels") > 0
    assert page_errors == []
    assert blocked_requests == []
