"""Re-layout in the page, in Chromium: pins hold, hidden nodes stay put, labels stay readable.

The chart is opened from a file:// URL with every non-local request blocked and recorded.
"""

from __future__ import annotations

import json
import statistics
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
from tests.browser.test_link_chart import open_chart, overlaps
from tests.network.test_charts import big_graph, small_graph

pytestmark = pytest.mark.browser

KINDS = ("organic", "grouped", "radial")


@pytest.fixture(scope="module")
def demo(samples: Path) -> tuple[nx.Graph, dict[str, Any]]:
    graph, members, path, title = demo_chart_graph(
        DemoContext(data=samples, out=Path("unused"), shared={}))
    return graph, {"focus": members, "radius": 1, "seed": 1, "highlight_path": path or None,
                   "title": title, "colour_by": "ocg"}


@pytest.fixture(scope="module")
def demo_chart(demo: tuple[nx.Graph, dict[str, Any]]) -> Any:
    graph, kwargs = demo
    return link_chart(graph, **kwargs)


def positions(page: Any) -> dict[str, list[float]]:
    """Every node's position in chart units, unrounded."""
    return dict(page.evaluate(
        "(() => { const o = {}; "
        "for (const id of Object.keys(intelbenchChart.layoutState().positions)) "
        "o[id] = intelbenchChart.position(id); return o; })()"))


def pin_and_hide(page: Any, chart: Any) -> tuple[list[str], list[str]]:
    """Pin two important nodes with the Pin button, hide two others; return their ids."""
    order = [str(chart.data["nodes"]["id"][k]) for k in chart.data["nodes"]["order"]]
    pins, hide = order[1:3], order[5:7]
    for v in pins:
        page.evaluate(f"intelbenchChart.select({json.dumps(v)})")
        page.click(".ib-pin")
    page.evaluate(f"intelbenchChart.hide({json.dumps(hide)})")
    page.evaluate("intelbenchChart.select(null)")
    return pins, hide


def check_after(page: Any, before: dict[str, list[float]], pins: list[str],
                hide: list[str], kind: str) -> None:
    after = positions(page)
    for v in pins:  # pinned nodes keep their exact positions
        assert after[v] == before[v], (kind, v)
    for v in hide:  # hidden nodes are not laid out
        assert after[v] == before[v], (kind, v)
    shown = [v for v in after if v not in hide]
    moved = sum(after[v] != before[v] for v in shown if v not in pins)
    assert moved >= len(shown) - len(pins) - 2, f"{kind}: only {moved} nodes moved"
    xy = np.array([after[v] for v in shown])
    d = np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1))
    np.fill_diagonal(d, np.inf)
    assert d.min() > 10, f"{kind}: two nodes {d.min():.2f} units apart"
    page.evaluate("intelbenchChart.fit()")
    drawn, over, boxes = overlaps(page)
    nodes = sum(1 for b in boxes if b[4] == "node")
    print(f"demo chart after {kind} re-layout, at Fit: {drawn} labels drawn ({nodes} entity), "
          f"{over} overlap another ({over / max(drawn, 1):.1%}); closest nodes {d.min():.0f}")
    assert drawn >= 15 and nodes >= 30
    assert over <= 0.05 * drawn, f"{kind}: {over} of {drawn} labels overlap"
    banners = page.locator(".ib-marking")
    assert banners.count() == 2
    assert all(banners.nth(i).is_visible() for i in range(2))
    assert all("OFFICIAL-SENSITIVE" in (banners.nth(i).text_content() or "") for i in range(2))


def test_relayout_button_keeps_pins_and_hidden_nodes_and_labels_readable(
    guarded_page: Any, blocked_requests: list[str], page_errors: list[str], tmp_path: Path,
    demo_chart: Any,
) -> None:
    page = guarded_page
    open_chart(page, demo_chart.save(tmp_path / "demo.html"))
    pins, hide = pin_and_hide(page, demo_chart)
    for kind in KINDS:
        before = positions(page)
        page.select_option(".ib-layout-kind", kind)
        page.click(".ib-relayout")  # animated
        page.wait_for_function("!intelbenchChart.animating()")
        check_after(page, before, pins, hide, kind)
        assert f"({kind})" in page.locator(".ib-status").text_content()
        assert sorted(page.evaluate("intelbenchChart.layoutState().pinned")) == sorted(pins)
    assert page_errors == []
    assert blocked_requests == []


def test_relayout_is_deterministic_and_restores_from_the_workspace(
    guarded_page: Any, blocked_requests: list[str], page_errors: list[str], tmp_path: Path,
    demo: tuple[nx.Graph, dict[str, Any]], demo_chart: Any,
) -> None:
    page = guarded_page
    path = demo_chart.save(tmp_path / "demo.html")
    states = []
    for _ in range(2):
        open_chart(page, path)
        pin_and_hide(page, demo_chart)
        page.evaluate("intelbenchChart.relayout('grouped', {animate: false})")
        page.evaluate("intelbenchChart.relayout('organic', {animate: false})")
        states.append(page.evaluate("intelbenchChart.layoutState()"))
    assert states[0]["positions"] == states[1]["positions"]
    # another seed gives another layout
    open_chart(page, path)
    pin_and_hide(page, demo_chart)
    page.evaluate("intelbenchChart.relayout('grouped', {animate: false, seed: 7})")
    page.evaluate("intelbenchChart.relayout('organic', {animate: false, seed: 7})")
    assert page.evaluate("intelbenchChart.layoutState()")["positions"] != states[0]["positions"]
    # saved to the workspace like any other layout, and restored to the same positions
    ws = open_as("A. Analyst", tmp_path / "ws", role="ANALYST")
    save_chart_layout(ws, "demo-chart", ChartLayout.from_doc(states[0]))
    graph, kwargs = demo
    restored = link_chart(graph, **kwargs, saved_layout=load_chart_layout(ws, "demo-chart"))
    open_chart(page, restored.save(tmp_path / "restored.html"))
    again = page.evaluate("intelbenchChart.layoutState()")
    for v, p in states[0]["positions"].items():
        assert again["positions"][v] == pytest.approx(p, abs=0.11), v
    assert sorted(again["hidden"]) == sorted(states[0]["hidden"])
    assert sorted(again["pinned"]) == sorted(states[0]["pinned"])
    assert page_errors == []
    assert blocked_requests == []


def test_widget_relayout_sends_the_new_layout_to_python(
    guarded_page: Any, blocked_requests: list[str], page_errors: list[str],
) -> None:
    """The widget's ES module carries the layout script: re-layout there, Python hears of it."""
    page = guarded_page
    G = small_graph()
    session = ChartSession(link_chart(G, seed=1))
    pump = mount_widget(page, session)

    pump()
    page.wait_for_function("el.intelbenchChart && el.intelbenchChart.ready")
    pump()
    start = session.layout_state
    # drag O-1: it is pinned where it was dropped
    drag_node(page, "O-1")
    pump()
    dropped = session.layout_state.positions["O-1"]
    page.select_option("#host .ib-layout-kind", "organic")
    page.click("#host .ib-relayout")
    page.wait_for_function("!el.intelbenchChart.animating()")
    pump()
    after = session.layout_state
    assert after.pinned == ("O-1",)
    assert after.positions["O-1"] == dropped
    assert any(after.positions[v] != start.positions[v] for v in after.positions if v != "O-1")
    assert page.locator("#host .ib-marking").count() == 2
    assert page_errors == []
    assert blocked_requests == []


def test_5000_node_relayout_is_fast(
    guarded_page: Any, blocked_requests: list[str], page_errors: list[str], tmp_path: Path
) -> None:
    page = guarded_page
    path = link_chart(big_graph(), seed=0).save(tmp_path / "big.html")
    open_chart(page, path, timeout=120_000)
    figures = {}
    for kind in KINDS:
        runs = [page.evaluate(f"intelbenchChart.relayout('{kind}', {{animate: false}}).totalMs")
                for _ in range(3)]
        figures[kind] = runs
        print(f"5,000 nodes / 15,000 links, {kind} re-layout (layout, fit and draw): best "
              f"{min(runs):.0f} ms, median {statistics.median(runs):.0f} ms "
              f"(runs {[round(r) for r in runs]})")
    assert page.evaluate("intelbenchChart.drawnNodes") == 5000
    # target well under 2 s; the best of three on a shared machine
    assert all(min(r) < 2000 for r in figures.values()), figures
    assert page_errors == []
    assert blocked_requests == []
