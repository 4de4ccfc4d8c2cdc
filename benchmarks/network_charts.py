"""Link chart speed and size on a 5,000-node, 15,000-edge network, beside a naive baseline.

pyvis is not in the lock, so the side-by-side baseline is networkx ``spring_layout`` (its
default 50 iterations, with ``seed``) on the same graph; the chart's own layout is igraph
Fruchterman-Reingold, per connected component. Also times the i2 exports.
Run: ``.venv/bin/python benchmarks/network_charts.py``.
"""

from __future__ import annotations

import importlib.util
import json
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np

from intelbench.network import chart_layout, link_chart, to_anb_tables, to_anx


def timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    t0 = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t0


def graph(n: int = 5000, m: int = 15000, seed: int = 0) -> nx.Graph:
    G = nx.gnm_random_graph(n, m, seed=seed)
    types = ["person", "phone", "vehicle", "address", "organisation", "event"]
    rng = np.random.default_rng(seed)
    for v in G:
        G.nodes[v].update(node_type=types[int(rng.integers(6))], label=f"Entity {v}")
    for u, v in G.edges():
        G.edges[u, v].update(weight=float(rng.integers(1, 20)), count=1,
                             link_types=("associate",), reports=(f"IR-2026-{u:06d}",),
                             grades=("2BP",), first_seen="2026-01-01", last_seen="2026-02-01")
    return G


def main() -> None:
    G = graph()
    print(f"graph: {G.number_of_nodes()} nodes, {G.number_of_edges()} edges")
    print(f"pyvis installed: {importlib.util.find_spec('pyvis') is not None}")
    import igraph  # noqa: F401  (import cost is not part of the layout timing)

    _, t_layout = timed(lambda: chart_layout(G, seed=0))
    _, t_spring = timed(lambda: nx.spring_layout(G, seed=0))
    print(f"layout: intelbench chart_layout (igraph FR) {t_layout:.2f} s; "
          f"networkx spring_layout {t_spring:.2f} s; ratio {t_spring / t_layout:.1f}x")
    chart, t_chart = timed(lambda: link_chart(G, seed=0))
    size = len(chart.html.encode("utf-8"))
    print(f"link_chart total (layout + HTML): {t_chart:.2f} s, HTML {size / 1e6:.2f} MB")
    pos = nx.spring_layout(G, seed=0)
    naive, t_naive = timed(lambda: "<html><body><script>var d=" + json.dumps({
        "nodes": [[str(v), G.nodes[v]["label"], *map(float, pos[v])] for v in G],
        "edges": [[str(u), str(v), d["weight"]] for u, v, d in G.edges(data=True)],
    }) + "</script></body></html>")
    print(f"naive JSON page (no escaping, no script, no evidence): "
          f"{t_naive:.2f} s serialising, {len(naive.encode()) / 1e6:.2f} MB")
    with tempfile.TemporaryDirectory() as tmp:
        _, t_save = timed(lambda: chart.save(Path(tmp) / "c.html"))
        _, t_tab = timed(lambda: to_anb_tables(G, Path(tmp) / "anb"))
        anx, t_anx = timed(lambda: to_anx(G, Path(tmp) / "c.anx", positions=dict(
            zip(chart.nodes["id"], zip(chart.nodes["x"], chart.nodes["y"], strict=True),
                strict=True))))
        print(f"save HTML {t_save:.2f} s; ANB tables {t_tab:.2f} s; "
              f"ANX {t_anx:.2f} s ({anx.stat().st_size / 1e6:.2f} MB)")


if __name__ == "__main__":
    main()
