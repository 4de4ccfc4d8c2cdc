"""Link chart in Chromium: label overlap on the demo chart, first-draw times, screenshots.

* Label overlap: the demo chart (the sample force's three OCGs and everything linked to them)
  at Fit and zoomed twice (x2.5 and x6.25 on the highest-ranked entity). Each drawn label's
  ink box is measured again with ``measureText``; a label overlaps when its box intersects
  another drawn label's box.
* First draw: 5,000 nodes / 15,000 links (igraph layout) and 20,000 nodes / ~60,000 links
  (a random geometric graph, whose links are short as in a laid-out chart). ``first draw`` is
  the time of the chart's first draw call; ``first frame`` runs to the second animation frame
  after it (the frame holding the chart has been produced). Best and median of ``--runs``.
* Screenshots to ``out/screens/`` (Fit, two zooms, a selection with its details).
* Re-layout in the page: the demo chart before and after an organic, a grouped and a radial
  re-layout (two nodes pinned, two hidden; labels measured at Fit; screenshots), and the time
  of each re-layout of the 5,000-node chart (layout, refit and redraw, no animation).

Run: ``PYTHONPATH=. .venv/bin/python benchmarks/link_chart.py [--runs 5] [--data data_samples]``.
Chromium is ``/usr/bin/chromium`` (``INTELBENCH_CHROMIUM`` to change), headless, offline.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np

from intelbench.demo.cli import DemoContext
from intelbench.demo.network import demo_chart_graph
from intelbench.network import chart_layout, link_chart

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("INTELBENCH_CHROMIUM", "/usr/bin/chromium")
MEASURE_JS = """() => {
  const c = document.createElement('canvas').getContext('2d');
  c.textAlign = 'left'; c.textBaseline = 'top';
  return intelbenchChart.labels.map((l) => {
    c.font = l.font;
    const m = c.measureText(l.text);
    return [l.x - m.actualBoundingBoxLeft, l.y - m.actualBoundingBoxAscent,
            l.x + m.actualBoundingBoxRight, l.y + m.actualBoundingBoxDescent];
  });
}"""


def overlap(page: Any) -> tuple[int, int]:
    """(labels drawn, labels whose box intersects another drawn label's box)."""
    arr = np.array(page.evaluate(MEASURE_JS), dtype=float).reshape(-1, 4)
    x0, y0, x1, y1 = arr.T
    inter = ((x0[:, None] < x1[None, :]) & (x1[:, None] > x0[None, :])
             & (y0[:, None] < y1[None, :]) & (y1[:, None] > y0[None, :]))
    np.fill_diagonal(inter, False)
    return len(arr), int(inter.any(axis=1).sum())


def open_chart(page: Any, path: Path) -> None:
    page.goto(path.resolve().as_uri(), timeout=180_000)
    page.wait_for_function("window.intelbenchChart && intelbenchChart.ready", timeout=180_000)
    page.wait_for_function("intelbenchChart.paintedMs !== null", timeout=180_000)


def big_graph(n: int = 5000, m: int = 15000, seed: int = 0) -> nx.Graph:
    G = nx.gnm_random_graph(n, m, seed=seed)
    types = ["person", "phone", "vehicle", "address", "organisation", "event"]
    rng = np.random.default_rng(seed)
    for v in G:
        G.nodes[v].update(node_type=types[int(rng.integers(6))], label=f"Entity {v}")
    for u, v in G.edges():
        G.edges[u, v].update(weight=float(rng.integers(1, 20)), link_types=("associate",),
                             reports=(f"IR-{u}-{v}",), grades=("2BP",))
    return G


def geometric_graph(n: int, m: int, seed: int = 1) -> tuple[nx.Graph, dict[int, tuple]]:
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


def draw_times(page: Any, path: Path, runs: int) -> tuple[list[float], list[float]]:
    firsts, frames = [], []
    for _ in range(runs):
        open_chart(page, path)
        s = page.evaluate("({f: intelbenchChart.firstRenderMs, p: intelbenchChart.paintedMs})")
        firsts.append(s["f"])
        frames.append(s["p"])
    return firsts, frames


def summary(name: str, firsts: list[float], frames: list[float]) -> str:
    return (f"{name}: first draw best {min(firsts):.0f} ms, median "
            f"{statistics.median(firsts):.0f} ms; first frame best {min(frames):.0f} ms, median "
            f"{statistics.median(frames):.0f} ms (runs {[round(f) for f in firsts]})")


def relayout_demo(page: Any, demo: Any, tmp: Path, screens: Path) -> None:
    """The demo chart before and after re-layout in the page, with two pins and two hidden."""
    open_chart(page, demo.save(tmp / "demo_relayout.html"))
    order = [str(demo.data["nodes"]["id"][k]) for k in demo.data["nodes"]["order"]]
    for v in order[1:3]:
        page.evaluate(f"intelbenchChart.select({json.dumps(v)})")
        page.click(".ib-pin")
    page.evaluate(f"intelbenchChart.hide({json.dumps(order[5:7])})")
    page.evaluate("intelbenchChart.select(null)")
    page.evaluate("intelbenchChart.fit()")
    drawn, over = overlap(page)
    page.screenshot(path=str(screens / "link_chart_relayout_before.png"))
    print(f"  before re-layout (2 pinned, 2 hidden), at Fit: {drawn} labels drawn, {over} "
          f"overlap; screenshot {screens / 'link_chart_relayout_before.png'}")
    for kind in ("organic", "grouped", "radial"):
        page.select_option(".ib-layout-kind", kind)
        page.click(".ib-relayout")
        page.wait_for_function("!intelbenchChart.animating()")
        ms = page.evaluate("intelbenchChart.lastRelayout")
        drawn, over = overlap(page)
        shot = screens / f"link_chart_relayout_{kind}.png"
        page.screenshot(path=str(shot))
        print(f"  after {kind} re-layout (layout {ms['layoutMs']:.0f} ms; {ms['totalMs']:.0f} ms "
              f"with the animation), at Fit: "
              f"{drawn} labels drawn, {over} overlap ({over / max(drawn, 1):.1%}); "
              f"screenshot {shot}")


def relayout_times(page: Any, runs: int) -> None:
    """Re-layout of the chart open in ``page`` (the 5,000-node one), each kind ``runs`` times."""
    for kind in ("organic", "grouped", "radial"):
        times = [page.evaluate(f"intelbenchChart.relayout('{kind}', {{animate: false}})")
                 for _ in range(runs)]
        total = [t["totalMs"] for t in times]
        layout = [t["layoutMs"] for t in times]
        print(f"5,000 nodes / 15,000 links, {kind} re-layout: best {min(total):.0f} ms, median "
              f"{statistics.median(total):.0f} ms (of which layout {statistics.median(layout):.0f}"
              f" ms; runs {[round(x) for x in total]})")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--data", type=Path, default=ROOT / "data_samples")
    ap.add_argument("--screens", type=Path, default=ROOT / "out" / "screens")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    args.screens.mkdir(parents=True, exist_ok=True)
    graph, members, path, title = demo_chart_graph(
        DemoContext(data=args.data, out=Path("unused"), shared={}))
    demo = link_chart(graph, focus=members, radius=1, seed=1, highlight_path=path or None,
                      title=title, colour_by="ocg")
    top = str(demo.data["nodes"]["id"][demo.data["nodes"]["order"][0]])
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:")
                   else r.abort())
        open_chart(page, demo.save(Path(tmp) / "demo.html"))
        print(f"demo chart: {title!r}, {len(demo.nodes)} nodes, {len(demo.edges)} links")
        for step, js, shot in (
            ("Fit", "intelbenchChart.fit()", "link_chart_fit.png"),
            ("zoom x2.5", f"intelbenchChart.zoom(2.5, {json.dumps(top)})", "link_chart_zoom1.png"),
            ("zoom x6.25", f"intelbenchChart.zoom(2.5, {json.dumps(top)})",
             "link_chart_zoom2.png"),
        ):
            page.evaluate(js)
            drawn, over = overlap(page)
            page.screenshot(path=str(args.screens / shot))
            print(f"  {step}: {drawn} labels drawn, {over} overlap another "
                  f"({over / max(drawn, 1):.1%}); screenshot {args.screens / shot}")
        page.evaluate("intelbenchChart.fit()")
        page.evaluate(f"intelbenchChart.select({json.dumps(top)})")
        page.select_option(".ib-colour-by", "role")
        page.screenshot(path=str(args.screens / "link_chart_selected_roles.png"))
        print(f"  selection, coloured by key-player role: "
              f"{args.screens / 'link_chart_selected_roles.png'}")
        relayout_demo(page, demo, Path(tmp), args.screens)
        t0 = time.perf_counter()
        G = big_graph()
        big = link_chart(G, positions=chart_layout(G, seed=0))
        print(f"5,000-node chart built in Python in {time.perf_counter() - t0:.1f} s "
              f"({len(big.html) / 1e6:.1f} MB)")
        print(summary("5,000 nodes / 15,000 links",
                      *draw_times(page, big.save(Path(tmp) / "big.html"), args.runs)))
        relayout_times(page, args.runs)
        H, pos = geometric_graph(20_000, 60_000)
        huge = link_chart(H, positions=pos, max_nodes=20_000)
        print(summary(f"20,000 nodes / {H.number_of_edges():,} links",
                      *draw_times(page, huge.save(Path(tmp) / "huge.html"), args.runs)))
        browser.close()
    print(f"load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
