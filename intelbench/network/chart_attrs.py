"""Put the analysis on the chart: key-player score, OCG, role and community as node attributes.

:func:`annotate_for_chart` copies a network and writes onto its nodes what
:func:`~intelbench.network.charts.link_chart` reads: ``score`` (which labels win space first),
``ocg``, ``role`` and ``community`` (what the analyst can colour by).
"""

# ruff: noqa: N803, N806  (G for graphs, as in networkx)

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import Any

import networkx as nx
import pandas as pd

__all__ = ["annotate_for_chart"]


def annotate_for_chart(
    G: nx.Graph,
    *,
    key_players: pd.DataFrame | None = None,
    ocg: Any = None,
    membership: Mapping[Hashable, Any] | None = None,
    communities: Any = None,
) -> nx.Graph:
    """Return a copy of ``G`` with chart attributes on its nodes.

    Parameters
    ----------
    G : networkx.Graph
        The network. It is not modified.
    key_players : pandas.DataFrame, optional
        From :func:`key_players`: its ``score`` becomes the node's ``score``.
    ocg : OCGMap, optional
        From :func:`map_ocgs`: each member gets ``ocg`` (the group) and ``role`` (leader,
        broker, cut-point or member).
    membership : dict, optional
        Node -> group name, for ``ocg`` when no OCG map is given.
    communities : Communities or dict, optional
        From :func:`communities`: ``community`` ("Community 3").

    Returns
    -------
    networkx.Graph
        The annotated copy.

    Examples
    --------
    >>> import networkx as nx, pandas as pd
    >>> G = nx.path_graph(["A", "B", "C"])
    >>> kp = pd.DataFrame({"node": ["A", "B"], "score": [0.2, 0.9]})
    >>> H = ib.network.chart_attrs.annotate_for_chart(G, key_players=kp, membership={"B": "Crew"})
    >>> H.nodes["B"], "score" in G.nodes["B"]
    ({'score': 0.9, 'ocg': 'Crew'}, False)
    """
    H = G.copy()
    if key_players is not None and len(key_players):
        for v, s in zip(key_players["node"], key_players["score"], strict=True):
            if v in H:
                H.nodes[v]["score"] = float(s)
    if ocg is not None:
        members = ocg.members
        for v, group, roles in zip(members["node"], members["group"], members["roles"],
                                   strict=True):
            if v in H:
                H.nodes[v]["ocg"] = str(group)
                H.nodes[v]["role"] = str(roles).split(";")[0].split(",")[0].strip() or "member"
    elif membership is not None:
        for v, group in membership.items():
            if v in H and group is not None:
                H.nodes[v]["ocg"] = str(group)
    if communities is not None:
        found = getattr(communities, "membership", communities)
        items = found.items() if hasattr(found, "items") else []
        for v, c in items:
            if v in H:
                H.nodes[v]["community"] = f"Community {c}"
    return H
