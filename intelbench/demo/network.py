"""Demo steps: the sample force's network, key players, OCG map, link chart and i2 export."""

from __future__ import annotations

import json
from collections.abc import Hashable
from typing import TYPE_CHECKING, Any

import networkx as nx
import pandas as pd

from intelbench.network.build import build_network
from intelbench.network.chart_attrs import annotate_for_chart
from intelbench.network.charts import link_chart
from intelbench.network.groups import communities
from intelbench.network.i2 import to_anb_tables, to_anx
from intelbench.network.measures import key_players
from intelbench.network.ocg import map_ocgs

if TYPE_CHECKING:
    from intelbench.demo.cli import DemoContext

__all__ = ["chart_step", "demo_chart_graph", "network_step"]


def network_step(ctx: DemoContext) -> list[str]:
    """Demo: build the sample force's network, rank key players and map its OCGs.

    Writes ``network/key_players.csv``, ``network/ocg_summary.csv``,
    ``network/ocg_members.csv`` and ``network/link_quarantine.csv`` under ``ctx.out`` and
    stores the graph in ``ctx.shared["graph"]`` (and the OCG map in ``ctx.shared["ocg_map"]``).
    """
    data = ctx.data
    links = pd.read_csv(data / "associations.csv", dtype=str)
    nodes = pd.read_csv(data / "entities.csv", dtype=str)
    nominals = pd.read_csv(data / "nominals.csv", dtype=str)
    graph = build_network(links, nodes, nominals=nominals)
    truth_path = data / "ocg_truth.json"
    membership: Any = None
    if truth_path.exists():
        truth = json.loads(truth_path.read_text())
        membership = {m: g.get("name", g.get("group", f"OCG-{i + 1}"))
                      for i, g in enumerate(truth.get("groups", [])) for m in g.get("members", [])}
    partners = None
    if (data / "areas.gpkg").exists():
        import pyogrio

        areas = pyogrio.read_dataframe(data / "areas.gpkg", layer="areas", read_geometry=False)
        partners = {str(a): f"{s} Community Safety Partnership"
                    for a, s in zip(areas["area_code"], areas["sector"], strict=True)}
    out = ctx.out / "network"
    out.mkdir(parents=True, exist_ok=True)
    social = graph.subgraph([v for v, t in graph.nodes(data="node_type") if t == "person"])
    kp = key_players(social, seed=1)
    kp.drop(columns=["label"]).to_csv(out / "key_players.csv", index=False)
    ocg = map_ocgs(graph, membership=membership, partners=partners, seed=1)
    summary = ocg.groups.copy()
    for c in ("brokers", "cut_points", "not_assessed", "areas", "partners"):
        summary[c] = summary[c].map(lambda xs: ";".join(map(str, xs)))
    summary.to_csv(out / "ocg_summary.csv", index=False)
    ocg.members.drop(columns=["label"]).to_csv(out / "ocg_members.csv", index=False)
    graph.graph["quarantine"].to_csv(out / "link_quarantine.csv", index=False)
    ctx.shared["graph"] = graph
    ctx.shared["ocg_map"] = ocg
    ctx.shared["key_players"] = kp
    return [
        f"network: {graph.number_of_nodes()} nodes, {graph.number_of_edges()} edges, "
        f"{graph.graph['n_quarantined']} link rows set aside ({out / 'link_quarantine.csv'})",
        f"wrote {out / 'key_players.csv'} ({len(kp)} persons ranked on person-to-person links)",
        f"wrote {out / 'ocg_summary.csv'} ({len(ocg.groups)} groups) and ocg_members.csv",
    ]


def demo_chart_graph(ctx: DemoContext) -> tuple[nx.Graph, list[Hashable], list[Hashable], str]:
    """Return the sample network annotated for the chart, the OCG members, a path and a title.

    Uses the graph, OCG map and key players of the network step when present (else builds
    them from the sample files). Nodes carry ``score`` (key-player score), ``ocg``, ``role``
    and ``community``.
    """
    graph = ctx.shared.get("graph")
    if graph is None:
        links = pd.read_csv(ctx.data / "associations.csv", dtype=str)
        nodes = pd.read_csv(ctx.data / "entities.csv", dtype=str)
        graph = build_network(links, nodes)
    members: list[Hashable] = []
    path: list[Hashable] = []
    names: list[str] = []
    membership: dict[Hashable, str] = {}
    truth_path = ctx.data / "ocg_truth.json"
    if truth_path.exists():
        truth = json.loads(truth_path.read_text())
        groups = truth.get("groups", [])
        members = [m for g in groups for m in g.get("members", []) if m in graph]
        names = [str(g.get("name", f"group {i + 1}")) for i, g in enumerate(groups)]
        membership = {m: str(g.get("name", f"OCG-{i + 1}"))
                      for i, g in enumerate(groups) for m in g.get("members", [])}
        ends = [groups[0].get("leader"), groups[0].get("cut_off", [None])[0]] if groups else []
        social = graph.subgraph(members)
        if len(ends) == 2 and all(e in social for e in ends) and nx.has_path(social, *ends):
            path = nx.shortest_path(social, ends[0], ends[1])
    persons = graph.subgraph([v for v, t in graph.nodes(data="node_type") if t == "person"])
    kp = ctx.shared.get("key_players")
    if kp is None:
        kp = key_players(persons, seed=1)
    ocg = ctx.shared.get("ocg_map")
    if ocg is None and membership:
        ocg = map_ocgs(graph, membership=membership, seed=1)
    found = communities(persons, "leiden", seed=1)
    annotated = annotate_for_chart(graph, key_players=kp, ocg=ocg, membership=membership,
                                   communities=found)
    if len(names) > 1:
        title = f"{', '.join(names[:-1])} and {names[-1]}: members and who and what links to them"
    elif names:
        title = f"{names[0]}: members and who and what links to them"
    else:
        title = "Northshire association network"
    return annotated, members, path, title


def chart_step(ctx: DemoContext) -> list[str]:
    """Demo: draw the organised crime groups as a link chart and export it for i2 ANB.

    Writes ``network/link_chart.html``, ``network/anb/`` (entity and link tables with their
    import mapping) and ``network/chart.anx`` under ``ctx.out``. Uses ``ctx.shared["graph"]``
    from the network step when present, else builds the network from the sample files.
    """
    graph, members, path, title = demo_chart_graph(ctx)
    if members:
        chart = link_chart(
            graph,
            focus=members,
            radius=1,
            seed=1,
            highlight_path=path or None,
            title=title,
            colour_by="ocg",
        )
    else:
        chart = link_chart(graph, seed=1, max_nodes=max(5000, graph.number_of_nodes()),
                           title=title)
    out = ctx.out / "network"
    chart_file = chart.save(out / "link_chart.html")
    base = ctx.shared.get("graph", graph)
    sub = base.subgraph(chart.nodes["id"].tolist())
    pos = dict(
        zip(chart.nodes["id"], zip(chart.nodes["x"], chart.nodes["y"], strict=True), strict=True)
    )
    tables = to_anb_tables(sub, out / "anb")
    anx = to_anx(sub, out / "chart.anx", positions=pos)
    return [
        f"wrote {chart_file} ({len(chart.nodes)} nodes, {len(chart.edges)} links, "
        f"{len(chart.html) / 1e6:.2f} MB, offline)",
        f"wrote {tables['entities'].parent} (i2 ANB entity/link tables and import mapping)",
        f"wrote {anx} (i2 ANB chart, ANX XML)",
    ]
