"""Network analysis speed, side by side with networkx in one run.

Prints each timing, the ratio networkx / intelbench and the largest difference in values.
Run: ``.venv/bin/python benchmarks/network.py`` (add ``--skip-nx-exact`` to skip the ~90 s
networkx exact betweenness).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

import intelbench.network as net


def timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    t0 = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t0


def row(name: str, t_nx: float | None, t_ib: float, note: str = "") -> None:
    ratio = f"{t_nx / t_ib:6.1f}x" if t_nx else "     - "
    nx_s = f"{t_nx:8.2f} s" if t_nx else "       - "
    print(f"{name:<44} networkx {nx_s}  intelbench {t_ib:8.2f} s  ratio {ratio}  {note}",
          flush=True)


def random_graph(n: int, m: int, seed: int) -> nx.Graph:
    rng = np.random.default_rng(seed)
    edges: set[tuple[int, int]] = set()
    while len(edges) < m:
        a = rng.integers(0, n, 2 * m)
        b = rng.integers(0, n, 2 * m)
        for u, v in zip(a.tolist(), b.tolist(), strict=True):
            if u != v:
                edges.add((min(u, v), max(u, v)))
                if len(edges) == m:
                    break
    G = nx.Graph()
    G.add_nodes_from(range(n))
    G.add_edges_from(edges)
    return G


def main(argv: list[str]) -> None:
    skip_exact = "--skip-nx-exact" in argv
    G = random_graph(5000, 15000, seed=1)
    print(f"graph: {G.number_of_nodes()} nodes, {G.number_of_edges()} edges")

    ours, t_ib = timed(lambda: net.betweenness(G))
    if skip_exact:
        row("exact betweenness", None, t_ib, "(networkx skipped)")
    else:
        ref, t_nx = timed(lambda: nx.betweenness_centrality(G))
        diff = float(np.max(np.abs(ours["betweenness"] - pd.Series(ref).reindex(ours.index))))
        row("exact betweenness", t_nx, t_ib, f"max |diff| {diff:.1e}")

    ours_s, t_ib = timed(lambda: net.betweenness(G, exact_max=1000, k=200, seed=1))
    _, t_nx = timed(lambda: nx.betweenness_centrality(G, k=200, seed=1))
    row("sampled betweenness (k=200)", t_nx, t_ib,
        f"median SE {float(ours_s['betweenness_se'].median()):.1e}")

    c_ib, t_ib = timed(lambda: net.communities(G, "louvain", seed=1, weight=None))
    c_nx, t_nx = timed(lambda: nx.community.louvain_communities(G, seed=1))
    row("Louvain (networkx inside)", t_nx, t_ib, f"Q {c_ib.modularity:.4f}")
    c_ld, t_ib = timed(lambda: net.communities(G, "leiden", seed=1, weight=None))
    row("Leiden vs networkx Louvain", t_nx, t_ib, f"Q {c_ld.modularity:.4f}")

    con, t_ib = timed(lambda: net.constraint(G))
    ref_c, t_nx = timed(lambda: nx.constraint(G))
    diff = float(np.nanmax(np.abs(con - pd.Series(ref_c).reindex(con.index))))
    row("Burt constraint", t_nx, t_ib, f"max |diff| {diff:.1e}")
    es, t_ib = timed(lambda: net.effective_size(G))
    ref_e, t_nx = timed(lambda: nx.effective_size(G))
    diff = float(np.nanmax(np.abs(es - pd.Series(ref_e).reindex(es.index))))
    row("effective size", t_nx, t_ib, f"max |diff| {diff:.1e}")

    kp, t_ib = timed(lambda: net.key_players(G, seed=1))
    row("key_players (all measures, 5k nodes)", None, t_ib)

    big = random_graph(100_000, 500_000, seed=2)
    kp, t_ib = timed(lambda: net.key_players(big, seed=1))
    row("key_players 100k nodes / 500k edges", None, t_ib,
        f"target < 60 s; sampled {list(kp.attrs['sampled'])}, skipped {list(kp.attrs['skipped'])}")

    rng = np.random.default_rng(0)
    n = 1_000_000
    day = pd.Timestamp("2025-01-01") + pd.to_timedelta(rng.integers(0, 365, n), unit="D")
    links = pd.DataFrame({
        "source": np.char.add("P-", rng.integers(0, 50_000, n).astype(str)),
        "target": np.char.add("T-", rng.integers(0, 20_000, n).astype(str)),
        "source_type": "person", "target_type": "phone",
        "link_type": rng.choice(["uses_phone", "calls"], n),
        "first_seen": day.strftime("%Y-%m-%d"),
        "last_seen": (day + pd.Timedelta(days=30)).strftime("%Y-%m-%d"),
        "count": rng.integers(1, 5, n),
        "report_urn": np.char.add("IR-2026-", rng.integers(0, 200_000, n).astype(str)),
        "grade": rng.choice(["1AP", "2BP", "3CC"], n),
    })
    Gb, t_ib = timed(lambda: net.build_network(links))
    row("build_network 1M rows, ~1M distinct pairs", None, t_ib,
        f"target < 10 s; {Gb.number_of_nodes()} nodes, {Gb.number_of_edges()} edges")
    # A more usual table: the same pairs seen again and again (100k distinct pairs).
    pair = rng.integers(0, 100_000, n)
    links["source"] = np.char.add("P-", (pair % 50_000).astype(str))
    links["target"] = np.char.add("T-", (pair // 5).astype(str))
    Gb, t_ib = timed(lambda: net.build_network(links))
    row("build_network 1M rows, 100k distinct pairs", None, t_ib,
        f"target < 10 s; {Gb.number_of_nodes()} nodes, {Gb.number_of_edges()} edges")


if __name__ == "__main__":
    main(sys.argv[1:])
